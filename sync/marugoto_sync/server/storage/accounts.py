"""Users, their areas and their logins."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from .. import throttle
from ..tables import devices, login_throttle, user_areas, users
from ..throttle import Backoff
from .base import StorageError, StoreBase, UnknownUser, UserExists, utc, utc_required
from .postgresql import LOGIN_LOCK


@dataclass(frozen=True)
class UserInfo:
    id: int
    name: str
    role: str
    areas: tuple[str, ...]
    created_at: datetime
    active_devices: int
    disabled_at: datetime | None = None
    totp_enabled: bool = False  # enrollment needs a one-time code besides the password
    totp_required: bool = False  # the office's policy: TOTP may not be turned off


@dataclass(frozen=True)
class LoginCandidate:
    user_id: int
    name: str
    role: str
    password_hash: str
    areas: tuple[str, ...]
    # Kept out of repr, so that no log line or traceback shows it.
    totp_secret: str | None = field(default=None, repr=False)
    totp_last_step: int | None = None


def _unknown_name_key(name: str) -> str:
    """The login_throttle key of a user name: never an address (those have no space)."""
    return "name " + hashlib.sha256(name.encode()).hexdigest()[:48]


def _wait(backoff: Backoff, failures: int, at: datetime) -> datetime | None:
    """Until when logins wait after `failures` failures in a row at `at` (None: no wait)."""
    delay = backoff.delay_after(failures)
    return at + timedelta(seconds=delay) if delay else None


class Accounts(StoreBase):
    """Users and logins."""

    # -- users -------------------------------------------------------------------------------

    def add_user(
        self,
        name: str,
        role: str,
        areas: Sequence[str],
        password_hash: str,
        at: datetime,
        *,
        totp_secret: str | None = None,
    ) -> UserInfo:
        """Add a user; with `totp_secret`, one whose TOTP is required from the start."""
        with self._write() as conn:
            if conn.execute(select(users.c.id).where(users.c.name == name)).first():
                raise UserExists(f"A user named {name!r} already exists.")
            try:
                user_id = conn.execute(
                    insert(users).returning(users.c.id),
                    {
                        "name": name,
                        "role": role,
                        "password_hash": password_hash,
                        "created_at": at,
                        "totp_secret": totp_secret,
                        "totp_required": totp_secret is not None,
                    },
                ).scalar_one()
            except IntegrityError:
                raise UserExists(f"A user named {name!r} already exists.") from None
            if areas:
                conn.execute(insert(user_areas), [{"user_id": user_id, "area": a} for a in areas])
        required = totp_secret is not None
        return UserInfo(user_id, name, role, tuple(areas), at, 0, None, required, required)

    def users(self) -> list[UserInfo]:
        active = (
            select(func.count())
            .where(
                devices.c.user_id == users.c.id,
                devices.c.revoked_at.is_(None),
                devices.c.retired_at.is_(None),
            )
            .scalar_subquery()
        )
        with self._read() as conn:
            rows = conn.execute(
                select(
                    users.c.id,
                    users.c.name,
                    users.c.role,
                    users.c.created_at,
                    active,
                    users.c.disabled_at,
                    users.c.totp_secret.is_not(None),
                    users.c.totp_required,
                ).order_by(users.c.name)
            ).all()
            areas = self._areas_by_user(conn)
        return [
            UserInfo(
                r[0],
                r[1],
                r[2],
                areas.get(r[0], ()),
                utc_required(r[3]),
                r[4],
                utc(r[5]),
                bool(r[6]),
                bool(r[7]),
            )
            for r in rows
        ]

    def set_user_disabled(self, name: str, at: datetime | None) -> int:
        """Disable a user at `at` (None: enable again); returns how many devices this revoked.

        A disabled user's password opens nothing (the answer is that of a wrong password) and
        every device of theirs is revoked, so each erases its vault at its next contact.
        Enabling again lets the user enroll new devices; revoked ones stay revoked.
        """
        with self._write() as conn:
            user_id = conn.execute(select(users.c.id).where(users.c.name == name)).scalar()
            if user_id is None:
                raise UnknownUser(f"There is no user named {name!r}.")
            conn.execute(update(users).where(users.c.id == user_id).values(disabled_at=at))
            if at is None:
                return 0
            revoked = conn.execute(
                update(devices)
                .where(
                    devices.c.user_id == user_id,
                    devices.c.revoked_at.is_(None),
                    devices.c.retired_at.is_(None),
                )
                .values(revoked_at=at)
            )
            return int(revoked.rowcount or 0)

    def set_user_areas(
        self, name: str, areas: Sequence[str]
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Grant exactly `areas`; returns (gained, lost)."""
        with self._write() as conn:
            user_id = conn.execute(select(users.c.id).where(users.c.name == name)).scalar()
            if user_id is None:
                raise UnknownUser(f"There is no user named {name!r}.")
            before = set(self._areas_of(conn, user_id))
            after = set(areas)
            if before - after:
                conn.execute(
                    delete(user_areas).where(
                        user_areas.c.user_id == user_id, user_areas.c.area.in_(before - after)
                    )
                )
            if after - before:
                conn.execute(
                    insert(user_areas),
                    [{"user_id": user_id, "area": a} for a in sorted(after - before)],
                )
        return tuple(sorted(after - before)), tuple(sorted(before - after))

    # -- logging in --------------------------------------------------------------------------

    def login_candidate(self, name: str) -> LoginCandidate | None:
        with self._read() as conn:
            row = conn.execute(
                select(
                    users.c.id,
                    users.c.name,
                    users.c.role,
                    users.c.password_hash,
                    users.c.totp_secret,
                    users.c.totp_last_step,
                ).where(users.c.name == name, users.c.disabled_at.is_(None))
            ).first()
            if row is None:
                return None
            return LoginCandidate(
                row[0], row[1], row[2], row[3], self._areas_of(conn, row[0]), row[4], row[5]
            )

    @contextmanager
    def _login_bookkeeping(self) -> Iterator[Connection]:
        """A write transaction that every server process takes one at a time for logins.

        SQLite's write lock (taken at BEGIN) already serializes them; on PostgreSQL a
        transaction-scoped advisory lock does, so that reading a count and writing it again
        cannot interleave with another process doing the same.
        """
        with self._write() as conn:
            if self._postgresql:
                conn.execute(select(func.pg_advisory_xact_lock(LOGIN_LOCK)))
            yield conn

    def count_login_attempt(
        self,
        name: str,
        address: str,
        at: datetime,
        per_user: Backoff | None = None,
        per_address: Backoff | None = None,
    ) -> datetime | None:
        """Count a login attempt as failed before its password is checked, or refuse it.

        Returns None when the attempt may go on (its password may be checked), or the time
        before which no login for this name, or from this address, is tried; a refused
        attempt counts nothing. Counting first, in one transaction all server processes
        take in turn, bounds the passwords checked however many attempts arrive at once:
        an attempt that arrives while others are being checked sees their counts. A success
        then clears the counts (record_login_success).
        """
        per_user, per_address = per_user or throttle.PER_USER, per_address or throttle.PER_ADDRESS
        name_key = _unknown_name_key(name)
        with self._login_bookkeeping() as conn:
            user = conn.execute(
                select(users.c.failed_logins, users.c.next_login_at).where(users.c.name == name)
            ).first()
            # The name's own row counts the failures of a name no user has (had, when added
            # later): it is checked either way.
            throttled = {
                row[0]: (row[1], utc(row[2]))
                for row in conn.execute(
                    select(
                        login_throttle.c.address,
                        login_throttle.c.failed_logins,
                        login_throttle.c.next_login_at,
                    ).where(login_throttle.c.address.in_([name_key, address]))
                )
            }
            waits = [until for _count, until in throttled.values()]
            if user is not None:
                waits.append(utc(user[1]))
            blocked = [t for t in waits if t is not None and t > at]
            if blocked:
                return max(blocked)
            if user is not None:
                failures = user[0] + 1
                conn.execute(
                    update(users)
                    .where(users.c.name == name)
                    .values(failed_logins=failures, next_login_at=_wait(per_user, failures, at))
                )
            else:
                # A name no user has is slowed down exactly like one that exists: otherwise
                # the answer after a few tries would tell which names are users.
                self._count_failure(conn, name_key, throttled, at, per_user)
            self._count_failure(conn, address, throttled, at, per_address)
        return None

    def _count_failure(
        self,
        conn: Connection,
        key: str,
        counts: dict[str, tuple[int, datetime | None]],
        at: datetime,
        backoff: Backoff,
    ) -> None:
        """One more failure for a client address (or an unknown name) in login_throttle."""
        failures = counts.get(key, (0, None))[0] + 1
        conn.execute(
            self._upsert(conn, login_throttle, ["address"]),
            {
                "address": key,
                "failed_logins": failures,
                "next_login_at": _wait(backoff, failures, at),
            },
        )

    def record_login_success(self, user_id: int, address: str) -> None:
        """Reset the counts of the name and of the address: an office that shares one
        address would otherwise pile up every consultant's typos over the months until each
        wrong password kept everyone waiting."""
        with self._login_bookkeeping() as conn:
            conn.execute(
                update(users)
                .where(users.c.id == user_id)
                .values(failed_logins=0, next_login_at=None)
            )
            conn.execute(delete(login_throttle).where(login_throttle.c.address == address))

    def replace_password_hash(self, user_id: int, old: str, new: str) -> bool:
        """Store `new` as the user's hash if it still is `old` (rehashing at login)."""
        with self._write() as conn:
            replaced = conn.execute(
                update(users)
                .where(users.c.id == user_id, users.c.password_hash == old)
                .values(password_hash=new)
            )
            return bool(replaced.rowcount)

    # -- one-time codes (TOTP) ---------------------------------------------------------------

    def _totp_row(self, conn: Connection, name: str) -> tuple[int, str | None, bool]:
        row = conn.execute(
            select(users.c.id, users.c.totp_secret, users.c.totp_required).where(
                users.c.name == name
            )
        ).first()
        if row is None:
            raise UnknownUser(f"There is no user named {name!r}.")
        return int(row[0]), row[1], bool(row[2])

    def enable_totp(self, name: str, secret: str, *, replace: bool = False) -> bool:
        """Give the user this TOTP secret; returns whether it replaced one. A user who has one
        keeps it unless `replace` (a lost phone): the old secret's codes then open nothing."""
        with self._write() as conn:
            user_id, current, _required = self._totp_row(conn, name)
            if current is not None and not replace:
                raise StorageError(
                    f"{name} has TOTP set up already: to give them a new secret (a lost or new "
                    f"phone), add --replace (codes of the old one then open nothing)"
                )
            conn.execute(
                update(users)
                .where(users.c.id == user_id)
                .values(totp_secret=secret, totp_last_step=None)
            )
            return current is not None

    def disable_totp(self, name: str) -> bool:
        """Remove the user's TOTP secret (enrollment needs the password alone); returns whether
        they had one. Refused while the office's policy requires TOTP of them."""
        with self._write() as conn:
            user_id, current, required = self._totp_row(conn, name)
            if required:
                raise StorageError(
                    f"the policy requires TOTP of {name}: lift it first (user totp optional "
                    f"{name}), then disable it"
                )
            conn.execute(
                update(users)
                .where(users.c.id == user_id)
                .values(totp_secret=None, totp_last_step=None)
            )
            return current is not None

    def require_totp(self, name: str, secret_if_none: str) -> bool:
        """Require TOTP of the user from now on; one who has no secret yet gets
        `secret_if_none`. Returns whether that secret was given."""
        with self._write() as conn:
            user_id, current, _required = self._totp_row(conn, name)
            values: dict[str, object] = {"totp_required": True}
            if current is None:
                values.update(totp_secret=secret_if_none, totp_last_step=None)
            conn.execute(update(users).where(users.c.id == user_id).values(**values))
            return current is None

    def make_totp_optional(self, name: str) -> bool:
        """Lift the policy (TOTP stays as set up); returns whether it was required."""
        with self._write() as conn:
            user_id, _current, required = self._totp_row(conn, name)
            conn.execute(update(users).where(users.c.id == user_id).values(totp_required=False))
            return required

    def use_totp_step(self, user_id: int, secret: str, step: int) -> bool:
        """Record that a code of `step` was accepted, if no code of it or of a later step was
        before (and the secret is still this one); False: a replay, refuse it. One
        conditional update, so that two logins with one code at once cannot both pass."""
        with self._write() as conn:
            used = conn.execute(
                update(users)
                .where(
                    users.c.id == user_id,
                    users.c.totp_secret == secret,
                    or_(users.c.totp_last_step.is_(None), users.c.totp_last_step < step),
                )
                .values(totp_last_step=step)
            )
            return bool(used.rowcount)
