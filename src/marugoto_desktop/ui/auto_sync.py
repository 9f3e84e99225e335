"""A sync that starts by itself once the office server answers (設定: off by default).

While the vault is unlocked and the person allowed it, a timer asks every minute, off the
GUI thread, whether the enrolled server answers (one status request with a short timeout:
operations.sync.server_answers). When it answers after not answering — the laptop has
arrived at the office — `wanted` is sent, and the window starts the same sync as the 同期
screen's button, with its progress, cancel and errors. While the server keeps answering it
is not started again until `again_ms` have passed since the last one.

The switch is kept in QSettings beside the proxy and the CA file, not in the vault: like them
it says how this computer reaches the network, not something about the records, and the
timer reads it on the GUI thread without taking the vault's lock.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from ..operations.sync import server_answers
from ..vault import Vault
from .background import BackgroundOperation, run_in_background
from .session import Session
from .settings_page import auto_sync_allowed, proxy_setting

CHECK_MS = 60_000  # how often the server is asked
FIRST_CHECK_MS = 5_000  # after unlock: the list is shown first
AGAIN_MS = 30 * 60_000  # a server that keeps answering is synced with this often
CHECK_TIMEOUT_S = 5.0


class AutoSync(QObject):
    """Watches for the office server while unlocked; `wanted` when a sync should start."""

    wanted = Signal()

    def __init__(self, session: Session, syncing: Callable[[], bool], parent: QObject) -> None:
        """`syncing()` says whether a sync runs now (then the server is not asked)."""
        super().__init__(parent)
        self.session = session
        self._syncing = syncing
        self.check_ms, self.first_check_ms, self.again_ms = CHECK_MS, FIRST_CHECK_MS, AGAIN_MS
        self.timeout_s = CHECK_TIMEOUT_S
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.check)
        self.checks = 0  # answers received (for tests and the curious)
        self._checking: BackgroundOperation | None = None
        self._answered = False  # at the last check
        self._started_at: float | None = None  # when `wanted` was last sent (monotonic)
        session.unlocked.connect(self._unlocked)
        session.locked.connect(self._locked)

    def _unlocked(self) -> None:
        # Unlocking is a fresh start: a server that answers now is one just arrived at.
        self._answered, self._started_at = False, None
        self.timer.start(self.first_check_ms)

    def _locked(self) -> None:
        self.timer.stop()
        self._answered = False

    def check(self) -> None:
        """Ask the server now (off the GUI thread), if allowed, enrolled and not syncing."""
        vault = self.session.vault
        if vault is None:
            return
        self.timer.start(self.check_ms)  # (the next one, whatever this one finds)
        if not auto_sync_allowed() or self._checking is not None or self._syncing():
            return
        proxy, timeout = proxy_setting(), self.timeout_s
        self._checking = run_in_background(
            lambda: server_answers(vault, proxy=proxy, timeout=timeout),
            lambda answers: self._checked(vault, bool(answers)),
            lambda _: self._checked(vault, False),  # (locked meanwhile, most likely)
        )

    def _checked(self, vault: Vault, answers: bool) -> None:
        self._checking = None
        if self.session.vault is not vault:
            return
        self.checks += 1
        arrived = answers and not self._answered
        self._answered = answers
        due = (
            self._started_at is not None
            and (time.monotonic() - self._started_at) * 1000 >= self.again_ms
        )
        if answers and (arrived or due) and auto_sync_allowed() and not self._syncing():
            self._started_at = time.monotonic()
            self.wanted.emit()
