"""Who wrote the changes of a pulled page: each site (a laptop's vault) named by the user and
the device that sent its changes, so that a conflict can say who wrote each side.

A change carries only its site; the log row also holds the user and device that pushed it.
A pull answer names the sites of its page (the entries' and those inside its conflicts) and no
other: a laptop learns the account and device names of those whose work it receives, nothing
more. Kept apart from the pull's own query (pull.py), which stays as it is.

A write sent again after a restore from a backup (a replay) is logged with the site that first
wrote it but under the device that sent it again, which may be another laptop; so where a
restore is recorded, only rows stamped after it name a site's author.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, select

from ...hlc import millis_of
from ..log_entries import PULLED_COLUMNS
from ..tables import devices, log, users
from .base import StoreBase, chunks
from .restores import last_restore_ms

_SEQ = PULLED_COLUMNS.index("seq")
_KIND = PULLED_COLUMNS.index("kind")
_VALUE = PULLED_COLUMNS.index("value")
_HLC = PULLED_COLUMNS.index("hlc")
_SITE = PULLED_COLUMNS.index("site")

# site -> {"user": the account's name, "device": the device's name}
AuthorMap = dict[str, dict[str, str]]


class Authors(StoreBase):
    """The users and devices behind the sites of a page."""

    def authors(self, rows: Sequence[Sequence[Any]]) -> AuthorMap:
        """The author of each site of these log rows (columns as PULLED_COLUMNS), and of
        each side of their conflicts; a site whose author cannot be told is left out."""
        if not rows:
            return {}
        with self._read() as conn:
            return authors_of(conn, rows, last_restore_ms(conn))


def authors_of(conn: Connection, rows: Sequence[Sequence[Any]], restored: int | None) -> AuthorMap:
    """Authors.authors in a transaction of the caller's; `restored`: when the latest restore
    from a backup was recorded (unix ms), or None."""
    if not rows:
        return {}

    def trusted(hlc: int) -> bool:
        return restored is None or millis_of(hlc) >= restored

    # One row per site, the last of the page that cannot be a replay: found by seq.
    # (A plain comprehension when no restore is recorded: a page may hold 10,000.)
    seq_of_site = (
        {row[_SITE]: row[_SEQ] for row in rows}
        if restored is None
        else {row[_SITE]: row[_SEQ] for row in rows if trusted(row[_HLC])}
    )
    # The changes on each side of a conflict: found by change id (indexed).
    sides: dict[str, str] = {}
    for value in [row[_VALUE] for row in rows if row[_KIND] == "conflict"]:
        conflict = json.loads(value)
        for side in (conflict["winner"], conflict["loser"]):
            if trusted(int(side["hlc"])):
                sides[str(side["change_id"])] = str(side["site"])
    found: AuthorMap = {}
    # As many sites as laptops write in the page's areas: one query.
    for site, user, device in conn.execute(_BY_SEQ, {"seqs": list(seq_of_site.values())}):
        found[site] = {"user": user, "device": device}
    missing = [cid for cid, site in sides.items() if site not in found]
    for ids in chunks(missing):
        for site, user, device in conn.execute(_BY_CHANGE, {"ids": list(ids)}):
            found.setdefault(site, {"user": user, "device": device})
    return found


# Who sent log rows (site, user, device), by seq (parameter `seqs`) or by change id (`ids`);
# built once (a statement built per pull costs more of its time than PostgreSQL spends on it).
_SENT_BY = (
    select(log.c.site, users.c.name, devices.c.name)
    .join(users, users.c.id == log.c.user_id)
    .join(devices, devices.c.id == log.c.device_id)
)
_BY_SEQ = _SENT_BY.where(log.c.seq.in_(bindparam("seqs", expanding=True)))
_BY_CHANGE = _SENT_BY.where(
    log.c.change_id.in_(bindparam("ids", expanding=True)), log.c.kind == "change"
)
