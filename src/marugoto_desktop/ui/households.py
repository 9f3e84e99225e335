"""世帯: the household list (search, filters, 五十音 order) beside the chosen household."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelectionModel, QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..domain import vocabularies as v
from ..operations.changes import OpChanges
from ..operations.households import (
    find_households,
    household_row,
    household_rows,
    prepare_search,
    search_ids,
)
from ..vault import Vault
from .background import run_in_background
from .household import HouseholdDetailView
from .models import HouseholdFilter, HouseholdTableModel, Ordered
from .session import Session


class _SearchBox(QLineEdit):
    """Enter opens the first match; Down moves into the list."""

    down = Signal()

    def keyPressEvent(self, event: Any) -> None:
        if event.key() == Qt.Key.Key_Down:
            self.down.emit()
            return
        super().keyPressEvent(event)


def _filter_combo(name: str, all_label: str, entries: Any) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    combo.addItem(all_label, "")
    for code, label in entries:
        combo.addItem(label, code)
    return combo


class HouseholdsPage(QWidget):
    # The rows carry kana (五十音 order) and open issues once the search is prepared.
    search_ready = Signal()

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.search = _SearchBox()
        self.search.setObjectName("household_search")
        self.search.setPlaceholderText(self.tr("Search by name, kana, address or phone (Ctrl+F)"))
        self.search.setAccessibleName(self.tr("Search households"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.apply_filters)
        self.search.returnPressed.connect(self.open_first)
        self.search.down.connect(self._into_list)
        self.area = _filter_combo("filter_area", self.tr("All areas"), v.AREAS.entries)
        self.area.setAccessibleName(self.tr("Area filter"))
        self.status = _filter_combo(
            "filter_status", self.tr("Any status"), v.HOUSEHOLD_STATUS.entries
        )
        self.status.setAccessibleName(self.tr("Status filter"))
        self.category = _filter_combo(
            "filter_category", self.tr("Any issue"), v.ISSUE_CATEGORIES.entries
        )
        self.category.setAccessibleName(self.tr("Issue filter"))
        for combo in (self.area, self.status, self.category):
            combo.currentIndexChanged.connect(self.apply_filters)
        self.new_button = QPushButton(self.tr("New household"))
        self.new_button.clicked.connect(self.new_household)

        self.model = HouseholdTableModel(self)
        self.proxy = HouseholdFilter(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setObjectName("household_table")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(False)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.activated.connect(self._open_index)
        self.table.selectionModel().currentRowChanged.connect(self._open_index)
        self.count = QLabel()
        self.count.setObjectName("household_count")

        self.detail = HouseholdDetailView(session)
        self.detail.household_saved.connect(self._select)

        filters = QHBoxLayout()
        filters.addWidget(self.area)
        filters.addWidget(self.status)
        filters.addWidget(self.category)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.new_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(top)
        left_layout.addLayout(filters)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.count)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("households_splitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)
        self.search_prepared = False
        self.session.changed.connect(self.apply_changes)
        self._restore_state()

    # -- state -----------------------------------------------------------------------------

    def _restore_state(self) -> None:
        settings = QSettings()
        splitter = settings.value("households/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
        else:
            self.splitter.setSizes([500, 600])
        header = settings.value("households/header")
        if header is None or not self.table.horizontalHeader().restoreState(header):
            # Wide enough for the values, and never narrower than the header's words.
            hint = self.table.horizontalHeader().sectionSizeHint
            for column, width in enumerate((130, 120, 56, 56, 40)):
                self.table.setColumnWidth(column, max(width, hint(column) + 6))

    def save_state(self) -> None:
        settings = QSettings()
        settings.setValue("households/splitter", self.splitter.saveState())
        settings.setValue("households/header", self.table.horizontalHeader().saveState())

    # -- loading ---------------------------------------------------------------------------

    def load(self) -> None:
        vault = self.session.require()
        self.search_prepared = False
        self.model.show_by_name(household_rows(vault))
        self.apply_filters()

        # Decrypting the members and issues for search, kana order and the issue filter takes
        # a moment on a big vault: do it off the GUI thread, then show the rows again.
        # The rows with their kana are read and put in order there too: the GUI thread only
        # shows them.
        def prepare() -> Ordered:
            prepare_search(vault)
            return HouseholdTableModel.in_order(household_rows(vault))

        self._preparing = run_in_background(
            prepare, lambda rows: self._prepared(vault, rows), _ignore
        )

    def _prepared(self, vault: Vault, rows: Ordered) -> None:
        if self.session.vault is not vault:
            return  # locked meanwhile
        self.model.set_rows(rows)
        self.apply_filters()
        if self.detail.household_id is not None:
            self._select(self.detail.household_id)
        self.search_prepared = True
        self.search_ready.emit()

    def _reload_rows(self, vault: Vault) -> None:
        self.model.set_rows(household_rows(vault))
        self.apply_filters()
        if self.detail.household_id is not None:
            self._select(self.detail.household_id)

    def apply_filters(self, *_: Any) -> None:
        vault = self.session.vault
        if vault is None:
            self.proxy.set_matches(set())
            return
        text = self.search.text()
        area = self.area.currentData() or None
        status = self.status.currentData() or None
        category = self.category.currentData() or None
        if area is None and status is None and category is None:
            matches = search_ids(vault, text)
        else:
            found = find_households(vault, text, area=area, status=status, issue_category=category)
            matches = {row.id for row in found}
        self.proxy.set_matches(matches)
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        if shown == total:
            self.count.setText(self.tr("%n household(s)", "", total))
        else:
            self.count.setText(
                self.tr("%1 of %2 households").replace("%1", str(shown)).replace("%2", str(total))
            )

    def apply_changes(self, changes: OpChanges) -> None:
        vault = self.session.vault
        if vault is None or not changes.touches("household", "person", "issue"):
            return
        if changes.unknown_ids:  # a sync: which households it touched is not known
            self._reload_rows(vault)
            return
        self.model.update_rows({h: household_row(vault, h) for h in changes.households})
        self.apply_filters()

    # -- opening ---------------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _into_list(self) -> None:
        if self.proxy.rowCount():
            self.table.setFocus()
            self._select_proxy_row(0)

    def _select_proxy_row(self, row: int) -> None:
        self.table.selectionModel().setCurrentIndex(
            self.proxy.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )

    def open_first(self) -> None:
        if self.proxy.rowCount() == 0:
            return
        self._select_proxy_row(0)
        self._open_index(self.proxy.index(0, 0))
        self.detail.tabs.setFocus()

    def _open_index(self, index: Any, *_: Any) -> None:
        if not index.isValid():
            return
        source = self.proxy.mapToSource(index)
        row = self.model.row_at(source.row())
        if row.id != self.detail.household_id:
            self.detail.show_household(row.id)

    def _select(self, household_id: str) -> None:
        row = self.model.row_of(household_id)
        if row < 0:
            return
        proxy_index = self.proxy.mapFromSource(self.model.index(row, 0))
        if proxy_index.isValid():
            self.table.selectionModel().blockSignals(True)
            self._select_proxy_row(proxy_index.row())
            self.table.selectionModel().blockSignals(False)

    def open_household(self, household_id: str) -> None:
        self.detail.show_household(household_id)
        self._select(household_id)

    def new_household(self) -> None:
        self.table.clearSelection()
        self.detail.show_household(None, area=str(QSettings().value("profile/area", "") or ""))

    def forget(self) -> None:
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.model.forget()
        self.proxy.set_matches(None)
        self.count.clear()
        self.detail.forget()


def _ignore(_: object) -> None:
    """Preparing the search is best effort (the vault may be locked meanwhile); a failure
    shows up on the real search."""
