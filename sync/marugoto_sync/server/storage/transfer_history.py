"""The households moved to another area (転居・引継ぎ), as people look them up afterwards:
`marugoto-sync transfer list`, and the area a household left, for the laptops that receive
the move (a pull answer's `transfers`). What a push does when a household moves is
transfers.py's; this part only reads the `transfers` table it keeps."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select

from ...changes import AREA
from ..log_entries import PULLED_COLUMNS
from ..tables import devices, transfers, users
from .base import StoreBase, chunks, utc_required
from .transfers import copy_id

_KIND = PULLED_COLUMNS.index("kind")
_CHANGE_ID = PULLED_COLUMNS.index("change_id")
_RECORD_ID = PULLED_COLUMNS.index("record_id")
_FIELD = PULLED_COLUMNS.index("field")


@dataclass(frozen=True)
class TransferFilter:
    """What `transfer list` shows: all of it, or the transfers of one household, those out
    of or into an area, received at or after `since` and before `until`."""

    household: str | None = None
    area: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class TransferListed:
    """One transfer as the server took it: when it reached the server (UTC), the household,
    the areas, how many records moved with it (the household too), and who sent it."""

    at: datetime
    household: str
    from_area: str
    to_area: str
    records: int
    user: str
    device_id: str
    device_name: str


@dataclass(frozen=True)
class TransferPulled:
    """A household's move, as a pull answer names it: the area it left, and the account and
    device that sent it."""

    from_area: str
    user: str
    device: str


class TransferHistory(StoreBase):
    """Reading the households' transfers."""

    def transfer_listing(self, where: TransferFilter | None = None) -> list[TransferListed]:
        """The transfers, oldest first (in the order the server took them)."""
        where = where or TransferFilter()
        query = (
            select(
                transfers.c.at,
                transfers.c.record_id,
                transfers.c.from_area,
                transfers.c.to_area,
                transfers.c.records,
                users.c.name,
                transfers.c.device_id,
                devices.c.name,
            )
            .join(users, users.c.id == transfers.c.user_id)
            .join(devices, devices.c.id == transfers.c.device_id)
            .order_by(transfers.c.id)
        )
        if where.household is not None:
            query = query.where(transfers.c.record_id == where.household)
        if where.area is not None:
            query = query.where(
                or_(transfers.c.from_area == where.area, transfers.c.to_area == where.area)
            )
        if where.since is not None:
            query = query.where(transfers.c.at >= where.since)
        if where.until is not None:
            query = query.where(transfers.c.at < where.until)
        with self._read() as conn:
            return [
                TransferListed(utc_required(at), *rest) for at, *rest in conn.execute(query).all()
            ]

    def transfers_pulled(self, rows: Sequence[Sequence[Any]]) -> dict[str, TransferPulled]:
        """For each `_area` entry of these log rows (columns as PULLED_COLUMNS) that moved a
        household, by the entry's change id: the area it left, and who sent the move.

        A laptop that receives a household sees its `_area` only as the copy of the transfer
        the server made in the area it went to (storage.transfers), which names the area it
        is in now, not the one it came from; a laptop of the area it left sees the transfer
        itself. Who sent it is said here too: the copies are logged under the account and
        device of the push that made them, whoever wrote what they copy, so the page's
        `authors` may name the mover for the writers of the records it moved. A transfer
        that lost to another moved nothing and has no entry here. Rows without an `_area`
        entry cost one pass over the page and no query.
        """
        moves = [
            (row[_CHANGE_ID], row[_RECORD_ID])
            for row in rows
            if row[_FIELD] == AREA and row[_KIND] == "change"
        ]
        if not moves:
            return {}
        found: dict[str, TransferPulled] = {}
        households = sorted({household for _, household in moves})
        with self._read() as conn:
            for chunk in chunks(households):
                query = (
                    select(
                        transfers.c.change_id, transfers.c.from_area, users.c.name, devices.c.name
                    )
                    .join(users, users.c.id == transfers.c.user_id)
                    .join(devices, devices.c.id == transfers.c.device_id)
                    .where(transfers.c.record_id.in_(chunk))
                )
                for change_id, from_area, user, device in conn.execute(query):
                    pulled = TransferPulled(from_area, user, device)
                    # The transfer itself, and its copy (named by the transfer and the entry
                    # it copies: the transfer again).
                    found[change_id] = pulled
                    found[copy_id(change_id, change_id)] = pulled
        return {change_id: found[change_id] for change_id, _ in moves if change_id in found}
