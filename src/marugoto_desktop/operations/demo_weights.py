"""How often each code turns up in the demo caseload, in a compact table notation.

`_weights("a:0.7 b:0.3")` reads a table of codes and weights, `_draw` picks from one with a
seeded Random; `_pairs` reads the kanji:kana and district:town lists the other tables use.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate


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


# -- households ------------------------------------------------------------------------------

_HOW_FOUND = _weights(
    "self:0.15 family:0.15 minsei:0.2 neighbour:0.1 agency_referral:0.2 outreach:0.2"
)
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

# -- referrals and meetings ------------------------------------------------------------------

# Old referrals are mostly finished; recent ones mostly still under way.
_STATUS_OLD = _weights("done:0.55 acknowledged:0.2 open:0.13 dropped:0.12")
_STATUS_RECENT = _weights("open:0.45 acknowledged:0.35 done:0.12 dropped:0.08")
_OUT_OR_JOINT = _weights("out:0.7 joint:0.3")
_CASE_MEETING = _weights("individual:0.75 individual_existing:0.25")
_CASE_BASIS = _weights("multilayer_meeting:0.6 support_meeting:0.4")
