"""A list of records with the chosen one's form beside it: select, edit in place, save.

Used for a household's members, issues, activities, referrals and consents, and for the
関係機関 and 会議 screens.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..domain.records import Record
from ..domain.validation import RecordInvalid
from ..operations.records import create_record, delete_record, edit_record
from ..vault import VaultError
from .forms import Choices, RecordForm
from .messages import field_error_text, vault_error_text
from .models import Column, RecordListModel
from .session import Session


class RecordsTab(QWidget):
    """Records of one type under one parent (or none), with a form to edit the chosen one."""

    saved = Signal(object)  # Record

    def __init__(
        self,
        session: Session,
        record_type: str,
        columns: Sequence[Column],
        *,
        fields: Sequence[str] | None = None,
        choices: Choices | None = None,
        order: Callable[[Record], Any] | None = None,
        reverse: bool = False,
        new_label: str = "",
        editable: bool = True,
        extra: Callable[[], dict[str, Any]] | None = None,
        vertical: bool = False,
        state_key: str = "",
    ) -> None:
        """`vertical` puts the form under the list (where the list needs the width, as a
        timeline does); `state_key` names where QSettings keeps the splitter and columns."""
        super().__init__()
        self.session = session
        self.record_type = record_type
        self.parent_id: str | None = None
        self.area: str | None = None
        self.current: Record | None = None
        self.dirty = False
        self._extra = extra
        self.model = RecordListModel(columns, self, order=order, reverse=reverse)
        self.table = QTableView()
        self.table.setObjectName(f"{record_type}_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        stretched = [i for i, column in enumerate(columns) if column.stretch]
        for index in stretched:
            header.setSectionResizeMode(index, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(not stretched)
        self._sized = False
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.form = RecordForm(record_type, fields=fields, choices=choices)
        self.form.edited.connect(self._edited)
        self.new_button = QPushButton(new_label or self.tr("New"))
        self.new_button.clicked.connect(self.new)
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.clicked.connect(self.save)
        self.delete_button = QPushButton(self.tr("Delete"))
        self.delete_button.clicked.connect(self.delete)
        if not editable:  # (setVisible(True) on a widget not yet in a layout opens a window)
            for button in (self.new_button, self.save_button, self.delete_button):
                button.hide()
        self.form.set_read_only(not editable)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.save_button)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        self.editable = editable
        right = self.right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(scroll, 1)
        right_layout.addLayout(buttons)
        orientation = Qt.Orientation.Vertical if vertical else Qt.Orientation.Horizontal
        self.splitter = QSplitter(orientation)
        self.splitter.setObjectName(f"{record_type}_splitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        # Scaled to the room there is: the list a little more than half, the form the rest.
        self.splitter.setSizes([320, 300] if vertical else [600, 400])
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)
        self.state_key = state_key
        self._restore_state()
        self._select_none()

    # -- remembered layout -----------------------------------------------------------------

    def _restore_state(self) -> None:
        if not self.state_key:
            return
        settings = QSettings()
        splitter = settings.value(f"{self.state_key}/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
        header = settings.value(f"{self.state_key}/header")
        if header is not None and self.table.horizontalHeader().restoreState(header):
            self._sized = True  # the person's own widths

    def save_state(self) -> None:
        if self.state_key:
            settings = QSettings()
            settings.setValue(f"{self.state_key}/splitter", self.splitter.saveState())
            settings.setValue(f"{self.state_key}/header", self.table.horizontalHeader().saveState())

    def _size_columns(self) -> None:
        """Once, when there are rows to measure: each column as wide as its header and
        values need (within reason); the stretched one takes the rest."""
        if self._sized or not self.model.rowCount():
            return
        self._sized = True
        header = self.table.horizontalHeader()
        for index in range(self.model.columnCount()):
            if header.sectionResizeMode(index) == QHeaderView.ResizeMode.Stretch:
                continue
            self.table.resizeColumnToContents(index)
            wanted = max(header.sectionSizeHint(index), self.table.columnWidth(index))
            self.table.setColumnWidth(index, min(wanted + 8, 240))

    # -- loading ---------------------------------------------------------------------------

    def show_records(
        self, records: Sequence[Record], *, parent_id: str | None, area: str | None
    ) -> None:
        keep = self.current.id if self.current else None
        self.parent_id, self.area = parent_id, area
        self.model.set_records(records)
        self._size_columns()
        row = self.model.row_of(keep) if keep else -1
        if row >= 0:
            self.select_row(row)
        else:
            self._select_none()

    def select_row(self, row: int) -> None:
        self.table.selectionModel().setCurrentIndex(
            self.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )

    def select_id(self, record_id: str) -> None:
        row = self.model.row_of(record_id)
        if row >= 0:
            self.select_row(row)

    def _select_none(self) -> None:
        self.current = None
        self.form.set_record(None)
        self.dirty = False
        self.delete_button.setEnabled(False)
        # A form only to read shows nothing until a record is chosen (empty, it would show
        # a required list's first choice as if it were a value).
        self.right.setVisible(self.editable)

    def _row_changed(self, current: Any, previous: Any) -> None:
        if not current.isValid():
            return
        record = self.model.record_at(current.row())
        if self.current is not None and record.id == self.current.id:
            return
        if self.dirty and not self.confirm_discard():
            self.table.selectionModel().blockSignals(True)
            self.table.selectionModel().setCurrentIndex(
                previous,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            self.table.selectionModel().blockSignals(False)
            return
        self.current = record
        self.form.set_record(record)
        self.dirty = False
        self.delete_button.setEnabled(True)
        self.right.setVisible(True)

    def _edited(self) -> None:
        self.dirty = True

    def confirm_discard(self) -> bool:
        answer = QMessageBox.question(
            self,
            self.tr("Unsaved changes"),
            self.tr("This record has changes that are not saved. Discard them?"),
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Discard

    # -- actions ---------------------------------------------------------------------------

    def new(self) -> None:
        if self.dirty and not self.confirm_discard():
            return
        self.table.clearSelection()
        self.table.setCurrentIndex(self.model.index(-1, -1))
        self._select_none()
        first = next(iter(self.form.editors.values()), None)
        if first is not None:
            first.setFocus()

    def save(self) -> Record | None:
        vault = self.session.vault
        if vault is None:
            return None
        values = self.form.values()
        if self._extra is not None:
            values.update(self._extra())
        try:
            if self.current is None:
                record, changes = create_record(
                    vault, self.record_type, values, area=self.area, parent_id=self.parent_id
                )
            else:
                record, changes = edit_record(vault, self.current.id, values)
        except RecordInvalid as exc:
            self.form.show_errors(exc.errors)
            return None
        except VaultError as exc:
            self.form.show_errors([_General(vault_error_text(exc))])
            return None
        self.form.clear_errors()
        self.current = record
        self.dirty = False
        self.session.notify(changes)
        self.saved.emit(record)
        return record

    def delete(self) -> None:
        vault = self.session.vault
        if vault is None or self.current is None:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Delete"),
            self.tr("Delete this record? It can be restored from the command line."),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            changes = delete_record(vault, self.current.id)
        except RecordInvalid as exc:
            self.form.show_errors(exc.errors)
            return
        except VaultError as exc:
            self.form.show_errors([_General(vault_error_text(exc))])
            return
        self._select_none()
        self.session.notify(changes)

    def forget(self) -> None:
        self.save_state()
        self.model.forget()
        self._select_none()
        self.parent_id = self.area = None


class _General:
    """An error not tied to a field, shown above the form."""

    field = ""
    code = "general"

    def __init__(self, text: str) -> None:
        self.text = text
        self.message = text


def general_error_text(error: Any) -> str:
    return error.text if isinstance(error, _General) else field_error_text(error)
