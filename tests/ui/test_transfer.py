"""The household detail's 転居・引継ぎ button: pick an area, confirm, and the household moves
with everything under it; a "No" moves nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox

from marugoto_desktop.operations.demo import write_demo
from marugoto_desktop.ui.windows import MainWindow
from marugoto_desktop.vault import KdfParams, Vault

from ..conftest import PASSPHRASE


@pytest.fixture
def window(qtbot, tmp_path: Path) -> MainWindow:
    folder = tmp_path / "vault"
    with Vault.create(folder, PASSPHRASE, kdf=KdfParams()) as vault:
        write_demo(vault, 5)
    window = MainWindow(default_vault=folder)
    qtbot.addWidget(window)
    window.show()
    window.open_vault(Vault.open(folder, PASSPHRASE))
    return window


def _answer(monkeypatch: pytest.MonkeyPatch, area_label: str, yes: bool) -> list[str]:
    """The dialogs answer as a person would; returns the questions asked."""
    asked: list[str] = []

    def get_item(parent, title, label, items, current, editable):
        asked.append(label)
        assert area_label in items
        return area_label, True

    def question(parent, title, text, buttons, default):
        asked.append(text)
        return QMessageBox.StandardButton.Yes if yes else QMessageBox.StandardButton.No

    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(get_item))
    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    return asked


@pytest.mark.parametrize("yes", [True, False])
def test_the_transfer_button_moves_the_household_once_confirmed(
    window: MainWindow, qtbot, monkeypatch: pytest.MonkeyPatch, yes: bool
) -> None:
    vault = window.vault
    assert vault is not None
    household = next(h for h in vault.records("household") if h.area != "kagawa")
    under = vault.records(parent_id=household.id, include_deleted=True)
    assert under
    window.workspace.open_household(household.id)
    detail = window.workspace.households.detail
    assert detail.transfer_button.isVisible()
    asked = _answer(monkeypatch, "香川", yes)
    qtbot.mouseClick(detail.transfer_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 2 and "香川" in asked[1]
    moved = vault.get(household.id)
    assert moved is not None
    expected = "kagawa" if yes else household.area
    assert moved.area == expected
    assert {r.area for r in vault.records(parent_id=household.id, include_deleted=True)} == {
        expected
    }
    # The detail shows the household where it is now.
    assert detail.area.code() == expected
