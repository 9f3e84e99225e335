"""The server restored from a backup: the laptops give back what it lost (DESIGN §5).

A real backup and restore of the server's database (SQLite's backup API; a PostgreSQL
template copy), with the app stopped as an administrator would stop it.
"""

from __future__ import annotations

import sqlite3
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from marugoto_desktop.vault import KdfParams, Vault
from marugoto_desktop.vault.replica import VaultReplica
from marugoto_sync.client import SyncClient
from marugoto_sync.hlc import wall_millis
from marugoto_sync.server.app import create_app
from marugoto_sync.server.cli import main
from marugoto_sync.server.passwords import Argon2Cost, hash_password

from ..conftest import PASSPHRASE
from .conftest import _admin

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

PASSWORD = "restore test password"


class Office:
    """A server database that can be started, backed up and restored."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.backup_name: str | None = None

    @contextmanager
    def running(self) -> Iterator[TestClient]:
        app = create_app(self.url, min_app_version="0.1.0")
        with TestClient(app) as http:
            yield http
        app.state.server.storage.close()

    def _sqlite_path(self) -> Path:
        return Path(self.url.removeprefix("sqlite:///"))

    def back_up(self) -> None:
        if self.url.startswith("sqlite"):
            with (
                sqlite3.connect(self._sqlite_path()) as live,
                sqlite3.connect(self._sqlite_path().with_suffix(".backup")) as copy,
            ):
                live.backup(copy)
            return
        name = self.url.rsplit("/", 1)[1]
        self.backup_name = f"{name}_backup"
        with _admin() as admin:
            admin.execute(f'CREATE DATABASE "{self.backup_name}" TEMPLATE "{name}"')

    def restore(self) -> None:
        """Put the backup in place, then record the restore as docs/operations.md says."""
        if self.url.startswith("sqlite"):
            path = self._sqlite_path()
            for suffix in ("-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            path.unlink()
            with (
                sqlite3.connect(path.with_suffix(".backup")) as copy,
                sqlite3.connect(path) as live,
            ):
                copy.backup(live)
        else:
            name = self.url.rsplit("/", 1)[1]
            with _admin() as admin:
                admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
                admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.backup_name}"')
        assert main(["mark-restored", "--database", self.url]) == 0

    def drop_backup(self) -> None:
        if self.backup_name is not None:
            with _admin() as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.backup_name}" WITH (FORCE)')


@pytest.fixture
def office(database_url: str) -> Iterator[Office]:
    made = Office(database_url)
    with made.running() as http:
        for user in ("aiko", "ken", "mika"):
            http.app.state.server.storage.add_user(
                user, "consultant", ["mure"], hash_password(PASSWORD, Argon2Cost(64, 1, 1)),
                datetime.now(UTC),
            )  # fmt: skip
    yield made
    made.drop_backup()


class Laptop:
    def __init__(self, folder: Path, user: str, http: TestClient) -> None:
        self.vault = Vault.create(folder, PASSPHRASE, kdf=KdfParams())
        self.replica = VaultReplica(self.vault)
        client = SyncClient("http://testserver", http=http, app_version="0.1.0")
        self.token = client.enroll(user, PASSWORD, folder.name).token

    def sync(self, http: TestClient) -> Any:
        client = SyncClient("http://testserver", token=self.token, http=http, app_version="0.1.0")
        return client.sync(self.replica)

    def state(self) -> dict[str, Any]:
        return {
            r.id: (r.parent_id, dict(r.fields), r.deleted)
            for r in self.vault.records(include_deleted=True)
        }

    def conflicts(self) -> list[tuple[str, Any, Any]]:
        return sorted(
            (v.conflict.field, v.conflict.loser.value, v.conflict.winner.value)
            for v in self.replica.conflicts()
        )


def test_after_a_restore_the_laptops_give_back_what_the_server_lost(
    office: Office, tmp_path: Path
) -> None:
    with office.running() as http:
        aiko = Laptop(tmp_path / "aiko", "aiko", http)
        ken = Laptop(tmp_path / "ken", "ken", http)
        household = aiko.vault.new_record("household", "mure", name="牟礼家", status="active")
        aiko.sync(http)
        ken.sync(http)
        mika = Laptop(tmp_path / "mika", "mika", http)  # enrolled before the backup
    office.back_up()

    # Work synced after the backup, which the restore will take from the server.
    with office.running() as http:
        aiko.vault.put(
            aiko.vault.get(household.id).with_fields(status="watching", name="牟礼家（本家）")
        )
        member = aiko.vault.new_record("person", "mure", household.id, name="牟礼 一郎")
        aiko.sync(http)
        gone = ken.vault.new_record("household", "mure", name="消える家", status="active")
        ken.vault.put(ken.vault.get(household.id).with_fields(note="ケンのメモ"))
        ken.sync(http)
        aiko.sync(http)
        ken.vault.delete(gone.id)
        ken.sync(http)
        aiko.sync(http)
    before = aiko.state()
    assert before == ken.state()

    office.restore()
    with office.running() as http:
        assert http.app.state.server.storage.head() < aiko.replica.cursor()
        # Mika, who never saw Aiko's edit, changes the same field after the restore.
        mika.vault._clock._now = lambda: wall_millis() + 1000
        mika.sync(http)
        mika.vault.put(mika.vault.get(household.id).with_fields(status="closed"))
        mika.sync(http)

        first = aiko.sync(http)
        second = ken.sync(http)
        assert first.replayed > 0 and second.replayed > 0
        for laptop in (mika, aiko, ken, mika):
            laptop.sync(http)
        assert ken.sync(http).replayed == 0  # once recovered, a sync is an ordinary one

    # Everyone has everything, and nobody's work is lost.
    assert aiko.state() == ken.state() == mika.state()
    final = aiko.state()
    assert final[member.id] == before[member.id]
    assert final[gone.id][2] is True  # the delete came back too
    assert final[household.id][1]["note"] == "ケンのメモ"
    assert final[household.id][1]["name"] == "牟礼家（本家）"  # over the backup's, quietly
    assert final[household.id][1]["status"] == "closed"  # Mika's later write wins …
    # … and Aiko's value, which Mika never saw, is kept for a person to review, once.
    assert (
        aiko.conflicts()
        == ken.conflicts()
        == mika.conflicts()
        == [("status", "watching", "closed")]
    )


def test_a_laptop_that_was_in_step_with_the_backup_notices_nothing(
    office: Office, tmp_path: Path
) -> None:
    with office.running() as http:
        aiko = Laptop(tmp_path / "aiko", "aiko", http)
        aiko.vault.new_record("household", "mure", name="牟礼家", status="active")
        aiko.sync(http)
    office.back_up()
    office.restore()
    with office.running() as http:
        report = aiko.sync(http)
    assert report.replayed == 0 and report.pulled == 0


def test_a_restore_is_noticed_even_once_new_work_has_passed_the_laptops_position(
    office: Office, tmp_path: Path
) -> None:
    with office.running() as http:
        aiko = Laptop(tmp_path / "aiko", "aiko", http)
        mika = Laptop(tmp_path / "mika", "mika", http)
    office.back_up()
    with office.running() as http:
        lost = aiko.vault.new_record("household", "mure", name="失われた家", status="active")
        aiko.sync(http)
    office.restore()
    with office.running() as http:
        for i in range(5):  # numbered past Aiko's position, but other entries than she saw
            mika.vault.new_record("household", "mure", name=f"新しい家{i}", status="active")
        mika.sync(http)
        assert http.app.state.server.storage.head() > aiko.replica.cursor()
        assert aiko.sync(http).replayed > 0
        mika.sync(http)
    assert mika.vault.get(lost.id) is not None
    assert aiko.state() == mika.state()
