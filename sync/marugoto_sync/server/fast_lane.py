"""The two requests a sync makes most, POST /v1/push and GET /v1/changes, taken past
FastAPI's routing and dependency solving when they are well formed.

Under load most of the server's CPU per request went to the framework around the route
(matching the route, solving its dependencies and validating headers, query and body with
them) rather than to the route. This lane sits inside the middleware that checks body size
and client versions (middleware.py), so those checks run first; it recognises the two
requests, reads what FastAPI would read from them, and calls the very route functions of
app.py with it, in the same thread pool.

It takes only what it can read as FastAPI would without doubt: the headers the router's
dependencies check, a Bearer token, a JSON body that PushRequest validates, query parameters
of plain digits within their bounds, a granted area's code, `directory` true or false. Any
other request (an error to answer, an unusual but valid spelling) goes on to FastAPI,
with the body it read replayed, and is answered there exactly as before. An ApiError the
route raises is answered by the app's own error handler.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from fastapi.security.utils import get_authorization_scheme_param
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..changes import MAX_HLC
from .errors import ApiError, api_error_response, http_error_response
from .models import PushRequest
from .tokens import token_digest
from .versions import APP_HEADER, APP_VERSION_PATTERN, SCHEMA_HEADER
from .vocabulary import AREAS

_APP_VERSION = re.compile(APP_VERSION_PATTERN)
_DIGITS = re.compile(r"[0-9]{1,19}")
# What the router's dependency _client_headers accepts for the schema header.
_SCHEMA = "1"


def _token(headers: Headers) -> str | None:
    """As app._token reads HTTPBearer's credentials: the token's digest, or None (then the
    request goes on to FastAPI, which answers it)."""
    authorization = headers.get("authorization")
    scheme, credentials = get_authorization_scheme_param(authorization)
    if not (authorization and scheme and credentials) or scheme.lower() != "bearer":
        return None
    return token_digest(credentials)


def _headers_checked(headers: Headers) -> bool:
    """What the router's dependency (app._client_headers) validates."""
    app = headers.get(APP_HEADER)
    return (
        headers.get(SCHEMA_HEADER) == _SCHEMA
        and app is not None
        and bool(_APP_VERSION.fullmatch(app))
    )


def _bounded(text: str, low: int, high: int) -> int | None:
    if not _DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if low <= value <= high else None


def _pull_parameters(query_string: bytes, max_page: int) -> dict[str, Any] | None:
    """GET /v1/changes's query as the route's parameters, or None when the lane leaves it
    to FastAPI (anything but plain, unrepeated, in-bounds values of the known names)."""
    # As starlette.datastructures.QueryParams parses it.
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    given = dict(pairs)
    if len(given) != len(pairs):
        return None
    parameters: dict[str, Any] = {
        "after": 0,
        "limit": 1000,
        "area": None,
        "until": None,
        "directory": False,
    }
    for name, text in given.items():
        value: Any
        if name == "after" or name == "until":
            value = _bounded(text, 0, MAX_HLC)
        elif name == "limit":
            value = _bounded(text, 1, max_page)
        elif name == "area":
            value = text if text in AREAS else None
        elif name == "directory":
            value = {"true": True, "false": False}.get(text)
        else:
            return None
        if value is None:
            return None
        parameters[name] = value
    return parameters


class FastLane:
    """ASGI middleware: POST /v1/push and GET /v1/changes, when well formed, straight to
    their route functions (`push`, `changes` of app.py); everything else to `app`."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        push: Callable[..., Response],
        changes: Callable[..., Response],
        max_page: int,
    ) -> None:
        self.app = app
        self.push = push
        self.changes = changes
        self.max_page = max_page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path, method = scope["path"], scope["method"]
            if path == "/v1/push" and method == "POST":
                await self._push(scope, receive, send)
                return
            if path == "/v1/changes" and method == "GET":
                await self._changes(scope, receive, send)
                return
        await self.app(scope, receive, send)

    async def _changes(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = Headers(scope=scope)
        token = _token(headers) if _headers_checked(headers) else None
        parameters = (
            None if token is None else _pull_parameters(scope["query_string"], self.max_page)
        )
        if token is None or parameters is None:
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        await self._answer(scope, receive, send, self.changes, request, token, **parameters)

    async def _push(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = Headers(scope=scope)
        token = _token(headers) if _headers_checked(headers) else None
        if token is None or headers.get("content-type") != "application/json":
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            body = await request.body()
        except HTTPException as exc:  # too large, as counted by BodySizeLimit
            await http_error_response(exc)(scope, receive, send)
            return
        replay = _replaying(body, receive)
        try:
            # As FastAPI reads a JSON body and validates it against the route's model.
            pushed = PushRequest.model_validate(json.loads(body)) if body else None
        except Exception:  # not JSON, too deep (RecursionError), not a PushRequest…
            pushed = None  # FastAPI reads it again and answers as it always did
        if pushed is None:
            await self.app(scope, replay, send)
            return
        await self._answer(scope, replay, send, self.push, pushed, request, token)

    @staticmethod
    async def _answer(
        scope: Scope,
        receive: Receive,
        send: Send,
        route: Callable[..., Response],
        *args: Any,
        **kwargs: Any,
    ) -> None:
        try:
            response = await run_in_threadpool(route, *args, **kwargs)
        except ApiError as exc:
            response = api_error_response(exc)
        await response(scope, receive, send)


def _replaying(body: bytes, receive: Receive) -> Receive:
    """A `receive` that gives the body read already, then whatever comes next."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
