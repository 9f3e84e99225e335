"""Lock the vault when the desktop session locks, the screen saver starts or the machine is
about to sleep, as the desktop reports them over D-Bus (Linux): logind's PrepareForSleep and
the session's Lock, and the screen saver's ActiveChanged. Where there is no D-Bus (Windows,
macOS, a bare server) nothing is watched; the idle timer and Qt's own suspend notice remain.
"""

from __future__ import annotations

import os
from typing import Any

from PySide6.QtCore import SLOT, QObject, Signal, Slot

from .session import Session

LOGIN1 = "org.freedesktop.login1"
LOGIN1_PATH = "/org/freedesktop/login1"
MANAGER = "org.freedesktop.login1.Manager"
LOGIN_SESSION = "org.freedesktop.login1.Session"
# KDE, Xfce and others speak the freedesktop interface; GNOME its own, of the same shape.
SCREEN_SAVERS = ("org.freedesktop.ScreenSaver", "org.gnome.ScreenSaver")


def login_session_path(session_id: str) -> str:
    """logind's object path of a session (systemd's bus path escaping: `3` is `_33`); "" for
    none, which listens to every session."""
    if not session_id:
        return ""
    escaped = "".join(
        c if c.isascii() and c.isalnum() and not (i == 0 and c.isdigit()) else f"_{ord(c):02x}"
        for i, c in enumerate(session_id)
    )
    return f"{LOGIN1_PATH}/session/{escaped}"


def _dbus() -> Any:
    """QtDBus, where this build of Qt has it."""
    try:
        from PySide6 import QtDBus
    except ImportError:  # (a Qt without D-Bus: Windows, macOS)
        return None
    return QtDBus


class SystemLockWatch(QObject):
    """Listens on the session and system buses; any of the three events locks the session."""

    triggered = Signal(str)  # why: "sleep", "session" or "screensaver"

    def __init__(
        self,
        session: Session,
        *,
        session_bus: Any = None,
        system_bus: Any = None,
        parent: QObject | None = None,
    ) -> None:
        """The buses are the desktop's by default (tests pass a private one)."""
        super().__init__(parent)
        self.session = session
        self._session_bus = session_bus
        self._system_bus = system_bus
        self.watching: list[str] = []  # what is being listened to, for a person to check

    def start(self) -> bool:
        """Listen where a bus answers; False where there is none (nothing to do then)."""
        dbus = _dbus()
        if dbus is None:
            return False
        system = self._system_bus or dbus.QDBusConnection.systemBus()
        desktop = self._session_bus or dbus.QDBusConnection.sessionBus()
        if system.isConnected():
            if system.connect(
                LOGIN1,
                LOGIN1_PATH,
                MANAGER,
                "PrepareForSleep",
                self,
                SLOT("prepare_for_sleep(bool)"),
            ):
                self.watching.append("PrepareForSleep")
            # Only this process's login session, where logind says which it is; else any
            # session's Lock (locking too often is safe, too seldom is not).
            if system.connect(
                LOGIN1, self._session_path(), LOGIN_SESSION, "Lock", self,
                SLOT("session_locked()"),
            ):  # fmt: skip
                self.watching.append("Lock")
        if desktop.isConnected():
            for interface in SCREEN_SAVERS:
                if desktop.connect(
                    "", "", interface, "ActiveChanged", self, SLOT("screensaver_active(bool)")
                ):
                    self.watching.append(f"{interface}.ActiveChanged")
        return bool(self.watching)

    @staticmethod
    def _session_path() -> str:
        return login_session_path(os.environ.get("XDG_SESSION_ID", ""))

    # -- the events ------------------------------------------------------------------------

    @Slot(bool)
    def prepare_for_sleep(self, sleeping: bool) -> None:
        """logind: True before the machine sleeps (False after it wakes)."""
        if sleeping:
            self._lock("sleep")

    @Slot()
    def session_locked(self) -> None:
        """logind: the desktop session was locked (the lock screen is up)."""
        self._lock("session")

    @Slot(bool)
    def screensaver_active(self, active: bool) -> None:
        """The screen saver started (True) or stopped."""
        if active:
            self._lock("screensaver")

    def _lock(self, why: str) -> None:
        if self.session.is_unlocked:
            self.triggered.emit(why)
        self.session.lock()
