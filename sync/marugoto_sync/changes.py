"""The unit of replication: one field of one record (DESIGN §5).

This module is the only definition of a change; the vault's outbox, the client and the server
all speak it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Deleting (or re-creating) a record is a change of this pseudo-field: value True or False.
DELETED = "_deleted"
# The record's parent and type travel as pseudo-fields too, so a replica can build the envelope
# from changes alone.
PARENT = "_parent_id"


@dataclass(frozen=True)
class Change:
    change_id: str
    type: str
    record_id: str
    area: str | None
    field: str
    value: Any
    hlc: int
    base_hlc: int
    site: str

    @property
    def order(self) -> tuple[int, str]:
        """The total order of changes, identical on every replica."""
        return (self.hlc, self.site)
