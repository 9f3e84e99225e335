"""The laptops' audit trails reach the office over real HTTPS, on SQLite and PostgreSQL: the
server holds each laptop's chain as the vault has it, resumes an interrupted upload, refuses
a vault put back to an older copy of itself (and says so in `audit verify` and `device
list`), lists the entries by user, device, household and day (table or CSV), and keeps a
chain of its administrators' actions in which a change is found."""

from __future__ import annotations

import csv
import io
import shutil
import sqlite3
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from marugoto_desktop.operations import sync as syncing
from marugoto_desktop.operations.backups import create_backup, restore_backup
from marugoto_desktop.vault import Vault
from marugoto_desktop.vault.store import DB_FILE
from marugoto_sync import client as sync_client
from marugoto_sync.client import SyncClient, SyncError
from marugoto_sync.server.storage import Storage
from marugoto_sync.server.tables import admin_audit

from ..conftest import PASSPHRASE
from .test_end_to_end import PASSWORD, Office, laptop

# The fixture, a real server on both databases (an explicit re-export: pytest finds it here).
from .test_end_to_end import office as office


def server_trail(office: Office, device_id: str) -> list[dict[str, Any]]:
    storage = Storage.open(office.database)
    try:
        listed = [e for e in storage.audit_listing() if e.device_id == device_id]
    finally:
        storage.close()
    return [
        {
            "seq": e.seq,
            "at": e.at,
            "action": e.action,
            "who": e.who,
            "device": e.site,
            "records": list(e.records),
            "detail": e.detail,
        }
        for e in sorted(listed, key=lambda e: e.seq)
    ]


def device_id(vault: Vault) -> str:
    settings = syncing.server_settings(vault)
    return str(settings["device_id"])


def admin_output(office: Office, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    capsys.readouterr()
    status = office.admin(*args)
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def test_a_laptops_trail_reaches_the_server_whole_and_verifies(
    tmp_path: Path, office: Office, capsys: pytest.CaptureFixture[str]
) -> None:
    aiko = laptop(tmp_path, "aiko", office)
    household = aiko.new_record("household", "mure", name="牟礼家", status="active")
    aiko.new_record("person", "mure", household.id, name="牟礼 一郎")
    aiko.audit("open", [household.id])
    report = syncing.sync(aiko)
    local = [e.as_json() for e in aiko.audit_entries()]
    # Everything up to the sync itself (its own entry goes with the next sync).
    assert report.audit_sent == len(local) - 1 == 3
    assert server_trail(office, device_id(aiko)) == local[:-1]
    assert syncing.sync(aiko).audit_sent == 1
    assert server_trail(office, device_id(aiko)) == [e.as_json() for e in aiko.audit_entries()][:-1]

    status, out = admin_output(office, capsys, "audit", "verify")
    assert status == 0, out
    assert f"device {device_id(aiko)} (aiko@" in out and f"{len(local)} entries, verified" in out
    status, out = admin_output(office, capsys, "device", "list")
    assert out.splitlines()[0].split()[-1] == "AUDIT"
    assert out.splitlines()[1].endswith(f"verified {len(local)}")

    # The vault keeps where the server is sealed: no link of the server's chain in clear.
    enrolled = device_id(aiko)
    aiko.close()
    stored = (tmp_path / "aiko" / DB_FILE).read_bytes()
    storage = Storage.open(office.database)
    head = storage.audit_head(enrolled)
    storage.close()
    assert head[0] == len(local)
    assert head[1].encode() not in stored and "牟礼家".encode() not in stored


def test_an_interrupted_upload_resumes_where_the_server_is(
    tmp_path: Path, office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    aiko = laptop(tmp_path, "aiko", office)
    for n in range(6):
        aiko.new_record("household", "mure", name=f"世帯{n}", status="active")
    monkeypatch.setattr(sync_client, "MAX_ENTRIES_PER_UPLOAD", 2)
    real_upload = SyncClient.upload_audit
    calls: list[int] = []

    def cut_off(self: SyncClient, links: Any) -> tuple[int, str]:
        calls.append(links[0].seq)
        answer = real_upload(self, links)
        if len(calls) == 2:
            # The server took the second batch; its answer is lost on the way.
            raise SyncError("unreachable", reason="network")
        return answer

    monkeypatch.setattr(SyncClient, "upload_audit", cut_off)
    with pytest.raises(SyncError):
        syncing.sync(aiko)
    assert calls == [1, 3]
    assert len(server_trail(office, device_id(aiko))) == 4

    monkeypatch.setattr(SyncClient, "upload_audit", real_upload)
    sent: list[int] = []
    monkeypatch.setattr(
        SyncClient,
        "upload_audit",
        lambda self, links: sent.append(links[0].seq) or real_upload(self, links),
    )
    report = syncing.sync(aiko)
    assert sent[0] == 5  # from where the server is, not from where the laptop last heard
    local = [e.as_json() for e in aiko.audit_entries()]
    assert report.audit_sent == len(local) - 1 - 4
    assert server_trail(office, device_id(aiko)) == local[:-1]
    aiko.close()


def test_a_vault_put_back_to_an_older_copy_is_refused_and_flagged(
    tmp_path: Path, office: Office, capsys: pytest.CaptureFixture[str]
) -> None:
    aiko = laptop(tmp_path, "aiko", office)
    aiko.new_record("household", "mure", name="牟礼家", status="active")
    syncing.sync(aiko)
    aiko.close()
    shutil.copytree(tmp_path / "aiko", tmp_path / "aiko-copy")
    aiko = Vault.open(tmp_path / "aiko", PASSPHRASE)
    aiko.new_record("household", "mure", name="香川家", status="active")
    syncing.sync(aiko)
    server_before = server_trail(office, device_id(aiko))
    aiko.close()

    shutil.rmtree(tmp_path / "aiko")
    shutil.move(tmp_path / "aiko-copy", tmp_path / "aiko")
    aiko = Vault.open(tmp_path / "aiko", PASSPHRASE)  # its unlock goes another way
    aiko.new_record("household", "mure", name="勝賀家", status="active")
    report = syncing.sync(aiko)
    assert report.audit_refused == "audit_chain_rewound"
    assert report.pushed > 0  # the records synced all the same
    assert server_trail(office, device_id(aiko)) == server_before
    aiko.close()

    status, out = admin_output(office, capsys, "audit", "verify")
    assert status == 1
    assert "REFUSED an upload" in out and "(audit_chain_rewound)" in out
    status, out = admin_output(office, capsys, "device", "list")
    assert "REFUSED at" in out.splitlines()[1]


def test_the_audit_list_filters_and_writes_csv(
    tmp_path: Path, office: Office, capsys: pytest.CaptureFixture[str]
) -> None:
    aiko, ken = laptop(tmp_path, "aiko", office), laptop(tmp_path, "ken", office)
    household = aiko.new_record("household", "mure", name="牟礼家", status="active")
    person = aiko.new_record("person", "mure", household.id, name="牟礼 一郎")
    other = aiko.new_record("household", "mure", name="香川家", status="active")
    syncing.sync(aiko)
    syncing.sync(ken)
    ken.audit("open", [household.id])
    syncing.sync(ken)
    aiko_id, ken_id = device_id(aiko), device_id(ken)

    def listed(*args: str) -> list[dict[str, str]]:
        status, out = admin_output(office, capsys, "audit", "list", "--format", "csv", *args)
        assert status == 0, out
        return list(csv.DictReader(io.StringIO(out.removeprefix("\ufeff"))))

    everything = listed()
    assert {row["device_id"] for row in everything} == {aiko_id, ken_id}
    # A household's entries: those naming it or a record under it, on any laptop.
    about = listed("--household", household.id)
    assert [(row["user"], row["action"]) for row in about] == [
        ("aiko", "create"),
        ("aiko", "create"),
        ("ken", "open"),
    ]
    assert person.id in about[1]["records"] and other.id not in str(about)
    assert {row["user"] for row in listed("--user", "ken")} == {"ken"}
    assert {row["device_id"] for row in listed("--device", aiko_id[:8])} == {aiko_id}
    today = date.today()
    assert len(listed("--from", str(today), "--to", str(today))) == len(everything)
    assert listed("--to", str(today - timedelta(days=1))) == []
    assert listed("--from", str(today + timedelta(days=1))) == []

    # The raw output: a byte order mark for Excel, and the header.
    status, out = admin_output(office, capsys, "audit", "list", "--household", household.id)
    assert status == 0 and out.splitlines()[0].split()[:3] == ["TIME", "USER", "DEVICE"]
    assert len(out.splitlines()) == 4
    status, out = admin_output(office, capsys, "audit", "list", "--user", "nobody")
    assert status == 1 and "no user 'nobody'" in out
    aiko.close()
    ken.close()


def test_the_administrators_actions_form_a_chain_whose_change_is_found(
    tmp_path: Path, office: Office, capsys: pytest.CaptureFixture[str]
) -> None:
    ken = laptop(tmp_path, "ken", office)
    ken_id = device_id(ken)
    ken.close()
    assert office.admin("device", "revoke", ken_id, "--yes") == 0
    assert office.admin("user", "areas", "aiko", "--area", "mure", "shoga") == 0
    assert office.admin("mark-restored") == 0
    status, shown = admin_output(office, capsys, "user", "totp", "enable", "aiko")
    secret = shown.split("type in the key: ")[1].split(")")[0]

    status, out = admin_output(office, capsys, "audit", "list", "--admin", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out.removeprefix("\ufeff"))))
    assert [(r["action"], r["subject"]) for r in rows] == [
        ("user_add", "aiko"),
        ("user_add", "ken"),
        ("device_revoke", ken_id),
        ("user_areas", "aiko"),
        ("restore", ""),
        ("user_totp_enable", "aiko"),
    ]
    assert '"gained": ["shoga"]' in rows[3]["detail"]
    assert len(secret) >= 16 and secret not in out  # the chain never holds a TOTP secret
    status, out = admin_output(office, capsys, "audit", "verify")
    assert status == 0 and "administrators' chain: 6 entries, verified" in out

    storage = Storage.open(office.database)
    with storage.engine.begin() as conn:
        conn.execute(
            update(admin_audit)
            .where(admin_audit.c.seq == 3)
            .values(body=rows[2]["detail"].replace("ken", "aiko"))
        )
    storage.close()
    status, out = admin_output(office, capsys, "audit", "verify")
    assert status == 1
    assert "administrators' chain: BROKEN at entry 3: its content does not match its hash" in out


def test_a_trail_broken_on_the_laptop_is_reported_and_the_records_still_sync(
    tmp_path: Path, office: Office
) -> None:
    aiko = laptop(tmp_path, "aiko", office)
    for n in range(3):
        aiko.new_record("household", "mure", name=f"世帯{n}", status="active")
    aiko.close()
    conn = sqlite3.connect(tmp_path / "aiko" / DB_FILE)
    with conn:
        blob = bytearray(conn.execute("SELECT blob FROM audit WHERE seq = 2").fetchone()[0])
        blob[-5] ^= 1
        conn.execute("UPDATE audit SET blob = ? WHERE seq = 2", (bytes(blob),))
    conn.close()
    aiko = Vault.open(tmp_path / "aiko", PASSPHRASE)
    report = syncing.sync(aiko)
    assert report.audit_refused == "audit_broken_locally"
    assert report.pushed > 0
    assert server_trail(office, device_id(aiko)) == []
    aiko.close()


def test_a_laptop_restored_from_its_backup_is_seen_and_goes_on_as_a_new_device(
    tmp_path: Path, office: Office, capsys: pytest.CaptureFixture[str]
) -> None:
    aiko = laptop(tmp_path, "aiko", office)
    aiko.new_record("household", "mure", name="牟礼家", status="active")
    syncing.sync(aiko)
    backup = tmp_path / "aiko.mbk"
    create_backup(aiko.folder, backup, PASSPHRASE)
    aiko.new_record("household", "mure", name="香川家", status="active")
    syncing.sync(aiko)
    old_device = device_id(aiko)
    aiko.close()  # the laptop is lost

    restore_backup(backup, tmp_path / "aiko-restored", PASSPHRASE)
    restored = Vault.open(tmp_path / "aiko-restored", PASSPHRASE)
    # The backup's trail is older than what the server holds: the office sees the restore.
    assert syncing.sync(restored).audit_refused == "audit_chain_rewound"
    # Enrolled again, it is a new device with a chain of its own: the restored trail, whole.
    syncing.enroll(restored, office.url, "aiko", PASSWORD, ca_file=office.ca, replace=True)
    assert syncing.sync(restored).audit_refused is None
    local = [e.as_json() for e in restored.audit_entries()]
    assert server_trail(office, device_id(restored)) == local[:-1]
    restored.close()

    status, out = admin_output(office, capsys, "audit", "verify")
    assert status == 1  # the refusal stays on record, on the device the restore replaced
    assert f"device {old_device} (" in out and "(audit_chain_rewound)" in out
    [line] = [
        row
        for row in out.splitlines()
        if row.startswith(f"device {old_device}") and "REFUSED" not in row
    ]
    assert line.endswith("entries, verified")
