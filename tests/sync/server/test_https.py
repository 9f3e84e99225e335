"""The server as operators run it: `marugoto-sync serve` over HTTPS with a dev-cert chain."""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from marugoto_sync.server.cli import main

from .support import HEADERS, PASSWORD


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def https_server(database_url: str, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    certs = tmp_path / "certs"
    assert main(["dev-cert", "--out", str(certs), "--host", "sync.example"]) == 0
    password_file = tmp_path / "pw"
    password_file.write_text(PASSWORD)
    assert (
        main(
            [
                "user",
                "add",
                "aiko",
                "--role",
                "consultant",
                "--area",
                "mure",
                "--password-file",
                str(password_file),
                "--database",
                database_url,
            ]
        )
        == 0
    )
    port = _free_port()
    code = "from marugoto_sync.server.cli import main; raise SystemExit(main())"
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            code,
            "serve",
            "--database",
            database_url,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--tls-cert",
            str(certs / "server.pem"),
            "--tls-key",
            str(certs / "server-key.pem"),
        ],
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            assert process.poll() is None, "the server exited"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)
        yield f"https://127.0.0.1:{port}", certs / "ca.pem"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_laptop_that_trusts_the_ca_enrolls_and_syncs_over_https(
    https_server: tuple[str, Path],
) -> None:
    url, ca = https_server
    context = ssl.create_default_context(cafile=str(ca))
    with httpx.Client(base_url=url, verify=context, headers=HEADERS, timeout=10) as client:
        enrolled = client.post(
            "/v1/enroll", json={"user": "aiko", "password": PASSWORD, "device_name": "pc"}
        )
        assert enrolled.status_code == 200, enrolled.text
        auth = {"Authorization": f"Bearer {enrolled.json()['token']}"}
        status = client.get("/v1/status", headers=auth)
        assert status.status_code == 200
        assert status.json()["areas"] == ["mure"]


def test_a_laptop_without_the_ca_refuses_the_server(https_server: tuple[str, Path]) -> None:
    url, _ca = https_server
    with (
        httpx.Client(base_url=url, headers=HEADERS, timeout=10) as client,
        pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"),
    ):
        client.get("/v1/status")
