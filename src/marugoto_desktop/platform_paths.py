"""Where the app keeps a person's records, and where IT's machine-wide policy file lives.

The conventions are platformdirs' (user_data_dir and site_config_dir with no "author" folder),
written out here because they are a few lines and the print folder (operations/print_folder.py)
already follows the same ones by hand; docs/packaging.md lists the resulting folders.

Never beside the executable: a per-machine install lives in Program Files, which a person
cannot write, and an upgrade replaces the program's folder whole.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath

APP_FOLDER = "marugoto-desktop"
POLICY_FILE = "policy.toml"


def user_data_dir(platform: str = sys.platform, environ: Mapping[str, str] = os.environ) -> Path:
    """The per-user application data folder, on the local disk (never a roaming profile:
    the vault must not be copied to a file server at every logoff)."""
    if platform == "win32":
        local = environ.get("LOCALAPPDATA")
        base = PureWindowsPath(local) if local else _home(platform, environ) / "AppData" / "Local"
        return _native(base / APP_FOLDER)
    if platform == "darwin":
        home = _home(platform, environ)
        return _native(home / "Library" / "Application Support" / APP_FOLDER)
    xdg = environ.get("XDG_DATA_HOME", "").strip()
    if xdg and PurePosixPath(xdg).is_absolute():  # (XDG: a relative value must be ignored)
        return _native(PurePosixPath(xdg) / APP_FOLDER)
    return _native(_home(platform, environ) / ".local" / "share" / APP_FOLDER)


def default_vault_dir(
    platform: str = sys.platform, environ: Mapping[str, str] = os.environ
) -> Path:
    """The vault a new person is offered on first run."""
    return _native(_flavour(platform)(user_data_dir(platform, environ)) / "vault")


def demo_vault_dir(platform: str = sys.platform, environ: Mapping[str, str] = os.environ) -> Path:
    """The demo vault ("try with demo data"), apart from the real one."""
    return _native(_flavour(platform)(user_data_dir(platform, environ)) / "demo")


def machine_config_dir(
    platform: str = sys.platform, environ: Mapping[str, str] = os.environ
) -> Path:
    """The machine-wide folder IT writes and a person cannot (platformdirs' site_config_dir)."""
    if platform == "win32":
        # Never %ProgramData%: a person's own environment variable of that name wins over the
        # system's, and would choose which policy applies. Windows itself is asked.
        base = _program_data() if sys.platform == "win32" else r"C:\ProgramData"
        return _native(PureWindowsPath(base) / APP_FOLDER)
    if platform == "darwin":
        return _native(PurePosixPath("/Library/Application Support") / APP_FOLDER)
    # Deliberately not $XDG_CONFIG_DIRS: a person can set that variable, and so choose
    # which policy applies. /etc is root's.
    return _native(PurePosixPath("/etc") / APP_FOLDER)


def _program_data() -> str:
    """FOLDERID_ProgramData, from Windows (SHGetKnownFolderPath), not from the environment."""
    if sys.platform != "win32":
        raise OSError("only Windows has a ProgramData folder")
    import ctypes

    class _Guid(ctypes.Structure):
        _fields_ = [
            ("data1", ctypes.c_uint32),
            ("data2", ctypes.c_uint16),
            ("data3", ctypes.c_uint16),
            ("data4", ctypes.c_ubyte * 8),
        ]

    # {62AB5D82-FDC1-4DC3-A9DD-070D1D495D97}
    program_data = _Guid(
        0x62AB5D82,
        0xFDC1,
        0x4DC3,
        (ctypes.c_ubyte * 8)(0xA9, 0xDD, 0x07, 0x0D, 0x1D, 0x49, 0x5D, 0x97),
    )
    found = ctypes.c_wchar_p()
    result = ctypes.windll.shell32.SHGetKnownFolderPath(
        ctypes.byref(program_data), 0, None, ctypes.byref(found)
    )
    try:
        if result != 0 or not found.value:
            raise OSError(
                f"Windows did not say where ProgramData is (HRESULT {result & 0xFFFFFFFF:#x})"
            )
        return found.value
    finally:
        ctypes.windll.ole32.CoTaskMemFree(found)


def policy_path(platform: str = sys.platform, environ: Mapping[str, str] = os.environ) -> Path:
    return _native(_flavour(platform)(machine_config_dir(platform, environ)) / POLICY_FILE)


def executable_dir() -> Path | None:
    """The folder of the packaged program, or None when running from source."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return None


def _home(platform: str, environ: Mapping[str, str]) -> PurePath:
    if platform == "win32":
        profile = environ.get("USERPROFILE")
        return PureWindowsPath(profile) if profile else PureWindowsPath(Path.home())
    home = environ.get("HOME")
    return PurePosixPath(home) if home else PurePosixPath(Path.home())


def _flavour(platform: str) -> type[PurePath]:
    return PureWindowsPath if platform == "win32" else PurePosixPath


def _native(path: PurePath) -> Path:
    """A path of this machine (the other systems' forms serve the tests)."""
    return Path(str(path))
