"""Counts in the English both command lines speak: "1 change", "2 changes", "0 changes"."""

from __future__ import annotations


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """`n` and its noun, singular for exactly one; `plural` where adding "s" is wrong
    (counted(1, "entry", "entries") is "1 entry")."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def verb(n: int, singular: str, plural: str) -> str:
    """The verb agreeing with `n` ("1 change is", "2 changes are")."""
    return singular if n == 1 else plural
