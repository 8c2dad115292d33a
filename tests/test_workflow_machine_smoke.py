"""The generic workflow state machine, run on a small workflow with a guard and a route."""

from __future__ import annotations

import enum

from hypothesis import strategies as st

from renewal_core.reasons import Reason, Severity
from renewal_core.workflows.engine import Actor, Case, Firing, Role, Route, Transition, Workflow
from workflow_machine import workflow_machine


class _Memo(enum.Enum):
    DRAFT = "draft"
    SENT = "sent"
    BIG = "big"
    DONE = "done"


def _needs_reason(case: Case, firing: Firing) -> list[Reason]:
    if firing.reason is None:
        return [Reason("memo.no_reason", Severity.BLOCK, "memo", "give a reason")]
    return []


_FLOW = Workflow(
    "memo",
    _Memo,
    initial=_Memo.DRAFT,
    final={_Memo.DONE},
    transitions=[
        Transition(
            _Memo.DRAFT,
            "send",
            Route(
                [("big", lambda case, step: bool(step.payload.get("big")), _Memo.BIG)],
                otherwise=_Memo.SENT,
            ),
        ),
        Transition(
            [_Memo.SENT, _Memo.BIG],
            "close",
            _Memo.DONE,
            roles={Role.MANAGER},
            four_eyes=("send",),
            guards=[_needs_reason],
        ),
        Transition([_Memo.SENT, _Memo.BIG], "return", _Memo.DRAFT),
    ],
)

TestMemoMachine = workflow_machine(
    _FLOW,
    actors=[Actor("u-1", Role.CLERK), Actor("u-2", Role.MANAGER), Actor("u-3", Role.MANAGER)],
    payloads=lambda event: st.one_of(st.none(), st.fixed_dictionaries({"big": st.booleans()})),
).TestCase
