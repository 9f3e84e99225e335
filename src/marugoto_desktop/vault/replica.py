"""The vault as a sync replica: applies pulled pages, keeps conflicts and sync settings.

Everything here works through the vault's row API (transaction.py): `Vault.reading()` for
reads, `Vault.transaction()` for writes, so it holds the vault's lock and encrypts like the
rest of the vault: conflict values and the device token are ciphertext; cursors are clear
(they are numbers).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from marugoto_sync.audit_chain import GENESIS, AuditLink, LocalChainBroken, link
from marugoto_sync.changes import AREA, DELETED, PARENT, Change
from marugoto_sync.hlc import MAX_CLOCK_AHEAD_MS, pack
from marugoto_sync.log_page import LogPage
from marugoto_sync.merge import EDIT_AFTER_TRANSFER, TRANSFER_SUPERSEDED, Conflict, wins
from marugoto_sync.record_types import RECORD_TYPES
from marugoto_sync.transfer_notes import TransferNote

from ..domain.records import Record, is_empty
from ..domain.validation import RecordInvalid, record_errors
from .audit import AuditBroken
from .errors import VaultError
from .rows import Stored
from .store import Vault
from .sync_state import Meta
from .transaction import Tables, Transaction

# The setting that names the authors of other sites' changes (remember_authors).
AUTHORS_KEY = "sync.authors"
# The setting that keeps where the server's copy of the audit trail ends: {"seq", "hash"}.
AUDIT_SENT_KEY = "sync.audit_sent"


class ConflictNotFound(VaultError):
    """No open conflict has this id."""


@dataclass(frozen=True)
class ConflictView:
    conflict: Conflict
    status: str  # "open" or "resolved"


def _cursor_key(name: str) -> str:
    return f"cursor:{name}"


def _cursor(meta: Meta, name: str) -> int:
    value = meta.get(_cursor_key(name))
    return int(value) if value else 0


class VaultReplica:
    """Adapter that lets marugoto_sync.client sync a Vault (the Replica protocol)."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        self.site = vault.site

    # -- outbox ----------------------------------------------------------------------------

    def pending_changes(self, limit: int = 1000, exclude_areas: Sequence[str] = ()) -> list[Change]:
        return self.vault.pending_changes(limit, exclude_areas)

    def acknowledge(self, change_ids: Sequence[str]) -> None:
        self.vault.acknowledge(change_ids)

    # -- cursors, areas, settings ----------------------------------------------------------

    def cursor(self, cursor_name: str = "main") -> int:
        with self.vault.reading() as tables:
            return _cursor(tables.meta, cursor_name)

    def get_setting(self, key: str) -> Any:
        with self.vault.reading() as tables:
            return tables.settings.get(key)

    def set_setting(self, key: str, value: Any) -> None:
        with self.vault.transaction() as tx:
            tx.settings.put(key, value)

    def synced_areas(self) -> list[str] | None:
        areas = self.get_setting("synced_areas")
        return None if areas is None else [str(a) for a in areas]

    def set_synced_areas(self, areas: Sequence[str]) -> None:
        self.set_setting("synced_areas", sorted(areas))

    def directory_synced(self) -> bool:
        return bool(self.get_setting("directory_synced"))

    def set_directory_synced(self) -> None:
        self.set_setting("directory_synced", True)

    def remember_authors(self, authors: Mapping[str, Mapping[str, str]]) -> None:
        """Keep who wrote other sites' changes (site -> {"user", "device"}), sealed like the
        other settings; written only when a pull names someone new (or renamed)."""
        with self.vault.reading() as tables:
            known = tables.settings.get(AUTHORS_KEY) or {}
        named = {site: dict(author) for site, author in authors.items()}
        if {**known, **named} != known:
            with self.vault.transaction() as tx:
                # Read again inside the write: another thread may have added some meanwhile.
                current = tx.settings.get(AUTHORS_KEY) or {}
                tx.settings.put(AUTHORS_KEY, {**current, **named})

    def remember_transfers(self, notes: Sequence[TransferNote]) -> None:
        """Keep where the households a pulled page moves came from, sealed (a page moves
        households seldom: the setting is rewritten only when a note is new)."""
        with self.vault.transaction() as tx:
            tx.transfer_notes.add(notes)

    def authors(self) -> dict[str, dict[str, str]]:
        """Who wrote other sites' changes, as pulls named them: site -> {"user", "device"}."""
        found = self.get_setting(AUTHORS_KEY)
        return dict(found) if isinstance(found, dict) else {}

    # -- the audit trail -------------------------------------------------------------------

    def audit_links(self, after: int, after_hash: str, limit: int) -> list[AuditLink]:
        """The trail's entries after `after`, linked as the server keeps them
        (marugoto_sync.audit_chain). The links are worked out from the last point the
        server confirmed (kept sealed, like every setting), so a sync reads only what is new;
        where this trail disagrees with the server's, from the last entry they should share."""
        sent = self.get_setting(AUDIT_SENT_KEY) or {}
        start = int(sent.get("seq", 0)), str(sent.get("hash", GENESIS))
        if start[0] > after:
            start = (0, GENESIS)  # the server holds less than it confirmed: it was restored
        walked = self._audit_walk(start, after + limit)
        here = [item.hash for item in walked if item.seq == after]
        if (here[0] if here else start[1] if start[0] == after else None) == after_hash:
            return [item for item in walked if item.seq > after]
        # This trail is shorter than the server's copy, or went another way: send what it
        # says from the last entry the two should share, and let the server judge it.
        if start[0]:
            walked = self._audit_walk((0, GENESIS), after + limit)
        shared = [item for item in walked if item.seq <= after][-1:]
        return shared + [item for item in walked if item.seq > after][: limit - 1]

    def _audit_walk(self, start: tuple[int, str], upto: int) -> list[AuditLink]:
        """The entries after `start` (an entry and its link) up to entry `upto`, linked."""
        try:
            entries = self.vault.audit_entries(start[0], upto - start[0])
        except AuditBroken as e:
            raise LocalChainBroken(e.seq, e.reason) from e
        previous, links = start[1], []
        for entry in entries:
            links.append(link(previous, entry.as_json()))
            previous = links[-1].hash
        return links

    def audit_sent(self, seq: int, digest: str) -> None:
        self.set_setting(AUDIT_SENT_KEY, {"seq": seq, "hash": digest})

    # -- applying pulled pages -------------------------------------------------------------

    def apply_page(self, page: LogPage, cursor: int, cursor_name: str = "main") -> None:
        """Apply a checked page of the server's log and move the cursor, in one transaction."""
        conflicts = [page.conflict(i) for i in page.conflict_rows()]
        # Each record's changes, in log order: a record is read, merged and written once.
        by_record: dict[str, list[int]] = {}
        group = by_record.setdefault
        record_ids = page.record_id
        for i in page.change_rows():
            group(record_ids[i], []).append(i)
        with self.vault.transaction() as tx:
            if cursor < _cursor(tx.meta, cursor_name):
                raise ValueError("a sync cursor never moves backwards")
            # Conflicts first: a resolution later in the same page must find its conflict.
            for conflict in conflicts:
                tx.conflicts.add(conflict)
            settled = [r for r in page.resolves if r is not None]
            tx.conflicts.resolve(settled)
            # This device's resolutions the log shows, and conflicts the log shows settled:
            # settled there too, whatever becomes of another resolution of this device's.
            tx.conflicts_settled.taken([page.change_id[i] for i in page.change_rows()], settled)
            kept = [c for c in conflicts if c.kind in (TRANSFER_SUPERSEDED, EDIT_AFTER_TRANSFER)]
            if kept:
                self._take_what_holds(tx, kept, cursor_name)
            stored = tx.rows.stored_many(by_record)
            # A household this device let go, its own transfer of it to an area it does not
            # hold waiting to be sent: the server still has it where the transfer found it,
            # and what others write of it there is not for this device (taken, it would make a
            # household of those fields alone). It comes back whole if the transfer loses
            # (storage.transfers). (Written in another area, which the household has left,
            # the transfer will move nothing: the household is for this device where it is.)
            types = page.type
            unheld = [
                r
                for r, rows in by_record.items()
                if r not in stored and types[rows[0]] == "household"
            ]
            if unheld:
                held = _held_areas(tx, cursor_name)
                for record_id, transfer in tx.outbox.transferred(unheld, tx.site).items():
                    there = page.area[by_record[record_id][0]]
                    if transfer.value not in held and transfer.area == there:
                        del by_record[record_id]
            merged = [
                _merged(page, record_id, rows, stored.get(record_id))
                for record_id, rows in by_record.items()
            ]
            # A record new here, without the parent its type must have, made of this
            # device's own changes only, is an echo: its own edit of a record it let go (it
            # transferred the household to an area it does not hold), back from the server.
            # There is nothing to hang it on; the server holds the record whole where it went.
            # (Another's record may come in parts across pages; those are kept.)
            sites = page.site
            merged = [
                (m, to)
                for m, to in merged
                if m is None
                or m.record.id in stored
                or not _orphan(m.record)
                or any(sites[i] != tx.site for i in by_record[m.record.id])
            ]
            tx.rows.put_many([m for m, _ in merged if m is not None])
            moves = [(m.record.id, to) for m, to in merged if m is not None and to is not None]
            # A record new here under a household this device holds elsewhere (it moved
            # the household before the server had it so): it goes with its household.
            new = [m.record for m, _ in merged if m is not None and m.record.id not in stored]
            parents = tx.rows.stored_many({r.parent_id for r in new if r.parent_id})
            for record in new:
                home = parents.get(record.parent_id or "")
                if home is not None and home.record.area not in (None, record.area):
                    moved = tx.rows.stored(record.id)
                    assert moved is not None and home.record.area is not None
                    tx.rows.move([moved], home.record.area)
            if conflicts:
                self._place_conflicts(tx, conflicts)
            if moves:
                self._follow_transfers(tx, moves, cursor_name)
            if len(page):
                latest = max(page.hlc)
                tx.clock.observe(latest)
                # The latest stamp the server has passed on: re-stamped changes go past it.
                tx.meta.raise_to("received", latest)
            tx.meta.set(_cursor_key(cursor_name), str(cursor))
            if len(page) and cursor_name == "main":
                # What the server's log held where: a restored server no longer holds it.
                tx.meta.set("seen", f"{page.seq[-1]} {page.change_id[-1]}")

    @classmethod
    def _take_what_holds(
        cls, tx: Transaction, conflicts: Sequence[Conflict], cursor_name: str
    ) -> None:
        """This device's own writes that the server kept without applying them, though they
        may carry the later clock (marugoto_sync storage.transfers): its transfer of a
        household from an area the household had left (the first transfer to reach the
        server stands), or what it wrote there after it knew the household had left. The
        field takes the conflict's winner, the value that holds; a household goes where the
        winner put it, or is let go."""
        # A resolution of this device's kept so settled nothing on the server: the conflict
        # it settled is open there, and here again. (One the server applied was in the log
        # before its conflict, and forgotten then: apply_page.)
        settled = tx.conflicts_settled.kept(
            [c.loser.change_id for c in conflicts if c.loser.site == tx.site]
        )
        if settled:
            tx.conflicts.reopen(settled)
        held = tx.rows.stored_many({c.record_id for c in conflicts})
        moves = []
        for conflict in conflicts:
            stored = held.get(conflict.record_id)
            name, loser, winner = conflict.field, conflict.loser, conflict.winner
            if (
                stored is None
                or loser.site != tx.site
                or stored.clocks.get(name) != [loser.hlc, loser.site]
            ):
                continue
            if winner.hlc == 0 and name != PARENT:
                # Kept where nothing holds the field: it holds nothing here either.
                record = stored.record
                if name == DELETED:
                    record = replace(record, deleted=False)
                else:
                    record = replace(
                        record, fields={k: v for k, v in record.fields.items() if k != name}
                    )
                clocks = {k: c for k, c in stored.clocks.items() if k != name}
                tx.rows.put(record, clocks)
                held[conflict.record_id] = Stored(record, clocks)
                continue
            if name == PARENT and winner.hlc == 0:
                # A record this device created where its household had left, kept only in
                # the log: the server holds no such record, nor so does this device.
                gone = [
                    stored.record,
                    *(s.record for s in tx.rows.stored_children(stored.record.id)),
                ]
                tx.rows.remove(gone)
                tx.conflicts.remove_records([r.id for r in gone])
                tx.forget_decrypted()
                held.pop(conflict.record_id)
                continue
            if winner.change_id == loser.change_id:
                continue  # taken: it holds
            record, value = stored.record, winner.value
            if name == AREA:
                if isinstance(value, str) and value != record.area:
                    moves.append((record.id, value))
            elif name == DELETED:
                record = replace(record, deleted=bool(value))
            elif name == PARENT:
                record = replace(record, parent_id=value if isinstance(value, str) else None)
            else:
                record = record.with_fields(**{name: value})
            clocks = {**stored.clocks, name: [winner.hlc, winner.site]}
            tx.rows.put(record, clocks)
            held[conflict.record_id] = Stored(record, clocks)
        if moves:
            cls._follow_transfers(tx, moves, cursor_name)

    @staticmethod
    def _place_conflicts(tx: Transaction, conflicts: Sequence[Conflict]) -> None:
        """A page's conflicts go where their records are now, after the page's transfers;
        those of records this device let go go with them."""
        held = tx.rows.stored_many({c.record_id for c in conflicts})
        for conflict in conflicts:
            home = held.get(conflict.record_id)
            if home is None:
                tx.conflicts.remove_records([conflict.record_id])
            elif home.record.area is not None and home.record.area != conflict.area:
                tx.conflicts.move([conflict.record_id], home.record.area)

    @staticmethod
    def _follow_transfers(
        tx: Transaction, moves: Sequence[tuple[str, str]], cursor_name: str
    ) -> None:
        """Households whose `_area` a page changed move, with what is under them and their
        conflicts; out of the areas this device holds, they are dropped (unsent changes of
        them stay in the outbox, for the server to take after them)."""
        held = _held_areas(tx, cursor_name)
        for household_id, area in moves:
            tx.move_household(household_id, area)
            if area not in held:
                tx.drop_household(household_id)

    def last_seen(self) -> tuple[int, str] | None:
        """The last log entry pulled on the main cursor: (seq, change id), or None."""
        with self.vault.reading() as tables:
            value = tables.meta.get("seen")
        if value is None:
            return None
        seq, change_id = value.split(" ", 1)
        return int(seq), change_id

    def restart_after_server_restore(self) -> int:
        """The server lost part of its log (restored from a backup): send everything again.

        Every field this laptop holds goes back into the outbox as a replay with the stamp
        of the write that set it (the laptop's own or another's), so the server regains
        whatever it lost and takes nothing twice (a replay of a write it still has changes
        nothing; see marugoto_sync.merge). Cursors restart from the beginning of the log.
        Returns how many replays were queued.
        """
        queued = 0
        with self.vault.transaction() as tx:
            every = tx.rows.every_stored()
            # Records without a parent first (the server takes a record only under a parent
            # it holds or is sent in the same push, and the replays may fill several pushes),
            # then in the order they were last written (no clock is kept in clear).
            every.sort(
                key=lambda s: (
                    s.record.parent_id is not None,
                    max((c[0] for c in s.clocks.values()), default=0),
                    s.record.id,
                )
            )
            for stored in every:
                record, clocks = stored.record, stored.clocks
                values = {
                    **record.fields,
                    PARENT: record.parent_id,
                    DELETED: record.deleted,
                    AREA: record.area,
                }
                # The parent first, the delete last: as the record was written.
                names = sorted(clocks, key=lambda n: (n != PARENT, n == DELETED, n))
                queued += tx.outbox.add_replays(
                    record, {name: values.get(name) for name in names}, clocks
                )
            tx.meta.delete_prefixed("cursor:")
            tx.meta.delete("seen")
        return queued

    # -- conflicts -------------------------------------------------------------------------

    def conflicts(self, *, include_resolved: bool = False) -> list[ConflictView]:
        with self.vault.reading() as tables:
            found = tables.conflicts.all(include_resolved=include_resolved)
        return [ConflictView(conflict, status) for conflict, status in found]

    def _open(self, tables: Tables, conflict_id: str) -> Conflict:
        for conflict, _ in tables.conflicts.all():
            if conflict.conflict_id == conflict_id:
                return conflict
        raise ConflictNotFound(f"no open conflict {conflict_id}")

    def _settle(
        self,
        conflict_id: str,
        make: Callable[[Conflict, Record], tuple[Record, dict[str, Any]]],
    ) -> Record:
        """Write a person's resolution of an open conflict: an edit that carries its id."""
        with self.vault.transaction() as tx:  # the lock, held from the first read
            conflict = self._open(tx, conflict_id)
            stored = tx.rows.stored(conflict.record_id)
            if stored is None:
                raise ConflictNotFound(f"the record of conflict {conflict_id} is not here")
            result, changed = make(conflict, stored.record)
            tx.change(result, stored.clocks, changed, resolves=conflict_id)
            tx.conflicts.resolve([conflict_id])
        return result

    def resolve_deletion(self, conflict_id: str, *, deleted: bool) -> Record:
        """Settle a conflict between a delete and an edit (or a restore): deleted or not.

        A record deleted goes with its live children; one restored comes back with the
        children deleted with it (Transaction.set_deleted).
        """
        return self._settle_deletion(conflict_id, lambda conflict, record: (record.id, deleted))

    def resolve_parent_deleted(self, conflict_id: str, *, restore_parent: bool) -> Record:
        """Settle a parent_deleted conflict: a record added under a parent deleted meanwhile.

        Restore the parent (with the children deleted with it), or let the record go the
        way of its parent: deleted if the parent is deleted now, else left as it is. Returns
        the record written.
        """

        def choose(conflict: Conflict, record: Record) -> tuple[str, bool]:
            parent = None
            if record.parent_id is not None:
                parent = self.vault.get(record.parent_id, include_deleted=True)
            if restore_parent and parent is not None:
                return parent.id, False
            # Keep: the record goes the parent's way; under a live parent it stays as it is.
            return record.id, bool(parent is None or parent.deleted or record.deleted)

        return self._settle_deletion(conflict_id, choose)

    def _settle_deletion(
        self, conflict_id: str, choose: Callable[[Conflict, Record], tuple[str, bool]]
    ) -> Record:
        """Delete or restore the record `choose` names, as the resolution of a conflict."""
        with self.vault.transaction() as tx:  # the lock, held from the first read
            conflict = self._open(tx, conflict_id)
            record = self.vault.get(conflict.record_id, include_deleted=True)
            if record is None:
                raise ConflictNotFound(f"the record of conflict {conflict_id} is not here")
            target, deleted = choose(conflict, record)
            tx.set_deleted(target, deleted, resolves=conflict_id)
            tx.conflicts.resolve([conflict_id])
        result = self.vault.get(target, include_deleted=True)
        assert result is not None
        return result

    def resolve_transfer(self, conflict_id: str, area: str) -> Record:
        """Settle a conflict about where a household is (two transfers that did not see each
        other): it stays in, or moves to, `area`, as a transfer that carries the conflict's
        id."""
        with self.vault.transaction() as tx:  # the lock, held from the first read
            conflict = self._open(tx, conflict_id)
            stored = tx.rows.stored(conflict.record_id)
            if stored is None:
                raise ConflictNotFound(f"the record of conflict {conflict_id} is not here")
            tx.change(stored.record, stored.clocks, {AREA: area}, resolves=conflict_id)
            if area != stored.record.area:
                tx.move_household(stored.record.id, area)
                tx.act("transfer", [stored.record.id])
            tx.conflicts.resolve([conflict_id])
        result = self.vault.get(conflict.record_id, include_deleted=True)
        assert result is not None
        return result

    def resolve(self, conflict_id: str, value: Any) -> Record:
        """Settle a conflict of a field with a value (either side's, or a new one)."""

        def change(conflict: Conflict, record: Record) -> tuple[Record, dict[str, Any]]:
            result = record.with_fields(**{conflict.field: value})
            errors = [e for e in record_errors(result, self.vault) if e.field == conflict.field]
            if errors:
                raise RecordInvalid(errors)
            return result, {conflict.field: result.fields.get(conflict.field)}

        return self._settle(conflict_id, change)

    # -- clock repair ----------------------------------------------------------------------

    def restamp_unsent(self, server_millis: int) -> int:
        """Give the unsent changes stamped in the future stamps the server accepts.

        Only changes stamped beyond what the server accepts are replaced: the server refused
        them, so nobody has seen them. (One within the limit may be on the server already, if
        a push answer was lost; it keeps its stamp.) They are re-stamped in order, from the
        server's time but past every stamp this laptop has received or keeps, with bases that
        pointed at a replaced stamp pointing at its replacement, and the same stamps in the
        records' field clocks. Returns how many changes were restamped.
        """
        site = self.site
        # `server_millis` is read after the server refused the push: a change it took then
        # lies within the limit of this (later) time too, and keeps its stamp.
        limit = pack(server_millis + MAX_CLOCK_AHEAD_MS + 1, 0) - 1
        with self.vault.transaction() as tx:
            own = tx.outbox.unsent_of(site)
            future = [change for change in own if change.hlc > limit]
            if not future:
                return 0
            stamps = {change.hlc for change in future}
            received = tx.meta.get("received")
            floor = [pack(server_millis, 0), int(received) if received else 0]
            floor += [change.hlc for change in own if change.hlc not in stamps]
            floor += [change.base for change in future if change.base not in stamps]
            tx.clock.last = max(floor)
            renamed: dict[int, int] = {}
            for change in future:
                if change.hlc not in renamed:
                    renamed[change.hlc] = tx.clock.tick()
            for change in future:
                base = renamed.get(change.base, change.base)
                tx.outbox.restamp(change, renamed[change.hlc], base)
            records = tx.rows.stored_many(sorted({change.record_id for change in future}))
            # A record missing had its area removed from this laptop; its change waits.
            for record_id in sorted(records):
                stored = records[record_id]
                clocks = stored.clocks
                for name, (stamp, by) in list(clocks.items()):
                    if by == site and stamp in renamed:
                        clocks[name] = [renamed[stamp], site]
                tx.rows.put(stored.record, clocks)
        return len(future)

    # -- scope and revocation --------------------------------------------------------------

    def stored_areas(self) -> list[str]:
        with self.vault.reading() as tables:
            return sorted(tables.rows.areas() | tables.conflicts.areas())

    def outbox_areas(self) -> list[str]:
        with self.vault.reading() as tables:
            return sorted(tables.outbox.areas())

    def hold_with_transfers(self, areas: Sequence[str]) -> int:
        with self.vault.transaction() as tx:
            return tx.hold_with_transfers(areas)

    def remove_area(self, area: str) -> int:
        """Erase an area's records and conflicts from this device (access was withdrawn).

        Unsent changes of the area stay in the (encrypted) outbox: they are what a person
        wrote, and an administrator may grant the area again.
        """
        with self.vault.transaction() as tx:  # the lock, held from the first read
            synced = self.synced_areas()
            # A household this device transferred out of the area, the transfer not sent
            # yet: the server still has it there, so it goes too (the transfer waits, and
            # what was written of it after the transfer waits with it).
            tx.hold_with_transfers([area])
            # (Unless the server sent it here since, where the transfer sends it: a later
            # transfer of another's.)
            for change in tx.outbox.pending(-1):
                if change.area == area and change.field == AREA and tx.held_by_own_transfer(change):
                    tx.drop_household(change.record_id)
            removed = tx.rows.remove_area(area)
            tx.conflicts.remove_area(area)
            # Regaining the area later must fetch its whole history again: its backfill
            # restarts, and it is no longer counted as synced (in the same transaction, so
            # an interrupted sync cannot leave it counted with its records gone).
            tx.meta.delete(_cursor_key(f"backfill:{area}"))
            if synced is not None and area in synced:
                tx.settings.put("synced_areas", [a for a in synced if a != area])
            # Under the same lock: no reader sees the area's records after they are gone.
            tx.forget_decrypted()
        return removed

    def wipe(self) -> None:
        """Destroy this vault: key slots overwritten first, then the files removed.

        Without its key slots the data key is gone, so even copies of the old sectors that
        the file system keeps cannot be decrypted.
        """
        self.vault.destroy()


def _held_areas(tx: Transaction, cursor_name: str) -> set[str]:
    """The areas this device holds, as a page on this cursor is applied."""
    held = set(tx.settings.get("synced_areas") or [])
    if cursor_name.startswith("backfill:"):
        held.add(cursor_name.removeprefix("backfill:"))
    return held


def _orphan(record: Record) -> bool:
    """A record of a type that lives under a parent, without one."""
    known = RECORD_TYPES.get(record.type)
    return known is not None and known.parent_type is not None and record.parent_id is None


def _merged(
    page: LogPage, record_id: str, rows: list[int], stored: Stored | None
) -> tuple[Stored | None, str | None]:
    """One record's changes (`rows` of the page) merged into it as stored (None: new).

    Returns the record to write with its clocks, or None when nothing changed; and the area
    it moves to, if a transfer (`_area`) won and names another than its own.
    """
    if stored is None:
        first = rows[0]
        rtype, area, parent_id, deleted = page.type[first], page.area[first], None, False
        fields: dict[str, Any] = {}
        clocks: dict[str, list[Any]] = {}
    else:
        old, clocks = stored.record, stored.clocks
        rtype, area, parent_id, deleted = old.type, old.area, old.parent_id, old.deleted
        fields = dict(old.fields)
    names, values, hlcs, sites = page.field, page.value, page.hlc, page.site
    touched = False
    moved_to: str | None = None
    for i in rows:
        name, hlc, site = names[i], hlcs[i], sites[i]
        if not wins(hlc, site, clocks.get(name)):
            if name == AREA and clocks.get(name) == [hlc, site]:
                # This device's own transfer, back from the server: where the household is.
                moved_to = values[i] if isinstance(values[i], str) else None
            continue
        touched = True
        clocks[name] = [hlc, site]
        value = values[i]
        if name == DELETED:
            deleted = bool(value)
        elif name == PARENT:
            parent_id = value if isinstance(value, str) else None
        elif name == AREA:
            moved_to = value if isinstance(value, str) else None
        elif is_empty(value):
            fields.pop(name, None)
        else:
            fields[name] = value
    if not touched:
        if stored is not None and moved_to not in (None, area):
            return stored, moved_to
        return None, None
    record = Record(record_id, rtype, area, parent_id, fields, deleted)
    return Stored(record, clocks), (moved_to if moved_to != area else None)


__all__ = [
    "ConflictNotFound",
    "ConflictView",
    "VaultReplica",
]
