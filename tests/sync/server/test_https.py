"""The server as operators run it: `marugoto-sync serve` over HTTPS with a dev-cert chain."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from marugoto_sync.server.cli import main

from .serving import served
from .support import HEADERS, PASSWORD


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
    # As operators run it: the real password cost.
    with served(database_url, tmp_path, cheap_hashing=False) as server:
        yield server.url, server.ca


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
