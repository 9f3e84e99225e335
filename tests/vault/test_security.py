"""The vault's security claims, tested: no plaintext on disk, tampering detected, keys right."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from marugoto_desktop.vault import KdfParams, Vault, VaultCorrupted, VaultInUse, WrongPassphrase
from marugoto_desktop.vault.keyslots import (
    generate_office_key,
    load_office_private,
    load_office_public,
)
from marugoto_desktop.vault.store import DB_FILE

from ..conftest import PASSPHRASE

CANARIES = [
    "CANARY-7f3a9c-ascii-name",
    "CANARY-b41e-address",
    "カナリア試験値ひみつ太郎",
    "秘密の住所カナリア町",
    "CANARY-updated-note-93d1",
    "カナリア更新後メモ",
    "CANARY-deleted-5e2f",
    "CANARY-killed-writer-0c7b",
    "カナリア中断書込",
]


def encodings(text: str) -> list[bytes]:
    return [text.encode("utf-8"), text.encode("utf-16-le"), text.encode("utf-16-be")]


def scan(folder: Path) -> list[str]:
    """Every (file, canary) pair where a canary appears in any file under `folder`."""
    hits = []
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        for canary in CANARIES:
            if any(needle in data for needle in encodings(canary)):
                hits.append(f"{path.name}: {canary}")
    return hits


KILLED_WRITER = textwrap.dedent(
    """
    import sys
    from marugoto_desktop.vault import Vault, KdfParams
    from marugoto_desktop.domain.records import Record
    from marugoto_desktop.domain.ids import new_id
    vault = Vault.open(sys.argv[1], sys.argv[2])
    committed = vault.new_record("household", "kagawa", name="CANARY-killed-writer-0c7b",
                                 status="active")
    print(committed.id, flush=True)
    batch = [Record(new_id(), "household", "kagawa", None,
                    {"name": "カナリア中断書込" + str(i), "status": "active",
                     "note": "CANARY-killed-writer-0c7b " * 20})
             for i in range(200_000)]
    print("writing", flush=True)
    vault.put_many(batch)
    print("finished", flush=True)
    """
)


def test_no_file_the_vault_writes_holds_personal_data(tmp_path: Path) -> None:
    folder = tmp_path / "vault"
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    with Vault.create(folder, PASSPHRASE, kdf=KdfParams()) as vault:
        household = vault.new_record(
            "household",
            "mure",
            name=CANARIES[0],
            address=CANARIES[1],
            note=CANARIES[3],
            status="active",
        )
        person = vault.new_record("person", "mure", household.id, name=CANARIES[2])
        vault.put(household.with_fields(note=CANARIES[4]))
        vault.put(person.with_fields(note=CANARIES[5]))
        doomed = vault.new_record("household", "mure", name=CANARIES[6], status="closed")
        vault.delete(doomed.id)
        # Search works, on the decrypted copy in memory.
        assert [r.id for r in vault.search("b41E-addr")] == [household.id]

    # A second process is killed while it writes a large transaction.
    env = {**os.environ, "TMPDIR": str(scratch)}
    writer = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(folder), PASSPHRASE],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert writer.stdout is not None
    committed_id = writer.stdout.readline().strip()
    assert writer.stdout.readline().strip() == "writing"
    wal = folder / (DB_FILE + "-wal")
    # Wait until the big transaction is really being written to the WAL, then kill.
    start = wal.stat().st_size if wal.exists() else 0
    for _ in range(2000):
        if wal.exists() and wal.stat().st_size > start + 4 * 1024 * 1024:
            break
        if writer.poll() is not None:
            break
        os.sched_yield()
        import time

        time.sleep(0.005)
    assert writer.poll() is None, "the writer finished before it could be killed"
    writer.send_signal(signal.SIGKILL)
    writer.wait()

    assert scan(tmp_path) == []

    with Vault.open(folder, PASSPHRASE) as vault:
        vault.integrity_check()
        names = sorted(r.fields["name"] for r in vault.records("household"))
        # Everything committed is there; the killed transaction left nothing behind.
        assert names == sorted([CANARIES[0], "CANARY-killed-writer-0c7b"])
        assert vault.get(committed_id) is not None
        assert vault.get(household.id).fields["note"] == CANARIES[4]
        assert vault.get(doomed.id) is None
        assert vault.get(doomed.id, include_deleted=True).deleted
    assert scan(tmp_path) == []


def _raw(folder: Path) -> sqlite3.Connection:
    return sqlite3.connect(folder / DB_FILE, isolation_level=None)


@pytest.fixture
def two_households(vault_dir: Path) -> tuple[str, str]:
    with Vault.create(vault_dir, PASSPHRASE, kdf=KdfParams()) as vault:
        a = vault.new_record("household", "mure", name="一", status="active")
        b = vault.new_record("household", "mure", name="二", status="watching")
    return a.id, b.id


@pytest.mark.parametrize(
    ("where", "offset"),
    [("version", 0), ("nonce", 5), ("ciphertext", 20), ("tag", -1)],
)
def test_a_flipped_bit_is_refused(vault_dir, two_households, where, offset) -> None:
    first, _ = two_households
    with _raw(vault_dir) as conn:
        row = conn.execute("SELECT body FROM records WHERE id=?", (first,)).fetchone()
        body = bytearray(row[0])
        body[offset] ^= 0x01
        conn.execute("UPDATE records SET body=? WHERE id=?", (bytes(body), first))
    with Vault.open(vault_dir, PASSPHRASE) as vault, pytest.raises(VaultCorrupted):
        vault.get(first)


def test_a_body_swapped_between_rows_is_refused(vault_dir, two_households) -> None:
    first, second = two_households
    with _raw(vault_dir) as conn:
        a, b = (
            conn.execute("SELECT body FROM records WHERE id=?", (rid,)).fetchone()[0]
            for rid in (first, second)
        )
        conn.execute("UPDATE records SET body=? WHERE id=?", (b, first))
        conn.execute("UPDATE records SET body=? WHERE id=?", (a, second))
    with Vault.open(vault_dir, PASSPHRASE) as vault:
        for rid in (first, second):
            with pytest.raises(VaultCorrupted):
                vault.get(rid)
        with pytest.raises(VaultCorrupted):
            vault.integrity_check()


def test_a_value_swapped_between_two_fields_is_refused(vault_dir, two_households) -> None:
    """Outbox rows carry one field each; swapping two of them must not go unnoticed."""
    first, _ = two_households
    with _raw(vault_dir) as conn:
        rows = conn.execute(
            "SELECT seq, payload FROM outbox WHERE record_id=? ORDER BY seq", (first,)
        ).fetchall()
        assert len(rows) >= 2
        (seq_a, pay_a), (seq_b, pay_b) = rows[:2]
        conn.execute("UPDATE outbox SET payload=? WHERE seq=?", (pay_b, seq_a))
        conn.execute("UPDATE outbox SET payload=? WHERE seq=?", (pay_a, seq_b))
    with Vault.open(vault_dir, PASSPHRASE) as vault, pytest.raises(VaultCorrupted):
        vault.pending_changes()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tables_but_inbox(folder: Path) -> tuple[str, int]:
    """A digest of every table but the audit trail's inbox of failed unlocks, and its size."""
    conn = sqlite3.connect(folder / DB_FILE)
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    h = hashlib.sha256()
    for name in sorted(n for n in names if n != "audit_inbox"):
        for row in conn.execute(f'SELECT * FROM "{name}" ORDER BY 1'):
            h.update(repr(row).encode())
    notes = conn.execute("SELECT count(*) FROM audit_inbox").fetchone()[0]
    conn.close()
    return h.hexdigest(), notes


def test_wrong_passphrase_is_a_typed_error_and_changes_nothing_but_a_note(
    vault_dir, two_households
):
    before, notes = _tables_but_inbox(vault_dir)
    with pytest.raises(WrongPassphrase):
        Vault.open(vault_dir, "not the passphrase")
    assert _tables_but_inbox(vault_dir) == (before, notes + 1)  # (for the audit trail)


def _edit_slot(folder: Path, **changes: object) -> None:
    with _raw(folder) as conn:
        params = json.loads(
            conn.execute("SELECT params FROM key_slots WHERE slot_id='passphrase'").fetchone()[0]
        )
        params.update(changes)
        conn.execute(
            "UPDATE key_slots SET params=? WHERE slot_id='passphrase'", (json.dumps(params),)
        )


@pytest.mark.parametrize(
    "changes",
    [
        {"iterations": 1},  # a downgrade below the floor
        {"memory_kib": 8 * 1024},
        {"iterations": 4},  # any edit breaks the authenticated parameters
        {"lanes": 1},
        {"salt": "AAAAAAAAAAAAAAAAAAAAAA=="},
    ],
)
def test_edited_kdf_parameters_are_refused(vault_dir, two_households, changes) -> None:
    _edit_slot(vault_dir, **changes)
    with pytest.raises((VaultCorrupted, WrongPassphrase)):
        Vault.open(vault_dir, PASSPHRASE)


def test_downgraded_parameters_are_called_tampering(vault_dir, two_households) -> None:
    _edit_slot(vault_dir, iterations=1)
    with pytest.raises(VaultCorrupted, match="tampered"):
        Vault.open(vault_dir, PASSPHRASE)


def _data_tables(folder: Path) -> list[tuple[object, ...]]:
    with _raw(folder) as conn:
        return (
            conn.execute("SELECT * FROM records ORDER BY id").fetchall()
            + conn.execute("SELECT * FROM outbox ORDER BY seq").fetchall()
        )


def test_changing_the_passphrase_rewrites_only_the_slot(vault_dir, two_households) -> None:
    before = _data_tables(vault_dir)
    with Vault.open(vault_dir, PASSPHRASE) as vault:
        vault.change_passphrase("a brand new passphrase", KdfParams())
    assert _data_tables(vault_dir) == before
    with pytest.raises(WrongPassphrase):
        Vault.open(vault_dir, PASSPHRASE)
    with Vault.open(vault_dir, "a brand new passphrase") as vault:
        assert {r.fields["name"] for r in vault.records("household")} == {"一", "二"}


def test_the_office_recovery_key_opens_the_vault(vault_dir) -> None:
    private_pem, public_pem = generate_office_key()
    with Vault.create(
        vault_dir, PASSPHRASE, office_public=load_office_public(public_pem), kdf=KdfParams()
    ) as vault:
        record = vault.new_record("household", "kagawa", name="回復テスト", status="active")
    with Vault.open_with_recovery_key(vault_dir, load_office_private(private_pem)) as vault:
        assert vault.get(record.id).fields["name"] == "回復テスト"
        vault.change_passphrase("the new passphrase", KdfParams())
    with Vault.open(vault_dir, "the new passphrase") as vault:
        assert vault.get(record.id) is not None

    other_private, _ = generate_office_key()
    with pytest.raises(WrongPassphrase):
        Vault.open_with_recovery_key(vault_dir, load_office_private(other_private))


def test_a_vault_without_recovery_slot_says_so(vault_dir, two_households) -> None:
    private_pem, _ = generate_office_key()
    with pytest.raises(VaultCorrupted, match="no recovery key slot"):
        Vault.open_with_recovery_key(vault_dir, load_office_private(private_pem))


def test_sqlite_is_configured_for_confidentiality(vault) -> None:
    conn = vault._db
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA secure_delete").fetchone()[0] == 1
    assert conn.execute("PRAGMA temp_store").fetchone()[0] == 2  # MEMORY


def test_lock_checkpoints_the_wal_and_forgets_the_key(vault_dir) -> None:
    vault = Vault.create(vault_dir, PASSPHRASE, kdf=KdfParams())
    vault.new_record("household", "mure", name="x", status="active")
    vault.records("household")
    vault.close()
    wal = vault_dir / (DB_FILE + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    assert vault._key is None and vault._memory.records == {}


@pytest.mark.parametrize(
    ("column", "value"),
    [("deleted", 1), ("type", "agency"), ("area", "shoga"), ("parent_id", None)],
)
def test_edited_clear_columns_of_a_record_are_refused(vault_dir, column, value) -> None:
    with Vault.create(vault_dir, PASSPHRASE, kdf=KdfParams()) as vault:
        household = vault.new_record("household", "mure", name="一", status="active")
        person = vault.new_record("person", "mure", household.id, name="一 太郎")
    target = person.id if column == "parent_id" else household.id
    with _raw(vault_dir) as conn:
        conn.execute(f"UPDATE records SET {column}=? WHERE id=?", (value, target))
    with Vault.open(vault_dir, PASSPHRASE) as vault, pytest.raises(VaultCorrupted, match="altered"):
        vault.integrity_check()


@pytest.mark.parametrize(
    ("column", "value"),
    [("record_id", "01900000-0000-7000-8000-000000000099"), ("base_hlc", 12345), ("area", "shoga")],
)
def test_edited_routing_columns_of_an_outbox_row_are_refused(
    vault_dir, two_households, column, value
) -> None:
    with _raw(vault_dir) as conn:
        conn.execute(f"UPDATE outbox SET {column}=? WHERE seq=1", (value,))
    with Vault.open(vault_dir, PASSPHRASE) as vault, pytest.raises(VaultCorrupted):
        vault.pending_changes()


def test_a_damaged_database_file_is_reported_as_corruption(vault_dir, two_households) -> None:
    path = vault_dir / DB_FILE
    data = bytearray(path.read_bytes())
    data[0:16] = b"not a database!!"
    path.write_bytes(bytes(data))
    with pytest.raises(VaultCorrupted, match="damaged"):
        Vault.open(vault_dir, PASSPHRASE)


def test_one_program_at_a_time(vault_dir, two_households) -> None:
    with Vault.open(vault_dir, PASSPHRASE), pytest.raises(VaultInUse):
        Vault.open(vault_dir, PASSPHRASE)
    Vault.open(vault_dir, PASSPHRASE).close()  # released on lock
