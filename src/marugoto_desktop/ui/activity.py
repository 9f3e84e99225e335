"""The fast 活動記録 entry: today, the area and the consultant prefilled; focus on kind."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from ..domain.records import Record
from ..domain.validation import RecordInvalid
from ..domain.vocabularies import AREAS
from ..operations.changes import OpChanges
from ..operations.visits import record_visit, set_consultant, visit_draft
from ..vault import VaultError
from .forms import CodePicker, RecordForm
from .messages import vault_error_text
from .session import Session, today

# Kind first: the keyboard path types part of its label, then Tab, then the content.
ENTRY_FIELDS = (
    "kind",
    "content",
    "date",
    "time",
    "place",
    "participants",
    "next_action",
    "next_date",
    "recorded_by",
)


class ActivityDialog(QDialog):
    """A new activity for one household. Ctrl+S (or Enter on the buttons) saves."""

    def __init__(self, session: Session, household: Record, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.household = household
        self.saved_record: Record | None = None
        self.changes: OpChanges | None = None
        self.setWindowTitle(self.tr("New activity"))
        self.setModal(True)
        heading = QLabel(
            self.tr("%1 (%2)")
            .replace("%1", str(household.get("name", "")))
            .replace("%2", AREAS.label(household.area or ""))
        )
        heading.setObjectName("activity_heading")
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        self.form = RecordForm("activity", fields=ENTRY_FIELDS)
        # Today and who records (設定's name, else the enrolled user), as the operation fills them.
        self.draft = visit_draft(session.require(), household.id, today=today())
        self.form.set_values(self.draft.fields)
        recorder = self.form.editors["recorded_by"]
        if self.draft.recorded_by is None and isinstance(recorder, QLineEdit):
            recorder.setPlaceholderText(self.tr("Your name (filled in from then on)"))
        self.form.edited.connect(self._edited)
        self.dirty = False
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("Save (Ctrl+S)"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        save = QShortcut(QKeySequence.StandardKey.Save, self)
        save.activated.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.form, 1)
        layout.addWidget(buttons)
        self.resize(620, self.sizeHint().height())
        self.kind.setFocus()

    @property
    def kind(self) -> CodePicker:
        editor = self.form.editors["kind"]
        assert isinstance(editor, CodePicker)
        return editor

    def _edited(self) -> None:
        self.dirty = True

    def save(self) -> None:
        vault = self.session.vault
        if vault is None:
            self.reject()
            return
        values = self.form.values()
        try:
            record, changes = record_visit(vault, self.household.id, values, today=today())
        except RecordInvalid as exc:
            self.form.show_errors(exc.errors)
            return
        except VaultError as exc:
            QMessageBox.warning(self, self.tr("Not saved"), vault_error_text(exc))
            return
        recorder = str(values.get("recorded_by") or "")
        if self.draft.recorded_by is None and recorder:
            # No name was known on this laptop: the one typed here becomes the recorder of
            # the next activities too (設定 shows it, and may change it).
            changes |= set_consultant(vault, recorder)
        self.saved_record, self.changes = record, changes
        self.accept()

    def reject(self) -> None:
        if self.dirty and self.session.vault is not None:
            answer = QMessageBox.question(
                self,
                self.tr("Unsaved changes"),
                self.tr("This activity is not saved. Discard it?"),
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Discard:
                return
        super().reject()

    def closeEvent(self, event: Any) -> None:
        super().closeEvent(event)
