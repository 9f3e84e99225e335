"""`make installer-smoke`: run the frozen program as a person and a script would, headless, in a
clean HOME; then print the budgets (size, cold start) and what Qt is in the bundle.

Fails (exit 1) if the program does not work: --self-test, a command, the window's start. The
budgets are printed with OK or OVER beside them, for a person to judge (docs/packaging.md).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FOLDER = ROOT / "dist" / "marugoto-desktop"
sys.path.insert(0, str(HERE))

from bundle_rules import QT_LIBRARY_REASONS, QT_PLUGIN_REASONS  # noqa: E402

SIZE_BUDGET_MB = 120
START_BUDGET_S = 1.5
START_RUNS = 7
PASSPHRASE = "smoke test passphrase, thrown away"  # noqa: S105


def program(window: bool = False) -> Path:
    """The program a script runs (Windows: the console twin, .com) or a person opens."""
    if sys.platform != "win32":
        return FOLDER / "marugoto-desktop"
    return FOLDER / ("marugoto-desktop.exe" if window else "marugoto-desktop.com")


def clean_env(home: Path) -> dict[str, str]:
    """What a fresh account has: a HOME, a PATH, a locale; no display, no XDG folders."""
    env = {
        "HOME": str(home),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "QT_QPA_PLATFORM": "offscreen",
    }
    for name in ("SYSTEMROOT", "WINDIR", "TEMP", "TMP"):  # Windows cannot start without them
        if name in os.environ:
            env[name] = os.environ[name]
    if sys.platform == "win32":
        env["USERPROFILE"] = str(home)
        env["LOCALAPPDATA"] = str(home / "AppData" / "Local")
        env["APPDATA"] = str(home / "AppData" / "Roaming")
    return env


def run(
    args: list[str], env: dict[str, str], window: bool = False
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(program(window)), *args], env=env, capture_output=True, text=True, timeout=300
    )


def check(title: str, result: subprocess.CompletedProcess[str], wanted: str) -> bool:
    ok = result.returncode == 0 and wanted in result.stdout
    print(f"{'ok  ' if ok else 'FAIL'} {title} (exit {result.returncode})")
    if not ok:
        print(result.stdout[-3000:], result.stderr[-3000:], sep="\n")
    return ok


def functional(home: Path) -> bool:
    env = clean_env(home)
    print(f"--- {program()} --self-test (HOME={home}, offscreen)")
    test = run(["--self-test"], env)
    print(test.stdout.rstrip())
    if test.returncode != 0:
        print(test.stderr[-3000:])
    results = [test.returncode == 0]
    print("--- the commands")
    results.append(check("export --help", run(["export", "--help"], env), "usage:"))
    vault = home / "vault"
    env_pass = {**env, "MARUGOTO_PASSPHRASE": PASSPHRASE}
    demo = run(["demo", "--vault", str(vault), "--households", "3"], env_pass)
    results.append(check("demo --households 3", demo, ""))
    export = run(["export", "--vault", str(vault)], env_pass)
    lines = export.stdout.splitlines()
    households = [ln for ln in lines if json.loads(ln).get("type") == "household"]
    ok = export.returncode == 0 and len(households) == 3
    print(f"{'ok  ' if ok else 'FAIL'} export: {len(lines)} records, {len(households)} households")
    results.append(ok)
    if sys.platform.startswith("linux"):
        results.append(linked_libraries())
    beside = [p.name for p in FOLDER.iterdir() if p.name not in _shipped()]
    ok = not beside
    print(f"{'ok  ' if ok else 'FAIL'} nothing written beside the program {beside or ''}")
    results.append(ok)
    return all(results)


def linked_libraries() -> bool:
    """Every program and library in the bundle finds what it links, in the bundle or on the
    system (bundle_rules.LINUX_SYSTEM_LIBRARIES are left to the system); print what the bundle
    takes from the system, which a target machine must have."""
    elves = [p for p in FOLDER.rglob("*") if p.is_file() and _is_elf(p)]
    folders = sorted({str(p.parent) for p in elves})  # as the bootloader's LD_LIBRARY_PATH
    env = {**os.environ, "LD_LIBRARY_PATH": ":".join(folders)}
    missing: dict[str, set[str]] = {}
    from_system: set[str] = set()
    for elf in elves:
        out = subprocess.run(["ldd", str(elf)], env=env, capture_output=True, text=True).stdout
        for line in out.splitlines():
            name, _, where = line.strip().partition(" => ")
            if "not found" in where:
                missing.setdefault(name, set()).add(elf.name)
            elif where.startswith("/") and not where.startswith(str(FOLDER)):
                from_system.add(name)
    print(f"--- system libraries the bundle links ({len(from_system)}; the target must have them)")
    print("  " + " ".join(sorted(from_system)))
    ok = not missing
    detail = "; ".join(f"{n} (for {', '.join(sorted(u)[:3])})" for n, u in sorted(missing.items()))
    print(f"{'ok  ' if ok else 'FAIL'} every bundled library finds what it links {detail}")
    return ok


def _is_elf(path: Path) -> bool:
    with path.open("rb") as stream:
        return stream.read(4) == b"\x7fELF"


def _shipped() -> set[str]:
    return {
        "_internal",
        "THIRD-PARTY-LICENSES.txt",
        "marugoto-desktop",
        "marugoto-desktop.exe",
        "marugoto-desktop.com",
    }


def cold_start(home: Path) -> tuple[list[float], list[float], bool]:
    """Wall time from starting the process to its exit once the unlock page is drawn, and the
    CPU time it used (which other work on the machine does not inflate as much)."""
    env = clean_env(home)
    times, cpu = [], []
    for _ in range(START_RUNS):
        before = _children_cpu()
        start = time.perf_counter()
        result = run(["--vault", str(home / "vault"), "--quit-when-shown"], env, window=True)
        times.append(time.perf_counter() - start)
        cpu.append(_children_cpu() - before)
        if result.returncode != 0:
            print(result.stdout, result.stderr)
            return times, cpu, False
    return times, cpu, True


def _children_cpu() -> float:
    try:
        import resource
    except ImportError:  # Windows
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def tree_size(folder: Path) -> int:
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def qt_inventory() -> None:
    qt = FOLDER / "_internal" / "PySide6"
    libraries = sorted(
        p for p in qt.rglob("*") if p.is_file() and "plugins" not in p.parts and _is_qt_lib(p.name)
    )
    print("--- Qt libraries in the bundle, and why")
    for lib in libraries:
        reason = next((r for key, r in QT_LIBRARY_REASONS.items() if key in lib.name), "?")
        print(f"  {lib.name:<28} {lib.stat().st_size / 2**20:5.1f} MB  {reason}")
    print("--- Qt plugins, and why (every other plugin is left out: bundle_rules.py)")
    for kind in sorted(p for p in (qt / "Qt" / "plugins").glob("*") if p.is_dir()):
        names = ", ".join(sorted(p.name for p in kind.iterdir()))
        print(f"  {kind.name}: {names}\n      {QT_PLUGIN_REASONS.get(kind.name, '?')}")
    translations = sorted(p.name for p in qt.rglob("*.qm"))
    print(f"--- Qt translations: {', '.join(translations) or 'none'}")


def _is_qt_lib(name: str) -> bool:
    return name.startswith(("libQt6", "Qt6", "libicu", "icu")) and not name.endswith(".qm")


def main() -> int:
    if not program().exists():
        print(f"{program()} is missing: run `make installer` first")
        return 1
    work = Path(tempfile.mkdtemp(prefix="marugoto-smoke-"))
    try:
        home = work / "home"
        home.mkdir()
        works = functional(home)
        times, cpu, started = cold_start(work / "start-home")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    qt_inventory()
    size = tree_size(FOLDER) / 2**20
    archives = sorted((ROOT / "dist").glob("marugoto-desktop-*.*"))
    print("--- budgets")
    print(f"load: {_uptime()}")
    verdict = "OK" if size <= SIZE_BUDGET_MB else "OVER"
    print(f"bundle size {size:.1f} MB (budget {SIZE_BUDGET_MB} MB): {verdict}")
    for path in archives:
        print(f"  archive {path.name}: {path.stat().st_size / 2**20:.1f} MB")
    if times:
        median = statistics.median(times)
        verdict = "OK" if median <= START_BUDGET_S else "OVER"
        runs = ", ".join(f"{t:.2f}" for t in times)
        print(
            f"cold start to the unlock window, median of {len(times)}: {median:.2f} s "
            f"(budget {START_BUDGET_S} s): {verdict}  [runs: {runs}]"
        )
        if any(cpu):
            print(f"  CPU time (user+sys) per start, median: {statistics.median(cpu):.2f} s")
    passed = works and started
    print("installer smoke test passed" if passed else "installer smoke test FAILED")
    return 0 if passed else 1


def _uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "unknown"


if __name__ == "__main__":
    sys.exit(main())
