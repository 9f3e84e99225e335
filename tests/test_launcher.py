"""One program, two faces: the window with no command, a command when given one."""

from __future__ import annotations

import pytest

from marugoto_desktop import launcher


@pytest.mark.parametrize(
    ("args", "window"),
    [
        ([], True),
        (["--vault", "/data/vault"], True),
        (["--vault=/data/vault"], True),
        (["--quit-when-shown"], True),
        (["export", "--vault", "/data/vault"], False),
        (["--help"], False),
        (["--version"], False),
        (["--self-test"], False),
    ],
)
def test_what_opens_the_window(args: list[str], window: bool) -> None:
    assert launcher.wants_window(args) is window


def test_a_command_runs_headless(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        launcher.main(["export", "--help"])
    assert done.value.code == 0
    assert "usage: marugoto-desktop export" in capsys.readouterr().out


def test_the_self_test_is_reached(capsys: pytest.CaptureFixture[str]) -> None:
    assert launcher.main(["--self-test", "unexpected"]) == 2
    assert "usage: marugoto-desktop --self-test" in capsys.readouterr().err
