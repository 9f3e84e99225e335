"""The desktop application: `marugoto-desktop-gui [--vault DIR]` opens on the unlock page."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QLocale, QObject, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox

from ..paths import fonts_dir, icons_dir, translations_dir
from ..policy import PolicyInvalid, machine_policy
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
    app.setWindowIcon(QIcon(str(icons_dir() / "marugoto-desktop.png")))
    QLocale.setDefault(QLocale(QLocale.Language.Japanese, QLocale.Country.Japan))
    family = register_fonts()
    if family:
        app.setFont(ui_font(family, text_size()))
    app.setProperty("_marugoto_translators", install_translations(app))
    return app


class _QuitWhenPainted(QObject):
    """--quit-when-shown: end the program once the first page has been drawn (start-up timing)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            QCoreApplication.exit(0)
        return False


def policy_refused(error: PolicyInvalid) -> int:
    """A broken machine policy stops the app: running without IT's rules is not an option."""
    box = QMessageBox(
        QMessageBox.Icon.Critical,
        QCoreApplication.translate("App", "Cannot start"),
        QCoreApplication.translate(
            "App",
            "The settings file your IT department placed on this computer cannot be read, so "
            "the app does not start. Tell your IT department:\n%1",
        ).replace("%1", str(error)),
    )
    box.exec()
    return 1


def run(vault: Path | None = None, argv: Sequence[str] = (), quit_when_shown: bool = False) -> int:
    app = create_application(argv or sys.argv[:1])
    try:
        machine_policy()
    except PolicyInvalid as error:
        return policy_refused(error)
    window = MainWindow(default_vault=vault)
    if quit_when_shown:  # (the first field of the page shown: drawn once the page is)
        page = window.pages.currentWidget()
        field = page.findChild(QLineEdit) if page is not None else None
        assert field is not None
        field.installEventFilter(_QuitWhenPainted(window))
    window.show()
    return app.exec()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="marugoto-desktop")
    parser.add_argument("--vault", type=Path, metavar="DIR")
    parser.add_argument(
        "--quit-when-shown", action="store_true", help="exit once the first page is drawn (timing)"
    )
    args = parser.parse_args(argv)
    vault = args.vault.expanduser() if args.vault else None
    return run(vault, quit_when_shown=args.quit_when_shown)
