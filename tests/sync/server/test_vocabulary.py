"""The server's area codes are the desktop's, code for code and in the same order.

The server may not import the desktop app, so marugoto_sync.server.vocabulary repeats the
codes; this test is what keeps the two from drifting apart.
"""

from __future__ import annotations

from marugoto_desktop.domain.vocabularies import AREAS as DESKTOP_AREAS
from marugoto_desktop.domain.vocabularies import CITY_PSEUDO_AREA
from marugoto_sync.server.vocabulary import AREAS, checked_areas


def test_the_server_knows_exactly_the_desktops_area_codes() -> None:
    assert DESKTOP_AREAS.codes == AREAS


def test_the_city_pseudo_area_of_the_figures_is_no_area_a_user_is_granted() -> None:
    assert CITY_PSEUDO_AREA not in AREAS
    assert checked_areas(list(DESKTOP_AREAS.codes)) == sorted(DESKTOP_AREAS.codes)
