"""`marugoto-sync serve` in its own process, over HTTPS on a free loopback port, and bursts of
requests sent to it at the same moment."""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from marugoto_sync.server.cli import main

from .support import HEADERS, PASSWORD

# Long enough for a loaded machine, short enough that a hung server fails the test.
REQUEST_TIMEOUT_S = 60.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _server_code(cpus: int | None, cheap_hashing: bool) -> str:
    lines = [
        "import os",
        # Waits of minutes after the free failures, so that a test finds a block still on
        # however slowly the machine runs it.
        "from marugoto_sync.server import throttle",
        "throttle.PER_USER = throttle.Backoff(free_failures=5, first_delay_s=600)",
        "throttle.PER_ADDRESS = throttle.Backoff(free_failures=20, first_delay_s=600)",
    ]
    if cpus is not None:
        # As on a host with this many CPUs: OpenSSL sizes its Argon2 thread pool from them.
        lines.append(f"os.sched_setaffinity(0, sorted(os.sched_getaffinity(0))[:{cpus}])")
    if cheap_hashing:
        lines += [
            "from marugoto_sync.server import passwords",
            "passwords.DEFAULT_COST = passwords.Argon2Cost(memory_kib=64, iterations=1)",
        ]
    lines.append("from marugoto_sync.server.cli import main; raise SystemExit(main())")
    return "\n".join(lines)


@dataclass
class Served:
    url: str
    ca: Path
    process: subprocess.Popen[bytes]

    def client(self) -> httpx.Client:
        context = ssl.create_default_context(cafile=str(self.ca))
        limits = httpx.Limits(max_connections=200, max_keepalive_connections=0)
        return httpx.Client(
            base_url=self.url,
            verify=context,
            headers=HEADERS,
            timeout=REQUEST_TIMEOUT_S,
            limits=limits,
        )


@contextmanager
def served(
    database_url: str,
    folder: Path,
    *options: str,
    cpus: int | None = None,
    cheap_hashing: bool = True,
    port: int | None = None,
) -> Iterator[Served]:
    """`serve` on `database_url` with a dev-cert chain made in `folder` (valid for localhost
    and 127.0.0.1 too); killed at the end if it has not stopped by then. `port`: a given one
    (to start a server again where its laptops know it), else a free one."""
    certs = folder / "certs"
    if not certs.exists():
        assert main(["dev-cert", "--out", str(certs), "--host", "sync.example"]) == 0
    port = port or _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            _server_code(cpus, cheap_hashing),
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
            *options,
        ],
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, "the server exited"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)
        yield Served(f"https://127.0.0.1:{port}", certs / "ca.pem", process)
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()  # a hung server must not hang the test run
                process.wait()


def login_body(user: str = "aiko", password: str = PASSWORD) -> dict[str, str]:
    return {"user": user, "password": password, "device_name": "pc"}


def at_once(
    client: httpx.Client,
    requests: Sequence[dict[str, Any]],
    on_answer: Callable[[httpx.Response], None] | None = None,
) -> list[httpx.Response]:
    """POST each request (`json`, optional `headers`) to /v1/enroll, all released together."""
    start = threading.Barrier(len(requests))

    def send(request: dict[str, Any]) -> httpx.Response:
        start.wait()
        response = client.post(
            "/v1/enroll", json=request["json"], headers=request.get("headers", {})
        )
        if on_answer is not None:
            on_answer(response)
        return response

    with ThreadPoolExecutor(len(requests)) as pool:
        return list(pool.map(send, requests))
