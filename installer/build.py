"""`make installer`: the generated inputs, PyInstaller, then a versioned archive.

    python installer/build.py [--sign "COMMAND"]    (in build/installer-venv)

Writes dist/marugoto-desktop/ (the program folder) and
dist/marugoto-desktop-VERSION-PLATFORM.tar.gz (a .zip on Windows). On Windows, Inno Setup then
makes the installer from dist/marugoto-desktop/ (installer/README.md). With --sign, COMMAND
followed by the programs' paths runs before the archive is made (Windows: signtool sign …).
"""

from __future__ import annotations

import argparse
import json
import platform
import shlex
import shutil
import subprocess
import sys
import tarfile
import time
import tomllib
import zipfile
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
GENERATED = ROOT / "build" / "installer"
DIST = ROOT / "dist"
NAME = "marugoto-desktop"
sys.path.insert(0, str(HERE))

from windows_version import version_info_text  # noqa: E402


def project_version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as stream:
        version = str(tomllib.load(stream)["project"]["version"])
    init = (ROOT / "src" / "marugoto_desktop" / "__init__.py").read_text(encoding="utf-8")
    if f'__version__ = "{version}"' not in init:
        raise SystemExit(f"pyproject.toml says {version}; marugoto_desktop.__version__ differs")
    return version


def commit() -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return out + ("-modified" if dirty else "")


def generate(version: str) -> None:
    GENERATED.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "marugoto_desktop.licences",
            str(GENERATED / "THIRD-PARTY-LICENSES.txt"),
            "pyinstaller",  # its bootloader is the program that starts
        ],
        check=True,
        cwd=ROOT,
    )
    info = {
        "version": version,
        "commit": commit(),
        "built": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    (GENERATED / "build-info.json").write_text(json.dumps(info, indent=2), encoding="utf-8")
    (GENERATED / "version_info.txt").write_text(
        version_info_text(version, f"{NAME}.exe"), encoding="utf-8"
    )


def pyinstaller() -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--log-level=WARN",
            "--distpath",
            str(DIST),
            "--workpath",
            str(ROOT / "build" / "pyinstaller"),
            str(HERE / f"{NAME}.spec"),
        ],
        check=True,
        cwd=ROOT,
    )


def finish(folder: Path) -> None:
    """What a person or IT looks for at the top of the folder, beside the program."""
    shutil.copy2(GENERATED / "THIRD-PARTY-LICENSES.txt", folder / "THIRD-PARTY-LICENSES.txt")
    console = folder / f"{NAME}-console.exe"
    if console.exists():  # Windows: the console twin answers `marugoto-desktop …` in cmd
        console.replace(folder / f"{NAME}.com")


def sign(folder: Path, command: str) -> None:
    programs = [p for p in folder.iterdir() if p.suffix in (".exe", ".com")]
    if not programs:
        raise SystemExit(f"nothing to sign in {folder}")
    if sys.platform == "win32":
        # One command line, as typed: splitting it would keep the quote characters of
        # /n "Takamatsu City" inside the argument (shlex in non-POSIX mode).
        subprocess.run(f"{command} {subprocess.list2cmdline(map(str, programs))}", check=True)
    else:
        subprocess.run([*shlex.split(command), *map(str, programs)], check=True)


def archive(folder: Path, version: str) -> Path:
    system = {"win32": "windows", "darwin": "macos"}.get(sys.platform, sys.platform)
    stem = f"{NAME}-{version}-{system}-{platform.machine().lower()}"
    if sys.platform == "win32":
        path = DIST / f"{stem}.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for file in sorted(folder.rglob("*")):
                zf.write(file, file.relative_to(folder.parent))
    else:
        path = DIST / f"{stem}.tar.gz"
        with tarfile.open(path, "w:gz", compresslevel=6) as tf:
            tf.add(folder, arcname=folder.name)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sign", metavar="COMMAND", help="sign the programs with COMMAND FILE…")
    args = parser.parse_args()
    start = time.perf_counter()
    version = project_version()
    generate(version)
    pyinstaller()
    folder = DIST / NAME
    finish(folder)
    if args.sign:
        sign(folder, args.sign)
    built = time.perf_counter() - start
    path = archive(folder, version)
    print(
        f"built {folder} in {built:.0f} s; archive {path} ({path.stat().st_size / 2**20:.1f} MiB)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
