"""The `authors` of a pull answer, as a laptop checks them before keeping them."""

from __future__ import annotations

import pytest

from marugoto_sync.authors import read_authors

KEN = {"user": "ken", "device": "ken@MURE-PC-02 #b2b2b2b2"}


def test_authors_are_read_by_site_and_an_older_server_sends_none() -> None:
    assert read_authors({"b2b2b2b2": KEN}) == {"b2b2b2b2": KEN}
    assert read_authors({"b2b2b2b2": {**KEN, "extra": "ignored"}}) == {"b2b2b2b2": KEN}
    assert read_authors(None) == {}


@pytest.mark.parametrize(
    "answer",
    [
        [],
        {"not a site": KEN},
        {"b2b2b2b2": "ken"},
        {"b2b2b2b2": {"user": "ken"}},
        {"b2b2b2b2": {**KEN, "device": ""}},
        {"b2b2b2b2": {**KEN, "user": 7}},
        {"b2b2b2b2": {**KEN, "device": "x" * 201}},
    ],
)
def test_malformed_authors_are_refused(answer: object) -> None:
    with pytest.raises(ValueError, match=r"^authors"):
        read_authors(answer)
