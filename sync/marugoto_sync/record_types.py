"""The record types a change may name, with their field names: what the server accepts.

The server replicates generic records and never imports the desktop app, yet it must refuse
what no laptop writes: a type or a field nobody knows, a city-wide record that is not a
meeting, a record under a parent of the wrong type. So the names are repeated here from the
desktop's domain schema (DESIGN §3); a test holds the two equal, so they cannot drift.
Values are not described: checking them is the laptops' work, and a server that knew them
would have to be upgraded with every new code in a vocabulary.
"""

from __future__ import annotations

from dataclasses import dataclass

from .changes import AREA, DELETED, PARENT

# Fields every record has besides its own: deleting or restoring it, and its parent.
PSEUDO_FIELDS: frozenset[str] = frozenset({DELETED, PARENT})


@dataclass(frozen=True)
class RecordType:
    name: str
    fields: frozenset[str]
    # The type `_parent_id` must point to; None: the record has no parent.
    parent_type: str | None = None
    # Only a meeting may be city-wide (no area); every other record carries its area.
    city_wide: bool = False
    # The city's shared directory (agencies): every user sees and may write every record of
    # the type, whatever their areas; its area only says which area registered it.
    shared: bool = False
    # The record may move to another area (`_area`), taking the records under it along.
    movable: bool = False

    def knows(self, field: str) -> bool:
        """Whether a change of this type may name `field`."""
        if field == PARENT:
            return self.parent_type is not None
        if field == AREA:
            return self.movable
        return field in self.fields or field in PSEUDO_FIELDS


def _type(
    name: str,
    fields: str,
    parent_type: str | None = None,
    *,
    city_wide: bool = False,
    shared: bool = False,
    movable: bool = False,
) -> RecordType:
    return RecordType(name, frozenset(fields.split()), parent_type, city_wide, shared, movable)


RECORD_TYPES: dict[str, RecordType] = {
    t.name: t
    for t in (
        _type(
            "household",
            "name district address phone household_type housing public_assistance status "
            "closed_on first_known_on how_found assigned_consultant note",
            movable=True,
        ),
        _type(
            "person",
            "name kana sex birth_date relationship lives_with_household care_level "
            "disability_certificate disability_grade health_insurance pension occupation "
            "work_or_school phone note",
            "household",
        ),
        _type("issue", "person_id category is_main identified_on resolved_on note", "household"),
        _type(
            "activity",
            "date time kind place participants content next_action next_date contacts recorded_by "
            "recorded_area",
            "household",
        ),
        _type("agency", "name agency_type contact phone address note", shared=True),
        _type(
            "referral",
            "agency_id direction date purpose status follow_up_on outcome",
            "household",
        ),
        _type(
            "meeting",
            "date meeting_type legal_basis title attendee_agency_ids household_ids decisions "
            "roles next_date",
            city_wide=True,
        ),
        _type(
            "consent",
            "person_id granted_on method obtained_by agency_ids purposes document_version "
            "withdrawn_on",
            "household",
        ),
    )
}

# The types of the shared directory, which area grants do not limit.
SHARED_TYPES: frozenset[str] = frozenset(t.name for t in RECORD_TYPES.values() if t.shared)
