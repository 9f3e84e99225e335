"""Import and export in the JSON Lines exchange format (DESIGN §3)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from marugoto_desktop.domain.ids import new_id
from marugoto_desktop.domain.vocabularies import AREAS
from marugoto_desktop.operations.exchange import (
    ImportFailed,
    export_to,
    import_file,
    import_records,
)
from marugoto_desktop.reports.export import export_lines
from marugoto_desktop.vault import KdfParams, Vault
from marugoto_desktop.vault.replica import VaultReplica

from ..conftest import PASSPHRASE

AGENCY = new_id()
HOUSEHOLD = new_id()
PERSON = new_id()
REFERRAL = new_id()
MEETING = new_id()


def sample_lines() -> list[dict]:
    return [
        {"type": "agency", "id": AGENCY, "area": "shoga", "name": "勝賀地域包括支援センター",
         "agency_type": "chiiki_houkatsu"},
        {"type": "household", "id": HOUSEHOLD, "area": "shoga", "name": "高松家",
         "status": "active", "address": "高松市鬼無町0-0", "how_found": "minsei"},
        {"type": "person", "id": PERSON, "area": "shoga", "parent_id": HOUSEHOLD,
         "name": "高松 一郎", "kana": "たかまつ いちろう", "birth_date": "1941-02-03",
         "lives_with_household": True, "care_level": "care_2"},
        {"type": "referral", "id": REFERRAL, "area": "shoga", "parent_id": HOUSEHOLD,
         "agency_id": AGENCY, "direction": "out", "date": "2025-06-01", "status": "open"},
        {"type": "meeting", "id": MEETING, "date": "2025-07-01", "meeting_type": "project_team",
         "attendee_agency_ids": [AGENCY]},
    ]  # fmt: skip


def as_jsonl(objs: list[dict]) -> str:
    return "".join(json.dumps(o, ensure_ascii=False) + "\n" for o in objs)


def state(vault: Vault) -> tuple[list[str], int]:
    return list(export_lines(vault)), vault.outbox_size()


def test_export_import_export_is_identical(vault: Vault, tmp_path: Path) -> None:
    result = import_records(vault, io.StringIO(as_jsonl(sample_lines())))
    assert (result.created, result.updated, result.unchanged) == (5, 0, 0)
    first = tmp_path / "first.jsonl"
    assert export_to(vault, first) == 5
    with Vault.create(tmp_path / "other", PASSPHRASE, kdf=KdfParams()) as other:
        import_file(other, first)
        second = tmp_path / "second.jsonl"
        export_to(other, second)
    assert first.read_bytes() == second.read_bytes()
    lines = first.read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0])["type"] == "agency"  # referenced records come first
    assert "高松 一郎" in first.read_text(encoding="utf-8")  # readable UTF-8, not \u escapes


def test_a_bad_line_imports_nothing_and_names_line_and_field(vault: Vault) -> None:
    vault.new_record("household", "mure", name="既存", status="active")
    before = state(vault)
    objs = sample_lines()
    objs[2]["birth_date"] = "1941-02-30"
    with pytest.raises(ImportFailed) as failure:
        import_records(vault, io.StringIO(as_jsonl(objs)))
    message = str(failure.value)
    assert "line 3" in message and "birth_date" in message
    assert state(vault) == before


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda o: o[1].update(status="unknown_status"), ["line 2", "status"]),
        (lambda o: o[1].update(colour="blue"), ["line 2", "colour"]),
        (lambda o: o[3].update(agency_id=HOUSEHOLD), ["line 4", "agency_id", "household"]),
        (lambda o: o[3].update(agency_id=new_id()), ["line 4", "agency_id", "does not exist"]),
        (lambda o: o[2].update(area="mure"), ["line 3", "area"]),
        (lambda o: o[4].update(id=AGENCY), ["line 5", "id", "line 1"]),
        (lambda o: o[0].pop("name"), ["line 1", "name", "required"]),
        (lambda o: o[1].update(type="family"), ["line 2", "type"]),
        (lambda o: o[1].update(phone=None), ["line 2", "phone", "null"]),
    ],
)
def test_each_kind_of_bad_line_is_refused(vault: Vault, mutate, expected) -> None:
    objs = sample_lines()
    mutate(objs)
    with pytest.raises(ImportFailed) as failure:
        import_records(vault, io.StringIO(as_jsonl(objs)))
    for part in expected:
        assert part in str(failure.value)
    assert vault.count() == 0 and vault.outbox_size() == 0


def test_not_json_is_refused_with_its_line(vault: Vault) -> None:
    text = as_jsonl(sample_lines()[:1]) + "{not json\n"
    with pytest.raises(ImportFailed, match="line 2"):
        import_records(vault, io.StringIO(text))


def test_an_existing_id_is_updated_as_edits(vault: Vault) -> None:
    import_records(vault, io.StringIO(as_jsonl(sample_lines())))
    before = vault.outbox_size()
    objs = sample_lines()
    objs[1]["status"] = "watching"
    del objs[1]["address"]  # a field left out is empty
    result = import_records(vault, io.StringIO("\ufeff" + as_jsonl(objs) + "\n"))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 4)
    household = vault.get(HOUSEHOLD)
    assert household.fields["status"] == "watching" and "address" not in household.fields
    edits = vault.pending_changes(limit=10_000)[before:]
    assert sorted((c.record_id, c.field, c.value) for c in edits) == [
        (HOUSEHOLD, "address", None),
        (HOUSEHOLD, "status", "watching"),
    ]
    assert all(c.base_hlc > 0 for c in edits)  # edits of fields seen before


def test_import_refuses_to_change_a_records_type(vault: Vault) -> None:
    import_records(vault, io.StringIO(as_jsonl(sample_lines())))
    objs = sample_lines()[:1]
    objs[0].update(type="household", id=HOUSEHOLD, name="x", status="active")
    del objs[0]["agency_type"]
    objs[0]["id"] = AGENCY
    with pytest.raises(ImportFailed, match=r"line 1.*type"):
        import_records(vault, io.StringIO(as_jsonl(objs)))


def test_export_leaves_out_deleted_records(vault: Vault, tmp_path: Path) -> None:
    import_records(vault, io.StringIO(as_jsonl(sample_lines())))
    vault.delete(HOUSEHOLD)  # takes its person and referral with it
    ids = [json.loads(line)["id"] for line in export_lines(vault)]
    assert HOUSEHOLD not in ids and PERSON not in ids and REFERRAL not in ids
    assert AGENCY in ids


def test_a_refused_import_leaves_no_phantom_values_behind(vault: Vault) -> None:
    """Records written before a failure inside the transaction must vanish from memory too."""
    import_records(vault, io.StringIO(as_jsonl(sample_lines())))
    objs = sample_lines()
    objs[0]["name"] = "書き換え後"  # a good update of the agency, written first...
    for moved in objs[1:4]:  # ...then a household (and its records) that may not move area
        moved["area"] = "mure"
    before = list(export_lines(vault))
    with pytest.raises(ImportFailed):
        import_records(vault, io.StringIO(as_jsonl(objs)))
    assert list(export_lines(vault)) == before
    assert vault.get(AGENCY).fields["name"] == "勝賀地域包括支援センター"


def test_a_file_that_is_not_utf8_names_the_line(vault: Vault, tmp_path: Path) -> None:
    path = tmp_path / "sjis.jsonl"
    good = as_jsonl(sample_lines()[:1]).encode()
    path.write_bytes(good + '{"type": "household", "name": "高松家"}\n'.encode("shift_jis"))
    with pytest.raises(ImportFailed, match="line 2: -: not UTF-8"):
        import_file(vault, path)
    assert vault.count() == 0


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000, "1" * 5000])
def test_absurd_json_is_a_clear_error(vault: Vault, text: str) -> None:
    with pytest.raises(ImportFailed, match="line 1"):
        import_records(vault, io.StringIO(text + "\n"))


# -- references that must stay inside a household, and consent a meeting relies on ----------

NEIGHBOUR = new_id()
NEIGHBOUR_PERSON = new_id()
ISSUE = new_id()
CONSENT = new_id()
MULTILAYER = new_id()


def consented_lines() -> list[dict]:
    """The sample, plus a neighbour household, an issue, a consent and a 重層的支援会議."""
    return [*sample_lines(),
        {"type": "household", "id": NEIGHBOUR, "area": "shoga", "name": "隣家",
         "status": "active"},
        {"type": "person", "id": NEIGHBOUR_PERSON, "area": "shoga", "parent_id": NEIGHBOUR,
         "name": "隣 花子"},
        {"type": "issue", "id": ISSUE, "area": "shoga", "parent_id": HOUSEHOLD,
         "person_id": PERSON, "category": "elderly_care"},
        {"type": "consent", "id": CONSENT, "area": "shoga", "parent_id": HOUSEHOLD,
         "person_id": PERSON, "granted_on": "2025-06-01", "method": "signature",
         "purposes": ["multilayer_meeting"]},
        {"type": "meeting", "id": MULTILAYER, "area": "shoga", "date": "2025-07-10",
         "meeting_type": "individual", "legal_basis": "multilayer_meeting",
         "household_ids": [HOUSEHOLD]},
    ]  # fmt: skip


@pytest.mark.parametrize("line", [8, 9], ids=["issue", "consent"])
def test_a_person_of_another_household_is_refused_with_its_line(vault: Vault, line: int) -> None:
    objs = consented_lines()
    objs[line - 1]["person_id"] = NEIGHBOUR_PERSON
    with pytest.raises(ImportFailed) as failure:
        import_records(vault, io.StringIO(as_jsonl(objs)))
    message = str(failure.value)
    assert f"line {line}" in message and "person_id" in message and "another household" in message
    assert vault.count() == 0


def test_a_consented_caseload_reimports_unchanged(vault: Vault) -> None:
    text = as_jsonl(consented_lines())
    import_records(vault, io.StringIO(text))
    before = state(vault)
    result = import_records(vault, io.StringIO(text))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 10)
    assert state(vault) == before


def test_an_import_cannot_withdraw_consent_from_under_a_meeting(vault: Vault) -> None:
    import_records(vault, io.StringIO(as_jsonl(consented_lines())))
    before = state(vault)
    objs = consented_lines()
    objs[8]["withdrawn_on"] = "2025-07-01"  # before the meeting of 2025-07-10
    with pytest.raises(ImportFailed) as failure:
        import_records(vault, io.StringIO(as_jsonl(objs)))
    # The consent's line names what it would take away, the meeting's line what it lacks.
    lines = {line.split(":")[0]: line for line in failure.value.errors}
    assert set(lines) == {"line 9", "line 10"}
    assert "withdrawn_on" in lines["line 9"] and MULTILAYER in lines["line 9"]
    assert "household_ids" in lines["line 10"]
    assert state(vault) == before
    objs[8]["withdrawn_on"] = "2025-07-11"  # after it: the meeting had consent on its day
    assert import_records(vault, io.StringIO(as_jsonl(objs))).updated == 1


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_multilayer_meeting_naming_an_unknown_household_where_every_area_is_held(
    vault: Vault, dry_run: bool
) -> None:
    # The office's vault holds every area: a household id it does not hold is a mistake
    # (a typo), not another area's household whose consent is checked elsewhere.
    VaultReplica(vault).set_synced_areas(AREAS.codes)
    mistyped = new_id()
    objs = consented_lines()
    objs[9]["household_ids"] = [HOUSEHOLD, mistyped]
    before = state(vault)
    with pytest.raises(ImportFailed) as failure:
        import_records(vault, io.StringIO(as_jsonl(objs)), dry_run=dry_run)
    assert failure.value.errors == [
        f"line 10: meeting {MULTILAYER}: household_ids: (検討世帯) refers to household "
        f"{mistyped}, which does not exist"
    ]
    [problem] = failure.value.problems
    assert (problem.line, problem.field, problem.code) == (10, "household_ids", "missing")
    assert state(vault) == before  # nothing written


def test_a_laptop_of_some_areas_keeps_another_areas_household_as_named(vault: Vault) -> None:
    # It cannot tell another area's household from a mistyped id: it keeps the id as the
    # meeting names it, and says so; a vault that holds every area checks it.
    VaultReplica(vault).set_synced_areas(["shoga"])
    far = new_id()
    objs = consented_lines()
    objs[9]["household_ids"] = [HOUSEHOLD, far]
    result = import_records(vault, io.StringIO(as_jsonl(objs)))
    assert (result.created, result.elsewhere, result.elsewhere_in) == (10, (far,), 1)
    assert vault.get(MULTILAYER).fields["household_ids"] == [HOUSEHOLD, far]  # type: ignore[union-attr]


def test_an_update_says_what_it_clears_and_a_dry_run_writes_nothing(vault: Vault) -> None:
    import_records(vault, io.StringIO(as_jsonl(sample_lines())))
    household = {"type": "household", "id": HOUSEHOLD, "area": "shoga", "name": "高松家",
                 "status": "closed"}  # fmt: skip
    before = state(vault)
    tried = import_records(vault, io.StringIO(as_jsonl([household])), dry_run=True)
    assert state(vault) == before  # nothing written, nothing queued to sync
    assert (tried.written, tried.created, tried.updated, tried.unchanged) == (False, 0, 1, 0)
    [update] = tried.updates
    assert (update.record_id, update.label, update.changed, update.cleared) == (
        HOUSEHOLD,
        "高松家",
        ("status",),
        ("address", "how_found"),
    )
    assert (tried.cleared_fields, tried.cleared_records) == (2, 1)

    # A dry run refuses what the import would refuse: an area never changes.
    moved = {**household, "area": "mure"}
    with pytest.raises(ImportFailed, match=r"line 1: .*area: cannot change from 'shoga'"):
        import_records(vault, io.StringIO(as_jsonl([moved])), dry_run=True)
    with pytest.raises(ImportFailed, match=r"line 1: .*area: cannot change from 'shoga'"):
        import_records(vault, io.StringIO(as_jsonl([moved])))
    orphan = {**sample_lines()[3], "agency_id": new_id()}
    with pytest.raises(ImportFailed, match="agency_id"):
        import_records(vault, io.StringIO(as_jsonl([orphan])), dry_run=True)
    assert state(vault) == before

    done = import_records(vault, io.StringIO(as_jsonl([household])))
    assert done.written and done.updates == tried.updates
    assert "address" not in vault.get(HOUSEHOLD).fields


def test_a_json_error_points_at_its_column_even_at_the_end_of_the_line(vault: Vault) -> None:
    cut = '{"type": "household", "name": "高松家"'  # the closing brace is missing
    lines = f'{cut}\n{{"type": "household",, "id": 1}}\r\n'
    with pytest.raises(ImportFailed) as failed:
        import_records(vault, io.StringIO(lines))
    assert failed.value.errors == [
        f"line 1: -: not valid JSON (Expecting ',' delimiter at column {len(cut) + 1})",
        "line 2: -: not valid JSON (Expecting property name enclosed in double quotes at "
        "column 22)",
    ]
