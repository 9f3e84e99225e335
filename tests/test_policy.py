"""The machine policy: read from the one machine-wide file, strict about its contents."""

from __future__ import annotations

from pathlib import Path

import pytest

from marugoto_desktop import platform_paths, policy
from marugoto_desktop.operations import sync as syncing
from marugoto_desktop.policy import Policy, PolicyInvalid, load_policy, machine_policy, same_server
from marugoto_desktop.vault.replica import VaultReplica
from marugoto_sync.client import SyncError

# An absolute path on the machine that runs the tests.
CA = "C:\\ProgramData\\city-ca.pem" if Path("C:\\").is_absolute() else "/etc/city-ca.pem"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_file_is_no_policy(tmp_path: Path) -> None:
    policy = load_policy(tmp_path / "missing.toml")
    assert policy == Policy()
    assert policy.empty
    assert policy.lock_minutes(30) == 30
    assert policy.server_allowed("https://anywhere.example")


def test_every_key(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f'server_url = "https://marugoto.city.example.lg.jp"\n'
        f"ca_file = '{CA}'\n"
        "auto_lock_minutes = 5\n",
    )
    policy = load_policy(path)
    assert policy == Policy(path, "https://marugoto.city.example.lg.jp", Path(CA), 5)
    assert not policy.empty


def test_the_lock_is_never_later_than_the_policy_says(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, "auto_lock_minutes = 10\n"))
    assert policy.lock_minutes(60) == 10
    assert policy.lock_minutes(3) == 3  # sooner is the person's choice
    assert policy.lock_minutes(0) == 1


def test_only_the_policy_server_is_allowed(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, 'server_url = "https://Sync.City.example/"\n'))
    assert policy.server_allowed("https://sync.city.example")
    assert not policy.server_allowed("https://other.example")
    assert not policy.server_allowed("http://sync.city.example")


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("https://a.example", "https://A.example/", True),
        ("https://a.example:8443/sync", "https://a.example:8443/sync/", True),
        ("https://a.example:8443", "https://a.example", False),
        ("https://a.example/x", "https://a.example/y", False),
    ],
)
def test_same_server(a: str, b: str, same: bool) -> None:
    assert same_server(a, b) is same


@pytest.mark.parametrize(
    ("text", "problem", "key"),
    [
        (
            "server_url = 'https://a.example'\nauto_lock_minute = 5\n",
            "unknown_key",
            "auto_lock_minute",
        ),
        ("server_url = 'http://a.example'\n", "not_https_url", "server_url"),
        ("server_url = 'a.example'\n", "not_https_url", "server_url"),
        ("server_url = 5\n", "not_https_url", "server_url"),
        ("ca_file = 'city-ca.pem'\n", "not_absolute_path", "ca_file"),
        ("auto_lock_minutes = 0\n", "not_minutes", "auto_lock_minutes"),
        ("auto_lock_minutes = 121\n", "not_minutes", "auto_lock_minutes"),
        ("auto_lock_minutes = true\n", "not_minutes", "auto_lock_minutes"),
        ("auto_lock_minutes = '5'\n", "not_minutes", "auto_lock_minutes"),
        ("auto_lock_minutes = \n", "not_toml", None),
    ],
)
def test_a_wrong_file_is_an_error_never_ignored(
    tmp_path: Path, text: str, problem: str, key: str | None
) -> None:
    with pytest.raises(PolicyInvalid) as caught:
        load_policy(write(tmp_path, text))
    assert (caught.value.problem, caught.value.key) == (problem, key)
    assert str(tmp_path) in str(caught.value)


def test_the_machine_policy_is_read_from_the_machine_wide_file_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    decoy = tmp_path / "user"
    (decoy / platform_paths.APP_FOLDER).mkdir(parents=True)
    (decoy / platform_paths.APP_FOLDER / platform_paths.POLICY_FILE).write_text(
        "auto_lock_minutes = 120\n", encoding="utf-8"
    )
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(decoy))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(decoy))
    machine = write(tmp_path, "auto_lock_minutes = 3\n")
    monkeypatch.setattr(policy, "machine_policy_file", lambda: machine)
    machine_policy.cache_clear()
    assert machine_policy().auto_lock_minutes == 3
    assert machine_policy().source == machine


def machine_wide(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> Path:
    path = write(tmp_path, text)
    monkeypatch.setattr(policy, "machine_policy_file", lambda: path)
    machine_policy.cache_clear()
    return path


def test_enrolling_with_another_server_is_refused_before_any_connection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, vault
) -> None:
    machine_wide(tmp_path, monkeypatch, 'server_url = "https://sync.city.example"\n')
    with pytest.raises(SyncError) as caught:
        # (nothing listens on port 9: a connection attempt would fail as "unreachable")
        syncing.enroll(vault, "https://127.0.0.1:9", "kondo", "password")
    assert caught.value.code == "server_not_allowed"
    assert syncing.enrolled_settings(vault) is None


def test_the_policy_ca_replaces_the_person_s_choice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    machine_wide(
        tmp_path, monkeypatch, f'server_url = "https://sync.city.example"\nca_file = "{CA}"\n'
    )
    assert syncing.as_policy_says("https://sync.city.example/", "/home/x/mine.pem") == Path(CA)
    machine_wide(tmp_path, monkeypatch, "auto_lock_minutes = 5\n")
    assert syncing.as_policy_says("https://any.example", "/home/x/mine.pem") == "/home/x/mine.pem"


def test_a_vault_enrolled_elsewhere_does_not_sync_under_a_policy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, vault
) -> None:
    VaultReplica(vault).set_setting(
        syncing.SERVER_KEY, {"server": "https://old.example", "token": "t", "ca_file": None}
    )
    machine_wide(tmp_path, monkeypatch, 'server_url = "https://sync.city.example"\n')
    with pytest.raises(SyncError) as caught:
        syncing.sync(vault)
    assert caught.value.code == "server_not_allowed"


def test_a_policy_saved_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    # Notepad and PowerShell 5.1 (Set-Content -Encoding UTF8) write UTF-8 with a BOM.
    path = tmp_path / "policy.toml"
    path.write_bytes(b"\xef\xbb\xbfauto_lock_minutes = 5\n")
    assert policy.load_policy(path).auto_lock_minutes == 5
