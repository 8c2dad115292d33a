from __future__ import annotations

import functools
import string
from collections.abc import Mapping
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from builders import EMAIL, ID_NUMBER, NAME, PERSONAL, PHONE, make_party, make_policy
from renewal_core import materials, testing
from renewal_core.errors import ArgumentTypeError, InvalidField, RenewalError
from renewal_core.materials import (
    AUTO_CHECKLIST,
    DEFAULT_CHECKLISTS,
    HEALTH_CHECKLIST,
    LIFE_CHECKLIST,
    PROPERTY_CHECKLIST,
    MaterialChecklist,
    MaterialChecklists,
    MaterialItem,
    MaterialKind,
    MaterialReview,
    Materials,
    review_materials,
)
from renewal_core.model import IdKind, LineOfBusiness, Party, PartyKind, Policy
from renewal_core.reasons import Reason, Severity
from renewal_core.validators import (
    check_email,
    check_mainland_mobile,
    check_resident_id,
    check_unified_social_credit_code,
    check_vin,
)

FIELD, DOCUMENT = MaterialKind.FIELD, MaterialKind.DOCUMENT
REFER, INFO, BLOCK = Severity.REFER, Severity.INFO, Severity.BLOCK

VALID_ID = "11010519491231002X"  # the example of GB 11643
VALID_CREDIT_CODE = "91350100M000100Y43"
VALID_VIN = "1M8GDM9AXKP042788"
BAD_CREDIT_CODE = "91350100M000100Y44"  # the check character is 3

# ---------------------------------------------------------------- presets, by hand

# (key, kind, required, validator, missing severity, invalid severity), as documented.
PARTY_ITEMS = [
    ("holder.name", FIELD, True, None, REFER, REFER),
    ("holder.id_number", FIELD, True, None, REFER, REFER),
    ("holder.resident_id", FIELD, False, check_resident_id, REFER, REFER),
    ("holder.credit_code", FIELD, False, check_unified_social_credit_code, REFER, REFER),
    ("holder.phone", FIELD, True, check_mainland_mobile, REFER, REFER),
    ("holder.email", FIELD, False, check_email, REFER, INFO),
    ("insured.resident_id", FIELD, False, check_resident_id, REFER, REFER),
    ("insured.credit_code", FIELD, False, check_unified_social_credit_code, REFER, REFER),
]
ID_DOCUMENT = ("id_document", DOCUMENT, True, None, REFER, REFER)
HEALTH_DECLARATION = ("health_declaration", DOCUMENT, True, None, REFER, REFER)
PRESETS: dict[str, tuple[MaterialChecklist, list[tuple[Any, ...]]]] = {
    "auto": (
        AUTO_CHECKLIST,
        [
            *PARTY_ITEMS,
            ("vehicle.vin", FIELD, False, check_vin, REFER, REFER),
            ID_DOCUMENT,
            ("vehicle_licence", DOCUMENT, True, None, REFER, REFER),
        ],
    ),
    "health": (HEALTH_CHECKLIST, [*PARTY_ITEMS, ID_DOCUMENT, HEALTH_DECLARATION]),
    "life": (
        LIFE_CHECKLIST,
        [
            *PARTY_ITEMS,
            ID_DOCUMENT,
            HEALTH_DECLARATION,
            ("beneficiary_designation", DOCUMENT, True, None, REFER, REFER),
        ],
    ),
    "property": (
        PROPERTY_CHECKLIST,
        [
            *[
                ("holder.phone", FIELD, True, None, REFER, REFER)
                if item[0] == "holder.phone"
                else item
                for item in PARTY_ITEMS
            ],
            ID_DOCUMENT,
            ("property_ownership_proof", DOCUMENT, True, None, REFER, REFER),
        ],
    ),
}
LINES = {
    LineOfBusiness.AUTO: "auto",
    LineOfBusiness.HEALTH: "health",
    LineOfBusiness.LIFE: "life",
    LineOfBusiness.PROPERTY: "property",
}


def complete_materials(checklist: MaterialChecklist) -> Materials:
    """Valid values for every field item of the presets, and every document."""
    values = {
        "holder.name": NAME,
        "holder.id_number": VALID_ID,
        "holder.resident_id": VALID_ID,
        "holder.credit_code": VALID_CREDIT_CODE,
        "holder.phone": PHONE,
        "holder.email": EMAIL,
        "insured.resident_id": VALID_ID,
        "insured.credit_code": VALID_CREDIT_CODE,
        "vehicle.vin": VALID_VIN,
    }
    return Materials(
        values, frozenset(item.key for item in checklist.items if item.kind is DOCUMENT)
    )


def assert_no_personal_value(text: str, values: tuple[str, ...] = PERSONAL) -> None:
    for value in values:
        assert value not in text


def review_text(review: MaterialReview) -> str:
    parts = [repr(review), str(review)]
    for reason in review.reasons:
        parts += [reason.message, repr(reason), repr(dict(reason.details))]
    return " ".join(parts)


# ---------------------------------------------------------------- module


def _ruff_key(name: str) -> tuple[int, str]:
    return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)


def test_all_is_sorted_complete_and_documented() -> None:
    assert materials.__all__ == sorted(materials.__all__, key=_ruff_key)
    for name in materials.__all__:
        value = getattr(materials, name)
        if isinstance(value, type) or callable(value):
            assert value.__dict__.get("__doc__") if isinstance(value, type) else value.__doc__


def test_material_kind_values_and_repr() -> None:
    assert [kind.value for kind in MaterialKind] == ["field", "document"]
    assert repr(MaterialKind.FIELD) == "MaterialKind.FIELD"


# ---------------------------------------------------------------- presets


@pytest.mark.parametrize("name", list(PRESETS))
def test_presets_hold_the_documented_items(name: str) -> None:
    checklist, expected = PRESETS[name]
    assert checklist.name == name
    actual = [
        (
            item.key,
            item.kind,
            item.required,
            item.validator,
            item.missing_severity,
            item.invalid_severity,
        )
        for item in checklist.items
    ]
    assert actual == expected
    for item in checklist.items:
        assert item.label
        assert item.label == item.label.strip()


@pytest.mark.parametrize("name", list(PRESETS))
def test_an_empty_application_misses_every_required_item(name: str) -> None:
    checklist, expected = PRESETS[name]
    review = review_materials(Materials(), checklist)
    required = [key for key, _, is_required, *_ in expected if is_required]
    assert review.missing == tuple(required)
    assert review.invalid == ()
    assert [r.code for r in review.reasons] == ["materials.missing"] * len(required)
    assert all(r.severity is REFER for r in review.reasons)
    assert (review.complete, review.valid, review.passed) == (False, True, False)
    assert review.severity is REFER
    assert review.checklist == name


@pytest.mark.parametrize("name", list(PRESETS))
def test_a_complete_valid_application_passes(name: str) -> None:
    checklist, _ = PRESETS[name]
    review = review_materials(complete_materials(checklist), checklist)
    assert review == MaterialReview(name, (), (), ())
    assert (review.complete, review.valid, review.passed) == (True, True, True)
    assert review.severity is None


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_validated_preset_field_reports_its_problem(name: str) -> None:
    checklist, expected = PRESETS[name]
    bad = {
        "holder.resident_id": (ID_NUMBER, "check_digit"),  # the fixture's check digit is 4
        "holder.credit_code": (BAD_CREDIT_CODE, "check_character"),
        "holder.phone": ("021-60000000", "format"),
        "holder.email": ("zhang.san@example", "format"),
        "insured.resident_id": ("11010519491331002X", "birth_date"),
        "insured.credit_code": ("91350100m000100Y43", "format"),
        "vehicle.vin": ("1M8GDM9A1KP042788", "check_digit"),
    }
    base = complete_materials(checklist)
    fields = dict(base.fields) | {key: value for key, (value, _) in bad.items()}
    review = review_materials(Materials(fields, base.documents), checklist)
    validated = [(key, severity) for key, _, _, check, _, severity in expected if check]
    assert review.invalid == tuple((key, bad[key][1]) for key, _ in validated)
    assert [(r.details["item"], r.severity) for r in review.reasons] == validated
    assert review.missing == ()
    assert_no_personal_value(review_text(review), tuple(value for value, _ in bad.values()))


def test_default_checklists_pick_the_preset_of_each_line() -> None:
    for line, name in LINES.items():
        policy = make_policy(line_of_business=line)
        assert DEFAULT_CHECKLISTS.checklist_for(policy) is PRESETS[name][0]
    assert DEFAULT_CHECKLISTS.by_product == {}


# ---------------------------------------------------------------- Materials.from_policy


def test_from_policy_gives_the_documented_keys_and_derived_ids() -> None:
    insured = make_party(
        party_id="C-2",
        kind=PartyKind.ENTERPRISE,
        name="某某有限公司",
        id_kind=IdKind.UNIFIED_SOCIAL_CREDIT_CODE,
        id_number=VALID_CREDIT_CODE,
        phone=None,
        email=None,
    )
    policy = make_policy(insured=insured)
    found = Materials.from_policy(policy, documents=frozenset({"id_document"}))
    assert dict(found.fields) == {
        "holder.name": NAME,
        "holder.id_kind": "resident_id",
        "holder.id_number": ID_NUMBER,
        "holder.resident_id": ID_NUMBER,
        "holder.credit_code": None,
        "holder.phone": PHONE,
        "holder.email": EMAIL,
        "insured.name": "某某有限公司",
        "insured.id_kind": "unified_social_credit_code",
        "insured.id_number": VALID_CREDIT_CODE,
        "insured.resident_id": None,
        "insured.credit_code": VALID_CREDIT_CODE,
        "insured.phone": None,
        "insured.email": None,
    }
    assert found.documents == {"id_document"}


@pytest.mark.parametrize("kind", [IdKind.PASSPORT, IdKind.OTHER])
def test_other_ids_derive_no_key_value(kind: IdKind) -> None:
    policy = make_policy(holder=make_party(id_kind=kind, id_number="E12345678"))
    fields = Materials.from_policy(policy).fields
    assert fields["holder.resident_id"] is None
    assert fields["holder.credit_code"] is None
    assert fields["holder.id_number"] == "E12345678"
    assert "insured.name" not in fields


def test_from_policy_without_id() -> None:
    policy = make_policy(holder=make_party(id_kind=None, id_number=None))
    fields = Materials.from_policy(policy).fields
    assert fields["holder.id_kind"] is None
    assert fields["holder.resident_id"] is None


def test_from_policy_refuses_other_types() -> None:
    with pytest.raises(ArgumentTypeError) as caught:
        Materials.from_policy(Materials())  # type: ignore[arg-type]
    assert str(caught.value) == "Materials.from_policy(policy) takes a Policy, not Materials"


@pytest.mark.parametrize(
    ("fields", "documents", "field", "reason"),
    [
        ([("a", "b")], frozenset(), "fields", "must be a mapping, not list"),
        ({1: "x"}, frozenset(), "fields", "keys must be str, not int"),
        (
            {"holder.phone": 13812345678},
            frozenset(),
            "fields['holder.phone']",
            "must be a str or None, not int",
        ),
        ({}, "id_document", "documents", "must be a set of str, not str"),
        ({}, {"id_document": True}, "documents", "must be a set of str, not dict"),
        ({}, ["id_document", 1], "documents", "items must be str, not int"),
    ],
)
def test_materials_are_validated(fields: Any, documents: Any, field: str, reason: str) -> None:
    with pytest.raises(InvalidField) as caught:
        Materials(fields, documents)
    assert (caught.value.owner, caught.value.field, caught.value.reason) == (
        "Materials",
        field,
        reason,
    )
    assert PHONE not in str(caught.value)


def test_materials_copy_their_input() -> None:
    fields = {"holder.name": NAME}
    documents = ["id_document", "id_document"]
    found = Materials(fields, documents)
    fields["holder.name"] = "x"
    assert found.fields == {"holder.name": NAME}
    assert found.documents == frozenset({"id_document"})
    with pytest.raises(TypeError):
        found.fields["holder.name"] = "y"  # type: ignore[index]


def test_materials_repr_shows_keys_only() -> None:
    found = Materials.from_policy(make_policy())
    text = f"{found!r} {found}"
    assert_no_personal_value(text)
    assert "'holder.resident_id'" in text


# ---------------------------------------------------------------- review of a policy


def test_review_of_the_fixture_policy_finds_its_bad_check_digit() -> None:
    review = review_materials(make_policy(), AUTO_CHECKLIST)
    assert review.invalid == (("holder.resident_id", "check_digit"),)
    assert review.missing == ()  # a policy carries no documents: they are not reviewed
    assert [r.code for r in review.reasons] == ["materials.invalid"]
    assert_no_personal_value(review_text(review))


@pytest.mark.parametrize("name", list(PRESETS))
def test_a_policy_is_reviewed_for_its_fields_only(name: str) -> None:
    checklist, expected = PRESETS[name]
    policy = make_policy(holder=make_party(name=NAME, id_number=VALID_ID))
    assert review_materials(policy, checklist).passed
    bare = make_policy(holder=make_party(id_kind=None, id_number=None, phone=None))
    review = review_materials(bare, checklist)
    assert review.missing == ("holder.id_number", "holder.phone")
    # The same data as Materials: the documents are reviewed, and missing.
    documents = tuple(key for key, kind, *_ in expected if kind is DOCUMENT)
    as_materials = review_materials(Materials.from_policy(bare), checklist)
    assert as_materials.missing == ("holder.id_number", "holder.phone", *documents)


def test_review_of_a_policy_with_its_documents_passes_when_the_data_is_valid() -> None:
    policy = make_policy(holder=make_party(id_number=VALID_ID))
    documents = frozenset({"id_document", "vehicle_licence"})
    review = review_materials(Materials.from_policy(policy, documents=documents), AUTO_CHECKLIST)
    assert review.passed


def test_an_enterprise_credit_code_is_checked() -> None:
    holder = make_party(
        kind=PartyKind.ENTERPRISE,
        id_kind=IdKind.UNIFIED_SOCIAL_CREDIT_CODE,
        id_number=BAD_CREDIT_CODE,
        phone="021-60000000",
    )
    review = review_materials(make_policy(holder=holder), PROPERTY_CHECKLIST)
    assert review.invalid == (("holder.credit_code", "check_character"),)
    assert_no_personal_value(review_text(review), (*PERSONAL, BAD_CREDIT_CODE))


# ---------------------------------------------------------------- reasons

CUSTOM = MaterialChecklist(
    "custom",
    [
        MaterialItem("a", FIELD, label="field A", missing_severity=BLOCK),
        MaterialItem("b", FIELD, label="field B", validator=check_mainland_mobile),
        MaterialItem(
            "c",
            FIELD,
            label="field C",
            validator=check_resident_id,
            required=False,
            invalid_severity=INFO,
        ),
        MaterialItem("d", DOCUMENT, label="document D"),
        MaterialItem("e", DOCUMENT, label="document E", required=False),
    ],
)


def test_reasons_carry_code_rule_severity_label_and_problem_never_the_value() -> None:
    review = review_materials(Materials({"b": "138", "c": ID_NUMBER}), CUSTOM)
    assert review.missing == ("a", "d")
    assert review.invalid == (("b", "format"), ("c", "check_digit"))
    assert review.reasons == (
        Reason(
            "materials.missing",
            BLOCK,
            "material_review",
            "missing field: field A",
            {"item": "a", "kind": "field", "label": "field A"},
        ),
        Reason(
            "materials.invalid",
            REFER,
            "material_review",
            "invalid field: field B (format: it does not have the expected format)",
            {"item": "b", "kind": "field", "label": "field B", "problem": "format"},
        ),
        Reason(
            "materials.invalid",
            INFO,
            "material_review",
            "invalid field: field C (check_digit: its check digit or check character does "
            "not match the rest, as after a typing error)",
            {"item": "c", "kind": "field", "label": "field C", "problem": "check_digit"},
        ),
        Reason(
            "materials.missing",
            REFER,
            "material_review",
            "missing document: document D",
            {"item": "d", "kind": "document", "label": "document D"},
        ),
    )
    assert review.severity is BLOCK
    assert_no_personal_value(review_text(review), (*PERSONAL, "138"))


@pytest.mark.parametrize(
    ("problem", "explained"),
    [
        ("region", "its region code is not a province-level code"),
        ("birth_date", "its birth date is not a real day from 1900 on"),
        (
            "check_character",
            "its check digit or check character does not match the rest, as after a typing error",
        ),
        ("too_old", None),  # a code of your own is shown as it is
        ("vehicle.unknown_model", None),
    ],
)
def test_problem_codes_are_explained_when_known(problem: str, explained: str | None) -> None:
    item = MaterialItem("x", FIELD, label="the X", validator=lambda _: problem)
    review = review_materials(Materials({"x": "1"}), MaterialChecklist("c", [item]))
    shown = problem if explained is None else f"{problem}: {explained}"
    assert review.reasons[0].message == f"invalid field: the X ({shown})"
    assert review.invalid == (("x", problem),)


def test_optional_items_are_not_missing_but_are_validated_when_present() -> None:
    absent = review_materials(Materials({"a": "x", "b": PHONE}, frozenset({"d"})), CUSTOM)
    assert absent.passed
    present = review_materials(
        Materials({"a": "x", "b": PHONE, "c": "bad"}, frozenset({"d"})), CUSTOM
    )
    assert present.invalid == (("c", "format"),)
    assert present.complete
    assert not present.valid
    assert not present.passed


@pytest.mark.parametrize("value", [None, ""])
def test_none_and_empty_fields_are_absent(value: str | None) -> None:
    review = review_materials(
        Materials({"a": value, "b": value, "c": value}, frozenset({"d"})), CUSTOM
    )
    assert review.missing == ("a", "b")
    assert review.invalid == ()


def test_a_blank_value_is_missing() -> None:
    review = review_materials(Materials({"a": " ", "b": "\u3000\t"}, frozenset({"d"})), CUSTOM)
    assert review.missing == ("a", "b")
    assert review.invalid == ()


def test_a_field_is_not_a_document_nor_the_reverse() -> None:
    review = review_materials(Materials({"d": "yes"}, frozenset({"a", "b"})), CUSTOM)
    assert review.missing == ("a", "b", "d")


def test_a_partial_validator_works() -> None:
    check = functools.partial(check_vin, check_digit=False)
    item = MaterialItem("vin", FIELD, label="VIN", validator=check)
    assert "validator=partial" in repr(item)
    review = review_materials(
        Materials({"vin": "1M8GDM9A1KP042788"}), MaterialChecklist("v", [item])
    )
    assert review.passed


# ---------------------------------------------------------------- faulty validators


@pytest.mark.parametrize(
    ("result", "shown"),
    [
        (True, "returned bool"),
        (False, "returned bool"),
        (0, "returned int"),
        ("", "returned a str that is not a problem code"),
        ("Format", "returned a str that is not a problem code"),
        (PHONE, "returned a str that is not a problem code"),
        (EMAIL, "returned a str that is not a problem code"),
        ("zhang san", "returned a str that is not a problem code"),
        ("format.", "returned a str that is not a problem code"),
        ("_format", "returned a str that is not a problem code"),
        ("format.2", "returned a str that is not a problem code"),
    ],
)
def test_a_validator_must_answer_none_or_a_problem_code(result: object, shown: str) -> None:
    def faulty(value: str) -> Any:
        return result

    item = MaterialItem("holder.phone", FIELD, label="phone", validator=faulty)
    with pytest.raises(InvalidField) as caught:
        review_materials(Materials({"holder.phone": PHONE}), MaterialChecklist("c", [item]))
    error = caught.value
    assert str(error) == (
        f"MaterialItem.validator: faulty {shown} for the item 'holder.phone'; a validator "
        "returns None for a valid value, or a problem code of lower-case words of letters, "
        "digits and '_', each starting with a letter, joined by dots, such as 'format'"
    )
    assert_no_personal_value(f"{error} {error!r} {vars(error)}")


@pytest.mark.parametrize("name", ["zhang.san", "zhangsan", "ZHANG.SAN"])
def test_a_validator_that_echoes_a_lower_case_value_is_refused(name: str) -> None:
    # A pinyin name is shaped like a problem code; echoed back, it would reach reasons.
    def echo(value: str) -> str:
        return value.lower()

    item = MaterialItem("holder.name", FIELD, label="name", validator=echo)
    with pytest.raises(
        InvalidField, match="echo returned a str that is not a problem code"
    ) as caught:
        review_materials(Materials({"holder.name": name}), MaterialChecklist("c", [item]))
    assert name.lower() not in str(caught.value).lower()


def test_a_problem_code_is_at_most_40_characters() -> None:
    def long_code(value: str) -> str:
        return "a" * 41

    def code_of_40(value: str) -> str:
        return "a" * 40

    items = [MaterialItem("x", FIELD, label="x", validator=long_code)]
    with pytest.raises(InvalidField, match="long_code returned a str that is not a problem"):
        review_materials(Materials({"x": "value"}), MaterialChecklist("c", items))
    items = [MaterialItem("x", FIELD, label="x", validator=code_of_40)]
    review = review_materials(Materials({"x": "value"}), MaterialChecklist("c", items))
    assert review.invalid == (("x", "a" * 40),)


def test_host_materials_derive_the_typed_id_keys_from_the_id_kind() -> None:
    # The host gives id_kind and id_number only; the checklist's resident_id item is
    # checked as it is for a policy.
    fields = {
        "holder.name": "张三",
        "holder.id_kind": "resident_id",
        "holder.id_number": "110101199003071234",  # wrong check digit
        "holder.phone": PHONE,
    }
    documents = {"id_document", "vehicle_licence"}
    review = review_materials(Materials(fields, documents), AUTO_CHECKLIST)
    assert review.invalid == (("holder.resident_id", "check_digit"),)
    passport = {**fields, "holder.id_kind": "passport"}
    assert review_materials(Materials(passport, documents), AUTO_CHECKLIST).passed
    given = {**fields, "holder.resident_id": "11010519491231002X"}
    assert review_materials(Materials(given, documents), AUTO_CHECKLIST).passed


# ---------------------------------------------------------------- item and checklist checks


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"key": ""}, "key", "must not be empty"),
        ({"key": 1}, "key", "must be a str, not int"),
        (
            {"kind": "field"},
            "kind",
            "must be a MaterialKind member (FIELD or DOCUMENT), not "
            "str 'field'; convert it with MaterialKind('field')",
        ),
        (
            {"label": " x"},
            "label",
            "must not start or end with whitespace (got ' x'); strip it first",
        ),
        (
            {"validator": "check_email"},
            "validator",
            "must be None or a function that takes a "
            "str and returns None or a problem code, such as renewal_core.validators.check_email; "
            "not str",
        ),
        ({"required": 1}, "required", "must be True or False, not int"),
        (
            {"missing_severity": "refer"},
            "missing_severity",
            "must be a Severity member (INFO, "
            "REFER or BLOCK), not str 'refer'; convert it with Severity('refer')",
        ),
        (
            {"invalid_severity": None},
            "invalid_severity",
            "must be a Severity member (INFO, REFER or BLOCK), not NoneType",
        ),
    ],
)
def test_material_items_are_validated(changes: dict[str, Any], field: str, reason: str) -> None:
    fields: dict[str, Any] = {"key": "k", "kind": FIELD, "label": "l"} | changes
    with pytest.raises(InvalidField) as caught:
        MaterialItem(fields.pop("key"), fields.pop("kind"), **fields)
    assert (caught.value.owner, caught.value.field, caught.value.reason) == (
        "MaterialItem",
        field,
        reason,
    )


def test_a_document_has_no_validator() -> None:
    with pytest.raises(InvalidField) as caught:
        MaterialItem("id_document", DOCUMENT, label="ID", validator=check_email)
    assert str(caught.value) == (
        "MaterialItem.validator: a document item ('id_document') has no validator: only the "
        "presence of a document is checked; pass validator=None, or make it a "
        "MaterialKind.FIELD"
    )


def test_items_are_frozen_and_changed_with_evolve() -> None:
    item = AUTO_CHECKLIST.items[0]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        item.required = False  # type: ignore[misc]
    assert attrs.evolve(item, required=False).required is False
    with pytest.raises(InvalidField):
        attrs.evolve(item, kind=DOCUMENT, validator=check_email)


def test_item_repr_names_the_validator() -> None:
    assert repr(AUTO_CHECKLIST.items[4]) == (
        "MaterialItem(key='holder.phone', kind=MaterialKind.FIELD, label=\"policy holder's "
        'mobile number", validator=check_mainland_mobile, required=True, '
        "missing_severity=Severity.REFER, invalid_severity=Severity.REFER)"
    )
    assert "validator=None" in repr(AUTO_CHECKLIST.items[0])

    class Check:
        def __call__(self, value: str) -> str | None:
            return None

    assert "validator=Check" in repr(MaterialItem("k", FIELD, label="l", validator=Check()))


@pytest.mark.parametrize(
    ("items", "field", "reason"),
    [
        ("abc", "items", "must be a list or a tuple, not str"),
        (["x"], "items[0]", "must be a MaterialItem, not str"),
        (
            [MaterialItem("k", FIELD, label="l"), MaterialItem("k", DOCUMENT, label="m")],
            "items[1]",
            "repeats the item key 'k'",
        ),
    ],
)
def test_checklists_are_validated(items: Any, field: str, reason: str) -> None:
    with pytest.raises(InvalidField) as caught:
        MaterialChecklist("c", items)
    assert (caught.value.field, caught.value.reason) == (field, reason)


def test_checklists_store_tuples_and_may_be_empty() -> None:
    checklist = MaterialChecklist("none", [])
    assert checklist.items == ()
    assert review_materials(Materials(), checklist).passed
    with pytest.raises(InvalidField):
        MaterialChecklist("", [])


# ---------------------------------------------------------------- catalogue


def test_product_checklists_override_the_line() -> None:
    special = attrs.evolve(HEALTH_CHECKLIST, name="special")
    catalogue = MaterialChecklists(DEFAULT_CHECKLISTS.by_line, by_product={"AUTO-X": special})
    assert catalogue.checklist_for(make_policy(product_code="AUTO-X")) is special
    assert catalogue.checklist_for(make_policy(product_code="AUTO-Y")) is AUTO_CHECKLIST
    assert repr(catalogue) == (
        "MaterialChecklists(by_line={LineOfBusiness.AUTO: 'auto', LineOfBusiness.HEALTH: "
        "'health', LineOfBusiness.LIFE: 'life', LineOfBusiness.PROPERTY: 'property'}, "
        "by_product={'AUTO-X': 'special'})"
    )


def test_catalogues_are_read_only_copies() -> None:
    by_line = dict(DEFAULT_CHECKLISTS.by_line)
    catalogue = MaterialChecklists(by_line)
    by_line[LineOfBusiness.AUTO] = HEALTH_CHECKLIST
    assert catalogue.by_line[LineOfBusiness.AUTO] is AUTO_CHECKLIST
    with pytest.raises(TypeError):
        catalogue.by_line[LineOfBusiness.AUTO] = HEALTH_CHECKLIST  # type: ignore[index]


WITH_A_STR_KEY: dict[Any, MaterialChecklist] = {
    **dict.fromkeys(LINES, AUTO_CHECKLIST),
    "auto": AUTO_CHECKLIST,
}


@pytest.mark.parametrize(
    ("by_line", "by_product", "field", "reason"),
    [
        ([], {}, "by_line", "must be a mapping, not list"),
        (
            {line: AUTO_CHECKLIST for line in LINES if line is not LineOfBusiness.LIFE},
            {},
            "by_line",
            "has no checklist for LineOfBusiness.LIFE; give one for every line of business "
            "(start from DEFAULT_CHECKLISTS.by_line)",
        ),
        (
            WITH_A_STR_KEY,
            {},
            "by_line",
            "keys must be LineOfBusiness members, not str",
        ),
        (
            {**dict.fromkeys(LINES, AUTO_CHECKLIST), LineOfBusiness.LIFE: "life"},
            {},
            "by_line[LineOfBusiness.LIFE]",
            "must be a MaterialChecklist, not str",
        ),
        (None, {}, "by_line", "must be a mapping, not NoneType"),
        (
            dict.fromkeys(LINES, AUTO_CHECKLIST),
            [],
            "by_product",
            "must be a mapping, not list",
        ),
        (
            dict.fromkeys(LINES, AUTO_CHECKLIST),
            {"": AUTO_CHECKLIST},
            "by_product",
            "keys must be non-empty product codes (str) without surrounding whitespace",
        ),
        (
            dict.fromkeys(LINES, AUTO_CHECKLIST),
            {1: AUTO_CHECKLIST},
            "by_product",
            "keys must be non-empty product codes (str) without surrounding whitespace",
        ),
        (
            dict.fromkeys(LINES, AUTO_CHECKLIST),
            {" AUTO": AUTO_CHECKLIST},
            "by_product",
            "keys must be non-empty product codes (str) without surrounding whitespace",
        ),
        (
            dict.fromkeys(LINES, AUTO_CHECKLIST),
            {"P": None},
            "by_product['P']",
            "must be a MaterialChecklist, not NoneType",
        ),
    ],
)
def test_catalogues_are_validated(by_line: Any, by_product: Any, field: str, reason: str) -> None:
    with pytest.raises(InvalidField) as caught:
        MaterialChecklists(by_line, by_product=by_product)
    assert (caught.value.owner, caught.value.field, caught.value.reason) == (
        "MaterialChecklists",
        field,
        reason,
    )


def test_checklist_for_refuses_other_types() -> None:
    with pytest.raises(ArgumentTypeError) as caught:
        DEFAULT_CHECKLISTS.checklist_for("P-1")  # type: ignore[arg-type]
    assert str(caught.value) == (
        "MaterialChecklists.checklist_for(policy) takes a Policy, not str"
    )


# ---------------------------------------------------------------- review checks


def test_review_materials_refuses_other_types() -> None:
    with pytest.raises(ArgumentTypeError) as caught:
        review_materials({"holder.name": NAME}, AUTO_CHECKLIST)  # type: ignore[arg-type]
    assert str(caught.value) == "review_materials(subject) takes a Policy or a Materials, not dict"
    assert isinstance(caught.value, TypeError)
    assert isinstance(caught.value, RenewalError)
    with pytest.raises(ArgumentTypeError) as caught:
        review_materials(Materials(), DEFAULT_CHECKLISTS)  # type: ignore[arg-type]
    assert str(caught.value) == (
        "review_materials(checklist) takes a MaterialChecklist, not MaterialChecklists"
    )


def test_material_reviews_are_validated_and_store_tuples() -> None:
    reason = Reason("materials.missing", REFER, "material_review", "missing field: a")
    review = MaterialReview("c", ["a"], [("b", "format")], [reason])
    assert (review.missing, review.invalid, review.reasons) == (
        ("a",),
        (("b", "format"),),
        (reason,),
    )
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"checklist": ""}, "checklist", "must not be empty"),
        ({"missing": "a"}, "missing", "must be a list or a tuple, not str"),
        ({"missing": [1]}, "missing[0]", "must be a str, not int"),
        ({"invalid": {}}, "invalid", "must be a list or a tuple, not dict"),
        (
            {"invalid": [("a",)]},
            "invalid[0]",
            "must be a (key, problem) tuple of two str, not tuple",
        ),
        (
            {"invalid": [["a", "b"]]},
            "invalid[0]",
            "must be a (key, problem) tuple of two str, not list",
        ),
        (
            {"invalid": [("a", 1)]},
            "invalid[0]",
            "must be a (key, problem) tuple of two str, not tuple",
        ),
        ({"reasons": None}, "reasons", "must be a list or a tuple, not NoneType"),
        ({"reasons": ["x"]}, "reasons[0]", "must be a Reason, not str"),
    ]
    for changes, field, message in cases:
        with pytest.raises(InvalidField) as caught:
            attrs.evolve(review, **changes)
        assert (caught.value.field, caught.value.reason) == (field, message)


# ---------------------------------------------------------------- properties

ALL_PRESETS = [checklist for checklist, _ in PRESETS.values()]
FIELD_KEYS = sorted({item.key for c in ALL_PRESETS for item in c.items if item.kind is FIELD})
DOCUMENT_KEYS = sorted(
    {item.key for c in ALL_PRESETS for item in c.items if item.kind is DOCUMENT}
)
# Values that are valid or invalid for one validator or another, and absent ones.
VALUES = st.sampled_from(
    [
        None,
        "",
        VALID_ID,
        ID_NUMBER,
        VALID_CREDIT_CODE,
        BAD_CREDIT_CODE,
        PHONE,
        "021-60000000",
        EMAIL,
        "x@y",
        VALID_VIN,
        NAME,
    ]
)
MATERIALS = st.builds(
    Materials,
    st.dictionaries(st.sampled_from([*FIELD_KEYS, "other.key"]), VALUES, max_size=12),
    st.frozensets(st.sampled_from([*DOCUMENT_KEYS, "other_document"])),
)


@given(MATERIALS, st.sampled_from(ALL_PRESETS))
def test_one_reason_per_finding_in_checklist_order(
    found: Materials, checklist: MaterialChecklist
) -> None:
    review = review_materials(found, checklist)
    assert len(review.reasons) == len(review.missing) + len(review.invalid)
    order = [item.key for item in checklist.items]
    keys = [str(reason.details["item"]) for reason in review.reasons]
    assert keys == sorted(keys, key=order.index)
    assert len(set(keys)) == len(keys)
    assert [k for k in keys if k in review.missing] == list(review.missing)
    assert [
        (r.details["item"], r.details["problem"]) for r in review.reasons if "problem" in r.details
    ] == list(review.invalid)
    required = {item.key for item in checklist.items if item.required}
    assert set(review.missing) <= required
    assert review.passed is (not review.reasons)
    assert_no_personal_value(
        review_text(review), (*PERSONAL, ID_NUMBER, BAD_CREDIT_CODE, "021-60000000")
    )


@given(MATERIALS, st.sampled_from(ALL_PRESETS), st.data())
def test_adding_a_field_or_document_never_adds_a_missing_reason(
    found: Materials, checklist: MaterialChecklist, data: st.DataObject
) -> None:
    item = data.draw(st.sampled_from(checklist.items))
    before = review_materials(found, checklist)
    if item.kind is FIELD:
        value = data.draw(VALUES.filter(bool))
        added = Materials(dict(found.fields) | {item.key: value}, found.documents)
    else:
        added = Materials(found.fields, found.documents | {item.key})
    after = review_materials(added, checklist)
    assert item.key not in after.missing
    assert after.missing == tuple(key for key in before.missing if key != item.key)
    others = [pair for pair in after.invalid if pair[0] != item.key]
    assert others == [pair for pair in before.invalid if pair[0] != item.key]


def _hand_made(policy: Policy) -> dict[str, str | None]:
    """The fields of a policy's parties, written out independently of from_policy."""
    fields: dict[str, str | None] = {}
    for role, party in (("holder", policy.holder), ("insured", policy.insured)):
        if party is None:
            continue
        resident = party.id_number if party.id_kind == IdKind("resident_id") else None
        credit = party.id_number if party.id_kind == IdKind("unified_social_credit_code") else None
        fields |= {
            f"{role}.name": party.name,
            f"{role}.id_kind": None if party.id_kind is None else party.id_kind.value,
            f"{role}.id_number": party.id_number,
            f"{role}.resident_id": resident,
            f"{role}.credit_code": credit,
            f"{role}.phone": party.phone,
            f"{role}.email": party.email,
        }
    return fields


@given(testing.parties(), st.none() | testing.parties(), st.sampled_from(list(LineOfBusiness)))
def test_a_policy_is_reviewed_as_its_parties_data(
    holder: Party, insured: Party | None, line: LineOfBusiness
) -> None:
    policy = make_policy(holder=holder, insured=insured, line_of_business=line)
    checklist = DEFAULT_CHECKLISTS.checklist_for(policy)
    hand_made = Materials(_hand_made(policy))
    assert dict(Materials.from_policy(policy).fields) == dict(hand_made.fields)
    review = review_materials(policy, checklist)
    # A policy's review is that of its fields, its documents (unknown) left out.
    every_document = frozenset(item.key for item in checklist.items if item.kind is DOCUMENT)
    assert review == review_materials(Materials(hand_made.fields, every_document), checklist)
    fields_only = attrs.evolve(
        checklist, items=[item for item in checklist.items if item.kind is FIELD]
    )
    assert review == review_materials(hand_made, fields_only)
    personal = tuple(
        value
        for party in (holder, insured)
        if party is not None
        for value in (party.name, party.id_number, party.phone, party.email)
        if value is not None and len(value) > 3
    )
    assert_no_personal_value(review_text(review), personal)


IDS = st.text(alphabet=string.digits, min_size=17, max_size=17).map(lambda body: body + "0")


@given(IDS)
def test_the_review_of_a_resident_id_agrees_with_its_validator(number: str) -> None:
    policy = make_policy(holder=make_party(id_number=number))
    review = review_materials(
        Materials.from_policy(policy, documents=frozenset({"id_document", "vehicle_licence"})),
        AUTO_CHECKLIST,
    )
    problem = check_resident_id(number)
    assert review.invalid == (() if problem is None else (("holder.resident_id", problem),))
    assert number not in review_text(review)


def test_review_is_cheap_enough_for_a_batch() -> None:
    # Not a benchmark: a guard against a review doing more than one pass per item.
    calls: list[str] = []

    def counting(value: str) -> str | None:
        calls.append(value)
        return None

    items = [
        MaterialItem(f"k{i}", FIELD, label=f"item {i}", validator=counting) for i in range(50)
    ]
    checklist = MaterialChecklist("many", items)
    review_materials(Materials({f"k{i}": "v" for i in range(50)}), checklist)
    assert len(calls) == 50


def test_details_are_plain_values() -> None:
    review = review_materials(Materials(), AUTO_CHECKLIST)
    for reason in review.reasons:
        assert isinstance(reason.details, Mapping)
        assert all(isinstance(value, str) for value in reason.details.values())


def test_review_plans_are_cached_per_checklist_and_bounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(materials, "_PLANS_LIMIT", 2)
    monkeypatch.setattr(materials, "_PLANS", {})
    item = MaterialItem("a", FIELD, label="field A")
    checklists = [MaterialChecklist(f"c{index}", [item]) for index in range(3)]
    for checklist in checklists:
        assert review_materials(Materials(), checklist).missing == ("a",)
    assert len(materials._PLANS) == 1  # cleared when full, then refilled
    assert review_materials(Materials({"a": "x"}), checklists[-1]).passed


@pytest.mark.parametrize("email", ["information@example.c", "performance@x"])
def test_a_library_code_inside_the_value_is_still_a_finding(email: str) -> None:
    # "format" is inside "information": the library's own codes are always accepted.
    fields = {"holder.name": "张三", "holder.id_number": "E1", "holder.phone": PHONE}
    review = review_materials(
        Materials({**fields, "holder.email": email}, {"id_document", "vehicle_licence"}),
        AUTO_CHECKLIST,
    )
    assert review.invalid == (("holder.email", "format"),)


@pytest.mark.parametrize("blank", ["", "  "])
def test_a_blank_typed_id_key_is_derived_from_the_id_number(blank: str) -> None:
    fields = {
        "holder.name": "张三",
        "holder.id_kind": "resident_id",
        "holder.id_number": "110105194912310021",  # wrong check digit
        "holder.phone": PHONE,
        "holder.resident_id": blank,
    }
    review = review_materials(
        Materials(fields, {"id_document", "vehicle_licence"}), AUTO_CHECKLIST
    )
    assert review.invalid == (("holder.resident_id", "check_digit"),)
