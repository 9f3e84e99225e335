"""Record schemas: the field names DESIGN §3 writes in `code` are contracts."""

from __future__ import annotations

import pytest

from marugoto_desktop.domain import vocabularies as v
from marugoto_desktop.domain.schema import SCHEMAS, TYPE_ORDER, Kind, RecordSchema
from marugoto_desktop.domain.validation import ENVELOPE

# Field names DESIGN §3 writes in `code` (area and parent_id are envelope, not fields).
DESIGN_FIELDS: dict[str, set[str]] = {
    "household": {"district", "address", "phone", "status"},
    "person": {"name", "kana", "sex", "birth_date", "relationship"},
    "issue": {"person_id", "category", "is_main", "identified_on", "resolved_on", "note"},
    "activity": {
        "date",
        "time",
        "kind",
        "place",
        "participants",
        "content",
        "next_action",
        "next_date",
        "contacts",
    },
    "agency": {"name", "agency_type"},
    "referral": {
        "agency_id",
        "direction",
        "date",
        "purpose",
        "status",
        "follow_up_on",
        "outcome",
    },
    "meeting": {
        "date",
        "meeting_type",
        "legal_basis",
        "attendee_agency_ids",
        "household_ids",
        "decisions",
        "roles",
        "next_date",
    },
    "consent": {"person_id", "granted_on", "method", "purposes", "withdrawn_on"},
}

# (type, field) -> the vocabulary DESIGN ties it to.
DESIGN_CODED_FIELDS = {
    ("household", "status"): v.HOUSEHOLD_STATUS,
    ("household", "how_found"): v.HOW_FOUND,
    ("issue", "category"): v.ISSUE_CATEGORIES,
    ("activity", "kind"): v.ACTIVITY_KINDS,
    ("agency", "agency_type"): v.AGENCY_TYPES,
    ("referral", "direction"): v.REFERRAL_DIRECTIONS,
    ("referral", "status"): v.REFERRAL_STATUS,
    ("meeting", "meeting_type"): v.MEETING_TYPES,
    ("meeting", "legal_basis"): v.MEETING_LEGAL_BASIS,
    ("consent", "method"): v.CONSENT_METHODS,
    ("consent", "purposes"): v.CONSENT_PURPOSES,
}

# (type, field) -> the record type DESIGN says it refers to.
DESIGN_REFERENCES = {
    ("issue", "person_id"): "person",
    ("referral", "agency_id"): "agency",
    ("meeting", "attendee_agency_ids"): "agency",
    ("meeting", "household_ids"): "household",
    ("consent", "person_id"): "person",
    ("consent", "agency_ids"): "agency",
}


def test_every_record_type_has_a_schema() -> None:
    assert set(SCHEMAS) == set(DESIGN_FIELDS)
    assert set(TYPE_ORDER) == set(DESIGN_FIELDS)
    assert len(TYPE_ORDER) == len(set(TYPE_ORDER))
    for type_, schema in SCHEMAS.items():
        assert schema.type == type_
        assert schema.label == v.RECORD_TYPES[type_]


@pytest.mark.parametrize("type_", sorted(DESIGN_FIELDS))
def test_design_field_names_are_present(type_: str) -> None:
    assert DESIGN_FIELDS[type_] <= set(SCHEMAS[type_].field_names)


@pytest.mark.parametrize("schema", SCHEMAS.values(), ids=lambda s: s.type)
def test_field_names_are_unique_and_not_envelope(schema: RecordSchema) -> None:
    names = schema.field_names
    assert len(names) == len(set(names))
    assert not set(names) & set(ENVELOPE)
    assert not set(names) & {"area", "deleted"}
    for spec in schema.fields:
        assert schema.field(spec.name) is spec
        assert spec.label.strip()
    with pytest.raises(KeyError):
        schema.field("no_such_field")


@pytest.mark.parametrize(("key", "vocabulary"), DESIGN_CODED_FIELDS.items(), ids=str)
def test_coded_fields_read_the_design_vocabulary(key: tuple[str, str], vocabulary: object) -> None:
    type_, name = key
    spec = SCHEMAS[type_].field(name)
    assert spec.kind in (Kind.CODE, Kind.CODES)
    assert spec.vocabulary is vocabulary


@pytest.mark.parametrize(("key", "ref_type"), DESIGN_REFERENCES.items(), ids=str)
def test_reference_fields_point_at_the_design_type(key: tuple[str, str], ref_type: str) -> None:
    type_, name = key
    spec = SCHEMAS[type_].field(name)
    assert spec.kind in (Kind.REF, Kind.REFS)
    assert spec.ref_type == ref_type


def test_parents_and_areas() -> None:
    """DESIGN §3: most types hang under a household; agency and meeting have no parent; an
    activity may lack a household; only a meeting may be city-wide."""
    for type_ in ("person", "issue", "referral", "consent"):
        assert SCHEMAS[type_].parent_type == "household"
        assert SCHEMAS[type_].parent_required, type_
    assert SCHEMAS["activity"].parent_type == "household"
    assert not SCHEMAS["activity"].parent_required
    for type_ in ("household", "agency", "meeting"):
        assert SCHEMAS[type_].parent_type is None, type_
    assert [t for t, s in SCHEMAS.items() if not s.area_required] == ["meeting"]


def test_required_fields_of_the_design() -> None:
    required = {t: {f.name for f in s.fields if f.required} for t, s in SCHEMAS.items()}
    assert "status" in required["household"]
    assert {"date", "kind"} <= required["activity"]
    assert {"agency_id", "direction", "date"} <= required["referral"]
    assert {"date", "meeting_type"} <= required["meeting"]
    assert {"person_id", "granted_on"} <= required["consent"]
    assert "category" in required["issue"]


def test_every_field_kind_is_fully_specified() -> None:
    for schema in SCHEMAS.values():
        for spec in schema.fields:
            where = f"{schema.type}.{spec.name}"
            if spec.kind in (Kind.CODE, Kind.CODES):
                assert spec.vocabulary is not None, where
                assert len(spec.vocabulary) > 0, where
            else:
                assert spec.vocabulary is None, where
            if spec.kind in (Kind.REF, Kind.REFS):
                assert spec.ref_type in SCHEMAS, where
            else:
                assert spec.ref_type is None, where
            assert spec.max_length > 0, where
            assert spec.minimum <= spec.maximum, where
            if spec.kind is Kind.CODES:
                assert spec.max_items == len(spec.vocabulary or ()), where


def test_type_order_lets_references_point_backwards() -> None:
    """Exported in TYPE_ORDER, every parent and referenced record comes before the referrer."""
    position = {t: i for i, t in enumerate(TYPE_ORDER)}
    for schema in SCHEMAS.values():
        targets = {spec.ref_type for spec in schema.fields if spec.ref_type is not None}
        if schema.parent_type is not None:
            targets.add(schema.parent_type)
        for target in targets:
            assert target is not None
            assert position[target] < position[schema.type], (schema.type, target)
