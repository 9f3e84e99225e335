"""Where the demo caseload happens: the seven areas, their towns, agencies and meetings.

Institutions that could be taken for real ones are marked （仮）.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import accumulate

from ..domain.vocabularies import AREAS
from .demo_weights import _pairs, _Weights


@dataclass(frozen=True)
class _Area:
    weight: float  # share of households
    outreach_share: float  # chance that a household's later contact is outreach
    office: str  # where the consultants sit
    places: tuple[tuple[str, str], ...]  # (district, town)
    consultants: tuple[tuple[str, str], ...]  # (surname, given name)
    core_meetings: int  # コアメンバー会議 per year
    regular_meetings: int  # 定例会議 per year


# Weights follow the shape of the FY2019 figures: 勝賀 far ahead, then 香川 and 牟礼.
_AREAS: dict[str, _Area] = {
    "honcho": _Area(
        0.16,
        0.55,
        "高松市役所 本庁舎",
        _pairs("番町:番町 栗林:栗林町 木太:木太町 松島:松島町 花園:花園町 太田:太田上町"),
        _pairs("大西:恵 森本:拓也"),
        2,
        2,
    ),
    "mure": _Area(
        0.10,
        0.70,
        "牟礼総合センター",
        _pairs("牟礼:牟礼町牟礼 牟礼:牟礼町原 牟礼:牟礼町大町"),
        _pairs("川田:直美 村上:聡"),
        1,
        1,
    ),
    "shoga": _Area(
        0.26,
        0.65,
        "勝賀総合センター",
        _pairs(
            "香西:香西本町 香西:香西南町 鬼無:鬼無町鬼無 鬼無:鬼無町佐藤 下笠居:生島町 弦打:鶴市町"
        ),
        _pairs("真鍋:陽子 藤井:健一 岡田:美穂"),
        8,
        2,
    ),
    "yamada": _Area(
        0.10,
        0.55,
        "東南総合センター",
        _pairs("川島:川島東町 十河:十川東町 東植田:東植田町 西植田:西植田町 林:林町"),
        _pairs("細川:智子 松原:修"),
        1,
        1,
    ),
    "busshozan": _Area(
        0.10,
        0.55,
        "中部総合センター",
        _pairs("仏生山:仏生山町 一宮:一宮町 多肥:多肥上町 円座:円座町 檀紙:檀紙町"),
        _pairs("池田:香織 多田:和也"),
        1,
        1,
    ),
    "kokubunji": _Area(
        0.12,
        0.55,
        "国分寺総合センター",
        _pairs("国分寺北部:国分寺町新居 国分寺南部:国分寺町国分 国分寺南部:国分寺町福家"),
        _pairs("三好:由美子 中川:剛"),
        2,
        1,
    ),
    "kagawa": _Area(
        0.16,
        0.45,
        "香川総合センター",
        _pairs("浅野:香川町浅野 大野:香川町大野 川東:香川町川東上 香南:香南町由佐 香南:香南町岡"),
        _pairs("香川:明美 石川:達也"),
        2,
        1,
    ),
}
assert tuple(_AREAS) == AREAS.codes
_AREA_WEIGHTS = _Weights(AREAS.codes, tuple(accumulate(a.weight for a in _AREAS.values())))

# City-wide meetings a year, as in FY2019 (PT 2, 実務担当者会 2, 主担当・副担当者会議 1,
# 情報共有会 11).
_CITY_MEETINGS = (
    ("project_team", 2),
    ("practitioners", 2),
    ("lead_liaison", 1),
    ("info_sharing", 11),
)

# (registering area, agency_type, name); 本庁 registers the city-wide agencies.
_AGENCIES: tuple[tuple[str, str, str], ...] = (
    *((a, "chiiki_houkatsu", f"{AREAS[a]}地域包括支援センター") for a in AREAS.codes),
    *((a, "minsei", f"{AREAS[a]}地区民生委員児童委員協議会") for a in AREAS.codes),
    ("honcho", "disability_consult", "高松中央障害者相談支援事業所（仮）"),
    ("shoga", "disability_consult", "相談支援事業所かさい（仮）"),
    ("kagawa", "disability_consult", "香川町障害者相談支援センター（仮）"),
    ("honcho", "kodomo_katei", "高松市こども家庭支援センター（仮）"),
    ("honcho", "jiritsu_soudan", "高松市自立相談支援機関（仮）"),
    ("honcho", "welfare_office", "高松市福祉事務所 生活福祉課（仮）"),
    ("honcho", "health_center", "高松市保健センター（仮）"),
    ("kokubunji", "health_center", "国分寺保健ステーション（仮）"),
    ("honcho", "medical", "高松みなと病院（仮）"),
    ("shoga", "medical", "かさい内科クリニック（仮）"),
    ("mure", "medical", "むれ心療内科クリニック（仮）"),
    ("honcho", "school", "高松市教育委員会 生徒指導担当（仮）"),
    ("shoga", "school", "高松市立かちが中学校（仮）"),
    ("yamada", "school", "高松市立やまだ小学校（仮）"),
    ("honcho", "police", "高松中央警察署 生活安全課（仮）"),
    ("honcho", "legal", "さぬき法律事務所（仮）"),
    ("honcho", "legal", "高松司法書士相談センター（仮）"),
    ("honcho", "employment", "ハローワーク高松（仮）"),
    ("busshozan", "employment", "地域若者サポートステーションたかまつ（仮）"),
    ("honcho", "shakyo", "高松市社会福祉協議会（仮）"),
    ("kagawa", "shakyo", "高松市社会福祉協議会 香川支所（仮）"),
    ("shoga", "npo", "NPO法人 こども食堂かちが（仮）"),
    ("honcho", "npo", "NPO法人 ひきこもり家族会さぬき（仮）"),
    ("mure", "npo", "ボランティアグループ むれの輪（仮）"),
    ("honcho", "other", "高松市消費生活センター（仮）"),
    ("yamada", "other", "山田地区コミュニティ協議会（仮）"),
)

# The kinds of agency a household is connected to for an issue.
_AGENCY_FOR_ISSUE: dict[str, tuple[str, ...]] = {
    "elderly_care": ("chiiki_houkatsu",),
    "disability": ("disability_consult",),
    "child_rearing": ("kodomo_katei", "school"),
    "poverty": ("jiritsu_soudan", "welfare_office"),
    "debt": ("legal", "jiritsu_soudan", "other"),
    "housing": ("jiritsu_soudan", "welfare_office"),
    "employment": ("employment", "jiritsu_soudan"),
    "health": ("medical", "health_center"),
    "hikikomori": ("npo", "health_center", "school"),
    "eighty_fifty": ("chiiki_houkatsu", "jiritsu_soudan"),
    "young_carer": ("school", "kodomo_katei"),
    "double_care": ("chiiki_houkatsu", "kodomo_katei"),
    "self_neglect": ("chiiki_houkatsu", "health_center"),
    "elder_abuse": ("chiiki_houkatsu", "police"),
    "child_abuse": ("kodomo_katei", "school"),
    "disability_abuse": ("disability_consult",),
    "dv": ("police", "kodomo_katei", "welfare_office"),
    "isolation": ("shakyo", "minsei", "npo"),
    "family_relations": ("legal", "shakyo"),
    "community_relations": ("minsei", "shakyo"),
    "food": ("npo", "shakyo"),
    "other": ("other", "shakyo"),
}
# Who brings cases to the consultants (持込).
_REFERRING_TYPES = (
    "chiiki_houkatsu",
    "minsei",
    "welfare_office",
    "medical",
    "school",
    "disability_consult",
    "shakyo",
    "health_center",
    "police",
)

# Where consultants go with a household, and where outreach gatherings are held.
_ACCOMPANY_TO = ("市役所", "病院", "ハローワーク", "法テラス", "銀行", "年金事務所")
_GATHERING_PLACE = {
    "outreach.gathering": "{district}地区コミュニティセンター",
    "outreach.ibasho": "{district}地区ふれあいサロン",
    "outreach.network_meeting": "{district}地区コミュニティセンター",
    "outreach.other": "{district}地区 出張相談会場",
}
