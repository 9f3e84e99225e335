"""`--help` of both commands: every option described, with its default; one spelling of
enroll; no doubled punctuation, in the help and in the documents."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from marugoto_desktop.cli import build_parser as desktop_parser
from marugoto_sync.server.cli import build_parser as server_parser

ROOT = Path(__file__).resolve().parents[2]
# British "enrol", "enrols", "enrolment": the command is `enroll`, and so is every word.
OTHER_SPELLING = re.compile(r"\benrol\b|\benrols\b|\benrolment|\bEnrol\b|\bEnrolment")
# Two marks in a row ("..", ". .", ".:", ",."), argparse's own "..." aside.
DOUBLED = re.compile(r"[.,;:]\s?[.,;:]")


def parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from parsers(sub)


def options(parser: argparse.ArgumentParser) -> Iterator[tuple[str, argparse.Action]]:
    for each in parsers(parser):
        for action in each._actions:
            if not isinstance(
                action, argparse._SubParsersAction | argparse._HelpAction | argparse._VersionAction
            ):
                yield each.prog, action


BUILDERS = [desktop_parser, server_parser]


@pytest.mark.parametrize("build", BUILDERS)
def test_every_option_is_described_with_its_default(build) -> None:
    undescribed, no_default = [], []
    for prog, action in options(build()):
        name = f"{prog} {'/'.join(action.option_strings) or action.dest}"
        if not (action.help or "").strip():
            undescribed.append(name)
        elif action.default not in (None, False) and "default" not in action.help:
            no_default.append(name)
    assert undescribed == []
    assert no_default == []


@pytest.mark.parametrize("build", BUILDERS)
def test_the_help_has_one_spelling_and_no_doubled_punctuation(build) -> None:
    for parser in parsers(build()):
        text = parser.format_help().replace("...", "…")
        assert not OTHER_SPELLING.search(text), (parser.prog, OTHER_SPELLING.findall(text))
        assert not DOUBLED.search(text), (parser.prog, DOUBLED.findall(text))


def test_the_documents_and_messages_spell_enroll_one_way() -> None:
    texts = [
        ROOT / "README.md",
        *(ROOT / "docs").glob("*.md"),
        ROOT / "src/marugoto_desktop/cli.py",
    ]
    texts += [*(ROOT / "src/marugoto_desktop/operations").glob("*.py")]
    texts += [*(ROOT / "sync/marugoto_sync").rglob("*.py")]
    found = {
        str(path.relative_to(ROOT)): OTHER_SPELLING.findall(path.read_text(encoding="utf-8"))
        for path in texts
    }
    assert {path: words for path, words in found.items() if words} == {}
