"""The households moved to another area (転居・引継ぎ), as people look them up afterwards:
`marugoto-sync transfer list`. What a push does when a household moves is transfers.py's;
this part only reads the `transfers` table it keeps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select

from ..tables import devices, transfers, users
from .base import StoreBase, utc_required


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
