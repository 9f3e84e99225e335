"""A laptop enrolls a user the office set TOTP up for: the code with `enroll --totp`, asked at
the terminal when the server wants one, and said what to do otherwise; over real HTTPS."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from marugoto_desktop.cli import describe_sync_error
from marugoto_desktop.cli import main as desktop
from marugoto_desktop.operations import sync as syncing
from marugoto_desktop.vault import KdfParams, Vault
from marugoto_sync.client import SyncError
from marugoto_sync.server import totp
from marugoto_sync.server.passwords import hash_password
from marugoto_sync.server.storage import Storage

from ..conftest import PASSPHRASE
from .server.serving import Served, served

PASSWORD = "a long server password"
USERS = ("aiko", "ken", "mika")


@pytest.fixture
def office(database_url: str, tmp_path: Path) -> Iterator[tuple[Served, dict[str, str]]]:
    """A server whose users all have TOTP; their secrets by name."""
    secrets = {name: totp.new_secret() for name in USERS}
    storage = Storage.open(database_url)
    try:
        for name, secret in secrets.items():
            storage.add_user(
                name,
                "consultant",
                ["mure"],
                hash_password(PASSWORD),
                datetime.now(UTC),
                totp_secret=secret,
            )
    finally:
        storage.close()
    with served(database_url, tmp_path) as server:
        yield server, secrets


def now_code(secret: str) -> str:
    """What the authenticator app shows now (the server runs on the real clock)."""
    return totp.code_at(secret, time.time())


def files(tmp_path: Path) -> tuple[Path, Path]:
    passphrase, password = tmp_path / "passphrase.txt", tmp_path / "password.txt"
    passphrase.write_text(PASSPHRASE, encoding="utf-8")
    password.write_text(PASSWORD, encoding="utf-8")
    return passphrase, password


def enroll_args(tmp_path: Path, server: Served, user: str, *more: str) -> list[str]:
    passphrase, password = files(tmp_path)
    folder = tmp_path / f"{user}-vault"
    if not folder.exists():
        Vault.create(folder, PASSPHRASE, kdf=KdfParams()).close()
    return [
        "enroll",
        *("--vault", str(folder), "--passphrase-file", str(passphrase)),
        *("--server", server.url, "--user", user, "--ca-file", str(server.ca)),
        *("--password-file", str(password), *more),
    ]


def test_the_operation_needs_the_code_and_keeps_the_token(
    tmp_path: Path, office: tuple[Served, dict[str, str]]
) -> None:
    server, secrets = office
    vault = Vault.create(tmp_path / "v", PASSPHRASE, kdf=KdfParams())
    try:
        with pytest.raises(SyncError) as asked:
            syncing.enroll(vault, server.url, "aiko", PASSWORD, ca_file=server.ca)
        assert asked.value.code == "totp_required"
        assert syncing.enrolled_settings(vault) is None
        with pytest.raises(SyncError) as malformed:
            syncing.enroll(vault, server.url, "aiko", PASSWORD, ca_file=server.ca, totp="12345")
        assert malformed.value.code == "totp_malformed"
        # As the app shows it, with a space, and typed through a Japanese IME (full width).
        code = now_code(secrets["aiko"])
        typed = f"{code[:3]} {code[3:]}".translate(
            str.maketrans("0123456789", "０１２３４５６７８９")
        )
        enrolled = syncing.enroll(
            vault, server.url, "aiko", PASSWORD, ca_file=server.ca, totp=typed
        )
        assert enrolled.user == "aiko"
        assert syncing.enrolled_settings(vault) is not None
        # The code opened one enrollment: a second laptop with it is refused.
        other = Vault.create(tmp_path / "w", PASSPHRASE, kdf=KdfParams())
        with pytest.raises(SyncError) as replayed:
            syncing.enroll(other, server.url, "aiko", PASSWORD, ca_file=server.ca, totp=code)
        assert replayed.value.code == "bad_totp"
        other.close()
    finally:
        vault.close()


def test_enroll_with_totp_and_what_a_script_is_told_without_it(
    tmp_path: Path,
    office: tuple[Served, dict[str, str]],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server, secrets = office
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # no terminal: nobody to ask
    assert desktop(enroll_args(tmp_path, server, "aiko")) == 1
    assert capsys.readouterr().err == (
        "marugoto-desktop: error: the server needs a one-time code besides the password for "
        "this user: enroll again with --totp CODE, the 6-digit code the authenticator app "
        "shows now\n"
    )
    wrong = f"{(int(now_code(secrets['aiko'])) + 1) % 1_000_000:06d}"
    assert desktop(enroll_args(tmp_path, server, "aiko", "--totp", wrong)) == 1
    assert "the one-time code is wrong, out of date or was used already" in capsys.readouterr().err
    assert desktop(enroll_args(tmp_path, server, "aiko", "--totp", "12a456")) == 1
    assert capsys.readouterr().err == (
        "marugoto-desktop: error: a one-time code has 6 digits, as the authenticator app shows it\n"
    )

    code = now_code(secrets["aiko"])
    assert desktop(enroll_args(tmp_path, server, "aiko", "--totp", code)) == 0
    assert capsys.readouterr().out.startswith("enrolled as aiko (consultant), device ")


class Terminal(io.StringIO):
    """Standard input a person types into."""

    def isatty(self) -> bool:
        return True


def test_enroll_asks_a_person_for_the_code_when_the_server_wants_one(
    tmp_path: Path,
    office: tuple[Served, dict[str, str]],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server, secrets = office
    code = now_code(secrets["ken"])
    monkeypatch.setattr("sys.stdin", Terminal(code + "\n"))
    assert desktop(enroll_args(tmp_path, server, "ken")) == 0
    out = capsys.readouterr().out
    assert out.startswith("One-time code of ken (authenticator app): enrolled as ken ")

    # A code typed wrong is said so, and nothing is enrolled.
    wrong = f"{(int(now_code(secrets['mika'])) + 1) % 1_000_000:06d}"
    monkeypatch.setattr("sys.stdin", Terminal(wrong + "\n"))
    assert desktop(enroll_args(tmp_path, server, "mika")) == 1
    assert "the one-time code is wrong" in capsys.readouterr().err
    with Vault.open(tmp_path / "mika-vault", PASSPHRASE) as vault:
        assert syncing.enrolled_settings(vault) is None


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("123456", "123456"),
        ("123 456", "123456"),
        ("１２３４５６", "123456"),
        ("123-456", "123456"),
    ],
)
def test_a_code_is_taken_as_people_type_it(typed: str, code: str) -> None:
    assert syncing.one_time_code(typed) == code


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "12345a", "١٢٣٤٥٦"])
def test_anything_but_six_digits_is_no_code(typed: str) -> None:
    with pytest.raises(SyncError) as refused:
        syncing.one_time_code(typed)
    assert refused.value.code == "totp_malformed"
    assert "6 digits" in describe_sync_error(refused.value)
