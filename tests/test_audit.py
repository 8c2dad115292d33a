"""Tests for renewal_core.audit.

Expected figures are worked out by hand in the comments, or by small reference
implementations in this file (exact ``Fraction`` arithmetic for scores, a product rule
for matrices, ``hashlib`` + ``random`` for audit samples), never by the code under test.
"""

from __future__ import annotations

import hashlib
import math
import random
import subprocess
import sys
from collections.abc import Callable, Hashable
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from builders import (
    PHONE,
    invalid,
    loose,
    make_policy,
    wrong_type,
)
from renewal_core.audit import (
    AuditSample,
    AuditStratum,
    ComplianceChecklist,
    ComplianceItem,
    sample_for_audit,
)
from renewal_core.errors import (
    InvalidField,
)
from renewal_core.reasons import Severity
from renewal_core.risk import RiskLevel

L, M, H = RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH

# --------------------------------------------------------------------------- compliance

Case = dict[str, Any]


def _checklist() -> ComplianceChecklist[Case]:
    return ComplianceChecklist(
        "renewal file check",
        [
            ComplianceItem(
                "identity.verified",
                "Identity verified against an original document",
                lambda case: case["id_checked"],
            ),
            ComplianceItem(
                "approval.separated",
                "Approver is not the preparer",
                lambda case: case["approver"] != case["preparer"],
            ),
            ComplianceItem(
                "vehicle.inspected",
                "Vehicle inspected before renewal",
                lambda case: case.get("inspected"),  # None: not an auto case
            ),
        ],
        case_id=lambda case: case["number"],
    )


def _case(
    number: str, *, checked: bool = True, same: bool = False, inspected: bool | None = None
) -> Case:
    return {
        "number": number,
        "id_checked": checked,
        "approver": "u1",
        "preparer": "u1" if same else "u2",
        "inspected": inspected,
    }


def test_checklist_evaluates_one_case() -> None:
    result = _checklist().evaluate(_case("P-1", same=True, inspected=True))
    assert result.checklist == "renewal file check" and result.case_id == "P-1"
    assert result.passed == ("identity.verified", "vehicle.inspected")
    assert result.not_applicable == ()
    assert not result.ok
    (reason,) = result.failed
    assert reason.code == "compliance.approval.separated"
    assert reason.severity is Severity.REFER
    assert reason.rule == "renewal file check"
    assert reason.message == "does not meet approval.separated: Approver is not the preparer"
    assert reason.details == {"item": "approval.separated", "case_id": "P-1"}
    clean = _checklist().evaluate(_case("P-2"))
    assert clean.ok and clean.not_applicable == ("vehicle.inspected",)


def test_checklist_summarises_a_batch() -> None:
    cases = [
        _case("P-1"),  # passes; vehicle not applicable
        _case("P-2", checked=False, inspected=False),  # fails identity and vehicle
        _case("P-3", same=True, inspected=True),  # fails separation
        _case("P-4", inspected=True),  # passes
    ]
    report = _checklist().evaluate_all(iter(cases))
    assert report.checklist == "renewal file check"
    assert (report.cases, report.passed_cases, report.pass_rate) == (4, 2, Fraction(1, 2))
    assert report.failing_case_ids == ("P-2", "P-3")
    summaries = [
        (s.code, s.checked, s.failed, s.pass_rate, s.failing_case_ids) for s in report.items
    ]
    assert summaries == [
        ("identity.verified", 4, 1, Fraction(3, 4), ("P-2",)),
        ("approval.separated", 4, 1, Fraction(3, 4), ("P-3",)),
        ("vehicle.inspected", 3, 1, Fraction(2, 3), ("P-2",)),
    ]
    assert report.items[0].standard == "Identity verified against an original document"
    assert [r.case_id for r in report.results] == ["P-1", "P-2", "P-3", "P-4"]


def test_checklist_of_an_empty_batch() -> None:
    report = _checklist().evaluate_all([])
    assert (report.cases, report.passed_cases, report.pass_rate) == (0, 0, None)
    assert all(s.checked == 0 and s.pass_rate is None for s in report.items)


def test_checklist_refuses_bad_checks_and_ids() -> None:
    bad: ComplianceChecklist[Case] = ComplianceChecklist(
        "c",
        [ComplianceItem("x", "X", lambda case: 1)],  # type: ignore[arg-type,return-value]
        case_id=lambda case: "P-1",
    )
    with invalid("ComplianceItem", "check", "the check of 'x' returned int; return True when"):
        bad.evaluate({})
    with invalid("ComplianceChecklist", "case_id", "non-empty str for every case, not int$"):
        attrs.evolve(_checklist(), case_id=lambda case: 7).evaluate(  # type: ignore[arg-type,return-value]
            _case("P-1")
        )
    with invalid("ComplianceChecklist", "case_id", "non-empty str for every case, not str ''"):
        attrs.evolve(_checklist(), case_id=lambda case: "").evaluate(_case("P-1"))
    with invalid("ComplianceChecklist", "case_id", "same id for the cases at positions 0 and 2"):
        _checklist().evaluate_all([_case(PHONE), _case("P-2"), _case(PHONE)])
    with pytest.raises(InvalidField) as info:
        _checklist().evaluate_all([_case(PHONE), _case(PHONE)])
    assert PHONE not in str(info.value)


@pytest.mark.parametrize(
    ("factory", "owner", "field", "fragment"),
    [
        (lambda: ComplianceItem("Bad Code", "X", bool), "ComplianceItem", "code", "lower-case"),
        (lambda: ComplianceItem("x", "", bool), "ComplianceItem", "standard", "empty"),
        (
            lambda: ComplianceItem("x", "X", loose("yes")),
            "ComplianceItem",
            "check",
            "callable, not str",
        ),
        (
            lambda: ComplianceChecklist("", [ComplianceItem("x", "X", bool)], case_id=str),
            "ComplianceChecklist",
            "name",
            "empty",
        ),
        (
            lambda: ComplianceChecklist("c", [], case_id=str),
            "ComplianceChecklist",
            "items",
            "at least one item",
        ),
        (
            lambda: ComplianceChecklist("c", ["x"], case_id=str),
            "ComplianceChecklist",
            r"items\[0\]",
            "must be a ComplianceItem, not str",
        ),
        (
            lambda: ComplianceChecklist(
                "c", [ComplianceItem("x", "X", bool), ComplianceItem("x", "Y", bool)], case_id=str
            ),
            "ComplianceChecklist",
            r"items\[1\]",
            "repeats the item code 'x'",
        ),
        (
            lambda: ComplianceChecklist(
                "c", [ComplianceItem("x", "X", bool)], case_id=loose("id")
            ),
            "ComplianceChecklist",
            "case_id",
            "callable, not str",
        ),
    ],
)
def test_compliance_classes_refuse_bad_fields(
    factory: Callable[[], object], owner: str, field: str, fragment: str
) -> None:
    with invalid(owner, field, fragment):
        factory()


@given(
    st.lists(st.lists(st.sampled_from([True, False, None]), min_size=3, max_size=3), max_size=12)
)
def test_checklist_counts_match_a_reference(outcomes: list[list[bool | None]]) -> None:
    checklist: ComplianceChecklist[tuple[int, list[bool | None]]] = ComplianceChecklist(
        "c",
        [
            ComplianceItem(f"item{k}", f"Item {k}", lambda case, k=k: case[1][k])  # type: ignore[misc]
            for k in range(3)
        ],
        case_id=lambda case: f"C-{case[0]}",
    )
    report = checklist.evaluate_all(list(enumerate(outcomes)))
    for k, summary in enumerate(report.items):
        column = [row[k] for row in outcomes]
        checked = sum(1 for value in column if value is not None)
        failed = [f"C-{n}" for n, value in enumerate(column) if value is False]
        assert (summary.checked, summary.failed, summary.failing_case_ids) == (
            checked,
            len(failed),
            tuple(failed),
        )
        assert summary.pass_rate == (Fraction(checked - len(failed), checked) if checked else None)
    passing = sum(1 for row in outcomes if False not in row)
    assert report.passed_cases == passing
    assert report.pass_rate == (Fraction(passing, len(outcomes)) if outcomes else None)


# --------------------------------------------------------------------------- audit sampling


def reference_sample(
    groups: dict[Hashable, list[str]], rate: Fraction, seed: int | str, minimum: int
) -> tuple[list[str], dict[Hashable, tuple[int, int]]]:
    """Draw as documented: SHA-256 of the seed and the stratum's repr seeds random.Random."""
    chosen: list[str] = []
    counts: dict[Hashable, tuple[int, int]] = {}
    for stratum, keys in groups.items():
        ordered = sorted(keys)
        size = len(ordered)
        count = min(size, max(minimum, math.ceil(rate * size)))
        text = f"{type(seed).__name__}:{seed}\x1f{stratum!r}"
        generator = random.Random(int.from_bytes(hashlib.sha256(text.encode()).digest(), "big"))  # noqa: S311
        chosen += [ordered[i] for i in generator.sample(range(size), count)]
        counts[stratum] = (size, count)
    return sorted(chosen), counts


POPULATION = [f"P-{n:04}" for n in range(1, 41)]


def _level_of(key: str) -> RiskLevel:
    number = int(key[2:])
    return H if number % 10 == 0 else M if number % 3 == 0 else L


def test_audit_sample_matches_the_reference_draw() -> None:
    sample = sample_for_audit(POPULATION, Decimal("0.1"), 2025, key=str)
    expected, counts = reference_sample({None: POPULATION}, Fraction(1, 10), 2025, 1)
    assert list(sample.keys) == expected and list(sample.cases) == expected
    assert counts == {None: (40, 4)}
    assert sample.strata == {None: AuditStratum(None, 40, 4)}
    assert (sample.rate, sample.seed, sample.population) == (Decimal("0.1"), 2025, 40)


def test_audit_sample_is_stable_across_releases() -> None:
    # Drawn once with reference_sample above and written out: a change here would change
    # every sample a host has recorded, so an audit could no longer be repeated.
    sample = sample_for_audit(POPULATION, Decimal("0.1"), "2025-Q1", key=str)
    assert sample.keys == ("P-0005", "P-0027", "P-0028", "P-0034")


def test_stratified_audit_sample() -> None:
    sample = sample_for_audit(
        POPULATION, Fraction(1, 4), "s", key=str, stratify_by=_level_of, minimum_per_stratum=2
    )
    groups: dict[Hashable, list[str]] = {L: [], M: [], H: []}
    for key in POPULATION:
        groups[_level_of(key)].append(key)
    # 40 keys: 4 multiples of 10 HIGH; multiples of 3 not of 10 MEDIUM: 13 - 1 (30) = 12;
    # 24 LOW. ceil(24/4) = 6, ceil(12/4) = 3, ceil(4/4) = 1 -> at least 2.
    assert [len(groups[level]) for level in (L, M, H)] == [24, 12, 4]
    expected, counts = reference_sample(groups, Fraction(1, 4), "s", 2)
    assert counts == {L: (24, 6), M: (12, 3), H: (4, 2)}
    assert list(sample.keys) == expected
    assert list(sample.strata) == [L, M, H]
    assert {s: (c.population, c.sampled) for s, c in sample.strata.items()} == counts


def test_audit_sample_strata_that_do_not_compare_keep_their_first_appearance() -> None:
    def stratum(key: str) -> Hashable:
        return 1 if key.endswith(("1", "3")) else "odd" if int(key[-1]) % 2 else (2, "even")

    sample = sample_for_audit(reversed(POPULATION), Decimal(1), 0, key=str, stratify_by=stratum)
    # P-0001 -> 1, P-0002 -> (2, "even"), P-0005 -> "odd"
    assert list(sample.strata) == [1, (2, "even"), "odd"]
    assert sample.keys == tuple(POPULATION)  # rate 1 takes every case


def test_audit_sample_of_objects_by_key() -> None:
    policies = [make_policy(number=f"P-{n}") for n in (3, 1, 2)]
    sample = sample_for_audit(policies, Decimal("0.5"), 1, key=lambda policy: policy.number)
    assert sample.keys == tuple(sorted(sample.keys))
    assert all(policy.number in {"P-1", "P-2", "P-3"} for policy in sample.cases)
    assert [p.number for p in sample.cases] == list(sample.keys)
    assert len(sample.cases) == 2  # ceil(1.5)
    empty: AuditSample[str] = sample_for_audit([], Decimal("0.5"), 1, key=str)
    assert (empty.cases, empty.strata, empty.population) == ((), {}, 0)


def test_audit_sample_does_not_depend_on_hash_randomisation() -> None:
    code = (
        "from decimal import Decimal; from renewal_core.audit import sample_for_audit; "
        "keys = [f'P-{n:03}' for n in range(60)]; "
        "s = sample_for_audit(keys, Decimal('0.2'), 'audit', key=str, "
        "stratify_by=lambda k: ('north', 'south', 'east')[int(k[2:]) % 3]); print(s.keys)"
    )
    outputs = {
        subprocess.run(  # noqa: S603 - fixed interpreter and code
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": seed, "PATH": ""},
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1


@pytest.mark.parametrize(
    ("arguments", "field", "fragment"),
    [
        ({"rate": Decimal(0)}, "rate", "more than 0 and at most 1, not 0$"),
        ({"rate": Fraction(3, 2)}, "rate", "at most 1, not 3/2$"),
        ({"rate": 2}, "rate", "at most 1, not 2$"),
        ({"rate": Decimal("NaN")}, "rate", "must be a finite number, not NaN$"),
        ({"key": len}, "key", "must return a str, not int$"),
        ({"key": lambda k: PHONE}, "key", "same key for the cases at positions 0 and 1; a key"),
        ({"stratify_by": lambda k: [k]}, "stratify_by", "hashable value, not list$"),
        ({"minimum_per_stratum": -1}, "minimum_per_stratum", "at least 0, not -1$"),
    ],
)
def test_audit_sample_refuses_bad_values(
    arguments: dict[str, Any], field: str, fragment: str
) -> None:
    call: dict[str, Any] = {"rate": Decimal("0.1"), "seed": 1, "key": str}
    call.update(arguments)
    with invalid("sample_for_audit", field, fragment) as info:
        sample_for_audit(POPULATION[:5], **call)
    assert PHONE not in str(info.value)


@pytest.mark.parametrize(
    ("arguments", "parameter", "fragment"),
    [
        (
            {"rate": 0.1},
            "rate",
            r"a Decimal or a Fraction, such as Decimal\('0.1'\) \(floats are inexact\), not f",
        ),
        ({"rate": 0.05}, "rate", r"such as Decimal\('0.05'\) \(floats are inexact\)"),
        ({"rate": "0.1"}, "rate", r"a Decimal or a Fraction, such as Decimal\('0.1'\), not str$"),
        ({"rate": True}, "rate", "not bool$"),
        ({"seed": 1.5}, "seed", "an int or a str, not float$"),
        ({"seed": False}, "seed", "not bool$"),
        ({"key": "number"}, "key", "a function, not str$"),
        ({"stratify_by": "level"}, "stratify_by", "a function or None, not str$"),
        ({"minimum_per_stratum": True}, "minimum_per_stratum", "an int, not bool$"),
    ],
)
def test_audit_sample_refuses_wrong_types(
    arguments: dict[str, Any], parameter: str, fragment: str
) -> None:
    call: dict[str, Any] = {"rate": Decimal("0.1"), "seed": 1, "key": str}
    call.update(arguments)
    with wrong_type(f"sample_for_audit({parameter})", fragment):
        sample_for_audit(POPULATION[:5], **call)


_keys = st.lists(st.text("ABCXYZ0123456789-", min_size=1, max_size=6), unique=True, max_size=40)
_rate = st.fractions(min_value=Fraction(1, 100), max_value=1, max_denominator=100)


@given(
    _keys, _rate, st.one_of(st.integers(), st.text(max_size=8)), st.integers(0, 4), st.randoms()
)
def test_audit_sample_properties(
    keys: list[str], rate: Fraction, seed: int | str, minimum: int, shuffler: random.Random
) -> None:
    def stratum(key: str) -> str:
        return "digit" if key[0].isdigit() else "letter"

    sample = sample_for_audit(
        keys, rate, seed, key=str, stratify_by=stratum, minimum_per_stratum=minimum
    )
    shuffled = [*keys]
    shuffler.shuffle(shuffled)
    again = sample_for_audit(
        shuffled, rate, seed, key=str, stratify_by=stratum, minimum_per_stratum=minimum
    )
    assert again == sample  # independent of the input order
    assert set(sample.keys) <= set(keys)
    assert list(sample.keys) == sorted(sample.keys)
    assert sample.cases == sample.keys
    for name, counts in sample.strata.items():
        members = [key for key in keys if stratum(key) == name]
        assert counts.population == len(members)
        assert counts.sampled == min(len(members), max(minimum, math.ceil(rate * len(members))))
        assert sum(1 for key in sample.keys if stratum(key) == name) == counts.sampled
    assert sample.population == len(keys)


def test_different_seeds_usually_give_different_samples() -> None:
    samples = {
        sample_for_audit(POPULATION, Decimal("0.1"), seed, key=str).keys for seed in range(50)
    }
    # 4 of 40 cases: C(40, 4) = 91,390 possible samples; 50 seeds all but never collide.
    assert len(samples) >= 48


def test_audit_sample_is_a_generic_value() -> None:
    sample: AuditSample[str] = sample_for_audit(POPULATION, Decimal(1), 1, key=str)
    assert sample == sample_for_audit(POPULATION, Decimal(1), 1, key=str)
    assert isinstance(sample, AuditSample)


def test_an_audit_sample_repr_shows_keys_not_cases() -> None:
    cases = [{"id": "P-1", "phone": PHONE}, {"id": "P-2", "phone": PHONE}]
    sample = sample_for_audit(cases, Decimal(1), 7, key=lambda case: case["id"])
    assert PHONE not in repr(sample)
    assert "P-1" in repr(sample)


def test_cases_must_be_iterable() -> None:
    with wrong_type("sample_for_audit(cases)", "an iterable of cases, not NoneType"):
        sample_for_audit(loose(None), Decimal("0.1"), 1, key=str)
    with wrong_type("ComplianceChecklist.evaluate_all(cases)", "an iterable of cases, not int"):
        _checklist().evaluate_all(loose(3))
