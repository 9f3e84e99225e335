"""Demo data: a fictional but realistic caseload for trying the app, training and benchmarks.

Everything is invented. Names come from lists of common surnames and given names; house numbers
are 0000-NN and telephone numbers 087-000-NNNN, which no real address or line uses; institutions
that could be taken for real ones are marked （仮）.

The data is a pure function of (households, seed): ids come from `uuid7_from` with the record's
own date and bytes from `random.Random(seed)`, never from the clock or os.urandom. Two runs give
the same records byte for byte, so writing them into a vault again records no edits.

The caseload spans FY2024 and FY2025 (2024-04-01 .. 2026-03-31) in all seven areas, 勝賀 the
busiest as in the city's own figures.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from ..domain.records import Record
from ..domain.schema import TYPE_ORDER
from ..vault import Vault
from .demo_calendar import FISCAL_YEARS
from .demo_generator import WRITE_ORDER, _Generator

__all__ = ["FISCAL_YEARS", "WRITE_ORDER", "demo_records", "write_demo"]


def demo_records(households: int = 200, seed: int = 1) -> list[Record]:
    """A fictional caseload of `households` households; the same seed gives the same records.

    The list is in WRITE_ORDER (agencies, households and what belongs to them, consents, and
    meetings last), so every record follows the records it refers to and a 重層的支援会議
    follows the consents that allow it.
    """
    if households < 0:
        raise ValueError("households must not be negative")
    generator = _Generator(seed)
    generator.agencies()
    for _ in range(households):
        generator.household()
    # About one gathering (outreach with no household) per household: outreach outnumbers
    # consultations, as in the city's figures.
    for _ in range(households):
        generator.gathering()
    generator.area_meetings()
    generator.city_meetings()
    return generator.records()


def write_demo(
    vault: Vault,
    households: int = 200,
    seed: int = 1,
    progress: Callable[[int, int], None] | None = None,
    batch_size: int = 2000,
) -> dict[str, int]:
    """Write the demo caseload into `vault`; returns how many records of each type it holds.

    Each batch is one transaction, validated against the vault (earlier batches are already
    there) plus the batch. Writing the same seed again records no edits.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    records = demo_records(households, seed)
    total = len(records)
    if progress:
        progress(0, total)
    for start in range(0, total, batch_size):
        vault.put_many(records[start : start + batch_size])
        if progress:
            progress(min(start + batch_size, total), total)
    counts = Counter(record.type for record in records)
    return {record_type: counts[record_type] for record_type in TYPE_ORDER}
