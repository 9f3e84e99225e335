"""THIRD-PARTY-LICENSES: generated from the installed distributions, never typed by hand.

`make installer` writes it (python -m marugoto_desktop.licences OUT) from the distributions the
app needs at run time — pyproject.toml's dependencies and theirs, markers evaluated for the
building machine — with each one's licence files as its wheel ships them, then Python's own
licence, PyInstaller's (its bootloader starts the program), and the OFL of the bundled fonts.
The About dialog shows the file shipped in the bundle; run from source, it generates the same.

A distribution whose wheel carries no licence text (PySide6 and shiboken6 carry none) gets the
texts of the licence chosen for it from resources/licenses/, which are copies of the FSF's
files; a distribution with neither stops the build.
"""

from __future__ import annotations

import re
import sys
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from . import __version__
from .paths import fonts_dir, licenses_dir

NOTICES_FILE = "THIRD-PARTY-LICENSES.txt"
PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"

# Where a distribution is offered under a choice of licences, the one this app takes, and the
# texts (in resources/licenses/) that a copy under it must carry. LGPL-3.0 builds on the
# GPL-3.0, so both go with it.
CHOSEN = {"pyside6-essentials": "LGPL-3.0-only", "shiboken6": "LGPL-3.0-only"}
TEXTS = {
    "LGPL-3.0-only": ("LGPL-3.0.txt", "GPL-3.0.txt"),
    "GPL-3.0-only": ("GPL-3.0.txt",),
}
_LICENCE_NAME = re.compile(r"^(LICEN[CS]E|COPYING|NOTICE|COPYRIGHT)", re.IGNORECASE)


class LicenceMissing(LookupError):
    """A distribution that would be shipped without any licence text."""


@dataclass(frozen=True)
class Component:
    name: str
    version: str
    licence: str  # an SPDX expression where the package states one
    home: str
    texts: tuple[tuple[str, str], ...]  # (file name, text)


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_requirements(pyproject: Path = PYPROJECT) -> list[str]:
    with pyproject.open("rb") as stream:
        return list(tomllib.load(stream)["project"]["dependencies"])


def runtime_distributions(requirements: Iterable[str]) -> list[metadata.Distribution]:
    """The installed distributions `requirements` need, with theirs, no extras."""
    from packaging.requirements import Requirement  # a build-time need (pip and pytest have it)

    seen: dict[str, metadata.Distribution] = {}
    queue = list(requirements)
    while queue:
        requirement = Requirement(queue.pop())
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue
        key = canonical(requirement.name)
        if key in seen:
            continue
        dist = metadata.distribution(requirement.name)
        seen[key] = dist
        queue.extend(dist.requires or [])
    return sorted(seen.values(), key=lambda d: canonical(_field(d.metadata, "Name")))


def licence_expression(dist: metadata.Distribution) -> str:
    meta = dist.metadata
    stated = (_field(meta, "License-Expression") or _field(meta, "License")).strip()
    if stated and len(stated) <= 120 and "\n" not in stated:
        return stated
    classifiers = [
        c.split(" :: ")[-1] for c in meta.get_all("Classifier") or [] if c.startswith("License")
    ]
    if classifiers:
        return " / ".join(classifiers)
    return stated.splitlines()[0] if stated else "see the licence text"


def _field(meta: metadata.PackageMetadata, name: str) -> str:
    values = meta.get_all(name)
    return str(values[0]) if values else ""


def licence_texts(dist: metadata.Distribution) -> list[tuple[str, str]]:
    """The licence files the wheel put in its .dist-info (PEP 639 licenses/ or the top)."""
    texts = []
    for file in dist.files or []:
        parts = file.parts
        if not parts[0].endswith(".dist-info"):
            continue
        if _LICENCE_NAME.match(file.name) or (len(parts) > 2 and parts[1] == "licenses"):
            text = dist.read_text("/".join(parts[1:]))
            if text:
                texts.append((file.name, text))
    return texts


def component(dist: metadata.Distribution) -> Component:
    name = _field(dist.metadata, "Name")
    key = canonical(name)
    expression = licence_expression(dist)
    texts = licence_texts(dist)
    if key in CHOSEN:
        chosen = CHOSEN[key]
        expression = f"{chosen} (chosen from: {expression})"
        texts += [(f, (licenses_dir() / f).read_text(encoding="utf-8")) for f in TEXTS[chosen]]
    if not texts:
        raise LicenceMissing(name)
    urls = dict(
        (u.split(",", 1)[0].strip().lower(), u.split(",", 1)[1].strip())
        for u in dist.metadata.get_all("Project-URL") or []
        if "," in u
    )
    home = _field(dist.metadata, "Home-page") or urls.get("homepage") or urls.get("source") or ""
    return Component(name, dist.version, expression, home, tuple(texts))


def python_component() -> Component:
    """The Python runtime every bundle carries (PSF licence)."""
    version = ".".join(map(str, sys.version_info[:3]))
    candidates = [
        Path(sys.base_prefix) / "LICENSE.txt",  # Windows (python.org)
        Path(sys.base_prefix)
        / "lib"
        / f"python{sys.version_info[0]}.{sys.version_info[1]}"
        / "LICENSE.txt",
    ]
    for path in candidates:
        if path.is_file():
            return Component(
                "Python",
                version,
                "PSF-2.0",
                "https://www.python.org",
                (("LICENSE.txt", path.read_text(encoding="utf-8")),),
            )
    raise LicenceMissing("Python")


def font_component() -> Component:
    text = (fonts_dir() / "LICENSE-OFL.txt").read_text(encoding="utf-8")
    return Component(
        "BIZ UDGothic, BIZ UDPGothic (Morisawa)",
        "",
        "OFL-1.1",
        "https://github.com/googlefonts/morisawa-biz-ud-gothic",
        (("LICENSE-OFL.txt", text),),
    )


def components(extra: Iterable[str] = ()) -> list[Component]:
    """Everything shipped: the run-time distributions, `extra` ones (PyInstaller), Python, fonts."""
    dists = runtime_distributions(runtime_requirements())
    dists += [metadata.distribution(name) for name in extra]
    return [*(component(d) for d in dists), python_component(), font_component()]


def render(parts: list[Component]) -> str:
    width = max(len(f"{c.name} {c.version}") for c in parts)
    lines = [
        f"THIRD-PARTY LICENSES — marugoto-desktop {__version__}",
        "",
        "Generated from the installed distributions when the program was built",
        "(python -m marugoto_desktop.licences); do not edit by hand.",
        "",
        "Qt for Python (PySide6, shiboken6) and the Qt libraries it carries are used under",
        "the GNU LGPL version 3. They are dynamically linked and lie as separate files in the",
        "program's folder (_internal/PySide6): you may replace them with your own build of",
        "the same Qt version. Source: https://code.qt.io/cgit/pyside/pyside-setup.git/ and",
        "https://download.qt.io/official_releases/qt/ ; the third-party code inside Qt is",
        "listed at https://doc.qt.io/qt-6/licenses-used-in-qt.html .",
        "",
        "Summary",
        "",
    ]
    lines += [f"  {f'{c.name} {c.version}'.strip():<{width}}  {c.licence}" for c in parts]
    for c in parts:
        lines += ["", "", "=" * 78, f"{c.name} {c.version}".strip(), f"Licence: {c.licence}"]
        if c.home:
            lines.append(f"Home: {c.home}")
        lines.append("=" * 78)
        for file_name, text in c.texts:
            lines += ["", f"--- {file_name} ---", "", text.rstrip()]
    return "\n".join(lines) + "\n"


def shipped_notices() -> str:
    """The notices shipped in the bundle; from source, generated now from what is installed."""
    shipped = licenses_dir() / NOTICES_FILE
    if shipped.is_file():
        return shipped.read_text(encoding="utf-8")
    return render(components())


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        print("usage: python -m marugoto_desktop.licences OUT [EXTRA_DISTRIBUTION ...]")
        return 2
    out = Path(args[0])
    out.parent.mkdir(parents=True, exist_ok=True)
    parts = components(extra=args[1:])
    out.write_text(render(parts), encoding="utf-8")
    print(f"wrote {out}: {len(parts)} components")
    return 0


if __name__ == "__main__":
    sys.exit(main())
