"""What goes into the bundle and what stays out: read by the spec and by the Qt hooks.

Kept in one plain module so that a reviewer reads the choices in one place, and `make
installer` prints the Qt part of the result (build.py).
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

# Qt plugins kept, by plugin folder; a folder not named here is left out whole. The app
# uses QtCore, QtGui and QtWidgets only, draws its own icons and charts, prints through the
# system's PDF viewer, and talks HTTP through httpx (not QtNetwork).
QT_PLUGINS = {
    # A platform plugin is how Qt reaches the screen: X11 (XWayland on a Wayland desktop),
    # Windows, macOS; offscreen for --self-test and the smoke test with no display.
    "platforms": {"qxcb", "qwindows", "qcocoa", "qoffscreen"},
    "platforms/darwin": None,  # (macOS helper, collected whole when present)
    # Japanese input on Linux goes through IBus (Mozc, Anthy) or the compose key; Windows
    # and macOS reach their IME through the platform plugin itself.
    "platforminputcontexts": {
        "ibusplatforminputcontextplugin",
        "composeplatforminputcontextplugin",
    },
    # The native look on Windows 10/11 and macOS (Fusion, built in, elsewhere).
    "styles": {"qmodernwindowsstyle", "qwindowsvistastyle", "qmacstyle"},
}

# Of Qt's own translations, Japanese only: the app installs qtbase_ja (ui/app.py).
QT_TRANSLATIONS = {"qtbase_ja.qm"}

# Windows: Qt's hooks add the OpenGL fallbacks (a 20 MB software renderer, ANGLE and the D3D
# shader compiler). The app's widgets paint with the raster engine and never ask for OpenGL.
QT_DROPPED_PREFIXES = ("opengl32sw", "d3dcompiler_", "libEGL", "libGLESv2")

# Why each Qt library in the bundle is there (printed by smoke.py with what was built).
QT_LIBRARY_REASONS = {
    "Core": "QtCore: objects, signals, settings, translations, the event loop",
    "Gui": "QtGui: windows, painting, fonts, input (QtWidgets draws with it)",
    "Widgets": "QtWidgets: every screen and dialog of the app",
    "DBus": "needed by QtGui on Linux (input methods, accessibility, portals)",
    "XcbQpa": "the X11 platform plugin's library (Linux)",
    "icu": "collation, codecs, time-zone names; the Linux Qt wheels link it, its data trimmed "
    "to Japanese and English (icu_data.py; Windows uses the system's ICU)",
}
QT_PLUGIN_REASONS = {
    "platforms": "how Qt reaches the screen: qxcb (X11/XWayland), qwindows, qcocoa; "
    "qoffscreen for --self-test and headless runs",
    "platforminputcontexts": "Japanese input through IBus (Mozc, Anthy) or compose on Linux",
    "styles": "the native look on Windows 10/11 and macOS",
}

# Python packages never in the client: the sync server, the developers' tools, and the parts
# of libraries the client never calls (httpx's command line, Pillow's extra codecs: reportlab
# needs PIL.Image only to embed bitmaps, which no document does).
EXCLUDED_MODULES = [
    "marugoto_sync.server",
    "fastapi",
    "starlette",
    "uvicorn",
    "sqlalchemy",
    "psycopg",
    "psycopg_binary",
    "alembic",
    "mako",
    "pydantic",
    "pydantic_core",
    "pytest",
    "_pytest",
    "pytestqt",
    "hypothesis",
    "schemathesis",
    "mypy",
    "ruff",
    "importlinter",
    "grimp",
    "PyInstaller",
    "setuptools",
    "pkg_resources",
    "pip",
    "tkinter",
    "_tkinter",
    "lib2to3",
    "idlelib",
    "pydoc_data",
    "rich",
    "pygments",
    "PIL.ImageQt",
    "PIL.ImageTk",
    "PIL._avif",
    "PIL.AvifImagePlugin",
    "PIL._webp",
    "PIL.WebPImagePlugin",
    "PIL._imagingcms",
    "PIL.ImageCms",
    "PIL._imagingft",
    "PIL.ImageFont",
    "PIL._imagingmath",
    "PIL.ImageMath",
    "PIL.SpiderImagePlugin",
    "PIL.FpxImagePlugin",
    "PIL.MicImagePlugin",
    "PySide6.QtNetwork",
    "PySide6.QtDBus",
    "PySide6.QtOpenGL",
    "PySide6.QtOpenGLWidgets",
    "PySide6.QtQml",
    "PySide6.QtQuick",
    "PySide6.QtSvg",
    "PySide6.QtPrintSupport",
]

# If any of these is in the analysis after all, the build stops: the server or a test tool
# leaked into the client (a new import somewhere).
FORBIDDEN_TOP_LEVEL = {
    "fastapi",
    "starlette",
    "uvicorn",
    "sqlalchemy",
    "psycopg",
    "alembic",
    "pytest",
    "_pytest",
    "hypothesis",
    "schemathesis",
    "mypy",
    "PyInstaller",
}
FORBIDDEN_MODULES = {"marugoto_sync.server"}

_LIB = re.compile(r"^(lib)?(?P<name>.+?)(\.so.*|\.dll|\.dylib)$")


def _name(path: str) -> str:
    return PurePosixPath(path.replace("\\", "/")).name


def plugin_name(path: str) -> str:
    """libqxcb.so -> qxcb; qwindows.dll -> qwindows."""
    name = _name(path)
    match = _LIB.match(name)
    return match.group("name") if match else name


def keep_qt_file(dest_dir: str, src: str) -> bool:
    """Whether a file Qt's hooks want to collect into `dest_dir` of the bundle is kept."""
    # (both separators: the rules are tested on Linux with Windows paths too)
    parts = (*PurePosixPath(dest_dir.replace("\\", "/")).parts, _name(src))
    if "plugins" in parts:
        i = parts.index("plugins")
        kind = "/".join(parts[i + 1 : -1])
        if kind not in QT_PLUGINS:
            return False
        wanted = QT_PLUGINS[kind]
        return wanted is None or plugin_name(parts[-1]) in wanted
    if "translations" in parts:
        return parts[-1] in QT_TRANSLATIONS
    return not parts[-1].startswith(QT_DROPPED_PREFIXES)


# Linux: libraries of the build machine's system that the bundle does not carry, taking the
# target machine's instead. Three rules pick them:
# - the manylinux policy the PySide6, cryptography and Pillow wheels are built to (PEP 599/600)
#   expects libstdc++, libgcc_s, libX11, libglib/gthread and libz on every system and forbids
#   wheels to vendor them: the wheels already rely on the system's;
# - the AppImage project's exclude list (fontconfig, freetype, expat, gpg-error and the above):
#   a bundled copy breaks against the system's configuration files and drivers;
# - the desktop session's libraries that Qt's X11 plugin already needs from the system
#   (libxcb-*, xkbcommon, D-Bus: the README's package list), and what only those pull in
#   (systemd, gcrypt, lz4, zstd, cap under D-Bus; pcre2 under GLib; png and brotli under
#   freetype; Xau, Xdmcp, bsd, md under libxcb).
# Only files taken from the system's library folders are matched: a wheel's own vendored copy
# (pillow.libs/libxcb-….so) stays.
LINUX_SYSTEM_LIBRARIES = (
    "libstdc++.so.",
    "libgcc_s.so.",
    "libX11.so.",
    "libX11-xcb.so.",
    "libXau.so.",
    "libXdmcp.so.",
    "libxcb.so.",
    "libxcb-",
    "libxkbcommon.so.",
    "libxkbcommon-x11.so.",
    "libglib-2.0.so.",
    "libgthread-2.0.so.",
    "libpcre2-8.so.",
    "libz.so.",
    "libexpat.so.",
    "libfontconfig.so.",
    "libfreetype.so.",
    "libpng16.so.",
    "libbrotlicommon.so.",
    "libbrotlidec.so.",
    "libdbus-1.so.",
    "libsystemd.so.",
    "libgcrypt.so.",
    "libgpg-error.so.",
    "liblz4.so.",
    "libzstd.so.",
    "libcap.so.",
    "libbsd.so.",
    "libmd.so.",
)
_SYSTEM_LIBRARY_FOLDERS = ("/lib/", "/lib64/", "/usr/lib/", "/usr/lib64/")


def taken_from_system(dest: str, src: str) -> bool:
    """Whether a binary PyInstaller found is one the Linux bundle leaves to the system."""
    return src.startswith(_SYSTEM_LIBRARY_FOLDERS) and _name(dest).startswith(
        LINUX_SYSTEM_LIBRARIES
    )
