"""アウトリーチ集計: at a gathering, tap a head count and note concerns without naming anyone;
link a concern to its household later."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..domain import vocabularies as v
from ..domain.records import Record
from ..domain.validation import RecordInvalid
from ..operations.changes import OpChanges, Saved
from ..operations.households import find_households
from ..operations.visits import (
    count_contacts,
    gatherings,
    link_to_household,
    record_outreach,
)
from ..vault import VaultError
from .forms import CodePicker
from .messages import field_error_text, vault_error_text
from .models import ID_ROLE, Row, RowsModel
from .session import Session, today

GATHERING_KINDS = tuple(
    (code, label)
    for code, label in v.ACTIVITY_KINDS.entries
    if code.startswith(v.OUTREACH_PREFIX) and code != "outreach.home_visit"
)
RECENT = 100  # gatherings listed


def _table(model: RowsModel, stretch: int) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
    table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.setWordWrap(False)
    table.setShowGrid(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    header.setResizeContentsPrecision(64)  # (widths from the first rows: quick)
    return table


class HouseholdPicker(QDialog):
    """Choose the household a concern turned out to be about: search as on 世帯, in one area."""

    def __init__(self, session: Session, area: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.area = area
        self.setWindowTitle(self.tr("Link to a household"))
        self.search = QLineEdit()
        self.search.setObjectName("picker_search")
        self.search.setPlaceholderText(self.tr("Search by name, kana, address or phone"))
        self.search.setAccessibleName(self.tr("Search households"))
        self.search.textChanged.connect(self._find)
        self.search.returnPressed.connect(self._take_first)
        self.model = RowsModel([self.tr("Household"), self.tr("Kana"), self.tr("Address")], self)
        self.table = _table(self.model, 2)
        self.table.activated.connect(lambda _: self.accept())
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Link"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        note = QLabel(
            self.tr("Households of %1. Once linked, the record stays with the household.").replace(
                "%1", v.AREAS.label(area)
            )
        )
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(560, 420)
        self._find()

    def _find(self, *_: Any) -> None:
        vault = self.session.vault
        rows = find_households(vault, self.search.text(), area=self.area) if vault else []
        self.model.set_rows([Row((r.name, r.kana, r.address), r.id) for r in rows[:200]])
        if rows:
            self.table.selectRow(0)

    def _take_first(self) -> None:
        if self.model.rowCount():
            self.table.selectRow(0)
            self.accept()

    def chosen(self) -> str | None:
        index = self.table.currentIndex()
        return str(index.data(ID_ROLE)) if index.isValid() else None


class OutreachPage(QWidget):
    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.count = 0
        self.kind = CodePicker(GATHERING_KINDS, allow_empty=False)
        self.kind.setAccessibleName(self.tr("Gathering kind"))
        self.area = CodePicker(list(v.AREAS.entries), allow_empty=False)
        self.area.setAccessibleName(self.tr("Area"))
        self.place = QLineEdit()
        self.place.setAccessibleName(self.tr("Place"))
        self.date = QLineEdit()
        self.date.setAccessibleName(self.tr("Date"))
        self.counter = QLabel("0")
        self.counter.setObjectName("tally_count")
        self.counter.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.counter.font()
        font.setPointSizeF(font.pointSizeF() * 4)
        font.setBold(True)
        self.counter.setFont(font)
        self.plus = QPushButton(self.tr("+1 person"))
        self.plus.setObjectName("tally_plus")
        self.plus.setMinimumHeight(72)
        self.plus.setShortcut("+")
        self.plus.clicked.connect(lambda: self.add(1))
        self.minus = QPushButton(self.tr("−1"))
        self.minus.setObjectName("tally_minus")
        self.minus.setMinimumHeight(72)
        self.minus.clicked.connect(lambda: self.add(-1))
        self.concern = QPlainTextEdit()
        self.concern.setTabChangesFocus(True)
        self.concern.setMaximumHeight(160)
        self.concern.setPlaceholderText(
            self.tr("Concerns heard (without names; link to a household later)")
        )
        self.concern.setAccessibleName(self.tr("Concerns"))
        self.save_button = QPushButton(self.tr("Save the gathering"))
        self.save_button.setObjectName("tally_save")
        self.save_button.clicked.connect(self.save)
        self.message = QLabel()
        self.message.setWordWrap(True)

        self.recent_model = RowsModel(
            [
                self.tr("Date"),
                self.tr("Kind"),
                self.tr("Place"),
                self.tr("People"),
                self.tr("Concerns"),
            ],
            self,
        )
        self.recent = _table(self.recent_model, 4)
        self.recent.setObjectName("recent_gatherings")
        self.recent.setAccessibleName(self.tr("Recent gatherings"))
        self.recent.selectionModel().currentRowChanged.connect(lambda *_: self._chosen())
        self._gatherings: list[Record] = []
        self.link_button = QPushButton(self.tr("Link to a household…"))
        self.link_button.setObjectName("link_gathering")
        self.link_button.setToolTip(
            self.tr("When a concern turns out to be about a household, file it there.")
        )
        self.link_button.clicked.connect(self.link_chosen)
        self.link_message = QLabel()
        self.link_message.setWordWrap(True)
        # Counting goes on at a gathering already saved (people arriving late, a second
        # round): each tap adds to its head count at once.
        self.chosen_plus = QPushButton(self.tr("+1 person to the chosen gathering"))
        self.chosen_plus.setObjectName("chosen_plus")
        self.chosen_plus.setMinimumHeight(48)
        self.chosen_plus.clicked.connect(lambda: self.add_to_chosen(1))
        self.chosen_minus = QPushButton(self.tr("−1"))
        self.chosen_minus.setObjectName("chosen_minus")
        self.chosen_minus.setAccessibleName(self.tr("−1 person from the chosen gathering"))
        self.chosen_minus.setMinimumHeight(48)
        self.chosen_minus.clicked.connect(lambda: self.add_to_chosen(-1))
        self.how = QLabel(
            self.tr(
                "At a gathering: choose its kind and place, press +1 for each person you "
                "talk with (or the + key), note what worried you without naming anyone, then "
                "save. To go on counting at a gathering already saved, choose it on the right "
                "and tap +1 there. When a concern turns out to be about a household, choose "
                "the gathering on the right and link it to that household."
            )
        )
        self.how.setObjectName("outreach_how")
        self.how.setWordWrap(True)
        grey = self.palette().color(QPalette.ColorRole.PlaceholderText).name()
        self.how.setStyleSheet(f"color: {grey};")

        form = QFormLayout()
        form.addRow(self.tr("Kind"), self.kind)
        form.addRow(self.tr("Area"), self.area)
        form.addRow(self.tr("Place"), self.place)
        form.addRow(self.tr("Date"), self.date)
        taps = QHBoxLayout()
        taps.addWidget(self.minus, 1)
        taps.addWidget(self.counter, 2)
        taps.addWidget(self.plus, 3)
        left = QVBoxLayout()
        left.addLayout(form)
        left.addLayout(taps)
        left.addWidget(self.concern)
        left.addWidget(self.save_button)
        left.addWidget(self.message)
        left.addStretch(1)
        left.addWidget(self.how)
        count_row = QHBoxLayout()
        count_row.addWidget(self.chosen_minus, 1)
        count_row.addWidget(self.chosen_plus, 3)
        link_row = QHBoxLayout()
        link_row.addWidget(self.link_message, 1)
        link_row.addWidget(self.link_button)
        right = QVBoxLayout()
        right.addWidget(QLabel(self.tr("Recent gatherings")))
        right.addWidget(self.recent, 1)
        right.addLayout(count_row)
        right.addLayout(link_row)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 2)
        layout.addLayout(right, 3)
        session.changed.connect(self.apply_changes)
        self.reset()
        self._chosen()

    def reset(self) -> None:
        self.count = 0
        self.counter.setText("0")
        self.concern.clear()
        self.date.setText(today().isoformat())
        self.area.set_code(str(QSettings().value("profile/area", "") or "honcho"))

    def add(self, step: int) -> None:
        self.count = max(0, self.count + step)
        self.counter.setText(str(self.count))

    def save(self) -> None:
        vault = self.session.vault
        if vault is None:
            return
        fields = {
            "kind": self.kind.code(),
            "date": self.date.text().strip(),
            "place": self.place.text().strip(),
            "contacts": self.count,
            "content": self.concern.toPlainText().strip(),
        }
        try:
            _, changes = record_outreach(vault, self.area.code(), fields, today=today())
        except RecordInvalid as exc:
            self.message.setText("\n".join(field_error_text(e) for e in exc.errors))
            return
        self.message.setText(self.tr("Saved: %1 people.").replace("%1", str(self.count)))
        self.reset()
        self.session.notify(changes)

    # -- the gatherings recorded -----------------------------------------------------------

    def refresh(self) -> None:
        vault = self.session.vault
        if vault is None:
            return
        chosen = self.chosen_gathering()
        self._gatherings = gatherings(vault)[:RECENT]
        rows = []
        for activity in self._gatherings:
            fields = activity.fields
            rows.append(
                Row(
                    (
                        str(fields.get("date", "")),
                        v.ACTIVITY_KINDS.label(str(fields.get("kind", ""))),
                        str(fields.get("place", "")),
                        str(fields.get("contacts", 0)),
                        str(fields.get("content", "")).replace("\n", " "),
                    )
                )
            )
        self.recent_model.set_rows(rows)
        ids = [g.id for g in self._gatherings]
        if chosen is not None and chosen.id in ids:  # the same gathering stays chosen
            self.recent.selectRow(ids.index(chosen.id))
        self._chosen()

    def chosen_gathering(self) -> Record | None:
        row = self.recent.currentIndex().row()
        return self._gatherings[row] if 0 <= row < len(self._gatherings) else None

    def _chosen(self) -> None:
        chosen = self.chosen_gathering() is not None
        for button in (self.link_button, self.chosen_plus, self.chosen_minus):
            button.setEnabled(chosen)

    def add_to_chosen(self, step: int) -> None:
        """A tap on a gathering already saved: its head count changes in the vault at once."""
        gathering = self.chosen_gathering()
        vault = self.session.vault
        if gathering is None or vault is None:
            return
        written = self._write(lambda: count_contacts(vault, gathering.id, step))
        if written is None:
            return
        record, changes = written
        self.link_message.setText(
            self.tr("%1 people at this gathering.").replace(
                "%1", str(record.fields.get("contacts", 0))
            )
        )
        self.session.notify(changes)

    def link_chosen(self) -> None:
        gathering = self.chosen_gathering()
        vault = self.session.vault
        if gathering is None or vault is None or gathering.area is None:
            return
        picker = HouseholdPicker(self.session, gathering.area, self)
        if not picker.exec():
            return
        household_id = picker.chosen()
        if household_id is None:
            return
        self.link_to(gathering, household_id)

    def link_to(self, gathering: Record, household_id: str) -> None:
        vault = self.session.require()
        written = self._write(lambda: link_to_household(vault, gathering.id, household_id))
        if written is None:
            return
        self.link_message.setText(self.tr("Linked: it is now in the household's timeline."))
        self.session.notify(written.changes)

    def _write(self, write: Callable[[], Saved]) -> Saved | None:
        """One write to a gathering already saved; a refusal is shown under the list."""
        try:
            return write()
        except RecordInvalid as exc:
            self.link_message.setText("\n".join(field_error_text(e) for e in exc.errors))
        except VaultError as exc:
            self.link_message.setText(vault_error_text(exc))
        return None

    def apply_changes(self, changes: OpChanges) -> None:
        # Hidden, it waits: showing the screen refreshes it (a visit saved elsewhere does
        # not read every gathering).
        if changes.touches("activity") and self.isVisible():
            self.refresh()

    def forget(self) -> None:
        self.recent_model.forget()
        self._gatherings = []
        self.concern.clear()
        self.place.clear()
        self.message.clear()
        self.link_message.clear()
        self.count = 0
        self.counter.setText("0")
