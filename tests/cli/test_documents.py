"""pdf activity|household|day, report annual|period, and where every command's output goes."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from pathlib import Path

import pytest

from marugoto_desktop.cli import main
from marugoto_desktop.vault import KdfParams, Vault

from ..conftest import PASSPHRASE
from ..reports.pdf_checks import check_document, plain


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "passphrase.txt"
    path.write_text(PASSPHRASE + "\n", encoding="utf-8")
    return path


@pytest.fixture
def records(tmp_path: Path) -> dict[str, str]:
    """A vault with a household of two, one consenting to share with the 包括."""
    with Vault.create(tmp_path / "vault", PASSPHRASE, kdf=KdfParams()) as vault:
        agency = vault.new_record("agency", "mure", name="牟礼包括", agency_type="chiiki_houkatsu")
        school = vault.new_record("agency", "mure", name="牟礼中学校", agency_type="school")
        home = vault.new_record("household", "mure", name="牟礼 太郎世帯", status="active")
        father = vault.new_record("person", "mure", home.id, name="牟礼 太郎", relationship="head")
        vault.new_record("person", "mure", home.id, name="牟礼 次郎", relationship="child")
        vault.new_record(
            "consent", "mure", home.id, person_id=father.id, granted_on="2025-04-01",
            method="signature", agency_ids=[agency.id], purposes=["information_sharing"],
        )  # fmt: skip
        visit = vault.new_record(
            "activity", "mure", home.id, date="2025-04-01", time="10:00", kind="consult.visit",
            content="自宅を訪問した。", recorded_by="田中 さくら",
        )  # fmt: skip
        vault.new_record(
            "activity", "mure", None, date="2025-04-01", time="14:00", kind="outreach.gathering",
            contacts=12, recorded_by="山本 一郎",
        )  # fmt: skip
        vault.new_record(
            "referral", "mure", home.id, agency_id=agency.id, direction="in", date="2025-04-02",
            status="open",
        )  # fmt: skip
    return {"household": home.id, "agency": agency.id, "school": school.id, "visit": visit.id}


def run(tmp_path: Path, secret_file: Path, *args: str | Path) -> int:
    command, rest = args[0], args[1:]
    words = [command] if command in ("export",) else [command, str(rest[0])]
    rest = rest if command in ("export",) else rest[1:]
    return main(
        [*words, "--vault", str(tmp_path / "vault"), "--passphrase-file", str(secret_file)]
        + [str(a) for a in rest]
    )


def test_pdf_activity(tmp_path, secret_file, records, capsys) -> None:
    out = tmp_path / "visit.pdf"
    assert run(tmp_path, secret_file, "pdf", "activity", "--id", records["visit"],
               "--out", out, "--by", "田中 さくら") == 0  # fmt: skip
    text = plain(check_document(out.read_bytes()))
    assert "令和7年4月1日（火）10:00" in text and "自宅を訪問した。" in text
    assert "作成：田中さくら" in text
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    missing = tmp_path / "no.pdf"
    no_such = ("--id", "no-such-id", "--out", missing)
    assert run(tmp_path, secret_file, "pdf", "activity", *no_such) == 1
    assert "no activity no-such-id" in capsys.readouterr().err


def test_pdf_household_with_a_password(tmp_path, secret_file, records) -> None:
    password = tmp_path / "pdf-password.txt"
    password.write_text("kagi-2025\n", encoding="utf-8")
    out = tmp_path / "sheet.pdf"
    assert run(tmp_path, secret_file, "pdf", "household", "--id", records["household"],
               "--out", out, "--password-file", password) == 0  # fmt: skip
    text = plain(check_document(out.read_bytes(), password="kagi-2025"))
    assert "牟礼次郎" in text and "牟礼包括" in text


def test_pdf_household_for_an_agency(tmp_path, secret_file, records, capsys) -> None:
    out = tmp_path / "shared.pdf"
    assert run(tmp_path, secret_file, "pdf", "household", "--id", records["household"],
               "--for-agency", records["agency"], "--out", out) == 0  # fmt: skip
    text = plain(check_document(out.read_bytes()))
    assert "牟礼太郎" in text and "記載していません" in text
    assert "次郎" not in text
    capsys.readouterr()
    refused = tmp_path / "refused.pdf"
    assert run(tmp_path, secret_file, "pdf", "household", "--id", records["household"],
               "--for-agency", records["school"], "--out", refused) == 1  # fmt: skip
    err = capsys.readouterr().err
    assert "no consent of the household names this agency" in err and err.count("\n") == 1
    assert not refused.exists()


def test_pdf_day(tmp_path, secret_file, records) -> None:
    out = tmp_path / "day.pdf"
    assert run(tmp_path, secret_file, "pdf", "day", "--date", "2025-04-01",
               "--consultant", "田中　さくら", "--out", out) == 0  # fmt: skip
    text = plain(check_document(out.read_bytes()))
    assert "自宅を訪問した。" in text and "地域の会合" in text  # the tally names every kind
    assert "14:00" not in text  # 山本's gathering is not 田中's
    with pytest.raises(SystemExit) as usage:
        run(tmp_path, secret_file, "pdf", "day", "--date", "2025-4-1", "--out", out)
    assert usage.value.code == 2


def test_report_annual_json_is_the_contract(tmp_path, secret_file, records, capsys) -> None:
    capsys.readouterr()
    assert run(tmp_path, secret_file, "report", "annual", "--fiscal-year", "2025") == 0
    found = json.loads(capsys.readouterr().out)
    assert list(found) == [
        "fiscal_year", "label", "from", "to", "areas", "totals", "referrals_in",
        "agencies_coordinated",
    ]  # fmt: skip
    assert (found["fiscal_year"], found["label"]) == (2025, "令和7年度")
    assert found["areas"]["mure"]["outreach"] == 1
    assert found["areas"]["mure"]["consultation_households"] == 1
    assert found["totals"]["consultation_contacts"] == 1
    assert (found["referrals_in"], found["agencies_coordinated"]) == (1, 1)
    assert run(tmp_path, secret_file, "report", "annual", "--fiscal-year", "2025", "--detail") == 0
    detail = json.loads(capsys.readouterr().out)
    assert detail["previous"]["label"] == "令和6年度"
    assert detail["breakdowns"]["households_supported"] == 1


def test_report_period_csv_and_pdf(tmp_path, secret_file, records) -> None:
    out = tmp_path / "april.csv"
    april = ("--from", "2025-04-01", "--to", "2025-04-30")
    assert run(tmp_path, secret_file, "report", "period", *april, "--area", "mure",
               "--format", "csv", "--out", out) == 0  # fmt: skip
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:2] == ["期間", "令和7年4月1日～令和7年4月30日"]
    assert ["対象エリア", "牟礼"] in rows
    pdf = tmp_path / "april.pdf"
    assert run(tmp_path, secret_file, "report", "period", *april, "--format", "pdf",
               "--out", pdf) == 0  # fmt: skip
    assert "関係機関からの持込ケース数" in plain(check_document(pdf.read_bytes()))
    assert run(tmp_path, secret_file, "report", "period", "--from", "2025-04-30",
               "--to", "2025-04-01") == 2  # fmt: skip
    assert run(tmp_path, secret_file, "report", "annual", "--fiscal-year", "2025",
               "--password-file", secret_file) == 2  # fmt: skip


# -- output into pipes, devices and standard output ------------------------------------------


def test_export_into_a_pipe_leaves_the_pipe(tmp_path, secret_file, records) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # so that the export's open goes on
    try:
        assert run(tmp_path, secret_file, "export", "--out", fifo) == 0
        os.set_blocking(reader, True)
        received = b""
        while chunk := os.read(reader, 65536):
            received += chunk
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)  # not replaced by a regular file
    lines = received.decode("utf-8").splitlines()
    assert len(lines) == 9 and json.loads(lines[0])["type"] == "agency"


def test_export_and_report_to_dash_write_standard_output(
    tmp_path, secret_file, records, capsysbinary
) -> None:
    assert run(tmp_path, secret_file, "export", "--out", "-") == 0
    captured = capsysbinary.readouterr()
    assert len(captured.out.decode("utf-8").splitlines()) == 9
    assert b"exported" not in captured.err
    assert not (tmp_path / "-").exists()
    assert run(tmp_path, secret_file, "report", "annual", "--fiscal-year", "2025",
               "--format", "csv", "--out", "-") == 0  # fmt: skip
    assert capsysbinary.readouterr().out.startswith("\ufeff期間".encode())
    assert run(tmp_path, secret_file, "pdf", "day", "--date", "2025-04-01", "--out", "-") == 0
    assert capsysbinary.readouterr().out.startswith(b"%PDF-")


@pytest.mark.parametrize(
    "command",
    [
        ("pdf", "day", "--date", "2025-04-01"),
        ("pdf", "activity", "--id", "{visit}"),
        ("report", "annual", "--fiscal-year", "2025"),
        ("report", "annual", "--fiscal-year", "2025", "--format", "csv"),
        ("report", "annual", "--fiscal-year", "2025", "--format", "pdf"),
    ],
)
def test_pdf_and_report_refuse_an_existing_file_unless_forced(
    tmp_path, secret_file, records, capsys, monkeypatch, command
) -> None:
    """As export does: a file there is kept, and nothing is asked or built, unless --force."""
    args = [word.format(**records) for word in command]
    target = tmp_path / "kept.out"
    target.write_text("kept\n", encoding="utf-8")
    capsys.readouterr()
    asked = lambda args: pytest.fail("asked for the passphrase of a command refused anyway")  # noqa: E731
    monkeypatch.setattr("marugoto_desktop.cli.passphrase", asked)
    assert run(tmp_path, secret_file, *args, "--out", target) == 1
    assert capsys.readouterr().err == (
        f"marugoto-desktop: error: {target} exists already: add --force to replace it, or name "
        "another file\n"
    )
    assert target.read_text(encoding="utf-8") == "kept\n"
    monkeypatch.undo()
    assert run(tmp_path, secret_file, *args, "--out", target, "--force") == 0
    assert target.read_bytes() != b"kept\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600  # personal data: its owner alone

    typo = tmp_path / "Reprots" / "new.out"
    assert run(tmp_path, secret_file, *args, "--out", typo) == 1
    assert f"the folder {typo.parent} does not exist" in capsys.readouterr().err
    assert not typo.parent.exists()


def test_pdf_and_report_write_into_a_device_without_force(tmp_path, secret_file, records) -> None:
    """/dev/null exists and is no regular file: it is written in place, as export does."""
    assert run(tmp_path, secret_file, "pdf", "day", "--date", "2025-04-01", "--out",
               os.devnull) == 0  # fmt: skip
    assert run(tmp_path, secret_file, "report", "annual", "--fiscal-year", "2025", "--out",
               os.devnull) == 0  # fmt: skip
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
