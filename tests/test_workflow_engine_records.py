"""Recorded data stays as recorded: frozen payloads, no replacement, no bool for int."""

from __future__ import annotations

import enum

import pendulum
import pytest

from renewal_core.errors import ArgumentTypeError, InvalidField, TransitionRefused
from renewal_core.workflows.engine import Actor, Firing, Role, Transition, Workflow, WorkflowEvent


class _S(enum.Enum):
    OPEN = "open"
    SENT = "sent"
    DONE = "done"


_FLOW = Workflow(
    "records",
    _S,
    initial=_S.OPEN,
    final=_S.DONE,
    transitions=[
        Transition(_S.OPEN, "send", _S.SENT, needs={"count": int}),
        Transition(_S.SENT, "resend", _S.SENT, needs={"count": int}),
        Transition(_S.SENT, "close", _S.DONE),
    ],
)
_CLERK = Actor("u-1", Role.CLERK)
_AT = pendulum.datetime(2025, 3, 3, 9, tz="Asia/Shanghai")


def test_a_payload_is_recorded_frozen() -> None:
    case, _ = _FLOW.start("C-1", actor=_CLERK, at=_AT)
    notes = ["a"]
    tags = {"x"}
    nested = {"inner": [1, 2]}
    sent, events = _FLOW.fire(
        case,
        "send",
        actor=_CLERK,
        at=_AT,
        payload={"count": 1, "notes": notes, "tags": tags, "nested": nested},
    )
    notes.append("b")
    tags.add("y")
    nested["inner"].append(3)
    assert sent.data["notes"] == ("a",)
    assert sent.data["tags"] == frozenset({"x"})
    assert dict(sent.data["nested"]) == {"inner": (1, 2)}  # type: ignore[call-overload]
    assert _FLOW.replay([*_FLOW.start("C-1", actor=_CLERK, at=_AT)[1], *events]) == sent


def test_only_the_step_that_records_a_key_may_record_it_again() -> None:
    case, _ = _FLOW.start("C-1", actor=_CLERK, at=_AT, data={"policy": "P-1"})
    sent, _ = _FLOW.fire(case, "send", actor=_CLERK, at=_AT, payload={"count": 1})
    again, _ = _FLOW.fire(sent, "resend", actor=_CLERK, at=_AT, payload={"count": 2})
    assert again.data["count"] == 2
    with pytest.raises(TransitionRefused) as refused:
        _FLOW.fire(again, "close", actor=_CLERK, at=_AT, payload={"count": 3, "policy": "P-2"})
    codes = [getattr(reason, "code", "") for reason in refused.value.reasons]
    assert codes == ["payload.replaces_record", "payload.replaces_record"]
    assert "'count' is already recorded on the case and event 'close' does not record it" in str(
        refused.value
    )
    closed, _ = _FLOW.fire(again, "close", actor=_CLERK, at=_AT, payload={"note": "done"})
    assert closed.data["note"] == "done"


def test_a_bool_is_no_int_for_a_needed_count() -> None:
    case, _ = _FLOW.start("C-1", actor=_CLERK, at=_AT)
    with pytest.raises(InvalidField, match="'count' of event 'send' must be a int, not bool"):
        _FLOW.fire(case, "send", actor=_CLERK, at=_AT, payload={"count": True})


def test_what_a_guard_sees_hides_the_payload_in_its_repr() -> None:
    seen: list[Firing] = []

    def spy(case: object, firing: Firing) -> list[object]:
        seen.append(firing)
        return []

    flow = Workflow(
        "spy",
        _S,
        initial=_S.OPEN,
        final=_S.DONE,
        transitions=[
            Transition(_S.OPEN, "send", _S.SENT, guards=[spy]),
            Transition(_S.SENT, "close", _S.DONE),
        ],
    )
    case, _ = flow.start("C-1", actor=_CLERK, at=_AT)
    flow.fire(case, "send", actor=_CLERK, at=_AT, payload={"id_number": "11010519491231002X"})
    assert "11010519491231002X" not in repr(seen[0])
    assert seen[0].payload["id_number"] == "11010519491231002X"


def test_a_case_is_not_hashable() -> None:
    case, _ = _FLOW.start("C-1", actor=_CLERK, at=_AT)
    with pytest.raises(TypeError, match="unhashable type: 'Case'"):
        hash(case)


def test_replay_refuses_what_is_not_a_list_of_events() -> None:
    with pytest.raises(ArgumentTypeError, match=r"Workflow\.replay\(events\) takes an iterable"):
        _FLOW.replay(None)  # type: ignore[arg-type]
    junk = WorkflowEvent("records", "junk", _CLERK, {})  # type: ignore[arg-type]
    with pytest.raises(ArgumentTypeError, match=r"replay\(events\[0\]\) takes a WorkflowEvent"):
        _FLOW.replay([junk])


def test_an_event_shows_its_entry_but_not_its_payload() -> None:
    _, events = _FLOW.start("C-1", actor=_CLERK, at=_AT, data={"phone": "13812345678"})
    shown = repr(events[0])
    assert shown.startswith("WorkflowEvent(workflow='records', entry=AuditEntry(case_id='C-1'")
    assert "13812345678" not in shown
