"""集計: the city's figures for a fiscal year or any period, over all areas or any set, beside the
same days a year earlier, as a table and a bar chart; saved as PDF or CSV, or printed."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
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
from ..domain.calendar import fiscal_year_label, fiscal_year_of
from ..operations import documents, output
from ..operations import figures as figure_ops
from ..reports.figures import AreaFigures, Period
from ..reports.figures_report import FiguresReport, area_label
from .area_choice import AreaChoice
from .background import Runner
from .chart import AreaBars, AreaChart
from .file_dialogs import chosen_path, file_dialog
from .forms import normalise_date
from .models import Row, RowsModel
from .printing import Printer, document_error_text
from .session import Session, today

YEARS_SHOWN = 6  # this fiscal year and the five before
PERIOD = -1  # the year picker's entry for a period of one's own


def _change(now: int, before: int) -> str:
    return f"{now - before:+d}" if now != before else "±0"


class ReportsPage(QWidget):
    def __init__(self, session: Session, runner: Runner, printer: Printer) -> None:
        super().__init__()
        self.session = session
        self.runner = runner
        self.printer = printer
        self.report: FiguresReport | None = None
        self._running: Any = None

        self.year = QComboBox()
        self.year.setObjectName("figures_year")
        self.year.setAccessibleName(self.tr("Fiscal year or period"))
        self.start = QLineEdit()
        self.start.setObjectName("figures_from")
        self.start.setAccessibleName(self.tr("From"))
        self.start.setPlaceholderText(self.tr("YYYY-MM-DD"))
        self.end = QLineEdit()
        self.end.setObjectName("figures_to")
        self.end.setAccessibleName(self.tr("To"))
        self.end.setPlaceholderText(self.tr("YYYY-MM-DD"))
        self.until = QLabel("～")
        self.area = AreaChoice()
        self.show_button = QPushButton(self.tr("Show"))
        self.show_button.setObjectName("figures_show")
        self.show_button.setDefault(True)
        self.show_button.clicked.connect(self.calculate)
        self.pdf_button = QPushButton(self.tr("Save as PDF…"))
        self.pdf_button.setObjectName("figures_pdf")
        self.pdf_button.clicked.connect(self.save_pdf)
        self.csv_button = QPushButton(self.tr("Save as CSV…"))
        self.csv_button.setObjectName("figures_csv")
        self.csv_button.clicked.connect(self.save_csv)
        self.print_button = QPushButton(self.tr("Print (Ctrl+P)"))
        self.print_button.setObjectName("figures_print")
        self.print_button.clicked.connect(self.print_figures)
        self.year.currentIndexChanged.connect(self._year_changed)
        for line in (self.start, self.end):
            line.returnPressed.connect(self.calculate)

        self.heading = QLabel()
        self.heading.setObjectName("figures_heading")
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.heading.setFont(font)
        self.message = QLabel()
        self.message.setObjectName("figures_message")
        self.message.setWordWrap(True)
        self.model = RowsModel([], self, numbers_from=1)
        self.table = QTableView()
        self.table.setObjectName("figures_table")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QTableView.SelectionMode.NoSelection)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        self.summary = QLabel()
        self.summary.setObjectName("figures_summary")
        self.summary.setWordWrap(True)
        self.chart = AreaChart()

        controls = QHBoxLayout()
        controls.addWidget(QLabel(self.tr("Period")))
        controls.addWidget(self.year)
        controls.addWidget(self.start)
        controls.addWidget(self.until)
        controls.addWidget(self.end)
        controls.addWidget(self.show_button)
        controls.addStretch(1)
        controls.addWidget(self.pdf_button)
        controls.addWidget(self.csv_button)
        controls.addWidget(self.print_button)
        scope = QHBoxLayout()
        area_label = QLabel(self.tr("Areas"))
        area_label.setBuddy(self.area)
        scope.addWidget(area_label)
        scope.addWidget(self.area, 1)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.table, 1)
        top_layout.addWidget(self.summary)
        split = QSplitter(Qt.Orientation.Vertical)
        split.setObjectName("figures_splitter")
        split.setChildrenCollapsible(False)
        split.addWidget(top)
        split.addWidget(self.chart)
        split.setSizes([360, 300])
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addLayout(scope)
        layout.addWidget(self.heading)
        layout.addWidget(self.message)
        layout.addWidget(split, 1)
        self._fill_years()
        self._enable(False)

    # -- the choice of period --------------------------------------------------------------

    def _fill_years(self) -> None:
        self.year.blockSignals(True)
        self.year.clear()
        current = fiscal_year_of(today())
        for year in range(current, current - YEARS_SHOWN, -1):
            self.year.addItem(fiscal_year_label(year), year)
        self.year.addItem(self.tr("Period…"), PERIOD)
        self.year.blockSignals(False)
        self._year_changed()

    def _year_changed(self, *_: Any) -> None:
        own = self.year.currentData() == PERIOD
        for widget in (self.start, self.end, self.until):
            widget.setVisible(own)
        if own and not self.start.text():
            first = today().replace(day=1)
            self.start.setText(first.isoformat())
            self.end.setText(today().isoformat())

    def period(self) -> Period | None:
        """The period chosen, or None (with a message) when its days are not dates."""
        chosen = self.year.currentData()
        if chosen != PERIOD:
            return Period.of_fiscal_year(int(chosen))
        try:
            start = date.fromisoformat(normalise_date(self.start.text()))
            end = date.fromisoformat(normalise_date(self.end.text()))
            return Period(start, end)
        except ValueError:
            self.message.setText(
                self.tr("Type both days as dates (YYYY-MM-DD), the first on or before the last.")
            )
            return None

    def areas(self) -> list[str] | None:
        """The areas checked; None: the whole city."""
        return self.area.areas()

    # -- the figures -----------------------------------------------------------------------

    def refresh(self) -> None:
        """Shown: the figures of what is chosen (the year in progress the first time)."""
        if self.report is None and self._running is None:
            self.calculate()

    def calculate(self) -> None:
        vault = self.session.vault
        period = self.period()
        if vault is None or period is None or self._running is not None:
            return
        areas = self.areas()
        self.message.setText(self.tr("Counting…"))
        self.show_button.setEnabled(False)

        def done(report: FiguresReport) -> None:
            self._running = None
            self.show_button.setEnabled(True)
            if self.session.vault is vault:
                self.show_report(report)

        def failed(error: Exception) -> None:
            self._running = None
            self.show_button.setEnabled(True)
            self.message.setText(document_error_text(error))

        self._running = self.runner.run(
            self.tr("Counting the figures…"),
            lambda: figure_ops.report(vault, period, areas),
            done,
            failed,
        )

    def show_report(self, report: FiguresReport) -> None:
        self.report = report
        self.message.clear()
        current, previous = report.current, report.previous
        self.heading.setText(
            f"{current.period.label}（{current.period.span}）　{report.scope_label}"
            if current.period.fiscal_year is not None
            else f"{current.period.label}　{report.scope_label}"
        )
        before = report.previous_heading
        titles = [v.AREA_LABEL]
        for key in ("outreach", "consultation_contacts", "consultation_households", "meetings"):
            # (long headings on lines of their own: 相談対応・／支援コーディネート／（延べ件数）)
            titles += [v.FIGURES[key].replace("・", "・\n").replace("（", "\n（"), before]
        rows = []
        for code, now in current.areas.items():
            cells = self._cells(area_label(code), now, previous.areas[code])
            if code == v.CITY_PSEUDO_AREA:  # city-wide: meetings only, by definition
                cells = (cells[0], *("－" for _ in cells[1:7]), *cells[7:])
            rows.append(Row(cells))
        rows.append(Row(self._cells(self.tr("Total"), current.totals, previous.totals)))
        self.model.set_rows(rows, titles)
        self.table.horizontalHeader().setMinimumHeight(self.fontMetrics().height() * 3 + 8)
        found, found_before = report.breakdowns, report.previous_breakdowns
        self.summary.setText(
            "　".join(
                f"{label}：{now}（{before} {then}）"
                for label, now, then in (
                    (v.FIGURES["referrals_in"], current.referrals_in, previous.referrals_in),
                    (
                        v.FIGURES["agencies_coordinated"],
                        current.agencies_coordinated,
                        previous.agencies_coordinated,
                    ),
                    (
                        v.FIGURES["households_supported"],
                        found.households_supported,
                        found_before.households_supported,
                    ),
                    (
                        v.FIGURES["new_households"],
                        found.new_households,
                        found_before.new_households,
                    ),
                    (
                        v.FIGURES["closed_households"],
                        found.closed_households,
                        found_before.closed_households,
                    ),
                )
            )
        )
        bars = [
            AreaBars(
                area_label(code),
                now.outreach,
                now.consultation_contacts,
                previous.areas[code].outreach,
                previous.areas[code].consultation_contacts,
            )
            for code, now in current.areas.items()
            if code != v.CITY_PSEUDO_AREA  # city-wide: meetings only, no bars to draw
        ]
        heading = current.period.label if current.period.fiscal_year is not None else ""
        outreach = v.FIGURES["outreach"]
        consultations = self.tr("Consultations")
        self.chart.set_bars(
            bars,
            (
                f"{outreach} {heading}".strip(),
                f"{outreach} {before}",
                f"{consultations} {heading}".strip(),
                f"{consultations} {before}",
            ),
        )
        self._enable(True)

    def _cells(self, label: str, now: AreaFigures, then: AreaFigures) -> tuple[str, ...]:
        cells = [label]
        for a, b in (
            (now.outreach, then.outreach),
            (now.consultation_contacts, then.consultation_contacts),
            (now.consultation_households, then.consultation_households),
            (now.meetings_total, then.meetings_total),
        ):
            cells += [str(a), f"{b}（{_change(a, b)}）"]
        return tuple(cells)

    def _enable(self, shown: bool) -> None:
        for button in (self.pdf_button, self.csv_button, self.print_button):
            button.setEnabled(shown)

    # -- saving and printing ---------------------------------------------------------------

    def ask_save_path(self, suggested: str, kind: str) -> Path | None:
        """Where the person saves the file (Qt's own dialog, in Japanese)."""
        return chosen_path(
            file_dialog(
                self,
                self.tr("Save"),
                Path.home() / suggested,
                self.tr("Save"),
                save=True,
                name_filter=kind,
                default_suffix=Path(suggested).suffix.lstrip("."),
            )
        )

    def _file_stem(self) -> str:
        if self.report is None:
            return "figures"
        period = self.report.current.period
        if period.fiscal_year is not None:
            return f"{period.label}_{self.report.scope_label}"
        return f"{period.start.isoformat()}_{period.end.isoformat()}_{self.report.scope_label}"

    def _save(self, suggested: str, kind: str, build: Any) -> None:
        vault = self.session.vault
        if vault is None or self.report is None:
            return
        path = self.ask_save_path(suggested, kind)
        if path is None:
            return
        period, areas = self.report.current.period, self.report.areas

        def work() -> Path:
            output.write_bytes(path, build(vault, period, areas))
            return path

        def done(saved: Path) -> None:
            self.message.setText(self.tr("Saved: %1").replace("%1", str(saved)))

        def failed(error: Exception) -> None:
            self.message.setText(document_error_text(error))

        self.runner.run(self.tr("Saving…"), work, done, failed)

    def save_pdf(self) -> None:
        self._save(
            f"{self._file_stem()}.pdf",
            self.tr("PDF (*.pdf)"),
            lambda vault, period, areas: documents.figures_document(vault, period, areas),
        )

    def save_csv(self) -> None:
        self._save(f"{self._file_stem()}.csv", self.tr("CSV (*.csv)"), figure_ops.as_csv)

    def print_figures(self) -> None:
        if self.report is not None:
            self.printer.print_figures(self.report.current.period, self.report.areas)

    def forget(self) -> None:
        self.report = None
        self.model.forget()
        self.chart.forget()
        self.heading.clear()
        self.summary.clear()
        self.message.clear()
        self._enable(False)
