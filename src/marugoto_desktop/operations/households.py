"""Finding households: what the home screen lists and searches."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.vocabularies import AREAS, HOUSEHOLD_STATUS
from ..vault import Vault


@dataclass(frozen=True)
class HouseholdRow:
    id: str
    name: str
    area: str
    status: str
    address: str
    members: int


def household_rows(vault: Vault, query: str = "") -> list[HouseholdRow]:
    """Live households matching `query` (name, kana, address, phone, members), by name."""
    members: dict[str, int] = {}
    for person in vault.records("person"):
        if person.parent_id:
            members[person.parent_id] = members.get(person.parent_id, 0) + 1
    rows = [
        HouseholdRow(
            id=h.id,
            name=str(h.get("name", "")),
            area=AREAS.label(h.area or ""),
            status=HOUSEHOLD_STATUS.label(str(h.get("status", ""))),
            address=str(h.get("address", "")),
            members=members.get(h.id, 0),
        )
        for h in vault.search(query, "household")
    ]
    rows.sort(key=lambda r: (r.name, r.id))
    return rows
