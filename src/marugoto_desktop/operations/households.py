"""Finding households and reading one whole: the list, its search and filters, the detail.

Read models over the vault's decrypted copies: no query here decrypts the whole vault again
after a write (the vault keeps its copies and search text current).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from ..domain.records import Record
from ..domain.vocabularies import AREAS, HOUSEHOLD_STATUS, ISSUE_CATEGORIES
from ..vault import RecordNotFound, Vault

T = TypeVar("T")


@dataclass(frozen=True)
class HouseholdRow:
    id: str
    name: str
    area: str  # label
    status: str  # label
    address: str
    members: int
    area_code: str = ""
    status_code: str = ""
    # Known once prepare_search has run (it decrypts members and issues), else empty:
    kana: str = ""  # the head's kana (else the first member's), for 五十音 order
    categories: tuple[str, ...] = ()  # of its open (unresolved) issues, in vocabulary order
    phone: str = ""


class _HouseholdRows:
    """The list's rows, kept current by writes: a keystroke only filters and never builds
    10,000 rows again. Members' kana and open issues are known once `learn` has been given
    them decrypted (prepare_search)."""

    types = frozenset({"household", "person", "issue"})

    def __init__(self, vault: Vault) -> None:
        self._households = {h.id: h for h in vault.records("household")}
        self._member_of = vault.parents("person")  # clear columns: nothing decrypted
        self._members: Counter[str] = Counter(self._member_of.values())
        self._kana: dict[str, dict[str, tuple[bool, str]]] | None = None
        # Open issues: id -> (household, category); per category, households with one.
        self._issues: dict[str, tuple[str, str]] | None = None
        self._issues_of: dict[str, dict[str, str]] = {}
        self._with_category: dict[str, Counter[str]] = {}
        self._rows: dict[str, HouseholdRow] = {}
        self._order: list[str] | None = None

    @property
    def learned(self) -> bool:
        return self._kana is not None and self._issues is not None

    def learn(self, people: Iterable[Record], issues: Iterable[Record]) -> None:
        self._kana = {}
        for person in people:
            self._put_person_kana(person)
        self._issues, self._issues_of, self._with_category = {}, {}, {}
        for issue in issues:
            self._put_issue(issue)
        self._rows.clear()

    def put(self, record: Record) -> None:
        if record.type == "household":
            if record.deleted:
                self._households.pop(record.id, None)
            else:
                self._households[record.id] = record
            self._rows.pop(record.id, None)
            self._order = None
            return
        if record.parent_id is None:
            return
        if record.type == "issue":
            if self._issues is not None:
                self._put_issue(record)
        else:
            was = self._member_of.get(record.id)
            if record.deleted and was is not None:
                del self._member_of[record.id]
                self._members[was] -= 1
            elif not record.deleted and was is None:
                self._member_of[record.id] = record.parent_id
                self._members[record.parent_id] += 1
            if self._kana is not None:
                self._put_person_kana(record)
        self._rows.pop(record.parent_id, None)

    def _put_person_kana(self, person: Record) -> None:
        assert self._kana is not None
        if person.parent_id is None:
            return
        of_household = self._kana.setdefault(person.parent_id, {})
        kana = person.fields.get("kana")
        if person.deleted or not kana:
            of_household.pop(person.id, None)
        else:
            of_household[person.id] = (person.fields.get("relationship") == "head", str(kana))

    def _put_issue(self, issue: Record) -> None:
        assert self._issues is not None
        was = self._issues.pop(issue.id, None)
        if was is not None:
            self._with_category[was[1]][was[0]] -= 1
            self._issues_of[was[0]].pop(issue.id, None)
        category = issue.fields.get("category")
        open_ = not issue.deleted and not issue.fields.get("resolved_on")
        if open_ and issue.parent_id is not None and isinstance(category, str):
            self._issues[issue.id] = (issue.parent_id, category)
            self._issues_of.setdefault(issue.parent_id, {})[issue.id] = category
            self._with_category.setdefault(category, Counter())[issue.parent_id] += 1

    def with_category(self, category: str) -> set[str]:
        """Households with an open issue of `category` (learned issues needed)."""
        counts = self._with_category.get(category, Counter())
        return {household for household, n in counts.items() if n > 0}

    def ordered(self) -> list[str]:
        """Live household ids by name."""
        if self._order is None:
            names = {i: str(h.fields.get("name", "")) for i, h in self._households.items()}
            self._order = sorted(names, key=lambda i: (names[i], i))
        return self._order

    def row(self, household_id: str) -> HouseholdRow | None:
        row = self._rows.get(household_id)
        if row is not None:
            return row
        h = self._households.get(household_id)
        if h is None:
            return None
        kana = ""
        known = self._kana.get(household_id) if self._kana is not None else None
        if known:
            # The head's kana, else the first member's (by when recorded).
            kana = min(known.items(), key=lambda item: (not item[1][0], item[0]))[1][1]
        held = set(self._issues_of.get(household_id, {}).values())
        row = self._rows[household_id] = HouseholdRow(
            id=h.id,
            name=str(h.get("name", "")),
            area=AREAS.label(h.area or ""),
            status=HOUSEHOLD_STATUS.label(str(h.get("status", ""))),
            address=str(h.get("address", "")),
            members=self._members.get(household_id, 0),
            area_code=h.area or "",
            status_code=str(h.get("status", "")),
            kana=kana,
            categories=tuple(c for c in ISSUE_CATEGORIES if c in held) if held else (),
            phone=str(h.get("phone", "")),
        )
        return row


def _rows(vault: Vault, read: Callable[[_HouseholdRows], T]) -> T:
    return vault.read_view("household_rows", lambda: _HouseholdRows(vault), read)


def find_households(
    vault: Vault,
    query: str = "",
    *,
    area: str | None = None,
    status: str | None = None,
    issue_category: str | None = None,
) -> list[HouseholdRow]:
    """Live households matching `query` (name, kana, address, phone, district, members' names;
    alike in full or half width, hiragana or katakana) and every filter given (codes: area,
    household status, the category of an open issue), by name.

    Rows' `kana` and `categories` are filled once prepare_search has run (it decrypts the
    members and issues); the issue filter runs it if need be.
    """

    def read(view: _HouseholdRows) -> list[HouseholdRow]:
        having = None
        if issue_category is not None:
            if not view.learned:
                _learn(vault, view)
            having = view.with_category(issue_category)
        matched = vault.search_ids(query, "household")
        rows = []
        for household_id in view.ordered():
            if matched is not None and household_id not in matched:
                continue
            if having is not None and household_id not in having:
                continue
            row = view.row(household_id)
            if row is None:
                continue
            if area is not None and row.area_code != area:
                continue
            if status is not None and row.status_code != status:
                continue
            rows.append(row)
        return rows

    return _rows(vault, read)


def household_rows(vault: Vault, query: str = "") -> list[HouseholdRow]:
    """Live households matching `query`, by name (find_households without filters)."""
    return find_households(vault, query)


def household_row(vault: Vault, household_id: str) -> HouseholdRow | None:
    """One household's row, to refresh it in a list after a save; None once it is deleted."""
    return _rows(vault, lambda view: view.row(household_id))


def search_ids(vault: Vault, text: str) -> set[str] | None:
    """Ids of the live households `text` finds (as find_households does); None when `text`
    is blank: every household."""
    return vault.search_ids(text, "household")


def _learn(vault: Vault, view: _HouseholdRows) -> None:
    view.learn(vault.records("person"), vault.records("issue"))


def prepare_search(vault: Vault) -> None:
    """Decrypt what household search and its filters read (members, issues), so keystrokes
    stay fast and rows carry kana and categories. The desktop app runs this in the
    background right after unlock, then refreshes the list."""
    vault.prepare_search("household")
    _rows(vault, lambda view: None if view.learned else _learn(vault, view))


@dataclass(frozen=True)
class HouseholdDetail:
    """One household and what belongs to it, as the 世帯詳細 screen shows it."""

    household: Record
    members: list[Record]  # the head first, then the oldest
    issues: list[Record]  # 主訴 first, then open before resolved, by when identified
    referrals: list[Record]  # newest first
    consents: list[Record]  # newest first
    meetings: list[Record]  # the meetings that discussed it, newest first
    agencies: dict[str, Record]  # the agencies its referrals, consents and meetings name
    activities: list[Record]  # its timeline, newest first (activity_timeline)

    @property
    def main_issues(self) -> list[Record]:
        return [issue for issue in self.issues if issue.fields.get("is_main")]


def household_detail(vault: Vault, household_id: str) -> HouseholdDetail:
    """A household with its members, issues, activities, referrals, consents and meetings,
    read as one (no write of another thread comes between)."""
    with vault.exclusive():
        return _detail(vault, household_id)


def _detail(vault: Vault, household_id: str) -> HouseholdDetail:
    household = vault.get(household_id)
    if household is None or household.type != "household":
        raise RecordNotFound(household_id)

    def under(record_type: str) -> list[Record]:
        return vault.records(record_type, parent_id=household_id)

    members = sorted(
        under("person"),
        key=lambda p: (
            p.fields.get("relationship") != "head",
            p.fields.get("birth_date") or "9999",
            p.id,
        ),
    )
    issues = sorted(
        under("issue"),
        key=lambda i: (
            not i.fields.get("is_main"),
            bool(i.fields.get("resolved_on")),
            i.fields.get("identified_on") or "",
            i.id,
        ),
    )
    referrals = _newest_first(under("referral"), "date")
    consents = _newest_first(under("consent"), "granted_on")
    meetings = _newest_first(
        [m for m in vault.records("meeting") if household_id in m.fields.get("household_ids", [])],
        "date",
    )
    named: set[str] = set()
    for referral in referrals:
        named.add(str(referral.fields.get("agency_id", "")))
    for consent in consents:
        named.update(consent.fields.get("agency_ids", []))
    for meeting in meetings:
        named.update(meeting.fields.get("attendee_agency_ids", []))
    agencies = {a.id: a for a in map(vault.get, sorted(named)) if a is not None}
    return HouseholdDetail(
        household,
        members,
        issues,
        referrals,
        consents,
        meetings,
        agencies,
        activity_timeline(vault, household_id),
    )


def activity_timeline(vault: Vault, household_id: str) -> list[Record]:
    """A household's activities, newest first (by date, time, then when recorded)."""
    activities = vault.records("activity", parent_id=household_id)
    return sorted(
        activities,
        key=lambda a: (a.fields.get("date", ""), a.fields.get("time", ""), a.id),
        reverse=True,
    )


def _newest_first(records: list[Record], date_field: str) -> list[Record]:
    return sorted(records, key=lambda r: (r.fields.get(date_field, ""), r.id), reverse=True)
