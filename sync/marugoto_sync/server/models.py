"""The JSON bodies of the HTTP API (docs/sync-protocol.md), as Pydantic models.

They make /openapi.json describe every request and answer exactly. The authority on what a
change is remains `marugoto_sync.changes.change_from_wire`, which every pushed change also
passes; the patterns here are the same ones.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..changes import (
    ID_RE,
    MAX_CHANGES_PER_PUSH,
    MAX_HLC,
    MAX_VALUE_BYTES,
    MAX_VALUE_DEPTH,
    NAME_RE,
    SITE_RE,
)
from ..record_types import RECORD_TYPES
from .passwords import MAX_PASSWORD_LENGTH
from .totp import CODE_PATTERN
from .vocabulary import USER_NAME_PATTERN, AreaCode, Role

Id = Annotated[str, Field(pattern=ID_RE.pattern, examples=["01932b6e-7a40-7c1e-9d0a-3f1c2b4a5d6e"])]
Name = Annotated[str, Field(pattern=NAME_RE.pattern)]
Site = Annotated[str, Field(pattern=SITE_RE.pattern)]
Stamp = Annotated[
    int, Field(ge=0, le=MAX_HLC, description="HLC stamp: (unix_millis << 16) | counter")
]
# Printable text: no control characters (PostgreSQL refuses NUL in text).
DEVICE_NAME_PATTERN = r"^[^\x00-\x1f\x7f]{1,100}$"
Seq = Annotated[int, Field(ge=0, le=MAX_HLC)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class ErrorBody(BaseModel):
    code: str = Field(examples=["area_forbidden"])
    message: str
    retry_after: int | None = Field(
        default=None, description="Seconds to wait (with too_many_attempts and busy)"
    )


class EnrollRequest(_Strict):
    user: Annotated[str, Field(pattern=USER_NAME_PATTERN)]
    password: Annotated[str, Field(min_length=1, max_length=MAX_PASSWORD_LENGTH)]
    device_name: Annotated[str, Field(pattern=DEVICE_NAME_PATTERN, examples=["Aiko's laptop"])]
    totp: Annotated[
        str | None,
        Field(
            pattern=CODE_PATTERN,
            examples=["492039"],
            description="The one-time code of the user's authenticator app, for a user the "
            "office set TOTP up for (without it: 401 totp_required); ignored for others",
        ),
    ] = None


class EnrollResponse(BaseModel):
    device_id: str
    token: str = Field(description="Shown once; send as 'Authorization: Bearer <token>'")
    user: str
    role: Role
    areas: list[AreaCode]


class StatusResponse(BaseModel):
    user: str
    role: Role
    areas: list[AreaCode]
    device_id: str
    server_time: int = Field(description="The server's clock, unix milliseconds")
    head: Seq = Field(description="The highest log sequence number")
    log_intact: bool | None = Field(
        default=None,
        description="Whether the log still holds the entry named by seen_seq and seen_id",
    )
    retiring: bool = Field(
        default=False,
        description="The office asked this device to send everything it has not sent, then "
        "give up its token (/v1/retire) and erase its local data",
    )


class RetireRequest(_Strict):
    as_asked: bool = Field(
        default=False,
        description="The device retires because the office asked it to (status said "
        "retiring): if the office has taken the request back meanwhile, the device is not "
        "retired and the answer is 409 retire_cancelled. Without it (enroll --replace) the "
        "device retires in any case",
    )
    successor: Annotated[
        str | None,
        Field(
            pattern=ID_RE.pattern,
            description="The device its vault enrolled as again (enroll --replace), of the same "
            "user: it takes over this device's place in the log, so that what the vault wrote "
            "before it learnt of a household's transfer is taken from it as from this device. "
            "One of another user, or one that took over from a device already, is refused "
            "(409 successor_refused) and nothing changes",
        ),
    ] = None


class RetireResponse(BaseModel):
    device_id: str = Field(description="The device whose token now opens nothing")


class ChangeIn(_Strict):
    """One field of one record (marugoto_sync.changes.Change)."""

    change_id: Id
    type: Annotated[
        str,
        Field(
            pattern=NAME_RE.pattern,
            json_schema_extra={"enum": list(RECORD_TYPES)},
            description="A record type (marugoto_sync.record_types)",
        ),
    ]
    record_id: Id
    area: AreaCode | None = Field(description="null only for a city-wide meeting")
    field: Name = Field(description="A field of the type, or _deleted, or _parent_id")
    value: Any = Field(
        description=f"Any JSON value, at most {MAX_VALUE_BYTES // 1024} KiB, lists and objects "
        f"nested at most {MAX_VALUE_DEPTH} deep"
    )
    hlc: Stamp
    base_hlc: Stamp = Field(description="The field's clock as the author saw it; below hlc")
    site: Site
    resolves: Id | None = Field(default=None, description="The conflict this change settles")
    replay: bool = Field(
        default=False,
        description="Re-sent after a server restore: a write accepted before. Honoured only "
        "for a change stamped before a restore the server has recorded",
    )


class PushRequest(_Strict):
    changes: Annotated[list[ChangeIn], Field(max_length=MAX_CHANGES_PER_PUSH)]


class PushResponse(BaseModel):
    acknowledged: list[str] = Field(description="The change ids now in the server's log")
    conflicts: int = Field(ge=0, description="Conflicts this push created")


class FieldStateOut(BaseModel):
    value: Any
    hlc: Stamp
    site: str
    change_id: str


class ConflictOut(BaseModel):
    """A value that lost to a concurrent edit (marugoto_sync.merge.Conflict)."""

    conflict_id: str
    record_id: str
    type: str
    area: AreaCode | None
    field: str
    kind: Literal[
        "concurrent_edit",
        "edit_of_deleted",
        "delete_of_edited",
        "delete_restore",
        "parent_deleted",
        "edit_after_transfer",
        "transfer_superseded",
    ]
    loser: FieldStateOut
    winner: FieldStateOut


class LogColumns(BaseModel):
    """Log entries as columns (marugoto_sync.log_page): entry i is element i of each list.

    A change entry (`kind` "change") holds the change's wire fields. A conflict entry holds
    the conflict's id as `change_id`, the conflict (ConflictOut) as `value`, and the clocks
    and site of the change that caused it; its `resolves` is null.
    """

    seq: list[Seq] = Field(description="Log sequence numbers, increasing")
    kind: list[Literal["change", "conflict"]]
    change_id: list[Id]
    type: list[Name]
    record_id: list[Id]
    area: list[AreaCode | None]
    field: list[Name]
    value: list[ConflictOut | Any] = Field(description="A change's value, or a conflict")
    hlc: list[Stamp]
    base_hlc: list[Stamp]
    site: list[Site]
    resolves: list[Id | None] = Field(description="The conflict a change settles, or null")


class Author(BaseModel):
    """Who wrote a site's changes: the account and the device that sent them."""

    user: str = Field(description="The user's login name")
    device: str = Field(description="The device's name, as device list shows it")


class TransferFrom(BaseModel):
    """Where a household moved by a page's `_area` entry came from, and who moved it."""

    from_area: AreaCode = Field(description="The area the household left")
    user: str = Field(description="The login name of the user whose device sent the move")
    device: str = Field(description="That device's name, as device list shows it")


class ChangesPage(BaseModel):
    log: LogColumns
    next: Seq = Field(description="The cursor to send as `after` next time")
    has_more: bool
    areas: list[AreaCode] = Field(description="The areas granted to the user now")
    authors: dict[Site, Author] = Field(
        default_factory=dict,
        description="Who wrote the page's entries and the sides of its conflicts, by site "
        "(a site whose author cannot be told is left out)",
    )
    transfers: dict[Id, TransferFrom] = Field(
        default_factory=dict,
        description="For each `_area` entry of the page that moved a household to another "
        "area (the transfer, or its copy in the area it went to), by its change id: the area "
        "the household left, and who sent the move",
    )
