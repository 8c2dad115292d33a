"""A generic hypothesis state machine for any workflow (shared by the workflow tests).

``workflow_machine(workflow, actors=..., payloads=...)`` returns a
``RuleBasedStateMachine`` class that opens a case, then fires random events (the
workflow's own and unknown ones) with random actors, reasons, payloads and time
steps, and checks the invariants every workflow must keep:

* the state is always one of the workflow's, and one the table allows: each accepted
  step goes from a source of its transition to one of its targets;
* a final state stays final: no event is accepted there;
* the history has one entry per accepted step (plus the creation), numbered in
  order, in time order;
* replaying the events rebuilds the case exactly (checked at the end of each run:
  replay checks every entry, so that covers the whole history);
* the four-eyes rule is never broken;
* an event refused for any reason (not allowed, a role, four eyes, a guard, bad
  arguments) leaves the case unchanged.

Expected values come from the transition table read independently (``transitions``
of the workflow), never from the engine's own lookups.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pendulum
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from renewal_core.errors import InvalidField, InvalidTransition, TransitionRefused
from renewal_core.workflows.engine import START, Actor, Case, Workflow, WorkflowEvent

PayloadFor = Callable[[str], st.SearchStrategy[Mapping[str, object] | None]]

_START_AT = pendulum.datetime(2025, 3, 3, 9, tz="Asia/Shanghai")


def _no_payload(event: str) -> st.SearchStrategy[Mapping[str, object] | None]:
    return st.none()


def workflow_machine(
    workflow: Workflow,
    *,
    actors: Sequence[Actor],
    payloads: PayloadFor = _no_payload,
    data: Mapping[str, object] | None = None,
) -> type[RuleBasedStateMachine]:
    """A state machine class testing ``workflow`` with ``actors`` and ``payloads(event)``."""
    table: dict[tuple[enum.Enum | None, str], Any] = {}
    for transition in workflow.transitions:
        for source in transition.sources:
            table[source, transition.event] = transition
    events = sorted({transition.event for transition in workflow.transitions})
    all_states = set(workflow.states)

    class WorkflowMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.case: Case | None = None
            self.events: list[WorkflowEvent] = []
            self.now = _START_AT
            self.accepted = 0

        @precondition(lambda self: self.case is None)
        @rule(actor=st.sampled_from(actors))
        def open_case(self, actor: Actor) -> None:
            case, produced = workflow.start("CASE-1", actor=actor, at=self.now, data=data)
            assert case.state is workflow.initial
            assert [entry.event for entry in case.history] == [START]
            self.case = case
            self.events = list(produced)

        @precondition(lambda self: self.case is not None)
        @rule(
            data_=st.data(),
            event=st.sampled_from([*events, "no_such_event"]),
            actor=st.sampled_from(actors),
            hours=st.integers(min_value=0, max_value=72),
            reason=st.one_of(st.none(), st.just("a reason given")),
        )
        def fire(
            self, data_: st.DataObject, event: str, actor: Actor, hours: int, reason: str | None
        ) -> None:
            case = self.case
            assert case is not None
            payload = data_.draw(payloads(event))
            at = self.now.add(hours=hours)
            before = case
            try:
                after, produced = workflow.fire(
                    case, event, actor=actor, at=at, reason=reason, payload=payload
                )
            except InvalidTransition:
                assert (case.state, event) not in table
                assert case == before
                return
            except (TransitionRefused, InvalidField):
                assert (case.state, event) in table
                assert case == before
                return
            transition = table[case.state, event]
            assert after.state in transition.targets
            assert len(after.history) == len(case.history) + 1
            assert after.history[:-1] == case.history
            entry = after.history[-1]
            assert (entry.event, entry.source, entry.target) == (event, case.state, after.state)
            assert (entry.actor_id, entry.role, entry.reason) == (
                actor.actor_id,
                actor.role,
                reason,
            )
            if transition.roles:
                assert actor.role in transition.roles
            if transition.reason_required:
                assert reason is not None
            assert len(produced) == 1
            self.events.extend(produced)
            self.case = after
            self.now = at
            self.accepted += 1

        @invariant()
        def state_is_a_workflow_state(self) -> None:
            if self.case is not None:
                assert self.case.state in all_states

        @invariant()
        def final_states_allow_nothing(self) -> None:
            if self.case is not None and self.case.state in workflow.final:
                assert self.case.allowed_events() == ()

        @invariant()
        def history_is_one_entry_per_step_in_time_order(self) -> None:
            case = self.case
            if case is None:
                return
            history = case.history
            assert len(history) == self.accepted + 1
            assert [entry.sequence for entry in history] == list(range(len(history)))
            instants = [entry.at for entry in history]
            assert instants == sorted(instants)
            assert history[0].source is None and history[0].target is workflow.initial

        def teardown(self) -> None:
            # Replay checks every step's entry, so checking it once, at the end of a
            # run, covers the whole history (and keeps each run fast).
            if self.case is not None:
                assert workflow.replay(self.events) == self.case

        @invariant()
        def four_eyes_is_kept(self) -> None:
            case = self.case
            if case is None:
                return
            for index, entry in enumerate(case.history[1:], start=1):
                transition = table[entry.source, entry.event]
                earlier = {
                    other.actor_id
                    for other in case.history[:index]
                    if other.event in transition.four_eyes
                }
                assert entry.actor_id not in earlier

    WorkflowMachine.__name__ = f"{workflow.name.title().replace('_', '')}Machine"
    return WorkflowMachine


def instants_after(start: dt.datetime) -> st.SearchStrategy[pendulum.DateTime]:
    """Aware instants from ``start`` on, up to a year later (for payloads that carry one)."""
    base = pendulum.instance(start)
    return st.integers(min_value=0, max_value=365 * 24).map(lambda hours: base.add(hours=hours))
