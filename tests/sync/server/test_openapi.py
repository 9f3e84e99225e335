"""The API keeps the contract of its own /openapi.json (schemathesis): no 5xx, and every
status, content type and body is one the schema declares."""

from __future__ import annotations

from datetime import UTC, datetime

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from marugoto_sync.server.app import create_app
from marugoto_sync.server.passwords import hash_password

from .support import HEADERS, PASSWORD, Clock, TestClient

EXAMPLES_PER_OPERATION = 40
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def _explore(
    operation: schemathesis.APIOperation, auth: dict[str, str], statuses: dict[str, set[int]]
) -> None:
    """Send generated requests, valid and invalid, to one operation and check each answer."""
    label = f"{operation.method.upper()} {operation.path}"
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases)
    def conforms(case: schemathesis.Case) -> None:
        response = case.call_and_validate(headers=auth, checks=CHECKS)
        statuses.setdefault(label, set()).add(response.status_code)

    conforms()


def test_the_api_conforms_to_its_openapi_schema(database_url: str) -> None:
    # Any app version passes, so the generated headers reach the routes behind the check.
    app = create_app(database_url, min_app_version="0.0.0", now=Clock())
    with TestClient(app) as client:
        storage = app.state.server.storage
        storage.add_user(
            "aiko", "consultant", ["mure", "shoga"], hash_password(PASSWORD), datetime.now(UTC)
        )
        enrolled = client.post(
            "/v1/enroll",
            json={"user": "aiko", "password": PASSWORD, "device_name": "pc"},
            headers=HEADERS,
        )
        auth = {"Authorization": f"Bearer {enrolled.json()['token']}"}

        schema = schemathesis.openapi.from_asgi("/openapi.json", app)
        operations = [result.ok() for result in schema.get_all_operations()]
        assert {f"{op.method.upper()} {op.path}" for op in operations} == {
            "POST /v1/enroll",
            "GET /v1/status",
            "POST /v1/push",
            "GET /v1/changes",
            "POST /v1/retire",
            "GET /v1/audit",
            "POST /v1/audit",
        }
        statuses: dict[str, set[int]] = {}

        # Retiring ends a device: explored with a device of its own (enrolled now, before
        # the exploration of enroll slows down logins), and last.
        retiring = client.post(
            "/v1/enroll",
            json={"user": "aiko", "password": PASSWORD, "device_name": "old pc"},
            headers=HEADERS,
        )
        retiring_auth = {"Authorization": f"Bearer {retiring.json()['token']}"}
        operations.sort(key=lambda op: op.path == "/v1/retire")
        for operation in operations:
            retire = operation.path == "/v1/retire"
            _explore(operation, retiring_auth if retire else auth, statuses)
    # Each operation was reached past the checks in front of it, and also refused.
    for label in ("GET /v1/status", "POST /v1/push", "GET /v1/changes", "POST /v1/audit"):
        assert {200, 400} <= statuses[label], (label, statuses[label])
    assert {400, 401} <= statuses["POST /v1/enroll"]
    assert {200, 401} <= statuses["POST /v1/retire"]
