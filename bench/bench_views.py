"""The desktop's read models and quick writes over 10,000 demo households.

Budgets (DESIGN §7): search per keystroke <= 50 ms, household detail opened <= 100 ms, a
visit saved and every view it touches refreshed <= 100 ms. Each figure is a median.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from marugoto_desktop.operations.demo import write_demo
from marugoto_desktop.operations.home import (
    awaiting_acknowledgement,
    follow_ups,
    prepare_home,
    unsynced_changes,
)
from marugoto_desktop.operations.households import (
    activity_timeline,
    find_households,
    household_detail,
    prepare_search,
)
from marugoto_desktop.operations.visits import record_visit
from marugoto_desktop.vault import KdfParams, Vault

from .common import median_seconds, report

PASSPHRASE = "benchmark passphrase"
TODAY = date(2026, 3, 2)  # inside the demo's fiscal years
KEYSTROKES = ["山", "山田", "やまだ", "ﾔﾏﾀﾞ", "牟礼", "087-000-1", "０８７０００１"]


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1e3


def bench_views(folder: Path, households: int = 10_000) -> None:
    vault = Vault.create(folder / "views", PASSPHRASE, kdf=KdfParams())
    start = time.perf_counter()
    write_demo(vault, households, seed=1)
    report(f"demo of {households} households written", time.perf_counter() - start, "s")
    vault.close()
    measure_views(folder / "views")


def measure_views(vault_folder: Path) -> None:
    """The figures over a vault of demo data (left with 20 more visits)."""
    with Vault.open(vault_folder, PASSPHRASE) as v:
        start = time.perf_counter()
        find_households(v)
        report("household list after unlock", time.perf_counter() - start, "s", "<= 0.5 s")
        start = time.perf_counter()
        prepare_search(v)  # the app does this in the background after unlock
        report("prepare search (members, issues decrypted)", time.perf_counter() - start, "s")

        per_key = [median_seconds(lambda q=q: find_households(v, q), repeat=5) for q in KEYSTROKES]
        report("search per keystroke (median over queries)", _median_ms(per_key), "ms",
               "<= 50 ms")  # fmt: skip
        filtered = [
            median_seconds(lambda: find_households(v, "山", area="shoga"), repeat=5),
            median_seconds(lambda: find_households(v, "", status="watching"), repeat=5),
            median_seconds(lambda: find_households(v, "", issue_category="eighty_fifty"), repeat=5),
        ]
        report("search with a filter (median)", _median_ms(filtered), "ms", "<= 50 ms")

        ids = [h.id for h in v.records("household")]
        picks = random.Random(1).sample(ids, 50)
        opened = []
        for household_id in picks:
            start = time.perf_counter()
            household_detail(v, household_id)
            activity_timeline(v, household_id)
            opened.append(time.perf_counter() - start)
        report("household detail opened (detail + timeline)", _median_ms(opened), "ms",
               "<= 100 ms")  # fmt: skip

        start = time.perf_counter()
        prepare_home(v)  # the app does this in the background after unlock
        report("prepare home (every activity decrypted)", time.perf_counter() - start, "s")
        home = []
        for _ in range(5):
            start = time.perf_counter()
            follow_ups(v, TODAY)
            awaiting_acknowledgement(v)
            unsynced_changes(v)
            home.append(time.perf_counter() - start)
        report("home screen read (follow-ups, referrals, unsynced)", _median_ms(home), "ms")

        saved, saved_only = [], []
        for household_id in picks[:20]:
            start = time.perf_counter()
            visit = record_visit(
                v, household_id, {"kind": "outreach.home_visit", "content": "様子を見に行く"},
                today=TODAY,
            )  # fmt: skip
            saved_only.append(time.perf_counter() - start)
            changes = visit.changes
            # What the screens redraw from these changes: the household's detail and
            # timeline, the home screen's follow-ups and unsynced count (not the household
            # list: no household changed).
            assert changes.touches_household(household_id) and not changes.touches("household")
            household_detail(v, household_id)
            activity_timeline(v, household_id)
            follow_ups(v, TODAY)
            unsynced_changes(v)
            saved.append(time.perf_counter() - start)
        report("visit saved (one write, fsync)", _median_ms(saved_only), "ms")
        report("visit saved and its views refreshed", _median_ms(saved), "ms", "<= 100 ms")
        per_key = [median_seconds(lambda q=q: find_households(v, q), repeat=3) for q in KEYSTROKES]
        report("search per keystroke after those writes", _median_ms(per_key), "ms", "<= 50 ms")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="marugoto-bench-") as tmp:
        bench_views(Path(tmp))
