"""One-time codes (TOTP) at enrollment: the RFC's test vectors, the code each enrollment of a
user with TOTP needs, replays, the login throttle, and the office's policy."""

from __future__ import annotations

import base64
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import httpx
import pytest
from alembic import command
from sqlalchemy import inspect, select, text

from marugoto_sync.server import totp
from marugoto_sync.server.app import create_app
from marugoto_sync.server.database import create_database_engine
from marugoto_sync.server.migrations import alembic_config
from marugoto_sync.server.passwords import hash_password
from marugoto_sync.server.storage import StorageError
from marugoto_sync.server.tables import users

from .support import HEADERS, PASSWORD, Api, TestClient, assert_error

# RFC 6238 appendix B: the SHA-1 seed and its 8-digit codes at these times.
RFC_SEED = base64.b32encode(b"12345678901234567890").decode()
RFC_VECTORS = [
    (59, "94287082"),
    (1111111109, "07081804"),
    (1111111111, "14050471"),
    (1234567890, "89005924"),
    (2000000000, "69279037"),
    (20000000000, "65353130"),
]


@pytest.mark.parametrize(("at", "expected"), RFC_VECTORS)
def test_codes_are_those_of_rfc_6238(at: int, expected: str) -> None:
    assert totp.code_at(RFC_SEED, at, digits=8) == expected
    # Six digits, as apps show them: the same number, its last six digits.
    assert totp.code_at(RFC_SEED, at) == expected[-6:]
    assert totp.matching_step(RFC_SEED, expected[-6:], at, None) == at // 30


def test_a_code_is_good_one_step_either_side_and_only_after_the_last_step_used() -> None:
    secret, at = totp.new_secret(), 1_750_000_000.0
    step = totp.step_at(at)
    assert len(base64.b32decode(secret + "=" * (-len(secret) % 8))) == 20
    for offset in (-1, 0, 1):
        code = totp.code_at(secret, at + offset * 30)
        assert totp.matching_step(secret, code, at, None) == step + offset
    for offset in (-2, 2):
        assert totp.matching_step(secret, totp.code_at(secret, at + offset * 30), at, None) is None
    now = totp.code_at(secret, at)
    assert totp.matching_step(secret, now, at, step) is None  # used already
    assert totp.matching_step(secret, now, at, step - 1) == step
    for typed in ("", "12345", "1234567", "12 345", "abcdef", "１２３４５６"):
        assert totp.matching_step(secret, typed, at, None) is None


def test_the_provisioning_uri_is_what_authenticator_apps_read() -> None:
    uri = totp.provisioning_uri(RFC_SEED, "aiko")
    assert uri.startswith("otpauth://totp/marugoto:aiko?")
    query = dict(part.split("=") for part in uri.split("?", 1)[1].split("&"))
    assert query == {
        "secret": RFC_SEED,
        "issuer": "marugoto",
        "algorithm": "SHA1",
        "digits": "6",
        "period": "30",
    }


def _add_totp_user(api: Api, name: str = "aiko") -> str:
    secret = totp.new_secret()
    api.storage.add_user(
        name, "consultant", ["mure"], hash_password(PASSWORD), datetime.now(UTC), totp_secret=secret
    )
    return secret


def _wrong(code: str, by: int = 1) -> str:
    """Another code than `code`."""
    return f"{(int(code) + by) % 1_000_000:06d}"


def _enroll(
    api: Api, code: str | None, password: str = PASSWORD, user: str = "aiko"
) -> httpx.Response:
    body = {"user": user, "password": password, "device_name": "laptop"}
    if code is not None:
        body["totp"] = code
    return api.client.post("/v1/enroll", json=body, headers=HEADERS)


def test_a_user_with_totp_enrols_with_the_password_and_the_current_code(api: Api) -> None:
    secret = _add_totp_user(api)
    missing = assert_error(_enroll(api, None), 401, "totp_required")
    assert "one-time code" in missing["message"]
    assert_error(_enroll(api, _wrong(totp.code_at(secret, api.clock()))), 401, "bad_totp")
    enrolled = _enroll(api, totp.code_at(secret, api.clock()))
    assert enrolled.status_code == 200, enrolled.text
    token = enrolled.json()["token"]
    status = api.client.get("/v1/status", headers={**HEADERS, "Authorization": f"Bearer {token}"})
    assert status.json()["user"] == "aiko"


def test_a_code_opens_nothing_a_second_time_nor_does_an_older_one(api: Api) -> None:
    secret = _add_totp_user(api)
    code = totp.code_at(secret, api.clock())
    assert _enroll(api, code).status_code == 200
    # The same code, seen over a shoulder or replayed, within its 90 seconds of validity.
    assert_error(_enroll(api, code), 401, "bad_totp")
    api.clock.advance(30)
    assert_error(_enroll(api, code), 401, "bad_totp")
    # The next code works, once.
    following = totp.code_at(secret, api.clock())
    assert _enroll(api, following).status_code == 200
    assert_error(_enroll(api, following), 401, "bad_totp")


def test_a_code_from_a_phone_half_a_minute_off_is_taken_two_off_is_not(api: Api) -> None:
    secret = _add_totp_user(api)
    assert_error(_enroll(api, totp.code_at(secret, api.clock() - 60)), 401, "bad_totp")
    assert_error(_enroll(api, totp.code_at(secret, api.clock() + 60)), 401, "bad_totp")
    assert _enroll(api, totp.code_at(secret, api.clock() - 30)).status_code == 200


def test_a_wrong_code_counts_against_the_login_throttle_like_a_wrong_password(api: Api) -> None:
    secret = _add_totp_user(api)
    for n in range(5):
        assert_error(
            _enroll(api, _wrong(totp.code_at(secret, api.clock()), 1 + n)), 401, "bad_totp"
        )
    # Even the right code waits now: codes cannot be guessed faster than passwords.
    blocked = assert_error(
        _enroll(api, totp.code_at(secret, api.clock())), 429, "too_many_attempts"
    )
    api.clock.advance(blocked["retry_after"])
    assert _enroll(api, totp.code_at(secret, api.clock())).status_code == 200
    # The success reset the count: five more mistakes are free again.
    api.clock.advance(30)
    for _ in range(4):
        assert_error(_enroll(api, None), 401, "totp_required")
    assert_error(_enroll(api, None, password="guess"), 401, "bad_credentials")
    assert_error(_enroll(api, totp.code_at(secret, api.clock())), 429, "too_many_attempts")


def test_the_right_password_without_a_code_does_not_clear_the_count(api: Api) -> None:
    """Otherwise anyone with the password could guess codes without limit, asking without
    a code between guesses."""
    secret = _add_totp_user(api)
    for _ in range(2):
        assert_error(_enroll(api, _wrong(totp.code_at(secret, api.clock()))), 401, "bad_totp")
        assert_error(_enroll(api, None), 401, "totp_required")
    assert_error(_enroll(api, _wrong(totp.code_at(secret, api.clock()))), 401, "bad_totp")
    # Five failures in a row: the wait starts.
    assert_error(_enroll(api, totp.code_at(secret, api.clock())), 429, "too_many_attempts")


def test_a_wrong_password_with_the_right_code_says_only_that_the_password_is_wrong(
    api: Api,
) -> None:
    secret = _add_totp_user(api)
    code = totp.code_at(secret, api.clock())
    assert_error(_enroll(api, code, password="guess"), 401, "bad_credentials")
    assert_error(_enroll(api, None, password="guess"), 401, "bad_credentials")
    # The code was not spent by the failed login.
    assert _enroll(api, code).status_code == 200


def test_a_user_without_totp_enrols_with_the_password_alone_a_code_is_ignored(
    api: Api,
) -> None:
    api.add_user("ken", ["mure"])
    assert _enroll(api, None, user="ken").status_code == 200
    assert _enroll(api, "123456", user="ken").status_code == 200
    assert_error(_enroll(api, "12345", user="ken"), 400, "bad_request")


def test_two_enrolments_with_one_code_at_once_let_one_through(api: Api) -> None:
    secret = _add_totp_user(api)
    candidate = api.storage.login_candidate("aiko")
    assert candidate is not None
    step = totp.step_at(api.clock())
    start = threading.Barrier(8)

    def use(_n: int) -> bool:
        start.wait()
        return api.storage.use_totp_step(candidate.user_id, secret, step)

    with ThreadPoolExecutor(8) as pool:
        assert sum(pool.map(use, range(8))) == 1


def test_the_secret_is_not_in_a_login_candidates_repr(api: Api) -> None:
    secret = _add_totp_user(api)
    candidate = api.storage.login_candidate("aiko")
    assert candidate is not None and candidate.totp_secret == secret
    assert secret not in repr(candidate)


def test_the_policy_keeps_totp_on_until_lifted(api: Api) -> None:
    api.add_user("ken", ["mure"])
    storage = api.storage
    assert storage.require_totp("ken", "A" * 32) is True  # none yet: this one is given
    info = {u.name: u for u in storage.users()}["ken"]
    assert (info.totp_enabled, info.totp_required) == (True, True)
    assert storage.require_totp("ken", "B" * 32) is False  # kept
    with pytest.raises(StorageError, match="policy requires TOTP of ken"):
        storage.disable_totp("ken")
    assert_error(_enroll(api, None, user="ken"), 401, "totp_required")

    assert storage.make_totp_optional("ken") is True
    assert_error(_enroll(api, None, user="ken"), 401, "totp_required")  # still set up
    assert storage.disable_totp("ken") is True
    assert _enroll(api, None, user="ken").status_code == 200
    info = {u.name: u for u in storage.users()}["ken"]
    assert (info.totp_enabled, info.totp_required) == (False, False)


def test_a_new_secret_needs_replace_and_the_old_codes_then_open_nothing(api: Api) -> None:
    old = _add_totp_user(api)
    assert _enroll(api, totp.code_at(old, api.clock())).status_code == 200
    with pytest.raises(StorageError, match="add --replace"):
        api.storage.enable_totp("aiko", totp.new_secret())
    new = totp.new_secret()
    assert api.storage.enable_totp("aiko", new, replace=True) is True
    with api.storage.engine.connect() as conn:
        row = conn.execute(select(users.c.totp_secret, users.c.totp_last_step)).one()
    assert tuple(row) == (new, None)
    api.clock.advance(30)
    assert_error(_enroll(api, totp.code_at(old, api.clock())), 401, "bad_totp")
    assert _enroll(api, totp.code_at(new, api.clock())).status_code == 200
    with pytest.raises(StorageError, match="no user named 'nobody'"):
        api.storage.enable_totp("nobody", new)


def test_users_stored_before_totp_enroll_with_the_password_alone(database_url: str) -> None:
    engine = create_database_engine(database_url)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "0006")
            conn.execute(
                text(
                    "INSERT INTO users (name, role, password_hash, created_at) "
                    "VALUES ('aiko', 'consultant', :h, :at)"
                ),
                {"h": hash_password(PASSWORD), "at": datetime.now(UTC)},
            )
    finally:
        engine.dispose()
    app = create_app(database_url)
    with TestClient(app) as client:
        (user,) = app.state.server.storage.users()
        assert (user.totp_enabled, user.totp_required) == (False, False)
        body = {"user": "aiko", "password": PASSWORD, "device_name": "laptop"}
        assert client.post("/v1/enroll", json=body, headers=HEADERS).status_code == 200
    # And back: the revision's downgrade leaves the users as they were.
    engine = create_database_engine(database_url)
    try:
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0006")
            assert "totp_secret" not in {c["name"] for c in inspect(conn).get_columns("users")}
            assert conn.execute(text("SELECT name FROM users")).scalars().all() == ["aiko"]
    finally:
        engine.dispose()
