"""Fields the machine policy (policy.py) fixes: shown filled in, read-only, saying who set them."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLineEdit, QSpinBox

from ..policy import machine_policy


def set_by_it() -> str:
    return QCoreApplication.translate("Policy", "Set by your IT department")


def fix_server_fields(server: QLineEdit, ca_file: QLineEdit) -> None:
    """The policy's server and CA file, where it names them, instead of the person's choice."""
    rules = machine_policy()
    for field, value in ((server, rules.server_url), (ca_file, rules.ca_file)):
        if value is not None:
            field.setText(str(value))
            field.setReadOnly(True)
            field.setToolTip(set_by_it())


def limit_auto_lock(spin: QSpinBox) -> None:
    """A person may lock sooner than the policy says, never later."""
    longest = machine_policy().auto_lock_minutes
    if longest is not None:
        spin.setMaximum(longest)
        spin.setToolTip(
            QCoreApplication.translate("Policy", "At most %1 minutes: %2")
            .replace("%1", str(longest))
            .replace("%2", set_by_it())
        )
