"""`marugoto-sync audit list` and `audit verify`: how the audit trails are shown to a person
(a table in this computer's time zone, or CSV for Excel) and checked; and `transfer list`,
the households moved to another area, shown the same way."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from ..english import counted, verb
from .storage import AdminEntry, AuditEntryInfo, Storage, TransferListed

# Past this many, a table names how many records an entry touched rather than each of them.
RECORDS_SHOWN = 3


def _local(stamp: str) -> str:
    """An entry's time (ISO 8601 UTC) as a person reads it: this computer's zone, seconds."""
    try:
        when = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    return when.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def _records(records: Sequence[str]) -> str:
    if not records:
        return "-"
    if len(records) > RECORDS_SHOWN:
        return counted(len(records), "record")
    return ",".join(records)


def _before(entries: int) -> str:
    """What holds of a chain before the entry where it broke."""
    if entries == 0:
        return "it breaks at its first entry"
    held = counted(entries, "entry", "entries")
    return f"the {held} before it {verb(entries, 'verifies', 'verify')}"


def _detail(detail: dict[str, Any]) -> str:
    return " ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in sorted(detail.items()))


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


def _csv(rows: list[list[str]]) -> None:
    """UTF-8 with a byte order mark, so that Excel opens the Japanese names as they are."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    sys.stdout.buffer.write(b"\xef\xbb\xbf" + out.getvalue().encode("utf-8"))
    sys.stdout.flush()


def print_audit_entries(entries: Sequence[AuditEntryInfo], form: str) -> None:
    if form == "csv":
        rows = [
            ["at", "user", "device_id", "device_name", "seq", "who", "action", "records", "detail"]
        ]
        rows += [
            [
                e.at,
                e.user,
                e.device_id,
                e.device_name,
                str(e.seq),
                e.who or "",
                e.action,
                " ".join(e.records),
                json.dumps(e.detail, ensure_ascii=False, sort_keys=True),
            ]
            for e in entries
        ]
        _csv(rows)
        return
    if not entries:
        print("No audit trail entries match.")
        return
    rows = [["TIME", "USER", "DEVICE", "#", "WHO", "ACTION", "RECORDS", "DETAIL"]]
    rows += [
        [
            _local(e.at),
            e.user,
            e.device_id[:8],
            str(e.seq),
            e.who or "-",
            e.action,
            _records(e.records),
            _detail(e.detail) or "-",
        ]
        for e in entries
    ]
    print(_table(rows))


def print_admin_actions(actions: Sequence[AdminEntry], form: str) -> None:
    if form == "csv":
        rows = [["seq", "at", "actor", "action", "subject", "detail"]]
        rows += [
            [
                str(a.seq),
                a.at,
                a.actor,
                a.action,
                a.subject or "",
                json.dumps(a.detail, ensure_ascii=False, sort_keys=True),
            ]
            for a in actions
        ]
        _csv(rows)
        return
    if not actions:
        print("No administrators' actions recorded.")
        return
    rows = [["#", "TIME", "BY", "ACTION", "SUBJECT", "DETAIL"]]
    rows += [
        [str(a.seq), _local(a.at), a.actor, a.action, a.subject or "-", _detail(a.detail) or "-"]
        for a in actions
    ]
    print(_table(rows))


def print_transfers(moves: Sequence[TransferListed], form: str) -> None:
    if form == "csv":
        rows = [["at", "household", "from_area", "to_area", "records", "user", "device_id",
                 "device_name"]]  # fmt: skip
        rows += [
            [
                m.at.isoformat(timespec="seconds"),
                m.household,
                m.from_area,
                m.to_area,
                str(m.records),
                m.user,
                m.device_id,
                m.device_name,
            ]
            for m in moves
        ]
        _csv(rows)
        return
    if not moves:
        print("No transfers match.")
        return
    rows = [["TIME", "HOUSEHOLD", "FROM → TO", "MOVED", "USER", "DEVICE"]]
    rows += [
        [
            m.at.astimezone().strftime("%Y-%m-%d %H:%M"),
            m.household,
            f"{m.from_area} → {m.to_area}",
            # The household and the records under it, deleted ones too.
            counted(m.records, "record"),
            m.user,
            m.device_id[:8],
        ]
        for m in moves
    ]
    print(_table(rows))
    print(f"{counted(len(moves), 'transfer')}.")


def audit_verify(storage: Storage, noted_links: Sequence[str] = ()) -> int:
    """Check every chain and say, line by line, which holds and which breaks where; 0 if all
    hold and no upload was refused, else 1. `noted_links`: links of the administrators'
    chain noted from an earlier verify, which must still be in it."""
    failing = 0
    for noted in noted_links:
        seq = storage.admin_link_seq(noted)
        if seq is None:
            failing += 1
            print(f"administrators' chain: the link {noted} noted earlier is no longer in it")
        else:
            print(f"administrators' chain: the link noted earlier is entry {seq}'s")
    admin = storage.verify_admin_chain()
    if admin.holds:
        last = admin.head_hash
        print(
            f"administrators' chain: {counted(admin.entries, 'entry', 'entries')}, verified "
            f"(last link {last})"
        )
    else:
        failing += 1
        print(
            f"administrators' chain: BROKEN at entry {admin.broken_at}: {admin.reason} "
            f"({_before(admin.entries)})"
        )
    devices = {d.id: d for d in storage.devices()}
    for device_id, audit in storage.device_audits(list(devices)).items():
        device = devices[device_id]
        name = f"device {device_id} ({device.name}, user {device.user})"
        check = audit.check
        if not check.holds:
            failing += 1
            print(
                f"{name}: BROKEN at entry {check.broken_at}: {check.reason} "
                f"({_before(check.entries)})"
            )
        elif audit.status == "none":
            print(f"{name}: no entries yet")
        else:
            print(f"{name}: {counted(check.entries, 'entry', 'entries')}, verified")
        if audit.refused_code is not None:
            failing += 1
            when = (
                audit.refused_at.astimezone().strftime("%Y-%m-%d %H:%M")
                if audit.refused_at
                else "?"
            )
            print(
                f"{name}: REFUSED an upload {when} at entry {audit.refused_seq} "
                f"({audit.refused_code}): {audit.refused_reason}"
            )
    if failing:
        print(f"{counted(failing, 'problem')} found.", file=sys.stderr)
        return 1
    print("Every chain holds.")
    return 0
