"""`marugoto-sync`: run the 総合センター sync server and administer its users and devices.

Every command that touches the database takes `--database URL` (a SQLite file path or URL,
or `postgresql://user@host:port/db`; default: $MARUGOTO_SYNC_DATABASE). Errors are one line
on stderr and a non-zero exit status.
"""

from __future__ import annotations

import argparse
import getpass
import ipaddress
import json
import os
import socket
import ssl
import stat
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from alembic.util.exc import CommandError
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from ..english import counted, verb
from .audit_cli import audit_verify, print_admin_actions, print_audit_entries, print_transfers
from .certs import CertificateError, write_dev_certificates
from .database import (
    BackupUnusable,
    DatabaseUrlInvalid,
    backup_sqlite,
    restore_sqlite,
    sqlite_files,
)
from .passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, hash_password
from .storage import (
    AuditFilter,
    DeviceAudit,
    DeviceInfo,
    Storage,
    StorageError,
    TransferFilter,
    UserInfo,
)
from .totp import DIGITS, new_secret, provisioning_uri
from .vocabulary import AREAS, ROLES, UnknownCode, checked_areas, checked_role, checked_user_name

PROG = "marugoto-sync"
DATABASE_ENV = "MARUGOTO_SYNC_DATABASE"
LOOPBACK_NAMES = ("localhost",)
# After SIGTERM, requests still running get this long to finish before they are cancelled.
SHUTDOWN_GRACE_S = 10


class CliError(Exception):
    """A problem to report on one line; the command exits with status 1."""


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@contextmanager
def _open(args: argparse.Namespace) -> Iterator[Storage]:
    """The storage of --database, closed when the command is done."""
    if not args.database:
        raise CliError(f"give --database URL (or set {DATABASE_ENV})")
    storage = Storage.open(args.database)
    try:
        yield storage
    finally:
        storage.close()


def _when(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value is not None else None


def _local(value: datetime) -> str:
    """A time as a person reads it in a table: this computer's time zone, to the minute."""
    return value.astimezone().strftime("%Y-%m-%d %H:%M")


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


def _administrator() -> str:
    """Who runs this command, for the administrators' audit chain: account@computer."""
    try:
        account = getpass.getuser()
    except (KeyError, OSError):
        account = "unknown"
    return f"{account}@{socket.gethostname()}"


def _record(storage: Storage, action: str, subject: str | None, **detail: Any) -> None:
    """Add what was just done to the server's chain of administrators' actions."""
    storage.append_admin_action(_administrator(), action, subject, detail, datetime.now(UTC))


# -- serve ------------------------------------------------------------------------------------


def _readable_by_others(paths: Sequence[Path]) -> list[Path]:
    """Those of `paths` that exist and that other accounts may read or write (POSIX)."""
    if os.name != "posix":
        return []  # Windows keeps access in ACLs, which the mode bits do not show
    found = []
    for path in paths:
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            continue
        if mode & (stat.S_IROTH | stat.S_IWOTH):
            found.append(path)
    return found


def _refuse_open_files(args: argparse.Namespace) -> None:
    """Refuse to serve from database or key files that every account of the machine can read:
    the database holds the records in clear, the key would let anyone pose as the server."""
    paths = sqlite_files(args.database)
    if args.tls_key is not None:
        paths.append(args.tls_key)
    exposed = _readable_by_others(paths)
    if exposed:
        names = " ".join(str(p) for p in exposed)
        raise CliError(
            f"other accounts of this machine may read or write {names}; make them the "
            f"server account's only (chmod 600 {names}) and start again"
        )


def _trusted_proxies(addresses: Sequence[str]) -> list[str]:
    for address in addresses:
        try:
            ipaddress.ip_network(address, strict=False)
        except ValueError:
            raise CliError(f"--trusted-proxy {address}: not an IP address or network") from None
    return list(addresses)


def _serve(args: argparse.Namespace) -> int:
    if not args.database:
        raise CliError(f"give --database URL (or set {DATABASE_ENV})")
    proxies = _trusted_proxies(args.trusted_proxy or [])
    tls = args.tls_cert is not None or args.tls_key is not None
    if args.insecure_dev_http:
        if tls:
            raise CliError("--insecure-dev-http cannot be combined with --tls-cert/--tls-key")
        if not _is_loopback(args.host):
            raise CliError(
                f"plain HTTP is allowed only on a loopback address (127.0.0.1, ::1, localhost), "
                f"not on {args.host}; give --tls-cert and --tls-key for HTTPS"
            )
    else:
        if args.tls_cert is None or args.tls_key is None:
            raise CliError(
                "HTTPS needs both --tls-cert and --tls-key (for development only: "
                "--insecure-dev-http on 127.0.0.1)"
            )
        try:
            ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(
                args.tls_cert, args.tls_key
            )
        except (OSError, ssl.SSLError) as e:
            raise CliError(f"cannot use {args.tls_cert} with {args.tls_key}: {e}") from None
    _refuse_open_files(args)
    import uvicorn

    from .app import create_app

    app = create_app(args.database, min_app_version=args.min_app_version)
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        ssl_certfile=args.tls_cert,
        ssl_keyfile=args.tls_key,
        server_header=False,
        log_level=args.log_level,
        # The client address (which failed logins are counted against) comes from
        # X-Forwarded-For only when the connection comes from a proxy named by the operator;
        # uvicorn would otherwise believe any process of this machine (127.0.0.1).
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies or None,
        timeout_graceful_shutdown=SHUTDOWN_GRACE_S,
    )
    return 0


# -- users ------------------------------------------------------------------------------------


def _read_password(password_file: Path | None) -> str:
    if password_file is not None:
        try:
            lines = password_file.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            raise CliError(
                f"the password file {password_file} does not exist: give a file whose first "
                "line is the password, or leave --password-file out to be asked"
            ) from None
        except OSError as e:
            raise CliError(
                f"cannot read the password file {password_file} ({e.strerror}): check the "
                "path and its permissions"
            ) from None
        password = lines[0] if lines else ""
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Password again: ") != password:
            raise CliError("the two passwords differ; nothing was changed")
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise CliError(
            f"a password needs {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters"
        )
    return password


def _name_and_areas(args: argparse.Namespace, command: str) -> tuple[str, list[str]]:
    """The user's name and the area codes, however they were typed: `--area mure shoga`
    takes every word after it, so in `user add --area mure bob` the name arrives last among
    the areas; a word that is no area code there is the name."""
    areas, name = list(args.area or []), args.name
    if name is None and areas and areas[-1] not in AREAS:
        name = areas.pop()
    if name is None:
        raise CliError(f"give the user's name: marugoto-sync user {command} NAME --area CODE …")
    return checked_user_name(name), checked_areas(areas)


def _user_add(args: argparse.Namespace) -> int:
    name, areas = _name_and_areas(args, "add")
    role = checked_role(args.role)
    with _open(args) as storage:  # before the prompt: a wrong --database should not cost a password
        password = _read_password(args.password_file)
        secret = new_secret() if args.require_totp else None
        user = storage.add_user(
            name, role, areas, hash_password(password), datetime.now(UTC), totp_secret=secret
        )
        _record(
            storage,
            "user_add",
            user.name,
            role=user.role,
            areas=list(user.areas),
            totp_required=secret is not None,
        )
    print(f"Added {user.role} {user.name} with areas: {', '.join(user.areas) or '(none)'}.")
    if secret is not None:
        print(f"The policy requires TOTP of {name}.")
        _show_totp_secret(name, secret)
    return 0


def _show_totp_secret(name: str, secret: str) -> None:
    """The new secret, the one time it is shown: for the user's authenticator app."""
    print(
        f"Add this to the authenticator app on {name}'s phone now; it is not shown again:\n"
        f"  {provisioning_uri(secret, name)}\n"
        f"  (or type in the key: {secret})\n"
        f"From now on, enrolling a laptop as {name} needs the password and the app's current "
        f"{DIGITS}-digit code."
    )


def _totp_enable(args: argparse.Namespace) -> int:
    secret = new_secret()
    with _open(args) as storage:
        replaced = storage.enable_totp(args.name, secret, replace=args.replace)
        # Never the secret itself: the chain is listed and exported.
        _record(storage, "user_totp_enable", args.name, replaced=bool(replaced))
    if replaced:
        print(f"{args.name} has a new TOTP secret; codes of the old one open nothing any more.")
    _show_totp_secret(args.name, secret)
    return 0


def _totp_disable(args: argparse.Namespace) -> int:
    with _open(args) as storage:
        had = storage.disable_totp(args.name)
        if had:
            _record(storage, "user_totp_disable", args.name)
    if had:
        print(f"TOTP is off for {args.name}: enrolling a laptop needs the password alone.")
    else:
        print(f"{args.name} had no TOTP set up; enrolling a laptop needs the password alone.")
    return 0


def _totp_require(args: argparse.Namespace) -> int:
    secret = new_secret()
    with _open(args) as storage:
        given = storage.require_totp(args.name, secret)
        _record(storage, "user_totp_require", args.name, secret_given=bool(given))
    print(f"The policy requires TOTP of {args.name}: it cannot be disabled until lifted.")
    if given:
        _show_totp_secret(args.name, secret)
    return 0


def _totp_optional(args: argparse.Namespace) -> int:
    with _open(args) as storage:
        was = storage.make_totp_optional(args.name)
        if was:
            _record(storage, "user_totp_optional", args.name)
    if was:
        print(
            f"The policy no longer requires TOTP of {args.name}; it stays as set up (user totp "
            f"disable {args.name} turns it off)."
        )
    else:
        print(f"The policy did not require TOTP of {args.name}; nothing changed.")
    return 0


def _totp_text(user: UserInfo) -> str:
    if user.totp_required:
        return "required"
    return "on" if user.totp_enabled else "-"


def _user_json(user: UserInfo) -> dict[str, Any]:
    return {
        "name": user.name,
        "role": user.role,
        "areas": list(user.areas),
        "active_devices": user.active_devices,
        "created_at": _when(user.created_at),
        "disabled_at": _when(user.disabled_at),
        "totp_enabled": user.totp_enabled,
        "totp_required": user.totp_required,
    }


def _user_list(args: argparse.Namespace) -> int:
    with _open(args) as storage:
        users = storage.users()
    if args.json:
        print(json.dumps([_user_json(u) for u in users], ensure_ascii=False, indent=2))
    elif users:
        rows = [["NAME", "ROLE", "AREAS", "DEVICES", "TOTP", "DISABLED"]]
        for u in users:
            areas = ",".join(u.areas) or "-"
            disabled = _when(u.disabled_at) or "-"
            rows.append([u.name, u.role, areas, str(u.active_devices), _totp_text(u), disabled])
        print(_table(rows))
    else:
        print("No users yet; add one with: marugoto-sync user add NAME --role ROLE --area CODE")
    return 0


def _user_areas(args: argparse.Namespace) -> int:
    name, areas = _name_and_areas(args, "areas")
    if not areas:
        raise CliError("give at least one area (--area CODE); to stop a user, use user disable")
    with _open(args) as storage:
        gained, lost = storage.set_user_areas(name, areas)
        _record(storage, "user_areas", name, areas=areas, gained=list(gained), lost=list(lost))
    print(
        f"{name} now has areas: {', '.join(areas)} "
        f"(gained: {', '.join(gained) or 'none'}; lost: {', '.join(lost) or 'none'}). "
        "Laptops pick this up at their next sync."
    )
    return 0


def _user_disable(args: argparse.Namespace) -> int:
    with _open(args) as storage:
        revoked = storage.set_user_disabled(args.name, datetime.now(UTC))
        _record(storage, "user_disable", args.name, devices_revoked=revoked)
    print(
        f"{args.name} is disabled: their password opens nothing, and "
        f"{counted(revoked, 'device')} {verb(revoked, 'was', 'were')} "
        "revoked (each erases its local data at its next contact)."
    )
    return 0


def _user_enable(args: argparse.Namespace) -> int:
    with _open(args) as storage:
        storage.set_user_disabled(args.name, None)
        _record(storage, "user_enable", args.name)
    print(f"{args.name} may log in again and enroll new devices; revoked devices stay revoked.")
    return 0


# -- devices ----------------------------------------------------------------------------------


def _device_json(device: DeviceInfo) -> dict[str, Any]:
    return {
        "id": device.id,
        "user": device.user,
        "name": device.name,
        "created_at": _when(device.created_at),
        "last_seen_at": _when(device.last_seen_at),
        "app_version": device.app_version,
        "status": device.status,
        "revoked_at": _when(device.revoked_at),
        "retire_requested_at": _when(device.retire_requested_at),
        "retired_at": _when(device.retired_at),
    }


def _audit_json(audit: DeviceAudit | None) -> dict[str, Any]:
    if audit is None:
        return {"status": "none", "entries": 0}
    return {
        "status": audit.status,
        "entries": audit.check.entries,
        "broken_at": audit.check.broken_at,
        "broken_reason": audit.check.reason,
        "refused_at": _when(audit.refused_at),
        "refused_code": audit.refused_code,
        "refused_seq": audit.refused_seq,
        "refused_reason": audit.refused_reason,
    }


def _audit_cell(audit: DeviceAudit | None) -> str:
    """Whether the device's audit chain verified, in a word and a number."""
    if audit is None or audit.status == "none":
        return "none"
    if audit.status == "broken":
        return f"BROKEN at {audit.check.broken_at}"
    if audit.status == "refused":
        return f"REFUSED at {audit.refused_seq}"
    return f"verified {audit.check.entries}"


def _device_status(device: DeviceInfo) -> str:
    when = {
        "revoked": device.revoked_at,
        "retired": device.retired_at,
        "retiring": device.retire_requested_at,
    }.get(device.status)
    return device.status if when is None else f"{device.status} {_local(when)}"


def _device_list(args: argparse.Namespace) -> int:
    with _open(args) as storage:
        devices = storage.devices()
        audits = storage.device_audits([d.id for d in devices])
    if args.json:
        listed = [_device_json(d) | {"audit": _audit_json(audits.get(d.id))} for d in devices]
        print(json.dumps(listed, ensure_ascii=False, indent=2))
    elif devices:
        rows = [["ID", "USER", "NAME", "ENROLLED", "LAST SYNC", "APP", "STATUS", "AUDIT"]]
        rows += [
            [
                d.id,
                d.user,
                d.name,
                _local(d.created_at),
                _local(d.last_seen_at) if d.last_seen_at else "never",
                d.app_version or "-",
                _device_status(d),
                _audit_cell(audits.get(d.id)),
            ]
            for d in devices
        ]
        print(_table(rows))
    else:
        print("No devices have enrolled yet.")
    return 0


def _confirm(question: str, yes: bool) -> None:
    """Go on if --yes was given or a person at the terminal answers yes; else stop (CliError)."""
    if yes:
        return
    if not sys.stdin.isatty():
        raise CliError("give --yes to do this without being asked; nothing was changed")
    sys.stderr.write(f"{question} [y/N] ")
    sys.stderr.flush()
    if sys.stdin.readline().strip().lower() not in ("y", "yes"):
        raise CliError("nothing was changed")


def _last_sync(device: DeviceInfo) -> str:
    if device.last_seen_at is None:
        return "it never synced"
    return f"it last synced {_local(device.last_seen_at)}"


def _device_ended(device: DeviceInfo) -> bool:
    """Say so if the device is revoked or retired already (nothing more to do with it)."""
    if device.status not in ("revoked", "retired"):
        return False
    print(f"Device {device.id} ({device.name}, user {device.user}) is {_device_status(device)}.")
    return True


def _device_revoke(args: argparse.Namespace) -> int:
    with _open(args) as storage:
        device = storage.device(args.id)
        if _device_ended(device):
            return 0
        print(
            f"Revoking device {device.id} ({device.name}, user {device.user}; "
            f"{_last_sync(device)}): at its next contact the app erases its vault, with "
            "everything written on it that it has not sent. This cannot be undone. For a "
            "laptop handed back in working order, retire it instead "
            f"(marugoto-sync device retire {device.id}): it sends that work first."
        )
        _confirm("Revoke it?", args.yes)
        device = storage.revoke_device(device.id, datetime.now(UTC))
        _record(storage, "device_revoke", device.id, user=device.user, name=device.name)
    print(f"Device {device.id} is revoked.")
    return 0


def _device_retire(args: argparse.Namespace) -> int:
    if args.cancel:
        return _device_retire_cancel(args)
    with _open(args) as storage:
        device = storage.device(args.id)
        if _device_ended(device):
            return 0
        print(
            f"Retiring device {device.id} ({device.name}, user {device.user}; "
            f"{_last_sync(device)}): at its next sync it sends everything it has not sent, "
            "then erases its vault, and its token stops working. For a lost or stolen "
            f"laptop, revoke it instead (marugoto-sync device revoke {device.id})."
        )
        _confirm("Retire it?", args.yes)
        device = storage.request_retirement(device.id, datetime.now(UTC))
        _record(storage, "device_retire", device.id, user=device.user, name=device.name)
    print(f"Device {device.id} retires at its next sync.")
    return 0


def _device_retire_cancel(args: argparse.Namespace) -> int:
    """Take back a request to retire: nothing is lost by it, so nobody is asked."""
    with _open(args) as storage:
        device = storage.device(args.id)
        if device.status in ("revoked", "retired"):
            raise CliError(
                f"device {device.id} ({device.name}, user {device.user}) is "
                f"{_device_status(device)}: that cannot be undone (to use the laptop again, "
                "create a new vault on it and enroll it)"
            )
        device, cancelled = storage.cancel_retirement(device.id)
        if cancelled:
            _record(storage, "device_retire_cancel", device.id, user=device.user)
    if cancelled:
        print(
            f"Device {device.id} ({device.name}, user {device.user}) stays active: the "
            "request to retire it is taken back, and at its next sync it syncs as before."
        )
    else:
        print(f"Device {device.id} ({device.name}, user {device.user}) was not asked to retire.")
    return 0


# -- backups ----------------------------------------------------------------------------------


def _backup(args: argparse.Namespace) -> int:
    if not args.database:
        raise CliError(f"give --database URL (or set {DATABASE_ENV})")
    size = backup_sqlite(args.database, args.out, overwrite=args.force)
    print(
        f"Backed up the database to {args.out} ({size:,} bytes). It holds the records in "
        "clear: keep it on an encrypted disk, readable by the administrators only."
    )
    return 0


def _restore(args: argparse.Namespace) -> int:
    if not args.database:
        raise CliError(f"give --database URL (or set {DATABASE_ENV})")
    _confirm(
        f"Replace the database {args.database} with the backup {args.backup}? Stop the "
        "server first; what was synced since the backup leaves the server until the laptops "
        "send it back.",
        args.yes,
    )
    restore_sqlite(args.backup, args.database)
    print(f"Restored the database from {args.backup}.")
    return _mark_restored(args)


def _mark_restored(args: argparse.Namespace) -> int:
    with _open(args) as storage:
        restore = storage.record_restore(datetime.now(UTC))
        backup = getattr(args, "backup", None)
        _record(
            storage,
            "restore",
            None,
            log_head=restore.head,
            backup=None if backup is None else str(backup),
        )
    print(
        f"Recorded: this database was restored from a backup (its log ends at entry "
        f"{restore.head}). At their next sync the laptops send back what it lost; the server "
        f"takes their writes stamped before {_when(restore.recorded_at)} as replays."
    )
    return 0


# -- audit trails -----------------------------------------------------------------------------


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CliError(f"{option} {text}: give a date as YYYY-MM-DD") from None


def _day_start(day: date) -> datetime:
    """The start of a day in this computer's time zone, in UTC."""
    return datetime.combine(day, time()).astimezone().astimezone(UTC)


def _utc_stamp(day: date) -> str:
    """The start of a day in this computer's time zone, as entries' times are written (UTC)."""
    start = _day_start(day)
    return start.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _audit_list(args: argparse.Namespace) -> int:
    since = _day(args.since, "--from") if args.since else None
    until = _day(args.until, "--to") if args.until else None
    if since and until and until < since:
        raise CliError("--to is before --from")
    with _open(args) as storage:
        if args.admin:
            if args.user or args.device or args.household:
                raise CliError("--admin lists the administrators' actions: without --user, "
                               "--device or --household")  # fmt: skip
            actions = [
                a
                for a in storage.admin_actions()
                if (since is None or a.at >= _utc_stamp(since))
                and (until is None or a.at < _utc_stamp(until + timedelta(days=1)))
            ]
            print_admin_actions(actions, args.format)
            return 0
        device_id = storage.device(args.device).id if args.device else None
        if args.user and args.user not in {u.name for u in storage.users()}:
            # An unknown name is an error, not an empty list.
            raise CliError(f"there is no user {args.user!r}; marugoto-sync user list shows them")
        where = AuditFilter(
            user=args.user,
            device_id=device_id,
            household=args.household,
            since=_utc_stamp(since) if since else None,
            until=_utc_stamp(until + timedelta(days=1)) if until else None,
        )
        entries = storage.audit_listing(where)
    print_audit_entries(entries, args.format)
    return 0


def _audit_verify(args: argparse.Namespace) -> int:
    with _open(args) as storage:
        return audit_verify(storage, args.admin_link or [])


# -- households moved to another area ---------------------------------------------------------


def _transfer_list(args: argparse.Namespace) -> int:
    since = _day(args.since, "--from") if args.since else None
    until = _day(args.until, "--to") if args.until else None
    if since and until and until < since:
        raise CliError("--to is before --from")
    where = TransferFilter(
        household=args.household,
        area=args.area,
        since=_day_start(since) if since else None,
        until=_day_start(until + timedelta(days=1)) if until else None,
    )
    with _open(args) as storage:
        moves = storage.transfer_listing(where)
    print_transfers(moves, args.format)
    return 0


# -- certificates -----------------------------------------------------------------------------


def _dev_cert(args: argparse.Namespace) -> int:
    files = write_dev_certificates(args.out, args.host, overwrite=args.force)
    print(f"Wrote {files.ca}, {files.server} and {files.server_key}.")
    print(
        f"Serve with --tls-cert {files.server} --tls-key {files.server_key}; give {files.ca} "
        "to the desktop app (--ca-file)."
    )
    return 0


# -- the parser -------------------------------------------------------------------------------


class _Areas(argparse.Action):
    """`--area mure shoga`, `--area mure,shoga` or `--area mure --area shoga`, all alike."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        codes = list(getattr(namespace, self.dest, None) or [])
        for value in values:
            codes += [code.strip() for code in str(value).split(",") if code.strip()]
        setattr(namespace, self.dest, codes)


def _database_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database",
        default=os.environ.get(DATABASE_ENV),
        metavar="URL",
        help=f"SQLite file path or URL, or postgresql://user@host:port/db (default: "
        f"${DATABASE_ENV})",
    )


def _command(
    subparsers: Any, name: str, run: Callable[[argparse.Namespace], int], help_text: str
) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name, help=help_text, description=help_text[:1].upper() + help_text[1:] + "."
    )
    parser.set_defaults(run=run)
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="The 総合センター sync server.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = _command(commands, "serve", _serve, "run the server (HTTPS)")
    _database_option(serve)
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: %(default)s)"
    )
    serve.add_argument("--port", type=int, default=8443, help="(default: %(default)s)")
    serve.add_argument("--tls-cert", type=Path, metavar="FILE", help="server certificate (PEM)")
    serve.add_argument("--tls-key", type=Path, metavar="FILE", help="its private key (PEM)")
    serve.add_argument(
        "--insecure-dev-http",
        action="store_true",
        help="plain HTTP, for development on a loopback address only",
    )
    serve.add_argument(
        "--min-app-version",
        default="0.1.0",
        metavar="VERSION",
        help="older apps are refused (426) and keep working offline (default: %(default)s)",
    )
    serve.add_argument(
        "--trusted-proxy",
        action="append",
        metavar="ADDR",
        help="a reverse proxy (IP address or network) whose X-Forwarded-For names the client; "
        "repeatable (default: none, the connection's address counts)",
    )
    serve.add_argument(
        "--log-level",
        default="info",
        choices=["critical", "error", "warning", "info", "debug"],
        help="(default: %(default)s)",
    )

    user = _command(
        commands, "user", lambda _a: 0, "add and list users, set their areas and TOTP, disable them"
    )
    user_commands = user.add_subparsers(dest="user_command", required=True, metavar="COMMAND")
    add = _command(user_commands, "add", _user_add, "add a user")
    add.usage = "marugoto-sync user add NAME --role ROLE [--area CODE …] [options]"
    add.add_argument(
        "name", nargs="?", metavar="NAME", help="the login name: letters, digits, '.', '_' or '-'"
    )
    add.add_argument("--role", required=True, choices=ROLES, help=", ".join(ROLES))
    add.add_argument(
        "--area",
        nargs="+",
        action=_Areas,
        metavar="CODE",
        help=f"the areas the user may sync, by spaces or commas ({', '.join(AREAS)}; "
        "default: none)",
    )
    add.add_argument(
        "--password-file",
        type=Path,
        metavar="FILE",
        help="its first line is the password (default: asked twice)",
    )
    add.add_argument(
        "--require-totp",
        action="store_true",
        help="require a one-time code (TOTP) at enrollment too: sets it up and shows the secret "
        "for the user's authenticator app, once",
    )
    _database_option(add)
    listing = _command(user_commands, "list", _user_list, "list users")
    listing.add_argument("--json", action="store_true", help="as JSON, for programs")
    _database_option(listing)
    areas = _command(user_commands, "areas", _user_areas, "set the areas a user may sync")
    areas.usage = "marugoto-sync user areas NAME --area CODE … [options]"
    areas.add_argument("name", nargs="?", metavar="NAME", help="the user's login name")
    areas.add_argument(
        "--area",
        nargs="+",
        action=_Areas,
        required=True,
        metavar="CODE",
        help=f"exactly the areas the user may sync from now on, by spaces or commas "
        f"({', '.join(AREAS)})",
    )
    _database_option(areas)
    disable = _command(
        user_commands, "disable", _user_disable, "stop a user (one who leaves): revoke all devices"
    )
    disable.add_argument("name", metavar="NAME", help="the user's login name")
    _database_option(disable)
    enable = _command(user_commands, "enable", _user_enable, "let a disabled user log in again")
    enable.add_argument("name", metavar="NAME", help="the user's login name")
    _database_option(enable)
    totp = _command(
        user_commands,
        "totp",
        lambda _a: 0,
        "set up, require or remove the one-time code (TOTP) that enrollment needs too",
    )
    totp_commands = totp.add_subparsers(dest="totp_command", required=True, metavar="COMMAND")
    for name, run, help_text in (
        (
            "enable",
            _totp_enable,
            "set TOTP up for a user: shows the secret for their authenticator app, once",
        ),
        ("disable", _totp_disable, "remove a user's TOTP (refused while the policy requires it)"),
        (
            "require",
            _totp_require,
            "make TOTP the policy for a user: it cannot be disabled (sets it up if not yet)",
        ),
        ("optional", _totp_optional, "lift the policy: TOTP stays as set up, and may be disabled"),
    ):
        command = _command(totp_commands, name, run, help_text)
        command.add_argument("name", metavar="NAME", help="the user's login name")
        if name == "enable":
            command.add_argument(
                "--replace",
                action="store_true",
                help="give a user who has TOTP a new secret (a lost phone); the old one's codes "
                "open nothing",
            )
        _database_option(command)

    device = _command(commands, "device", lambda _a: 0, "list, revoke and retire devices")
    device_commands = device.add_subparsers(dest="device_command", required=True, metavar="COMMAND")
    listing = _command(device_commands, "list", _device_list, "list enrolled devices")
    listing.add_argument("--json", action="store_true", help="as JSON (times in UTC), for programs")
    _database_option(listing)
    revoke = _command(
        device_commands,
        "revoke",
        _device_revoke,
        "revoke a lost or stolen laptop: it erases its vault at its next contact, unsent work too",
    )
    revoke.add_argument("id", metavar="ID", help="the device's id, or a unique start of it")
    revoke.add_argument("--yes", action="store_true", help="do not ask (default: ask)")
    _database_option(revoke)
    retire = _command(
        device_commands,
        "retire",
        _device_retire,
        "retire a laptop handed back: at its next sync it sends its unsent work, then erases "
        "its vault",
    )
    retire.add_argument("id", metavar="ID", help="the device's id, or a unique start of it")
    retire.add_argument("--yes", action="store_true", help="do not ask (default: ask)")
    retire.add_argument(
        "--cancel",
        action="store_true",
        help="take the request back, before the laptop's next sync: it stays active",
    )
    _database_option(retire)

    audit = _command(
        commands,
        "audit",
        lambda _a: 0,
        "list and verify the laptops' audit trails and the administrators' actions",
    )
    audit_commands = audit.add_subparsers(dest="audit_command", required=True, metavar="COMMAND")
    listing = _command(
        audit_commands,
        "list",
        _audit_list,
        "list audit trail entries (who, which laptop, what, which records, when), oldest first",
    )
    listing.add_argument("--user", metavar="NAME", help="the entries of this user's laptops")
    listing.add_argument(
        "--device", metavar="ID", help="the entries of this device (its id, or a unique start)"
    )
    listing.add_argument(
        "--household",
        metavar="ID",
        help="the entries naming this household or a record under it",
    )
    listing.add_argument(
        "--from", dest="since", metavar="DATE", help="from this day on (YYYY-MM-DD, local time)"
    )
    listing.add_argument(
        "--to", dest="until", metavar="DATE", help="up to this day, inclusive (YYYY-MM-DD)"
    )
    listing.add_argument(
        "--format",
        choices=["table", "csv"],
        default="table",
        help="table, or CSV (UTF-8 with BOM, for Excel) (default: %(default)s)",
    )
    listing.add_argument(
        "--admin", action="store_true", help="list the administrators' actions instead"
    )
    _database_option(listing)
    verify = _command(
        audit_commands,
        "verify",
        _audit_verify,
        "check the administrators' chain and every device's chain: say which breaks where",
    )
    verify.add_argument(
        "--admin-link",
        action="append",
        metavar="HASH",
        help="a last link of the administrators' chain noted from an earlier verify: it must "
        "still be in the chain (repeatable)",
    )
    _database_option(verify)

    transfer = _command(
        commands,
        "transfer",
        lambda _a: 0,
        "list the households moved to another area (転居・引継ぎ)",
    )
    transfer_commands = transfer.add_subparsers(
        dest="transfer_command", required=True, metavar="COMMAND"
    )
    listing = _command(
        transfer_commands,
        "list",
        _transfer_list,
        "list the households' transfers (when, household, from and to which area, how many "
        "records moved, who sent it from which laptop), oldest first",
    )
    listing.add_argument("--household", metavar="ID", help="the transfers of this household")
    listing.add_argument(
        "--area",
        choices=AREAS,
        metavar="CODE",
        help=f"the transfers out of or into this area ({', '.join(AREAS)})",
    )
    listing.add_argument(
        "--from",
        dest="since",
        metavar="DATE",
        help="taken by the server from this day on (YYYY-MM-DD, local time)",
    )
    listing.add_argument(
        "--to", dest="until", metavar="DATE", help="up to this day, inclusive (YYYY-MM-DD)"
    )
    listing.add_argument(
        "--format",
        choices=["table", "csv"],
        default="table",
        help="table, or CSV (UTF-8 with BOM, for Excel; times in UTC) (default: %(default)s)",
    )
    _database_option(listing)

    backup = _command(
        commands,
        "backup",
        _backup,
        "back up a SQLite database while the server runs (PostgreSQL: pg_dump)",
    )
    backup.add_argument(
        "--out", type=Path, required=True, metavar="FILE", help="the backup file to write (0600)"
    )
    backup.add_argument("--force", action="store_true", help="replace FILE if it exists")
    _database_option(backup)
    restore = _command(
        commands,
        "restore",
        _restore,
        "replace a SQLite database with a backup and record the restore (stop the server "
        "first; PostgreSQL: pg_restore, then mark-restored)",
    )
    restore.add_argument("backup", type=Path, metavar="FILE", help="a backup made by backup")
    restore.add_argument("--yes", action="store_true", help="do not ask (default: ask)")
    _database_option(restore)

    restored = _command(
        commands,
        "mark-restored",
        _mark_restored,
        "record that this database was just restored from a backup (run it after every restore)",
    )
    _database_option(restored)

    cert = _command(commands, "dev-cert", _dev_cert, "write a pilot CA and server certificate")
    cert.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="DIR",
        help="where to write ca.pem, server.pem and server-key.pem (made, mode 0700)",
    )
    cert.add_argument("--host", required=True, help="the server's host name or IP address")
    cert.add_argument("--force", action="store_true", help="replace existing files")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        status: int = args.run(args)
    except (
        CliError,
        StorageError,
        UnknownCode,
        DatabaseUrlInvalid,
        CertificateError,
        BackupUnusable,
    ) as e:
        print(f"{PROG}: {e}", file=sys.stderr)
        return 1
    except CommandError as e:
        # Alembic: typically a database migrated by a newer marugoto-sync than this one.
        print(f"{PROG}: cannot migrate the database: {e}", file=sys.stderr)
        return 1
    except SQLAlchemyError as e:
        # e.g. PostgreSQL unreachable: the driver's first line says why.
        cause = e.orig if isinstance(e, DBAPIError) else e
        reason = (str(cause).strip().splitlines() or [type(cause).__name__])[0]
        print(f"{PROG}: database error: {reason}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`… | head`): stop quietly, as other command-line tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    return status
