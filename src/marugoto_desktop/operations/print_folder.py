"""The private folder "open / print" puts a PDF in for the system's viewer (DESIGN §6).

A PDF is written to disk only where the person saves it, or here: a folder only its owner may
enter, emptied when the app locks or exits, and at the next start after a crash (which is why
it lives at a fixed place rather than in a fresh temporary folder). The desktop app calls
`start()` when it starts, `put()` to open a document, and `empty()` on lock and on exit.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
import sys
from pathlib import Path

FOLDER_NAME = "print"
APP_FOLDER = "marugoto-desktop"


def default_root() -> Path:
    """Per user, on the local disk (never a roaming profile); tmpfs on Linux when there is one."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        runtime = os.environ.get("XDG_RUNTIME_DIR")  # per user, in memory, gone at logout
        base = Path(runtime or os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / APP_FOLDER / FOLDER_NAME


class PrintFolder:
    """The private folder; `root` is for tests and for a choice of place."""

    def __init__(self, root: Path | None = None) -> None:
        self.path = root or default_root()

    def start(self) -> list[Path]:
        """At start-up: make the folder private and empty what a crash left behind.

        Returns the files that could not be removed (still open in a viewer, say)."""
        self._prepare()
        return self.empty()

    def put(self, name: str, data: bytes) -> Path:
        """Write a document for the viewer: a new owner-only file named after `name`."""
        self._prepare()
        stem = Path(name).stem or "document"
        suffix = Path(name).suffix or ".pdf"
        path = self.path / f"{stem}-{secrets.token_hex(4)}{suffix}"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
        return path

    def files(self) -> list[Path]:
        if not self.path.is_dir() or self.path.is_symlink():
            return []  # never empty a folder a link leads to
        return sorted(p for p in self.path.iterdir())

    def empty(self) -> list[Path]:
        """On lock and exit: remove every file; returns those that could not be removed
        (the next `empty` or `start` tries again)."""
        left = []
        for path in self.files():
            try:
                if path.is_dir() and not path.is_symlink():
                    left.append(path)  # never made here: left for a person to look at
                else:
                    path.unlink()
            except OSError:
                left.append(path)
        return left

    def _prepare(self) -> None:
        """Create the folder owner-only, or make it so; refuse one that is not ours."""
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with contextlib.suppress(FileExistsError):
            self.path.mkdir(mode=0o700)
        info = self.path.lstat()
        if not stat.S_ISDIR(info.st_mode):
            raise NotADirectoryError(f"{self.path} is not a folder")
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            raise PermissionError(f"{self.path} belongs to another user")
        if stat.S_IMODE(info.st_mode) & 0o077:
            os.chmod(self.path, 0o700)
