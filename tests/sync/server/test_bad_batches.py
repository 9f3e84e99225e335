"""Bad input campaign (issue 13): change batches that Hypothesis bends out of shape — wrong
types, missing and unknown keys, NaN and infinities, lone surrogates, deep nesting, huge
strings, other areas' records, bodies that are not objects — are answered with a 4xx and a
JSON error, never a 5xx, and a refused push stores nothing. (test_protocol_errors.py holds
the named cases one by one; this is the search around them.)"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .support import Api, Device, change, new_id

KEYS = ("change_id", "type", "record_id", "area", "field", "value", "hlc", "base_hlc", "site")
# What a JSON parser may hand the server for any value: every JSON type, and what Python's
# json module writes beyond the standard (NaN, Infinity) or accepts (lone surrogates).
odd_text = st.one_of(
    st.text(max_size=40),
    st.just("\ud800"),
    st.just("x" * 200_000),
    st.sampled_from(["mure", "honcho", "yamada", "city", "household", "meeting", "_deleted",
                     "_parent_id", "status", "name", "", " ", "null"]),
)  # fmt: skip
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    odd_text,
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)


def nested(depth: int) -> Any:
    value: Any = "deep"
    for _ in range(depth):
        value = [value]
    return value


@st.composite
def bent_change(draw: st.DrawFn, foreign_record: str, stamp: int) -> dict[str, Any]:
    good = change(new_id(), draw(st.sampled_from(["status", "name", "note"])), "active", stamp)
    for _ in range(draw(st.integers(1, 3))):
        how = draw(st.sampled_from(["set", "drop", "add", "deep", "foreign", "area", "clock"]))
        key = draw(st.sampled_from(KEYS))
        if how == "set":
            good[key] = draw(values)
        elif how == "drop":
            good.pop(key, None)
        elif how == "add":
            good[draw(st.text(max_size=10))] = draw(values)
        elif how == "deep":
            good["value"] = nested(draw(st.integers(30, 600)))
        elif how == "foreign":
            good["record_id"] = foreign_record  # a household of another area
        elif how == "area":
            good["area"] = draw(odd_text)
        else:
            good[draw(st.sampled_from(["hlc", "base_hlc"]))] = draw(
                st.one_of(st.integers(-(2**80), 2**80), st.floats(), odd_text)
            )
    return good


def bodies(foreign_record: str, stamp: int) -> st.SearchStrategy[Any]:
    batch = st.lists(bent_change(foreign_record, stamp), min_size=1, max_size=4)
    return st.one_of(
        batch.map(lambda changes: {"changes": changes}),
        st.tuples(batch, st.sampled_from(["changes"])).map(lambda t: {t[1]: t[0], "x": 1}),
        values,  # not an object at all
        st.dictionaries(st.sampled_from(["changes", "resolves", ""]), values, max_size=2),
        raw_bodies(),
    )


class Raw(bytes):
    """A body sent as these bytes, not as JSON made from a value."""


def raw_bodies() -> st.SearchStrategy[Raw]:
    """What no JSON library writes: nesting past any parser's recursion, cut-off text,
    invalid UTF-8, a byte-order mark."""
    deep = st.integers(1_000, 200_000).map(
        lambda n: Raw(b'{"changes":[{"value":' + b"[" * n + b"]" * n + b"}]}")
    )
    cut = st.integers(1, 60).map(lambda n: Raw(b'{"changes":[{"change_id":"x","value":"'[:n]))
    odd = st.sampled_from(
        [Raw(b"\xff\xfe{}"), Raw(b'\xef\xbb\xbf{"changes":[]}'), Raw(b""), Raw(b"nul")]
    )
    return st.one_of(deep, cut, odd, st.binary(max_size=200).map(Raw))


def post_raw(device: Device, body: Any) -> Any:
    # Python's json writes NaN/Infinity and lone surrogates, as a careless client would.
    if isinstance(body, Raw):
        content = bytes(body)
    else:
        content = json.dumps(body, allow_nan=True).encode("utf-8", "surrogatepass")
    headers = {**device.headers, "Content-Type": "application/json"}
    return device.api.client.post("/v1/push", content=content, headers=headers)


def test_bent_batches_get_a_4xx_and_store_nothing(api: Api) -> None:
    aiko = api.user_with_device("aiko", ["mure"])
    other = api.user_with_device("taro", ["yamada"])
    foreign = new_id()
    other.push(change(foreign, "status", "active", api.clock.stamp(-120_000), area="yamada"))
    stamp = api.clock.stamp(-60_000)

    @settings(
        max_examples=300,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(body=bodies(foreign, stamp))
    def check(body: Any) -> None:
        before = api.head()
        response = post_raw(aiko, body)
        assert response.status_code < 500, response.text
        if response.status_code == 200:
            return  # (a bend that left the change valid)
        assert 400 <= response.status_code < 500
        answer = response.json()
        assert set(answer) >= {"code", "message"} and "\n" not in answer["message"]
        assert api.head() == before, "a refused push stored something"

    check()
