"""File menu → バックアップを作成…: a backup of the open vault, restorable with the passphrase."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMenu, QMessageBox

from marugoto_desktop.ui.windows import MainWindow
from marugoto_desktop.vault import KdfParams, Vault
from marugoto_desktop.vault.backup import by_passphrase, restore_backup

from ..conftest import PASSPHRASE
from .test_messages import english


def test_a_backup_from_the_file_menu_restores_with_the_passphrase(qtbot, tmp_path: Path) -> None:
    folder = tmp_path / "vault"
    vault = Vault.create(folder, PASSPHRASE, kdf=KdfParams())
    household = vault.new_record("household", "mure", name="牟礼家", status="active")
    window = MainWindow(default_vault=folder)
    qtbot.addWidget(window)
    window.open_vault(vault)
    menus = {m.title(): m for m in window.menuBar().findChildren(QMenu)}
    assert window.backup_action in menus["ファイル(&F)"].actions()
    assert window.backup_action.text() == "バックアップを作成…"

    out = tmp_path / "backup.mbk"
    made: list[str] = []
    window.backup_maker.made.connect(made.append)
    window.backup_maker.write(out)  # what the save dialog leads to
    qtbot.waitUntil(lambda: bool(made), timeout=20_000)
    assert made[0] == f"バックアップを {out} に作成しました。パスフレーズで開けます。"
    restore_backup(out, tmp_path / "restored", by_passphrase(PASSPHRASE))
    with Vault.open(tmp_path / "restored", PASSPHRASE) as restored:
        assert restored.get(household.id).fields["name"] == "牟礼家"

    failed: list[str] = []
    window.backup_maker.failed.connect(failed.append)
    window.backup_maker.write(tmp_path / "no such folder" / "backup.mbk")
    qtbot.waitUntil(lambda: bool(failed), timeout=20_000)
    assert failed[0].startswith("バックアップを作成できませんでした：")
    assert english(failed[0]) == [], failed[0]
    box = window.findChild(QMessageBox, "backup_failure")
    assert box is not None and box.text() == failed[0]
    box.done(0)
    window.lock()
