"""A household's access history, from the audit trail."""

from __future__ import annotations

from marugoto_desktop.operations.audit import access_history, note_opened
from marugoto_desktop.operations.documents import household_document
from marugoto_desktop.operations.records import create_record, edit_record
from marugoto_desktop.vault import Vault


def test_the_history_holds_what_touched_the_household_newest_first(vault: Vault) -> None:
    mine = create_record(vault, "household", {"name": "甲", "status": "active"}, area="mure")
    other = create_record(vault, "household", {"name": "乙", "status": "active"}, area="mure")
    household = mine.record.id
    create_record(vault, "person", {"name": "世帯員"}, parent_id=household)
    note_opened(vault, household)
    note_opened(vault, other.record.id)
    edit_record(vault, household, {"phone": "087-000-0000"})
    household_document(vault, household)
    history = access_history(vault, household)
    assert [a.action for a in history] == ["pdf", "edit", "open", "create", "create"]
    assert all(a.device == vault.site for a in history)
    assert history[0].at >= history[-1].at
    assert [a.action for a in access_history(vault, other.record.id)] == ["open", "create"]
