"""Timing helpers: medians of repeated runs, printed in one format."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


def median_seconds(
    work: Callable[[], Any], repeat: int = 5, setup: Callable[[], Any] | None = None
) -> float:
    times = []
    for _ in range(repeat):
        if setup is not None:
            setup()
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def report(
    name: str, value: float, unit: str, budget: str = "", ratio: float | None = None
) -> None:
    parts = [f"{name:<52}", f"{value:>10.3f} {unit:<6}"]
    if ratio is not None:
        parts.append(f"ratio {ratio:5.2f}x")
    if budget:
        parts.append(f"(budget {budget})")
    print("  ".join(parts), flush=True)
