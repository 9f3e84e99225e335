"""The Japanese wording of the demo records: notes, activity contents, purposes, decisions.

Templates take `{who}`, `{topic}`, `{place}`, `{agency}`, `{district}` or `{n}` as the
generator fills them in.
"""

from __future__ import annotations

# -- households and issues -------------------------------------------------------------------

_HOW_FOUND_NOTE = {
    "self": "本人からの相談で把握。",
    "family": "家族からの相談で把握。",
    "minsei": "民生委員からの情報提供で把握。",
    "neighbour": "近隣住民からの情報提供で把握。",
    "agency_referral": "関係機関からの持込で把握。",
    "outreach": "アウトリーチ（地域の会合・訪問）で把握。",
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

# -- activities ------------------------------------------------------------------------------

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
