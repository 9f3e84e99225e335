"""Checks made before a request reaches a route: body size and the client's versions.

Both are plain ASGI middleware, so they answer before FastAPI reads or parses anything.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import error_response
from .versions import (
    APP_HEADER,
    SCHEMA_HEADER,
    SCHEMA_VERSION,
    parse_app_version,
    parse_schema_version,
)

# A full push (1,000 changes) of ordinary records is well under 1 MiB; 8 MiB leaves room for
# long notes without letting one request hold much of the server's memory.
MAX_BODY_BYTES = 8 * 1024 * 1024


class BodySizeLimit:
    """Refuse bodies over `max_bytes` with 413, whether announced or streamed (chunked)."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None:
            if not declared.isdigit():
                response = error_response(400, "bad_request", "Content-Length is malformed.")
                await response(scope, receive, send)
                return
            if int(declared) > self.max_bytes:
                await self._too_large()(scope, receive, send)
                return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # FastAPI passes an HTTPException raised while reading the body through
                    # to the error handlers, which answer 413 payload_too_large.
                    raise HTTPException(413)
            return message

        await self.app(scope, counting_receive, send)

    def _too_large(self) -> ASGIApp:
        mib = self.max_bytes / (1024 * 1024)
        return error_response(
            413, "payload_too_large", f"The request body is larger than {mib:g} MiB."
        )


class ClientVersionCheck:
    """Every /v1 request names its schema and app version; too old a client gets 426."""

    def __init__(self, app: ASGIApp, min_app_version: str, prefix: str = "/v1/") -> None:
        self.app = app
        self.min_app_version = min_app_version
        self.minimum = parse_app_version(min_app_version)
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and str(scope.get("path", "")).startswith(self.prefix):
            refusal = self._refusal(Headers(scope=scope))
            if refusal is not None:
                await refusal(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def _refusal(self, headers: Headers) -> ASGIApp | None:
        schema_text, app_text = headers.get(SCHEMA_HEADER), headers.get(APP_HEADER)
        if schema_text is None or app_text is None:
            missing = SCHEMA_HEADER if schema_text is None else APP_HEADER
            return error_response(400, "bad_request", f"The {missing} header is missing.")
        try:
            schema = parse_schema_version(schema_text)
            version = parse_app_version(app_text)
        except ValueError as e:
            return error_response(400, "bad_request", f"{str(e).capitalize()}.")
        if schema < SCHEMA_VERSION or version < self.minimum:
            return error_response(
                426,
                "upgrade_required",
                f"This version of the app ({app_text}, sync schema {schema}) is too old for "
                f"the server, which needs app {self.min_app_version} or newer with sync schema "
                f"{SCHEMA_VERSION}. Keep working offline and install the new version.",
            )
        if schema > SCHEMA_VERSION:
            return error_response(
                400,
                "bad_request",
                f"The app speaks sync schema {schema}, but this server only knows schema "
                f"{SCHEMA_VERSION}; the office needs to update the server.",
            )
        return None
