"""Every coded value the app knows, with its Japanese label, in one place.

Codes are stable ASCII and travel in data (vault, exchange format, sync); labels are what people
see. UI, PDFs, CSV headers and validation all read this module, so a code is added here once.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Vocabulary(Mapping[str, str]):
    """An ordered, immutable mapping of code -> Japanese label."""

    name: str
    entries: tuple[tuple[str, str], ...]
    _index: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index = dict(self.entries)
        if len(index) != len(self.entries):
            raise ValueError(f"duplicate code in vocabulary {self.name}")
        object.__setattr__(self, "_index", index)

    def __getitem__(self, code: str) -> str:
        return self._index[code]

    def __iter__(self) -> Iterator[str]:
        return (code for code, _ in self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(code for code, _ in self.entries)

    def label(self, code: str) -> str:
        """The Japanese label, or the code itself if unknown (never raises in a view)."""
        return self._index.get(code, code)


def _vocab(name: str, *entries: tuple[str, str]) -> Vocabulary:
    return Vocabulary(name, tuple(entries))


AREAS = _vocab(
    "area",
    ("honcho", "本庁"),
    ("mure", "牟礼"),
    ("shoga", "勝賀"),
    ("yamada", "山田"),
    ("busshozan", "仏生山"),
    ("kokubunji", "国分寺"),
    ("kagawa", "香川"),
)

# What an area is called on screens, in documents and in CSV headers.
AREA_LABEL = "エリア"

# City-wide meetings have no area; the annual figures count them under this pseudo-area.
CITY_PSEUDO_AREA = "city"
CITY_LABEL = "全市"

RECORD_TYPES = _vocab(
    "record_type",
    ("household", "世帯"),
    ("person", "世帯員"),
    ("issue", "課題"),
    ("activity", "活動記録"),
    ("agency", "関係機関"),
    ("referral", "連携"),
    ("meeting", "まるごと福祉会議"),
    ("consent", "同意"),
)

HOUSEHOLD_STATUS = _vocab(
    "household_status",
    ("active", "支援中"),
    ("watching", "見守り"),
    ("closed", "終結"),
    ("suspended", "中断"),
)

HOW_FOUND = _vocab(
    "how_found",
    ("self", "本人"),
    ("family", "家族"),
    ("minsei", "民生委員"),
    ("neighbour", "近隣住民"),
    ("agency_referral", "関係機関から"),
    ("outreach", "アウトリーチ"),
)

HOUSEHOLD_TYPE = _vocab(
    "household_type",
    ("single_elderly", "高齢者単身"),
    ("elderly_couple", "高齢者夫婦"),
    ("parent_adult_child", "親と成人の子"),
    ("single_parent", "ひとり親"),
    ("nuclear", "核家族"),
    ("three_generation", "三世代"),
    ("single", "単身（高齢者以外）"),
    ("other", "その他"),
)

HOUSING = _vocab(
    "housing",
    ("owned_house", "持ち家（戸建）"),
    ("owned_apartment", "持ち家（集合）"),
    ("rented_private", "民間賃貸"),
    ("public_housing", "公営住宅"),
    ("company_housing", "社宅・寮"),
    ("facility", "施設"),
    ("other", "その他"),
)

PUBLIC_ASSISTANCE = _vocab(
    "public_assistance",
    ("none", "なし"),
    ("receiving", "受給中"),
    ("applying", "申請中"),
    ("past", "過去に受給"),
)

SEX = _vocab(
    "sex",
    ("male", "男"),
    ("female", "女"),
    ("other", "その他"),
    ("unknown", "不明"),
)

RELATIONSHIP = _vocab(
    "relationship",
    ("head", "世帯主"),
    ("spouse", "配偶者"),
    ("child", "子"),
    ("child_in_law", "子の配偶者"),
    ("parent", "親"),
    ("parent_in_law", "義父母"),
    ("grandchild", "孫"),
    ("grandparent", "祖父母"),
    ("sibling", "兄弟姉妹"),
    ("other_relative", "その他親族"),
    ("non_relative", "同居人"),
)

CARE_LEVEL = _vocab(
    "care_level",
    ("none", "なし"),
    ("applying", "申請中"),
    ("jiritsu", "自立"),
    ("jigyotaisho", "事業対象者"),
    ("support_1", "要支援1"),
    ("support_2", "要支援2"),
    ("care_1", "要介護1"),
    ("care_2", "要介護2"),
    ("care_3", "要介護3"),
    ("care_4", "要介護4"),
    ("care_5", "要介護5"),
)

DISABILITY_CERTIFICATE = _vocab(
    "disability_certificate",
    ("physical", "身体障害者手帳"),
    ("intellectual", "療育手帳"),
    ("mental", "精神障害者保健福祉手帳"),
)

HEALTH_INSURANCE = _vocab(
    "health_insurance",
    ("national", "国民健康保険"),
    ("employee", "社会保険"),
    ("late_elderly", "後期高齢者医療"),
    ("public_assistance", "生活保護（医療扶助）"),
    ("none", "無保険"),
    ("unknown", "不明"),
)

PENSION = _vocab(
    "pension",
    ("none", "なし"),
    ("old_age", "老齢年金"),
    ("disability", "障害年金"),
    ("survivors", "遺族年金"),
    ("unknown", "不明"),
)

OCCUPATION = _vocab(
    "occupation",
    ("employed", "就労（常勤）"),
    ("part_time", "就労（非常勤）"),
    ("self_employed", "自営"),
    ("unemployed", "無職"),
    ("student", "学生・生徒"),
    ("preschool", "未就学"),
    ("retired", "退職"),
    ("other", "その他"),
)

ISSUE_CATEGORIES = _vocab(
    "issue_category",
    ("elderly_care", "高齢・介護"),
    ("disability", "障害"),
    ("child_rearing", "子ども・子育て"),
    ("poverty", "生活困窮"),
    ("debt", "債務"),
    ("housing", "住まい"),
    ("employment", "就労"),
    ("health", "病気・健康"),
    ("hikikomori", "ひきこもり・不登校"),
    ("eighty_fifty", "8050問題"),
    ("young_carer", "ヤングケアラー"),
    ("double_care", "ダブルケア"),
    ("self_neglect", "セルフネグレクト・ごみ屋敷"),
    ("elder_abuse", "高齢者虐待"),
    ("child_abuse", "児童虐待"),
    ("disability_abuse", "障害者虐待"),
    ("dv", "DV"),
    ("isolation", "孤立・孤独"),
    ("family_relations", "家族関係"),
    ("community_relations", "地域との関係"),
    ("food", "食料"),
    ("other", "その他"),
)

OUTREACH_PREFIX = "outreach."
CONSULT_PREFIX = "consult."

ACTIVITY_KINDS = _vocab(
    "activity_kind",
    ("outreach.home_visit", "戸別訪問"),
    ("outreach.gathering", "地域の会合"),
    ("outreach.ibasho", "居場所・サロン"),
    ("outreach.network_meeting", "地域福祉ネットワーク会議"),
    ("outreach.other", "その他のアウトリーチ"),
    ("consult.visit", "訪問"),
    ("consult.office", "来所"),
    ("consult.phone", "電話"),
    ("consult.accompany", "同行"),
    ("consult.online", "オンライン"),
    ("consult.coordination", "支援調整"),
)

ACTIVITY_GROUPS = _vocab(
    "activity_group",
    ("outreach", "アウトリーチ"),
    ("consult", "相談対応・支援コーディネート"),
)

AGENCY_TYPES = _vocab(
    "agency_type",
    ("chiiki_houkatsu", "地域包括支援センター"),
    ("disability_consult", "障害者相談支援事業所"),
    ("kodomo_katei", "子ども家庭支援機関"),
    ("jiritsu_soudan", "自立相談支援機関"),
    ("welfare_office", "福祉事務所"),
    ("health_center", "保健センター・保健所"),
    ("medical", "医療機関"),
    ("school", "学校・教育機関"),
    ("police", "警察"),
    ("legal", "法律関係（弁護士・司法書士・裁判所）"),
    ("employment", "就労支援機関"),
    ("shakyo", "社会福祉協議会"),
    ("minsei", "民生委員・児童委員"),
    ("npo", "NPO・ボランティア団体"),
    ("other", "その他"),
)

REFERRAL_DIRECTIONS = _vocab(
    "referral_direction",
    ("in", "持込"),
    ("out", "つなぎ"),
    ("joint", "協働"),
)

REFERRAL_STATUS = _vocab(
    "referral_status",
    ("open", "対応中"),
    ("acknowledged", "受理"),
    ("done", "完了"),
    ("dropped", "中止"),
)

MEETING_TYPES = _vocab(
    "meeting_type",
    ("core_member", "コアメンバー会議"),
    ("regular", "定例会議"),
    ("individual", "個別会議"),
    ("individual_existing", "既存会議を活用した個別会議"),
    ("info_sharing", "情報共有会"),
    ("project_team", "プロジェクトチーム会議"),
    ("practitioners", "関係機関実務担当者会"),
    ("lead_liaison", "連携主担当・副担当者会議"),
)

MEETING_LEGAL_BASIS = _vocab(
    "meeting_legal_basis",
    ("support_meeting", "支援会議（社会福祉法第106条の6）"),
    ("multilayer_meeting", "重層的支援会議"),
    ("other", "その他"),
)

CONSENT_METHODS = _vocab(
    "consent_method",
    ("signature", "署名"),
    ("oral", "口頭"),
    ("proxy", "代理人"),
)

CONSENT_PURPOSES = _vocab(
    "consent_purpose",
    ("information_sharing", "関係機関との情報共有"),
    ("multilayer_meeting", "重層的支援会議での検討"),
    ("referral", "関係機関へのつなぎ"),
    ("home_visit", "訪問による支援"),
    ("records", "記録の作成・保管"),
)

# The city's figures (DESIGN §3 and the breakdowns the office asks for): the JSON and CSV keys,
# with the words the documents and the 集計 screen head them with.
FIGURES = _vocab(
    "figure",
    ("outreach", ACTIVITY_GROUPS["outreach"]),
    ("consultation_contacts", "相談対応・支援コーディネート（延べ件数）"),
    ("consultation_households", "相談対応・支援コーディネート（実世帯数）"),
    ("meetings", RECORD_TYPES["meeting"]),
    ("referrals_in", "関係機関からの持込ケース数"),
    ("agencies_coordinated", "連携した関係機関数"),
    ("households_supported", "支援世帯数"),
    ("new_households", "新規"),
    ("continuing_households", "継続"),
    ("closed_households", "終結（期間内）"),
    ("by_main_issue", "主訴別の支援世帯数"),
    ("by_issue_category", "課題別の支援世帯数（重複あり）"),
    ("by_how_found", "把握経路別の支援世帯数"),
)
