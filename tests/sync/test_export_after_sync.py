"""An export from a laptop that holds only its user's areas, after syncing.

A city-wide meeting is everyone's, but the agencies it names may belong to areas this
user is not granted: the laptop never holds them. Such a reference is no reason to refuse
the export (nothing on this laptop can settle it); one to a record the laptop holds
deleted is (sync-protocol.md, "Records under a deleted parent").
"""

from __future__ import annotations

import json
import warnings
from datetime import UTC, datetime
from pathlib import Path

import pytest

from marugoto_desktop.cli import describe_import, main
from marugoto_desktop.domain.vocabularies import AREAS
from marugoto_desktop.operations import exchange
from marugoto_desktop.operations import sync as syncing
from marugoto_desktop.operations.demo import write_demo
from marugoto_desktop.reports.export import ExportBlocked
from marugoto_desktop.vault import KdfParams, Vault
from marugoto_desktop.vault.replica import VaultReplica
from marugoto_sync.client import SyncClient
from marugoto_sync.server.app import create_app
from marugoto_sync.server.passwords import Argon2Cost, hash_password

from ..conftest import PASSPHRASE

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

PASSWORD = "export test password"


@pytest.fixture
def office(database_url: str):
    app = create_app(database_url)
    storage = app.state.server.storage
    cost = Argon2Cost(64, 1, 1)
    for name, areas in (("aiko", ["mure"]), ("ken", ["mure", "shoga"]), ("office", AREAS)):
        storage.add_user(
            name, "consultant", areas, hash_password(PASSWORD, cost), datetime.now(UTC)
        )
    with TestClient(app) as http:
        yield http
    storage.close()


def laptop(http: TestClient, folder: Path, user: str) -> tuple[Vault, SyncClient]:
    vault = Vault.create(folder, PASSPHRASE, kdf=KdfParams())
    enrollment = SyncClient("http://testserver", http=http, app_version="0.1.0").enroll(
        user, PASSWORD, folder.name
    )
    return vault, SyncClient(
        "http://testserver", token=enrollment.token, http=http, app_version="0.1.0"
    )


def test_a_city_wide_meeting_naming_a_household_of_another_area_does_not_block_it(
    office, tmp_path: Path
) -> None:
    aiko, aiko_client = laptop(office, tmp_path / "aiko", "aiko")
    ken, ken_client = laptop(office, tmp_path / "ken", "ken")
    household = ken.new_record("household", "shoga", name="勝賀の世帯", status="active")
    meeting = ken.new_record(
        "meeting", None, date="2025-06-10", meeting_type="regular",
        household_ids=[household.id],
    )  # fmt: skip
    ken_client.sync(VaultReplica(ken))
    aiko_client.sync(VaultReplica(aiko))
    held = aiko.get(household.id, include_deleted=True)
    assert aiko.get(meeting.id) is not None and held is None

    out = tmp_path / "aiko.jsonl"
    assert exchange.export_to(aiko, out) == 1
    [line] = out.read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["household_ids"] == [household.id]


def test_an_export_of_one_area_reads_back_whole_into_an_empty_vault(office, tmp_path: Path) -> None:
    # The office's laptop holds every area and sends the demo caseload; aiko receives 牟礼
    # and the city-wide meetings, which discuss households of every area.
    office_vault, office_client = laptop(office, tmp_path / "office", "office")
    write_demo(office_vault, households=12)
    office_client.sync(VaultReplica(office_vault))
    aiko, aiko_client = laptop(office, tmp_path / "aiko", "aiko")
    aiko_client.sync(VaultReplica(aiko))
    held = {h.id for h in aiko.records("household")}
    elsewhere = {
        household_id
        for meeting in aiko.records("meeting")
        for household_id in meeting.fields.get("household_ids", [])
        if household_id not in held
    }
    assert elsewhere, "the demo must hold meetings naming households aiko never receives"

    # Aiko may edit such a meeting on her laptop: its other households stay named.
    far = next(
        m for m in aiko.records("meeting") if set(m.fields.get("household_ids", [])) & elsewhere
    )
    _, edited = aiko.edit(far.id, {"decisions": "次回までに見守りの分担を確認する"})
    assert edited.fields["household_ids"] == far.fields["household_ids"]

    out = tmp_path / "aiko.jsonl"
    count = exchange.export_to(aiko, out)
    copy = Vault.create(tmp_path / "copy", PASSPHRASE, kdf=KdfParams())
    result = exchange.import_file(copy, out)
    assert (result.created, result.updated) == (count, 0)
    assert set(result.elsewhere) == elsewhere
    naming = [m for m in aiko.records("meeting") if set(m.fields.get("household_ids", [])) - held]
    assert describe_import(result)[-1] == (
        f"kept as named: {len(elsewhere)} households this vault does not hold (of areas it "
        f"does not hold), named by {len(naming)} meetings"
    )
    again = tmp_path / "again.jsonl"
    assert exchange.export_to(copy, again) == count
    assert again.read_bytes() == out.read_bytes()
    # Read into the office's vault, which holds those households, it brings aiko's edit only,
    # the meeting's households of every area as they were.
    back = exchange.import_file(office_vault, out)
    assert (back.created, back.unchanged, back.elsewhere) == (0, count - 1, ())
    assert [(u.record_id, u.changed, u.cleared) for u in back.updates] == [
        (far.id, ("decisions",), ())
    ]
    assert office_vault.get(far.id).fields["household_ids"] == far.fields["household_ids"]  # type: ignore[union-attr]


def test_a_meeting_naming_an_agency_this_laptop_holds_deleted_blocks_it(
    office, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    aiko, aiko_client = laptop(office, tmp_path / "aiko", "aiko")
    ken, ken_client = laptop(office, tmp_path / "ken", "ken")
    agency = aiko.new_record("agency", "mure", name="牟礼の包括", agency_type="chiiki_houkatsu")
    aiko_client.sync(VaultReplica(aiko))
    ken_client.sync(VaultReplica(ken))
    # Offline, each on their own laptop: Ken deletes the agency (nothing there names it),
    # Aiko records a meeting it attended.
    ken.delete(agency.id)
    meeting = aiko.new_record(
        "meeting", "mure", date="2025-06-10", meeting_type="regular",
        attendee_agency_ids=[agency.id],
    )  # fmt: skip
    ken_client.sync(VaultReplica(ken))
    aiko_client.sync(VaultReplica(aiko))
    with pytest.raises(ExportBlocked) as blocked:
        exchange.export_to(aiko, tmp_path / "blocked.jsonl")
    assert [(p.record_id, p.field) for p in blocked.value.problems] == [
        (meeting.id, "attendee_agency_ids")
    ]
    # No conflict shows it (the server knows no references); the conflicts listing does.
    assert syncing.conflict_rows(aiko) == []
    [problem] = syncing.records_to_correct(aiko)
    assert (problem.record_id, problem.field) == (meeting.id, "attendee_agency_ids")
    aiko.close()
    secret = tmp_path / "passphrase.txt"
    secret.write_text(PASSPHRASE, encoding="utf-8")
    vault_args = ["--vault", str(tmp_path / "aiko"), "--passphrase-file", str(secret)]
    assert main(["conflicts", *vault_args]) == 0
    listed = capsys.readouterr().out
    assert "no longer fit together" in listed and f"meeting {meeting.id}" in listed
    aiko = Vault.open(tmp_path / "aiko", PASSPHRASE)
    # Aiko settles it by editing the meeting (the agency is gone): the export goes on.
    aiko.put(aiko.get(meeting.id).with_fields(attendee_agency_ids=[]))  # type: ignore[union-attr]
    assert exchange.export_to(aiko, tmp_path / "export.jsonl") == 1
    assert syncing.records_to_correct(aiko) == []
