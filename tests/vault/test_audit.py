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
from marugoto_sync.audit_chain import GENESIS, chained

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


def _blob(folder: Path, sql: str) -> bytes:
    conn = sqlite3.connect(folder / DB_FILE)
    value = bytes(conn.execute(sql).fetchone()[0])
    conn.close()
    return value


def _broken(folder: Path, *statements: tuple[str, tuple[object, ...]]) -> AuditBroken:
    """Tamper with the files of an unlocked vault (its unlock noted already), then read its
    trail."""
    with Vault.open(folder, PASSPHRASE) as vault:
        _tamper(folder, *statements)
        with pytest.raises(AuditBroken) as caught:
            vault.audit_entries()
    return caught.value


def test_an_intact_trail_verifies(vault_dir: Path) -> None:
    _vault_with_entries(vault_dir, 4)
    with Vault.open(vault_dir, PASSPHRASE) as vault:
        assert [e.action for e in vault.audit_entries()] == ["create"] * 4 + ["unlock"]


def test_a_changed_entry_is_found(vault_dir: Path) -> None:
    _vault_with_entries(vault_dir, 4)
    blob = bytearray(_blob(vault_dir, "SELECT blob FROM audit WHERE seq = 2"))
    blob[-5] ^= 1
    assert _broken(vault_dir, ("UPDATE audit SET blob = ? WHERE seq = 2", (bytes(blob),))).seq == 2


def test_an_entry_removed_from_the_middle_is_found(vault_dir: Path) -> None:
    _vault_with_entries(vault_dir, 4)
    assert "missing" in str(_broken(vault_dir, ("DELETE FROM audit WHERE seq = 2", ())))


def test_entries_cut_off_from_the_end_are_found(vault_dir: Path) -> None:
    _vault_with_entries(vault_dir, 4)
    broken = _broken(vault_dir, ("DELETE FROM audit WHERE seq >= 3", ()))
    assert broken.seq == 3 and "cut off" in str(broken)


def test_entries_swapped_are_found(vault_dir: Path) -> None:
    _vault_with_entries(vault_dir, 4)
    two = _blob(vault_dir, "SELECT blob FROM audit WHERE seq = 2")
    three = _blob(vault_dir, "SELECT blob FROM audit WHERE seq = 3")
    broken = _broken(
        vault_dir,
        ("UPDATE audit SET blob = ? WHERE seq = 2", (three,)),
        ("UPDATE audit SET blob = ? WHERE seq = 3", (two,)),
    )
    assert broken.seq == 2


def test_a_missing_or_foreign_head_is_found(vault_dir: Path, tmp_path: Path) -> None:
    _vault_with_entries(vault_dir, 2)
    other = tmp_path / "other"
    _vault_with_entries(other, 2)
    foreign = _blob(other, "SELECT blob FROM audit_head")
    assert "head" in str(_broken(vault_dir, ("UPDATE audit_head SET blob = ?", (foreign,))))
    assert "head is missing" in str(_broken(vault_dir, ("DELETE FROM audit_head", ())))
    # The vault still opens and writes: the trail goes on, noting the break, sealed.
    with Vault.open(vault_dir, PASSPHRASE) as vault:
        _household(vault, "続き")
        entries = vault.audit_entries()
    repaired = [e for e in entries if e.action == "audit_repaired"]
    assert [e.detail["reason"] for e in repaired] == [
        "its head does not open with this vault's key",
        "its head is missing",
    ]
    assert entries[-1].action == "create"


def test_an_older_head_put_back_is_found(vault_dir: Path) -> None:
    _vault_with_entries(vault_dir, 2)
    old_head = _blob(vault_dir, "SELECT blob FROM audit_head")
    broken = _broken(vault_dir, ("UPDATE audit_head SET blob = ?", (old_head,)))
    assert "cut off" in str(broken) or "not the one its head names" in str(broken)


def test_failed_unlocks_are_taken_into_the_trail_at_the_next_unlock(vault_dir: Path) -> None:
    from marugoto_desktop.vault import WrongPassphrase

    _vault_with_entries(vault_dir, 1)
    for _ in range(2):
        with pytest.raises(WrongPassphrase):
            Vault.open(vault_dir, "not the passphrase at all")
    conn = sqlite3.connect(vault_dir / DB_FILE)
    notes = [row[0] for row in conn.execute("SELECT blob FROM audit_inbox")]
    conn.close()
    assert len(notes) == 2 and all(b"unlock" not in note for note in notes)
    with Vault.open(vault_dir, PASSPHRASE) as vault:
        entries = vault.audit_entries()
    assert [e.action for e in entries] == ["create", "unlock_failed", "unlock_failed", "unlock"]
    assert entries[1].at <= entries[2].at <= entries[3].at
    conn = sqlite3.connect(vault_dir / DB_FILE)
    assert conn.execute("SELECT count(*) FROM audit_inbox").fetchone()[0] == 0
    conn.close()


def test_a_note_that_does_not_open_is_taken_as_such(vault_dir: Path) -> None:
    _vault_with_entries(vault_dir, 1)
    _tamper(vault_dir, ("INSERT INTO audit_inbox (blob) VALUES (?)", (b"\0" * 80,)))
    with Vault.open(vault_dir, PASSPHRASE) as vault:
        entries = vault.audit_entries()
    assert entries[1].action == "unlock_failed" and entries[1].detail == {"note": "unreadable"}


def test_the_trail_is_read_from_a_point_and_still_checked(vault_dir: Path) -> None:
    _vault_with_entries(vault_dir, 4)
    with Vault.open(vault_dir, PASSPHRASE) as vault:
        whole = vault.audit_entries()
        assert vault.audit_entries(2) == whole[2:]
        assert vault.audit_entries(2, 1) == whole[2:3]
        assert vault.audit_entries(len(whole)) == []
    # The entry a read starts from vouches for the next one: changed, the next one breaks.
    blob = bytearray(_blob(vault_dir, "SELECT blob FROM audit WHERE seq = 2"))
    blob[-5] ^= 1
    broken = _broken(vault_dir, ("UPDATE audit SET blob = ? WHERE seq = 2", (bytes(blob),)))
    assert broken.seq == 2
    with Vault.open(vault_dir, PASSPHRASE) as vault, pytest.raises(AuditBroken) as caught:
        vault.audit_entries(2)
    assert caught.value.seq == 3


def test_the_replica_links_its_trail_as_the_server_keeps_it(vault_dir: Path) -> None:
    _vault_with_entries(vault_dir, 4)
    with Vault.open(vault_dir, PASSPHRASE) as vault:
        replica = VaultReplica(vault)
        expected = chained(GENESIS, [e.as_json() for e in vault.audit_entries()])
        assert replica.audit_links(0, GENESIS, 100) == expected
        assert replica.audit_links(0, GENESIS, 2) == expected[:2]
        replica.audit_sent(2, expected[1].hash)
        assert replica.audit_links(2, expected[1].hash, 100) == expected[2:]
        # A server that holds less than it confirmed (restored): linked from the start.
        assert replica.audit_links(1, expected[0].hash, 100) == expected[1:]
        # A server whose entry 3 is not this trail's: from that entry, for it to judge.
        assert replica.audit_links(3, "0" * 64, 100) == expected[2:]
        # A server ahead of this trail: its last entry, for the server to see it is shorter.
        assert replica.audit_links(9, "0" * 64, 100) == expected[-1:]
        # The setting is sealed: no link in clear in the file.
    assert expected[1].hash.encode() not in (vault_dir / DB_FILE).read_bytes()
