"""The HTTP API of the sync server (docs/sync-protocol.md): enroll, status, push, changes,
retire, and the audit trail's upload (audit_routes.py).

Routes are plain functions run in FastAPI's thread pool; each storage call is one
transaction. Errors are raised as ApiError and answered as `{"code", "message"}`.
"""

from __future__ import annotations

import gzip
import math
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal, cast

from fastapi import APIRouter, Depends, FastAPI, Header, Query, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ..changes import MAX_HLC, Change
from ..english import counted
from . import admission, passwords, totp
from .audit_routes import audit_router
from .errors import ApiError, install_error_handlers
from .log_entries import to_json
from .middleware import MAX_BODY_BYTES, BodySizeLimit, ClientVersionCheck
from .models import (
    ChangesPage,
    EnrollRequest,
    EnrollResponse,
    ErrorBody,
    Id,
    PushRequest,
    PushResponse,
    RetireRequest,
    RetireResponse,
    StatusResponse,
)
from .openapi_links import add_links
from .storage import AreaForbidden, DeviceIdentity, LoginCandidate, Storage, SuccessorRefused
from .tokens import new_device_token, token_digest
from .versions import (
    APP_HEADER,
    APP_VERSION_PATTERN,
    SCHEMA_HEADER,
    parse_app_version,
)
from .vocabulary import AreaCode, Role

MAX_PAGE = 10_000
# Writing last_seen on every request would make every pull a write; once a minute is plenty.
LAST_SEEN_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class Server:
    """What the routes share: the storage and the clock (replaceable in tests)."""

    storage: Storage
    clock: Callable[[], float]

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), UTC)

    def now_ms(self) -> int:
        return int(self.clock() * 1000)


def _server(request: Request) -> Server:
    server: Server = request.app.state.server
    return server


async def _client_headers(
    _schema: Annotated[
        Literal["1"],
        Header(alias=SCHEMA_HEADER, description="The sync schema the client speaks"),
    ],
    _app: Annotated[
        str,
        Header(alias=APP_HEADER, pattern=APP_VERSION_PATTERN, description="App version"),
    ],
) -> None:
    """Checked by ClientVersionCheck before routing; declared so that OpenAPI lists them.

    (async: FastAPI runs a plain function in its thread pool, a hand-over for nothing.)"""


_bearer = HTTPBearer(auto_error=False, description="The device token from /v1/enroll")


async def _token(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> str:
    """The SHA-256 of the device token the request sends (whose device it is: _admitted)."""
    if credentials is None:
        raise ApiError(
            401, "unauthorized", "Send the device token as 'Authorization: Bearer <token>'."
        )
    return token_digest(credentials.credentials)


def _admitted(device: DeviceIdentity | None) -> DeviceIdentity:
    """The device behind a token, unless it is unknown, revoked or retired (401)."""
    if device is None:
        raise ApiError(401, "unauthorized", "This device token is not known to the server.")
    if device.revoked:
        raise ApiError(
            401,
            "device_revoked",
            "This device was revoked by the office; its local data must be erased.",
        )
    if device.retired:
        raise ApiError(
            401,
            "device_retired",
            "This device is retired (it sent its work, or its vault enrolled again); its "
            "local data must be erased.",
        )
    return device


def _note_seen(request: Request, server: Server, device: DeviceIdentity) -> None:
    """Note when the device was last seen and its app version (at most once a minute)."""
    at = server.now()
    # Checked by ClientVersionCheck before routing: present and well formed.
    app_version = request.headers[APP_HEADER]
    if (
        device.last_seen_at is None
        or at - device.last_seen_at >= LAST_SEEN_RESOLUTION
        or device.app_version != app_version
    ):
        server.storage.touch_device(device.device_id, at, app_version)


def _device(request: Request, token: Annotated[str, Depends(_token)]) -> DeviceIdentity:
    server = _server(request)
    device = _admitted(server.storage.device_for_token(token))
    _note_seen(request, server, device)
    return device


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    described = {
        400: "Malformed request (bad_request, too_many_changes, clock_skew)",
        401: "Unknown, missing, revoked or retired device token (unauthorized, device_revoked, "
        "device_retired), wrong password (bad_credentials), or a one-time code missing "
        "(totp_required) or wrong (bad_totp)",
        409: "The office took back its request to retire this device (retire_cancelled)",
        403: "Area not granted to the user, or a record, parent or conflict named that is not "
        "the user's to write (area_forbidden)",
        413: "Request body too large (payload_too_large)",
        426: "Client too old (upgrade_required)",
        429: "Too many failed logins (too_many_attempts, with retry_after)",
        503: "Too many logins being checked at once (busy, with retry_after)",
    }
    responses: dict[int | str, dict[str, Any]] = {}
    for c in codes:
        responses[c] = {"model": ErrorBody, "description": described[c]}
        if c in (429, 503):
            responses[c]["headers"] = {
                "Retry-After": {
                    "description": "Seconds to wait before trying again (as retry_after)",
                    "schema": {"type": "integer", "minimum": 0},
                }
            }
    return responses


router = APIRouter(
    prefix="/v1", dependencies=[Depends(_client_headers)], responses=_errors(400, 413, 426)
)


@router.post("/enroll", responses=_errors(401, 429, 503))
def enroll(body: EnrollRequest, request: Request) -> EnrollResponse:
    """Enroll a device with a user's password, and the one-time code of their authenticator
    app when the office set TOTP up for them; the answer holds the device token, once."""
    server = _server(request)
    storage, at = server.storage, server.now()
    address = request.client.host if request.client else "unknown"
    try:
        place = passwords.QUEUE.place()
    except passwords.Busy:
        wait = passwords.BUSY_RETRY_AFTER_S
        raise ApiError(
            503,
            "busy",
            f"The server is checking many logins at once; try again in {counted(wait, 'second')}.",
            retry_after=wait,
        ) from None
    with place:
        # Counted as a failure before the password is checked, so that attempts arriving
        # together cannot all be checked before the first failure is counted.
        blocked_until = storage.count_login_attempt(body.user, address, at)
        if blocked_until is not None:
            wait = math.ceil((blocked_until - at).total_seconds())
            raise ApiError(
                429,
                "too_many_attempts",
                f"Too many failed logins; try again in {counted(wait, 'second')}.",
                retry_after=wait,
            )
        candidate = storage.login_candidate(body.user)
        # An unknown name is checked against a dummy hash: the answer takes as long either way.
        stored = candidate.password_hash if candidate else None
        password_ok = passwords.verify_password(body.password, stored)
        if candidate is None or not password_ok:
            raise ApiError(401, "bad_credentials", "The user name or the password is wrong.")
        # The attempt stays counted as failed until the code is right too: a missing or
        # wrong code must not clear the counts, or codes could be guessed without limit.
        _check_totp(storage, candidate, body.totp, server.clock())
        storage.record_login_success(candidate.user_id, address)
        if passwords.needs_rehash(candidate.password_hash):
            new_hash = passwords.hash_password(body.password)
            storage.replace_password_hash(candidate.user_id, candidate.password_hash, new_hash)
    token = new_device_token()
    device_id = storage.add_device(
        candidate.user_id, body.device_name, token_digest(token), at, request.headers[APP_HEADER]
    )
    return EnrollResponse(
        device_id=device_id,
        token=token,
        user=candidate.name,
        role=cast(Role, candidate.role),  # checked when the user was added
        areas=[cast(AreaCode, a) for a in candidate.areas],
    )


def _check_totp(storage: Storage, candidate: LoginCandidate, code: str | None, at: float) -> None:
    """The user's one-time code, when the office set TOTP up for them: valid now (one step
    either side) and of a step no code was accepted for before."""
    secret = candidate.totp_secret
    if secret is None:
        return
    if code is None:
        raise ApiError(
            401,
            "totp_required",
            "This user also needs the one-time code from their authenticator app; send it as totp.",
        )
    step = totp.matching_step(secret, code, at, candidate.totp_last_step)
    if step is None or not storage.use_totp_step(candidate.user_id, secret, step):
        raise ApiError(
            401,
            "bad_totp",
            "The one-time code is wrong, out of date, or was used already; wait for the next "
            "one in the authenticator app.",
        )


@router.get("/status", responses=_errors(401))
def status(
    request: Request,
    device: Annotated[DeviceIdentity, Depends(_device)],
    seen_seq: Annotated[
        int | None, Query(ge=1, le=MAX_HLC, description="A log entry this device applied")
    ] = None,
    seen_id: Annotated[Id | None, Query(description="The change id it had there")] = None,
) -> StatusResponse:
    """Who this device belongs to, the user's areas, the server's clock and log head.

    With `seen_seq` and `seen_id`, also whether the log still holds that entry there: after
    the server was restored from a backup it does not, and the device sends its state again.
    """
    server = _server(request)
    if device.pulling:
        # A sync begins: its pulls are a new run (storage.transfers reads how far they went).
        server.storage.pulls_end(device.device_id)
    intact = None
    if seen_seq is not None and seen_id is not None:
        intact = server.storage.log_holds(seen_seq, seen_id)
    return StatusResponse(
        user=device.user,
        role=cast(Role, device.role),
        areas=[cast(AreaCode, a) for a in device.areas],
        device_id=device.device_id,
        server_time=server.now_ms(),
        head=server.storage.head(),
        log_intact=intact,
        retiring=device.retiring,
    )


@router.post("/retire", responses=_errors(401, 409))
def retire(
    request: Request,
    device: Annotated[DeviceIdentity, Depends(_device)],
    body: RetireRequest | None = None,
) -> RetireResponse:
    """The device gives up its token: after its last sync when the office retired it (it
    sent everything first), or when its vault enrolled again as a new device (`enroll
    --replace`). From then on the token opens nothing (`device_retired`). One retiring as
    asked (`as_asked`) whose request the office took back meanwhile is not retired (409
    `retire_cancelled`): it goes on as an active device. The device its vault enrolled as
    again may be named (`successor`): it takes over this one's place in the log; one that
    cannot is refused (409 `successor_refused`) and nothing changes."""
    server = _server(request)
    as_asked = body is not None and body.as_asked
    successor = body.successor if body is not None else None
    try:
        retired = server.storage.retire_device(
            device.device_id, server.now(), as_asked=as_asked, successor=successor
        )
    except SuccessorRefused as e:
        raise ApiError(409, "successor_refused", str(e)) from None
    if not retired:
        raise ApiError(
            409,
            "retire_cancelled",
            "The office took back its request to retire this device; it stays active.",
        )
    return RetireResponse(device_id=device.device_id)


@router.post("/push", response_model=PushResponse, responses=_errors(401, 403))
def push(
    body: PushRequest, request: Request, token: Annotated[str, Depends(_token)]
) -> JSONResponse:
    """Apply up to 1,000 changes in one transaction; refused whole or taken whole."""
    server = _server(request)

    def admit(found: DeviceIdentity | None) -> tuple[DeviceIdentity, list[Change]]:
        device = _admitted(found)
        changes = admission.parsed_changes(body.changes)
        admission.refuse_clock_skew(changes, server.now_ms())
        return device, changes

    try:
        # Who pushes is read in the push's own transaction.
        device, result = server.storage.push_for_token(token, admit, server.now())
    except AreaForbidden as e:
        raise ApiError(403, "area_forbidden", str(e)) from None
    _note_seen(request, server, device)
    # Answered as plain JSON: validating 1,000 ids through the model would only cost time.
    return JSONResponse({"acknowledged": result.acknowledged, "conflicts": result.conflicts})


@router.get("/changes", response_model=ChangesPage, responses=_errors(400, 401, 403))
def changes(
    request: Request,
    token: Annotated[str, Depends(_token)],
    after: Annotated[int, Query(ge=0, le=MAX_HLC, description="Cursor: the last seq seen")] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1000,
    area: Annotated[AreaCode | None, Query(description="Backfill this area only")] = None,
    until: Annotated[int | None, Query(ge=0, le=MAX_HLC, description="Backfill bound")] = None,
    directory: Annotated[
        bool, Query(description="Backfill the shared directory (agencies) only")
    ] = False,
) -> Response:
    """The log after a cursor, in commit order: changes and conflicts of the user's areas,
    of city-wide records and of the shared directory."""

    def admit(found: DeviceIdentity | None) -> DeviceIdentity:
        device = _admitted(found)
        if area is not None and area not in device.areas:
            raise ApiError(403, "area_forbidden", f"Area {area} is not granted to this user.")
        if area is not None and directory:
            raise ApiError(
                400, "bad_request", "A pull backfills an area or the directory, not both."
            )
        return device

    server = _server(request)
    storage = server.storage
    # Who asks, the page and its authors (storage/authors.py) in one read transaction.
    answer = storage.pull(token, admit, after, limit, area=area, until=until, directory=directory)
    device, page = answer.device, answer.page
    if not device.pulling:
        # Where the device's run of pulls began: what it had been served before this page.
        storage.pulls_begin(device.device_id)
    if page.carries_transfer:
        # The device may know of a household's move from here on (storage.transfers).
        storage.transfer_served(device.device_id, page.next)
    _note_seen(request, server, device)
    # Where each household the page moves came from (storage/transfer_history.py; no query
    # for a page that moves none).
    moved = {cid: asdict(m) for cid, m in storage.transfers_pulled(page.rows).items()}
    # Assembled here rather than by a JSON encoder: the log's values are stored as JSON text.
    body = (
        f'{{"log":{page.log_json()},"next":{page.next},'
        f'"has_more":{"true" if page.has_more else "false"},'
        f'"areas":{to_json(list(device.areas))},"authors":{to_json(answer.authors)},'
        f'"transfers":{to_json(moved)}}}'
    )
    return _json_maybe_gzipped(request, body.encode())


# A page is mostly ids and names repeated across columns: gzip at its fastest level makes it
# about nine times smaller for ~6 ms per 5,000 entries, far less than TLS and the network
# spend on the difference. Only pull answers are compressed; they carry no secret of the
# request (BREACH needs one reflected next to attacker-chosen text).
_GZIP_MIN_BYTES = 1024


def _accepts_gzip(request: Request) -> bool:
    for part in request.headers.get("accept-encoding", "").split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() == "gzip":
            quality = params.strip().lower().replace(" ", "")
            return quality not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def _json_maybe_gzipped(request: Request, body: bytes) -> Response:
    if len(body) < _GZIP_MIN_BYTES or not _accepts_gzip(request):
        return Response(body, media_type="application/json", headers={"Vary": "Accept-Encoding"})
    return Response(
        gzip.compress(body, compresslevel=1, mtime=0),
        media_type="application/json",
        headers={"Content-Encoding": "gzip", "Vary": "Accept-Encoding"},
    )


def _openapi(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """The generated schema, with validation errors documented as they are answered (400)
    and the links from one answer to the next request (openapi_links.py)."""

    def build() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            for operations in schema.get("paths", {}).values():
                for operation in operations.values():
                    operation.get("responses", {}).pop("422", None)
            components = schema.get("components", {}).get("schemas", {})
            components.pop("HTTPValidationError", None)
            components.pop("ValidationError", None)
            add_links(schema)
            app.openapi_schema = schema
        return app.openapi_schema

    return build


def create_app(
    database_url: str,
    *,
    min_app_version: str = "0.1.0",
    now: Callable[[], float] = time.time,
    max_body_bytes: int = MAX_BODY_BYTES,
) -> FastAPI:
    """The sync server's ASGI app on `database_url` (migrated to the latest schema first).

    `now` gives the time as unix seconds; tests pass a clock they can move.
    """
    parse_app_version(min_app_version)  # a typo must stop the start, not the first request
    storage = Storage.open(database_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        storage.close()

    app = FastAPI(
        title="marugoto sync",
        version="1",
        description="The 総合センター sync server of marugoto-desktop (docs/sync-protocol.md).",
        docs_url=None,  # the office may have no internet; the UI would load scripts from a CDN
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.server = Server(storage, now)
    install_error_handlers(app)
    app.include_router(router)
    app.include_router(
        audit_router(_device, _server),
        prefix="/v1",
        dependencies=[Depends(_client_headers)],
        responses=_errors(400, 413, 426),
    )
    app.openapi = _openapi(app)  # type: ignore[method-assign]
    app.add_middleware(ClientVersionCheck, min_app_version=min_app_version)
    app.add_middleware(BodySizeLimit, max_bytes=max_body_bytes)
    return app
