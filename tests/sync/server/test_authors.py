"""A pull answer names who wrote its entries, by site: the user's login name and the device's
name, for the sites of the page and of the sides of its conflicts, and no other."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from marugoto_sync.changes import AREA

from .support import Api, Device, change, new_id

AIKO_SITE, KEN_SITE, MIKA_SITE = "a1a1a1a1", "b2b2b2b2", "c3c3c3c3"
AIKO = {"user": "aiko", "device": "aiko@MURE-PC-01 #a1a1a1a1"}
KEN = {"user": "ken", "device": "ken@MURE-PC-02 #b2b2b2b2"}


def _page(device: Device, after: int = 0, limit: int = 1000) -> dict[str, Any]:
    response = device.get("/v1/changes", after=after, limit=limit)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def _office(api: Api) -> tuple[Device, Device, Device, Device]:
    for name, areas in (("aiko", ["mure"]), ("ken", ["mure"]), ("mika", ["shoga"])):
        api.add_user(name, areas)
    aiko = api.enroll("aiko", device_name=AIKO["device"])
    ken = api.enroll("ken", device_name=KEN["device"])
    mika = api.enroll("mika", device_name="mika@SHOGA-PC #c3c3c3c3")
    reader = api.user_with_device("sara", ["mure"])
    return aiko, ken, mika, reader


def test_a_page_names_the_authors_of_its_changes_and_of_both_sides_of_its_conflicts(
    api: Api,
) -> None:
    aiko, ken, mika, reader = _office(api)
    household, t = new_id(), api.clock.stamp(-60_000)
    aiko.push(change(household, "status", "active", t, site=AIKO_SITE))
    mika.push(change(new_id(), "status", "active", t, area="shoga", site=MIKA_SITE))
    # Ken changes it without having seen Aiko's value: a conflict, his value wins.
    assert ken.push(change(household, "status", "closed", t + 5, site=KEN_SITE))["conflicts"] == 1

    answer = _page(reader)
    # Mika's work is in another area: the page holds none of it, nor her name.
    assert answer["authors"] == {AIKO_SITE: AIKO, KEN_SITE: KEN}

    # A page that holds only the conflict (caused by Ken's change) names Aiko too: she wrote
    # the side that lost.
    log = answer["log"]
    [conflict_seq] = [s for s, k in zip(log["seq"], log["kind"], strict=True) if k == "conflict"]
    alone = _page(reader, after=conflict_seq - 1, limit=1)
    assert alone["log"]["kind"] == ["conflict"]
    assert alone["authors"] == {AIKO_SITE: AIKO, KEN_SITE: KEN}

    # An empty page names nobody.
    assert _page(reader, after=api.head())["authors"] == {}


def test_a_write_sent_again_after_a_restore_is_not_taken_for_the_sender_s_own(api: Api) -> None:
    """A replay keeps the site that first wrote it but is logged under the device that sent
    it again: it names nobody, rather than the wrong person."""
    aiko, ken, _mika, reader = _office(api)
    household, t = new_id(), api.clock.stamp(-60_000)
    api.storage.record_restore(datetime.fromtimestamp(api.clock(), UTC))
    # Ken's laptop sends back a write of Aiko's that the restored server had lost.
    lost = {**change(household, "status", "active", t, site=AIKO_SITE), "replay": True}
    ken.push(lost)
    assert _page(reader)["authors"] == {}
    # Written after the restore, Aiko's own changes name her.
    api.clock.advance(1)
    aiko.push(change(household, "phone", "087", api.clock.stamp(), t, site=AIKO_SITE))
    assert _page(reader)["authors"] == {AIKO_SITE: AIKO}


def test_a_moved_household_s_copies_name_who_wrote_each_value_not_who_moved_it(
    api: Api,
) -> None:
    """A transfer copies the household's entries into the area it goes to (storage.transfers):
    the receiving area learns each value's author from the copies, so they keep the account
    and device that pushed the entry they copy (found by a helper: kenta's move named him the
    author of what aiko wrote)."""
    aiko, ken, _mika, _reader = _office(api)
    sachi = api.user_with_device("sachi", ["shoga"])
    household, t = new_id(), api.clock.stamp(-60_000)
    aiko.push(change(household, "status", "active", t, site=AIKO_SITE))
    ken.push(change(household, AREA, "shoga", t + 5, t, site=KEN_SITE))
    answer = _page(sachi)
    sites = set(answer["log"]["site"])
    assert sites == {AIKO_SITE, KEN_SITE}
    assert answer["authors"] == {AIKO_SITE: AIKO, KEN_SITE: KEN}
