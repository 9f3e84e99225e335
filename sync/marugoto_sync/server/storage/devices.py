"""Devices: enrollment, the identity behind a token, and how a device ends.

A device ends in one of two ways. Revoked: a lost or stolen laptop; its next contact is
refused and it erases its vault with whatever it had not sent. Retired: it gave up its token
itself, after sending everything when the office asked (`device retire`), or when its vault
enrolled again (`enroll --replace`) and the new device took over its unsent work. The
office's request to retire can be taken back until the device has retired (`device retire
--cancel`); a device retiring as asked retires only while the request stands, so the two
never cross.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, or_, select, update

from ..tables import devices, user_areas, users
from .base import StorageError, StoreBase, UnknownDevice, utc, utc_required

# A device id may be given by its start, as long as no other id starts alike.
MIN_ID_PREFIX = 4


@dataclass(frozen=True)
class DeviceInfo:
    id: str
    user: str
    name: str
    created_at: datetime
    last_seen_at: datetime | None  # its latest request with its token: its last sync
    revoked_at: datetime | None
    app_version: str | None
    retire_requested_at: datetime | None = None
    retired_at: datetime | None = None

    @property
    def status(self) -> str:
        """active, retiring (asked, not yet done), retired or revoked."""
        if self.revoked_at is not None:
            return "revoked"
        if self.retired_at is not None:
            return "retired"
        if self.retire_requested_at is not None:
            return "retiring"
        return "active"


@dataclass(frozen=True)
class DeviceIdentity:
    """Who is behind a device token, as of this request."""

    device_id: str
    device_name: str
    user_id: int
    user: str
    role: str
    areas: tuple[str, ...]
    revoked: bool
    last_seen_at: datetime | None
    app_version: str | None
    retired: bool = False
    retiring: bool = False  # the office asked it to send everything and erase itself
    pulling: bool = False  # its latest request of a sync was a pull (devices.pulling)


# Who is behind a token (parameter `token`: its SHA-256): a row per area of the user (one with
# no area if they have none). Every request of a laptop asks this first.
IDENTITY = (
    select(
        devices.c.id,
        devices.c.name,
        devices.c.revoked_at,
        devices.c.last_seen_at,
        devices.c.app_version,
        devices.c.retired_at,
        devices.c.retire_requested_at,
        users.c.id,
        users.c.name,
        users.c.role,
        user_areas.c.area,
        devices.c.pulling,
    )
    .join(users, users.c.id == devices.c.user_id)
    .outerjoin(user_areas, user_areas.c.user_id == users.c.id)
    .where(devices.c.token_sha256 == bindparam("token"))
)


# The writes of a device's requests, each a transaction of its own (StoreBase._execute_alone),
# built once: building a statement costs more than PostgreSQL spends running these.
_DEVICE = devices.c.id == bindparam("device")
_TOUCH = (
    update(devices)
    .where(_DEVICE)
    .values(last_seen_at=bindparam("at"), app_version=bindparam("app_version"))
)
_PULLS_BEGIN = (
    update(devices)
    .where(_DEVICE, devices.c.pulling.is_(False))
    .values(known_seq=devices.c.served_seq, pulling=True)
)
# Also run inside a push's transaction (storage.push): a push ends its device's run too.
PULLS_END = update(devices).where(_DEVICE, devices.c.pulling.is_(True)).values(pulling=False)
_TRANSFER_SERVED = (
    update(devices)
    .where(_DEVICE, devices.c.served_seq < bindparam("upto"))
    .values(served_seq=bindparam("upto"))
)


def identity_of(rows: Sequence[Sequence[Any]]) -> DeviceIdentity | None:
    """The identity in the rows of IDENTITY (None: no device has the token)."""
    if not rows:
        return None
    row = rows[0]
    return DeviceIdentity(
        device_id=row[0],
        device_name=row[1],
        user_id=row[7],
        user=row[8],
        role=row[9],
        areas=tuple(sorted(r[10] for r in rows if r[10] is not None)),
        revoked=row[2] is not None,
        last_seen_at=utc(row[3]),
        app_version=row[4],
        retired=row[5] is not None,
        retiring=row[6] is not None,
        pulling=bool(row[11]),
    )


class SuccessorRefused(StorageError):
    """The device named to take over from a retiring one is not an active device of the same
    user, or took over from another device already."""


class DeviceEnded(StorageError):
    """The device is revoked or retired already: nothing more can be asked of it."""


class Devices(StoreBase):
    """The devices of users."""

    def add_device(
        self, user_id: int, name: str, token_sha256: str, at: datetime, app_version: str
    ) -> str:
        """A new device of a user; it has not synced yet (last_seen_at stays empty)."""
        device_id = str(uuid.uuid4())
        with self._write() as conn:
            conn.execute(
                insert(devices),
                {
                    "id": device_id,
                    "user_id": user_id,
                    "name": name,
                    "token_sha256": token_sha256,
                    "created_at": at,
                    "app_version": app_version,
                },
            )
        return device_id

    def device_for_token(self, token_sha256: str) -> DeviceIdentity | None:
        with self._read() as conn:
            return identity_of(conn.execute(IDENTITY, {"token": token_sha256}).all())

    def touch_device(self, device_id: str, at: datetime, app_version: str) -> None:
        """Note a request of the device: when, and the app version it named."""
        self._execute_alone(_TOUCH, {"device": device_id, "at": at, "app_version": app_version})

    # How far a device's pulls brought it (tables.devices; storage.transfers reads it). A
    # pull writes only as a run of pulls begins (once a sync) and when a page carries a
    # transfer (rare): pulls stay reads.

    def pulls_begin(self, device_id: str) -> None:
        """A run of pulls begins (the device's first pull since its status or its push): what
        it had been served before is what it surely knew as it began."""
        # Only the first pull of a run (pulls of one run may come at once).
        self._execute_alone(_PULLS_BEGIN, {"device": device_id})

    def pulls_end(self, device_id: str) -> None:
        """A new sync begins (its status): the next pull begins a new run."""
        self._execute_alone(PULLS_END, {"device": device_id})

    def transfer_served(self, device_id: str, upto: int) -> None:
        """A page that carried a transfer (an `_area` entry) was served to the device: it may
        know of everything of its areas up to `upto`."""
        self._execute_alone(_TRANSFER_SERVED, {"device": device_id, "upto": upto})

    def devices(self) -> list[DeviceInfo]:
        with self._read() as conn:
            rows = conn.execute(self._device_query().order_by(users.c.name, devices.c.created_at))
            return [self._device_info(r) for r in rows]

    def device(self, device_id: str) -> DeviceInfo:
        """The device with this id, or with the only id that starts with it."""
        with self._read() as conn:
            return self._device_info(self._device_row(conn, device_id))

    def revoke_device(self, device_id: str, at: datetime) -> DeviceInfo:
        """Revoke a device (id or a unique start of it); a second revocation keeps the first
        time, and a retired device stays retired."""
        with self._write() as conn:
            found = self._device_row(conn, device_id)[0]
            conn.execute(
                update(devices)
                .where(
                    devices.c.id == found,
                    devices.c.revoked_at.is_(None),
                    devices.c.retired_at.is_(None),
                )
                .values(revoked_at=at)
            )
            return self._device_info(self._device_row(conn, found))

    def request_retirement(self, device_id: str, at: datetime) -> DeviceInfo:
        """Ask a device (id or a unique start of it) to send what it has not sent and then
        erase itself, at its next sync. Refused (DeviceEnded) for one revoked or retired."""
        with self._write() as conn:
            info = self._device_info(self._device_row(conn, device_id))
            if info.status in ("revoked", "retired"):
                raise DeviceEnded(f"Device {info.id} ({info.name}) is {info.status} already.")
            conn.execute(
                update(devices)
                .where(devices.c.id == info.id, devices.c.retire_requested_at.is_(None))
                .values(retire_requested_at=at)
            )
            return self._device_info(self._device_row(conn, info.id))

    def cancel_retirement(self, device_id: str) -> tuple[DeviceInfo, bool]:
        """Take back the request to retire a device (id or a unique start of it): it stays
        active. Refused (DeviceEnded) for one revoked or retired already. Returns the device
        and whether there was a request to take back."""
        with self._write() as conn:
            info = self._device_info(self._device_row(conn, device_id))
            # One statement, conditional: a device retiring at this moment either retired
            # first (refused below) or finds the request gone (retire_device refuses).
            cancelled = conn.execute(
                update(devices)
                .where(
                    devices.c.id == info.id,
                    devices.c.retire_requested_at.is_not(None),
                    devices.c.retired_at.is_(None),
                    devices.c.revoked_at.is_(None),
                )
                .values(retire_requested_at=None)
            ).rowcount
            after = self._device_info(self._device_row(conn, info.id))
            if not cancelled and after.status in ("revoked", "retired"):
                raise DeviceEnded(f"Device {after.id} ({after.name}) is {after.status} already.")
            return after, bool(cancelled)

    def retire_device(
        self, device_id: str, at: datetime, *, as_asked: bool = False, successor: str | None = None
    ) -> bool:
        """The device gives up its token (its own request): from now on it opens nothing.
        `as_asked`: it retires because the office asked, so only while that request stands;
        False if it was taken back (the device stays active). `successor`: the device its
        vault enrolled as again (`enroll --replace`), which takes over its place in the log
        (storage.transfers); SuccessorRefused, and nothing changes, if that is not an active
        device of the same user free to take over."""
        condition = [devices.c.id == device_id, devices.c.retired_at.is_(None)]
        if as_asked:
            condition.append(devices.c.retire_requested_at.is_not(None))
        with self._write() as conn:
            if successor is not None:
                self._take_over(conn, device_id, successor)
            if conn.execute(update(devices).where(*condition).values(retired_at=at)).rowcount:
                return True
            # Retired already (a repeated request whose answer was lost): that stands.
            retired = conn.execute(
                select(devices.c.retired_at).where(devices.c.id == device_id)
            ).scalar()
            return retired is not None

    @staticmethod
    def _take_over(conn: Connection, device_id: str, successor: str) -> None:
        """`successor` stands in the place of `device_id` from now on (devices.replaces)."""
        user = select(devices.c.user_id).where(devices.c.id == device_id).scalar_subquery()
        taken = conn.execute(
            update(devices)
            .where(
                devices.c.id == successor,
                devices.c.id != device_id,
                devices.c.user_id == user,
                devices.c.revoked_at.is_(None),
                devices.c.retired_at.is_(None),
                or_(devices.c.replaces.is_(None), devices.c.replaces == device_id),
            )
            .values(replaces=device_id)
        ).rowcount
        if not taken:
            raise SuccessorRefused(
                f"Device {successor} cannot take over from device {device_id}: it is not an "
                "active device of the same user, or took over from another device already."
            )

    def _device_row(self, conn: Connection, device_id: str) -> Sequence[Any]:
        row = conn.execute(self._device_query().where(devices.c.id == device_id)).first()
        if row is not None:
            return row
        if len(device_id) >= MIN_ID_PREFIX:
            rows = conn.execute(
                self._device_query()
                .where(devices.c.id.startswith(device_id, autoescape=True))
                .limit(3)
            ).all()
            if len(rows) == 1:
                return rows[0]
            if rows:
                listed = ", ".join(r[0] for r in rows[:2]) + (", …" if len(rows) > 2 else "")
                raise UnknownDevice(
                    f"Several devices have ids that start with {device_id!r} ({listed}): "
                    "give more of the id."
                )
        raise UnknownDevice(
            f"There is no device with id {device_id!r}; marugoto-sync device list shows them."
        )

    @staticmethod
    def _device_query() -> Any:
        return select(
            devices.c.id,
            users.c.name,
            devices.c.name,
            devices.c.created_at,
            devices.c.last_seen_at,
            devices.c.revoked_at,
            devices.c.app_version,
            devices.c.retire_requested_at,
            devices.c.retired_at,
        ).join(users, users.c.id == devices.c.user_id)

    @staticmethod
    def _device_info(row: Sequence[Any]) -> DeviceInfo:
        return DeviceInfo(
            row[0],
            row[1],
            row[2],
            utc_required(row[3]),
            utc(row[4]),
            utc(row[5]),
            row[6],
            utc(row[7]),
            utc(row[8]),
        )
