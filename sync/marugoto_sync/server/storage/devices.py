"""Devices: enrolment, the identity behind a token, revocation."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update

from ..tables import devices, users
from .base import StoreBase, UnknownDevice, utc, utc_required


@dataclass(frozen=True)
class DeviceInfo:
    id: str
    user: str
    name: str
    created_at: datetime
    last_seen_at: datetime | None  # its latest request with its token: its last sync
    revoked_at: datetime | None
    app_version: str | None


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
            row = conn.execute(
                select(
                    devices.c.id,
                    devices.c.name,
                    devices.c.revoked_at,
                    devices.c.last_seen_at,
                    devices.c.app_version,
                    users.c.id,
                    users.c.name,
                    users.c.role,
                )
                .join(users, users.c.id == devices.c.user_id)
                .where(devices.c.token_sha256 == token_sha256)
            ).first()
            if row is None:
                return None
            return DeviceIdentity(
                device_id=row[0],
                device_name=row[1],
                user_id=row[5],
                user=row[6],
                role=row[7],
                areas=self._areas_of(conn, row[5]),
                revoked=row[2] is not None,
                last_seen_at=utc(row[3]),
                app_version=row[4],
            )

    def touch_device(self, device_id: str, at: datetime, app_version: str) -> None:
        """Note a request of the device: when, and the app version it named."""
        with self._write() as conn:
            conn.execute(
                update(devices)
                .where(devices.c.id == device_id)
                .values(last_seen_at=at, app_version=app_version)
            )

    def devices(self) -> list[DeviceInfo]:
        with self._read() as conn:
            rows = conn.execute(self._device_query().order_by(users.c.name, devices.c.created_at))
            return [self._device_info(r) for r in rows]

    def revoke_device(self, device_id: str, at: datetime) -> DeviceInfo:
        """Revoke a device (once: a second revocation keeps the first time)."""
        with self._write() as conn:
            conn.execute(
                update(devices)
                .where(devices.c.id == device_id, devices.c.revoked_at.is_(None))
                .values(revoked_at=at)
            )
            row = conn.execute(self._device_query().where(devices.c.id == device_id)).first()
        if row is None:
            raise UnknownDevice(f"There is no device with id {device_id!r}.")
        return self._device_info(row)

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
        ).join(users, users.c.id == devices.c.user_id)

    @staticmethod
    def _device_info(row: Sequence[Any]) -> DeviceInfo:
        return DeviceInfo(
            row[0], row[1], row[2], utc_required(row[3]), utc(row[4]), utc(row[5]), row[6]
        )
