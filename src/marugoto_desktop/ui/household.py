"""世帯詳細: 基本情報, 世帯員, 課題, 活動記録, 連携, 同意, 会議 — each editable in place."""

from __future__ import annotations

from contextlib import suppress
from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..domain import vocabularies as v
from ..domain.calendar import age_on
from ..domain.records import Record
from ..domain.schema import FieldSpec
from ..domain.validation import RecordInvalid
from ..operations.audit import Access, access_history, note_opened
from ..operations.changes import OpChanges
from ..operations.directory import agency_choices
from ..operations.households import HouseholdDetail, household_detail
from ..operations.records import create_record, edit_record, transfer_household
from ..operations.transfers import Move, household_moves
from ..vault import DiskFull, RecordNotFound, VaultError
from .forms import CodePicker, RecordForm
from .messages import vault_error_text
from .models import Column, field_text
from .records_tab import RecordsTab, _General
from .session import Session, today
from .sync_page import author_who, stamp_text

translate = QCoreApplication.translate


class _HistoryPage(QWidget):
    """アクセス履歴: who opened, wrote or printed this household, and when (the audit trail)."""

    def __init__(self) -> None:
        super().__init__()
        self.model = QStandardItemModel(0, 5, self)
        self.model.setHorizontalHeaderLabels(
            [self.tr("When"), self.tr("Who"), self.tr("Computer"), self.tr("What"),
             self.tr("Records")]
        )  # fmt: skip
        self.table = QTableView()
        self.table.setObjectName("household_history")
        self.table.setAccessibleName(self.tr("Access history"))
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.hide()
        self.moves = QLabel()
        self.moves.setObjectName("household_moves")
        self.moves.setWordWrap(True)
        self.moves.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.problem)
        layout.addWidget(self.moves)
        layout.addWidget(self.table, 1)

    def _actions(self) -> dict[str, str]:
        return {
            "open": self.tr("Opened"),
            "create": self.tr("Created"),
            "edit": self.tr("Edited"),
            "delete": self.tr("Deleted"),
            "restore": self.tr("Restored"),
            "pdf": self.tr("Printed"),
            "transfer": self.tr("Transferred to another area"),
        }

    def show_moves(self, moves: list[Move]) -> None:
        """Where the household came from at each of its moves to another area, the latest
        first, as this laptop knows them."""
        if not moves:
            self.moves.clear()
            self.moves.hide()
            return
        lines = [self.tr("Transfers to another area (転居・引継ぎ):")]
        for move in moves:
            lines.append(
                self.tr("%1: from %2 to %3, by %4")
                .replace("%1", stamp_text(move.by.at))
                .replace("%2", area_text(move.from_area))
                .replace("%3", area_text(move.to_area))
                .replace("%4", author_who(move.by))
            )
        self.moves.setText("\n".join(lines))
        self.moves.show()

    def show_accesses(self, accesses: list[Access]) -> None:
        self.problem.hide()
        self.model.removeRows(0, self.model.rowCount())
        actions = self._actions()
        for access in accesses:
            cells = [
                access.at.strftime("%Y-%m-%d %H:%M"),
                access.who or self.tr("(not set)"),
                (access.device or "")[:8],
                actions.get(access.action, access.action),
                str(access.records),
            ]
            self.model.appendRow([QStandardItem(text) for text in cells])
        self.table.resizeColumnsToContents()

    def show_problem(self, text: str) -> None:
        self.show_accesses([])
        self.show_moves([])
        self.problem.setText(text)
        self.problem.show()


def area_text(area: str | None) -> str:
    """An area's label; None: an area this laptop was not told (a move it received before
    pulls said where households came from)."""
    if area is None:
        return translate("HouseholdDetailView", "an area not known here")
    return v.AREAS.label(area)


def moved_here_text(move: Move) -> str:
    """The latest move, beside the household's area: 「2026-04-01 に牟礼から転居・引継ぎ」."""
    day = move.by.at.strftime("%Y-%m-%d")
    if move.from_area is None:
        return translate(
            "HouseholdDetailView",
            "Moved to this area on %1 (転居・引継ぎ); where from is not known on this computer.",
        ).replace("%1", day)
    return (
        translate("HouseholdDetailView", "Moved here from %1 on %2 (転居・引継ぎ).")
        .replace("%1", v.AREAS.label(move.from_area))
        .replace("%2", day)
    )


def _date(record: Record, name: str) -> str:
    return str(record.get(name, ""))


def _age(person: Record) -> str:
    """Full years on today's date, as the face sheet counts them."""
    born = str(person.get("birth_date", ""))
    try:
        birth = date.fromisoformat(born)
    except ValueError:
        return ""
    return str(age_on(birth, today()))


def _when(record: Record) -> str:
    """An activity's date, with its time when one was recorded."""
    return f"{_date(record, 'date')} {_date(record, 'time')}".strip()


class _BasicPage(QWidget):
    """基本情報: the area and the household's own fields, with their save button."""

    def __init__(self) -> None:
        super().__init__()
        self.area = CodePicker(list(v.AREAS.entries), allow_empty=False)
        self.area.setAccessibleName(self.tr("Area"))
        self.area_label = QLabel(self.tr("Area"))
        self.form = RecordForm("household")
        self.save = QPushButton(self.tr("Save"))
        self.moved = QLabel()
        self.moved.setObjectName("household_moved")
        self.moved.setWordWrap(True)
        self.moved.hide()
        area_row = QHBoxLayout()
        area_row.addWidget(self.area_label)
        area_row.addWidget(self.area, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(area_row)
        layout.addWidget(self.moved)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        layout.addWidget(scroll, 1)
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        save_row.addWidget(self.save)
        layout.addLayout(save_row)


class HouseholdDetailView(QWidget):
    """One household with everything under it. `show_household(None)` starts a new one."""

    household_saved = Signal(str)
    new_activity_wanted = Signal()
    print_wanted = Signal()
    print_for_agency_wanted = Signal()
    print_activity_wanted = Signal()

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.detail: HouseholdDetail | None = None
        self.household_id: str | None = None
        self._moves: list[Move] = []  # where it came from (転居・引継ぎ), the latest first
        self.title = QLabel()
        self.title.setObjectName("household_title")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.title.setFont(font)
        self.new_activity_button = QPushButton(self.tr("New activity (Ctrl+N)"))
        self.new_activity_button.clicked.connect(self.new_activity_wanted)
        self.copy_button = QPushButton(self.tr("Copy address"))
        self.copy_button.clicked.connect(self._copy_address)
        self.print_button = QPushButton(self.tr("Print"))
        self.print_button.setObjectName("household_print")
        print_menu = QMenu(self.print_button)
        for text, signal in (
            (self.tr("Face sheet (Ctrl+P)"), self.print_wanted),
            (self.tr("Face sheet for an agency…"), self.print_for_agency_wanted),
            (self.tr("Activity record of the chosen activity"), self.print_activity_wanted),
        ):
            print_menu.addAction(text).triggered.connect(signal)
        self.print_button.setMenu(print_menu)
        self.transfer_button = QPushButton(self.tr("Transfer to another area…"))
        self.transfer_button.setObjectName("household_transfer")
        self.transfer_button.clicked.connect(self.ask_transfer)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.transfer_button)
        top.addWidget(self.copy_button)
        top.addWidget(self.print_button)
        top.addWidget(self.new_activity_button)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("household_tabs")
        # Every tab, 基本情報 too, is built when first shown or asked for (`tab()`, and the
        # properties): the lists and forms were most of the time from unlock to the list.
        self._basic: _BasicPage | None = None
        self.tabs.addTab(QWidget(), self.tr("Basic"))  # (a stand-in until built)
        self._built: dict[str, RecordsTab] = {}
        for title in (
            self.tr("Members"),
            self.tr("Issues"),
            self.tr("Activities"),
            self.tr("Referrals"),
            self.tr("Consents"),
            self.tr("Meetings"),
        ):
            self.tabs.addTab(QWidget(), title)  # (a stand-in until the tab is built)
        self._history: _HistoryPage | None = None
        self.tabs.addTab(QWidget(), self.tr("Access history"))
        self.tabs.currentChanged.connect(self._tab_shown)
        self.empty = QLabel(self.tr("Choose a household from the list, or search with Ctrl+F."))
        self.empty.setObjectName("household_empty")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.empty, 1)
        self.session.changed.connect(self.apply_changes)
        self._show_nothing()

    # -- the tabs, built when first wanted ---------------------------------------------------

    TAB_TYPES = ("person", "issue", "activity", "referral", "consent", "meeting")

    def _build_tab(self, record_type: str) -> RecordsTab:
        session = self.session
        p, i, a = v.RELATIONSHIP, v.ISSUE_CATEGORIES, v.ACTIVITY_KINDS
        if record_type == "person":
            return RecordsTab(
                session,
                "person",
                [
                    Column(self.tr("Name"), field_text("name")),
                    Column(self.tr("Kana"), field_text("kana")),
                    Column(self.tr("Relationship"), field_text("relationship", p)),
                    Column(self.tr("Born"), field_text("birth_date")),
                    Column(
                        self.tr("Age"), _age, sort=lambda r: str(r.get("birth_date", "")) or "~"
                    ),
                ],
                new_label=self.tr("Add member"),
                vertical=True,
                state_key="household/person",
            )
        if record_type == "issue":
            return RecordsTab(
                session,
                "issue",
                [
                    Column(self.tr("Main"), lambda r: "★" if r.get("is_main") else ""),
                    Column(self.tr("Category"), field_text("category", i)),
                    Column(self.tr("Identified"), field_text("identified_on")),
                    Column(self.tr("Resolved"), field_text("resolved_on")),
                    Column(self.tr("Note"), field_text("note"), stretch=True),
                ],
                choices=self._choices,
                order=lambda r: (not r.get("is_main"), str(r.get("identified_on", ""))),
                new_label=self.tr("Add issue"),
                vertical=True,
                state_key="household/issue",
            )
        if record_type == "activity":
            activities = RecordsTab(
                session,
                "activity",
                [
                    Column(self.tr("Date"), _when),
                    Column(self.tr("Kind"), field_text("kind", a)),
                    Column(self.tr("Content"), field_text("content"), stretch=True),
                    # (the next date is in the form and on ホーム: the content keeps the room)
                    Column(self.tr("By"), field_text("recorded_by")),
                ],
                order=lambda r: (_date(r, "date"), _date(r, "time"), r.id),
                reverse=True,
                new_label=self.tr("New activity"),
                vertical=True,
                state_key="household/activity",
            )
            activities.new_button.clicked.disconnect()
            activities.new_button.clicked.connect(self.new_activity_wanted)
            return activities
        if record_type == "referral":
            return RecordsTab(
                session,
                "referral",
                [
                    Column(self.tr("Date"), field_text("date")),
                    Column(self.tr("Agency"), self._agency_name, stretch=True),
                    Column(self.tr("Direction"), field_text("direction", v.REFERRAL_DIRECTIONS)),
                    Column(self.tr("Status"), field_text("status", v.REFERRAL_STATUS)),
                    Column(self.tr("Follow-up"), field_text("follow_up_on")),
                ],
                choices=self._choices,
                order=lambda r: (_date(r, "date"), r.id),
                reverse=True,
                new_label=self.tr("Add referral"),
                vertical=True,
                state_key="household/referral",
            )
        if record_type == "consent":
            return RecordsTab(
                session,
                "consent",
                [
                    Column(self.tr("Person"), self._person_name),
                    Column(self.tr("Granted"), field_text("granted_on")),
                    Column(
                        self.tr("Purposes"),
                        field_text("purposes", v.CONSENT_PURPOSES),
                        stretch=True,
                    ),
                    Column(self.tr("Withdrawn"), field_text("withdrawn_on")),
                ],
                choices=self._choices,
                new_label=self.tr("Add consent"),
                vertical=True,
                state_key="household/consent",
            )
        if record_type == "meeting":
            return RecordsTab(
                session,
                "meeting",
                [
                    Column(self.tr("Date"), field_text("date")),
                    Column(self.tr("Type"), field_text("meeting_type", v.MEETING_TYPES)),
                    Column(self.tr("Basis"), field_text("legal_basis", v.MEETING_LEGAL_BASIS)),
                    Column(self.tr("Title"), field_text("title"), stretch=True),
                ],
                fields=("date", "meeting_type", "legal_basis", "title", "decisions", "roles"),
                editable=False,
                vertical=True,
                state_key="household/meeting",
            )
        raise KeyError(record_type)

    def _basic_page(self) -> _BasicPage:
        if self._basic is None:
            page = self._basic = _BasicPage()
            page.save.clicked.connect(self.save_basic)
            self._replace_tab(0, page)
        return self._basic

    def _replace_tab(self, index: int, page: QWidget) -> None:
        stand_in = self.tabs.widget(index)
        assert stand_in is not None
        current, enabled = self.tabs.currentIndex(), self.tabs.isTabEnabled(index)
        title = self.tabs.tabText(index)
        self.tabs.blockSignals(True)
        self.tabs.insertTab(index, page, title)
        self.tabs.removeTab(index + 1)
        self.tabs.setTabEnabled(index, enabled)
        self.tabs.setCurrentIndex(current)
        self.tabs.blockSignals(False)
        stand_in.deleteLater()

    @property
    def basic(self) -> RecordForm:
        return self._basic_page().form

    @property
    def area(self) -> CodePicker:
        return self._basic_page().area

    @property
    def area_label(self) -> QLabel:
        return self._basic_page().area_label

    @property
    def moved_note(self) -> QLabel:
        """Beside the area: where the household came from at its latest move (転居・引継ぎ)."""
        return self._basic_page().moved

    @property
    def basic_save(self) -> QPushButton:
        return self._basic_page().save

    def tab(self, record_type: str) -> RecordsTab:
        """The tab of `record_type`, built (and filled with the household shown) if it was
        not yet."""
        tab = self._built.get(record_type)
        if tab is not None:
            return tab
        tab = self._build_tab(record_type)
        self._built[record_type] = tab
        self._replace_tab(self.TAB_TYPES.index(record_type) + 1, tab)  # (after 基本情報)
        if self.detail is not None:
            self._fill(record_type, tab, self.detail)
        return tab

    def _tab_shown(self, index: int) -> None:
        if index == 0:
            self._basic_page()
        elif 1 <= index <= len(self.TAB_TYPES):
            self.tab(self.TAB_TYPES[index - 1])
        elif index == self.HISTORY_TAB:
            self._fill_history()

    HISTORY_TAB = len(TAB_TYPES) + 1

    @property
    def history(self) -> _HistoryPage:
        """アクセス履歴, built when first wanted; read from the trail only while shown."""
        if self._history is None:
            self._history = _HistoryPage()
            self._replace_tab(self.HISTORY_TAB, self._history)
        return self._history

    def _fill_history(self) -> None:
        vault, page = self.session.vault, self.history
        if vault is None or self.household_id is None:
            page.show_accesses([])
            page.show_moves([])
            return
        try:
            page.show_accesses(access_history(vault, self.household_id))
        except VaultError as exc:  # a broken trail is said, not hidden
            page.show_problem(vault_error_text(exc))
            return
        page.show_moves(self._moves)

    def _fill(self, record_type: str, tab: RecordsTab, detail: HouseholdDetail) -> None:
        household = detail.household
        if record_type == "meeting":
            tab.show_records(detail.meetings, parent_id=None, area=None)
            return
        records = {
            "person": detail.members,
            "issue": detail.issues,
            "activity": detail.activities,
            "referral": detail.referrals,
            "consent": detail.consents,
        }[record_type]
        tab.show_records(records, parent_id=household.id, area=household.area)

    @property
    def members(self) -> RecordsTab:
        return self.tab("person")

    @property
    def issues(self) -> RecordsTab:
        return self.tab("issue")

    @property
    def activities(self) -> RecordsTab:
        return self.tab("activity")

    @property
    def referrals(self) -> RecordsTab:
        return self.tab("referral")

    @property
    def consents(self) -> RecordsTab:
        return self.tab("consent")

    @property
    def meetings(self) -> RecordsTab:
        return self.tab("meeting")

    # -- choices for reference fields ------------------------------------------------------

    def _choices(self, spec: FieldSpec) -> list[tuple[str, str]]:
        vault = self.session.vault
        if vault is None:
            return []
        if spec.ref_type == "person" and self.detail is not None:
            return [(m.id, str(m.get("name", ""))) for m in self.detail.members]
        if spec.ref_type == "agency":
            return agency_choices(vault)
        return []

    def _agency_name(self, record: Record) -> str:
        if self.detail is None:
            return ""
        agency = self.detail.agencies.get(str(record.get("agency_id", "")))
        return str(agency.get("name", "")) if agency else ""

    def _person_name(self, record: Record) -> str:
        if self.detail is None:
            return ""
        found = {m.id: str(m.get("name", "")) for m in self.detail.members}
        return found.get(str(record.get("person_id", "")), "")

    # -- showing ---------------------------------------------------------------------------

    def _show_nothing(self) -> None:
        self.tabs.hide()
        self.title.clear()
        self.new_activity_button.hide()
        self.copy_button.hide()
        self.transfer_button.hide()
        self.print_button.hide()
        self.empty.show()

    def show_household(self, household_id: str | None, *, area: str = "") -> None:
        """A household by id, or (None) the form for a new one in `area`."""
        vault = self.session.vault
        if vault is None:
            return
        self.empty.hide()
        self.tabs.show()
        self.print_button.show()
        if household_id is None:
            self.household_id, self.detail = None, None
            self.title.setText(self.tr("New household"))
            self.area.setEnabled(True)
            self.area.set_code(area or "honcho")
            self._moves = []
            self.moved_note.hide()
            self.basic.set_values({"status": "active"})
            for tab in self._tabs():
                tab.forget()
            for index in range(1, self.tabs.count()):
                self.tabs.setTabEnabled(index, False)
            self.tabs.setCurrentIndex(0)
            self.new_activity_button.hide()
            self.copy_button.hide()
            self.transfer_button.hide()
            self.basic.editors["name"].setFocus()
            return
        try:
            detail = household_detail(vault, household_id)
        except RecordNotFound:  # deleted meanwhile (here, or by a sync)
            self.household_id, self.detail = None, None
            self._show_nothing()
            return
        if household_id != self.household_id:  # opened, not refreshed: the trail notes it
            with suppress(DiskFull):  # reading goes on; the next write says the disk is full
                note_opened(vault, household_id)
        self.household_id, self.detail = household_id, detail
        household = detail.household
        self.title.setText(str(household.get("name", "")))
        self.area.set_code(household.area or "")
        self.area.setEnabled(False)  # a household moves area by the 転居 operation, not here
        self._moves = household_moves(vault, household_id)
        moved = self.moved_note
        moved.setText(moved_here_text(self._moves[0]) if self._moves else "")
        moved.setVisible(bool(self._moves))
        self.basic.set_record(household)
        for index in range(self.tabs.count()):
            self.tabs.setTabEnabled(index, True)
        self.new_activity_button.show()
        self.copy_button.show()
        self.transfer_button.show()
        for record_type, tab in self._built.items():  # (the others fill when built)
            self._fill(record_type, tab, detail)
        if self.tabs.currentIndex() == self.HISTORY_TAB:
            self._fill_history()

    def _tabs(self) -> list[RecordsTab]:
        """The tabs built so far (one never built never held a value)."""
        return list(self._built.values())

    def show_latest_activity(self) -> None:
        self.tabs.setCurrentWidget(self.activities)
        if self.activities.model.rowCount():
            self.activities.select_row(0)
        self.activities.table.setFocus()

    def apply_changes(self, changes: OpChanges) -> None:
        """Reload this household only when a change touched it or what belongs to it (or an
        agency, whose names its referrals show)."""
        if self.household_id is None or self.session.vault is None:
            return
        if changes.touches_household(self.household_id) or changes.touches("agency"):
            self.show_household(self.household_id)

    # -- saving ----------------------------------------------------------------------------

    def save_basic(self) -> None:
        vault = self.session.vault
        if vault is None:
            return
        values = self.basic.values()
        try:
            if self.household_id is None:
                record, changes = create_record(vault, "household", values, area=self.area.code())
            else:
                record, changes = edit_record(vault, self.household_id, values)
        except RecordInvalid as exc:
            self.basic.show_errors(exc.errors)
            return
        except VaultError as exc:
            self.basic.show_errors([_General(vault_error_text(exc))])
            return
        self.household_id = record.id
        self.session.notify(changes)
        self.show_household(record.id)
        self.household_saved.emit(record.id)

    # -- transfer to another area (転居・引継ぎ) ---------------------------------------------

    def ask_transfer(self) -> None:
        """Ask which area the household goes to, then confirm and move it."""
        if self.detail is None:
            return
        here = self.detail.household.area
        choices = [(code, label) for code, label in v.AREAS.entries if code != here]
        labels = [label for _, label in choices]
        label, chosen = QInputDialog.getItem(
            self,
            self.tr("Transfer to another area"),
            self.tr("The area the household moves to:"),
            labels,
            0,
            False,
        )
        if chosen:
            self.transfer_to(choices[labels.index(label)][0])

    def transfer_to(self, area: str) -> bool:
        """Move the household shown, with everything under it, to `area`, once the person
        confirms; returns whether it moved."""
        vault = self.session.vault
        if vault is None or self.detail is None or self.household_id is None:
            return False
        here = v.AREAS.label(self.detail.household.area or "")
        answer = QMessageBox.question(
            self,
            self.tr("Transfer to another area"),
            self.tr(
                "Move this household, with its members, issues, activities, referrals and "
                "consents, from %1 to %2? At their next sync, the laptops of %2 receive it "
                "and those of %1 let it go."
            )
            .replace("%1", here)
            .replace("%2", v.AREAS.label(area)),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            changes = transfer_household(vault, self.household_id, area)
        except (RecordInvalid, RecordNotFound) as exc:
            errors = exc.errors if isinstance(exc, RecordInvalid) else [_General(str(exc))]
            self.basic.show_errors(errors)
            return False
        except VaultError as exc:
            self.basic.show_errors([_General(vault_error_text(exc))])
            return False
        self.session.notify(changes)
        self.show_household(self.household_id)
        return True

    def _copy_address(self) -> None:
        if self.detail is not None:
            self.session.copy(str(self.detail.household.get("address", "")))

    def forget(self) -> None:
        self.household_id, self.detail = None, None
        if self._basic is not None:
            self._basic.form.clear()
        self._moves = []
        if self._history is not None:
            self._history.show_accesses([])
            self._history.show_moves([])
        for tab in self._tabs():
            tab.forget()
        self._show_nothing()

    def state(self) -> dict[str, Any]:
        return {tab.record_type: tab.splitter.saveState() for tab in self._tabs()}
