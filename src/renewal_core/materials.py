"""Material review (D2.2): checklists of required fields and documents, and reviews.

Before a renewal goes on, the insurer checks that the application's data and
documents are complete and true. :func:`review_materials` checks a
:class:`Materials` (the fields and documents of an application) or a
:class:`~renewal_core.model.Policy` (its parties' data, through
:meth:`Materials.from_policy`; a policy carries no documents, so its review leaves
the document items out) against a :class:`MaterialChecklist`, and answers with
a :class:`MaterialReview`: what is missing, what is invalid, and one
:class:`~renewal_core.reasons.Reason` per finding, in the checklist's order.

A checklist is a tuple of :class:`MaterialItem` values. A field item is present when
its key maps to a non-empty string, and its validator (one of
:mod:`renewal_core.validators`, or your own :data:`~renewal_core.validators.Validator`)
then checks the value; a document item is present when its name is among the
documents received. A required item that is absent is reported as
``materials.missing``; an optional one is not reported when absent, but is still
checked when present. A value that fails its validator is reported as
``materials.invalid``, with the validator's problem code. Reasons never show a
value: only the item's key, kind and label, and the problem code.

The presets, :data:`AUTO_CHECKLIST`, :data:`HEALTH_CHECKLIST`,
:data:`LIFE_CHECKLIST` and :data:`PROPERTY_CHECKLIST`, are plain values: copy them,
or change them with :func:`attrs.evolve`. Every one of them has these field items,
the keys :meth:`Materials.from_policy` gives:

* ``holder.name`` and ``holder.id_number``, required;
* ``holder.phone``, required; in the auto, health and life presets it must be a
  mainland mobile number (:func:`~renewal_core.validators.check_mainland_mobile`),
  to which renewal notices and verification codes are sent; the property preset,
  whose holders are often enterprises with a landline, takes any phone number (the
  format :class:`~renewal_core.model.Party` accepts);
* ``holder.email``, optional, checked with
  :func:`~renewal_core.validators.check_email`; an invalid one only informs
  (``Severity.INFO``), as no notice depends on it;
* ``holder.resident_id`` and ``insured.resident_id``, optional, checked with
  :func:`~renewal_core.validators.check_resident_id`; ``holder.credit_code`` and
  ``insured.credit_code``, optional, checked with
  :func:`~renewal_core.validators.check_unified_social_credit_code`. They are
  present when the party's ID is of that kind, so a bad check digit is found.

and these documents, all required:

* auto: ``id_document`` and ``vehicle_licence`` (行驶证); and the optional field
  ``vehicle.vin``, checked with :func:`~renewal_core.validators.check_vin` when
  the host gives it;
* health: ``id_document`` and ``health_declaration`` (健康告知);
* life: ``id_document``, ``health_declaration`` and ``beneficiary_designation``
  (受益人指定); a product whose beneficiaries are the legal heirs drops the last;
* property: ``id_document`` and ``property_ownership_proof`` (产权证明).

Every missing or invalid item is ``Severity.REFER`` (a person asks the customer),
except an invalid e-mail address (``INFO``). :data:`DEFAULT_CHECKLISTS` picks the
preset by line of business.

>>> materials = Materials(
...     {"holder.name": "张三", "holder.id_number": "110105194912310021",
...      "holder.resident_id": "110105194912310021", "holder.phone": "13812345678"},
...     documents={"id_document"},
... )
>>> review = review_materials(materials, AUTO_CHECKLIST)
>>> review.missing, review.invalid
(('vehicle_licence',), (('holder.resident_id', 'check_digit'),))
>>> [(reason.code, reason.severity) for reason in review.reasons]
[('materials.invalid', Severity.REFER), ('materials.missing', Severity.REFER)]
>>> print(review.reasons[0].message)
invalid field: policy holder's resident identity number (check_digit: its check digit or
check character does not match the rest, as after a typing error)
>>> review.complete, review.valid, review.passed
(False, False, False)
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from types import MappingProxyType
from typing import Any, Final, cast

import attrs

from renewal_core._enums import ShortReprEnum
from renewal_core._fields import (
    _as_tuple,
    _fail,
    _flag,
    _items,
    _maker,
    _member_of,
    _not_an_instance,
    _read_only,
    _text,
    _type_name,
)
from renewal_core.errors import ArgumentTypeError, InvalidField
from renewal_core.model import IdKind, LineOfBusiness, Party, Policy
from renewal_core.reasons import Reason, Severity, _reason, worst_severity
from renewal_core.validators import (
    Validator,
    check_email,
    check_mainland_mobile,
    check_resident_id,
    check_unified_social_credit_code,
    check_vin,
)

__all__ = [
    "AUTO_CHECKLIST",
    "DEFAULT_CHECKLISTS",
    "HEALTH_CHECKLIST",
    "LIFE_CHECKLIST",
    "PROPERTY_CHECKLIST",
    "MaterialChecklist",
    "MaterialChecklists",
    "MaterialItem",
    "MaterialKind",
    "MaterialReview",
    "Materials",
    "review_materials",
]


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


def _frozen_documents(value: AbstractSet[str] | list[str] | tuple[str, ...]) -> frozenset[str]:
    given: object = value
    if isinstance(given, set | frozenset | list | tuple):
        return frozenset(given)
    return cast("frozenset[str]", value)  # refused by _check_documents


def _check_documents(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, frozenset):
        _fail(instance, attribute.name, f"must be a set of str, not {_type_name(value)}")
    for item in value:
        if not isinstance(item, str):
            _fail(instance, attribute.name, f"items must be str, not {_type_name(item)}")


def _field_keys(value: Mapping[str, str | None]) -> str:
    return repr(sorted(value))


_FIELD_NAMES: Final = (
    "name",
    "id_kind",
    "id_number",
    "resident_id",
    "credit_code",
    "phone",
    "email",
)
_HOLDER_KEYS: Final = tuple(f"holder.{name}" for name in _FIELD_NAMES)
_INSURED_KEYS: Final = tuple(f"insured.{name}" for name in _FIELD_NAMES)


def _party_values(party: Party) -> tuple[str | None, ...]:
    """A party's values in the order of ``_FIELD_NAMES``."""
    id_kind, id_number = party.id_kind, party.id_number
    return (
        party.name,
        None if id_kind is None else id_kind.value,
        id_number,
        id_number if id_kind is IdKind.RESIDENT_ID else None,
        id_number if id_kind is IdKind.UNIFIED_SOCIAL_CREDIT_CODE else None,
        party.phone,
        party.email,
    )


def _policy_fields(policy: Policy) -> dict[str, str | None]:
    """The fields :meth:`Materials.from_policy` documents, as a plain dict."""
    fields = dict(zip(_HOLDER_KEYS, _party_values(policy.holder), strict=True))
    if policy.insured is not None:
        fields.update(zip(_INSURED_KEYS, _party_values(policy.insured), strict=True))
    return fields


@attrs.frozen
class Materials:
    """The data and documents submitted for a renewal, as the host has them.

    Args:
        fields: field values keyed by name, such as ``"holder.id_number"``; ``None``,
            an absent key, an empty or a blank value means the field was not given.
            When ``<role>.resident_id`` or ``<role>.credit_code`` is not given, a
            review reads it from ``<role>.id_number`` if ``<role>.id_kind`` is
            ``"resident_id"`` or ``"unified_social_credit_code"`` (the enum values of
            :class:`~renewal_core.model.IdKind`), as :meth:`from_policy` fills them.
            The values may be personal data: the ``repr`` shows the keys only.
        documents: the names of the documents received, such as ``"id_document"``;
            a set, a frozenset, a list or a tuple, stored as a frozenset.

    >>> Materials({"holder.phone": "13812345678"}, {"id_document"})
    Materials(fields=['holder.phone'], documents=frozenset({'id_document'}))
    """

    fields: Mapping[str, str | None] = attrs.field(
        factory=dict,
        converter=_read_only,
        validator=_check_fields,
        repr=_field_keys,
        hash=False,
    )
    documents: frozenset[str] = attrs.field(
        factory=frozenset, converter=_frozen_documents, validator=_check_documents
    )

    @classmethod
    def from_policy(
        cls,
        policy: Policy,
        *,
        documents: AbstractSet[str] | list[str] | tuple[str, ...] = frozenset(),
    ) -> Materials:
        """The fields a policy carries about its parties, keyed ``holder.*`` and ``insured.*``.

        Keys: ``name``, ``id_kind`` (the enum's value), ``id_number``, ``phone`` and
        ``email`` of ``holder`` and, when the policy names one, of ``insured``; and
        two keys derived from the ID, so that checklists can check it by kind:
        ``resident_id``, the ``id_number`` when ``id_kind`` is
        :attr:`IdKind.RESIDENT_ID <renewal_core.model.IdKind.RESIDENT_ID>`, and
        ``credit_code``, the ``id_number`` when it is
        :attr:`IdKind.UNIFIED_SOCIAL_CREDIT_CODE
        <renewal_core.model.IdKind.UNIFIED_SOCIAL_CREDIT_CODE>`. Every key is there
        for each party, ``None`` when the party has no such value.

        Args:
            policy: the policy.
            documents: the names of the documents received; a policy carries none.

        Raises:
            ArgumentTypeError: ``policy`` is not a
                :class:`~renewal_core.model.Policy`.
        """
        given: object = policy  # typed loosely: callers without mypy can pass anything
        if not isinstance(given, Policy):
            raise ArgumentTypeError(_type_name(given), "Materials.from_policy(policy)", "a Policy")
        return cls(_policy_fields(policy), documents)


# --------------------------------------------------------------------------- checklists


@enum.unique
class MaterialKind(ShortReprEnum):
    """What a :class:`MaterialItem` asks for.

    Attributes:
        FIELD: a value among ``Materials.fields``, present when it is a
            non-empty string.
        DOCUMENT: a document among ``Materials.documents``, present when its
            name is there.

    >>> MaterialKind("document")
    MaterialKind.DOCUMENT
    """

    FIELD = "field"
    DOCUMENT = "document"


def _validator_name(value: Validator | None) -> str:
    if value is None:
        return "None"
    name = getattr(value, "__name__", None)
    return name if isinstance(name, str) else _type_name(value)


def _optional_validator(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not callable(value):
        _fail(
            instance,
            attribute.name,
            f"must be None or a function that takes a str and returns None or a problem "
            f"code, such as renewal_core.validators.check_email; not {_type_name(value)}",
        )


@attrs.frozen
class MaterialItem:
    """One field or document a checklist asks for.

    Args:
        key: the field's key in ``Materials.fields`` (``"holder.phone"``), or
            the document's name in ``Materials.documents`` (``"id_document"``).
        kind: a :class:`MaterialKind`.
        label: what the item is, for people (``"policy holder's mobile number"``);
            reasons name it. Not personal data.
        validator: for a field, a :data:`~renewal_core.validators.Validator` that
            checks its value when it is present; ``None`` checks presence only. A
            document has none (:class:`~renewal_core.errors.InvalidField`
            otherwise). It must take any ``str`` without raising and return ``None``
            or a problem code (lower-case words of letters, digits and ``_``, each
            starting with a letter, joined by dots; never the value): a review
            refuses any other result with :class:`~renewal_core.errors.InvalidField`.
        required: whether an absent item is reported (``materials.missing``); an
            optional item is still validated when present.
        missing_severity: the :class:`~renewal_core.reasons.Severity` of a
            ``materials.missing`` reason.
        invalid_severity: the severity of a ``materials.invalid`` reason.

    >>> from renewal_core.validators import check_mainland_mobile
    >>> MaterialItem(
    ...     "holder.phone", MaterialKind.FIELD, label="mobile", validator=check_mainland_mobile
    ... )
    MaterialItem(key='holder.phone', kind=MaterialKind.FIELD, label='mobile',
                 validator=check_mainland_mobile, required=True,
                 missing_severity=Severity.REFER, invalid_severity=Severity.REFER)
    """

    key: str = attrs.field(validator=_text())
    kind: MaterialKind = attrs.field(validator=_member_of(MaterialKind))
    label: str = attrs.field(kw_only=True, validator=_text())
    validator: Validator | None = attrs.field(
        default=None, kw_only=True, validator=_optional_validator, repr=_validator_name
    )
    required: bool = attrs.field(default=True, kw_only=True, validator=_flag)
    missing_severity: Severity = attrs.field(
        default=Severity.REFER, kw_only=True, validator=_member_of(Severity)
    )
    invalid_severity: Severity = attrs.field(
        default=Severity.REFER, kw_only=True, validator=_member_of(Severity)
    )

    def __attrs_post_init__(self) -> None:
        if self.kind is MaterialKind.DOCUMENT and self.validator is not None:
            _fail(
                self,
                "validator",
                f"a document item ({self.key!r}) has no validator: only the presence of a "
                "document is checked; pass validator=None, or make it a MaterialKind.FIELD",
            )


@attrs.frozen
class MaterialChecklist:
    """The fields and documents one product or line of business asks for.

    Args:
        name: the checklist's name, which reviews carry (``"auto"``).
        items: the :class:`MaterialItem` values, with distinct keys, in the order
            reviews report them; a list or a tuple, stored as a tuple. May be empty.

    >>> checklist = MaterialChecklist(
    ...     "minimal", [MaterialItem("id_document", MaterialKind.DOCUMENT, label="ID copy")]
    ... )
    >>> [item.key for item in checklist.items]
    ['id_document']
    """

    name: str = attrs.field(validator=_text())
    items: tuple[MaterialItem, ...] = attrs.field(
        converter=_as_tuple, validator=_items(MaterialItem, lambda item: item.key, "item key")
    )


def _field(
    key: str,
    label: str,
    validator: Validator | None = None,
    *,
    required: bool = True,
    invalid_severity: Severity = Severity.REFER,
) -> MaterialItem:
    return MaterialItem(
        key,
        MaterialKind.FIELD,
        label=label,
        validator=validator,
        required=required,
        invalid_severity=invalid_severity,
    )


def _document(key: str, label: str) -> MaterialItem:
    return MaterialItem(key, MaterialKind.DOCUMENT, label=label)


def _party_items(phone: Validator | None) -> tuple[MaterialItem, ...]:
    return (
        _field("holder.name", "policy holder's name"),
        _field("holder.id_number", "policy holder's ID number"),
        _field(
            "holder.resident_id",
            "policy holder's resident identity number",
            check_resident_id,
            required=False,
        ),
        _field(
            "holder.credit_code",
            "policy holder's unified social credit code",
            check_unified_social_credit_code,
            required=False,
        ),
        _field(
            "holder.phone",
            "policy holder's mobile number" if phone else "policy holder's phone number",
            phone,
        ),
        _field(
            "holder.email",
            "policy holder's e-mail address",
            check_email,
            required=False,
            invalid_severity=Severity.INFO,
        ),
        _field(
            "insured.resident_id",
            "insured's resident identity number",
            check_resident_id,
            required=False,
        ),
        _field(
            "insured.credit_code",
            "insured's unified social credit code",
            check_unified_social_credit_code,
            required=False,
        ),
    )


_ID_DOCUMENT: Final = _document("id_document", "copy of the policy holder's identity document")
_HEALTH_DECLARATION: Final = _document("health_declaration", "health declaration of the insured")

AUTO_CHECKLIST: Final = MaterialChecklist(
    "auto",
    (
        *_party_items(check_mainland_mobile),
        _field("vehicle.vin", "vehicle identification number (VIN)", check_vin, required=False),
        _ID_DOCUMENT,
        _document("vehicle_licence", "vehicle licence"),
    ),
)
"""The preset of auto business, with the party fields, an optional VIN, the ID copy and the
vehicle licence.

:meta hide-value:
"""

HEALTH_CHECKLIST: Final = MaterialChecklist(
    "health", (*_party_items(check_mainland_mobile), _ID_DOCUMENT, _HEALTH_DECLARATION)
)
"""The preset of health business, with the party fields, the ID copy and the insured's
health declaration.

:meta hide-value:
"""

LIFE_CHECKLIST: Final = MaterialChecklist(
    "life",
    (
        *_party_items(check_mainland_mobile),
        _ID_DOCUMENT,
        _HEALTH_DECLARATION,
        _document("beneficiary_designation", "beneficiary designation"),
    ),
)
"""The preset of life business, with the party fields, the ID copy, the health declaration
and the beneficiary designation.

:meta hide-value:
"""

PROPERTY_CHECKLIST: Final = MaterialChecklist(
    "property",
    (
        *_party_items(None),
        _ID_DOCUMENT,
        _document("property_ownership_proof", "proof of ownership of the insured property"),
    ),
)
"""The preset of property business, with the party fields (any phone number), the ID copy
and the proof of ownership.

:meta hide-value:
"""


def _frozen_mapping(value: Mapping[Any, MaterialChecklist]) -> Mapping[Any, MaterialChecklist]:
    given: object = value  # typed loosely: callers without mypy can pass anything
    if isinstance(given, Mapping):
        return MappingProxyType(dict(given))
    return value


def _checklist_values(instance: object, name: str, value: Mapping[Any, object]) -> None:
    for key, checklist in value.items():
        reason = _not_an_instance(MaterialChecklist, checklist)
        if reason is not None:
            _fail(instance, f"{name}[{key!r}]", reason)


def _by_line(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Mapping):
        _fail(instance, attribute.name, f"must be a mapping, not {_type_name(value)}")
    for key in value:
        if not isinstance(key, LineOfBusiness):
            _fail(
                instance,
                attribute.name,
                f"keys must be LineOfBusiness members, not {_type_name(key)}",
            )
    absent = [line for line in LineOfBusiness if line not in value]
    if absent:
        names = ", ".join(repr(line) for line in absent)
        _fail(
            instance,
            attribute.name,
            f"has no checklist for {names}; give one for every line of business (start "
            "from DEFAULT_CHECKLISTS.by_line)",
        )
    _checklist_values(instance, attribute.name, value)


def _by_product(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Mapping):
        _fail(instance, attribute.name, f"must be a mapping, not {_type_name(value)}")
    for key in value:
        if not isinstance(key, str) or not key or key != key.strip():
            # A key with surrounding whitespace could never match a product code.
            _fail(
                instance,
                attribute.name,
                "keys must be non-empty product codes (str) without surrounding whitespace",
            )
    _checklist_values(instance, attribute.name, value)


def _checklist_names(value: Mapping[Any, MaterialChecklist]) -> str:
    return repr({key: checklist.name for key, checklist in value.items()})


@attrs.frozen
class MaterialChecklists:
    """A catalogue of checklists: by product code, else by line of business.

    Args:
        by_line: a :class:`MaterialChecklist` for every
            :class:`~renewal_core.model.LineOfBusiness`; a mapping, stored
            read-only.
        by_product: checklists for particular product codes, which take precedence
            over the line of business; a mapping, stored read-only.

    The ``repr`` shows the checklists' names.

    >>> from renewal_core.model import LineOfBusiness
    >>> catalogue = MaterialChecklists(
    ...     DEFAULT_CHECKLISTS.by_line, by_product={"AUTO-FLEET": PROPERTY_CHECKLIST}
    ... )
    >>> catalogue
    MaterialChecklists(by_line={LineOfBusiness.AUTO: 'auto', LineOfBusiness.HEALTH: 'health',
                                LineOfBusiness.LIFE: 'life', LineOfBusiness.PROPERTY: 'property'},
                       by_product={'AUTO-FLEET': 'property'})
    """

    by_line: Mapping[LineOfBusiness, MaterialChecklist] = attrs.field(
        converter=_frozen_mapping, validator=_by_line, repr=_checklist_names, hash=False
    )
    by_product: Mapping[str, MaterialChecklist] = attrs.field(
        factory=dict,
        converter=_frozen_mapping,
        validator=_by_product,
        repr=_checklist_names,
        hash=False,
    )

    def checklist_for(self, policy: Policy) -> MaterialChecklist:
        """Return the checklist of the policy's product code, else of its line of business.

        Args:
            policy: the policy to review.

        Raises:
            ArgumentTypeError: ``policy`` is not a
                :class:`~renewal_core.model.Policy`.
        """
        given: object = policy  # typed loosely: callers without mypy can pass anything
        if not isinstance(given, Policy):
            raise ArgumentTypeError(
                _type_name(given), "MaterialChecklists.checklist_for(policy)", "a Policy"
            )
        checklist = self.by_product.get(policy.product_code)
        return self.by_line[policy.line_of_business] if checklist is None else checklist


DEFAULT_CHECKLISTS: Final = MaterialChecklists(
    {
        LineOfBusiness.AUTO: AUTO_CHECKLIST,
        LineOfBusiness.HEALTH: HEALTH_CHECKLIST,
        LineOfBusiness.LIFE: LIFE_CHECKLIST,
        LineOfBusiness.PROPERTY: PROPERTY_CHECKLIST,
    }
)
"""The preset checklist of each line of business, and no product overrides."""


# --------------------------------------------------------------------------- review


def _strings(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple):
        _fail(instance, attribute.name, f"must be a list or a tuple, not {_type_name(value)}")
    for index, item in enumerate(value):
        if not isinstance(item, str):
            _fail(instance, f"{attribute.name}[{index}]", f"must be a str, not {_type_name(item)}")


def _pairs(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple):
        _fail(instance, attribute.name, f"must be a list or a tuple, not {_type_name(value)}")
    for index, item in enumerate(value):
        if not (
            isinstance(item, tuple) and len(item) == 2 and all(isinstance(s, str) for s in item)
        ):
            _fail(
                instance,
                f"{attribute.name}[{index}]",
                f"must be a (key, problem) tuple of two str, not {_type_name(item)}",
            )


def _reasons(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, tuple):
        _fail(instance, attribute.name, f"must be a list or a tuple, not {_type_name(value)}")
    for index, item in enumerate(value):
        reason = _not_an_instance(Reason, item)
        if reason is not None:
            _fail(instance, f"{attribute.name}[{index}]", reason)


@attrs.frozen
class MaterialReview:
    """The outcome of :func:`review_materials`: what is missing, what is invalid, and why.

    Attributes:
        checklist: the name of the checklist reviewed against.
        missing: the keys of the required items that are absent, in checklist order.
        invalid: ``(key, problem)`` for each present field its validator refused, in
            checklist order; ``problem`` is the validator's code (``"check_digit"``).
        reasons: one :class:`~renewal_core.reasons.Reason` per missing or invalid
            item, in checklist order: code ``materials.missing`` or
            ``materials.invalid``, rule ``"material_review"``, the item's severity,
            and details ``item`` (the key), ``kind`` (``"field"`` or
            ``"document"``), ``label`` and, when invalid, ``problem``. Never a
            value.
    """

    checklist: str = attrs.field(validator=_text())
    missing: tuple[str, ...] = attrs.field(converter=_as_tuple, validator=_strings)
    invalid: tuple[tuple[str, str], ...] = attrs.field(converter=_as_tuple, validator=_pairs)
    reasons: tuple[Reason, ...] = attrs.field(converter=_as_tuple, validator=_reasons)

    @property
    def complete(self) -> bool:
        """Whether no required item is missing."""
        return not self.missing

    @property
    def valid(self) -> bool:
        """Whether no present field failed its validator."""
        return not self.invalid

    @property
    def passed(self) -> bool:
        """Whether the materials are both complete and valid."""
        return not self.missing and not self.invalid

    @property
    def severity(self) -> Severity | None:
        """The heaviest severity among the reasons, or ``None`` when the review passed."""
        return worst_severity(self.reasons)


_RULE: Final = "material_review"
# A problem code: lower-case words joined by dots, each starting with a letter, so that
# a faulty validator cannot pass a phone or ID number off as one.
_PROBLEM_LENGTH: Final = 40  # the longest problem code accepted from a validator
_PROBLEM: Final = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*")
_PROBLEMS: Final = {
    "format": "it does not have the expected format",
    "region": "its region code is not a province-level code",
    "birth_date": "its birth date is not a real day from 1900 on",
    "check_digit": (
        "its check digit or check character does not match the rest, as after a typing error"
    ),
    "check_character": (
        "its check digit or check character does not match the rest, as after a typing error"
    ),
}


def _missing(item: MaterialItem) -> Reason:
    kind = item.kind.value
    return _reason(
        "materials.missing",
        item.missing_severity,
        _RULE,
        f"missing {kind}: {item.label}",
        {"item": item.key, "kind": kind, "label": item.label},
    )


def _invalid(item: MaterialItem, problem: str) -> Reason:
    explained = _PROBLEMS.get(problem)
    shown = problem if explained is None else f"{problem}: {explained}"
    return _reason(
        "materials.invalid",
        item.invalid_severity,
        _RULE,
        f"invalid field: {item.label} ({shown})",
        {"item": item.key, "kind": "field", "label": item.label, "problem": problem},
    )


def _problem(item: MaterialItem, validator: Validator, value: str) -> str | None:
    """Run the item's validator and check that it answered with ``None`` or a code."""
    problem: object = validator(value)
    if problem is None or (isinstance(problem, str) and problem in _PROBLEMS):
        return problem  # the library's own codes pass even when the value holds them
    if (
        isinstance(problem, str)
        and len(problem) <= _PROBLEM_LENGTH
        and _PROBLEM.fullmatch(problem) is not None
        # A code that is part of the value (a pinyin name "zhang.san" echoed back) may be
        # personal data: it would reach reasons and logs.
        and problem.casefold() not in value.casefold()
    ):
        return problem
    # The result is not shown: a faulty validator may return the value itself.
    what = "a str that is not a problem code" if isinstance(problem, str) else _type_name(problem)
    raise InvalidField(
        "MaterialItem",
        "validator",
        f"{_validator_name(validator)} returned {what} for the item {item.key!r}; a "
        "validator returns None for a valid value, or a problem code of lower-case words "
        "of letters, digits and '_', each starting with a letter, joined by dots, such as "
        "'format'",
    )


# The keys derived from a party's ID number by its kind, as Materials.from_policy makes
# them, and the kind each needs.
_DERIVED_IDS: Final = {
    "resident_id": IdKind.RESIDENT_ID.value,
    "credit_code": IdKind.UNIFIED_SOCIAL_CREDIT_CODE.value,
}


def _derived(fields: Mapping[str, str | None], key: str) -> str | None:
    """Derive ``<role>.resident_id`` or ``<role>.credit_code`` from the party's ID.

    From ``<role>.id_kind`` and ``<role>.id_number``, when the host's materials do
    not give the key; ``None`` for any other key or kind.
    """
    role, _, name = key.partition(".")
    kind = _DERIVED_IDS.get(name)
    if kind is None or fields.get(f"{role}.id_kind") != kind:
        return None
    return fields.get(f"{role}.id_number")


_new_review: Final = _maker(MaterialReview, "checklist", "missing", "invalid", "reasons")

_Step = tuple[MaterialItem, str, bool, bool, "Validator | None"]
# The items of a checklist as review_materials walks them, worked out once per checklist
# (kept alive by the entry) and per kind of subject; a bounded cache.
_PLANS: dict[tuple[int, bool], tuple[MaterialChecklist, tuple[_Step, ...]]] = {}
_PLANS_LIMIT: Final = 256


def _plan(checklist: MaterialChecklist, with_documents: bool) -> tuple[_Step, ...]:
    """The steps of a review: the field items, and the required documents if reviewed."""
    entry = _PLANS.get((id(checklist), with_documents))
    if entry is not None and entry[0] is checklist:
        return entry[1]
    steps = tuple(
        (item, item.key, item.kind is MaterialKind.DOCUMENT, item.required, item.validator)
        for item in checklist.items
        if item.kind is MaterialKind.FIELD or (with_documents and item.required)
    )
    if len(_PLANS) >= _PLANS_LIMIT:
        _PLANS.clear()
    _PLANS[(id(checklist), with_documents)] = (checklist, steps)
    return steps


def review_materials(subject: Policy | Materials, checklist: MaterialChecklist) -> MaterialReview:
    """Review an application's materials, or a policy's party data, against a checklist.

    Each item of the checklist is looked at once, in order: a required item that is
    absent is missing; a present field is checked with the item's validator, if it
    has one. Nothing is looked up and nothing is changed.

    A policy carries its parties' data but no documents: whether they were received
    is not known, rather than known to be missing. So a policy is reviewed as
    ``Materials.from_policy(policy)`` against the checklist's field items only. To
    review documents too, pass the documents received in the materials:
    ``review_materials(Materials.from_policy(policy, documents=...), checklist)``.

    Args:
        subject: a :class:`Materials` (every item is reviewed), or a
            :class:`~renewal_core.model.Policy` (the field items are).
        checklist: the :class:`MaterialChecklist`, such as
            ``DEFAULT_CHECKLISTS.checklist_for(policy)``.

    Returns:
        A :class:`MaterialReview`.

    Raises:
        ArgumentTypeError: ``subject`` or ``checklist`` is of another type.
        InvalidField: a validator returned something other than ``None`` or a
            problem code.

    >>> review = review_materials(Materials(), HEALTH_CHECKLIST)
    >>> review.missing
    ('holder.name', 'holder.id_number', 'holder.phone', 'id_document', 'health_declaration')
    >>> print(review.reasons[-1].message)
    missing document: health declaration of the insured
    """
    given: object = subject  # typed loosely: callers without mypy can pass anything
    fields: Mapping[str, str | None]
    documents: AbstractSet[str]
    if isinstance(given, Policy):
        fields, documents, with_documents = _policy_fields(given), frozenset(), False
    elif isinstance(given, Materials):
        fields, documents, with_documents = given.fields, given.documents, True
    else:
        raise ArgumentTypeError(
            _type_name(given), "review_materials(subject)", "a Policy or a Materials"
        )
    items: object = checklist
    if not isinstance(items, MaterialChecklist):
        raise ArgumentTypeError(
            _type_name(items), "review_materials(checklist)", "a MaterialChecklist"
        )
    missing: list[str] = []
    invalid: list[tuple[str, str]] = []
    reasons: list[Reason] = []
    for item, key, document, required, validator in _plan(checklist, with_documents):
        if document:
            if key not in documents:  # only required documents are in a plan
                missing.append(key)
                reasons.append(_missing(item))
            continue
        value = fields.get(key)
        if with_documents and (not value or value.isspace()):
            value = _derived(fields, key) or value
        if not value or value.isspace():  # None, absent, empty or blank
            if required:
                missing.append(key)
                reasons.append(_missing(item))
            continue
        if validator is None:
            continue
        problem = _problem(item, validator, value)
        if problem is not None:
            invalid.append((key, problem))
            reasons.append(_invalid(item, problem))
    # Every field computed here is valid by construction.
    return _new_review(checklist.name, tuple(missing), tuple(invalid), tuple(reasons))
