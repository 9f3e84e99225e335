"""Where a transferred household came from, as each laptop knows it, between real vaults and a
real server (SQLite and PostgreSQL): the laptop that moved it noted it; a laptop of the
receiving area learns it from its pull (the `_area` it receives is the server's copy, in the
area the household went to, which does not say where it was)."""

from __future__ import annotations

import pytest

from marugoto_desktop.operations.transfers import household_moves
from marugoto_sync.transfer_notes import Moved, read_transfers

from .test_transfer import Office, _household

# The fixture (an explicit re-export: pytest finds it here).
from .test_transfer import office as office

CID = "01932b6e-7a40-7c1e-9d0a-3f1c2b4a5d6e"


def _moves(office: Office, name: str, household: str) -> list[tuple[str | None, str, str]]:
    """(from, to, who) of each move, the latest first; who: "me" or the user named."""
    return [
        (m.from_area, m.to_area, "me" if m.by.this_laptop else str(m.by.user))
        for m in household_moves(office.vaults[name], household)
    ]


def test_each_laptop_says_where_a_household_came_from(office: Office) -> None:
    aiko, kenta, sachi = (office.vaults[n] for n in ("aiko", "kenta", "sachi"))
    household, _, _ = _household(sachi)
    for name in ("sachi", "aiko", "kenta"):
        office.sync(name)
    assert _moves(office, "aiko", household) == []  # never moved

    sachi.transfer(household, "kagawa")  # she holds both areas: it stays on her laptop
    assert _moves(office, "sachi", household) == [("mure", "kagawa", "me")]
    office.sync("sachi")
    office.sync("kenta")
    # Kenta's laptop received the household in kagawa, by the server's copy: told by the pull.
    assert _moves(office, "kenta", household) == [("mure", "kagawa", "sachi")]
    [move] = household_moves(kenta, household)
    assert move.by.device == "sachi"  # the device's name, as the server named it
    office.sync("aiko")  # she does not hold kagawa: her laptop lets it go
    assert aiko.get(household) is None and _moves(office, "aiko", household) == []

    # Moved back by kenta, who does not hold mure: his laptop lets it go; the others show
    # both moves, the latest first.
    kenta.transfer(household, "mure")
    office.sync("kenta")
    assert kenta.get(household) is None
    both = [("kagawa", "mure", "kenta"), ("mure", "kagawa", "sachi")]
    office.sync("sachi")
    assert _moves(office, "sachi", household) == [both[0], ("mure", "kagawa", "me")]
    office.sync("aiko")  # it comes back to her laptop
    assert _moves(office, "aiko", household) == both
    office.sync("kumi")  # a laptop of mure syncing for the first time: the whole log
    assert _moves(office, "kumi", household) == both


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        ([], "not an object"),
        ({"not-an-id": {"from_area": "mure"}}, "not a change id"),
        ({CID: "mure"}, "not an object"),
        ({CID: {}}, "from_area is not an area"),
        ({CID: {"from_area": "Mure!"}}, "from_area is not an area"),
        ({CID: {"from_area": "mure", "user": ""}}, "user is not a name"),
        ({CID: {"from_area": "mure", "user": "aiko", "device": 7}}, "device is not a name"),
    ],
)
def test_a_bad_transfers_answer_is_refused(answer: object, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        read_transfers(answer)


def test_a_transfers_answer_is_read() -> None:
    assert read_transfers(None) == {}  # an older server: the move shows, not where from
    assert read_transfers({CID: {"from_area": "mure", "user": "aiko", "device": "pc"}}) == {
        CID: Moved("mure", "aiko", "pc")
    }
