"""Where a command's output goes: one rule for every command that writes a file (export, pdf,
report).

- `-` is standard output;
- a path that exists and is not a regular file (a pipe, a terminal, /dev/null) is written in
  place: replacing it would put a regular file where the device or pipe was;
- anything else (a new file, an existing regular file, or a link to one) is written to a
  temporary file beside it, readable by its owner only, and renamed over it, so a reader never
  sees half a file and a failure leaves the old one.

A folder that does not exist is never created (personal data would land wherever a typo
points: FolderMissing), and an existing file is replaced only when the caller allows it
(FileExists otherwise); both are refused before anything is written.
"""

from __future__ import annotations

import io
import os
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, TextIO, TypeVar

STDOUT = "-"

T = TypeVar("T")


class FolderMissing(FileNotFoundError):
    """The folder a file would be written in does not exist (`folder`)."""

    def __init__(self, folder: Path) -> None:
        super().__init__(str(folder))
        self.folder = folder


class FileExists(FileExistsError):
    """A file is there already (`path`) and may not be replaced."""

    def __init__(self, path: Path) -> None:
        super().__init__(str(path))
        self.path = path


def is_stdout(target: str | Path) -> bool:
    return str(target) == STDOUT


def write_binary(target: str | Path, write: Callable[[BinaryIO], T], *, replace: bool = True) -> T:
    """Call `write` with a binary stream that ends up at `target` (see the module's rule);
    an existing regular file there is replaced only if `replace`."""
    if is_stdout(target):
        sys.stdout.flush()
        result = write(sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return result
    path = Path(target)
    if check_target(path, replace=replace) == "direct":
        with path.open("wb") as stream:
            return write(stream)
    return _replace(Path(os.path.realpath(path)), write)


def check_target(target: str | Path, *, replace: bool = True) -> str:
    """Refuse `target` as write_binary would (FileExists, FolderMissing, a folder), before
    any work is done, so a command fails before it asks for a passphrase or builds a
    document. Returns how it will be written: "stdout", "direct" (a pipe or device, written
    in place) or "replace" (a regular file, new or replaced)."""
    if is_stdout(target):
        return "stdout"
    path = Path(target)
    try:
        mode = path.stat().st_mode  # follows links: a link to a device is a device
    except FileNotFoundError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(f"{path} is a folder; name a file to write")
        return "direct"
    if mode is not None and not replace:
        raise FileExists(path)
    if not Path(os.path.realpath(path)).parent.is_dir():
        raise FolderMissing(path.parent)
    return "replace"


def write_text(target: str | Path, write: Callable[[TextIO], T], *, replace: bool = True) -> T:
    """Call `write` with a UTF-8 text stream (LF line ends) that ends up at `target`."""

    def as_text(binary: BinaryIO) -> T:
        text = io.TextIOWrapper(binary, encoding="utf-8", newline="\n", write_through=True)
        try:
            return write(text)
        finally:
            text.flush()
            text.detach()  # the binary stream belongs to the caller (standard output, say)

    return write_binary(target, as_text, replace=replace)


def write_bytes(target: str | Path, data: bytes, *, replace: bool = True) -> None:
    write_binary(target, lambda stream: stream.write(data), replace=replace)


def _replace(path: Path, write: Callable[[BinaryIO], T]) -> T:
    """Write a regular file atomically, owner-only (mkstemp creates it with mode 0600)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as stream:
            result = write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return result
