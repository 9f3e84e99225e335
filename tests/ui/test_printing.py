"""Printing from the window: Ctrl+P makes the document of what is shown in the background,
puts it in the private print folder and opens it; the folder is emptied on lock and on exit.
A face sheet for an agency leaves out what consent does not cover, or is refused in Japanese."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from marugoto_desktop.operations.records import create_record
from marugoto_desktop.operations.visits import record_visit, set_consultant
from marugoto_desktop.ui import printing
from marugoto_desktop.ui.printing import AgencySheetDialog, DayDialog
from marugoto_desktop.ui.session import today
from marugoto_desktop.ui.windows import MainWindow
from marugoto_desktop.vault import KdfParams, Vault

from ..conftest import PASSPHRASE
from ..reports.pdf_checks import check_document, plain

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def town(tmp_path: Path) -> dict[str, str]:
    folder = tmp_path / "vault"
    ids = {"folder": str(folder)}
    with Vault.create(folder, PASSPHRASE, kdf=KdfParams()) as vault:
        set_consultant(vault, "高松 花子")

        def add(record_type: str, fields: dict, **where: str) -> str:
            return create_record(vault, record_type, fields, **where).record.id

        ids["agency"] = add("agency", {"name": "牟礼包括", "agency_type": "chiiki_houkatsu"},
                            area="mure")  # fmt: skip
        ids["other_agency"] = add("agency", {"name": "香川病院", "agency_type": "medical"},
                                  area="mure")  # fmt: skip
        ids["household"] = add("household", {"name": "牟礼 一郎世帯", "status": "active"},
                               area="mure")  # fmt: skip
        ids["head"] = add("person", {"name": "牟礼 一郎", "relationship": "head"},
                          parent_id=ids["household"])  # fmt: skip
        ids["son"] = add("person", {"name": "牟礼 次郎", "relationship": "child"},
                         parent_id=ids["household"])  # fmt: skip
        add("consent", {"person_id": ids["head"], "granted_on": "2025-04-01", "method": "signature",
                        "agency_ids": [ids["agency"]], "purposes": ["information_sharing"]},
            parent_id=ids["household"])  # fmt: skip
        ids["activity"] = record_visit(
            vault, ids["household"],
            {"kind": "outreach.home_visit", "content": "玄関先で本人と話した"}, today=today(),
        ).record.id  # fmt: skip
    return ids


@pytest.fixture
def opened(monkeypatch) -> list[Path]:
    """The documents handed to the system's viewer (none is really opened)."""
    paths: list[Path] = []
    monkeypatch.setattr(printing, "open_in_viewer", lambda path: paths.append(path) or True)
    return paths


@pytest.fixture
def window(qtbot, town) -> MainWindow:
    window = MainWindow(default_vault=Path(town["folder"]))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.open_vault(Vault.open(Path(town["folder"]), PASSPHRASE))
    window.workspace.open_household(town["household"])
    return window


def _printed(qtbot, opened: list[Path], count: int) -> str:
    qtbot.waitUntil(lambda: len(opened) == count, timeout=20_000)
    path = opened[-1]
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700  # the private folder
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not re.search("[一-龯ぁ-んァ-ン]", path.name)  # no name of anyone in it
    return plain(check_document(path.read_bytes()))


def test_ctrl_p_prints_the_chosen_activity_then_the_face_sheet(window, qtbot, opened, town):
    detail = window.workspace.households.detail
    detail.tabs.setCurrentWidget(detail.activities)
    detail.activities.select_row(0)
    qtbot.keyClick(window, Qt.Key.Key_P, CTRL)
    text = _printed(qtbot, opened, 1)
    assert "活動記録票" in text and "玄関先で本人と話した" in text and "戸別訪問" in text

    detail.tabs.setCurrentIndex(0)  # 基本情報: the household's face sheet
    qtbot.keyClick(window, Qt.Key.Key_P, CTRL)
    text = _printed(qtbot, opened, 2)
    assert "フェイスシート" in text and "牟礼次郎" in text
    folder = opened[0].parent
    assert len(list(folder.iterdir())) == 2

    window.lock()  # the copies go with the lock
    assert list(folder.iterdir()) == []


def _answer(qtbot, dialog_type, fill) -> None:
    """Fill in the modal dialog that is about to open, and press OK."""

    def answer() -> None:
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, dialog_type))
        fill(dialog)
        dialog.accept()

    QTimer.singleShot(0, answer)


def test_a_face_sheet_for_an_agency_shows_only_what_consent_covers(window, qtbot, opened, town):
    _answer(qtbot, AgencySheetDialog, lambda d: d.agency.set_code(town["agency"]))
    window.print_for_agency()
    text = _printed(qtbot, opened, 1)
    assert "牟礼一郎" in text and "牟礼包括" in text
    assert "牟礼次郎" not in text  # his consent is not on record: withheld


def test_a_face_sheet_for_an_agency_without_consent_is_refused_in_japanese(
    window, qtbot, opened, town
):
    _answer(qtbot, AgencySheetDialog, lambda d: d.agency.set_code(town["other_agency"]))
    window.print_for_agency()
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "print_refusal") is not None)
    box = window.findChild(QMessageBox, "print_refusal")
    assert box.text() == (
        "この関係機関にこの目的で提供できる情報はありません：この関係機関を含む同意がありません。"
    )
    assert opened == []
    window.lock()  # the message goes with the workspace
    QApplication.processEvents()
    assert window.findChild(QMessageBox, "print_refusal") is None or not box.isVisible()


def test_the_days_report_lists_the_consultants_activities(window, qtbot, opened, town):
    def mine(dialog: DayDialog) -> None:
        assert dialog.mine.isChecked()  # the signed-in consultant's own, by default
        assert dialog.day.text() == today().isoformat()

    _answer(qtbot, DayDialog, mine)
    window.workspace.show_named("home")
    qtbot.keyClick(window, Qt.Key.Key_P, CTRL)  # elsewhere, Ctrl+P is the day's report
    text = _printed(qtbot, opened, 1)
    assert "業務日報" in text and "牟礼一郎世帯" in text and "高松花子" in text


def test_the_print_folder_is_emptied_on_exit_and_at_the_next_start(window, qtbot, opened):
    window.print_household()
    _printed(qtbot, opened, 1)
    folder = opened[0].parent
    leftover = folder / "left-by-a-crash.pdf"
    window.close()  # lock and exit
    assert list(folder.iterdir()) == []
    leftover.write_bytes(b"%PDF-")
    again = MainWindow()  # the next start empties what a crash left
    qtbot.addWidget(again)
    assert not leftover.exists()
