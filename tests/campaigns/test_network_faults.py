"""Faults between a laptop and the office (issue 13), over real HTTPS: the connection cut in
the middle of a page, again and again, and the server killed (SIGKILL) during a push and
started again. Each sync that fails leaves the vault whole; the next completes; the laptops
end with the same records and the server holds each change once."""

from __future__ import annotations

import io
import random
import signal
import socket
import threading
from contextlib import suppress
from pathlib import Path

import pytest

from marugoto_desktop.operations import sync as syncing
from marugoto_desktop.operations.exchange import export_lines_to
from marugoto_desktop.operations.records import create_record
from marugoto_desktop.vault import KdfParams, Vault
from marugoto_sync.client import SyncError
from marugoto_sync.server.cli import main as sync_admin

from ..conftest import PASSPHRASE
from ..sync.server.serving import served
from .test_kills import PASSWORD


class CuttingRelay:
    """A loopback TCP relay in front of the server that, while `budget` is set, closes each
    connection after that many bytes of the server's answer (TLS passes through untouched)."""

    def __init__(self, target_port: int) -> None:
        self.target = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.budget: int | None = None
        self.cuts = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.target))
            budget = self.budget
            threading.Thread(target=self._pipe, args=(client, server, None), daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, client, budget), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket, budget: int | None) -> None:
        sent = 0
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                if budget is not None and sent + len(data) >= budget:
                    sink.sendall(data[: budget - sent])
                    self.cuts += 1
                    break
                sink.sendall(data)
                sent += len(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()

    def close(self) -> None:
        self.listener.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def office(tmp_path: Path, database_url: str) -> tuple[str, Path]:
    password_file = tmp_path / "password.txt"
    password_file.write_text(PASSWORD, encoding="utf-8")
    for user in ("aiko", "ken"):
        assert sync_admin(["user", "add", user, "--role", "consultant", "--area", "mure",
                           "--password-file", str(password_file),
                           "--database", database_url]) == 0  # fmt: skip
    return database_url, tmp_path / "server"


def _laptop(folder: Path, url: str, user: str, ca: Path) -> Vault:
    vault = Vault.create(folder, PASSPHRASE, kdf=KdfParams())
    syncing.enroll(vault, url, user, PASSWORD, ca_file=ca)
    return vault


def _write(vault: Vault, count: int, tag: str) -> None:
    for n in range(count):
        fields = {"name": f"世帯 {tag}-{n}", "status": "active", "phone": f"087-{n:04d}"}
        create_record(vault, "household", fields, area="mure")


def _export(vault: Vault) -> str:
    out = io.StringIO()
    export_lines_to(vault, out)
    return out.getvalue()


def test_a_connection_cut_in_the_middle_of_pages_loses_nothing(
    tmp_path: Path, office: tuple[str, Path]
) -> None:
    database_url, folder = office
    port = _free_port()
    with served(database_url, folder, port=port) as server:
        relay = CuttingRelay(port)
        ca = server.ca
        writer = _laptop(tmp_path / "writer", f"https://localhost:{port}", "aiko", ca)
        reader = _laptop(tmp_path / "reader", f"https://localhost:{relay.port}", "ken", ca)
        rng = random.Random(29)
        failed = 0
        # Each round the writer sends ~800 changes; the reader pulls them through a connection
        # cut after a random number of bytes of the answers: inside a page, a TLS record, the
        # headers.
        for round_ in range(12):
            _write(writer, 200, f"w{round_}")
            syncing.sync(writer)
            relay.budget = rng.randrange(200, 60_000)
            try:
                syncing.sync(reader)
            except SyncError:
                failed += 1
            reader.integrity_check()
        relay.budget = None
        syncing.sync(reader)
        assert failed >= 6 and relay.cuts >= failed, (failed, relay.cuts)
        assert _export(reader) == _export(writer)
        relay.close()
        writer.close()
        reader.close()


def test_a_server_killed_during_a_push_loses_and_doubles_nothing(
    tmp_path: Path, office: tuple[str, Path]
) -> None:
    database_url, folder = office
    port = _free_port()
    url = f"https://localhost:{port}"
    rng = random.Random(31)
    kills = 0
    with served(database_url, folder, port=port) as server:
        writer = _laptop(tmp_path / "writer", url, "aiko", server.ca)
        reader = _laptop(tmp_path / "reader", url, "ken", server.ca)
    for round_ in range(6):
        _write(writer, 400, f"r{round_}")  # ~1,600 changes: two pushes of 1,000
        with served(database_url, folder, port=port) as server:
            process = server.process
            killer = threading.Timer(rng.uniform(0.05, 0.6), process.send_signal, [signal.SIGKILL])
            killer.start()
            with suppress(SyncError):
                syncing.sync(writer)
            killer.join()
            kills += process.poll() == -signal.SIGKILL
        writer.integrity_check()
    with served(database_url, folder, port=port):
        syncing.sync(writer)
        syncing.sync(reader)
        assert writer.outbox_size() == 0
        assert _export(reader) == _export(writer)
        assert reader.count("household") == 6 * 400
    assert kills >= 3, kills
    writer.close()
    reader.close()
