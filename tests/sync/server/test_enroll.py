"""Enrollment with a password, device tokens, revocation and throttled logins."""

from __future__ import annotations

import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from marugoto_sync.server import passwords
from marugoto_sync.server.storage import DeviceEnded, Storage
from marugoto_sync.server.tables import devices
from marugoto_sync.server.throttle import PER_ADDRESS, PER_USER

from .support import HEADERS, PASSWORD, Api, assert_error


def test_enrollment_gives_a_token_that_authenticates_the_device(api: Api) -> None:
    api.add_user("aiko", ["mure", "shoga"])
    response = api.enroll_response("aiko", device_name="Aiko's laptop")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"device_id", "token", "user", "role", "areas"}
    assert (body["user"], body["role"], body["areas"]) == ("aiko", "consultant", ["mure", "shoga"])
    assert len(body["token"]) >= 43  # 32 random bytes, urlsafe base64

    status = api.client.get(
        "/v1/status", headers={**HEADERS, "Authorization": f"Bearer {body['token']}"}
    )
    assert status.status_code == 200
    assert status.json() == {
        "user": "aiko",
        "role": "consultant",
        "areas": ["mure", "shoga"],
        "device_id": body["device_id"],
        "server_time": int(api.clock() * 1000),
        "head": 0,
        "log_intact": None,
        "retiring": False,
    }


def test_the_server_keeps_only_the_sha256_of_a_token(api: Api) -> None:
    api.add_user("aiko", ["mure"])
    device = api.enroll("aiko")
    with api.storage.engine.connect() as conn:
        stored = conn.execute(select(devices.c.token_sha256)).scalars().all()
    assert stored == [hashlib.sha256(device.token.encode()).hexdigest()]
    assert device.token not in stored


def test_each_enrollment_is_a_new_device_with_its_own_token(api: Api) -> None:
    api.add_user("aiko", ["mure"])
    first, second = api.enroll("aiko"), api.enroll("aiko")
    assert first.device_id != second.device_id
    assert first.token != second.token
    assert first.get("/v1/status").json()["device_id"] == first.device_id
    assert second.get("/v1/status").json()["device_id"] == second.device_id


def test_wrong_password_and_unknown_user_get_the_same_answer(api: Api) -> None:
    api.add_user("aiko", ["mure"])
    wrong = assert_error(api.enroll_response("aiko", "not the password"), 401, "bad_credentials")
    unknown = assert_error(api.enroll_response("nobody"), 401, "bad_credentials")
    assert wrong["message"] == unknown["message"]


def test_a_missing_or_unknown_token_is_unauthorized(api: Api) -> None:
    api.add_user("aiko", ["mure"])
    api.enroll("aiko")
    for headers in (
        HEADERS,
        {**HEADERS, "Authorization": "Bearer not-a-token"},
        {**HEADERS, "Authorization": "Basic YWlrbzpzZWNyZXQ="},
    ):
        for method, path in (("GET", "/v1/status"), ("GET", "/v1/changes"), ("POST", "/v1/push")):
            response = api.client.request(
                method, path, headers=headers, json={"changes": []} if method == "POST" else None
            )
            assert_error(response, 401, "unauthorized")


def test_a_revoked_device_is_refused_and_told_to_wipe(api: Api) -> None:
    api.add_user("aiko", ["mure"])
    lost, kept = api.enroll("aiko", device_name="lost"), api.enroll("aiko", device_name="kept")
    assert lost.get("/v1/status").status_code == 200
    api.storage.revoke_device(lost.device_id, datetime.now(UTC))

    assert_error(lost.get("/v1/status"), 401, "device_revoked")
    assert_error(lost.get("/v1/changes"), 401, "device_revoked")
    assert_error(lost.post("/v1/push", {"changes": []}), 401, "device_revoked")
    # The user's other laptop goes on syncing.
    assert kept.get("/v1/status").status_code == 200


def test_a_device_that_retires_gives_up_its_token_and_counts_no_more(api: Api) -> None:
    api.add_user("aiko", ["mure"])
    old, new = api.enroll("aiko", device_name="old"), api.enroll("aiko", device_name="new")
    assert [u.active_devices for u in api.storage.users()] == [2]
    assert old.post("/v1/retire", None).json() == {"device_id": old.device_id}

    assert_error(old.get("/v1/status"), 401, "device_retired")
    assert_error(old.post("/v1/push", {"changes": []}), 401, "device_retired")
    assert_error(old.post("/v1/retire", None), 401, "device_retired")
    assert [u.active_devices for u in api.storage.users()] == [1]
    assert {d.id: d.status for d in api.storage.devices()} == {
        old.device_id: "retired",
        new.device_id: "active",
    }
    # Revoking it afterwards changes nothing: it ended already.
    assert api.storage.revoke_device(old.device_id, datetime.now(UTC)).status == "retired"
    assert new.get("/v1/status").json()["retiring"] is False


def test_a_retiring_device_hands_its_place_only_to_an_active_device_of_its_user(
    api: Api,
) -> None:
    api.add_user("aiko", ["mure"])
    api.add_user("kumi", ["mure"])
    old, new, other = api.enroll("aiko"), api.enroll("aiko"), api.enroll("kumi")

    def replaces(device_id: str) -> str | None:
        with api.storage.engine.connect() as conn:
            found = conn.execute(select(devices.c.replaces).where(devices.c.id == device_id))
            return found.scalar()

    # Another user's device, itself, or one unknown: refused, and the device stays active.
    for successor in (other.device_id, old.device_id, "01932b6e-7a40-7c1e-9d0a-3f1c2b4a5d6e"):
        refused = old.post("/v1/retire", {"successor": successor})
        assert_error(refused, 409, "successor_refused")
        assert old.get("/v1/status").status_code == 200
    assert replaces(other.device_id) is None
    assert_error(old.post("/v1/retire", {"successor": "not an id"}), 400, "bad_request")
    # Its vault's new device: it takes the old one's place.
    assert old.post("/v1/retire", {"successor": new.device_id}).status_code == 200
    assert replaces(new.device_id) == old.device_id
    assert_error(old.get("/v1/status"), 401, "device_retired")
    # One that took over already takes over from no other.
    third = api.enroll("aiko")
    assert_error(third.post("/v1/retire", {"successor": new.device_id}), 409, "successor_refused")
    assert replaces(new.device_id) == old.device_id


def test_repeated_failed_logins_are_slowed_down_and_a_success_resets(api: Api) -> None:
    api.add_user("aiko", ["mure"])
    for _ in range(5):
        assert_error(api.enroll_response("aiko", "guess"), 401, "bad_credentials")

    # Even the right password is refused while the wait lasts: guessing gains nothing.
    refused = api.enroll_response("aiko")
    body = assert_error(refused, 429, "too_many_attempts")
    first_wait = body["retry_after"]
    assert first_wait > 0
    assert refused.headers["Retry-After"] == str(first_wait)

    api.clock.advance(first_wait)
    assert_error(api.enroll_response("aiko", "guess"), 401, "bad_credentials")
    second_wait = assert_error(api.enroll_response("aiko"), 429, "too_many_attempts")["retry_after"]
    assert second_wait == 2 * first_wait  # each further failure doubles the wait

    api.clock.advance(second_wait)
    assert api.enroll_response("aiko").status_code == 200
    # The count starts again from zero.
    for _ in range(5):
        assert_error(api.enroll_response("aiko", "guess"), 401, "bad_credentials")
    assert_error(api.enroll_response("aiko"), 429, "too_many_attempts")


def test_throttling_one_name_does_not_lock_out_the_office(api: Api) -> None:
    api.add_user("aiko", ["mure"])
    api.add_user("ken", ["mure"])
    for _ in range(6):
        api.enroll_response("aiko", "guess")
    assert_error(api.enroll_response("aiko"), 429, "too_many_attempts")
    # Ken connects from the same office address and is not held up by Aiko's typing.
    assert api.enroll_response("ken").status_code == 200


def test_guessing_across_many_names_from_one_address_is_slowed_down(api: Api) -> None:
    api.add_user("aiko", ["mure"])
    for n in range(20):
        assert_error(api.enroll_response(f"guess{n}", "guess"), 401, "bad_credentials")
    assert_error(api.enroll_response("aiko"), 429, "too_many_attempts")


def test_a_name_no_user_has_is_slowed_down_alike_so_answers_do_not_reveal_users(
    api: Api,
) -> None:
    api.add_user("aiko", ["mure"])
    answers = {}
    for name in ("aiko", "nobody"):
        seen = [api.enroll_response(name, "guess").status_code for _ in range(6)]
        blocked = assert_error(api.enroll_response(name, "guess"), 429, "too_many_attempts")
        answers[name] = (seen, blocked["message"], blocked["retry_after"])
    assert answers["aiko"] == answers["nobody"]
    assert answers["aiko"][0] == [401] * 5 + [429]


def test_a_success_resets_the_count_of_the_office_address(api: Api) -> None:
    api.add_user("aiko", ["mure"])
    for month in range(3):
        # Each month a few mistyped passwords from the office, then someone gets in.
        for n in range(8):
            assert_error(api.enroll_response(f"typo{month}{n}", "guess"), 401, "bad_credentials")
        assert api.enroll_response("aiko").status_code == 200
    # 24 failures in all, never 20 in a row: nobody waits.
    assert_error(api.enroll_response("typo", "guess"), 401, "bad_credentials")


def test_a_login_finding_every_place_in_the_queue_taken_is_refused_at_once_as_busy(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    api.add_user("aiko", ["mure"])
    queue = passwords.Argon2Queue(workers=1, waiting=0)
    monkeypatch.setattr(passwords, "QUEUE", queue)
    for _ in range(PER_USER.free_failures + 1):
        with queue.place():  # another login is being checked
            refused = api.enroll_response("aiko", "guess")
        body = assert_error(refused, 503, "busy")
        assert body["retry_after"] == passwords.BUSY_RETRY_AFTER_S > 0
        assert refused.headers["Retry-After"] == str(body["retry_after"])
    # Nothing was checked, so nothing was counted: the name is not slowed down.
    assert api.enroll_response("aiko").status_code == 200


def test_a_hash_made_with_other_parameters_is_replaced_at_the_next_login(api: Api) -> None:
    old = passwords.hash_password(PASSWORD, passwords.Argon2Cost(64, 1, lanes=4))
    api.storage.add_user("aiko", "consultant", ["mure"], old, datetime.now(UTC))
    api.enroll("aiko")
    candidate = api.storage.login_candidate("aiko")
    assert candidate is not None and candidate.password_hash != old
    assert not passwords.needs_rehash(candidate.password_hash)
    api.enroll("aiko")
    assert_error(api.enroll_response("aiko", "guess"), 401, "bad_credentials")


def test_two_servers_counting_attempts_at_once_let_no_more_through_than_allowed(
    api: Api,
) -> None:
    api.add_user("aiko", ["mure"])
    other = Storage.open(api.database_url)  # a second server process on the same database
    at = datetime.now(UTC)

    def let_through(attempts: list[tuple[str, str]]) -> int:
        start = threading.Barrier(len(attempts))

        def attempt(n: int) -> bool:
            start.wait()
            name, address = attempts[n]
            storage = (api.storage, other)[n % 2]
            return storage.count_login_attempt(name, address, at) is None

        with ThreadPoolExecutor(len(attempts)) as pool:
            return sum(pool.map(attempt, range(len(attempts))))

    try:
        per_user = [("aiko", f"192.0.2.{n}") for n in range(30)]
        assert let_through(per_user) == PER_USER.free_failures
        per_address = [(f"guess{n}", "198.51.100.1") for n in range(30)]
        assert let_through(per_address) == PER_ADDRESS.free_failures
    finally:
        other.close()


def test_a_request_to_retire_taken_back_leaves_the_device_active(api: Api) -> None:
    api.add_user("aiko", ["mure"])
    laptop = api.enroll("aiko")
    api.storage.request_retirement(laptop.device_id, datetime.now(UTC))
    assert laptop.get("/v1/status").json()["retiring"] is True
    device, cancelled = api.storage.cancel_retirement(laptop.device_id[:8])
    assert (device.status, cancelled) == ("active", True)
    assert laptop.get("/v1/status").json()["retiring"] is False
    # The laptop had read "retiring" before the office took it back: its retirement as asked
    # is refused, and its token still works.
    assert_error(laptop.post("/v1/retire", {"as_asked": True}), 409, "retire_cancelled")
    assert laptop.get("/v1/status").status_code == 200
    assert api.storage.device(laptop.device_id).status == "active"
    assert api.storage.cancel_retirement(laptop.device_id) == (device, False)  # nothing asked

    # Asked again, it retires as asked; then there is nothing left to take back.
    api.storage.request_retirement(laptop.device_id, datetime.now(UTC))
    assert laptop.post("/v1/retire", {"as_asked": True}).json() == {"device_id": laptop.device_id}
    with pytest.raises(DeviceEnded):
        api.storage.cancel_retirement(laptop.device_id)
    assert api.storage.device(laptop.device_id).status == "retired"

    # A vault enrolled again retires its old device without any request (enroll --replace).
    replaced = api.enroll("aiko")
    assert replaced.post("/v1/retire", None).json() == {"device_id": replaced.device_id}
