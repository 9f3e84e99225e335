"""A household deleted on one laptop while a member was added to it on another.

Two laptops sync through an in-process server (SQLite and PostgreSQL). Nothing either
consultant wrote may vanish: the member stays, both laptops show one parent_deleted
conflict, and settling it on one laptop settles it everywhere.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from marugoto_desktop.cli import conflict_sides, describe_export_blocked
from marugoto_desktop.operations import exchange
from marugoto_desktop.operations import sync as syncing
from marugoto_desktop.reports.export import ExportBlocked
from marugoto_desktop.vault import KdfParams, Vault
from marugoto_desktop.vault.replica import VaultReplica
from marugoto_sync.changes import DELETED
from marugoto_sync.client import SyncClient

from ..conftest import PASSPHRASE
from .test_client import enrolled, server  # noqa: F401  (the fixture)

Laptop = tuple[Vault, SyncClient]


def sync(*laptops: Laptop) -> None:
    for vault, client in laptops:
        client.sync(VaultReplica(vault))


def state(vault: Vault, *record_ids: str) -> list[tuple[str, bool] | None]:
    """Each record's name and whether it is deleted (None: not in this vault)."""
    found = [vault.get(rid, include_deleted=True) for rid in record_ids]
    return [None if r is None else (str(r.fields.get("name")), r.deleted) for r in found]


@pytest.fixture
def apart(server, tmp_path: Path):  # noqa: F811
    """Ken deleted the 高松 household (and its two members) while Aiko added a third."""
    aiko, ken = enrolled(server, tmp_path / "aiko"), enrolled(server, tmp_path / "ken")
    household = aiko[0].new_record("household", "mure", name="高松家", status="active")
    first = aiko[0].new_record("person", "mure", household.id, name="高松 一郎")
    gone_before = aiko[0].new_record("person", "mure", household.id, name="高松 次郎")
    aiko[0].delete(gone_before.id)  # deleted on its own, long before
    second = aiko[0].new_record("person", "mure", household.id, name="高松 花子")
    sync(aiko, ken)
    # Offline, each on their own laptop:
    assert ken[0].delete(household.id) == [household.id, first.id, second.id]
    added = aiko[0].new_record("person", "mure", household.id, name="高松 三郎")
    sync(ken, aiko, ken)
    return aiko, ken, (household.id, first.id, gone_before.id, second.id, added.id)


def test_the_delete_sends_the_members_first_with_the_households_stamp(server, tmp_path) -> None:  # noqa: F811
    vault, _ = enrolled(server, tmp_path / "v")
    household = vault.new_record("household", "mure", name="高松家", status="active")
    members = [vault.new_record("person", "mure", household.id, name=f"高松 {n}") for n in "一二"]
    before = vault.outbox_size()
    vault.delete(household.id)
    deletes = VaultReplica(vault).pending_changes(limit=-1)[before:]
    assert [c.field for c in deletes] == [DELETED] * 3
    assert {c.record_id for c in deletes[:2]} == {m.id for m in members}
    assert deletes[-1].record_id == household.id
    assert len({(c.hlc, c.site) for c in deletes}) == 1


def test_both_laptops_show_the_member_added_under_the_deleted_household(apart) -> None:
    aiko, ken, (household, first, _gone_before, second, added) = apart
    for vault, _ in (aiko, ken):
        assert state(vault, household, first, second, added) == [
            ("高松家", True),
            ("高松 一郎", True),
            ("高松 花子", True),
            ("高松 三郎", False),  # kept: nothing anyone wrote is dropped
        ]
        [row] = syncing.conflict_rows(vault)
        assert (row.kind, row.record_id, row.record_label) == (
            "parent_deleted",
            added,
            "高松 三郎",
        )
        assert (row.parent_type, row.parent_name, row.parent_deleted) == (
            "household",
            "高松家",
            True,
        )
        assert conflict_sides(row) == (
            "(its household is deleted: this record is deleted with it)",
            "restore the household 高松家",
        )
        assert (row.field, row.field_label) == ("_parent_id", "世帯")
        # The conflict shows the member: not listed again among records to correct.
        assert syncing.records_to_correct(vault) == []
    assert (
        syncing.conflict_rows(aiko[0])[0].conflict_id
        == syncing.conflict_rows(ken[0])[0].conflict_id
    )


def test_restoring_the_household_brings_back_the_members_deleted_with_it(apart) -> None:
    aiko, ken, (household, first, gone_before, second, added) = apart
    [row] = syncing.conflict_rows(aiko[0])
    syncing.resolve_conflict(aiko[0], row.conflict_id, "other")
    sync(aiko, ken)
    for vault, _ in (aiko, ken):
        assert state(vault, household, first, gone_before, second, added) == [
            ("高松家", False),
            ("高松 一郎", False),
            ("高松 次郎", True),  # deleted on its own before: stays deleted
            ("高松 花子", False),
            ("高松 三郎", False),
        ]
        assert syncing.conflict_rows(vault) == []


def test_keeping_the_delete_lets_the_added_member_go_with_the_household(apart) -> None:
    aiko, ken, (household, first, _gone_before, _second, added) = apart
    [row] = syncing.conflict_rows(ken[0])
    syncing.resolve_conflict(ken[0], row.conflict_id, "keep")
    sync(ken, aiko)
    for vault, _ in (aiko, ken):
        assert [s is not None and s[1] for s in state(vault, household, first, added)] == [
            True,
            True,
            True,
        ]
        assert syncing.conflict_rows(vault) == []
        # The value is still there, in the deleted record and in the settled conflict.
        assert state(vault, added) == [("高松 三郎", True)]
        assert [r.status for r in syncing.conflict_rows(vault, include_resolved=True)] == [
            "resolved"
        ]


def test_an_export_waits_until_the_conflict_is_settled_then_imports_again(
    apart, tmp_path: Path
) -> None:
    aiko, _ken, (_household, _first, _gone_before, _second, added) = apart
    vault = aiko[0]
    out = tmp_path / "export.jsonl"
    # The member under the deleted household would make a file that import refuses.
    with pytest.raises(ExportBlocked) as blocked:
        exchange.export_to(vault, out)
    [problem] = blocked.value.problems
    assert (problem.record_id, problem.field, problem.code) == (added, "parent_id", "missing")
    assert "marugoto-desktop conflicts" in describe_export_blocked(blocked.value)
    assert not out.exists() and list(tmp_path.glob(".export*")) == []
    [row] = syncing.conflict_rows(vault)
    syncing.resolve_conflict(vault, row.conflict_id, "other")
    assert exchange.export_to(vault, out) == 4  # the household and its three live members
    copy = Vault.create(tmp_path / "copy", PASSPHRASE, kdf=KdfParams())
    assert exchange.import_file(copy, out).created == 4


def test_keep_under_a_household_restored_meanwhile_leaves_the_record_as_it_is(apart) -> None:
    aiko, _ken, (household, _first, _gone_before, _second, added) = apart
    vault = aiko[0]
    [row] = syncing.conflict_rows(vault)
    with vault.transaction() as tx:  # the household comes back (as another settling would)
        tx.set_deleted(household, False)
    vault.delete(added)  # and the added member is deleted on its own
    [restored] = syncing.conflict_rows(vault)
    assert not restored.parent_deleted
    assert conflict_sides(restored)[0] == "(its household was restored: this record stays as it is)"
    syncing.resolve_conflict(vault, row.conflict_id, "keep")
    assert state(vault, household, added) == [("高松家", False), ("高松 三郎", True)]
    assert syncing.conflict_rows(vault) == []
