"""A laptop's vault restored from its backup, against a real HTTPS server on loopback.

The laptop syncs, is backed up (with a change not yet sent), then sends that change and
more; another laptop deletes a household; the laptop is lost and its backup restored. The
restored vault sends its stale outbox again, which the server takes once (its change ids);
it does not bring back the deleted household, and it receives from the server what its
earlier self synced after the backup. Runs on SQLite and PostgreSQL (the `office` fixture).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from sqlalchemy import select

from marugoto_desktop.operations import sync as syncing
from marugoto_desktop.operations.backups import create_backup, restore_backup
from marugoto_desktop.vault import Vault
from marugoto_sync.hlc import wall_millis
from marugoto_sync.server.database import create_database_engine
from marugoto_sync.server.tables import log

from ..conftest import PASSPHRASE
from .test_end_to_end import Office, export, laptop

# The fixture, a real server on both databases (an explicit re-export: pytest finds it here).
from .test_end_to_end import office as office


def server_log(office: Office) -> list[tuple[str, str, str, str, str, int, str]]:
    """The server's log of changes: (change id, record, field, value, site, stamp, kind)."""
    engine = create_database_engine(office.database)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(
                    log.c.change_id, log.c.record_id, log.c.field, log.c.value, log.c.site,
                    log.c.hlc, log.c.kind,
                ).order_by(log.c.seq)
            ).all()  # fmt: skip
    finally:
        engine.dispose()
    return [tuple(row) for row in rows]  # type: ignore[misc]


def no_duplicates(entries: list[tuple[str, str, str, str, str, int, str]]) -> None:
    """No change is in the log twice, under its id or under another (same field, value,
    stamp and site)."""
    assert len({e[0] for e in entries}) == len(entries)
    changes = Counter(e[1:6] for e in entries if e[6] == "change")
    assert [key for key, n in changes.items() if n > 1] == []


def test_a_restored_laptop_sends_nothing_twice_and_resurrects_nothing(
    tmp_path: Path, office: Office
) -> None:
    aiko, ken = laptop(tmp_path, "aiko", office), laptop(tmp_path, "ken", office)
    kept = aiko.new_record("household", "mure", name="牟礼家", status="active")
    doomed = aiko.new_record("household", "mure", name="消える家", status="active")
    member = aiko.new_record("person", "mure", doomed.id, name="消える 一郎")
    syncing.sync(aiko)
    syncing.sync(ken)

    # Not yet sent when the backup is taken: it is in the backup's outbox.
    aiko.put(aiko.get(kept.id).with_fields(note="バックアップ前のメモ"))
    backup = tmp_path / "aiko.mbk"
    create_backup(aiko.folder, backup, PASSPHRASE)  # while the vault is open
    old_site = aiko.site

    # After the backup: the pending note goes out, and more work is synced.
    aiko.put(aiko.get(kept.id).with_fields(status="watching"))
    later = aiko.new_record("household", "mure", name="後から来た家", status="active")
    syncing.sync(aiko)
    ken.delete(doomed.id)
    syncing.sync(ken)
    aiko.close()  # the laptop is lost
    before = server_log(office)
    no_duplicates(before)

    restore_backup(backup, tmp_path / "aiko-restored", PASSPHRASE)
    restored = Vault.open(tmp_path / "aiko-restored", PASSPHRASE)
    assert restored.site != old_site
    assert restored.outbox_size() > 0  # the stale note, sent already
    report = syncing.sync(restored)
    assert report.replayed == 0  # the server was not restored: nothing to give back
    after = server_log(office)
    assert after == before  # the stale outbox was taken once, before: nothing new
    assert restored.outbox_size() == 0

    # What the earlier self synced after the backup came back; the delete stands.
    syncing.sync(ken)
    assert export(restored) == export(ken)
    assert restored.get(kept.id).fields["status"] == "watching"
    assert restored.get(kept.id).fields["note"] == "バックアップ前のメモ"
    assert restored.get(later.id) is not None
    assert restored.get(doomed.id) is None and restored.get(member.id) is None
    assert restored.get(doomed.id, include_deleted=True).deleted

    # Work goes on: the restored laptop's edits win over its earlier self's, under its new site.
    restored.put(restored.get(kept.id).with_fields(status="closed"))
    syncing.sync(restored)
    syncing.sync(ken)
    assert ken.get(kept.id).fields["status"] == "closed"
    assert export(restored) == export(ken)
    assert syncing.conflict_rows(ken) == syncing.conflict_rows(restored) == []
    final = server_log(office)
    no_duplicates(final)
    assert {e[4] for e in final[len(before) :]} == {restored.site}
    # The new stamps lie past every stamp the laptop's earlier self issued.
    assert min(e[5] for e in final[len(before) :]) > max(e[5] for e in before if e[4] == old_site)
    restored.close()
    ken.close()


def test_a_restored_laptop_never_reissues_a_stamp_of_its_earlier_self(
    tmp_path: Path, office: Office
) -> None:
    """Its clock is the backup's: before its first sync it can stamp a write exactly as its
    earlier self stamped one after the backup. Under the same site the two writes would tie
    and every replica would keep the one it saw first; the restored vault is a new site."""
    aiko, ken = laptop(tmp_path, "aiko", office), laptop(tmp_path, "ken", office)
    household = aiko.new_record("household", "mure", name="牟礼家", status="active")
    syncing.sync(aiko)
    syncing.sync(ken)
    backup = tmp_path / "aiko.mbk"
    create_backup(aiko.folder, backup, PASSPHRASE)
    moment = wall_millis() + 1_000  # one millisecond, read by both clocks below
    aiko._clock._now = lambda: moment
    aiko.put(aiko.get(household.id).with_fields(status="watching"))
    syncing.sync(aiko)
    aiko.close()

    restore_backup(backup, tmp_path / "aiko-restored", PASSPHRASE)
    restored = Vault.open(tmp_path / "aiko-restored", PASSPHRASE)
    restored._clock._now = lambda: moment
    restored.put(restored.get(household.id).with_fields(status="closed"))  # before any sync
    for vault in (restored, ken, restored):
        syncing.sync(vault)
    assert export(restored) == export(ken)
    stamps = [(e[5], e[4]) for e in server_log(office) if e[2] == "status" and e[6] == "change"]
    assert len(stamps) == len(set(stamps))
    # Both values are kept: the one that lost is a conflict to review, alike everywhere.
    [conflict] = syncing.conflict_rows(ken)
    assert {conflict.kept_value, conflict.other_value} == {"watching", "closed"}
    assert syncing.conflict_rows(restored) == [conflict]
    restored.close()
    ken.close()
