"""ホーム: what is due, what waits for an agency, what is not yet synced."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..operations.changes import OpChanges
from ..operations.home import (
    AwaitingReferral,
    FollowUp,
    awaiting_acknowledgement,
    follow_ups,
    last_sync,
    unsynced_changes,
)
from .session import Session, today
from .sync_page import summary_text

_ID = Qt.ItemDataRole.UserRole


class HomePage(QWidget):
    household_wanted = Signal(str)

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.due = QListWidget()
        self.due.setObjectName("home_due")
        self.due.setAccessibleName(self.tr("Follow-ups due and overdue"))
        self.planned = QListWidget()
        self.planned.setObjectName("home_planned")
        self.planned.setAccessibleName(self.tr("Planned visits"))
        self.awaiting = QListWidget()
        self.awaiting.setObjectName("home_awaiting")
        self.awaiting.setAccessibleName(self.tr("Referrals awaiting acknowledgement"))
        for widget in (self.due, self.planned, self.awaiting):
            widget.itemActivated.connect(self._open)
        self.unsynced = QLabel()
        self.unsynced.setObjectName("home_unsynced")
        self.last_sync = QLabel()
        self.last_sync.setObjectName("home_last_sync")
        self.last_sync.setWordWrap(True)

        def box(title: str, widget: QWidget) -> QGroupBox:
            group = QGroupBox(title)
            QVBoxLayout(group).addWidget(widget)
            return group

        columns = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(box(self.tr("Due and overdue"), self.due), 2)
        left.addWidget(box(self.tr("Planned in the next two weeks"), self.planned), 1)
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
        self.session.changed.connect(self.apply_changes)

    def apply_changes(self, changes: OpChanges) -> None:
        # Any write changes the unsynced count; the lists follow activities and referrals.
        if self.session.vault is not None and self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        vault = self.session.vault
        if vault is None:
            return
        now = today()
        soon = (now + timedelta(days=1)).isoformat()
        items = follow_ups(vault, now)
        self._fill(self.due, [self._follow_up(f) for f in items if f.due_on <= soon])
        self._fill(self.planned, [self._follow_up(f) for f in items if f.due_on > soon])
        self._fill(self.awaiting, [self._awaiting(r) for r in awaiting_acknowledgement(vault)])
        self.unsynced.setText(
            self.tr("Changes not yet sent: %1").replace("%1", str(unsynced_changes(vault)))
        )
        self.last_sync.setText(summary_text(last_sync(vault)))

    def _follow_up(self, item: FollowUp) -> QListWidgetItem:
        prefix = self.tr("Overdue") + " " if item.overdue else ""
        fields = item.record.fields
        if item.record.type == "referral":
            what, note = self.tr("Referral"), fields.get("purpose", "")
        else:
            what, note = self.tr("Visit"), fields.get("next_action", "")
        text = f"{prefix}{item.due_on}　{item.household_name}　{what}：{note}"
        row = QListWidgetItem(text.strip())
        row.setData(_ID, item.household_id)
        if item.overdue:
            row.setForeground(QBrush(QColor("#b00020")))
        return row

    def _awaiting(self, item: AwaitingReferral) -> QListWidgetItem:
        when = item.referral.fields.get("date", "")
        what = self.tr("Referral")
        row = QListWidgetItem(f"{when}　{item.household_name}　{what}：{item.agency_name}")
        row.setData(_ID, item.household_id)
        return row

    def _fill(self, widget: QListWidget, found: list[QListWidgetItem]) -> None:
        widget.clear()
        for row in found:
            widget.addItem(row)
        if not found:
            empty = QListWidgetItem(self.tr("Nothing here."))
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            widget.addItem(empty)

    def _open(self, item: QListWidgetItem) -> None:
        household_id = item.data(_ID)
        if household_id:
            self.household_wanted.emit(str(household_id))

    def forget(self) -> None:
        for widget in (self.due, self.planned, self.awaiting):
            widget.clear()
        self.unsynced.clear()
        self.last_sync.clear()
