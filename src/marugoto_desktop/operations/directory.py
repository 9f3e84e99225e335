"""The lists of the 関係機関 and 会議 screens, and the names a form offers to choose from.

Read models over the vault's decrypted copies, ordered as a person looks for them: agencies
by kind then in 五十音 order of their name, meetings newest first.
"""

from __future__ import annotations

from ..domain.records import Record
from ..domain.text import fold
from ..domain.vocabularies import AGENCY_TYPES
from ..vault import Vault
from .households import household_rows

_TYPE_ORDER = {code: number for number, code in enumerate(AGENCY_TYPES)}


def agencies(vault: Vault) -> list[Record]:
    """Every agency of the city's directory, by kind (vocabulary order), then by name."""
    return sorted(
        vault.records("agency"),
        key=lambda a: (
            _TYPE_ORDER.get(str(a.fields.get("agency_type", "")), len(_TYPE_ORDER)),
            fold(str(a.fields.get("name", ""))),
            a.id,
        ),
    )


def agency_choices(vault: Vault) -> list[tuple[str, str]]:
    """(id, name) of every agency, by name: what a referral, consent or meeting picks from."""
    named = [(a.id, str(a.fields.get("name", ""))) for a in vault.records("agency")]
    return sorted(named, key=lambda pair: (fold(pair[1]), pair[0]))


def household_choices(vault: Vault) -> list[tuple[str, str]]:
    """(id, name) of every live household, by name: what a meeting names."""
    return [(row.id, row.name) for row in household_rows(vault)]


def meetings(vault: Vault) -> list[Record]:
    """Every meeting, the newest first (by date, then when recorded)."""
    return sorted(
        vault.records("meeting"),
        key=lambda m: (str(m.fields.get("date", "")), m.id),
        reverse=True,
    )
