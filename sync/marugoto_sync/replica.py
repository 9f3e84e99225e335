"""What the sync client needs from a replica (the desktop vault implements it).

Defined here, in the pure core, so the client knows nothing of households or of SQLite.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from .audit_chain import AuditLink
from .changes import Change
from .log_page import LogPage
from .transfer_notes import TransferNote


class Replica(Protocol):
    site: str

    def pending_changes(self, limit: int = 1000, exclude_areas: Sequence[str] = ()) -> list[Change]:
        """The oldest changes not yet acknowledged, leaving out those of `exclude_areas`
        (but for the shared directory's)."""
        ...

    def acknowledge(self, change_ids: Sequence[str]) -> None:
        """The server has these; drop them from the outbox."""
        ...

    def apply_page(self, page: LogPage, cursor: int, cursor_name: str = "main") -> None:
        """Apply a pulled page of the log and store the cursor, in one transaction."""
        ...

    def cursor(self, cursor_name: str = "main") -> int: ...

    def remember_authors(self, authors: Mapping[str, Mapping[str, str]]) -> None:
        """Keep who wrote the changes of sites (site -> {"user", "device"}), as a pull
        answer names them, for the conflicts to say so."""
        ...

    def remember_transfers(self, notes: Sequence[TransferNote]) -> None:
        """Keep where households moved by a pulled page came from, for a household to show
        it (the `_area` change itself says only where it went)."""
        ...

    def last_seen(self) -> tuple[int, str] | None:
        """The last log entry pulled on the main cursor: (seq, change id), or None."""
        ...

    def restart_after_server_restore(self) -> int:
        """Queue every field held here as a replay and restart all cursors; returns how many."""
        ...

    def synced_areas(self) -> list[str] | None:
        """The areas this replica last synced, or None before its first sync."""
        ...

    def set_synced_areas(self, areas: Sequence[str]) -> None: ...

    def directory_synced(self) -> bool:
        """Whether this device has received the whole shared directory (record_types.shared):
        false until a laptop that synced before the directory was shared has fetched it."""
        ...

    def set_directory_synced(self) -> None: ...

    def stored_areas(self) -> list[str]:
        """The areas of the records and conflicts held on this device, the shared directory
        left out (it is held whatever the areas)."""
        ...

    def outbox_areas(self) -> list[str]:
        """The areas of the changes waiting to be sent (city-wide ones and the shared
        directory's, which any user may send, have none)."""
        ...

    def hold_with_transfers(self, areas: Sequence[str]) -> int:
        """The changes of `areas` wait (this user may not write them). Where one of them is
        a household's transfer, label what was written after it of the household (and of
        what is under it) with its area, so that it waits with it: the server would refuse
        it where the household went. Returns how many changes were labelled anew."""
        ...

    def remove_area(self, area: str) -> int:
        """Erase every record of an area from this device (and forget its backfill); the
        shared directory stays."""
        ...

    def restamp_unsent(self, server_millis: int) -> int:
        """Re-stamp unsent changes from the server's time (after the clock ran ahead)."""
        ...

    def audit_links(self, after: int, after_hash: str, limit: int) -> list[AuditLink]:
        """The audit trail's entries to send to a server that holds them up to entry `after`
        whose link is `after_hash` (marugoto_sync.audit_chain): those after it, at most
        `limit`. Where this trail does not agree with that (it is shorter, or its entry
        `after` differs), from the last entry the two should share, for the server to see
        it. LocalChainBroken if the trail cannot be read from there."""
        ...

    def audit_sent(self, seq: int, digest: str) -> None:
        """The server holds this trail up to entry `seq`, whose link is `digest`."""
        ...

    def wipe(self) -> None:
        """Destroy the local store (this device was revoked)."""
        ...
