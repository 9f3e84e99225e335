"""The household detail's 転居・引継ぎ button: pick an area, confirm, and the household moves
with everything under it; a "No" moves nothing. And where a household came from, on the
laptop that moved it and on one that received it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox

from marugoto_desktop.domain.vocabularies import AREAS
from marugoto_desktop.operations.demo import write_demo
from marugoto_desktop.ui.windows import MainWindow
from marugoto_desktop.vault import KdfParams, Vault
from marugoto_desktop.vault.replica import VaultReplica
from marugoto_sync.changes import AREA
from marugoto_sync.hlc import pack
from marugoto_sync.log_page import LogPage
from marugoto_sync.transfer_notes import TransferNote

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


def _history_texts(detail) -> tuple[str, list[str]]:
    """The アクセス履歴 tab's moves, and its table's 操作 column."""
    detail.tabs.setCurrentIndex(detail.HISTORY_TAB)
    page = detail.history
    model = page.model
    return page.moves.text(), [model.item(r, 3).text() for r in range(model.rowCount())]


def test_the_household_shows_where_it_came_from_on_the_laptop_that_moved_it(
    window: MainWindow, qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = window.vault
    assert vault is not None
    household = next(h for h in vault.records("household") if h.area != "kagawa")
    came_from = AREAS.label(household.area or "")
    window.workspace.open_household(household.id)
    detail = window.workspace.households.detail
    assert not detail.moved_note.isVisibleTo(detail)  # never moved
    _answer(monkeypatch, "香川", True)
    qtbot.mouseClick(detail.transfer_button, Qt.MouseButton.LeftButton)
    moved = detail.moved_note
    today = datetime.now().strftime("%Y-%m-%d")
    assert moved.isVisibleTo(detail)
    assert moved.text() == f"{today} に{came_from}から転居・引継ぎされました。"
    text, actions = _history_texts(detail)
    assert text.splitlines()[0] == "転居・引継ぎ："
    assert text.splitlines()[1].startswith(today)
    assert f"{came_from} → 香川" in text and "このパソコン" in text
    assert actions[0] == "転居・引継ぎ"  # the access history's latest entry, in Japanese


OTHER_SITE = "b2b2b2b2b2b2b2b2"
HOUSEHOLD = "01932b6e-7a40-7c1e-9d0a-3f1c2b4a5d6e"


def _receive(vault: Vault, told: bool) -> None:
    """A household another laptop moved from mure to kagawa, as this kagawa laptop's pull
    brings it: the server's copies, the `_area` last; with what the pull said, if `told`."""
    hlc = pack(int(datetime(2026, 4, 1, 17, 30).timestamp() * 1000), 0)
    entry = {"kind": "change", "type": "household", "record_id": HOUSEHOLD, "area": "kagawa",
             "base_hlc": 0, "site": OTHER_SITE}  # fmt: skip
    fields = [("name", "高松家"), ("status", "active"), (AREA, "kagawa")]
    page = LogPage.of(
        [
            {
                **entry,
                "seq": n,
                "change_id": f"01932b6e-7a40-7c1e-9d0a-3f1c2b4a5e0{n}",
                "field": name,
                "value": value,
                "hlc": hlc - 2 + n - 1,
            }
            for n, (name, value) in enumerate(fields, start=1)
        ]
    )
    replica = VaultReplica(vault)
    if told:
        replica.remember_authors({OTHER_SITE: {"user": "aiko", "device": "aiko@MURE-PC #1a2b"}})
        replica.remember_transfers(
            [TransferNote(HOUSEHOLD, hlc, OTHER_SITE, "mure", "kagawa", "aiko", "aiko@MURE-PC")]
        )
    replica.apply_page(page, cursor=3)


@pytest.mark.parametrize("told", [True, False])
def test_a_received_household_shows_where_it_came_from(qtbot, tmp_path: Path, told: bool) -> None:
    folder = tmp_path / "vault"
    with Vault.create(folder, PASSPHRASE, kdf=KdfParams()) as vault:
        _receive(vault, told)
    window = MainWindow(default_vault=folder)
    qtbot.addWidget(window)
    window.show()
    window.open_vault(Vault.open(folder, PASSPHRASE))
    window.workspace.open_household(HOUSEHOLD)
    detail = window.workspace.households.detail
    moved = detail.moved_note
    text, _ = _history_texts(detail)
    if told:
        assert moved.text() == "2026-04-01 に牟礼から転居・引継ぎされました。"
        assert text.splitlines()[1] == (
            "2026-04-01 17:30　牟礼 → 香川　aiko さん（端末 aiko@MURE-PC）"
        )
    else:  # an older server: the move shows, where from is not known here
        assert moved.text() == (
            "2026-04-01 にこのエリアへ転居・引継ぎされました（転居元のエリアは、このパソコンでは"
            "わかりません）。"
        )
        assert (
            text.splitlines()[1]
            == "2026-04-01 17:30　不明なエリア → 香川　別のパソコン（端末 b2b2b2b2）"
        )
