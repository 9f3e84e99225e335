"""まるごと福祉会議: what a meeting may discuss, checked before it is saved."""

from __future__ import annotations

from collections.abc import Iterable

from ..domain.validation import has_valid_consent
from ..vault import Vault

MULTILAYER = "multilayer_meeting"

# What a 重層的支援会議 may make of a household it names (consent_status).
CONSENTED = "consented"  # a consent covers the day
NO_CONSENT = "no_consent"  # held here, and no consent covers the day: refused
# Not held here, and this vault does not hold every area: another area's household, whose
# consents are held (and checked) where it is; kept as named (docs/exchange-format.md).
ELSEWHERE = "elsewhere"
# No live household by that id here, where there must be one: deleted, another kind of
# record, or not held by a vault that holds every area (a mistyped id): refused.
NO_HOUSEHOLD = "no_household"


def consent_status(vault: Vault, household_ids: Iterable[str], on: str) -> dict[str, str]:
    """For each household, what a 重層的支援会議 on day `on` (YYYY-MM-DD) may make of it:
    the guard the meeting form shows before saving, judged as validation will judge it."""
    with vault.exclusive():
        every_area = vault.holds_every_area()
        found = {}
        for household_id in household_ids:
            held = vault.lookup(household_id)
            if held is None:
                elsewhere = not every_area and not vault.holds(household_id)
                found[household_id] = ELSEWHERE if elsewhere else NO_HOUSEHOLD
            elif held[0] != "household":
                found[household_id] = NO_HOUSEHOLD
            elif has_valid_consent(vault.consents_of(household_id), MULTILAYER, on):
                found[household_id] = CONSENTED
            else:
                found[household_id] = NO_CONSENT
        return found
