"""Enrolling this laptop with the 総合センター server, syncing, and settling conflicts."""

from __future__ import annotations

import platform
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from marugoto_sync.changes import AREA, DELETED, PARENT
from marugoto_sync.client import (
    UNTRUSTED_CERTIFICATE,
    Cancelled,
    DeviceRevoked,
    Progress,
    SyncClient,
    SyncError,
    SyncReport,
)
from marugoto_sync.merge import EDIT_AFTER_TRANSFER, PARENT_DELETED, TRANSFER_SUPERSEDED
from marugoto_sync.trust import NotPem, pem_text

from .. import __version__
from ..domain.schema import SCHEMAS, Kind
from ..domain.validation import FieldError
from ..policy import machine_policy
from ..reports.export import export_problems
from ..vault import Vault
from ..vault.replica import ConflictNotFound, ConflictView, VaultReplica

SERVER_KEY = "sync.server"
LAST_SYNC_KEY = "sync.last"


class NotEnrolled(SyncError):
    """This vault has no server yet (enroll first)."""

    def __init__(self) -> None:
        super().__init__("not_enrolled")


class AlreadyEnrolled(SyncError):
    """This vault is enrolled already: enrolling again makes a new device (replace=True)."""

    def __init__(self, settings: dict[str, Any]) -> None:
        super().__init__(
            "already_enrolled",
            device_id=settings.get("device_id"),
            user=settings.get("user"),
            server=settings.get("server"),
        )


class ValueNotUnderstood(ValueError):
    """A value typed for a field is not of the field's kind (`expected`: number, flag)."""

    def __init__(self, field: str, text: str, expected: str) -> None:
        super().__init__(field, text, expected)
        self.field, self.text, self.expected = field, text, expected


class ChoiceNotPossible(ValueError):
    """A resolution this kind of conflict cannot take (`choice` is not one of `allowed`)."""

    def __init__(self, kind: str, choice: str, allowed: tuple[str, ...]) -> None:
        super().__init__(kind, choice, allowed)
        self.kind, self.choice, self.allowed = kind, choice, allowed


class CaCertificateUnusable(ValueError):
    """A CA certificate file that cannot be used. `reason`: missing, folder, unreadable (with
    `detail`), not_pem, or kept_path_missing (a vault enrolled by an older version named a
    file that is gone)."""

    def __init__(self, path: Path, reason: str, detail: str = "") -> None:
        super().__init__(str(path), reason, detail)
        self.path, self.reason, self.detail = path, reason, detail


def read_ca_file(path: Path) -> str:
    """The certificates of a CA certificate file, as PEM text (what the vault keeps)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CaCertificateUnusable(path, "missing") from None
    except IsADirectoryError:
        raise CaCertificateUnusable(path, "folder") from None
    except OSError as exc:
        raise CaCertificateUnusable(path, "unreadable", exc.strerror or str(exc)) from None
    try:
        return pem_text(data)
    except NotPem:
        raise CaCertificateUnusable(path, "not_pem") from None


def _kept_ca(settings: dict[str, Any]) -> str | None:
    """The CA certificate an enrolled vault keeps (PEM), or None. A vault enrolled by an
    older version kept a path: the file is read (CaCertificateUnusable if it is gone)."""
    if settings.get("ca_pem"):
        return str(settings["ca_pem"])
    if settings.get("ca_file"):
        path = Path(settings["ca_file"])
        try:
            return read_ca_file(path)
        except CaCertificateUnusable as exc:
            if exc.reason in ("missing", "folder"):
                raise CaCertificateUnusable(path, "kept_path_missing") from None
            raise
    return None


def _keep_ca(replica: VaultReplica, settings: dict[str, Any], ca_pem: str) -> None:
    if settings.get("ca_pem") != ca_pem or "ca_file" in settings:
        kept = {k: v for k, v in settings.items() if k != "ca_file"}
        replica.set_setting(SERVER_KEY, {**kept, "ca_pem": ca_pem})


def enrolled_settings(vault: Vault) -> dict[str, Any] | None:
    """The server settings of an enrolled vault, or None."""
    settings = VaultReplica(vault).get_setting(SERVER_KEY)
    return dict(settings) if settings else None


def default_device_name(vault: Vault, user: str) -> str:
    """Whose and which: the user, this computer's name and the vault's short id, so that the
    office tells apart two laptops of one person, or two vaults on one laptop."""
    host = (platform.node() or "unknown-computer")[:60]
    return f"{user}@{host} #{vault.vault_id[:8]}"


@dataclass(frozen=True)
class Replaced:
    """The device a vault had before it enrolled again, and what became of it.

    `outcome`: "retired" (its token now opens nothing), "ended" (it was revoked or retired
    already), or "still_active" (it could not be retired: `error` is the SyncError; the
    office should revoke it)."""

    device_id: str
    server: str
    user: str
    outcome: str
    error: SyncError | CaCertificateUnusable | None = None


@dataclass(frozen=True)
class Enrolled:
    """This laptop's enrollment (the token stays in the vault), and the device it replaced."""

    server: str
    device_id: str
    user: str
    role: str
    areas: list[str]
    replaced: Replaced | None = None


TOTP_DIGITS = 6
_CODE_SEPARATORS = str.maketrans("", "", " -\u3000\t")


def one_time_code(typed: str) -> str:
    """A one-time code as a person types it: full-width digits (an IME) and the space or
    hyphen apps show in the middle are taken; anything but 6 digits is `totp_malformed`."""
    code = unicodedata.normalize("NFKC", typed).translate(_CODE_SEPARATORS)
    if len(code) != TOTP_DIGITS or not code.isascii() or not code.isdigit():
        raise SyncError("totp_malformed", digits=TOTP_DIGITS)
    return code


def enroll(
    vault: Vault,
    server: str,
    user: str,
    password: str,
    *,
    ca_file: Path | None = None,
    device_name: str | None = None,
    replace: bool = False,
    proxy: str | None = None,
    totp: str | None = None,
) -> Enrolled:
    """Register this laptop with the server once; the device token is kept in the vault.

    A vault enrolled already is refused (AlreadyEnrolled) unless `replace`: then the new
    device takes over the vault (and its unsent work), and the device it had gives up its
    token, so that never two devices of one vault stay active. `proxy`: the HTTP proxy to
    go through (None: the environment's, if any). `totp`: the code of the user's
    authenticator app, as typed, when the server asks for one (SyncError `totp_required`).
    """
    current = enrolled_settings(vault)
    if current is not None and not replace:
        raise AlreadyEnrolled(current)
    code = one_time_code(totp) if totp is not None else None
    ca_file = as_policy_says(server, ca_file)
    name = device_name or default_device_name(vault, user)
    # The certificate itself is kept, not its path: the file may move or go.
    ca_pem: str | None
    if ca_file is not None:
        ca_pem = read_ca_file(ca_file)
    else:
        ca_pem = _kept_ca(current) if current is not None else None
    try:
        with SyncClient(server, ca_pem=ca_pem, app_version=__version__, proxy=proxy) as client:
            enrollment = client.enroll(user, password, name, code)
    except SyncError as exc:
        _name_ca_source(exc, str(ca_file) if ca_file else "vault" if ca_pem else None)
        raise
    VaultReplica(vault).set_setting(
        SERVER_KEY,
        {
            "server": enrollment.server,
            "device_id": enrollment.device_id,
            "token": enrollment.token,
            "user": enrollment.user,
            "role": enrollment.role,
            "ca_pem": ca_pem,
        },
    )
    replaced = None
    if current is not None:
        # The new device takes the old one's place in the log if both are of one server.
        same = current.get("server") == enrollment.server
        replaced = _retire_replaced(current, enrollment.device_id if same else None)
    return Enrolled(
        enrollment.server,
        enrollment.device_id,
        enrollment.user,
        enrollment.role,
        list(enrollment.areas),
        replaced,
    )


def _retire_replaced(old: dict[str, Any], successor: str | None) -> Replaced:
    """Have the device a vault had give up its token (its own request, with its token), to
    `successor`, the device the vault is now: it takes over the old one's place in the
    server's log, so that what the vault wrote before it learnt of a household's transfer
    is taken from it as it would have been from the old device."""
    device = (str(old.get("device_id")), str(old.get("server")), str(old.get("user")))
    try:
        with SyncClient(
            old["server"], token=old["token"], ca_pem=_kept_ca(old), app_version=__version__
        ) as client:
            try:
                client.retire(successor=successor)
            except SyncError as exc:
                if successor is None:
                    raise
                # A server older than `successor` (bad_request), or one that will not let the
                # new device take over: the old one must end all the same.
                if exc.code not in ("bad_request", "successor_refused"):
                    raise
                client.retire()
    except DeviceRevoked:  # revoked or retired already: not active either way
        return Replaced(*device, "ended")
    except (SyncError, CaCertificateUnusable) as exc:
        return Replaced(*device, "still_active", exc)
    return Replaced(*device, "retired")


def as_policy_says(server: str, ca_file: Any) -> Any:
    """The CA file to trust for `server`, as the machine policy (policy.py) has it: the
    policy's server is the only one allowed, and its CA file replaces the person's choice."""
    rules = machine_policy()
    if not rules.server_allowed(server):
        raise SyncError(
            "server_not_allowed",
            f"this computer may sync only with {rules.server_url} (machine policy "
            f"{rules.source}), not {server}",
            server=server,
            allowed=rules.server_url,
        )
    return rules.ca_file or ca_file


def server_settings(vault: Vault) -> dict[str, Any]:
    settings = enrolled_settings(vault)
    if settings is None:
        raise NotEnrolled()
    return settings


@dataclass(frozen=True)
class SyncSummary:
    """How the last sync of this laptop went, kept (encrypted) in the vault for the home
    screen. `error` is a code: a protocol error code, "unreachable", "cancelled"…"""

    at: str  # when it ended, ISO 8601 in UTC
    ok: bool
    error: str | None = None
    pushed: int = 0
    pulled: int = 0
    conflicts: int = 0
    backfilled: dict[str, int] = field(default_factory=dict)
    removed_areas: list[str] = field(default_factory=list)
    held_back: int = 0
    restamped: int = 0
    replayed: int = 0
    # The server did not take this laptop's audit trail (a code: audit_chain_rewound…).
    audit_refused: str | None = None

    @classmethod
    def of(cls, report: SyncReport, at: str) -> SyncSummary:
        return cls(
            at,
            True,
            None,
            report.pushed,
            report.pulled,
            report.conflicts,
            dict(report.backfilled),
            list(report.removed_areas),
            report.held_back,
            report.restamped,
            report.replayed,
            report.audit_refused,
        )


def sync(
    vault: Vault,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    *,
    proxy: str | None = None,
    ca_file: Path | None = None,
) -> SyncReport:
    """Push this laptop's changes and pull everyone else's. Safe to interrupt and rerun.
    `proxy`: the HTTP proxy to go through (None: the environment's, if any).

    How it went is kept in the vault (last_sync). If the server says this device was
    revoked (or it retired), the vault is wiped before the error is raised. `ca_file`: the
    office's CA certificate, trusted from now on (the vault keeps it once the server was
    reached with it).
    """
    settings = server_settings(vault)
    ca_file = as_policy_says(settings["server"], ca_file)
    replica = VaultReplica(vault)
    ca_pem = read_ca_file(ca_file) if ca_file is not None else _kept_ca(settings)
    try:
        with SyncClient(
            settings["server"],
            token=settings["token"],
            ca_pem=ca_pem,
            app_version=__version__,
            proxy=proxy,
        ) as client:
            report = client.sync(replica, progress, cancelled)
    except DeviceRevoked:
        raise  # the vault is gone, and with it any place to keep a summary
    except Cancelled:
        _keep_summary(replica, SyncSummary(_now(), False, "cancelled"))
        raise
    except SyncError as exc:
        untrusted = _name_ca_source(exc, str(ca_file) if ca_file else "vault" if ca_pem else None)
        if ca_pem is not None and not untrusted and exc.code != "unreachable":
            _keep_ca(replica, settings, ca_pem)
        _keep_summary(replica, SyncSummary(_now(), False, exc.code))
        raise
    if ca_pem is not None:
        _keep_ca(replica, settings, ca_pem)
    _keep_summary(replica, SyncSummary.of(report, _now()))
    vault.audit(
        "sync",
        detail={"pushed": report.pushed, "pulled": report.pulled, "conflicts": report.conflicts},
    )
    return report


def _name_ca_source(exc: SyncError, source: str | None) -> bool:
    """For a certificate not trusted, note where the CA certificate tried came from (`ca_source`:
    a file's path, "vault", or None: none was given). Returns whether that was the error."""
    if exc.details.get("reason") != UNTRUSTED_CERTIFICATE:
        return False
    exc.details["ca_source"] = source
    return True


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _keep_summary(replica: VaultReplica, summary: SyncSummary) -> None:
    replica.set_setting(LAST_SYNC_KEY, asdict(summary))


def last_sync(vault: Vault) -> SyncSummary | None:
    """How the last sync went, or None if this laptop never synced."""
    stored = VaultReplica(vault).get_setting(LAST_SYNC_KEY)
    if not isinstance(stored, dict):
        return None
    known = {f.name for f in fields(SyncSummary)}
    return SyncSummary(**{k: v for k, v in stored.items() if k in known})


def server_answers(vault: Vault, *, proxy: str | None = None, timeout: float = 5.0) -> bool:
    """Whether the server this laptop is enrolled with answers now: one cheap request (the
    device's status) with a short `timeout`, for a sync that starts by itself once the
    laptop reaches the office. Any answer counts, a refusal too (the sync that follows
    reports it); False when nothing answers, or the laptop is not enrolled."""
    settings = enrolled_settings(vault)
    if settings is None:
        return False
    try:
        ca_file = as_policy_says(settings["server"], None)
        ca_pem = read_ca_file(ca_file) if ca_file is not None else _kept_ca(settings)
    except (SyncError, CaCertificateUnusable, OSError):
        return False  # (not asked: the sync would refuse before asking too)
    try:
        with SyncClient(
            settings["server"],
            token=settings["token"],
            ca_pem=ca_pem,
            app_version=__version__,
            proxy=proxy,
            timeout=timeout,
        ) as client:
            client.status()
    except SyncError as exc:
        return exc.code != "unreachable"
    return True


@dataclass(frozen=True)
class ConflictRow:
    """A conflict as a person reviews it: the record, the field, both sides (value, device
    and clock stamp), and for the kinds about deletion, the state a choice would change."""

    conflict_id: str
    record_id: str
    record_type: str
    record_label: str
    field: str
    field_label: str
    kind: str
    status: str
    kept_value: Any  # what the record holds now (a field conflict)
    other_value: Any  # the value that lost
    kept_site: str
    kept_hlc: int
    other_site: str
    other_hlc: int
    record_deleted: bool  # the record is deleted now
    # parent_deleted: the record's parent (its type and name) and whether it is deleted now.
    parent_type: str | None = None
    parent_name: str = ""
    parent_deleted: bool = False


def _field_label(record_type: str, field: str) -> str:
    schema = SCHEMAS.get(record_type)
    if schema is None or field.startswith("_"):
        return field
    try:
        return schema.field(field).label
    except KeyError:
        return field


DELETION_KINDS = ("delete_of_edited", "edit_of_deleted", "delete_restore")


def conflict_rows(vault: Vault, *, include_resolved: bool = False) -> list[ConflictRow]:
    rows = []
    views: list[ConflictView] = VaultReplica(vault).conflicts(include_resolved=include_resolved)
    for view in views:
        c = view.conflict
        record = vault.get(c.record_id, include_deleted=True)
        field_label = _field_label(c.type, c.field)
        parent_type, parent_name, parent_deleted = None, "", False
        if c.kind == PARENT_DELETED:
            parent_id = record.parent_id if record else None
            parent = vault.get(parent_id, include_deleted=True) if parent_id else None
            parent_type = parent.type if parent else None
            if parent_type in SCHEMAS:
                field_label = SCHEMAS[parent_type].label
            parent_name = str(parent.fields.get("name", "")) if parent else ""
            parent_deleted = parent is None or parent.deleted
        rows.append(
            ConflictRow(
                conflict_id=c.conflict_id,
                record_id=c.record_id,
                record_type=c.type,
                record_label=str(record.fields.get("name", "")) if record else "",
                field=c.field,
                field_label=field_label,
                kind=c.kind,
                status=view.status,
                kept_value=c.winner.value,
                other_value=c.loser.value,
                kept_site=c.winner.site,
                kept_hlc=c.winner.hlc,
                other_site=c.loser.site,
                other_hlc=c.loser.hlc,
                record_deleted=bool(record and record.deleted),
                parent_type=parent_type,
                parent_name=parent_name,
                parent_deleted=parent_deleted,
            )
        )
    return rows


def records_to_correct(vault: Vault) -> list[FieldError]:
    """Records that no longer fit together after sync merged edits made apart (a meeting
    naming an agency deleted on another laptop, say), less those an open parent_deleted
    conflict already shows. A person corrects them by editing; until then export refuses."""
    shown = {
        view.conflict.record_id
        for view in VaultReplica(vault).conflicts()
        if view.conflict.kind == PARENT_DELETED
    }
    return [
        problem
        for problem in export_problems(vault)
        if not (problem.field == "parent_id" and problem.record_id in shown)
    ]


# A conflict may be named by the start of its id, as long as no other open one starts alike.
MIN_ID_PREFIX = 4


class ConflictIdAmbiguous(ValueError):
    """Several open conflicts have ids that start with `prefix` (`matches`: their ids)."""

    def __init__(self, prefix: str, matches: list[str]) -> None:
        super().__init__(prefix, matches)
        self.prefix, self.matches = prefix, matches


def open_conflict(vault: Vault, conflict_id: str) -> ConflictView:
    """The open conflict with this id, or with the only open id that starts with it."""
    views = VaultReplica(vault).conflicts()
    for view in views:
        if view.conflict.conflict_id == conflict_id:
            return view
    if len(conflict_id) >= MIN_ID_PREFIX:
        found = [v for v in views if v.conflict.conflict_id.startswith(conflict_id)]
        if len(found) == 1:
            return found[0]
        if found:
            raise ConflictIdAmbiguous(conflict_id, [v.conflict.conflict_id for v in found])
    raise ConflictNotFound(f"no open conflict {conflict_id}")


def parse_field_value(record_type: str, field: str, text: str) -> Any:
    """A value typed by a person, in the kind the field holds (lists: comma-separated)."""
    spec = SCHEMAS[record_type].field(field)
    if spec.kind is Kind.INT:
        try:
            return int(text)
        except ValueError:
            raise ValueNotUnderstood(field, text, "number") from None
    if spec.kind is Kind.BOOL:
        if text.lower() not in ("true", "false"):
            raise ValueNotUnderstood(field, text, "flag")
        return text.lower() == "true"
    if spec.kind in (Kind.CODES, Kind.REFS):
        return [item.strip() for item in text.split(",") if item.strip()]
    return text


def resolve_conflict(
    vault: Vault, conflict_id: str, choice: str = "keep", value: Any = None
) -> None:
    """Settle a conflict (by its id or a unique start of it); the resolution is an edit that
    syncs and closes it everywhere.

    `choice` is "keep" (the record as it is now), "other" (the value that lost — for a
    conflict between a delete and an edit: restore the record) or "value" (write `value`).
    For a record added under a parent deleted meanwhile (parent_deleted), "keep" lets the
    record go with its parent and "other" restores the parent.
    """
    conflict = open_conflict(vault, conflict_id).conflict
    conflict_id = conflict.conflict_id
    replica = VaultReplica(vault)
    if conflict.kind == PARENT_DELETED:
        if choice not in ("keep", "other"):
            raise ChoiceNotPossible(conflict.kind, choice, ("keep", "other"))
        replica.resolve_parent_deleted(conflict_id, restore_parent=choice == "other")
        return
    if conflict.kind == TRANSFER_SUPERSEDED or (
        conflict.kind == EDIT_AFTER_TRANSFER and conflict.field == AREA
    ):
        if choice not in ("keep", "other"):
            raise ChoiceNotPossible(conflict.kind, choice, ("keep", "other"))
        record = vault.get(conflict.record_id, include_deleted=True)
        here = record.area if record is not None else None
        # keep: the household stays where it is now; other: where the other transfer sent it.
        wanted = conflict.loser.value if choice == "other" else here
        replica.resolve_transfer(conflict_id, str(wanted))
        return
    if conflict.kind == EDIT_AFTER_TRANSFER and conflict.field in (DELETED, PARENT):
        # A record deleted, or added, on the sending side after the transfer: it stays as it
        # is (keep), or takes the sending side's wish (other: deleted or not, as it wrote).
        if choice not in ("keep", "other"):
            raise ChoiceNotPossible(conflict.kind, choice, ("keep", "other"))
        record = vault.get(conflict.record_id, include_deleted=True)
        deleted = bool(record and record.deleted)
        if choice == "other" and conflict.field == DELETED:
            deleted = bool(conflict.loser.value)
        replica.resolve_deletion(conflict_id, deleted=deleted)
        return
    if conflict.kind in DELETION_KINDS:
        if choice not in ("keep", "other"):
            raise ChoiceNotPossible(conflict.kind, choice, ("keep", "other"))
        record = vault.get(conflict.record_id, include_deleted=True)
        deleted_now = bool(record and record.deleted)
        # keep: the record stays as it is now; other: the wish that lost.
        replica.resolve_deletion(conflict_id, deleted=deleted_now != (choice == "other"))
        return
    if choice == "keep":
        record = vault.get(conflict.record_id, include_deleted=True)
        value = None if record is None else record.fields.get(conflict.field)
    elif choice == "other":
        value = conflict.loser.value
    elif choice != "value":
        raise ChoiceNotPossible(conflict.kind, choice, ("keep", "other", "value"))
    replica.resolve(conflict_id, value)
