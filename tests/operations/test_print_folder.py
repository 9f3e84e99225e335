"""The private folder for "open / print": owner-only, emptied on lock and exit, and at the next
start after a crash."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from marugoto_desktop.operations import print_folder
from marugoto_desktop.operations.print_folder import PrintFolder


def test_documents_go_in_owner_only_and_leave_on_lock(tmp_path: Path) -> None:
    folder = PrintFolder(tmp_path / "print")
    assert folder.start() == []
    first = folder.put("フェイスシート.pdf", b"%PDF-1")
    second = folder.put("フェイスシート.pdf", b"%PDF-2")
    assert first != second and first.parent == second.parent == folder.path
    assert first.suffix == ".pdf" and first.read_bytes() == b"%PDF-1"
    assert stat.S_IMODE(folder.path.stat().st_mode) == 0o700
    assert stat.S_IMODE(first.stat().st_mode) == 0o600
    assert folder.empty() == []  # on lock, and again on exit
    assert list(folder.path.iterdir()) == []


def test_the_next_start_empties_what_a_crash_left(tmp_path: Path) -> None:
    before_crash = PrintFolder(tmp_path / "print")
    left = before_crash.put("業務日報.pdf", b"%PDF-")
    # The app died without emptying; the next start finds the folder at the same place.
    after = PrintFolder(tmp_path / "print")
    assert after.path == before_crash.path and left.exists()
    assert after.start() == []
    assert list(after.path.iterdir()) == []


def test_a_folder_others_could_read_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "print"
    path.mkdir(mode=0o755)
    path.chmod(0o755)
    PrintFolder(path).start()
    assert stat.S_IMODE(path.stat().st_mode) == 0o700


def test_a_link_in_place_of_the_folder_is_refused(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("someone else's")
    (tmp_path / "print").symlink_to(elsewhere)
    folder = PrintFolder(tmp_path / "print")
    with pytest.raises(NotADirectoryError):
        folder.put("x.pdf", b"%PDF-")
    assert folder.empty() == []
    assert [p.name for p in elsewhere.iterdir()] == ["keep.txt"]


def test_the_default_place_is_per_user(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(print_folder.sys, "platform", "linux")
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "run"))
    assert print_folder.default_root() == tmp_path / "run" / "marugoto-desktop" / "print"
    monkeypatch.delenv("XDG_RUNTIME_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert print_folder.default_root() == tmp_path / "cache" / "marugoto-desktop" / "print"
