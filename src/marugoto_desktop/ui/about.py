"""The About dialog: the version, the licences of what the program carries, where the source is."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from .. import __version__
from ..licences import NOTICES_FILE, shipped_notices
from ..paths import resources_dir

QT_SOURCE = "https://download.qt.io/official_releases/qt/"
PYSIDE_SOURCE = "https://code.qt.io/cgit/pyside/pyside-setup.git/"


def build_info() -> dict[str, Any]:
    """What build.py recorded in the packaged program (version, commit, date); {} from source."""
    try:
        return dict(json.loads((resources_dir() / "build-info.json").read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return {}


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("about_dialog")
        self.setWindowTitle(self.tr("About marugoto-desktop"))
        info = build_info()
        title = QLabel(f"<b>marugoto-desktop {__version__}</b>")
        title.setObjectName("about_version")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        title.setFont(font)
        if info:
            built = self.tr("Built %1 from commit %2.").replace("%1", str(info.get("built", "")))
            built = built.replace("%2", str(info.get("commit", ""))[:12])
        else:
            built = self.tr("Running from the source code.")
        summary = QLabel(
            "<p>"
            + self.tr("Case records for the all-round welfare consultants of Takamatsu City.")
            + " "
            + built
            + "</p><p><b>"
            + self.tr("Licences")
            + "</b></p><ul><li>"
            + self.tr(
                "Qt and Qt for Python (PySide6): GNU LGPL version 3. They are separate, "
                "replaceable files in the program's folder. Source: %1 and %2"
            )
            .replace("%1", f'<a href="{QT_SOURCE}">{QT_SOURCE}</a>')
            .replace("%2", f'<a href="{PYSIDE_SOURCE}">{PYSIDE_SOURCE}</a>')
            + "</li><li>"
            + self.tr("BIZ UDGothic and BIZ UDPGothic (Morisawa): SIL Open Font License 1.1.")
            + "</li><li>"
            + self.tr(
                "Python and the other libraries: each under its own licence, listed in full "
                "below and in %1 beside the program."
            ).replace("%1", NOTICES_FILE)
            + "</li></ul><p>"
            + self.tr(
                "The source code of this program is kept by Takamatsu City; your IT department "
                "can give you a copy of the version above."
            )
            + "</p>"
        )
        summary.setObjectName("about_summary")
        summary.setWordWrap(True)
        summary.setTextFormat(Qt.TextFormat.RichText)
        summary.setOpenExternalLinks(True)
        summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.notices = QPlainTextEdit()
        self.notices.setObjectName("about_notices")
        self.notices.setReadOnly(True)
        self.notices.setAccessibleName(self.tr("Third-party licences"))
        self.notices.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.notices.setPlainText(shipped_notices())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Close"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(summary)
        layout.addWidget(self.notices, 1)
        layout.addWidget(buttons)
        self.resize(760, 620)
