"""A record's fields as an editable form, built from the domain schema.

Labels come from the schema (Japanese, one place for UI, PDFs and CSV). Values are checked
when the person saves, never on each keystroke, so an IME composing Japanese is left alone;
each problem is shown in plain Japanese next to its field.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ..domain.records import Record
from ..domain.schema import SCHEMAS, FieldSpec, Kind
from .messages import field_error_text

# Choices for a reference field: (id, label) pairs, asked for when the form is filled.
Choices = Callable[[FieldSpec], Sequence[tuple[str, str]]]

_SHORT_NOTE = 300  # notes up to this length stay one line

# A head count means something only where people gather, not on a home visit or a call.
HEAD_COUNT_KINDS = ("outreach.gathering", "outreach.ibasho", "outreach.network_meeting")
# Fields shown only while another field holds one of some codes: (type, field) -> (other, codes).
SHOWN_WHEN: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {
    ("activity", "contacts"): ("kind", HEAD_COUNT_KINDS),
}


class CodePicker(QComboBox):
    """A code chosen by typing part of its Japanese label (or code), then Tab or Enter.

    Editable, so an IME can compose into it; the typed text is resolved only when focus
    leaves or Enter is pressed: 「戸別」 becomes 戸別訪問.
    """

    def __init__(self, entries: Sequence[tuple[str, str]], *, allow_empty: bool = True) -> None:
        super().__init__()
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        if allow_empty:
            self.addItem("", "")
        for code, label in entries:
            self.addItem(label, code)
        completer = QCompleter(self.model(), self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)
        line = self.lineEdit()
        assert line is not None
        line.editingFinished.connect(self.resolve)

    def resolve(self) -> None:
        typed = unicodedata.normalize("NFKC", self.currentText()).strip().casefold()
        if not typed:
            self.setCurrentIndex(0 if self.itemData(0) == "" else -1)
            return
        for exact in (True, False):
            for i in range(self.count()):
                label = self.itemText(i).casefold()
                code = str(self.itemData(i) or "").casefold()
                if not label and not code:
                    continue
                hit = (typed in (label, code)) if exact else (typed in label or typed in code)
                if hit:
                    self.setCurrentIndex(i)
                    self.setEditText(self.itemText(i))
                    return

    def focusOutEvent(self, event: Any) -> None:
        self.resolve()
        super().focusOutEvent(event)

    def code(self) -> str:
        self.resolve()
        index = self.findText(self.currentText(), Qt.MatchFlag.MatchExactly)
        return str(self.itemData(index) or "") if index >= 0 else ""

    def set_code(self, code: str) -> None:
        index = self.findData(code)
        if index < 0 and self.count() and self.itemData(0) == "":
            index = 0
        # -1 (nothing chosen) rather than the first entry: a required choice left to the
        # person is never guessed, so an untouched list cannot pass for a value.
        self.setCurrentIndex(index)


class ChecklistField(QListWidget):
    """Several codes or record ids, each with a check box.

    A value the record holds that is not among the entries (a household of an area this
    laptop does not hold, named by a city-wide meeting) is shown checked, as not on this
    laptop, and kept when the record is saved unless the person unticks it: a form never
    drops what it could not show."""

    _UNLISTED = Qt.ItemDataRole.UserRole + 1

    def __init__(self, entries: Sequence[tuple[str, str]]) -> None:
        super().__init__()
        self.setSpacing(1)
        self.set_entries(entries)
        self.setMaximumHeight(120)

    def set_entries(self, entries: Sequence[tuple[str, str]]) -> None:
        chosen = self.values()
        self.clear()
        for value, label in entries:
            self._add(value, label, checked=value in chosen)
        listed = {value for value, _ in entries}
        for value in chosen:
            if value not in listed:
                self._add_unlisted(value)

    def _add(self, value: str, label: str, *, checked: bool) -> QListWidgetItem:
        item = QListWidgetItem(label)
        item.setData(Qt.ItemDataRole.UserRole, value)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.addItem(item)
        return item

    def _add_unlisted(self, value: str) -> None:
        label = self.tr("Not on this laptop (another area's): %1").replace("%1", value)
        item = self._add(value, label, checked=True)
        item.setData(self._UNLISTED, True)

    def values(self) -> list[str]:
        return [
            str(self.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.count())
            if self.item(i).checkState() == Qt.CheckState.Checked
        ]

    def set_values(self, values: Sequence[str]) -> None:
        wanted = set(values)
        for i in reversed(range(self.count())):
            if self.item(i).data(self._UNLISTED):  # another record's
                self.takeItem(i)
        shown = set()
        for i in range(self.count()):
            item = self.item(i)
            shown.add(item.data(Qt.ItemDataRole.UserRole))
            checked = item.data(Qt.ItemDataRole.UserRole) in wanted
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        for value in values:
            if value not in shown:
                self._add_unlisted(value)


def normalise_date(text: str) -> str:
    """2025/4/1, ２０２５－０４－０１ and 2025.4.1 all mean 2025-04-01."""
    folded = unicodedata.normalize("NFKC", text).strip()
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", folded)
    if not match:
        return folded
    year, month, day = match.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"


class RecordForm(QWidget):
    """Editors for one record type's fields, and an error label under each."""

    edited = Signal()

    def __init__(
        self,
        record_type: str,
        *,
        fields: Sequence[str] | None = None,
        choices: Choices | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.schema = SCHEMAS[record_type]
        self._choices = choices or (lambda spec: ())
        names = fields or self.schema.field_names
        self.specs = [self.schema.field(name) for name in names]
        self.editors: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self._cells: dict[str, QWidget] = {}
        self.hidden: set[str] = set()  # fields that mean nothing for the values chosen
        self.general_error = QLabel()
        self.general_error.setObjectName("form_error")
        self.general_error.setWordWrap(True)
        self.general_error.setStyleSheet("color: #b00020;")
        self.general_error.hide()
        self.layout_ = QFormLayout()
        self.layout_.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        for spec in self.specs:
            editor = self._editor(spec)
            editor.setObjectName(f"field_{spec.name}")
            editor.setAccessibleName(spec.label)
            self.editors[spec.name] = editor
            error = QLabel()
            error.setObjectName(f"error_{spec.name}")
            error.setStyleSheet("color: #b00020;")
            error.setWordWrap(True)
            error.hide()
            self.errors[spec.name] = error
            cell = QWidget()
            box = QVBoxLayout(cell)
            box.setContentsMargins(0, 0, 0, 0)
            box.setSpacing(2)
            box.addWidget(editor)
            box.addWidget(error)
            label = spec.label + (" *" if spec.required else "")
            self.layout_.addRow(label, cell)
            self._cells[spec.name] = cell
        self._conditions = {
            name: rule
            for (record_type, name), rule in SHOWN_WHEN.items()
            if record_type == self.schema.type and name in self.editors and rule[0] in self.editors
        }
        for other, _ in self._conditions.values():
            editor = self.editors[other]
            if isinstance(editor, CodePicker):
                editor.currentIndexChanged.connect(self._show_what_applies)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.general_error)
        outer.addLayout(self.layout_)
        outer.addStretch(1)

    def _editor(self, spec: FieldSpec) -> QWidget:
        kind = spec.kind
        if kind is Kind.BOOL:
            box = QCheckBox()
            box.toggled.connect(self.edited)
            return box
        if kind is Kind.CODE:
            assert spec.vocabulary is not None
            picker = CodePicker(list(spec.vocabulary.entries), allow_empty=not spec.required)
            picker.currentIndexChanged.connect(self.edited)
            return picker
        if kind is Kind.REF:
            picker = CodePicker(self._choices(spec), allow_empty=not spec.required)
            picker.currentIndexChanged.connect(self.edited)
            return picker
        if kind is Kind.CODES:
            assert spec.vocabulary is not None
            checklist = ChecklistField(list(spec.vocabulary.entries))
            checklist.itemChanged.connect(self.edited)
            return checklist
        if kind is Kind.REFS:
            checklist = ChecklistField(self._choices(spec))
            checklist.itemChanged.connect(self.edited)
            return checklist
        if kind is Kind.TEXT and spec.max_length > _SHORT_NOTE:
            text = QPlainTextEdit()
            text.setTabChangesFocus(True)
            text.setMinimumHeight(60)
            text.setMaximumHeight(100)
            text.textChanged.connect(self.edited)
            return text
        line = QLineEdit()
        # A hint of the form, never a value a person could take for data.
        if kind is Kind.DATE:
            line.setPlaceholderText(self.tr("YYYY-MM-DD"))
        elif kind is Kind.TIME:
            line.setPlaceholderText(self.tr("e.g. 14:30"))
        line.textEdited.connect(self.edited)
        return line

    def _show_what_applies(self, *_: Any) -> None:
        for name, (other, codes) in self._conditions.items():
            editor = self.editors[other]
            code = (
                str(editor.itemData(editor.currentIndex()) or "")
                if isinstance(editor, CodePicker)
                else ""
            )
            applies = code in codes
            self.layout_.setRowVisible(self._cells[name], applies)
            if applies:
                self.hidden.discard(name)
            else:
                self.hidden.add(name)

    def set_read_only(self, read_only: bool) -> None:
        """Shown to read (in the normal colour, selectable), not to change."""
        for editor in self.editors.values():
            if isinstance(editor, (QLineEdit, QPlainTextEdit)):
                editor.setReadOnly(read_only)
            else:
                editor.setEnabled(not read_only)

    def refresh_choices(self) -> None:
        for spec in self.specs:
            editor = self.editors[spec.name]
            if spec.kind is Kind.REFS and isinstance(editor, ChecklistField):
                editor.set_entries(self._choices(spec))
            elif spec.kind is Kind.REF and isinstance(editor, CodePicker):
                current = editor.code()
                editor.blockSignals(True)
                editor.clear()
                if not spec.required:
                    editor.addItem("", "")
                for value, label in self._choices(spec):
                    editor.addItem(label, value)
                editor.set_code(current)
                editor.blockSignals(False)

    # -- values ----------------------------------------------------------------------------

    def set_values(self, values: Mapping[str, Any]) -> None:
        self.refresh_choices()
        self.clear_errors()
        for spec in self.specs:
            editor = self.editors[spec.name]
            value = values.get(spec.name)
            editor.blockSignals(True)
            if isinstance(editor, QCheckBox):
                editor.setChecked(bool(value))
            elif isinstance(editor, CodePicker):
                editor.set_code(str(value or ""))
            elif isinstance(editor, ChecklistField):
                editor.set_values(list(value or []))
            elif isinstance(editor, QPlainTextEdit):
                editor.setPlainText(str(value or ""))
            elif isinstance(editor, QLineEdit):
                editor.setText("" if value is None else str(value))
            editor.blockSignals(False)
        self._show_what_applies()

    def set_record(self, record: Record | None) -> None:
        self.set_values(record.fields if record else {})

    def values(self) -> dict[str, Any]:
        """The typed values, in the kinds the schema wants; a value that cannot be is kept
        as typed so validation names the field."""
        found: dict[str, Any] = {}
        for spec in self.specs:
            editor = self.editors[spec.name]
            value: Any
            if spec.name in self.hidden:
                found[spec.name] = None  # (a head count left from another kind: cleared)
                continue
            if isinstance(editor, QCheckBox):
                value = editor.isChecked() or None
            elif isinstance(editor, CodePicker):
                value = editor.code()
            elif isinstance(editor, ChecklistField):
                value = editor.values()
            elif isinstance(editor, QPlainTextEdit):
                value = editor.toPlainText().strip()
            else:
                assert isinstance(editor, QLineEdit)
                value = editor.text().strip()
                if spec.kind is Kind.DATE:
                    value = normalise_date(value)
                elif spec.kind is Kind.TIME:
                    value = unicodedata.normalize("NFKC", value)
                elif spec.kind is Kind.INT and value:
                    folded = unicodedata.normalize("NFKC", value)
                    value = int(folded) if folded.isdigit() else folded
            found[spec.name] = value
        return found

    def clear(self) -> None:
        """Empty every editor (lock, or a new record)."""
        self.set_values({})

    # -- errors ----------------------------------------------------------------------------

    def clear_errors(self) -> None:
        self.general_error.clear()
        self.general_error.hide()
        for label in self.errors.values():
            label.clear()
            label.hide()

    def show_errors(self, errors: Sequence[Any]) -> None:
        """Each error next to its field; focus on the first."""
        self.clear_errors()
        first: QWidget | None = None
        general: list[str] = []
        for error in errors:
            text = field_error_text(error)
            label = self.errors.get(getattr(error, "field", ""))
            if label is None:
                general.append(text)
                continue
            label.setText(text)
            label.show()
            if first is None:
                first = self.editors[error.field]
        if general:
            self.general_error.setText("\n".join(dict.fromkeys(general)))
            self.general_error.show()
        if first is not None:
            first.setFocus()
