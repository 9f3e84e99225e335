"""Where a household came from at each of its moves to another area, as one laptop knows it:
the latest move is the household's `_area` stamp; where from, the notes of the moves it
made or was told of, chained back from the latest."""

from __future__ import annotations

from marugoto_desktop.operations.transfers import household_moves
from marugoto_desktop.vault import Vault
from marugoto_desktop.vault.replica import VaultReplica
from marugoto_sync.changes import AREA
from marugoto_sync.hlc import pack
from marugoto_sync.log_page import LogPage
from marugoto_sync.transfer_notes import TransferNote

OTHER_SITE = "b2b2b2b2b2b2b2b2"


def _moves(vault: Vault, household: str) -> list[tuple[str | None, str, bool]]:
    return [(m.from_area, m.to_area, m.by.this_laptop) for m in household_moves(vault, household)]


def test_the_moves_this_laptop_made_the_latest_first(vault: Vault) -> None:
    household = vault.new_record("household", "mure", name="高松家", status="active").id
    assert _moves(vault, household) == []
    vault.transfer(household, "kagawa")
    vault.transfer(household, "shoga")
    assert _moves(vault, household) == [("kagawa", "shoga", True), ("mure", "kagawa", True)]
    [latest, first] = household_moves(vault, household)
    assert latest.by.at >= first.by.at
    # A note that does not chain to the moves that stand (a move that lost to another, made
    # meanwhile, moved nothing) is left out.
    stale = TransferNote(
        household, first_stamp(vault, household) - 1, OTHER_SITE, "honcho", "yamada"
    )
    VaultReplica(vault).remember_transfers([stale])
    assert _moves(vault, household) == [("kagawa", "shoga", True), ("mure", "kagawa", True)]


def first_stamp(vault: Vault, household: str) -> int:
    return min(n.hlc for n in vault.transfer_notes(household))


def _received(household: str, hlc: int, change_id: str) -> LogPage:
    """A household another laptop created in mure and moved to kagawa, as a page of the
    kagawa area brings it: the server's copies, the `_area` last."""
    entry = {"kind": "change", "type": "household", "record_id": household, "area": "kagawa",
             "base_hlc": 0, "site": OTHER_SITE}  # fmt: skip
    return LogPage.of(
        [
            {
                **entry,
                "seq": 1,
                "change_id": change_id[:-1] + "1",
                "field": "name",
                "value": "高松家",
                "hlc": hlc - 2,
            },
            {
                **entry,
                "seq": 2,
                "change_id": change_id[:-1] + "2",
                "field": "status",
                "value": "active",
                "hlc": hlc - 1,
            },
            {
                **entry,
                "seq": 3,
                "change_id": change_id,
                "field": AREA,
                "value": "kagawa",
                "hlc": hlc,
            },
        ]
    )


def test_a_received_move_says_where_from_when_the_pull_told(vault: Vault) -> None:
    replica = VaultReplica(vault)
    household = "01932b6e-7a40-7c1e-9d0a-3f1c2b4a5d6e"
    hlc = pack(1_750_000_000_000, 0)
    page = _received(household, hlc, "01932b6e-7a40-7c1e-9d0a-3f1c2b4a5d70")
    # Not told (an older server): the move shows, where from is not known.
    replica.apply_page(page, cursor=3)
    [move] = household_moves(vault, household)
    assert (move.from_area, move.to_area, move.by.this_laptop) == (None, "kagawa", False)
    assert move.by.user is None  # the server never named that laptop
    # Told: where from, and who sent the move, as the server named them.
    replica.remember_transfers(
        [TransferNote(household, hlc, OTHER_SITE, "mure", "kagawa", "aiko", "aiko@PC #1")]
    )
    [move] = household_moves(vault, household)
    assert (move.from_area, move.by.user, move.by.device) == ("mure", "aiko", "aiko@PC #1")
    assert move.by.at.timestamp() == 1_750_000_000
