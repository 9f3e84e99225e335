"""What is due: the read models of the home screen.

Follow-ups due and overdue, referrals awaiting acknowledgement, changes not yet synced and
the last sync's result. Dates are compared with a `today` the caller gives.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import date, timedelta

from ..domain.records import Record
from ..vault import Vault
from .sync import SyncSummary, last_sync

__all__ = [
    "AwaitingReferral",
    "FollowUp",
    "SyncSummary",
    "awaiting_acknowledgement",
    "follow_ups",
    "last_sync",
    "prepare_home",
    "unsynced_changes",
]

# Referrals still being worked on; `done` and `dropped` ask for nothing more.
OPEN_REFERRAL = ("open", "acknowledged")


@dataclass(frozen=True)
class FollowUp:
    """A date someone set for coming back to a case: an activity's 次回予定日 or a referral's
    フォロー予定日."""

    due_on: str
    overdue: bool  # due before today
    record: Record  # the activity or referral that set it
    household_id: str | None  # None: a gathering's next date
    household_name: str


@dataclass(frozen=True)
class AwaitingReferral:
    """A referral the agency has not acknowledged yet."""

    referral: Record
    household_id: str
    household_name: str
    agency_name: str


_SeriesKey = str | tuple[str | None, str | None, str | None]


def _series_of(activity: Record) -> _SeriesKey:
    """What one activity's next date is about: its household, else the gathering (area,
    kind, place) it was a session of."""
    fields = activity.fields
    return activity.parent_id or (activity.area, fields.get("kind"), fields.get("place"))


def _order(activity: Record) -> tuple[str, str, str]:
    return (activity.fields.get("date", ""), activity.fields.get("time", ""), activity.id)


class _Home:
    """What the home screen reads, kept current by writes: the latest activity of each
    household and gathering, the referrals still open, and from them the dated entries due.
    After a save only what the save touched is looked at again."""

    types = frozenset({"activity", "referral", "household", "agency"})

    def __init__(self, vault: Vault) -> None:
        self._households = {h.id: h for h in vault.records("household")}
        self._agencies = {a.id: a for a in vault.records("agency")}
        self._series: dict[_SeriesKey, dict[str, Record]] = {}
        self._series_of: dict[str, _SeriesKey] = {}
        self._latest: dict[_SeriesKey, Record] = {}
        self._referrals: dict[str, Record] = {}  # open or acknowledged
        self._referrals_of: dict[str, set[str]] = {}
        # (due on, household name, record id, record, household id, area), by record id.
        self._due: dict[str, tuple[str, str, str, Record, str | None, str | None]] = {}
        self._stale: set[_SeriesKey] = set()
        self._stale_referrals: set[str] = set()
        # The keys (due on, household name, record id) of `_due` in order, kept in order by
        # what a save changed (a sort of thousands at every save took most of a refresh);
        # None: sorted again whole.
        self._order: list[tuple[str, str, str]] | None = None
        self._moved: list[tuple[bool, tuple[str, str, str]]] = []  # (entered?, key)
        # Answers already given, until what they read changes.
        self._follow_ups: dict[tuple[str, str, str | None], list[FollowUp]] = {}
        self._awaiting: dict[str | None, list[AwaitingReferral]] = {}
        for activity in vault.records("activity"):
            self.put(activity)
        for referral in vault.records("referral"):
            self.put(referral)

    def put(self, record: Record) -> None:
        if record.type != "activity":
            self._awaiting.clear()
        if record.type == "household":
            if record.deleted:
                self._households.pop(record.id, None)
            else:
                self._households[record.id] = record
            # Its name or status shows in (or hides) its entries.
            self._stale.add(record.id)
            self._stale_referrals.update(self._referrals_of.get(record.id, ()))
        elif record.type == "agency":
            if record.deleted:
                self._agencies.pop(record.id, None)
            else:
                self._agencies[record.id] = record
        elif record.type == "referral":
            self._stale_referrals.add(record.id)
            if not record.deleted and record.fields.get("status") in OPEN_REFERRAL:
                self._referrals[record.id] = record
                if record.parent_id is not None:
                    self._referrals_of.setdefault(record.parent_id, set()).add(record.id)
            elif self._referrals.pop(record.id, None) is not None and record.parent_id:
                self._referrals_of.get(record.parent_id, set()).discard(record.id)
        else:
            was = self._series_of.pop(record.id, None)
            if was is not None:
                self._series[was].pop(record.id, None)
                self._stale.add(was)
            if not record.deleted:
                key = _series_of(record)
                self._series.setdefault(key, {})[record.id] = record
                self._series_of[record.id] = key
                self._stale.add(key)

    def _settle(self) -> None:
        if self._stale or self._stale_referrals:
            self._follow_ups.clear()
        for key in self._stale:
            old = self._latest.pop(key, None)
            if old is not None:
                self._drop(old.id)
            series = self._series.get(key)
            if not series:
                self._series.pop(key, None)
                continue
            latest = self._latest[key] = max(series.values(), key=_order)
            self._enter(latest, latest.fields.get("next_date"))
        self._stale.clear()
        for referral_id in self._stale_referrals:
            self._drop(referral_id)
            referral = self._referrals.get(referral_id)
            if referral is not None:
                self._enter(referral, referral.fields.get("follow_up_on"))
        self._stale_referrals.clear()
        self._reorder()

    def _drop(self, record_id: str) -> None:
        entry = self._due.pop(record_id, None)
        if entry is not None:
            self._moved.append((False, entry[:3]))

    def _reorder(self) -> None:
        moved, self._moved = self._moved, []
        if self._order is None or len(moved) > 256:
            self._order = sorted(entry[:3] for entry in self._due.values())
            return
        for entered, key in moved:
            if entered:
                bisect.insort(self._order, key)
            else:
                at = bisect.bisect_left(self._order, key)
                if at < len(self._order) and self._order[at] == key:
                    del self._order[at]

    def _enter(self, record: Record, on: object) -> None:
        if not isinstance(on, str):
            return
        name = ""
        if record.parent_id is not None:
            household = self._households.get(record.parent_id)
            if household is None or household.fields.get("status") == "closed":
                return
            name = str(household.fields.get("name", ""))
        self._drop(record.id)  # (never there: a stale entry is dropped first)
        self._due[record.id] = (on, name, record.id, record, record.parent_id, record.area)
        self._moved.append((True, (on, name, record.id)))

    def follow_ups(self, day: str, horizon: str, area: str | None) -> list[FollowUp]:
        self._settle()
        known = self._follow_ups.get((day, horizon, area))
        if known is None:
            known = self._follow_ups[(day, horizon, area)] = self._find(day, horizon, area)
        return list(known)

    def _find(self, day: str, horizon: str, area: str | None) -> list[FollowUp]:
        assert self._order is not None  # (settled)
        end = bisect.bisect_right(self._order, (horizon, "\U0010ffff", ""))
        entries = (self._due[key[2]] for key in self._order[:end])
        return [FollowUp(on, on < day, record, household, name) for on, name, _, record,
                household, in_area in entries if area is None or in_area == area]  # fmt: skip

    def awaiting(self, area: str | None) -> list[AwaitingReferral]:
        known = self._awaiting.get(area)
        if known is None:
            known = self._awaiting[area] = self._waiting(area)
        return list(known)

    def _waiting(self, area: str | None) -> list[AwaitingReferral]:
        waiting = [
            r
            for r in self._referrals.values()
            if r.fields.get("status") == "open" and (area is None or r.area == area)
        ]
        waiting.sort(key=lambda r: (r.fields.get("date", ""), r.id))
        rows = []
        for referral in waiting:
            household = self._households.get(referral.parent_id or "")
            agency = self._agencies.get(str(referral.fields.get("agency_id", "")))
            rows.append(
                AwaitingReferral(
                    referral,
                    referral.parent_id or "",
                    str(household.fields.get("name", "")) if household else "",
                    str(agency.fields.get("name", "")) if agency else "",
                )
            )
        return rows


def follow_ups(
    vault: Vault, today: date, *, within_days: int = 14, area: str | None = None
) -> list[FollowUp]:
    """Follow-ups overdue or due within `within_days` of `today`, the earliest first.

    Only the latest word counts: a household's next date is the one its most recent activity
    set (a later visit answers an earlier plan), a gathering's the one its most recent
    session at that place set. A referral's follow-up counts while it is open or
    acknowledged. Closed households ask for nothing. The first call after unlock decrypts
    every activity (prepare_home does it in the background).
    """
    day, horizon = today.isoformat(), (today + timedelta(days=within_days)).isoformat()
    return vault.read_view(
        "home", lambda: _Home(vault), lambda view: view.follow_ups(day, horizon, area)
    )


def prepare_home(vault: Vault) -> None:
    """Decrypt what the home screen reads (every activity and referral), so that it, and
    each refresh after a save, is quick. The desktop app runs this in the background after
    unlock."""
    vault.read_view("home", lambda: _Home(vault), lambda view: view.follow_ups("", "", None))


def awaiting_acknowledgement(vault: Vault, *, area: str | None = None) -> list[AwaitingReferral]:
    """Referrals still `open` (not acknowledged by the agency), the longest waiting first."""
    return vault.read_view("home", lambda: _Home(vault), lambda view: view.awaiting(area))


def unsynced_changes(vault: Vault) -> int:
    """Changes written on this laptop that the server has not acknowledged yet."""
    return vault.outbox_size()
