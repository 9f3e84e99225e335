"""marugoto-desktop on the command line: a thin face over operations/.

Exit code 0 on success; on any error one clear line on stderr, a non-zero code, and nothing
changed. Passphrases come from --passphrase-file, MARUGOTO_PASSPHRASE, or a prompt.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import re
import shlex
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from marugoto_sync.client import (
    PLAIN_HTTP,
    UNTRUSTED_CERTIFICATE,
    Cancelled,
    DeviceRetired,
    DeviceRevoked,
    SyncError,
)
from marugoto_sync.english import counted, verb
from marugoto_sync.merge import PARENT_DELETED

from . import __version__
from .domain.validation import RecordInvalid
from .domain.vocabularies import AREAS, CITY_PSEUDO_AREA, CONSENT_PURPOSES
from .operations import (
    backups,
    conflict_review,
    demo,
    documents,
    exchange,
    output,
    records,
    vaults,
)
from .operations import figures as figure_ops
from .operations import sync as syncing
from .reports.consent_scope import ConsentRefused
from .reports.export import ExportBlocked
from .vault import Vault, VaultError, VaultNotFound, VaultReadOnly
from .vault.replica import ConflictNotFound

PASSPHRASE_ENV = "MARUGOTO_PASSPHRASE"  # noqa: S105 (a variable name, not a secret)
NEW_PASSPHRASE_ENV = "MARUGOTO_NEW_PASSPHRASE"  # noqa: S105


class UsageError(Exception):
    pass


def _read_secret_file(
    path: str, what: str = "passphrase", otherwise: str = "leave the option out to be asked"
) -> str:
    """A secret from a file, or a UsageError that names the file and says what to do."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(
            f"the {what} file {path} does not exist: give the file that holds the {what}, or "
            f"{otherwise}"
        ) from None
    except IsADirectoryError:
        raise UsageError(f"{path} is a folder: give the file that holds the {what}") from None
    except UnicodeDecodeError:
        raise UsageError(f"the {what} file {path} is not UTF-8 text: save it as UTF-8") from None
    except OSError as exc:
        raise UsageError(
            f"cannot read the {what} file {path} ({exc.strerror}): check its permissions"
        ) from None
    # Only the line ending an editor adds is dropped; other spaces are part of the secret.
    return text.removesuffix("\n").removesuffix("\r")


def _prompt(label: str, option: str = "--passphrase-file", env: str | None = PASSPHRASE_ENV) -> str:
    if not sys.stdin.isatty():
        what = label.rstrip(": ").lower()
        alternative = f" or set {env}" if env else ""
        raise UsageError(f"no {what} given: use {option} FILE{alternative}")
    return getpass.getpass(label)


def passphrase(args: argparse.Namespace) -> str:
    """The passphrase of an existing vault."""
    if args.passphrase_file:
        return _read_secret_file(args.passphrase_file)
    if os.environ.get(PASSPHRASE_ENV):
        return os.environ[PASSPHRASE_ENV]
    return _prompt("Passphrase: ")


def new_passphrase(
    args: argparse.Namespace, file_attr: str = "new_passphrase_file", env: str = NEW_PASSPHRASE_ENV
) -> str:
    """A passphrase being set: from a file, the environment, or typed twice."""
    path = getattr(args, file_attr, None)
    if path:
        return _read_secret_file(
            path, "new passphrase" if env == NEW_PASSPHRASE_ENV else "passphrase"
        )
    if os.environ.get(env):
        return os.environ[env]
    option = "--" + file_attr.replace("_", "-")
    label = "New passphrase: " if env == NEW_PASSPHRASE_ENV else "Passphrase: "
    first = _prompt(label, option, env)
    if _prompt("Repeat it: ", option, env) != first:
        raise UsageError("the two passphrases differ")
    return first


def cmd_init(args: argparse.Namespace) -> int:
    secret = new_passphrase(args, "passphrase_file", PASSPHRASE_ENV)
    vault = vaults.init_vault(args.vault, secret, recovery_public_key=args.recovery_public_key)
    recovery = vault.has_recovery_slot()
    vault.close()
    print(f"created an encrypted vault in {args.vault}")
    if not recovery:
        print(
            "warning: no office recovery key was given (--recovery-public-key); if the "
            "passphrase is forgotten, the records cannot be recovered. Add it later with: "
            f"marugoto-desktop recovery-key add --vault {args.vault} --public-key FILE",
            file=sys.stderr,
        )
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    with vaults.open_vault(args.vault, passphrase(args)) as vault:
        result = exchange.import_file(vault, args.file, dry_run=args.dry_run)
    for line in describe_import(result):
        print(line)
    return 0


def describe_import(result: exchange.ImportResult, shown: int = 20) -> list[str]:
    """What an import did (or, dry run, would do): counts, then what each update changes."""
    counts = (
        f"{counted(result.total, 'record')}: {result.created} created, {result.updated} updated, "
        f"{result.unchanged} unchanged"
    )
    if not result.written:
        lines = [f"would import {counts}; nothing was written (--dry-run)"]
    else:
        lines = [f"imported {counts}"]
    if result.cleared_fields:
        done = "cleared" if result.written else "would be cleared"
        lines.append(
            f"{counted(result.cleared_fields, 'field')} {done} on "
            f"{counted(result.cleared_records, 'record')} (a field a line leaves out is emptied)"
        )
    for update in result.updates[:shown]:
        what = [f"sets {', '.join(update.changed)}"] if update.changed else []
        what += [f"clears {', '.join(update.cleared)}"] if update.cleared else []
        name = f" {update.label}" if update.label else ""
        lines.append(
            f"    {update.record_type}{name} ({update.record_id}): {'; '.join(what) or 'restored'}"
        )
    if len(result.updates) > shown:
        lines.append(f"    and {counted(len(result.updates) - shown, 'more updated record')}")
    if result.elsewhere:
        lines.append(
            f"kept as named: {counted(len(result.elsewhere), 'household')} this vault does not "
            f"hold (of areas it does not hold), named by {counted(result.elsewhere_in, 'meeting')}"
        )
    return lines


def cmd_export(args: argparse.Namespace) -> int:
    with vaults.open_vault(args.vault, passphrase(args), read_only=True) as vault:
        count = exchange.export_to(vault, args.out or output.STDOUT, replace=args.force)
    if args.out and not output.is_stdout(args.out):
        print(f"exported {counted(count, 'record')} to {args.out}", file=sys.stderr)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    if vaults.vault_exists(args.vault):
        vault = vaults.open_vault(args.vault, passphrase(args))
        if syncing.enrolled_settings(vault) is not None:
            vault.close()
            raise UsageError(
                "this vault is enrolled with a server: demo records are fictional and span "
                "every area, and its next sync would send them to the office. Fill a "
                "separate vault with demo data instead"
            )
    else:
        vault = vaults.init_vault(
            args.vault, new_passphrase(args, "passphrase_file", PASSPHRASE_ENV)
        )
    with vault:

        def progress(done: int, total: int) -> None:
            if sys.stderr.isatty():
                print(f"\r{done}/{total} records", end="", file=sys.stderr, flush=True)

        counts = demo.write_demo(vault, args.households, args.seed, progress=progress)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    summary = ", ".join(f"{n} {t}" for t, n in counts.items())
    print(f"wrote demo data (seed {args.seed}): {summary}")
    return 0


def _belonging(count: int) -> str:
    if count <= 1:
        return ""
    return f" and {counted(count - 1, 'record')} that {verb(count - 1, 'belongs', 'belong')} to it"


def cmd_delete(args: argparse.Namespace) -> int:
    with vaults.open_vault(args.vault, passphrase(args)) as vault:
        changes = records.delete_record(vault, args.record_id)
    print(f"deleted {args.record_id}{_belonging(len(changes.ids))}; restore brings it back")
    return 0


def cmd_transfer(args: argparse.Namespace) -> int:
    if args.to not in AREAS.codes:
        raise UsageError(f"unknown area {args.to} (the areas are {', '.join(AREAS.codes)})")
    with vaults.open_vault(args.vault, passphrase(args)) as vault:
        household = records.get_record(vault, args.household)
        if household.type != "household":
            raise UsageError(f"{args.household} is a {household.type}, not a household")
        if household.area == args.to:
            raise UsageError(f"household {household.id} is in {args.to} already")
        under = len(vault.records(parent_id=household.id, include_deleted=True))
        what = f"household {household.id}{_belonging(under + 1)}"
        if not args.yes:
            if not sys.stdin.isatty():
                raise UsageError("transfer asks before it moves anything: add --yes to confirm")
            answer = input(f"Move {what} from {household.area} to {args.to}? [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                print("nothing was moved")
                return 1
        changes = records.transfer_household(vault, household.id, args.to)
    print(
        f"moved household {household.id}{_belonging(len(changes.ids))} from {household.area} "
        f"to {args.to}; at their next sync, devices of {args.to} receive it and devices of "
        f"{household.area} let it go"
    )
    return 0


# A record's id (a UUID); anything else `restore` is given is a backup file.
RECORD_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


def cmd_restore(args: argparse.Namespace) -> int:
    if not RECORD_ID.match(args.record_id):
        return _restore_backup(args, Path(args.record_id))
    if args.recovery_key is not None:
        raise UsageError("--recovery-key is for restoring a backup, not a record")
    with vaults.open_vault(args.vault, passphrase(args)) as vault:
        changes = records.restore_record(vault, args.record_id)
    print(f"restored {args.record_id}{_belonging(len(changes.ids))}")
    return 0


def _restore_backup(args: argparse.Namespace, backup: Path) -> int:
    # Refused before a passphrase is asked for: a missing file, a folder not empty.
    if not backup.is_file():
        raise UsageError(f"{backup} is neither a record id nor a backup file: check the path")
    if args.vault.exists() and (not args.vault.is_dir() or any(args.vault.iterdir())):
        raise UsageError(f"{args.vault} is not empty: restore into a new folder (it is created)")
    if args.recovery_key is not None:
        key = vaults.read_private_key(args.recovery_key)
        info = backups.restore_backup(backup, args.vault, office_private=key)
    else:
        info = backups.restore_backup(backup, args.vault, passphrase(args))
    print(
        f"restored the vault {info.vault_id} into {args.vault}; it opens with the passphrase "
        "it had when the backup was taken. If it was enrolled, sync it before working on it: "
        "it receives what was synced since the backup (if the office revoked the lost "
        "laptop, enroll it again with enroll --replace first)"
    )
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    info = backups.create_backup(args.vault, args.out, passphrase(args), overwrite=args.force)
    print(f"backed up the vault {info.vault_id} to {args.out} ({info.database_bytes:,} bytes)")
    return 0


def cmd_diagnostics(args: argparse.Namespace) -> int:
    report = backups.diagnostics(args.vault, passphrase(args))
    text = json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    output.write_text(args.out, lambda sink: sink.write(text), replace=args.force)
    if not output.is_stdout(args.out):
        print(f"wrote diagnostics (no personal data) to {args.out}", file=sys.stderr)
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    raise UsageError("say what to do: audit verify or audit list (see audit --help)")


def cmd_audit_verify(args: argparse.Namespace) -> int:
    with vaults.open_vault(args.vault, passphrase(args)) as vault:
        entries = vault.audit_entries()  # AuditBroken (a VaultError) says where it breaks
    repaired = [e for e in entries if e.action == "audit_repaired"]
    if repaired:
        first = repaired[0]
        print(f"marugoto-desktop: error: the audit trail's head was found broken "
              f"({first.detail.get('reason', '?')}) and the trail went on from entry "
              f"{first.seq} ({first.at}); every entry since holds", file=sys.stderr)  # fmt: skip
        return 1
    last = entries[-1].at if entries else "-"
    held = counted(len(entries), "entry", "entries")
    print(f"the audit trail holds: {held}, each linked to the one before "
          f"and the last to the sealed head (last entry {last})")  # fmt: skip
    return 0


def cmd_audit_list(args: argparse.Namespace) -> int:
    with vaults.open_vault(args.vault, passphrase(args)) as vault:
        entries = vault.audit_entries()
        wanted: set[str] | None = None
        if args.household:
            # The household and every record under it, deleted ones included.
            under = vault.records(None, parent_id=args.household, include_deleted=True)
            wanted = {args.household, *(r.id for r in under)}
    start = args.from_date.isoformat() if args.from_date else ""
    end = args.to_date.isoformat() if args.to_date else "9999"
    for entry in entries:
        local = datetime.fromisoformat(entry.at.replace("Z", "+00:00")).astimezone()
        if not start <= local.date().isoformat() <= end:
            continue
        if wanted is not None and not wanted & set(entry.records):
            continue
        records = ",".join(entry.records[:3]) + (
            f",+{len(entry.records) - 3}" if len(entry.records) > 3 else ""
        )
        detail = " ".join(f"{k}={v}" for k, v in sorted(entry.detail.items()))
        columns = [str(entry.seq), local.isoformat(timespec="seconds"), entry.who or "-"]
        columns += [entry.device or "-", entry.action, records or "-", detail or "-"]
        print("\t".join(columns))
    return 0


def cmd_passwd(args: argparse.Namespace) -> int:
    old = passphrase(args)
    vaults.open_vault(args.vault, old).close()  # a wrong old passphrase fails before any prompt
    vaults.change_passphrase(args.vault, old, new_passphrase(args))
    print("passphrase changed")
    return 0


def cmd_recover(args: argparse.Namespace) -> int:
    vaults.read_private_key(args.recovery_key)  # a wrong key file fails before any prompt
    vaults.recover(args.vault, args.recovery_key, new_passphrase(args))
    print("vault recovered with the office key; it now opens with the new passphrase")
    return 0


def cmd_recovery_key(args: argparse.Namespace) -> int:
    if args.out is None:
        raise UsageError(
            "give --out DIR to create the office's key pair, or use recovery-key add to give "
            "a vault the office's public key"
        )
    files = vaults.create_office_key(args.out)
    print(f"wrote {files.private} (keep it offline, at the office)")
    print(f"wrote {files.public} (give it to every laptop: init --recovery-public-key)")
    return 0


def cmd_recovery_key_add(args: argparse.Namespace) -> int:
    with vaults.open_vault(args.vault, passphrase(args)) as vault:
        try:
            vaults.add_recovery_key(vault, args.public_key, replace=args.replace)
        except vaults.RecoveryKeyPresent:
            raise UsageError(
                f"the vault in {args.vault} has an office recovery key already; add --replace "
                "to replace it with this one (the old office key then opens it no more)"
            ) from None
    print(
        f"the vault in {args.vault} can now be recovered with the office's private key "
        "(recover --recovery-key FILE) if its passphrase is forgotten"
    )
    return 0


def cmd_enroll(args: argparse.Namespace) -> int:
    with vaults.open_vault(args.vault, passphrase(args)) as vault:
        if args.password_file:
            password = _read_secret_file(args.password_file, "password")
        else:
            password = _prompt(
                f"Password of {args.user} on {args.server}: ", "--password-file", None
            )

        def attempt(code: str | None) -> syncing.Enrolled:
            return syncing.enroll(
                vault,
                args.server,
                args.user,
                password,
                ca_file=args.ca_file,
                device_name=args.device_name,
                replace=args.replace,
                totp=code,
            )

        try:
            enrollment = attempt(args.totp)
        except SyncError as exc:
            # The server asks for a code only once the password is right: a person at the
            # terminal types it now, a script is told to give --totp.
            if exc.code != "totp_required" or args.totp is not None or not sys.stdin.isatty():
                raise
            enrollment = attempt(input(f"One-time code of {args.user} (authenticator app): "))
    areas = ", ".join(enrollment.areas) or "none"
    print(
        f"enrolled as {enrollment.user} ({enrollment.role}), device {enrollment.device_id}; "
        f"areas: {areas}"
    )
    replaced = enrollment.replaced
    if replaced is not None and replaced.outcome == "retired":
        print(
            f"the device this vault had ({replaced.device_id}) is retired: its work not yet "
            "sent goes out with the next sync of this one"
        )
    elif replaced is not None and replaced.outcome == "still_active":
        reason = describe_error(replaced.error) if replaced.error else "unknown"
        print(
            f"marugoto-desktop: warning: the device this vault had ({replaced.device_id}, "
            f"user {replaced.user} at {replaced.server}) could not be retired ({reason}); it "
            "is still active there: have the office revoke it "
            f"(marugoto-sync device revoke {replaced.device_id})",
            file=sys.stderr,
        )
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    def progress(stage: str, done: int, total: int | None) -> None:
        if sys.stderr.isatty():
            print(f"\r{stage}: {done}", end="   ", file=sys.stderr, flush=True)

    with vaults.open_vault(args.vault, passphrase(args)) as vault:
        report = syncing.sync(vault, progress, ca_file=args.ca_file)
        open_conflicts = len(syncing.conflict_rows(vault))
        # Only merges make such records: checked when this sync brought something in.
        to_correct = len(syncing.records_to_correct(vault)) if report.pulled else 0
    if sys.stderr.isatty():
        print(file=sys.stderr)
    if report.replayed:
        print(
            "the server was restored from a backup: this laptop sent everything it holds "
            f"again ({counted(report.replayed, 'field')}) so that nothing synced since is lost"
        )
    print(f"sent {counted(report.pushed, 'change')}, received {report.pulled}")
    if report.retire_cancelled:
        print("the office took back its request to retire this laptop: it stays as it is")
    for area, count in report.backfilled.items():
        print(f"new area {area}: received {counted(count, 'change')}")
    for area in report.removed_areas:
        print(f"area {area} is not granted to you: its records were removed from this laptop")
    if report.held_back:
        print(
            f"{counted(report.held_back, 'change')} of areas not granted to you "
            f"{verb(report.held_back, 'is', 'are')} kept unsent; "
            f"{verb(report.held_back, 'it goes', 'they go')} out if the office grants the area"
        )
    if open_conflicts:
        print(
            f"{counted(open_conflicts, 'conflict')} to review: "
            f"{command_line('conflicts', args.vault)}"
        )
    if to_correct:
        print(
            f"{counted(to_correct, 'problem')} in records edited apart on two laptops: "
            f"{command_line('conflicts', args.vault)} lists them"
        )
    if report.audit_refused:
        print(
            f"warning: the server did not take this laptop's audit trail "
            f"({report.audit_refused}); the records synced. Tell the office: "
            f"{command_line('audit verify', args.vault)} checks the trail here",
            file=sys.stderr,
        )
    return 0


def _settled_for_other(vault: Vault, row: syncing.ConflictRow) -> bool:
    """A settled field conflict whose record now holds the side the merge set aside."""
    if row.status != "resolved" or row.kind != "concurrent_edit":
        return False
    record = vault.get(row.record_id, include_deleted=True)
    now = record.fields.get(row.field) if record is not None else None
    return bool(now == row.other_value and now != row.kept_value)


def cmd_conflicts(args: argparse.Namespace) -> int:
    with vaults.open_vault(args.vault, passphrase(args), read_only=True) as vault:
        rows = syncing.conflict_rows(vault, include_resolved=args.all)
        problems = [] if args.json else syncing.records_to_correct(vault)
        by = conflict_review.authors_of(vault, rows)
        # A conflict settled for the other side: the value that holds now is listed as kept.
        swapped = {row.conflict_id for row in rows if _settled_for_other(vault, row)}

    def sides(row: syncing.ConflictRow) -> tuple[str, str, Any, Any]:
        kept, other = conflict_sides(row)
        kept_by, other_by = by[row.conflict_id]
        if row.conflict_id in swapped:
            return other, kept, other_by, kept_by
        return kept, other, kept_by, other_by

    if args.json:
        listed = []
        for row in rows:
            kept, other, kept_by, other_by = sides(row)
            listed.append(
                {
                    "conflict_id": row.conflict_id,
                    "record_id": row.record_id,
                    "record_type": row.record_type,
                    "record_label": row.record_label,
                    "field": row.field,
                    "field_label": row.field_label,
                    "kind": row.kind,
                    "kept": kept,
                    "other": other,
                    "kept_by": author_json(kept_by),
                    "other_by": author_json(other_by),
                    "status": row.status,
                }
            )
        print(json.dumps(listed, ensure_ascii=False, indent=1))
        return 0
    if not rows:
        print("no open conflicts")
    for row in rows:
        kept, other, kept_author, other_author = sides(row)
        print(
            f"{row.conflict_id}  {row.record_type} {row.record_label or row.record_id}  "
            f"{row.field_label} ({row.field}), {row.kind}, {row.status}\n"
            f"    kept:  {kept}  ({describe_author(kept_author)})\n"
            f"    other: {other}  ({describe_author(other_author)})"
        )
    if problems:
        print(
            "records that no longer fit together (edited apart on two laptops); correct them "
            "by editing, export refuses until then:"
        )
        for problem in problems:
            print(f"    {problem}")
    if any(row.status == "open" for row in rows):
        print(
            f"settle one with: {command_line('resolve', args.vault)} ID "
            "[--keep | --other | --value TEXT] (ID: its first characters are enough)"
        )
    return 0


def cmd_resolve(args: argparse.Namespace) -> int:
    with vaults.open_vault(args.vault, passphrase(args)) as vault:
        conflict = syncing.open_conflict(vault, args.conflict_id).conflict
        if args.value is not None:
            value = syncing.parse_field_value(conflict.type, conflict.field, args.value)
            syncing.resolve_conflict(vault, conflict.conflict_id, "value", value)
        else:
            choice = "other" if args.other else "keep"
            syncing.resolve_conflict(vault, conflict.conflict_id, choice)
    print(
        f"conflict {conflict.conflict_id} resolved; the resolution is sent with the next sync "
        f"({command_line('sync', args.vault)})"
    )
    return 0


# -- documents and figures (pdf, report) ---------------------------------------------------

CONSENT_REFUSALS = {
    "no_consent": "the household has no consent on record",
    "agency_not_covered": "no consent of the household names this agency",
    "purpose_not_covered": "the household's consents name this agency, but not for this purpose",
    "not_yet_granted": "the consent that would cover it starts later",
    "withdrawn": "the consent that covered it has been withdrawn",
    "consenter_not_member": "it was consented to by someone no longer a member of the household",
}


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text}") from None


def _pdf_password(args: argparse.Namespace) -> str | None:
    if not args.password_file:
        return None
    return _read_secret_file(
        args.password_file, "PDF password", "leave the option out for a PDF without one"
    )


def _check_out(args: argparse.Namespace, target: str) -> None:
    """Refuse where the output cannot go before the passphrase is asked for or anything built:
    an existing file without --force, a folder that does not exist."""
    output.check_target(target, replace=args.force)


def _write_document(args: argparse.Namespace, target: str, data: bytes) -> None:
    if output.is_stdout(target) and sys.stdout.isatty():
        raise UsageError("a PDF would garble the terminal: use --out FILE")
    output.write_bytes(target, data, replace=args.force)
    if not output.is_stdout(target):
        print(f"wrote {target}", file=sys.stderr)


def cmd_pdf_activity(args: argparse.Namespace) -> int:
    _check_out(args, args.out)
    with vaults.open_vault(args.vault, passphrase(args), read_only=True) as vault:
        data = documents.activity_document(
            vault, args.id, generated_by=args.by, password=_pdf_password(args)
        )
    _write_document(args, args.out, data)
    return 0


def cmd_pdf_household(args: argparse.Namespace) -> int:
    _check_out(args, args.out)
    with vaults.open_vault(args.vault, passphrase(args), read_only=True) as vault:
        try:
            data = documents.household_document(
                vault,
                args.id,
                for_agency=args.for_agency,
                purpose=args.purpose,
                generated_by=args.by,
                password=_pdf_password(args),
            )
        except ConsentRefused as refused:
            print(
                f"marugoto-desktop: error: nothing may be shared with agency {refused.agency_id} "
                f"for {refused.purpose}: {CONSENT_REFUSALS[refused.reason]}",
                file=sys.stderr,
            )
            return 1
    _write_document(args, args.out, data)
    return 0


def cmd_pdf_day(args: argparse.Namespace) -> int:
    _check_out(args, args.out)
    with vaults.open_vault(args.vault, passphrase(args), read_only=True) as vault:
        data = documents.day_document(
            vault,
            args.date,
            consultant=args.consultant,
            generated_by=args.by,
            password=_pdf_password(args),
        )
    _write_document(args, args.out, data)
    return 0


def _report(args: argparse.Namespace, period: figure_ops.Period, areas: list[str] | None) -> int:
    if args.password_file and args.format != "pdf":
        raise UsageError("--password-file protects a PDF: use it with --format pdf")
    target = args.out or output.STDOUT
    _check_out(args, target)
    with vaults.open_vault(args.vault, passphrase(args), read_only=True) as vault:
        if args.format == "json":
            found = figure_ops.as_json(vault, period, areas, detail=args.detail)
            text = json.dumps(found, ensure_ascii=False, indent=1) + "\n"
            output.write_bytes(target, text.encode("utf-8"), replace=args.force)
            return 0
        if args.format == "csv":
            output.write_bytes(target, figure_ops.as_csv(vault, period, areas), replace=args.force)
            return 0
        data = documents.figures_document(
            vault, period, areas, generated_by=args.by, password=_pdf_password(args)
        )
    _write_document(args, target, data)
    return 0


def cmd_report_annual(args: argparse.Namespace) -> int:
    return _report(args, figure_ops.Period.of_fiscal_year(args.fiscal_year), None)


def cmd_report_period(args: argparse.Namespace) -> int:
    if args.to < args.from_:
        raise UsageError(f"--to {args.to} is before --from {args.from_}")
    return _report(args, figure_ops.Period(args.from_, args.to), args.area)


def add_document_commands(sub: Any, vault_args: Callable[[argparse.ArgumentParser], None]) -> None:
    """pdf activity|household|day and report annual|period."""

    def document_args(p: argparse.ArgumentParser) -> None:
        vault_args(p)
        p.add_argument("--password-file", metavar="FILE", help="protect the PDF (AES-256)")
        p.add_argument("--by", metavar="NAME", help="who made it (default: your user name)")
        p.add_argument("--force", action="store_true", help="replace FILE if it exists")

    pdf = sub.add_parser("pdf", help="print a document as PDF", description="print a document")
    kinds = pdf.add_subparsers(dest="document", required=True, metavar="DOCUMENT")
    p = kinds.add_parser("activity", help="活動記録票 of one activity")
    p.set_defaults(handler=cmd_pdf_activity)
    document_args(p)
    p.add_argument("--id", required=True, metavar="ID", help="the activity's id")
    p.add_argument(
        "--out",
        required=True,
        metavar="FILE",
        help="a file in an existing folder, written readable by you alone (-: standard output)",
    )
    p = kinds.add_parser("household", help="フェイスシート of a household")
    p.set_defaults(handler=cmd_pdf_household)
    document_args(p)
    p.add_argument("--id", required=True, metavar="ID", help="the household's id")
    p.add_argument(
        "--for-agency",
        metavar="AGENCY_ID",
        help="only what the household's consents let you share with this agency",
    )
    p.add_argument(
        "--purpose",
        choices=CONSENT_PURPOSES.codes,
        default=documents.SHARING_PURPOSE,
        help="the purpose of sharing (with --for-agency; default: %(default)s)",
    )
    p.add_argument(
        "--out",
        required=True,
        metavar="FILE",
        help="a file in an existing folder, written readable by you alone (-: standard output)",
    )
    p = kinds.add_parser("day", help="業務日報 of a day")
    p.set_defaults(handler=cmd_pdf_day)
    document_args(p)
    p.add_argument("--date", required=True, type=_day, metavar="YYYY-MM-DD", help="the day")
    p.add_argument("--consultant", metavar="NAME", help="only what NAME recorded")
    p.add_argument(
        "--out",
        required=True,
        metavar="FILE",
        help="a file in an existing folder, written readable by you alone (-: standard output)",
    )

    report = sub.add_parser(
        "report", help="the city's figures", description="the city's figures (DESIGN §3)"
    )
    spans = report.add_subparsers(dest="span", required=True, metavar="SPAN")

    def figure_args(p: argparse.ArgumentParser) -> None:
        document_args(p)
        p.add_argument(
            "--format",
            choices=("json", "csv", "pdf"),
            default="json",
            help="(default: %(default)s)",
        )
        p.add_argument(
            "--out",
            metavar="FILE",
            help="a file in an existing folder, written readable by you alone (default, or -: "
            "standard output)",
        )
        p.add_argument(
            "--detail",
            action="store_true",
            help="json: add the breakdowns and the same a year earlier",
        )

    p = spans.add_parser("annual", help="a fiscal year (N-04-01 to N+1-03-31)")
    p.set_defaults(handler=cmd_report_annual)
    figure_args(p)
    p.add_argument(
        "--fiscal-year",
        required=True,
        type=int,
        metavar="N",
        help="the fiscal year that starts on April 1 of N (令和7年度: 2025)",
    )
    p = spans.add_parser("period", help="any days, over some areas")
    p.set_defaults(handler=cmd_report_period)
    figure_args(p)
    p.add_argument(
        "--from",
        dest="from_",
        required=True,
        type=_day,
        metavar="YYYY-MM-DD",
        help="the first day",
    )
    p.add_argument(
        "--to", required=True, type=_day, metavar="YYYY-MM-DD", help="the last day (included)"
    )
    p.add_argument(
        "--area",
        action="append",
        choices=[*AREAS.codes, CITY_PSEUDO_AREA],
        help="repeat for several; default: the whole city",
    )


# -- the words: what lower layers say in codes and data, in this face's English ------------


def command_line(command: str, vault: Path) -> str:
    """A command a person can copy as it is: this vault's path, never a placeholder."""
    return f"marugoto-desktop {command} --vault {shlex.quote(str(vault))}"


def describe_os_error(exc: OSError) -> str:
    """A file or folder that could not be used, named, with what to do."""
    if isinstance(exc, output.FolderMissing):
        return (
            f"the folder {exc.folder} does not exist: create it first (where personal data "
            "may be kept), or name a file in an existing folder"
        )
    if isinstance(exc, output.FileExists):
        return f"{exc.path} exists already: add --force to replace it, or name another file"
    if exc.filename is None:
        return str(exc)  # our own messages name the path already
    path = exc.filename
    if isinstance(exc, FileNotFoundError):
        return f"{path} does not exist ({exc.strerror}): check the path"
    if isinstance(exc, PermissionError):
        return f"{path}: {exc.strerror}: check its permissions, or choose another place"
    return f"{path}: {exc.strerror}: check the path and the disk"


READ_COMMANDS = "export, conflicts, pdf and report"


def describe_read_only(exc: VaultReadOnly) -> str:
    """A vault whose folder cannot be written, named, with what still works and what to do."""
    if exc.reason == "needs_upgrade":
        return (
            f"the vault in {exc.folder} was made by an older version and must be upgraded "
            "before it can be read, which writes to it; its folder cannot be written (read-only "
            "media?): copy the folder to a writable disk and open it there"
        )
    if exc.reason == "unfinished":
        return (
            f"the vault in {exc.folder} was copied while it was open: some of its last changes "
            "are only in vault.sqlite3-wal, which cannot be read without its -shm file. Copy "
            "the folder to a writable disk and open it there, or copy it again once the app is "
            "closed"
        )
    return (
        f"the vault in {exc.folder} cannot be changed: its folder is read-only (read-only "
        f"media, or a folder you may not write). Commands that only read work ({READ_COMMANDS}); "
        "to change it, copy the folder to a writable disk"
    )


def describe_author(author: conflict_review.Author) -> str:
    """Who wrote a side of a conflict and when, in this computer's time: 「ken on
    ken@MURE-PC-02 #1a2b3c4d, 2025-06-01 14:30」."""
    when = author.at.strftime("%Y-%m-%d %H:%M")
    if author.this_laptop:
        who = f"{author.user} on this laptop" if author.user else "this laptop"
    elif author.user:
        who = f"{author.user} on {author.device}"
    else:
        who = f"another laptop (device {author.device})"
    return f"{who}, {when}"


def author_json(author: conflict_review.Author) -> dict[str, Any]:
    return {
        "user": author.user,
        "device": None if author.this_laptop else author.device,
        "this_laptop": author.this_laptop,
        "at": author.at.isoformat(timespec="seconds"),
    }


def describe_value(value: Any) -> str:
    """A one-line rendering of a field value for conflict listings."""
    if value is None:
        return "(empty)"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def conflict_sides(row: syncing.ConflictRow) -> tuple[str, str]:
    """What the record holds now (kept) and what the other choice would do (other)."""
    if row.kind == PARENT_DELETED:
        # The record is live under a deleted parent: keep = it goes the parent's way.
        what = row.parent_type or "parent"
        if row.parent_deleted:
            return (
                f"(its {what} is deleted: this record is deleted with it)",
                f"restore the {what} {row.parent_name}".rstrip(),
            )
        return f"(its {what} was restored: this record stays as it is)", "(nothing else to do)"
    if row.kind == "delete_restore":
        if row.record_deleted:
            return "(record deleted)", "restore the record"
        return "(record restored)", "delete the record"
    if row.kind in syncing.DELETION_KINDS:
        # The loser is the edit; the delete stands until a person restores the record.
        return (
            "(record deleted)",
            f"restore the record (the edit: {describe_value(row.other_value)})",
        )
    return describe_value(row.kept_value), describe_value(row.other_value)


def describe_sync_error(exc: SyncError) -> str:
    details = exc.details
    if isinstance(exc, syncing.NotEnrolled):
        return "this vault is not enrolled with a server yet: run enroll first"
    if isinstance(exc, syncing.AlreadyEnrolled):
        return (
            f"this vault is already enrolled as device {details['device_id']} of "
            f"{details['user']} at {details['server']}. To enroll it again as a new device, "
            "add --replace: that device is then retired and this vault's unsent work goes "
            "out with the new one"
        )
    if exc.code == "unreachable":
        # The network's own words may end with a period; ours follow after one.
        text = f"cannot reach {details['server']}: {str(details['error']).rstrip('. ')}"
        if details["reason"] == UNTRUSTED_CERTIFICATE:
            return f"{text}. {describe_untrusted(details)}"
        if details["reason"] == PLAIN_HTTP:
            return f"{text}. The server may speak only HTTPS: try https:// in the address"
        return f"{text}. Work saved on this laptop is kept; sync again when the server is reachable"
    if exc.code == "retire_blocked":
        return (
            "the office asked to retire this laptop, but "
            f"{counted(int(details['unsent']), 'change')} of areas "
            "no longer granted to you cannot be sent, so nothing was erased. Ask the office to "
            "grant those areas again and sync, or to revoke this laptop if that work may be lost"
        )
    if exc.code == "totp_required":
        return (
            "the server needs a one-time code besides the password for this user: enroll "
            "again with --totp CODE, the 6-digit code the authenticator app shows now"
        )
    if exc.code == "bad_totp":
        return (
            "the one-time code is wrong, out of date or was used already: wait for the next "
            "code in the authenticator app and enroll again with it (if the phone's clock is "
            "right and codes keep failing, ask the office)"
        )
    if exc.code == "totp_malformed":
        return f"a one-time code has {details['digits']} digits, as the authenticator app shows it"
    if exc.code == "insecure_url":
        return f"the server address must start with https:// ({details['url']})"
    if exc.code == "bad_answer":
        return f"the server sent a malformed page: {details['error']}"
    return exc.message or f"HTTP {exc.status}"


def describe_untrusted(details: dict[str, Any]) -> str:
    """What was tried when the server's certificate was not trusted, and what to do."""
    issuer = details.get("issuer")
    presented = f" (issued by {issuer})" if issuer else ""
    tried = "this computer's certificate store"
    source = details.get("ca_source")
    certificates = details.get("ca") or []
    if certificates:
        where = "kept in this vault" if source == "vault" else f"from {source}"
        listed = "; ".join(f"{c['subject']}, SHA-256 {c['sha256']}" for c in certificates)
        tried += f" and the office CA certificate {where} ({listed})"
        advice = (
            "If the office's CA changed, sync again with --ca-file and its new certificate (ca.pem)"
        )
    else:
        advice = "If the office uses its own CA, pass its certificate with --ca-file (ca.pem)"
    return f"The server's certificate{presented} is not trusted; tried {tried}. {advice}"


def describe_ca_problem(exc: syncing.CaCertificateUnusable) -> str:
    path = exc.path
    if exc.reason == "missing":
        return (
            f"the CA certificate file {path} does not exist: give the path of the office's CA "
            "certificate (ca.pem from marugoto-sync dev-cert, or the city's CA)"
        )
    if exc.reason == "folder":
        return f"{path} is a folder: give the CA certificate file in it (ca.pem)"
    if exc.reason == "unreadable":
        return f"cannot read the CA certificate file {path} ({exc.detail}): check its permissions"
    if exc.reason == "kept_path_missing":
        return (
            f"this vault was enrolled with the CA certificate {path}, which no longer exists: "
            "sync once with --ca-file FILE (the office's ca.pem); the vault then keeps the "
            "certificate itself"
        )
    return (
        f"{path} is not a PEM certificate (text between -----BEGIN CERTIFICATE----- and "
        "-----END CERTIFICATE-----): give the CA certificate the office handed out, not a key"
    )


def describe_error(exc: Exception) -> str:
    """Any error this face puts into words, in them."""
    if isinstance(exc, SyncError):
        return describe_sync_error(exc)
    if isinstance(exc, syncing.CaCertificateUnusable):
        return describe_ca_problem(exc)
    return str(exc)


def describe_export_blocked(exc: ExportBlocked, vault: Path | None = None, shown: int = 10) -> str:
    problems = exc.problems
    listed = "; ".join(str(p) for p in problems[:shown])
    more = len(problems) - shown
    conflicts = command_line("conflicts", vault) if vault else "marugoto-desktop conflicts"
    return (
        f"nothing exported: {counted(len(problems), 'problem')} in records that would not import "
        f"again ({listed}{f'; and {more} more' if more > 0 else ''}). Settle the open "
        f"conflicts ({conflicts}) or correct these records, then export again"
    )


def describe_ambiguous_conflict(exc: syncing.ConflictIdAmbiguous) -> str:
    listed = ", ".join(exc.matches[:5]) + (", …" if len(exc.matches) > 5 else "")
    return (
        f"{len(exc.matches)} open conflicts have ids that start with {exc.prefix} ({listed}): "
        "give more of the id"
    )


def describe_refused_choice(exc: syncing.ChoiceNotPossible) -> str:
    if exc.kind == PARENT_DELETED:
        return (
            "a record added under a deleted parent goes with its parent (keep) or brings "
            "the parent back (other)"
        )
    if exc.kind in syncing.DELETION_KINDS:
        return (
            "a conflict between a delete and an edit is settled by keeping the record as it "
            "is (keep) or taking the other wish: restoring or deleting it (other)"
        )
    return f"unknown choice {exc.choice!r}"


def describe_value_not_understood(exc: syncing.ValueNotUnderstood) -> str:
    if exc.expected == "number":
        return f"{exc.field}: {exc.text!r} is not a whole number"
    return f"{exc.field}: answer true or false, not {exc.text!r}"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="marugoto-desktop",
        description="Encrypted case records for まるごと福祉相談員 (Takamatsu City).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(
        name: str, handler: Callable[[argparse.Namespace], int], help_text: str
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(handler=handler)
        return p

    def vault_args(p: argparse.ArgumentParser, *, required: bool = True) -> None:
        p.add_argument(
            "--vault", type=Path, required=required, metavar="DIR", help="the vault's folder"
        )
        p.add_argument(
            "--passphrase-file",
            metavar="FILE",
            help=f"holds the passphrase (default: ${PASSPHRASE_ENV}, else asked)",
        )

    p = command("init", cmd_init, "create a new encrypted vault")
    vault_args(p)
    p.add_argument(
        "--recovery-public-key",
        type=Path,
        metavar="FILE",
        help="the office's recovery public key (office-recovery-public.pem; default: none, "
        "with a warning: recovery-key add gives it later)",
    )

    p = command("import", cmd_import, "import records from a JSON Lines file (all or nothing)")
    vault_args(p)
    p.add_argument(
        "file",
        type=Path,
        metavar="FILE",
        help="JSON Lines, one whole record a line (a field a line leaves out is emptied)",
    )
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="check the file and show what would change, writing nothing",
    )

    p = command("export", cmd_export, "export every record as JSON Lines")
    vault_args(p)
    p.add_argument(
        "--out",
        metavar="FILE",
        help="a file in an existing folder, written readable by you alone (default, or -: "
        "standard output)",
    )
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")

    p = command("demo", cmd_demo, "fill a vault (new or existing) with fictional demo records")
    vault_args(p)
    p.add_argument(
        "--households",
        type=int,
        default=200,
        metavar="N",
        help="how many fictional households (default: %(default)s)",
    )
    p.add_argument(
        "--seed",
        type=int,
        default=1,
        metavar="S",
        help="the same seed gives the same records (default: %(default)s)",
    )

    p = command("delete", cmd_delete, "delete a record by id, with the records that belong to it")
    vault_args(p)
    p.add_argument("record_id", metavar="ID", help="the record's id (as export shows it)")

    p = command(
        "transfer",
        cmd_transfer,
        "move a household, with everything under it, to another area (転居・引継ぎ)",
    )
    vault_args(p)
    p.add_argument("household", metavar="HOUSEHOLD", help="the household's id")
    p.add_argument(
        "--to",
        required=True,
        metavar="AREA",
        help=f"the area it goes to ({', '.join(AREAS.codes)})",
    )
    p.add_argument("--yes", action="store_true", help="do not ask before moving it")

    p = command(
        "restore",
        cmd_restore,
        "bring back a deleted record (ID), with those deleted with it; or restore a backup "
        "(FILE) as a new vault in DIR",
    )
    vault_args(p)
    p.add_argument(
        "record_id",
        metavar="ID|FILE",
        help="the deleted record's id, or a backup file made by backup",
    )
    p.add_argument(
        "--recovery-key",
        type=Path,
        metavar="FILE",
        help="restore a backup with the office's private recovery key instead of the "
        "passphrase (default: the passphrase)",
    )

    p = command(
        "backup",
        cmd_backup,
        "write an encrypted, checked backup of a vault (the app may be running)",
    )
    vault_args(p)
    p.add_argument(
        "--out", type=Path, required=True, metavar="FILE", help="the backup file to write"
    )
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")

    p = command(
        "diagnostics",
        cmd_diagnostics,
        "write versions, settings, counts and sync state for support, without personal data",
    )
    vault_args(p)
    p.add_argument(
        "--out",
        default=output.STDOUT,
        metavar="FILE",
        help="a JSON file (default: standard output)",
    )
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")

    p = command(
        "audit",
        cmd_audit,
        "the vault's audit trail of who did what to which records: verify it, or list it",
    )
    audit_actions = p.add_subparsers(dest="audit_action", metavar="ACTION")
    help_text = "check that no entry of the audit trail was changed, removed or cut off"
    a = audit_actions.add_parser("verify", help=help_text, description=help_text)
    a.set_defaults(handler=cmd_audit_verify)
    vault_args(a)
    help_text = (
        "list the audit trail (tab-separated: number, local time, who, device, action, "
        "records, detail), checked as it is read"
    )
    a = audit_actions.add_parser("list", help=help_text, description=help_text)
    a.set_defaults(handler=cmd_audit_list)
    vault_args(a)
    a.add_argument(
        "--household", metavar="ID", help="only entries about this household or its records"
    )
    a.add_argument(
        "--from",
        dest="from_date",
        type=date.fromisoformat,
        metavar="DATE",
        help="only entries on or after DATE (YYYY-MM-DD, local time)",
    )
    a.add_argument(
        "--to",
        dest="to_date",
        type=date.fromisoformat,
        metavar="DATE",
        help="only entries on or before DATE (YYYY-MM-DD, local time)",
    )

    p = command("passwd", cmd_passwd, "change the passphrase of a vault")
    vault_args(p)
    p.add_argument(
        "--new-passphrase-file",
        metavar="FILE",
        help=f"holds the new passphrase (default: ${NEW_PASSPHRASE_ENV}, else asked twice)",
    )

    p = command("recover", cmd_recover, "reopen a vault with the office recovery key")
    p.add_argument("--vault", type=Path, required=True, metavar="DIR", help="the vault's folder")
    p.add_argument(
        "--recovery-key",
        type=Path,
        required=True,
        metavar="FILE",
        help="the office's private recovery key (office-recovery-key.pem)",
    )
    p.add_argument(
        "--new-passphrase-file",
        metavar="FILE",
        help=f"holds the new passphrase (default: ${NEW_PASSPHRASE_ENV}, else asked twice)",
    )

    p = command(
        "recovery-key",
        cmd_recovery_key,
        "the office recovery key: create its pair (--out DIR), or give a vault its public key "
        "(add)",
    )
    p.add_argument(
        "--out", type=Path, metavar="DIR", help="create the key pair in DIR (never overwrites)"
    )
    actions = p.add_subparsers(dest="recovery_action", metavar="ACTION")
    help_text = "give a vault created without it the office's recovery public key"
    a = actions.add_parser("add", help=help_text, description=help_text)
    a.set_defaults(handler=cmd_recovery_key_add)
    vault_args(a)
    a.add_argument(
        "--public-key",
        type=Path,
        required=True,
        metavar="FILE",
        help=f"the office's public key ({vaults.PUBLIC_KEY_FILE})",
    )
    a.add_argument(
        "--replace", action="store_true", help="replace the recovery key the vault has already"
    )

    p = command("enroll", cmd_enroll, "register this laptop with the 総合センター server")
    vault_args(p)
    p.add_argument("--server", required=True, metavar="URL", help="https://…")
    p.add_argument("--user", required=True, metavar="NAME", help="your user name on the server")
    p.add_argument(
        "--ca-file",
        type=Path,
        metavar="FILE",
        help="the office's own CA certificate (PEM; default: this computer's store alone); "
        "the vault keeps the certificate, not the path",
    )
    p.add_argument(
        "--password-file", metavar="FILE", help="holds your server password (default: asked)"
    )
    p.add_argument(
        "--totp",
        metavar="CODE",
        help="the 6-digit code of your authenticator app, if the office set one up for you "
        "(default: asked when the server needs one)",
    )
    p.add_argument(
        "--device-name",
        metavar="NAME",
        help="how the office sees this laptop (default: USER@COMPUTER #VAULT-ID)",
    )
    p.add_argument(
        "--replace",
        action="store_true",
        help="enroll a vault enrolled already: the new device replaces the one it had, "
        "which is retired",
    )

    p = command("sync", cmd_sync, "send this laptop's changes and receive everyone else's")
    vault_args(p)
    p.add_argument(
        "--ca-file",
        type=Path,
        metavar="FILE",
        help="the office's CA certificate (PEM), when it changed; the vault keeps it",
    )

    p = command("conflicts", cmd_conflicts, "list conflicts between edits, with both values")
    vault_args(p)
    p.add_argument("--all", action="store_true", help="resolved ones too")
    p.add_argument("--json", action="store_true", help="as JSON, for programs")

    p = command("resolve", cmd_resolve, "settle a conflict (default: keep the current value)")
    vault_args(p)
    p.add_argument(
        "conflict_id", metavar="CONFLICT_ID", help="its id from conflicts, or a unique start of it"
    )
    choice = p.add_mutually_exclusive_group()
    choice.add_argument(
        "--keep", action="store_true", help="keep the current value (or the delete)"
    )
    choice.add_argument(
        "--other", action="store_true", help="take the value that lost (or restore the record)"
    )
    choice.add_argument("--value", metavar="TEXT", help="write a new value")

    add_document_commands(sub, vault_args)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "households", 1) < 1:
        parser.error("--households must be at least 1")
    try:
        return int(args.handler(args))
    except DeviceRetired as exc:
        sent = exc.details.get("pushed")
        print(
            "the office retired this laptop: "
            + (
                f"it sent what it had not sent ({counted(sent, 'change')}), "
                if sent is not None
                else ""
            )
            + "its vault was erased and it no longer syncs. To work on this laptop again, "
            "create a new vault (init) and enroll it."
        )
        return 0
    except DeviceRevoked:
        print(
            "marugoto-desktop: error: the office revoked this laptop: its vault was erased, "
            "with any changes not yet sent. To work on this laptop again, create a new vault "
            "(init) and enroll it.",
            file=sys.stderr,
        )
        return 1
    except Cancelled:
        print("marugoto-desktop: sync cancelled; run it again to continue", file=sys.stderr)
        return 1
    except SyncError as exc:
        print(f"marugoto-desktop: error: {describe_sync_error(exc)}", file=sys.stderr)
        return 1
    except ExportBlocked as exc:
        text = describe_export_blocked(exc, getattr(args, "vault", None))
        print(f"marugoto-desktop: error: {text}", file=sys.stderr)
        return 1
    except syncing.ConflictIdAmbiguous as exc:
        print(f"marugoto-desktop: error: {describe_ambiguous_conflict(exc)}", file=sys.stderr)
        return 1
    except syncing.CaCertificateUnusable as exc:
        print(f"marugoto-desktop: error: {describe_ca_problem(exc)}", file=sys.stderr)
        return 1
    except syncing.ChoiceNotPossible as exc:
        print(f"marugoto-desktop: error: {describe_refused_choice(exc)}", file=sys.stderr)
        return 1
    except syncing.ValueNotUnderstood as exc:
        print(f"marugoto-desktop: error: {describe_value_not_understood(exc)}", file=sys.stderr)
        return 1
    except VaultReadOnly as exc:
        print(f"marugoto-desktop: error: {describe_read_only(exc)}", file=sys.stderr)
        return 1
    except VaultNotFound as exc:
        folder = getattr(args, "vault", None)
        where = ""
        if folder is not None:
            where = (
                f": check the folder's name, or create a vault with {command_line('init', folder)}"
            )
        print(f"marugoto-desktop: error: {exc}{where}", file=sys.stderr)
        return 1
    except backups.BackupRefused as exc:
        print(f"marugoto-desktop: error: {exc}; nothing was written", file=sys.stderr)
        return 1
    except (
        VaultError,
        RecordInvalid,
        exchange.ImportFailed,
        vaults.WeakPassphrase,
        ConflictNotFound,
        documents.RecordMissing,
    ) as exc:
        print(f"marugoto-desktop: error: {exc}", file=sys.stderr)
        return 1
    except UsageError as exc:
        print(f"marugoto-desktop: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (`export | head`): stop quietly, as other command-line tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except OSError as exc:
        print(f"marugoto-desktop: error: {describe_os_error(exc)}", file=sys.stderr)
        return 1
    except (ValueError, KeyError) as exc:
        print(f"marugoto-desktop: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("marugoto-desktop: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
