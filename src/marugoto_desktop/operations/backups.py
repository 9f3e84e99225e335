"""Backing up and restoring a vault, and the diagnostics a support request carries.

A backup is taken while the app may hold the vault (vault/backup.py); restoring makes a new
vault folder from one. Diagnostics say what a vault holds by counts and codes only: what
they show of the vault's sealed settings is an allow-list below, so a setting added later
shows nothing until someone decides it may.
"""

from __future__ import annotations

import importlib.metadata
import platform
import sys
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from .. import __version__
from ..vault import Vault
from ..vault import backup as vault_backup
from ..vault.backup import BackupInfo, BackupRefused
from ..vault.diagnostics import read_facts
from .sync import LAST_SYNC_KEY, SERVER_KEY

__all__ = [
    "BackupInfo",
    "BackupRefused",
    "create_backup",
    "diagnostics",
    "restore_backup",
]

DIAGNOSTICS_FORMAT = 1
# Of the server settings: where and as which device, never who (the user) or the CA's text.
_SERVER_FIELDS = ("server", "device_id", "role", "areas")
# Of the last sync: when, whether it worked, the error's code and counts.
_LAST_SYNC_FIELDS = (
    "at",
    "ok",
    "error",
    "pushed",
    "pulled",
    "conflicts",
    "held_back",
    "restamped",
    "replayed",
)


def create_backup(
    folder: Path, out: Path, passphrase: str, *, overwrite: bool = False
) -> BackupInfo:
    """A backup of the vault in `folder` written to `out` (the passphrase proves the right to
    take it and gives the key that seals it)."""
    return vault_backup.create_backup(
        folder, out, vault_backup.by_passphrase(passphrase), overwrite=overwrite
    )


def back_up_open_vault(vault: Vault, out: Path, *, overwrite: bool = False) -> BackupInfo:
    """A backup of a vault this program has unlocked (the app's 「バックアップを作成」)."""
    info = vault_backup.create_backup(
        vault.folder, out, vault_backup.by_open_vault(vault), overwrite=overwrite
    )
    vault.audit("backup", detail={"bytes": info.database_bytes})
    return info


def restore_backup(
    backup: Path,
    folder: Path,
    passphrase: str | None = None,
    office_private: X25519PrivateKey | None = None,
) -> BackupInfo:
    """A new vault in `folder` from `backup`, opened by its passphrase or the office's key."""
    if office_private is not None:
        unwrap = vault_backup.by_recovery_key(office_private)
    elif passphrase is not None:
        unwrap = vault_backup.by_passphrase(passphrase)
    else:
        raise ValueError("a passphrase or the office recovery key is needed")
    return vault_backup.restore_backup(backup, folder, unwrap)


def check_backup(backup: Path, passphrase: str) -> BackupInfo:
    return vault_backup.check_backup(backup, vault_backup.by_passphrase(passphrase))


def _qt_version() -> str | None:
    # The installed binding's version, read from its metadata: importing Qt here would break
    # the layering (only the UI imports Qt) and may need a display.
    try:
        return importlib.metadata.version("PySide6-Essentials")
    except importlib.metadata.PackageNotFoundError:
        try:
            return importlib.metadata.version("PySide6")
        except importlib.metadata.PackageNotFoundError:
            return None


def _picked(value: Any, names: tuple[str, ...]) -> dict[str, Any] | None:
    if not isinstance(value, dict):
        return None
    return {name: value.get(name) for name in names if name in value}


def diagnostics(folder: Path, passphrase: str) -> dict[str, Any]:
    """Versions, settings without personal values, counts, the last sync's outcome (codes)."""
    facts = read_facts(folder, vault_backup.by_passphrase(passphrase))
    settings = facts.settings
    server = _picked(settings.get(SERVER_KEY), _SERVER_FIELDS)
    last = _picked(settings.get(LAST_SYNC_KEY), _LAST_SYNC_FIELDS)
    synced = settings.get("synced_areas")
    return {
        "diagnostics_format": DIAGNOSTICS_FORMAT,
        "versions": {
            "app": __version__,
            "python": sys.version.split()[0],
            "qt": _qt_version(),
            "os": platform.platform(),
            "machine": platform.machine(),
        },
        "vault": {
            "vault_id": facts.vault_id,
            "format_version": facts.format_version,
            "migrations": facts.migrations,
            "key_slots": facts.key_slots,
            "database_bytes": facts.database_bytes,
            "wal_bytes": facts.wal_bytes,
            "records": facts.records,
            "outbox": facts.outbox,
            "conflicts": facts.conflicts,
        },
        "sync": {
            "enrolled": server is not None,
            **(server or {}),
            "site": facts.site,
            "synced_areas": synced if isinstance(synced, list) else None,
            "directory_synced": bool(settings.get("directory_synced")),
            "cursors": facts.cursors,
            "last_sync": last,
        },
        # The only errors the vault keeps are the last sync's (a code, above).
        "recent_errors": [last["error"]] if last and last.get("error") else [],
    }
