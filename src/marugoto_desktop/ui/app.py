"""The desktop application: `marugoto-desktop-gui [--vault DIR]` opens on the unlock page."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from ..paths import fonts_dir, translations_dir
from .settings_page import text_size
from .windows import MainWindow

UI_FONT_FILES = ("BIZUDPGothic-Regular.ttf", "BIZUDPGothic-Bold.ttf")


def register_fonts() -> str | None:
    """Register the bundled BIZ UDPGothic so Japanese renders the same everywhere."""
    family = None
    for name in UI_FONT_FILES:
        font_id = QFontDatabase.addApplicationFont(str(fonts_dir() / name))
        if font_id >= 0 and family is None:
            families = QFontDatabase.applicationFontFamilies(font_id)
            family = families[0] if families else None
    return family


# Characters the bundled font lacks (𠮷, some 異体字, emoji) come from these, where installed.
FALLBACK_FAMILIES = (
    "Noto Sans CJK JP",
    "Noto Sans JP",
    "IPAexGothic",
    "Yu Gothic UI",
    "Meiryo",
    "Hiragino Sans",
    "Noto Color Emoji",
    "Segoe UI Emoji",
    "Apple Color Emoji",
)


def ui_font(family: str, point_size: int) -> QFont:
    """The bundled font first, then families that have what it lacks (no empty boxes)."""
    font = QFont(family, point_size)
    installed = set(QFontDatabase.families())
    font.setFamilies([family, *(f for f in FALLBACK_FAMILIES if f in installed)])
    return font


def _qt_gaps() -> None:
    """Never called: shows lupdate the words of Qt's own dialogs that qtbase_ja leaves in
    English, so that our translation (installed after Qt's) has them."""
    translate = QCoreApplication.translate
    translate("QAbstractFileIconProvider", "Folder", "All other platforms")


def install_translations(app: QApplication, language: str = "ja") -> list[QTranslator]:
    """Qt's own Japanese (qtbase_ja) plus ours; kept alive by the caller."""
    installed = []
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name, folder in ((f"qtbase_{language}", qt_dir), (f"marugoto_{language}", None)):
        translator = QTranslator(app)
        where = str(translations_dir()) if folder is None else folder
        if translator.load(name, where):
            app.installTranslator(translator)
            installed.append(translator)
    return installed


def create_application(argv: Sequence[str]) -> QApplication:
    app = QApplication.instance() or QApplication(list(argv))
    assert isinstance(app, QApplication)
    app.setApplicationName("marugoto-desktop")
    app.setOrganizationName("Takamatsu City")
    QLocale.setDefault(QLocale(QLocale.Language.Japanese, QLocale.Country.Japan))
    family = register_fonts()
    if family:
        app.setFont(ui_font(family, text_size()))
    app.setProperty("_marugoto_translators", install_translations(app))
    return app


def run(vault: Path | None = None, argv: Sequence[str] = ()) -> int:
    app = create_application(argv or sys.argv[:1])
    window = MainWindow(default_vault=vault)
    window.show()
    return app.exec()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="marugoto-desktop-gui")
    parser.add_argument("--vault", type=Path, metavar="DIR")
    args = parser.parse_args(argv)
    return run(args.vault.expanduser() if args.vault else None)
