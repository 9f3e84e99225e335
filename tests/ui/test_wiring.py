"""The screens over the real operations: views refresh from what an operation changed, the
recorder comes from 設定, the last sync from the vault."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from marugoto_desktop.operations import households as household_operations
from marugoto_desktop.operations.profile import consultant_setting
from marugoto_desktop.operations.records import create_record
from marugoto_desktop.operations.sync import LAST_SYNC_KEY, SyncSummary
from marugoto_desktop.ui import households as households_page
from marugoto_desktop.ui.windows import MainWindow
from marugoto_desktop.vault import KdfParams, Vault
from marugoto_desktop.vault.replica import VaultReplica

from ..conftest import PASSPHRASE


@pytest.fixture
def town(tmp_path: Path) -> Path:
    folder = tmp_path / "vault"
    with Vault.create(folder, PASSPHRASE, kdf=KdfParams()) as vault:
        for name, kana in (("山田家", "やまだ"), ("佐藤家", "さとう"), ("阿部家", "あべ")):
            household = create_record(
                vault, "household", {"name": name, "status": "active"}, area="mure"
            ).record
            create_record(
                vault,
                "person",
                {"name": name[:2] + " 一郎", "kana": kana + " いちろう", "relationship": "head"},
                parent_id=household.id,
            )
    return folder


@pytest.fixture
def window(qtbot, town: Path) -> MainWindow:
    window = MainWindow(default_vault=town)
    qtbot.addWidget(window)
    window.show()
    window.open_vault(Vault.open(town, PASSPHRASE))
    qtbot.waitUntil(lambda: window.workspace.households.search_prepared)
    return window


def _members_column(page, household_id: str) -> str:
    row = page.model.row_of(household_id)
    return page.model.index(row, page.model.COLUMNS.index("members")).data()


def test_a_save_redraws_the_row_it_touched_without_reading_every_household(
    window, qtbot, monkeypatch
):
    page = window.workspace.households
    names = [page.model.row_at(r).name for r in range(page.model.rowCount())]
    assert names == ["阿部家", "佐藤家", "山田家"]  # 五十音 order of the heads' kana
    yamada = page.model.row_at(2).id

    def everything(*_: object) -> None:
        raise AssertionError("a save re-read every household")

    monkeypatch.setattr(households_page, "household_rows", everything)
    monkeypatch.setattr(household_operations, "household_rows", everything)
    page.open_household(yamada)
    detail = page.detail
    detail.tabs.setCurrentWidget(detail.members)
    qtbot.mouseClick(detail.members.new_button, Qt.MouseButton.LeftButton)
    detail.members.form.editors["name"].setText("山田 花子")
    qtbot.mouseClick(detail.members.save_button, Qt.MouseButton.LeftButton)
    assert detail.members.model.rowCount() == 2
    assert _members_column(page, yamada) == "2"
    # A new name moves the row to its place in 五十音 order.
    detail.tabs.setCurrentWidget(detail.members)
    detail.members.select_row(detail.members.model.row_of(detail.detail.members[0].id))
    detail.members.form.editors["kana"].setText("あいざわ いちろう")
    qtbot.mouseClick(detail.members.save_button, Qt.MouseButton.LeftButton)
    assert page.model.row_at(0).id == yamada


def test_the_recorder_is_the_name_set_in_settings(window, qtbot):
    workspace = window.workspace
    workspace.show_named("settings")
    workspace.settings.consultant.setText("高松 花子")
    qtbot.mouseClick(workspace.settings.save_button, Qt.MouseButton.LeftButton)
    assert consultant_setting(window.vault) == "高松 花子"
    workspace.open_household(workspace.households.model.row_at(0).id)
    window.new_activity()
    dialog = window.activity_dialog
    assert dialog.form.editors["recorded_by"].text() == "高松 花子"
    dialog.done(0)


def test_a_recorder_typed_when_no_name_is_known_is_kept_for_the_next_visit(window, qtbot):
    workspace = window.workspace
    workspace.open_household(workspace.households.model.row_at(0).id)
    window.new_activity()
    dialog = window.activity_dialog
    assert dialog.form.editors["recorded_by"].text() == ""
    dialog.kind.set_code("consult.phone")
    dialog.form.editors["recorded_by"].setText("香川 太郎")
    dialog.save()
    qtbot.waitUntil(lambda: window.activity_dialog is None)
    assert consultant_setting(window.vault) == "香川 太郎"
    window.new_activity()
    assert window.activity_dialog.form.editors["recorded_by"].text() == "香川 太郎"
    window.activity_dialog.done(0)
    workspace.show_named("settings")
    assert workspace.settings.consultant.text() == "香川 太郎"


def test_home_shows_the_last_sync_kept_in_the_vault(window, qtbot):
    # The pages fill in the background (home decrypts off the GUI thread): wait for the words
    # rather than read them at once, which fails on a busy machine.
    def shows(label, words: str) -> None:
        qtbot.waitUntil(lambda: words in label.text(), timeout=10_000)

    summary = SyncSummary("2025-06-02T09:00:00+00:00", True, pushed=3, pulled=12, conflicts=1)
    VaultReplica(window.vault).set_setting(LAST_SYNC_KEY, asdict(summary))
    window.workspace.show_named("home")
    shows(window.workspace.home.last_sync, "送信 3 件、受信 12 件、確認が必要 1 件")
    failed = SyncSummary("2025-06-03T09:00:00+00:00", False, error="unreachable")
    VaultReplica(window.vault).set_setting(LAST_SYNC_KEY, asdict(failed))
    window.workspace.show_named("sync")
    shows(window.workspace.sync.last_result, "サーバーに接続できません")
    assert "監査記録" not in window.workspace.sync.last_result.text()
    # The records synced, but the server refused the laptop's audit trail: the office must know.
    refused = SyncSummary(
        "2025-06-04T09:00:00+00:00", True, pushed=1, audit_refused="audit_chain_rewound"
    )
    VaultReplica(window.vault).set_setting(LAST_SYNC_KEY, asdict(refused))
    window.workspace.show_named("home")
    window.workspace.show_named("sync")
    shows(window.workspace.sync.last_result, "監査記録を受け付けませんでした")


def test_home_decrypts_every_activity_off_the_gui_thread(qtbot, town, monkeypatch):
    import threading

    from marugoto_desktop.ui import home as home_page

    threads: list[threading.Thread] = []
    real = home_page.prepare_home

    def prepare(vault) -> None:
        threads.append(threading.current_thread())
        real(vault)

    monkeypatch.setattr(home_page, "prepare_home", prepare)
    window = MainWindow(default_vault=town)
    qtbot.addWidget(window)
    window.show()
    window.open_vault(Vault.open(town, PASSPHRASE))
    home = window.workspace.home
    qtbot.waitUntil(lambda: home.prepared)
    assert threads and threads[0] is not threading.main_thread()
    assert home.due_box.title().startswith("期限切れ・期限間近")
