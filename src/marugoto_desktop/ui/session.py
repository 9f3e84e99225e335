"""The unlocked session: the open vault, the one `changed` signal, idle auto-lock, the clipboard.

Screens never keep the vault themselves: they ask the session, and refresh from `changed`,
which carries what an operation changed (operations.changes.OpChanges: types, ids and the
households they belong to), so a save redraws only what it touched.
"""

from __future__ import annotations

import contextlib
from datetime import date
from typing import Any

from PySide6.QtCore import QEvent, QObject, QSettings, QTimer, Signal
from PySide6.QtGui import QClipboard, QGuiApplication

from ..operations.changes import OpChanges
from ..policy import machine_policy
from ..vault import Vault, VaultLocked

DEFAULT_AUTO_LOCK_MINUTES = 5

_INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.InputMethod,
        QEvent.Type.TouchBegin,
    }
)


def auto_lock_minutes() -> int:
    chosen = setting_int("security/auto_lock_minutes", DEFAULT_AUTO_LOCK_MINUTES)
    return machine_policy().lock_minutes(chosen)  # (never longer than IT allows)


def setting_int(key: str, default: int) -> int:
    value = QSettings().value(key, default)
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return default


class Session(QObject):
    """The vault while it is unlocked. `lock()` forgets it, and tells everyone."""

    changed = Signal(object)  # OpChanges
    unlocked = Signal()
    locked = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.vault: Vault | None = None
        self.idle_timer = QTimer(self)
        self.idle_timer.setSingleShot(True)
        self.idle_timer.timeout.connect(self.lock)
        self._clipboard_text: str | None = None
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.installEventFilter(self)
            app.applicationStateChanged.connect(self._application_state)

    # -- the vault -------------------------------------------------------------------------

    @property
    def is_unlocked(self) -> bool:
        return self.vault is not None

    def require(self) -> Vault:
        if self.vault is None:
            raise VaultLocked("locked")
        return self.vault

    def open(self, vault: Vault) -> None:
        self.vault = vault
        self.restart_idle_timer()
        self.unlocked.emit()

    def lock(self) -> None:
        """Forget the vault; screens drop every value they show (the `locked` signal)."""
        self.idle_timer.stop()
        if self.vault is None:
            return
        vault, self.vault = self.vault, None
        self.locked.emit()
        self.clear_clipboard()
        with contextlib.suppress(VaultLocked):
            vault.close()

    def notify(self, changes: OpChanges) -> None:
        self.changed.emit(changes)

    # -- idle ------------------------------------------------------------------------------

    def restart_idle_timer(self, minutes: float | None = None) -> None:
        if self.vault is None:
            return
        minutes = auto_lock_minutes() if minutes is None else minutes
        self.idle_timer.start(int(minutes * 60_000))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT_EVENTS and self.vault is not None and self.idle_timer.isActive():
            self.idle_timer.start()  # same interval: any input resets the idle time
        return False

    def _application_state(self, state: Any) -> None:
        # Qt says Suspended where the platform reports the machine going to sleep.
        from PySide6.QtCore import Qt

        if state == Qt.ApplicationState.ApplicationSuspended:
            self.lock()

    # -- clipboard -------------------------------------------------------------------------

    def copy(self, text: str) -> None:
        """Put a value on the clipboard; lock takes it off again if it is still there."""
        clipboard = QGuiApplication.clipboard()
        clipboard.setText(text, QClipboard.Mode.Clipboard)
        self._clipboard_text = text

    def clear_clipboard(self) -> None:
        if self._clipboard_text is None:
            return
        clipboard = QGuiApplication.clipboard()
        if clipboard.text(QClipboard.Mode.Clipboard) == self._clipboard_text:
            clipboard.clear(QClipboard.Mode.Clipboard)
        self._clipboard_text = None


# The demo's records lie in FY2024–2025: its screenshots look at them from a day inside.
pinned_today: date | None = None


def today() -> date:
    return pinned_today or date.today()
