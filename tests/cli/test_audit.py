"""`audit verify` and `audit list`: the trail as the command line shows it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from marugoto_desktop import cli
from marugoto_desktop.operations.records import create_record
from marugoto_desktop.vault import KdfParams, Vault
from marugoto_desktop.vault.store import DB_FILE

from ..conftest import PASSPHRASE


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MARUGOTO_PASSPHRASE", PASSPHRASE)
    return tmp_path / "vault"


def test_verify_and_list_with_filters(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Vault.create(folder, PASSPHRASE, kdf=KdfParams()) as vault:
        mine = create_record(vault, "household", {"name": "甲", "status": "active"}, area="mure")
        create_record(vault, "person", {"name": "乙"}, parent_id=mine.record.id)
        create_record(vault, "household", {"name": "丙", "status": "active"}, area="mure")
    assert cli.main(["export", "--vault", str(folder), "--out", str(folder.parent / "x")]) == 0
    capsys.readouterr()
    assert cli.main(["audit", "verify", "--vault", str(folder)]) == 0
    out = capsys.readouterr().out
    # 3 writes; the export's unlock and export; this command's own unlock
    assert out.startswith("the audit trail holds: 6 entries")
    assert cli.main(["audit", "list", "--vault", str(folder), "--household", mine.record.id]) == 0
    rows = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    assert [row[4] for row in rows] == ["create", "create"]  # the household, then its member
    assert rows[0][5] == mine.record.id
    assert cli.main(["audit", "list", "--vault", str(folder), "--from", "2099-01-01"]) == 0
    assert capsys.readouterr().out == ""
    assert cli.main(["audit", "list", "--vault", str(folder)]) == 0
    actions = [line.split("\t")[4] for line in capsys.readouterr().out.splitlines()]
    assert actions == ["create"] * 3 + ["unlock", "export"] + ["unlock"] * 4


def test_a_broken_trail_is_named_in_one_line(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Vault.create(folder, PASSPHRASE, kdf=KdfParams()) as vault:
        for name in ("甲", "乙", "丙"):
            create_record(vault, "household", {"name": name, "status": "active"}, area="mure")
    conn = sqlite3.connect(folder / DB_FILE)
    with conn:
        conn.execute("DELETE FROM audit WHERE seq = 2")
    conn.close()
    assert cli.main(["audit", "verify", "--vault", str(folder)]) == 1
    err = capsys.readouterr().err
    assert (
        err == "marugoto-desktop: error: the audit trail is broken at entry 2: entry 2 is missing\n"
    )


def test_a_head_found_broken_fails_verify_though_the_trail_went_on(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Vault.create(folder, PASSPHRASE, kdf=KdfParams()) as vault:
        create_record(vault, "household", {"name": "甲", "status": "active"}, area="mure")
    conn = sqlite3.connect(folder / DB_FILE)
    with conn:
        conn.execute("DELETE FROM audit_head")
    conn.close()
    assert cli.main(["audit", "verify", "--vault", str(folder)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("marugoto-desktop: error: the audit trail's head was found broken")
    assert "(its head is missing) and the trail went on from entry 2" in err
