"""Load (issue 13): many laptops syncing at once against the server on PostgreSQL, over HTTPS
on loopback, for a bounded time; then every laptop pulls to the end and all must hold the
same state.

    python -m bench load                  # 50 devices, 30 s, one server process, then two
    python -m bench.bench_load --devices 50 --seconds 30 --servers 1 2

Each device is a thread in one of several client processes (so that the clients' own Python
does not queue behind one GIL): it pushes a visit's worth of changes (a new activity under a
household and an edit of the household, one of --households the whole office visits, picked at
random: some visits of one second collide) and pulls what is new, once every
second (--interval; each from a random phase): 50 devices make about 100 requests a second,
and the latency is the server's at that rate rather than a queue. Printed: requests, errors
(must be 0), p50/p95/p99 of push and pull, changes pushed per second, and whether the states
converged. With two server
processes the devices alternate between them (one database; the advisory lock keeps the log
in commit order). The machine's load is printed: the clients run on the same cores.

So that a figure survives a busy shared machine, the CPU time spent per request during the
timed part is printed too (Linux /proc): by the server processes, by the PostgreSQL backends
of the bench's database, and by the client processes; and how many of the machine's cores
were busy with anything at all. MARUGOTO_BENCH_SERVE names another build's `marugoto-sync`
(bench_sync.py), to compare two servers against the same clients in one run.

A device's sync pulls until a page comes back empty: at least two pulls, and more while the
others keep pushing (the number of requests per sync is printed). --pull-like-client ends
them as SyncClient does, at the page that says it is the last (has_more false).

Two load models; the line printed first says which one ran.

- saturate (the default, as before): every device syncs every second, a push of one visit
  and pulls until a page is empty. That is a stress test, not an office: the app syncs at
  most every 30 minutes, so 50 laptops make about 0.03 syncs a second, and this makes 50,
  each of 3 to 7 requests. On a 2-core machine shared with the clients and PostgreSQL it
  keeps the CPU busy, so its latencies are mostly queueing for the CPU: it measures how
  much the server does per request (the CPU figures) and where it breaks, and it is the
  model for the server's throughput.

- rush (--model rush): the evening, when everyone is back at the office and their laptops
  sync with the day's work. In rounds --interval apart (10 s), each device syncs once at a
  random moment of the round's first --window seconds (5), exactly as SyncClient does:
  status, one push of a day's --day-visits visits (6 visits, 42 changes), pulls of 5,000
  entries until has_more is false (the others' day, as it arrives). All 50 laptops syncing
  within 5 seconds is "at once" in the issue's words, and still far denser than a real
  evening, where they come back over an hour; the rounds give p95/p99 enough samples within
  the bounded time. A device's connection is idle between rounds for longer than uvicorn
  keeps it (5 s), so each sync opens a new TLS connection, as the real app does after 30
  minutes: the status request's time includes that handshake. The whole sync's p50/p95/p99
  is printed too.

The budget of issue 13 (push p95 <= 150 ms at 50 devices) is judged on the rush model, the
office's load; the saturate model is kept to measure the cost per request and to compare
server builds, whose differences it magnifies.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg

from marugoto_desktop import __version__
from marugoto_desktop.domain.ids import new_id
from marugoto_sync.changes import Change
from marugoto_sync.client import PAGE_SIZE, SyncClient, ssl_context
from marugoto_sync.hlc import pack, wall_millis
from marugoto_sync.log_page import read_page
from marugoto_sync.merge import wins

from .bench_sync import (
    AREA,
    PASSWORD,
    PG_ADMIN,
    USER,
    Databases,
    add_bench_user,
    start_server,
)

CLIENT_PROCESSES = 5


@dataclass(frozen=True)
class Rush:
    """The evening-rush model (see the module's docstring): rounds of one sync per device,
    each starting within `window` seconds of the round's start, a round every `interval`
    seconds (given to run); each push carries `visits` visits' changes."""

    window: float = 5.0
    visits: int = 6


RUSH_INTERVAL = 10.0
_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """The user + system CPU time a process has spent so far (0 once it is gone)."""
    try:
        # Fields after the command name, which is in parentheses and may hold spaces.
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICKS


def machine_ticks() -> tuple[int, int]:
    """(busy, all) CPU ticks of the whole machine so far, every core summed."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    return sum(values) - idle, sum(values)


def backend_pids(database: str) -> list[int]:
    """The PostgreSQL server processes connected to this database."""
    name = database.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5) as admin:
        rows = admin.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", (name,)
        ).fetchall()
    return [int(r[0]) for r in rows]


class CpuWindow:
    """CPU seconds of some processes between `start` and `stop`."""

    def __init__(self) -> None:
        self.before: dict[int, float] = {}
        self.after: dict[int, float] = {}

    def start(self, pids: Iterable[int]) -> None:
        self.before = {pid: cpu_seconds(pid) for pid in pids}

    def stop(self, pids: Iterable[int]) -> float:
        # A process that appeared meanwhile counts from zero; one that went is lost (the
        # figure is then a little low: PostgreSQL backends of connections the pool closed).
        self.after = {pid: cpu_seconds(pid) for pid in pids}
        return sum(t - self.before.get(pid, 0.0) for pid, t in self.after.items())


class LeanClient:
    """A device's HTTP as cheap in CPU as the standard library makes it (--client lean): one
    keep-alive HTTPS connection (http.client), the requests and headers SyncClient sends,
    gzip accepted. Still real HTTP and TLS to the real server over loopback; it only leaves
    more of the machine's cores to the server than httpx, whose per-request work (building
    and merging URLs, cookies, h11) is most of the bench's clients' CPU."""

    def __init__(self, url: str, ca: Path, token: str) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port
        self.context = ssl_context(ca_file=ca)
        self.headers = {
            "X-Marugoto-Schema": "1",
            "X-Marugoto-App": __version__,
            "Authorization": f"Bearer {token}",
            "Accept-Encoding": "gzip",
        }
        self.connection: http.client.HTTPSConnection | None = None

    def _call(self, method: str, path: str, body: bytes | None = None) -> Any:
        headers = self.headers
        if body is not None:
            headers = {**headers, "Content-Type": "application/json"}
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPSConnection(
                    self.host, self.port, context=self.context, timeout=60
                )
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
            except (http.client.HTTPException, OSError):
                # The server closed an idle connection (uvicorn keeps one 5 s): again on a
                # new one (a push sent twice is acknowledged twice and applied once).
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
                continue
            if response.will_close:
                self.connection.close()
                self.connection = None
            if response.getheader("Content-Encoding") == "gzip":
                data = gzip.decompress(data)
            if response.status >= 400:
                raise RuntimeError(f"HTTP {response.status}: {data[:200]!r}")
            return json.loads(data)
        raise AssertionError("unreachable")

    def push(self, changes: list[Change]) -> dict[str, Any]:
        body = {"changes": [c.to_wire() for c in changes]}
        result: dict[str, Any] = self._call("POST", "/v1/push", json.dumps(body).encode())
        return result

    def pull(self, after: int, limit: int) -> dict[str, Any]:
        result: dict[str, Any] = self._call("GET", f"/v1/changes?after={after}&limit={limit}")
        return result

    def status(self) -> dict[str, Any]:
        result: dict[str, Any] = self._call("GET", "/v1/status")
        return result


class Device:
    def __init__(
        self, url: str, ca: Path, token: str, shared: list[str], lean: bool = False
    ) -> None:
        self.client: SyncClient | LeanClient = (
            LeanClient(url, ca, token)
            if lean
            else SyncClient(url, token=token, ca_file=ca, app_version=__version__)
        )
        self.site = uuid.uuid4().hex
        self.counter = 0
        self.cursor = 0
        self.shared = shared
        self.random = random.Random()
        self.state: dict[tuple[str, str], list[Any]] = {}
        self.push_ms: list[float] = []
        self.pull_ms: list[float] = []
        self.status_ms: list[float] = []
        self.sync_ms: list[float] = []
        self.pushed = 0
        self.errors: list[str] = []

    def stamp(self) -> int:
        self.counter += 1
        return pack(wall_millis() - 1000, self.counter % 60_000)

    def visit(self, n: int) -> list[Change]:
        household = self.random.choice(self.shared)
        activity = new_id()
        fields = {
            "date": "2026-12-01",
            "kind": "outreach.home_visit",
            "content": f"訪問 {n}",
            "next_action": "再訪問",
            "next_date": "2026-12-15",
        }
        changes = [
            Change(
                new_id(),
                "activity",
                activity,
                AREA,
                "_parent_id",
                household,
                self.stamp(),
                0,
                self.site,
            )
        ]
        for name, value in fields.items():
            changes.append(
                Change(
                    new_id(), "activity", activity, AREA, name, value, self.stamp(), 0, self.site
                )
            )
        changes.append(
            Change(
                new_id(),
                "household",
                household,
                AREA,
                "phone",
                f"087-{n:04d}",
                self.stamp(),
                0,
                self.site,
            )
        )
        return changes

    def day(self, n: int, visits: int) -> list[Change]:
        """A consultant's day: `visits` visits, pushed together in the evening."""
        return [c for v in range(visits) for c in self.visit(n * visits + v)]

    def pull_all(self, timed: bool, like_client: bool = False, limit: int = 1000) -> None:
        """Pull until a page comes back empty; `like_client`: as SyncClient does, until a
        page says it was the last (has_more false), moving the cursor to its `next`."""
        while True:
            start = time.perf_counter()
            answer = self.client.pull(self.cursor, limit=limit)
            if timed:
                self.pull_ms.append((time.perf_counter() - start) * 1000)
            page = read_page(answer["log"])
            for i in page.change_rows():
                key = (page.record_id[i], page.field[i])
                if wins(page.hlc[i], page.site[i], self.state.get(key)):
                    self.state[key] = [page.hlc[i], page.site[i], page.value[i]]
            if like_client:
                self.cursor = int(answer["next"])
                if not answer["has_more"]:
                    return
                continue
            if len(page) == 0:
                return
            self.cursor = page.seq[-1]

    def run(self, until: float, interval: float, like_client: bool = False) -> None:
        n = 0
        # Each device starts a sync every `interval` seconds (from a random phase), as laptops
        # do at the office: the latency is then the server's at that rate, not a queue of
        # as-fast-as-possible loops.
        next_start = time.monotonic() + random.uniform(0, interval)
        while True:
            time.sleep(max(0.0, next_start - time.monotonic()))
            if time.monotonic() >= until:
                break
            next_start += interval
            n += 1
            batch = self.visit(n)
            try:
                start = time.perf_counter()
                answer = self.client.push(batch)
                self.push_ms.append((time.perf_counter() - start) * 1000)
                self.pushed += len(answer["acknowledged"])
                self.pull_all(timed=True, like_client=like_client)
            except Exception as exc:  # counted and shown: the figure to keep at zero
                self.errors.append(f"{type(exc).__name__}: {exc}"[:200])

    def run_rush(self, until: float, interval: float, window: float, visits: int) -> None:
        """The evening rush: every `interval` seconds a round begins, in which this device
        syncs once, at a random moment of the round's first `window` seconds, as SyncClient
        does: status, one push of the day's changes, pulls of 5,000 entries until has_more
        is false."""
        n = 0
        round_start = time.monotonic()
        while True:
            start_at = round_start + random.uniform(0, window)
            time.sleep(max(0.0, start_at - time.monotonic()))
            if time.monotonic() >= until:
                break
            round_start += interval
            n += 1
            batch = self.day(n, visits)
            try:
                began = time.perf_counter()
                self.client.status()
                self.status_ms.append((time.perf_counter() - began) * 1000)
                start = time.perf_counter()
                answer = self.client.push(batch)
                self.push_ms.append((time.perf_counter() - start) * 1000)
                self.pushed += len(answer["acknowledged"])
                self.pull_all(timed=True, like_client=True, limit=PAGE_SIZE)
                self.sync_ms.append((time.perf_counter() - began) * 1000)
            except Exception as exc:  # counted and shown: the figure to keep at zero
                self.errors.append(f"{type(exc).__name__}: {exc}"[:200])
            time.sleep(max(0.0, round_start - time.monotonic()))

    def digest(self) -> str:
        text = json.dumps(sorted((k, v) for k, v in self.state.items()), ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()


def worker(spec: dict[str, Any]) -> dict[str, Any]:
    """One client process: its devices run together until the deadline, then pull to the end."""
    devices = [
        Device(url, Path(spec["ca"]), token, spec["shared"], spec["lean"])
        for url, token in zip(spec["urls"], spec["tokens"], strict=True)
    ]
    # Everyone starts at the same moment (a wall-clock instant the parent chose).
    time.sleep(max(0.0, spec["start_at"] - time.time()))
    until = time.monotonic() + spec["seconds"]
    if spec["model"] == "rush":
        threads = [
            threading.Thread(
                target=d.run_rush,
                args=(until, spec["interval"], spec["window"], spec["day_visits"]),
            )
            for d in devices
        ]
    else:
        threads = [
            threading.Thread(target=d.run, args=(until, spec["interval"], spec["like_client"]))
            for d in devices
        ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # The last pushes of the other client processes may still be on their way: pull to the
    # end only once every process has said it stopped pushing (the parent says when).
    print("pushed", flush=True)
    assert sys.stdin.readline().strip() == "pull"
    for d in devices:
        d.pull_all(timed=False)
    return {
        "push_ms": [ms for d in devices for ms in d.push_ms],
        "pull_ms": [ms for d in devices for ms in d.pull_ms],
        "status_ms": [ms for d in devices for ms in d.status_ms],
        "sync_ms": [ms for d in devices for ms in d.sync_ms],
        "pushed": sum(d.pushed for d in devices),
        "errors": [e for d in devices for e in d.errors],
        "digests": [d.digest() for d in devices],
    }


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def run(
    devices: int,
    seconds: float,
    servers: int,
    interval: float,
    households: int,
    like_client: bool = False,
    rush: Rush | None = None,
    lean: bool = False,
) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="marugoto-load-"))
    databases = Databases()
    processes: list[subprocess.Popen[bytes]] = []
    try:
        database = databases.fresh()
        add_bench_user(folder, database)
        urls = []
        for _ in range(servers):
            process, url, ca, _log = start_server(folder, database)
            processes.append(process)
            urls.append(url)
        assert ca is not None
        tokens = []
        for n in range(devices):
            with SyncClient(urls[n % servers], ca_file=ca, app_version=__version__) as plain:
                tokens.append(plain.enroll(USER, PASSWORD, f"load laptop {n}").token)
        # The office's households. (With few, pushes queue on a household's record lock: the
        # merge of one field is serial on any server.)
        shared = [new_id() for _ in range(households)]
        setup_site = uuid.uuid4().hex
        with SyncClient(urls[0], token=tokens[0], ca_file=ca, app_version=__version__) as first:
            stamp = pack(wall_millis() - 5000, 0)
            setup = [
                Change(new_id(), "household", h, AREA, name, value, stamp + i, 0, setup_site)
                for i, h in enumerate(shared)
                for name, value in (("name", f"世帯 {i}"), ("status", "active"))
            ]
            first.push(setup)
        start_at = time.time() + 3
        specs = []
        for p in range(CLIENT_PROCESSES):
            mine = list(range(p, devices, CLIENT_PROCESSES))
            specs.append(
                {
                    "urls": [urls[n % servers] for n in mine],
                    "tokens": [tokens[n] for n in mine],
                    "ca": str(ca),
                    "shared": shared,
                    "seconds": seconds,
                    "interval": interval,
                    "like_client": like_client,
                    "start_at": start_at,
                    "model": "saturate" if rush is None else "rush",
                    "lean": lean,
                    "window": 0.0 if rush is None else rush.window,
                    "day_visits": 0 if rush is None else rush.visits,
                }
            )
        children = [
            subprocess.Popen(
                [sys.executable, "-m", "bench.bench_load", "--worker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                cwd=Path(__file__).resolve().parents[1],
            )
            for _ in specs
        ]
        for child, spec in zip(children, specs, strict=True):
            assert child.stdin is not None
            child.stdin.write(json.dumps(spec) + "\n")
            child.stdin.flush()
        # CPU counted from the moment the devices start (the clients' imports left out).
        time.sleep(max(0.0, start_at - time.time()))
        server_cpu, client_cpu, database_cpu = CpuWindow(), CpuWindow(), CpuWindow()
        server_cpu.start(p.pid for p in processes)
        client_cpu.start(c.pid for c in children)
        database_cpu.start(backend_pids(database))
        machine_before, started = machine_ticks(), time.monotonic()
        load_during = []
        sampling = threading.Event()

        def sample_load() -> None:
            while not sampling.wait(1):
                load_during.append(os.getloadavg()[0])

        sampler = threading.Thread(target=sample_load)
        sampler.start()
        try:
            for child in children:  # each says when its devices stopped pushing
                assert child.stdout is not None
                said = child.stdout.readline().strip()
                if said != "pushed":
                    raise RuntimeError(f"a client process stopped early ({said!r})")
        finally:
            sampling.set()
            sampler.join()
        elapsed = time.monotonic() - started
        server_s = server_cpu.stop(p.pid for p in processes)
        client_s = client_cpu.stop(c.pid for c in children)
        database_s = database_cpu.stop(backend_pids(database))
        machine_after = machine_ticks()
        busy = (machine_after[0] - machine_before[0]) / max(1, machine_after[1] - machine_before[1])
        for child in children:
            assert child.stdin is not None
            child.stdin.write("pull\n")
            child.stdin.close()
        results = [json.loads(c.stdout.read()) for c in children if c.stdout is not None]
        for child in children:
            child.wait()
        # A fresh device pulls everything: every laptop must hold what it holds.
        with SyncClient(urls[0], token=tokens[0], ca_file=ca, app_version=__version__) as client:
            judge = Device.__new__(Device)
            judge.client, judge.cursor, judge.state = client, 0, {}
            judge.pull_all(timed=False)
            truth = judge.digest()
        digests = [d for r in results for d in r["digests"]]
        push = [ms for r in results for ms in r["push_ms"]]
        pull = [ms for r in results for ms in r["pull_ms"]]
        status = [ms for r in results for ms in r["status_ms"]]
        syncs = [ms for r in results for ms in r["sync_ms"]]
        requests = max(1, len(push) + len(pull) + len(status))
        everything = sorted(push + pull + status)
        return {
            "devices": devices,
            "servers": servers,
            "seconds": seconds,
            "requests": requests,
            "pushes": len(push),
            "rate": requests / seconds,
            "errors": [e for r in results for e in r["errors"]],
            "push_p50": _percentile(push, 0.50),
            "push_p95": _percentile(push, 0.95),
            "push_p99": _percentile(push, 0.99),
            "pull_p50": _percentile(pull, 0.50),
            "pull_p95": _percentile(pull, 0.95),
            "pull_p99": _percentile(pull, 0.99),
            "changes_per_s": sum(r["pushed"] for r in results) / seconds,
            "converged": all(d == truth for d in digests) and len(digests) == devices,
            "load": statistics.median(load_during) if load_during else float("nan"),
            "status_p50": _percentile(status, 0.50),
            "status_p95": _percentile(status, 0.95),
            "status_p99": _percentile(status, 0.99),
            "sync_p50": _percentile(syncs, 0.50),
            "sync_p95": _percentile(syncs, 0.95),
            "sync_p99": _percentile(syncs, 0.99),
            "all_p50": _percentile(everything, 0.50),
            "all_p95": _percentile(everything, 0.95),
            "all_p99": _percentile(everything, 0.99),
            "server_cpu_ms": server_s * 1000 / requests,
            "database_cpu_ms": database_s * 1000 / requests,
            "client_cpu_ms": client_s * 1000 / requests,
            "busy_cores": busy * (os.cpu_count() or 1),
            "elapsed": elapsed,
        }
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=15)
        databases.drop_all()


def main(
    devices: int = 50,
    seconds: float = 30,
    servers: tuple[int, ...] = (1, 2),
    interval: float | None = None,
    households: int = 50,
    like_client: bool = False,
    rush: Rush | None = None,
    lean: bool = False,
) -> None:
    if interval is None:
        interval = RUSH_INTERVAL if rush is not None else 1.0
    if rush is None:
        model = (
            f"model saturate: {devices} devices, a sync each every {interval:g} s (a push of "
            "one visit, pulls until a page is empty"
            + (", or as SyncClient's, until has_more false" if like_client else "")
            + ")"
        )
    else:
        model = (
            f"model rush: {devices} devices, a round every {interval:g} s in which each syncs "
            f"once within {rush.window:g} s as SyncClient does (status, a push of a day's "
            f"{rush.visits} visits, pulls until has_more false)"
        )
    print(
        f"  load, {model}, for {seconds:.0f} s, visits to {households} households, "
        f"PostgreSQL, HTTPS on loopback, clients "
        f"{'lean (http.client)' if lean else 'SyncClient (httpx)'} "
        f"(load before: {os.getloadavg()[0]:.1f})",
        flush=True,
    )
    # The budget is the rush's (module docstring); the stress model has none.
    budget = "budget p95 <= 150" if rush is not None else "stress model: no budget"
    for count in servers:
        r = run(devices, seconds, count, interval, households, like_client, rush, lean)
        print(
            f"    {count} server process{'es' if count > 1 else ''}: {r['requests']} requests "
            f"({r['rate']:.0f}/s, {r['requests'] / max(1, r['pushes']):.1f} per sync), "
            f"{len(r['errors'])} errors, push p50/p95/p99 {r['push_p50']:.0f}/{r['push_p95']:.0f}/"
            f"{r['push_p99']:.0f} ms ({budget}), pull {r['pull_p50']:.0f}/"
            f"{r['pull_p95']:.0f}/{r['pull_p99']:.0f} ms, {r['changes_per_s']:.0f} changes/s, "
            f"converged: {'yes' if r['converged'] else 'NO'} (load {r['load']:.1f})",
            flush=True,
        )
        if rush is not None:
            print(
                f"      status p50/p95/p99 {r['status_p50']:.0f}/{r['status_p95']:.0f}/"
                f"{r['status_p99']:.0f} ms; whole sync {r['sync_p50']:.0f}/{r['sync_p95']:.0f}/"
                f"{r['sync_p99']:.0f} ms",
                flush=True,
            )
        print(
            f"      all requests p50/p95/p99 {r['all_p50']:.0f}/{r['all_p95']:.0f}/"
            f"{r['all_p99']:.0f} ms; CPU per request: server {r['server_cpu_ms']:.2f} ms, "
            f"PostgreSQL {r['database_cpu_ms']:.2f} ms, clients {r['client_cpu_ms']:.2f} ms; "
            f"busy cores {r['busy_cores']:.2f} of {os.cpu_count()} over {r['elapsed']:.1f} s",
            flush=True,
        )
        for error in r["errors"][:5]:
            print(f"      error: {error}", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--devices", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--servers", type=int, nargs="+", default=[1, 2])
    parser.add_argument(
        "--model",
        choices=("saturate", "rush"),
        default="saturate",
        help="saturate (the default): every device syncs every --interval s (1); rush: the "
        "evening rush, rounds in which every device syncs once with a day's changes",
    )
    parser.add_argument(
        "--interval",
        type=float,
        help="seconds between a device's syncs (saturate: 1) or between rounds (rush: "
        f"{RUSH_INTERVAL:g})",
    )
    parser.add_argument(
        "--window",
        type=float,
        default=Rush.window,
        help="rush: the seconds of a round within which every device starts its sync",
    )
    parser.add_argument(
        "--day-visits",
        type=int,
        default=Rush.visits,
        help="rush: the visits whose changes a device's push carries",
    )
    parser.add_argument(
        "--client",
        choices=("sync", "lean"),
        default="sync",
        help="the devices' HTTP: sync (the default), the app's SyncClient on httpx; lean, "
        "http.client with the same requests, cheaper in CPU on the cores the server shares",
    )
    parser.add_argument(
        "--households", type=int, default=50, help="households the devices visit (at random)"
    )
    parser.add_argument(
        "--pull-like-client",
        action="store_true",
        help="end a sync's pulls at a page with has_more false (as SyncClient does) instead "
        "of pulling until a page comes back empty",
    )
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(json.loads(sys.stdin.readline()))))
    else:
        main(
            args.devices,
            args.seconds,
            tuple(args.servers),
            args.interval,
            args.households,
            args.pull_like_client,
            Rush(args.window, args.day_visits) if args.model == "rush" else None,
            args.client == "lean",
        )
