"""The audit trail (vault/audit.py): each person's write is noted with its records in the same
transaction, who and which device, sealed and chained; any entry changed, removed, reordered
or cut off from the end is found, and where."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from marugoto_desktop.domain.validation import RecordInvalid
from marugoto_desktop.operations import sync as syncing
from marugoto_desktop.operations import visits
from marugoto_desktop.operations.records import (
    create_record,
    delete_record,
    edit_record,
    restore_record,
)
from marugoto_desktop.vault import KdfParams, Vault
from marugoto_desktop.vault.audit import CONSULTANT_SETTING, SERVER_SETTING, AuditBroken
from marugoto_desktop.vault.replica import VaultReplica
from marugoto_desktop.vault.store import DB_FILE

from ..conftest import PASSPHRASE


def _household(vault: Vault, name: str = "世帯 監査") -> str:
    return create_record(
        vault, "household", {"name": name, "status": "active"}, area="mure"
    ).record.id


def test_writes_are_noted_with_their_records_who_and_which_device(vault: Vault) -> None:
    VaultReplica(vault).set_setting(CONSULTANT_SETTING, "相談員 花子")
    household = _household(vault)
    member = create_record(vault, "person", {"name": "世帯員"}, parent_id=household).record.id
    edit_record(vault, household, {"phone": "087-000-0000"})
    delete_record(vault, household)
    restore_record(vault, household)
    vault.audit("export", detail={"records": 2})
    entries = vault.audit_entries()
    assert [(e.action, e.records) for e in entries] == [
        ("create", (household,)),
        ("create", (member,)),
        ("edit", (household,)),
        ("delete", (household, member)),
        ("restore", (household, member)),
        ("export", ()),
    ]
    assert [e.seq for e in entries] == list(range(1, 7))
    assert {e.who for e in entries} == {"相談員 花子"}
    assert {e.device for e in entries} == {vault.site}
    assert entries[-1].detail == {"records": 2}
    assert all(e.at.endswith("Z") for e in entries)


def test_a_refused_write_notes_nothing(vault: Vault) -> None:
    _household(vault)
    with pytest.raises(RecordInvalid):
        create_record(
            vault, "person", {"name": "x"}, parent_id="01a00000-0000-7000-8000-0000000000ff"
        )
    assert [e.action for e in vault.audit_entries()] == ["create"]


def test_the_names_of_who_settings_are_the_operations_own() -> None:
    assert CONSULTANT_SETTING == visits.CONSULTANT_KEY
    assert SERVER_SETTING == syncing.SERVER_KEY


def _vault_with_entries(folder: Path, count: int) -> None:
    with Vault.create(folder, PASSPHRASE, kdf=KdfParams()) as vault:
        for n in range(count):
            _household(vault, f"世帯 {n}")


def _tamper(folder: Path, *statements: tuple[str, tuple[object, ...]]) -> None:
    conn = sqlite3.connect(folder / DB_FILE)
    with conn:
        for sql, params in statements:
            conn.execute(sql, params)
    conn.close()


def _broken(folder: Path) -> AuditBroken:
    with Vault.open(folder, PASSPHRASE) as vault, pytest.raises(AuditBroken) as caught:
        vault.audit_entries()
    return caught.value


def test_an_intact_trail_verifies(vault_dir: Path) -> None:
    _vault_with_entries(vault_dir, 4)
    with Vault.open(vault_dir, PASSPHRASE) as vault:
        assert len(vault.audit_entries()) == 4


def test_a_changed_entry_is_found(vault_dir: Path) -> None:
    _vault_with_entries(vault_dir, 4)
    conn = sqlite3.connect(vault_dir / DB_FILE)
    blob = bytearray(conn.execute("SELECT blob FROM audit WHERE seq = 2").fetchone()[0])
    conn.close()
    blob[-5] ^= 1
    _tamper(vault_dir, ("UPDATE audit SET blob = ? WHERE seq = 2", (bytes(blob),)))
    assert _broken(vault_dir).seq == 2


def test_an_entry_removed_from_the_middle_is_found(vault_dir: Path) -> None:
    _vault_with_entries(vault_dir, 4)
    _tamper(vault_dir, ("DELETE FROM audit WHERE seq = 2", ()))
    assert "missing" in str(_broken(vault_dir))


def test_entries_cut_off_from_the_end_are_found(vault_dir: Path) -> None:
    _vault_with_entries(vault_dir, 4)
    _tamper(vault_dir, ("DELETE FROM audit WHERE seq >= 3", ()))
    broken = _broken(vault_dir)
    assert broken.seq == 3 and "cut off" in str(broken)


def test_entries_swapped_or_renumbered_are_found(vault_dir: Path) -> None:
    _vault_with_entries(vault_dir, 4)
    conn = sqlite3.connect(vault_dir / DB_FILE)
    two, three = (conn.execute("SELECT blob FROM audit WHERE seq = ?", (s,)).fetchone()[0]
                  for s in (2, 3))  # fmt: skip
    conn.close()
    _tamper(
        vault_dir,
        ("UPDATE audit SET blob = ? WHERE seq = 2", (three,)),
        ("UPDATE audit SET blob = ? WHERE seq = 3", (two,)),
    )
    assert _broken(vault_dir).seq == 2


def test_a_missing_or_foreign_head_is_found(vault_dir: Path, tmp_path: Path) -> None:
    _vault_with_entries(vault_dir, 2)
    other = tmp_path / "other"
    _vault_with_entries(other, 2)
    conn = sqlite3.connect(other / DB_FILE)
    foreign = conn.execute("SELECT blob FROM audit_head").fetchone()[0]
    conn.close()
    _tamper(vault_dir, ("UPDATE audit_head SET blob = ?", (foreign,)))
    assert "head" in str(_broken(vault_dir))
    _tamper(vault_dir, ("DELETE FROM audit_head", ()))
    assert "head is missing" in str(_broken(vault_dir))


def test_an_older_head_put_back_is_found(vault_dir: Path) -> None:
    _vault_with_entries(vault_dir, 2)
    conn = sqlite3.connect(vault_dir / DB_FILE)
    old_head = conn.execute("SELECT blob FROM audit_head").fetchone()[0]
    conn.close()
    with Vault.open(vault_dir, PASSPHRASE) as vault:
        _household(vault, "後から")
    _tamper(vault_dir, ("UPDATE audit_head SET blob = ?", (old_head,)))
    assert "not the one its head names" in str(_broken(vault_dir)) or "cut off" in str(
        _broken(vault_dir)
    )
