"""THIRD-PARTY-LICENSES is generated from what is installed, with every licence text shipped."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

import pytest

from marugoto_desktop import licences


@pytest.fixture(scope="module")
def shipped() -> list[str]:
    dists = licences.runtime_distributions(licences.runtime_requirements())
    return [licences.canonical(licences._field(d.metadata, "Name")) for d in dists]


def test_the_run_time_dependencies_and_theirs_are_listed(shipped: list[str]) -> None:
    for name in ("pyside6-essentials", "shiboken6", "cryptography", "httpx", "reportlab"):
        assert name in shipped
    assert "cffi" in shipped  # a dependency of a dependency (cryptography)


def test_the_server_and_the_test_tools_are_not(shipped: list[str]) -> None:
    for name in ("fastapi", "sqlalchemy", "uvicorn", "alembic", "pytest", "hypothesis", "mypy"):
        assert name not in shipped


def test_a_licence_text_is_the_one_the_wheel_ships() -> None:
    dist = metadata.distribution("cryptography")
    part = licences.component(dist)
    names = dict(part.texts)
    assert "LICENSE.APACHE" in names
    file = next(f for f in dist.files or [] if f.name == "LICENSE.APACHE")
    assert names["LICENSE.APACHE"] == file.read_text()
    assert part.licence == "Apache-2.0 OR BSD-3-Clause"


def test_qt_gets_the_lgpl_it_is_used_under() -> None:
    part = licences.component(metadata.distribution("PySide6-Essentials"))
    assert part.licence.startswith("LGPL-3.0-only (chosen from:")
    texts = dict(part.texts)
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in texts["LGPL-3.0.txt"]
    assert "GNU GENERAL PUBLIC LICENSE" in texts["GPL-3.0.txt"]  # the LGPL builds on it


def test_a_package_without_any_licence_text_stops_the_build(tmp_path: Path) -> None:
    info = tmp_path / "nolicence-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: nolicence\nVersion: 1.0\nLicense: MIT\n", encoding="utf-8"
    )
    (info / "RECORD").write_text("nolicence-1.0.dist-info/METADATA,,\n", encoding="utf-8")
    with pytest.raises(licences.LicenceMissing):
        licences.component(metadata.PathDistribution(info))
    (info / "LICENSE").write_text("MIT licence text", encoding="utf-8")
    (info / "RECORD").write_text(
        "nolicence-1.0.dist-info/METADATA,,\nnolicence-1.0.dist-info/LICENSE,,\n",
        encoding="utf-8",
    )
    assert licences.component(metadata.PathDistribution(info)).texts == (
        ("LICENSE", "MIT licence text"),
    )


def test_the_file_has_python_the_fonts_and_a_summary(tmp_path: Path) -> None:
    out = tmp_path / "THIRD-PARTY-LICENSES.txt"
    assert licences.main([str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    summary = text.split("\n\n\n", 1)[0]
    assert "PySide6_Essentials" in summary or "PySide6-Essentials" in summary
    assert "OFL-1.1" in summary and "PSF-2.0" in summary
    assert "SIL OPEN FONT LICENSE" in text.upper()
    assert "PYTHON SOFTWARE FOUNDATION LICENSE" in text.upper()
    assert "fastapi" not in text.lower()
