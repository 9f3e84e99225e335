"""Many logins at once against `marugoto-sync serve` over HTTPS, as an attacker sends them:
they neither hang the server nor get more passwords checked than the throttle allows."""

from __future__ import annotations

import contextlib
import signal
import subprocess
import threading
from datetime import UTC, datetime
from pathlib import Path

import httpx

from marugoto_sync.server.passwords import Argon2Cost, hash_password
from marugoto_sync.server.storage import Storage
from marugoto_sync.server.throttle import PER_ADDRESS, PER_USER

from .serving import at_once, login_body, served
from .support import PASSWORD

# A hash as `user add` made them before one lane became the rule: four lanes, which OpenSSL
# computes on its thread pool (small here, so that the test is quick when nothing hangs).
FOUR_LANES = Argon2Cost(memory_kib=8 * 1024, iterations=1, lanes=4)


def add_user(database_url: str, name: str = "aiko", cost: Argon2Cost | None = None) -> None:
    storage = Storage.open(database_url)
    try:
        storage.add_user(
            name, "consultant", ["mure"], hash_password(PASSWORD, cost), datetime.now(UTC)
        )
    finally:
        storage.close()


def test_forty_logins_at_once_on_two_cpus_hang_nothing_and_a_login_then_succeeds(
    database_url: str, tmp_path: Path
) -> None:
    add_user(database_url, cost=FOUR_LANES)
    with served(database_url, tmp_path, cpus=2) as server, server.client() as client:
        answers = at_once(client, [{"json": login_body()}] * 40)
        statuses = [a.status_code for a in answers]
        # Each is checked, or refused at once (too many being checked for the name, or
        # waiting already): none hangs.
        assert set(statuses) <= {200, 429, 503}, statuses
        assert 200 in statuses
        for busy in (a for a in answers if a.status_code == 503):
            assert busy.json()["code"] == "busy"
            assert int(busy.headers["Retry-After"]) == busy.json()["retry_after"] > 0

        assert client.post("/v1/enroll", json=login_body()).status_code == 200


def test_sigterm_stops_the_server_while_logins_are_in_flight(
    database_url: str, tmp_path: Path
) -> None:
    add_user(database_url, cost=FOUR_LANES)
    first_answer = threading.Event()
    answers: list[httpx.Response] = []

    def on_answer(response: httpx.Response) -> None:
        answers.append(response)
        first_answer.set()

    # Full-cost hashing in the server: the logins take seconds, so some are still running.
    with served(database_url, tmp_path, cpus=2, cheap_hashing=False) as server:
        with server.client() as client:

            def send() -> None:
                # Requests cut short by the shutdown fail: what matters is that it stops.
                with contextlib.suppress(httpx.HTTPError):
                    at_once(client, [{"json": login_body()}] * 40, on_answer)

            sender = threading.Thread(target=send)
            sender.start()
            assert first_answer.wait(timeout=60), "no login was answered"
            in_flight = 40 - len(answers)
            server.process.send_signal(signal.SIGTERM)
            try:
                server.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                raise AssertionError("the server did not stop within 60 s of SIGTERM") from None
            finally:
                sender.join()
        assert in_flight > 0
        # uvicorn ends by raising the signal again once it has shut down.
        assert server.process.returncode in (0, -signal.SIGTERM)


def test_wrong_passwords_sent_at_once_are_checked_no_more_than_the_throttle_allows(
    database_url: str, tmp_path: Path
) -> None:
    add_user(database_url)
    with served(database_url, tmp_path) as server, server.client() as client:
        answers = at_once(client, [{"json": login_body(password="guess")}] * 39)
        statuses = [a.status_code for a in answers]
        assert statuses.count(401) == PER_USER.free_failures, statuses
        assert set(statuses) <= {401, 429, 503}, statuses
        # The right password now is refused too: the name waits.
        refused = client.post("/v1/enroll", json=login_body())
        assert refused.status_code == 429, refused.text
        assert refused.json()["code"] == "too_many_attempts"


def test_guesses_at_many_names_sent_at_once_are_checked_no_more_than_the_address_allows(
    database_url: str, tmp_path: Path
) -> None:
    add_user(database_url)
    with served(database_url, tmp_path) as server, server.client() as client:
        checked, rounds = 0, 0
        # Rounds of guesses at once, until none is checked any more (some are refused as busy
        # rather than counted, so one round may not reach the block).
        while rounds < 10:
            guesses = [{"json": login_body(f"guess{rounds}x{n}", "guess")} for n in range(39)]
            statuses = [a.status_code for a in at_once(client, guesses)]
            assert set(statuses) <= {401, 429, 503}, statuses
            checked, rounds = checked + statuses.count(401), rounds + 1
            if statuses.count(401) == 0 and 429 in statuses:
                break
        assert checked == PER_ADDRESS.free_failures
        refused = client.post("/v1/enroll", json=login_body())
        assert refused.status_code == 429, refused.text


def _forged_guesses(client: httpx.Client) -> None:
    for n in range(PER_ADDRESS.free_failures):
        forged = {"X-Forwarded-For": f"203.0.113.{n + 1}"}
        answer = client.post("/v1/enroll", json=login_body(f"guess{n}", "guess"), headers=forged)
        assert answer.status_code == 401, answer.text


def test_a_forged_forwarded_for_does_not_change_the_address_that_is_counted(
    database_url: str, tmp_path: Path
) -> None:
    add_user(database_url)
    with served(database_url, tmp_path) as server, server.client() as client:
        _forged_guesses(client)
        # Every guess counted against 127.0.0.1, whatever the header claimed.
        forged = {"X-Forwarded-For": "198.51.100.7"}
        refused = client.post("/v1/enroll", json=login_body(), headers=forged)
        assert refused.status_code == 429, refused.text


def test_a_trusted_proxy_names_the_client_address(database_url: str, tmp_path: Path) -> None:
    add_user(database_url)
    with (
        served(database_url, tmp_path, "--trusted-proxy", "127.0.0.1") as server,
        server.client() as client,
    ):
        _forged_guesses(client)
        # Each guess was counted against the address the proxy named: this one is fresh.
        other = {"X-Forwarded-For": "198.51.100.7"}
        assert client.post("/v1/enroll", json=login_body(), headers=other).status_code == 200
