"""A pulled page checked column by column accepts exactly what change_from_wire accepts."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marugoto_sync.changes import (
    ID_RE,
    MAX_HLC,
    MAX_VALUE_BYTES,
    MAX_VALUE_DEPTH,
    ChangeInvalid,
    change_from_wire,
)
from marugoto_sync.log_page import LOG_COLUMNS, LogPage, _check_ids, read_page
from marugoto_sync.merge import Conflict, FieldState, conflict_id_for

from .test_changes import nested

ID = "01900000-0000-7000-8000-{:012x}"


def entry(n: int, **patch: Any) -> dict[str, Any]:
    base = {
        "seq": n,
        "kind": "change",
        "change_id": ID.format(n),
        "type": "household",
        "record_id": ID.format(1_000_000 + n // 3),
        "area": "mure",
        "field": "status",
        "value": "active",
        "hlc": 1000 + n,
        "base_hlc": 0,
        "site": "abcdef0123456789",
        "resolves": None,
    }
    return {**base, **patch}


def columns(entries: list[dict[str, Any]]) -> dict[str, list[Any]]:
    return {name: [e.get(name) for e in entries] for name in LOG_COLUMNS}


def test_a_page_round_trips_and_gives_the_same_changes_as_change_from_wire() -> None:
    entries = [entry(n, value=v) for n, v in enumerate(["a", 1, None, True, 2.5, ["x"]], 1)]
    page = read_page(columns(entries))
    assert len(page) == 6
    assert page.to_wire() == columns(entries)
    for i, item in enumerate(entries):
        wire = {k: v for k, v in item.items() if k not in ("seq", "kind", "resolves")}
        assert page.change(i) == change_from_wire(wire)
    assert [e["seq"] for e in page.items()] == list(range(1, 7))


@pytest.mark.parametrize(
    ("patch", "column"),
    [
        ({"change_id": "x"}, "change_id"),
        ({"change_id": ID.format(1) + "\n" + ID.format(2)}, "change_id"),
        ({"record_id": None}, "record_id"),
        ({"type": "House Hold"}, "type"),
        ({"field": 'a","b'}, "field"),
        ({"area": 5}, "area"),
        ({"area": "Mure"}, "area"),
        ({"site": "not hex!"}, "site"),
        ({"hlc": -1}, "hlc"),
        ({"hlc": True}, "hlc"),
        ({"hlc": MAX_HLC + 1}, "hlc"),
        ({"base_hlc": 5000}, "base_hlc"),
        ({"value": "x" * (MAX_VALUE_BYTES + 1)}, "value"),
        ({"value": "\ud800"}, "value"),
        ({"value": math.nan}, "value"),
        ({"value": 10**5000}, "value"),
        ({"resolves": "nope"}, "resolves"),
        ({"kind": "other"}, "kind"),
        ({"seq": 1}, "seq"),
    ],
)
def test_a_bad_entry_anywhere_refuses_the_page_and_names_the_column(
    patch: dict[str, Any], column: str
) -> None:
    entries = [entry(n) for n in range(1, 6)]
    entries[3] = {**entries[3], **patch}
    with pytest.raises(ChangeInvalid, match=column):
        read_page(columns(entries))


def test_columns_must_all_be_lists_of_one_length() -> None:
    good = columns([entry(1), entry(2)])
    with pytest.raises(ChangeInvalid, match="site"):
        read_page({**good, "site": good["site"][:1]})
    with pytest.raises(ChangeInvalid, match="value"):
        read_page({k: v for k, v in good.items() if k != "value"})
    with pytest.raises(ChangeInvalid, match="log"):
        read_page([entry(1)])


def conflict_entry(seq: int) -> dict[str, Any]:
    loser = FieldState("watching", 100, "aaaaaaaa", ID.format(11))
    winner = FieldState("closed", 200, "bbbbbbbb", ID.format(12))
    conflict = Conflict(
        conflict_id_for(winner.change_id, "concurrent_edit"),
        ID.format(13),
        "household",
        "mure",
        "status",
        "concurrent_edit",
        loser,
        winner,
    )
    return entry(seq, kind="conflict", change_id=conflict.conflict_id, value=conflict.to_wire())


def test_conflicts_travel_in_the_page_and_are_checked() -> None:
    page = read_page(columns([entry(1), conflict_entry(2), entry(3)]))
    assert list(page.change_rows()) == [0, 2] and page.conflict_rows() == [1]
    assert page.conflict(1).kind == "concurrent_edit"
    broken = conflict_entry(2)
    broken["value"] = {"kind": "concurrent_edit"}
    with pytest.raises(ChangeInvalid, match="conflict"):
        read_page(columns([entry(1), broken]))


# -- the property: column checks == item-by-item checks ------------------------------------

names = st.one_of(st.sampled_from(["status", "note", "_deleted", "a1"]), st.text(max_size=8))
ids = st.one_of(st.just(ID.format(7)), st.uuids().map(str), st.text(max_size=40))
values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(),
    st.lists(st.integers(), max_size=3),
    # Lists and objects nested around the bound (MAX_VALUE_DEPTH).
    st.integers(MAX_VALUE_DEPTH - 1, MAX_VALUE_DEPTH + 1).map(lambda n: nested(n)),
)
stamps = st.one_of(st.integers(-2, 3000), st.just(MAX_HLC), st.just(MAX_HLC + 1), st.booleans())


@st.composite
def changes(draw: st.DrawFn) -> dict[str, Any]:
    """Mostly valid wire changes, with now and then one column broken in a random way."""
    item = {
        "change_id": str(draw(st.uuids())),
        "type": "household",
        "record_id": ID.format(draw(st.integers(0, 3))),
        "area": draw(st.sampled_from(["mure", None])),
        "field": "status",
        "value": "active",
        "hlc": draw(st.integers(10, 2000)),
        "base_hlc": draw(st.integers(0, 9)),
        "site": "abcdef0123456789",
    }
    if draw(st.booleans()):
        column = draw(st.sampled_from(sorted(item)))
        strategy = {
            "change_id": ids,
            "record_id": ids,
            "type": names,
            "field": names,
            "area": st.one_of(st.none(), names, st.integers()),
            "value": values,
            "hlc": stamps,
            "base_hlc": stamps,
            "site": st.one_of(st.just("0a" * 4), st.text(max_size=10)),
        }[column]
        item[column] = draw(strategy)
    return item


def item_by_item(items: list[dict[str, Any]]) -> bool:
    try:
        for item in items:
            change_from_wire(item)
    except ChangeInvalid:
        return False
    return True


@settings(max_examples=300, deadline=None)
@given(st.lists(changes(), max_size=8))
def test_a_page_is_accepted_exactly_when_each_change_would_be(items: list[dict[str, Any]]) -> None:
    wire = columns([{"seq": n, "kind": "change", **item} for n, item in enumerate(items, 1)])
    try:
        page = read_page(wire)
    except ChangeInvalid:
        accepted = False
    else:
        accepted = True
        assert [page.change(i) for i in range(len(page))] == [change_from_wire(i) for i in items]
    assert accepted == item_by_item(items)


def test_of_builds_the_same_page_as_the_columns() -> None:
    entries = [entry(1), entry(2, resolves=ID.format(99))]
    assert LogPage.of(entries) == read_page(columns(entries))
    assert LogPage.of(entries).items()[1]["resolves"] == ID.format(99)
    assert "resolves" not in LogPage.of(entries).items()[0]


def test_a_page_less_some_areas_keeps_the_rest_in_order() -> None:
    page = read_page(columns([entry(1), entry(2, area="shoga"), entry(3, area=None), entry(4)]))
    less = page.without_areas({"shoga"})
    assert less.seq == [1, 3, 4] and less.area == ["mure", None, "mure"]
    assert page.without_areas({"kagawa"}) is page


@st.composite
def near_ids(draw: st.DrawFn) -> str:
    """Ids, and ids one edit away from being one: a character changed, added or removed."""
    text = str(draw(st.uuids()))
    edit = draw(st.sampled_from(["none", "change", "insert", "delete", "two"]))
    at = draw(st.integers(0, len(text) - 1))
    char = draw(st.sampled_from(list("0af9g-A\n\r é\x00")))
    if edit == "change":
        text = text[:at] + char + text[at + 1 :]
    elif edit == "insert":
        text = text[:at] + char + text[at:]
    elif edit == "delete":
        text = text[:at] + text[at + 1 :]
    elif edit == "two":  # one element that would read as two ids once joined by newlines
        text = text + "\n" + str(draw(st.uuids()))
    return text


@settings(max_examples=500, deadline=None)
@given(st.lists(near_ids(), min_size=1, max_size=6))
def test_a_column_of_ids_is_accepted_exactly_when_each_id_matches_the_pattern(
    column: list[str],
) -> None:
    try:
        _check_ids("change_id", column)
    except ChangeInvalid:
        accepted = False
    else:
        accepted = True
    assert accepted == all(ID_RE.fullmatch(value) for value in column)
