"""The About dialog: version, the licences (Qt's LGPL, the fonts' OFL, the rest) and the source."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMenu

from marugoto_desktop import __version__
from marugoto_desktop.ui.about import AboutDialog
from marugoto_desktop.ui.windows import MainWindow


def test_about_names_the_version_and_every_licence(qtbot):
    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "このアプリについて"
    assert __version__ in dialog.findChild(QLabel, "about_version").text()
    summary = dialog.findChild(QLabel, "about_summary").text()
    assert "LGPL" in summary and "Open Font License" in summary
    assert "https://download.qt.io/" in summary
    assert "ソースコード" in summary
    notices = dialog.notices.toPlainText()
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in notices
    assert "SIL OPEN FONT LICENSE" in notices.upper()
    assert "cryptography" in notices


def test_about_is_in_the_help_menu(qtbot):
    window = MainWindow()
    qtbot.addWidget(window)
    menus = {m.title(): m for m in window.menuBar().findChildren(QMenu)}
    assert window.about_action in menus["ヘルプ(&H)"].actions()
