"""A vault whose folder cannot be written (a copy on a USB stick mounted read-only): the
commands that only read work, the others are refused naming the folder, nothing is written.

Root passes every permission check, so as root the folder is made read-only by a read-only
bind mount (what a USB stick mounted read-only is), and the permissions test runs the command
in a process without the capabilities that let root ignore permissions.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from marugoto_desktop.cli import main
from marugoto_desktop.vault import KdfParams, Vault, VaultReadOnly
from marugoto_desktop.vault.store import DB_FILE

from ..conftest import PASSPHRASE

ROOT = os.geteuid() == 0
# What lets root read and write whatever the permissions say.
ROOT_OVERRIDES = "-dac_override,-dac_read_search,-fowner"


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "passphrase.txt"
    path.write_text(PASSPHRASE + "\n", encoding="utf-8")
    return path


@pytest.fixture
def stick(tmp_path: Path) -> Path:
    """A vault closed as the app closes it, with a household, an activity and an agency."""
    folder = tmp_path / "stick" / "vault"
    with Vault.create(folder, PASSPHRASE, kdf=KdfParams()) as vault:
        home = vault.new_record("household", "mure", name="牟礼 太郎世帯", status="active")
        vault.new_record("person", "mure", home.id, name="牟礼 太郎", relationship="head")
        vault.new_record(
            "activity", "mure", home.id, date="2025-04-01", time="10:00", kind="consult.visit",
            content="自宅を訪問した。", recorded_by="田中 さくら",
        )  # fmt: skip
    return folder


def snapshot(folder: Path) -> dict[str, str]:
    """Every file of the folder, by its content."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@contextmanager
def read_only_mount(folder: Path) -> Iterator[None]:
    """`folder` mounted read-only on itself, as on a stick mounted read-only."""
    subprocess.run(["mount", "--bind", "-o", "ro", str(folder), str(folder)], check=True)
    try:
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=True)


@contextmanager
def read_only_permissions(folder: Path) -> Iterator[None]:
    """`folder` and its files made read-only for everyone (chmod a-w)."""
    paths = [folder, *folder.iterdir()]
    modes = {p: stat.S_IMODE(p.stat().st_mode) for p in paths}
    for p in paths:
        p.chmod(modes[p] & ~0o222)
    try:
        yield
    finally:
        for p in paths:
            p.chmod(modes[p])


@contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """The most real read-only folder this account can make: a mount as root, else chmod."""
    with read_only_mount(folder) if ROOT else read_only_permissions(folder):
        yield


def cli(*args: str | Path) -> int:
    return main([str(a) for a in args])


def vault_args(folder: Path, secret_file: Path) -> list[str | Path]:
    return ["--vault", folder, "--passphrase-file", secret_file]


def test_read_commands_work_on_a_read_only_vault_and_writes_are_refused(
    stick, secret_file, tmp_path, capsys
) -> None:
    with Vault.open(stick, PASSPHRASE) as vault:
        home_id = vault.records("household")[0].id
    before = snapshot(stick)
    out = tmp_path / "out"
    out.mkdir()
    args = vault_args(stick, secret_file)
    with read_only(stick):
        assert cli("export", *args, "--out", out / "all.jsonl") == 0
        lines = [json.loads(line) for line in (out / "all.jsonl").read_text("utf-8").splitlines()]
        assert [line["type"] for line in lines] == ["household", "person", "activity"]
        assert cli("conflicts", *args) == 0
        assert "no open conflicts" in capsys.readouterr().out
        assert cli("pdf", "household", *args, "--id", home_id, "--out", out / "face.pdf") == 0
        assert (out / "face.pdf").read_bytes().startswith(b"%PDF-")
        assert cli("report", "annual", *args, "--fiscal-year", "2025", "--out", out / "f.json") == 0
        assert json.loads((out / "f.json").read_text("utf-8"))
        capsys.readouterr()

        assert cli("delete", *args, home_id) == 1
        err = capsys.readouterr().err
        assert err == (
            f"marugoto-desktop: error: the vault in {stick} cannot be changed: its folder is "
            "read-only (read-only media, or a folder you may not write). Commands that only "
            "read work (export, conflicts, pdf and report); to change it, copy the folder to a "
            "writable disk\n"
        )
        source = out / "in.jsonl"
        source.write_text(json.dumps(lines[0], ensure_ascii=False) + "\n", encoding="utf-8")
        assert cli("import", *args, source) == 1
        assert f"the vault in {stick} cannot be changed" in capsys.readouterr().err
    assert snapshot(stick) == before  # no lock taken, no -wal or -shm left, nothing changed
    with Vault.open(stick, PASSPHRASE) as vault:  # and it opens for writing again on a disk
        assert vault.get(home_id) is not None


def test_a_folder_made_read_only_by_permissions(stick, secret_file, tmp_path) -> None:
    """chmod a-w, for an account that respects permissions (as root: without the
    capabilities that override them)."""
    before = snapshot(stick)
    out = tmp_path / "out"
    out.mkdir()
    prefix = ["setpriv", f"--bounding-set={ROOT_OVERRIDES}"] if ROOT else []
    command = [*prefix, sys.executable, "-m", "marugoto_desktop.cli"]

    def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*command, *(str(a) for a in args)],
            capture_output=True,
            text=True,
            check=False,
            stdin=subprocess.DEVNULL,
        )

    with read_only_permissions(stick):
        done = run("export", *vault_args(stick, secret_file), "--out", out / "all.jsonl")
        assert done.returncode == 0, done.stderr
        assert len((out / "all.jsonl").read_text("utf-8").splitlines()) == 3
        refused = run("delete", *vault_args(stick, secret_file), "no-such-id")
        assert refused.returncode == 1
        assert f"the vault in {stick} cannot be changed" in refused.stderr
    assert snapshot(stick) == before


def test_a_vault_opened_read_only_refuses_every_write(stick) -> None:
    with read_only(stick), Vault.open(stick, PASSPHRASE, read_only=True) as vault:
        assert vault.read_only
        assert vault.count("household") == 1
        with pytest.raises(VaultReadOnly) as refused:
            vault.new_record("household", "mure", name="新しい世帯", status="active")
        assert refused.value.folder == stick and refused.value.reason == "read_only"
        with pytest.raises(VaultReadOnly):
            Vault.open(stick, PASSPHRASE)  # opening it for writing is refused too


def test_a_folder_that_can_be_written_opens_locked_as_always(stick) -> None:
    with Vault.open(stick, PASSPHRASE, read_only=True) as vault:
        assert not vault.read_only  # the folder can be written: the read takes the lock
        vault.new_record("household", "mure", name="新しい世帯", status="active")


def test_a_vault_that_needs_upgrading_is_refused_clearly_on_read_only_media(
    stick, secret_file, capsys
) -> None:
    conn = sqlite3.connect(stick / DB_FILE)
    with conn:  # as if made before the last migration
        conn.execute("DELETE FROM migrations WHERE name = '0006_summaries_filled'")
    conn.close()
    with read_only(stick):
        assert cli("export", *vault_args(stick, secret_file)) == 1
    assert capsys.readouterr().err == (
        f"marugoto-desktop: error: the vault in {stick} was made by an older version and must "
        "be upgraded before it can be read, which writes to it; its folder cannot be written "
        "(read-only media?): copy the folder to a writable disk and open it there\n"
    )


def test_a_vault_copied_while_open_is_read_with_its_last_writes_or_refused(stick, tmp_path) -> None:
    """Copied with its -wal (and -shm) while the app had it open: SQLite reads the writes in
    the WAL; without the -shm it cannot, and it is refused rather than read without them."""
    with Vault.open(stick, PASSPHRASE) as vault:
        vault.new_record("household", "mure", name="最後の世帯", status="active")
        copies = {}
        for name, files in (("whole", ("", "-wal", "-shm")), ("no_shm", ("", "-wal"))):
            copy = tmp_path / name / "vault"
            copy.mkdir(parents=True)
            for suffix in files:
                shutil.copy(stick / (DB_FILE + suffix), copy / (DB_FILE + suffix))
            copies[name] = copy
        assert (stick / (DB_FILE + "-wal")).stat().st_size > 0
    with read_only(copies["whole"]), Vault.open(copies["whole"], PASSPHRASE, read_only=True) as v:
        names = sorted(r.get("name") for r in v.records("household"))
    assert names == ["最後の世帯", "牟礼 太郎世帯"]
    with read_only(copies["no_shm"]), pytest.raises(VaultReadOnly) as refused:
        Vault.open(copies["no_shm"], PASSPHRASE, read_only=True)
    assert refused.value.reason == "unfinished"
