"""The audit trail's part of the HTTP API (docs/sync-protocol.md, "Audit trail"):
`GET /v1/audit` (where this device's chain ends on the server) and `POST /v1/audit` (the
entries it lacks, in order, up to 1,000 at a time).

The device sends its entries' content, readable by the server (HTTPS protects it on the
way; the vault keeps its own copy sealed), with each entry's link (marugoto_sync.audit_chain).
Refusals are answered 409 with a code: audit_entry_tampered, audit_chain_broken,
audit_chain_rewound (all three flag the device) or audit_chain_gap.
"""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from ..audit_chain import MAX_ENTRIES_PER_UPLOAD, RECORD_ID_RE, link_from_wire
from .errors import ApiError
from .models import ErrorBody
from .storage import AuditRefused, DeviceIdentity

Hash = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256, lowercase hex")]
Text = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[^\x00]*$")]


class AuditEntryIn(BaseModel):
    """One entry of the vault's audit trail, as the vault reads it (every key present)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    seq: int = Field(ge=1, le=2**53, description="Its number in the device's chain, from 1")
    # One form only: `audit list --from/--to` and the listing order compare it as text.
    at: Annotated[str, Field(pattern=r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$")] = Field(
        description="When, ISO 8601 UTC (2026-12-02T07:10:39.123Z)"
    )
    action: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[^\x00]*$")]
    who: Text | None = Field(description="The consultant's name set on the laptop, if any")
    device: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[^\x00]*$")] | None = (
        Field(description="The vault's site")
    )
    records: list[Annotated[str, Field(pattern=f"^{RECORD_ID_RE.pattern}$")]] = Field(
        description="The ids of the records it touched"
    )
    detail: dict[str, Any] = Field(description="Counts and codes, never a personal value")


class AuditLinkIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    prev: Hash = Field(description="The hash of the entry before it (SHA-256 of nothing: none)")
    hash: Hash = Field(description="SHA-256 of prev, a newline and the entry's canonical JSON")
    entry: AuditEntryIn


class AuditUpload(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    entries: Annotated[list[AuditLinkIn], Field(max_length=MAX_ENTRIES_PER_UPLOAD)]


class AuditHead(BaseModel):
    seq: int = Field(ge=0, description="The last entry of this device's chain held (0: none)")
    hash: Hash


_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "Unknown, missing, revoked or retired device token"},
    409: {
        "model": ErrorBody,
        "description": "Refused: audit_entry_tampered (an entry's hash is not its content's), "
        "audit_chain_broken (an entry does not follow the one before it), "
        "audit_chain_rewound (the chain goes back on entries this device sent before), all "
        "three flagging the device; or audit_chain_gap (send from the server's head)",
    },
}


def audit_router(
    device: Callable[..., DeviceIdentity], server_of: Callable[[Request], Any]
) -> APIRouter:
    """The audit routes, authenticated by `device` (app.py's dependency)."""
    router = APIRouter()

    @router.get("/audit", responses=_RESPONSES)
    def audit_head(
        request: Request, identity: Annotated[DeviceIdentity, Depends(device)]
    ) -> AuditHead:
        """Where this device's audit chain ends on the server: send the entries after it."""
        seq, digest = server_of(request).storage.audit_head(identity.device_id)
        return AuditHead(seq=seq, hash=digest)

    @router.post("/audit", responses=_RESPONSES)
    def audit_upload(
        body: AuditUpload, request: Request, identity: Annotated[DeviceIdentity, Depends(device)]
    ) -> AuditHead:
        """Add entries to this device's chain: consecutive, each following the one before;
        entries the server holds already may be sent again, unchanged. Taken whole or
        refused whole; answered with the new head."""
        try:
            links = [link_from_wire(item.model_dump()) for item in body.entries]
        except ValueError as e:
            raise ApiError(400, "bad_request", str(e)) from None
        server = server_of(request)
        try:
            seq, digest = server.storage.upload_audit(identity.device_id, links, server.now())
        except AuditRefused as e:
            raise ApiError(409, e.code, str(e)) from None
        return AuditHead(seq=seq, hash=digest)

    return router
