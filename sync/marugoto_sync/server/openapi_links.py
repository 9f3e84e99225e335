"""OpenAPI links: how one answer of the API feeds the next request of a client.

They document the protocol's sequences in /openapi.json — enroll for a token, send it with
every request, push, pull page after page with the cursor `next`, backfill an area the
status names, settle a conflict the log holds, retire — and they are what schemathesis'
stateful tests follow (tests/sync/server/test_openapi_stateful.py) to send requests with real
tokens, cursors and ids rather than random ones.
"""

from __future__ import annotations

from typing import Any

ENROLL = "enroll_v1_enroll_post"
STATUS = "status_v1_status_get"
PUSH = "push_v1_push_post"
CHANGES = "changes_v1_changes_get"
RETIRE = "retire_v1_retire_post"

# The token an enroll answer holds, and the one the request being answered was sent with.
_ENROLLED = "Bearer {$response.body#/token}"
_AS_SENT = "$request.header.Authorization"


def _link(target: str, description: str, bearer: str = _AS_SENT, **more: Any) -> dict[str, Any]:
    parameters = {"header.Authorization": bearer, **more.pop("parameters", {})}
    return {"operationId": target, "description": description, "parameters": parameters, **more}


def _first_entry_edited() -> dict[str, Any]:
    """A push body whose first change edits the record of the page's first entry, on the
    clock it had there, settling it when that entry is a conflict."""
    entry = {
        name: f"$response.body#/log/{name}/0" for name in ("type", "record_id", "area", "field")
    }
    entry["base_hlc"] = "$response.body#/log/hlc/0"
    entry["resolves"] = "$response.body#/log/change_id/0"
    return {"changes": [entry]}


LINKS: dict[str, dict[str, dict[str, Any]]] = {
    ENROLL: {
        "Status": _link(STATUS, "Ask who the new device is", _ENROLLED),
        "Push": _link(PUSH, "Push with the new device's token", _ENROLLED),
        "Pull": _link(CHANGES, "Pull everything from the start", _ENROLLED),
        "Retire": _link(RETIRE, "Give the token up again", _ENROLLED),
    },
    STATUS: {
        "Backfill": _link(
            CHANGES,
            "Backfill one of the user's areas up to the log's head",
            parameters={"area": "$response.body#/areas/0", "until": "$response.body#/head"},
        ),
        "Push": _link(PUSH, "Push after checking in"),
        "Retire": _link(RETIRE, "Retire as the office asked", requestBody={"as_asked": True}),
    },
    PUSH: {
        "Pull": _link(CHANGES, "Pull what the push added"),
        "Resend": _link(
            PUSH,
            "Send an acknowledged change id again (a retry after a lost answer)",
            requestBody={"changes": [{"change_id": "$response.body#/acknowledged/0"}]},
        ),
        "Status": _link(STATUS, "Check in after pushing"),
    },
    CHANGES: {
        "NextPage": _link(
            CHANGES,
            "The next page: the cursor `next`, the same backfill bounds",
            parameters={
                "after": "$response.body#/next",
                "area": "$request.query.area",
                "until": "$request.query.until",
                "directory": "$request.query.directory",
            },
        ),
        "Edit": _link(
            PUSH, "Edit the record of the page's first entry", requestBody=_first_entry_edited()
        ),
        "LogIntact": _link(
            STATUS,
            "Ask whether the log still holds the page's first entry",
            parameters={
                "seen_seq": "$response.body#/log/seq/0",
                "seen_id": "$response.body#/log/change_id/0",
            },
        ),
    },
    RETIRE: {
        "PushAfter": _link(PUSH, "A retired token opens nothing"),
        "PullAfter": _link(CHANGES, "A retired token opens nothing"),
    },
}


def add_links(schema: dict[str, Any]) -> None:
    """Add LINKS to the 200 answers of the generated schema's operations."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            links = LINKS.get(operation.get("operationId", ""))
            if links is not None:
                operation["responses"]["200"]["links"] = links
