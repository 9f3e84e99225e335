"""Sync that starts by itself once the office server answers (設定), against a real server.

The server is `marugoto-sync serve` over HTTPS on loopback (tests/sync/test_end_to_end.py),
on SQLite and on PostgreSQL. Between the laptop and it sits a TCP relay on loopback that
the test switches off and on: the laptop leaving and reaching the office network.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from pathlib import Path
from urllib.parse import urlsplit

from PySide6.QtCore import QSettings, Qt

from marugoto_desktop.operations import sync as syncing
from marugoto_desktop.operations.home import unsynced_changes
from marugoto_desktop.operations.records import create_record
from marugoto_desktop.ui.windows import MainWindow
from marugoto_desktop.vault import KdfParams, Vault

from ..conftest import PASSPHRASE
from ..sync.conftest import _cheap_password_hashing, database_url, fresh_postgresql_url
from ..sync.test_end_to_end import PASSWORD, Office, office

__all__ = ["_cheap_password_hashing", "database_url", "fresh_postgresql_url", "office"]


class Relay:
    """Forwards TCP connections on a loopback port to the server's; while off, it closes
    each connection at once, as a network that does not reach the server."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.on = False
        self.connections = 0
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.2)
        self.port = self._server.getsockname()[1]
        self._stop = threading.Event()
        self._sockets: list[socket.socket] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            if not self.on:
                client.close()
                continue
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            self._sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)

    def close(self) -> None:
        self._stop.set()
        self._server.close()
        for sock in self._sockets:
            with contextlib.suppress(OSError):
                sock.close()


def _laptop_behind(relay: Relay, tmp_path: Path, office: Office) -> Vault:
    vault = Vault.create(tmp_path / "aiko", PASSPHRASE, kdf=KdfParams())
    relay.on = True
    syncing.enroll(vault, f"https://localhost:{relay.port}", "aiko", PASSWORD, ca_file=office.ca)
    relay.on = False  # out of the office
    create_record(vault, "household", {"name": "牟礼家", "status": "active"}, area="mure")
    return vault


def _window(qtbot, vault: Vault) -> MainWindow:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    auto = window.auto_sync
    auto.first_check_ms, auto.check_ms, auto.timeout_s = 50, 150, 2.0
    window.open_vault(vault)
    return window


def test_sync_starts_by_itself_once_the_server_answers(qtbot, tmp_path: Path, office: Office):
    relay = Relay(urlsplit(office.url).port or 0)
    try:
        aiko = _laptop_behind(relay, tmp_path, office)
        QSettings().setValue("sync/auto", True)
        window = _window(qtbot, aiko)
        auto = window.auto_sync
        started: list[bool] = []
        # (after the window's own slot: whether that started the 同期 screen's sync, shown
        # in the busy indicator)
        auto.wanted.connect(
            lambda: started.append(window.workspace.sync.running and window.busy.running)
        )

        qtbot.waitUntil(lambda: auto.checks >= 3, timeout=20_000)  # no answer yet
        assert started == [] and syncing.last_sync(aiko) is None
        assert window.workspace.built_page("sync") is None

        relay.on = True  # at the office
        qtbot.waitUntil(lambda: started == [True], timeout=20_000)
        page = window.workspace.sync
        qtbot.waitUntil(lambda: not page.running, timeout=30_000)
        summary = syncing.last_sync(aiko)
        assert summary is not None and summary.ok and summary.pushed >= 1
        assert unsynced_changes(aiko) == 0
        assert page.status.text().startswith("送信 ")  # (what the button shows after a sync)

        # The server keeps answering: no second sync until it is lost and found again.
        checks = auto.checks
        qtbot.waitUntil(lambda: auto.checks >= checks + 3, timeout=20_000)
        assert started == [True]
        relay.on = False
        checks = auto.checks
        qtbot.waitUntil(lambda: auto.checks >= checks + 2, timeout=20_000)
        assert started == [True]
        relay.on = True
        qtbot.waitUntil(lambda: started == [True, True], timeout=20_000)
        qtbot.waitUntil(lambda: not page.running, timeout=30_000)

        # ... or until the set interval has passed.
        auto.again_ms = 0
        qtbot.waitUntil(lambda: started == [True] * 3, timeout=20_000)
        auto.again_ms = 10**9
        qtbot.waitUntil(lambda: not page.running, timeout=30_000)
        window.lock()
    finally:
        relay.close()


def test_sync_never_starts_by_itself_unless_allowed_in_the_settings(
    qtbot, tmp_path: Path, office: Office
):
    relay = Relay(urlsplit(office.url).port or 0)
    try:
        aiko = _laptop_behind(relay, tmp_path, office)
        relay.on, enrolment = True, relay.connections
        window = _window(qtbot, aiko)
        window.workspace.show_named("settings")
        settings = window.workspace.settings
        assert not settings.auto_sync.isChecked()  # off by default
        qtbot.wait(600)  # four checks' time
        assert relay.connections == enrolment and syncing.last_sync(aiko) is None

        # Allowed in 設定: the next check finds the server, and the sync starts.
        settings.auto_sync.setFocus()
        qtbot.keyClick(settings.auto_sync, Qt.Key.Key_Space)  # (a click may miss its text)
        assert settings.auto_sync.isChecked()
        qtbot.mouseClick(settings.save_button, Qt.MouseButton.LeftButton)
        assert QSettings().value("sync/auto") in (True, "true")
        qtbot.waitUntil(lambda: syncing.last_sync(aiko) is not None, timeout=20_000)
        qtbot.waitUntil(lambda: not window.workspace.sync.running, timeout=30_000)
        assert syncing.last_sync(aiko).ok

        # Locked, nothing is asked any more.
        window.lock()
        connections = relay.connections
        qtbot.wait(600)
        assert relay.connections == connections
    finally:
        relay.close()
