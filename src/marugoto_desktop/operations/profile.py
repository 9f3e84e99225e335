"""Who uses this laptop: the consultant's name that new activities are recorded by."""

from __future__ import annotations

from ..vault import Vault
from ..vault.replica import VaultReplica
from .visits import CONSULTANT_KEY


def consultant_setting(vault: Vault) -> str | None:
    """The name set on this laptop (設定), without falling back to the enrolled user
    (visits.signed_in_consultant does that): what the 設定 screen shows to edit."""
    name = VaultReplica(vault).get_setting(CONSULTANT_KEY)
    return str(name) if name else None
