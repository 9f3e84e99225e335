"""Who lives in the demo households: names, household profiles and the members they sketch.

Names come from lists of common surnames and given names, by sex and generation.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import accumulate

from .demo_weights import _pairs, _Weights

_SPACE = "\u3000"  # names are written 姓　名, with a full-width space

# -- names -----------------------------------------------------------------------------------

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


# -- members ---------------------------------------------------------------------------------


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


# -- household profiles ----------------------------------------------------------------------


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


# -- fields of a member ----------------------------------------------------------------------


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


def _consent_methods(m: _Member) -> tuple[str, ...]:
    """A child, or an adult too frail or impaired to sign, consents through a proxy."""
    if m.age < 18 or m.certificate == "intellectual" or (m.frail and m.age >= 80):
        return ("proxy", "signature")
    return ("signature", "oral")
