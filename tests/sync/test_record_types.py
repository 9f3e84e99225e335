"""The server's list of record types and fields is the desktop's domain schema, name for name.

The server may not import the desktop app, so marugoto_sync.record_types repeats the names;
this test is what keeps the two from drifting apart.
"""

from __future__ import annotations

from marugoto_desktop.domain.schema import SCHEMAS
from marugoto_sync.changes import DELETED, PARENT
from marugoto_sync.record_types import PSEUDO_FIELDS, RECORD_TYPES, SHARED_TYPES


def test_the_server_knows_exactly_the_desktops_record_types_and_fields() -> None:
    assert set(RECORD_TYPES) == set(SCHEMAS)
    for name, schema in SCHEMAS.items():
        known = RECORD_TYPES[name]
        assert known.name == name
        assert known.fields == set(schema.field_names), name
        assert known.parent_type == schema.parent_type, name
        assert known.city_wide == (not schema.area_required), name


def test_only_a_meeting_is_city_wide_and_agencies_carry_their_area() -> None:
    assert [t.name for t in RECORD_TYPES.values() if t.city_wide] == ["meeting"]
    assert not RECORD_TYPES["agency"].city_wide


def test_pseudo_fields_are_known_to_every_type_a_parent_only_to_types_with_one() -> None:
    assert {DELETED, PARENT} == PSEUDO_FIELDS
    for known in RECORD_TYPES.values():
        assert known.knows(DELETED)
        assert known.knows(PARENT) == (known.parent_type is not None)
        assert not PSEUDO_FIELDS & known.fields
        assert not known.knows("nickname")


def test_the_agency_directory_alone_is_shared_by_every_area() -> None:
    assert SHARED_TYPES == {"agency"} == {t.name for t in RECORD_TYPES.values() if t.shared}
