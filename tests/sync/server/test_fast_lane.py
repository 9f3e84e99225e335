"""The fast lane (fast_lane.py) answers every push and pull exactly as FastAPI's routing does:
the same requests, sent to a server with it and to one without, get the same answers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest

from marugoto_sync.server import fast_lane
from marugoto_sync.server.app import create_app

from .support import HEADERS, Api, Clock, TestClient, change, new_id


@pytest.fixture
def twins(database_url: str, clock: Clock) -> Iterator[tuple[Api, TestClient]]:
    """A server with the lane and one without, on the same database and clock."""
    laned = create_app(database_url, now=clock)
    plain = create_app(database_url, now=clock, fast_lane=False)
    with TestClient(laned) as with_lane, TestClient(plain) as without:
        yield Api(with_lane, laned.state.server.storage, clock, database_url), without


def _answer(client: TestClient, method: str, path: str, **kwargs: Any) -> tuple[Any, ...]:
    response = client.request(method, path, **kwargs)
    headers = {k: v for k, v in response.headers.items() if k not in ("date", "server")}
    return response.status_code, headers, response.content


def test_pushes_and_pulls_are_answered_alike_with_and_without_the_lane(
    twins: tuple[Api, TestClient],
) -> None:
    api, without = twins
    device = api.user_with_device("aiko", ["mure"])
    auth = device.headers
    household = new_id()
    good = {"changes": [change(household, "name", "世帯", api.clock.stamp(-1000))]}
    other = {"changes": [change(new_id(), "name", "x", api.clock.stamp(-900), area="yamada")]}
    skewed = {"changes": [change(new_id(), "name", "x", api.clock.stamp(3_600_000))]}
    extra = {"changes": [{**change(new_id(), "name", "x", api.clock.stamp(-800)), "more": 1}]}
    many = {"changes": [change(new_id(), "name", "x", api.clock.stamp(-700))] * 1001}
    deep = b'{"changes": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"

    def body(value: Any) -> bytes:
        return json.dumps(value, ensure_ascii=False).encode()

    json_type = {"Content-Type": "application/json"}
    pushes: list[tuple[dict[str, str], bytes]] = [
        ({**auth, **json_type}, body(good)),  # taken (by the plain server first, then again)
        ({**auth, **json_type}, body(other)),  # an area not granted: 403
        ({**auth, **json_type}, body(skewed)),  # clock_skew
        ({**auth, **json_type}, body(extra)),  # a field the model forbids
        ({**auth, **json_type}, body(many)),  # too_many_changes
        ({**auth, **json_type}, body({"changes": []})),
        ({**auth, **json_type}, b"{not json"),
        ({**auth, **json_type}, deep),
        ({**auth, **json_type}, b""),
        ({**auth, "Content-Type": "text/plain"}, body(good)),
        ({**auth, "Content-Type": "application/json; charset=utf-8"}, body(good)),
        ({**auth, "Content-Type": "application/merge-patch+json"}, body(good)),
        ({**HEADERS, **json_type}, body(good)),  # no token
        ({**HEADERS, **json_type, "Authorization": "Bearer " + "0" * 43}, body(good)),
        ({**HEADERS, **json_type, "Authorization": "bearer " + device.token}, body(good)),
        ({**HEADERS, **json_type, "Authorization": "Basic " + device.token}, body(good)),
        ({**HEADERS, **json_type, "Authorization": "Bearer"}, body(good)),
        ({**auth, **json_type, "X-Marugoto-Schema": "01"}, body(good)),
        ({**auth, **json_type, "X-Marugoto-App": "0.1.0-"}, body(good)),
    ]
    for headers, content in pushes:
        expected = _answer(without, "POST", "/v1/push", headers=headers, content=content)
        got = _answer(api.client, "POST", "/v1/push", headers=headers, content=content)
        assert got == expected, (headers, content[:200])

    queries = [
        "",
        "after=0&limit=1000",
        "after=1&limit=1",
        "after=0&limit=10000",
        "after=0&limit=10001",
        "after=0&limit=0",
        "after=+1",
        "after=01",
        "after=1e3",
        "after=-1",
        "after=",
        "after=1&after=2",
        "after=99999999999999999999",
        "area=mure",
        "area=yamada",
        "area=zz",
        "area=",
        "area=mure&until=1",
        "area=mure&directory=true",
        "directory=true",
        "directory=false",
        "directory=1",
        "directory=yes",
        "until=0",
        "until=x",
        "other=1",
        "after=%31",
    ]
    for query in queries:
        for headers in (auth, {**auth, "Accept-Encoding": "gzip"}, HEADERS):
            path = f"/v1/changes?{query}"
            expected = _answer(without, "GET", path, headers=headers)
            got = _answer(api.client, "GET", path, headers=headers)
            assert got == expected, (query, headers)


def test_a_well_formed_push_and_pull_take_the_lane(twins: tuple[Api, TestClient]) -> None:
    """(Else the comparison above would compare FastAPI with itself.)"""
    api, _ = twins
    device = api.user_with_device("aiko", ["mure"])
    with mock.patch.object(
        fast_lane, "run_in_threadpool", wraps=fast_lane.run_in_threadpool
    ) as lane:
        device.push(change(new_id(), "name", "世帯", api.clock.stamp(-1000)))
        assert len(device.pull()) == 1
        device.get("/v1/changes", after="x")  # left to FastAPI
        device.get("/v1/status")
    assert lane.call_count == 2
