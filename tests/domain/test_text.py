"""Folding text for search: width, kana, case, spaces and hyphens never decide a match."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marugoto_desktop.domain.text import fold


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("やまだ", "ヤマダ"),
        ("ﾔﾏﾀﾞ", "やまだ"),  # half-width katakana with a voiced mark
        ("ヴ", "ゔ"),
        ("０８７", "087"),
        ("087-000-1234", "０８７－０００－１２３４"),
        ("0870001234", "087-000-1234"),
        ("山田太郎", "山田　太郎"),  # an ideographic space
        ("ＡＢＣ", "abc"),
        ("ゝ", "ヽ"),
    ],
)
def test_what_is_typed_matches_what_is_stored(typed: str, stored: str) -> None:
    assert fold(typed) == fold(stored)


def test_the_long_vowel_mark_and_other_letters_still_count() -> None:
    assert fold("ルー") != fold("ル")
    assert fold("山田") != fold("山口")
    assert fold("ルー") == "るー"


# What people type into names, kana, addresses and phone numbers.
TYPED = st.text(st.characters(categories=("L", "N", "Zs", "Pd")))


@settings(max_examples=2000)
@given(TYPED)
def test_folding_twice_changes_nothing(text: str) -> None:
    assert fold(fold(text)) == fold(text)
