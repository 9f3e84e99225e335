"""Validation of records (DESIGN §3): examples, and Hypothesis properties over every record type.

The properties build VALID records for every schema from its field kinds (with a fake
References that knows every id they point at) and check that validation finds nothing; then they
break exactly one thing and check that an error names that field and the record.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from marugoto_desktop.domain.ids import uuid7_from
from marugoto_desktop.domain.records import Record
from marugoto_desktop.domain.schema import SCHEMAS, FieldSpec, Kind, RecordSchema
from marugoto_desktop.domain.validation import (
    ERROR_CODES,
    FieldError,
    RecordInvalid,
    has_valid_consent,
    lost_consent_errors,
    parse_date,
    record_errors,
    validate,
)
from marugoto_desktop.domain.vocabularies import AREAS, CONSENT_PURPOSES

# ---------------------------------------------------------------------------------------------
# A fake References: knows (type, area, parent) of ids, and the consents of households
# ---------------------------------------------------------------------------------------------


class FakeRefs:
    def __init__(self) -> None:
        self.records: dict[str, tuple[str, str | None]] = {}
        self.parents: dict[str, str] = {}
        self.consents: dict[str, list[Record]] = defaultdict(list)
        self.gone: set[str] = set()  # held deleted
        self.every_area = False  # a laptop of some areas (True: the office's)
        self.issued = 0  # ids drawn in one Hypothesis example carry a serial number

    def fresh_id(self, draw: st.DrawFn) -> str:
        """A record id never handed out before in this example (Hypothesis likes repeats)."""
        self.issued += 1
        ms = draw(st.integers(0, (1 << 48) - 1))
        rand = draw(st.binary(min_size=8, max_size=8)) + self.issued.to_bytes(2, "big")
        return uuid7_from(ms, rand)

    def add(self, record_id: str, type_: str, area: str | None, parent: str | None = None) -> str:
        self.records[record_id] = (type_, area)
        if parent is not None:
            self.parents[record_id] = parent
        return record_id

    def add_consent(self, consent: Record) -> Record:
        assert consent.parent_id is not None
        self.add(consent.id, "consent", consent.area, consent.parent_id)
        self.consents[consent.parent_id].append(consent)
        return consent

    def lookup(self, record_id: str) -> tuple[str, str | None] | None:
        return self.records.get(record_id)

    def parent_of(self, record_id: str) -> str | None:
        return self.parents.get(record_id)

    def consents_of(self, household_id: str) -> Iterable[Record]:
        return list(self.consents.get(household_id, []))

    def holds(self, record_id: str) -> bool:
        return record_id in self.records or record_id in self.gone

    def holds_every_area(self) -> bool:
        return self.every_area


def rid(n: int) -> str:
    """A deterministic, valid record id."""
    return uuid7_from(1_700_000_000_000 + n, bytes(10))


ORDER = {"identified_on": "2025-05-01", "resolved_on": "2025-04-01"}
HH = rid(1)  # a household in mure
PERSON = rid(2)  # a person of HH
AGENCY = rid(3)  # an agency registered by mure
OTHER_HH = rid(4)  # a household in shoga
OTHER_PERSON = rid(5)  # a person of OTHER_HH
NEIGHBOUR_HH = rid(6)  # another household in mure
NEIGHBOUR = rid(7)  # a person of NEIGHBOUR_HH
REC = rid(100)  # the record under test


def make_refs() -> FakeRefs:
    refs = FakeRefs()
    refs.add(HH, "household", "mure")
    refs.add(PERSON, "person", "mure", HH)
    refs.add(AGENCY, "agency", "mure")
    refs.add(OTHER_HH, "household", "shoga")
    refs.add(OTHER_PERSON, "person", "shoga", OTHER_HH)
    refs.add(NEIGHBOUR_HH, "household", "mure")
    refs.add(NEIGHBOUR, "person", "mure", NEIGHBOUR_HH)
    return refs


def fields_of(errors: list[FieldError]) -> set[str]:
    return {e.field for e in errors}


def consent(
    n: int,
    *,
    household: str = HH,
    granted_on: str = "2021-01-10",
    purposes: list[str] | None = None,
    withdrawn_on: str | None = None,
    deleted: bool = False,
) -> Record:
    fields: dict[str, Any] = {
        "person_id": PERSON,
        "granted_on": granted_on,
        "method": "signature",
        "purposes": ["multilayer_meeting"] if purposes is None else purposes,
    }
    if withdrawn_on is not None:
        fields["withdrawn_on"] = withdrawn_on
    return Record(rid(200 + n), "consent", "mure", household, fields, deleted=deleted)


def multilayer_meeting(date_: str = "2021-02-18", households: list[str] | None = None) -> Record:
    return Record(
        REC,
        "meeting",
        "mure",
        None,
        {
            "date": date_,
            "meeting_type": "individual",
            "legal_basis": "multilayer_meeting",
            "household_ids": [HH] if households is None else households,
            "attendee_agency_ids": [AGENCY],
        },
    )


# One valid record of every type, for the examples.
VALID_EXAMPLES: dict[str, Record] = {
    "household": Record(
        REC,
        "household",
        "mure",
        None,
        {
            "name": "高松家",
            "district": "牟礼",
            "address": "高松市牟礼町牟礼1-2-3",
            "phone": "087-000-0000",
            "household_type": "parent_adult_child",
            "housing": "owned_house",
            "public_assistance": "none",
            "status": "active",
            "first_known_on": "2020-06-01",
            "how_found": "minsei",
            "assigned_consultant": "山田",
            "note": "8050",
        },
    ),
    "person": Record(
        REC,
        "person",
        "mure",
        HH,
        {
            "name": "高松 太郎",
            "kana": "たかまつ たろう",
            "sex": "male",
            "birth_date": "1940-02-29",
            "relationship": "head",
            "lives_with_household": True,
            "care_level": "care_2",
            "disability_certificate": "physical",
            "disability_grade": "2級",
        },
    ),
    "issue": Record(
        REC,
        "issue",
        "mure",
        HH,
        {
            "category": "eighty_fifty",
            "is_main": False,
            "identified_on": "2020-06-01",
            "resolved_on": "2021-03-31",
        },
    ),
    "activity": Record(
        REC,
        "activity",
        "mure",
        HH,
        {
            "date": "2021-02-18",
            "time": "09:05",
            "kind": "outreach.home_visit",
            "content": "訪問",
            "next_date": "2021-03-01",
            "contacts": 0,
        },
    ),
    "agency": Record(REC, "agency", "mure", None, {"name": "牟礼包括", "agency_type": "medical"}),
    "referral": Record(
        REC,
        "referral",
        "mure",
        HH,
        {"agency_id": AGENCY, "direction": "out", "date": "2021-02-18", "status": "open"},
    ),
    "meeting": Record(
        REC,
        "meeting",
        None,
        None,
        {
            "date": "2021-02-18",
            "meeting_type": "core_member",
            "legal_basis": "support_meeting",
            "household_ids": [HH, OTHER_HH],
            "attendee_agency_ids": [AGENCY],
        },
    ),
    "consent": Record(
        REC,
        "consent",
        "mure",
        HH,
        {
            "person_id": PERSON,
            "granted_on": "2021-01-10",
            "method": "oral",
            "purposes": ["multilayer_meeting", "information_sharing"],
            "agency_ids": [AGENCY],
        },
    ),
}


# ---------------------------------------------------------------------------------------------
# Examples
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("type_", sorted(VALID_EXAMPLES))
def test_valid_examples(type_: str) -> None:
    record = VALID_EXAMPLES[type_]
    assert record_errors(record) == []
    assert record_errors(record, make_refs()) == []
    validate(record, make_refs())  # does not raise


@pytest.mark.parametrize(
    ("type_", "name", "target"),
    [
        ("issue", "person_id", PERSON),
        ("referral", "agency_id", AGENCY),
        ("consent", "person_id", PERSON),
    ],
    ids=["issue.person_id", "referral.agency_id", "consent.person_id"],
)
def test_a_single_reference_field_accepts_a_record_id(type_: str, name: str, target: str) -> None:
    """A REF field holds ONE id (DESIGN §3: `person_id`, `agency_id`), not a list."""
    record = VALID_EXAMPLES[type_].with_fields(**{name: target})
    assert record_errors(record) == []
    assert record_errors(record, make_refs()) == []


def test_unknown_record_type() -> None:
    record = Record(REC, "visit", "mure", None, {"date": "2021-02-18"})
    errors = record_errors(record, make_refs())
    assert len(errors) == 1
    assert (errors[0].record_id, errors[0].record_type, errors[0].field) == (REC, "visit", "type")
    assert "visit" in errors[0].message


def test_codes_carry_what_a_face_needs_to_say_it() -> None:
    """The UI writes its own words from the code and its parameters, never from `message`."""
    long_name = Record(REC, "household", "mure", None, {"name": "x" * 61, "status": "active"})
    (error,) = record_errors(long_name)
    assert (error.field, error.code, dict(error.params)) == ("name", "too_long", {"max_length": 60})
    late = Record(REC, "issue", "mure", HH, {"category": "debt"} | ORDER)
    (error,) = record_errors(late, make_refs())
    assert error.code == "before"
    assert dict(error.params) == {"other": "identified_on", "value": "2025-05-01"}


def test_str_of_field_error_names_type_id_and_field() -> None:
    record = VALID_EXAMPLES["household"].with_fields(status="gone")
    [error] = record_errors(record)
    text = str(error)
    assert "household" in text
    assert REC in text
    assert "status" in text
    assert "gone" in text
    assert text == f"household {REC}: status: {error.message}"


def test_validate_raises_record_invalid_with_every_error() -> None:
    record = Record(REC, "activity", "atlantis", None, {"kind": "consult.fax", "contacts": -1})
    with pytest.raises(RecordInvalid) as caught:
        validate(record)
    assert fields_of(list(caught.value.errors)) == {"area", "date", "kind", "contacts"}
    assert isinstance(caught.value, ValueError)
    for error in caught.value.errors:
        assert str(error) in str(caught.value)


def test_bad_record_id_is_named() -> None:
    record = Record("visit-1", "agency", "mure", None, {"name": "包括", "agency_type": "medical"})
    [error] = record_errors(record)
    assert (error.field, error.record_id) == ("id", "visit-1")


@pytest.mark.parametrize("suffix", ["\n", " "])
def test_record_id_with_trailing_whitespace_is_refused(suffix: str) -> None:
    """An id is a canonical UUID string; "<uuid>\\n" is not one and must not get into the vault."""
    record = VALID_EXAMPLES["agency"]
    bad = Record(REC + suffix, record.type, record.area, None, dict(record.fields))
    assert "id" in fields_of(record_errors(bad))


# --- area and parent ------------------------------------------------------------------------


@pytest.mark.parametrize("type_", ["person", "issue", "activity", "referral", "consent"])
def test_child_area_must_equal_household_area(type_: str) -> None:
    record = VALID_EXAMPLES[type_]
    moved = Record(record.id, record.type, "shoga", record.parent_id, dict(record.fields))
    errors = record_errors(moved, make_refs())
    assert fields_of(errors) == {"area"}
    assert "mure" in errors[0].message
    # The same record under a household of shoga is fine (naming a member of that household).
    fields = dict(record.fields)
    if "person_id" in fields:
        fields["person_id"] = OTHER_PERSON
    rehomed = Record(record.id, record.type, "shoga", OTHER_HH, fields)
    assert record_errors(rehomed, make_refs()) == []


@pytest.mark.parametrize("type_", ["household", "agency", "meeting"])
def test_parentless_types_refuse_a_parent(type_: str) -> None:
    record = VALID_EXAMPLES[type_]
    with_parent = Record(record.id, record.type, "mure", HH, dict(record.fields))
    for refs in (None, make_refs()):
        errors = record_errors(with_parent, refs)
        assert fields_of(errors) == {"parent_id"}
        assert errors[0].record_id == REC


@pytest.mark.parametrize("type_", ["person", "issue", "referral", "consent"])
def test_household_children_need_a_household(type_: str) -> None:
    record = VALID_EXAMPLES[type_]
    orphan = Record(record.id, record.type, record.area, None, dict(record.fields))
    assert fields_of(record_errors(orphan)) == {"parent_id"}


def test_parent_must_be_a_household() -> None:
    record = Record(REC, "person", "mure", AGENCY, {"name": "高松 花子"})
    errors = record_errors(record, make_refs())
    assert fields_of(errors) == {"parent_id"}
    assert "agency" in errors[0].message
    # Without refs only the form of the id can be checked.
    assert record_errors(record) == []


def test_parent_must_exist() -> None:
    record = Record(REC, "person", "mure", rid(999), {"name": "高松 花子"})
    assert fields_of(record_errors(record, make_refs())) == {"parent_id"}


def test_parent_id_must_be_an_id() -> None:
    record = Record(REC, "person", "mure", "household-1", {"name": "高松 花子"})
    assert fields_of(record_errors(record)) == {"parent_id"}


def test_activity_may_have_no_household_but_needs_an_area() -> None:
    gathering = Record(
        REC, "activity", "kagawa", None, {"date": "2019-06-01", "kind": "outreach.gathering"}
    )
    assert record_errors(gathering, make_refs()) == []
    no_area = Record(REC, "activity", None, None, dict(gathering.fields))
    assert fields_of(record_errors(no_area)) == {"area"}


def test_only_a_meeting_may_be_city_wide() -> None:
    assert record_errors(VALID_EXAMPLES["meeting"], make_refs()) == []
    for type_, record in VALID_EXAMPLES.items():
        if type_ == "meeting":
            continue
        no_area = Record(record.id, record.type, None, None, dict(record.fields))
        assert "area" in fields_of(record_errors(no_area)), type_


@pytest.mark.parametrize("area", ["city", "", "Mure", "牟礼", "tokyo"])
def test_unknown_area(area: str) -> None:
    record = VALID_EXAMPLES["agency"]
    bad = Record(record.id, record.type, area, None, dict(record.fields))
    errors = record_errors(bad)
    assert fields_of(errors) == {"area"}


@pytest.mark.parametrize("area", [["mure"], {"mure": 1}])
def test_area_of_the_wrong_type_is_an_error_not_a_crash(area: Any) -> None:
    """Imported JSON may hold anything; validation must report it, not raise TypeError."""
    record = VALID_EXAMPLES["agency"]
    bad = Record(record.id, record.type, area, None, dict(record.fields))
    assert "area" in fields_of(record_errors(bad))


# --- field values -----------------------------------------------------------------------------


def test_unknown_field_is_named() -> None:
    record = VALID_EXAMPLES["agency"].with_fields(fax="087-000-0001")
    [error] = record_errors(record)
    assert (error.field, error.record_id) == ("fax", REC)


@pytest.mark.parametrize("blank", ["", []])
def test_blank_required_field_counts_as_missing(blank: Any) -> None:
    record = Record(REC, "agency", "mure", None, {"name": blank, "agency_type": "medical"})
    [error] = record_errors(record)
    assert error.field == "name"
    assert "required" in error.message


def test_text_length_is_bounded_in_characters() -> None:
    spec = SCHEMAS["agency"].field("name")
    ok = VALID_EXAMPLES["agency"].with_fields(name="機" * spec.max_length)
    assert record_errors(ok) == []
    too_long = VALID_EXAMPLES["agency"].with_fields(name="機" * (spec.max_length + 1))
    assert fields_of(record_errors(too_long)) == {"name"}


def test_text_must_be_encodable() -> None:
    errors = record_errors(VALID_EXAMPLES["household"].with_fields(address="abc\ud800"))
    assert fields_of(errors) == {"address"}


def test_text_may_not_contain_nul() -> None:
    record = VALID_EXAMPLES["agency"].with_fields(contact="a\x00b")
    assert fields_of(record_errors(record)) == {"contact"}


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("2024-02-29", True),
        ("2000-02-29", True),
        ("0001-01-01", True),
        ("9999-12-31", True),
        ("2023-02-29", False),
        ("1900-02-29", False),
        ("2023-02-30", False),
        ("2023-04-31", False),
        ("2023-13-01", False),
        ("2023-00-10", False),
        ("2023-01-00", False),
        ("2023-1-05", False),
        ("20230105", False),
        ("2023/01/05", False),
        ("2023-01-05T10:00", False),
        ("2023-01-05\n", False),
        ("２０２３-０１-０５", False),
        ("令和5年1月5日", False),
    ],
)
def test_parse_date(value: str, ok: bool) -> None:
    parsed = parse_date(value)
    if ok:
        assert parsed == date.fromisoformat(value)
    else:
        assert parsed is None


@pytest.mark.parametrize("value", ["00:00", "09:05", "23:59", "12:30"])
def test_good_times(value: str) -> None:
    assert record_errors(VALID_EXAMPLES["activity"].with_fields(time=value)) == []


@pytest.mark.parametrize(
    "value",
    [
        "24:00",
        "12:60",
        "9:30",
        "12:30:00",
        "1230",
        "noon",
        "-1:00",
        "１２:３０",
        "12:30\n",
        "1２:3０",
    ],
)
def test_bad_times(value: str) -> None:
    """HH:MM in ASCII digits, nothing more (a trailing newline or full-width digits are not)."""
    errors = record_errors(VALID_EXAMPLES["activity"].with_fields(time=value))
    assert fields_of(errors) == {"time"}


@pytest.mark.parametrize(("value", "ok"), [(0, True), (10_000, True), (-1, False), (10_001, False)])
def test_int_bounds(value: int, ok: bool) -> None:
    errors = record_errors(VALID_EXAMPLES["activity"].with_fields(contacts=value))
    assert (errors == []) is ok
    if not ok:
        assert fields_of(errors) == {"contacts"}


@pytest.mark.parametrize("value", [True, False, "3", 3.0, [3]])
def test_int_field_refuses_other_types(value: Any) -> None:
    errors = record_errors(VALID_EXAMPLES["activity"].with_fields(contacts=value))
    assert fields_of(errors) == {"contacts"}


@pytest.mark.parametrize("value", [1, 0, "true", "はい"])
def test_bool_field_refuses_other_types(value: Any) -> None:
    errors = record_errors(VALID_EXAMPLES["issue"].with_fields(is_main=value))
    assert fields_of(errors) == {"is_main"}


def test_false_is_a_real_answer() -> None:
    record = VALID_EXAMPLES["person"].with_fields(lives_with_household=False)
    assert record.fields["lives_with_household"] is False
    assert record_errors(record) == []


def test_every_consent_purpose_at_once_is_fine() -> None:
    record = VALID_EXAMPLES["consent"].with_fields(purposes=list(CONSENT_PURPOSES))
    assert record_errors(record) == []


@pytest.mark.parametrize(
    "value",
    [
        ["multilayer_meeting", "multilayer_meeting"],
        ["gossip"],
        "multilayer_meeting",
        [1],
    ],
)
def test_bad_code_lists(value: Any) -> None:
    errors = record_errors(VALID_EXAMPLES["consent"].with_fields(purposes=value))
    assert fields_of(errors) == {"purposes"}


@pytest.mark.parametrize("value", [[AGENCY, AGENCY], ["agency-1"], AGENCY, [AGENCY.upper()]])
def test_bad_id_lists(value: Any) -> None:
    errors = record_errors(VALID_EXAMPLES["meeting"].with_fields(attendee_agency_ids=value))
    assert fields_of(errors) == {"attendee_agency_ids"}


def test_id_list_of_the_wrong_type() -> None:
    record = VALID_EXAMPLES["meeting"].with_fields(attendee_agency_ids=[AGENCY, HH])
    errors = record_errors(record, make_refs())
    assert fields_of(errors) == {"attendee_agency_ids"}
    assert HH in errors[0].message


# --- a person named is a member of the record's own household ------------------------------

PERSON_REFS = [
    (type_, spec.name)
    for type_, schema in sorted(SCHEMAS.items())
    for spec in schema.fields
    if spec.kind in (Kind.REF, Kind.REFS) and spec.ref_type == "person"
]


def test_the_person_references_are_those_of_issue_and_consent() -> None:
    """If a new field names a person, the tests below must cover it (and DESIGN be read)."""
    assert PERSON_REFS == [("consent", "person_id"), ("issue", "person_id")]


@pytest.mark.parametrize(("type_", "name"), PERSON_REFS)
@pytest.mark.parametrize("other", [NEIGHBOUR, OTHER_PERSON], ids=["same_area", "other_area"])
def test_a_person_of_another_household_is_refused(type_: str, name: str, other: str) -> None:
    record = VALID_EXAMPLES[type_].with_fields(**{name: other})
    errors = record_errors(record, make_refs())
    assert fields_of(errors) == {name}
    [error] = errors
    assert error.record_id == REC
    assert error.message.startswith(f"({SCHEMAS[type_].field(name).label}) ")
    assert other in error.message and "another household" in error.message
    assert HH in error.message  # the household the record belongs to
    # Without refs nothing is known of the person's household.
    assert record_errors(record) == []


@pytest.mark.parametrize(("type_", "name"), PERSON_REFS)
def test_a_member_of_the_records_own_household_is_accepted(type_: str, name: str) -> None:
    record = VALID_EXAMPLES[type_].with_fields(**{name: PERSON})
    assert record_errors(record, make_refs()) == []


def test_a_person_reference_from_a_record_with_no_household_is_refused() -> None:
    """The parent of an issue is required, and a person of some household still is not its own."""
    record = VALID_EXAMPLES["issue"].with_fields(person_id=PERSON)
    orphan = Record(record.id, record.type, record.area, None, dict(record.fields))
    errors = record_errors(orphan, make_refs())
    assert fields_of(errors) == {"parent_id", "person_id"}


def test_agency_references_are_not_bound_to_a_household() -> None:
    """Agencies are shared by the whole city: any household may be referred to any of them."""
    refs = make_refs()
    far = refs.add(rid(8), "agency", "kagawa")
    referral = VALID_EXAMPLES["referral"].with_fields(agency_id=far)
    assert record_errors(referral, refs) == []
    consent_ = VALID_EXAMPLES["consent"].with_fields(agency_ids=[AGENCY, far])
    assert record_errors(consent_, refs) == []


# --- cross-field rules ------------------------------------------------------------------------

CROSS_FIELD_PAIRS = [
    ("issue", "identified_on", "resolved_on"),
    ("consent", "granted_on", "withdrawn_on"),
    ("activity", "date", "next_date"),
    ("meeting", "date", "next_date"),
    ("referral", "date", "follow_up_on"),
]


@pytest.mark.parametrize(("type_", "first", "second"), CROSS_FIELD_PAIRS)
def test_second_date_may_not_come_before_the_first(type_: str, first: str, second: str) -> None:
    base = VALID_EXAMPLES[type_]
    before = base.with_fields(**{first: "2021-02-18", second: "2021-02-17"})
    errors = record_errors(before)
    assert fields_of(errors) == {second}
    assert errors[0].record_id == REC
    assert first in errors[0].message
    for later in ("2021-02-18", "2021-02-19", "2022-01-01"):
        assert record_errors(base.with_fields(**{first: "2021-02-18", second: later})) == []


def test_resolved_before_identified() -> None:
    record = VALID_EXAMPLES["issue"].with_fields(
        identified_on="2020-06-01", resolved_on="2019-12-31"
    )
    [error] = record_errors(record)
    assert error.field == "resolved_on"
    assert "identified_on" in error.message


def test_an_impossible_date_is_not_blamed_on_its_partner() -> None:
    """Only the impossible date is wrong; the real date next to it must not be reported."""
    record = VALID_EXAMPLES["issue"].with_fields(
        identified_on="2023-13-01", resolved_on="2023-12-31"
    )
    assert fields_of(record_errors(record)) == {"identified_on"}


# --- 重層的支援会議 needs consent --------------------------------------------------------------


def test_multilayer_meeting_refused_without_consent() -> None:
    errors = record_errors(multilayer_meeting(), make_refs())
    assert fields_of(errors) == {"household_ids"}
    assert errors[0].record_id == REC
    assert HH in errors[0].message


@pytest.mark.parametrize("granted_on", ["2021-02-18", "2021-02-17", "2019-04-01"])
def test_multilayer_meeting_accepted_with_consent_granted_on_or_before(granted_on: str) -> None:
    refs = make_refs()
    refs.add_consent(consent(1, granted_on=granted_on))
    assert record_errors(multilayer_meeting("2021-02-18"), refs) == []


def test_multilayer_meeting_refused_with_consent_granted_after() -> None:
    refs = make_refs()
    refs.add_consent(consent(1, granted_on="2021-02-19"))
    assert fields_of(record_errors(multilayer_meeting("2021-02-18"), refs)) == {"household_ids"}


@pytest.mark.parametrize("withdrawn_on", ["2021-02-18", "2021-02-17", "2021-01-10"])
def test_multilayer_meeting_refused_if_consent_withdrawn_on_or_before(withdrawn_on: str) -> None:
    refs = make_refs()
    refs.add_consent(consent(1, granted_on="2021-01-10", withdrawn_on=withdrawn_on))
    assert fields_of(record_errors(multilayer_meeting("2021-02-18"), refs)) == {"household_ids"}


def test_multilayer_meeting_accepted_if_consent_withdrawn_later() -> None:
    refs = make_refs()
    refs.add_consent(consent(1, granted_on="2021-01-10", withdrawn_on="2021-02-19"))
    assert record_errors(multilayer_meeting("2021-02-18"), refs) == []


def test_multilayer_meeting_needs_the_multilayer_purpose() -> None:
    refs = make_refs()
    refs.add_consent(consent(1, purposes=["information_sharing", "referral"]))
    assert fields_of(record_errors(multilayer_meeting(), refs)) == {"household_ids"}


def test_multilayer_meeting_ignores_deleted_consent() -> None:
    refs = make_refs()
    refs.add_consent(consent(1, deleted=True))
    assert fields_of(record_errors(multilayer_meeting(), refs)) == {"household_ids"}


def test_multilayer_meeting_ignores_consent_of_another_household() -> None:
    refs = make_refs()
    refs.add_consent(consent(1, household=OTHER_HH))
    assert fields_of(record_errors(multilayer_meeting(), refs)) == {"household_ids"}


# --- a meeting may discuss households of areas this vault does not hold ----------------------

FAR_HH = rid(8)  # a household of an area this vault never held


def test_a_meeting_may_name_a_household_this_vault_never_held() -> None:
    meeting = VALID_EXAMPLES["meeting"].with_fields(household_ids=[HH, FAR_HH])
    assert record_errors(meeting, make_refs()) == []
    # Only a meeting's households: every agency is held (the city's directory).
    far_agency = rid(9)
    meeting = VALID_EXAMPLES["meeting"].with_fields(attendee_agency_ids=[far_agency])
    assert [e.code for e in record_errors(meeting, make_refs())] == ["missing"]
    referral = VALID_EXAMPLES["referral"].with_fields(agency_id=far_agency)
    assert [e.code for e in record_errors(referral, make_refs())] == ["missing"]
    # One held deleted is not another area's: it is refused.
    refs = make_refs()
    refs.gone.add(FAR_HH)
    errors = record_errors(VALID_EXAMPLES["meeting"].with_fields(household_ids=[HH, FAR_HH]), refs)
    assert [(e.field, e.code) for e in errors] == [("household_ids", "missing")]


def test_a_multilayer_meeting_checks_the_consent_of_the_households_held_here() -> None:
    refs = make_refs()
    refs.add_consent(consent(1, household=HH))
    # Another area's household: its consents are held where it is, and checked there.
    assert record_errors(multilayer_meeting(households=[HH, FAR_HH]), refs) == []
    errors = record_errors(multilayer_meeting(households=[FAR_HH, OTHER_HH]), refs)
    assert fields_of(errors) == {"household_ids"}
    assert OTHER_HH in errors[0].message and FAR_HH not in errors[0].message


def test_a_vault_that_holds_every_area_refuses_an_id_it_does_not_hold() -> None:
    # The office's vault holds every area: an id it does not hold is no other area's
    # household, and names nothing (a mistyped id): refused, as any missing reference is.
    refs = make_refs()
    refs.every_area = True
    refs.add_consent(consent(1, household=HH))
    for meeting in (
        VALID_EXAMPLES["meeting"].with_fields(household_ids=[HH, FAR_HH]),
        multilayer_meeting(households=[HH, FAR_HH]),
    ):
        errors = record_errors(meeting, refs)
        assert [(e.field, e.code, e.params["target"]) for e in errors] == [
            ("household_ids", "missing", FAR_HH)
        ]
    assert record_errors(multilayer_meeting(households=[HH]), refs) == []


def test_a_multilayer_meeting_refuses_a_malformed_household_id_on_any_vault() -> None:
    for every_area in (False, True):
        refs = make_refs()
        refs.every_area = every_area
        refs.add_consent(consent(1, household=HH))
        for bad in ("not-an-id", FAR_HH.upper(), FAR_HH[:-1], ""):
            errors = record_errors(multilayer_meeting(households=[HH, bad]), refs)
            assert [(e.field, e.code) for e in errors] == [("household_ids", "not_an_id")], bad


def test_multilayer_meeting_names_only_the_households_without_consent() -> None:
    refs = make_refs()
    refs.add_consent(consent(1, household=HH))
    errors = record_errors(multilayer_meeting(households=[HH, OTHER_HH]), refs)
    assert fields_of(errors) == {"household_ids"}
    assert OTHER_HH in errors[0].message
    assert HH not in errors[0].message


def test_one_valid_consent_among_stale_ones_is_enough() -> None:
    refs = make_refs()
    refs.add_consent(consent(1, granted_on="2020-01-01", withdrawn_on="2020-06-01"))
    refs.add_consent(consent(2, granted_on="2021-03-01"))
    refs.add_consent(consent(3, granted_on="2020-07-01"))
    assert record_errors(multilayer_meeting("2021-02-18"), refs) == []


def test_support_meeting_needs_no_consent() -> None:
    """支援会議 (社会福祉法 106条の6): consent not required, members bound to secrecy."""
    meeting = multilayer_meeting().with_fields(legal_basis="support_meeting")
    assert record_errors(meeting, make_refs()) == []
    no_basis = multilayer_meeting().with_fields(legal_basis=None)
    assert record_errors(no_basis, make_refs()) == []


def test_has_valid_consent() -> None:
    good = consent(1, granted_on="2021-01-10", withdrawn_on="2021-03-01")
    assert has_valid_consent([good], "multilayer_meeting", "2021-01-10")
    assert has_valid_consent([good], "multilayer_meeting", "2021-02-28")
    assert not has_valid_consent([good], "multilayer_meeting", "2021-01-09")
    assert not has_valid_consent([good], "multilayer_meeting", "2021-03-01")
    assert not has_valid_consent([good], "referral", "2021-02-01")
    assert not has_valid_consent([], "multilayer_meeting", "2021-02-01")


# --- a consent a multilayer meeting relies on -------------------------------------------------


def _after(*consents: Record) -> FakeRefs:
    """References as they would be once the consents are what is given."""
    refs = make_refs()
    for c in consents:
        refs.add_consent(c)
    return refs


def test_deleting_the_only_consent_of_a_multilayer_meeting_is_refused() -> None:
    old = consent(1)
    meeting = multilayer_meeting("2021-02-18")
    [error] = lost_consent_errors([(old, None)], [meeting], _after())
    assert (error.record_id, error.record_type, error.field) == (old.id, "consent", "id")
    assert meeting.id in error.message and HH in error.message
    assert "2021-02-18" in error.message
    assert error.code == "consent_relied_on"
    assert dict(error.params) == {"meeting": meeting.id, "household": HH, "date": "2021-02-18"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"withdrawn_on": "2021-02-18"}, "withdrawn_on"),
        ({"withdrawn_on": "2021-01-31"}, "withdrawn_on"),
        ({"granted_on": "2021-02-19"}, "granted_on"),
        ({"purposes": ["information_sharing"]}, "purposes"),
    ],
)
def test_an_edit_that_uncovers_the_meeting_day_is_refused_on_that_field(
    change: dict[str, Any], field: str
) -> None:
    old = consent(1)
    new = old.with_fields(**change)
    [error] = lost_consent_errors([(old, new)], [multilayer_meeting("2021-02-18")], _after(new))
    assert (error.record_id, error.field, error.code) == (old.id, field, "consent_lost")
    assert error.message.startswith(f"({SCHEMAS['consent'].field(field).label}) ")
    assert REC in error.message


@pytest.mark.parametrize(
    "change",
    [
        {"withdrawn_on": "2021-02-19"},  # withdrawn after the meeting: it was valid on the day
        {"granted_on": "2021-02-18"},
        {"purposes": ["multilayer_meeting", "referral"]},
        {"obtained_by": "山田"},
    ],
)
def test_an_edit_that_still_covers_the_meeting_day_is_fine(change: dict[str, Any]) -> None:
    old = consent(1)
    new = old.with_fields(**change)
    assert lost_consent_errors([(old, new)], [multilayer_meeting("2021-02-18")], _after(new)) == []


def test_a_consent_no_meeting_relies_on_may_go() -> None:
    old = consent(1)
    support = multilayer_meeting().with_fields(legal_basis="support_meeting")
    other_household = multilayer_meeting(households=[OTHER_HH])
    earlier = multilayer_meeting("2021-01-09")  # before the consent: it never relied on it
    gone = Record(REC, "meeting", "mure", None, dict(multilayer_meeting().fields), deleted=True)
    meetings = [support, other_household, earlier, gone]
    assert lost_consent_errors([(old, None)], meetings, _after()) == []


def test_another_consent_covering_the_day_lets_one_go() -> None:
    old, spare = consent(1), consent(2, granted_on="2020-12-01")
    assert lost_consent_errors([(old, None)], [multilayer_meeting()], _after(spare)) == []


def test_each_meeting_that_relies_on_the_consent_is_named() -> None:
    old = consent(1)
    first = multilayer_meeting("2021-02-18")
    second = Record(
        rid(101), "meeting", "mure", None, dict(multilayer_meeting("2021-03-01").fields)
    )
    errors = lost_consent_errors([(old, None)], [first, second], _after())
    assert [e.record_id for e in errors] == [old.id, old.id]
    assert first.id in errors[0].message and second.id in errors[1].message


# ---------------------------------------------------------------------------------------------
# Hypothesis: valid records of every type
# ---------------------------------------------------------------------------------------------

TYPES = sorted(SCHEMAS)
PAIRS = {type_: (first, second) for type_, first, second in CROSS_FIELD_PAIRS}

areas = st.sampled_from(AREAS.codes)
days = st.dates()  # every day of years 1..9999: "0001-01-01" .. "9999-12-31"
# Lone surrogates are not text (they cannot be stored as UTF-8); validation refuses them.
_TEXT_CHARS = st.characters(exclude_characters="\x00", exclude_categories=("Cs",))


def texts(max_length: int) -> st.SearchStrategy[str]:
    short = st.text(_TEXT_CHARS, min_size=1, max_size=min(max_length, 30))
    full = st.sampled_from(["a", "あ", "髙", "🏠", " "]).map(lambda c: c * max_length)
    return st.one_of(short, full)


times = st.builds(lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 23), st.integers(0, 59))


def _draw_value(draw: st.DrawFn, spec: FieldSpec, refs: FakeRefs, parent_id: str | None) -> Any:
    kind = spec.kind
    if kind is Kind.TEXT:
        return draw(texts(spec.max_length))
    if kind is Kind.DATE:
        return draw(days).isoformat()
    if kind is Kind.TIME:
        return draw(times)
    if kind is Kind.INT:
        return draw(st.integers(spec.minimum, spec.maximum))
    if kind is Kind.BOOL:
        return draw(st.booleans())
    if kind is Kind.CODE:
        assert spec.vocabulary is not None
        return draw(st.sampled_from(spec.vocabulary.codes))
    if kind is Kind.CODES:
        assert spec.vocabulary is not None
        return draw(st.lists(st.sampled_from(spec.vocabulary.codes), min_size=1, unique=True))
    assert spec.ref_type is not None
    if kind is Kind.REF:
        # A person named is a member of the record's own household.
        owned = SCHEMAS[spec.ref_type].parent_type is not None
        return refs.add(
            refs.fresh_id(draw), spec.ref_type, draw(areas), parent_id if owned else None
        )
    assert kind is Kind.REFS
    count = draw(st.integers(1, 4))
    return [refs.add(refs.fresh_id(draw), spec.ref_type, draw(areas)) for _ in range(count)]


@st.composite
def valid_records(draw: st.DrawFn, type_: str) -> tuple[Record, FakeRefs]:
    schema = SCHEMAS[type_]
    refs = FakeRefs()
    area = draw(areas) if schema.area_required else draw(st.none() | areas)
    parent_id = None
    if schema.parent_type is not None and (schema.parent_required or draw(st.booleans())):
        # The parent lives in the same area (a child's area is its household's).
        parent_id = refs.add(refs.fresh_id(draw), schema.parent_type, area)
    fields: dict[str, Any] = {}
    for spec in schema.fields:
        if spec.required or draw(st.booleans()):
            fields[spec.name] = _draw_value(draw, spec, refs, parent_id)
    pair = PAIRS.get(type_)
    if pair is not None and pair[0] in fields and pair[1] in fields:
        first, second = sorted((fields[pair[0]], fields[pair[1]]))
        fields[pair[0]], fields[pair[1]] = first, second
    record = Record(refs.fresh_id(draw), type_, area, parent_id, fields)
    if fields.get("legal_basis") == "multilayer_meeting":
        # Every household discussed has consented, for this purpose, on or before the day.
        on = date.fromisoformat(fields["date"])
        for household_id in fields.get("household_ids", []):
            consent_fields: dict[str, Any] = {
                "person_id": refs.add(refs.fresh_id(draw), "person", area, household_id),
                "granted_on": draw(st.dates(max_value=on)).isoformat(),
                "method": "signature",
                "purposes": ["multilayer_meeting"],
            }
            if on < date.max and draw(st.booleans()):
                later = draw(st.dates(min_value=on + timedelta(days=1)))
                consent_fields["withdrawn_on"] = later.isoformat()
            refs.add_consent(
                Record(refs.fresh_id(draw), "consent", area, household_id, consent_fields)
            )
    return record, refs


@pytest.mark.parametrize("type_", TYPES)
@given(data=st.data())
def test_valid_records_have_no_errors(type_: str, data: st.DataObject) -> None:
    record, refs = data.draw(valid_records(type_))
    assert record_errors(record) == []
    assert record_errors(record, refs) == []
    validate(record, refs)


# ---------------------------------------------------------------------------------------------
# Hypothesis: break exactly one thing
# ---------------------------------------------------------------------------------------------

BAD_VALUES: dict[Kind, list[Any]] = {
    Kind.TEXT: [5, True, ["text"], 1.5, "a\x00b"],
    Kind.DATE: [
        "2023-02-30",
        "2023-02-29",
        "1900-02-29",
        "2023-13-01",
        "2023-04-31",
        "2023-00-10",
        "2023-01-00",
        "2023-1-05",
        "20230105",
        "2023/01/05",
        "2023-01-05T10:00",
        "令和5年1月5日",
        20230105,
        True,
        ["2023-01-05"],
    ],
    Kind.TIME: ["24:00", "12:60", "9:30", "12:30:00", "1230", "noon", "-1:00", 930, True],
    Kind.INT: [True, False, "3", 3.0, [3]],
    Kind.BOOL: [1, 0, "true", "no", ["x"]],
    Kind.CODE: ["no_such_code", "OTHER", "その他", 1, True],
    Kind.CODES: [["no_such_code"], [1], "text"],
    Kind.REF: ["person-1", 1, True],
    Kind.REFS: [["person-1"], [1], "text"],
}

UNKNOWN_FIELD_NAMES = ["no_such_field", "household_id", "Name", "備考", "area", "id", "type"]


def break_options(schema: RecordSchema) -> list[tuple[str, str]]:
    """Every (how, field) one thing about a record of this schema can be broken."""
    options = [("record_id", "id"), ("type", "type"), ("area_unknown", "area")]
    options.append(("unknown_field", ""))
    if schema.area_required:
        options.append(("area_missing", "area"))
    if schema.parent_type is None:
        options.append(("parent_forbidden", "parent_id"))
    else:
        options += [
            ("parent_wrong_type", "parent_id"),
            ("parent_dangling", "parent_id"),
            ("parent_bad_id", "parent_id"),
            ("parent_other_area", "area"),
        ]
        if schema.parent_required:
            options.append(("parent_missing", "parent_id"))
    for spec in schema.fields:
        options.append(("bad_value", spec.name))
        if spec.required:
            options.append(("required_missing", spec.name))
        if spec.kind is Kind.TEXT:
            options.append(("too_long", spec.name))
        if spec.kind is Kind.INT:
            options.append(("out_of_range", spec.name))
        if spec.kind is Kind.CODE:
            options.append(("code_as_list", spec.name))
        if spec.kind is Kind.CODES:
            options.append(("duplicate", spec.name))
        if spec.kind in (Kind.REF, Kind.REFS):
            options += [("ref_wrong_type", spec.name), ("ref_dangling", spec.name)]
            assert spec.ref_type is not None
            if SCHEMAS[spec.ref_type].parent_type is not None:
                options.append(("ref_other_household", spec.name))
        if spec.kind is Kind.REFS:
            options.append(("duplicate", spec.name))
    if schema.type in PAIRS:
        options.append(("order", PAIRS[schema.type][1]))
    if schema.type == "meeting":
        options.append(("no_consent", "household_ids"))
    return options


def _wrong_type_for(type_: str) -> st.SearchStrategy[str]:
    return st.sampled_from([t for t in TYPES if t != type_])


@st.composite
def broken_records(draw: st.DrawFn, type_: str) -> tuple[Record, FakeRefs, str, str]:
    record, refs = draw(valid_records(type_))
    schema = SCHEMAS[type_]
    how, name = draw(st.sampled_from(break_options(schema)))
    id_, area, parent_id = record.id, record.area, record.parent_id
    fields = dict(record.fields)
    spec = schema.field(name) if name in schema.field_names else None

    if how == "record_id":
        bad_ids = ["not-a-uuid", "", "{" + id_ + "}", id_.replace("-", ""), id_[:-1] + "g"]
        id_ = draw(st.sampled_from([*bad_ids, id_[:-1], id_ + "0"]))
    elif how == "type":
        type_ = draw(st.sampled_from(["visit", "Household", "", "household " * 2]))
    elif how == "area_unknown":
        area = draw(st.sampled_from(["city", "", "Mure", "牟礼", "tokyo"]))
    elif how == "area_missing":
        area = None
    elif how == "unknown_field":
        name = draw(st.sampled_from(UNKNOWN_FIELD_NAMES))
        fields[name] = draw(st.sampled_from(["x", 1, True, ["x"]]))
    elif how == "parent_forbidden":
        parent_id = refs.add(refs.fresh_id(draw), "household", area)
    elif how == "parent_wrong_type":
        assert schema.parent_type is not None
        parent_id = refs.add(refs.fresh_id(draw), draw(_wrong_type_for(schema.parent_type)), area)
    elif how == "parent_dangling":
        parent_id = refs.fresh_id(draw)
    elif how == "parent_bad_id":
        parent_id = draw(st.sampled_from(["household-1", "", "0" * 32]))
    elif how == "parent_other_area":
        assert schema.parent_type is not None
        other = draw(st.sampled_from([a for a in AREAS.codes if a != area]))
        parent_id = refs.add(refs.fresh_id(draw), schema.parent_type, other)
    elif how == "parent_missing":
        parent_id = None
    elif how == "required_missing":
        blank = draw(st.sampled_from(["drop", "", []]))
        if blank == "drop":
            fields.pop(name, None)
        else:
            fields[name] = blank
    elif how == "bad_value":
        assert spec is not None
        fields[name] = draw(st.sampled_from(BAD_VALUES[spec.kind]))
    elif how == "too_long":
        assert spec is not None
        fields[name] = draw(st.sampled_from(["x", "あ"])) * (spec.max_length + 1)
    elif how == "out_of_range":
        assert spec is not None
        fields[name] = draw(st.sampled_from([spec.minimum - 1, spec.maximum + 1]))
    elif how == "code_as_list":
        assert spec is not None
        assert spec.vocabulary is not None
        fields[name] = [draw(st.sampled_from(spec.vocabulary.codes))]
    elif how == "duplicate":
        assert spec is not None
        if spec.kind is Kind.CODES:
            assert spec.vocabulary is not None
            item = draw(st.sampled_from(spec.vocabulary.codes))
        else:
            assert spec.ref_type is not None
            item = refs.add(refs.fresh_id(draw), spec.ref_type, draw(areas))
        fields[name] = [item, item]
    elif how in ("ref_wrong_type", "ref_dangling"):
        assert spec is not None
        assert spec.ref_type is not None
        if how == "ref_wrong_type":
            target = refs.add(refs.fresh_id(draw), draw(_wrong_type_for(spec.ref_type)), area)
        else:
            target = refs.fresh_id(draw)
            if spec.elsewhere:  # one never held is of another area: dangling is deleted here
                refs.gone.add(target)
        fields[name] = target if spec.kind is Kind.REF else [target]
    elif how == "ref_other_household":
        assert spec is not None
        assert spec.ref_type is not None
        elsewhere = refs.add(refs.fresh_id(draw), "household", area)
        target = refs.add(refs.fresh_id(draw), spec.ref_type, area, elsewhere)
        fields[name] = target if spec.kind is Kind.REF else [target]
    elif how == "order":
        first = PAIRS[type_][0]
        later = draw(st.dates(min_value=date(1, 1, 2)))
        earlier = draw(st.dates(max_value=later - timedelta(days=1)))
        fields[first], fields[name] = later.isoformat(), earlier.isoformat()
    elif how == "no_consent":
        fields["legal_basis"] = "multilayer_meeting"
        household = refs.add(refs.fresh_id(draw), "household", draw(areas))
        fields[name] = [household]  # a household nobody asked for consent
    else:  # pragma: no cover
        raise AssertionError(how)
    return Record(id_, type_, area, parent_id, fields), refs, how, name


# The code each way of breaking a record is reported with: what the UI translates.
VALUE_CODES = {"not_text", "bad_text", "not_a_date", "not_a_time", "not_a_number", "not_a_flag"}
VALUE_CODES |= {"unknown_code", "not_an_id", "not_a_list", "out_of_range", "duplicate"}
CODE_OF_BREAK: dict[str, set[str]] = {
    "record_id": {"not_an_id"},
    "type": {"unknown_type"},
    "area_unknown": {"unknown_area"},
    "area_missing": {"required"},
    "unknown_field": {"not_a_field"},
    "parent_forbidden": {"no_parent"},
    "parent_wrong_type": {"wrong_type"},
    "parent_dangling": {"missing"},
    "parent_bad_id": {"not_an_id"},
    "parent_other_area": {"parent_area"},
    "parent_missing": {"required"},
    "required_missing": {"required"},
    "bad_value": VALUE_CODES,
    "too_long": {"too_long"},
    "out_of_range": {"out_of_range"},
    "code_as_list": {"unknown_code"},
    "duplicate": {"duplicate"},
    "ref_wrong_type": {"wrong_type"},
    "ref_dangling": {"missing"},
    "ref_other_household": {"other_household"},
    "order": {"before"},
    "no_consent": {"no_consent"},
}


@pytest.mark.parametrize("type_", TYPES)
@given(data=st.data())
def test_breaking_one_thing_is_reported_on_that_field(type_: str, data: st.DataObject) -> None:
    record, refs, how, name = data.draw(broken_records(type_))
    errors = record_errors(record, refs)
    named = [e for e in errors if e.field == name]
    assert named, f"{how}: no error on {name!r}; got {errors}"
    for error in named:
        assert error.record_id == record.id
        assert error.record_type == record.type
        assert name in str(error)
        assert record.type in str(error)
        assert error.code in ERROR_CODES
    assert {e.code for e in named} & CODE_OF_BREAK[how], (how, named)
    with pytest.raises(RecordInvalid) as caught:
        validate(record, refs)
    assert any(e.field == name for e in caught.value.errors)


@pytest.mark.parametrize("type_", TYPES)
@given(data=st.data())
def test_form_errors_are_found_without_references(type_: str, data: st.DataObject) -> None:
    """Problems of form alone (not of what an id points at) need no References."""
    record, _refs, how, name = data.draw(broken_records(type_))
    needs_refs = how in (
        "parent_wrong_type",
        "parent_dangling",
        "parent_other_area",
        "ref_wrong_type",
        "ref_dangling",
        "ref_other_household",
        "no_consent",
    )
    assume(not needs_refs)
    errors = record_errors(record)
    assert any(e.field == name and e.record_id == record.id for e in errors), (how, errors)
