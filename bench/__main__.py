"""`make bench`: every benchmark, printed with medians and ratios."""

from __future__ import annotations

import platform
import sys

from . import bench_vault


def main() -> int:
    print(f"marugoto-desktop benchmarks on {platform.machine()}, Python {sys.version.split()[0]}")
    bench_vault.main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
