from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase

from marugoto_desktop.ui.app import register_fonts
from marugoto_desktop.ui.windows import MainWindow
from marugoto_desktop.vault import KdfParams, Vault

from ..conftest import PASSPHRASE


@pytest.fixture
def filled_vault(tmp_path: Path) -> Path:
    folder = tmp_path / "vault"
    with Vault.create(folder, PASSPHRASE, kdf=KdfParams()) as vault:
        first = vault.new_record("household", "mure", name="山田家", status="active")
        vault.new_record("person", "mure", first.id, name="山田 花子", kana="やまだ はなこ")
        vault.new_record(
            "household", "shoga", name="佐藤家", status="watching", address="高松市勝賀町0-0"
        )
    return folder


def unlock(qtbot, window: MainWindow, folder: Path, secret: str) -> None:
    window.show_unlock()
    page = window.unlock_page
    page.folder.setText(str(folder))
    page.passphrase.setText(secret)
    qtbot.mouseClick(page.unlock_button, Qt.MouseButton.LeftButton)


def test_japanese_ui_font_is_registered(qapp):
    family = register_fonts()
    assert family is not None
    assert "BIZ UDPGothic" in QFontDatabase.families()


def test_unlock_lists_and_searches_households(qtbot, filled_vault, tmp_path):
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    assert window.unlock_page.unlock_button.text() == "開く"  # the translation is loaded
    unlock(qtbot, window, filled_vault, PASSPHRASE)
    qtbot.waitUntil(lambda: window.workspace is not None, timeout=10_000)
    window.find_household()
    page = window.workspace.households
    assert page.model.rowCount() == 2
    assert page.count.text() == "2 世帯"

    # QTest cannot type kana (it only knows ASCII keys); an IME commits text like this.
    page.search.setText("はなこ")  # a member's kana finds the household
    assert page.proxy.rowCount() == 1
    assert page.proxy.index(0, 0).data() == "山田家"
    page.search.setText("ハナコ")  # katakana finds the hiragana
    assert page.proxy.rowCount() == 1
    window.grab().save(str(tmp_path / "households.png"))

    model = page.model
    window.lock()
    assert window.pages.currentWidget() is window.unlock_page
    assert model.rowCount() == 0
    assert window.vault is None
    assert window.workspace is None


def test_wrong_passphrase_is_shown_plainly(qtbot, filled_vault):
    window = MainWindow()
    qtbot.addWidget(window)
    unlock(qtbot, window, filled_vault, "not the passphrase")
    message = window.unlock_page.message
    qtbot.waitUntil(lambda: message.text() == "パスフレーズが違います。", timeout=10_000)
    assert window.pages.currentWidget() is window.unlock_page


def test_missing_vault_is_shown_plainly(qtbot, tmp_path):
    window = MainWindow()
    qtbot.addWidget(window)
    unlock(qtbot, window, tmp_path / "nowhere", PASSPHRASE)
    message = window.unlock_page.message
    qtbot.waitUntil(lambda: "保管庫がありません" in message.text(), timeout=10_000)


def test_a_vault_open_elsewhere_is_shown_plainly(qtbot, filled_vault):
    window = MainWindow()
    qtbot.addWidget(window)
    with Vault.open(filled_vault, PASSPHRASE):  # e.g. a sync running from the command line
        unlock(qtbot, window, filled_vault, PASSPHRASE)
        message = window.unlock_page.message
        qtbot.waitUntil(lambda: "別のウィンドウ" in message.text(), timeout=10_000)


def test_the_folder_dialog_speaks_japanese(qtbot):
    from PySide6.QtWidgets import QFileDialog, QWidget

    from marugoto_desktop.ui.unlock import folder_dialog

    parent = QWidget()
    qtbot.addWidget(parent)
    dialog = folder_dialog(parent, "", "~")
    label = QFileDialog.DialogLabel
    assert dialog.labelText(label.LookIn) == "場所:"
    assert dialog.labelText(label.FileType) == "ファイルの種類:"
    assert dialog.labelText(label.Accept) == "選択"
