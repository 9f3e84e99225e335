"""関係機関 (the city's agency directory) and 会議 (with the 重層的支援会議 consent guard)."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ..domain import vocabularies as v
from ..domain.schema import FieldSpec
from ..operations.changes import OpChanges
from ..operations.directory import agencies, agency_choices, household_choices, meetings
from ..operations.households import household_row
from ..operations.meetings import ELSEWHERE, NO_CONSENT, NO_HOUSEHOLD, consent_status
from .forms import CodePicker
from .models import Column, field_text
from .records_tab import RecordsTab
from .session import Session, today

CITY = ""  # the area picker's value for a city-wide meeting


class AgenciesPage(QWidget):
    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.area = CodePicker(list(v.AREAS.entries), allow_empty=False)
        self.area.setAccessibleName(self.tr("Registering area"))
        self.tab = RecordsTab(
            session,
            "agency",
            [
                Column(self.tr("Name"), field_text("name"), stretch=True),
                Column(self.tr("Type"), field_text("agency_type", v.AGENCY_TYPES)),
                Column(self.tr("Area"), lambda r: v.AREAS.label(r.area or "")),
                Column(self.tr("Phone"), field_text("phone")),
            ],
            state_key="agencies",
            new_label=self.tr("Add agency"),
        )
        self.tab.new_button.clicked.connect(self._new)
        self.tab.save_button.pressed.connect(self._before_save)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Area that registers a new agency")))
        row.addWidget(self.area)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.tab, 1)
        session.changed.connect(self.apply_changes)

    def _new(self) -> None:
        self.area.set_code(str(QSettings().value("profile/area", "") or "honcho"))

    def _before_save(self) -> None:
        if self.tab.current is None:
            self.tab.area = self.area.code() or None

    def refresh(self) -> None:
        vault = self.session.vault
        if vault is not None:
            self.tab.show_records(agencies(vault), parent_id=None, area=self.area.code())

    def apply_changes(self, changes: OpChanges) -> None:
        if changes.touches("agency"):
            self.refresh()

    def forget(self) -> None:
        self.tab.forget()


class MeetingsPage(QWidget):
    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.area = CodePicker(list(v.AREAS.entries), allow_empty=True)
        self.area.setItemText(0, self.tr("City-wide"))
        self.area.setAccessibleName(self.tr("Area of a new meeting"))
        self.tab = RecordsTab(
            session,
            "meeting",
            [
                Column(self.tr("Date"), field_text("date")),
                Column(
                    self.tr("Area"), lambda r: v.AREAS.label(r.area) if r.area else v.CITY_LABEL
                ),
                Column(self.tr("Type"), field_text("meeting_type", v.MEETING_TYPES)),
                Column(self.tr("Basis"), field_text("legal_basis", v.MEETING_LEGAL_BASIS)),
                Column(self.tr("Title"), field_text("title"), stretch=True),
            ],
            choices=self._choices,
            state_key="meetings",
            new_label=self.tr("New meeting"),
        )
        self.guard = QLabel()
        self.guard.setObjectName("consent_guard")
        self.guard.setWordWrap(True)
        self.guard.hide()
        self.tab.form.edited.connect(self.check_consent)
        self.tab.table.selectionModel().currentRowChanged.connect(lambda *_: self.check_consent())
        self.tab.new_button.clicked.connect(self.check_consent)
        self.tab.save_button.pressed.connect(self._before_save)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Area of a new meeting")))
        row.addWidget(self.area)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.guard)
        layout.addWidget(self.tab, 1)
        session.changed.connect(self.apply_changes)

    def _choices(self, spec: FieldSpec) -> list[tuple[str, str]]:
        vault = self.session.vault
        if vault is None:
            return []
        if spec.ref_type == "agency":
            return agency_choices(vault)
        if spec.ref_type == "household":
            # Every household (10,000 in a city): read when the screen is shown, not when
            # the window is built after unlock.
            return household_choices(vault) if self.isVisible() else []
        return []

    def _before_save(self) -> None:
        if self.tab.current is None:
            self.tab.area = self.area.code() or None

    def check_consent(self) -> bool:
        """Shown before saving: which households a 重層的支援会議 may not discuss."""
        vault = self.session.vault
        values = self.tab.form.values()
        if vault is None or values.get("legal_basis") != "multilayer_meeting":
            self.guard.hide()
            self.tab.save_button.setEnabled(True)
            return True
        on = str(values.get("date") or today().isoformat())
        chosen = list(values.get("household_ids") or [])
        status = consent_status(vault, chosen, on)
        missing = [h for h, s in status.items() if s == NO_CONSENT]
        unknown = [h for h, s in status.items() if s == NO_HOUSEHOLD]
        elsewhere = sum(1 for s in status.values() if s == ELSEWHERE)
        rows = {h: household_row(vault, h) for h in missing}
        names = {h: row.name for h, row in rows.items() if row is not None}
        problems = []
        if missing:
            problems.append(
                self.tr(
                    "A 重層的支援会議 may discuss only households whose person concerned has "
                    "consented. No valid consent on %1 for: %2. Record the consent first, "
                    "remove the household, or hold a 支援会議 instead."
                )
                .replace("%1", on)
                .replace("%2", "、".join(names.get(h, h) for h in missing))
            )
        if unknown:
            # Not another area's: this computer holds every area, or holds it deleted.
            problems.append(
                self.tr(
                    "No household on this computer has these ids (deleted, or never "
                    "recorded): %1. Remove them from the households discussed."
                ).replace("%1", "、".join(unknown))
            )
        if problems:
            self.guard.setText("\n".join(problems))
            self.guard.setStyleSheet("color: #b00020; font-weight: bold;")
        elif elsewhere:
            self.guard.setText(
                self.tr(
                    "重層的支援会議: every household chosen on this computer has valid consent "
                    "on %1. The consent of the %n household(s) of other areas, not on this "
                    "computer, is checked where they are held.",
                    "",
                    elsewhere,
                ).replace("%1", on)
            )
            self.guard.setStyleSheet("color: #1b6e20;")
        else:
            self.guard.setText(
                self.tr("重層的支援会議: every household chosen has valid consent on %1.").replace(
                    "%1", on
                )
            )
            self.guard.setStyleSheet("color: #1b6e20;")
        self.guard.show()
        self.tab.save_button.setEnabled(not problems)
        return not problems

    def refresh(self) -> None:
        vault = self.session.vault
        if vault is not None:
            self.tab.show_records(meetings(vault), parent_id=None, area=self.area.code() or None)
            self.check_consent()

    def apply_changes(self, changes: OpChanges) -> None:
        # Hidden, it waits: showing the screen refreshes it.
        if changes.touches("meeting", "agency", "household", "consent") and self.isVisible():
            self.refresh()

    def forget(self) -> None:
        self.tab.forget()
        self.guard.clear()
        self.guard.hide()
