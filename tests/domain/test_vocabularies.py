"""The codes and labels fixed by DESIGN §3 are contracts: written out literally here, so that a
renamed, dropped or added code fails a test."""

from __future__ import annotations

import dataclasses
import re

import pytest

from marugoto_desktop.domain import vocabularies as v
from marugoto_desktop.domain.vocabularies import Vocabulary

# ---------------------------------------------------------------------------------------------
# Vocabularies whose codes AND labels DESIGN §3 gives in full
# ---------------------------------------------------------------------------------------------

DESIGN_AREAS = {
    "honcho": "本庁",
    "mure": "牟礼",
    "shoga": "勝賀",
    "yamada": "山田",
    "busshozan": "仏生山",
    "kokubunji": "国分寺",
    "kagawa": "香川",
}

DESIGN_HOUSEHOLD_STATUS = {
    "active": "支援中",
    "watching": "見守り",
    "closed": "終結",
    "suspended": "中断",
}

DESIGN_ISSUE_CATEGORIES = {
    "elderly_care": "高齢・介護",
    "disability": "障害",
    "child_rearing": "子ども・子育て",
    "poverty": "生活困窮",
    "debt": "債務",
    "housing": "住まい",
    "employment": "就労",
    "health": "病気・健康",
    "hikikomori": "ひきこもり・不登校",
    "eighty_fifty": "8050問題",
    "young_carer": "ヤングケアラー",
    "double_care": "ダブルケア",
    "self_neglect": "セルフネグレクト・ごみ屋敷",
    "elder_abuse": "高齢者虐待",
    "child_abuse": "児童虐待",
    "disability_abuse": "障害者虐待",
    "dv": "DV",
    "isolation": "孤立・孤独",
    "family_relations": "家族関係",
    "community_relations": "地域との関係",
    "food": "食料",
    "other": "その他",
}

DESIGN_REFERRAL_DIRECTIONS = {"in": "持込", "out": "つなぎ", "joint": "協働"}

DESIGN_MEETING_TYPES = {
    "core_member": "コアメンバー会議",
    "regular": "定例会議",
    "individual": "個別会議",
    "individual_existing": "既存会議を活用した個別会議",
    "info_sharing": "情報共有会",
    "project_team": "プロジェクトチーム会議",
    "practitioners": "関係機関実務担当者会",
    "lead_liaison": "連携主担当・副担当者会議",
}

DESIGN_RECORD_TYPES = {
    "household": "世帯",
    "person": "世帯員",
    "issue": "課題",
    "activity": "活動記録",
    "agency": "関係機関",
    "referral": "連携",
    "meeting": "まるごと福祉会議",
    "consent": "同意",
}


@pytest.mark.parametrize(
    ("vocabulary", "expected"),
    [
        (v.AREAS, DESIGN_AREAS),
        (v.HOUSEHOLD_STATUS, DESIGN_HOUSEHOLD_STATUS),
        (v.ISSUE_CATEGORIES, DESIGN_ISSUE_CATEGORIES),
        (v.REFERRAL_DIRECTIONS, DESIGN_REFERRAL_DIRECTIONS),
        (v.MEETING_TYPES, DESIGN_MEETING_TYPES),
        (v.RECORD_TYPES, DESIGN_RECORD_TYPES),
    ],
    ids=lambda x: x.name if isinstance(x, Vocabulary) else "",
)
def test_codes_and_labels_are_those_of_the_design(
    vocabulary: Vocabulary, expected: dict[str, str]
) -> None:
    assert dict(vocabulary) == expected


def test_issue_categories_count() -> None:
    assert len(v.ISSUE_CATEGORIES) == 22


# ---------------------------------------------------------------------------------------------
# Vocabularies whose codes DESIGN §3 fixes (labels partly or not at all)
# ---------------------------------------------------------------------------------------------

DESIGN_ACTIVITY_KINDS = {
    "outreach.home_visit": "戸別訪問",
    "outreach.gathering": "地域の会合",
    "outreach.ibasho": "居場所・サロン",
    "outreach.network_meeting": "地域福祉ネットワーク会議",
    "outreach.other": None,  # DESIGN gives no label
    "consult.visit": "訪問",
    "consult.office": "来所",
    "consult.phone": "電話",
    "consult.accompany": "同行",
    "consult.online": None,  # DESIGN gives no label
    "consult.coordination": "支援調整",
}

DESIGN_AGENCY_TYPES = (
    "chiiki_houkatsu",
    "disability_consult",
    "kodomo_katei",
    "jiritsu_soudan",
    "welfare_office",
    "health_center",
    "medical",
    "school",
    "police",
    "legal",
    "employment",
    "shakyo",
    "minsei",
    "npo",
    "other",
)

DESIGN_HOW_FOUND = ("self", "family", "minsei", "neighbour", "agency_referral", "outreach")
DESIGN_REFERRAL_STATUS = ("open", "acknowledged", "done", "dropped")
DESIGN_CONSENT_METHODS = ("signature", "oral", "proxy")
DESIGN_LEGAL_BASES = ("support_meeting", "multilayer_meeting", "other")


def test_activity_kinds() -> None:
    assert set(v.ACTIVITY_KINDS) == set(DESIGN_ACTIVITY_KINDS)
    for code, label in DESIGN_ACTIVITY_KINDS.items():
        if label is not None:
            assert v.ACTIVITY_KINDS[code] == label, code
        else:
            assert v.ACTIVITY_KINDS[code].strip(), code


def test_activity_kinds_fall_in_exactly_two_groups() -> None:
    """The annual figures split activities by prefix: outreach.* and consult.*."""
    assert v.OUTREACH_PREFIX == "outreach."
    assert v.CONSULT_PREFIX == "consult."
    outreach = [c for c in v.ACTIVITY_KINDS if c.startswith(v.OUTREACH_PREFIX)]
    consult = [c for c in v.ACTIVITY_KINDS if c.startswith(v.CONSULT_PREFIX)]
    assert len(outreach) == 5
    assert len(consult) == 6
    assert len(outreach) + len(consult) == len(v.ACTIVITY_KINDS)
    assert dict(v.ACTIVITY_GROUPS) == {
        "outreach": "アウトリーチ",
        "consult": "相談対応・支援コーディネート",
    }


@pytest.mark.parametrize(
    ("vocabulary", "expected"),
    [
        (v.AGENCY_TYPES, DESIGN_AGENCY_TYPES),
        (v.HOW_FOUND, DESIGN_HOW_FOUND),
        (v.REFERRAL_STATUS, DESIGN_REFERRAL_STATUS),
        (v.CONSENT_METHODS, DESIGN_CONSENT_METHODS),
        (v.MEETING_LEGAL_BASIS, DESIGN_LEGAL_BASES),
    ],
    ids=lambda x: x.name if isinstance(x, Vocabulary) else "",
)
def test_codes_are_those_of_the_design(vocabulary: Vocabulary, expected: tuple[str, ...]) -> None:
    assert sorted(vocabulary.codes) == sorted(expected)


def test_legal_basis_labels() -> None:
    support = v.MEETING_LEGAL_BASIS["support_meeting"]
    assert support.startswith("支援会議")
    assert "106条の6" in support
    assert v.MEETING_LEGAL_BASIS["multilayer_meeting"] == "重層的支援会議"


def test_agency_type_labels_name_the_agencies_of_the_design() -> None:
    assert v.AGENCY_TYPES["chiiki_houkatsu"] == "地域包括支援センター"
    assert v.AGENCY_TYPES["disability_consult"] == "障害者相談支援事業所"
    assert v.AGENCY_TYPES["jiritsu_soudan"] == "自立相談支援機関"


def test_a_consent_can_cover_the_multilayer_meeting() -> None:
    """The 重層的支援会議 rule looks for the consent purpose `multilayer_meeting`."""
    assert "multilayer_meeting" in v.CONSENT_PURPOSES


def test_city_pseudo_area_is_not_an_area() -> None:
    assert v.CITY_PSEUDO_AREA == "city"
    assert v.CITY_PSEUDO_AREA not in v.AREAS
    assert v.CITY_LABEL


# ---------------------------------------------------------------------------------------------
# Every vocabulary of the module
# ---------------------------------------------------------------------------------------------

ALL_VOCABULARIES = [value for value in vars(v).values() if isinstance(value, Vocabulary)]
_CODE_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$")


def test_the_module_has_the_vocabularies_the_schemas_use() -> None:
    assert len(ALL_VOCABULARIES) >= 20
    names = [vocab.name for vocab in ALL_VOCABULARIES]
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("vocabulary", ALL_VOCABULARIES, ids=lambda x: x.name)
def test_codes_are_stable_ascii_and_labels_distinct(vocabulary: Vocabulary) -> None:
    assert len(vocabulary) > 0
    for code in vocabulary:
        assert code.isascii(), code
        assert _CODE_RE.match(code), code
        assert vocabulary.label(code).strip(), code
    labels = list(vocabulary.values())
    assert len(set(labels)) == len(labels), "two codes would look the same on screen"


# ---------------------------------------------------------------------------------------------
# The Vocabulary type
# ---------------------------------------------------------------------------------------------


def test_vocabulary_is_an_ordered_mapping() -> None:
    vocab = Vocabulary("test", (("b", "ビー"), ("a", "エー"), ("c", "シー")))
    assert list(vocab) == ["b", "a", "c"]
    assert vocab.codes == ("b", "a", "c")
    assert len(vocab) == 3
    assert vocab["a"] == "エー"
    assert "a" in vocab
    assert "d" not in vocab
    assert dict(vocab.items()) == {"b": "ビー", "a": "エー", "c": "シー"}
    with pytest.raises(KeyError):
        vocab["d"]


def test_label_falls_back_to_the_code() -> None:
    assert v.AREAS.label("mure") == "牟礼"
    assert v.AREAS.label("atlantis") == "atlantis"


def test_duplicate_codes_are_refused() -> None:
    with pytest.raises(ValueError, match="dup"):
        Vocabulary("dup", (("a", "エー"), ("a", "もう一つ")))


def test_vocabulary_is_immutable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        v.AREAS.name = "other"  # type: ignore[misc]
    assert v.AREAS["mure"] == "牟礼"
