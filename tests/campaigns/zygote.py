"""A fork server for the kill campaign: imports the app once, then for each request forks a
child that does one piece of real work on a vault (record writes, an import, a sync) and
notes its progress in a log file; the test kills the child with SIGKILL at a moment of its
choosing. Forking from a process that has imported everything but opened nothing and started
no thread makes each round cost milliseconds instead of a Python start.

Protocol, one JSON object per line: the test writes a request on stdin; the zygote answers
{"pid": N} when the child runs and {"pid": N, "exit": code, "signal": sig} when it has ended.

The child's log (written with os.write on an O_APPEND file, so every line it wrote is in the
kernel before the next step, whatever kills it):
    B <step> <key>         about to commit the step (key: what it writes, unique)
    C <step> <key> <id>    committed
"""

from __future__ import annotations

import io
import json
import os
import random
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from marugoto_desktop.domain.ids import new_id
from marugoto_desktop.operations import sync as syncing
from marugoto_desktop.operations.backups import back_up_open_vault
from marugoto_desktop.operations.exchange import import_records
from marugoto_desktop.operations.records import (
    create_record,
    delete_record,
    edit_record,
    restore_record,
)
from marugoto_desktop.vault import Vault

AREA = "mure"


class Log:
    def __init__(self, path: str) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    def line(self, *parts: object) -> None:
        os.write(self.fd, (" ".join(str(p) for p in parts) + "\n").encode())


def _open(request: dict[str, Any]) -> Vault:
    key = X25519PrivateKey.from_private_bytes(bytes.fromhex(request["key"]))
    return Vault.open_with_recovery_key(request["vault"], key)


def write(request: dict[str, Any], log: Log) -> None:
    """Record writes as a consultant makes them, until killed or `steps` are done: new
    households, visits under them, edits of a household's phone, deletes and restores."""
    rng = random.Random(request["seed"])
    tag = request["tag"]
    with _open(request) as vault:
        households = [r.id for r in vault.records("household")]
        activities = [r.id for r in vault.records("activity", include_deleted=True)]
        for step in range(request["steps"]):
            roll = rng.random()
            key = f"{tag}-{step}"
            if roll < 0.3 or not households:
                log.line("B", step, "household", key)
                saved = create_record(
                    vault, "household", {"name": f"世帯 {key}", "status": "active"}, area=AREA
                )
                households.append(saved.record.id)
                log.line("C", step, "household", key, saved.record.id)
            elif roll < 0.7:
                parent = rng.choice(households)
                log.line("B", step, "activity", key, parent)
                saved = create_record(
                    vault,
                    "activity",
                    {"date": "2026-11-30", "kind": "outreach.home_visit", "content": f"訪問 {key}"},
                    parent_id=parent,
                )
                activities.append(saved.record.id)
                log.line("C", step, "activity", key, saved.record.id)
            elif roll < 0.9:
                target = rng.choice(households)
                phone = f"087-{step:04d}-{rng.randrange(10000):04d}"
                log.line("B", step, "phone", key, target, phone)
                edit_record(vault, target, {"phone": phone})
                log.line("C", step, "phone", key, target, phone)
            elif activities:
                target = rng.choice(activities)
                deleted = vault.get(target) is None
                log.line("B", step, "restore" if deleted else "delete", key, target)
                (restore_record if deleted else delete_record)(vault, target)
                log.line("C", step, "restore" if deleted else "delete", key, target)


def import_lines(key: str, households: int) -> str:
    """An export file's lines: `households` households of the key, each with one member."""
    lines = []
    for n in range(households):
        household = new_id()
        lines.append({"type": "household", "id": household, "area": AREA,
                      "name": f"取込 {key}-{n}", "status": "active"})  # fmt: skip
        lines.append({"type": "person", "id": new_id(), "area": AREA,
                      "parent_id": household, "name": f"世帯員 {key}-{n}"})  # fmt: skip
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)


def import_(request: dict[str, Any], log: Log) -> None:
    """Imports, one after another until killed, each a file of `size` households as the
    import command reads it (each import is one transaction)."""
    with _open(request) as vault:
        for step in range(request["steps"]):
            key = f"{request['tag']}-{step}"
            text = import_lines(key, request["size"])
            log.line("B", step, "import", key)
            result = import_records(vault, io.StringIO(text))
            log.line("C", step, "import", key, result.created)


def backup(request: dict[str, Any], log: Log) -> None:
    """Backups of the vault the program holds (as the app's menu takes them), one after
    another with a few writes between, until killed."""
    folder = Path(request["out"])
    with _open(request) as vault:
        for step in range(request["steps"]):
            key = f"{request['tag']}-{step}"
            for n in range(3):
                create_record(
                    vault, "household", {"name": f"世帯 {key}.{n}", "status": "active"}, area=AREA
                )
            households = vault.count("household")
            log.line("B", step, "backup", key, households)
            back_up_open_vault(vault, folder / f"{key}.backup")
            log.line("C", step, "backup", key, households)


def sync(request: dict[str, Any], log: Log) -> None:
    with _open(request) as vault:
        log.line("B", 0, "sync", "-")
        report = syncing.sync(vault)
        log.line("C", 0, "sync", "-", report.pushed, report.pulled)


WORK = {"write": write, "import": import_, "backup": backup, "sync": sync}


def child(request: dict[str, Any]) -> None:
    code = 0
    try:
        log = Log(request["log"])
        WORK[request["op"]](request, log)
    except BaseException as exc:  # the test reads the log: say what went wrong there
        Log(request["log"]).line("E", type(exc).__name__, str(exc).replace("\n", " "))
        code = 1
    os._exit(code)


def main() -> None:
    # Forking is safe only from a process with one thread: importing started none.
    if threading.active_count() != 1:
        raise SystemExit(f"the zygote has {threading.active_count()} threads; it cannot fork")
    for raw in sys.stdin:
        request = json.loads(raw)
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            child(request)
        print(json.dumps({"pid": pid}), flush=True)
        _, status = os.waitpid(pid, 0)
        ended = {
            "pid": pid,
            "exit": os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else None,
            "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
        }
        print(json.dumps(ended), flush=True)


if __name__ == "__main__":
    main()
