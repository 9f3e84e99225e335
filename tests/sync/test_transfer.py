"""A household transferred to another area, between real vaults and a real server (on SQLite
and PostgreSQL): the receiving area's laptops get it whole, the sending area's drop it, and
what the sending side wrote meanwhile is kept as a conflict for the receiving side."""

from __future__ import annotations

import time
import uuid
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from marugoto_desktop.operations import sync as syncing
from marugoto_desktop.vault import KdfParams, Vault
from marugoto_desktop.vault.replica import VaultReplica
from marugoto_sync.changes import AREA, PARENT
from marugoto_sync.client import SyncClient, SyncReport
from marugoto_sync.hlc import pack
from marugoto_sync.server.app import create_app
from marugoto_sync.server.passwords import Argon2Cost, hash_password
from marugoto_sync.server.storage import Storage

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

PASSPHRASE = "transfer passphrase"
PASSWORD = "transfer password"
CHEAP = Argon2Cost(memory_kib=64, iterations=1, lanes=1)


class Office:
    """A server; aiko and kumi work in mure, kenta in kagawa, sachi in both, yui in mure and
    shoga, shoji in shoga."""

    def __init__(self, folder: Path, database_url: str) -> None:
        self.app = create_app(database_url)
        self.http = TestClient(self.app)
        self.http.__enter__()
        self.storage: Storage = self.app.state.server.storage
        self.vaults: dict[str, Vault] = {}
        self.tokens: dict[str, str] = {}
        grants = {
            "aiko": ["mure"],
            "kumi": ["mure"],
            "kenta": ["kagawa"],
            "sachi": ["mure", "kagawa"],
            "yui": ["mure", "shoga"],
            "shoji": ["shoga"],
        }
        now = datetime.now(UTC)
        for name, areas in grants.items():
            self.storage.add_user(name, "consultant", areas, hash_password(PASSWORD, CHEAP), now)
            self.vaults[name] = Vault.create(folder / name, PASSPHRASE, kdf=KdfParams())
            client = SyncClient("http://testserver", http=self.http, app_version="0.1.0")
            self.tokens[name] = client.enroll(name, PASSWORD, name).token

    def sync(self, name: str) -> SyncReport:
        client = SyncClient(
            "http://testserver", token=self.tokens[name], http=self.http, app_version="0.1.0"
        )
        return client.sync(VaultReplica(self.vaults[name]))

    def push_as(self, name: str, *changes: dict[str, Any]) -> dict[str, Any]:
        """Push with a user's device token what no laptop of ours would write (a patched
        client, or a token that leaked)."""
        response = self.http.post(
            "/v1/push",
            json={"changes": list(changes)},
            headers={
                "Authorization": f"Bearer {self.tokens[name]}",
                "X-Marugoto-Schema": "1",
                "X-Marugoto-App": "0.1.0",
            },
        )
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer

    def close(self) -> None:
        for vault in self.vaults.values():
            vault.close()
        self.http.__exit__(None, None, None)
        self.storage.close()


@pytest.fixture
def office(tmp_path: Path, database_url: str) -> Iterator[Office]:
    office = Office(tmp_path, database_url)
    yield office
    office.close()


def _household(vault: Vault) -> tuple[str, str, str]:
    household = vault.new_record("household", "mure", name="高松家", status="active")
    member = vault.new_record("person", "mure", household.id, name="高松 一郎")
    visit = vault.new_record(
        "activity", "mure", household.id, date="2026-11-30", kind="outreach.home_visit"
    )
    return household.id, member.id, visit.id


def test_the_receiving_area_gets_the_household_whole_and_the_sending_area_drops_it(
    office: Office,
) -> None:
    aiko, kenta, sachi = (office.vaults[n] for n in ("aiko", "kenta", "sachi"))
    household, member, visit = _household(aiko)
    for name in ("aiko", "kenta", "sachi"):
        office.sync(name)
    assert kenta.get(household) is None
    moved = aiko.transfer(household, "kagawa")
    assert [r.area for r in moved] == ["kagawa"] * 3
    office.sync("aiko")  # aiko does not hold kagawa: her laptop lets it go
    # All of it: her own changes, back from the server, bring back no part of a record (the
    # activity's recorded_area alone, which no export would take).
    assert aiko.count(include_deleted=True) == 0
    office.sync("kenta")
    office.sync("sachi")
    for vault in (kenta, sachi):
        got = vault.get(household)
        assert got is not None and (got.area, got.fields["name"]) == ("kagawa", "高松家")
        held = [vault.get(r) for r in (member, visit)]
        assert [r.area if r else None for r in held] == ["kagawa", "kagawa"]
        assert vault.get(visit).fields["kind"] == "outreach.home_visit"  # type: ignore[union-attr]


def _renamed_while_transferred(office: Office) -> tuple[str, str]:
    """Kumi renames a member offline; meanwhile aiko transfers its household from mure to
    kagawa and syncs. The household's and the member's ids."""
    aiko, kumi = office.vaults["aiko"], office.vaults["kumi"]
    household, member, _ = _household(aiko)
    for name in ("aiko", "kumi", "kenta"):
        office.sync(name)
    renamed = kumi.get(member)
    assert renamed is not None
    kumi.put(renamed.with_fields(name="高松 一朗"))
    aiko.transfer(household, "kagawa")
    office.sync("aiko")
    return household, member


def test_unsent_edits_of_the_sending_area_become_a_conflict_of_the_receiving_area(
    office: Office,
) -> None:
    kumi, kenta = office.vaults["kumi"], office.vaults["kenta"]
    household, member = _renamed_while_transferred(office)
    office.sync("kumi")  # her laptop drops the household, and sends her rename after it
    assert kumi.get(household) is None and kumi.outbox_size() == 0
    assert VaultReplica(kumi).conflicts() == []
    office.sync("kenta")
    got = kenta.get(member)
    assert got is not None and got.fields["name"] == "高松 一朗"
    [view] = VaultReplica(kenta).conflicts()
    assert (view.conflict.kind, view.conflict.record_id) == ("edit_after_transfer", member)
    # Kenta settles it: the conflict closes everywhere it is held.
    syncing.resolve_conflict(kenta, view.conflict.conflict_id, "keep")
    office.sync("kenta")
    assert VaultReplica(kenta).conflicts() == []


@pytest.mark.parametrize("hands_over", [True, False])
def test_a_vault_enrolled_again_sends_what_it_wrote_before_a_transfer_as_its_old_device_would(
    office: Office, hands_over: bool
) -> None:
    # As above, but kumi's vault is enrolled again (enroll --replace) before it syncs: her
    # new device stands in the old one's place, so her rename is taken and flagged, as it
    # would have been from the old device. Without the hand-over the new device counts as
    # enrolled after the transfer, and the rename is only kept for review, not applied.
    kumi, kenta = office.vaults["kumi"], office.vaults["kenta"]
    household, member = _renamed_while_transferred(office)
    time.sleep(0.01)  # enrolled strictly after the transfer
    old = SyncClient(
        "http://testserver", token=office.tokens["kumi"], http=office.http, app_version="0.1.0"
    )
    again = SyncClient("http://testserver", http=office.http, app_version="0.1.0")
    new = again.enroll("kumi", PASSWORD, "kumi again")
    old.retire(successor=new.device_id if hands_over else None)
    office.tokens["kumi"] = new.token
    office.sync("kumi")
    assert kumi.get(household) is None and kumi.outbox_size() == 0
    office.sync("kenta")
    got = kenta.get(member)
    assert got is not None
    [view] = VaultReplica(kenta).conflicts()
    assert (view.conflict.kind, view.conflict.record_id) == ("edit_after_transfer", member)
    if hands_over:
        assert got.fields["name"] == "高松 一朗"
    else:
        assert got.fields["name"] == "高松 一郎"
        assert view.conflict.loser.value == "高松 一朗"  # kept, for kagawa to take or leave


def test_an_open_conflict_moves_with_its_household(office: Office) -> None:
    aiko, kumi, kenta = (office.vaults[n] for n in ("aiko", "kumi", "kenta"))
    household, _, _ = _household(aiko)
    for name in ("aiko", "kumi", "kenta"):
        office.sync(name)
    for vault, status in ((aiko, "watching"), (kumi, "closed")):
        held = vault.get(household)
        assert held is not None
        vault.put(held.with_fields(status=status))
    for name in ("aiko", "kumi", "aiko"):
        office.sync(name)
    [open_here] = VaultReplica(aiko).conflicts()
    aiko.transfer(household, "kagawa")
    office.sync("aiko")
    office.sync("kenta")
    [moved] = VaultReplica(kenta).conflicts()
    assert moved.conflict.conflict_id == open_here.conflict.conflict_id
    assert moved.conflict.area == "kagawa"
    office.sync("kumi")
    assert VaultReplica(kumi).conflicts() == [] and kumi.get(household) is None


def test_a_member_added_before_the_transfer_reached_the_server_goes_with_the_household(
    office: Office,
) -> None:
    # Found by the convergence machine: sachi (mure and kagawa) transfers the household on
    # her laptop; before she syncs, kumi adds a member in mure and syncs. The member reaches
    # sachi's laptop in mure, under a household her laptop holds in kagawa: it goes with it.
    sachi, kumi = office.vaults["sachi"], office.vaults["kumi"]
    household, _, _ = _household(sachi)
    office.sync("sachi")
    office.sync("kumi")
    sachi.transfer(household, "kagawa")
    added = kumi.new_record("person", "mure", household, name="高松 次郎")
    office.sync("kumi")
    office.sync("sachi")
    got = sachi.get(added.id)
    assert got is not None and got.area == "kagawa"
    assert {r.area for r in sachi.records(parent_id=household, include_deleted=True)} == {"kagawa"}


def test_what_follows_a_held_back_transfer_waits_with_it(office: Office) -> None:
    # Found by the convergence machine: sachi transfers a household out of mure and goes on
    # working on it in kagawa; then mure is withdrawn from her. The transfer waits in her
    # outbox (she may not write mure); what she wrote after it in kagawa must wait with it
    # (the server still has the household in mure, and would refuse the whole push).
    sachi, kenta = office.vaults["sachi"], office.vaults["kenta"]
    household, member, _ = _household(sachi)
    office.sync("sachi")
    sachi.transfer(household, "kagawa")
    got = sachi.get(household)
    assert got is not None
    sachi.put(got.with_fields(status="watching"))
    added = sachi.new_record("person", "kagawa", household, name="高松 花子")
    waiting = sachi.outbox_size()
    office.storage.set_user_areas("sachi", ["kagawa"])
    report = office.sync("sachi")  # refused whole before: area_forbidden
    assert report.pushed == 0 and report.held_back == sachi.outbox_size() == waiting
    assert sachi.get(household) is None and sachi.get(added.id) is None
    office.sync("kenta")
    assert kenta.get(household) is None
    # Mure is granted again: the transfer goes, and what followed it.
    office.storage.set_user_areas("sachi", ["mure", "kagawa"])
    report = office.sync("sachi")
    assert report.held_back == 0 and sachi.outbox_size() == 0
    office.sync("kenta")
    for vault in (sachi, kenta):
        moved = vault.get(household)
        assert moved is not None and (moved.area, moved.fields["status"]) == ("kagawa", "watching")
        held = [vault.get(r) for r in (member, added.id)]
        assert [r.area if r else None for r in held] == ["kagawa", "kagawa"]
    # Her own changes after her own transfer: nothing for kagawa to review.
    assert VaultReplica(kenta).conflicts() == []


def test_a_household_the_server_sent_is_kept_though_the_laptops_own_transfer_of_it_waits(
    office: Office,
) -> None:
    # Found by the convergence machine: sachi's transfer of a household out of mure waits
    # (mure was withdrawn from her); aiko transfers it to kagawa too, and the server sends
    # it to sachi there. Her laptop let go of mure again at every sync (she wrote a record
    # there meanwhile), and with it of the household, for her waiting transfer: though she
    # held it where the server has it, from the server. Later changes of it came to her
    # laptop as bare records (a delete and nothing else).
    aiko, sachi = office.vaults["aiko"], office.vaults["sachi"]
    household, member, _ = _household(aiko)
    office.storage.set_user_areas("aiko", ["mure", "kagawa"])
    office.sync("aiko")
    office.sync("sachi")
    sachi.transfer(household, "kagawa")
    office.storage.set_user_areas("sachi", ["kagawa"])
    office.sync("sachi")  # her transfer waits; the household goes with mure
    assert sachi.get(household) is None
    aiko.transfer(household, "kagawa")
    office.sync("aiko")
    office.sync("sachi")  # the server sends it to her in kagawa
    got = sachi.get(household)
    assert got is not None and got.area == "kagawa"
    sachi.new_record("household", "mure", name="三木家", status="active")  # waits too
    report = office.sync("sachi")
    assert "mure" in report.removed_areas
    got = sachi.get(household)
    assert got is not None and got.area == "kagawa"
    # Aiko deletes it: sachi's laptop holds it deleted, whole, as the server does.
    aiko.delete(household)
    office.sync("aiko")
    office.sync("sachi")
    gone = sachi.get(household, include_deleted=True)
    assert gone is not None and gone.deleted and gone.fields["name"] == "高松家"
    kept = sachi.get(member, include_deleted=True)
    assert kept is not None and kept.parent_id == household


def _area_clock(vault: Vault, household: str) -> list[Any] | None:
    """The stamp of the `_area` a laptop holds for a household, or None."""
    with vault.reading() as tables:
        found = tables.rows.stored(household)
    return None if found is None else list(found.clocks.get(AREA, []))


def test_an_old_area_cannot_take_a_household_back_from_the_area_it_went_to(
    office: Office,
) -> None:
    # The reviewer's attack: aiko (mure only) transfers a household to kagawa and syncs;
    # kenta works on it there. Then aiko's token sends it back to mure, written in mure on
    # top of the transfer's clock, with an edit of what kenta wrote and a new member. The
    # server took it: the household moved back to mure, a second transfer was recorded, and
    # aiko's next sync brought her kenta's work.
    aiko, kenta = office.vaults["aiko"], office.vaults["kenta"]
    household, member, _ = _household(aiko)
    office.sync("aiko")
    aiko.transfer(household, "kagawa")
    office.sync("aiko")
    office.sync("kenta")
    held = kenta.get(household)
    assert held is not None
    kenta.put(held.with_fields(status="watching"))
    office.sync("kenta")
    transferred = office.storage.field_state(household, AREA)
    assert transferred is not None
    stamp = max(transferred.hlc, pack(int(time.time() * 1000), 0)) + 1

    def sent(record_id: str, name: str, value: Any, n: int, base: int, **kind: Any) -> dict:
        return {
            "change_id": str(uuid.uuid4()),
            "type": kind.get("record_type", "household"),
            "record_id": record_id,
            "area": "mure",
            "field": name,
            "value": value,
            "hlc": stamp + n,
            "base_hlc": base,
            "site": aiko.site,
        }

    status = office.storage.field_state(household, "status")
    assert status is not None
    answer = office.push_as(
        "aiko",
        sent(household, AREA, "mure", 0, transferred.hlc),
        sent(household, "status", "closed", 1, status.hlc),
        sent(str(uuid.uuid4()), PARENT, household, 2, 0, record_type="person"),
    )
    assert answer["conflicts"] == 3
    # The household stays in kagawa with kenta's work; one transfer is recorded.
    assert [m.to_area for m in office.storage.transfers_of(household)] == ["kagawa"]
    where = office.storage.field_state(household, AREA)
    assert where is not None and where.change_id == transferred.change_id
    # Aiko's laptop gets nothing of it.
    report = office.sync("aiko")
    assert report.pulled == 0 and aiko.count(include_deleted=True) == 0
    # Kenta's laptop holds it as before, and sees what was tried.
    office.sync("kenta")
    got = kenta.get(household)
    assert got is not None and (got.area, got.fields["status"]) == ("kagawa", "watching")
    assert _area_clock(kenta, household) == [transferred.hlc, transferred.site]
    assert kenta.count("person", include_deleted=True) == 1
    tried = {(v.conflict.kind, v.conflict.loser.value) for v in VaultReplica(kenta).conflicts()}
    assert tried == {("transfer_superseded", "mure"), ("edit_after_transfer", "closed")}
    transfer = next(v.conflict for v in VaultReplica(kenta).conflicts() if v.conflict.field == AREA)
    syncing.resolve_conflict(kenta, transfer.conflict_id, "keep")
    office.sync("kenta")
    got = kenta.get(household)
    assert got is not None and got.area == "kagawa"
    assert [m.to_area for m in office.storage.transfers_of(household)] == ["kagawa"]
    assert member not in {r.id for r in aiko.records(include_deleted=True)}


@pytest.mark.parametrize("yui_holds_kagawa", [False, True])
def test_two_transfers_from_one_area_end_where_the_first_put_it_on_every_laptop(
    office: Office, yui_holds_kagawa: bool
) -> None:
    # Aiko sends a household to kagawa and yui sends it to shoga, neither having synced;
    # yui's transfer is stamped later but reaches the server second. The first stands (the
    # later clock won before): on every laptop, yui's too, though her own transfer carries
    # the later clock. What yui wrote after her transfer is taken into kagawa, flagged.
    if yui_holds_kagawa:
        office.storage.set_user_areas("yui", ["mure", "shoga", "kagawa"])
    aiko, yui = office.vaults["aiko"], office.vaults["yui"]
    household, member, _ = _household(aiko)
    everyone = ("aiko", "yui", "kenta", "sachi", "shoji")
    for name in everyone:
        office.sync(name)
    aiko.transfer(household, "kagawa")
    time.sleep(0.01)
    yui.transfer(household, "shoga")
    mine = _area_clock(yui, household)
    theirs = _area_clock(aiko, household) or [0, ""]
    assert mine is not None and tuple(mine) > tuple(theirs)
    held = yui.get(household)
    assert held is not None and held.area == "shoga"
    yui.put(held.with_fields(status="watching"))
    office.sync("aiko")
    office.sync("yui")
    for name in everyone:
        office.sync(name)
    where = office.storage.field_state(household, AREA)
    assert where is not None and where.value == "kagawa"
    assert [m.to_area for m in office.storage.transfers_of(household)] == ["kagawa"]
    holding = ["kenta", "sachi", "yui"] if yui_holds_kagawa else ["kenta", "sachi"]
    for name in everyone:
        vault = office.vaults[name]
        if name not in holding:
            assert vault.count(include_deleted=True) == 0, name
            continue
        got = vault.get(household)
        assert got is not None and (got.area, got.fields["status"]) == ("kagawa", "watching")
        assert _area_clock(vault, household) == [where.hlc, where.site], name
        moved = vault.get(member)
        assert moved is not None and moved.area == "kagawa"
        # (Both transfers wrote the activity's recorded_area, alike: a concurrent edit.)
        kinds = {
            (v.conflict.kind, v.conflict.field, v.conflict.loser.value, v.conflict.area)
            for v in VaultReplica(vault).conflicts()
            if v.conflict.record_id == household
        }
        assert kinds == {
            ("transfer_superseded", AREA, "shoga", "kagawa"),
            ("edit_after_transfer", "status", "watching", "kagawa"),
        }, name
    assert yui.outbox_size() == 0
