"""The demo generator: builds a caseload's records from one seeded Random, in a fixed order.

The data is a pure function of (households, seed): ids come from `uuid7_from` with the record's
own date and bytes from the Random, never from the clock or os.urandom.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..domain.calendar import fiscal_year_label
from ..domain.ids import uuid7_from
from ..domain.records import Record
from ..domain.validation import has_valid_consent
from ..domain.vocabularies import AREAS, CONSENT_PURPOSES, MEETING_TYPES
from .demo_calendar import (
    _AGENCIES_REGISTERED,
    _CARRYOVER_FROM,
    _CARRYOVER_SHARE,
    _FIRST,
    _FY2025,
    _HOUR_MS,
    _LAST,
    _NEW_CASES_UNTIL,
    _UNIX_EPOCH,
    FISCAL_YEARS,
    _iso,
    _weekday,
)
from .demo_people import (
    _GIVEN,
    _PROFILE_WEIGHTS,
    _PROFILES,
    _SPACE,
    _SURNAMES,
    _consent_methods,
    _generation,
    _grade,
    _household_type,
    _insurance,
    _Member,
    _pension,
    _Profile,
    _school,
)
from .demo_places import (
    _ACCOMPANY_TO,
    _AGENCIES,
    _AGENCY_FOR_ISSUE,
    _AREA_WEIGHTS,
    _AREAS,
    _CITY_MEETINGS,
    _GATHERING_PLACE,
    _REFERRING_TYPES,
)
from .demo_texts import (
    _CONTENT,
    _DECISIONS,
    _GATHERING_CONTENT,
    _HOW_FOUND_NOTE,
    _ISSUE_NOTES,
    _NEXT_ACTIONS,
    _REFERRAL_OUTCOME,
    _REFERRAL_PURPOSE,
    _ROLES,
    _TOPIC,
    _WHO,
)
from .demo_weights import (
    _ASSISTANCE,
    _CARE_FRAIL,
    _CARE_ROBUST,
    _CASE_BASIS,
    _CASE_MEETING,
    _CONSULT,
    _EXTRA_REFERRALS,
    _FIRST_CONTACT,
    _GATHERING,
    _HOUSING,
    _HOW_FOUND,
    _ISSUE_EXTRAS,
    _OUT_OR_JOINT,
    _OUTREACH_AT_HOME,
    _STATUS,
    _STATUS_OLD,
    _STATUS_RECENT,
    _WORKING_AGE_JOB,
    _draw,
    _Weights,
)

# Consents come before meetings (unlike TYPE_ORDER): a 重層的支援会議 is validated against the
# households' consents, and in a batched write those must already be in the vault.
WRITE_ORDER: tuple[str, ...] = (
    "agency",
    "household",
    "person",
    "issue",
    "activity",
    "referral",
    "consent",
    "meeting",
)


@dataclass
class _Case:
    """What the generator remembers about one household while it builds its records."""

    id: str
    area: str
    district: str
    first_known: int
    consultant: str
    how_found: str
    members: list[tuple[_Member, str]] = field(default_factory=list)  # (sketch, person id)
    issues: list[tuple[str, str | None]] = field(default_factory=list)  # (category, person id)
    days: list[int] = field(default_factory=list)  # activity dates, first contact first
    agencies: list[str] = field(default_factory=list)  # agencies it has been connected to
    consents: list[Record] = field(default_factory=list)
    given_names: set[str] = field(default_factory=set)
    head_employed: bool = False  # family members are then insured as dependents (被扶養者)


class _Generator:
    """Builds the demo records; all randomness comes from one seeded Random, in a fixed order."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.out: dict[str, list[Record]] = {t: [] for t in WRITE_ORDER}
        self.seen: dict[str, set[str]] = {}
        self.agency_names: dict[str, str] = {}
        self.agencies_by_type: dict[str, list[tuple[str, str]]] = {}  # type -> [(area, id)]
        self.agencies_by_area: dict[str, list[str]] = {a: [] for a in AREAS.codes}
        self.cases_by_area: dict[str, list[_Case]] = {a: [] for a in AREAS.codes}

    # -- helpers --------------------------------------------------------------------------

    def new_id(self, day: int) -> str:
        """A UUIDv7 stamped in office hours (JST) on the record's own date."""
        midnight_utc = (day - _UNIX_EPOCH) * 24 * _HOUR_MS
        ms = midnight_utc - 9 * _HOUR_MS + self.rng.randrange(8 * _HOUR_MS, 19 * _HOUR_MS)
        return uuid7_from(ms, self.rng.randbytes(10))

    def cover(self, key: str, candidates: Sequence[str], weights: _Weights | None = None) -> str:
        """A candidate not yet drawn under `key` if any is left, else a (weighted) draw.

        So even a small demo shows every code at least once; after the first few draws the
        weights rule.
        """
        seen = self.seen.setdefault(key, set())
        for code in candidates:
            if code not in seen:
                seen.add(code)
                return code
        return _draw(self.rng, weights) if weights else self.rng.choice(candidates)

    def count(self, chances: tuple[float, ...]) -> int:
        return self.rng.choices(range(len(chances)), chances)[0]

    def phone(self) -> str:
        return f"087-000-{self.rng.randrange(10_000):04d}"

    def address(self, town: str) -> str:
        return f"高松市{town}0000-{self.rng.randint(1, 99):02d}"

    def consultant(self, area: str) -> str:
        return _SPACE.join(self.rng.choice(_AREAS[area].consultants))

    def agency(self, agency_type: str, area: str) -> str:
        """An agency of a type, preferring one registered by the given area."""
        found = self.agencies_by_type[agency_type]
        local = [agency_id for agency_area, agency_id in found if agency_area == area]
        return self.rng.choice(local or [agency_id for _, agency_id in found])

    def agency_for(self, category: str, area: str) -> str:
        return self.agency(self.rng.choice(_AGENCY_FOR_ISSUE[category]), area)

    def add(self, record: Record) -> None:
        self.out[record.type].append(record)

    # -- agencies -------------------------------------------------------------------------

    def agencies(self) -> None:
        for area, agency_type, name in _AGENCIES:
            agency_id = self.new_id(_AGENCIES_REGISTERED)
            town = self.rng.choice(_AREAS[area].places)[1]
            fields = {
                "name": name,
                "agency_type": agency_type,
                "contact": f"相談担当　{self.rng.choice(_SURNAMES)[0]}",
                "phone": self.phone(),
                "address": self.address(town),
            }
            self.add(Record(agency_id, "agency", area, None, fields))
            self.agency_names[agency_id] = name
            self.agencies_by_type.setdefault(agency_type, []).append((area, agency_id))
            self.agencies_by_area[area].append(agency_id)

    # -- households -----------------------------------------------------------------------

    def household(self) -> None:
        r = self.rng
        area = self.cover("area", AREAS.codes, _AREA_WEIGHTS)
        district, town = r.choice(_AREAS[area].places)
        profile = _PROFILES[self.cover("profile", _PROFILE_WEIGHTS.codes, _PROFILE_WEIGHTS)]
        first_known = self.first_known_day()
        how_found = self.cover("how_found", _HOW_FOUND.codes, _HOW_FOUND)
        case = _Case(
            self.new_id(first_known), area, district, first_known, self.consultant(area), how_found
        )
        assistance = _draw(r, _ASSISTANCE[profile.needy])
        surname = r.choice(_SURNAMES)
        sketches = profile.members(r)
        people = [self.person(case, m, surname, assistance) for m in sketches]
        case.days = self.activity_days(case)
        closed = case.days[-1] < _LAST - 150 and r.random() < 0.55  # quiet for 5 months
        fields = {
            "name": f"{people[0].fields['name']}世帯",
            "district": district,
            "address": self.address(town),
            "phone": self.phone(),
            "household_type": _household_type(sketches),
            "housing": _draw(r, _HOUSING[profile.needy]),
            "public_assistance": assistance,
            "status": "closed" if closed else _draw(r, _STATUS),
            "first_known_on": _iso(first_known),
            "how_found": how_found,
            "assigned_consultant": case.consultant,
            "note": _HOW_FOUND_NOTE[how_found],
        }
        if closed:  # on the day of its last activity, when the case was wound up
            fields["closed_on"] = _iso(case.days[-1])
        self.add(Record(case.id, "household", area, None, fields))
        for person in people:
            self.add(person)
        self.issues(case, profile, closed)
        self.activities(case)
        self.referrals(case)
        self.consent(case)
        self.case_meeting(case)
        self.cases_by_area[area].append(case)

    def first_known_day(self) -> int:
        if self.rng.random() < _CARRYOVER_SHARE:
            return self.working_day(_CARRYOVER_FROM, _FIRST - 1)
        return self.working_day(_FIRST, _NEW_CASES_UNTIL)

    def working_day(self, first: int, last: int) -> int:
        """A Monday-to-Friday day between `first` and `last` (a range of at least 3 days).

        Drawing again rather than moving a weekend day keeps Mondays and Fridays as busy as
        the days between.
        """
        while True:
            day = self.rng.randint(first, last)
            if (day - 1) % 7 < 5:  # ordinal 1 (0001-01-01) was a Monday
                return day

    def birth_day(self, on: int, age: int) -> int:
        """A birth date that makes a person exactly `age` years old on day `on`."""
        day = date.fromordinal(on)
        leap_day = (day.month, day.day) == (2, 29)
        anchor = day.replace(year=day.year - age, day=28 if leap_day else day.day)
        return anchor.toordinal() - self.rng.randrange(365)

    def person(self, case: _Case, m: _Member, surname: tuple[str, str], assistance: str) -> Record:
        r = self.rng
        person_id = self.new_id(case.first_known)
        case.members.append((m, person_id))
        birth = self.birth_day(case.first_known, m.age)
        given = self.given_name(case, m.sex, date.fromordinal(birth).year)
        occupation = self.occupation(m)
        if m.relationship == "head":
            case.head_employed = occupation == "employed"
        fields: dict[str, Any] = {
            "name": f"{surname[0]}{_SPACE}{given[0]}",
            "kana": f"{surname[1]}{_SPACE}{given[1]}",
            "sex": m.sex,
            "birth_date": _iso(birth),
            "relationship": m.relationship,
            "lives_with_household": True,
            "occupation": occupation,
            "health_insurance": _insurance(m, occupation, assistance, case.head_employed),
        }
        if m.age >= 65:
            fields["care_level"] = _draw(r, _CARE_FRAIL if m.frail else _CARE_ROBUST)
        if m.certificate is None and m.age >= 20 and r.random() < 0.04:
            m.certificate = "physical"
        if m.certificate:
            fields["disability_certificate"] = m.certificate
            fields["disability_grade"] = _grade(r, m.certificate)
        if m.age >= 20:
            fields["pension"] = _pension(r, m)
        school = _school(m.age)
        if school and occupation == "student":
            fields["work_or_school"] = school
        return Record(person_id, "person", case.area, case.id, fields)

    def given_name(self, case: _Case, sex: str, birth_year: int) -> tuple[str, str]:
        """A given name of the person's generation that nobody else in the household has."""
        names = _GIVEN[sex, _generation(birth_year)]
        while True:
            given = self.rng.choice(names)
            if given[0] not in case.given_names:
                case.given_names.add(given[0])
                return given

    def occupation(self, m: _Member) -> str:
        if m.age < 6:
            return "preschool"
        if m.age < 19:
            return "student"
        if "hikikomori" in m.concerns or "eighty_fifty" in m.concerns:
            return "unemployed"
        if m.age >= 65:
            return "retired" if self.rng.random() < 0.8 else "part_time"
        if m.age < 23 and self.rng.random() < 0.4:
            return "student"
        return _draw(self.rng, _WORKING_AGE_JOB)

    # -- issues ---------------------------------------------------------------------------

    def issues(self, case: _Case, profile: _Profile, closed: bool) -> None:
        main = self.cover("main:" + " ".join(profile.mains), profile.mains)
        categories = [main]
        for _ in range(self.count(_ISSUE_EXTRAS)):
            left = [c for c in profile.extras if c not in categories]
            if left:
                categories.append(self.cover("issue", left))
        for category in categories:
            is_main = category == main
            identified = case.first_known if is_main else self.rng.choice(case.days)
            person_id = next((pid for m, pid in case.members if category in m.concerns), None)
            fields: dict[str, Any] = {
                "category": category,
                "is_main": is_main,
                "identified_on": _iso(identified),
                "note": _ISSUE_NOTES[category],
            }
            if person_id:
                fields["person_id"] = person_id
            resolved = self.resolved_on(case, identified, closed)
            if resolved:
                fields["resolved_on"] = _iso(resolved)
            self.add(Record(self.new_id(identified), "issue", case.area, case.id, fields))
            case.issues.append((category, person_id))

    def resolved_on(self, case: _Case, identified: int, closed: bool) -> int | None:
        """Every issue of a closed case is resolved; about one in five of the others."""
        if closed:
            return case.days[-1]
        if self.rng.random() >= 0.2:
            return None
        return self.rng.choice([day for day in case.days if day >= identified])

    # -- activities -----------------------------------------------------------------------

    def activity_days(self, case: _Case) -> list[int]:
        """8–14 contacts, close together at first and then spaced out, until 2026-03-31.

        A case carried over from FY2023 resumes in the first two months of FY2024. Cases found
        late get fewer contacts before the end, so the workload stays level over both years.
        """
        start = case.first_known
        if start < _FIRST:
            start = self.working_day(_FIRST, _FIRST + 60)
        days = [start]
        for _ in range(self.rng.randint(7, 13)):
            gap = (3, 30) if len(days) < 3 else (14, 75)
            day = self.working_day(days[-1] + gap[0], days[-1] + gap[1])
            if day > _LAST:
                break
            days.append(day)
        return days

    def activities(self, case: _Case) -> None:
        share = _AREAS[case.area].outreach_share
        for index, day in enumerate(case.days):
            if index == 0 and day == case.first_known:
                kind = self.rng.choice(_FIRST_CONTACT[case.how_found])
            elif self.rng.random() < share:
                kind = self.cover("activity_kind", _OUTREACH_AT_HOME.codes, _OUTREACH_AT_HOME)
            else:
                kind = self.cover("activity_kind", _CONSULT.codes, _CONSULT)
            fields = self.activity_fields(case, day, kind)
            self.add(Record(self.new_id(day), "activity", case.area, case.id, fields))

    def activity_fields(self, case: _Case, day: int, kind: str) -> dict[str, Any]:
        r = self.rng
        category, person_id = case.issues[0] if r.random() < 0.6 else r.choice(case.issues)
        who = _who(case, person_id)
        agency = self.agency_names[self.agency_for(category, case.area)]
        place = _activity_place(r, case, kind)
        template = r.choice(_CONTENT[kind])
        content = template.format(who=who, topic=_TOPIC[category], place=place, agency=agency)
        # Nobody took part in a visit that found no one at home.
        participants = f"{case.consultant}（相談員）" + (f"、{who}" if "{who}" in template else "")
        if kind in ("consult.coordination", "consult.accompany"):
            participants += f"、{agency}"
        fields: dict[str, Any] = {
            "date": _iso(day),
            "time": f"{r.randint(9, 16):02d}:{r.choice((0, 15, 30, 45)):02d}",
            "kind": kind,
            "participants": participants,
            "content": content,
            "recorded_by": case.consultant,
        }
        if place:
            fields["place"] = place
        if r.random() < 0.5:
            fields["next_action"] = r.choice(_NEXT_ACTIONS)
            fields["next_date"] = _iso(_weekday(day + r.randint(7, 42)))
        return fields

    def gathering(self) -> None:
        """Outreach at a gathering: no household, a head count instead."""
        r = self.rng
        area = _draw(r, _AREA_WEIGHTS)
        district = r.choice(_AREAS[area].places)[0]
        kind = self.cover("gathering_kind", _GATHERING.codes, _GATHERING)
        day = r.randint(_FIRST, _LAST)
        contacts = r.randint(5, 40)
        consultant = self.consultant(area)
        fields = {
            "date": _iso(day),
            "time": r.choice(("10:00", "13:30", "14:00", "19:00")),
            "kind": kind,
            "place": _GATHERING_PLACE[kind].format(district=district),
            "participants": f"{consultant}（相談員）、民生委員、地域住民",
            "content": _GATHERING_CONTENT[kind].format(n=contacts),
            "contacts": contacts,
            "recorded_by": consultant,
        }
        self.add(Record(self.new_id(day), "activity", area, None, fields))

    # -- referrals and consent ------------------------------------------------------------

    def referrals(self, case: _Case) -> None:
        r = self.rng
        if case.how_found == "agency_referral":
            agency_id = self.agency(r.choice(_REFERRING_TYPES), case.area)
            self.referral(case, "in", case.first_known, agency_id, case.issues[0][0])
        for _ in range(self.count(_EXTRA_REFERRALS)):
            direction = self.cover("direction", _OUT_OR_JOINT.codes, _OUT_OR_JOINT)
            category = r.choice(case.issues)[0]
            day = r.choice(case.days[1:])
            self.referral(case, direction, day, self.agency_for(category, case.area), category)

    def referral(
        self, case: _Case, direction: str, day: int, agency_id: str, category: str
    ) -> None:
        weights = _STATUS_OLD if _LAST - day > 120 else _STATUS_RECENT
        status = self.cover("referral_status", weights.codes, weights)
        name = self.agency_names[agency_id]
        fields: dict[str, Any] = {
            "agency_id": agency_id,
            "direction": direction,
            "date": _iso(day),
            "purpose": _REFERRAL_PURPOSE[direction].format(agency=name, topic=_TOPIC[category]),
            "status": status,
        }
        if status in ("open", "acknowledged"):
            fields["follow_up_on"] = _iso(_weekday(day + self.rng.randint(14, 60)))
        if status in _REFERRAL_OUTCOME:
            fields["outcome"] = _REFERRAL_OUTCOME[status].format(agency=name)
        self.add(Record(self.new_id(day), "referral", case.area, case.id, fields))
        if agency_id not in case.agencies:
            case.agencies.append(agency_id)

    def consent(self, case: _Case) -> None:
        """Most households agree early on to their information being shared."""
        r = self.rng
        if r.random() >= 0.6:
            return
        granted = min(_LAST, self.working_day(case.first_known, case.first_known + 45))
        concerned = case.issues[0][1] or case.members[0][1]
        member = next(m for m, pid in case.members if pid == concerned)
        wanted = {"records", "information_sharing"}
        for purpose, chance in (
            ("referral", 0.7),
            ("home_visit", 0.6),
            ("multilayer_meeting", 0.5),
        ):
            if r.random() < chance:
                wanted.add(purpose)
        houkatsu = self.agency("chiiki_houkatsu", case.area)
        fields: dict[str, Any] = {
            "person_id": concerned,
            "granted_on": _iso(granted),
            "method": self.cover("consent_method", _consent_methods(member)),
            "obtained_by": case.consultant,
            "agency_ids": list(dict.fromkeys([houkatsu, *case.agencies])),
            "purposes": [p for p in CONSENT_PURPOSES.codes if p in wanted],
            "document_version": "令和6年度版" if granted < _FY2025 else "令和7年度版",
        }
        if r.random() < 0.05 and granted + 60 < _LAST:
            fields["withdrawn_on"] = _iso(r.randint(granted + 60, min(_LAST, granted + 400)))
        record = Record(self.new_id(granted), "consent", case.area, case.id, fields)
        self.add(record)
        case.consents.append(record)

    # -- meetings -------------------------------------------------------------------------

    def meeting(
        self,
        day: int,
        area: str | None,
        meeting_type: str,
        legal_basis: str,
        attendees: list[str],
        cases: list[_Case],
        title: str,
    ) -> None:
        fields: dict[str, Any] = {
            "date": _iso(day),
            "meeting_type": meeting_type,
            "legal_basis": legal_basis,
            "title": title,
            "attendee_agency_ids": list(dict.fromkeys(attendees)),
            "decisions": _DECISIONS[meeting_type],
        }
        if cases:
            fields["household_ids"] = [c.id for c in cases]
            fields["roles"] = _ROLES
        if meeting_type in ("core_member", "regular", "individual") and self.rng.random() < 0.6:
            fields["next_date"] = _iso(_weekday(day + self.rng.randint(28, 90)))
        self.add(Record(self.new_id(day), "meeting", area, None, fields))

    def case_meeting(self, case: _Case) -> None:
        """An individual-case meeting for about one household in eight."""
        r = self.rng
        if r.random() >= 0.12:
            return
        day = r.choice(case.days)
        meeting_type = self.cover("case_meeting", _CASE_MEETING.codes, _CASE_MEETING)
        attendees = [self.agency("chiiki_houkatsu", case.area), *case.agencies]
        basis = "support_meeting"
        if meeting_type == "individual_existing":
            basis = r.choice(("other", "support_meeting"))
        elif has_valid_consent(case.consents, "multilayer_meeting", _iso(day)):
            basis = self.cover("case_basis", _CASE_BASIS.codes, _CASE_BASIS)
        if basis == "multilayer_meeting":
            # Only agencies the household agreed to share with sit at a 重層的支援会議.
            attendees = list(case.consents[0].fields["agency_ids"])
        title = f"{MEETING_TYPES[meeting_type]}（{case.district}地区）"
        self.meeting(day, case.area, meeting_type, basis, attendees, [case], title)

    def area_meetings(self) -> None:
        for area, info in _AREAS.items():
            for fiscal_year in FISCAL_YEARS:
                plan = (("core_member", info.core_meetings), ("regular", info.regular_meetings))
                for meeting_type, per_year in plan:
                    for number, day in enumerate(self.schedule(fiscal_year, per_year), start=1):
                        title = (
                            f"{AREAS[area]}エリア {MEETING_TYPES[meeting_type]}"
                            f"（{fiscal_year_label(fiscal_year)}第{number}回）"
                        )
                        self.area_meeting(area, meeting_type, day, title)

    def area_meeting(self, area: str, meeting_type: str, day: int, title: str) -> None:
        r = self.rng
        wanted = r.randint(1, 3) if meeting_type == "core_member" else r.randint(2, 5)
        pair = (self.agency("chiiki_houkatsu", area), self.agency("minsei", area))
        others = [a for a in self.agencies_by_area[area] if a not in pair]
        attendees = [
            *pair,
            *r.sample(others, min(2, len(others))),
            self.agency("jiritsu_soudan", area),
            self.agency("shakyo", area),
        ]
        cases: list[_Case] = []
        if meeting_type == "regular" and r.random() < 0.3:
            cases = self.known_cases(area, day, wanted, consented=True)
        if cases:
            # Only agencies every household agreed to share with sit at a 重層的支援会議.
            agreed = [set(c.consents[0].fields["agency_ids"]) for c in cases]
            attendees = [a for a in attendees if all(a in allowed for allowed in agreed)]
            basis = "multilayer_meeting"
        else:
            cases = self.known_cases(area, day, wanted)
            basis = "support_meeting"
        self.meeting(day, area, meeting_type, basis, attendees, cases, title)

    def city_meetings(self) -> None:
        city = self.agencies_by_area["honcho"]
        for fiscal_year in FISCAL_YEARS:
            for meeting_type, per_year in _CITY_MEETINGS:
                for number, day in enumerate(self.schedule(fiscal_year, per_year), start=1):
                    attendees = self.rng.sample(city, min(len(city), self.rng.randint(4, 8)))
                    cases: list[_Case] = []
                    basis = "other"
                    if meeting_type == "info_sharing":
                        # 情報共有会 works under the 支援会議 rules: no consent needed.
                        basis = "support_meeting"
                        area = _draw(self.rng, _AREA_WEIGHTS)
                        cases = self.known_cases(area, day, self.rng.randint(0, 3))
                    label = fiscal_year_label(fiscal_year)
                    title = f"{MEETING_TYPES[meeting_type]}（{label}第{number}回）"
                    self.meeting(day, None, meeting_type, basis, attendees, cases, title)

    def schedule(self, fiscal_year: int, per_year: int) -> list[int]:
        """Working days spread evenly over a fiscal year."""
        start = date(fiscal_year, 4, 1).toordinal()
        days = []
        for k in range(per_year):
            day = start + int((k + 0.5) * 365 / per_year) + self.rng.randint(-10, 10)
            days.append(min(start + 363, max(start + 1, _weekday(day))))
        return days

    def known_cases(
        self, area: str, day: int, wanted: int, *, consented: bool = False
    ) -> list[_Case]:
        """Up to `wanted` households of an area known by `day`; with `consented`, only those
        that may be discussed at a 重層的支援会議 on that day."""
        pool = [c for c in self.cases_by_area[area] if c.first_known <= day]
        if consented:
            on = _iso(day)
            pool = [c for c in pool if has_valid_consent(c.consents, "multilayer_meeting", on)]
        return self.rng.sample(pool, min(wanted, len(pool)))

    def records(self) -> list[Record]:
        return [record for record_type in WRITE_ORDER for record in self.out[record_type]]


# -- small helpers over a case ---------------------------------------------------------------


def _who(case: _Case, person_id: str | None) -> str:
    for m, pid in case.members:
        if pid == person_id:
            return _WHO.get((m.relationship, m.sex), "本人")
    return "本人と家族"


def _activity_place(r: random.Random, case: _Case, kind: str) -> str | None:
    if kind in ("outreach.home_visit", "outreach.other", "consult.visit"):
        return "自宅"
    if kind == "outreach.ibasho":
        return _GATHERING_PLACE[kind].format(district=case.district)
    if kind in ("consult.office", "consult.coordination"):
        return _AREAS[case.area].office
    if kind == "consult.accompany":
        return r.choice(_ACCOMPANY_TO)
    if kind == "consult.online":
        return "オンライン"
    return None
