"""Convergence of the whole sync system under a randomised, hostile schedule (DESIGN §5).

A Hypothesis state machine drives the real server (in-process ASGI app on SQLite and on
PostgreSQL) and three real client vaults: creates, edits, deletes and re-creates; partial
pulls; pushes dropped, duplicated or whose answer is lost; crashes (vault closed without
warning and reopened); clock jumps. After full delivery every replica must equal the server
and each other, every acknowledged change must be current, in the conflict log, or knowingly
overwritten, replays must change nothing, and cursors must only have moved forward.
"""

from __future__ import annotations

import io
import os
import tempfile
import warnings
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
)

from marugoto_desktop.operations.exchange import export_lines_to
from marugoto_desktop.vault import KdfParams, Vault
from marugoto_desktop.vault.replica import VaultReplica
from marugoto_sync.changes import DELETED, Change
from marugoto_sync.client import SyncClient
from marugoto_sync.hlc import wall_millis
from marugoto_sync.server.app import create_app
from marugoto_sync.server.passwords import Argon2Cost, hash_password

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

PASSPHRASE = "convergence passphrase"
PASSWORD = "convergence password"
AREA = "mure"
LAPTOPS = 3
CHEAP = Argon2Cost(memory_kib=64, iterations=1, lanes=1)
STATUSES = ["active", "watching", "closed", "suspended"]


class Laptop:
    def __init__(self, folder: Path, http: TestClient, name: str) -> None:
        self.folder = folder
        self.http = http
        self.vault = Vault.create(folder, PASSPHRASE, kdf=KdfParams())
        self.offset_ms = 0
        client = SyncClient("http://testserver", http=http, app_version="0.1.0")
        enrollment = client.enroll(name, PASSWORD, name)
        self.token = enrollment.token
        self.cursors: list[int] = [0]

    @property
    def replica(self) -> VaultReplica:
        return VaultReplica(self.vault)

    def client(self) -> SyncClient:
        return SyncClient(
            "http://testserver", token=self.token, http=self.http, app_version="0.1.0"
        )

    def crash_and_reopen(self) -> None:
        # No lock, no checkpoint: the connection just goes away, as in a crash (where the
        # operating system also drops the process's folder lock).
        self.vault._conn.close()
        self.vault._conn = None
        os.close(self.vault._lock_fd)
        self.vault = Vault.open(self.folder, PASSPHRASE)
        self.set_clock(self.offset_ms)

    def set_clock(self, offset_ms: int) -> None:
        self.offset_ms = offset_ms
        self.vault._clock._now = lambda: wall_millis() + offset_ms

    def note_cursor(self) -> None:
        self.cursors.append(self.replica.cursor())


def export(vault: Vault) -> str:
    out = io.StringIO()
    export_lines_to(vault, out)
    return out.getvalue()


def snapshot(vault: Vault) -> dict[str, Any]:
    """Everything a replica holds that must converge: records (incl. deleted), conflicts."""
    records = {
        r.id: (r.type, r.area, r.parent_id, dict(r.fields), r.deleted)
        for r in vault.records(include_deleted=True)
    }
    conflicts = {
        v.conflict.conflict_id: (v.conflict.to_wire(), v.status)
        for v in VaultReplica(vault).conflicts(include_resolved=True)
    }
    return {"records": records, "conflicts": conflicts}


class Convergence(RuleBasedStateMachine):
    database_url: str  # set by the test function

    households = Bundle("households")

    @initialize(target=households)
    def start(self) -> str:
        self.tmp = Path(tempfile.mkdtemp(prefix="marugoto-sm-"))
        self.app = create_app(self.database_url)
        self.http = TestClient(self.app)
        self.http.__enter__()
        storage = self.app.state.server.storage
        now = datetime.now(UTC)
        for i in range(LAPTOPS):
            storage.add_user(f"user{i}", "consultant", [AREA], hash_password(PASSWORD, CHEAP), now)
        self.laptops = [Laptop(self.tmp / f"v{i}", self.http, f"user{i}") for i in range(LAPTOPS)]
        self.acknowledged: dict[str, Change] = {}
        # Start from a record every laptop has, so that edits collide often.
        record = self.laptops[0].vault.new_record(
            "household", AREA, name="共有世帯", status="active"
        )
        for i in range(LAPTOPS):
            self.full_sync(i)
        return record.id

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
            self.app.state.server.storage.close()

    # -- what people do ---------------------------------------------------------------------

    @rule(target=households, i=st.integers(0, LAPTOPS - 1), status=st.sampled_from(STATUSES))
    def create(self, i: int, status: str) -> str:
        record = self.laptops[i].vault.new_record("household", AREA, name=f"世帯{i}", status=status)
        return record.id

    @rule(
        household=households,
        i=st.integers(0, LAPTOPS - 1),
        status=st.sampled_from(STATUSES),
        note=st.sampled_from(["", "見守り継続", "受診同行"]),
    )
    def edit(self, household: str, i: int, status: str, note: str) -> None:
        vault = self.laptops[i].vault
        record = vault.get(household)
        if record is not None:  # a laptop edits only what it has and is not deleted
            vault.put(record.with_fields(status=status, note=note))

    @rule(household=households, i=st.integers(0, LAPTOPS - 1))
    def delete(self, household: str, i: int) -> None:
        vault = self.laptops[i].vault
        if vault.get(household) is not None:
            vault.delete(household)

    @rule(household=households, i=st.integers(0, LAPTOPS - 1))
    def recreate(self, household: str, i: int) -> None:
        vault = self.laptops[i].vault
        record = vault.get(household, include_deleted=True)
        if record is not None and record.deleted:
            vault.put(record.with_fields(note="再開"))  # writing it again restores it

    # -- what the network and the machines do --------------------------------------------------

    def _push(self, laptop: Laptop, *, answer_lost: bool = False, twice: bool = False) -> None:
        batch = laptop.vault.pending_changes(7)
        if not batch:
            return
        with laptop.client() as client:
            answer = client.push(batch)
            if twice:
                assert client.push(batch)["acknowledged"] == answer["acknowledged"]
        assert sorted(answer["acknowledged"]) == sorted(c.change_id for c in batch)
        for change in batch:
            self.acknowledged[change.change_id] = change
        if not answer_lost:
            laptop.vault.acknowledge(answer["acknowledged"])

    @rule(i=st.integers(0, LAPTOPS - 1))
    def push(self, i: int) -> None:
        self._push(self.laptops[i])

    @rule(i=st.integers(0, LAPTOPS - 1))
    def push_answer_lost(self, i: int) -> None:
        self._push(self.laptops[i], answer_lost=True)

    @rule(i=st.integers(0, LAPTOPS - 1))
    def push_duplicated(self, i: int) -> None:
        self._push(self.laptops[i], twice=True)

    @rule(i=st.integers(0, LAPTOPS - 1), limit=st.integers(1, 5))
    def partial_pull(self, i: int, limit: int) -> None:
        laptop = self.laptops[i]
        after = laptop.replica.cursor()
        with laptop.client() as client:
            page = client.pull(after, limit)
        laptop.replica.apply_page(page["items"], int(page["next"]))
        laptop.note_cursor()

    @rule(i=st.integers(0, LAPTOPS - 1))
    def full_sync(self, i: int) -> None:
        laptop = self.laptops[i]
        pending = laptop.vault.pending_changes(1_000_000)
        with laptop.client() as client:
            report = client.sync(laptop.replica)
        assert report.pushed == len(pending)
        for change in pending:
            self.acknowledged[change.change_id] = change
        laptop.note_cursor()

    @rule(i=st.integers(0, LAPTOPS - 1))
    def crash(self, i: int) -> None:
        self.laptops[i].crash_and_reopen()

    @rule(i=st.integers(0, LAPTOPS - 1), jump=st.integers(-3_600_000, 120_000))
    def clock_jump(self, i: int, jump: int) -> None:
        # Backwards as far as an hour; forwards less than the server's 5-minute skew limit.
        self.laptops[i].set_clock(jump)

    # -- invariants -------------------------------------------------------------------------

    @invariant()
    def cursors_only_move_forward(self) -> None:
        for laptop in getattr(self, "laptops", []):
            assert laptop.cursors == sorted(laptop.cursors)

    # -- after full delivery ----------------------------------------------------------------

    def deliver_everything_and_check(self) -> None:
        for laptop in self.laptops:
            laptop.set_clock(0)
        pushed_by_sync: list[Change] = []
        for _ in range(2):  # twice round: everyone's changes reach everyone
            for laptop in self.laptops:
                pushed_by_sync += laptop.vault.pending_changes(1_000_000)
                with laptop.client() as client:
                    client.sync(laptop.replica)
                laptop.note_cursor()
        for change in pushed_by_sync:
            self.acknowledged[change.change_id] = change
        self.cursors_only_move_forward()
        for laptop in self.laptops:
            assert laptop.vault.outbox_size() == 0

        # A brand-new laptop that syncs from nothing sees the same as everyone.
        fresh = Laptop(self.tmp / "fresh", self.http, "user0")
        with fresh.client() as client:
            client.sync(fresh.replica)
        states = [snapshot(laptop.vault) for laptop in [*self.laptops, fresh]]
        for state in states[1:]:
            assert state == states[0]
        exports = {export(laptop.vault) for laptop in [*self.laptops, fresh]}
        assert len(exports) == 1

        # The replicas equal the server, field by field.
        storage = self.app.state.server.storage
        log = storage.changes_page([AREA], 0, 1_000_000).items
        changes = [item for item in log if item["kind"] == "change"]
        conflicts = [item for item in log if item["kind"] == "conflict"]
        for record_id, (_t, _a, _p, fields, deleted) in states[0]["records"].items():
            for name in {c["field"] for c in changes if c["record_id"] == record_id}:
                state = storage.field_state(record_id, name)
                if name == "_deleted":
                    assert bool(state.value) == deleted
                elif not name.startswith("_"):
                    assert fields.get(name) == (
                        state.value if state.value not in ("", None) else None
                    )

        # Every acknowledged change is current, in the conflict log, or knowingly overwritten.
        losers = {c["value"]["loser"]["change_id"] for c in conflicts}
        logged = {c["change_id"]: c for c in changes}
        for change in self.acknowledged.values():
            assert change.change_id in logged
            current = storage.field_state(change.record_id, change.field)
            # A later change built on it. `_deleted` carries the record's clock as its base,
            # so there "saw it" means a base at or past it.
            overwritten_knowingly = any(
                c["record_id"] == change.record_id
                and c["field"] == change.field
                and (
                    c["base_hlc"] >= change.hlc
                    if change.field == DELETED
                    else c["base_hlc"] == change.hlc
                )
                for c in changes
            )
            # Deleting and restoring are wishes, not values: a delete (or restore) is kept if
            # the same wish stands, or was knowingly overridden, or is in the conflict log.
            same_wish = change.field == DELETED and any(
                c["record_id"] == change.record_id
                and c["field"] == DELETED
                and c["value"] == change.value
                and (
                    c["change_id"] in (current.change_id, *losers)
                    or any(
                        later["record_id"] == change.record_id
                        and later["field"] == DELETED
                        and later["base_hlc"] >= c["hlc"]
                        and later["hlc"] > c["hlc"]
                        for later in changes
                    )
                )
                for c in changes
            )
            assert (
                current.change_id == change.change_id
                or change.change_id in losers
                or overwritten_knowingly
                or same_wish
            ), change

        # Each conflict is recorded once, and every replica holds exactly the server's.
        conflict_ids = [c["change_id"] for c in conflicts]
        assert len(conflict_ids) == len(set(conflict_ids))
        assert set(states[0]["conflicts"]) == set(conflict_ids)

        # Replays change nothing.
        head = storage.head()
        with self.laptops[0].client() as client:
            every = list(self.acknowledged.values())
            for start in range(0, len(every), 1000):
                client.push(every[start : start + 1000])
        assert storage.head() == head
        assert snapshot(self.laptops[0].vault) == states[0]
        fresh.vault.close()


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_replicas_converge(backend: str, fresh_postgresql_url) -> None:
    def url() -> str:
        if backend == "sqlite":
            return f"sqlite:///{tempfile.mkdtemp(prefix='marugoto-sm-db-')}/server.db"
        return fresh_postgresql_url()

    class Machine(Convergence):
        def __init__(self) -> None:
            super().__init__()
            self.database_url = url()

    Machine.TestCase.settings = settings(
        max_examples=20 if backend == "sqlite" else 8,
        stateful_step_count=40,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    Machine.TestCase().runTest()
