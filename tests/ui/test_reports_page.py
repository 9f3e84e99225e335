"""集計: the figures of a fiscal year or a period, over the city or one area, beside the year
before, as a table and a chart; saved as CSV and PDF where the person chooses; printed."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from marugoto_desktop.domain.calendar import fiscal_year_bounds
from marugoto_desktop.operations.demo import write_demo
from marugoto_desktop.ui import printing
from marugoto_desktop.ui import session as ui_session
from marugoto_desktop.ui.reports_page import PERIOD
from marugoto_desktop.ui.windows import MainWindow
from marugoto_desktop.vault import KdfParams, Vault

from ..conftest import PASSPHRASE
from ..reports.pdf_checks import check_document, plain

FISCAL_YEAR = 2025  # the demo's second year


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("demo") / "vault"
    with Vault.create(folder, PASSPHRASE, kdf=KdfParams()) as vault:
        write_demo(vault, 40)
    return folder


@pytest.fixture
def window(qtbot, demo_template, tmp_path, monkeypatch) -> MainWindow:
    from datetime import date

    monkeypatch.setattr(ui_session, "pinned_today", date(2026, 3, 30))  # inside FY2025
    folder = tmp_path / "vault"
    shutil.copytree(demo_template, folder)
    window = MainWindow(default_vault=folder)
    qtbot.addWidget(window)
    window.show()
    window.open_vault(Vault.open(folder, PASSPHRASE))
    return window


def _outreach_by_area(vault: Vault, start: str, end: str) -> Counter[str]:
    return Counter(
        a.area
        for a in vault.records("activity")
        if str(a.get("kind", "")).startswith("outreach.") and start <= a.get("date", "") <= end
    )


def _shown(qtbot, page) -> None:
    qtbot.waitUntil(lambda: page.report is not None and page._running is None, timeout=20_000)


def test_the_fiscal_year_beside_the_one_before(window, qtbot):
    window.workspace.show_named("reports")
    page = window.workspace.reports
    _shown(qtbot, page)  # the year in progress, at once
    assert page.heading.text().startswith("令和7年度（令和7年4月1日～令和8年3月31日）　全市")
    model = page.model
    assert model.titles[1:3] == ["アウトリーチ", "前年度"]
    rows = {model.row_at(r).cells[0]: model.row_at(r).cells for r in range(model.rowCount())}
    assert list(rows)[-1] == "合計" and "全市" in rows and len(rows) == 7 + 2
    start, end = (d.isoformat() for d in fiscal_year_bounds(FISCAL_YEAR))
    this_year = _outreach_by_area(window.vault, start, end)
    start, end = (d.isoformat() for d in fiscal_year_bounds(FISCAL_YEAR - 1))
    last_year = _outreach_by_area(window.vault, start, end)
    assert rows["牟礼"][1] == str(this_year["mure"])
    assert rows["牟礼"][2].startswith(f"{last_year['mure']}（")
    assert rows["合計"][1] == str(sum(this_year.values()))
    # The chart: the seven areas (city-wide meetings have no bars), the year beside the last.
    bars = {bar.label: bar for bar in page.chart.bars}
    assert list(bars) == ["本庁", "牟礼", "勝賀", "山田", "仏生山", "国分寺", "香川"]
    assert (bars["牟礼"].outreach, bars["牟礼"].outreach_before) == (
        this_year["mure"],
        last_year["mure"],
    )
    assert page.chart.grab().width() > 0  # it paints


def test_a_period_over_one_area(window, qtbot):
    window.workspace.show_named("reports")
    page = window.workspace.reports
    _shown(qtbot, page)
    page.year.setCurrentIndex(page.year.findData(PERIOD))
    assert page.start.isVisibleTo(page)
    page.start.setText("2025/4/1")  # as people type dates
    page.end.setText("2025-06-30")
    page.area.set_areas(["mure"])
    qtbot.mouseClick(page.show_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "牟礼" in page.heading.text(), timeout=20_000)
    _shown(qtbot, page)
    assert page.heading.text() == "令和7年4月1日～令和7年6月30日　牟礼"
    assert page.model.titles[2] == "前年同期"
    rows = [page.model.row_at(r).cells for r in range(page.model.rowCount())]
    assert [r[0] for r in rows] == ["牟礼", "合計"]
    assert rows[0][1] == str(_outreach_by_area(window.vault, "2025-04-01", "2025-06-30")["mure"])

    page.end.setText("2025-02-30")
    qtbot.mouseClick(page.show_button, Qt.MouseButton.LeftButton)
    assert "開始日と終了日" in page.message.text()


def test_saved_as_csv_and_pdf_where_the_person_chooses_and_printed(
    window, qtbot, tmp_path, monkeypatch
):
    window.workspace.show_named("reports")
    page = window.workspace.reports
    _shown(qtbot, page)
    (tmp_path / "out").mkdir()  # a save dialog gives a folder that exists
    chosen = {"csv": tmp_path / "out" / "実績.csv", "pdf": tmp_path / "out" / "実績.pdf"}
    monkeypatch.setattr(page, "ask_save_path", lambda name, kind: chosen[name.rsplit(".")[-1]])
    qtbot.mouseClick(page.csv_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: chosen["csv"].exists(), timeout=20_000)
    csv = chosen["csv"].read_bytes()
    assert csv.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
    assert "エリア" in csv.decode("utf-8-sig") and "牟礼" in csv.decode("utf-8-sig")
    qtbot.mouseClick(page.pdf_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: chosen["pdf"].exists(), timeout=20_000)
    text = plain(check_document(chosen["pdf"].read_bytes()))
    assert "令和7年度" in text and "牟礼" in text
    qtbot.waitUntil(lambda: "保存しました" in page.message.text())

    opened: list[Path] = []
    monkeypatch.setattr(printing, "open_in_viewer", lambda path: opened.append(path) or True)
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(opened) == 1, timeout=20_000)
    assert "令和7年度" in plain(check_document(opened[0].read_bytes()))


def _check(page, code: str, checked: bool = True) -> None:
    """A person ticking an area's box (the list's own click, on the box)."""
    from marugoto_desktop.ui.area_choice import CODE_ROLE

    item = next(
        page.area.item(r)
        for r in range(page.area.count())
        if page.area.item(r).data(CODE_ROLE) == code
    )
    state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
    item.setCheckState(state)


def test_any_set_of_areas(window, qtbot):
    window.workspace.show_named("reports")
    page = window.workspace.reports
    _shown(qtbot, page)
    assert page.areas() is None  # the whole city first
    _check(page, "mure")
    _check(page, "kagawa")
    assert page.areas() == ["mure", "kagawa"]
    area_list = page.area
    assert area_list.item(0).checkState() == Qt.CheckState.Unchecked  # 全市 left
    # From the keyboard: the arrows to 山田, Space ticks it.
    area_list.setFocus()
    area_list.setCurrentRow(0)
    for _ in range(4):  # 本庁 牟礼 勝賀 山田
        qtbot.keyClick(area_list, Qt.Key.Key_Right)
    qtbot.keyClick(area_list, Qt.Key.Key_Space)
    assert page.areas() == ["mure", "yamada", "kagawa"]
    qtbot.mouseClick(page.show_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "牟礼・山田・香川" in page.heading.text(), timeout=20_000)
    _shown(qtbot, page)
    rows = [page.model.row_at(r).cells for r in range(page.model.rowCount())]
    assert [r[0] for r in rows] == ["牟礼", "山田", "香川", "合計"]
    start, end = (d.isoformat() for d in fiscal_year_bounds(FISCAL_YEAR))
    counted = _outreach_by_area(window.vault, start, end)
    assert [r[1] for r in rows[:3]] == [str(counted[a]) for a in ("mure", "yamada", "kagawa")]
    assert rows[3][1] == str(counted["mure"] + counted["yamada"] + counted["kagawa"])
    assert [bar.label for bar in page.chart.bars] == ["牟礼", "山田", "香川"]

    # Nothing ticked is the whole city again; 全市 ticked clears the areas.
    for code in ("mure", "yamada", "kagawa"):
        _check(page, code, False)
    assert page.areas() is None and area_list.item(0).checkState() == Qt.CheckState.Checked
    _check(page, "honcho")
    _check(page, "", True)
    assert page.areas() is None
