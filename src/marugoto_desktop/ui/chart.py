"""A bar chart of outreach and consultations by area, drawn with QPainter (no chart library).

Each area has four bars: outreach and consultations for the period, each beside the same
days a year earlier (lighter). The values stand above the period's bars.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

OUTREACH = QColor("#1f5fa8")
OUTREACH_BEFORE = QColor("#a9c4e6")
CONSULT = QColor("#c0641a")
CONSULT_BEFORE = QColor("#f0c49c")


@dataclass(frozen=True)
class AreaBars:
    label: str
    outreach: int
    consultations: int
    outreach_before: int
    consultations_before: int


def nice_step(largest: int, lines: int = 5) -> int:
    """A round step for the value lines (1, 2, 5 × 10ⁿ) so about `lines` of them fit."""
    if largest <= 0:
        return 1
    raw = largest / lines
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return max(1, int(factor * power))
    return max(1, int(10 * power))


class AreaChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("area_chart")
        self.setMinimumHeight(220)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.bars: list[AreaBars] = []
        self.legend = ("", "", "", "")  # outreach, …before, consultations, …before

    def sizeHint(self) -> QSize:
        return QSize(720, 280)

    def set_bars(self, bars: Sequence[AreaBars], legend: tuple[str, str, str, str]) -> None:
        self.bars = list(bars)
        self.legend = legend
        self.setAccessibleDescription(
            "；".join(f"{b.label} {b.outreach}・{b.consultations}" for b in self.bars)
        )
        self.update()

    def forget(self) -> None:
        self.set_bars([], ("", "", "", ""))

    def paintEvent(self, event: Any) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        grid = palette.color(QPalette.ColorRole.Mid)
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
        if not self.bars:
            painter.end()
            return
        metrics = QFontMetrics(self.font())
        line = metrics.height()
        colours = (OUTREACH, OUTREACH_BEFORE, CONSULT, CONSULT_BEFORE)

        # The legend, in one row at the top.
        x = 12.0
        for colour, words in zip(colours, self.legend, strict=True):
            painter.fillRect(QRectF(x, 8, line * 0.8, line * 0.8), colour)
            x += line
            painter.setPen(text)
            painter.drawText(QRectF(x, 4, 1000, line), Qt.AlignmentFlag.AlignVCenter, words)
            x += metrics.horizontalAdvance(words) + line

        largest = max(
            max(b.outreach, b.consultations, b.outreach_before, b.consultations_before)
            for b in self.bars
        )
        step = nice_step(largest)
        top_value = max(step, math.ceil(largest / step) * step)
        left = 12.0 + metrics.horizontalAdvance(str(top_value)) + 6
        top = 8.0 + line * 2
        bottom = self.height() - line * 1.8
        width = self.width() - left - 12
        height = max(1.0, bottom - top)

        # The value lines, with their numbers.
        for value in range(0, top_value + 1, step):
            y = bottom - height * value / top_value
            painter.setPen(QPen(grid, 1, Qt.PenStyle.DotLine if value else Qt.PenStyle.SolidLine))
            painter.drawLine(int(left), int(y), int(left + width), int(y))
            painter.setPen(text)
            painter.drawText(
                QRectF(0, y - line / 2, left - 6, line),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                str(value),
            )

        group = width / len(self.bars)
        bar = min(28.0, group * 0.8 / 4)
        for index, area in enumerate(self.bars):
            start = left + group * index + (group - bar * 4) / 2
            values = (
                area.outreach,
                area.outreach_before,
                area.consultations,
                area.consultations_before,
            )
            for number, (colour, value) in enumerate(zip(colours, values, strict=True)):
                h = height * value / top_value
                rect = QRectF(start + bar * number, bottom - h, bar - 2, h)
                painter.fillRect(rect, colour)
                if number in (0, 2):  # the period's own values stand above its bars
                    painter.setPen(text)
                    painter.drawText(
                        QRectF(rect.x() - bar / 2, rect.y() - line, bar * 2, line),
                        Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
                        str(value),
                    )
            painter.setPen(text)
            painter.drawText(
                QRectF(left + group * index, bottom + 4, group, line),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                area.label,
            )
        painter.end()
