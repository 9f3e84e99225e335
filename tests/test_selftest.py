"""--self-test: every step runs and says how it went; any failure makes the exit code 1."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from marugoto_desktop import policy, selftest


def test_the_self_test_passes_from_source(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "QT_QPA_PLATFORM": "offscreen",
    }
    done = subprocess.run(
        [sys.executable, "-m", "marugoto_desktop", "--self-test"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = done.stdout.splitlines()
    assert done.returncode == 0, done.stdout + done.stderr
    steps = [line for line in lines if line.startswith(("ok ", "FAIL"))]
    assert [line.split(":")[0].split(maxsplit=1)[1] for line in steps] == [
        title for _, title in selftest.SelfTest.STEPS
    ]
    assert all(line.startswith("ok ") for line in steps)
    assert lines[-1] == "self-test passed"
    assert not (tmp_path / "data" / "marugoto-desktop").exists()  # nothing of the person's


class FirstSteps(selftest.SelfTest):
    STEPS = selftest.SelfTest.STEPS[:4]  # (paths, vault, record, pdf: no window in-process)


def test_a_missing_font_fails_the_pdf_step(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selftest, "fonts_dir", lambda: tmp_path / "no-fonts")
    lines: list[str] = []
    assert FirstSteps(tmp_path).run(lines.append) is False
    assert [line[:4] for line in lines] == ["ok  ", "ok  ", "ok  ", "FAIL"]
    assert "bundled font is missing" in lines[3]


def test_a_broken_machine_policy_fails_the_first_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "policy.toml"
    broken.write_text("auto_lock_minutes = 'soon'\n", encoding="utf-8")
    monkeypatch.setattr(policy, "machine_policy_file", lambda: broken)
    policy.machine_policy.cache_clear()
    lines: list[str] = []
    assert FirstSteps(tmp_path).run(lines.append) is False
    assert lines[0].startswith("FAIL data folder and policy: PolicyInvalid")


def test_a_self_test_given_arguments_refuses(capsys: pytest.CaptureFixture[str]) -> None:
    assert selftest.main(["--quick"]) == 2
