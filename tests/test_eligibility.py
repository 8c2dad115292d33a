from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from builders import (
    PERSONAL,
    VALID_ID_NUMBER,
    cny,
    make_claim,
    make_coverage,
    make_party,
    make_policy,
)
from renewal_core import testing
from renewal_core.eligibility import (
    DEFAULT_RULES,
    ClaimHistory,
    CustomerData,
    Decision,
    FraudAndSanctions,
    MaximumRenewalAge,
    Outcome,
    PolicyStatusRule,
    ProductTerms,
    ProductWithdrawn,
    Rule,
    SumInsuredLimits,
    UnpaidPremium,
    VehicleAge,
    WithinRenewalWindow,
    all_of,
    any_of,
    check_eligibility,
    completed_years,
    default_rules,
    not_,
    only_for,
    outcome_of,
    rule,
)
from renewal_core.errors import (
    CurrencyMismatch,
    DateTypeError,
    InvalidField,
    NaiveDateTimeError,
)
from renewal_core.facts import RenewalFacts, RenewalSubject
from renewal_core.materials import Materials
from renewal_core.model import ClaimStatus, IdKind, LineOfBusiness, PaymentStatus, PolicyStatus
from renewal_core.money import Money
from renewal_core.reasons import Reason, Severity
from renewal_core.windows import (
    DEFAULT_WINDOW_POLICIES,
    LateRenewal,
    RenewalWindowConfig,
    RenewalWindowPolicy,
)

VALID_ID = VALID_ID_NUMBER  # born 1990-03-07
# The policy's term runs 2024-03-01 to 2025-02-28; the auto window opens 90 days before
# the expiry day: 2025-02-28 - 28 days = 2025-01-31, - 31 = 2024-12-31, - 31 = 2024-11-30.
IN_WINDOW = pendulum.date(2025, 2, 10)
OPENS_ON = pendulum.date(2024, 11, 30)


def clean_policy(**changes: Any) -> Any:
    """A policy every default rule passes on ``IN_WINDOW`` (given clean facts)."""
    fields: dict[str, Any] = {
        "holder": make_party(id_number=VALID_ID),
        "claims": [],
    }
    fields.update(changes)
    return make_policy(**fields)


CLEAN_FACTS = RenewalFacts(vehicle_first_registered=dt.date(2020, 5, 1))


def subject(policy: Any = None, as_of: dt.date = IN_WINDOW, **facts: Any) -> RenewalSubject:
    return RenewalSubject.of(
        clean_policy() if policy is None else policy, as_of, RenewalFacts(**facts)
    )


def codes(reasons: Iterable[Reason]) -> list[str]:
    return [reason.code for reason in reasons]


def severities(reasons: Iterable[Reason]) -> list[Severity]:
    return [reason.severity for reason in reasons]


# ---------------------------------------------------------------- outcome and decision


def test_a_clean_policy_is_eligible_with_no_reasons() -> None:
    decision = check_eligibility(clean_policy(), as_of=IN_WINDOW, context=CLEAN_FACTS)
    assert decision.outcome is Outcome.ELIGIBLE
    assert decision.eligible
    assert decision.reasons == ()
    assert decision.as_of == IN_WINDOW
    assert decision.checked == tuple(rule_.name for rule_ in DEFAULT_RULES)
    assert decision.complete


def test_every_reason_is_reported_at_once_in_rule_order() -> None:
    policy = clean_policy(status=PolicyStatus.CANCELLED)
    facts = RenewalFacts(
        outstanding_premium=cny("10.00"),
        fraud_flag=True,
        vehicle_first_registered=dt.date(2020, 5, 1),
    )
    decision = check_eligibility(policy, as_of=pendulum.date(2024, 11, 1), context=facts)
    assert decision.outcome is Outcome.INELIGIBLE
    assert not decision.eligible
    assert decision.codes == (
        "outside_window.too_early",
        "status.cancelled",
        "unpaid.premium",
        "flag.fraud",
    )
    assert decision.with_severity(Severity.BLOCK) == decision.reasons
    assert decision.with_severity(Severity.INFO) == ()


def test_stop_at_first_block_stops_after_the_first_blocking_rule() -> None:
    policy = clean_policy(status=PolicyStatus.CANCELLED)
    decision = check_eligibility(
        policy, as_of=pendulum.date(2024, 11, 1), context=CLEAN_FACTS, stop_at_first_block=True
    )
    assert decision.outcome is Outcome.INELIGIBLE
    assert decision.codes == ("outside_window.too_early",)
    assert decision.checked == ("renewal_window",)
    assert not decision.complete


def test_stop_at_first_block_runs_everything_when_nothing_blocks() -> None:
    decision = check_eligibility(
        clean_policy(), as_of=IN_WINDOW, context=CLEAN_FACTS, stop_at_first_block=True
    )
    assert decision.complete
    assert len(decision.checked) == len(DEFAULT_RULES)


def test_a_block_in_the_last_rule_still_counts_as_complete() -> None:
    decision = check_eligibility(
        clean_policy(),
        as_of=IN_WINDOW,
        rules=[PolicyStatusRule(), FraudAndSanctions()],
        context=RenewalFacts(sanctions_hit=True),
        stop_at_first_block=True,
    )
    assert decision.complete
    assert decision.codes == ("flag.sanctions",)


def test_outcome_of_takes_the_heaviest_severity() -> None:
    info = Reason("a", Severity.INFO, "r", "m")
    refer = Reason("b", Severity.REFER, "r", "m")
    block = Reason("c", Severity.BLOCK, "r", "m")
    assert outcome_of([]) is Outcome.ELIGIBLE
    assert outcome_of([info]) is Outcome.ELIGIBLE
    assert outcome_of([info, refer]) is Outcome.REFER
    assert outcome_of([refer, block, info]) is Outcome.INELIGIBLE


def test_decision_refuses_an_outcome_that_does_not_match_its_reasons() -> None:
    refer = Reason("b", Severity.REFER, "r", "m")
    with pytest.raises(InvalidField, match="the reasons lead to REFER, not ELIGIBLE"):
        Decision(Outcome.ELIGIBLE, (refer,), IN_WINDOW)
    with pytest.raises(InvalidField, match=r"reasons\[0\]: must be a Reason, not str"):
        Decision(Outcome.ELIGIBLE, ("x",), IN_WINDOW)  # type: ignore[arg-type]
    with pytest.raises(InvalidField, match="reasons: must be a tuple, not list"):
        Decision(Outcome.ELIGIBLE, [], IN_WINDOW)  # type: ignore[arg-type]
    with pytest.raises(InvalidField, match="checked: must be a tuple of rule names"):
        Decision(Outcome.ELIGIBLE, (), IN_WINDOW, ("a", 1))  # type: ignore[arg-type]
    with pytest.raises(InvalidField, match="complete: must be True or False"):
        Decision(Outcome.ELIGIBLE, (), IN_WINDOW, (), 1)  # type: ignore[arg-type]
    with pytest.raises(DateTypeError, match=r"Decision\.as_of must be a date, not datetime"):
        Decision(Outcome.ELIGIBLE, (), dt.datetime(2025, 1, 1))  # type: ignore[arg-type]  # noqa: DTZ001 - naive on purpose


def test_decision_explains_itself_line_by_line() -> None:
    decision = check_eligibility(
        clean_policy(), as_of=IN_WINDOW, context=RenewalFacts(fraud_indicators=["staged_accident"])
    )
    assert decision.explain() == (
        "refer on 2025-02-10:\n"
        "- [info] vehicle.age_unknown (vehicle_age): the vehicle's first registration day "
        "is unknown\n"
        "- [refer] flag.fraud_indicators (flags): 1 fraud signal(s) raised"
    )


def test_as_of_may_be_an_aware_instant_and_counts_in_the_policy_zone() -> None:
    # 16:30 UTC on 29 November is 00:30 on 30 November in Shanghai: the window is open.
    instant = pendulum.datetime(2024, 11, 29, 16, 30, tz="UTC")
    decision = check_eligibility(clean_policy(), as_of=instant, context=CLEAN_FACTS)
    assert decision.as_of == OPENS_ON
    assert decision.eligible
    early = check_eligibility(
        clean_policy(),
        as_of=pendulum.datetime(2024, 11, 29, 15, 59, tz="UTC"),
        context=CLEAN_FACTS,
    )
    assert early.codes == ("outside_window.too_early",)


def test_as_of_must_be_a_date_or_an_aware_datetime() -> None:
    with pytest.raises(NaiveDateTimeError):
        check_eligibility(clean_policy(), as_of=dt.datetime(2025, 2, 10))  # noqa: DTZ001 - naive on purpose
    with pytest.raises(DateTypeError):
        check_eligibility(clean_policy(), as_of="2025-02-10")  # type: ignore[arg-type]


def test_facts_in_another_currency_are_refused() -> None:
    with pytest.raises(CurrencyMismatch):
        check_eligibility(
            clean_policy(),
            as_of=IN_WINDOW,
            context=RenewalFacts(outstanding_premium=Money("1", "USD")),
        )


# ---------------------------------------------------------------- rules and combinators


@attrs.frozen
class Constant:
    """A test rule that always gives the same reasons."""

    name: str
    reasons: tuple[Reason, ...] = ()

    def check(self, subject: RenewalSubject) -> Iterable[Reason]:
        return self.reasons


def reason_of(
    severity: Severity, code: str = "test.finding", rule_name: str = "constant"
) -> Reason:
    return Reason(code, severity, rule_name, f"a {severity.value} finding")


SEVERITY_LISTS = st.lists(st.sampled_from(list(Severity)), max_size=3)


def constant(severities_: Sequence[Severity], name: str = "constant") -> Constant:
    return Constant(
        name,
        tuple(
            reason_of(severity, f"test.r{index}", name)
            for index, severity in enumerate(severities_)
        ),
    )


RANK = {Outcome.ELIGIBLE: 0, Outcome.REFER: 1, Outcome.INELIGIBLE: 2}


OUTCOME_OF_RANK = (Outcome.ELIGIBLE, Outcome.REFER, Outcome.INELIGIBLE)
WEIGHT = {Severity.INFO: 0, Severity.REFER: 1, Severity.BLOCK: 2}


def outcome_of_rule(rule_: Rule, subject_: RenewalSubject) -> Outcome:
    # Worked out here, not with the library's outcome_of: the heaviest severity.
    return OUTCOME_OF_RANK[max((WEIGHT[r.severity] for r in rule_.check(subject_)), default=0)]


SUBJECT = subject()


@given(st.lists(SEVERITY_LISTS, min_size=1, max_size=4))
def test_all_of_takes_the_heaviest_outcome_and_keeps_every_reason(
    lists: list[list[Severity]],
) -> None:
    rules = [constant(items, f"c{index}") for index, items in enumerate(lists)]
    combined = all_of(*rules)
    outcomes = [outcome_of_rule(rule_, SUBJECT) for rule_ in rules]
    assert outcome_of_rule(combined, SUBJECT) is max(outcomes, key=RANK.__getitem__)
    assert list(combined.check(SUBJECT)) == [r for rule_ in rules for r in rule_.check(SUBJECT)]


@given(st.lists(SEVERITY_LISTS, min_size=1, max_size=4))
def test_any_of_takes_the_mildest_outcome(lists: list[list[Severity]]) -> None:
    rules = [constant(items, f"c{index}") for index, items in enumerate(lists)]
    combined = any_of(*rules)
    outcomes = [outcome_of_rule(rule_, SUBJECT) for rule_ in rules]
    mildest = min(outcomes, key=RANK.__getitem__)
    assert outcome_of_rule(combined, SUBJECT) is mildest
    # The reasons given are those of the first rule with the mildest outcome.
    first = next(
        rule_ for rule_, outcome in zip(rules, outcomes, strict=True) if outcome is mildest
    )
    assert tuple(combined.check(SUBJECT)) == first.reasons


@given(SEVERITY_LISTS)
def test_one_rule_combined_alone_behaves_as_itself(items: list[Severity]) -> None:
    rule_ = constant(items)
    assert tuple(all_of(rule_).check(SUBJECT)) == rule_.reasons
    assert tuple(any_of(rule_).check(SUBJECT)) == rule_.reasons
    assert tuple(any_of(rule_, rule_).check(SUBJECT)) == rule_.reasons


@given(SEVERITY_LISTS, SEVERITY_LISTS, SEVERITY_LISTS)
def test_all_of_and_any_of_are_associative_in_outcome(
    a: list[Severity], b: list[Severity], c: list[Severity]
) -> None:
    ra, rb, rc = constant(a, "a"), constant(b, "b"), constant(c, "c")
    for combine in (all_of, any_of):
        left = outcome_of_rule(combine(combine(ra, rb), rc), SUBJECT)
        right = outcome_of_rule(combine(ra, combine(rb, rc)), SUBJECT)
        swapped = outcome_of_rule(combine(rc, rb, ra), SUBJECT)
        assert left is right is swapped


@given(SEVERITY_LISTS, SEVERITY_LISTS)
def test_de_morgan_on_pass_and_fail(a: list[Severity], b: list[Severity]) -> None:
    ra, rb = constant(a, "a"), constant(b, "b")

    def passes(rule_: Rule) -> bool:
        return outcome_of_rule(rule_, SUBJECT) is Outcome.ELIGIBLE

    def negate(rule_: Rule) -> Rule:
        return not_(rule_, code="test.negated", message="negated")

    assert passes(negate(all_of(ra, rb))) == passes(any_of(negate(ra), negate(rb)))
    assert passes(negate(any_of(ra, rb))) == passes(all_of(negate(ra), negate(rb)))


@given(SEVERITY_LISTS)
def test_not_inverts_pass_and_fail(items: list[Severity]) -> None:
    inner = constant(items, "inner")
    negated = not_(inner, code="test.negated", message="the inner rule passed")
    inner_passes = outcome_of_rule(inner, SUBJECT) is Outcome.ELIGIBLE
    found = tuple(negated.check(SUBJECT))
    if inner_passes:
        assert found == (
            Reason("test.negated", Severity.BLOCK, "not(inner)", "the inner rule passed"),
        )
    else:
        assert found == ()
    double = not_(negated, code="test.double", message="m", severity=Severity.REFER, name="twice")
    assert (outcome_of_rule(double, SUBJECT) is Outcome.ELIGIBLE) == inner_passes
    assert double.name == "twice"


def test_combinators_name_themselves_after_their_rules() -> None:
    a, b = Constant("a"), Constant("b")
    assert all_of(a, b).name == "all_of(a, b)"
    assert any_of(a, b).name == "any_of(a, b)"
    assert any_of(a, b, name="either").name == "either"
    assert not_(a, code="x.y", message="m").name == "not(a)"
    assert only_for(LineOfBusiness.AUTO, a).name == "a"


def test_only_for_runs_the_rule_for_its_lines_only() -> None:
    blocking = constant([Severity.BLOCK])
    auto_only = only_for(LineOfBusiness.AUTO, blocking)
    health_or_life = only_for([LineOfBusiness.HEALTH, LineOfBusiness.LIFE], blocking)
    auto = subject()
    health = subject(clean_policy(line_of_business=LineOfBusiness.HEALTH))
    assert tuple(auto_only.check(auto)) == blocking.reasons
    assert tuple(auto_only.check(health)) == ()
    assert tuple(health_or_life.check(health)) == blocking.reasons
    assert tuple(health_or_life.check(auto)) == ()


def test_combinators_refuse_bad_input() -> None:
    with pytest.raises(InvalidField, match="must hold at least one rule"):
        all_of()
    with pytest.raises(InvalidField, match="must hold at least one rule"):
        any_of()
    with pytest.raises(InvalidField, match=r"rules\[1\]: must be a Rule"):
        all_of(Constant("a"), "b")  # type: ignore[arg-type]
    with pytest.raises(InvalidField, match="rule: must be a Rule"):
        not_("a", code="x", message="m")  # type: ignore[arg-type]
    with pytest.raises(InvalidField, match="code: must be lower-case words"):
        not_(Constant("a"), code="Bad Code", message="m")
    with pytest.raises(InvalidField, match="lines: must be LineOfBusiness members"):
        only_for(["auto"], Constant("a"))  # type: ignore[list-item]
    with pytest.raises(InvalidField, match="lines: must name at least one"):
        only_for([], Constant("a"))
    with pytest.raises(InvalidField, match="rule: must be a Rule"):
        only_for(LineOfBusiness.AUTO, object())  # type: ignore[arg-type]
    with pytest.raises(InvalidField, match="name: must be a non-empty str"):
        all_of(Constant("a"), name=" ")


def test_rule_turns_a_function_into_a_rule() -> None:
    @rule("vehicle_use")
    def ride_hailing(subject_: RenewalSubject) -> Iterable[Reason]:
        if subject_.facts.extra.get("vehicle_use") == "ride_hailing":
            yield Reason("vehicle.commercial_use", Severity.REFER, "vehicle_use", "ride hailing")

    assert isinstance(ride_hailing, Rule)
    decision = check_eligibility(
        clean_policy(),
        as_of=IN_WINDOW,
        rules=[ride_hailing],
        context=RenewalFacts(extra={"vehicle_use": "ride_hailing"}),
    )
    assert decision.codes == ("vehicle.commercial_use",)
    assert decision.outcome is Outcome.REFER
    assert check_eligibility(clean_policy(), as_of=IN_WINDOW, rules=[ride_hailing]).eligible
    with pytest.raises(InvalidField, match="function: must be callable"):
        rule("x")(42)  # type: ignore[arg-type]


def test_a_rule_that_returns_something_else_than_reasons_is_refused() -> None:
    @rule("sloppy")
    def sloppy(subject_: RenewalSubject) -> Iterable[Reason]:
        return ["not a reason"]  # type: ignore[list-item]

    @rule("silent")
    def silent(subject_: RenewalSubject) -> Iterable[Reason]:
        return None  # type: ignore[return-value]

    @rule("single")
    def single(subject_: RenewalSubject) -> Iterable[Reason]:
        return Reason("a", Severity.BLOCK, "single", "m")  # type: ignore[return-value]

    @rule("empty")
    def empty(subject_: RenewalSubject) -> Iterable[Reason]:
        return []

    with pytest.raises(
        InvalidField, match=r"Rule.sloppy: check\(\) must return Reason values, not str"
    ):
        check_eligibility(clean_policy(), as_of=IN_WINDOW, rules=[sloppy])
    for wrong, kind in ((silent, "NoneType"), (single, "Reason")):
        with pytest.raises(
            InvalidField,
            match=rf"check\(\) must return an iterable of Reason values .* not {kind}",
        ):
            check_eligibility(clean_policy(), as_of=IN_WINDOW, rules=[wrong])
    assert check_eligibility(clean_policy(), as_of=IN_WINDOW, rules=[empty]).eligible


def test_check_eligibility_refuses_a_bad_rule_set_or_flag() -> None:
    with pytest.raises(InvalidField, match="rules: must hold at least one rule"):
        check_eligibility(clean_policy(), as_of=IN_WINDOW, rules=[])
    with pytest.raises(InvalidField, match=r"rules\[1\]: must be a Rule"):
        check_eligibility(clean_policy(), as_of=IN_WINDOW, rules=[FraudAndSanctions(), object()])  # type: ignore[list-item]
    with pytest.raises(InvalidField, match="rules: must be an iterable of rules, not str"):
        check_eligibility(clean_policy(), as_of=IN_WINDOW, rules="ab")  # type: ignore[arg-type]
    with pytest.raises(InvalidField, match="rules: must be an iterable of rules, not int"):
        check_eligibility(clean_policy(), as_of=IN_WINDOW, rules=1)  # type: ignore[arg-type]
    with pytest.raises(InvalidField, match="stop_at_first_block: must be True or False, not str"):
        check_eligibility(clean_policy(), as_of=IN_WINDOW, stop_at_first_block="no")  # type: ignore[arg-type]


@given(st.lists(SEVERITY_LISTS, min_size=1, max_size=5), SEVERITY_LISTS)
def test_adding_a_rule_never_makes_the_outcome_milder(
    lists: list[list[Severity]], extra: list[Severity]
) -> None:
    rules = [constant(items, f"c{index}") for index, items in enumerate(lists)]
    before = check_eligibility(clean_policy(), as_of=IN_WINDOW, rules=rules).outcome
    after = check_eligibility(
        clean_policy(), as_of=IN_WINDOW, rules=[*rules, constant(extra, "extra")]
    ).outcome
    assert RANK[after] >= RANK[before]
    if before is Outcome.INELIGIBLE:
        assert after is Outcome.INELIGIBLE
    if Severity.BLOCK in extra:
        assert after is Outcome.INELIGIBLE


@given(st.lists(SEVERITY_LISTS, min_size=1, max_size=5), st.randoms(use_true_random=False))
def test_the_outcome_does_not_depend_on_the_order_of_the_rules(
    lists: list[list[Severity]], random: Any
) -> None:
    rules = [constant(items, f"c{index}") for index, items in enumerate(lists)]
    shuffled = list(rules)
    random.shuffle(shuffled)
    first = check_eligibility(clean_policy(), as_of=IN_WINDOW, rules=rules)
    second = check_eligibility(clean_policy(), as_of=IN_WINDOW, rules=shuffled)
    assert first.outcome is second.outcome
    assert sorted(first.reasons, key=repr) == sorted(second.reasons, key=repr)
    # Deterministic: the same rules give the same decision.
    assert check_eligibility(clean_policy(), as_of=IN_WINDOW, rules=rules) == first


@given(st.lists(SEVERITY_LISTS, min_size=1, max_size=5))
def test_stopping_early_keeps_the_outcome_and_a_prefix_of_the_reasons(
    lists: list[list[Severity]],
) -> None:
    rules = [constant(items, f"c{index}") for index, items in enumerate(lists)]
    full = check_eligibility(clean_policy(), as_of=IN_WINDOW, rules=rules)
    quick = check_eligibility(
        clean_policy(), as_of=IN_WINDOW, rules=rules, stop_at_first_block=True
    )
    assert quick.outcome is full.outcome
    assert full.reasons[: len(quick.reasons)] == quick.reasons
    assert quick.complete == (quick.checked == full.checked)


# ---------------------------------------------------------------- built-in rules


def window_codes(
    policy: Any, day: dt.date, config: RenewalWindowConfig | None = None
) -> list[Reason]:
    rule_ = WithinRenewalWindow() if config is None else WithinRenewalWindow(config)
    return list(rule_.check(subject(policy, day)))


def test_window_rule_too_early_open_grace_and_lapsed() -> None:
    policy = clean_policy()
    too_early = window_codes(policy, pendulum.date(2024, 11, 29))
    assert codes(too_early) == ["outside_window.too_early"]
    assert too_early[0].severity is Severity.BLOCK
    assert too_early[0].details["opens_on"] == OPENS_ON
    assert window_codes(policy, OPENS_ON) == []
    assert window_codes(policy, pendulum.date(2025, 2, 28)) == []
    # Auto has no grace period: the day after expiry the policy has lapsed, and a
    # late renewal (a new term from the application day) is referred.
    lapsed = window_codes(policy, pendulum.date(2025, 3, 1))
    assert codes(lapsed) == ["outside_window.lapsed"]
    assert lapsed[0].severity is Severity.REFER
    assert lapsed[0].details["late_renewal"] is LateRenewal.FROM_APPLICATION_DAY


def test_window_rule_grace_period_of_health_policies() -> None:
    # Health: 30 days of grace after 2025-02-28, to 2025-03-30.
    policy = clean_policy(line_of_business=LineOfBusiness.HEALTH)
    grace = window_codes(policy, pendulum.date(2025, 3, 30))
    assert codes(grace) == ["window.in_grace"]
    assert grace[0].severity is Severity.INFO
    assert grace[0].details["grace_ends_on"] == pendulum.date(2025, 3, 30)
    assert codes(window_codes(policy, pendulum.date(2025, 3, 31))) == ["outside_window.lapsed"]


def test_window_rule_blocks_a_lapsed_policy_when_late_renewal_is_not_allowed() -> None:
    strict = RenewalWindowPolicy(
        lead_days=30, reminder_offsets=(30,), grace_days=0, late_renewal=LateRenewal.NOT_ALLOWED
    )
    config = RenewalWindowConfig(by_product={"AUTO-COMMERCIAL": strict})
    lapsed = window_codes(clean_policy(), pendulum.date(2025, 3, 1), config)
    assert codes(lapsed) == ["outside_window.lapsed"]
    assert lapsed[0].severity is Severity.BLOCK
    assert "a new policy is needed" in lapsed[0].message
    # And the window opens 30 days before expiry: 2025-01-29.
    assert codes(window_codes(clean_policy(), pendulum.date(2025, 1, 28), config)) == [
        "outside_window.too_early"
    ]
    assert window_codes(clean_policy(), pendulum.date(2025, 1, 29), config) == []


def test_window_rule_uses_the_jurisdiction_from_the_facts() -> None:
    local = RenewalWindowPolicy(lead_days=10, reminder_offsets=(10,), grace_days=0)
    config = RenewalWindowConfig(by_jurisdiction={"CN-31": {LineOfBusiness.AUTO: local}})
    rule_ = WithinRenewalWindow(config)
    day = pendulum.date(2025, 2, 10)  # 18 days before expiry
    assert list(rule_.check(subject(None, day))) == []
    assert codes(rule_.check(subject(None, day, jurisdiction="CN-31"))) == [
        "outside_window.too_early"
    ]


@pytest.mark.parametrize(
    ("status", "severity"),
    [
        (PolicyStatus.CANCELLED, Severity.BLOCK),
        (PolicyStatus.TERMINATED, Severity.BLOCK),
        (PolicyStatus.RENEWED, Severity.BLOCK),
        (PolicyStatus.LAPSED, Severity.REFER),
    ],
)
def test_policy_status_rule(status: PolicyStatus, severity: Severity) -> None:
    found = list(PolicyStatusRule().check(subject(clean_policy(status=status))))
    assert codes(found) == [f"status.{status.value}"]
    assert severities(found) == [severity]
    assert found[0].details["status"] is status


@pytest.mark.parametrize(
    "status",
    [PolicyStatus.ACTIVE, PolicyStatus.PENDING, PolicyStatus.IN_GRACE, PolicyStatus.EXPIRED],
)
def test_policy_status_rule_passes_renewable_statuses(status: PolicyStatus) -> None:
    assert list(PolicyStatusRule().check(subject(clean_policy(status=status)))) == []


def test_policy_status_rule_do_not_renew_and_custom_severities() -> None:
    found = list(PolicyStatusRule().check(subject(do_not_renew=True)))
    assert codes(found) == ["status.do_not_renew"]
    assert severities(found) == [Severity.BLOCK]
    lenient = PolicyStatusRule({PolicyStatus.CANCELLED: Severity.REFER})
    assert severities(lenient.check(subject(clean_policy(status=PolicyStatus.CANCELLED)))) == [
        Severity.REFER
    ]
    assert list(lenient.check(subject(clean_policy(status=PolicyStatus.TERMINATED)))) == []
    with pytest.raises(InvalidField, match="must map PolicyStatus members to Severity members"):
        PolicyStatusRule({"cancelled": Severity.BLOCK})
    with pytest.raises(InvalidField, match="must be a mapping"):
        PolicyStatusRule([])  # type: ignore[arg-type]


def test_unpaid_premium_blocks_by_default_and_refers_small_amounts() -> None:
    found = list(UnpaidPremium().check(subject(outstanding_premium=cny("0.01"))))
    assert codes(found) == ["unpaid.premium"]
    assert severities(found) == [Severity.BLOCK]
    assert found[0].details == {"outstanding": cny("0.01"), "refer_up_to": None}
    lenient = UnpaidPremium(refer_up_to=cny("100.00"))
    assert severities(lenient.check(subject(outstanding_premium=cny("100.00")))) == [
        Severity.REFER
    ]
    assert severities(lenient.check(subject(outstanding_premium=cny("100.01")))) == [
        Severity.BLOCK
    ]
    assert list(lenient.check(subject(outstanding_premium=cny("0")))) == []
    assert list(UnpaidPremium().check(subject())) == []


def test_unpaid_premium_overdue_installments() -> None:
    rule_ = UnpaidPremium(refer_days_overdue=15)
    at_limit = list(rule_.check(subject(overdue_installments=2, days_overdue=15)))
    assert codes(at_limit) == ["unpaid.overdue_installments"]
    assert severities(at_limit) == [Severity.REFER]
    assert at_limit[0].details == {
        "overdue_installments": 2,
        "days_overdue": 15,
        "refer_days_overdue": 15,
    }
    assert severities(rule_.check(subject(overdue_installments=1, days_overdue=16))) == [
        Severity.BLOCK
    ]
    # Days overdue without a count: the premium is overdue.
    uncounted = list(rule_.check(subject(days_overdue=3)))
    assert codes(uncounted) == ["unpaid.overdue_installments"]
    assert uncounted[0].message.startswith("premium overdue by 3 days (at most the 15 days")
    assert uncounted[0].details["overdue_installments"] == 0


def test_unpaid_premium_falls_back_on_the_payment_status() -> None:
    overdue = clean_policy(payment_status=PaymentStatus.OVERDUE)
    found = list(UnpaidPremium().check(subject(overdue)))
    assert codes(found) == ["unpaid.status_overdue"]
    assert severities(found) == [Severity.REFER]
    # Billing's figures win over the status.
    assert list(UnpaidPremium().check(subject(overdue, outstanding_premium=cny("0")))) == []


def test_unpaid_premium_refuses_bad_settings() -> None:
    with pytest.raises(InvalidField, match="refer_up_to: must not be negative"):
        UnpaidPremium(refer_up_to=cny("-1"))
    with pytest.raises(InvalidField, match="refer_up_to: must be a Money or None"):
        UnpaidPremium(refer_up_to=Decimal(1))  # type: ignore[arg-type]
    with pytest.raises(InvalidField, match="refer_days_overdue: must be an int"):
        UnpaidPremium(refer_days_overdue=True)
    with pytest.raises(InvalidField, match="refer_days_overdue: must not be negative"):
        UnpaidPremium(refer_days_overdue=-1)
    with pytest.raises(CurrencyMismatch):
        list(
            UnpaidPremium(refer_up_to=Money("1", "USD")).check(
                subject(outstanding_premium=cny("2"))
            )
        )


def claim(**changes: Any) -> Any:
    return make_claim(**{"reported_on": None, **changes})


def claims_policy(*claims: Any, premium: str = "3560.00") -> Any:
    return clean_policy(claims=list(claims), premium=cny(premium))


def test_claim_history_counts_claims_within_the_lookback_only() -> None:
    # As of 2025-02-10, 36 months back is 2022-02-10: claims from 2022-02-11 count.
    claims = [
        claim(claim_id="old", occurred_on=dt.date(2022, 2, 10), paid=cny("0")),
        claim(claim_id="c1", occurred_on=dt.date(2022, 2, 11), paid=cny("0")),
        claim(claim_id="c2", occurred_on=dt.date(2023, 5, 1), paid=cny("0")),
        claim(claim_id="c3", occurred_on=dt.date(2024, 5, 1), paid=cny("0")),
        claim(claim_id="c4", occurred_on=dt.date(2025, 2, 10), paid=cny("0")),
        claim(claim_id="later", occurred_on=dt.date(2025, 2, 11), paid=cny("0")),
        claim(
            claim_id="declined",
            occurred_on=dt.date(2024, 6, 1),
            paid=cny("0"),
            status=ClaimStatus.DECLINED,
        ),
        claim(
            claim_id="withdrawn",
            occurred_on=dt.date(2024, 6, 2),
            paid=cny("0"),
            status=ClaimStatus.WITHDRAWN,
        ),
    ]
    found = list(ClaimHistory().check(subject(claims_policy(*claims))))
    assert codes(found) == ["claims.frequency"]
    assert found[0].details == {"claims": 4, "max_claims": 3, "lookback_months": 36}
    assert found[0].severity is Severity.REFER
    assert list(ClaimHistory(max_claims=4).check(subject(claims_policy(*claims)))) == []
    assert list(ClaimHistory().check(subject(claims_policy()))) == []


def test_claim_history_loss_ratio_over_earned_premium_or_the_term_premium() -> None:
    paid = claim(occurred_on=dt.date(2024, 7, 1), paid=cny("2500.00"))
    policy = claims_policy(paid, premium="3560.00")
    # 2500 / 3560 = 0.7022... > 0.7
    found = list(ClaimHistory().check(subject(policy)))
    assert codes(found) == ["claims.loss_ratio"]
    assert found[0].details["loss_ratio"] == Decimal("2500.00") / Decimal("3560.00")
    assert found[0].details["premium"] == cny("3560.00")
    assert "loss ratio 0.7022 over the last 36 months" in found[0].message
    # With the premium earned over the look-back: 2500 / 7000 = 0.357 passes.
    assert list(ClaimHistory().check(subject(policy, earned_premium=cny("7000.00")))) == []
    # Exactly at the limit passes: 2492 / 3560 = 0.7.
    at_limit = claims_policy(claim(paid=cny("2492.00")))
    assert list(ClaimHistory().check(subject(at_limit))) == []
    assert list(ClaimHistory(max_loss_ratio=None).check(subject(policy))) == []


def test_claim_history_on_a_zero_premium() -> None:
    paid = claims_policy(claim(paid=cny("1.00")), premium="0")
    found = list(ClaimHistory().check(subject(paid)))
    assert codes(found) == ["claims.loss_ratio"]
    assert found[0].details["loss_ratio"] is None
    assert "loss ratio infinite" in found[0].message
    unpaid = claims_policy(claim(paid=cny("0")), premium="0")
    assert list(ClaimHistory().check(subject(unpaid))) == []


def test_claim_history_refuses_bad_settings() -> None:
    with pytest.raises(InvalidField, match="lookback_months: must be at least 1"):
        ClaimHistory(lookback_months=0)
    with pytest.raises(InvalidField, match="max_loss_ratio: must be a finite Decimal"):
        ClaimHistory(max_loss_ratio=0.7)  # type: ignore[arg-type]
    with pytest.raises(InvalidField, match="max_loss_ratio: must be a finite Decimal"):
        ClaimHistory(max_loss_ratio=Decimal("NaN"))
    with pytest.raises(InvalidField, match="max_loss_ratio: must not be negative"):
        ClaimHistory(max_loss_ratio=Decimal("-0.1"))


def test_completed_years_by_hand() -> None:
    assert completed_years(dt.date(1990, 3, 7), dt.date(2025, 3, 6)) == 34
    assert completed_years(dt.date(1990, 3, 7), dt.date(2025, 3, 7)) == 35
    assert completed_years(dt.date(2000, 2, 29), dt.date(2024, 2, 29)) == 24
    assert completed_years(dt.date(2000, 2, 29), dt.date(2023, 2, 28)) == 22
    assert completed_years(dt.date(2000, 2, 29), dt.date(2023, 3, 1)) == 23


@given(st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)), st.integers(0, 120))
def test_completed_years_matches_counting_birthdays(born: dt.date, years: int) -> None:
    # The day before the n-th birthday one is n - 1; on it (1 March for 29 February
    # in common years) one is n.
    year = born.year + years
    try:
        birthday = born.replace(year=year)
    except ValueError:
        birthday = dt.date(year, 3, 1)
    assert completed_years(born, birthday) == years
    if years:
        assert completed_years(born, birthday - dt.timedelta(days=1)) == years - 1


def health(**changes: Any) -> Any:
    return clean_policy(line_of_business=LineOfBusiness.HEALTH, **changes)


def test_maximum_renewal_age_counts_on_the_new_term_start() -> None:
    # The new term starts on 2025-03-01: born 1944-03-01 the insured is 81, above 80.
    rule_ = MaximumRenewalAge()
    found = list(rule_.check(subject(health(), insured_birth_date=dt.date(1944, 3, 1))))
    assert codes(found) == ["age.above_maximum"]
    assert found[0].severity is Severity.BLOCK
    assert found[0].details == {
        "age": 81,
        "maximum_age": 80,
        "term_starts_on": pendulum.date(2025, 3, 1),
    }
    assert list(rule_.check(subject(health(), insured_birth_date=dt.date(1944, 3, 2)))) == []


def test_maximum_renewal_age_reads_a_valid_resident_id() -> None:
    # 11010519491231002X: born 1949-12-31, 75 on 2025-03-01.
    insured = make_party(
        party_id="I-1", id_kind=IdKind.RESIDENT_ID, id_number="11010519491231002X"
    )
    policy = health(insured=insured)
    assert list(MaximumRenewalAge().check(subject(policy))) == []
    strict = MaximumRenewalAge({LineOfBusiness.HEALTH: 74})
    found = list(strict.check(subject(policy)))
    assert codes(found) == ["age.above_maximum"]
    assert found[0].details["age"] == 75
    # The holder's number is used when the policy names no insured.
    holder = make_party(id_kind=IdKind.RESIDENT_ID, id_number="11010519491231002X")
    assert codes(strict.check(subject(health(holder=holder)))) == ["age.above_maximum"]
    # Facts win over the ID number.
    assert list(strict.check(subject(policy, insured_birth_date=dt.date(1990, 1, 1)))) == []


@pytest.mark.parametrize(
    ("id_kind", "id_number"),
    [
        (IdKind.RESIDENT_ID, "110101199003071234"),  # bad check digit
        (IdKind.PASSPORT, "E12345678"),
        (None, None),
    ],
)
def test_maximum_renewal_age_refers_when_the_birth_date_is_unknown(
    id_kind: IdKind | None, id_number: str | None
) -> None:
    policy = health(holder=make_party(id_kind=id_kind, id_number=id_number))
    found = list(MaximumRenewalAge().check(subject(policy)))
    assert codes(found) == ["age.unknown"]
    assert found[0].severity is Severity.REFER


def test_maximum_renewal_age_skips_lines_without_a_maximum() -> None:
    assert list(MaximumRenewalAge().check(subject())) == []  # auto
    with pytest.raises(InvalidField, match="keys must be LineOfBusiness members"):
        MaximumRenewalAge({"health": 80})
    with pytest.raises(InvalidField, match=r"maximum_ages\[HEALTH\]: must be an int"):
        MaximumRenewalAge({LineOfBusiness.HEALTH: -1})
    with pytest.raises(InvalidField, match="must be a mapping"):
        MaximumRenewalAge(80)  # type: ignore[arg-type]


def test_vehicle_age() -> None:
    # New term from 2025-03-01: first registered 2014-03-01 is 11 years, above 10.
    found = list(VehicleAge().check(subject(vehicle_first_registered=dt.date(2014, 3, 1))))
    assert codes(found) == ["vehicle.age_above_limit"]
    assert found[0].severity is Severity.REFER
    assert found[0].details["vehicle_age"] == 11
    assert list(VehicleAge().check(subject(vehicle_first_registered=dt.date(2014, 3, 2)))) == []
    unknown = list(VehicleAge().check(subject()))
    assert codes(unknown) == ["vehicle.age_unknown"]
    assert unknown[0].severity is Severity.INFO
    assert list(VehicleAge().check(subject(health()))) == []


CATALOGUE = {
    "AUTO-COMMERCIAL": ProductTerms(
        withdrawn=True,
        replacement="AUTO-COMMERCIAL-2025",
        min_sum_insured=cny("500000"),
        max_sum_insured=cny("2000000"),
    ),
    "OLD": ProductTerms(withdrawn=True),
}


def test_product_withdrawn() -> None:
    rule_ = ProductWithdrawn(CATALOGUE)
    found = list(rule_.check(subject()))
    assert codes(found) == ["product.withdrawn"]
    assert found[0].severity is Severity.INFO
    assert found[0].details["replacement"] == "AUTO-COMMERCIAL-2025"
    gone = list(rule_.check(subject(clean_policy(product_code="OLD"))))
    assert codes(gone) == ["product.withdrawn_no_replacement"]
    assert gone[0].severity is Severity.BLOCK
    assert list(rule_.check(subject(clean_policy(product_code="OTHER")))) == []
    assert list(ProductWithdrawn({"AUTO-COMMERCIAL": ProductTerms()}).check(subject())) == []


def test_sum_insured_limits() -> None:
    rule_ = SumInsuredLimits(CATALOGUE)
    # The builders' coverage insures 1,000,000.
    assert list(rule_.check(subject())) == []
    two = clean_policy(
        coverages=[make_coverage(), make_coverage(code="damage", sum_insured=cny("1000000.01"))]
    )
    high = list(rule_.check(subject(two)))
    assert codes(high) == ["sum_insured.above_maximum"]
    assert high[0].details["sum_insured"] == cny("2000000.01")
    low = clean_policy(coverages=[make_coverage(sum_insured=cny("499999.99"))])
    assert codes(rule_.check(subject(low))) == ["sum_insured.below_minimum"]
    strict = SumInsuredLimits(CATALOGUE, Severity.BLOCK)
    assert severities(strict.check(subject(low))) == [Severity.BLOCK]
    assert list(rule_.check(subject(clean_policy(coverages=[])))) == []
    floor_only = SumInsuredLimits({"AUTO-COMMERCIAL": ProductTerms(min_sum_insured=cny("1"))})
    assert list(floor_only.check(subject())) == []
    assert list(rule_.check(subject(clean_policy(product_code="OTHER")))) == []


def test_product_terms_refuse_bad_fields() -> None:
    with pytest.raises(InvalidField, match=r"max_sum_insured: 1\.00 CNY is below min_sum_insured"):
        ProductTerms(min_sum_insured=cny("2.00"), max_sum_insured=cny("1.00"))
    with pytest.raises(CurrencyMismatch):
        ProductTerms(min_sum_insured=cny("1"), max_sum_insured=Money("2", "USD"))
    with pytest.raises(InvalidField, match="withdrawn: must be True or False"):
        ProductTerms(withdrawn="yes")  # type: ignore[arg-type]
    with pytest.raises(InvalidField, match="replacement: must be a non-empty str or None"):
        ProductTerms(replacement="")
    with pytest.raises(InvalidField, match="must map product codes"):
        ProductWithdrawn({"A": "withdrawn"})
    with pytest.raises(InvalidField, match="catalogue: must be a mapping"):
        SumInsuredLimits([])  # type: ignore[arg-type]
    usd = SumInsuredLimits({"AUTO-COMMERCIAL": ProductTerms(max_sum_insured=Money("1", "USD"))})
    with pytest.raises(CurrencyMismatch):
        list(usd.check(subject()))


def test_fraud_and_sanctions() -> None:
    rule_ = FraudAndSanctions()
    assert list(rule_.check(subject())) == []
    assert codes(rule_.check(subject(fraud_flag=True, fraud_indicators=["x"]))) == ["flag.fraud"]
    signals = list(rule_.check(subject(fraud_indicators=["staged_accident", "duplicate_claim"])))
    assert codes(signals) == ["flag.fraud_indicators"]
    assert signals[0].severity is Severity.REFER
    assert signals[0].details["indicators"] == ("staged_accident", "duplicate_claim")
    both = list(rule_.check(subject(fraud_flag=True, sanctions_hit=True)))
    assert codes(both) == ["flag.fraud", "flag.sanctions"]
    assert severities(both) == [Severity.BLOCK, Severity.BLOCK]


def test_customer_data_reviews_the_policy_or_the_application() -> None:
    rule_ = CustomerData()
    assert list(rule_.check(subject())) == []
    bad_id = clean_policy(holder=make_party(id_number="110101199003071234"))
    found = list(rule_.check(subject(bad_id)))
    assert codes(found) == ["materials.invalid"]
    assert found[0].details["problem"] == "check_digit"
    application = Materials({"holder.name": "张三"}, {"id_document"})
    from_application = codes(rule_.check(subject(materials=application)))
    assert "materials.missing" in from_application


def test_default_rules_with_a_catalogue() -> None:
    names = [rule_.name for rule_ in default_rules(catalogue=CATALOGUE)]
    assert names[-2:] == ["product", "sum_insured"]
    decision = check_eligibility(
        clean_policy(),
        as_of=IN_WINDOW,
        rules=default_rules(catalogue=CATALOGUE),
        context=CLEAN_FACTS,
    )
    assert decision.codes == ("product.withdrawn",)
    assert decision.eligible


def test_settings_of_every_built_in_are_validated() -> None:
    with pytest.raises(InvalidField, match="config: must be a RenewalWindowConfig"):
        WithinRenewalWindow(DEFAULT_WINDOW_POLICIES)  # type: ignore[arg-type]
    with pytest.raises(InvalidField, match="name: must be a non-empty str"):
        FraudAndSanctions(name="")
    with pytest.raises(InvalidField, match="max_years: must be an int"):
        VehicleAge(max_years=1.5)  # type: ignore[arg-type]
    with pytest.raises(InvalidField, match="checklists: must be a MaterialChecklists"):
        CustomerData(checklists={})  # type: ignore[arg-type]


# ---------------------------------------------------------------- personal data


def test_no_reason_of_any_built_in_shows_personal_data() -> None:
    insured = make_party(
        party_id="I-1", id_kind=IdKind.RESIDENT_ID, id_number="110101199003071234"
    )
    policy = health(insured=insured, status=PolicyStatus.LAPSED, claims=[make_claim()])
    facts = RenewalFacts(
        outstanding_premium=cny("1"),
        overdue_installments=1,
        days_overdue=90,
        fraud_indicators=["x"],
        sanctions_hit=True,
        do_not_renew=True,
    )
    decision = check_eligibility(
        policy,
        as_of=pendulum.date(2025, 6, 1),
        rules=default_rules(catalogue=CATALOGUE),
        context=facts,
    )
    assert len(decision.reasons) >= 8
    text = repr(decision) + decision.explain()
    for value in (*PERSONAL, "110101199003071234", "1990-03-07", "19900307"):
        assert value not in text


def test_the_default_rules_are_rules() -> None:
    assert all(isinstance(rule_, Rule) for rule_ in DEFAULT_RULES)
    assert not isinstance(object(), Rule)


# ---------------------------------------------------------------- review findings


def test_an_earned_premium_of_zero_is_not_replaced_by_the_term_premium() -> None:
    policy = claims_policy(claim(paid=cny("100.00")))  # term premium 3560.00
    found = list(ClaimHistory().check(subject(policy, earned_premium=cny("0"))))
    assert codes(found) == ["claims.loss_ratio"]
    assert found[0].details["loss_ratio"] is None
    assert found[0].details["premium"] == cny("0")


def test_ages_count_on_the_start_of_a_late_renewal() -> None:
    # Health: expiry 2025-02-28, grace to 2025-03-30. Applied for on 2025-04-10, the
    # new term starts that day: born 1944-04-01, the insured is 81 by then.
    late = pendulum.date(2025, 4, 10)
    found = list(
        MaximumRenewalAge().check(subject(health(), late, insured_birth_date=dt.date(1944, 4, 1)))
    )
    assert codes(found) == ["age.above_maximum"]
    assert found[0].details["term_starts_on"] == late
    assert found[0].details["age"] == 81
    # Within grace the term starts the day after expiry, when the insured is 80.
    in_grace = pendulum.date(2025, 3, 30)
    assert (
        list(
            MaximumRenewalAge().check(
                subject(health(), in_grace, insured_birth_date=dt.date(1944, 4, 1))
            )
        )
        == []
    )
    decision = check_eligibility(
        health(holder=make_party(id_number=VALID_ID)),
        as_of=late,
        context=RenewalFacts(insured_birth_date=dt.date(1944, 4, 1)),
    )
    assert decision.outcome is Outcome.INELIGIBLE
    assert decision.codes == ("outside_window.lapsed", "age.above_maximum")
    # Auto: no grace; applied for on 2025-03-10, first registered 2015-03-05: 10 years
    # on 2025-03-10, within the limit, though 9 on the day after expiry.
    vehicle = list(
        VehicleAge().check(
            subject(None, pendulum.date(2025, 3, 10), vehicle_first_registered=dt.date(2015, 3, 5))
        )
    )
    assert vehicle == []
    older = list(
        VehicleAge(max_years=9).check(
            subject(None, pendulum.date(2025, 3, 10), vehicle_first_registered=dt.date(2015, 3, 5))
        )
    )
    assert older[0].details == {
        "vehicle_age": 10,
        "max_years": 9,
        "term_starts_on": pendulum.date(2025, 3, 10),
    }


def test_when_late_renewal_is_not_allowed_ages_count_from_the_day_after_expiry() -> None:
    strict = RenewalWindowPolicy(
        lead_days=30, reminder_offsets=(30,), grace_days=0, late_renewal=LateRenewal.NOT_ALLOWED
    )
    config = RenewalWindowConfig(by_product={"AUTO-COMMERCIAL": strict})
    found = list(
        VehicleAge(max_years=0, window_config=config).check(
            subject(None, pendulum.date(2025, 6, 1), vehicle_first_registered=dt.date(2024, 1, 1))
        )
    )
    assert found[0].details["term_starts_on"] == pendulum.date(2025, 3, 1)


def test_dates_after_the_new_term_start_are_referred() -> None:
    born_later = list(
        MaximumRenewalAge().check(subject(health(), insured_birth_date=dt.date(2025, 3, 2)))
    )
    assert codes(born_later) == ["age.birth_date_after_start"]
    assert born_later[0].severity is Severity.REFER
    assert "2025, 3, 2" not in repr(born_later[0].details)
    registered_later = list(
        VehicleAge().check(subject(vehicle_first_registered=dt.date(2025, 3, 2)))
    )
    assert codes(registered_later) == ["vehicle.registered_after_start"]
    assert registered_later[0].severity is Severity.REFER


def test_a_loss_ratio_limit_that_looks_like_a_percentage_is_refused() -> None:
    assert ClaimHistory(max_loss_ratio=Decimal(10)).max_loss_ratio == 10
    with pytest.raises(InvalidField, match="not a percentage"):
        ClaimHistory(max_loss_ratio=Decimal("70"))


def test_customer_data_reasons_carry_the_rule_name() -> None:
    bad_id = clean_policy(holder=make_party(id_number="110101199003071234"))
    found = list(CustomerData(name="kyc").check(subject(bad_id)))
    assert [reason.rule for reason in found] == ["kyc"]


def test_rule_settings_amounts_are_whole_minor_units() -> None:
    with pytest.raises(InvalidField, match=r"refer_up_to: 0\.001 CNY is finer than the minor"):
        UnpaidPremium(refer_up_to=cny("0.001"))
    with pytest.raises(InvalidField, match=r"min_sum_insured: 0\.001 CNY is finer"):
        ProductTerms(min_sum_insured=cny("0.001"))


def test_the_subject_computes_the_window_and_the_review_once() -> None:
    subject_ = subject()
    assert subject_.renewal_window() is subject_.renewal_window()
    assert subject_.review_materials() is subject_.review_materials()
    other = RenewalWindowConfig(
        by_product={"AUTO-COMMERCIAL": DEFAULT_WINDOW_POLICIES[LineOfBusiness.HEALTH]}
    )
    assert subject_.renewal_window(other).grace_ends_on == pendulum.date(2025, 3, 30)
    assert subject_.renewal_window().grace_ends_on == pendulum.date(2025, 2, 28)


# ---------------------------------------------------------------- built-in rules, generated cases


@st.composite
def renewal_facts(draw: st.DrawFn) -> RenewalFacts:
    overdue = draw(st.integers(0, 3))
    return RenewalFacts(
        outstanding_premium=draw(
            st.none() | st.sampled_from([cny("0"), cny("0.01"), cny("150.00")])
        ),
        overdue_installments=overdue,
        days_overdue=draw(st.integers(1, 90)) if overdue else draw(st.sampled_from([0, 0, 5])),
        insured_birth_date=draw(st.none() | st.dates(dt.date(1930, 1, 1), dt.date(2010, 12, 31))),
        vehicle_first_registered=draw(
            st.none() | st.dates(dt.date(2000, 1, 1), dt.date(2024, 12, 31))
        ),
        do_not_renew=draw(st.booleans()),
        fraud_flag=draw(st.booleans()),
        fraud_indicators=draw(st.lists(st.sampled_from(["a", "b"]), unique=True)),
        sanctions_hit=draw(st.booleans()),
    )


@st.composite
def cases(draw: st.DrawFn) -> tuple[Any, pendulum.Date, RenewalFacts]:
    policy = draw(testing.policies())
    as_of = policy.term.end.add(days=draw(st.integers(-150, 120)))
    return policy, as_of, draw(renewal_facts())


BUILT_IN = default_rules(catalogue=CATALOGUE)


@given(
    cases(),
    st.lists(st.sampled_from(BUILT_IN), min_size=1, unique=True),
    st.sampled_from(BUILT_IN),
)
def test_adding_a_built_in_rule_never_makes_a_generated_case_milder(
    case: tuple[Any, pendulum.Date, RenewalFacts], rules: list[Rule], extra: Rule
) -> None:
    policy, as_of, facts = case
    before = check_eligibility(policy, as_of=as_of, rules=rules, context=facts)
    after = check_eligibility(policy, as_of=as_of, rules=[*rules, extra], context=facts)
    assert RANK[after.outcome] >= RANK[before.outcome]
    if before.outcome is Outcome.INELIGIBLE:
        assert after.outcome is Outcome.INELIGIBLE
    # The outcome is the heaviest severity of the reasons, counted here.
    assert (
        after.outcome
        is OUTCOME_OF_RANK[max((WEIGHT[r.severity] for r in after.reasons), default=0)]
    )


@given(cases(), st.permutations(BUILT_IN))
def test_built_in_rules_decide_the_same_in_any_order(
    case: tuple[Any, pendulum.Date, RenewalFacts], shuffled: list[Rule]
) -> None:
    policy, as_of, facts = case
    first = check_eligibility(policy, as_of=as_of, rules=BUILT_IN, context=facts)
    second = check_eligibility(policy, as_of=as_of, rules=shuffled, context=facts)
    assert first.outcome is second.outcome
    assert sorted(first.reasons, key=repr) == sorted(second.reasons, key=repr)
    assert check_eligibility(policy, as_of=as_of, rules=BUILT_IN, context=facts) == first
    quick = check_eligibility(
        policy, as_of=as_of, rules=shuffled, context=facts, stop_at_first_block=True
    )
    assert quick.outcome is second.outcome
    assert second.reasons[: len(quick.reasons)] == quick.reasons
