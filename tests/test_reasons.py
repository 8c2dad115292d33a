from __future__ import annotations

from types import MappingProxyType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from renewal_core.errors import InvalidField
from renewal_core.reasons import Reason, Severity, worst_severity

WEIGHT = {Severity.INFO: 0, Severity.REFER: 1, Severity.BLOCK: 2}


def test_severities_compare_by_weight() -> None:
    assert Severity.INFO < Severity.REFER < Severity.BLOCK
    assert Severity.BLOCK > Severity.REFER > Severity.INFO
    assert Severity.INFO <= Severity.INFO
    assert Severity.BLOCK >= Severity.BLOCK
    assert not Severity.BLOCK <= Severity.INFO
    assert [severity.weight for severity in Severity] == [0, 1, 2]
    assert repr(Severity.REFER) == "Severity.REFER"


@pytest.mark.parametrize("op", ["__lt__", "__le__", "__gt__", "__ge__"])
def test_severities_do_not_compare_with_other_types(op: str) -> None:
    assert getattr(Severity.INFO, op)(1) is NotImplemented
    with pytest.raises(TypeError):
        _ = Severity.INFO < 1


@given(st.lists(st.sampled_from(list(Severity))))
def test_worst_severity_is_the_heaviest(severities: list[Severity]) -> None:
    reasons = [
        Reason(f"c.r{index}", severity, "rule", "m") for index, severity in enumerate(severities)
    ]
    expected = max(severities, key=WEIGHT.__getitem__) if severities else None
    assert worst_severity(reasons) is expected
    assert worst_severity(reversed(reasons)) is expected


def test_a_reason_holds_its_fields_and_a_read_only_copy_of_the_details() -> None:
    details = {"claims": 4}
    reason = Reason("claims.frequency", Severity.REFER, "claim_history", "4 claims", details)
    details["claims"] = 5
    assert reason.details == {"claims": 4}
    assert isinstance(reason.details, MappingProxyType)
    with pytest.raises(TypeError):
        reason.details["claims"] = 6  # type: ignore[index]
    assert not reason.blocks
    assert Reason("flag.fraud", Severity.BLOCK, "flags", "fraud").blocks
    assert reason == Reason(
        "claims.frequency", Severity.REFER, "claim_history", "4 claims", {"claims": 4}
    )
    # Hashable, the details left out of the hash.
    assert hash(Reason("a", Severity.INFO, "r", "m")) == hash(Reason("a", Severity.INFO, "r", "m"))


@pytest.mark.parametrize(
    "code", ["a", "outside_window.too_early", "materials.invalid.check_digit", "r2.x_1"]
)
def test_well_formed_codes(code: str) -> None:
    assert Reason(code, Severity.INFO, "r", "m").code == code


@pytest.mark.parametrize("code", ["", "A.b", "a..b", ".a", "a.", "a b", "a-b", "a.B"])
def test_badly_formed_codes_are_refused(code: str) -> None:
    with pytest.raises(InvalidField, match=r"Reason\.code: must be lower-case words"):
        Reason(code, Severity.INFO, "r", "m")


def test_bad_fields_are_refused() -> None:
    with pytest.raises(InvalidField, match=r"Reason\.code: must be a str, not int"):
        Reason(1, Severity.INFO, "r", "m")  # type: ignore[arg-type]
    with pytest.raises(InvalidField, match=r"Reason\.severity: must be a Severity member"):
        Reason("a", "info", "r", "m")  # type: ignore[arg-type]
    with pytest.raises(InvalidField, match=r"Reason\.rule: must not be empty"):
        Reason("a", Severity.INFO, " ", "m")
    with pytest.raises(InvalidField, match=r"Reason\.message: must be a str, not NoneType"):
        Reason("a", Severity.INFO, "r", None)  # type: ignore[arg-type]
    with pytest.raises(InvalidField, match=r"Reason\.details: must be a mapping, not list"):
        Reason("a", Severity.INFO, "r", "m", [])  # type: ignore[arg-type]
    with pytest.raises(InvalidField, match=r"Reason\.details: keys must be str, not int"):
        Reason("a", Severity.INFO, "r", "m", {1: 2})
