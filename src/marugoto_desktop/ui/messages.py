"""Plain Japanese for what the lower layers report as codes: field errors, vault and sync errors."""

from __future__ import annotations

import errno
from typing import Any

from PySide6.QtCore import QCoreApplication

from ..domain.schema import SCHEMAS
from ..vault import (
    DiskFull,
    RecordNotFound,
    VaultCorrupted,
    VaultExists,
    VaultInUse,
    VaultLocked,
    VaultNotFound,
    WrongPassphrase,
)

translate = QCoreApplication.translate


def error_code(error: Any) -> tuple[str, dict[str, Any]]:
    """The code an error carries (domain.validation.ERROR_CODES) and its parameters."""
    code = getattr(error, "code", None)
    params = dict(getattr(error, "params", {}) or {})
    return (str(code) if code else "invalid"), params


def field_label(record_type: str | None, field: str) -> str:
    """A field's Japanese label (the schema's), or the field's name where there is none."""
    schema = SCHEMAS.get(record_type or "")
    if schema is not None and field in schema.field_names:
        return schema.field(field).label
    return _envelope_labels().get(field, field)


def _envelope_labels() -> dict[str, str]:
    return {
        "type": translate("Messages", "record type"),
        "id": translate("Messages", "record id"),
        "area": translate("Messages", "area"),
        "parent_id": translate("Messages", "household or parent record"),
    }


def field_error_text(error: Any) -> str:
    """The sentence shown next to a field, from the error's code and parameters."""
    if getattr(error, "code", None) == "general":
        return str(error.text)
    code, params = error_code(error)
    texts = {
        "required": translate("Messages", "Please fill this in."),
        "not_a_date": translate("Messages", "Type a date such as 2025-04-01."),
        "not_a_time": translate("Messages", "Type a time such as 09:30."),
        "not_a_number": translate("Messages", "Type a whole number."),
        "not_a_flag": translate("Messages", "Tick the box or leave it empty."),
        "not_text": translate("Messages", "Type text here."),
        "bad_text": translate(
            "Messages", "This text holds characters that cannot be kept. Type it again."
        ),
        "unknown_code": translate("Messages", "Choose one of the listed values."),
        "unknown_area": translate("Messages", "Choose one of the listed areas."),
        "not_a_list": translate("Messages", "Choose from the list."),
        "duplicate": translate("Messages", "The same entry is chosen twice."),
        "before": translate("Messages", "This date is before the first date."),
        "no_consent": translate(
            "Messages",
            "A 重層的支援会議 needs the consent of each household discussed. "
            "Record the consent first, or choose 支援会議.",
        ),
        "consent_lost": translate(
            "Messages", "A 重層的支援会議 relies on this consent. Change that meeting first."
        ),
        "referenced": translate("Messages", "Other records refer to this one. Change them first."),
        "unchangeable": translate("Messages", "This cannot be changed once saved."),
        "parent_area": translate(
            "Messages", "The area must be the household's. Move the household instead."
        ),
        "no_parent": translate("Messages", "This kind of record belongs to no household."),
        "not_a_field": translate("Messages", "This kind of record has no such item."),
        "unknown_type": translate("Messages", "This kind of record is not known."),
        "not_an_id": translate("Messages", "This is not a record id."),
    }
    texts["consent_relied_on"] = texts["consent_lost"]
    texts["out_of_range"] = texts["not_a_number"]
    for gone in ("missing", "wrong_type", "other_household", "no_household"):
        texts[gone] = translate(
            "Messages", "The record chosen here no longer exists or belongs to another household."
        )
    if code == "too_long":
        return translate("Messages", "Too long: at most %1 characters.").replace(
            "%1", str(params.get("max_length", ""))
        )
    if code == "too_many":
        return translate("Messages", "Too many: at most %1.").replace(
            "%1", str(params.get("max_items", ""))
        )
    if code == "out_of_range" and "minimum" in params and "maximum" in params:
        return (
            translate("Messages", "Type a whole number from %1 to %2.")
            .replace("%1", str(params["minimum"]))
            .replace("%2", str(params["maximum"]))
        )
    if code == "before" and params.get("other"):
        label = field_label(getattr(error, "record_type", None), str(params["other"]))
        return (
            translate("Messages", "This date is before %1 (%2).")
            .replace("%1", label)
            .replace("%2", str(params.get("value", "")))
        )
    return texts.get(code, translate("Messages", "Check this value."))


def vault_error_text(error: BaseException) -> str:
    if isinstance(error, WrongPassphrase):
        return translate("Messages", "The passphrase is wrong.")
    if isinstance(error, VaultNotFound):
        return translate("Messages", "There is no vault in this folder.")
    if isinstance(error, VaultExists):
        return translate("Messages", "A vault already exists in this folder. Open it instead.")
    if isinstance(error, DiskFull):
        return translate(
            "Messages",
            "The disk is full: nothing was saved. Free some space on the disk, then try again.",
        )
    if isinstance(error, VaultInUse):
        return translate(
            "Messages", "The vault is open in another window or program. Close it first."
        )
    if isinstance(error, VaultCorrupted):
        return translate(
            "Messages",
            "The vault is damaged or has been tampered with. Contact your administrator.",
        )
    if isinstance(error, VaultLocked):
        return translate("Messages", "The vault is locked. Unlock it again.")
    if isinstance(error, RecordNotFound):
        return translate("Messages", "The record is no longer there (deleted, perhaps by a sync).")
    if isinstance(error, PermissionError):
        return translate("Messages", "This folder cannot be written to. Choose another folder.")
    if isinstance(error, OSError):
        return translate("Messages", "The folder could not be used: %1").replace(
            "%1", os_error_text(error)
        )
    return translate(
        "Messages", "Something went wrong. Try again; if it happens again, tell the office."
    )


def os_error_text(error: OSError) -> str:
    """Why a file or folder could not be used, in Japanese (the system says it in English)."""
    reasons = {
        errno.EACCES: translate("Messages", "permission denied"),
        errno.EPERM: translate("Messages", "permission denied"),
        errno.EROFS: translate("Messages", "the disk is read-only"),
        errno.ENOSPC: translate("Messages", "the disk is full"),
        getattr(errno, "EDQUOT", errno.ENOSPC): translate("Messages", "the disk is full"),
        errno.ENOENT: translate("Messages", "it does not exist"),
        errno.ENOTDIR: translate("Messages", "a file is where a folder should be"),
        errno.EISDIR: translate("Messages", "a folder is where a file should be"),
        errno.EEXIST: translate("Messages", "something is already there"),
        errno.ENAMETOOLONG: translate("Messages", "the name is too long"),
        errno.EIO: translate("Messages", "the disk could not be read or written"),
        errno.EBUSY: translate("Messages", "it is in use by another program"),
    }
    if isinstance(error, PermissionError):
        return reasons[errno.EACCES]
    if error.errno in reasons:
        return reasons[error.errno]
    if error.errno:
        return translate("Messages", "system error %1").replace("%1", str(error.errno))
    return translate("Messages", "the file could not be used")
