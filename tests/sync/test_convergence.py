"""Convergence of the whole sync system under a randomised, hostile schedule (DESIGN §5).

A Hypothesis state machine drives the real server (in-process ASGI app on SQLite and on
PostgreSQL) and three real client vaults, one per user:

- people create, edit, delete and re-create households in two areas (mure, shoga), also in
  areas they have just lost (they do not know yet); they add members (persons) to households,
  rename and delete them, also while another laptop deletes the household; and they settle
  the conflicts their laptops show, either way;
- they transfer households to the other area (転居・引継ぎ), also ones they hold in an area the
  household has left (they do not know yet), and write them again at once (an edit, a member
  added) before syncing; two laptops transfer the same household without seeing each other's
  transfer, then sync in either order;
- the administrator grants and withdraws areas, also while a laptop is in the middle of a sync;
- the network drops a request before it reaches the server, or loses the answer after the
  server acted on it; a push is sent twice; a pull stops after a few entries;
- laptops die (vault closed without warning and reopened), also in the middle of a sync;
- laptop clocks jump back by up to an hour, forward within the server's 5-minute skew limit,
  and forward well past it (the server refuses; the client re-stamps its unsent changes).

Each step checks what it can see at once (what left an outbox was acknowledged; a push that
never reached the server changed nothing; a laptop holds no area it lost; cursors only move
forward). After full delivery with the grants as they stand, every laptop holds exactly the
records and conflicts of its areas, equal to the server's, and only work of areas it may not
write waits in its outbox (with what was written after a transfer that waits). Then every user
is granted everything again, and every replica must equal the server and each other;
everything anyone wrote (held-back work included) is in the server's log unchanged but for its
clocks (and its area, if its household had been transferred), or kept there, not applied, as
the loser of a transfer_superseded or edit_after_transfer conflict (storage.transfers: the
first transfer to reach the server stands; what an old area writes once it knew is kept for
review); every acknowledged change is current, in the conflict log, or knowingly overwritten;
replays change nothing. A member left live under a deleted household was flagged
(parent_deleted), once per delete, and exactly where the merge rule says: the server's log,
read in order, tells which conflicts there must be.

What the machine found is reproduced by hand at the end of this file.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
import threading
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar, cast

import httpx
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
)
from sqlalchemy import select

import marugoto_sync.client
from marugoto_desktop.domain.records import Record, is_empty
from marugoto_desktop.domain.validation import RecordInvalid
from marugoto_desktop.operations import sync as syncing
from marugoto_desktop.operations.exchange import export_lines_to
from marugoto_desktop.reports.export import ExportBlocked
from marugoto_desktop.vault import KdfParams, Vault
from marugoto_desktop.vault.replica import VaultReplica
from marugoto_desktop.vault.transaction import LET_GO_KEY
from marugoto_sync.changes import AREA, DELETED, PARENT, Change, change_from_wire
from marugoto_sync.client import SyncClient, SyncError, SyncReport
from marugoto_sync.hlc import MAX_CLOCK_AHEAD_MS, millis_of, wall_millis
from marugoto_sync.log_page import read_page
from marugoto_sync.merge import (
    EDIT_AFTER_TRANSFER,
    PARENT_DELETED,
    TRANSFER_SUPERSEDED,
    conflict_from_wire,
    conflict_id_for,
    wins,
)
from marugoto_sync.server.app import create_app
from marugoto_sync.server.passwords import Argon2Cost, hash_password
from marugoto_sync.server.storage import Storage
from marugoto_sync.server.tables import field_state, records

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

PASSPHRASE = "convergence passphrase"
PASSWORD = "convergence password"
AREAS = ("mure", "shoga")
LAPTOPS = 3
ALL = 1_000_000
MINUTE = 60_000
HOUR = 60 * MINUTE
# Small pages, so that a sync pulls (and backfills) in several requests that can fail apart;
# the final delivery uses the client's usual size.
PAGE_SIZE = 4
DELIVERY_PAGE_SIZE = marugoto_sync.client.PAGE_SIZE
T = TypeVar("T")
CHEAP = Argon2Cost(memory_kib=64, iterations=1, lanes=1)
STATUSES = ["active", "watching", "closed", "suspended"]

LAPTOP = st.integers(0, LAPTOPS - 1)
GRANTS = st.frozensets(st.sampled_from(AREAS))
# Backwards as far as an hour; forwards within the limit, also just within it; forwards past
# it, just past it or by hours.
CLOCK_OFFSETS = st.one_of(
    st.integers(-HOUR, 2 * MINUTE),
    st.integers(2 * MINUTE, MAX_CLOCK_AHEAD_MS - 10_000),
    st.integers(MAX_CLOCK_AHEAD_MS + 10_000, 2 * MAX_CLOCK_AHEAD_MS),
    st.integers(2 * MAX_CLOCK_AHEAD_MS, 3 * HOUR),
)


class PowerCut(Exception):
    """The laptop died at this point of a sync (battery, crash)."""


class Network:
    """The line between one laptop and the server for one exchange; it may fail once.

    Request number `fail_at` is dropped before it reaches the server, or (`reached`) reaches
    it and its answer is lost on the way back; with `power_cut` the laptop dies there instead
    of seeing a network error. `admin` maps request numbers to what an administrator does just
    before that request, while the laptop syncs. The line notes which changes the server
    acknowledged, and which of those acknowledgements reached the laptop; it checks that the
    server takes no change from the future, nor (`granted`: the user's areas, as the test
    knows them) of an area the user may not write.
    """

    def __init__(
        self,
        http: TestClient,
        *,
        fail_at: int | None = None,
        reached: bool = False,
        power_cut: bool = False,
        admin: Mapping[int, Callable[[], object]] | None = None,
        granted: Callable[[], set[str]] | None = None,
    ) -> None:
        self.http = http
        self.granted = granted
        self.fail_at = fail_at
        self.reached = reached
        self.power_cut = power_cut
        self.admin = dict(admin or {})
        self.requests = 0
        self._lock = threading.Lock()
        self.pushes_reached = 0
        self.acknowledged: set[str] = set()  # by the server
        self.heard: set[str] = set()  # ... and the laptop got the answer
        self.refusals: list[str] = []  # error codes of pushes the server refused
        self.failed = ""  # what failed, for the statistics

    def _failure(self, what: str) -> Exception:
        return PowerCut(what) if self.power_cut else httpx.ConnectError(what)

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        with self._lock:  # pages may be fetched from several threads
            number = self.requests
            self.requests += 1
        if number in self.admin:
            self.admin.pop(number)()
        failing = number == self.fail_at
        if failing:
            how = "answer lost" if self.reached else "dropped"
            self.failed = f"{url} {how}{', power cut' if self.power_cut else ''}"
        if failing and not self.reached:
            raise self._failure(f"{method} {url} dropped before it reached the server")
        sent_at = wall_millis()
        response: httpx.Response = self.http.request(method, url, **kwargs)
        answered_at = wall_millis()
        acknowledged: list[str] = []
        if url == "/v1/push":
            self.pushes_reached += 1
            # The server takes no change stamped more than 5 minutes ahead of its clock, and
            # refuses for the clock only such a change (its clock read between the two).
            latest = max(millis_of(c["hlc"]) for c in kwargs["json"]["changes"])
            if response.status_code == 200:
                acknowledged = response.json()["acknowledged"]
                self.acknowledged.update(acknowledged)
                assert latest - answered_at <= MAX_CLOCK_AHEAD_MS
                if self.granted is not None:
                    areas = {c["area"] for c in kwargs["json"]["changes"]} - {None}
                    assert areas <= self.granted(), areas
            else:
                self.refusals.append(response.json()["code"])
                if self.refusals[-1] == "clock_skew":
                    assert latest - sent_at > MAX_CLOCK_AHEAD_MS
        if failing:
            raise self._failure(f"the answer to {method} {url} was lost")
        self.heard.update(acknowledged)
        return response


class Laptop:
    def __init__(self, folder: Path, http: TestClient, user: str) -> None:
        self.folder = folder
        self.http = http
        self.vault = Vault.create(folder, PASSPHRASE, kdf=KdfParams())
        self.offset_ms = 0
        client = SyncClient("http://testserver", http=http, app_version="0.1.0")
        enrollment = client.enroll(user, PASSWORD, user)
        self.token = enrollment.token
        self.cursors: list[int] = [0]

    @property
    def replica(self) -> VaultReplica:
        return VaultReplica(self.vault)

    def client(self, network: Network | None = None) -> SyncClient:
        http = cast(httpx.Client, network) if network is not None else self.http
        return SyncClient("http://testserver", token=self.token, http=http, app_version="0.1.0")

    def held(self, record_id: str) -> Record:
        """A live record this laptop holds."""
        record = self.vault.get(record_id)
        assert record is not None, record_id
        return record

    def pending(self) -> dict[str, Change]:
        return {c.change_id: c for c in self.vault.pending_changes(ALL)}

    def crash_and_reopen(self) -> None:
        # No lock, no checkpoint: the connection just goes away, as in a crash (where the
        # operating system also drops the process's folder lock).
        conn, lock = self.vault._conn, self.vault._lock_fd
        assert conn is not None and lock is not None
        conn.close()
        self.vault._conn = None
        os.close(lock)
        self.vault = Vault.open(self.folder, PASSPHRASE)
        self.set_clock(self.offset_ms)

    def set_clock(self, offset_ms: int) -> None:
        self.offset_ms = offset_ms
        self.vault._clock._now = lambda: wall_millis() + offset_ms

    def note_cursor(self) -> None:
        self.cursors.append(self.replica.cursor())


@contextmanager
def client_setting(name: str, value: int) -> Iterator[None]:
    """A setting of the sync client module, changed for a while."""
    before = getattr(marugoto_sync.client, name)
    setattr(marugoto_sync.client, name, value)
    try:
        yield
    finally:
        setattr(marugoto_sync.client, name, before)


def sync_over(laptop: Laptop, network: Network | None = None) -> SyncReport | SyncError:
    """A whole sync of the laptop over this line: its report, or the SyncError it raised.

    When the line counts requests (a failure or an administrator at request n), pages are
    fetched one at a time, so that request n is the same one at every run.
    """
    counted = network is not None and (network.fail_at is not None or bool(network.admin))
    with client_setting("FETCH_AHEAD", 1) if counted else nullcontext():
        return attempt(lambda: laptop.client(network).sync(laptop.replica))


def refusal(result: SyncReport | SyncError) -> str:
    """The code of a sync that was refused."""
    assert isinstance(result, SyncError), result
    return result.code


def attempt(action: Callable[[], T]) -> T | SyncError:
    """What `action` returns, or the SyncError it raises."""
    try:
        return action()
    except SyncError as exc:
        return exc


# What the steps met, over a whole run: printed at its end (pytest -s), to show that each
# hazard is really exercised.
STATISTICS: Counter[str] = Counter()


def tally(what: str) -> None:
    STATISTICS[what] += 1


def describe_sync(report: SyncReport | SyncError, when: str = "sync") -> None:
    """Note what a full sync met."""
    if isinstance(report, SyncError):
        tally(f"{when} refused: {report.code}")
        return
    for name, happened in [
        ("re-stamped", report.restamped),
        ("held back", report.held_back),
        ("removed an area", report.removed_areas),
        ("backfilled an area", report.backfilled),
    ]:
        if happened:
            tally(f"{when} {name}")


def export(vault: Vault) -> str:
    """The vault's export; or, while a member lives under a deleted household (a conflict
    to settle), why there is none."""
    out = io.StringIO()
    try:
        export_lines_to(vault, out)
    except ExportBlocked as blocked:
        tally("export blocked: a member under a deleted household")
        return f"blocked: {sorted(map(str, blocked.problems))}"
    return out.getvalue()


def snapshot(vault: Vault) -> dict[str, Any]:
    """Everything a replica holds that must converge: records (incl. deleted), conflicts."""
    held = {
        r.id: (r.type, r.area, r.parent_id, dict(r.fields), r.deleted)
        for r in vault.records(include_deleted=True)
    }
    conflicts = {
        v.conflict.conflict_id: (v.conflict.to_wire(), v.status)
        for v in VaultReplica(vault).conflicts(include_resolved=True)
    }
    return {"records": held, "conflicts": conflicts}


def deleted_clock(vault: Vault, record_id: str) -> list[Any] | None:
    """The stamp [hlc, site] of a record's `_deleted` field on this vault, or None."""
    with vault.reading() as tables:
        found = tables.rows.stored(record_id)
    return None if found is None else found.clocks.get(DELETED)


def members_of(vault: Vault, household: Record | None) -> list[Record]:
    """The members a vault holds under a household, deleted ones too."""
    if household is None:
        return []
    return vault.records("person", parent_id=household.id, include_deleted=True)


def delete_household(vault: Vault, household: str) -> None:
    """Delete a household the vault has live: its live members go with it, in one act (one
    stamp), and those deleted before stay as they were."""
    record = vault.get(household)
    if record is None:
        return
    before = {m.id: (m.deleted, deleted_clock(vault, m.id)) for m in members_of(vault, record)}
    live = sorted(rid for rid, (deleted, _) in before.items() if not deleted)
    assert vault.delete(household) == [household, *live]
    stamp = deleted_clock(vault, household)
    for member in members_of(vault, record):
        assert member.deleted
        assert deleted_clock(vault, member.id) == (
            before[member.id][1] if before[member.id][0] else stamp
        )
    if live:
        tally("household deleted with its members")


def own_transfer_holds(laptop: Laptop, transfer: Change) -> bool:
    """The laptop holds the household where its own unsent transfer put it, or not at all
    (not where a later transfer from the server placed it)."""
    with laptop.vault.reading() as tables:
        found = tables.rows.stored(transfer.record_id)
    if found is not None:
        placed = found.clocks.get(AREA, [])
    else:
        # Let go by a later transfer of its own: as it was then (vault transaction.let_go).
        placed = (laptop.replica.get_setting(LET_GO_KEY) or {}).get(transfer.record_id)
        if placed is None:
            return True
    # Put there by this transfer, or by a later one of this laptop's written where this one
    # sent it (it waits with it).
    chain, after = [transfer], False
    for change in laptop.pending().values():
        after = after or change.change_id == transfer.change_id
        if (
            after
            and change.change_id != transfer.change_id
            and (change.record_id, change.field, change.site)
            == (transfer.record_id, AREA, transfer.site)
            and change.area == chain[-1].value
        ):
            chain.append(change)
    return list(placed) in [[c.hlc, c.site] for c in chain]


def held_back(laptop: Laptop, granted: set[str]) -> set[str]:
    """The changes a sync leaves in the laptop's outbox: those of areas the user may not
    write; and where one of them is a household's transfer, what was written after it of
    the household and of what is under it (it waits with the transfer)."""
    held: set[str] = set()
    waiting: set[str] = set()  # households whose transfer waits
    pending = laptop.pending()
    # A record whose creation waits here is under its household though the laptop holds
    # neither (it let the household go): vault outbox.created_under.
    created = {c.record_id: c.value for c in pending.values() if c.field == PARENT}
    for change_id, change in pending.items():  # in outbox order
        record = laptop.vault.get(change.record_id, include_deleted=True)
        home = record.parent_id if record is not None else created.get(change.record_id)
        if change.field == PARENT and isinstance(change.value, str):
            home = change.value
        if change.area is not None and change.area not in granted:
            held.add(change_id)
            if change.field == AREA and own_transfer_holds(laptop, change):
                waiting.add(change.record_id)
        elif change.record_id in waiting or home in waiting:
            held.add(change_id)
            tally("held back: written after a transfer that waits")
    return held


def wire(item: dict[str, Any]) -> dict[str, Any]:
    """A change as it travels, from a log entry."""
    return {k: v for k, v in item.items() if k not in ("seq", "kind")}


def server_view(storage: Storage, areas: Iterable[str]) -> dict[str, Any]:
    """What a replica granted `areas` must hold, read from the server's own tables."""
    visible = set(areas)
    with storage.engine.connect() as conn:
        rows = conn.execute(select(records.c.record_id, records.c.type, records.c.area)).all()
        states = conn.execute(
            select(field_state.c.record_id, field_state.c.field, field_state.c.value)
        ).all()
    values: dict[str, dict[str, Any]] = {}
    for record_id, name, value in states:
        values.setdefault(record_id, {})[name] = json.loads(value)
    held = {}
    for record_id, rtype, area in rows:
        if area is not None and area not in visible:
            continue
        state = values.get(record_id, {})
        parent = state.get(PARENT)
        fields = {n: v for n, v in state.items() if not n.startswith("_") and not is_empty(v)}
        held[record_id] = (
            rtype,
            area,
            parent if isinstance(parent, str) else None,
            fields,
            bool(state.get(DELETED, False)),
        )
    log = storage.changes_page(AREAS, 0, ALL).items
    resolved = {item.get("resolves") for item in log if item["kind"] == "change"}
    # A conflict moves with its household: a transfer logs a copy of it (the same conflict
    # id) in the area the household went to, and the latest entry of each is where it is.
    latest = {c["value"]["conflict_id"]: c for c in log if c["kind"] == "conflict"}
    on_server = {row[0] for row in rows}
    conflicts = {}
    for conflict_id, item in latest.items():
        conflict = conflict_from_wire(item["value"])
        if conflict.area not in visible:
            continue
        if item["record_id"] not in on_server:
            # A record created under a household in an area it had left, by a device that
            # knew: kept only in the log, as conflicts of its fields, that of its
            # `_parent_id` saying that no parent holds (storage.transfers); no laptop holds
            # the record, nor so its conflicts (vault.replica._place_conflicts).
            assert conflict.kind == EDIT_AFTER_TRANSFER, conflict
            assert any(
                c["record_id"] == item["record_id"]
                and c["field"] == PARENT
                and c["value"]["winner"]["hlc"] == 0
                for c in latest.values()
            ), conflict
            continue
        status = "resolved" if conflict_id in resolved else "open"
        conflicts[conflict_id] = (conflict.to_wire(), status)
    return {"records": held, "conflicts": conflicts}


def parent_deleted_model(log: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The parent_deleted conflicts the merge rule calls for, read from the server's log.

    The log is the order in which the server applied the changes. Walking it with the value
    rule for `_deleted` gives, at every point, which records are deleted. A member comes to
    be live under a deleted household in one of three ways:
    - it is created (`_parent_id`) while its household is deleted: conflict named by the
      creating change (merge.parent_conflict);
    - its household goes from live to deleted while it is live: conflict named by the delete
      and the member (merge.orphan_conflicts; the deleter's own members went first, deleted
      with the household's stamp, so a member still live was unknown to the deleter);
    - it is restored on its own (`_deleted: false`) while its household is deleted: conflict
      named by the restoring change (merge.parent_conflict).
    Returns the expected conflicts (id -> (member, delete, creating or restoring change))
    and, for each member, the conflict of how it last came to be live under a deleted
    household.
    """
    deleted: dict[str, dict[str, Any]] = {}  # record -> the `_deleted` change that holds it
    parents: dict[str, str] = {}
    created: dict[str, str] = {}  # member -> the change that gave it its parent
    under: dict[str, list[str]] = {}
    expected: dict[str, Any] = {}
    how: dict[str, Any] = {}

    def gone(record_id: str) -> bool:
        return record_id in deleted and deleted[record_id]["value"] is True

    for item in log:
        if item["kind"] != "change":
            continue
        record_id, name, change_id = item["record_id"], item["field"], item["change_id"]
        if name == PARENT and isinstance(item["value"], str) and record_id not in parents:
            parent = item["value"]
            parents[record_id], created[record_id] = parent, change_id
            under.setdefault(parent, []).append(record_id)
            if gone(parent):
                conflict_id = conflict_id_for(change_id, PARENT_DELETED)
                expected[conflict_id] = (record_id, deleted[parent]["change_id"], change_id)
                how[record_id] = conflict_id
        elif name == DELETED:
            before = deleted.get(record_id)
            held = None if before is None else (before["hlc"], before["site"])
            if not wins(item["hlc"], item["site"], held):
                continue
            was_gone = gone(record_id)
            deleted[record_id] = item
            if item["value"] is True and not was_gone:
                for member in under.get(record_id, []):
                    if not gone(member):
                        conflict_id = conflict_id_for(f"{change_id}/{member}", PARENT_DELETED)
                        expected[conflict_id] = (member, change_id, created[member])
                        how[member] = conflict_id
            elif item["value"] is False and was_gone and gone(parents.get(record_id, "")):
                conflict_id = conflict_id_for(change_id, PARENT_DELETED)
                parent_delete = deleted[parents[record_id]]["change_id"]
                expected[conflict_id] = (record_id, parent_delete, change_id)
                how[record_id] = conflict_id
    return expected, how


class Convergence(RuleBasedStateMachine):
    """The office: a server, three users with a laptop each, and everything that can happen."""

    database_url: str  # set by the test function
    households = Bundle("households")
    # Persons, each under a household; None where a laptop could not add one (the household
    # was not live there): a rule adds one value whatever happened, so that the bundles of a
    # replayed example do not depend on the clock's outcomes.
    members = Bundle("members")

    @initialize(target=households)
    def start(self) -> Any:
        self.tmp = Path(tempfile.mkdtemp(prefix="marugoto-sm-"))
        self.app = create_app(self.database_url)
        self.http = TestClient(self.app)
        self.http.__enter__()
        self.storage: Storage = self.app.state.server.storage
        now = datetime.now(UTC)
        for i in range(LAPTOPS):
            self.storage.add_user(
                f"user{i}", "consultant", list(AREAS), hash_password(PASSWORD, CHEAP), now
            )
        self.granted = [set(AREAS) for _ in range(LAPTOPS)]
        self.laptops = [Laptop(self.tmp / f"v{i}", self.http, f"user{i}") for i in range(LAPTOPS)]
        self.written: dict[str, Change] = {}  # every change a person made, as first stamped
        self.acknowledged: set[str] = set()  # every change id the server acknowledged
        # Start from a record in each area that every laptop has, so that edits collide often.
        first = self.laptops[0].vault.new_record(
            "household", AREAS[0], name="共有世帯", status="active"
        )
        second = self.laptops[1].vault.new_record(
            "household", AREAS[1], name="共有世帯", status="active"
        )
        self.note_written()
        for i in [*range(LAPTOPS), 0]:
            self.full_sync(i)
        return multiple(first.id, second.id)

    def teardown(self) -> None:
        if not hasattr(self, "laptops"):
            return
        try:
            self.deliver_everything_and_check()
        finally:
            for laptop in self.laptops:
                if laptop.vault.is_open:
                    laptop.vault.close()
            self.http.__exit__(None, None, None)
            self.storage.close()

    def line(self, i: int, **failures: Any) -> Network:
        """The network between laptop `i` and the server, for one exchange."""
        return Network(self.http, granted=lambda: self.granted[i], **failures)

    def set_grant(self, user: int, areas: Iterable[str]) -> None:
        self.storage.set_user_areas(f"user{user}", sorted(areas))
        self.granted[user] = set(areas)

    # -- what people do ---------------------------------------------------------------------

    def save(self, i: int, record: Record) -> None:
        # A laptop never holds a record it cannot save (no half records of any area).
        self.laptops[i].vault.put(record)

    @rule(
        target=households,
        i=LAPTOP,
        area=st.sampled_from(AREAS),
        status=st.sampled_from(STATUSES),
    )
    def create(self, i: int, area: str, status: str) -> str:
        # Also in an area the user has just lost: the laptop does not know yet.
        record = self.laptops[i].vault.new_record("household", area, name=f"世帯{i}", status=status)
        return record.id

    @rule(
        household=households,
        i=LAPTOP,
        status=st.sampled_from(STATUSES),
        note=st.sampled_from(["", "見守り継続", "受診同行"]),
    )
    def edit(self, household: str, i: int, status: str, note: str) -> None:
        record = self.laptops[i].vault.get(household)
        if record is not None:  # a laptop edits only what it has and is not deleted
            self.save(i, record.with_fields(status=status, note=note))

    @rule(household=households, i=LAPTOP)
    def delete(self, household: str, i: int) -> None:
        delete_household(self.laptops[i].vault, household)

    @rule(household=households, i=LAPTOP)
    def recreate(self, household: str, i: int) -> None:
        record = self.laptops[i].vault.get(household, include_deleted=True)
        if record is not None and record.deleted:
            self.save(i, record.with_fields(note="再開"))  # writing it again restores it

    @rule(household=households, i=LAPTOP, j=LAPTOP)
    def edit_concurrently(self, household: str, i: int, j: int) -> None:
        """Two laptops change the same field before either syncs: a conflict to come."""
        for k, status in ((i, "watching"), (j, "closed")):
            record = self.laptops[k].vault.get(household)
            if record is not None:
                self.save(k, record.with_fields(status=status))

    # -- members of households -------------------------------------------------------------

    def add_member_to(self, i: int, household: str) -> str | None:
        """Laptop `i` adds a member to the household if it has it live; the member's id."""
        vault = self.laptops[i].vault
        record = vault.get(household)
        if record is None:
            return None
        return vault.new_record("person", record.area, household, name=f"世帯員{i}").id

    @rule(target=members, household=households, i=LAPTOP)
    def add_member(self, household: str, i: int) -> str | None:
        return self.add_member_to(i, household)

    @rule(
        target=members,
        household=st.none() | households,
        i=LAPTOP,
        other=st.integers(1, LAPTOPS - 1),
        third_deletes=st.booleans(),
        known=st.integers(0, 2),
        one_gone=st.booleans(),
        then_sync=st.sampled_from(["no", "deleter first", "adder first"]),
        settle=st.none() | st.sampled_from(["keep", "other"]),
    )
    def delete_household_while_member_added(
        self,
        household: str | None,
        i: int,
        other: int,
        third_deletes: bool,
        known: int,
        one_gone: bool,
        then_sync: str,
        settle: str | None,
    ) -> Any:
        """Laptop `i` deletes a household with its members (first adding `known` of them and
        syncing, `one_gone` deleted on its own before) while another laptop `j`, not having
        seen the delete, adds a member to it, and the third may delete it too: a
        parent_deleted conflict to come. Then each may sync (`i` or `j` first), and the
        person at `j` may settle the conflict at once. Without `household`, `i` makes a new
        one and both sync first, so that both have it."""
        j = (i + other) % LAPTOPS
        k = next(x for x in range(LAPTOPS) if x not in (i, j)) if third_deletes else None
        vault = self.laptops[i].vault
        if household is None:
            area = AREAS[other % len(AREAS)]
            household = vault.new_record("household", area, name="世帯", status="active").id
            self.full_sync(i)
            self.full_sync(j)
        added = [self.add_member_to(i, household) for _ in range(known)]
        if one_gone and added and added[0] is not None:
            vault.delete(added[0])
        if known:
            self.full_sync(i)
        delete_household(vault, household)
        member = self.add_member_to(j, household)
        if k is not None:
            delete_household(self.laptops[k].vault, household)
        if then_sync != "no":
            order = (i, j) if then_sync == "deleter first" else (j, i)
            for laptop in (*order, *([] if k is None else [k])):
                self.full_sync(laptop)
            if settle is not None:
                self.resolve(j, 0, settle, members_first=True)
        return multiple(*added, member)

    @rule(member=members, i=LAPTOP, name=st.sampled_from(["高松 一郎", "高松 花子", "タカマツ"]))
    def rename_member(self, member: str | None, i: int, name: str) -> None:
        vault = self.laptops[i].vault
        record = None if member is None else vault.get(member)
        if record is None:
            return
        assert record.parent_id is not None
        if vault.get(record.parent_id) is None:
            # Live under a household deleted here (flagged): the laptop refuses to write it
            # until the conflict is settled.
            with pytest.raises(RecordInvalid):
                vault.put(record.with_fields(name=name))
            tally("rename member: refused, its household is deleted")
            return
        self.save(i, record.with_fields(name=name))

    @rule(member=members, i=LAPTOP)
    def delete_member(self, member: str | None, i: int) -> None:
        vault = self.laptops[i].vault
        if member is not None and vault.get(member) is not None:
            assert vault.delete(member) == [member]

    @rule(
        i=LAPTOP,
        pick=st.integers(0, 7),
        choice=st.sampled_from(["keep", "other"]),
        members_first=st.booleans(),
    )
    def resolve(self, i: int, pick: int, choice: str, members_first: bool) -> None:
        """A person settles one of the conflicts the laptop shows, either way (with
        `members_first`, one about a member under a deleted household if there is one)."""
        vault = self.laptops[i].vault
        shown = VaultReplica(vault).conflicts()
        orphans = [v for v in shown if v.conflict.kind == PARENT_DELETED]
        if members_first and orphans:
            shown = orphans
        if not shown:
            return
        conflict = shown[pick % len(shown)].conflict
        record = vault.get(conflict.record_id, include_deleted=True)
        assert record is not None  # a laptop holds the records of the conflicts it shows
        # The household concerned (the record's, or the record itself) and its members.
        home: Record | None = record
        if record.parent_id is not None:
            home = vault.get(record.parent_id, include_deleted=True)
        assert home is not None
        home_clock = deleted_clock(vault, home.id)
        before = {m.id: (m.deleted, deleted_clock(vault, m.id)) for m in members_of(vault, home)}
        syncing.resolve_conflict(vault, conflict.conflict_id, choice)
        tally(f"resolve {conflict.kind}: {choice}")
        shown_now = VaultReplica(vault).conflicts()
        assert conflict.conflict_id not in {v.conflict.conflict_id for v in shown_now}
        after = vault.get(conflict.record_id, include_deleted=True)
        home_now = vault.get(home.id, include_deleted=True)
        assert after is not None and home_now is not None
        restored = None  # a household brought back: its members deleted with it come back
        if conflict.kind == PARENT_DELETED:
            assert record.type == "person"
            if choice == "keep":
                # The member goes the way of its household: deleted if the household is;
                # under a live household it stays as it is (one a person deleted stays so).
                assert home_now.deleted == home.deleted
                assert after.deleted == (home.deleted or record.deleted)
                if record.deleted and not home.deleted:
                    tally("resolve parent_deleted: keep leaves a deleted member deleted")
                return
            # other: the household comes back.
            assert not home_now.deleted
            restored = home
        elif conflict.kind in syncing.DELETION_KINDS:
            # keep: as it is; other: the other wish (a record restored or deleted).
            assert after.deleted == (record.deleted != (choice == "other"))
            if record.type == "household" and after.deleted and not record.deleted:
                assert all(m.deleted for m in members_of(vault, home_now))  # they go with it
            if record.type == "household" and record.deleted and not after.deleted:
                restored = home
        if restored is None or not restored.deleted:
            return
        # The members deleted in the same act as the household (its stamp) come back; those
        # deleted on their own before stay deleted.
        for member in members_of(vault, home_now):
            was_deleted, clock = before[member.id]
            assert member.deleted == (was_deleted and clock != home_clock), member
            if was_deleted:
                tally(f"resolve: a member {'stays deleted' if member.deleted else 'comes back'}")

    # -- transfers of households (転居・引継ぎ) --------------------------------------------------

    def transfer_at(self, i: int, household: str) -> Change | None:
        """Laptop `i` transfers the household to the other area, if it holds it live (also
        in an area it has left: the laptop does not know yet); the transfer as written."""
        laptop = self.laptops[i]
        record = laptop.vault.get(household)
        if record is None:
            return None
        assert record.area is not None
        to = next(area for area in AREAS if area != record.area)
        under = {m.id for m in members_of(laptop.vault, record)}
        moved = laptop.vault.transfer(household, to)
        assert moved[0].id == household and {r.id for r in moved[1:]} == under
        assert all(r.area == to for r in moved)
        [transfer] = [
            c for c in laptop.pending().values() if c.record_id == household and c.field == AREA
        ][-1:]
        assert (transfer.area, transfer.value) == (record.area, to)
        # One act: the household and what is under it are relabelled at once, or let go at
        # once where the laptop does not sync both areas.
        now = laptop.vault.get(household)
        if {record.area, to} <= set(laptop.replica.synced_areas() or ()):
            assert now is not None and now.area == to
            tally("transfer written")
        else:
            assert laptop.vault.get(household, include_deleted=True) is None
            tally("transfer written: let go at once (an area not synced here)")
        return transfer

    @rule(household=households, i=LAPTOP, then_sync=st.booleans())
    def transfer(self, household: str, i: int, then_sync: bool) -> None:
        """A laptop transfers a household it holds live to the other area, and may sync."""
        if self.transfer_at(i, household) is not None and then_sync:
            self.full_sync(i)

    @rule(
        target=members,
        household=households,
        i=LAPTOP,
        then=st.sampled_from(["edit", "add a member", "edit and add a member", "delete"]),
        status=st.sampled_from(STATUSES),
    )
    def transfer_then_write(self, household: str, i: int, then: str, status: str) -> Any:
        """A laptop transfers a household and, before it syncs, writes it again: work
        written right after a transfer (in the area it went to, where the laptop holds it
        now). Returns the member added, if any."""
        if self.transfer_at(i, household) is None:
            return None
        vault = self.laptops[i].vault
        record = vault.get(household)
        if record is None:  # let go: the laptop does not sync the area it went to
            return None
        tally(f"transfer, then {then}")
        if then == "delete":
            delete_household(vault, household)
            return None
        if "edit" in then:
            self.save(i, record.with_fields(status=status, note="転居"))
        if "add" in then:
            return self.add_member_to(i, household)
        return None

    @rule(
        household=households,
        i=LAPTOP,
        other=st.integers(1, LAPTOPS - 1),
        first=st.sampled_from(["i", "j", "neither"]),
    )
    def transfer_concurrently(self, household: str, i: int, other: int, first: str) -> None:
        """Two laptops transfer the same household before either has seen the other's
        transfer; then they may sync, in either order."""
        j = (i + other) % LAPTOPS
        transfers = [self.transfer_at(k, household) for k in (i, j)]
        if first == "neither":
            return
        for k in (i, j) if first == "i" else (j, i):
            self.full_sync(k)
        if None in transfers:
            return
        state = self.storage.field_state(household, AREA)
        if state is None:  # neither went out (held back, or refused for the clock)
            tally("transfers concurrently: neither reached the server")
            return
        synced = [t.change_id for t in transfers if t is not None]
        if first == "j":
            synced.reverse()
        stands = {synced[0]: "the one synced first", synced[1]: "the one synced second"}
        tally(f"transfers concurrently: {stands.get(state.change_id, 'neither')} stands")

    # -- what the administrator does ----------------------------------------------------------

    @rule(user=LAPTOP, area=st.sampled_from(AREAS))
    def grant_or_withdraw(self, user: int, area: str) -> None:
        self.set_grant(user, self.granted[user] ^ {area})

    @rule(user=LAPTOP, area=st.sampled_from(AREAS))
    def withdraw_then_grant_again(self, user: int, area: str) -> None:
        """An area withdrawn and granted again, the user's laptop syncing after each."""
        self.set_grant(user, self.granted[user] - {area})
        self.full_sync(user)
        self.set_grant(user, self.granted[user] | {area})
        self.full_sync(user)

    # -- what the network and the machines do --------------------------------------------------

    @rule(i=LAPTOP, fate=st.sampled_from(["delivered", "answer_lost", "dropped", "duplicated"]))
    def push(self, i: int, fate: str) -> None:
        """One push by hand, as the client's push step makes it, and what the server does."""
        laptop = self.laptops[i]
        batch = laptop.vault.pending_changes(7)
        if not batch:
            return
        ids = {c.change_id for c in batch}
        head = self.storage.head()
        network = self.line(
            i,
            fail_at=0 if fate in ("answer_lost", "dropped") else None,
            reached=fate != "dropped",
        )
        foreign = {c.area for c in batch if c.area is not None} - self.granted[i]
        client = laptop.client(network)
        answer = attempt(lambda: client.push(batch))
        if fate == "duplicated" and not isinstance(answer, SyncError):
            assert client.push(batch)["acknowledged"] == answer["acknowledged"]
        assert not isinstance(answer, SyncError) or answer.code in (
            "unreachable",
            "clock_skew",
            "area_forbidden",
        ), answer
        self.acknowledged |= network.acknowledged
        if fate == "dropped":
            tally("push dropped: never reached the server")
            assert network.pushes_reached == 0
            assert self.storage.head() == head
            return
        tally(f"push {fate}: {network.refusals[0] if network.refusals else 'taken'}")
        if network.acknowledged:
            # Taken whole (within the skew limit: see Network), and only areas the user may
            # write.
            assert network.acknowledged == ids
            assert not foreign
        else:
            # Refused whole: from the future (checked first), or touching a foreign area.
            assert self.storage.head() == head
            [code] = network.refusals
            assert code == "clock_skew" or (code == "area_forbidden" and foreign), code
        if fate != "answer_lost":
            laptop.vault.acknowledge(sorted(network.heard))

    @rule(i=LAPTOP, limit=st.integers(1, 5))
    def partial_pull(self, i: int, limit: int) -> None:
        """One page by hand, as the client's pull step fetches and applies it."""
        laptop = self.laptops[i]
        # The pull step runs after a status call told the client its areas; pulling with other
        # areas than the laptop knows is the race `sync_while_areas_change` explores.
        if set(laptop.replica.synced_areas() or ()) != self.granted[i]:
            tally("partial pull: skipped, areas changed")
            return
        after = laptop.replica.cursor()
        with laptop.client() as client:
            page = client.pull(after, limit)
        laptop.replica.apply_page(read_page(page["log"]), int(page["next"]))
        laptop.note_cursor()

    @rule(i=LAPTOP)
    def full_sync(self, i: int) -> None:
        laptop = self.laptops[i]
        granted = self.granted[i]
        pending = laptop.pending()
        held = held_back(laptop, granted)
        network = self.line(i)
        report = sync_over(laptop, network)
        if isinstance(report, SyncError):
            # Re-stamped from the server's time, unsent changes are refused again only while
            # the laptop's clock itself is still beyond the limit; then nothing went out.
            assert report.code == "clock_skew", report
            assert laptop.offset_ms > MAX_CLOCK_AHEAD_MS
            assert not network.acknowledged
        self.acknowledged |= network.acknowledged
        left = set(laptop.pending())
        describe_sync(report)
        if not isinstance(report, SyncError):
            # Everything went out but the work of areas this user may not write.
            assert left == held
            assert report.held_back == len(held)
            assert report.pushed == len(pending) - len(held)
            assert network.acknowledged == set(pending) - held
        else:
            assert left == set(pending)
        # Lost areas are gone from the laptop; it knows exactly what is granted now.
        assert set(laptop.replica.stored_areas()) <= granted
        assert laptop.replica.synced_areas() == sorted(granted)
        laptop.note_cursor()

    @rule(i=LAPTOP, fail_at=st.integers(0, 3), reached=st.booleans(), power_cut=st.booleans())
    def interrupted_sync(self, i: int, fail_at: int, reached: bool, power_cut: bool) -> None:
        """A sync whose request `fail_at` is dropped or loses its answer, or the laptop dies."""
        laptop = self.laptops[i]
        before = set(laptop.pending())
        head = self.storage.head()
        network = self.line(i, fail_at=fail_at, reached=reached, power_cut=power_cut)
        try:
            result = sync_over(laptop, network)
        except PowerCut:
            laptop.crash_and_reopen()
            tally(f"interrupted sync: {network.failed}")
        else:
            tally(f"interrupted sync: {network.failed or 'not interrupted'}")
            assert not isinstance(result, SyncError) or result.code in (
                "unreachable",
                "clock_skew",
            ), result
        self.acknowledged |= network.acknowledged
        # Only what the laptop heard acknowledged left its outbox.
        assert before - set(laptop.pending()) == network.heard
        if network.pushes_reached == 0:
            assert self.storage.head() == head
        laptop.note_cursor()

    @rule(
        i=LAPTOP,
        at=st.integers(0, 4),
        areas=GRANTS,
        undone_after=st.none() | st.integers(1, 3),
    )
    def sync_while_areas_change(
        self, i: int, at: int, areas: frozenset[str], undone_after: int | None
    ) -> None:
        """The administrator changes this user's areas just before request `at` of a sync, and
        may put it back a few requests later (a mistake put right)."""
        laptop = self.laptops[i]
        before = set(self.granted[i])
        admin = {at: lambda: self.set_grant(i, areas)}
        if undone_after is not None:
            admin[at + undone_after] = lambda: self.set_grant(i, before)
        network = self.line(i, admin=admin)
        result = sync_over(laptop, network)
        # A push after the area was withdrawn is refused whole, and reported.
        assert not isinstance(result, SyncError) or result.code in (
            "area_forbidden",
            "clock_skew",
        ), result
        for _, action in sorted(network.admin.items()):
            action()  # the sync was shorter: the administrator acts after it
        self.acknowledged |= network.acknowledged
        laptop.note_cursor()

    @rule(
        household=households,
        i=LAPTOP,
        offset=CLOCK_OFFSETS,
        status=st.sampled_from(STATUSES),
    )
    def edit_with_clock_off(self, household: str, i: int, offset: int, status: str) -> None:
        """An edit made while the laptop's clock is off; the clock is put back right after."""
        laptop = self.laptops[i]
        then = laptop.offset_ms
        laptop.set_clock(offset)
        record = laptop.vault.get(household)
        if record is not None:
            self.save(i, record.with_fields(status=status))
        laptop.set_clock(then)

    @rule(i=LAPTOP)
    def crash(self, i: int) -> None:
        self.laptops[i].crash_and_reopen()

    @rule(i=LAPTOP, offset=CLOCK_OFFSETS)
    def clock_jump(self, i: int, offset: int) -> None:
        self.laptops[i].set_clock(offset)

    @rule(i=LAPTOP)
    def clock_set_right(self, i: int) -> None:
        self.laptops[i].set_clock(0)

    # -- invariants -------------------------------------------------------------------------

    @invariant()
    def note_written(self) -> None:
        """Remember every change a person made, as it was first stamped."""
        for laptop in getattr(self, "laptops", []):
            for change_id, change in laptop.pending().items():
                self.written.setdefault(change_id, change)

    @invariant()
    def cursors_only_move_forward(self) -> None:
        for laptop in getattr(self, "laptops", []):
            assert laptop.cursors == sorted(laptop.cursors)

    # -- after full delivery ----------------------------------------------------------------

    def deliver(self) -> None:
        for _ in range(2):  # twice round: everyone's changes reach everyone
            for i, laptop in enumerate(self.laptops):
                network = self.line(i)
                report = sync_over(laptop, network)
                assert not isinstance(report, SyncError), report
                describe_sync(report, "at the end: sync")
                self.acknowledged |= network.acknowledged
                laptop.note_cursor()
        self.cursors_only_move_forward()

    def deliver_everything_and_check(self) -> None:
        self.note_written()
        for laptop in self.laptops:
            laptop.set_clock(0)
        with client_setting("PAGE_SIZE", DELIVERY_PAGE_SIZE):
            self.check_delivery()

    def check_delivery(self) -> None:
        # With the grants as they stand: each laptop holds exactly the records and conflicts
        # of its areas, as the server has them, and only work of other areas waits.
        self.deliver()
        for laptop, granted in zip(self.laptops, self.granted, strict=True):
            for change in laptop.pending().values():
                assert change.area is not None and change.area not in granted, change
                tally("at the end: held-back work waits for its area")
            assert snapshot(laptop.vault) == server_view(self.storage, granted)

        # Every user is granted everything again: held-back work goes out, lost areas return.
        for user in range(LAPTOPS):
            self.set_grant(user, AREAS)
        self.deliver()
        for laptop in self.laptops:
            assert laptop.vault.outbox_size() == 0

        # A brand-new laptop that syncs from nothing sees the same as everyone, and all
        # replicas equal the server, field by field.
        fresh = Laptop(self.tmp / "fresh", self.http, "user0")
        with fresh.client() as client:
            client.sync(fresh.replica)
        replicas = [*self.laptops, fresh]
        states = [snapshot(laptop.vault) for laptop in replicas]
        expected = server_view(self.storage, AREAS)
        for state in states:
            assert state == expected
        assert len({export(laptop.vault) for laptop in replicas}) == 1

        log = self.storage.changes_page(AREAS, 0, ALL).items
        changes = [item for item in log if item["kind"] == "change"]
        conflicts = [item for item in log if item["kind"] == "conflict"]
        logged = {c["change_id"]: c for c in changes}

        # What the server kept without applying it (storage.transfers): a transfer written in
        # an area its household had left (the first transfer to reach the server stands), or
        # another change written there by a device that knew it had left. Each is the loser
        # of its conflict, and nothing else: never logged as a change, never current.
        kept: dict[str, Any] = {}
        for item in conflicts:
            conflict = conflict_from_wire(item["value"])
            loser = conflict.loser.change_id
            if conflict.kind in (TRANSFER_SUPERSEDED, EDIT_AFTER_TRANSFER) and loser not in logged:
                kept[loser] = conflict
                current = self.storage.field_state(conflict.record_id, conflict.field)
                assert current is None or current.change_id != loser, conflict
            elif conflict.kind in (TRANSFER_SUPERSEDED, EDIT_AFTER_TRANSFER):
                copy = item["change_id"] != conflict.conflict_id
                tally(f"at the end: {conflict.kind}, {'its copy' if copy else 'taken'}")
        for conflict in kept.values():
            tally(f"at the end: {conflict.kind}, kept, not applied ({conflict.field})")
        # The households a transfer was written for (taken, or kept as a conflict).
        transferred = {item["record_id"] for item in log if item["field"] == AREA}
        for household in sorted(transferred):
            for moved in self.storage.transfers_of(household):
                what = "with what is under it" if moved.records > 1 else "alone"
                tally(f"at the end: a household moved by a transfer, {what}")
        home = {
            record_id: record_id if parent is None else parent
            for record_id, (_, _, parent, _, _) in expected["records"].items()
        }

        # Everything anyone wrote reached the server, as written (re-stamping changes clocks
        # only), and the server acknowledged it; or it was kept there, as written.
        for change_id, change in self.written.items():
            if change_id in kept:
                conflict = kept[change_id]
                assert (conflict.record_id, conflict.field) == (change.record_id, change.field)
                assert (conflict.loser.value, conflict.loser.site) == (change.value, change.site)
                assert conflict.kind == (
                    TRANSFER_SUPERSEDED if change.field == AREA else EDIT_AFTER_TRANSFER
                )
                continue
            assert change_id in logged, change
            entry = change_from_wire(wire(logged[change_id]))
            assert (entry.type, entry.record_id, entry.field, entry.value) == (
                change.type,
                change.record_id,
                change.field,
                change.value,
            )
            assert entry.site == change.site
            if entry.area != change.area:
                # Written in an area its household had left, taken into the one it is in
                # (storage.transfers), or labelled with the area of a transfer it waited
                # with (vault: hold_with_transfers): its household was transferred.
                assert home.get(entry.record_id) in transferred, (entry, change)
                tally("at the end: written in an area its household left, logged where it is")
        assert set(self.written) <= self.acknowledged

        # Every acknowledged change is current, in the conflict log, or knowingly overwritten.
        losers = {c["value"]["loser"]["change_id"] for c in conflicts}
        for change_id in self.acknowledged:
            if change_id in kept:
                continue  # the loser of its conflict, not applied (above)
            assert change_id in logged
            acked = logged[change_id]
            record_id, name, hlc = acked["record_id"], acked["field"], acked["hlc"]
            current = self.storage.field_state(record_id, name)
            assert current is not None
            # A later change built on it. `_deleted` carries the record's clock as its base,
            # so there "saw it" means a base at or past it.
            overwritten_knowingly = any(
                c["record_id"] == record_id
                and c["field"] == name
                and (c["base_hlc"] >= hlc if name == DELETED else c["base_hlc"] == hlc)
                for c in changes
            )
            # Deleting and restoring are wishes, not values: a delete (or restore) is kept if
            # the same wish stands, or was knowingly overridden, or is in the conflict log.
            same_wish = name == DELETED and any(
                c["record_id"] == record_id
                and c["field"] == DELETED
                and c["value"] == acked["value"]
                and (
                    c["change_id"] in (current.change_id, *losers)
                    or any(
                        later["record_id"] == record_id
                        and later["field"] == DELETED
                        and later["base_hlc"] >= c["hlc"]
                        and later["hlc"] > c["hlc"]
                        for later in changes
                    )
                )
                for c in changes
            )
            assert (
                current.change_id == change_id
                or change_id in losers
                or overwritten_knowingly
                or same_wish
            ), acked

        # Each conflict is recorded once (every replica holds exactly the server's: above).
        conflict_ids = [c["change_id"] for c in conflicts]
        assert len(conflict_ids) == len(set(conflict_ids))

        self.check_members(log)

        # Replays change nothing.
        head = self.storage.head()
        with self.laptops[0].client() as client:
            # (What was kept as a conflict is not sent again: another device pushing it now
            # knew where the household is, and it is kept again, or refused if its record
            # is not on the server.)
            every = [
                change_from_wire(wire(logged[cid]))
                for cid in sorted(self.acknowledged)
                if cid not in kept
            ]
            for start in range(0, len(every), 1000):
                client.push(every[start : start + 1000])
        assert self.storage.head() == head
        assert snapshot(self.laptops[0].vault) == states[0]
        fresh.vault.close()

    def check_members(self, log: list[dict[str, Any]]) -> None:
        """Members under deleted households, after full delivery (every replica holds what
        the server holds: checked before)."""
        state = server_view(self.storage, AREAS)["records"]
        expected, how = parent_deleted_model(log)
        # By conflict id, the latest entry of each (a transfer logs copies of a household's
        # conflicts in the area it goes to, under the same conflict id).
        flagged = {
            item["value"]["conflict_id"]: conflict_from_wire(item["value"])
            for item in log
            if item["kind"] == "conflict" and item["value"]["kind"] == PARENT_DELETED
        }
        # Exactly the conflicts the merge rule calls for, in the server's order: none missing,
        # none extra, each named by its (delete, member), creating or restoring change.
        assert {
            cid: (c.record_id, c.winner.change_id, c.loser.change_id) for cid, c in flagged.items()
        } == expected
        # At most one per (delete, change that left the member live under it); on the member's
        # `_parent_id` (created there) or `_deleted` (restored there); the delete is its
        # household's. If its author deleted the member in the same act (the members a
        # laptop deletes with their household share the household's stamp), that delete
        # reached the server first, and a later restore of the member had undone it: the
        # member was live when the household's delete came (the model holds to that).
        pairs = {(c.winner.change_id, c.loser.change_id) for c in flagged.values()}
        assert len(pairs) == len(flagged)
        changes = {item["change_id"]: item for item in log if item["kind"] == "change"}
        position = {item["change_id"]: n for n, item in enumerate(log)}
        for c in flagged.values():
            delete, cause = changes[c.winner.change_id], changes[c.loser.change_id]
            assert (c.type, c.area) == ("person", state[c.record_id][1])
            assert (cause["record_id"], cause["field"]) == (c.record_id, c.field)
            if c.field == PARENT:
                assert cause["value"] == state[c.record_id][2]
            else:
                assert (c.field, cause["value"]) == (DELETED, False)
                tally("at the end: flagged, restored under a deleted household")
            assert (delete["field"], delete["value"]) == (DELETED, True)
            assert delete["record_id"] == state[c.record_id][2]
            same_act = [
                item
                for item in changes.values()
                if item["record_id"] == c.record_id
                and item["field"] == DELETED
                and (item["hlc"], item["site"]) == (delete["hlc"], delete["site"])
            ]
            for item in same_act:
                assert position[item["change_id"]] < position[delete["change_id"]], c
                tally("at the end: flagged, its delete with the household undone by a restore")
            tally("at the end: parent_deleted conflict")
        # A settled one was settled as resolve_conflict says: keep writes the member's
        # `_deleted`, other the household's (restored).
        for item in changes.values():
            if item.get("resolves") in flagged:
                c = flagged[item["resolves"]]
                assert item["field"] == DELETED
                assert item["record_id"] in (c.record_id, state[c.record_id][2])
                if item["record_id"] != c.record_id:
                    assert item["value"] is False
        # A member live under a deleted household: flagged, by the change that last left it
        # so (its creation, its household's delete, or its own restore).
        for record_id, (rtype, _, parent, _, deleted) in state.items():
            if rtype != "person":
                continue
            tally("at the end: member")
            assert parent is not None and state[parent][0] == "household"
            if deleted or not state[parent][4]:
                continue
            if self.storage.field_state(record_id, DELETED) is None:
                # Never deleted, so created under the deleted household or live when it was
                # deleted: flagged, whatever else happened.
                assert any(c.record_id == record_id for c in flagged.values()), record_id
            assert record_id in how, record_id
            assert how[record_id] in flagged
            tally("at the end: member live under a deleted household, flagged")


@pytest.fixture
def _quick_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    """Small pages; and Argon2 run once, not for every vault created or reopened.

    Every vault here has the same passphrase, and the key Argon2 derives from it the first
    time is used for every vault whatever its salt: a shortcut for this test only (it would
    otherwise spend half its time deriving keys). A vault is still created, locked and
    reopened by its own code, with its own data key and slot.
    """
    monkeypatch.setattr(marugoto_sync.client, "PAGE_SIZE", PAGE_SIZE)
    real = KdfParams.derive
    keys: dict[tuple[KdfParams, str], bytes] = {}

    def derive(self: KdfParams, passphrase: str, salt: bytes) -> bytes:
        if (self, passphrase) not in keys:
            keys[(self, passphrase)] = real(self, passphrase, salt)
        return keys[(self, passphrase)]

    monkeypatch.setattr(KdfParams, "derive", derive)


@pytest.mark.slow
@pytest.mark.usefixtures("_quick_machine")
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_replicas_converge(backend: str, fresh_postgresql_url: Callable[[], str]) -> None:
    def url() -> str:
        if backend == "sqlite":
            return f"sqlite:///{tempfile.mkdtemp(prefix='marugoto-sm-db-')}/server.db"
        return fresh_postgresql_url()

    class Machine(Convergence):
        def __init__(self) -> None:
            super().__init__()
            self.database_url = url()

    # MARUGOTO_CONVERGENCE_EXAMPLES=n: n examples on each backend (a long run, one command),
    # new ones at every run. Without it (make test, CI) the examples are the same at every run
    # (derandomize): the suite gates what lands, and the machine still finds things (see the
    # xfail below) that a longer run is for.
    examples = os.environ.get("MARUGOTO_CONVERGENCE_EXAMPLES")
    Machine.TestCase.settings = settings(
        max_examples=int(examples) if examples else 40 if backend == "sqlite" else 12,
        derandomize=not examples,
        stateful_step_count=40,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    STATISTICS.clear()
    Machine.TestCase().runTest()
    print(f"\n{backend}:", *sorted(f"{n:5} {what}" for what, n in STATISTICS.items()), sep="\n")


# -- what the machine found, each reproduced by hand -----------------------------------------
#
# Each was a bug the machine found, or led to. Fixed ones are plain tests now, so that they
# stay fixed.


class Office:
    """The server and one laptop per user (user0, user1, each granted every area)."""

    def __init__(self, folder: Path) -> None:
        self.app = create_app(f"sqlite:///{folder / 'server.db'}")
        self.http = TestClient(self.app)
        self.http.__enter__()
        self.storage: Storage = self.app.state.server.storage
        now = datetime.now(UTC)
        for i in range(2):
            self.storage.add_user(
                f"user{i}", "consultant", list(AREAS), hash_password(PASSWORD, CHEAP), now
            )
        self.laptops = [Laptop(folder / f"v{i}", self.http, f"user{i}") for i in range(2)]

    def statuses(self, household: str) -> list[Any]:
        """The household's status on each laptop and on the server."""
        aiko, ken = self.laptops
        state = self.storage.field_state(household, "status")
        return [
            aiko.held(household).fields["status"],
            state.value if state is not None else None,
            ken.held(household).fields["status"],
        ]

    def close(self) -> None:
        for laptop in self.laptops:
            laptop.vault.close()
        self.http.__exit__(None, None, None)
        self.storage.close()


@pytest.fixture
def office(tmp_path: Path, _quick_machine: None) -> Iterator[Office]:
    office = Office(tmp_path)
    yield office
    office.close()


def test_an_area_withdrawn_and_granted_again_during_a_sync_is_backfilled(office: Office) -> None:
    aiko, ken = office.laptops
    sync_over(aiko)
    household = ken.vault.new_record("household", "mure", name="世帯", status="active")
    sync_over(ken)
    # Aiko syncs. Right after her status call (mure granted), the administrator withdraws
    # mure: her pull leaves Ken's household out, and her cursor moves past it.
    withdraw = Network(office.http, admin={1: lambda: office.storage.set_user_areas("user0", [])})
    sync_over(aiko, withdraw)
    # The administrator grants mure again (a mistake put right) before her next sync.
    office.storage.set_user_areas("user0", ["mure"])
    sync_over(aiko)
    assert aiko.vault.get(household.id) is not None


def test_a_lost_push_answer_and_a_clock_run_ahead_leave_replicas_equal(office: Office) -> None:
    aiko, ken = office.laptops
    household = aiko.vault.new_record("household", "mure", name="世帯", status="active")
    sync_over(aiko)
    sync_over(ken)
    # Aiko's edit reaches the server, but the answer is lost: it stays in her outbox.
    aiko.vault.put(aiko.held(household.id).with_fields(status="watching"))
    lost = Network(office.http, fail_at=1, reached=True)
    assert refusal(sync_over(aiko, lost)) == "unreachable"
    assert lost.acknowledged
    # Ken sees her edit and changes it (not sent yet).
    sync_over(ken)
    ken.vault.put(ken.held(household.id).with_fields(status="closed"))
    # Aiko's clock was 10 minutes ahead for one edit: her next sync re-stamps what the
    # server refuses. The server keeps its stamp of the change it already had.
    aiko.set_clock(10 * MINUTE)
    aiko.vault.put(aiko.held(household.id).with_fields(note="見守り継続"))
    aiko.set_clock(0)
    assert isinstance(sync_over(aiko), SyncReport)
    # Ken's edit was built on hers: it overwrites it, on every replica.
    sync_over(ken)
    sync_over(aiko)
    assert office.statuses(household.id) == ["closed"] * 3


def test_a_restamped_change_is_ordered_as_on_the_server(office: Office) -> None:
    aiko, ken = office.laptops
    household = aiko.vault.new_record("household", "mure", name="世帯", status="active")
    sync_over(aiko)
    sync_over(ken)
    # Aiko's clock runs 50 minutes ahead: her edit is refused, but she still pulls.
    aiko.set_clock(50 * MINUTE)
    aiko.vault.put(aiko.held(household.id).with_fields(status="suspended"))
    # Ken's clock runs 4 minutes ahead, within the limit: his edit is taken as it is.
    ken.set_clock(4 * MINUTE)
    ken.vault.put(ken.held(household.id).with_fields(status="closed"))
    sync_over(ken)
    # Aiko pulls Ken's edit; her own (stamped 50 minutes ahead) stays on her laptop.
    assert refusal(sync_over(aiko)) == "clock_skew"
    # Her clock is put right: her change is re-stamped and sent. The two edits were
    # concurrent: either may win, but the same one everywhere.
    aiko.set_clock(0)
    assert isinstance(sync_over(aiko), SyncReport)
    sync_over(ken)
    sync_over(aiko)
    statuses = office.statuses(household.id)
    assert statuses[0] == statuses[1] == statuses[2], statuses
    assert len(VaultReplica(aiko.vault).conflicts()) == 1


def test_an_edit_after_a_restamp_overwrites_what_the_laptop_had_seen(office: Office) -> None:
    aiko, ken = office.laptops
    household = aiko.vault.new_record("household", "mure", name="世帯", status="active")
    sync_over(aiko)
    sync_over(ken)
    # Ken's clock runs 4 minutes ahead, within the limit: his edit is taken as it is.
    ken.set_clock(4 * MINUTE)
    ken.vault.put(ken.held(household.id).with_fields(status="watching"))
    sync_over(ken)
    sync_over(aiko)  # Aiko sees it
    # Aiko's clock jumps 10 minutes ahead for one edit, and is put right before she syncs.
    aiko.set_clock(10 * MINUTE)
    aiko.vault.put(aiko.held(household.id).with_fields(note="見守り継続"))
    aiko.set_clock(0)
    assert isinstance(sync_over(aiko), SyncReport)
    # Now she changes the status Ken set, having seen it: a sequential overwrite.
    aiko.vault.put(aiko.held(household.id).with_fields(status="closed"))
    sync_over(aiko)
    sync_over(ken)
    assert office.statuses(household.id) == ["closed"] * 3


def test_a_change_taken_within_the_limit_keeps_its_stamp_when_others_are_restamped(
    office: Office,
) -> None:
    aiko, ken = office.laptops
    household = aiko.vault.new_record("household", "mure", name="世帯", status="active")
    sync_over(aiko)
    sync_over(ken)
    # Aiko's clock runs 4 min 40 s ahead, within the limit. Her edit reaches the server, but
    # the answer is lost: it stays in her outbox.
    aiko.set_clock(4 * MINUTE + 40_000)
    aiko.vault.put(aiko.held(household.id).with_fields(status="watching"))
    lost = Network(office.http, fail_at=1, reached=True)
    assert refusal(sync_over(aiko, lost)) == "unreachable"
    assert lost.acknowledged
    # Then it runs 10 minutes ahead, and she writes a note.
    aiko.set_clock(10 * MINUTE)
    aiko.vault.put(aiko.held(household.id).with_fields(note="見守り継続"))
    # Ken sees her status and changes it: a sequential overwrite, taken by the server.
    sync_over(ken)
    ken.vault.put(ken.held(household.id).with_fields(status="closed"))
    sync_over(ken)
    # Aiko syncs: the server refuses her note, and her client re-stamps her unsent changes,
    # the status too, from her clock (still 10 minutes ahead): Ken's edit, pulled now, looks
    # older than hers. Her clock is put right, and she syncs again.
    assert refusal(sync_over(aiko)) == "clock_skew"
    aiko.set_clock(0)
    assert isinstance(sync_over(aiko), SyncReport)
    sync_over(ken)
    assert office.statuses(household.id) == ["closed"] * 3


def test_an_area_granted_during_a_sync_arrives_whole(office: Office) -> None:
    aiko, ken = office.laptops
    office.storage.set_user_areas("user0", ["mure"])
    household = ken.vault.new_record("household", "shoga", name="世帯", status="active")
    sync_over(ken)
    sync_over(aiko)
    ken.vault.put(ken.held(household.id).with_fields(status="closed"))
    sync_over(ken)
    # Aiko syncs; right after her status call the administrator grants her shoga.
    grant = Network(
        office.http, admin={1: lambda: office.storage.set_user_areas("user0", ["mure", "shoga"])}
    )
    assert isinstance(sync_over(aiko, grant), SyncReport)
    # She has Ken's household whole, or not yet; never a household without its name.
    record = aiko.vault.get(household.id)
    assert record is None or record.fields == {"name": "世帯", "status": "closed"}, record


def test_an_area_granted_and_withdrawn_again_during_a_sync_leaves_no_half_records(
    office: Office,
) -> None:
    aiko, ken = office.laptops
    office.storage.set_user_areas("user0", [])
    household = ken.vault.new_record("household", "shoga", name="世帯", status="active")
    sync_over(ken)
    sync_over(aiko)
    ken.vault.put(ken.held(household.id).with_fields(status="closed"))
    sync_over(ken)
    # Aiko syncs. After her status call the administrator grants her shoga, and takes it back
    # one request later (the wrong user).
    admin = {
        1: lambda: office.storage.set_user_areas("user0", ["shoga"]),
        2: lambda: office.storage.set_user_areas("user0", []),
    }
    sync_over(aiko, Network(office.http, admin=admin))
    # She has Ken's household whole, or not at all; never a household without its name.
    record = aiko.vault.get(household.id)
    assert record is None or record.fields == {"name": "世帯", "status": "closed"}, record


def _member_restored_while_household_deleted(office: Office, restore_first: bool) -> list[str]:
    """Aiko deletes a member on her own while Ken renames it (delete_of_edited); then, both
    offline, Aiko deletes the household and Ken settles the conflict by restoring the
    member, not having seen the household's delete. Returns, for each laptop, the kinds
    of conflicts naming the member that are open, after everyone has synced."""
    aiko, ken = office.laptops
    household = aiko.vault.new_record("household", "mure", name="高松家", status="active")
    member = aiko.vault.new_record("person", "mure", household.id, name="高松 一郎")
    sync_over(aiko)
    sync_over(ken)
    aiko.vault.delete(member.id)
    renamed = ken.vault.get(member.id)
    assert renamed is not None
    ken.vault.put(renamed.with_fields(name="高松 一朗"))
    sync_over(ken)
    sync_over(aiko)
    sync_over(ken)
    [view] = ken.replica.conflicts()
    assert view.conflict.kind == "delete_of_edited"
    # Offline, each on their own laptop:
    assert aiko.vault.delete(household.id) == [household.id]  # the member is gone here
    syncing.resolve_conflict(ken.vault, view.conflict.conflict_id, "other")  # restored
    for laptop in (ken, aiko) if restore_first else (aiko, ken):
        sync_over(laptop)
    sync_over(aiko)
    sync_over(ken)
    kinds = []
    for laptop in office.laptops:
        gone, live = (
            laptop.vault.get(household.id, include_deleted=True),
            laptop.vault.get(member.id),
        )
        assert gone is not None and gone.deleted and live is not None
        kinds += [
            v.conflict.kind for v in laptop.replica.conflicts() if v.conflict.record_id == member.id
        ]
    return kinds


def test_a_member_restored_before_its_household_is_deleted_is_flagged(office: Office) -> None:
    # Ken's restore reaches the server first: Aiko's delete leaves a live member behind.
    assert (
        _member_restored_while_household_deleted(office, restore_first=True) == [PARENT_DELETED] * 2
    )


def test_a_member_restored_without_seeing_its_household_deleted_is_flagged(
    office: Office,
) -> None:
    # The same, but Aiko's delete reaches the server first: Ken, who had not seen it, brings
    # the member back under a deleted household. It is live there, with no open conflict (an
    # export is refused, asking to settle the open conflicts: there are none), where the
    # other order flags it.
    assert (
        _member_restored_while_household_deleted(office, restore_first=False)
        == [PARENT_DELETED] * 2
    )


def test_keeping_a_delete_does_not_part_the_household_from_its_members(office: Office) -> None:
    aiko, ken = office.laptops
    household = aiko.vault.new_record("household", "mure", name="高松家", status="active")
    first = aiko.vault.new_record("person", "mure", household.id, name="高松 一郎")
    sync_over(aiko)
    sync_over(ken)
    # Ken deletes the household (高松 一郎 goes with it); Aiko, offline, changes its status
    # and adds 高松 三郎.
    assert ken.vault.delete(household.id) == [household.id, first.id]
    aiko.vault.put(aiko.held(household.id).with_fields(status="closed"))
    added = aiko.vault.new_record("person", "mure", household.id, name="高松 三郎")
    for laptop in (ken, aiko, ken):
        sync_over(laptop)
    # Ken settles the edit of the deleted household: the delete stands, as it is.
    [edit] = [v.conflict for v in ken.replica.conflicts() if v.conflict.record_id == household.id]
    assert edit.kind == "edit_of_deleted"
    syncing.resolve_conflict(ken.vault, edit.conflict_id, "keep")
    sync_over(ken)
    sync_over(aiko)
    # Aiko settles 高松 三郎's conflict by restoring the household: the members deleted with
    # it come back, 高松 一郎 too (he was not deleted on his own).
    [orphan] = [v.conflict for v in aiko.replica.conflicts()]
    assert (orphan.kind, orphan.record_id) == (PARENT_DELETED, added.id)
    syncing.resolve_conflict(aiko.vault, orphan.conflict_id, "other")
    sync_over(aiko)
    sync_over(ken)
    for laptop in office.laptops:
        assert [laptop.vault.get(r) is not None for r in (household.id, added.id)] == [True] * 2
        assert laptop.vault.get(first.id) is not None


def test_keeping_a_member_deleted_on_its_own_under_a_restored_household(office: Office) -> None:
    # The machine's model once said that keep always takes a member the way of its household.
    # Here the household came back and a person deleted the member on purpose: keep leaves
    # it deleted (resolve_parent_deleted: under a live parent the record stays as it is).
    aiko, ken = office.laptops
    household = aiko.vault.new_record("household", "mure", name="高松家", status="active")
    sync_over(aiko)
    sync_over(ken)
    assert aiko.vault.delete(household.id) == [household.id]
    member = ken.vault.new_record("person", "mure", household.id, name="高松 一郎")
    for laptop in (aiko, ken, aiko):
        sync_over(laptop)
    # Aiko writes the household again (it comes back); Ken, not having seen that, deletes
    # the member he added under the deleted household.
    gone = aiko.vault.get(household.id, include_deleted=True)
    assert gone is not None and gone.deleted
    aiko.vault.put(gone.with_fields(note="再開"))
    assert ken.vault.delete(member.id) == [member.id]
    for laptop in (aiko, ken, aiko):
        sync_over(laptop)
    [orphan] = [v.conflict for v in aiko.replica.conflicts()]
    assert (orphan.kind, orphan.record_id) == (PARENT_DELETED, member.id)
    syncing.resolve_conflict(aiko.vault, orphan.conflict_id, "keep")
    for laptop in (aiko, ken, aiko):
        sync_over(laptop)
    for laptop in office.laptops:
        assert laptop.vault.get(household.id) is not None
        held = laptop.vault.get(member.id, include_deleted=True)
        assert held is not None and held.deleted
        assert laptop.replica.conflicts() == []


def test_a_transfer_that_lost_leaves_the_conflicts_where_the_household_is(
    office: Office,
) -> None:
    # Aiko transfers a household from mure to shoga but does not sync; Ken transfers it to
    # shoga too, syncs, and back to mure, and syncs. Aiko's transfer loses to his later one
    # (transfer_superseded), and the household goes again to both areas it names: the
    # copies of its conflicts in mure must come last, where it is.
    aiko, ken = office.laptops
    household = aiko.vault.new_record("household", "mure", name="世帯", status="active")
    sync_over(aiko)
    sync_over(ken)
    aiko.vault.transfer(household.id, "shoga")
    ken.vault.transfer(household.id, "shoga")
    sync_over(ken)
    ken.vault.transfer(household.id, "mure")
    sync_over(ken)
    for laptop in (aiko, ken, aiko):
        assert isinstance(sync_over(laptop), SyncReport)
    assert office.storage.field_state(household.id, AREA).value == "mure"  # type: ignore[union-attr]
    # The latest entry of each conflict holds (the server's view): as on each laptop.
    log = office.storage.changes_page(AREAS, 0, ALL).items
    latest = {c["value"]["conflict_id"]: c["value"] for c in log if c["kind"] == "conflict"}
    assert latest and {c["area"] for c in latest.values()} == {"mure"}
    for laptop in (aiko, ken):
        held = {v.conflict.conflict_id: v.conflict.to_wire() for v in laptop.replica.conflicts()}
        assert held == latest


def test_a_transfer_conflict_settled_where_the_household_had_left_stays_open(
    office: Office,
) -> None:
    # Aiko and Ken both transfer a household from mure to shoga; Aiko's reaches the server
    # first, Ken's is kept as a transfer_superseded conflict. Aiko then transfers it back to
    # mure. Ken, not having seen that, settles the conflict (keep: it stays in shoga): a
    # transfer written in shoga, which the household has left, so the server keeps it too,
    # not applied; the conflict it settled stays open there, and so it must on his laptop.
    aiko, ken = office.laptops
    household = aiko.vault.new_record("household", "mure", name="世帯", status="active")
    sync_over(aiko)
    sync_over(ken)
    aiko.vault.transfer(household.id, "shoga")
    ken.vault.transfer(household.id, "shoga")
    sync_over(aiko)
    sync_over(ken)
    [superseded] = [v.conflict for v in ken.replica.conflicts()]
    assert superseded.kind == TRANSFER_SUPERSEDED
    sync_over(aiko)
    aiko.vault.transfer(household.id, "mure")
    sync_over(aiko)
    syncing.resolve_conflict(ken.vault, superseded.conflict_id, "keep")
    for laptop in (ken, aiko, ken):
        assert isinstance(sync_over(laptop), SyncReport)
    expected = server_view(office.storage, AREAS)
    assert expected["conflicts"][superseded.conflict_id][1] == "open"
    for laptop in office.laptops:
        assert snapshot(laptop.vault) == expected


class PullAnswerLost(Network):
    """A line on which the answer to the first pull is lost after the server served it."""

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        if url == "/v1/changes" and self.fail_at is None:
            self.fail_at = self.requests
            self.reached = True
        return super().request(method, url, **kwargs)


def test_a_member_created_where_its_household_had_left_is_held_nowhere(office: Office) -> None:
    # Aiko transfers a household from mure to shoga. Ken's laptop is served the transfer
    # twice, losing each answer: the server counts it known there, though his laptop still
    # holds the household in mure. He adds a member (sent by itself), then deletes it, and
    # syncs. The server keeps the member's creation only in the log (edit_after_transfer),
    # and its delete with it (taken, it made a member without a household); Ken's laptop,
    # told by the conflict that no parent holds, lets the member go: no replica holds it.
    aiko, ken = office.laptops
    household = aiko.vault.new_record("household", "mure", name="世帯", status="active")
    sync_over(aiko)
    sync_over(ken)
    aiko.vault.transfer(household.id, "shoga")
    sync_over(aiko)
    for _ in range(2):
        assert refusal(sync_over(ken, PullAnswerLost(office.http))) == "unreachable"
    assert ken.held(household.id).area == "mure"
    member = ken.vault.new_record("person", "mure", household.id, name="高松 一郎")
    with ken.client() as client:
        created = ken.vault.pending_changes(ALL)
        ken.vault.acknowledge(client.push(created)["acknowledged"])
    assert ken.vault.delete(member.id) == [member.id]
    for laptop in (ken, aiko, ken):
        assert isinstance(sync_over(laptop), SyncReport)
    assert ken.vault.outbox_size() == 0
    with office.storage.engine.connect() as conn:
        found = conn.execute(select(records.c.record_id).where(records.c.record_id == member.id))
        assert found.first() is None
    kept = [
        item["value"]
        for item in office.storage.changes_page(AREAS, 0, ALL).items
        if item["record_id"] == member.id
    ]
    assert {(c["kind"], c["field"]) for c in kept} == {
        (EDIT_AFTER_TRANSFER, name) for name in (PARENT, "name", DELETED)
    }
    expected = server_view(office.storage, AREAS)
    for laptop in office.laptops:
        assert laptop.vault.get(member.id, include_deleted=True) is None
        assert snapshot(laptop.vault) == expected


def test_a_conflict_settled_before_its_household_moved_arrives_settled(
    office: Office, tmp_path: Path
) -> None:
    # Aiko deletes a household while Ken adds a member to it (parent_deleted). Aiko settles
    # the conflict by restoring the household, and transfers it to shoga. Sachi, who holds
    # shoga alone, gets it by the transfer's copies, a few per page: the conflict must
    # arrive settled (the copy of the restore that settled it must not come before it).
    aiko, ken = office.laptops
    office.storage.add_user(
        "sachi", "consultant", ["shoga"], hash_password(PASSWORD, CHEAP), datetime.now(UTC)
    )
    sachi = Laptop(tmp_path / "sachi", office.http, "sachi")
    household = aiko.vault.new_record(
        "household", "mure", name="世帯", status="active", note="見守り"
    )
    sync_over(aiko)
    sync_over(ken)
    sync_over(sachi)
    aiko.vault.delete(household.id)
    member = ken.vault.new_record("person", "mure", household.id, name="高松 一郎")
    for laptop in (aiko, ken, aiko):
        sync_over(laptop)
    [orphan] = [v.conflict for v in aiko.replica.conflicts()]
    assert (orphan.kind, orphan.record_id) == (PARENT_DELETED, member.id)
    syncing.resolve_conflict(aiko.vault, orphan.conflict_id, "other")
    aiko.vault.transfer(household.id, "shoga")
    sync_over(aiko)
    sync_over(sachi)  # pages of 4: the restore's copy and the conflict's fall apart
    expected = server_view(office.storage, ["shoga"])
    assert expected["conflicts"][orphan.conflict_id][1] == "resolved"
    assert snapshot(sachi.vault) == expected
    sachi.vault.close()


def test_settling_a_live_members_conflict_under_a_deleted_household_flags_nothing_new(
    office: Office,
) -> None:
    # Aiko transfers a household to shoga; Ken, not having seen it, adds a member to it in
    # mure (taken, flagged edit_after_transfer). Aiko, not having seen the member, deletes
    # the household: the member is left live under it (parent_deleted). She then settles
    # the edit_after_transfer conflict, keep: the member stays as it is, live, which writes
    # its `_deleted` false. That restores nothing (it was not deleted): no second
    # parent_deleted conflict.
    aiko, ken = office.laptops
    household = aiko.vault.new_record("household", "mure", name="世帯", status="active")
    sync_over(aiko)
    sync_over(ken)
    aiko.vault.transfer(household.id, "shoga")
    sync_over(aiko)
    member = ken.vault.new_record("person", "mure", household.id, name="高松 一郎")
    sync_over(ken)
    assert aiko.vault.delete(household.id) == [household.id]
    sync_over(aiko)
    kinds = {v.conflict.kind: v.conflict for v in aiko.replica.conflicts()}
    assert set(kinds) == {EDIT_AFTER_TRANSFER, PARENT_DELETED}
    assert kinds[EDIT_AFTER_TRANSFER].record_id == member.id
    syncing.resolve_conflict(aiko.vault, kinds[EDIT_AFTER_TRANSFER].conflict_id, "keep")
    sync_over(aiko)
    log = office.storage.changes_page(AREAS, 0, ALL).items
    flagged = {
        c["value"]["conflict_id"]
        for c in log
        if c["kind"] == "conflict" and c["value"]["kind"] == PARENT_DELETED
    }
    assert flagged == {kinds[PARENT_DELETED].conflict_id}


def test_a_laptop_takes_no_late_change_of_a_household_it_let_go(office: Office) -> None:
    # Aiko holds mure alone. She transfers a household to shoga: her laptop lets it go at
    # once; the transfer waits to be sent. Ken deletes the household in mure meanwhile. A
    # pull of Aiko's (after a push that failed, say) brings Ken's delete: it is not for her
    # laptop, which must not make a household of it alone (no name, no status: she could
    # not even save it again).
    aiko, ken = office.laptops
    office.storage.set_user_areas("user0", ["mure"])
    household = aiko.vault.new_record("household", "mure", name="世帯", status="active")
    sync_over(aiko)
    sync_over(ken)
    aiko.vault.transfer(household.id, "shoga")
    assert aiko.vault.get(household.id, include_deleted=True) is None
    assert ken.vault.delete(household.id) == [household.id]
    sync_over(ken)
    with aiko.client() as client:
        page = client.pull(aiko.replica.cursor(), 100)
    aiko.replica.apply_page(read_page(page["log"]), int(page["next"]))
    assert aiko.vault.get(household.id, include_deleted=True) is None
    for laptop in (aiko, ken, aiko):
        assert isinstance(sync_over(laptop), SyncReport)
    assert snapshot(aiko.vault) == server_view(office.storage, ["mure"])
    assert snapshot(ken.vault) == server_view(office.storage, AREAS)


def test_a_conflict_settled_by_another_stays_settled_when_ones_own_settling_is_kept(
    office: Office,
) -> None:
    # As above, but Aiko settles the same conflict too, where the household is: hers is
    # taken and settles it on the server. Ken's, kept, must not open it again on his laptop.
    aiko, ken = office.laptops
    household = aiko.vault.new_record("household", "mure", name="世帯", status="active")
    sync_over(aiko)
    sync_over(ken)
    aiko.vault.transfer(household.id, "shoga")
    ken.vault.transfer(household.id, "shoga")
    sync_over(aiko)
    sync_over(ken)
    [superseded] = [v.conflict for v in ken.replica.conflicts()]
    sync_over(aiko)
    aiko.vault.transfer(household.id, "mure")
    syncing.resolve_conflict(aiko.vault, superseded.conflict_id, "keep")
    sync_over(aiko)
    syncing.resolve_conflict(ken.vault, superseded.conflict_id, "keep")
    for laptop in (ken, aiko, ken):
        assert isinstance(sync_over(laptop), SyncReport)
    expected = server_view(office.storage, AREAS)
    assert expected["conflicts"][superseded.conflict_id][1] == "resolved"
    for laptop in office.laptops:
        assert snapshot(laptop.vault) == expected


def test_a_transfer_written_where_the_household_is_goes_though_an_earlier_one_waits(
    office: Office,
) -> None:
    # Ken transfers a household from shoga to mure, then loses shoga: his transfer waits.
    # Aiko transfers it to mure too, and syncs: Ken's laptop gets it in mure from her.
    # Ken transfers it back to shoga (let go at once: he does not hold shoga). That
    # transfer is written in mure, where the server has the household: it must go out and
    # move it, though his first one (written in shoga, which it left) still waits (it was
    # relabelled to shoga and held back with it: that one no longer held the household).
    aiko, ken = office.laptops
    household = aiko.vault.new_record("household", "shoga", name="世帯", status="active")
    sync_over(aiko)
    sync_over(ken)
    ken.vault.transfer(household.id, "mure")
    office.storage.set_user_areas("user1", ["mure"])
    sync_over(ken)
    aiko.vault.transfer(household.id, "mure")
    sync_over(aiko)
    sync_over(ken)
    assert ken.held(household.id).area == "mure"
    ken.vault.transfer(household.id, "shoga")
    assert isinstance(sync_over(ken), SyncReport)
    assert office.storage.field_state(household.id, AREA).value == "shoga"  # type: ignore[union-attr]


def test_a_delete_kept_where_nothing_held_the_field_is_undone_on_its_laptop(
    office: Office,
) -> None:
    # As above, Ken's laptop is served Aiko's transfer twice, losing each answer. He deletes
    # the household, never deleted before: the server keeps his delete, not applied, and
    # nothing holds `_deleted` there (the conflict's winner has no value, no clock). His
    # laptop must not keep the household deleted.
    aiko, ken = office.laptops
    household = aiko.vault.new_record("household", "mure", name="世帯", status="active")
    sync_over(aiko)
    sync_over(ken)
    aiko.vault.transfer(household.id, "shoga")
    sync_over(aiko)
    for _ in range(2):
        assert refusal(sync_over(ken, PullAnswerLost(office.http))) == "unreachable"
    assert ken.vault.delete(household.id) == [household.id]
    for laptop in (ken, aiko, ken):
        assert isinstance(sync_over(laptop), SyncReport)
    assert ken.held(household.id).area == "shoga"
    expected = server_view(office.storage, AREAS)
    for laptop in office.laptops:
        assert snapshot(laptop.vault) == expected


def test_a_transfer_written_after_an_own_transfer_that_waits_waits_with_it(
    office: Office,
) -> None:
    # Ken transfers a household from mure to shoga, then back to mure, and a member is added
    # in between; then he loses mure. His first transfer waits, and what he wrote after it
    # of the household waits with it, his second transfer too (the laptop holds it where
    # that one put it): sent alone, it would be refused, and the whole push with it (the
    # server has the household in mure).
    aiko, ken = office.laptops
    household = aiko.vault.new_record("household", "mure", name="世帯", status="active")
    sync_over(aiko)
    sync_over(ken)
    ken.vault.transfer(household.id, "shoga")
    member = ken.vault.new_record("person", "shoga", household.id, name="高松 一郎")
    ken.vault.transfer(household.id, "mure")
    office.storage.set_user_areas("user1", ["shoga"])
    report = sync_over(ken)
    assert isinstance(report, SyncReport), report
    assert report.held_back == len(ken.pending()) == 4
    office.storage.set_user_areas("user1", list(AREAS))
    for laptop in (ken, aiko):
        assert isinstance(sync_over(laptop), SyncReport)
    # Labelled with the first transfer's area, the second reaches the server as one written
    # in an area the household has left (by the first): it is kept, transfer_superseded,
    # and the household stays in shoga, on every replica (open question: the server could
    # take a transfer written after its author's own, as it takes their other changes).
    assert office.storage.field_state(household.id, AREA).value == "shoga"  # type: ignore[union-attr]
    assert aiko.held(member.id).area == "shoga"
    expected = server_view(office.storage, AREAS)
    kinds = [c["kind"] for c, _ in expected["conflicts"].values()]
    assert kinds.count(TRANSFER_SUPERSEDED) == 1
    for laptop in office.laptops:
        assert snapshot(laptop.vault) == expected


class _Stepping:
    """A machine driven by hand through a program Hypothesis printed: each rule called as
    printed, then the invariants, as Hypothesis runs them."""

    def __init__(self, machine: Convergence) -> None:
        self.machine = machine

    def __getattr__(self, name: str) -> Callable[..., Any]:
        rule = getattr(self.machine, name)

        def step(**arguments: Any) -> Any:
            result = rule(**arguments)
            self.machine.cursors_only_move_forward()
            self.machine.note_written()
            return result

        return step


@contextmanager
def _replayed() -> Iterator[tuple[_Stepping, str, str]]:
    """A machine on SQLite, started; checked at the end as after any run (teardown)."""

    class Machine(Convergence):
        database_url = f"sqlite:///{tempfile.mkdtemp(prefix='marugoto-sm-db-')}/server.db"

    machine = Machine()
    households_0, households_1 = machine.start().values
    try:
        yield _Stepping(machine), households_0, households_1
        machine.deliver_everything_and_check()
    finally:
        for laptop in machine.laptops:
            if laptop.vault.is_open:
                laptop.vault.close()
        machine.http.__exit__(None, None, None)
        machine.storage.close()


# Still open (issue 11), each found by the machine and replayed here step by step. Not strict:
# the laptops' clocks are the wall clock, so on a busy machine a replay may stamp differently
# and miss the failure (seen once, under CI's load); an XPASS in the summary says so. Any
# other failure than the one named fails the test.


@pytest.mark.xfail(
    strict=False,
    raises=RecordInvalid,
    reason="open (issue 11): a laptop that let a household go takes a later change of it and "
    "holds a household without its name; the machine found it at 100 examples on SQLite",
)
@pytest.mark.usefixtures("_quick_machine")
def test_a_laptop_that_let_a_household_go_does_not_take_half_of_it_back() -> None:
    """At its last step a laptop holds the household without its name, and cannot save it."""
    with _replayed() as (state, households_0, households_1):
        state.transfer_concurrently(first="i", household=households_1, i=1, other=2)
        state.crash(i=0)
        state.transfer_concurrently(first="neither", household=households_0, i=2, other=2)
        state.crash(i=0)
        state.interrupted_sync(fail_at=0, i=1, power_cut=False, reached=False)
        state.edit_with_clock_off(household=households_0, i=1, offset=8048660, status="suspended")
        state.edit_concurrently(household=households_0, i=2, j=2)
        state.withdraw_then_grant_again(area="mure", user=0)
        state.interrupted_sync(fail_at=3, i=1, power_cut=True, reached=True)
        state.edit(household=households_1, i=1, note="受診同行", status="closed")
        state.edit_concurrently(household=households_1, i=2, j=1)
        state.transfer_concurrently(first="j", household=households_0, i=1, other=2)
        state.edit(household=households_0, i=1, note="", status="active")
        state.withdraw_then_grant_again(area="shoga", user=0)
        state.sync_while_areas_change(areas=frozenset(["shoga", "mure"]), at=1, i=0, undone_after=3)
        state.clock_set_right(i=2)
        state.grant_or_withdraw(area="shoga", user=2)
        state.edit(household=households_0, i=0, note="見守り継続", status="suspended")
        state.transfer(household=households_0, i=2, then_sync=True)
        state.resolve(choice="other", i=2, members_first=True, pick=7)
        state.transfer(household=households_1, i=1, then_sync=True)
        state.sync_while_areas_change(areas=frozenset(["mure"]), at=1, i=2, undone_after=None)
        state.clock_set_right(i=0)
        state.recreate(household=households_0, i=1)
        state.crash(i=0)
        state.crash(i=2)
        state.edit_concurrently(household=households_0, i=0, j=2)


@pytest.mark.xfail(
    strict=False,
    raises=AssertionError,
    reason="open (issue 11): after transfers and areas withdrawn and granted again, a laptop "
    "lacks a household of its area that the server holds (and its conflict); the machine "
    "found it at 100 examples on PostgreSQL, and it replays on SQLite",
)
@pytest.mark.usefixtures("_quick_machine")
def test_a_laptop_ends_with_every_household_of_its_areas_after_transfers() -> None:
    """At the end a laptop's replica differs from the server's view of its areas."""
    with _replayed() as (state, households_0, households_1):
        state.edit_concurrently(household=households_1, i=0, j=0)
        state.interrupted_sync(fail_at=0, i=0, power_cut=False, reached=False)
        state.edit_concurrently(household=households_0, i=0, j=1)
        state.transfer_concurrently(first="i", household=households_0, i=0, other=1)
        state.resolve(choice="keep", i=0, members_first=True, pick=0)
        state.clock_jump(i=1, offset=315539)
        state.edit(household=households_1, i=0, note="", status="active")
        state.sync_while_areas_change(areas=frozenset(), at=0, i=0, undone_after=None)
        state.grant_or_withdraw(area="mure", user=2)
        state.transfer_concurrently(first="j", household=households_0, i=0, other=2)
        state.edit_with_clock_off(household=households_1, i=2, offset=1462512, status="watching")
        state.crash(i=0)
        members_0 = state.transfer_then_write(
            household=households_1, i=2, status="closed", then="edit"
        )
        state.delete_member(i=1, member=members_0)
        state.delete_member(i=2, member=members_0)
        state.delete(household=households_1, i=2)
        state.transfer_then_write(household=households_1, i=2, status="watching", then="edit")
        state.resolve(choice="keep", i=0, members_first=False, pick=2)
        state.delete_member(i=1, member=members_0)
        state.partial_pull(i=2, limit=2)
        state.partial_pull(i=0, limit=2)
        state.rename_member(i=0, member=members_0, name="高松 花子")
        state.resolve(choice="keep", i=0, members_first=True, pick=7)
        state.rename_member(i=2, member=members_0, name="高松 一郎")
        state.partial_pull(i=2, limit=5)
        state.resolve(choice="keep", i=2, members_first=True, pick=0)
        state.transfer_concurrently(first="j", household=households_1, i=2, other=2)
        state.resolve(choice="keep", i=1, members_first=True, pick=4)
        state.transfer_then_write(household=households_0, i=1, status="active", then="delete")
        state.withdraw_then_grant_again(area="shoga", user=1)
        state.sync_while_areas_change(
            areas=frozenset(["mure", "shoga"]), at=2, i=0, undone_after=None
        )
        households_2 = state.create(area="mure", i=1, status="active")
        state.grant_or_withdraw(area="shoga", user=1)
        state.transfer_then_write(household=households_1, i=1, status="closed", then="delete")
        state.delete(household=households_0, i=1)
        state.withdraw_then_grant_again(area="shoga", user=0)
        state.delete(household=households_2, i=1)
        state.interrupted_sync(fail_at=3, i=1, power_cut=True, reached=False)
        state.sync_while_areas_change(areas=frozenset(), at=2, i=1, undone_after=3)
