"""Which areas a figure covers: the whole city, or any set of areas, as one checkable row."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QListView, QListWidget, QListWidgetItem, QWidget

from ..domain import vocabularies as v

CODE_ROLE = Qt.ItemDataRole.UserRole
WHOLE_CITY = ""  # the first entry: every area and the city-wide meetings (areas None)


class AreaChoice(QListWidget):
    """全市, or the areas checked. Checking an area leaves 全市; leaving every area unchecked
    (or checking them all) is 全市 again. Space checks the entry the arrows are on."""

    chosen = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("figures_areas")
        self.setAccessibleName(self.tr("Areas covered"))
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(False)
        self.setSpacing(2)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        entries = [
            (WHOLE_CITY, v.CITY_LABEL),
            *v.AREAS.entries,
            (v.CITY_PSEUDO_AREA, self.tr("City-wide meetings")),
        ]
        for code, label in entries:
            item = QListWidgetItem(label, self)
            item.setData(CODE_ROLE, code)
            item.setFlags(
                Qt.ItemFlag.ItemIsEnabled
                | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsUserCheckable
            )
            item.setCheckState(Qt.CheckState.Unchecked)
        self._settling = False
        self.set_areas(None)
        self.setCurrentRow(0)
        self.itemChanged.connect(self._changed)
        self.setSizeAdjustPolicy(QListWidget.SizeAdjustPolicy.AdjustToContents)

    def _items(self) -> list[QListWidgetItem]:
        return [self.item(row) for row in range(self.count())]

    def _area_items(self) -> list[QListWidgetItem]:
        return self._items()[1:]

    def areas(self) -> list[str] | None:
        """The codes checked, in the city's order; None: the whole city."""
        if self.item(0).checkState() == Qt.CheckState.Checked:
            return None
        return [
            str(item.data(CODE_ROLE))
            for item in self._area_items()
            if item.checkState() == Qt.CheckState.Checked
        ]

    def set_areas(self, areas: Iterable[str] | None) -> None:
        wanted = None if areas is None else set(areas)
        every = {str(item.data(CODE_ROLE)) for item in self._area_items()}
        if wanted is not None and (not wanted or wanted >= every):
            wanted = None
        self._settling = True
        try:
            self.item(0).setCheckState(_state(wanted is None))
            for item in self._area_items():
                item.setCheckState(_state(wanted is not None and item.data(CODE_ROLE) in wanted))
        finally:
            self._settling = False
        self.chosen.emit()

    def _changed(self, item: QListWidgetItem) -> None:
        if self._settling:
            return
        if item is self.item(0):  # 全市 on clears the areas; off alone means nothing
            self.set_areas(None)
            return
        now = [
            str(i.data(CODE_ROLE))
            for i in self._area_items()
            if i.checkState() == Qt.CheckState.Checked
        ]
        self.set_areas(now or None)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        row = self.sizeHintForRow(0) if self.count() else self.fontMetrics().height()
        return QSize(hint.width(), row + 2 * self.frameWidth() + 2 * self.spacing() + 2)

    def minimumSizeHint(self) -> QSize:
        return QSize(120, self.sizeHint().height())


def _state(checked: Any) -> Qt.CheckState:
    return Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
