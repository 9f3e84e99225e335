"""A full disk (issue 13), on a real small file system (tmpfs, which needs root to mount): a
write and a pull that do not fit fail with a clear error, store nothing half-written, and the
vault opens, reads and — once there is room — writes and syncs on."""

from __future__ import annotations

import io
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from marugoto_desktop import cli
from marugoto_desktop.operations import sync as syncing
from marugoto_desktop.operations.exchange import export_lines_to
from marugoto_desktop.operations.records import create_record
from marugoto_desktop.vault import DiskFull, KdfParams, Vault

from ..conftest import PASSPHRASE
from .test_kills import PASSWORD, office  # noqa: F401 (the fixture, found by name)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Callable[[str], Path]]:
    """Mounts a tmpfs of the size asked (and again larger, to make room)."""
    mounted: list[Path] = []

    def mount(size: str) -> Path:
        where = tmp_path / "disk"
        where.mkdir(exist_ok=True)
        options = f"size={size}" if where not in mounted else f"remount,size={size}"
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            pytest.skip(f"a small file system cannot be mounted here: {done.stderr.strip()}")
        if where not in mounted:
            mounted.append(where)
        return where

    yield mount
    for where in mounted:
        subprocess.run(["umount", "-l", str(where)], check=False)


def _household(vault: Vault, n: int) -> str:
    fields = {"name": f"世帯 {n}", "status": "active", "address": "高松市" + "番地" * 60}
    return create_record(vault, "household", fields, area="mure").record.id


def test_a_write_on_a_full_disk_stores_nothing_and_says_so(
    small_disk: Callable[[str], Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = small_disk("2m") / "vault"
    written: list[str] = []
    with Vault.create(folder, PASSPHRASE, kdf=KdfParams()) as vault:
        with pytest.raises(DiskFull, match="full: nothing was written"):  # noqa: PT012
            for n in range(100_000):
                written.append(_household(vault, n))
        # The vault still reads, and holds exactly what was written before.
        vault.integrity_check()
        assert sorted(r.id for r in vault.records("household")) == sorted(written)
    # Closed although its checkpoint could not finish; opens again on the full disk.
    with Vault.open(folder, PASSPHRASE) as vault:
        vault.integrity_check()
        assert vault.count("household") == len(written)
    # The command line says it in one line, naming the folder, and changes nothing.
    lines = "".join(
        f'{{"type":"household","id":"01a23500-0000-7000-8000-{n:012x}","area":"mure",'
        f'"name":"取込 {n}","status":"active","address":"{"x" * 150}"}}\n'
        for n in range(2000)
    )
    source = folder.parent.parent / "import.jsonl"
    source.write_text(lines, encoding="utf-8")
    monkeypatch.setenv("MARUGOTO_PASSPHRASE", PASSPHRASE)
    code = cli.main(["import", "--vault", str(folder), str(source)])
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1 and f"{folder} is full: nothing was written" in err
    # Room made: writing goes on.
    small_disk("64m")
    with Vault.open(folder, PASSPHRASE) as vault:
        _household(vault, -1)
        vault.integrity_check()
        assert vault.count("household") == len(written) + 1


def test_a_pull_that_fills_the_disk_stops_cleanly_and_resumes_when_there_is_room(
    tmp_path: Path,
    small_disk: Callable[[str], Path],
    office: str,  # noqa: F811
) -> None:
    ca = tmp_path / "server" / "certs" / "ca.pem"
    writer = Vault.create(tmp_path / "writer", PASSPHRASE, kdf=KdfParams())
    syncing.enroll(writer, office, "aiko", PASSWORD, ca_file=ca)
    for n in range(4000):
        _household(writer, n)
    syncing.sync(writer)
    folder = small_disk("6m") / "vault"
    reader = Vault.create(folder, PASSPHRASE, kdf=KdfParams())
    syncing.enroll(reader, office, "ken", PASSWORD, ca_file=ca)
    with pytest.raises(DiskFull):
        syncing.sync(reader)
    reader.integrity_check()  # the pages applied before are whole; the last one not at all
    got = reader.count("household")
    assert 0 < got < 4000
    reader.close()
    small_disk("128m")
    with Vault.open(folder, PASSPHRASE) as reader:
        report = syncing.sync(reader)
        assert report.pulled > 0
        assert reader.count("household") == 4000
        theirs, ours = io.StringIO(), io.StringIO()
        export_lines_to(writer, theirs)
        export_lines_to(reader, ours)
        assert ours.getvalue() == theirs.getvalue()
    writer.close()
