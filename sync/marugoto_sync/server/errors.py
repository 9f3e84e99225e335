"""Every error the server answers is JSON: `{"code": "stable_code", "message": "..."}`.

Clients act on `code` (e.g. wipe the vault on `device_revoked`); `message` is a plain English
sentence for a person. `retry_after` (seconds) accompanies `too_many_attempts` and `busy`.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

log = logging.getLogger(__name__)

_CODE_OF_STATUS = {
    400: "bad_request",
    401: "unauthorized",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
}


class ApiError(Exception):
    def __init__(
        self, status_code: int, code: str, message: str, *, retry_after: int | None = None
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.code = code
        self.message = message
        self.retry_after = retry_after


def error_response(
    status_code: int,
    code: str,
    message: str,
    *,
    retry_after: int | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    headers = dict(headers or {})
    if retry_after is not None:
        body["retry_after"] = retry_after
        headers["Retry-After"] = str(retry_after)
    return JSONResponse(body, status_code=status_code, headers=headers)


def api_error_response(exc: ApiError) -> JSONResponse:
    return error_response(exc.status_code, exc.code, exc.message, retry_after=exc.retry_after)


def _api_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return api_error_response(exc)


# A key of the request as the message names it bare; any other is quoted as JSON, so that
# a key holding a line break or a control character cannot break the one-line message.
_BARE_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def _location(loc: tuple[Any, ...]) -> str:
    parts = [p for p in loc if p not in ("body", "query", "header", "path")]
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
            continue
        name = str(part) if _BARE_KEY.fullmatch(str(part)) else json.dumps(str(part))
        text += f".{name}" if text else name
    return text


def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    for error in errors:
        if error.get("type") == "too_long" and tuple(error.get("loc", ())) == ("body", "changes"):
            return error_response(
                400,
                "too_many_changes",
                "A push may carry at most 1000 changes; send the rest in another push.",
            )
    if not errors:
        return error_response(400, "bad_request", "The request is malformed.")
    first = errors[0]
    if first.get("type") == "json_invalid":
        return error_response(400, "bad_request", "The request body is not valid JSON.")
    where = _location(tuple(first.get("loc", ())))
    message = str(first.get("msg", "invalid")).rstrip(".")
    more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
    return error_response(400, "bad_request", f"{where or 'The request'}: {message}{more}.")


def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    return http_error_response(exc)


def http_error_response(exc: HTTPException) -> JSONResponse:
    code = _CODE_OF_STATUS.get(exc.status_code, "http_error")
    message = {
        404: "There is no such address on this server.",
        405: "This address does not accept that method.",
        413: "The request body is too large.",
    }.get(exc.status_code, str(exc.detail))
    return error_response(exc.status_code, code, message, headers=dict(exc.headers or {}))


def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error answering %s %s", request.method, request.url.path)
    return error_response(
        500, "internal_error", "The server failed; the office can find the cause in its log."
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
