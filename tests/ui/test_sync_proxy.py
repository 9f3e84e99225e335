"""The proxy of 設定 carries sync: enrolment and sync over HTTPS to a real server go through a
real HTTP CONNECT proxy on loopback (written here), and fail when that proxy is gone."""

from __future__ import annotations

import contextlib
import socket
import threading
from pathlib import Path
from urllib.parse import urlsplit

from PySide6.QtCore import Qt

from marugoto_desktop.operations import sync as syncing
from marugoto_desktop.operations.records import create_record
from marugoto_desktop.ui.windows import MainWindow
from marugoto_desktop.vault import KdfParams, Vault

from ..conftest import PASSPHRASE
from ..sync.conftest import _cheap_password_hashing, database_url, fresh_postgresql_url
from ..sync.test_end_to_end import PASSWORD, Office, laptop, office

__all__ = ["_cheap_password_hashing", "database_url", "fresh_postgresql_url", "office"]

LOOPBACK = {"localhost", "127.0.0.1", "::1"}


class ConnectProxy:
    """An HTTP proxy that knows only CONNECT, to loopback hosts alone: each tunnel it opens
    is recorded (host:port), then bytes are piped both ways until either side closes."""

    def __init__(self) -> None:
        self.tunnels: list[str] = []
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.2)
        self.port = self._server.getsockname()[1]
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._sockets: list[socket.socket] = []
        self._start(self._serve)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _start(self, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._sockets.append(client)
            self._start(self._tunnel, client)

    def _tunnel(self, client: socket.socket) -> None:
        client.settimeout(10)
        head = b""
        while b"\r\n\r\n" not in head and len(head) < 8192:
            chunk = client.recv(1024)
            if not chunk:
                client.close()
                return
            head += chunk
        method, target, _ = head.split(b"\r\n", 1)[0].decode("ascii").split(" ", 2)
        host, _, port = target.rpartition(":")
        if method != "CONNECT" or host.strip("[]") not in LOOPBACK:
            client.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
            client.close()
            return
        self.tunnels.append(target)
        upstream = socket.create_connection(("127.0.0.1", int(port)), timeout=10)
        self._sockets.append(upstream)
        client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        client.settimeout(None)
        upstream.settimeout(None)
        self._start(self._pipe, upstream, client)
        self._pipe(client, upstream)

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        for s in (source, sink):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self._stop.set()
        self._server.close()
        for s in self._sockets:
            with contextlib.suppress(OSError):
                s.close()
        for thread in self._threads:
            thread.join(timeout=5)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_enrolment_and_sync_go_through_the_proxy_of_the_settings(
    qtbot, tmp_path: Path, office: Office
) -> None:
    ken = laptop(tmp_path, "ken", office)
    household = create_record(
        ken, "household", {"name": "代理家", "status": "active"}, area="mure"
    ).record
    syncing.sync(ken)  # (straight to the server)
    aiko = Vault.create(tmp_path / "aiko", PASSPHRASE, kdf=KdfParams())
    proxy = ConnectProxy()
    try:
        window = MainWindow()
        qtbot.addWidget(window)
        window.show()
        window.open_vault(aiko)
        workspace = window.workspace
        workspace.show_named("settings")
        settings = workspace.settings
        settings.proxy.setText("proxy:port")  # no port: refused, in Japanese
        settings.save()
        assert settings.message.text().startswith("プロキシは「ホスト名:ポート番号」の形で")
        settings.proxy.setText(f"127.0.0.1:{proxy.port}")  # as people write it
        settings.save()
        assert settings.message.text() == "保存しました。"

        workspace.show_named("sync")
        page = workspace.sync
        page.server.setText(office.url)
        page.user.setText("aiko")
        page.password.setText(PASSWORD)
        page.ca_file.setText(str(office.ca))
        qtbot.mouseClick(page.enrol_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: page.sync_button.isEnabled(), timeout=30_000)
        server = urlsplit(office.url)
        assert proxy.tunnels == [f"{server.hostname}:{server.port}"]

        qtbot.mouseClick(page.sync_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: page._operation is None, timeout=30_000)
        assert page.status.text().startswith("送信 "), page.status.text()
        assert aiko.get(household.id).fields["name"] == "代理家"
        assert len(proxy.tunnels) >= 2  # the sync's own connection, through the proxy

        # With the proxy gone, sync cannot reach the server (it never goes around it).
        dead = _free_port()
        workspace.show_named("settings")
        settings.proxy.setText(f"http://127.0.0.1:{dead}")
        settings.save()
        workspace.show_named("sync")
        qtbot.mouseClick(page.sync_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: page._operation is None, timeout=30_000)
        assert "サーバーに接続できません" in page.status.text()
        window.lock()
    finally:
        proxy.close()
        ken.close()


def test_a_proxy_is_read_as_people_write_it() -> None:
    from marugoto_desktop.ui.settings_page import proxy_url

    assert proxy_url("proxy.city.lg.jp:8080") == "http://proxy.city.lg.jp:8080"
    assert proxy_url("  ") is None
    assert proxy_url("http://:8080") == ""
    assert proxy_url("proxy:port") == ""
