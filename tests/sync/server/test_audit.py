"""Devices' audit trails on the server (GET/POST /v1/audit): a chain is taken entry by entry,
resumed where the server is, and refused — the device flagged — when an entry was tampered
with, a link is broken, or the chain is rewound; the stored chains and the administrators'
chain verify, and say where they break when the database is changed behind their back."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import update

from marugoto_sync.audit_chain import GENESIS, AuditLink, canonical, chained, link
from marugoto_sync.server import audit_cli
from marugoto_sync.server.tables import admin_audit, audit_entries, audit_entry_records

from .support import Api, Device, assert_error, new_id


def entry(seq: int, action: str = "edit", records: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "seq": seq,
        "at": f"2026-12-01T09:{seq // 60:02d}:{seq % 60:02d}.000Z",
        "action": action,
        "who": "相談員 愛子",
        "device": "a1a1a1a1",
        "records": list(records),
        "detail": {"fields": 2},
    }


def trail(count: int, action: str = "edit") -> list[AuditLink]:
    return chained(GENESIS, [entry(seq, action) for seq in range(1, count + 1)])


def upload(device: Device, links: list[AuditLink]) -> Any:
    return device.post("/v1/audit", {"entries": [item.to_wire() for item in links]})


def head(device: Device) -> tuple[int, str]:
    answer = device.get("/v1/audit")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    return body["seq"], body["hash"]


def test_a_chain_is_taken_in_parts_and_verifies(api: Api) -> None:
    device = api.user_with_device("aiko", ["mure"])
    links = trail(5)
    assert head(device) == (0, GENESIS)
    assert upload(device, links[:2]).json() == {"seq": 2, "hash": links[1].hash}
    # Resumed where the server is; what it holds already may come again, unchanged.
    assert upload(device, links[1:5]).json() == {"seq": 5, "hash": links[4].hash}
    assert upload(device, links[3:5]).json() == {"seq": 5, "hash": links[4].hash}
    assert head(device) == (5, links[4].hash)
    audit = api.storage.device_audits()[device.device_id]
    assert (audit.status, audit.check.entries) == ("verified", 5)
    listed = api.storage.audit_listing()
    assert [e.seq for e in listed] == [1, 2, 3, 4, 5]
    assert listed[0].who == "相談員 愛子" and listed[0].user == "aiko"


def test_a_tampered_entry_is_refused_and_the_device_flagged(api: Api) -> None:
    device = api.user_with_device("aiko", ["mure"])
    links = trail(3)
    forged = AuditLink(2, links[1].prev, links[1].hash, {**links[1].entry, "action": "open"})
    answer = upload(device, [links[0], forged, links[2]])
    assert_error(answer, 409, "audit_entry_tampered")
    assert head(device) == (0, GENESIS)  # refused whole
    audit = api.storage.device_audits()[device.device_id]
    assert (audit.status, audit.refused_code, audit.refused_seq) == (
        "refused",
        "audit_entry_tampered",
        2,
    )


def test_a_broken_link_is_refused(api: Api) -> None:
    device = api.user_with_device("aiko", ["mure"])
    links = trail(3)
    # Entry 3 linked after something that is not entry 2.
    stray = link(links[0].hash, entry(3))
    assert_error(upload(device, [links[0], links[1], stray]), 409, "audit_chain_broken")
    # A number skipped inside an upload breaks the chain too.
    assert_error(upload(device, [links[0], links[2]]), 409, "audit_chain_broken")
    assert api.storage.device_audits()[device.device_id].refused_code == "audit_chain_broken"
    assert head(device) == (0, GENESIS)


def test_a_rewound_chain_is_refused(api: Api) -> None:
    device = api.user_with_device("aiko", ["mure"])
    links = trail(5)
    assert upload(device, links).status_code == 200
    # The vault put back to an older copy of itself, which then went on differently.
    other = chained(links[2].hash, [entry(4, "open"), entry(5, "open"), entry(6, "open")])
    answer = assert_error(upload(device, links[3:3] + other), 409, "audit_chain_rewound")
    assert "entry 4" in answer["message"]
    # Only ahead of the server, but not after its last entry.
    beyond = chained(links[3].hash, [entry(5, "pdf"), entry(6)])
    assert_error(upload(device, beyond[1:]), 409, "audit_chain_rewound")
    # Shorter than what it sent before.
    assert_error(upload(device, links[2:3]), 409, "audit_chain_rewound")
    assert head(device) == (5, links[4].hash)
    audit = api.storage.device_audits()[device.device_id]
    assert (audit.status, audit.refused_code, audit.refused_seq) == (
        "refused",
        "audit_chain_rewound",
        3,
    )
    # What it sent first still verifies.
    assert audit.check.holds and audit.check.entries == 5


def test_an_upload_past_the_servers_head_is_refused_without_a_flag(api: Api) -> None:
    device = api.user_with_device("aiko", ["mure"])
    links = trail(4)
    assert upload(device, links[:1]).status_code == 200
    answer = assert_error(upload(device, links[2:]), 409, "audit_chain_gap")
    assert "send from 2" in answer["message"]
    assert api.storage.device_audits()[device.device_id].status == "verified"


def test_each_device_has_its_own_chain(api: Api) -> None:
    aiko = api.user_with_device("aiko", ["mure"])
    ken = api.user_with_device("ken", ["mure"])
    assert upload(aiko, trail(3)).status_code == 200
    assert upload(ken, trail(2, "open")).status_code == 200
    assert head(ken) == (2, trail(2, "open")[1].hash)
    audits = api.storage.device_audits()
    assert audits[aiko.device_id].check.entries == 3 and audits[ken.device_id].check.entries == 2


def test_malformed_uploads_are_bad_requests(api: Api) -> None:
    device = api.user_with_device("aiko", ["mure"])
    good = trail(1)[0].to_wire()
    for bad in (
        {**good, "hash": "X" * 64},
        {**good, "entry": {**good["entry"], "seq": 0}},
        {**good, "entry": {k: v for k, v in good["entry"].items() if k != "detail"}},
        {**good, "extra": 1},
        # One time format only: the listing's --from/--to compare it as text.
        {**good, "entry": {**good["entry"], "at": "2026-12-01T18:00:00+09:00"}},
        {**good, "entry": {**good["entry"], "at": "yesterday"}},
    ):
        assert_error(device.post("/v1/audit", {"entries": [bad]}), 400, "bad_request")


def test_a_stored_chain_changed_on_the_server_is_found(api: Api) -> None:
    device = api.user_with_device("aiko", ["mure"])
    household = new_id()
    links = chained(GENESIS, [entry(1), entry(2, "open", (household,)), entry(3)])
    assert upload(device, links).status_code == 200
    with api.storage.engine.begin() as conn:
        conn.execute(
            update(audit_entries)
            .where(audit_entries.c.seq == 2)
            .values(body=canonical({**links[1].entry, "action": "pdf"}))
        )
    check = api.storage.device_audits()[device.device_id].check
    assert (check.broken_at, check.reason) == (2, "its content does not match its hash")
    assert api.storage.device_audits()[device.device_id].status == "broken"


def test_records_indexed_for_an_entry_are_checked(api: Api) -> None:
    device = api.user_with_device("aiko", ["mure"])
    household = new_id()
    links = chained(GENESIS, [entry(1, "open", (household,))])
    assert upload(device, links).status_code == 200
    with api.storage.engine.begin() as conn:
        conn.execute(update(audit_entry_records).values(record_id=new_id()))
    check = api.storage.device_audits()[device.device_id].check
    assert check.broken_at == 1 and "records" in str(check.reason)


def test_the_admin_chain_verifies_and_finds_a_change(api: Api) -> None:
    at = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    for name in ("aiko", "ken", "mika"):
        api.storage.append_admin_action("office@pc", "user_add", name, {"areas": ["mure"]}, at)
    assert api.storage.verify_admin_chain().holds
    assert [a.subject for a in api.storage.admin_actions()] == ["aiko", "ken", "mika"]
    with api.storage.engine.begin() as conn:
        changed = api.storage.admin_actions()[1].__dict__ | {"subject": "kenji"}
        conn.execute(
            update(admin_audit).where(admin_audit.c.seq == 2).values(body=canonical(changed))
        )
    check = api.storage.verify_admin_chain()
    assert (check.broken_at, check.entries) == (2, 1)
    with api.storage.engine.begin() as conn:
        conn.execute(admin_audit.delete().where(admin_audit.c.seq == 2))
    assert api.storage.verify_admin_chain().reason == "entry 2 is missing"


def test_record_ids_with_control_characters_are_bad_requests(api: Api) -> None:
    device = api.user_with_device("aiko", ["mure"])
    bad = chained(GENESIS, [entry(1, records=("a\x00b",))])[0].to_wire()
    assert_error(device.post("/v1/audit", {"entries": [bad]}), 400, "bad_request")
    assert head(device) == (0, GENESIS)


def test_verify_counts_the_entries_before_a_break_in_plain_english() -> None:
    assert audit_cli._before(0) == "it breaks at its first entry"
    assert audit_cli._before(1) == "the 1 entry before it verifies"
    assert audit_cli._before(2) == "the 2 entries before it verify"
