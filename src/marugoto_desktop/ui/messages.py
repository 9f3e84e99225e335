"""Plain Japanese for what the lower layers report as codes: field errors, vault and sync errors."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QCoreApplication

from ..vault import (
    VaultCorrupted,
    VaultExists,
    VaultInUse,
    VaultLocked,
    VaultNotFound,
    WrongPassphrase,
)

translate = QCoreApplication.translate


# Until every FieldError carries a code, the English message says which rule it broke.
_MESSAGE_CODES = (
    (re.compile(r"is required"), "required"),
    (re.compile(r"is not a real date"), "not_a_date"),
    (re.compile(r"is not a time"), "not_a_time"),
    (re.compile(r"is longer than (\d+)"), "too_long"),
    (re.compile(r"must be a whole number"), "not_a_number"),
    (re.compile(r"must be between"), "out_of_range"),
    (re.compile(r"is before"), "before"),
    (re.compile(r"needs valid consent"), "no_consent"),
    (re.compile(r"without valid consent"), "consent_lost"),
    (re.compile(r"is relied on by"), "consent_relied_on"),
    (re.compile(r"does not exist"), "missing"),
    (re.compile(r"another household|of another"), "other_household"),
)


def error_code(error: Any) -> tuple[str, dict[str, Any]]:
    code = getattr(error, "code", None)
    params = dict(getattr(error, "params", {}) or {})
    if code and code != "invalid":
        return code, params
    message = str(getattr(error, "message", error))
    for pattern, found in _MESSAGE_CODES:
        match = pattern.search(message)
        if match:
            if found == "too_long":
                params.setdefault("max_length", match.group(1))
            return found, params
    return "invalid", params


def field_error_text(error: Any) -> str:
    """The sentence shown next to a field."""
    if getattr(error, "code", None) == "general":
        return str(error.text)
    code, params = error_code(error)
    if code == "required":
        return translate("Messages", "Please fill this in.")
    if code == "not_a_date":
        return translate("Messages", "Type a date such as 2025-04-01.")
    if code == "not_a_time":
        return translate("Messages", "Type a time such as 09:30.")
    if code == "too_long":
        return translate("Messages", "Too long: at most %1 characters.").replace(
            "%1", str(params.get("max_length"))
        )
    if code in ("not_a_number", "out_of_range"):
        return translate("Messages", "Type a whole number.")
    if code == "before":
        return translate("Messages", "This date is before the first date.")
    if code == "no_consent":
        return translate(
            "Messages",
            "A 重層的支援会議 needs the consent of each household discussed. "
            "Record the consent first, or choose 支援会議.",
        )
    if code in ("consent_lost", "consent_relied_on"):
        return translate(
            "Messages", "A 重層的支援会議 relies on this consent. Change that meeting first."
        )
    if code in ("missing", "wrong_type", "other_household", "no_household"):
        return translate(
            "Messages", "The record chosen here no longer exists or belongs to another household."
        )
    if code == "referenced":
        return translate("Messages", "Other records refer to this one. Change them first.")
    if code == "unchangeable":
        return translate("Messages", "This cannot be changed once saved.")
    if code in ("unknown_code", "unknown_area"):
        return translate("Messages", "Choose one of the listed values.")
    return translate("Messages", "Check this value.")


def vault_error_text(error: BaseException) -> str:
    if isinstance(error, WrongPassphrase):
        return translate("Messages", "The passphrase is wrong.")
    if isinstance(error, VaultNotFound):
        return translate("Messages", "There is no vault in this folder.")
    if isinstance(error, VaultExists):
        return translate("Messages", "A vault already exists in this folder. Open it instead.")
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
    if isinstance(error, PermissionError):
        return translate("Messages", "This folder cannot be written to. Choose another folder.")
    if isinstance(error, OSError):
        return translate("Messages", "The folder could not be used: %1").replace(
            "%1", error.strerror or str(error)
        )
    return translate("Messages", "Something went wrong: %1").replace("%1", type(error).__name__)
