"""Vault backups: consistent while the vault is in use, sealed, and refused whole when wrong.

A backup reveals no more than the vault (a canary scan); restore refuses a cut, damaged or
foreign file before it writes anything, and a restored vault is the backed-up one, as a new
replica.
"""

from __future__ import annotations

import hashlib
import io
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marugoto_desktop.operations.exchange import export_lines_to
from marugoto_desktop.operations.sync import LAST_SYNC_KEY, SERVER_KEY
from marugoto_desktop.vault import KdfParams, Vault, WrongPassphrase
from marugoto_desktop.vault import backup as vb
from marugoto_desktop.vault.backup import BackupRefused
from marugoto_desktop.vault.keyslots import (
    generate_office_key,
    load_office_private,
    load_office_public,
)
from marugoto_desktop.vault.replica import VaultReplica
from marugoto_desktop.vault.store import DB_FILE

from ..conftest import PASSPHRASE
from .test_security import CANARIES, encodings

SMALL_CHUNK = 4096  # many chunks from a small vault: cuts and flips meet every boundary


@pytest.fixture(autouse=True)
def _small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vb, "CHUNK_BYTES", SMALL_CHUNK)


def export(vault: Vault) -> str:
    out = io.StringIO()
    export_lines_to(vault, out)
    return out.getvalue()


def filled(folder: Path) -> Vault:
    vault = Vault.create(folder, PASSPHRASE, kdf=KdfParams())
    household = vault.new_record("household", "kagawa", name=CANARIES[0], status="active")
    vault.new_record(
        "person", "kagawa", household.id, name=CANARIES[2], note=CANARIES[1] + CANARIES[3]
    )
    vault.put(vault.get(household.id).with_fields(note=CANARIES[4]))
    gone = vault.new_record("household", "kagawa", name=CANARIES[6], status="active")
    vault.delete(gone.id)
    replica = VaultReplica(vault)
    replica.set_setting(
        SERVER_KEY,
        {"server": "https://sync.example", "device_id": "d1", "token": CANARIES[5],
         "user": CANARIES[7], "role": "consultant", "areas": ["kagawa"]},
    )  # fmt: skip
    replica.set_setting(LAST_SYNC_KEY, {"at": "2026-01-01T00:00:00+00:00", "ok": True})
    return vault


def by(passphrase: str = PASSPHRASE) -> vb.Unwrap:
    return vb.by_passphrase(passphrase)


@pytest.fixture
def backed_up(tmp_path: Path) -> Iterator[tuple[Vault, Path]]:
    vault = filled(tmp_path / "vault")
    out = tmp_path / "out" / "vault.mbk"
    out.parent.mkdir()
    vb.create_backup(vault.folder, out, by())  # while the vault is open (its lock held)
    yield vault, out
    vault.close()


def test_a_backup_holds_no_personal_value_and_leaves_nothing_beside_it(
    backed_up: tuple[Vault, Path],
) -> None:
    _, out = backed_up
    data = out.read_bytes()
    assert [c for c in CANARIES if any(n in data for n in encodings(c))] == []
    assert sorted(p.name for p in out.parent.iterdir()) == ["vault.mbk"]
    assert out.stat().st_mode & 0o077 == 0


def test_the_backup_reveals_less_than_the_vault(backed_up: tuple[Vault, Path]) -> None:
    # Record ids, types and areas are clear in the vault; the backup seals the whole file.
    vault, out = backed_up
    data = out.read_bytes()
    for record in vault.records(include_deleted=True):
        assert record.id.encode() not in data
    assert b"kagawa" not in data


def test_restore_gives_the_vault_back_as_a_new_replica(
    backed_up: tuple[Vault, Path], tmp_path: Path
) -> None:
    vault, out = backed_up
    info = vb.restore_backup(out, tmp_path / "restored", by())
    assert info.vault_id == vault.vault_id
    with Vault.open(tmp_path / "restored", PASSPHRASE) as restored:
        assert export(restored) == export(vault)
        assert restored.vault_id == vault.vault_id
        assert restored.site != vault.site
        assert restored.pending_changes(-1) == vault.pending_changes(-1)
        assert VaultReplica(restored).get_setting(SERVER_KEY)["token"] == CANARIES[5]
        assert restored._clock.last == vault._clock.last
    assert (tmp_path / "restored").stat().st_mode & 0o777 == 0o700


def test_taking_a_backup_changes_nothing_in_the_vault(tmp_path: Path) -> None:
    filled(tmp_path / "vault").close()
    db = tmp_path / "vault" / DB_FILE
    before = sorted(
        (p.name, hashlib.sha256(p.read_bytes()).hexdigest()) for p in db.parent.iterdir()
    )
    vb.create_backup(tmp_path / "vault", tmp_path / "b.mbk", by())
    after = sorted(
        (p.name, hashlib.sha256(p.read_bytes()).hexdigest()) for p in db.parent.iterdir()
    )
    assert after == before


def test_a_backup_taken_during_writes_is_a_consistent_state(tmp_path: Path) -> None:
    """Each write is its record and its outbox rows: a restored backup has both or neither."""
    vault = Vault.create(tmp_path / "vault", PASSPHRASE, kdf=KdfParams())
    stop = threading.Event()

    def write() -> None:
        i = 0
        while not stop.is_set():
            vault.new_record("household", "kagawa", name=f"家{i}", status="active", note="x" * 300)
            i += 1

    writer = threading.Thread(target=write)
    writer.start()
    try:
        while vault.count("household") < 30:
            stop.wait(0.01)
        backups = []
        for n in range(3):
            backups.append(tmp_path / f"b{n}.mbk")
            vb.create_backup(vault.folder, backups[-1], by())
    finally:
        stop.set()
        writer.join()
    for n, backup in enumerate(backups):
        vb.restore_backup(backup, tmp_path / f"r{n}", by())
        with Vault.open(tmp_path / f"r{n}", PASSPHRASE) as restored:
            restored.integrity_check()
            records = {r.id for r in restored.records("household")}
            outbox = {c.record_id for c in restored.pending_changes(-1)}
            assert records == outbox and len(records) >= 30
    vault.close()


def test_the_office_key_restores_a_backup(tmp_path: Path) -> None:
    private_pem, public_pem = generate_office_key()
    vault = Vault.create(
        tmp_path / "vault",
        PASSPHRASE,
        kdf=KdfParams(),
        office_public=load_office_public(public_pem),
    )
    vault.new_record("household", "kagawa", name="高松家", status="active")
    vb.create_backup(vault.folder, tmp_path / "b.mbk", by())
    office = vb.by_recovery_key(load_office_private(private_pem))
    vb.restore_backup(tmp_path / "b.mbk", tmp_path / "restored", office)
    with Vault.open(tmp_path / "restored", PASSPHRASE) as restored:
        assert export(restored) == export(vault)
    vault.close()


def test_a_backup_needs_the_passphrase(tmp_path: Path) -> None:
    filled(tmp_path / "vault").close()
    with pytest.raises(WrongPassphrase):
        vb.create_backup(tmp_path / "vault", tmp_path / "b.mbk", by("not the passphrase"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vault"]


def test_an_existing_file_is_not_replaced_unless_asked(backed_up: tuple[Vault, Path]) -> None:
    vault, out = backed_up
    before = out.read_bytes()
    with pytest.raises(vb.VaultExists):
        vb.create_backup(vault.folder, out, by())
    assert out.read_bytes() == before
    vb.create_backup(vault.folder, out, by(), overwrite=True)
    assert out.read_bytes() != before  # a new salt, new nonces


# -- refusals: nothing is written --------------------------------------------------------------


def refused(path: Path, target: Path, unwrap: vb.Unwrap | None = None) -> str:
    with pytest.raises(BackupRefused) as caught:
        vb.restore_backup(path, target, unwrap or by())
    assert not target.exists() or list(target.iterdir()) == []
    message = str(caught.value)
    assert "\n" not in message and message
    return caught.value.reason


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cut=st.data())
def test_a_file_cut_anywhere_is_refused(
    backed_up: tuple[Vault, Path], tmp_path: Path, cut: st.DataObject
) -> None:
    _, out = backed_up
    data = out.read_bytes()
    at = cut.draw(st.integers(0, len(data) - 1) | st.sampled_from(_boundaries(len(data))))
    cut_file = tmp_path / "cut.mbk"
    cut_file.write_bytes(data[:at])
    assert refused(cut_file, tmp_path / "new") in {"truncated", "not_a_backup"}


def _boundaries(size: int) -> list[int]:
    """Cuts at chunk ends (where a file could end cleanly but for the last chunk's mark)."""
    return [size - n * (SMALL_CHUNK + 16) for n in range(1, 4)]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(where=st.data())
def test_a_damaged_byte_anywhere_is_refused(
    backed_up: tuple[Vault, Path], tmp_path: Path, where: st.DataObject
) -> None:
    _, out = backed_up
    data = bytearray(out.read_bytes())
    at = where.draw(st.integers(0, len(data) - 1))
    data[at] ^= where.draw(st.integers(1, 255))
    damaged = tmp_path / "damaged.mbk"
    damaged.write_bytes(bytes(data))
    # A flip in a key slot may read as a wrong passphrase; in the header's length, as a cut.
    assert refused(damaged, tmp_path / "new") in {
        "damaged",
        "wrong_passphrase",
        "truncated",
        "not_a_backup",
    }


def test_bytes_added_or_chunks_swapped_are_refused(
    backed_up: tuple[Vault, Path], tmp_path: Path
) -> None:
    _, out = backed_up
    data = out.read_bytes()
    longer = tmp_path / "longer.mbk"
    longer.write_bytes(data + b"\0")
    assert refused(longer, tmp_path / "new") == "damaged"
    sealed = SMALL_CHUNK + 16
    start = len(data) - len(data) // sealed * sealed  # past the header, a whole chunk apart
    swapped = bytearray(data)
    first, second = slice(start, start + sealed), slice(start + sealed, start + 2 * sealed)
    swapped[first], swapped[second] = data[second], data[first]
    path = tmp_path / "swapped.mbk"
    path.write_bytes(bytes(swapped))
    assert refused(path, tmp_path / "new") == "damaged"


def test_another_backups_header_on_this_body_is_refused(
    backed_up: tuple[Vault, Path], tmp_path: Path
) -> None:
    vault, out = backed_up
    other = tmp_path / "other.mbk"
    vb.create_backup(vault.folder, other, by())  # the same vault: its key, another salt
    a, b = out.read_bytes(), other.read_bytes()
    header = len(vb.MAGIC) + 4 + int.from_bytes(a[16:20], "big")
    mixed = tmp_path / "mixed.mbk"
    mixed.write_bytes(b[:header] + a[header:])
    assert refused(mixed, tmp_path / "new") == "damaged"


def test_a_foreign_or_random_file_is_refused(backed_up: tuple[Vault, Path], tmp_path: Path) -> None:
    _, out = backed_up
    stranger = Vault.create(tmp_path / "stranger", "another passphrase", kdf=KdfParams())
    stranger.new_record("household", "mure", name="他人の家", status="active")
    theirs = tmp_path / "theirs.mbk"
    vb.create_backup(stranger.folder, theirs, by("another passphrase"))
    stranger.close()
    assert refused(theirs, tmp_path / "new") == "wrong_passphrase"
    assert refused(out, tmp_path / "new", by("not the passphrase")) == "wrong_passphrase"
    noise = tmp_path / "noise.bin"
    noise.write_bytes(os.urandom(50_000))
    assert refused(noise, tmp_path / "new") == "not_a_backup"
    noise.write_bytes(vb.MAGIC + os.urandom(50_000))
    assert refused(noise, tmp_path / "new") in {"damaged", "truncated"}
    database = tmp_path / "vault" / DB_FILE  # the vault's own file is not a backup
    assert refused(database, tmp_path / "new") == "not_a_backup"


def test_restore_never_writes_into_a_folder_in_use(
    backed_up: tuple[Vault, Path], tmp_path: Path
) -> None:
    vault, out = backed_up
    with pytest.raises(BackupRefused) as caught:
        vb.restore_backup(out, vault.folder, by())
    assert caught.value.reason == "exists"
    empty = tmp_path / "empty"
    empty.mkdir()
    vb.restore_backup(out, empty, by())  # an empty folder is fine
    assert (empty / DB_FILE).is_file()


def test_a_restore_that_fails_late_leaves_nothing(
    backed_up: tuple[Vault, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, out = backed_up

    def broken(*_args: object) -> None:
        raise BackupRefused("damaged", "the backup file is damaged (simulated)")

    monkeypatch.setattr(vb, "_become_new_replica", broken)
    assert refused(out, tmp_path / "new") == "damaged"
    assert not (tmp_path / "new").exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    assert refused(out, empty) == "damaged"
    assert empty.exists() and list(empty.iterdir()) == []


def test_an_edited_header_is_refused(backed_up: tuple[Vault, Path], tmp_path: Path) -> None:
    """Every chunk authenticates the header: a value changed in it, to one as valid, fails."""
    _, out = backed_up
    data = out.read_bytes()
    assert b'"vault_format":"2"' in data
    edited = tmp_path / "edited.mbk"
    edited.write_bytes(data.replace(b'"vault_format":"2"', b'"vault_format":"3"', 1))
    assert refused(edited, tmp_path / "new") == "damaged"
