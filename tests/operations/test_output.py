"""Where a command's output goes: files replaced atomically and privately; pipes, devices and
`-` written in place."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from marugoto_desktop.operations.output import (
    FileExists,
    FolderMissing,
    write_binary,
    write_bytes,
    write_text,
)


def test_a_regular_file_is_replaced_whole_and_private(tmp_path: Path) -> None:
    target = tmp_path / "out" / "figures.csv"
    target.parent.mkdir()
    write_bytes(target, b"first")
    target.chmod(0o644)
    write_bytes(target, b"second")
    assert target.read_bytes() == b"second"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in target.parent.iterdir()] == ["figures.csv"]


def test_a_failed_write_leaves_the_old_file_and_no_litter(tmp_path: Path) -> None:
    target = tmp_path / "report.pdf"
    target.write_bytes(b"old")

    def fail(stream) -> None:
        stream.write(b"half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_binary(target, fail)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]


def test_a_link_to_a_file_keeps_being_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real.jsonl"
    real.write_bytes(b"old")
    link = tmp_path / "link.jsonl"
    link.symlink_to(real)
    write_text(link, lambda s: s.write("新しい\n"))
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == "新しい\n"


def test_a_pipe_is_written_in_place(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    # Open the reading end first (not blocking), so the writer's open does not wait.
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        write_bytes(fifo, "取扱注意\n".encode())
        os.set_blocking(reader, True)
        received = os.read(reader, 4096)
    finally:
        os.close(reader)
    assert received == "取扱注意\n".encode()
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]


def test_dash_is_standard_output(capsysbinary) -> None:
    write_text("-", lambda s: s.write("一行目\n"))
    write_bytes("-", b"%PDF-")
    assert capsysbinary.readouterr().out == "一行目\n%PDF-".encode()
    assert not sys.stdout.closed  # the caller's stream is left open


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError):
        write_bytes(tmp_path, b"x")


def test_a_folder_that_does_not_exist_is_never_made(tmp_path: Path) -> None:
    target = tmp_path / "typo" / "export.jsonl"
    with pytest.raises(FolderMissing) as missing:
        write_bytes(target, b"personal data")
    assert missing.value.folder == tmp_path / "typo"
    assert not (tmp_path / "typo").exists()


def test_an_existing_file_is_replaced_only_when_allowed(tmp_path: Path) -> None:
    target = tmp_path / "export.jsonl"
    write_text(target, lambda out: out.write("first\n"), replace=False)  # new: fine
    with pytest.raises(FileExists):
        write_text(target, lambda out: out.write("second\n"), replace=False)
    assert target.read_text() == "first\n"
    assert [p.name for p in tmp_path.iterdir()] == ["export.jsonl"]  # nothing half-written
    write_text(target, lambda out: out.write("second\n"), replace=True)
    assert target.read_text() == "second\n"
    # A device is not a file being replaced: written in place either way.
    write_binary(os.devnull, lambda out: out.write(b"x"), replace=False)
