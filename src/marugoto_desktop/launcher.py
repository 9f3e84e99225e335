"""The one program of the packaged app: the window by default, a command when given one.

`marugoto-desktop` opens the window; `marugoto-desktop --vault DIR` opens it on that vault;
`marugoto-desktop export --vault DIR …` (any command of cli.py) runs headless, so an office can
script it; `marugoto-desktop --self-test` checks an installation (selftest.py).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

# What the window understands (ui/app.py); anything else is a command, or the commands' --help.
WINDOW_OPTIONS = ("--vault", "--quit-when-shown")


def wants_window(args: Sequence[str]) -> bool:
    """A command comes first (`export --vault D`); the window's options come alone."""
    return not args or args[0].split("=", 1)[0] in WINDOW_OPTIONS


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["--self-test"]:
        from .selftest import main as self_test

        return self_test(args[1:])
    if wants_window(args):
        from .ui.app import main as window

        return window(args)
    from .cli import main as commands

    return commands(args)
