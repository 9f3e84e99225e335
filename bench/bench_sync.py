"""Sync benchmarks (DESIGN §7): client apply, server ingest, initial and daily sync, PouchDB peer.

Every figure is a median of several runs, printed next to a baseline measured in the same run:
a plain `executemany` of the same rows into SQLite (client side) or PostgreSQL (server side),
in transactions of 1,000 rows like ours. A ratio is always our time / the baseline's time for
the same rows (above 1: slower than the bare insert).

The server is the real one: `marugoto-sync serve` in its own process (uvicorn, one worker) on
a loopback port, on a fresh PostgreSQL database that is dropped at the end.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import psycopg

from marugoto_desktop import __version__
from marugoto_desktop.domain.ids import new_id
from marugoto_desktop.domain.records import Record
from marugoto_desktop.vault import KdfParams, Vault
from marugoto_desktop.vault.replica import VaultReplica
from marugoto_sync.changes import Change
from marugoto_sync.client import SyncClient, ssl_context
from marugoto_sync.hlc import pack, wall_millis
from marugoto_sync.log_page import LogPage, read_page

from .bench_vault import PASSPHRASE, household_fields
from .common import report

PG_ADMIN = os.environ.get("MARUGOTO_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
PG_SERVER = PG_ADMIN.rsplit("/", 1)[0]
PASSWORD = "benchmark server password"
USER = "bench"
AREA = "mure"
PAGE = 1000
ROUNDS = 3
# The server's log holds this many changes for the initial and the daily sync.
OFFICE_CHANGES = 100_000
PEER_HOUSEHOLDS = 10_000
# The shared folder lies beside the project: ../shared/bench/pouchdb-peer.
PEER_DIR = Path(
    os.environ.get(
        "MARUGOTO_PEER_BENCH", Path(__file__).resolve().parents[2] / "shared/bench/pouchdb-peer"
    )
)
# MARUGOTO_BENCH_SERVE: another build's `marugoto-sync` (e.g. a worktree of main with its own
# venv), so that two servers can be compared in one run against the same clients.
SERVE = Path(os.environ.get("MARUGOTO_BENCH_SERVE", Path(sys.executable).parent / "marugoto-sync"))

SUBSETS = ("apply", "push", "initial", "day", "peer")


# -- data ------------------------------------------------------------------------------------


def household_changes(households: int, site: str, *, start: int = 0) -> list[Change]:
    """Every field of `households` new households, as one laptop would push them."""
    # A minute in the past, so no change is refused as stamped ahead of the server's clock.
    stamp = pack(wall_millis() - 60_000, 0)
    changes = []
    for i in range(start, start + households):
        record_id = new_id()
        for name, value in household_fields(i).items():
            stamp += 1
            changes.append(
                Change(new_id(), "household", record_id, AREA, name, value, stamp, 0, site)
            )
    return changes


def changes_for(count: int, site: str) -> list[Change]:
    """`count` field changes of whole households (the last household may be partial)."""
    fields = len(household_fields(0))
    return household_changes(-(-count // fields), site)[:count]


def pulled_items(changes: Sequence[Change], first_seq: int = 1) -> list[dict[str, Any]]:
    """The changes as a pull answers them: flat, with `seq` and `kind`."""
    return [{"seq": first_seq + n, "kind": "change", **c.to_wire()} for n, c in enumerate(changes)]


def pages(items: Sequence[Any], size: int = PAGE) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def new_site() -> str:
    return uuid.uuid4().hex


# -- baselines: plain executemany ------------------------------------------------------------

_SQLITE_ROWS = (
    "CREATE TABLE changes (seq INTEGER PRIMARY KEY, change_id TEXT NOT NULL, type TEXT NOT NULL, "
    "record_id TEXT NOT NULL, area TEXT, field TEXT NOT NULL, value TEXT NOT NULL, "
    "hlc INTEGER NOT NULL, base_hlc INTEGER NOT NULL, site TEXT NOT NULL)"
)


def sqlite_rows(items: Sequence[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [
        (
            i["seq"],
            i["change_id"],
            i["type"],
            i["record_id"],
            i["area"],
            i["field"],
            json.dumps(i["value"], ensure_ascii=False),
            i["hlc"],
            i["base_hlc"],
            i["site"],
        )
        for i in items
    ]


def plain_sqlite_seconds(path: Path, items: Sequence[dict[str, Any]]) -> float:
    """The pulled rows into one SQLite table, a transaction per 1,000, configured like the vault.

    JSON encoding of the values is inside the timing: the vault has to do it too.
    """
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute(_SQLITE_ROWS)
        start = time.perf_counter()
        for page in pages(items):
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(
                "INSERT INTO changes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", sqlite_rows(page)
            )
            conn.execute("COMMIT")
        return time.perf_counter() - start
    finally:
        conn.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


_PG_ROWS = (
    "CREATE TABLE plain_log (seq BIGSERIAL PRIMARY KEY, kind VARCHAR(16) NOT NULL, "
    "change_id VARCHAR(36) NOT NULL, type VARCHAR(64) NOT NULL, record_id VARCHAR(36) NOT NULL, "
    "area VARCHAR(32), field VARCHAR(64) NOT NULL, value TEXT NOT NULL, hlc BIGINT NOT NULL, "
    "base_hlc BIGINT NOT NULL, site VARCHAR(64) NOT NULL, resolves VARCHAR(36), "
    "user_id INTEGER NOT NULL, device_id VARCHAR(36) NOT NULL, "
    "received_at TIMESTAMPTZ NOT NULL)"
)


def plain_postgresql_seconds(url: str, changes: Sequence[Change]) -> float:
    """The log rows of the changes into one PostgreSQL table, a transaction per 1,000.

    The table has the columns of the server's log and a primary key, nothing else.
    """
    with psycopg.connect(url) as conn:
        conn.execute("DROP TABLE IF EXISTS plain_log")
        conn.execute(_PG_ROWS)
        conn.commit()
        device = str(uuid.uuid4())
        start = time.perf_counter()
        for batch in pages(changes):
            at = datetime.now(UTC)
            with conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO plain_log (kind, change_id, type, record_id, area, field, value, "
                    "hlc, base_hlc, site, resolves, user_id, device_id, received_at) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    [
                        (
                            "change",
                            c.change_id,
                            c.type,
                            c.record_id,
                            c.area,
                            c.field,
                            json.dumps(c.value, ensure_ascii=False),
                            c.hlc,
                            c.base_hlc,
                            c.site,
                            c.resolves,
                            1,
                            device,
                            at,
                        )
                        for c in batch
                    ],
                )
            conn.commit()
        seconds = time.perf_counter() - start
        conn.execute("DROP TABLE plain_log")
        conn.commit()
    return seconds


# -- PostgreSQL databases and the server process ---------------------------------------------


class Databases:
    """Fresh PostgreSQL databases, all dropped by `drop_all`."""

    def __init__(self) -> None:
        self.made: list[str] = []

    def fresh(self) -> str:
        name = f"marugoto_bench_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        self.made.append(name)
        return f"{PG_SERVER}/{name}"

    def drop(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if name in self.made:
            self.made.remove(name)

    def drop_all(self) -> None:
        for name in list(self.made):
            self.drop(f"{PG_SERVER}/{name}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def admin(*args: str) -> None:
    done = subprocess.run([str(SERVE), *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"marugoto-sync {args[0]} failed: {done.stderr.strip()}")


@dataclass
class Office:
    """A running `marugoto-sync serve` on its own database, with one user."""

    url: str
    database: str
    ca: Path | None
    process: subprocess.Popen[bytes]
    log: Path
    laptops: int = 0
    clients: list[SyncClient] = field(default_factory=list)

    def client(self, token: str | None = None) -> SyncClient:
        made = SyncClient(self.url, token=token, ca_file=self.ca, app_version=__version__)
        self.clients.append(made)
        return made

    def enroll(self) -> SyncClient:
        """A fresh device of the bench user, ready to sync."""
        self.laptops += 1
        with SyncClient(self.url, ca_file=self.ca, app_version=__version__) as plain:
            enrollment = plain.enroll(USER, PASSWORD, f"bench laptop {self.laptops}")
        return self.client(enrollment.token)

    def analyze(self) -> None:
        """Refresh the planner's statistics after a bulk fill, as autovacuum would.

        The PostgreSQL of this machine runs with autovacuum off, so a freshly filled table
        would keep "empty table" statistics for ever; a production server (autovacuum on,
        the default) has them within a minute of the fill.
        """
        with psycopg.connect(self.database, autocommit=True) as conn:
            conn.execute("ANALYZE")

    def stop(self) -> None:
        for made in self.clients:
            made.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def dev_certificates(folder: Path) -> Path:
    certs = folder / "certs"
    if not (certs / "ca.pem").exists():
        admin("dev-cert", "--out", str(certs), "--host", "127.0.0.1")
    return certs


def add_bench_user(folder: Path, database: str) -> None:
    password_file = folder / "password.txt"
    password_file.write_text(PASSWORD, encoding="utf-8")
    admin("user", "add", USER, "--role", "consultant", "--area", AREA,
          "--password-file", str(password_file), "--database", database)  # fmt: skip


def start_server(
    folder: Path, database: str, *, https: bool = True
) -> tuple[subprocess.Popen[bytes], str, Path | None, Path]:
    """`marugoto-sync serve` on `database` and a free loopback port, answering: its process,
    its address, the CA its certificate is from (None: plain HTTP), its log file."""
    port = free_port()
    command = [str(SERVE), "serve", "--database", database, "--host", "127.0.0.1",
               "--port", str(port), "--log-level", "warning"]  # fmt: skip
    ca = None
    if https:
        certs = dev_certificates(folder)
        command += ["--tls-cert", str(certs / "server.pem"),
                    "--tls-key", str(certs / "server-key.pem")]  # fmt: skip
        ca = certs / "ca.pem"
    else:
        command.append("--insecure-dev-http")
    log = folder / f"server-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    url = f"{'https' if https else 'http'}://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            verify: Any = ssl_context(ca) if ca else True
            httpx.get(f"{url}/openapi.json", verify=verify, timeout=2)
            return process, url, ca, log
        except httpx.HTTPError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"the server did not start: {log.read_text()}") from None
            time.sleep(0.1)


@contextlib.contextmanager
def office(folder: Path, databases: Databases, *, https: bool = True) -> Iterator[Office]:
    """A server on a fresh database; plain HTTP only with --insecure-dev-http on loopback."""
    database = databases.fresh()
    add_bench_user(folder, database)
    try:
        process, url, ca, log = start_server(folder, database, https=https)
    except BaseException:
        databases.drop(database)
        raise
    running = Office(url, database, ca, process, log)
    try:
        yield running
    finally:
        running.stop()
        databases.drop(database)


def push_all(client: SyncClient, changes: Sequence[Change]) -> float:
    """Push in batches of 1,000 (the protocol's maximum); returns the seconds taken."""
    start = time.perf_counter()
    for batch in pages(changes):
        answer = client.push(batch)
        assert len(answer["acknowledged"]) == len(batch)
    return time.perf_counter() - start


def new_vault(folder: Path, name: str) -> Vault:
    return Vault.create(folder / name, PASSPHRASE, kdf=KdfParams())


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def runs(values: Sequence[float], scale: float = 1.0, fmt: str = "{:.2f}") -> str:
    return ", ".join(fmt.format(v * scale) for v in values)


# -- 1. the client applies pulled changes ----------------------------------------------------


def bench_apply(folder: Path, count: int = OFFICE_CHANGES, rounds: int = ROUNDS) -> None:
    items = pulled_items(changes_for(count, new_site()))
    # As a pull answer carries them (JSON decoded): checking them is part of applying them.
    wire = [LogPage.of(page).to_wire() for page in pages(items)]
    ours, plain = [], []
    for r in range(rounds):
        plain.append(plain_sqlite_seconds(folder / f"plain-apply{r}.db", items))
        vault = new_vault(folder, f"apply{r}")
        replica = VaultReplica(vault)
        start = time.perf_counter()
        for columns in wire:
            replica.apply_page(read_page(columns), columns["seq"][-1])
        ours.append(time.perf_counter() - start)
        assert vault.count("household") == -(-count // len(household_fields(0)))
        vault.close()
        shutil.rmtree(folder / f"apply{r}")
    o, p = median(ours), median(plain)
    report(f"plain SQLite executemany, {count} pulled rows", p, "s")
    report(f"apply {count} pulled changes (pages of {PAGE})", o, "s", "<= 2 s", o / p)
    print(f"    runs: ours {runs(ours)} s; plain {runs(plain)} s", flush=True)


# -- 2. server ingest via HTTP push ----------------------------------------------------------


def bench_push(
    folder: Path, databases: Databases, count: int = OFFICE_CHANGES, rounds: int = ROUNDS
) -> None:
    for https in (False, True):
        scheme = "HTTPS" if https else "HTTP (--insecure-dev-http)"
        ours, plain = [], []
        for _ in range(rounds):
            changes = changes_for(count, new_site())
            baseline = databases.fresh()
            plain.append(plain_postgresql_seconds(baseline, changes))
            databases.drop(baseline)
            with office(folder, databases, https=https) as server:
                client = server.enroll()
                ours.append(push_all(client, changes))
        o, p = median(ours), median(plain)
        report(f"plain PostgreSQL executemany, {count} log rows", count / p, "ch/s")
        report(f"push {count} changes over {scheme}", count / o, "ch/s", ">= 10,000/s", o / p)
        rates = runs([count / t for t in ours], fmt="{:.0f}")
        plain_rates = runs([count / t for t in plain], fmt="{:.0f}")
        print(f"    runs: ours {rates} ch/s; plain {plain_rates} ch/s", flush=True)


# -- 3. and 4. initial sync of 100,000 changes, then a day's sync ----------------------------


VISIT = {
    "date": "2025-06-02",
    "time": "10:30",
    "kind": "outreach.home_visit",
    "place": "自宅",
    "participants": "本人、長男",
    "content": "体調と生活の様子を確認。" * 4,
    "next_action": "来週、包括と同行訪問",
    "next_date": "2025-06-09",
    "contacts": 2,
    "recorded_by": "相談員A",
}


def visit_records(vault: Vault, households: Sequence[Record], day: int) -> list[Record]:
    """One home visit per household: an activity with every field, and an updated household."""
    written = []
    for n, household in enumerate(households):
        written.append(Record(new_id(), "activity", household.area, household.id, dict(VISIT)))
        written.append(
            household.with_fields(
                status="watching",
                phone=f"090-{day:04d}-{n:04d}",
                note=f"{day}日目の訪問: 見守りに移行。" * 2,
                assigned_consultant="相談員B",
                district="原",
                address=f"高松市牟礼町原{day}-{n}",
            )
        )
    for record in written:
        vault.put(record)
    return written


def sync_seconds(client: SyncClient, vault: Vault) -> tuple[float, Any]:
    start = time.perf_counter()
    result = client.sync(VaultReplica(vault))
    return time.perf_counter() - start, result


def bench_initial_and_day(
    folder: Path,
    databases: Databases,
    count: int = OFFICE_CHANGES,
    rounds: int = ROUNDS,
    *,
    day_too: bool = True,
) -> None:
    changes = changes_for(count, new_site())
    items = pulled_items(changes)
    with office(folder, databases, https=True) as server:
        push_all(server.enroll(), changes)
        server.analyze()
        ours, plain, laptops = [], [], []
        for r in range(rounds):
            plain.append(plain_sqlite_seconds(folder / f"plain-initial{r}.db", items))
            vault = new_vault(folder, f"initial{r}")
            client = server.enroll()
            seconds, result = sync_seconds(client, vault)
            assert result.pulled == count, result
            ours.append(seconds)
            laptops.append((vault, client))
        o, p = median(ours), median(plain)
        report(f"plain SQLite executemany, {count} pulled rows", p, "s")
        report(f"initial sync, {count} changes, HTTPS loopback", o, "s", "<= 5 s", o / p)
        print(f"    runs: ours {runs(ours)} s; plain {runs(plain)} s", flush=True)
        if day_too:
            bench_day(databases, folder, laptops, rounds)
        for vault, _ in laptops:
            vault.close()


def bench_day(
    databases: Databases, folder: Path, laptops: list[tuple[Vault, SyncClient]], rounds: int
) -> None:
    # A day: laptop B's 30 visits reach the server first; then laptop A, which made its
    # own 30 visits, syncs: it pushes its ~500 changes and pulls B's.
    (a, a_client), (b, b_client) = laptops[0], laptops[1]
    households = a.records("household")
    b_households = {r.id: r for r in b.records("household")}
    ours, plain, sizes = [], [], []
    for day in range(rounds):
        chosen = households[day * 60 : day * 60 + 60]
        visit_records(b, [b_households[h.id] for h in chosen[30:]], day)
        b_client.sync(VaultReplica(b))
        visit_records(a, chosen[:30], day)
        pushed = a.pending_changes(limit=-1)
        cursor = VaultReplica(a).cursor()
        seconds, result = sync_seconds(a_client, a)
        ours.append(seconds)
        sizes.append((result.pushed, result.pulled))
        # Baseline: the pushed rows into PostgreSQL, the pulled ones into SQLite.
        pulled = read_page(a_client.pull(cursor, limit=10_000)["log"]).items()
        baseline = databases.fresh()
        plain.append(
            plain_postgresql_seconds(baseline, pushed)
            + plain_sqlite_seconds(folder / f"plain-day{day}.db", pulled)
        )
        databases.drop(baseline)
    o, p = median(ours), median(plain)
    pushed_n, pulled_n = sizes[len(sizes) // 2]
    report("plain executemany, pushed rows to PG + pulled to SQLite", p * 1e3, "ms")
    report(
        f"a day's sync: push {pushed_n}, pull {pulled_n} (30+30 visits)", o, "s", "<= 1 s", o / p
    )
    print(
        f"    runs: ours {runs(ours)} s; plain {runs(plain, 1e3, '{:.1f}')} ms; "
        f"(pushed, pulled) {sizes}; the pull includes A's own changes, applied as no-ops",
        flush=True,
    )


# -- 5. the PouchDB peer ---------------------------------------------------------------------


def pouchdb_folder(folder: Path) -> Path | None:
    """A writable copy of the peer benchmark with its packages installed, or None."""
    target = folder / "pouchdb-peer"
    if not PEER_DIR.is_dir():
        print(f"    PouchDB peer: {PEER_DIR} is missing; skipped", flush=True)
        return None
    shutil.copytree(PEER_DIR, target, ignore=shutil.ignore_patterns("node_modules"))
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        print("    PouchDB peer: node or npm is not installed; the ratio is left out", flush=True)
        return None
    try:
        done = subprocess.run(
            [npm, "install", "--no-audit", "--no-fund"],
            cwd=target,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    except subprocess.TimeoutExpired:
        print("    PouchDB peer: npm install timed out (10 min); the ratio is left out", flush=True)
        return None
    if done.returncode != 0:
        tail = " | ".join((done.stderr or done.stdout).strip().splitlines()[-5:])
        print(f"    PouchDB peer: npm install FAILED ({tail}); the ratio is left out", flush=True)
        return None
    return target


def pouchdb_seconds(folder: Path, docs: int) -> float | None:
    node = shutil.which("node")
    assert node is not None
    done = subprocess.run(
        [node, "bench.js", str(docs)],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    for line in reversed(done.stdout.strip().splitlines()):
        try:
            result = json.loads(line)
        except ValueError:
            continue
        if result.get("docs") == docs:
            return float(result["seconds"])
    print(f"    PouchDB peer run failed: {(done.stderr or done.stdout).strip()[:300]}", flush=True)
    return None


def bench_peer(
    folder: Path, databases: Databases, households: int = PEER_HOUSEHOLDS, rounds: int = ROUNDS
) -> None:
    peer = pouchdb_folder(folder)
    changes = household_changes(households, new_site())
    items = pulled_items(changes)
    with office(folder, databases, https=True) as server:
        push_all(server.enroll(), changes)
        server.analyze()
        ours, theirs, plain = [], [], []
        for r in range(rounds):
            plain.append(plain_sqlite_seconds(folder / f"plain-peer{r}.db", items))
            vault = new_vault(folder, f"peer{r}")
            seconds, result = sync_seconds(server.enroll(), vault)
            assert result.pulled == len(changes) and vault.count("household") == households
            ours.append(seconds)
            vault.close()
            shutil.rmtree(folder / f"peer{r}")
            # Interleaved, so machine noise hits both sides alike.
            if peer is not None:
                pouch = pouchdb_seconds(peer, households)
                if pouch is not None:
                    theirs.append(pouch)
    o = median(ours)
    report(f"plain SQLite executemany, {len(changes)} pulled rows", median(plain), "s")
    report(
        f"initial sync, {households} households ({len(changes)} ch)", o, "s", "", o / median(plain)
    )
    if theirs:
        t = median(theirs)
        report(f"PouchDB replicate.from, {households} docs (HTTP)", t, "s")
        report("ours / PouchDB (initial sync, same documents)", o / t, "x", "<= 1")
        print(f"    runs: ours {runs(ours)} s; PouchDB {runs(theirs)} s", flush=True)
    else:
        print(f"    runs: ours {runs(ours)} s; PouchDB: no figure (see above)", flush=True)


# -- entry point -----------------------------------------------------------------------------


def main(only: Sequence[str] = SUBSETS) -> None:
    """Run the sync benchmarks named in `only` (apply, push, initial, day, peer)."""
    chosen = set(only)
    with tempfile.TemporaryDirectory(prefix="marugoto-bench-sync-") as tmp:
        folder = Path(tmp)
        databases = Databases()
        steps: list[tuple[str, Callable[[], None]]] = [
            ("apply", lambda: bench_apply(folder)),
            ("push", lambda: bench_push(folder, databases)),
            ("initial", lambda: bench_initial_and_day(folder, databases, day_too="day" in chosen)),
            ("peer", lambda: bench_peer(folder, databases)),
        ]
        if "day" in chosen:
            chosen.add("initial")  # a day starts from laptops that did the initial sync
        try:
            for name, step in steps:
                if name in chosen:
                    step()
        finally:
            databases.drop_all()
