"""Read models of households: search and filters, the detail, the activity timeline."""

from __future__ import annotations

import pytest

from marugoto_desktop.domain.ids import new_id
from marugoto_desktop.domain.vocabularies import AREAS
from marugoto_desktop.operations.households import (
    activity_timeline,
    find_households,
    household_detail,
    household_row,
    prepare_search,
    search_ids,
)
from marugoto_desktop.operations.meetings import (
    CONSENTED,
    ELSEWHERE,
    NO_CONSENT,
    NO_HOUSEHOLD,
    consent_status,
)
from marugoto_desktop.operations.records import create_record, delete_record, edit_record
from marugoto_desktop.vault import RecordNotFound, Vault
from marugoto_desktop.vault.replica import VaultReplica


def add(vault: Vault, record_type: str, parent: str | None = None, area: str | None = None,
        **fields: object) -> str:  # fmt: skip
    return create_record(vault, record_type, fields, area=area, parent_id=parent).record.id


@pytest.fixture
def town(vault: Vault) -> dict[str, str]:
    ids = {"agency": add(vault, "agency", area="mure", name="包括（仮）", agency_type="shakyo")}
    ids["yamada"] = add(vault, "household", area="mure", name="山田家", status="active")
    ids["hanako"] = add(vault, "person", ids["yamada"], name="山田 花子", kana="やまだ はなこ")
    ids["head"] = add(
        vault, "person", ids["yamada"], name="山田 一郎", kana="ヤマダ イチロウ",
        relationship="head", birth_date="1950-01-01",
    )  # fmt: skip
    ids["debt"] = add(vault, "issue", ids["yamada"], category="debt", identified_on="2025-04-01")
    ids["main"] = add(vault, "issue", ids["yamada"], category="hikikomori", is_main=True)
    ids["kagawa"] = add(vault, "household", area="kagawa", name="香川家", status="watching")
    add(vault, "issue", ids["kagawa"], category="debt")
    ids["closed"] = add(vault, "household", area="mure", name="牟礼家", status="closed")
    return ids


@pytest.mark.parametrize(
    ("query", "filters", "expected"),
    [
        ("", {}, ["山田家", "牟礼家", "香川家"]),
        ("ﾊﾅｺ", {}, ["山田家"]),  # a member's kana, typed in half-width katakana
        ("", {"area": "mure"}, ["山田家", "牟礼家"]),
        ("", {"status": "watching"}, ["香川家"]),
        ("", {"issue_category": "debt"}, ["山田家", "香川家"]),
        ("家", {"area": "mure", "issue_category": "hikikomori"}, ["山田家"]),
        ("", {"issue_category": "dv"}, []),
    ],
)
def test_search_and_filters(vault: Vault, town: dict[str, str], query, filters, expected) -> None:
    assert [r.name for r in find_households(vault, query, **filters)] == expected


def test_a_row_carries_codes_and_the_heads_kana(vault: Vault, town: dict[str, str]) -> None:
    (row,) = find_households(vault, "山田")
    assert (row.area_code, row.status_code, row.members) == ("mure", "active", 2)
    assert (row.area, row.status) == ("牟礼", "支援中")
    assert row.kana == ""  # members not decrypted yet
    prepare_search(vault)
    (row,) = find_households(vault, "山田")
    assert row.kana == "ヤマダ イチロウ"  # the head's, though another member came first


def test_rows_follow_writes(vault: Vault, town: dict[str, str]) -> None:
    prepare_search(vault)
    assert [r.name for r in find_households(vault, "")] == ["山田家", "牟礼家", "香川家"]
    edit_record(vault, town["kagawa"], {"name": "一色家"})
    add(vault, "person", town["kagawa"], name="一色 太郎", kana="いっしき たろう",
        relationship="head")  # fmt: skip
    rows = find_households(vault, "")
    assert [r.name for r in rows] == ["一色家", "山田家", "牟礼家"]
    assert (rows[0].members, rows[0].kana) == (1, "いっしき たろう")
    delete_record(vault, town["head"])
    (yamada,) = find_households(vault, "やまだ")
    assert (yamada.members, yamada.kana) == (1, "やまだ はなこ")
    delete_record(vault, town["closed"])
    assert [r.name for r in find_households(vault, "")] == ["一色家", "山田家"]


def test_a_deleted_issue_no_longer_filters(vault: Vault, town: dict[str, str]) -> None:
    delete_record(vault, town["debt"])
    assert [r.name for r in find_households(vault, issue_category="debt")] == ["香川家"]


def test_the_detail_holds_everything_of_the_household(vault: Vault, town: dict[str, str]) -> None:
    yamada = town["yamada"]
    referral = add(
        vault, "referral", yamada, agency_id=town["agency"], direction="out",
        date="2025-05-01", status="open",
    )  # fmt: skip
    consent = add(
        vault, "consent", yamada, person_id=town["head"], granted_on="2025-04-01",
        method="oral", purposes=["multilayer_meeting"],
    )  # fmt: skip
    meeting = add(
        vault, "meeting", area="mure", date="2025-05-10", meeting_type="individual",
        legal_basis="multilayer_meeting", household_ids=[yamada],
        attendee_agency_ids=[town["agency"]],
    )  # fmt: skip
    add(vault, "meeting", area="mure", date="2025-05-11", meeting_type="regular")
    detail = household_detail(vault, yamada)
    assert detail.household.id == yamada
    assert [p.id for p in detail.members] == [town["head"], town["hanako"]]
    assert [i.id for i in detail.issues] == [town["main"], town["debt"]]
    assert [i.id for i in detail.main_issues] == [town["main"]]
    assert [r.id for r in detail.referrals] == [referral]
    assert [c.id for c in detail.consents] == [consent]
    assert [m.id for m in detail.meetings] == [meeting]
    assert list(detail.agencies) == [town["agency"]]
    with pytest.raises(RecordNotFound):
        household_detail(vault, town["head"])  # a person is not a household


def test_the_timeline_is_newest_first(vault: Vault, town: dict[str, str]) -> None:
    yamada = town["yamada"]
    old = add(vault, "activity", yamada, date="2025-04-01", kind="consult.phone")
    later = add(vault, "activity", yamada, date="2025-05-01", time="09:00", kind="consult.visit")
    latest = add(vault, "activity", yamada, date="2025-05-01", time="15:30", kind="consult.phone")
    add(vault, "activity", area="mure", date="2025-06-01", kind="outreach.gathering")
    assert [a.id for a in activity_timeline(vault, yamada)] == [latest, later, old]
    edit_record(vault, old, {"date": "2025-06-01"})
    assert [a.id for a in activity_timeline(vault, yamada)] == [old, latest, later]


def test_rows_carry_open_issue_categories_once_prepared(vault: Vault, town: dict[str, str]) -> None:
    prepare_search(vault)
    (row,) = find_households(vault, "山田")
    assert row.categories == ("debt", "hikikomori")  # in vocabulary order
    edit_record(vault, town["debt"], {"resolved_on": "2025-06-01"})
    assert household_row(vault, town["yamada"]).categories == ("hikikomori",)
    assert [r.name for r in find_households(vault, issue_category="debt")] == ["香川家"]
    delete_record(vault, town["yamada"])
    assert household_row(vault, town["yamada"]) is None


def test_search_ids_are_what_the_list_finds(vault: Vault, town: dict[str, str]) -> None:
    assert search_ids(vault, "ﾔﾏﾀﾞ") == {town["yamada"]}
    assert search_ids(vault, "  ") is None


def test_the_detail_carries_the_timeline_and_a_saved_visit_unpacks(
    vault: Vault, town: dict[str, str]
) -> None:
    record, changes = create_record(
        vault, "activity", {"date": "2025-05-01", "kind": "consult.phone"},
        parent_id=town["yamada"],
    )  # fmt: skip
    assert changes.touches_household(town["yamada"])
    assert household_detail(vault, town["yamada"]).activities == [record]


def test_the_consent_guard_before_a_meeting_is_saved(vault: Vault, town: dict[str, str]) -> None:
    add(vault, "consent", town["yamada"], person_id=town["head"], granted_on="2025-04-01",
        method="oral", purposes=["multilayer_meeting"], withdrawn_on="2025-06-01")  # fmt: skip
    households = [town["yamada"], town["kagawa"]]
    assert consent_status(vault, households, "2025-05-10") == {
        town["yamada"]: CONSENTED,
        town["kagawa"]: NO_CONSENT,
    }
    assert consent_status(vault, households, "2025-06-01")[town["yamada"]] == NO_CONSENT
    # An id this vault never held: another area's household where it holds some areas (or
    # has not synced), whose consent is checked where it is held, as validation judges it.
    # Where it holds every area, it names no household; nor does a household held deleted,
    # or a record of another kind.
    far = new_id()
    delete_record(vault, town["closed"])
    named = [far, town["closed"], town["hanako"]]
    for areas, far_status in (
        (None, ELSEWHERE),
        (["mure", "kagawa"], ELSEWHERE),
        (list(AREAS.codes), NO_HOUSEHOLD),
    ):
        if areas is not None:
            VaultReplica(vault).set_synced_areas(areas)
        assert consent_status(vault, named, "2025-05-10") == {
            far: far_status,
            town["closed"]: NO_HOUSEHOLD,
            town["hanako"]: NO_HOUSEHOLD,
        }
