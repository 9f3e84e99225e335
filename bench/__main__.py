"""`make bench`: every benchmark, printed with medians and ratios.

Pick a subset by name (argv, or BENCH_ARGS with make): `python -m bench sync`, or
`python -m bench vault views ui reports sync.apply sync.push`. Sync parts: apply, push, initial,
day, peer. `load`: 50 devices syncing at once against one server process, then two: the
evening rush (the budget), then the saturating stress model.
"""

from __future__ import annotations

import platform
import sys
from collections.abc import Sequence

from . import bench_load, bench_reports, bench_sync, bench_ui, bench_vault, bench_views

GROUPS = ("vault", "views", "ui", "reports", "sync", "load")


def main(argv: Sequence[str] | None = None) -> int:
    names = list(sys.argv[1:] if argv is None else argv) or list(GROUPS)
    sync_parts = {n.split(".", 1)[1] for n in names if n.startswith("sync.")}
    unknown = [
        n
        for n in names
        if n not in GROUPS and not (n.startswith("sync.") and n[5:] in bench_sync.SUBSETS)
    ]
    if unknown:
        parts = ", ".join(f"sync.{p}" for p in bench_sync.SUBSETS)
        groups = ", ".join(GROUPS)
        print(f"unknown benchmark {', '.join(unknown)}; choose from: {groups}, {parts}")
        return 2
    print(f"marugoto-desktop benchmarks on {platform.machine()}, Python {sys.version.split()[0]}")
    if "vault" in names:
        bench_vault.main()
    if "views" in names:
        bench_views.main()
    if "ui" in names:
        bench_ui.main()
    if "reports" in names:
        bench_reports.main()
    if "sync" in names:
        bench_sync.main()
    elif sync_parts:
        bench_sync.main(sorted(sync_parts))
    if "load" in names:
        # The office's evening rush, which issue 13's budget is judged on; then the stress
        # model, for the cost per request and where it breaks (bench_load's docstring).
        bench_load.main(rush=bench_load.Rush())
        bench_load.main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
