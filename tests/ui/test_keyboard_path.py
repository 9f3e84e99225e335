"""First run to a recorded visit, by the keyboard path of the issue, and back after a lock."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from marugoto_desktop.ui.activity import ActivityDialog
from marugoto_desktop.ui.windows import MainWindow
from marugoto_desktop.vault import Vault

from ..conftest import PASSPHRASE
from .helpers import Keyboard, focused, ime_commit

CANARY = "鳴鳥カナリア"
CTRL = Qt.KeyboardModifier.ControlModifier


def _create_vault(qtbot, window: MainWindow, folder: Path) -> None:
    page = window.first_run_page
    assert window.pages.currentWidget() is page  # no vault known yet: the first run
    page.folder.setText(str(folder))
    page.passphrase.setText(PASSPHRASE)
    page.repeat.setText(PASSPHRASE)
    assert page.hint.text() == "強い。"
    qtbot.mouseClick(page.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.workspace is not None, timeout=20_000)


def _add_household_member_issue(qtbot, window: MainWindow) -> None:
    workspace = window.workspace
    households = workspace.households
    workspace.show_named("households")
    qtbot.mouseClick(households.new_button, Qt.MouseButton.LeftButton)
    detail = households.detail
    name = detail.basic.editors["name"]
    assert window.isActiveWindow()
    assert QApplication.focusWidget() is name, QApplication.focusWidget()
    ime_commit(name, f"{CANARY}山田世帯", composing="やまだせたい")
    detail.basic.editors["address"].setText(f"高松市牟礼町{CANARY}")
    detail.area.set_code("mure")
    qtbot.mouseClick(detail.basic_save, Qt.MouseButton.LeftButton)
    assert detail.household_id is not None
    assert households.model.rowCount() == 1

    detail.tabs.setCurrentWidget(detail.members)
    qtbot.mouseClick(detail.members.new_button, Qt.MouseButton.LeftButton)
    form = detail.members.form
    form.editors["name"].setText(f"山田 {CANARY}")
    form.editors["kana"].setText("やまだ かなりあ")
    form.editors["relationship"].setEditText("世帯主")
    qtbot.mouseClick(detail.members.save_button, Qt.MouseButton.LeftButton)
    assert detail.members.model.rowCount() == 1

    detail.tabs.setCurrentWidget(detail.issues)
    qtbot.mouseClick(detail.issues.new_button, Qt.MouseButton.LeftButton)
    form = detail.issues.form
    form.editors["category"].setEditText("債務")
    form.editors["is_main"].setChecked(True)
    form.editors["note"].setPlainText(f"{CANARY}の借金")
    qtbot.mouseClick(detail.issues.save_button, Qt.MouseButton.LeftButton)
    assert detail.issues.model.rowCount() == 1
    assert detail.issues.model.index(0, 0).data() == "★"
    workspace.show_named("home")  # the path starts anywhere in the main window


def test_first_run_keyboard_path_lock_unlock(qtbot, tmp_path):
    folder = tmp_path / "vault"
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    _create_vault(qtbot, window, folder)
    _add_household_member_issue(qtbot, window)

    keys = Keyboard(qtbot)
    keys.key(Qt.Key.Key_F, CTRL)  # 1: search
    assert focused() is window.workspace.households.search
    keys.type("かなりあ", composing="かなりあ")  # 2: a member's kana finds the household
    keys.key(Qt.Key.Key_Return)  # 3: open the first match
    detail = window.workspace.households.detail
    assert detail.title.text().startswith(CANARY)
    keys.key(Qt.Key.Key_N, CTRL)  # 4: new activity
    dialog = window.activity_dialog
    assert isinstance(dialog, ActivityDialog)
    qtbot.waitUntil(dialog.isActiveWindow)
    assert focused() is dialog.kind  # (its line edit's focus proxy)
    assert dialog.form.editors["date"].text() == date.today().isoformat()
    keys.type("戸別", composing="こべつ")  # 5: part of 戸別訪問
    keys.key(Qt.Key.Key_Tab)  # 6
    assert dialog.kind.code() == "outreach.home_visit"
    assert focused() is dialog.form.editors["content"]
    keys.type(f"{CANARY}さんと面談。食事はとれている。")  # 7
    keys.key(Qt.Key.Key_S, CTRL)  # 8: save
    qtbot.waitUntil(lambda: window.activity_dialog is None)
    qtbot.waitUntil(window.isActiveWindow)
    timeline = detail.activities
    assert detail.tabs.currentWidget() is timeline
    assert timeline.model.rowCount() == 1
    assert timeline.model.index(0, 1).data() == "戸別訪問"
    assert timeline.current is not None and CANARY in timeline.current.get("content")
    # Everything a person sees before quitting: a canary in each screen's widgets.
    for index in range(len(window.workspace.SCREENS)):
        window.workspace.show_screen(index)
    keys.key(Qt.Key.Key_Q, CTRL)  # 9: lock and quit
    assert not window.isVisible()
    assert len(keys.actions) <= 10, keys.actions
    assert window.vault is None and window.workspace is None

    # Everything is still there, through the vault API.
    with Vault.open(folder, PASSPHRASE) as vault:
        (household,) = vault.records("household")
        assert household.get("name") == f"{CANARY}山田世帯"
        assert household.area == "mure"
        (member,) = vault.records("person", parent_id=household.id)
        assert member.get("relationship") == "head"
        (issue,) = vault.records("issue", parent_id=household.id)
        assert issue.get("category") == "debt" and issue.get("is_main") is True
        (activity,) = vault.records("activity", parent_id=household.id)
        assert activity.get("kind") == "outreach.home_visit"
        assert activity.get("date") == date.today().isoformat()
        assert activity.area == "mure"
    # The canary is in no file of the vault folder, in any encoding a leak would take.
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for encoding in ("utf-8", "utf-16-le", "utf-16-be", "shift_jis", "euc_jp"):
                assert CANARY.encode(encoding) not in data, (path, encoding)

    # And unlocked again in the window, the household and its visit are shown.
    window.show()
    window.show_unlock()
    window.unlock_page.passphrase.setText(PASSPHRASE)
    qtbot.keyClick(window.unlock_page.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.workspace is not None, timeout=20_000)
    window.find_household()
    ime_commit(window.workspace.households.search, "ヤマダ")  # katakana finds the kana
    qtbot.keyClick(window.workspace.households.search, Qt.Key.Key_Return)
    assert window.workspace.households.detail.activities.model.rowCount() == 1


def test_the_activity_can_be_recorded_with_the_mouse(qtbot, tmp_path):
    folder = tmp_path / "vault"
    with Vault.create(folder, PASSPHRASE) as vault:
        household = vault.new_record("household", "shoga", name="佐藤家", status="active")
    window = MainWindow(default_vault=folder)
    qtbot.addWidget(window)
    window.show()
    window.unlock_page.passphrase.setText(PASSPHRASE)
    qtbot.mouseClick(window.unlock_page.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.workspace is not None, timeout=20_000)
    window.workspace.open_household(household.id)
    detail = window.workspace.households.detail
    qtbot.mouseClick(detail.new_activity_button, Qt.MouseButton.LeftButton)
    dialog = window.activity_dialog
    dialog.kind.set_code("consult.phone")
    dialog.form.editors["content"].setPlainText("電話で近況を確認")
    dialog.form.editors["next_date"].setText("2099/4/1")  # a slash date is understood
    dialog.save()
    assert window.activity_dialog is None
    assert detail.activities.model.rowCount() == 1
    assert detail.activities.current.get("next_date") == "2099-04-01"


def test_a_bad_value_is_shown_next_to_its_field_in_japanese(qtbot, tmp_path):
    folder = tmp_path / "vault"
    with Vault.create(folder, PASSPHRASE) as vault:
        household = vault.new_record("household", "shoga", name="佐藤家", status="active")
    window = MainWindow(default_vault=folder)
    qtbot.addWidget(window)
    window.open_vault(Vault.open(folder, PASSPHRASE))
    window.workspace.open_household(household.id)
    window.new_activity()
    dialog = window.activity_dialog
    dialog.kind.setEditText("")
    dialog.form.editors["date"].setText("2025-02-30")
    dialog.save()
    assert window.activity_dialog is dialog  # not saved
    assert dialog.form.errors["kind"].text() == "入力してください。"
    assert dialog.form.errors["date"].text() == "日付は 2025-04-01 のように入力してください。"
    assert not dialog.form.errors["content"].isVisibleTo(dialog)
