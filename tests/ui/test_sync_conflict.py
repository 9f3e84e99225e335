"""A conflict made by two laptops and a real server, settled on the 同期 screen.

The server is `marugoto-sync serve` over HTTPS on loopback (tests/sync/test_end_to_end.py),
on SQLite and on PostgreSQL; both laptops are real vaults; one of them is open in the window.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt

from marugoto_desktop.domain.schema import SCHEMAS
from marugoto_desktop.operations import sync as syncing
from marugoto_desktop.operations.records import create_record, edit_record
from marugoto_desktop.ui.windows import MainWindow
from marugoto_sync.hlc import millis_of, wall_millis

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
    # Who wrote each (her own user; Ken and his laptop as the server named them), and when,
    # in this computer's time.
    row = syncing.conflict_rows(aiko)[0]
    ken_at = datetime.fromtimestamp(millis_of(row.kept_hlc) / 1000).strftime("%Y-%m-%d %H:%M")
    aiko_at = datetime.fromtimestamp(millis_of(row.other_hlc) / 1000).strftime("%Y-%m-%d %H:%M")
    ken_device = syncing.default_device_name(ken, "ken")  # ken@COMPUTER #VAULT-ID
    assert page.kept_who.text() == f"ken さん（端末 {ken_device}）が {ken_at} に記録"
    assert page.other_who.text() == f"aiko さん（このパソコン）が {aiko_at} に記録"
    assert page.now_label.text() == "いま記録にある値：終結（左の値）"

    qtbot.mouseClick(page.other_button, Qt.MouseButton.LeftButton)  # Aiko's value after all
    # Settled: still listed, with the value that holds now.
    assert page.conflicts.count() == 1
    assert page.conflicts.item(0).text() == "解決済み — 牟礼家：状況 → 見守り"
    assert page.now_label.text() == "いま記録にある値：見守り（右の値）"
    assert not page.keep_button.isEnabled() and not page.new_button.isEnabled()
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


def test_a_new_value_is_typed_as_the_form_shows_it(qtbot, tmp_path: Path, office: Office) -> None:
    """A label for a code (見守り), a count in full-width digits: settled as the form would
    save them; a word where a number belongs is refused in Japanese."""
    aiko, ken = laptop(tmp_path, "aiko", office), laptop(tmp_path, "ken", office)
    household = create_record(
        aiko, "household", {"name": "牟礼川家", "status": "active"}, area="mure"
    ).record
    tally = create_record(
        aiko,
        "activity",
        {"kind": "outreach.gathering", "date": "2025-06-01", "contacts": 3},
        area="mure",
    ).record
    syncing.sync(aiko)
    syncing.sync(ken)
    edit_record(aiko, household.id, {"status": "watching"})
    edit_record(aiko, tally.id, {"contacts": 5})
    ken._clock._now = lambda: wall_millis() + 5_000
    edit_record(ken, household.id, {"status": "closed"})
    edit_record(ken, tally.id, {"contacts": 8})
    syncing.sync(ken)
    syncing.sync(aiko)

    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.open_vault(aiko)
    window.workspace.show_named("sync")
    page = window.workspace.sync
    assert page.conflicts.count() == 2
    by_field = {page._rows[i].row.field: i for i in range(2)}

    page.conflicts.setCurrentRow(by_field["contacts"])
    page.new_value.setText("たくさん")
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    assert page.conflict_message.text() == "整数で入力してください。"
    page.new_value.setText("１２")
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    assert aiko.get(tally.id).fields["contacts"] == 12

    page.conflicts.setCurrentRow(
        next(i for i, r in enumerate(page._rows) if r.row.field == "status")
    )
    page.new_value.setText("見守り")  # the label, as the form shows it
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    assert page.conflict_message.text() in ("", "解決済みです。")
    assert aiko.get(household.id).fields["status"] == "watching"
    activity = SCHEMAS["activity"].label
    texts = sorted(page.conflicts.item(i).text() for i in range(page.conflicts.count()))
    assert texts == sorted(
        ["解決済み — 牟礼川家：状況 → 見守り", f"解決済み — {activity}：接触人数 → 12"]
    )
    window.lock()
    ken.close()
