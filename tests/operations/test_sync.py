"""Settling conflicts through the operations: a conflict named by the start of its id."""

from __future__ import annotations

import pytest

from marugoto_desktop.operations import sync as syncing
from marugoto_desktop.vault import Vault
from marugoto_desktop.vault.replica import ConflictNotFound, VaultReplica
from marugoto_sync.log_page import LogPage
from marugoto_sync.merge import Conflict, FieldState

FIRST = "0aaa1000-0000-7000-8000-000000000001"
SECOND = "0aaa2000-0000-7000-8000-000000000002"


def _conflict(vault: Vault, conflict_id: str, seq: int) -> dict:
    household = vault.new_record("household", "mure", name=f"衝突家{seq}", status="closed")
    loser = FieldState("watching", 100, "aaaaaaaa", f"01900000-0000-7000-8000-00000000001{seq}")
    winner = FieldState("closed", 200, "bbbbbbbb", f"01900000-0000-7000-8000-00000000002{seq}")
    conflict = Conflict(
        conflict_id, household.id, "household", "mure", "status", "concurrent_edit", loser, winner
    )
    return {
        "seq": seq,
        "kind": "conflict",
        "change_id": conflict_id,
        "type": "household",
        "record_id": household.id,
        "area": "mure",
        "field": "status",
        "value": conflict.to_wire(),
        "hlc": 200,
        "base_hlc": 0,
        "site": "bbbbbbbb",
    }


def test_a_conflict_is_named_by_a_unique_start_of_its_id(vault: Vault) -> None:
    entries = [_conflict(vault, FIRST, 1), _conflict(vault, SECOND, 2)]
    VaultReplica(vault).apply_page(LogPage.of(entries), cursor=2)

    assert syncing.open_conflict(vault, FIRST).conflict.conflict_id == FIRST
    assert syncing.open_conflict(vault, "0aaa2").conflict.conflict_id == SECOND
    with pytest.raises(syncing.ConflictIdAmbiguous) as ambiguous:
        syncing.open_conflict(vault, "0aaa")
    assert (ambiguous.value.prefix, ambiguous.value.matches) == ("0aaa", [FIRST, SECOND])
    with pytest.raises(ConflictNotFound):
        syncing.open_conflict(vault, "0aa")  # too short to name one
    with pytest.raises(ConflictNotFound):
        syncing.open_conflict(vault, "0bbb")

    syncing.resolve_conflict(vault, "0aaa1", "other")
    assert [row.conflict_id for row in syncing.conflict_rows(vault)] == [SECOND]
    with pytest.raises(ConflictNotFound):
        syncing.open_conflict(vault, "0aaa1")  # settled: no longer open
