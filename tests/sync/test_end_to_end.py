"""Two consultants, one 総合センター server, real HTTPS on loopback (DESIGN §5).

The server runs in its own process (`marugoto-sync serve`, uvicorn) with a certificate from
`marugoto-sync dev-cert`; the laptops are real encrypted vaults syncing through the same
operations the command line and the desktop app use.
"""

from __future__ import annotations

import io
import json
import platform
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, select

from marugoto_desktop import __version__
from marugoto_desktop.cli import describe_sync_error
from marugoto_desktop.cli import main as desktop
from marugoto_desktop.operations import conflict_review
from marugoto_desktop.operations import sync as syncing
from marugoto_desktop.operations.exchange import export_lines_to
from marugoto_desktop.vault import KdfParams, Vault
from marugoto_desktop.vault.replica import VaultReplica
from marugoto_desktop.vault.store import DB_FILE
from marugoto_sync.client import (
    Cancelled,
    DeviceRetired,
    DeviceRevoked,
    SyncClient,
    SyncError,
    ssl_context,
)
from marugoto_sync.hlc import millis_of, wall_millis
from marugoto_sync.server.cli import main as sync_admin
from marugoto_sync.server.tables import devices
from marugoto_sync.trust import certificates_in

from ..conftest import PASSPHRASE

PASSWORD = "a long server password"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Office:
    url: str
    database: str
    ca: Path
    process: subprocess.Popen[bytes]

    def admin(self, *args: str) -> int:
        return sync_admin([*args, "--database", self.database])


@pytest.fixture
def office(tmp_path: Path, database_url: str) -> Iterator[Office]:
    certs = tmp_path / "certs"
    assert sync_admin(["dev-cert", "--out", str(certs), "--host", "localhost"]) == 0
    password_file = tmp_path / "password.txt"
    password_file.write_text(PASSWORD, encoding="utf-8")
    for user in ("aiko", "ken"):
        assert sync_admin(["user", "add", user, "--role", "consultant", "--area", "mure",
                           "--password-file", str(password_file),
                           "--database", database_url]) == 0  # fmt: skip
    port = free_port()
    exe = Path(sys.executable).parent / "marugoto-sync"
    process = subprocess.Popen(
        [exe, "serve", "--database", database_url, "--host", "127.0.0.1", "--port", str(port),
         "--tls-cert", certs / "server.pem", "--tls-key", certs / "server-key.pem"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    url = f"https://localhost:{port}"
    ca = certs / "ca.pem"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{url}/openapi.json", verify=ssl_context(ca), timeout=2)
                break
            except httpx.HTTPError:
                if process.poll() is not None or time.monotonic() > deadline:
                    err = process.stderr.read().decode() if process.stderr else ""
                    pytest.fail(f"the server did not start: {err}")
                time.sleep(0.1)
        yield Office(url, database_url, ca, process)
    finally:
        process.terminate()
        process.wait(timeout=10)


def laptop(tmp_path: Path, name: str, office: Office) -> Vault:
    vault = Vault.create(tmp_path / name, PASSPHRASE, kdf=KdfParams())
    enrollment = syncing.enroll(vault, office.url, name, PASSWORD, ca_file=office.ca)
    assert enrollment.areas == ["mure"]
    return vault


def export(vault: Vault) -> str:
    out = io.StringIO()
    export_lines_to(vault, out)
    return out.getvalue()


def test_two_consultants_conflict_resolve_and_converge(tmp_path: Path, office: Office) -> None:
    aiko, ken = laptop(tmp_path, "aiko", office), laptop(tmp_path, "ken", office)
    household = aiko.new_record("household", "mure", name="牟礼家", status="active")
    aiko.new_record("person", "mure", household.id, name="牟礼 一郎")
    assert syncing.sync(aiko).pushed > 0
    assert syncing.sync(ken).pulled > 0
    assert export(ken) == export(aiko)

    # Offline, both change the same field; Ken's laptop clock runs a few seconds ahead.
    aiko.put(aiko.get(household.id).with_fields(status="watching"))
    ken._clock._now = lambda: wall_millis() + 5_000
    ken.put(ken.get(household.id).with_fields(status="closed", phone="087-000-0000"))

    syncing.sync(ken)
    syncing.sync(aiko)
    syncing.sync(ken)
    for vault in (aiko, ken):
        [row] = syncing.conflict_rows(vault)
        assert (row.field, row.kept_value, row.other_value) == ("status", "closed", "watching")
        assert vault.get(household.id).fields["status"] == "closed"
        assert vault.get(household.id).fields["phone"] == "087-000-0000"  # no conflict there
    [aiko_row], [ken_row] = syncing.conflict_rows(aiko), syncing.conflict_rows(ken)
    assert aiko_row.conflict_id == ken_row.conflict_id

    # Aiko settles it: her value after all. The resolution syncs like any edit.
    syncing.resolve_conflict(aiko, aiko_row.conflict_id, "other")  # her "watching"
    syncing.sync(aiko)
    syncing.sync(ken)
    for vault in (aiko, ken):
        assert syncing.conflict_rows(vault) == []
        assert vault.get(household.id).fields["status"] == "watching"
    assert export(ken) == export(aiko)
    aiko.close()
    ken.close()


def test_a_conflict_names_the_person_and_the_laptop_on_each_side(
    tmp_path: Path, office: Office, capsys: pytest.CaptureFixture[str]
) -> None:
    aiko, ken = laptop(tmp_path, "aiko", office), laptop(tmp_path, "ken", office)
    household = aiko.new_record("household", "mure", name="牟礼家", status="active")
    syncing.sync(aiko)
    syncing.sync(ken)
    aiko.put(aiko.get(household.id).with_fields(status="watching"))
    ken._clock._now = lambda: wall_millis() + 5_000
    ken.put(ken.get(household.id).with_fields(status="closed"))
    syncing.sync(ken)
    syncing.sync(aiko)

    ken_device = syncing.default_device_name(ken, "ken")  # ken@COMPUTER #VAULT-ID
    [row] = syncing.conflict_rows(aiko)
    [(kept_by, other_by)] = conflict_review.authors_of(aiko, [row]).values()
    assert (kept_by.this_laptop, kept_by.user, kept_by.device) == (False, "ken", ken_device)
    assert (other_by.this_laptop, other_by.user) == (True, "aiko")
    # Kept sealed in the vault, like the other settings.
    assert VaultReplica(aiko).authors()[ken.site] == {"user": "ken", "device": ken_device}
    aiko.close()
    assert ken_device.encode() not in (tmp_path / "aiko" / DB_FILE).read_bytes()

    secret = tmp_path / "passphrase.txt"
    secret.write_text(PASSPHRASE, encoding="utf-8")
    vault_args = ["--vault", str(tmp_path / "aiko"), "--passphrase-file", str(secret)]
    capsys.readouterr()
    assert desktop(["conflicts", *vault_args]) == 0
    listed = capsys.readouterr().out
    at = datetime.fromtimestamp(millis_of(row.kept_hlc) / 1000).strftime("%Y-%m-%d %H:%M")
    assert f"    kept:  closed  (ken on {ken_device}, {at})\n" in listed
    assert "    other: watching  (aiko on this laptop, " in listed
    assert desktop(["conflicts", "--json", *vault_args]) == 0
    [as_json] = json.loads(capsys.readouterr().out)
    assert as_json["kept_by"]["user"] == "ken" and as_json["kept_by"]["device"] == ken_device
    assert as_json["other_by"] == {
        "user": "aiko",
        "device": None,
        "this_laptop": True,
        "at": as_json["other_by"]["at"],
    }
    ken.close()


def test_a_revoked_laptop_is_refused_and_wiped(tmp_path: Path, office: Office, capsys) -> None:
    ken = laptop(tmp_path, "ken", office)
    ken.new_record("household", "mure", name="消える家", status="active")
    syncing.sync(ken)
    capsys.readouterr()
    assert office.admin("device", "list", "--json") == 0
    devices = json.loads(capsys.readouterr().out)
    [device] = [d for d in devices if d["user"] == "ken"]
    assert office.admin("device", "revoke", device["id"], "--yes") == 0
    with pytest.raises(DeviceRevoked):
        syncing.sync(ken)
    assert not ken.is_open
    assert not any((tmp_path / "ken").glob(DB_FILE + "*"))


def test_a_retired_laptop_sends_its_unsent_work_then_erases_itself(
    tmp_path: Path, office: Office, capsys: pytest.CaptureFixture[str]
) -> None:
    aiko, ken = laptop(tmp_path, "aiko", office), laptop(tmp_path, "ken", office)
    household = ken.new_record("household", "mure", name="返却の家", status="active")
    syncing.sync(ken)
    syncing.sync(aiko)
    # Written on Ken's laptop and not sent when the office retires it.
    ken.put(ken.get(household.id).with_fields(status="watching", note="返却前のメモ"))
    later = ken.new_record("household", "mure", name="最後の家", status="active")
    unsent = ken.outbox_size()
    assert unsent == 4  # status and note; the new household's name and status
    device_id = syncing.server_settings(ken)["device_id"]
    assert office.admin("device", "retire", device_id, "--yes") == 0

    with pytest.raises(DeviceRetired) as retired:
        syncing.sync(ken)
    assert retired.value.details["pushed"] == unsent
    assert not ken.is_open
    assert not any((tmp_path / "ken").glob(DB_FILE + "*"))
    # Everything reached the server: the other laptop receives it.
    syncing.sync(aiko)
    assert aiko.get(household.id).fields["note"] == "返却前のメモ"
    assert aiko.get(later.id).fields["name"] == "最後の家"
    capsys.readouterr()
    assert office.admin("device", "list", "--json") == 0
    [listed] = [d for d in json.loads(capsys.readouterr().out) if d["id"] == device_id]
    assert listed["status"] == "retired"
    aiko.close()


def test_a_retiring_laptop_that_cannot_send_everything_erases_nothing(
    tmp_path: Path, office: Office
) -> None:
    ken = laptop(tmp_path, "ken", office)
    household = ken.new_record("household", "mure", name="牟礼家", status="active")
    syncing.sync(ken)
    ken.put(ken.get(household.id).with_fields(note="未送信のメモ"))
    assert office.admin("user", "areas", "ken", "--area", "shoga") == 0
    assert office.admin("device", "retire", syncing.server_settings(ken)["device_id"], "--yes") == 0
    with pytest.raises(SyncError) as blocked:
        syncing.sync(ken)
    assert (blocked.value.code, blocked.value.details["unsent"]) == ("retire_blocked", 1)
    assert "nothing was erased" in describe_sync_error(blocked.value)
    assert ken.is_open and ken.outbox_size() == 1
    # Granted again, the note goes out and the laptop retires.
    assert office.admin("user", "areas", "ken", "--area", "mure") == 0
    with pytest.raises(DeviceRetired):
        syncing.sync(ken)
    assert not ken.is_open


def test_a_request_to_retire_taken_back_erases_nothing_even_during_the_sync(
    tmp_path: Path, office: Office, capsys: pytest.CaptureFixture[str]
) -> None:
    ken = laptop(tmp_path, "ken", office)
    household = ken.new_record("household", "mure", name="残る家", status="active")
    device_id = syncing.server_settings(ken)["device_id"]

    # Taken back before the laptop syncs: it never hears of it.
    assert office.admin("device", "retire", device_id, "--yes") == 0
    assert office.admin("device", "retire", "--cancel", device_id) == 0
    report = syncing.sync(ken)
    assert (report.pushed, report.retire_cancelled) == (2, False)
    assert ken.is_open and ken.get(household.id) is not None

    # Taken back while the laptop syncs: it read "retiring" and sends its work, and by the
    # time it asks to retire the request is gone, so it keeps its vault and its token.
    ken.put(ken.get(household.id).with_fields(note="まだ使うパソコン"))
    assert office.admin("device", "retire", device_id, "--yes") == 0

    def office_takes_it_back(stage: str, done: int, total: int | None) -> None:
        if stage == "push" and done == 0:
            assert office.admin("device", "retire", "--cancel", device_id) == 0

    report = syncing.sync(ken, office_takes_it_back)
    assert (report.pushed, report.retire_cancelled) == (1, True)
    assert ken.is_open and ken.get(household.id).fields["note"] == "まだ使うパソコン"
    assert syncing.sync(ken).pushed == 0  # its token still works
    capsys.readouterr()
    assert office.admin("device", "list", "--json") == 0
    [listed] = [d for d in json.loads(capsys.readouterr().out) if d["id"] == device_id]
    assert listed["status"] == "active"
    ken.close()


def test_the_client_refuses_an_unknown_certificate(tmp_path: Path, office: Office) -> None:
    vault = Vault.create(tmp_path / "v", PASSPHRASE, kdf=KdfParams())
    with pytest.raises(SyncError) as untrusted:
        syncing.enroll(vault, office.url, "aiko", PASSWORD)  # no CA file: not trusted
    assert (untrusted.value.code, untrusted.value.details["reason"]) == (
        "unreachable",
        "untrusted_certificate",
    )
    assert re.fullmatch(
        r"cannot reach .*not trusted.*--ca-file.*", describe_sync_error(untrusted.value)
    )
    # Plain HTTP is refused before anything is sent (loopback alone may use it, for development).
    with pytest.raises(SyncError) as plain:
        syncing.enroll(vault, "http://sync.example.invalid", "aiko", PASSWORD)
    assert plain.value.code == "insecure_url"
    assert describe_sync_error(plain.value) == (
        "the server address must start with https:// (http://sync.example.invalid)"
    )
    vault.close()


def test_a_laptop_is_known_by_whose_and_which_it_is_and_its_app_version(
    tmp_path: Path, office: Office, capsys: pytest.CaptureFixture[str]
) -> None:
    aiko = laptop(tmp_path, "aiko", office)
    capsys.readouterr()
    assert office.admin("device", "list", "--json") == 0
    [device] = json.loads(capsys.readouterr().out)
    assert device["name"] == f"aiko@{platform.node()} #{aiko.vault_id[:8]}"
    assert device["app_version"] == __version__
    aiko.close()


def test_the_vault_keeps_the_ca_certificate_itself_not_its_path(
    tmp_path: Path, office: Office
) -> None:
    handed_out = tmp_path / "from-the-office" / "ca.pem"
    handed_out.parent.mkdir()
    handed_out.write_bytes(office.ca.read_bytes())
    aiko = Vault.create(tmp_path / "aiko", PASSPHRASE, kdf=KdfParams())
    syncing.enroll(aiko, office.url, "aiko", PASSWORD, ca_file=handed_out)
    handed_out.unlink()  # a USB stick taken away, a Downloads folder emptied
    aiko.new_record("household", "mure", name="牟礼家", status="active")
    assert syncing.sync(aiko).pushed == 2
    kept = syncing.server_settings(aiko)
    assert "ca_file" not in kept and kept["ca_pem"].startswith("-----BEGIN CERTIFICATE-----")
    aiko.close()


def test_a_vault_that_kept_a_path_now_gone_is_told_to_sync_with_ca_file(
    tmp_path: Path, office: Office, capsys: pytest.CaptureFixture[str]
) -> None:
    from marugoto_desktop.cli import main as desktop
    from marugoto_desktop.vault.replica import VaultReplica

    folder = tmp_path / "aiko"
    with Vault.create(folder, PASSPHRASE, kdf=KdfParams()) as aiko:
        syncing.enroll(aiko, office.url, "aiko", PASSWORD, ca_file=office.ca)
        # As a vault enrolled by an earlier version keeps it: the path of a file since moved.
        settings = syncing.server_settings(aiko)
        del settings["ca_pem"]
        VaultReplica(aiko).set_setting(
            syncing.SERVER_KEY, {**settings, "ca_file": str(tmp_path / "gone" / "ca.pem")}
        )
    secret = tmp_path / "passphrase.txt"
    secret.write_text(PASSPHRASE, encoding="utf-8")
    vault = ["--vault", str(folder), "--passphrase-file", str(secret)]
    assert desktop(["sync", *vault]) == 1
    assert capsys.readouterr().err == (
        "marugoto-desktop: error: this vault was enrolled with the CA certificate "
        f"{tmp_path / 'gone' / 'ca.pem'}, which no longer exists: sync once with --ca-file FILE "
        "(the office's ca.pem); the vault then keeps the certificate itself\n"
    )
    assert desktop(["sync", *vault, "--ca-file", str(office.ca)]) == 0
    assert desktop(["sync", *vault]) == 0  # the vault keeps it now
    with Vault.open(folder, PASSPHRASE) as aiko:
        kept = syncing.server_settings(aiko)
    assert "ca_file" not in kept and kept["ca_pem"] == office.ca.read_text()


def test_an_untrusted_certificate_says_what_was_tried(
    tmp_path: Path, office: Office, capsys: pytest.CaptureFixture[str]
) -> None:
    vault = Vault.create(tmp_path / "v", PASSPHRASE, kdf=KdfParams())
    with pytest.raises(SyncError) as untrusted:
        syncing.enroll(vault, office.url, "aiko", PASSWORD)
    text = describe_sync_error(untrusted.value)
    assert text.endswith(
        "The server's certificate (issued by marugoto-sync pilot CA (localhost)) is not "
        "trusted; tried this computer's certificate store. If the office uses its own CA, "
        "pass its certificate with --ca-file (ca.pem)"
    )
    # Another office's CA (a renewed one, say): its subject and fingerprint are named.
    other = tmp_path / "other"
    assert sync_admin(["dev-cert", "--out", str(other), "--host", "elsewhere"]) == 0
    [described] = certificates_in((other / "ca.pem").read_bytes())
    with pytest.raises(SyncError) as untrusted:
        syncing.enroll(vault, office.url, "aiko", PASSWORD, ca_file=other / "ca.pem")
    assert (
        "is not trusted; tried this computer's certificate store and the office CA "
        f"certificate from {other / 'ca.pem'} (marugoto-sync pilot CA (elsewhere), SHA-256 "
        f"{described.sha256}). If the office's CA changed, sync again with --ca-file"
    ) in describe_sync_error(untrusted.value)
    assert syncing.enrolled_settings(vault) is None
    vault.close()


@pytest.mark.parametrize("problem", ["missing", "folder", "not_pem"])
def test_a_ca_file_that_cannot_be_used_is_named_with_what_to_do(
    tmp_path: Path, office: Office, capsys: pytest.CaptureFixture[str], problem: str
) -> None:
    from marugoto_desktop.cli import main as desktop

    given = tmp_path / "ca.pem"
    if problem == "folder":
        given.mkdir()
    elif problem == "not_pem":
        given.write_bytes((office.ca.parent / "server-key.pem").read_bytes())
    secret = tmp_path / "secret.txt"
    secret.write_text(PASSPHRASE, encoding="utf-8")
    Vault.create(tmp_path / "v", PASSPHRASE, kdf=KdfParams()).close()
    assert desktop(["enroll", "--vault", str(tmp_path / "v"), "--passphrase-file", str(secret),
                    "--server", office.url, "--user", "aiko", "--ca-file", str(given),
                    "--password-file", str(secret)]) == 1  # fmt: skip
    expected = {
        "missing": f"the CA certificate file {given} does not exist: give the path of the "
        "office's CA certificate (ca.pem from marugoto-sync dev-cert, or the city's CA)",
        "folder": f"{given} is a folder: give the CA certificate file in it (ca.pem)",
        "not_pem": f"{given} is not a PEM certificate (text between -----BEGIN CERTIFICATE----- "
        "and -----END CERTIFICATE-----): give the CA certificate the office handed out, not a "
        "key",
    }
    assert capsys.readouterr().err == f"marugoto-desktop: error: {expected[problem]}\n"


def test_wrong_password_is_refused(tmp_path: Path, office: Office) -> None:
    vault = Vault.create(tmp_path / "v", PASSPHRASE, kdf=KdfParams())
    with pytest.raises(SyncError) as refused:
        syncing.enroll(vault, office.url, "aiko", "not the password", ca_file=office.ca)
    assert refused.value.code == "bad_credentials"
    vault.close()


def test_an_enrolled_vault_is_enrolled_again_only_when_asked_and_retires_its_old_device(
    tmp_path: Path, office: Office, capsys: pytest.CaptureFixture[str]
) -> None:
    aiko = laptop(tmp_path, "aiko", office)
    first = syncing.server_settings(aiko)["device_id"]
    with pytest.raises(syncing.AlreadyEnrolled) as again:
        syncing.enroll(aiko, office.url, "aiko", PASSWORD, ca_file=office.ca)
    assert (again.value.details["device_id"], again.value.details["user"]) == (first, "aiko")
    assert f"device {first} of aiko" in describe_sync_error(again.value)
    assert syncing.server_settings(aiko)["device_id"] == first  # nothing changed
    old_token = syncing.server_settings(aiko)["token"]
    aiko.new_record("household", "mure", name="未送信の家", status="active")  # not sent yet
    again = syncing.enroll(aiko, office.url, "aiko", PASSWORD, ca_file=office.ca, replace=True)
    assert again.device_id != first
    assert syncing.server_settings(aiko)["device_id"] == again.device_id
    # The device it replaces is retired: never two active devices of one vault.
    assert again.replaced is not None
    assert (again.replaced.device_id, again.replaced.outcome) == (first, "retired")
    capsys.readouterr()
    assert office.admin("device", "list", "--json") == 0
    statuses = {d["id"]: d["status"] for d in json.loads(capsys.readouterr().out)}
    assert statuses == {first: "retired", again.device_id: "active"}
    # The new device stands in the old one's place in the log (storage.transfers).
    engine = create_engine(office.database)
    with engine.connect() as conn:
        replaces = select(devices.c.replaces).where(devices.c.id == again.device_id)
        assert conn.execute(replaces).scalar() == first
    engine.dispose()
    old = SyncClient(office.url, token=old_token, ca_file=office.ca, app_version=__version__)
    with old, pytest.raises(DeviceRevoked) as refused:
        old.status()
    assert refused.value.code == "device_retired"
    # What the vault had not sent goes out with the new device.
    assert syncing.sync(aiko).pushed == 2
    aiko.close()


def test_gaining_an_area_backfills_it_and_losing_one_erases_it(
    tmp_path: Path, office: Office
) -> None:
    aiko, ken = laptop(tmp_path, "aiko", office), laptop(tmp_path, "ken", office)
    assert office.admin("user", "areas", "aiko", "--area", "mure", "shoga") == 0
    syncing.sync(aiko)
    shoga = aiko.new_record("household", "shoga", name="勝賀家", status="active")
    mure = aiko.new_record("household", "mure", name="牟礼家", status="active")
    syncing.sync(aiko)
    syncing.sync(ken)
    assert ken.get(shoga.id) is None  # not Ken's area
    assert ken.get(mure.id) is not None

    assert office.admin("user", "areas", "ken", "--area", "mure", "shoga") == 0
    report = syncing.sync(ken)
    assert report.backfilled == {"shoga": 2}  # the household's name and status
    assert ken.get(shoga.id) == aiko.get(shoga.id)  # history before the cursor came too

    assert office.admin("user", "areas", "ken", "--area", "shoga") == 0
    ken.put(ken.get(mure.id).with_fields(note="未送信のメモ"))  # written before losing mure
    report = syncing.sync(ken)
    assert report.removed_areas == ["mure"]
    assert report.held_back == 1
    assert ken.get(mure.id, include_deleted=True) is None
    assert ken.get(shoga.id) is not None
    assert ken.outbox_size() == 1  # what Ken wrote is kept, not silently dropped

    # Granted again: the whole history of mure comes back, and Ken's unsent note goes out.
    assert office.admin("user", "areas", "ken", "--area", "mure", "shoga") == 0
    report = syncing.sync(ken)
    assert report.backfilled["mure"] >= 2
    assert report.pushed == 1
    assert ken.get(mure.id).fields["status"] == "active"
    syncing.sync(aiko)
    assert aiko.get(mure.id).fields["note"] == "未送信のメモ"
    aiko.close()
    ken.close()


def test_the_command_line_enrolls_syncs_and_resolves(
    tmp_path: Path, office: Office, capsys: pytest.CaptureFixture[str]
) -> None:
    from marugoto_desktop.cli import main as desktop

    secret = tmp_path / "passphrase.txt"
    secret.write_text(PASSPHRASE, encoding="utf-8")
    password = tmp_path / "password.txt"
    password.write_text(PASSWORD, encoding="utf-8")
    folders = {name: tmp_path / name for name in ("aiko", "ken")}
    for name, folder in folders.items():
        Vault.create(folder, PASSPHRASE, kdf=KdfParams()).close()
        assert desktop(["enroll", "--vault", str(folder), "--passphrase-file", str(secret),
                        "--server", office.url, "--user", name, "--ca-file", str(office.ca),
                        "--password-file", str(password)]) == 0  # fmt: skip
    assert "enrolled as ken (consultant)" in capsys.readouterr().out

    def run(name: str, *args: str) -> str:
        code = desktop([args[0], "--vault", str(folders[name]), "--passphrase-file", str(secret),
                        *args[1:]])  # fmt: skip
        assert code == 0
        return capsys.readouterr().out

    with Vault.open(folders["aiko"], PASSPHRASE) as aiko:
        household = aiko.new_record("household", "mure", name="牟礼家", status="active")
    # Her first sync sends what she held; her own changes, echoed back, are not "received".
    assert "sent 2 changes, received 0\n" in run("aiko", "sync")
    assert "sent 0 changes, received 2\n" in run("ken", "sync")
    with Vault.open(folders["aiko"], PASSPHRASE) as aiko:
        aiko.put(aiko.get(household.id).with_fields(status="watching"))
    with Vault.open(folders["ken"], PASSPHRASE) as ken:
        ken._clock._now = lambda: wall_millis() + 5_000
        ken.put(ken.get(household.id).with_fields(status="closed"))
    run("ken", "sync")
    assert f"1 conflict to review: marugoto-desktop conflicts --vault {folders['aiko']}\n" in run(
        "aiko", "sync"
    )
    [conflict] = json.loads(run("aiko", "conflicts", "--json"))
    assert (conflict["field"], conflict["kept"], conflict["other"]) == (
        "status",
        "closed",
        "watching",
    )
    listing = run("aiko", "conflicts")
    assert "状況 (status)" in listing and "other: watching" in listing
    assert f"settle one with: marugoto-desktop resolve --vault {folders['aiko']} ID" in listing
    # The first characters of the id are enough.
    assert run("aiko", "resolve", conflict["conflict_id"][:6], "--other") == (
        f"conflict {conflict['conflict_id']} resolved; the resolution is sent with the next "
        f"sync (marugoto-desktop sync --vault {folders['aiko']})\n"
    )
    run("aiko", "sync")
    run("ken", "sync")
    assert run("ken", "conflicts") == "no open conflicts\n"
    with Vault.open(folders["ken"], PASSPHRASE) as ken:
        assert ken.get(household.id).fields["status"] == "watching"


def test_the_last_sync_is_kept_in_the_vault(tmp_path: Path, office: Office) -> None:
    aiko = laptop(tmp_path, "aiko", office)
    assert syncing.last_sync(aiko) is None
    aiko.new_record("household", "mure", name="牟礼家", status="active")
    syncing.sync(aiko)
    done = syncing.last_sync(aiko)
    assert done is not None and (done.ok, done.error, done.pushed, done.pulled) == (
        True,
        None,
        2,
        0,  # its own two came back from the log: not news
    )
    with pytest.raises(Cancelled):
        syncing.sync(aiko, cancelled=lambda: True)
    stopped = syncing.last_sync(aiko)
    assert stopped is not None and (stopped.ok, stopped.error) == (False, "cancelled")
    assert stopped.at >= done.at
    office.process.terminate()
    office.process.wait(timeout=10)
    with pytest.raises(SyncError):
        syncing.sync(aiko)
    failed = syncing.last_sync(aiko)
    assert failed is not None and (failed.ok, failed.error) == (False, "unreachable")
    aiko.close()
