"""Export of the vault's live records in the exchange format."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TextIO

from ..domain.exchange import to_line
from ..domain.schema import TYPE_ORDER
from ..vault import Vault


def export_lines(vault: Vault) -> Iterator[str]:
    """Every live record as an exchange-format line, in a stable order (type, then id).

    Types come in TYPE_ORDER so a reader meets a record before the records that refer to it.
    """
    for record_type in TYPE_ORDER:
        for record in vault.records(record_type):
            yield to_line(record)


def write_export(vault: Vault, out: TextIO) -> int:
    """Write the export to `out`; returns the number of records."""
    count = 0
    for line in export_lines(vault):
        out.write(line)
        out.write("\n")
        count += 1
    return count
