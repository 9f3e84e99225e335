"""A conflict made by two laptops and a real server, settled on the 同期 screen.

The server is `marugoto-sync serve` over HTTPS on loopback (tests/sync/test_end_to_end.py),
on SQLite and on PostgreSQL; both laptops are real vaults; one of them is open in the window.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from marugoto_desktop.operations import sync as syncing
from marugoto_desktop.operations.records import create_record, edit_record
from marugoto_desktop.ui.windows import MainWindow
from marugoto_sync.hlc import wall_millis

from ..sync.conftest import _cheap_password_hashing, database_url, fresh_postgresql_url
from ..sync.test_end_to_end import Office, laptop, office

__all__ = ["_cheap_password_hashing", "database_url", "fresh_postgresql_url", "office"]


def test_a_conflict_from_two_laptops_is_settled_on_the_sync_screen(
    qtbot, tmp_path: Path, office: Office
) -> None:
    aiko, ken = laptop(tmp_path, "aiko", office), laptop(tmp_path, "ken", office)
    household = create_record(
        aiko, "household", {"name": "牟礼家", "status": "active"}, area="mure"
    ).record
    syncing.sync(aiko)
    syncing.sync(ken)
    # Offline, both change the status; Ken's clock runs a little ahead, so his value wins.
    edit_record(aiko, household.id, {"status": "watching"})
    ken._clock._now = lambda: wall_millis() + 5_000
    edit_record(ken, household.id, {"status": "closed"})
    syncing.sync(ken)
    syncing.sync(aiko)

    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.open_vault(aiko)
    window.workspace.show_named("sync")
    page = window.workspace.sync
    assert page.conflict_box.isVisibleTo(page)
    assert page.conflicts.count() == 1
    assert page.conflicts.item(0).text() == "牟礼家：状況"
    # Both values side by side, as the form shows them, with where each was made.
    assert page.kept_value.text() == "終結"
    assert page.other_value.text() == "見守り"
    assert page.kept_who.text().startswith("別のパソコンで編集")
    assert page.other_who.text().startswith("このパソコンで編集")

    qtbot.mouseClick(page.other_button, Qt.MouseButton.LeftButton)  # Aiko's value after all
    assert page.conflicts.count() == 0
    assert page.all_clear.isVisibleTo(page)
    assert aiko.get(household.id).fields["status"] == "watching"
    detail = window.workspace.households.detail
    window.workspace.open_household(household.id)
    assert detail.basic.values()["status"] == "watching"  # the views followed

    window.workspace.show_named("sync")
    qtbot.mouseClick(page.sync_button, Qt.MouseButton.LeftButton)  # the settlement travels
    qtbot.waitUntil(lambda: page._operation is None, timeout=30_000)
    assert "前回の同期" in page.last_result.text() and "送信 " in page.last_result.text()
    syncing.sync(ken)
    assert syncing.conflict_rows(ken) == []
    assert ken.get(household.id).fields["status"] == "watching"
    window.lock()
    ken.close()
