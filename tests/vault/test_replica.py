"""The vault as a sync replica: applying pulled pages, cursors, conflicts, scope, wipe."""

from __future__ import annotations

from pathlib import Path

import pytest

from marugoto_desktop.vault import KdfParams, Vault, VaultNotFound
from marugoto_desktop.vault.replica import ConflictNotFound, VaultReplica
from marugoto_desktop.vault.store import DB_FILE
from marugoto_sync.changes import Change
from marugoto_sync.hlc import wall_millis
from marugoto_sync.log_page import LogPage
from marugoto_sync.merge import Conflict, FieldState, conflict_id_for

from ..conftest import PASSPHRASE


@pytest.fixture
def other(tmp_path: Path):
    v = Vault.create(tmp_path / "other", PASSPHRASE, kdf=KdfParams())
    yield v
    if v.is_open:
        v.close()


def log_items(changes: list[Change], start: int = 0) -> list[dict]:
    return [{"seq": start + i + 1, "kind": "change", **c.to_wire()} for i, c in enumerate(changes)]


def conflict_entry(conflict: Conflict, seq: int = 1) -> dict:
    """A conflict as the server's log holds it (clocks and site of the change that caused it)."""
    cause = max(conflict.loser, conflict.winner, key=lambda state: state.order)
    return {
        "seq": seq,
        "kind": "conflict",
        "change_id": conflict.conflict_id,
        "type": conflict.type,
        "record_id": conflict.record_id,
        "area": conflict.area,
        "field": conflict.field,
        "value": conflict.to_wire(),
        "hlc": cause.hlc,
        "base_hlc": 0,
        "site": cause.site,
    }


def test_a_page_from_another_replica_rebuilds_the_records(vault: Vault, other: Vault) -> None:
    household = vault.new_record("household", "mure", name="牟礼家", status="active")
    person = vault.new_record("person", "mure", household.id, name="牟礼 花子")
    changes = vault.pending_changes()
    replica = VaultReplica(other)
    replica.apply_page(LogPage.of(log_items(changes)), cursor=len(changes))
    assert other.get(household.id) == household
    assert other.get(person.id) == person
    assert replica.cursor() == len(changes)
    assert other.outbox_size() == 0  # applied changes are not pushed back
    # The receiving clock moved past every stamp it saw.
    assert other._clock.last >= max(c.hlc for c in changes)


def test_replaying_a_page_changes_nothing(vault: Vault, other: Vault) -> None:
    vault.new_record("household", "mure", name="一", status="active")
    items = log_items(vault.pending_changes())
    replica = VaultReplica(other)
    replica.apply_page(LogPage.of(items), cursor=len(items))
    rows = other._db.execute("SELECT id, deleted, body FROM records").fetchall()
    replica.apply_page(LogPage.of(items), cursor=len(items))
    assert other._db.execute("SELECT id, deleted, body FROM records").fetchall() == rows


def test_an_older_change_does_not_override_a_newer_one(vault: Vault, other: Vault) -> None:
    household = vault.new_record("household", "mure", name="一", status="active")
    replica = VaultReplica(other)
    replica.apply_page(LogPage.of(log_items(vault.pending_changes())), cursor=2)
    vault.acknowledge([c.change_id for c in vault.pending_changes()])
    vault.put(household.with_fields(status="watching"))  # older edit from the first replica
    other._clock._now = lambda: wall_millis() + 10_000  # this laptop's clock runs ahead
    edited = other.put(other.get(household.id).with_fields(status="closed"))  # newer, local
    older = vault.pending_changes()
    assert older[0].hlc < other.pending_changes()[0].hlc
    replica.apply_page(LogPage.of(log_items(older, start=2)), cursor=3)
    assert other.get(household.id).fields["status"] == edited.fields["status"] == "closed"


def test_the_cursor_never_moves_backwards(other: Vault) -> None:
    replica = VaultReplica(other)
    replica.apply_page(LogPage.of([]), cursor=10)
    with pytest.raises(ValueError, match="backwards"):
        replica.apply_page(LogPage.of([]), cursor=5)
    assert replica.cursor() == 10


def test_deletes_and_restores_travel(vault: Vault, other: Vault) -> None:
    household = vault.new_record("household", "kagawa", name="香川家", status="active")
    vault.delete(household.id)
    replica = VaultReplica(other)
    replica.apply_page(LogPage.of(log_items(vault.pending_changes())), cursor=99)
    assert other.get(household.id) is None
    assert other.get(household.id, include_deleted=True).deleted


def make_conflict(vault: Vault) -> Conflict:
    household = vault.new_record("household", "mure", name="衝突家", status="active")
    loser = FieldState("watching", 100, "aaaaaaaa", "01900000-0000-7000-8000-000000000011")
    winner = FieldState("closed", 200, "bbbbbbbb", "01900000-0000-7000-8000-000000000012")
    return Conflict(
        conflict_id_for(winner.change_id, "concurrent_edit"),
        household.id,
        "household",
        "mure",
        "status",
        "concurrent_edit",
        loser,
        winner,
    )


def test_conflicts_are_kept_encrypted_and_resolving_one_is_an_edit(vault: Vault) -> None:
    conflict = make_conflict(vault)
    replica = VaultReplica(vault)
    item = conflict_entry(conflict)
    replica.apply_page(LogPage.of([item]), cursor=1)
    replica.apply_page(LogPage.of([item]), cursor=1)  # replayed: still one conflict
    [view] = replica.conflicts()
    assert view.conflict == conflict and view.status == "open"
    raw = (vault.folder / DB_FILE).read_bytes() + (vault.folder / f"{DB_FILE}-wal").read_bytes()
    assert "衝突家".encode() not in raw and b"watching" not in raw

    before = vault.outbox_size()
    resolved = replica.resolve(conflict.conflict_id, "watching")
    assert resolved.fields["status"] == "watching"
    [change] = vault.pending_changes(limit=10_000)[before:]
    assert (change.field, change.value, change.resolves) == (
        "status",
        "watching",
        conflict.conflict_id,
    )
    assert replica.conflicts() == []
    assert replica.conflicts(include_resolved=True)[0].status == "resolved"
    with pytest.raises(ConflictNotFound):
        replica.resolve(conflict.conflict_id, "closed")


def test_a_resolution_from_elsewhere_closes_the_conflict(vault: Vault, other: Vault) -> None:
    conflict = make_conflict(vault)
    item = conflict_entry(conflict, seq=4)  # after the record's changes
    mine, theirs = VaultReplica(vault), VaultReplica(other)
    theirs.apply_page(LogPage.of([*log_items(vault.pending_changes()), item]), cursor=5)
    mine.apply_page(LogPage.of([item]), cursor=5)
    mine.resolve(conflict.conflict_id, "closed")
    resolution = vault.pending_changes(limit=10_000)[-1:]
    theirs.apply_page(LogPage.of(log_items(resolution, start=5)), cursor=6)
    assert theirs.conflicts() == []
    assert other.get(conflict.record_id).fields["status"] == "closed"


def test_a_resolution_is_validated(vault: Vault) -> None:
    conflict = make_conflict(vault)
    replica = VaultReplica(vault)
    replica.apply_page(LogPage.of([conflict_entry(conflict)]), cursor=1)
    with pytest.raises(ValueError, match="status"):
        replica.resolve(conflict.conflict_id, "not_a_status")
    assert replica.conflicts()[0].status == "open"


def test_removing_an_area_erases_its_records_but_keeps_unsent_work(vault: Vault) -> None:
    kept = vault.new_record("household", "shoga", name="勝賀家", status="active")
    gone = vault.new_record("household", "mure", name="牟礼家", status="active")
    pending = vault.outbox_size()
    replica = VaultReplica(vault)
    assert replica.remove_area("mure") == 1
    assert vault.get(gone.id, include_deleted=True) is None
    assert vault.get(kept.id) is not None
    assert vault.outbox_size() == pending
    assert all(c.area != "mure" for c in vault.pending_changes(exclude_areas=["mure"]))


def test_wipe_destroys_the_vault(vault: Vault) -> None:
    folder = vault.folder
    vault.new_record("household", "mure", name="消去", status="active")
    VaultReplica(vault).wipe()
    assert not vault.is_open
    assert not any(folder.glob(DB_FILE + "*"))
    with pytest.raises(VaultNotFound):
        Vault.open(folder, PASSPHRASE)


def test_settings_are_encrypted(vault: Vault) -> None:
    replica = VaultReplica(vault)
    replica.set_setting("token", "SECRET-TOKEN-canary-41")
    assert replica.get_setting("token") == "SECRET-TOKEN-canary-41"
    vault.close()
    data = b"".join(p.read_bytes() for p in vault.folder.iterdir())
    assert b"SECRET-TOKEN-canary-41" not in data


def test_a_conflict_and_its_resolution_in_one_page(vault: Vault, other: Vault) -> None:
    """A laptop that was away receives both at once; the conflict must end up resolved."""
    conflict = make_conflict(vault)
    mine = VaultReplica(vault)
    mine.apply_page(LogPage.of([conflict_entry(conflict)]), cursor=1)
    mine.resolve(conflict.conflict_id, "closed")
    page = [
        *log_items(vault.pending_changes(limit=10_000)[:-1]),
        conflict_entry(conflict, 50),
        *log_items(vault.pending_changes(limit=10_000)[-1:], start=50),
    ]
    theirs = VaultReplica(other)
    theirs.apply_page(LogPage.of(page), cursor=51)
    assert theirs.conflicts() == []
    assert theirs.conflicts(include_resolved=True)[0].status == "resolved"


def test_removing_an_area_forgets_its_backfill(vault: Vault) -> None:
    replica = VaultReplica(vault)
    replica.apply_page(LogPage.of([]), cursor=40, cursor_name="backfill:mure")
    vault.new_record("household", "mure", name="牟礼家", status="active")
    vault.new_record("household", "shoga", name="勝賀家", status="active")
    assert replica.stored_areas() == ["mure", "shoga"]
    assert replica.outbox_areas() == ["mure", "shoga"]
    replica.remove_area("mure")
    assert replica.cursor("backfill:mure") == 0
    assert replica.stored_areas() == ["shoga"]


def deletion_conflict_of(vault: Vault) -> tuple[str, Conflict]:
    household = vault.new_record("household", "mure", name="削除家", status="active")
    vault.delete(household.id)
    edit = FieldState("closed", 100, "aaaaaaaa", "01900000-0000-7000-8000-000000000021")
    gone = FieldState(True, 200, "bbbbbbbb", "01900000-0000-7000-8000-000000000022")
    conflict = Conflict(
        conflict_id_for(edit.change_id, "edit_of_deleted"),
        household.id,
        "household",
        "mure",
        "status",
        "edit_of_deleted",
        edit,
        gone,
    )
    VaultReplica(vault).apply_page(LogPage.of([conflict_entry(conflict)]), cursor=1)
    return household.id, conflict


@pytest.mark.parametrize(("choice", "deleted"), [("keep", True), ("other", False)])
def test_a_delete_conflict_is_settled_by_keeping_the_delete_or_restoring(
    vault: Vault, choice: str, deleted: bool
) -> None:
    from marugoto_desktop.operations import sync as syncing

    record_id, conflict = deletion_conflict_of(vault)
    [row] = syncing.conflict_rows(vault)
    assert (row.kind, row.record_deleted) == (conflict.kind, True)
    syncing.resolve_conflict(vault, conflict.conflict_id, choice)
    assert vault.get(record_id, include_deleted=True).deleted is deleted
    last = vault.pending_changes(limit=10_000)[-1]
    assert (last.field, last.value, last.resolves) == ("_deleted", deleted, conflict.conflict_id)
    assert syncing.conflict_rows(vault) == []


def test_a_delete_conflict_takes_no_free_value(vault: Vault) -> None:
    from marugoto_desktop.operations import sync as syncing

    _, conflict = deletion_conflict_of(vault)
    with pytest.raises(syncing.ChoiceNotPossible) as refused:
        syncing.resolve_conflict(vault, conflict.conflict_id, "value", "false")
    assert (refused.value.choice, refused.value.allowed) == ("value", ("keep", "other"))


def test_only_changes_stamped_beyond_the_servers_limit_are_restamped_past_all_received(
    vault: Vault,
) -> None:
    """One within the limit may be on the server already (a lost push answer): it stays."""
    from marugoto_sync.hlc import millis_of, pack

    replica = VaultReplica(vault)
    now = wall_millis()
    household = vault.new_record("household", "mure", name="今の家", status="active")
    kept = {c.change_id: c.hlc for c in vault.pending_changes()}
    # Another laptop's change, stamped 3 minutes ahead of the server (it was accepted).
    ahead = pack(now + 3 * 60_000, 7)
    other = Change(
        "01900000-0000-7000-8000-0000000000f1", "household", "01900000-0000-7000-8000-0000000000f2",
        "mure", "status", "active", ahead, 0, "cccc0003",
    )  # fmt: skip
    replica.apply_page(LogPage.of(log_items([other])), cursor=1)
    older = Change(
        "01900000-0000-7000-8000-0000000000f3", "household", "01900000-0000-7000-8000-0000000000f2",
        "mure", "note", "x", pack(now - 60_000, 0), 0, "cccc0003",
    )  # fmt: skip
    replica.apply_page(LogPage.of(log_items([older], start=1)), cursor=2)  # received stays
    vault._clock._now = lambda: wall_millis() + 3_600_000  # this clock runs an hour ahead
    vault.put(household.with_fields(status="watching"))
    vault._clock._now = wall_millis  # set right; the unsent stamp still lies ahead
    assert replica.restamp_unsent(now) == 1
    after = {c.change_id: c.hlc for c in vault.pending_changes()}
    assert all(after[cid] == hlc for cid, hlc in kept.items())  # untouched
    [restamped] = [hlc for cid, hlc in after.items() if cid not in kept]
    assert restamped > ahead > max(kept.values())  # past what it received
    assert millis_of(restamped) < now + 4 * 60_000  # and now accepted


def test_a_removed_area_is_no_longer_counted_as_synced_in_the_same_step(vault: Vault) -> None:
    """Else a sync interrupted after the removal would never backfill the area again."""
    replica = VaultReplica(vault)
    replica.set_synced_areas(["mure", "shoga"])
    vault.new_record("household", "mure", name="牟礼家", status="active")
    replica.remove_area("mure")
    assert replica.synced_areas() == ["shoga"]


def test_after_a_server_restore_parents_are_sent_again_before_their_children(
    vault: Vault,
) -> None:
    """The server takes a record only under a parent it holds or is sent in the same push,
    and a laptop's replays may fill several pushes."""
    replica = VaultReplica(vault)
    household = vault.new_record("household", "mure", name="牟礼家", status="active")
    member = vault.new_record("person", "mure", household.id, name="牟礼 一郎")
    # The household's latest write is later than anything of its member.
    vault.put(vault.get(household.id).with_fields(status="watching"))
    replica.acknowledge([c.change_id for c in replica.pending_changes()])

    assert replica.restart_after_server_restore() > 0
    replays = replica.pending_changes()
    assert all(c.replay for c in replays)
    first_of = {}
    for position, c in enumerate(replays):
        first_of.setdefault(c.record_id, position)
    assert first_of[household.id] < first_of[member.id]
