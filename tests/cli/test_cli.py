"""The command line: every command, its exit codes, and that errors change nothing."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from marugoto_desktop.cli import main
from marugoto_desktop.vault import Vault
from marugoto_desktop.vault.store import DB_FILE

from ..conftest import PASSPHRASE


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "passphrase.txt"
    path.write_text(PASSPHRASE + "\n", encoding="utf-8")
    return path


@pytest.fixture
def vault_dir(tmp_path: Path, secret_file: Path) -> Path:
    folder = tmp_path / "vault"
    assert main(["init", "--vault", str(folder), "--passphrase-file", str(secret_file)]) == 0
    return folder


def run(*args: str | Path) -> int:
    return main([str(a) for a in args])


def digest(folder: Path) -> str:
    """Every table of the vault but its audit trail (which notes each unlock)."""
    conn = sqlite3.connect(f"file:{folder / DB_FILE}?mode=ro", uri=True)
    tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    h = hashlib.sha256()
    for table in sorted(t for t in tables if not t.startswith("audit")):
        for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY 1'):
            h.update(repr(row).encode())
    conn.close()
    return h.hexdigest()


HOUSEHOLD_LINE = {
    "type": "household",
    "id": "01900000-0000-7000-8000-000000000001",
    "area": "mure",
    "name": "牟礼家",
    "status": "active",
}


def test_init_refuses_an_existing_vault(vault_dir, secret_file, capsys) -> None:
    capsys.readouterr()
    assert run("init", "--vault", vault_dir, "--passphrase-file", secret_file) == 1
    err = capsys.readouterr().err
    assert err.startswith("marugoto-desktop: error:") and "already exists" in err
    assert err.count("\n") == 1


def test_init_refuses_a_short_passphrase(tmp_path, capsys) -> None:
    short = tmp_path / "short.txt"
    short.write_text("abc", encoding="utf-8")
    assert run("init", "--vault", tmp_path / "v", "--passphrase-file", short) == 1
    assert "at least 8" in capsys.readouterr().err
    assert not (tmp_path / "v" / DB_FILE).exists()


def test_import_export_round_trip(vault_dir, secret_file, tmp_path, capsys) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(HOUSEHOLD_LINE, ensure_ascii=False) + "\n", encoding="utf-8")
    assert run("import", "--vault", vault_dir, "--passphrase-file", secret_file, source) == 0
    assert "1 created" in capsys.readouterr().out
    out = tmp_path / "out.jsonl"
    assert run("export", "--vault", vault_dir, "--passphrase-file", secret_file, "--out", out) == 0
    assert json.loads(out.read_text(encoding="utf-8")) == HOUSEHOLD_LINE
    assert out.stat().st_mode & 0o077 == 0  # personal data: readable by its owner only
    capsys.readouterr()
    assert run("export", "--vault", vault_dir, "--passphrase-file", secret_file) == 0
    assert capsys.readouterr().out == out.read_text(encoding="utf-8")


def test_a_bad_import_changes_nothing(vault_dir, secret_file, tmp_path, capsys) -> None:
    bad = dict(HOUSEHOLD_LINE, status="gone")
    source = tmp_path / "bad.jsonl"
    source.write_text(json.dumps(bad) + "\n", encoding="utf-8")
    before = digest(vault_dir)
    assert run("import", "--vault", vault_dir, "--passphrase-file", secret_file, source) == 1
    err = capsys.readouterr().err
    assert "line 1" in err and "status" in err and err.count("\n") == 1
    assert digest(vault_dir) == before


def test_passphrase_from_the_environment(vault_dir, monkeypatch, capsys) -> None:
    monkeypatch.setenv("MARUGOTO_PASSPHRASE", PASSPHRASE)
    assert run("export", "--vault", vault_dir) == 0
    monkeypatch.setenv("MARUGOTO_PASSPHRASE", "wrong passphrase")
    assert run("export", "--vault", vault_dir) == 1
    assert "wrong passphrase" in capsys.readouterr().err


def test_no_passphrase_and_no_terminal_is_a_clear_error(vault_dir, capsys, monkeypatch) -> None:
    monkeypatch.setattr(sys, "stdin", open(os.devnull))  # noqa: SIM115
    assert run("export", "--vault", vault_dir) == 2
    assert "--passphrase-file" in capsys.readouterr().err


def test_passwd_then_recover(vault_dir, secret_file, tmp_path, capsys) -> None:
    new = tmp_path / "new.txt"
    new.write_text("another good passphrase", encoding="utf-8")
    assert run("passwd", "--vault", vault_dir, "--passphrase-file", secret_file,
               "--new-passphrase-file", new) == 0  # fmt: skip
    assert run("export", "--vault", vault_dir, "--passphrase-file", secret_file) == 1
    assert run("export", "--vault", vault_dir, "--passphrase-file", new) == 0


def test_recovery_key_flow(tmp_path, secret_file, capsys) -> None:
    keys = tmp_path / "office"
    assert run("recovery-key", "--out", keys) == 0
    private = keys / "office-recovery-key.pem"
    assert private.stat().st_mode & 0o077 == 0
    assert run("recovery-key", "--out", keys) == 1  # never overwrites a key
    folder = tmp_path / "vault"
    assert run("init", "--vault", folder, "--passphrase-file", secret_file,
               "--recovery-public-key", keys / "office-recovery-public.pem") == 0  # fmt: skip
    forgotten = tmp_path / "forgotten.txt"
    forgotten.write_text("the passphrase after recovery", encoding="utf-8")
    assert run("recover", "--vault", folder, "--recovery-key", private,
               "--new-passphrase-file", forgotten) == 0  # fmt: skip
    assert run("export", "--vault", folder, "--passphrase-file", forgotten) == 0
    public = keys / "office-recovery-public.pem"
    assert run("recover", "--vault", folder, "--recovery-key", public,
               "--new-passphrase-file", forgotten) == 1  # fmt: skip


def test_init_without_recovery_key_warns(tmp_path, secret_file, capsys) -> None:
    assert run("init", "--vault", tmp_path / "v", "--passphrase-file", secret_file) == 0
    err = capsys.readouterr().err
    assert "no office recovery key" in err
    assert f"recovery-key add --vault {tmp_path / 'v'} --public-key FILE" in err


def test_a_vault_created_without_the_office_key_is_given_one_later(
    vault_dir, secret_file, tmp_path, capsys
) -> None:
    keys = tmp_path / "office"
    assert run("recovery-key", "--out", keys) == 0
    public, private = keys / "office-recovery-public.pem", keys / "office-recovery-key.pem"
    capsys.readouterr()
    add = ("recovery-key", "add", "--vault", vault_dir, "--passphrase-file", secret_file)
    # A private key, or a file that is not there, is refused with the path and what to give.
    assert run(*add, "--public-key", private) == 1
    assert f"{private} is not an office recovery public key" in capsys.readouterr().err
    assert run(*add, "--public-key", tmp_path / "nothing.pem") == 1
    assert f"{tmp_path / 'nothing.pem'} does not exist" in capsys.readouterr().err

    assert run(*add, "--public-key", public) == 0
    assert "can now be recovered" in capsys.readouterr().out
    assert run(*add, "--public-key", public) == 2  # has one: replaced only when asked
    assert "--replace" in capsys.readouterr().err
    forgotten = tmp_path / "forgotten.txt"
    forgotten.write_text("the passphrase after recovery", encoding="utf-8")
    assert run("recover", "--vault", vault_dir, "--recovery-key", private,
               "--new-passphrase-file", forgotten) == 0  # fmt: skip
    assert run("export", "--vault", vault_dir, "--passphrase-file", forgotten) == 0

    # Another office key replaces it when asked: the old one opens the vault no more.
    other = tmp_path / "other"
    assert run("recovery-key", "--out", other) == 0
    assert run("recovery-key", "add", "--vault", vault_dir, "--passphrase-file", forgotten,
               "--public-key", other / "office-recovery-public.pem", "--replace") == 0  # fmt: skip
    assert run("recover", "--vault", vault_dir, "--recovery-key", private,
               "--new-passphrase-file", forgotten) == 1  # fmt: skip
    assert run("recovery-key") == 2  # neither --out nor add: says which


def test_demo_fills_a_new_vault_and_is_deterministic(tmp_path, secret_file, capsys) -> None:
    for name in ("a", "b"):
        assert run("demo", "--vault", tmp_path / name, "--passphrase-file", secret_file,
                   "--households", "20", "--seed", "7") == 0  # fmt: skip
        assert run("export", "--vault", tmp_path / name, "--passphrase-file", secret_file,
                   "--out", tmp_path / f"{name}.jsonl") == 0  # fmt: skip
    first = (tmp_path / "a.jsonl").read_bytes()
    assert first == (tmp_path / "b.jsonl").read_bytes()
    types = {json.loads(line)["type"] for line in first.decode().splitlines()}
    assert {"household", "person", "activity", "meeting"} <= types
    with Vault.open(tmp_path / "a", PASSPHRASE) as vault:
        assert vault.count("household") == 20


def test_the_installed_command_runs(tmp_path, secret_file) -> None:
    """The console script works as a person would call it, in a real process."""
    exe = Path(sys.executable).parent / "marugoto-desktop"
    folder = tmp_path / "v"
    done = subprocess.run(
        [exe, "init", "--vault", folder, "--passphrase-file", secret_file],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    done = subprocess.run(
        [exe, "export", "--vault", folder],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "MARUGOTO_PASSPHRASE": "nope nope nope"},
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 1
    assert done.stderr.strip() == "marugoto-desktop: error: wrong passphrase"


def test_an_export_read_only_in_part_stops_quietly(tmp_path, secret_file) -> None:
    """`export | head`: the reader leaves early; no traceback, no error message."""
    exe = Path(sys.executable).parent / "marugoto-desktop"
    folder = tmp_path / "v"
    assert (
        run("demo", "--vault", folder, "--passphrase-file", secret_file, "--households", "300") == 0
    )
    reader = subprocess.Popen(
        [exe, "export", "--vault", folder, "--passphrase-file", secret_file],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert reader.stdout is not None and reader.stderr is not None
    assert reader.stdout.read(100).startswith(b'{"type":"agency"')
    reader.stdout.close()  # far less than the export: its next writes find no reader
    assert reader.wait(timeout=60) == 141
    assert reader.stderr.read() == b""


def test_demo_refuses_an_enrolled_vault(vault_dir, secret_file, capsys) -> None:
    from marugoto_desktop.operations.sync import SERVER_KEY
    from marugoto_desktop.vault.replica import VaultReplica

    with Vault.open(vault_dir, PASSPHRASE) as vault:
        VaultReplica(vault).set_setting(
            SERVER_KEY, {"server": "https://sync.example", "token": "t"}
        )
        before = vault.outbox_size()
    assert run("demo", "--vault", vault_dir, "--passphrase-file", secret_file) == 2
    assert "would send them to the office" in capsys.readouterr().err
    with Vault.open(vault_dir, PASSPHRASE) as vault:
        assert vault.outbox_size() == before == 0


def test_delete_and_restore_by_id(vault_dir, secret_file, tmp_path, capsys) -> None:
    member = {
        "type": "person",
        "id": "01900000-0000-7000-8000-000000000002",
        "area": "mure",
        "parent_id": HOUSEHOLD_LINE["id"],
        "name": "牟礼 花子",
    }
    source = tmp_path / "in.jsonl"
    source.write_text(
        "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in (HOUSEHOLD_LINE, member)),
        encoding="utf-8",
    )
    assert run("import", "--vault", vault_dir, "--passphrase-file", secret_file, source) == 0
    capsys.readouterr()
    household = HOUSEHOLD_LINE["id"]
    assert run("delete", "--vault", vault_dir, "--passphrase-file", secret_file, household) == 0
    assert capsys.readouterr().out == (
        f"deleted {household} and 1 record that belongs to it; restore brings it back\n"
    )
    assert run("export", "--vault", vault_dir, "--passphrase-file", secret_file) == 0
    assert capsys.readouterr().out == ""
    assert run("restore", "--vault", vault_dir, "--passphrase-file", secret_file, household) == 0
    assert capsys.readouterr().out == f"restored {household} and 1 record that belongs to it\n"
    assert run("export", "--vault", vault_dir, "--passphrase-file", secret_file) == 0
    exported = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert exported == [HOUSEHOLD_LINE, member]


def test_delete_of_what_is_not_there_is_one_clear_error(vault_dir, secret_file, capsys) -> None:
    before = digest(vault_dir)
    missing = HOUSEHOLD_LINE["id"]
    capsys.readouterr()
    assert run("delete", "--vault", vault_dir, "--passphrase-file", secret_file, missing) == 1
    assert capsys.readouterr().err == f"marugoto-desktop: error: no live record {missing}\n"
    assert run("restore", "--vault", vault_dir, "--passphrase-file", secret_file, missing) == 1
    assert capsys.readouterr().err == f"marugoto-desktop: error: no deleted record {missing}\n"
    assert digest(vault_dir) == before


def test_every_path_error_names_the_path_and_says_what_to_do(
    vault_dir, secret_file, tmp_path, capsys, monkeypatch
) -> None:
    gone = tmp_path / "gone"
    vault = ("--vault", vault_dir, "--passphrase-file", secret_file)
    cases = [
        (("export", "--vault", vault_dir, "--passphrase-file", gone),
         f"the passphrase file {gone} does not exist: give the file that holds the passphrase, "
         "or leave the option out to be asked"),
        (("export", "--vault", vault_dir, "--passphrase-file", tmp_path),
         f"{tmp_path} is a folder: give the file that holds the passphrase"),
        (("passwd", *vault, "--new-passphrase-file", gone),
         f"the new passphrase file {gone} does not exist: give the file that holds the new "
         "passphrase, or leave the option out to be asked"),
        (("export", "--vault", gone, "--passphrase-file", secret_file),
         f"no vault in {gone}: check the folder's name, or create a vault with "
         f"marugoto-desktop init --vault {gone}"),
        (("import", *vault, gone),
         f"{gone} does not exist: give the JSON Lines file to import (as export writes it)"),
        (("import", *vault, tmp_path),
         f"{tmp_path} is a folder: give the JSON Lines file to import"),
        (("recover", "--vault", vault_dir, "--recovery-key", gone),
         f"{gone} does not exist: give the office recovery key (office-recovery-key.pem, kept "
         "offline at the office)"),
        (("init", "--vault", tmp_path / "new", "--passphrase-file", secret_file,
          "--recovery-public-key", gone),
         f"{gone} does not exist: give the office recovery public key "
         "(office-recovery-public.pem, made by recovery-key --out DIR)"),
        (("pdf", "day", *vault, "--date", "2025-01-01", "--out", tmp_path / "d.pdf",
          "--password-file", gone),
         f"the PDF password file {gone} does not exist: give the file that holds the PDF "
         "password, or leave the option out for a PDF without one"),
        (("enroll", *vault, "--server", "https://sync.example", "--user", "aiko",
          "--password-file", gone),
         f"the password file {gone} does not exist: give the file that holds the password, or "
         "leave the option out to be asked"),
    ]  # fmt: skip
    for argv, message in cases:
        assert run(*argv) in (1, 2), argv
        assert capsys.readouterr().err == f"marugoto-desktop: error: {message}\n", argv
    # Without a terminal, each missing secret names its own option and variable.
    monkeypatch.delenv("MARUGOTO_PASSPHRASE", raising=False)
    monkeypatch.delenv("MARUGOTO_NEW_PASSPHRASE", raising=False)
    assert run("recover", "--vault", vault_dir, "--recovery-key", tmp_path / "k.pem") == 1
    capsys.readouterr()
    assert run("recovery-key", "--out", tmp_path / "keys") == 0
    capsys.readouterr()
    key = tmp_path / "keys" / "office-recovery-key.pem"
    assert run("recover", "--vault", vault_dir, "--recovery-key", key) == 2
    assert capsys.readouterr().err == (
        "marugoto-desktop: error: no new passphrase given: use --new-passphrase-file FILE or "
        "set MARUGOTO_NEW_PASSPHRASE\n"
    )


def test_export_out_refuses_a_missing_folder_and_an_existing_file_unless_forced(
    vault_dir, secret_file, tmp_path, capsys
) -> None:
    export = ("export", "--vault", vault_dir, "--passphrase-file", secret_file, "--out")
    typo = tmp_path / "Exprots" / "all.jsonl"
    assert run(*export, typo) == 1
    assert capsys.readouterr().err == (
        f"marugoto-desktop: error: the folder {typo.parent} does not exist: create it first "
        "(where personal data may be kept), or name a file in an existing folder\n"
    )
    assert not typo.parent.exists()

    target = tmp_path / "all.jsonl"
    assert run(*export, target) == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600  # readable by its owner alone
    target.write_text("kept\n", encoding="utf-8")
    capsys.readouterr()
    assert run(*export, target) == 1
    assert capsys.readouterr().err == (
        f"marugoto-desktop: error: {target} exists already: add --force to replace it, or name "
        "another file\n"
    )
    assert target.read_text(encoding="utf-8") == "kept\n"
    assert run(*export, target, "--force") == 0
    assert target.read_text(encoding="utf-8") == ""  # an empty vault exports nothing
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_import_says_what_an_update_clears_and_dry_run_shows_it_first(
    vault_dir, secret_file, tmp_path, capsys
) -> None:
    source = tmp_path / "in.jsonl"
    full = {**HOUSEHOLD_LINE, "address": "高松市牟礼町0-0", "phone": "087-000-0000"}
    source.write_text(json.dumps(full, ensure_ascii=False) + "\n", encoding="utf-8")
    importing = ("import", "--vault", vault_dir, "--passphrase-file", secret_file)
    assert run(*importing, source) == 0
    edited = dict(HOUSEHOLD_LINE)  # the same record without its address and phone
    source.write_text(json.dumps({**edited, "status": "closed"}, ensure_ascii=False) + "\n",
                      encoding="utf-8")  # fmt: skip
    capsys.readouterr()
    before = digest(vault_dir)
    assert run(*importing, source, "--dry-run") == 0
    line = f"    household {HOUSEHOLD_LINE['name']} ({HOUSEHOLD_LINE['id']}): "
    assert capsys.readouterr().out == (
        "would import 1 record: 0 created, 1 updated, 0 unchanged; nothing was written "
        "(--dry-run)\n"
        "2 fields would be cleared on 1 record (a field a line leaves out is emptied)\n"
        f"{line}sets status; clears address, phone\n"
    )
    assert digest(vault_dir) == before
    assert run(*importing, source) == 0
    assert capsys.readouterr().out == (
        "imported 1 record: 0 created, 1 updated, 0 unchanged\n"
        "2 fields cleared on 1 record (a field a line leaves out is emptied)\n"
        f"{line}sets status; clears address, phone\n"
    )
