"""ホーム: what is due, what waits for an agency, what is not yet synced."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..domain import vocabularies as v
from ..domain.records import Record
from ..operations.changes import OpChanges
from ..operations.home import (
    AwaitingReferral,
    FollowUp,
    awaiting_acknowledgement,
    follow_ups,
    last_sync,
    prepare_home,
    unsynced_changes,
)
from ..vault import Vault
from .background import run_in_background
from .models import ID_ROLE, Row, RowsModel, Worded
from .session import Session, today
from .sync_page import summary_text

RESIZE_PRECISION = 64  # rows a column's width is measured on
_Line = tuple[Record, tuple[str, ...], Row]  # a record, what else its line shows, the line


def _table(name: str, model: RowsModel, stretch: int) -> QTableView:
    table = QTableView()
    table.setObjectName(name)
    table.setModel(model)
    table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
    table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.setWordWrap(False)
    table.setShowGrid(False)
    table.setAlternatingRowColors(True)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    # Widths from the first rows only: measuring thousands of follow-ups took seconds.
    header.setResizeContentsPrecision(RESIZE_PRECISION)

    # Measured once, when the first rows come, not again at every refresh (a save): the
    # columns stay where the eye found them, and each refresh skips asking the first rows
    # of every column for their size.
    def size_once() -> None:
        if model.rowCount() and not table.property("sized"):
            table.setProperty("sized", True)
            table.resizeColumnsToContents()

    model.modelReset.connect(size_once)
    return table


class HomePage(QWidget):
    household_wanted = Signal(str)

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        due_titles = [self.tr("Due"), self.tr("Household"), self.tr("What"), self.tr("Next step")]
        self.due_model = RowsModel(due_titles, self)
        self.planned_model = RowsModel(due_titles, self)
        self.awaiting_model = RowsModel(
            [self.tr("Referred"), self.tr("Household"), self.tr("Agency"), self.tr("Waiting")],
            self,
        )
        self.due = _table("home_due", self.due_model, 3)
        self.due.setAccessibleName(self.tr("Follow-ups due and overdue"))
        self.planned = _table("home_planned", self.planned_model, 3)
        self.planned.setAccessibleName(self.tr("Planned visits"))
        self.awaiting = _table("home_awaiting", self.awaiting_model, 2)
        self.awaiting.setAccessibleName(self.tr("Referrals awaiting acknowledgement"))
        for table in (self.due, self.planned, self.awaiting):
            table.activated.connect(self._open)
        self.unsynced = QLabel()
        self.unsynced.setObjectName("home_unsynced")
        self.last_sync = QLabel()
        self.last_sync.setObjectName("home_last_sync")
        self.last_sync.setWordWrap(True)

        def box(title: str, widget: QWidget) -> QGroupBox:
            group = QGroupBox(title)
            QVBoxLayout(group).addWidget(widget)
            return group

        self.due_box = box(self.tr("Due and overdue"), self.due)
        self.planned_box = box(self.tr("Planned in the next two weeks"), self.planned)
        columns = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(self.due_box, 3)
        left.addWidget(self.planned_box, 2)
        columns.addLayout(left, 3)
        right = QVBoxLayout()
        right.addWidget(box(self.tr("Referrals awaiting the agency's reply"), self.awaiting), 1)
        sync_box = QGroupBox(self.tr("Sync"))
        sync_layout = QVBoxLayout(sync_box)
        sync_layout.addWidget(self.unsynced)
        sync_layout.addWidget(self.last_sync)
        right.addWidget(sync_box)
        columns.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        self.prepared = False  # every activity decrypted once, in the background
        # The lists are read again only after a change that touches them (or a new day); a
        # line is put into words when a view asks for it (the rows it paints), and again only
        # when its record, date or names changed: of thousands a save changes one or two.
        self._stale = True
        self._day: date | None = None
        self._lines: dict[str, _Line] = {}
        self._preparing: object | None = None
        self.session.changed.connect(self.apply_changes)

    def apply_changes(self, changes: OpChanges) -> None:
        # Any write changes the unsynced count; the lists follow activities and referrals
        # (and the names of households and agencies). Hidden, it waits: showing the screen
        # refreshes it.
        if changes.touches("activity", "referral", "household", "agency"):
            self._stale = True
        if self.session.vault is not None and self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        vault = self.session.vault
        if vault is None:
            return
        if not self.prepared:
            # The first read decrypts every activity: off the GUI thread, then shown. Until
            # then nothing here reads the vault, which the work holds (right after unlock,
            # with the search being prepared too): the window stays free.
            if self._preparing is None:
                self.due_box.setTitle(self.tr("Due and overdue: reading…"))
                self._preparing = run_in_background(
                    lambda: prepare_home(vault), lambda _: self._ready(vault), self._not_ready
                )
            return
        self.unsynced.setText(
            self.tr("Changes not yet sent: %1").replace("%1", str(unsynced_changes(vault)))
        )
        self.last_sync.setText(summary_text(last_sync(vault)))
        now = today()
        if not self._stale and now == self._day:
            return
        if now != self._day:
            self._lines.clear()  # ("today", "2 days late" change with the day)
        self._stale, self._day = False, now
        soon = (now + timedelta(days=1)).isoformat()
        items = follow_ups(vault, now)
        # Put into words when a view asks for a line (it asks for the ones it paints).
        due_items = [f for f in items if f.due_on <= soon]

        def line(item: FollowUp) -> Row:
            return self._line("due", item.record, (item.due_on, item.household_name),
                              lambda: self._follow_up(item, now))  # fmt: skip

        def waiting(item: AwaitingReferral) -> Row:
            return self._line("waiting", item.referral, (item.household_name, item.agency_name),
                              lambda: self._awaiting(item, now))  # fmt: skip

        self.due_model.set_rows(Worded(due_items, line))
        planned = Worded([f for f in items if f.due_on > soon], line)
        self.planned_model.set_rows(planned)
        self.awaiting_model.set_rows(Worded(awaiting_acknowledgement(vault), waiting))
        overdue = sum(1 for item in due_items if item.overdue)
        self.due_box.setTitle(
            self.tr("Due and overdue (%1, of which %2 overdue)")
            .replace("%1", str(len(due_items)))
            .replace("%2", str(overdue))
            if due_items
            else self.tr("Due and overdue: nothing")
        )
        self.planned_box.setTitle(
            self.tr("Planned in the next two weeks (%1)").replace("%1", str(len(planned)))
        )

    def _ready(self, vault: Vault) -> None:
        self._preparing = None
        if self.session.vault is vault:  # (not locked meanwhile)
            self.prepared = True
            self.refresh()

    def _not_ready(self, error: Exception) -> None:
        self._preparing = None  # locked meanwhile, most likely; the next showing tries again

    def _when(self, on: str, now: date) -> str:
        try:
            days = (date.fromisoformat(on) - now).days
        except ValueError:
            return on
        if days < 0:
            return self.tr("%1 (%2 days late)").replace("%1", on).replace("%2", str(-days))
        if days == 0:
            return self.tr("%1 (today)").replace("%1", on)
        if days == 1:
            return self.tr("%1 (tomorrow)").replace("%1", on)
        return on

    def _line(self, list_: str, record: Record, about: tuple[str, ...], word: Any) -> Row:
        """The line of `record` in `list_` as shown before, if neither it (the same
        decrypted copy) nor what else the line shows (`about`) changed; else `word()`."""
        key = f"{list_}:{record.id}"  # (a referral is both a follow-up and awaited)
        was = self._lines.get(key)
        same = was is not None and was[0] is record and was[1] == about
        row = was[2] if was is not None and same else word()
        self._lines[key] = (record, about, row)
        return row

    def _follow_up(self, item: FollowUp, now: date) -> Row:
        fields = item.record.fields
        if item.record.type == "referral":
            what, note = self.tr("Referral"), str(fields.get("purpose", ""))
        elif item.household_id is None:  # a gathering's next session
            what = v.ACTIVITY_KINDS.label(str(fields.get("kind", "")))
            note = f"{fields.get('place', '')}　{fields.get('next_action', '')}".strip()
        else:
            what, note = self.tr("Visit"), str(fields.get("next_action", ""))
        name = item.household_name or v.AREAS.label(item.record.area or "")
        cells = (self._when(item.due_on, now), name, what, note.replace("\n", " "))
        return Row(cells, item.household_id, item.overdue)

    def _awaiting(self, item: AwaitingReferral, now: date) -> Row:
        since = str(item.referral.fields.get("date", ""))
        try:
            waiting = self.tr("%1 days").replace("%1", str((now - date.fromisoformat(since)).days))
        except ValueError:
            waiting = ""
        return Row((since, item.household_name, item.agency_name, waiting), item.household_id)

    def _open(self, index: Any) -> None:
        household_id = index.data(ID_ROLE)
        if household_id:
            self.household_wanted.emit(str(household_id))

    def forget(self) -> None:
        self.prepared = False
        self._stale, self._day = True, None
        self._lines.clear()
        for model in (self.due_model, self.planned_model, self.awaiting_model):
            model.forget()
        self.unsynced.clear()
        self.last_sync.clear()
