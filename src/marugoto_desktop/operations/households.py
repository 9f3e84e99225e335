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
    members = vault.child_counts("person")
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


def prepare_search(vault: Vault) -> None:
    """Decrypt what household search reads (members too), so keystrokes stay fast.

    The desktop app runs this in the background right after unlock.
    """
    vault.prepare_search("household")
