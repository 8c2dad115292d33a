"""Material review (D2.2): checklists of required fields and documents, and reviews.

SKELETON: ``Materials`` is final; the checklist and the review are being built.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import attrs

from renewal_core._fields import _fail, _type_name
from renewal_core.model import Party, Policy

__all__ = ["Materials"]


def _frozen_fields(value: Mapping[str, str | None]) -> Mapping[str, str | None]:
    given: object = value  # typed loosely: callers without mypy can pass anything
    if isinstance(given, Mapping):
        return MappingProxyType(dict(given))
    return value


def _check_fields(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Mapping):
        _fail(instance, attribute.name, f"must be a mapping, not {_type_name(value)}")
    for key, item in value.items():
        if not isinstance(key, str):
            _fail(instance, attribute.name, f"keys must be str, not {_type_name(key)}")
        if item is not None and not isinstance(item, str):
            _fail(
                instance,
                f"{attribute.name}[{key!r}]",
                f"must be a str or None, not {_type_name(item)}",
            )


def _frozen_documents(value: frozenset[str]) -> frozenset[str]:
    given: object = value
    if isinstance(given, set | frozenset | list | tuple):
        return frozenset(given)
    return value


def _check_documents(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, frozenset):
        _fail(instance, attribute.name, f"must be a set of str, not {_type_name(value)}")
    for item in value:
        if not isinstance(item, str):
            _fail(instance, attribute.name, f"items must be str, not {_type_name(item)}")


def _field_keys(value: Mapping[str, str | None]) -> str:
    return repr(sorted(value))


@attrs.frozen
class Materials:
    """The data and documents submitted for a renewal, as the host has them.

    Args:
        fields: field values keyed by name, such as ``"holder.id_number"``; ``None``
            or an absent key means the field was not given. The values may be
            personal data: the ``repr`` shows the keys only.
        documents: the names of the documents received, such as ``"id_document"``.
    """

    fields: Mapping[str, str | None] = attrs.field(
        factory=dict,
        converter=_frozen_fields,
        validator=_check_fields,
        repr=_field_keys,
        hash=False,
    )
    documents: frozenset[str] = attrs.field(
        factory=frozenset, converter=_frozen_documents, validator=_check_documents
    )

    @classmethod
    def from_policy(cls, policy: Policy, *, documents: frozenset[str] = frozenset()) -> Materials:
        """The fields a policy carries about its parties, keyed ``holder.*`` and ``insured.*``.

        Keys: ``name``, ``id_kind`` (the enum's value), ``id_number``, ``phone`` and
        ``email`` of ``holder`` and, when the policy names one, of ``insured``.
        """
        fields: dict[str, str | None] = {}
        parties: list[tuple[str, Party]] = [("holder", policy.holder)]
        if policy.insured is not None:
            parties.append(("insured", policy.insured))
        for role, party in parties:
            fields[f"{role}.name"] = party.name
            fields[f"{role}.id_kind"] = None if party.id_kind is None else party.id_kind.value
            fields[f"{role}.id_number"] = party.id_number
            fields[f"{role}.phone"] = party.phone
            fields[f"{role}.email"] = party.email
        return cls(fields, documents)
