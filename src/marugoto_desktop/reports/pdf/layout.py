"""What every document shares: A4 pages with the 取扱注意 mark, who made it and when, page
numbers 「1 / 3」; paragraph styles with Japanese line breaking; tables whose header row repeats
on every page and whose long cells flow onto the next page."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from ...domain.calendar import wareki
from .fonts import FIGURES, FIGURES_BOLD, TEXT, TEXT_BOLD, register_fonts

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 15 * mm
TOP = 22 * mm  # room for the mark and the running title
BOTTOM = 18 * mm  # room for who made it, and the page number
WIDTH = PAGE_WIDTH - 2 * MARGIN

CONFIDENTIAL = "取扱注意"
MADE_BY = "作成"
EMPTY = "―"

GRID = colors.HexColor("#7a7a7a")
SHADE = colors.HexColor("#e8edf2")
MARK = colors.HexColor("#b00020")


def _style(name: str, **options: Any) -> ParagraphStyle:
    base: dict[str, Any] = {"fontName": TEXT, "fontSize": 9.5, "leading": 14, "wordWrap": "CJK"}
    base.update(options)
    return ParagraphStyle(name, **base)


TITLE = _style("title", fontName=TEXT_BOLD, fontSize=16, leading=22, alignment=TA_CENTER)
SUBTITLE = _style("subtitle", fontSize=10, leading=15, alignment=TA_CENTER, spaceAfter=4 * mm)
HEADING = _style(
    "heading", fontName=TEXT_BOLD, fontSize=11.5, leading=16, spaceBefore=5 * mm,
    spaceAfter=2 * mm,
)  # fmt: skip
# A heading needs room below it for a table's header and first row, else it starts a page.
HEADING_ROOM = 32 * mm
BODY = _style("body", spaceAfter=2 * mm)
NOTE = _style("note", fontSize=8.5, leading=12, textColor=colors.HexColor("#333333"))
CELL = _style("cell", fontSize=9, leading=12.5)
CELL_HEAD = _style("cell_head", fontName=TEXT_BOLD, fontSize=8.5, leading=11.5)
NUMBER = _style("number", fontName=FIGURES, fontSize=9, leading=12.5, alignment=TA_RIGHT)
NUMBER_BOLD = _style(
    "number_bold", fontName=FIGURES_BOLD, fontSize=9, leading=12.5, alignment=TA_RIGHT
)
NUMBER_HEAD = _style(
    "number_head", fontName=TEXT_BOLD, fontSize=8, leading=10.5, alignment=TA_CENTER
)
NOTICE = _style(
    "notice", fontSize=9, leading=13.5, borderColor=MARK, borderWidth=0.8, borderPadding=2.5 * mm,
    spaceBefore=3 * mm, spaceAfter=5 * mm, backColor=colors.HexColor("#fff4f4"),
)  # fmt: skip


def text(value: object, style: ParagraphStyle = CELL) -> Paragraph:
    """A value as a wrapping paragraph: escaped, line breaks kept, ― when empty."""
    if value is None or value == "" or value == []:
        return Paragraph(EMPTY, style)
    return Paragraph(escape(str(value)).replace("\n", "<br/>"), style)


def number(value: int, style: ParagraphStyle = NUMBER) -> Paragraph:
    return Paragraph(f"{value:,}", style)


@dataclass(frozen=True)
class DocumentInfo:
    """What a document says about itself on every page."""

    title: str
    generated_by: str
    generated_at: datetime

    @property
    def made_line(self) -> str:
        at = self.generated_at
        return f"{MADE_BY}：{self.generated_by}　{wareki(at.date())} {at:%H:%M}"


def _table_style(header_rows: int, *, numbers_from: int | None = None) -> list[tuple[Any, ...]]:
    style: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), TEXT),  # for plain-string cells: not Helvetica
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        # Room for punctuation that CJK line breaking lets hang past the line (ぶら下げ).
        ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header_rows:
        style += [
            ("BACKGROUND", (0, 0), (-1, header_rows - 1), SHADE),
            ("VALIGN", (0, 0), (-1, header_rows - 1), "MIDDLE"),
        ]
    if numbers_from is not None:
        style.append(("VALIGN", (numbers_from, header_rows), (-1, -1), "MIDDLE"))
    return style


def table(
    header: Sequence[str],
    rows: Sequence[Sequence[Flowable | str]],
    widths: Sequence[float],
    *,
    extra_style: Sequence[tuple[Any, ...]] = (),
    numbers_from: int | None = None,
) -> Table:
    """A table whose header row repeats on every page and whose long rows split across pages."""
    first_number = len(header) if numbers_from is None else numbers_from
    head = [
        Paragraph(escape(h), NUMBER_HEAD if i >= first_number else CELL_HEAD)
        for i, h in enumerate(header)
    ]
    body = [[cell if isinstance(cell, Flowable) else text(cell) for cell in row] for row in rows]
    found = Table(
        [head, *body],
        colWidths=_scaled(widths),
        repeatRows=1,
        splitInRow=1,
        hAlign="LEFT",
    )
    found.setStyle(TableStyle([*_table_style(1, numbers_from=numbers_from), *extra_style]))
    return found


def fields_table(pairs: Sequence[tuple[str, object]], label_width: float = 0.22) -> Table:
    """Label / value rows (a record's fields), labels shaded; a long value splits across pages."""
    rows = [[Paragraph(escape(label), CELL_HEAD), _cell(value)] for label, value in pairs]
    found = Table(
        rows, colWidths=_scaled([label_width, 1 - label_width]), splitInRow=1, hAlign="LEFT"
    )
    found.setStyle(TableStyle([*_table_style(0), ("BACKGROUND", (0, 0), (0, -1), SHADE)]))
    return found


def pairs_table(pairs: Sequence[tuple[str, object]], wide: Sequence[str] = ()) -> Table:
    """Label / value pairs two to a row, to save paper; labels in `wide` take a whole row, as
    does a pair left alone at the end."""
    rows: list[list[Flowable | str]] = []
    whole: list[int] = []  # rows of one pair, its value across the three value columns
    waiting: list[Flowable] = []
    for name, value in pairs:
        cells = [Paragraph(escape(name), CELL_HEAD), _cell(value)]
        if name in wide or waiting:
            if waiting and name in wide:
                whole.append(len(rows))
                rows.append([*waiting, "", ""])
                waiting = []
            if name in wide:
                whole.append(len(rows))
                rows.append([*cells, "", ""])
            else:
                rows.append([*waiting, *cells])
                waiting = []
        else:
            waiting = cells
    if waiting:
        whole.append(len(rows))
        rows.append([*waiting, "", ""])
    found = Table(rows, colWidths=_scaled([0.15, 0.35, 0.15, 0.35]), splitInRow=1, hAlign="LEFT")
    style = [*_table_style(0), ("BACKGROUND", (0, 0), (0, -1), SHADE)]
    for row in range(len(rows)):
        if row in whole:
            style.append(("SPAN", (1, row), (3, row)))
        else:
            style.append(("BACKGROUND", (2, row), (2, row), SHADE))
    found.setStyle(TableStyle(style))
    return found


def _cell(value: object) -> Flowable:
    return value if isinstance(value, Flowable) else text(value)


def _scaled(fractions: Sequence[float]) -> list[float]:
    """Column widths given as shares of the page's width."""
    total = sum(fractions)
    return [WIDTH * f / total for f in fractions]


def section(title: str) -> list[Flowable]:
    """A section heading, never left alone at the foot of a page.

    (keepWithNext would carry a whole table to the next page with it, leaving the rest of
    the page empty; the table may split, as long as its first rows stay with the heading.)
    """
    return [CondPageBreak(HEADING_ROOM), Paragraph(escape(title), HEADING)]


def spacer(height_mm: float = 3) -> Spacer:
    return Spacer(1, height_mm * mm)


# -- pages --------------------------------------------------------------------------------


def _decorate(canvas: Canvas, info: DocumentInfo) -> None:
    """The mark, the running title and who made it: drawn on every page."""
    canvas.saveState()
    top = PAGE_HEIGHT - 11 * mm
    canvas.setFont(TEXT_BOLD, 10)
    mark_width = canvas.stringWidth(CONFIDENTIAL, TEXT_BOLD, 10) + 5 * mm
    left = PAGE_WIDTH - MARGIN - mark_width
    canvas.setStrokeColor(MARK)
    canvas.setFillColor(MARK)
    canvas.setLineWidth(1)
    canvas.rect(left, top - 2 * mm, mark_width, 6.5 * mm, stroke=1, fill=0)
    canvas.drawCentredString(left + mark_width / 2, top, CONFIDENTIAL)
    canvas.setFillColor(colors.HexColor("#555555"))
    canvas.setFont(TEXT, 8.5)
    canvas.drawString(MARGIN, top, info.title)
    canvas.setStrokeColor(GRID)
    canvas.setLineWidth(0.4)
    canvas.line(MARGIN, PAGE_HEIGHT - TOP + 4 * mm, PAGE_WIDTH - MARGIN, PAGE_HEIGHT - TOP + 4 * mm)
    canvas.line(MARGIN, BOTTOM - 4 * mm, PAGE_WIDTH - MARGIN, BOTTOM - 4 * mm)
    canvas.drawString(MARGIN, BOTTOM - 9 * mm, info.made_line)
    canvas.restoreState()


class _NumberedCanvas(Canvas):
    """Holds every page back until the end, so each can say 「n / total」."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()  # type: ignore[attr-defined]  # reportlab resets the page here

    def save(self) -> None:
        total = len(self._pages)
        for number_, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self.setFont(FIGURES, 9)
            self.setFillColor(colors.HexColor("#555555"))
            self.drawRightString(PAGE_WIDTH - MARGIN, BOTTOM - 9 * mm, f"{number_} / {total}")
            super().showPage()
        super().save()


# reportlab keeps some state in module globals; one document at a time is the safe way.
_building = threading.Lock()


def build(make_story: Callable[[], Sequence[Flowable]], info: DocumentInfo) -> bytes:
    """The PDF of a story: A4, every page marked, numbered and signed; bytes in memory.

    The story is made here, once the fonts its paragraphs name are registered.
    """
    register_fonts()
    story = make_story()
    out = BytesIO()
    with _building:
        document = BaseDocTemplate(
            out,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=TOP,
            bottomMargin=BOTTOM,
            title=info.title,
            author=info.generated_by,
            creator="marugoto-desktop",
            subject=CONFIDENTIAL,
            # Not Helvetica, reportlab's default: a reader would have to supply that font.
            initialFontName=TEXT,
        )
        frame = Frame(MARGIN, BOTTOM, WIDTH, PAGE_HEIGHT - TOP - BOTTOM, id="body")
        document.addPageTemplates(
            [PageTemplate("page", [frame], onPage=lambda c, _d: _decorate(c, info))]
        )
        document.build(list(story), canvasmaker=_NumberedCanvas)
    return out.getvalue()
