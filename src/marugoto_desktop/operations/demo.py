"""Demo data: a fictional but realistic caseload for trying the app, training and benchmarks.

Everything is invented. Names come from lists of common surnames and given names; house numbers
are 0000-NN and telephone numbers 087-000-XXXX, which no real address or line uses; institutions
that could be taken for real ones are marked （仮）.

The data is a pure function of (households, seed): ids come from `uuid7_from` with the record's
own date and bytes from `random.Random(seed)`, never from the clock or os.urandom. Two runs give
the same records byte for byte, so writing them into a vault again records no edits.

The caseload spans FY2024 and FY2025 (2024-04-01 .. 2026-03-31) in all seven areas, 勝賀 the
busiest as in the city's own figures.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from itertools import accumulate
from typing import Any

from ..domain.calendar import fiscal_year_label
from ..domain.ids import uuid7_from
from ..domain.records import Record
from ..domain.schema import TYPE_ORDER
from ..domain.validation import has_valid_consent
from ..domain.vocabularies import AREAS, CONSENT_PURPOSES, MEETING_TYPES
from ..vault import Vault

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
FISCAL_YEARS = (2024, 2025)

_FIRST = date(2024, 4, 1).toordinal()
_LAST = date(2026, 3, 31).toordinal()
_FY2025 = date(2025, 4, 1).toordinal()
# Some cases were found in FY2023 and carried over: a service that has run for years has a
# caseload on its first day, and the workload stays level over both years.
_CARRYOVER_FROM = date(2023, 4, 1).toordinal()
_CARRYOVER_SHARE = 0.3
_NEW_CASES_UNTIL = date(2026, 2, 27).toordinal()
_AGENCIES_REGISTERED = date(2024, 4, 1).toordinal()
_UNIX_EPOCH = date(1970, 1, 1).toordinal()
_HOUR_MS = 3_600_000
_SPACE = "\u3000"  # names are written 姓　名, with a full-width space


# -- compact tables --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Weights:
    codes: tuple[str, ...]
    cum: tuple[float, ...]


def _weights(text: str) -> _Weights:
    """'a:0.7 b:0.3' -> codes with cumulative weights."""
    pairs = [item.split(":") for item in text.split(" ")]
    return _Weights(tuple(c for c, _ in pairs), tuple(accumulate(float(w) for _, w in pairs)))


def _pairs(text: str) -> tuple[tuple[str, str], ...]:
    """'佐藤:さとう 鈴木:すずき' -> (('佐藤', 'さとう'), ('鈴木', 'すずき'))."""
    return tuple((a, b) for a, b in (item.split(":") for item in text.split(" ")))


def _draw(rng: random.Random, weights: _Weights) -> str:
    return weights.codes[bisect_right(weights.cum, rng.random() * weights.cum[-1])]


# -- areas and agencies ----------------------------------------------------------------------


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

# -- people ----------------------------------------------------------------------------------

_SURNAMES = _pairs(
    "佐藤:さとう 鈴木:すずき 高橋:たかはし 田中:たなか 伊藤:いとう 渡辺:わたなべ "
    "山本:やまもと 中村:なかむら 小林:こばやし 加藤:かとう 吉田:よしだ 山田:やまだ "
    "佐々木:ささき 山口:やまぐち 松本:まつもと 井上:いのうえ 木村:きむら 林:はやし "
    "斎藤:さいとう 清水:しみず 大西:おおにし 森:もり 池田:いけだ 橋本:はしもと "
    "山下:やました 石川:いしかわ 中川:なかがわ 多田:ただ 三好:みよし 藤井:ふじい "
    "岡田:おかだ 真鍋:まなべ 村上:むらかみ 細川:ほそかわ 松原:まつばら 香川:かがわ "
    "十河:そごう 植田:うえた 森本:もりもと 川田:かわた"
)
# Given names by sex and generation (born before 1960, before 1990, later): names date people.
_GIVEN: dict[tuple[str, int], tuple[tuple[str, str], ...]] = {
    ("male", 0): _pairs(
        "正雄:まさお 清:きよし 茂:しげる 勇:いさむ 博:ひろし 実:みのる 進:すすむ "
        "武:たけし 昭:あきら 和夫:かずお 隆:たかし 功:いさお"
    ),
    ("female", 0): _pairs(
        "和子:かずこ 幸子:さちこ 節子:せつこ 文子:ふみこ 静子:しずこ 美代子:みよこ "
        "久子:ひさこ 悦子:えつこ 弘子:ひろこ 照子:てるこ 君子:きみこ 千代子:ちよこ"
    ),
    ("male", 1): _pairs(
        "誠:まこと 浩:ひろし 健一:けんいち 大輔:だいすけ 直樹:なおき 哲也:てつや "
        "剛:つよし 達也:たつや 聡:さとし 和也:かずや 修:おさむ 拓也:たくや"
    ),
    ("female", 1): _pairs(
        "裕子:ゆうこ 恵子:けいこ 真由美:まゆみ 智子:ともこ 久美子:くみこ 直美:なおみ "
        "由美子:ゆみこ 美穂:みほ 恵:めぐみ 陽子:ようこ 明美:あけみ 香織:かおり"
    ),
    ("male", 2): _pairs(
        "翔太:しょうた 蓮:れん 大翔:ひろと 悠真:ゆうま 颯太:そうた 陽翔:はると "
        "湊:みなと 樹:いつき 健太:けんた 優斗:ゆうと 拓海:たくみ 大和:やまと"
    ),
    ("female", 2): _pairs(
        "陽菜:ひな 結衣:ゆい 美咲:みさき さくら:さくら 葵:あおい 凛:りん 芽依:めい "
        "結菜:ゆいな 彩花:あやか 莉子:りこ 杏:あん 美羽:みう"
    ),
}


def _generation(birth_year: int) -> int:
    return 0 if birth_year < 1960 else 1 if birth_year < 1990 else 2


@dataclass
class _Member:
    """One member as a household profile sketches it, before names and dates are drawn."""

    relationship: str
    sex: str
    age: int  # on the day the household became known
    concerns: tuple[str, ...] = ()  # issue categories for which this is the person concerned
    frail: bool = False  # likely to be certified as needing care
    certificate: str | None = None  # 障害者手帳


def _sex(r: random.Random, female: float = 0.5) -> str:
    return "female" if r.random() < female else "male"


def _spouse(r: random.Random, head: _Member, lo: int, hi: int) -> _Member:
    age = min(hi, max(lo, head.age + r.randint(-5, 5)))
    return _Member("spouse", "male" if head.sex == "female" else "female", age)


def _children(
    r: random.Random, parent_age: int, count: int, lo: int, hi: int, concerns: tuple[str, ...]
) -> list[_Member]:
    """Children born when the parent was between 20 and 42."""
    lo, hi = max(lo, parent_age - 42), min(hi, parent_age - 20)
    return [_Member("child", _sex(r), r.randint(lo, hi), concerns) for _ in range(count)]


def _eighty_fifty(r: random.Random) -> list[_Member]:
    parent = r.randint(80, 89)
    head = _Member("head", _sex(r, 0.6), parent, ("elderly_care", "health"), frail=True)
    members = [head]
    if r.random() < 0.3:
        members.append(_spouse(r, head, 78, 95))
        members[-1].frail = True
    child_age = r.randint(max(50, parent - 38), min(59, parent - 22))
    concerns = ("eighty_fifty", "hikikomori", "employment", "debt")
    return [*members, _Member("child", _sex(r, 0.35), child_age, concerns)]


def _elderly_alone(r: random.Random) -> list[_Member]:
    concerns = ("isolation", "elderly_care", "health", "self_neglect", "food")
    return [_Member("head", _sex(r, 0.65), r.randint(70, 94), concerns, r.random() < 0.5)]


def _elderly_couple(r: random.Random) -> list[_Member]:
    head = _Member("head", _sex(r, 0.2), r.randint(70, 90), ("health",), r.random() < 0.6)
    spouse = _spouse(r, head, 65, 95)
    spouse.concerns, spouse.frail = ("elder_abuse", "elderly_care"), r.random() < 0.5
    return [head, spouse]


def _single_parent(r: random.Random) -> list[_Member]:
    head = _Member("head", _sex(r, 0.85), r.randint(24, 46), ("employment", "health", "debt"))
    count = r.choice((1, 1, 2, 2, 3))
    return [head, *_children(r, head.age, count, 0, 17, ("child_rearing", "child_abuse"))]


def _young_carer(r: random.Random) -> list[_Member]:
    cert = r.choice(("mental", "physical"))
    head = _Member("head", _sex(r, 0.7), r.randint(36, 52), ("disability", "health"), False, cert)
    members = [head, *_children(r, head.age, 1, 12, 18, ("young_carer", "hikikomori"))]
    if r.random() < 0.5:
        members += _children(r, head.age, 1, 3, 11, ("child_rearing",))
    return members


def _double_care(r: random.Random) -> list[_Member]:
    head = _Member("head", _sex(r, 0.3), r.randint(34, 50), ("employment",))
    spouse = _spouse(r, head, 28, 55)
    spouse.concerns = ("double_care", "family_relations")
    kids = _children(r, min(head.age, spouse.age), r.choice((1, 2)), 0, 9, ("child_rearing",))
    elder_age = min(95, max(68, head.age + r.randint(25, 38)))
    relationship = r.choice(("parent", "parent_in_law"))
    elder = _Member(relationship, _sex(r, 0.7), elder_age, ("elderly_care",), frail=True)
    return [head, spouse, *kids, elder]


def _school_refusal(r: random.Random) -> list[_Member]:
    head = _Member("head", _sex(r, 0.2), r.randint(40, 54), ("family_relations",))
    members = [head, _spouse(r, head, 35, 60)]
    members += _children(r, head.age, 1, 12, 17, ("hikikomori", "health", "child_abuse"))
    if r.random() < 0.5:
        members += _children(r, head.age, 1, 6, 22, ("child_rearing",))
    return members


def _working_single(r: random.Random) -> list[_Member]:
    concerns = ("debt", "poverty", "employment", "housing", "health", "food", "isolation")
    return [_Member("head", _sex(r, 0.35), r.randint(25, 64), concerns)]


def _disability_family(r: random.Random) -> list[_Member]:
    head = _Member("head", _sex(r, 0.5), r.randint(62, 80), ("elderly_care",), r.random() < 0.4)
    members = [head]
    if r.random() < 0.6:
        members.append(_spouse(r, head, 58, 90))
    child = _children(r, head.age, 1, 25, 50, ("disability", "disability_abuse"))[0]
    child.certificate = r.choice(("intellectual", "mental", "physical"))
    return [*members, child]


def _dv(r: random.Random) -> list[_Member]:
    head = _Member("head", "female", r.randint(24, 45), ("dv", "health", "housing"))
    count = r.choice((1, 1, 2))
    return [head, *_children(r, head.age, count, 0, 15, ("child_abuse", "child_rearing"))]


def _three_generation(r: random.Random) -> list[_Member]:
    head = _Member("head", _sex(r, 0.2), r.randint(40, 55), ("family_relations", "debt"))
    members = [head, _spouse(r, head, 35, 60)]
    members += _children(r, head.age, r.choice((1, 2)), 5, 20, ("child_rearing",))
    elder_age = min(92, max(68, head.age + r.randint(24, 36)))
    elder = _Member("parent", _sex(r, 0.7), elder_age, ("elderly_care",), r.random() < 0.6)
    return [*members, elder]


def _hoarding(r: random.Random) -> list[_Member]:
    age = r.randint(55, 85)
    concerns = ("self_neglect", "health", "isolation")
    return [_Member("head", _sex(r), age, concerns, frail=age >= 75 and r.random() < 0.5)]


def _siblings(r: random.Random) -> list[_Member]:
    head = _Member("head", _sex(r), r.randint(58, 76), ("isolation", "health"))
    sibling = _Member("sibling", _sex(r), max(50, head.age + r.randint(-6, 6)), ("disability",))
    sibling.certificate = "intellectual" if r.random() < 0.4 else None
    return [head, sibling]


@dataclass(frozen=True)
class _Profile:
    """A kind of household the consultants meet, with the issues it tends to bring."""

    weight: float
    mains: tuple[str, ...]  # the main complaint (主訴) is one of these
    extras: tuple[str, ...]  # further issues
    members: Callable[[random.Random], list[_Member]]
    needy: bool = False  # low income: public assistance and rented housing are likelier


def _profile(
    weight: float,
    mains: str,
    extras: str,
    members: Callable[[random.Random], list[_Member]],
    needy: bool = False,
) -> _Profile:
    return _Profile(weight, tuple(mains.split(" ")), tuple(extras.split(" ")), members, needy)


_PROFILES: dict[str, _Profile] = {
    "eighty_fifty": _profile(
        10,
        "eighty_fifty",
        "hikikomori elderly_care poverty isolation health self_neglect",
        _eighty_fifty,
    ),
    "elderly_alone": _profile(
        16,
        "isolation elderly_care self_neglect",
        "health food community_relations other elderly_care isolation",
        _elderly_alone,
    ),
    "elderly_couple": _profile(
        12,
        "elderly_care health",
        "elder_abuse isolation food housing community_relations health",
        _elderly_couple,
    ),
    "single_parent": _profile(
        10,
        "poverty child_rearing",
        "employment debt housing food child_abuse health child_rearing",
        _single_parent,
        needy=True,
    ),
    "young_carer": _profile(
        4,
        "young_carer",
        "disability health child_rearing poverty hikikomori",
        _young_carer,
        needy=True,
    ),
    "double_care": _profile(
        5, "double_care", "elderly_care child_rearing employment family_relations", _double_care
    ),
    "school_refusal": _profile(
        7, "hikikomori", "family_relations child_rearing health child_abuse", _school_refusal
    ),
    "working_single": _profile(
        10,
        "debt poverty employment",
        "housing health food isolation employment poverty",
        _working_single,
        needy=True,
    ),
    "disability_family": _profile(
        7,
        "disability",
        "disability_abuse elderly_care poverty family_relations",
        _disability_family,
    ),
    "dv": _profile(4, "dv", "child_abuse housing poverty child_rearing health", _dv, needy=True),
    "three_generation": _profile(
        6,
        "family_relations elderly_care",
        "community_relations child_rearing housing other debt elderly_care",
        _three_generation,
    ),
    "hoarding": _profile(
        5, "self_neglect", "community_relations health housing isolation", _hoarding
    ),
    "siblings": _profile(
        3, "isolation health", "other poverty community_relations disability", _siblings
    ),
}
_PROFILE_WEIGHTS = _Weights(
    tuple(_PROFILES), tuple(accumulate(p.weight for p in _PROFILES.values()))
)

_HOW_FOUND = _weights(
    "self:0.15 family:0.15 minsei:0.2 neighbour:0.1 agency_referral:0.2 outreach:0.2"
)
_HOW_FOUND_NOTE = {
    "self": "本人からの相談で把握。",
    "family": "家族からの相談で把握。",
    "minsei": "民生委員からの情報提供で把握。",
    "neighbour": "近隣住民からの情報提供で把握。",
    "agency_referral": "関係機関からの持込で把握。",
    "outreach": "アウトリーチ（地域の会合・訪問）で把握。",
}
_HOUSING = {
    False: _weights(
        "owned_house:0.6 owned_apartment:0.1 rented_private:0.15 public_housing:0.1 "
        "company_housing:0.02 other:0.03"
    ),
    True: _weights(
        "rented_private:0.5 public_housing:0.3 owned_house:0.08 company_housing:0.04 "
        "facility:0.04 other:0.04"
    ),
}
_ASSISTANCE = {
    False: _weights("none:0.85 receiving:0.08 past:0.05 applying:0.02"),
    True: _weights("none:0.5 receiving:0.3 applying:0.1 past:0.1"),
}
_CARE_FRAIL = _weights(
    "applying:0.1 support_1:0.1 support_2:0.1 care_1:0.2 care_2:0.2 care_3:0.15 care_4:0.1 "
    "care_5:0.05"
)
_CARE_ROBUST = _weights(
    "none:0.6 jiritsu:0.1 jigyotaisho:0.1 support_1:0.1 support_2:0.05 applying:0.05"
)
_WORKING_AGE_JOB = _weights(
    "employed:0.4 part_time:0.25 self_employed:0.1 unemployed:0.2 other:0.05"
)
_STATUS = _weights("active:0.65 watching:0.25 suspended:0.1")
_ISSUE_EXTRAS = (0.2, 0.55, 0.25)  # chances of 0, 1, 2 issues besides the main one
_EXTRA_REFERRALS = (0.35, 0.45, 0.2)  # chances of 0, 1, 2 referrals out or joint

# -- activities ------------------------------------------------------------------------------

_OUTREACH_AT_HOME = _weights("outreach.home_visit:0.8 outreach.ibasho:0.1 outreach.other:0.1")
_CONSULT = _weights(
    "consult.visit:0.3 consult.phone:0.3 consult.office:0.12 consult.accompany:0.1 "
    "consult.coordination:0.15 consult.online:0.03"
)
_GATHERING = _weights(
    "outreach.gathering:0.35 outreach.ibasho:0.35 outreach.network_meeting:0.2 outreach.other:0.1"
)
_FIRST_CONTACT = {
    "self": ("consult.office", "consult.phone"),
    "family": ("consult.phone", "consult.office"),
    "minsei": ("outreach.home_visit",),
    "neighbour": ("outreach.home_visit",),
    "agency_referral": ("consult.coordination",),
    "outreach": ("outreach.home_visit", "outreach.ibasho"),
}
_TOPIC = {
    "elderly_care": "介護サービスの利用",
    "disability": "障害福祉サービスの利用",
    "child_rearing": "子育ての困りごと",
    "poverty": "生活費のやりくり",
    "debt": "借入れの返済",
    "housing": "住まいの確保",
    "employment": "仕事探し",
    "health": "通院と服薬",
    "hikikomori": "外出や登校のきっかけ",
    "eighty_fifty": "親の介護と子の今後の生活",
    "young_carer": "子どもの家事・介護の負担",
    "double_care": "育児と介護の両立",
    "self_neglect": "自宅の片付けと生活環境",
    "elder_abuse": "介護者の負担と本人の安全",
    "child_abuse": "子どもの安全と養育環境",
    "disability_abuse": "障害のある家族への関わり方",
    "dv": "避難先と今後の生活",
    "isolation": "地域とのつながり",
    "family_relations": "家族間の話し合い",
    "community_relations": "近隣との関係",
    "food": "食料の確保",
    "other": "各種の手続き",
}
_CONTENT = {
    "outreach.home_visit": (
        "民生委員と自宅を訪問し、{who}と面談。{topic}について状況を聞き取った。",
        "自宅を訪問。{who}は在宅で、{topic}について困りごとを確認した。",
        "自宅を訪問したが不在。連絡票を投函した。",
    ),
    "outreach.ibasho": ("サロンで{who}と会い、{topic}について話を聞いた。",),
    "outreach.other": ("地区の見守り活動に同行し、{who}の様子と{topic}について確認した。",),
    "consult.visit": (
        "自宅を訪問し、{topic}について{who}と今後の支援を相談した。",
        "自宅を訪問し、{who}と{topic}に関する書類を一緒に確認した。",
    ),
    "consult.office": ("{who}が来所。{topic}について相談を受け、利用できる制度を説明した。",),
    "consult.phone": (
        "{who}から電話。{topic}について相談があり、状況を確認した。",
        "{who}へ電話し、{topic}のその後を確認した。",
    ),
    "consult.accompany": ("{who}に同行して{place}へ行き、{topic}に関する手続きを行った。",),
    "consult.online": ("オンラインで{who}と面談し、{topic}について話し合った。",),
    "consult.coordination": (
        "{agency}と{topic}について支援の方針と役割分担を調整した。",
        "{agency}に世帯の状況を伝え、{topic}への対応を依頼した。",
    ),
}
_ACCOMPANY_TO = ("市役所", "病院", "ハローワーク", "法テラス", "銀行", "年金事務所")
_GATHERING_PLACE = {
    "outreach.gathering": "{district}地区コミュニティセンター",
    "outreach.ibasho": "{district}地区ふれあいサロン",
    "outreach.network_meeting": "{district}地区コミュニティセンター",
    "outreach.other": "{district}地区 出張相談会場",
}
_GATHERING_CONTENT = {
    "outreach.gathering": (
        "地域の会合に参加し、参加者{n}名と意見交換。気になる世帯について情報提供を受けた。"
    ),
    "outreach.ibasho": "サロンに出向き、参加者{n}名と交流。相談員の役割を紹介した。",
    "outreach.network_meeting": (
        "地域福祉ネットワーク会議に出席（参加者{n}名）。見守りが必要な世帯と"
        "支え合い活動について協議した。"
    ),
    "outreach.other": "出張相談会を開き、{n}名が来場した。",
}
_NEXT_ACTIONS = (
    "2週間後に再訪問する。",
    "関係機関へつなぐ。",
    "民生委員に見守りを依頼する。",
    "次回の定例会議で共有する。",
    "本人の意向を改めて確認する。",
    "必要書類をそろえて再度来所してもらう。",
)
_WHO = {
    ("spouse", "male"): "夫",
    ("spouse", "female"): "妻",
    ("child", "male"): "息子",
    ("child", "female"): "娘",
    ("parent", "male"): "父",
    ("parent", "female"): "母",
    ("parent_in_law", "male"): "義父",
    ("parent_in_law", "female"): "義母",
    ("sibling", "male"): "兄弟",
    ("sibling", "female"): "姉妹",
}
_ISSUE_NOTES = {
    "elderly_care": "物忘れが増え、日常生活に介助が必要になってきている。介護保険は未申請。",
    "disability": "障害福祉サービスを利用しておらず、日中の居場所がない。",
    "child_rearing": "子育ての相談相手がおらず、保護者が疲れている。",
    "poverty": "収入が少なく、公共料金の滞納が続いている。",
    "debt": "消費者金融からの借入れが複数あり、返済が困難。",
    "housing": "老朽化した借家からの立ち退きを求められている。",
    "employment": "長く離職しており、就労に不安がある。",
    "health": "持病の通院が途切れ、服薬ができていない。",
    "hikikomori": "自室にこもりがちで、家族以外との交流がない。",
    "eighty_fifty": (
        "80代の親の年金で50代の子と暮らしている。子は長年働いておらず、"
        "親の介護が必要になりつつある。"
    ),
    "young_carer": "中高生の子が家族の世話や家事を担い、学校を休みがちになっている。",
    "double_care": "育児と親の介護が重なり、主たる介護者が疲弊している。",
    "self_neglect": "自宅にごみがたまり、近隣から悪臭の苦情がある。支援を拒むことがある。",
    "elder_abuse": "介護疲れから家族が強い口調で当たることがあるとの情報がある。",
    "child_abuse": "子どもの身なりが不衛生で、食事を十分にとれていない様子がある。",
    "disability_abuse": "障害のある家族の年金が本人のために使われていない疑いがある。",
    "dv": "配偶者からの暴力を受け、子どもと避難している。",
    "isolation": "親族や近所との付き合いがなく、話し相手がいない。",
    "family_relations": "家族間の意見が合わず、今後の生活について話し合えていない。",
    "community_relations": "ごみ出しや騒音をめぐって近隣とのトラブルがある。",
    "food": "食料が手元になく、十分な食事がとれていない。",
    "other": "各種の行政手続きが分からず、書類が未提出になっている。",
}

# -- referrals and meetings ------------------------------------------------------------------

_REFERRAL_PURPOSE = {
    "in": "{agency}から、{topic}を含む世帯全体の課題整理の依頼があった。",
    "out": "{topic}について専門的な支援を受けられるよう{agency}へつないだ。",
    "joint": "{topic}について{agency}と役割を分担して支援する。",
}
_REFERRAL_OUTCOME = {
    "done": "{agency}の支援が始まり、状況が落ち着いた。",
    "dropped": "本人が支援を希望しなくなったため中止した。",
}
# Old referrals are mostly finished; recent ones mostly still under way.
_STATUS_OLD = _weights("done:0.55 acknowledged:0.2 open:0.13 dropped:0.12")
_STATUS_RECENT = _weights("open:0.45 acknowledged:0.35 done:0.12 dropped:0.08")
_OUT_OR_JOINT = _weights("out:0.7 joint:0.3")
_CASE_MEETING = _weights("individual:0.75 individual_existing:0.25")
_CASE_BASIS = _weights("multilayer_meeting:0.6 support_meeting:0.4")

_DECISIONS = {
    "core_member": "新規ケースの支援方針を確認し、主担当機関と副担当機関を決定した。",
    "regular": "支援中の世帯の進捗を共有し、終結・継続を判断した。",
    "individual": "世帯全体の課題を整理し、当面の支援方針と役割分担を決定した。",
    "individual_existing": "地域ケア会議の場を活用し、世帯の支援方針を確認した。",
    "info_sharing": "各機関の対応中ケースと地域の動向を共有した。",
    "project_team": "地域共生社会の推進に向けた取組の進捗を確認した。",
    "practitioners": "多機関協働の実務上の課題と連携の手順を確認した。",
    "lead_liaison": "連携主担当・副担当の役割と引継ぎの方法を確認した。",
}
_ROLES = "まるごと福祉相談員：世帯との連絡調整と見守り\n主担当機関：専門的支援の実施と経過報告"


# -- dates -----------------------------------------------------------------------------------


@cache
def _iso(day: int) -> str:
    return date.fromordinal(day).isoformat()


def _weekday(day: int) -> int:
    """The nearest working day: Saturday moves back to Friday, Sunday on to Monday."""
    weekday = (day - 1) % 7  # ordinal 1 (0001-01-01) was a Monday
    return day - 1 if weekday == 5 else day + 1 if weekday == 6 else day


# -- the generator ---------------------------------------------------------------------------


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


# -- small pure helpers ----------------------------------------------------------------------


def _household_type(members: Sequence[_Member]) -> str:
    relationships = {m.relationship for m in members}
    children = [m for m in members if m.relationship == "child"]
    if len(members) == 1:
        return "single_elderly" if members[0].age >= 65 else "single"
    if relationships == {"head", "spouse"}:
        return "elderly_couple" if all(m.age >= 65 for m in members) else "nuclear"
    if relationships & {"parent", "parent_in_law"} and children:
        return "three_generation"
    if children and "spouse" not in relationships and all(c.age < 20 for c in children):
        return "single_parent"
    if children and all(c.age >= 20 for c in children):
        return "parent_adult_child"
    if children and relationships <= {"head", "spouse", "child"}:
        return "nuclear"
    return "other"


def _grade(r: random.Random, certificate: str) -> str:
    if certificate == "intellectual":
        return r.choice(("A", "B"))  # 療育手帳 grades in Kagawa
    return f"{r.randint(1, 6 if certificate == 'physical' else 3)}級"


def _insurance(m: _Member, occupation: str, assistance: str, head_employed: bool) -> str:
    if assistance == "receiving":
        return "public_assistance"
    if m.age >= 75:
        return "late_elderly"
    if occupation == "employed":
        return "employee"
    dependent = head_employed and m.relationship in ("spouse", "child")
    return "employee" if dependent else "national"


def _pension(r: random.Random, m: _Member) -> str:
    if m.age >= 65:
        return "survivors" if m.sex == "female" and r.random() < 0.1 else "old_age"
    if m.certificate and r.random() < 0.6:
        return "disability"
    return "none"


def _school(age: int) -> str | None:
    for limit, school in ((12, "市内の小学校"), (15, "市内の中学校"), (19, "県内の高等学校")):
        if 6 <= age < limit:
            return school
    return None


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


def _consent_methods(m: _Member) -> tuple[str, ...]:
    """A child, or an adult too frail or impaired to sign, consents through a proxy."""
    if m.age < 18 or m.certificate == "intellectual" or (m.frail and m.age >= 80):
        return ("proxy", "signature")
    return ("signature", "oral")


# -- public API ------------------------------------------------------------------------------


def demo_records(households: int = 200, seed: int = 1) -> list[Record]:
    """A fictional caseload of `households` households; the same seed gives the same records.

    The list is in WRITE_ORDER (agencies, households and what belongs to them, consents, and
    meetings last), so every record follows the records it refers to and a 重層的支援会議
    follows the consents that allow it.
    """
    if households < 0:
        raise ValueError("households must not be negative")
    generator = _Generator(seed)
    generator.agencies()
    for _ in range(households):
        generator.household()
    # About one gathering (outreach with no household) per household: outreach outnumbers
    # consultations, as in the city's figures.
    for _ in range(households):
        generator.gathering()
    generator.area_meetings()
    generator.city_meetings()
    return generator.records()


def write_demo(
    vault: Vault,
    households: int = 200,
    seed: int = 1,
    progress: Callable[[int, int], None] | None = None,
    batch_size: int = 2000,
) -> dict[str, int]:
    """Write the demo caseload into `vault`; returns how many records of each type it holds.

    Each batch is one transaction, validated against the vault (earlier batches are already
    there) plus the batch. Writing the same seed again records no edits.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    records = demo_records(households, seed)
    total = len(records)
    if progress:
        progress(0, total)
    for start in range(0, total, batch_size):
        vault.put_many(records[start : start + batch_size])
        if progress:
            progress(min(start + batch_size, total), total)
    counts = Counter(record.type for record in records)
    return {record_type: counts[record_type] for record_type in TYPE_ORDER}
