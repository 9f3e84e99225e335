"""Validation of records: required fields, known codes, real dates, bounded lengths, references.

Every error names the record and the field, so a person (or an import) can find it, and
carries a code (one of ERROR_CODES) with its parameters, from which a face writes its own
words: the UI its Japanese next to the field, the command line the English `message`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from .ids import is_record_id
from .records import Record, is_empty
from .schema import SCHEMAS, FieldSpec, Kind
from .vocabularies import AREAS

# fullmatch and [0-9]: "$" would accept a trailing newline and \d full-width digits.
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TIME_RE = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")
ENVELOPE = ("type", "id", "area", "parent_id")


# What can be wrong with a field, as codes the faces translate (params in brackets).
ERROR_CODES = (
    "unknown_type",  # the record type is not one of the schemas
    "not_an_id",  # not a record id (UUID) [value]
    "required",
    "unknown_area",  # [value]
    "no_parent",  # a record of this type has no parent
    "not_a_field",  # the type has no such field
    "not_text",
    "too_long",  # [max_length]
    "bad_text",  # a NUL character, or not valid Unicode
    "not_a_date",  # not a real date in YYYY-MM-DD form [value]
    "not_a_time",  # not HH:MM [value]
    "not_a_number",
    "out_of_range",  # [minimum, maximum]
    "not_a_flag",
    "unknown_code",  # [value, vocabulary]
    "not_a_list",
    "too_many",  # [max_items]
    "duplicate",  # a list names an item twice
    "missing",  # refers to a record that does not exist (or is deleted) [target, target_type]
    "wrong_type",  # refers to a record of another type [target, target_type, found]
    "other_household",  # names a member of another household [target, household]
    "no_household",  # names a member of a household, but has none itself [target]
    "parent_area",  # the area must be the parent's [expected]
    "before",  # a date before its partner [other, value]
    "no_consent",  # a 重層的支援会議 without consent [households, date]
    "consent_relied_on",  # a delete would take a meeting's consent [meeting, household, date]
    "consent_lost",  # an edit would take a meeting's consent [meeting, household, date]
    "unchangeable",  # type, area and parent never change [was]
    "referenced",  # other live records refer to it [by_type, by_id, by_field]
)


@dataclass(frozen=True)
class FieldError:
    """One problem: which record, which field, a code (ERROR_CODES) with its parameters.

    `message` is the English sentence the command line and import errors show.
    """

    record_id: str
    record_type: str
    field: str
    message: str
    code: str = "invalid"
    params: Mapping[str, object] = dataclasses.field(default_factory=dict, hash=False)

    def __str__(self) -> str:
        return f"{self.record_type} {self.record_id}: {self.field}: {self.message}"


class RecordInvalid(ValueError):
    """A record failed validation; `errors` says where."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(str(e) for e in self.errors))


class References(Protocol):
    """What validation needs to know about other records."""

    def lookup(self, record_id: str) -> tuple[str, str | None] | None:
        """(type, area) of a live record, or None if there is none."""
        ...

    def parent_of(self, record_id: str) -> str | None:
        """The parent id (the household) of a live record, or None."""
        ...

    def consents_of(self, household_id: str) -> Iterable[Record]:
        """Live consent records of a household."""
        ...

    def holds(self, record_id: str) -> bool:
        """Whether the record is held here at all, live or deleted: one never held may belong
        to an area this vault does not hold (FieldSpec.elsewhere)."""
        ...

    def holds_every_area(self) -> bool:
        """Whether every area's records are held here (the office's vault, granted every
        area): then a record never held is no other area's, and names nothing. A vault
        that holds some areas, or that has not synced (an empty one reading another's
        export), cannot tell an id of another area from one that names nothing."""
        ...


def parse_date(value: str) -> date | None:
    """A real calendar date from YYYY-MM-DD, or None."""
    if not _DATE_RE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


@dataclass(frozen=True)
class _Problem:
    code: str
    message: str
    params: Mapping[str, object] = dataclasses.field(default_factory=dict)


def _value_error(spec: FieldSpec, value: Any) -> _Problem | None:
    """Why `value` is not acceptable for `spec`, or None."""
    kind = spec.kind
    if kind is Kind.TEXT:
        if not isinstance(value, str):
            return _Problem("not_text", "must be text")
        if len(value) > spec.max_length:
            return _Problem(
                "too_long",
                f"is longer than {spec.max_length} characters",
                {"max_length": spec.max_length},
            )
        if "\x00" in value:
            return _Problem("bad_text", "contains a NUL character")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return _Problem("bad_text", "is not valid Unicode text")
        return None
    if kind is Kind.DATE:
        if not isinstance(value, str) or parse_date(value) is None:
            return _Problem(
                "not_a_date", f"is not a real date in YYYY-MM-DD form: {value!r}", {"value": value}
            )
        return None
    if kind is Kind.TIME:
        if not isinstance(value, str) or not _TIME_RE.fullmatch(value):
            return _Problem(
                "not_a_time", f"is not a time in HH:MM form: {value!r}", {"value": value}
            )
        return None
    if kind is Kind.INT:
        if isinstance(value, bool) or not isinstance(value, int):
            return _Problem("not_a_number", "must be a whole number")
        if not spec.minimum <= value <= spec.maximum:
            return _Problem(
                "out_of_range",
                f"must be between {spec.minimum} and {spec.maximum}",
                {"minimum": spec.minimum, "maximum": spec.maximum},
            )
        return None
    if kind is Kind.BOOL:
        return None if isinstance(value, bool) else _Problem("not_a_flag", "must be true or false")
    if kind is Kind.CODE:
        assert spec.vocabulary is not None
        if not isinstance(value, str) or value not in spec.vocabulary:
            return _Problem(
                "unknown_code",
                f"unknown code {value!r} (expected one of {', '.join(spec.vocabulary)})",
                {"value": value, "vocabulary": spec.vocabulary.name},
            )
        return None
    if kind is Kind.REF:
        if isinstance(value, str):
            return None
        return _Problem("not_an_id", "must be a record id (text)", {"value": value})
    # The list kinds.
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return _Problem("not_a_list", "must be a list of strings")
    if len(value) > spec.max_items:
        return _Problem(
            "too_many", f"has more than {spec.max_items} items", {"max_items": spec.max_items}
        )
    if len(set(value)) != len(value):
        return _Problem("duplicate", "lists an item twice")
    if kind is Kind.CODES:
        assert spec.vocabulary is not None
        unknown = [item for item in value if item not in spec.vocabulary]
        if not unknown:
            return None
        return _Problem(
            "unknown_code",
            f"unknown codes {unknown!r}",
            {"value": unknown, "vocabulary": spec.vocabulary.name},
        )
    bad = [item for item in value if not is_record_id(item)]
    return _Problem("not_an_id", f"not record ids: {bad!r}", {"value": bad}) if bad else None


def _check_reference(
    record: Record, target: str, want: str, refs: References | None, elsewhere: bool = False
) -> _Problem | None:
    if not is_record_id(target):
        return _Problem("not_an_id", f"is not a record id: {target!r}", {"value": target})
    if refs is None:
        return None
    found = refs.lookup(target)
    params = {"target": target, "target_type": want}
    if found is None:
        if elsewhere and not refs.holds(target) and not refs.holds_every_area():
            return None  # of an area this vault does not hold: kept as it is
        return _Problem("missing", f"refers to {want} {target}, which does not exist", params)
    if found[0] != want:
        return _Problem(
            "wrong_type",
            f"refers to {target}, which is a {found[0]}, not a {want}",
            {**params, "found": found[0]},
        )
    return _owner_problem(record, target, want, refs)


def _owner_problem(record: Record, target: str, want: str, refs: References) -> _Problem | None:
    """A record that belongs to a household (a person) may only be named from that household.

    An issue or a consent of one family naming a member of another would put that member's
    situation, or their consent, on the wrong file. A person's household never changes, so
    checking at write time is enough.
    """
    owner = SCHEMAS[want].parent_type
    if owner is None:
        return None
    target_parent = refs.parent_of(target)
    if target_parent == record.parent_id:
        return None
    if record.parent_id is None:
        return _Problem(
            "no_household",
            f"refers to {want} {target} of {owner} {target_parent}, but this has no {owner}",
            {"target": target},
        )
    return _Problem(
        "other_household",
        f"refers to {want} {target} of another {owner} ({target_parent}), "
        f"not of this {record.type}'s {owner} {record.parent_id}",
        {"target": target, "household": target_parent},
    )


def record_errors(record: Record, refs: References | None = None) -> list[FieldError]:
    """Every problem with one record. With `refs`, references are checked too."""
    errors: list[FieldError] = []

    def err(name: str, message: str, code: str, params: Mapping[str, object] | None = None) -> None:
        errors.append(FieldError(record.id, record.type, name, message, code, dict(params or {})))

    def problem_at(name: str, problem: _Problem, label: str = "") -> None:
        err(name, f"{label}{problem.message}", problem.code, problem.params)

    schema = SCHEMAS.get(record.type) if isinstance(record.type, str) else None
    if schema is None:
        err("type", f"unknown record type {record.type!r}", "unknown_type")
        return errors
    if not is_record_id(record.id):
        err("id", f"is not a UUID: {record.id!r}", "not_an_id", {"value": record.id})

    if record.area is None:
        if schema.area_required:
            err("area", "is required", "required")
    elif not isinstance(record.area, str) or record.area not in AREAS:
        err(
            "area",
            f"unknown area {record.area!r} (expected one of {', '.join(AREAS)})",
            "unknown_area",
            {"value": record.area},
        )

    if schema.parent_type is None:
        if record.parent_id is not None:
            err("parent_id", f"a {record.type} has no parent", "no_parent")
    elif record.parent_id is None:
        if schema.parent_required:
            err("parent_id", f"is required (the {schema.parent_type})", "required")
    else:
        problem = _check_reference(record, record.parent_id, schema.parent_type, refs)
        if problem:
            problem_at("parent_id", problem)
        elif refs is not None:
            found = refs.lookup(record.parent_id)
            if found is not None and found[1] != record.area:
                err(
                    "area",
                    f"must be the area of its {schema.parent_type} ({found[1]})",
                    "parent_area",
                    {"expected": found[1]},
                )

    known = set(schema.field_names)
    for name in record.fields:
        if name not in known:
            err(name, f"is not a field of {record.type}", "not_a_field")
    for spec in schema.fields:
        value = record.fields.get(spec.name)
        label = f"({spec.label}) "
        if is_empty(value):
            if spec.required:
                err(spec.name, f"{label}is required", "required")
            continue
        problem = _value_error(spec, value)
        if problem:
            problem_at(spec.name, problem, label)
            continue
        if spec.kind is Kind.REF:
            assert spec.ref_type is not None and isinstance(value, str)
            problem = _check_reference(record, value, spec.ref_type, refs)
        elif spec.kind is Kind.REFS:
            assert spec.ref_type is not None and isinstance(value, list)
            for item in value:
                problem = _check_reference(record, item, spec.ref_type, refs, spec.elsewhere)
                if problem:
                    break
        if problem:
            problem_at(spec.name, problem, label)

    errors.extend(_cross_field_errors(record))
    if refs is not None and not errors:
        errors.extend(_consent_errors(record, refs))
    return errors


def _cross_field_errors(record: Record) -> list[FieldError]:
    """Rules that tie two fields of one record together."""
    pairs = {
        "issue": ("identified_on", "resolved_on"),
        "consent": ("granted_on", "withdrawn_on"),
        "activity": ("date", "next_date"),
        "meeting": ("date", "next_date"),
        "referral": ("date", "follow_up_on"),
    }
    pair = pairs.get(record.type)
    if pair is None:
        return []
    first, second = (record.fields.get(name) for name in pair)
    if not (isinstance(first, str) and isinstance(second, str)):
        return []
    if parse_date(first) is None or parse_date(second) is None:
        return []  # an impossible date is reported on its own field, not on its partner
    if second < first:
        return [
            FieldError(
                record.id,
                record.type,
                pair[1],
                f"is before {pair[0]} ({first})",
                "before",
                {"other": pair[0], "value": first},
            )
        ]
    return []


def has_valid_consent(consents: Iterable[Record], purpose: str, on: str) -> bool:
    """True if some consent covers `purpose` on day `on` (granted, not yet withdrawn)."""
    for consent in consents:
        granted = consent.fields.get("granted_on")
        withdrawn = consent.fields.get("withdrawn_on")
        if consent.deleted or not isinstance(granted, str) or granted > on:
            continue
        if isinstance(withdrawn, str) and withdrawn <= on:
            continue
        if purpose in consent.fields.get("purposes", []):
            return True
    return False


def _consent_errors(record: Record, refs: References) -> list[FieldError]:
    """A 重層的支援会議 may only discuss households whose person concerned has consented.

    A household of an area this vault does not hold is checked where it is held: its
    consents are not here either (the laptop that wrote the meeting held them). An id this
    vault does not hold where it holds every area names no household: the reference check
    refuses it (missing) before this one runs; a malformed one, the value check."""
    if record.type != "meeting" or record.fields.get("legal_basis") != "multilayer_meeting":
        return []
    on = record.fields["date"]
    missing = [
        household_id
        for household_id in record.fields.get("household_ids", [])
        if refs.holds(household_id)
        and not has_valid_consent(refs.consents_of(household_id), "multilayer_meeting", on)
    ]
    if not missing:
        return []
    return [
        FieldError(
            record.id,
            record.type,
            "household_ids",
            "a multilayer_meeting (重層的支援会議) needs valid consent for the purpose "
            f"multilayer_meeting from each household discussed; none on {on} for "
            + ", ".join(missing),
            "no_consent",
            {"households": missing, "date": on},
        )
    ]


def lost_consent_errors(
    changes: Sequence[tuple[Record, Record | None]],
    meetings: Iterable[Record],
    refs: References,
) -> list[FieldError]:
    """Consents a live 重層的支援会議 relies on, that a write or a delete would take from it.

    `changes` pairs each stored consent with what it is to become (None: deleted); `refs` and
    `meetings` (the live meetings) are as they would be afterwards. A meeting the consent
    covered must stay covered: otherwise the vault would hold a meeting that validation
    refuses, and an export that no longer imports. A meeting written in the same batch is
    validated on its own too; naming the consent as well says what took its consent away.
    A withdrawal dated after a meeting does not touch it (the consent was valid on the day):
    only meetings on or after the withdrawal refuse it.
    """
    by_household: dict[str, list[tuple[Record, Record | None]]] = {}
    for old, new in changes:
        if old.type == "consent" and old.parent_id is not None:
            by_household.setdefault(old.parent_id, []).append((old, new))
    errors: list[FieldError] = []
    if not by_household:
        return errors
    for meeting in meetings:
        if meeting.deleted or meeting.fields.get("legal_basis") != "multilayer_meeting":
            continue
        on = meeting.fields.get("date")
        if not isinstance(on, str):
            continue
        for household_id in meeting.fields.get("household_ids", []):
            changed = by_household.get(household_id)
            if not changed:
                continue
            if has_valid_consent(refs.consents_of(household_id), "multilayer_meeting", on):
                continue  # another consent (or the changed one, still) covers the day
            for old, new in changed:
                if _covers(old, on) and (new is None or not _covers(new, on)):
                    errors.append(_lost_consent_error(old, new, meeting, household_id, on))
    return errors


def _covers(consent: Record, on: str) -> bool:
    return has_valid_consent([consent], "multilayer_meeting", on)


def _lost_consent_error(
    old: Record, new: Record | None, meeting: Record, household_id: str, on: str
) -> FieldError:
    which = (
        f"meeting {meeting.id} (a multilayer_meeting 重層的支援会議 on {on} "
        f"discussing household {household_id})"
    )
    params = {"meeting": meeting.id, "household": household_id, "date": on}
    if new is None:
        return FieldError(
            old.id,
            old.type,
            "id",
            f"is relied on by {which}; change it first",
            "consent_relied_on",
            params,
        )
    # Name the field whose change takes the consent away, as a person would look for it.
    name = next(
        (n for n in ("withdrawn_on", "granted_on", "purposes") if old.get(n) != new.get(n)), "id"
    )
    label = f"({SCHEMAS['consent'].field(name).label}) " if name != "id" else ""
    return FieldError(
        old.id,
        old.type,
        name,
        f"{label}would leave {which} without valid consent; change that meeting first",
        "consent_lost",
        params,
    )


def validate(record: Record, refs: References | None = None) -> None:
    """Raise RecordInvalid if the record has any problem."""
    errors = record_errors(record, refs)
    if errors:
        raise RecordInvalid(errors)
