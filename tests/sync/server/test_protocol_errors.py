"""Refusals of the protocol: clock skew, old clients, size limits; every error is JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from marugoto_sync.changes import MAX_VALUE_BYTES, MAX_VALUE_DEPTH

from ..test_changes import nested
from .support import ERROR_CODES, HEADERS, Api, Device, assert_error, change, new_id


@pytest.fixture
def aiko(api: Api) -> Device:
    return api.user_with_device("aiko", ["mure"])


def test_a_change_stamped_too_far_ahead_is_refused_with_the_clock_named(
    api: Api, aiko: Device
) -> None:
    fine = change(new_id(), "status", "active", api.clock.stamp(4 * 60_000))
    ahead = change(new_id(), "status", "active", api.clock.stamp(7 * 60_000 - 30_000))
    body = assert_error(aiko.post("/v1/push", {"changes": [fine, ahead]}), 400, "clock_skew")
    assert "clock is ahead" in body["message"]
    assert "7 minutes" in body["message"]
    assert api.head() == 0

    # A laptop set a year ahead is told so in days, not only minutes.
    far = change(new_id(), "status", "active", api.clock.stamp(365 * 24 * 3600 * 1000))
    body = assert_error(aiko.post("/v1/push", {"changes": [far]}), 400, "clock_skew")
    assert "about 365 days" in body["message"]

    assert aiko.push(fine)["acknowledged"] == [fine["change_id"]]


@pytest.mark.parametrize(
    ("app_version", "schema", "status"),
    [
        ("0.0.9", "1", 426),
        ("0.1.0-rc1", "0", 426),
        ("0.1.0", "1", 200),
        ("0.1.0-rc1", "1", 200),  # a suffix does not count
        ("0.10.0", "1", 200),  # numbers compare as numbers
        ("1.0", "1", 200),
    ],
)
def test_a_client_older_than_the_minimum_gets_426(
    aiko: Device, app_version: str, schema: str, status: int
) -> None:
    headers = {**aiko.headers, "X-Marugoto-App": app_version, "X-Marugoto-Schema": schema}
    for response in (
        aiko.api.client.get("/v1/status", headers=headers),
        aiko.api.client.post("/v1/push", headers=headers, json={"changes": []}),
        aiko.api.client.post("/v1/enroll", headers=headers, json={}),
    ):
        if status == 426:
            body = assert_error(response, 426, "upgrade_required")
            assert "0.1.0" in body["message"]
        else:
            assert response.status_code in (200, 400), response.text


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Marugoto-Schema": "1"},
        {"X-Marugoto-App": "0.1.0"},
        {"X-Marugoto-Schema": "one", "X-Marugoto-App": "0.1.0"},
        {"X-Marugoto-Schema": "1", "X-Marugoto-App": "latest"},
        {"X-Marugoto-Schema": "2", "X-Marugoto-App": "0.1.0"},
    ],
)
def test_missing_or_malformed_version_headers_are_bad_requests(
    aiko: Device, headers: dict[str, str]
) -> None:
    auth = {"Authorization": aiko.headers["Authorization"]}
    assert_error(aiko.api.client.get("/v1/status", headers={**auth, **headers}), 400, "bad_request")


def test_an_oversize_body_is_refused_with_413(api: Api, aiko: Device) -> None:
    big = json.dumps({"changes": [], "pad": "x" * (9 * 1024 * 1024)}).encode()
    declared = api.client.post(
        "/v1/push",
        content=big,
        headers={**aiko.headers, "Content-Type": "application/json"},
    )
    assert_error(declared, 413, "payload_too_large")

    def chunks() -> Iterator[bytes]:  # no Content-Length: the server counts as it reads
        for start in range(0, len(big), 1024 * 1024):
            yield big[start : start + 1024 * 1024]

    streamed = api.client.post(
        "/v1/push", content=chunks(), headers={**aiko.headers, "Content-Type": "application/json"}
    )
    assert_error(streamed, 413, "payload_too_large")
    assert api.head() == 0


def test_more_than_1000_changes_are_refused_and_1000_are_taken(api: Api, aiko: Device) -> None:
    t = api.clock.stamp(-60_000)
    batch = [change(new_id(), "status", "active", t + i) for i in range(1001)]
    assert_error(aiko.post("/v1/push", {"changes": batch}), 400, "too_many_changes")
    assert api.head() == 0
    assert len(aiko.push(*batch[:1000])["acknowledged"]) == 1000
    assert api.head() == 1000


@pytest.mark.parametrize(
    ("patch", "mentions"),
    [
        ({"base_hlc": "hlc"}, "base_hlc"),
        ({"change_id": "not-a-uuid"}, "change_id"),
        ({"area": "tokyo"}, "area"),
        ({"field": "Bad Field"}, "field"),
        ({"hlc": -1}, "hlc"),
        ({"hlc": 1 << 63}, "hlc"),
        ({"value": "x" * (65 * 1024)}, "value"),
        ({"value": nested(MAX_VALUE_DEPTH + 1)}, "deeper than 32 levels"),
        ({"unknown": 1}, "unknown"),
        ({"type": "member"}, "'member' is not a record type"),
        ({"field": "nickname"}, "a household has no field 'nickname'"),
        ({"field": "_parent_id", "value": "01900000-0000-7000-8000-000000000001"}, "_parent_id"),
        ({"area": None}, "only a meeting may be city-wide"),
        ({"field": "_deleted", "value": "yes"}, "_deleted"),
    ],
)
def test_a_malformed_change_refuses_the_push(
    api: Api, aiko: Device, patch: dict[str, object], mentions: str
) -> None:
    bad = change(new_id(), "status", "active", api.clock.stamp(-60_000))
    for key, value in patch.items():
        bad[key] = bad["hlc"] if value == "hlc" else value
    good = change(new_id(), "status", "active", api.clock.stamp(-60_000))
    body = assert_error(aiko.post("/v1/push", {"changes": [good, bad]}), 400, "bad_request")
    assert mentions in body["message"]
    assert body["message"].startswith("changes[1]")  # the change is named
    assert api.head() == 0


def test_a_value_nested_to_the_bound_is_taken_and_one_level_more_is_not(
    api: Api, aiko: Device
) -> None:
    t = api.clock.stamp(-60_000)
    deepest = change(new_id(), "note", nested(MAX_VALUE_DEPTH), t)
    too_deep = change(new_id(), "note", nested(MAX_VALUE_DEPTH + 1), t)
    body = assert_error(aiko.post("/v1/push", {"changes": [too_deep]}), 400, "bad_request")
    assert too_deep["change_id"] in body["message"] and "value" in body["message"]
    assert api.head() == 0
    assert aiko.push(deepest)["acknowledged"] == [deepest["change_id"]]
    state = api.storage.field_state(deepest["record_id"], "note")
    assert state is not None and state.value == nested(MAX_VALUE_DEPTH)


def test_a_value_of_the_size_bound_is_taken_and_one_byte_more_is_not(
    api: Api, aiko: Device
) -> None:
    t = api.clock.stamp(-60_000)
    at_bound = "あ" * ((MAX_VALUE_BYTES - 2) // 3) + "x" * ((MAX_VALUE_BYTES - 2) % 3)
    largest = change(new_id(), "note", at_bound, t)
    too_large = change(new_id(), "note", at_bound + "x", t)
    body = assert_error(aiko.post("/v1/push", {"changes": [too_large]}), 400, "bad_request")
    assert too_large["change_id"] in body["message"] and "larger than" in body["message"]
    assert aiko.push(largest)["acknowledged"] == [largest["change_id"]]


@pytest.mark.parametrize("raw_value", ["NaN", "Infinity", '"\\ud800"'])
def test_a_value_that_is_not_strict_json_text_is_refused(
    api: Api, aiko: Device, raw_value: str
) -> None:
    good = change(new_id(), "status", "active", api.clock.stamp(-60_000))
    body = json.dumps({"changes": [good]}).replace('"active"', raw_value)
    response = api.client.post(
        "/v1/push", content=body, headers={**aiko.headers, "Content-Type": "application/json"}
    )
    assert_error(response, 400, "bad_request")
    assert api.head() == 0


def test_a_change_may_not_alter_a_records_type(api: Api, aiko: Device) -> None:
    record, t = new_id(), api.clock.stamp(-60_000)
    aiko.push(change(record, "status", "active", t))
    retyped = change(record, "name", "x", t + 1, record_type="person")
    body = assert_error(aiko.post("/v1/push", {"changes": [retyped]}), 403, "area_forbidden")
    # The answer names what the change claims, never what the record is.
    assert "household" not in body["message"]
    assert api.storage.field_state(record, "name") is None


def test_every_error_is_json_with_a_code_and_a_message(api: Api, aiko: Device) -> None:
    client = api.client
    json_headers = {**aiko.headers, "Content-Type": "application/json"}
    responses = [
        client.get("/nowhere"),
        client.get("/v1/nowhere", headers=aiko.headers),
        client.delete("/v1/push", headers=aiko.headers),
        client.get("/v1/enroll", headers=HEADERS),
        client.post("/v1/push", content=b"{not json", headers=json_headers),
        client.post("/v1/push", content=b'{"changes": 5}', headers=json_headers),
        client.post("/v1/push", content=b"[]", headers=json_headers),
        client.post("/v1/enroll", json={"user": "aiko"}, headers=HEADERS),
        client.post(
            "/v1/enroll",
            json={"user": "a\u0000", "password": "p", "device_name": "d"},
            headers=HEADERS,
        ),
        client.post(
            "/v1/enroll",
            json={"user": "aiko", "password": "p", "device_name": "bad\u0000name"},
            headers=HEADERS,
        ),
        client.get("/v1/changes", params={"after": "soon"}, headers=aiko.headers),
        client.get("/v1/changes", params={"limit": 0}, headers=aiko.headers),
        client.get("/v1/changes", params={"area": "tokyo"}, headers=aiko.headers),
        client.get("/v1/status"),
    ]
    for response in responses:
        assert 400 <= response.status_code < 500, response.text
        assert response.headers["content-type"] == "application/json"
        body = response.json()
        assert set(body) == {"code", "message"}, body
        assert body["code"] in ERROR_CODES, body
        assert body["message"].strip(), body


@pytest.mark.parametrize("key", ["\n", "a\r\nb", "\u2028", "\x00"])
def test_an_unknown_key_is_named_on_one_line_whatever_it_holds(
    api: Api, aiko: Device, key: str
) -> None:
    # Found by test_bad_batches.py: the message named the key as it was, line break and all.
    bent = {**change(new_id(), "status", "active", api.clock.stamp(-60_000)), key: 1}
    content = json.dumps({"changes": [bent]}).encode()
    response = api.client.post(
        "/v1/push", content=content, headers={**aiko.headers, "Content-Type": "application/json"}
    )
    body = assert_error(response, 400, "bad_request")
    assert body["message"].startswith(f"changes[0].{json.dumps(key)}: Extra inputs"), body
    assert not any(c in body["message"] for c in "\n\r\u2028\x00"), body
    assert api.head() == 0
