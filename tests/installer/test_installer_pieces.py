"""The pieces of installer/ that run on every system: the Qt filter and the version resource.
(The build itself runs in `make installer-smoke`.)"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

INSTALLER = Path(__file__).resolve().parents[2] / "installer"
sys.path.insert(0, str(INSTALLER))

import bundle_rules  # noqa: E402
import windows_version  # noqa: E402


@pytest.mark.parametrize(
    ("dest", "src", "kept"),
    [
        ("PySide6/Qt/plugins/platforms", "/x/libqxcb.so", True),
        ("PySide6/Qt/plugins/platforms", "/x/libqoffscreen.so", True),
        ("PySide6\\plugins\\platforms", "C:\\x\\qwindows.dll", True),
        ("PySide6/Qt/plugins/platforms", "/x/libqwayland.so", False),
        ("PySide6/Qt/plugins/platforms", "/x/libqvnc.so", False),
        ("PySide6/Qt/plugins/platformthemes", "/x/libqgtk3.so", False),
        ("PySide6/Qt/plugins/imageformats", "/x/libqjpeg.so", False),
        ("PySide6/Qt/plugins/tls", "/x/libqopensslbackend.so", False),
        (
            "PySide6/Qt/plugins/platforminputcontexts",
            "/x/libibusplatforminputcontextplugin.so",
            True,
        ),
        ("PySide6\\plugins\\styles", "C:\\x\\qmodernwindowsstyle.dll", True),
        ("PySide6/Qt/translations", "/x/qtbase_ja.qm", True),
        ("PySide6/Qt/translations", "/x/qtbase_de.qm", False),
        ("PySide6/Qt/translations", "/x/qt_ja.qm", False),
        ("PySide6", "C:\\x\\opengl32sw.dll", False),
        ("PySide6", "C:\\x\\d3dcompiler_47.dll", False),
        ("PySide6/Qt/lib", "/x/libQt6Widgets.so.6", True),
    ],
)
def test_which_qt_files_are_kept(dest: str, src: str, kept: bool) -> None:
    assert bundle_rules.keep_qt_file(dest, src) is bool(kept)


@pytest.mark.parametrize(
    ("version", "numbers"),
    [
        ("0.1.0", (0, 1, 0, 0)),
        ("1.2", (1, 2, 0, 0)),
        ("2.3.4rc1", (2, 3, 4, 0)),
        ("1.2rc1", (1, 2, 0, 0)),  # not 1.2.1: a pre-release never numbers above its release
        ("1.2.post1", (1, 2, 0, 0)),
    ],
)
def test_version_numbers(version: str, numbers: tuple[int, ...]) -> None:
    assert windows_version.version_tuple(version) == numbers


def test_the_version_resource_carries_the_version_and_the_city() -> None:
    text = windows_version.version_info_text("0.1.0", "marugoto-desktop.exe")

    def record(kind: str) -> Any:
        return lambda *args, **kwargs: (kind, args, kwargs)

    names = (
        "VSVersionInfo",
        "FixedFileInfo",
        "StringFileInfo",
        "StringTable",
        "StringStruct",
        "VarFileInfo",
        "VarStruct",
    )
    # PyInstaller evaluates this text with its own classes of these names (Windows only).
    info = eval(text, {name: record(name) for name in names})  # noqa: S307 (our own text)
    fixed = info[2]["ffi"][2]
    assert fixed["filevers"] == fixed["prodvers"] == (0, 1, 0, 0)
    table = info[2]["kids"][0][1][0][0]
    strings = dict(entry[1] for entry in table[1][1])
    assert strings["CompanyName"] == "Takamatsu City"
    assert strings["ProductVersion"] == "0.1.0"
    assert strings["OriginalFilename"] == "marugoto-desktop.exe"


def test_a_version_windows_cannot_hold_is_refused() -> None:
    with pytest.raises(ValueError, match="65535"):
        windows_version.version_tuple("1.70000.0")


def test_the_icon_file_holds_every_size_as_png() -> None:
    import struct

    from PySide6.QtGui import QImage

    data = (INSTALLER.parent / "resources" / "icons" / "marugoto-desktop.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind, count) == (0, 1, 7)
    sizes = []
    for i in range(count):
        width, _, _, _, _, bits, length, offset = struct.unpack_from("<BBBBHHII", data, 6 + 16 * i)
        image = QImage.fromData(data[offset : offset + length], "PNG")
        assert not image.isNull() and bits == 32
        assert image.width() == (width or 256)
        sizes.append(image.width())
    assert sizes == [16, 24, 32, 48, 64, 128, 256]
