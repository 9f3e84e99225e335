"""Item models: the views' window on operation results.

Each model refreshes from `OpChanges` (the types, ids and households an operation changed): a
save updates the rows it touched, never re-reading every household. `forget()` empties a model
on lock.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractProxyModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
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


SortKey = tuple[str, str, str]
_HOUSEHOLD_ROLES = frozenset(
    {Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, ID_ROLE, SORT_ROLE}
)


@dataclass(frozen=True)
class Ordered:
    """Rows in the list's order, with their sort keys."""

    rows: list[HouseholdRow]
    keys: list[SortKey]


class HouseholdTableModel(QAbstractTableModel):
    """Households as rows, in 五十音 order of the head's kana (by name until the kana is
    known: operations.households.prepare_search runs in the background after unlock)."""

    COLUMNS = ("name", "kana", "area", "status", "members", "address")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[HouseholdRow] = []
        # Each row's sort key, in the same order; None while the rows are in the read
        # model's name order as given (`show_by_name`), until a key is needed.
        self._keys: list[SortKey] | None = []
        self._row_of: dict[str, int] = {}

    @staticmethod
    def sort_key(row: HouseholdRow) -> SortKey:
        name = kana_key(row.name)
        return (kana_key(row.kana) if row.kana else name, name, row.id)

    @classmethod
    def in_order(cls, rows: Sequence[HouseholdRow]) -> Ordered:
        """The rows as the list shows them, with their keys (may run off the GUI thread:
        folding 10,000 names takes a moment)."""
        keyed = sorted(((cls.sort_key(row), row) for row in rows), key=lambda pair: pair[0])
        return Ordered([row for _, row in keyed], [key for key, _ in keyed])

    def set_rows(self, rows: Sequence[HouseholdRow] | Ordered) -> None:
        """All rows at once (an `in_order()` result is taken as it is)."""
        ordered = rows if isinstance(rows, Ordered) else self.in_order(rows)
        self.beginResetModel()
        self._rows, self._keys = list(ordered.rows), list(ordered.keys)
        self._reindex()
        self.endResetModel()

    def show_by_name(self, rows: Sequence[HouseholdRow]) -> None:
        """Rows as the read model gives them (by name, before the kana is known), shown in
        that order: their keys are worked out only when a row must be put in its place.
        (Folding 10,000 names took a tenth of a second on the GUI thread right after
        unlock; the search's preparation sends the rows in 五十音 order soon after.)"""
        self.beginResetModel()
        self._rows, self._keys = list(rows), None
        self._reindex()
        self.endResetModel()

    def _keyed(self) -> list[SortKey]:
        if self._keys is None:
            self.set_rows(self._rows)
            assert self._keys is not None
        return self._keys

    def _reindex(self) -> None:
        self._row_of = {row.id: i for i, row in enumerate(self._rows)}

    def forget(self) -> None:
        self.set_rows([])

    def row_at(self, row: int) -> HouseholdRow:
        return self._rows[row]

    def row_of(self, household_id: str) -> int:
        return self._row_of.get(household_id, -1)

    def row_ids(self) -> list[str]:
        return [row.id for row in self._rows]

    def update_rows(self, changed: dict[str, HouseholdRow | None]) -> None:
        """Put in, replace or take out the given households (None: gone)."""
        keys = self._keyed()
        for household_id, summary in changed.items():
            row = self.row_of(household_id)
            key = self.sort_key(summary) if summary is not None else None
            if row >= 0 and summary is not None and keys[row] == key:
                self._rows[row] = summary
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))
                continue
            if row >= 0:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row]
                del keys[row]
                self._reindex()
                self.endRemoveRows()
            if summary is None or key is None:
                continue
            at = bisect.bisect_right(keys, key)
            self.beginInsertRows(QModelIndex(), at, at)
            self._rows.insert(at, summary)
            keys.insert(at, key)
            self._reindex()
            self.endInsertRows()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _HOUSEHOLD_ROLES:  # (asked for every cell painted: answered first)
            return None
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


class HouseholdFilter(QAbstractProxyModel):
    """The households that the search and the filters found (operations.households decides
    which: folded search, area, status, open issue category); None shows every one.

    The rows shown are worked out in one pass over the ids, not asked row by row: a
    keystroke over 10,000 households costs a set lookup each, not 10,000 calls from Qt.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.matches: set[str] | None = None
        self._shown: list[int] = []  # source rows, in order
        self._at: dict[int, int] = {}  # source row -> row here
        self._watched: HouseholdTableModel | None = None

    def setSourceModel(self, model: Any) -> None:
        if self._watched is not None:
            for signal in self._signals(self._watched):
                signal.disconnect(self._remap)
            self._watched.dataChanged.disconnect(self._source_changed)
        self.beginResetModel()
        super().setSourceModel(model)
        assert isinstance(model, HouseholdTableModel)
        self._watched = model
        for signal in self._signals(model):
            signal.connect(self._remap)
        model.dataChanged.connect(self._source_changed)
        self._map()
        self.endResetModel()

    @staticmethod
    def _signals(model: HouseholdTableModel) -> tuple[Any, ...]:
        return (model.modelReset, model.rowsInserted, model.rowsRemoved, model.layoutChanged)

    def set_matches(self, matches: set[str] | None) -> None:
        self.beginResetModel()
        self.matches = matches
        self._map()
        self.endResetModel()

    def _remap(self, *_: Any) -> None:
        self.beginResetModel()
        self._map()
        self.endResetModel()

    def _map(self) -> None:
        model = self._watched
        ids = model.row_ids() if model is not None else []
        matches = self.matches
        if matches is None:
            self._shown = list(range(len(ids)))
        else:
            self._shown = [i for i, household_id in enumerate(ids) if household_id in matches]
        self._at = {source: row for row, source in enumerate(self._shown)}

    def _source_changed(self, top_left: QModelIndex, bottom_right: QModelIndex, *_: Any) -> None:
        for source in range(top_left.row(), bottom_right.row() + 1):
            row = self._at.get(source)
            if row is not None:
                self.dataChanged.emit(
                    self.index(row, top_left.column()), self.index(row, bottom_right.column())
                )

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        model = self.sourceModel()
        return 0 if parent.isValid() or model is None else model.columnCount()

    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if parent.isValid() or not 0 <= row < len(self._shown):
            return QModelIndex()
        if not 0 <= column < self.columnCount():
            return QModelIndex()
        return self.createIndex(row, column)

    def parent(self, child: Any = None) -> Any:
        if child is None:  # (QObject's parent)
            return super().parent()
        return QModelIndex()

    def hasChildren(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and bool(self._shown)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # The roles the rows have are looked up in the source directly; the many others a
        # painted cell asks for are answered here, without mapping the index.
        model = self._watched
        if model is None or role not in _HOUSEHOLD_ROLES or not index.isValid():
            return None
        row = index.row()
        if not 0 <= row < len(self._shown):
            return None
        return model.data(model.index(self._shown[row], index.column()), role)

    def mapToSource(self, proxy_index: _Index) -> QModelIndex:
        model = self.sourceModel()
        if model is None or not proxy_index.isValid():
            return QModelIndex()
        row = proxy_index.row()
        if not 0 <= row < len(self._shown):
            return QModelIndex()
        return model.index(self._shown[row], proxy_index.column())

    def mapFromSource(self, source_index: _Index) -> QModelIndex:
        if not source_index.isValid():
            return QModelIndex()
        row = self._at.get(source_index.row())
        return QModelIndex() if row is None else self.index(row, source_index.column())


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


_ROW_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ToolTipRole,
        ID_ROLE,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.TextAlignmentRole,
    }
)


@dataclass(frozen=True)
class Row:
    """One line of a read-only list: its cells, the household it opens, whether it warns."""

    cells: tuple[str, ...]
    household_id: str | None = None
    alert: bool = False  # overdue: shown in red


class Worded(Sequence[Row]):
    """Items put into words (a `Row`) only when a row is asked for: a view asks for the few
    rows it paints, so thousands of follow-ups cost a word each only once seen."""

    def __init__(self, items: Sequence[Any], word: Callable[[Any], Row]) -> None:
        self._items = items
        self._word = word
        self._rows: dict[int, Row] = {}

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self._items)
        row = self._rows.get(index)
        if row is None:
            row = self._rows[index] = self._word(self._items[index])
        return row


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
        self._rows: Sequence[Row] = []
        self._numbers_from = numbers_from

    def set_rows(self, rows: Sequence[Row], titles: Sequence[str] | None = None) -> None:
        """All rows at once (`Worded` rows are kept as they are: worded when asked for)."""
        self.beginResetModel()
        self._rows = rows if isinstance(rows, Worded) else list(rows)
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
        if role not in _ROW_ROLES or not index.isValid() or not 0 <= index.row() < len(self._rows):
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
