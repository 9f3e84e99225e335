"""`marugoto-desktop transfer`: a household moved to another area, asking first."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from ..conftest import PASSPHRASE
from .test_cli import HOUSEHOLD_LINE, run

MEMBER = {
    "type": "person",
    "id": "01900000-0000-7000-8000-000000000002",
    "area": "mure",
    "parent_id": HOUSEHOLD_LINE["id"],
    "name": "牟礼 花子",
}


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "passphrase.txt"
    path.write_text(PASSPHRASE + "\n", encoding="utf-8")
    return path


@pytest.fixture
def household(vault_dir: Path, secret_file: Path, tmp_path: Path) -> str:
    assert run("init", "--vault", vault_dir, "--passphrase-file", secret_file) == 0
    source = tmp_path / "in.jsonl"
    lines = (HOUSEHOLD_LINE, MEMBER)
    source.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), "utf-8")
    assert run("import", "--vault", vault_dir, "--passphrase-file", secret_file, source) == 0
    return str(HOUSEHOLD_LINE["id"])


def _areas(vault_dir: Path, secret_file: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    capsys.readouterr()
    assert run("export", "--vault", vault_dir, "--passphrase-file", secret_file) == 0
    return [json.loads(line)["area"] for line in capsys.readouterr().out.splitlines()]


def test_transfer_moves_the_household_with_its_members(
    vault_dir: Path, secret_file: Path, household: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    args = ("transfer", "--vault", vault_dir, "--passphrase-file", secret_file)
    assert run(*args, household, "--to", "kagawa", "--yes") == 0
    assert capsys.readouterr().out == (
        f"moved household {household} and 1 record that belongs to it from mure to kagawa; "
        "at their next sync, devices of kagawa receive it and devices of mure let it go\n"
    )
    assert _areas(vault_dir, secret_file, capsys) == ["kagawa", "kagawa"]


def test_transfer_asks_first_and_a_no_moves_nothing(
    vault_dir: Path,
    secret_file: Path,
    household: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stdin", Terminal("n\n"))
    capsys.readouterr()
    args = ("transfer", "--vault", vault_dir, "--passphrase-file", secret_file)
    assert run(*args, household, "--to", "kagawa") == 1
    out = capsys.readouterr().out
    assert out == (
        f"Move household {household} and 1 record that belongs to it from mure to kagawa? "
        "[y/N] nothing was moved\n"
    )
    assert _areas(vault_dir, secret_file, capsys) == ["mure", "mure"]


def test_transfer_without_a_terminal_wants_yes(
    vault_dir: Path, secret_file: Path, household: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    args = ("transfer", "--vault", vault_dir, "--passphrase-file", secret_file)
    assert run(*args, household, "--to", "kagawa") != 0
    assert "--yes" in capsys.readouterr().err
    assert run(*args, household, "--to", "mure", "--yes") != 0
    assert "in mure already" in capsys.readouterr().err
    assert run(*args, household, "--to", "atlantis", "--yes") != 0
    assert "unknown area atlantis" in capsys.readouterr().err
    assert _areas(vault_dir, secret_file, capsys) == ["mure", "mure"]
