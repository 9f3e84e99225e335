"""Helpers for the server tests: a movable clock, change factories, an API wrapper."""

from __future__ import annotations

import uuid
import warnings
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from marugoto_sync.hlc import pack
from marugoto_sync.log_page import read_page
from marugoto_sync.server.passwords import hash_password
from marugoto_sync.server.storage import Storage
from marugoto_sync.server.vocabulary import AREAS

with warnings.catch_warnings():
    # Starlette's TestClient announces a move to httpx2, which this project does not use yet.
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

PASSWORD = "correct horse battery"
HEADERS = {"X-Marugoto-Schema": "1", "X-Marugoto-App": "0.1.0"}
ERROR_CODES = {
    "bad_request",
    "unauthorized",
    "device_revoked",
    "device_retired",
    "bad_credentials",
    "totp_required",
    "bad_totp",
    "too_many_attempts",
    "busy",
    "area_forbidden",
    "clock_skew",
    "too_many_changes",
    "payload_too_large",
    "upgrade_required",
    "not_found",
    "method_not_allowed",
}


class Clock:
    """The server's clock in tests: unix seconds, moved by hand."""

    def __init__(self, start: float = 1_750_000_000.0) -> None:
        self.t = start

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.t, UTC)

    def stamp(self, offset_ms: int = 0, counter: int = 0) -> int:
        """An HLC stamp `offset_ms` from the server's now (negative: in the past)."""
        return pack(int(self.t * 1000) + offset_ms, counter)


def new_id() -> str:
    return str(uuid.uuid4())


def change(
    record_id: str,
    field_name: str,
    value: Any,
    hlc: int,
    base_hlc: int = 0,
    *,
    area: str | None = "mure",
    record_type: str = "household",
    site: str = "a1a1a1a1",
    resolves: str | None = None,
    change_id: str | None = None,
) -> dict[str, Any]:
    wire: dict[str, Any] = {
        "change_id": change_id or new_id(),
        "type": record_type,
        "record_id": record_id,
        "area": area,
        "field": field_name,
        "value": value,
        "hlc": hlc,
        "base_hlc": base_hlc,
        "site": site,
    }
    if resolves is not None:
        wire["resolves"] = resolves
    return wire


def entries(answer: dict[str, Any]) -> list[dict[str, Any]]:
    """The log entries of a pull answer, checked like a client checks them, as objects."""
    return read_page(answer["log"]).items()


@dataclass
class Device:
    api: Api
    token: str
    device_id: str
    cursor: int = 0
    seen: list[dict[str, Any]] = field(default_factory=list)

    @property
    def headers(self) -> dict[str, str]:
        return {**HEADERS, "Authorization": f"Bearer {self.token}"}

    def get(self, path: str, **params: Any) -> httpx.Response:
        return self.api.client.get(path, params=params, headers=self.headers)

    def post(self, path: str, body: Any) -> httpx.Response:
        return self.api.client.post(path, json=body, headers=self.headers)

    def push(self, *changes: dict[str, Any]) -> dict[str, Any]:
        response = self.post("/v1/push", {"changes": list(changes)})
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer

    def pull(self, limit: int = 1000) -> list[dict[str, Any]]:
        """Pull everything new, page by page, moving the cursor like a client."""
        new: list[dict[str, Any]] = []
        while True:
            response = self.get("/v1/changes", after=self.cursor, limit=limit)
            assert response.status_code == 200, response.text
            page = response.json()
            new += entries(page)
            self.cursor = page["next"]
            if not page["has_more"]:
                break
        self.seen += new
        return new


@dataclass
class Api:
    client: TestClient
    storage: Storage
    clock: Clock
    database_url: str

    def add_user(
        self, name: str, areas: list[str], role: str = "consultant", password: str = PASSWORD
    ) -> None:
        self.storage.add_user(name, role, areas, hash_password(password), datetime.now(UTC))

    def enroll_response(
        self, user: str, password: str = PASSWORD, device_name: str = "laptop"
    ) -> httpx.Response:
        return self.client.post(
            "/v1/enroll",
            json={"user": user, "password": password, "device_name": device_name},
            headers=HEADERS,
        )

    def enroll(self, user: str, password: str = PASSWORD, device_name: str = "laptop") -> Device:
        response = self.enroll_response(user, password, device_name)
        assert response.status_code == 200, response.text
        body = response.json()
        return Device(self, body["token"], body["device_id"])

    def user_with_device(self, name: str, areas: list[str], role: str = "consultant") -> Device:
        self.add_user(name, areas, role)
        return self.enroll(name)

    def head(self) -> int:
        return self.storage.head()

    def log(self) -> list[dict[str, Any]]:
        """The whole log, as a user granted every area sees it."""
        return self.storage.changes_page(AREAS, 0, 1_000_000).items


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    assert isinstance(body["message"], str) and body["message"].strip(), body
    return body
