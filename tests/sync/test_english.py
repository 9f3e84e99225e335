"""Counts in the command lines' English: one thing is singular, any other number plural."""

from __future__ import annotations

import pytest

from marugoto_sync.english import counted, verb


@pytest.mark.parametrize(
    ("n", "text"), [(0, "0 changes"), (1, "1 change"), (2, "2 changes"), (1282, "1282 changes")]
)
def test_a_count_agrees_with_its_noun(n: int, text: str) -> None:
    assert counted(n, "change") == text


def test_a_noun_with_its_own_plural() -> None:
    assert counted(1, "entry", "entries") == "1 entry"
    assert counted(2, "entry", "entries") == "2 entries"


def test_a_verb_agrees_with_the_count() -> None:
    assert [verb(n, "was", "were") for n in (0, 1, 2)] == ["were", "was", "were"]
