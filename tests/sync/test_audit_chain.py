"""The audit chain's link (marugoto_sync.audit_chain): its definition, which the laptops and
the server share; what a chain check finds; the size of an upload."""

from __future__ import annotations

import hashlib

import pytest

from marugoto_sync import audit_chain
from marugoto_sync.audit_chain import (
    GENESIS,
    AuditLink,
    ChainBroken,
    chained,
    check_links,
    link_from_wire,
    upload_batch,
)


def entry(seq: int, records: list[str] | None = None) -> dict[str, object]:
    return {"seq": seq, "at": "2026-12-01T09:00:00.000Z", "action": "edit", "who": "愛子",
            "device": "a1a1a1a1", "records": records or [], "detail": {"b": 1, "a": 2}}  # fmt: skip


def test_a_link_is_the_hash_of_the_previous_link_and_the_canonical_entry() -> None:
    [first] = chained(GENESIS, [entry(1)])
    text = (
        '{"action":"edit","at":"2026-12-01T09:00:00.000Z","detail":{"a":2,"b":1},'
        '"device":"a1a1a1a1","records":[],"seq":1,"who":"愛子"}'
    )
    assert hashlib.sha256(b"").hexdigest() == GENESIS
    assert first.hash == hashlib.sha256(f"{GENESIS}\n{text}".encode()).hexdigest()
    assert link_from_wire(first.to_wire()) == first


def test_a_check_finds_a_changed_entry_and_a_broken_link() -> None:
    links = chained(GENESIS, [entry(1), entry(2), entry(3)])
    check_links(links)
    changed = AuditLink(2, links[1].prev, links[1].hash, {**links[1].entry, "action": "pdf"})
    with pytest.raises(ChainBroken) as caught:
        check_links([links[0], changed, links[2]])
    assert (caught.value.code, caught.value.seq) == ("entry_tampered", 2)
    with pytest.raises(ChainBroken) as caught:
        check_links([links[0], links[2]])
    assert (caught.value.code, caught.value.seq) == ("chain_broken", 3)


def test_an_upload_is_cut_to_its_size_limit_but_holds_one_entry_at_least(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ids = [f"0193{n:032d}" for n in range(1000)]
    links = chained(GENESIS, [entry(n, ids) for n in range(1, 5)])
    assert upload_batch(links) == links
    monkeypatch.setattr(audit_chain, "MAX_UPLOAD_BYTES", 100_000)
    assert upload_batch(links) == links[:2]
    monkeypatch.setattr(audit_chain, "MAX_UPLOAD_BYTES", 10)
    assert upload_batch(links) == links[:1]
