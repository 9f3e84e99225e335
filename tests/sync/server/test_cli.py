"""The admin commands, run in-process: users, areas, devices, and serve's refusals."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from marugoto_sync.server import cli
from marugoto_sync.server.cli import main
from marugoto_sync.server.storage import Storage

from .support import PASSWORD, Api, assert_error, change, new_id

ALL_INTERFACES = "0.0.0.0"  # noqa: S104  # only handed to a fake uvicorn.run


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def password_file(tmp_path: Path) -> Path:
    path = tmp_path / "password.txt"
    path.write_text(PASSWORD + "\n", encoding="utf-8")
    return path


def test_user_add_then_the_user_enrolls_with_that_password(
    api: Api, capsys: pytest.CaptureFixture[str], password_file: Path
) -> None:
    status, out, err = run(
        capsys,
        "user",
        "add",
        "aiko",
        "--role",
        "consultant",
        "--area",
        "mure",
        "shoga",
        "--password-file",
        str(password_file),
        "--database",
        api.database_url,
    )
    assert (status, err) == (0, "")
    assert "aiko" in out and "mure, shoga" in out
    assert api.enroll_response("aiko").status_code == 200
    assert_error(api.enroll_response("aiko", PASSWORD + "\n"), 401, "bad_credentials")


def test_user_add_asks_twice_without_a_password_file(
    api: Api, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = iter(["typed password", "typed password", "first try", "second try"])
    monkeypatch.setattr(cli.getpass, "getpass", lambda _prompt="": next(answers))
    db = ["--database", api.database_url]
    assert (
        run(capsys, "user", "add", "ken", "--role", "supervisor", "--area", "kagawa", *db)[0] == 0
    )
    assert api.enroll_response("ken", "typed password").status_code == 200

    status, out, err = run(capsys, "user", "add", "mei", "--role", "admin", *db)
    assert status == 1 and out == ""
    assert err.count("\n") == 1 and "differ" in err
    assert [u.name for u in api.storage.users()] == ["ken"]


@pytest.mark.parametrize(
    ("argv", "problem"),
    [
        (["--area", "tokyo"], "unknown area code tokyo"),
        (
            ["--area", "mure", "--password-file", "/nonexistent/pw"],
            "/nonexistent/pw does not exist",
        ),
    ],
)
def test_user_add_refuses_bad_input_on_one_line(
    api: Api, capsys: pytest.CaptureFixture[str], argv: list[str], problem: str
) -> None:
    status, out, err = run(
        capsys,
        "user",
        "add",
        "aiko",
        "--role",
        "consultant",
        *argv,
        "--database",
        api.database_url,
    )
    assert status == 1 and out == ""
    assert err.startswith("marugoto-sync: ") and err.count("\n") == 1
    assert problem in err
    assert api.storage.users() == []


def test_user_add_refuses_a_duplicate_and_an_unknown_role(
    api: Api, capsys: pytest.CaptureFixture[str], password_file: Path
) -> None:
    args = ["--password-file", str(password_file), "--database", api.database_url]
    assert run(capsys, "user", "add", "aiko", "--role", "consultant", *args)[0] == 0
    status, _out, err = run(capsys, "user", "add", "aiko", "--role", "consultant", *args)
    assert status == 1 and "already exists" in err
    with pytest.raises(SystemExit) as exit_info:
        main(["user", "add", "ken", "--role", "boss", *args])
    assert exit_info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        ["--area", "mure", "bob"],  # the name after a list of areas
        ["--area", "mure", "shoga", "bob"],
        ["--area", "mure,shoga", "bob"],
        ["bob", "--area", "mure", "--area", "shoga"],
        ["bob", "--area", "mure", "shoga"],
    ],
)
def test_a_list_of_areas_does_not_swallow_the_users_name(
    api: Api, capsys: pytest.CaptureFixture[str], password_file: Path, argv: list[str]
) -> None:
    db = ["--database", api.database_url, "--password-file", str(password_file)]
    status, out, err = run(capsys, "user", "add", "--role", "consultant", *argv, *db)
    assert (status, err) == (0, "")
    [user] = api.storage.users()
    assert user.name == "bob"
    assert user.areas == (("mure",) if argv.count("shoga") + argv.count("mure,shoga") == 0
                          else ("mure", "shoga"))  # fmt: skip
    status, out, _err = run(capsys, "user", "areas", "--area", "kagawa", "bob", *db[:2])
    assert status == 0 and out.startswith("bob now has areas: kagawa")
    # With no word that could be the name, it says how to give one.
    status, _out, err = run(capsys, "user", "areas", "--area", "kagawa", *db[:2])
    assert status == 1
    assert (
        err == "marugoto-sync: give the user's name: marugoto-sync user areas NAME --area CODE …\n"
    )


def test_user_list_as_text_and_json(
    api: Api, capsys: pytest.CaptureFixture[str], password_file: Path
) -> None:
    db = ["--database", api.database_url]
    pw = ["--password-file", str(password_file)]
    run(capsys, "user", "add", "ken", "--role", "supervisor", "--area", "kagawa", "mure", *pw, *db)
    run(capsys, "user", "add", "aiko", "--role", "consultant", "--area", "mure", *pw, *db)
    api.enroll("aiko")

    status, out, _err = run(capsys, "user", "list", "--json", *db)
    assert status == 0
    listed = json.loads(out)
    assert [(u["name"], u["role"], u["areas"], u["active_devices"]) for u in listed] == [
        ("aiko", "consultant", ["mure"], 1),
        ("ken", "supervisor", ["kagawa", "mure"], 0),
    ]
    assert all(u["created_at"].endswith("+00:00") for u in listed)

    status, out, _err = run(capsys, "user", "list", *db)
    lines = out.splitlines()
    assert lines[0].split() == ["NAME", "ROLE", "AREAS", "DEVICES", "TOTP", "DISABLED"]
    assert lines[1].split() == ["aiko", "consultant", "mure", "1", "-", "-"]
    assert lines[2].split() == ["ken", "supervisor", "kagawa,mure", "0", "-", "-"]


def test_user_areas_sets_the_areas_and_says_what_changed(
    api: Api, capsys: pytest.CaptureFixture[str]
) -> None:
    api.add_user("aiko", ["mure", "shoga"])
    db = ["--database", api.database_url]
    status, out, _err = run(
        capsys, "user", "areas", "aiko", "--area", "mure", "--area", "kagawa", *db
    )
    assert status == 0
    assert "gained: kagawa" in out and "lost: shoga" in out
    assert api.storage.users()[0].areas == ("kagawa", "mure")
    status, _out, err = run(capsys, "user", "areas", "nobody", "--area", "mure", *db)
    assert status == 1 and "no user named 'nobody'" in err


def test_a_disabled_user_enrols_nothing_and_their_devices_are_revoked(
    api: Api, capsys: pytest.CaptureFixture[str]
) -> None:
    api.add_user("aiko", ["mure"])
    laptops = [api.enroll("aiko", device_name=f"laptop {n}") for n in range(2)]
    db = ["--database", api.database_url]

    status, out, _err = run(capsys, "user", "disable", "aiko", *db)
    assert status == 0 and "2 devices were revoked" in out
    for laptop in laptops:
        assert_error(laptop.get("/v1/status"), 401, "device_revoked")
    # The right password opens nothing, with the answer of a wrong one.
    wrong = assert_error(api.enroll_response("aiko", "not it"), 401, "bad_credentials")
    right = assert_error(api.enroll_response("aiko"), 401, "bad_credentials")
    assert right["message"] == wrong["message"]
    (listed,) = json.loads(run(capsys, "user", "list", "--json", *db)[1])
    assert listed["disabled_at"] is not None and listed["active_devices"] == 0

    status, out, _err = run(capsys, "user", "enable", "aiko", *db)
    assert status == 0
    assert api.enroll_response("aiko").status_code == 200
    assert_error(laptops[0].get("/v1/status"), 401, "device_revoked")  # stays revoked
    (listed,) = json.loads(run(capsys, "user", "list", "--json", *db)[1])
    assert listed["disabled_at"] is None and listed["active_devices"] == 1
    status, out, _err = run(capsys, "user", "disable", "aiko", *db)  # its one new laptop
    assert status == 0 and "1 device was revoked" in out

    status, _out, err = run(capsys, "user", "disable", "nobody", *db)
    assert status == 1 and "no user named 'nobody'" in err


def test_mark_restored_records_the_restore_so_that_lost_writes_count_as_replays(
    api: Api, capsys: pytest.CaptureFixture[str]
) -> None:
    aiko = api.user_with_device("aiko", ["mure"])
    household, t = new_id(), api.clock.stamp(-60_000)
    aiko.push(change(household, "status", "active", t))
    head = api.head()
    # A write the server lost; the laptop sends it again as a replay (base unknown: 0).
    replayed = {**change(household, "status", "watching", t + 10), "replay": True}
    unrecorded = {**replayed, "change_id": new_id()}
    assert aiko.push(unrecorded)["conflicts"] == 1  # no restore recorded: an ordinary edit

    status, out, err = run(capsys, "mark-restored", "--database", api.database_url)
    assert (status, err) == (0, "")
    assert f"its log ends at entry {api.head()}" in out
    (restore,) = api.storage.restores()
    assert restore.head == api.head() > head
    recorded = {**replayed, "change_id": new_id(), "record_id": new_id()}
    aiko.push(change(recorded["record_id"], "status", "active", t))
    assert aiko.push(recorded)["conflicts"] == 0


def test_device_list_and_revoke(api: Api, capsys: pytest.CaptureFixture[str]) -> None:
    api.add_user("aiko", ["mure"])
    laptop = api.enroll("aiko", device_name="Aiko's ThinkPad")
    db = ["--database", api.database_url]

    status, out, _err = run(capsys, "device", "list", "--json", *db)
    assert status == 0
    (listed,) = json.loads(out)
    assert listed["id"] == laptop.device_id
    assert (listed["user"], listed["name"], listed["revoked_at"]) == (
        "aiko",
        "Aiko's ThinkPad",
        None,
    )
    assert listed["last_seen_at"] is None  # enrolled, never synced

    # Not at a terminal and without --yes: it says what it would erase and changes nothing.
    status, out, err = run(capsys, "device", "revoke", laptop.device_id, *db)
    assert status == 1 and "--yes" in err and "nothing was changed" in err
    assert "erases its vault, with everything written on it that it has not sent" in out
    assert "it never synced" in out and f"device retire {laptop.device_id}" in out
    assert laptop.get("/v1/status").status_code == 200

    status, out, _err = run(capsys, "device", "revoke", laptop.device_id, "--yes", *db)
    assert status == 0 and out.endswith(f"Device {laptop.device_id} is revoked.\n")
    assert_error(laptop.get("/v1/status"), 401, "device_revoked")
    (listed,) = json.loads(run(capsys, "device", "list", "--json", *db)[1])
    assert listed["revoked_at"] is not None

    text = run(capsys, "device", "list", *db)[1].splitlines()
    assert text[0].split()[:3] == ["ID", "USER", "NAME"]
    assert text[1].startswith(laptop.device_id)

    status, _out, err = run(capsys, "device", "revoke", "no-such-device", "--yes", *db)
    assert status == 1 and "no device" in err and "device list" in err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_device_revoke_and_retire_ask_a_person_at_the_terminal_and_take_an_id_start(
    api: Api, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    api.add_user("aiko", ["mure"])
    kept, handed_back = api.enroll("aiko"), api.enroll("aiko")
    db = ["--database", api.database_url]
    start = handed_back.device_id[:8]

    monkeypatch.setattr("sys.stdin", _Terminal("n\n"))
    status, out, err = run(capsys, "device", "retire", start, *db)
    assert (status, err) == (1, "Retire it? [y/N] marugoto-sync: nothing was changed\n")
    assert "sends everything it has not sent, then erases its vault" in out
    assert handed_back.get("/v1/status").json()["retiring"] is False

    monkeypatch.setattr("sys.stdin", _Terminal("y\n"))
    status, out, _err = run(capsys, "device", "retire", start, *db)
    assert status == 0 and out.endswith(
        f"Device {handed_back.device_id} retires at its next sync.\n"
    )
    assert handed_back.get("/v1/status").json()["retiring"] is True
    assert kept.get("/v1/status").json()["retiring"] is False
    listed = {d["id"]: d for d in json.loads(run(capsys, "device", "list", "--json", *db)[1])}
    assert listed[handed_back.device_id]["status"] == "retiring"
    assert listed[handed_back.device_id]["retire_requested_at"] is not None

    # A revoked device is not asked about again; a retired one cannot be asked to retire.
    assert run(capsys, "device", "revoke", kept.device_id, "--yes", *db)[0] == 0
    status, out, _err = run(capsys, "device", "retire", kept.device_id, *db)
    assert status == 0 and out.startswith(f"Device {kept.device_id} (laptop, user aiko) is revoked")


def test_device_list_shows_whose_which_when_enrolled_last_sync_and_app_version(
    api: Api, capsys: pytest.CaptureFixture[str]
) -> None:
    api.add_user("aiko", ["mure"])
    laptop = api.enroll("aiko", device_name="aiko@mure-pc-03 #1a2b3c4d")
    db = ["--database", api.database_url]
    header, row = run(capsys, "device", "list", *db)[1].splitlines()
    assert header.split() == [
        "ID",
        "USER",
        "NAME",
        "ENROLLED",
        "LAST",
        "SYNC",
        "APP",
        "STATUS",
        "AUDIT",
    ]
    enrolled = api.clock.now().astimezone().strftime("%Y-%m-%d %H:%M")
    cells = row.split("  ")
    assert [c.strip() for c in cells if c.strip()][1:] == [
        "aiko",
        "aiko@mure-pc-03 #1a2b3c4d",
        enrolled,
        "never",
        "0.1.0",
        "active",
        "none",
    ]

    # The laptop syncs an hour later with a newer app: both show.
    api.clock.advance(3600)
    answer = laptop.api.client.get(
        "/v1/status", headers={**laptop.headers, "X-Marugoto-App": "0.2.0"}
    )
    assert answer.status_code == 200
    synced = api.clock.now().astimezone().strftime("%Y-%m-%d %H:%M")
    row = run(capsys, "device", "list", *db)[1].splitlines()[1]
    assert [c.strip() for c in row.split("  ") if c.strip()][3:] == [
        enrolled,
        synced,
        "0.2.0",
        "active",
        "none",
    ]
    (listed,) = json.loads(run(capsys, "device", "list", "--json", *db)[1])
    assert (listed["app_version"], listed["last_seen_at"]) == (
        "0.2.0",
        api.clock.now().isoformat(timespec="seconds"),
    )


def test_an_unreachable_database_is_one_line_and_status_1(
    capsys: pytest.CaptureFixture[str], backend: str, tmp_path: Path
) -> None:
    url = {
        "postgresql": "postgresql://postgres@127.0.0.1:1/nothing",
        "sqlite": f"sqlite:///{tmp_path / 'dir-not-file'}",
    }[backend]
    (tmp_path / "dir-not-file").mkdir()
    status, _out, err = run(capsys, "user", "list", "--database", url)
    assert status == 1
    assert err.startswith("marugoto-sync: database error: ") and err.count("\n") == 1


@pytest.mark.parametrize(
    ("argv", "problem"),
    [
        (["--host", ALL_INTERFACES, "--insecure-dev-http"], "only on a loopback address"),
        (["--host", "192.168.1.10", "--insecure-dev-http"], "only on a loopback address"),
        (["--host", "127.0.0.1"], "HTTPS needs both --tls-cert and --tls-key"),
        (["--tls-cert", "/nonexistent.pem", "--tls-key", "/nonexistent-key.pem"], "cannot use"),
    ],
)
def test_serve_refuses_plain_http_off_loopback_and_missing_tls(
    api: Api, capsys: pytest.CaptureFixture[str], argv: list[str], problem: str
) -> None:
    status, _out, err = run(capsys, "serve", "--database", api.database_url, *argv)
    assert status == 1 and problem in err and err.count("\n") == 1


def test_serve_runs_uvicorn_with_tls_or_on_loopback_http(
    api: Api,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr("uvicorn.run", lambda app, **options: calls.append(options))
    assert run(capsys, "dev-cert", "--out", str(tmp_path), "--host", "sync.example")[0] == 0
    db = ["--database", api.database_url]
    tls = [
        "--tls-cert",
        str(tmp_path / "server.pem"),
        "--tls-key",
        str(tmp_path / "server-key.pem"),
    ]
    assert run(capsys, "serve", *db, "--host", ALL_INTERFACES, "--port", "9443", *tls)[0] == 0
    assert run(capsys, "serve", *db, "--host", "::1", "--insecure-dev-http")[0] == 0
    assert [(c["host"], c["port"], c["ssl_certfile"]) for c in calls] == [
        (ALL_INTERFACES, 9443, tmp_path / "server.pem"),
        ("::1", 8443, None),
    ]


@pytest.mark.usefixtures("usual_umask")
def test_serve_refuses_database_files_others_can_read_and_names_them(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr("uvicorn.run", lambda app, **options: calls.append(options))
    database = tmp_path / "server.db"
    Storage.open(str(database)).close()
    wal = tmp_path / "server.db-wal"
    wal.touch()  # as left by a server that stopped without a checkpoint
    serve = ["serve", "--database", str(database), "--insecure-dev-http"]
    for path in (database, wal):
        path.chmod(0o644)

    status, _out, err = run(capsys, *serve)
    assert status == 1 and err.count("\n") == 1, err
    assert f"may read or write {database} {wal};" in err
    assert f"chmod 600 {database} {wal}" in err
    assert calls == []

    for path in (database, wal):
        path.chmod(0o600)
    assert run(capsys, *serve)[0] == 0
    assert len(calls) == 1


@pytest.mark.usefixtures("usual_umask")
def test_serve_refuses_a_tls_key_others_can_read(
    api: Api, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr("uvicorn.run", lambda app, **options: calls.append(options))
    assert run(capsys, "dev-cert", "--out", str(tmp_path), "--host", "sync.example")[0] == 0
    key = tmp_path / "server-key.pem"
    key.chmod(0o644)
    serve = ["serve", "--database", api.database_url, "--tls-cert", str(tmp_path / "server.pem")]

    status, _out, err = run(capsys, *serve, "--tls-key", str(key))
    assert status == 1 and f"chmod 600 {key}" in err and err.count("\n") == 1, err
    key.chmod(0o640)  # the service account's group may read it
    assert run(capsys, *serve, "--tls-key", str(key))[0] == 0
    assert len(calls) == 1


def test_serve_trusts_forwarded_headers_only_from_the_proxies_it_is_given(
    api: Api, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr("uvicorn.run", lambda app, **options: calls.append(options))
    serve = ["serve", "--database", api.database_url, "--insecure-dev-http"]
    assert run(capsys, *serve)[0] == 0
    proxies = ["--trusted-proxy", "10.0.0.5", "--trusted-proxy", "10.1.0.0/16"]
    assert run(capsys, *serve, *proxies)[0] == 0
    assert [(c["proxy_headers"], c["forwarded_allow_ips"]) for c in calls] == [
        (False, None),
        (True, ["10.0.0.5", "10.1.0.0/16"]),
    ]
    status, _out, err = run(capsys, *serve, "--trusted-proxy", "*")
    assert status == 1 and "not an IP address or network" in err


def test_device_retire_cancel_takes_the_request_back(
    api: Api, capsys: pytest.CaptureFixture[str]
) -> None:
    api.add_user("aiko", ["mure"])
    laptop, other = api.enroll("aiko"), api.enroll("aiko")
    db = ["--database", api.database_url]
    assert run(capsys, "device", "retire", laptop.device_id, "--yes", *db)[0] == 0
    assert laptop.get("/v1/status").json()["retiring"] is True

    # Taking it back loses nothing, so nobody is asked.
    status, out, err = run(capsys, "device", "retire", "--cancel", laptop.device_id[:8], *db)
    assert (status, err) == (0, "")
    assert out == (
        f"Device {laptop.device_id} (laptop, user aiko) stays active: the request to retire it "
        "is taken back, and at its next sync it syncs as before.\n"
    )
    assert laptop.get("/v1/status").json()["retiring"] is False
    listed = {d["id"]: d for d in json.loads(run(capsys, "device", "list", "--json", *db)[1])}
    assert (
        listed[laptop.device_id]["status"],
        listed[laptop.device_id]["retire_requested_at"],
    ) == (
        "active",
        None,
    )
    status, out, _err = run(capsys, "device", "retire", "--cancel", laptop.device_id, *db)
    assert (status, out) == (
        0,
        f"Device {laptop.device_id} (laptop, user aiko) was not asked to retire.\n",
    )

    # Once it has retired (or was revoked), there is nothing to take back.
    assert run(capsys, "device", "revoke", other.device_id, "--yes", *db)[0] == 0
    status, _out, err = run(capsys, "device", "retire", "--cancel", other.device_id, *db)
    assert status == 1
    assert err.startswith(
        f"marugoto-sync: device {other.device_id} (laptop, user aiko) is revoked "
    )
    assert "cannot be undone" in err
