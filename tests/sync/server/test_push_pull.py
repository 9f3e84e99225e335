"""Push and pull: the round trip, idempotent retries, pages and the cursor."""

from __future__ import annotations

from typing import Any

from marugoto_sync.log_page import LOG_COLUMNS

from .support import Api, Device, change, entries, new_id


def _consultants(api: Api) -> tuple[Device, Device]:
    return api.user_with_device("aiko", ["mure"]), api.user_with_device("ken", ["mure"])


def _wire(item: dict[str, Any]) -> dict[str, Any]:
    """A pulled change item without its log position: the change as it was pushed."""
    return {k: v for k, v in item.items() if k not in ("seq", "kind")}


def _changes_of(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [_wire(item) for item in items if item["kind"] == "change"]


def test_what_one_laptop_pushes_another_pulls_unchanged_and_in_order(api: Api) -> None:
    aiko, ken = _consultants(api)
    household, person = new_id(), new_id()
    stamp = api.clock.stamp(-60_000)
    pushed = [
        change(household, "address", "高松市牟礼町1-2-3", stamp),
        change(household, "phone", None, stamp + 1),
        change(household, "note", {"lines": ["見守り", 2], "ok": True, "x": 1.5}, stamp + 2),
        change(person, "_parent_id", household, stamp + 3, record_type="person"),
        change(household, "status", "watching", stamp + 4, stamp),
    ]
    answer = aiko.push(*pushed)
    assert answer == {"acknowledged": [c["change_id"] for c in pushed], "conflicts": 0}

    items = ken.pull()
    assert [item["kind"] for item in items] == ["change"] * 5
    assert _changes_of(items) == pushed
    seqs = [item["seq"] for item in items]
    assert seqs == sorted(seqs) and len(set(seqs)) == 5
    assert ken.cursor == seqs[-1] == api.head()
    assert ken.get("/v1/status").json()["head"] == api.head()


def test_a_retried_push_is_acknowledged_again_and_changes_nothing(api: Api) -> None:
    aiko, _ken = _consultants(api)
    record = new_id()
    stamp = api.clock.stamp(-60_000)
    batch = [change(record, "status", "active", stamp), change(record, "phone", "087", stamp + 1)]
    first = aiko.push(*batch)
    log_before, head_before = api.log(), api.head()

    # The answer was lost; the laptop sends the same ids again, and some new ones with them.
    again = aiko.push(*batch)
    assert again == first
    assert api.log() == log_before and api.head() == head_before

    extra = change(record, "district", "mure-higashi", stamp + 2)
    mixed = aiko.push(batch[1], extra, batch[0], extra)
    assert mixed["acknowledged"] == [
        batch[1]["change_id"],
        extra["change_id"],
        batch[0]["change_id"],
    ]
    assert api.head() == head_before + 1
    assert _changes_of(api.log()) == [*batch, extra]


def test_pages_follow_the_cursor_and_the_last_page_moves_it_to_the_head(api: Api) -> None:
    aiko, ken = _consultants(api)
    stamp = api.clock.stamp(-60_000)
    pushed = [change(new_id(), "status", "active", stamp + i) for i in range(25)]
    aiko.push(*pushed)

    pages = []
    after = 0
    while True:
        page = ken.get("/v1/changes", after=after, limit=10).json()
        pages.append(page)
        after = page["next"]
        if not page["has_more"]:
            break
    assert [len(entries(p)) for p in pages] == [10, 10, 5]
    assert [p["has_more"] for p in pages] == [True, True, False]
    assert [p["next"] for p in pages[:2]] == [p["log"]["seq"][-1] for p in pages[:2]]
    assert pages[-1]["next"] == api.head()
    assert _changes_of([i for p in pages for i in entries(p)]) == pushed
    assert all(p["areas"] == ["mure"] for p in pages)

    empty = ken.get("/v1/changes", after=after).json()
    no_entries = {name: [] for name in LOG_COLUMNS}
    assert empty == {
        "log": no_entries,
        "next": after,
        "has_more": False,
        "areas": ["mure"],
        "authors": {},
        "transfers": {},
    }


def test_an_empty_push_is_fine(api: Api) -> None:
    aiko, _ken = _consultants(api)
    assert aiko.push() == {"acknowledged": [], "conflicts": 0}
    assert api.head() == 0


def test_pages_are_gzipped_for_clients_that_accept_it(api: Api) -> None:
    aiko, ken = _consultants(api)
    stamp = api.clock.stamp(-60_000)
    aiko.push(*[change(new_id(), "status", "active", stamp + i) for i in range(400)])

    def pull(accept: str) -> Any:
        headers = {**ken.headers, "Accept-Encoding": accept}
        return api.client.get("/v1/changes", params={"after": 0}, headers=headers)

    plain, zipped, refused = pull("identity"), pull("gzip, deflate"), pull("gzip;q=0")
    assert zipped.headers["content-encoding"] == "gzip"
    assert "content-encoding" not in plain.headers and "content-encoding" not in refused.headers
    assert int(zipped.headers["content-length"]) < len(plain.content) / 3
    assert zipped.json() == plain.json() == refused.json()
    assert len(entries(zipped.json())) == 400
