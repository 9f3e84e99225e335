"""Item models: the views' window on operation results.

Each model refreshes from `OpChanges` (the types, ids and households an operation changed): a
save updates the rows it touched, never re-reading every household. `forget()` empties a model
on lock.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from ..domain.records import Record
from ..domain.text import fold
from ..operations.households import HouseholdRow

_Index = QModelIndex | QPersistentModelIndex
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2


def kana_key(text: str) -> str:
    """A sort key in 五十音 order: width and case folded, katakana as hiragana."""
    return fold(text)


class HouseholdTableModel(QAbstractTableModel):
    """Households as rows, in 五十音 order of the head's kana (by name until the kana is
    known: operations.households.prepare_search runs in the background after unlock)."""

    COLUMNS = ("name", "kana", "area", "status", "members", "address")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[HouseholdRow] = []
        self._row_of: dict[str, int] = {}

    @staticmethod
    def sort_key(row: HouseholdRow) -> tuple[str, str, str]:
        return (kana_key(row.kana or row.name), kana_key(row.name), row.id)

    def set_rows(self, rows: Sequence[HouseholdRow]) -> None:
        self.beginResetModel()
        self._rows = sorted(rows, key=self.sort_key)
        self._reindex()
        self.endResetModel()

    def _reindex(self) -> None:
        self._row_of = {row.id: i for i, row in enumerate(self._rows)}

    def forget(self) -> None:
        self.set_rows([])

    def row_at(self, row: int) -> HouseholdRow:
        return self._rows[row]

    def row_of(self, household_id: str) -> int:
        return self._row_of.get(household_id, -1)

    def update_rows(self, changed: dict[str, HouseholdRow | None]) -> None:
        """Put in, replace or take out the given households (None: gone)."""
        for household_id, summary in changed.items():
            row = self.row_of(household_id)
            if summary is None:
                if row >= 0:
                    self.beginRemoveRows(QModelIndex(), row, row)
                    del self._rows[row]
                    self._reindex()
                    self.endRemoveRows()
                continue
            if row >= 0 and self.sort_key(self._rows[row]) == self.sort_key(summary):
                self._rows[row] = summary
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))
                continue
            if row >= 0:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row]
                self._reindex()
                self.endRemoveRows()
            key = self.sort_key(summary)
            at = next(
                (i for i, r in enumerate(self._rows) if self.sort_key(r) > key), len(self._rows)
            )
            self.beginInsertRows(QModelIndex(), at, at)
            self._rows.insert(at, summary)
            self._reindex()
            self.endInsertRows()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = self.COLUMNS[index.column()]
        if role == ID_ROLE:
            return row.id
        if role == SORT_ROLE:
            if column in ("name", "kana"):
                return "\x1f".join(self.sort_key(row))
            if column == "members":
                return row.members
            return str(self.data(index))
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        if column == "members":
            return str(row.members)
        return str(getattr(row, column))

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        if not 0 <= section < len(self.COLUMNS):
            return None
        titles = (
            self.tr("Household"),
            self.tr("Kana"),
            self.tr("Area"),
            self.tr("Status"),
            self.tr("Members"),
            self.tr("Address"),
        )
        return titles[section]


class HouseholdFilter(QSortFilterProxyModel):
    """The households that the search and the filters found (operations.households decides
    which: folded search, area, status, open issue category); None shows every one."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.matches: set[str] | None = None

    def set_matches(self, matches: set[str] | None) -> None:
        self.beginFilterChange()
        self.matches = matches
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        if self.matches is None:
            return True
        model = self.sourceModel()
        assert isinstance(model, HouseholdTableModel)
        if not 0 <= source_row < model.rowCount():
            return False
        return model.row_at(source_row).id in self.matches


@dataclass(frozen=True)
class Column:
    title: str
    value: Callable[[Record], str]
    sort: Callable[[Record], Any] | None = None
    stretch: bool = False  # takes the width the other columns leave (a content, a note)


class RecordListModel(QAbstractTableModel):
    """Records of one kind as rows, with the given columns; refreshed from OpChanges."""

    def __init__(
        self,
        columns: Sequence[Column],
        parent: Any = None,
        *,
        order: Callable[[Record], Any] | None = None,
        reverse: bool = False,
    ) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._records: list[Record] = []
        self._order = order
        self._reverse = reverse

    def set_records(self, records: Sequence[Record]) -> None:
        self.beginResetModel()
        found = list(records)
        if self._order is not None:
            found.sort(key=self._order, reverse=self._reverse)
        self._records = found
        self.endResetModel()

    def forget(self) -> None:
        self.set_records([])

    def records(self) -> list[Record]:
        return list(self._records)

    def record_at(self, row: int) -> Record:
        return self._records[row]

    def row_of(self, record_id: str) -> int:
        return next((i for i, r in enumerate(self._records) if r.id == record_id), -1)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._records)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._records):
            return None
        record = self._records[index.row()]
        column = self.columns[index.column()]
        if role == ID_ROLE:
            return record.id
        if role == SORT_ROLE:
            return column.sort(record) if column.sort else column.value(record)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return column.value(record)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        if not 0 <= section < len(self.columns):
            return None
        return self.columns[section].title


def field_text(name: str, vocabulary: Any = None) -> Callable[[Record], str]:
    """A column showing one field, as its label where it is a code."""

    def value(record: Record) -> str:
        raw = record.get(name)
        if raw is None:
            return ""
        if isinstance(raw, bool):
            return "○" if raw else ""
        if isinstance(raw, list):
            return "、".join(vocabulary.label(v) if vocabulary else str(v) for v in raw)
        return vocabulary.label(str(raw)) if vocabulary else str(raw).replace("\n", " ")

    return value


@dataclass(frozen=True)
class Row:
    """One line of a read-only list: its cells, the household it opens, whether it warns."""

    cells: tuple[str, ...]
    household_id: str | None = None
    alert: bool = False  # overdue: shown in red


class RowsModel(QAbstractTableModel):
    """Lines already put into words (the home screen's lists, the gatherings); replaced
    whole on refresh, as they are short."""

    ALERT = QColor("#b00020")

    def __init__(
        self, titles: Sequence[str], parent: Any = None, *, numbers_from: int | None = None
    ) -> None:
        """`numbers_from`: the first column of figures (right-aligned, as figures are read)."""
        super().__init__(parent)
        self.titles = list(titles)
        self._rows: list[Row] = []
        self._numbers_from = numbers_from

    def set_rows(self, rows: Sequence[Row], titles: Sequence[str] | None = None) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        if titles is not None:
            self.titles = list(titles)
        self.endResetModel()

    def forget(self) -> None:
        self.set_rows([])

    def row_at(self, row: int) -> Row:
        return self._rows[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.titles)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            cells = row.cells
            return cells[index.column()] if index.column() < len(cells) else ""
        if role == ID_ROLE:
            return row.household_id
        if role == Qt.ItemDataRole.ForegroundRole and row.alert:
            return QBrush(self.ALERT)
        if (
            role == Qt.ItemDataRole.TextAlignmentRole
            and self._numbers_from is not None
            and index.column() >= self._numbers_from
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        return self.titles[section] if 0 <= section < len(self.titles) else None
