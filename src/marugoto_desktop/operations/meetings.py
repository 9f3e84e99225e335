"""まるごと福祉会議: what a meeting may discuss, checked before it is saved."""

from __future__ import annotations

from collections.abc import Iterable

from ..domain.validation import has_valid_consent
from ..vault import Vault

MULTILAYER = "multilayer_meeting"


def consent_status(vault: Vault, household_ids: Iterable[str], on: str) -> dict[str, bool]:
    """For each household, whether a consent covers a 重層的支援会議 on day `on` (YYYY-MM-DD):
    the guard the meeting form shows before saving, as validation will refuse without it."""
    with vault.exclusive():
        return {
            household_id: has_valid_consent(vault.consents_of(household_id), MULTILAYER, on)
            for household_id in household_ids
        }
