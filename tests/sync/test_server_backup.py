"""The server's backup drill with `marugoto-sync backup` and `restore` (SQLite, as
docs/operations.md section 6 shows it): back up while the server runs, sync more, restore,
let the laptops sync: the server has everything again, and nothing is lost."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from marugoto_sync.server.cli import main
from marugoto_sync.server.passwords import Argon2Cost, hash_password

from .conftest import _admin
from .test_server_restore import PASSWORD, Laptop, Office


def _office(url: str) -> Office:
    made = Office(url)
    with made.running() as http:
        for user in ("aiko", "ken", "mika"):
            http.app.state.server.storage.add_user(
                user, "consultant", ["mure"], hash_password(PASSWORD, Argon2Cost(64, 1, 1)),
                datetime.now(UTC),
            )  # fmt: skip
    return made


@pytest.fixture
def office(tmp_path: Path) -> Office:
    return _office(f"sqlite:///{tmp_path / 'server.db'}")


def test_the_backup_drill(office: Office, tmp_path: Path, capsys) -> None:
    backup = tmp_path / "backups" / "server.db"
    backup.parent.mkdir()
    with office.running() as http:
        aiko = Laptop(tmp_path / "aiko", "aiko", http)
        ken = Laptop(tmp_path / "ken", "ken", http)
        household = aiko.vault.new_record("household", "mure", name="牟礼家", status="active")
        aiko.sync(http)
        ken.sync(http)
        # Taken while the server is running (its connections open).
        assert main(["backup", "--database", office.url, "--out", str(backup)]) == 0
        assert backup.stat().st_mode & 0o077 == 0
        head_at_backup = http.app.state.server.storage.head()

        # Synced after the backup: the restore takes it from the server.
        aiko.vault.put(aiko.vault.get(household.id).with_fields(status="watching"))
        member = aiko.vault.new_record("person", "mure", household.id, name="牟礼 一郎")
        aiko.sync(http)
        gone = ken.vault.new_record("household", "mure", name="消える家", status="active")
        ken.sync(http)
        ken.vault.delete(gone.id)
        ken.sync(http)
        aiko.sync(http)
    before = aiko.state()
    assert before == ken.state()

    capsys.readouterr()
    assert main(["restore", str(backup), "--database", office.url, "--yes"]) == 0
    printed = capsys.readouterr().out
    assert "Restored the database" in printed and "Recorded" in printed
    with office.running() as http:
        storage = http.app.state.server.storage
        assert storage.head() == head_at_backup
        assert [r.head for r in storage.restores()] == [head_at_backup]
        assert aiko.sync(http).replayed > 0
        assert ken.sync(http).replayed > 0
        aiko.sync(http)
        # A laptop enrolled after the restore receives everything from the server alone.
        mika = Laptop(tmp_path / "mika", "mika", http)
        mika.sync(http)
    assert aiko.state() == ken.state() == mika.state() == before
    assert mika.state()[member.id] == before[member.id]
    assert mika.state()[gone.id][2] is True
    assert aiko.conflicts() == ken.conflicts() == mika.conflicts() == []


def test_restore_refuses_what_is_not_a_backup_and_changes_nothing(
    office: Office, tmp_path: Path, capsys
) -> None:
    live = Path(office.url.removeprefix("sqlite:///"))
    with sqlite3.connect(live) as conn:
        users_before = conn.execute("SELECT name FROM users ORDER BY name").fetchall()
    not_a_database = tmp_path / "notes.txt"
    not_a_database.write_text("hello" * 1000)
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    for wrong in (not_a_database, other, tmp_path / "missing.db"):
        capsys.readouterr()
        assert main(["restore", str(wrong), "--database", office.url, "--yes"]) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and str(wrong) in err
    with sqlite3.connect(live) as conn:
        assert conn.execute("SELECT name FROM users ORDER BY name").fetchall() == users_before
        assert conn.execute("SELECT count(*) FROM server_restores").fetchone()[0] == 0


def test_postgresql_is_backed_up_with_its_own_tools(capsys) -> None:
    url = "postgresql://marugoto@127.0.0.1:5432/marugoto"
    assert main(["backup", "--database", url, "--out", "x.dump"]) == 1
    assert "pg_dump" in capsys.readouterr().err
    assert main(["restore", "x.dump", "--database", url, "--yes"]) == 1
    assert "pg_restore" in capsys.readouterr().err


def test_backup_refuses_to_replace_a_file(office: Office, tmp_path: Path, capsys) -> None:
    out = tmp_path / "server-backup.db"
    out.write_text("keep me")
    assert main(["backup", "--database", office.url, "--out", str(out)]) == 1
    assert "--force" in capsys.readouterr().err and out.read_text() == "keep me"
    assert main(["backup", "--database", office.url, "--out", str(out), "--force"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_the_postgresql_drill_as_documented(
    fresh_postgresql_url: Callable[[], str], tmp_path: Path
) -> None:
    """pg_dump while the server runs; pg_restore into a new empty database; mark-restored."""
    tool = shutil.which("pg_dump")
    assert tool is not None, "pg_dump is needed (Debian: postgresql-client)"
    url = fresh_postgresql_url()
    office = _office(url)
    dump = tmp_path / "marugoto-sync.dump"
    with office.running() as http:
        aiko = Laptop(tmp_path / "aiko", "aiko", http)
        ken = Laptop(tmp_path / "ken", "ken", http)
        household = aiko.vault.new_record("household", "mure", name="牟礼家", status="active")
        aiko.sync(http)
        ken.sync(http)
        subprocess.run([tool, "--format=custom", f"--file={dump}", url], check=True)
        aiko.vault.put(aiko.vault.get(household.id).with_fields(status="watching"))
        later = ken.vault.new_record("household", "mure", name="後の家", status="active")
        aiko.sync(http)
        ken.sync(http)
        aiko.sync(http)
    before = aiko.state()

    name = url.rsplit("/", 1)[1]
    with _admin() as admin:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    subprocess.run(
        [str(Path(tool).with_name("pg_restore")), "--no-owner", f"--dbname={url}", str(dump)],
        check=True,
    )
    assert main(["mark-restored", "--database", url]) == 0
    with office.running() as http:
        assert aiko.sync(http).replayed > 0
        ken.sync(http)
        aiko.sync(http)
        mika = Laptop(tmp_path / "mika", "mika", http)
        mika.sync(http)
    assert aiko.state() == ken.state() == mika.state() == before
    assert mika.state()[later.id][1]["name"] == "後の家"
