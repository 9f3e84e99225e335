"""Printing: a document built in the background, put in the private print folder and opened
in the system's viewer (which prints it). The folder is emptied on lock and on exit.

The documents are operations (operations/documents.py); no file leaves the print folder
unless the person saves it somewhere (the 集計 screen's 保存 buttons).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ..domain import vocabularies as v
from ..operations import documents
from ..operations.directory import agency_choices
from ..operations.print_folder import PrintFolder
from ..operations.visits import signed_in_consultant
from ..reports.consent_scope import ConsentRefused
from ..vault import VaultError
from .background import Runner
from .forms import CodePicker, normalise_date
from .messages import os_error_text, vault_error_text
from .session import Session, today

translate = QCoreApplication.translate

# File names say what a document is, never whom it is about (a name in a file name would
# show in the viewer's title, its recent files, the print queue).
ACTIVITY_FILE = "katsudo-kirokuhyo.pdf"
FACE_SHEET_FILE = "face-sheet.pdf"
DAY_FILE = "gyomu-nippo.pdf"
FIGURES_FILE = "jisseki.pdf"


def refusal_text(refused: ConsentRefused) -> str:
    """Why a face sheet may not be shared with an agency, in plain Japanese."""
    reasons = {
        "no_consent": translate("Printing", "the household has no consent on record."),
        "agency_not_covered": translate(
            "Printing", "no consent of the household names this agency."
        ),
        "purpose_not_covered": translate(
            "Printing", "the consents name this agency, but not for this purpose."
        ),
        "not_yet_granted": translate("Printing", "the consent that would cover it starts later."),
        "withdrawn": translate("Printing", "the consent that covered it has been withdrawn."),
        "consenter_not_member": translate(
            "Printing", "the consent was given by someone no longer in the household."
        ),
    }
    return translate(
        "Printing", "Nothing may be shared with this agency for this purpose: %1"
    ).replace("%1", reasons.get(refused.reason, refused.reason))


def document_error_text(error: BaseException) -> str:
    if isinstance(error, ConsentRefused):
        return refusal_text(error)
    if isinstance(error, documents.RecordMissing):
        return translate("Printing", "The record is no longer there (deleted, perhaps by a sync).")
    if isinstance(error, VaultError):
        return vault_error_text(error)
    if isinstance(error, OSError):
        return translate("Printing", "The document could not be written: %1").replace(
            "%1", os_error_text(error)
        )
    return translate(
        "Printing",
        "The document could not be made. Try again; if it happens again, tell the office.",
    )


def open_in_viewer(path: Path) -> bool:
    """The system's PDF viewer, which prints (tests replace this)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class Printer(QObject):
    """Makes documents in the background and opens them; one per window."""

    opened = Signal(object)  # Path of the document in the print folder
    failed = Signal(str)  # what went wrong, in Japanese

    def __init__(self, session: Session, runner: Runner, folder: PrintFolder | None = None):
        super().__init__(session)
        self.session = session
        self.runner = runner
        self.folder = folder or PrintFolder()
        self.session.locked.connect(self.empty)

    def start(self) -> None:
        """At start-up: the folder made private, and what a crash left in it removed."""
        with contextlib.suppress(OSError):  # printing will say so when it is tried
            self.folder.start()

    def empty(self) -> None:
        """On lock and on exit (a file a viewer still holds goes at the next start)."""
        with contextlib.suppress(OSError):
            self.folder.empty()

    def _make(self, what: str, file_name: str, build: Callable[[Any], bytes]) -> None:
        vault = self.session.vault
        if vault is None:
            return
        folder = self.folder

        def work() -> Path:
            return folder.put(file_name, build(vault))

        def done(path: Path) -> None:
            if self.session.vault is not vault:  # locked meanwhile: the folder is emptied
                self.empty()
                return
            open_in_viewer(path)
            self.opened.emit(path)

        def failed(error: Exception) -> None:
            self.failed.emit(document_error_text(error))

        self.runner.run(what, work, done, failed)

    def print_activity(self, activity_id: str) -> None:
        self._make(
            translate("Printing", "Making the activity record…"),
            ACTIVITY_FILE,
            lambda vault: documents.activity_document(vault, activity_id),
        )

    def print_household(
        self,
        household_id: str,
        *,
        for_agency: str | None = None,
        purpose: str = documents.SHARING_PURPOSE,
    ) -> None:
        self._make(
            translate("Printing", "Making the face sheet…"),
            FACE_SHEET_FILE,
            lambda vault: documents.household_document(
                vault, household_id, for_agency=for_agency, purpose=purpose
            ),
        )

    def print_day(self, day: date, consultant: str | None) -> None:
        self._make(
            translate("Printing", "Making the day's report…"),
            DAY_FILE,
            lambda vault: documents.day_document(vault, day, consultant=consultant),
        )

    def print_figures(self, period: Any, areas: Any) -> None:
        self._make(
            translate("Printing", "Making the report of the figures…"),
            FIGURES_FILE,
            lambda vault: documents.figures_document(vault, period, areas),
        )


class AgencySheetDialog(QDialog):
    """A face sheet made for one agency: which agency, for what purpose."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Face sheet for an agency"))
        vault = session.require()
        self.agency = CodePicker(agency_choices(vault), allow_empty=False)
        self.agency.setObjectName("sheet_agency")
        self.agency.setAccessibleName(self.tr("Agency"))
        self.agency.set_code("")  # chosen by the person, never guessed
        self.purpose = CodePicker(list(v.CONSENT_PURPOSES.entries), allow_empty=False)
        self.purpose.setObjectName("sheet_purpose")
        self.purpose.setAccessibleName(self.tr("Purpose"))
        self.purpose.set_code(documents.SHARING_PURPOSE)
        note = QLabel(
            self.tr(
                "Only the members and issues that the household's valid consents cover for "
                "this agency and purpose are printed; the sheet says that the rest was withheld."
            )
        )
        note.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Agency"), self.agency)
        form.addRow(self.tr("Purpose"), self.purpose)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Print"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        self.error = QLabel()
        self.error.setObjectName("sheet_error")
        self.error.setStyleSheet("color: #b00020;")
        self.error.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(520, self.sizeHint().height())

    def _accept(self) -> None:
        if not self.agency.code() or not self.purpose.code():
            self.error.setText(self.tr("Choose the agency and the purpose."))
            self.error.show()
            return
        self.accept()


class DayDialog(QDialog):
    """業務日報: which day, and whether only one's own activities."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Day's report"))
        self.consultant = signed_in_consultant(session.require())
        self.day = QLineEdit(today().isoformat())
        self.day.setObjectName("day_date")
        self.day.setAccessibleName(self.tr("Date"))
        self.day.setPlaceholderText(self.tr("YYYY-MM-DD"))
        self.mine = QCheckBox(
            self.tr("Only what %1 recorded").replace("%1", self.consultant or "")
            if self.consultant
            else self.tr("Only my activities (set your name in 設定)")
        )
        self.mine.setChecked(bool(self.consultant))
        self.mine.setEnabled(bool(self.consultant))
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020;")
        self.error.hide()
        form = QFormLayout()
        form.addRow(self.tr("Date"), self.day)
        form.addRow("", self.mine)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Print"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def chosen_day(self) -> date | None:
        try:
            return date.fromisoformat(normalise_date(self.day.text()))
        except ValueError:
            return None

    def chosen_consultant(self) -> str | None:
        return self.consultant if self.mine.isChecked() else None

    def _accept(self) -> None:
        if self.chosen_day() is None:
            self.error.setText(self.tr("Type a date such as 2025-04-01."))
            self.error.show()
            return
        self.accept()
