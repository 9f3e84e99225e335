"""`make screenshots`: a PNG of every screen and dialog, filled with demo data, offscreen.

python -m marugoto_desktop.ui.screenshots [OUT_DIR]   (default build/screenshots)
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from ..operations.demo import write_demo
from ..operations.visits import set_consultant
from ..reports.consent_scope import ConsentRefused
from ..vault import KdfParams, Vault, WrongPassphrase
from . import session
from .activity import ActivityDialog
from .app import create_application
from .background import wait_for_background
from .messages import vault_error_text
from .printing import AgencySheetDialog, DayDialog, refusal_text
from .records_tab import RecordsTab
from .reports_page import PERIOD
from .unlock import folder_dialog
from .windows import MainWindow

DEMO_PASSPHRASE = "demo passphrase for screenshots"  # noqa: S105  (fictional demo data)
DEMO_TODAY = date(2026, 3, 30)  # the last Monday of the demo's fiscal years


def _save(widget: QWidget, out: Path, name: str) -> None:
    QApplication.processEvents()
    widget.grab().save(str(out / f"{name}.png"))
    print(out / f"{name}.png")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0] if args else "build/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="marugoto-shots-"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "qs"))
    app = create_application(["marugoto-screenshots"])
    session.pinned_today = DEMO_TODAY
    folder = work / "vault"
    with Vault.create(folder, DEMO_PASSPHRASE, kdf=KdfParams()) as vault:
        write_demo(vault, 60)
        set_consultant(vault, "高松 花子")
    QSettings().setValue("profile/area", "shoga")

    window = MainWindow()
    window.resize(1280, 800)
    window.show()
    _save(window, out, "01-first-run")
    window.first_run_page.passphrase.setText("短い")
    _save(window, out, "02-first-run-weak")
    window.unlock_page.folder.setText(str(folder))
    window.show_unlock()
    window.unlock_page.message.setText(vault_error_text(WrongPassphrase("wrong")))
    _save(window, out, "03-unlock")
    dialog = folder_dialog(window.unlock_page, "", str(work))
    dialog.resize(800, 500)
    dialog.show()
    _save(dialog, out, "04-file-dialog")
    dialog.close()

    window.unlock_page.message.clear()
    window.open_vault(Vault.open(folder, DEMO_PASSPHRASE))
    workspace = window.workspace
    assert workspace is not None
    wait_for_background()  # the list's kana, ready before the first screen is taken
    for index, name in enumerate(workspace.SCREENS):
        workspace.show_screen(index)
        wait_for_background()  # (集計 counts in the background)
        _save(window, out, f"1{index}-{name}")
    households = workspace.households
    workspace.show_named("households")
    households.search.setText("ヤマ")
    households.open_first()
    detail = households.detail
    for index in range(detail.tabs.count()):
        detail.tabs.setCurrentIndex(index)
        tab = detail.tabs.currentWidget()
        if isinstance(tab, RecordsTab) and tab.model.rowCount():
            tab.select_row(0)
        _save(window, out, f"2{index}-household-tab{index}")
    households.search.setText("")
    households.area.setCurrentIndex(households.area.findData("shoga"))
    households.status.setCurrentIndex(households.status.findData("active"))
    _save(window, out, "30-households-filtered")

    activity = ActivityDialog(window.session, detail.detail.household, window)  # type: ignore[union-attr]
    activity.show()
    _save(activity, out, "31-new-activity")
    activity.form.editors["date"].setText("2025-02-30")  # type: ignore[attr-defined]
    activity.kind.setEditText("")
    activity.save()
    _save(activity, out, "32-new-activity-errors")
    activity.done(0)

    workspace.show_named("meetings")
    meetings = workspace.meetings
    meetings.tab.new()
    form = meetings.tab.form
    form.editors["date"].setText("2025-06-01")  # type: ignore[attr-defined]
    form.editors["meeting_type"].set_code("individual")  # type: ignore[attr-defined]
    first = [households.model.row_at(0).id, households.model.row_at(1).id]
    form.editors["household_ids"].set_values(first)  # type: ignore[attr-defined]
    form.editors["legal_basis"].set_code("multilayer_meeting")  # type: ignore[attr-defined]
    meetings.check_consent()
    _save(window, out, "33-meeting-consent-guard")

    workspace.show_named("reports")
    reports = workspace.reports
    reports.year.setCurrentIndex(reports.year.findData(PERIOD))
    reports.start.setText("2026-01-01")
    reports.end.setText("2026-03-31")
    reports.area.set_areas(["shoga", "yamada"])
    reports.calculate()
    wait_for_background()
    _save(window, out, "36-reports-period-area")

    workspace.open_household(households.model.row_at(0).id)
    agency = AgencySheetDialog(window.session, window)
    agency.show()
    _save(agency, out, "37-print-for-agency")
    agency.done(0)
    day = DayDialog(window.session, window)
    day.show()
    _save(day, out, "38-print-day")
    day.done(0)
    window._document_failed(refusal_text(ConsentRefused("agency_not_covered", "", "")))
    _save(window, out, "39-print-refused")
    refusal = window.findChild(QMessageBox, "print_refusal")
    if refusal is not None:
        _save(refusal, out, "40-print-refused-message")
    for box in window.findChildren(QDialog):
        box.done(0)

    workspace.show_named("outreach")
    for _ in range(12):
        workspace.outreach.add(1)
    workspace.outreach.place.setText("勝賀公民館")
    _save(window, out, "34-outreach-tally")
    window.lock()
    _save(window, out, "35-after-lock")
    window.close()
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
