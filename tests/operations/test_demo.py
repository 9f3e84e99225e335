"""The demo caseload: deterministic, valid, realistic in shape, and safe to write twice."""

from __future__ import annotations

import json
import os
import re
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from marugoto_desktop.domain.records import Record
from marugoto_desktop.domain.schema import SCHEMAS, TYPE_ORDER, Kind
from marugoto_desktop.domain.validation import RecordInvalid, record_errors
from marugoto_desktop.domain.vocabularies import (
    ACTIVITY_KINDS,
    AGENCY_TYPES,
    AREAS,
    CONSENT_METHODS,
    CONSENT_PURPOSES,
    HOUSEHOLD_STATUS,
    HOW_FOUND,
    ISSUE_CATEGORIES,
    MEETING_TYPES,
    REFERRAL_DIRECTIONS,
    REFERRAL_STATUS,
)
from marugoto_desktop.operations.demo import demo_records, write_demo
from marugoto_desktop.vault import Vault

JST = timezone(timedelta(hours=9))
FIRST, LAST = "2024-04-01", "2026-03-31"


@pytest.fixture(scope="module")
def demo() -> list[Record]:
    return demo_records(households=150, seed=1)


class _Refs:
    """References over a list of records, for validation outside a vault."""

    def __init__(self, records: Iterable[Record]) -> None:
        self._records = {r.id: r for r in records}
        self._consents: dict[str, list[Record]] = defaultdict(list)
        for r in self._records.values():
            if r.type == "consent" and r.parent_id:
                self._consents[r.parent_id].append(r)

    def lookup(self, record_id: str) -> tuple[str, str | None] | None:
        record = self._records.get(record_id)
        return (record.type, record.area) if record else None

    def parent_of(self, record_id: str) -> str | None:
        record = self._records.get(record_id)
        return record.parent_id if record else None

    def holds(self, record_id: str) -> bool:
        return record_id in self._records

    def holds_every_area(self) -> bool:
        return True  # the whole demo city: a meeting names only households it holds

    def consents_of(self, household_id: str) -> list[Record]:
        return self._consents.get(household_id, [])


def _of(records: list[Record], record_type: str) -> list[Record]:
    return [r for r in records if r.type == record_type]


def _age(birth: str, on: str) -> int:
    b, d = date.fromisoformat(birth), date.fromisoformat(on)
    return d.year - b.year - ((d.month, d.day) < (b.month, b.day))


def _references(record: Record) -> list[str]:
    targets = [record.parent_id] if record.parent_id else []
    for spec in SCHEMAS[record.type].fields:
        value = record.fields.get(spec.name)
        if spec.kind is Kind.REF and value:
            targets.append(value)
        elif spec.kind is Kind.REFS and value:
            targets.extend(value)
    return targets


def _consented(consent: Record, on: str) -> bool:
    """Written out again here rather than reusing validation's helper, to check it too."""
    withdrawn = consent.fields.get("withdrawn_on")
    return (
        "multilayer_meeting" in consent.fields.get("purposes", [])
        and consent.fields["granted_on"] <= on
        and (withdrawn is None or withdrawn > on)
    )


def _multilayer(records: list[Record]) -> list[Record]:
    return [
        r
        for r in _of(records, "meeting")
        if r.fields.get("legal_basis") == "multilayer_meeting" and r.fields.get("household_ids")
    ]


# -- determinism -----------------------------------------------------------------------------


def _canonical(records: list[Record]) -> bytes:
    rows = [
        {"id": r.id, "type": r.type, "area": r.area, "parent": r.parent_id, **r.fields}
        for r in records
    ]
    return json.dumps(rows, ensure_ascii=False, sort_keys=True).encode()


def test_same_seed_gives_the_same_records_byte_for_byte() -> None:
    first = demo_records(households=60, seed=7)
    second = demo_records(households=60, seed=7)
    assert first == second
    assert _canonical(first) == _canonical(second)


def test_a_different_seed_gives_different_records() -> None:
    first = demo_records(households=60, seed=7)
    other = demo_records(households=60, seed=8)
    assert not {r.id for r in first} & {r.id for r in other}
    assert [r.fields.get("name") for r in _of(first, "person")] != [
        r.fields.get("name") for r in _of(other, "person")
    ]


def test_uses_neither_the_clock_nor_os_randomness(monkeypatch: pytest.MonkeyPatch) -> None:
    expected = demo_records(households=20, seed=3)

    def forbidden(*args: object) -> None:
        raise AssertionError("demo data must not depend on the clock or os.urandom")

    with monkeypatch.context() as patch:
        patch.setattr(os, "urandom", forbidden)
        patch.setattr(time, "time", forbidden)
        patch.setattr(time, "time_ns", forbidden)
        assert demo_records(households=20, seed=3) == expected


def test_ids_are_unique_uuid7_stamped_with_the_record_date(demo: list[Record]) -> None:
    assert len({r.id for r in demo}) == len(demo)
    first_known = {r.id: r.fields["first_known_on"] for r in _of(demo, "household")}
    date_field = {
        "household": "first_known_on",
        "issue": "identified_on",
        "activity": "date",
        "referral": "date",
        "consent": "granted_on",
        "meeting": "date",
    }
    for record in demo:
        value = uuid.UUID(record.id)
        assert value.version == 7
        if record.type == "agency":
            continue
        if record.type == "person":
            expected = first_known[record.parent_id or ""]
        else:
            expected = record.fields[date_field[record.type]]
        stamped = datetime.fromtimestamp((value.int >> 80) / 1000, tz=UTC).astimezone(JST)
        assert stamped.date().isoformat() == expected, record


# -- validity and order ----------------------------------------------------------------------


def test_every_record_validates(demo: list[Record]) -> None:
    refs = _Refs(demo)
    errors = [str(e) for record in demo for e in record_errors(record, refs)]
    assert errors == []


def test_records_come_after_what_they_refer_to(demo: list[Record]) -> None:
    position = {r.id: i for i, r in enumerate(demo)}
    consents: dict[str, list[int]] = defaultdict(list)
    for i, record in enumerate(demo):
        if record.type == "consent" and record.parent_id:
            consents[record.parent_id].append(i)
    for i, record in enumerate(demo):
        for target in _references(record):
            assert position[target] < i, (record.type, record.id, target)
        if record.fields.get("legal_basis") == "multilayer_meeting":
            for household_id in record.fields.get("household_ids", []):
                assert consents[household_id]
                assert all(c < i for c in consents[household_id])


def test_child_records_carry_their_household_area(demo: list[Record]) -> None:
    area = {r.id: r.area for r in _of(demo, "household")}
    children = [r for r in demo if r.parent_id]
    assert children
    assert all(r.area == area[r.parent_id or ""] for r in children)


# -- coverage --------------------------------------------------------------------------------


def _values(records: list[Record], record_type: str, name: str) -> set[str]:
    return {r.fields[name] for r in _of(records, record_type) if name in r.fields}


@pytest.mark.parametrize(
    ("record_type", "name", "codes"),
    [
        ("household", "status", HOUSEHOLD_STATUS.codes),
        ("household", "how_found", HOW_FOUND.codes),
        ("issue", "category", ISSUE_CATEGORIES.codes),
        ("activity", "kind", ACTIVITY_KINDS.codes),
        ("agency", "agency_type", AGENCY_TYPES.codes),
        ("referral", "direction", REFERRAL_DIRECTIONS.codes),
        ("referral", "status", REFERRAL_STATUS.codes),
        ("meeting", "meeting_type", MEETING_TYPES.codes),
        ("meeting", "legal_basis", ("support_meeting", "multilayer_meeting", "other")),
        ("consent", "method", CONSENT_METHODS.codes),
    ],
)
def test_every_code_appears(
    demo: list[Record], record_type: str, name: str, codes: tuple[str, ...]
) -> None:
    assert _values(demo, record_type, name) == set(codes)


def test_every_area_and_consent_purpose_appears(demo: list[Record]) -> None:
    assert {r.area for r in _of(demo, "household")} == set(AREAS.codes)
    assert {r.area for r in _of(demo, "activity")} == set(AREAS.codes)
    purposes = {p for r in _of(demo, "consent") for p in r.fields["purposes"]}
    assert purposes == set(CONSENT_PURPOSES.codes)


def test_city_wide_meetings_have_no_area(demo: list[Record]) -> None:
    city = {r.fields["meeting_type"] for r in _of(demo, "meeting") if r.area is None}
    assert {"project_team", "practitioners", "lead_liaison", "info_sharing"} <= city
    local = {r.fields["meeting_type"] for r in _of(demo, "meeting") if r.area is not None}
    assert {"core_member", "regular", "individual", "individual_existing"} <= local


def test_gatherings_have_a_head_count_and_no_household(demo: list[Record]) -> None:
    gatherings = [r for r in _of(demo, "activity") if r.parent_id is None]
    assert gatherings
    assert all(r.fields["kind"].startswith("outreach.") for r in gatherings)
    assert all(r.fields["contacts"] > 0 for r in gatherings)
    consultations = [r for r in _of(demo, "activity") if r.fields["kind"].startswith("consult.")]
    assert all(r.parent_id for r in consultations)


# -- realism ---------------------------------------------------------------------------------


def test_both_fiscal_years_have_activities_and_nothing_falls_outside(demo: list[Record]) -> None:
    dates = [r.fields["date"] for r in _of(demo, "activity")]
    assert all(FIRST <= d <= LAST for d in dates)
    fy2024 = [d for d in dates if d < "2025-04-01"]
    fy2025 = [d for d in dates if d >= "2025-04-01"]
    assert len(fy2024) > len(dates) / 4
    assert len(fy2025) > len(dates) / 4
    meeting_dates = [r.fields["date"] for r in _of(demo, "meeting")]
    assert all(FIRST <= d <= LAST for d in meeting_dates)


def test_shoga_is_the_busiest_area() -> None:
    records = demo_records(households=400, seed=1)
    households = Counter(r.area for r in _of(records, "household"))
    outreach = Counter(
        r.area for r in _of(records, "activity") if r.fields["kind"][:8] == "outreach"
    )
    assert households.most_common(1)[0][0] == "shoga"
    assert outreach.most_common(1)[0][0] == "shoga"
    assert min(households.values()) > 0


def test_scale_per_household() -> None:
    records = demo_records(households=1000, seed=2)
    counts = Counter(r.type for r in records)
    assert counts["household"] == 1000
    assert 2.0 <= counts["person"] / 1000 <= 3.0
    assert 1.7 <= counts["issue"] / 1000 <= 2.4
    assert 8 <= counts["activity"] / 1000 <= 12
    assert 0.7 <= counts["referral"] / 1000 <= 1.4
    assert 24 <= counts["agency"] <= 60


def test_households_hang_together(demo: list[Record]) -> None:
    households = {r.id: r for r in _of(demo, "household")}
    members: dict[str, list[Record]] = defaultdict(list)
    for person in _of(demo, "person"):
        members[person.parent_id or ""].append(person)
    main_issues = Counter(r.parent_id for r in _of(demo, "issue") if r.fields.get("is_main"))
    for household_id, household in households.items():
        people = members[household_id]
        assert 1 <= len(people) <= 5
        assert [p.fields["relationship"] for p in people].count("head") == 1
        assert main_issues[household_id] == 1
        assert household.fields["name"].startswith(people[0].fields["name"])
        on = household.fields["first_known_on"]
        head = next(p for p in people if p.fields["relationship"] == "head")
        head_age = _age(head.fields["birth_date"], on)
        for person in people:
            age = _age(person.fields["birth_date"], on)
            relationship = person.fields["relationship"]
            if relationship == "child":
                assert 18 <= head_age - age <= 45, (head.fields, person.fields)
            if relationship in ("parent", "parent_in_law"):
                assert age - head_age >= 18
            if relationship == "spouse":
                assert abs(age - head_age) <= 10
            assert ("care_level" in person.fields) == (age >= 65)
            assert person.fields["sex"] in ("male", "female")


def test_people_and_places_are_plainly_fictional(demo: list[Record]) -> None:
    kana = re.compile(r"^[\u3041-\u3096ー]+\u3000[\u3041-\u3096ー]+$")
    for person in _of(demo, "person"):
        assert kana.match(person.fields["kana"]), person.fields["kana"]
        assert person.fields["name"].count("\u3000") == 1
    for record in [*_of(demo, "household"), *_of(demo, "agency")]:
        assert re.fullmatch(r"087-000-\d{4}", record.fields["phone"])
        assert re.fullmatch(r"高松市\S+0000-\d{2}", record.fields["address"])


def test_eighty_fifty_households_pair_a_parent_in_their_80s_with_a_child_in_their_50s(
    demo: list[Record],
) -> None:
    households = {r.id: r for r in _of(demo, "household")}
    members: dict[str, list[Record]] = defaultdict(list)
    for person in _of(demo, "person"):
        members[person.parent_id or ""].append(person)
    eighty_fifty = {
        r.parent_id for r in _of(demo, "issue") if r.fields["category"] == "eighty_fifty"
    }
    assert len(eighty_fifty) >= 3
    for household_id in eighty_fifty:
        on = households[household_id or ""].fields["first_known_on"]
        ages = {
            p.fields["relationship"]: _age(p.fields["birth_date"], on)
            for p in members[household_id or ""]
            if p.fields["relationship"] in ("head", "child")
        }
        assert 80 <= ages["head"] <= 89
        assert 50 <= ages["child"] <= 59


def test_issues_and_consents_concern_members_of_the_household(demo: list[Record]) -> None:
    household_of = {r.id: r.parent_id for r in _of(demo, "person")}
    for record in [*_of(demo, "issue"), *_of(demo, "consent")]:
        if "person_id" in record.fields:
            assert household_of[record.fields["person_id"]] == record.parent_id


# -- consent and 重層的支援会議 ----------------------------------------------------------------


def test_multilayer_meetings_list_only_consented_households(demo: list[Record]) -> None:
    consents: dict[str, list[Record]] = defaultdict(list)
    for consent in _of(demo, "consent"):
        consents[consent.parent_id or ""].append(consent)
    multilayer = [
        r for r in _of(demo, "meeting") if r.fields.get("legal_basis") == "multilayer_meeting"
    ]
    assert any(r.fields.get("household_ids") for r in multilayer)
    for meeting in multilayer:
        on = meeting.fields["date"]
        for household_id in meeting.fields.get("household_ids", []):
            assert any(_consented(c, on) for c in consents[household_id]), meeting


def test_a_multilayer_meeting_with_an_unconsented_household_is_refused(
    demo: list[Record],
) -> None:
    refs = _Refs(demo)
    consented = {r.parent_id for r in _of(demo, "consent")}
    stranger = next(r for r in _of(demo, "household") if r.id not in consented)
    meeting = _multilayer(demo)[0]
    assert record_errors(meeting, refs) == []
    intruded = meeting.with_fields(household_ids=[*meeting.fields["household_ids"], stranger.id])
    assert [e.field for e in record_errors(intruded, refs)] == ["household_ids"]


# -- writing into a vault --------------------------------------------------------------------


def test_write_demo_stores_every_record_and_returns_counts(vault: Vault) -> None:
    calls: list[tuple[int, int]] = []
    counts = write_demo(
        vault, households=40, seed=2, progress=lambda d, t: calls.append((d, t)), batch_size=97
    )
    records = demo_records(households=40, seed=2)
    assert counts == {t: Counter(r.type for r in records)[t] for t in TYPE_ORDER}
    assert sum(counts.values()) == len(records)
    for record_type, expected in counts.items():
        assert vault.count(record_type) == expected
    for record in records:
        stored = vault.get(record.id)
        assert stored is not None
        assert (stored.area, stored.parent_id, dict(stored.fields)) == (
            record.area,
            record.parent_id,
            dict(record.fields),
        )
    total = len(records)
    assert calls[0] == (0, total)
    assert calls[-1] == (total, total)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert len(calls) == 1 + -(-total // 97)


def test_small_batches_still_validate_multilayer_meetings(demo: list[Record], vault: Vault) -> None:
    """Consents land in an earlier batch than the 重層的支援会議 that relies on them."""
    batch = {r.id: i // 50 for i, r in enumerate(demo)}
    consent_batch = {r.parent_id: batch[r.id] for r in _of(demo, "consent")}
    meetings = _multilayer(demo)
    assert any(consent_batch[h] < batch[m.id] for m in meetings for h in m.fields["household_ids"])
    write_demo(vault, households=150, seed=1, batch_size=50)
    assert all(vault.get(m.id) is not None for m in meetings)


def test_without_its_consents_the_demo_is_refused(demo: list[Record], vault: Vault) -> None:
    """The vault really checks consent: the ordering above is needed, not decoration."""
    with pytest.raises(RecordInvalid, match="multilayer_meeting"):
        vault.put_many([r for r in demo if r.type != "consent"])
    assert vault.count() == 0


def test_writing_the_same_demo_twice_changes_nothing(vault: Vault) -> None:
    first = write_demo(vault, households=30, seed=5, batch_size=200)
    outbox = vault.outbox_size()
    stored = vault.count()
    assert outbox > stored  # every field of every record is waiting to be pushed
    second = write_demo(vault, households=30, seed=5, batch_size=200)
    assert second == first
    assert vault.outbox_size() == outbox
    assert vault.count() == stored


def test_a_second_seed_adds_a_second_caseload(vault: Vault) -> None:
    first = write_demo(vault, households=10, seed=1)
    outbox = vault.outbox_size()
    write_demo(vault, households=10, seed=2)
    assert vault.outbox_size() > outbox
    assert vault.count("household") == 2 * first["household"]


def test_bad_arguments_are_refused(vault: Vault) -> None:
    with pytest.raises(ValueError, match="batch_size"):
        write_demo(vault, households=1, batch_size=0)
    with pytest.raises(ValueError, match="households"):
        demo_records(households=-1)
    assert vault.count() == 0


# -- references inside a household, and consents the meetings rely on ------------------------


def test_an_issue_moved_onto_another_households_member_is_refused(demo: list[Record]) -> None:
    """The demo keeps people inside their households; validation would notice if it did not."""
    refs = _Refs(demo)
    issue = next(r for r in _of(demo, "issue") if "person_id" in r.fields)
    stranger = next(p for p in _of(demo, "person") if p.parent_id != issue.parent_id)
    moved = issue.with_fields(person_id=stranger.id)
    assert [e.field for e in record_errors(moved, refs)] == ["person_id"]


def test_the_consents_demo_meetings_rely_on_cannot_be_deleted(vault: Vault) -> None:
    write_demo(vault, households=60, seed=1)
    records = demo_records(households=60, seed=1)
    meeting = _multilayer(records)[0]
    household_id = meeting.fields["household_ids"][0]
    on = meeting.fields["date"]
    relied_on = [c for c in _of(records, "consent") if c.parent_id == household_id]
    covering = [c for c in relied_on if _consented(c, on)]
    assert len(covering) == 1  # one consent per household in the demo
    with pytest.raises(RecordInvalid, match=meeting.id):
        vault.delete(covering[0].id)
    assert vault.get(covering[0].id) is not None
