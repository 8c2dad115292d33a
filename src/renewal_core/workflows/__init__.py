"""Workflows: a table-driven state machine engine and the renewal workflows.

Everything here is also importable from :mod:`renewal_core`; each submodule's
reference page documents it.
"""

from renewal_core.workflows.engine import (
    START,
    Actor,
    AuditEntry,
    Case,
    Condition,
    Deadline,
    Firing,
    Guard,
    Lateness,
    Role,
    Route,
    Transition,
    Workflow,
    WorkflowEvent,
    WorkingCalendar,
)

__all__ = [
    "START",
    "Actor",
    "AuditEntry",
    "Case",
    "Condition",
    "Deadline",
    "Firing",
    "Guard",
    "Lateness",
    "Role",
    "Route",
    "Transition",
    "Workflow",
    "WorkflowEvent",
    "WorkingCalendar",
]
