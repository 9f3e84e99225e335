"""Vault benchmarks: local write vs plain sqlite-utils insert, unlock, list and search, demo."""

from __future__ import annotations

import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

import sqlite_utils

from marugoto_desktop.domain.ids import new_id
from marugoto_desktop.domain.records import Record
from marugoto_desktop.operations.demo import demo_records, write_demo
from marugoto_desktop.operations.households import household_rows, prepare_search
from marugoto_desktop.vault import KdfParams, Vault
from marugoto_desktop.vault.keyslots import calibrate

from .common import median_seconds, report

PASSPHRASE = "benchmark passphrase"


def household_fields(i: int) -> dict[str, object]:
    return {
        "name": f"ベンチ{i}家",
        "district": "牟礼",
        "address": f"高松市牟礼町牟礼{i:04d}-00",
        "phone": f"087-000-{i % 10000:04d}",
        "household_type": "parent_adult_child",
        "housing": "owned_house",
        "public_assistance": "none",
        "status": "active",
        "first_known_on": "2025-04-01",
        "how_found": "minsei",
        "assigned_consultant": "相談員A",
        "note": "長男がひきこもり状態。母親の介護が必要になりつつある。" * 3,
    }


def bench_write(folder: Path, count: int = 1000, rounds: int = 5, sync: str = "FULL") -> None:
    """One record per transaction, both sides configured alike (WAL, same synchronous mode).

    With synchronous=FULL (what the vault uses) the fsync per commit weighs on both sides; with
    OFF the figure shows the CPU cost of encryption, clocks and outbox alone.
    """
    ours, plain = [], []
    for r in range(rounds):
        vault = Vault.create(folder / f"vault{sync}{r}", PASSPHRASE, kdf=KdfParams())
        vault._db.execute(f"PRAGMA synchronous={sync}")
        conn = sqlite3.connect(folder / f"plain{sync}{r}.db", isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(f"PRAGMA synchronous={sync}")
        db = sqlite_utils.Database(conn)
        rows = [household_fields(i) for i in range(count)]
        records = [Record(new_id(), "household", "mure", None, row) for row in rows]
        # Interleave so machine noise hits both sides alike.
        start = time.perf_counter()
        for row in rows:
            db["households"].insert({"id": new_id(), "area": "mure", **row}, pk="id")
        plain.append((time.perf_counter() - start) / count)
        start = time.perf_counter()
        for record in records:
            vault.put(record)
        ours.append((time.perf_counter() - start) / count)
        vault.close()
        conn.close()
    o, p = statistics.median(ours), statistics.median(plain)
    report(f"write one household, plain sqlite-utils (sync {sync})", p * 1e6, "us")
    report(f"write one household, vault (sync {sync})", o * 1e6, "us", "<= 2x", o / p)


def bench_unlock(folder: Path) -> None:
    params = calibrate()
    vault = Vault.create(folder / "unlock", PASSPHRASE, kdf=params)
    vault.close()
    seconds = median_seconds(lambda: Vault.open(folder / "unlock", PASSPHRASE).close(), repeat=5)
    report(f"unlock (Argon2id 64 MiB, {params.iterations} passes, calibrated)", seconds, "s",
           "0.3-0.6 s")  # fmt: skip


def bench_demo_and_list(folder: Path, households: int = 10_000) -> None:
    seconds = median_seconds(lambda: demo_records(households, seed=1), repeat=3)
    report(f"demo generation, {households} households (records only)", seconds, "s")
    vault = Vault.create(folder / "big", PASSPHRASE, kdf=KdfParams())
    start = time.perf_counter()
    counts = write_demo(vault, households, seed=1)
    report(f"demo written to a vault ({sum(counts.values())} records)",
           time.perf_counter() - start, "s")  # fmt: skip
    vault.close()

    def cold_list() -> None:
        with Vault.open(folder / "big", PASSPHRASE) as v:
            start = time.perf_counter()
            rows = household_rows(v)
            timings.append(time.perf_counter() - start)
            assert len(rows) == households

    timings: list[float] = []
    for _ in range(3):
        cold_list()
    report(f"decrypt and list {households} households after unlock",
           statistics.median(timings), "s", "<= 0.5 s")  # fmt: skip

    with Vault.open(folder / "big", PASSPHRASE) as v:
        household_rows(v)
        start = time.perf_counter()
        prepare_search(v)  # the app does this in the background after unlock
        report("prepare search after unlock (members decrypted)", time.perf_counter() - start, "s")
        keystrokes = ["山", "山田", "やまだ", "牟礼", "087-000-1"]
        per_key = [median_seconds(lambda q=q: household_rows(v, q), repeat=5) for q in keystrokes]
    report("search per keystroke (median over queries)", statistics.median(per_key) * 1e3, "ms",
           "<= 50 ms")  # fmt: skip


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="marugoto-bench-") as tmp:
        folder = Path(tmp)
        bench_write(folder, sync="FULL")
        bench_write(folder, sync="OFF")
        bench_unlock(folder)
        bench_demo_and_list(folder)
