"""`marugoto-sync user totp …` and `user add --require-totp`: the secret shown once, the
policy, and what `user list` says; enrollment over real HTTPS with the code."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from marugoto_sync.server import totp
from marugoto_sync.server.cli import main

from .serving import login_body, served
from .support import Api, assert_error

URI = re.compile(r"^  (otpauth://totp/marugoto:(\w+)\?\S+)$", re.MULTILINE)
KEY = re.compile(r"^  \(or type in the key: ([A-Z2-7]+)\)$", re.MULTILINE)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def shown_secret(out: str, name: str) -> str:
    """The secret a command printed, checked to be the one in the URI it printed."""
    uri = URI.search(out)
    key = KEY.search(out)
    assert uri is not None and key is not None, out
    assert uri.group(2) == name
    assert f"secret={key.group(1)}&" in uri.group(1) + "&"
    return key.group(1)


@pytest.fixture
def password_file(tmp_path: Path) -> Path:
    path = tmp_path / "password.txt"
    path.write_text("correct horse battery\n", encoding="utf-8")
    return path


def test_enable_shows_the_secret_once_and_enrolment_then_needs_its_code(
    api: Api, capsys: pytest.CaptureFixture[str]
) -> None:
    api.add_user("aiko", ["mure"])
    db = ["--database", api.database_url]
    status, out, err = run(capsys, "user", "totp", "enable", "aiko", *db)
    assert (status, err) == (0, "")
    secret = shown_secret(out, "aiko")
    assert "not shown again" in out and "6-digit code" in out
    assert_error(api.enroll_response("aiko"), 401, "totp_required")

    # Shown once: neither the list nor its JSON nor a second enable shows it.
    status, out, _err = run(capsys, "user", "list", *db)
    assert out.splitlines()[1].split() == ["aiko", "consultant", "mure", "0", "on", "-"]
    assert secret not in out
    status, out, _err = run(capsys, "user", "list", "--json", *db)
    (listed,) = json.loads(out)
    assert (listed["totp_enabled"], listed["totp_required"]) == (True, False)
    assert secret not in out
    status, out, err = run(capsys, "user", "totp", "enable", "aiko", *db)
    assert status == 1 and out == "" and secret not in err
    assert err == (
        "marugoto-sync: aiko has TOTP set up already: to give them a new secret (a lost or new "
        "phone), add --replace (codes of the old one then open nothing)\n"
    )

    status, out, _err = run(capsys, "user", "totp", "enable", "aiko", "--replace", *db)
    assert status == 0 and "codes of the old one open nothing" in out
    new = shown_secret(out, "aiko")
    assert new != secret

    status, out, _err = run(capsys, "user", "totp", "disable", "aiko", *db)
    assert (status, out) == (
        0,
        "TOTP is off for aiko: enrolling a laptop needs the password alone.\n",
    )
    assert api.enroll_response("aiko").status_code == 200
    status, _out, err = run(capsys, "user", "totp", "enable", "nobody", *db)
    assert status == 1 and "no user named 'nobody'" in err


def test_require_sets_totp_up_and_keeps_it_on_until_lifted(
    api: Api, capsys: pytest.CaptureFixture[str]
) -> None:
    api.add_user("ken", ["mure"])
    db = ["--database", api.database_url]
    status, out, _err = run(capsys, "user", "totp", "require", "ken", *db)
    assert status == 0 and "policy requires TOTP of ken" in out
    secret = shown_secret(out, "ken")
    # Required again: the secret stays, and is not shown.
    status, out, _err = run(capsys, "user", "totp", "require", "ken", *db)
    assert status == 0 and secret not in out and "otpauth" not in out
    assert run(capsys, "user", "list", *db)[1].splitlines()[1].split()[4] == "required"

    status, out, err = run(capsys, "user", "totp", "disable", "ken", *db)
    assert (status, out) == (1, "")
    assert err == (
        "marugoto-sync: the policy requires TOTP of ken: lift it first (user totp optional "
        "ken), then disable it\n"
    )
    assert_error(api.enroll_response("ken"), 401, "totp_required")

    status, out, _err = run(capsys, "user", "totp", "optional", "ken", *db)
    assert status == 0 and "no longer requires" in out
    assert run(capsys, "user", "list", *db)[1].splitlines()[1].split()[4] == "on"
    assert run(capsys, "user", "totp", "disable", "ken", *db)[0] == 0
    assert run(capsys, "user", "list", *db)[1].splitlines()[1].split()[4] == "-"


def test_a_user_added_with_require_totp_enrols_over_https_with_a_code_used_once(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], password_file: Path
) -> None:
    status, out, _err = run(
        capsys,
        *("user", "add", "aiko", "--role", "consultant", "--area", "mure"),
        *("--password-file", str(password_file), "--require-totp", "--database", database_url),
    )
    assert status == 0
    assert out.startswith("Added consultant aiko with areas: mure.\n")
    assert "The policy requires TOTP of aiko." in out
    secret = shown_secret(out, "aiko")
    with served(database_url, tmp_path) as server, server.client() as client:
        assert_error(client.post("/v1/enroll", json=login_body()), 401, "totp_required")
        # The server's clock is the real one here: the code of now, as the phone shows it.
        code = totp.code_at(secret, time.time())
        enrolled = client.post("/v1/enroll", json={**login_body(), "totp": code})
        assert enrolled.status_code == 200, enrolled.text
        token = enrolled.json()["token"]
        status_answer = client.get("/v1/status", headers={"Authorization": f"Bearer {token}"})
        assert status_answer.json()["user"] == "aiko"
        # The same code a second time, within its validity: refused.
        assert_error(
            client.post("/v1/enroll", json={**login_body(), "totp": code}), 401, "bad_totp"
        )
