"""`backup`, `restore` of a backup, and `diagnostics` on the command line."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from marugoto_desktop.cli import main
from marugoto_desktop.operations import demo
from marugoto_desktop.operations.exchange import export_lines_to
from marugoto_desktop.operations.sync import LAST_SYNC_KEY, SERVER_KEY
from marugoto_desktop.operations.visits import CONSULTANT_KEY
from marugoto_desktop.vault import KdfParams, Vault
from marugoto_desktop.vault.replica import VaultReplica

from ..conftest import PASSPHRASE
from ..vault.test_security import CANARIES, encodings


def run(*args: str | Path) -> int:
    return main([str(a) for a in args])


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "passphrase.txt"
    path.write_text(PASSPHRASE + "\n", encoding="utf-8")
    return path


def export(folder: Path) -> str:
    with Vault.open(folder, PASSPHRASE) as vault:
        out = io.StringIO()
        export_lines_to(vault, out)
        return out.getvalue()


@pytest.fixture
def canary_vault(tmp_path: Path) -> Path:
    """A demo vault with canaries in records and in every setting that could hold one."""
    folder = tmp_path / "vault"
    with Vault.create(folder, PASSPHRASE, kdf=KdfParams()) as vault:
        demo.write_demo(vault, households=5, seed=3)
        household = vault.new_record("household", "kagawa", name=CANARIES[0], status="active")
        vault.new_record("person", "kagawa", household.id, name=CANARIES[2], note=CANARIES[3])
        vault.put(vault.get(household.id).with_fields(note=CANARIES[4]))
        replica = VaultReplica(vault)
        replica.set_setting(
            SERVER_KEY,
            {"server": "https://sync.example.lg.jp:8443", "device_id": "d-123",
             "token": CANARIES[5], "user": CANARIES[7], "role": "consultant",
             "areas": ["kagawa"], "ca_pem": CANARIES[8]},
        )  # fmt: skip
        replica.set_setting(CONSULTANT_KEY, CANARIES[1])
        replica.set_setting(
            LAST_SYNC_KEY,
            {"at": "2026-12-01T09:00:00+00:00", "ok": False, "error": "unreachable",
             "pushed": 3, "note": CANARIES[6]},
        )  # fmt: skip
    return folder


def test_backup_and_restore(canary_vault: Path, secret: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "backup.mbk"
    assert run("backup", "--vault", canary_vault, "--out", out, "--passphrase-file", secret) == 0
    assert "backed up the vault" in capsys.readouterr().out
    data = out.read_bytes()
    assert [c for c in CANARIES if any(n in data for n in encodings(c))] == []
    restored = tmp_path / "restored"
    assert run("restore", "--vault", restored, out, "--passphrase-file", secret) == 0
    assert f"into {restored}" in capsys.readouterr().out
    assert export(restored) == export(canary_vault)


def test_backup_while_the_vault_is_open(canary_vault: Path, secret: Path, tmp_path: Path) -> None:
    with Vault.open(canary_vault, PASSPHRASE) as vault:  # as the app holds it
        vault.new_record("household", "mure", name="開いている間", status="active")
        assert run("backup", "--vault", canary_vault, "--out", tmp_path / "b.mbk",
                   "--passphrase-file", secret) == 0  # fmt: skip
        assert run("diagnostics", "--vault", canary_vault, "--out", tmp_path / "d.json",
                   "--passphrase-file", secret) == 0  # fmt: skip
    assert run("restore", "--vault", tmp_path / "r", tmp_path / "b.mbk",
               "--passphrase-file", secret) == 0  # fmt: skip
    assert export(tmp_path / "r") == export(canary_vault)
    counts = json.loads((tmp_path / "d.json").read_text())["vault"]["records"]
    assert counts["household"]["live"] == 7  # the one written while open too


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (lambda data: data[: len(data) // 2], "incomplete"),
        (lambda data: data[:-1], "incomplete"),
        (lambda data: data[:-100] + bytes([data[-100] ^ 1]) + data[-99:], "damaged"),
        (lambda data: b"not a backup at all" * 100, "not a marugoto vault backup"),
    ],
)
def test_restore_refuses_in_one_line_and_writes_nothing(
    canary_vault: Path, secret: Path, tmp_path: Path, capsys, damage, words: str
) -> None:
    out = tmp_path / "backup.mbk"
    assert run("backup", "--vault", canary_vault, "--out", out, "--passphrase-file", secret) == 0
    out.write_bytes(damage(out.read_bytes()))
    capsys.readouterr()
    target = tmp_path / "new"
    assert run("restore", "--vault", target, out, "--passphrase-file", secret) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and words in err and "nothing was written" in err
    assert not target.exists()


def test_restore_with_a_wrong_passphrase(
    canary_vault: Path, secret: Path, tmp_path: Path, capsys
) -> None:
    out = tmp_path / "backup.mbk"
    assert run("backup", "--vault", canary_vault, "--out", out, "--passphrase-file", secret) == 0
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not the passphrase", encoding="utf-8")
    capsys.readouterr()
    assert run("restore", "--vault", tmp_path / "new", out, "--passphrase-file", wrong) == 1
    assert "passphrase does not open this backup" in capsys.readouterr().err
    assert not (tmp_path / "new").exists()


def test_restore_still_restores_a_deleted_record(secret: Path, tmp_path: Path, capsys) -> None:
    folder = tmp_path / "vault"
    with Vault.create(folder, PASSPHRASE, kdf=KdfParams()) as vault:
        gone = vault.new_record("household", "mure", name="牟礼家", status="active")
        vault.delete(gone.id)
    assert run("restore", "--vault", folder, gone.id, "--passphrase-file", secret) == 0
    assert capsys.readouterr().out.startswith(f"restored {gone.id}")
    assert run("restore", "--vault", tmp_path / "x", tmp_path / "missing.mbk") == 2
    assert "neither a record id nor a backup file" in capsys.readouterr().err


def test_diagnostics_hold_no_personal_value(
    canary_vault: Path, secret: Path, tmp_path: Path
) -> None:
    out = tmp_path / "diagnostics.json"
    assert run("diagnostics", "--vault", canary_vault, "--out", out,
               "--passphrase-file", secret) == 0  # fmt: skip
    data = out.read_bytes()
    assert [c for c in CANARIES if any(n in data for n in encodings(c))] == []
    report = json.loads(data)
    with Vault.open(canary_vault, PASSPHRASE) as vault:
        households = vault.count("household")
        outbox = vault.outbox_size()
    assert report["vault"]["records"]["household"]["live"] == households
    assert report["vault"]["outbox"] == outbox
    assert report["sync"]["server"] == "https://sync.example.lg.jp:8443"
    assert report["sync"]["enrolled"] is True
    assert report["sync"]["last_sync"]["error"] == "unreachable"
    assert report["recent_errors"] == ["unreachable"]
    assert report["versions"]["app"] and report["versions"]["python"]
    assert "user" not in report["sync"] and "token" not in report["sync"]
