"""The Japanese translation is complete and the shipped .qm is compiled from the .ts."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from marugoto_desktop.paths import translations_dir

TS = translations_dir() / "marugoto_ja.ts"
QM = translations_dir() / "marugoto_ja.qm"


def test_every_message_is_translated() -> None:
    unfinished = [
        message.findtext("source")
        for message in ET.parse(TS).getroot().iter("message")
        if message.find("translation").get("type") in ("unfinished", "vanished", "obsolete")
    ]
    assert unfinished == []


def test_every_ui_string_is_in_the_translation(tmp_path: Path) -> None:
    """Running lupdate over the UI code finds nothing the shipped .ts lacks."""
    lupdate = Path(sys.executable).parent / "pyside6-lupdate"
    fresh = tmp_path / "fresh.ts"
    sources = sorted(
        str(p) for p in (Path(__file__).parents[2] / "src/marugoto_desktop/ui").glob("*.py")
    )
    subprocess.run([lupdate, *sources, "-ts", fresh], check=True, capture_output=True)
    wanted = {m.findtext("source") for m in ET.parse(fresh).getroot().iter("message")}
    shipped = {m.findtext("source") for m in ET.parse(TS).getroot().iter("message")}
    assert wanted - shipped == set()


def test_the_shipped_qm_is_compiled_from_the_ts(tmp_path: Path) -> None:
    lrelease = Path(sys.executable).parent / "pyside6-lrelease"
    compiled = tmp_path / "marugoto_ja.qm"
    subprocess.run([lrelease, TS, "-qm", compiled], check=True, capture_output=True)
    assert compiled.read_bytes() == QM.read_bytes(), "run `make i18n` and commit the .qm"
