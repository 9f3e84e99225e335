"""One owner of the vault: threads reading and writing at once (docs/architecture.md).

Every read and write holds the vault's lock, validation inside it: no thread sees another's
unfinished transaction, nothing is checked against a state that changes before the write,
and no write is lost.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from marugoto_desktop.domain.records import Record
from marugoto_desktop.domain.validation import RecordInvalid
from marugoto_desktop.operations.home import follow_ups, prepare_home, unsynced_changes
from marugoto_desktop.operations.households import (
    find_households,
    household_detail,
    prepare_search,
)
from marugoto_desktop.operations.records import create_record, edit_record
from marugoto_desktop.operations.visits import count_contacts, record_outreach, record_visit
from marugoto_desktop.vault import Vault, store
from marugoto_desktop.vault.replica import VaultReplica
from marugoto_desktop.vault.sync_state import Settings

from ..conftest import PASSPHRASE

# How long a thread that holds the vault waits for another that could only run if the vault
# let it in (it must not): the wait ends without the other having finished.
BLOCKED = 2.0


class Thread(threading.Thread):
    """A thread that keeps what its work raised, for the test to look at."""

    def __init__(self, work: Callable[[], Any]) -> None:
        super().__init__(daemon=True)
        self.work = work
        self.error: BaseException | None = None
        self.result: Any = None

    def run(self) -> None:
        try:
            self.result = self.work()
        except BaseException as exc:
            self.error = exc


def test_a_record_cannot_go_between_a_write_being_checked_and_written(
    vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    agency = vault.new_record("agency", "mure", name="包括（仮）", agency_type="shakyo")
    household = vault.new_record("household", "mure", name="牟礼家", status="active")
    referral = Record(
        "01900000-0000-7000-8000-0000000000aa", "referral", "mure", household.id,
        {"agency_id": agency.id, "direction": "out", "date": "2025-05-01", "status": "open"},
    )  # fmt: skip
    checked, deleting_done = threading.Event(), threading.Event()
    real = store.record_errors

    def check_then_pause(record: Record, refs: Any = None) -> list[Any]:
        errors = real(record, refs)
        if record.id == referral.id:
            checked.set()
            deleting_done.wait(BLOCKED)  # a delete that slips in now would find no referral
        return errors

    monkeypatch.setattr(store, "record_errors", check_then_pause)
    writer = Thread(lambda: vault.put(referral))
    writer.start()
    assert checked.wait(30)

    def delete_agency() -> None:
        try:
            vault.delete(agency.id)
        finally:
            deleting_done.set()

    deleter = Thread(delete_agency)
    deleter.start()
    writer.join(30)
    deleter.join(30)
    assert writer.error is None
    assert isinstance(deleter.error, RecordInvalid)  # the referral was there by then
    assert [e.code for e in deleter.error.errors] == ["referenced"]
    assert vault.get(agency.id) is not None and vault.get(referral.id) is not None


def test_a_read_never_sees_a_transaction_that_is_rolled_back(
    vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    replica = VaultReplica(vault)
    replica.set_setting("profile.consultant", "相談員A")
    inside, read_done = threading.Event(), threading.Event()
    real = Settings.put

    def write_then_fail(self: Settings, key: str, value: Any) -> None:
        real(self, key, value)
        inside.set()
        read_done.wait(BLOCKED)  # a read now, on the shared connection, would see it
        raise RuntimeError("the write fails after all")

    monkeypatch.setattr(Settings, "put", write_then_fail)
    writer = Thread(lambda: replica.set_setting("profile.consultant", "未確定"))
    writer.start()
    assert inside.wait(30)

    def read() -> Any:
        try:
            return replica.get_setting("profile.consultant")
        finally:
            read_done.set()

    reader = Thread(read)
    reader.start()
    writer.join(30)
    reader.join(30)
    assert isinstance(writer.error, RuntimeError)
    assert reader.error is None and reader.result == "相談員A"


def test_threads_reading_and_writing_at_once_lose_nothing(vault: Vault) -> None:
    today = date(2025, 6, 10)
    households = [
        create_record(vault, "household", {"name": f"家{i}", "status": "active"}, area="mure")
        .record.id
        for i in range(4)
    ]  # fmt: skip
    tally = record_outreach(vault, "mure", {"place": "公民館"}, today=today).record.id
    prepare_search(vault)
    prepare_home(vault)
    taps, visits = 40, 15
    start = threading.Barrier(9)

    def tapper() -> None:
        start.wait()
        for _ in range(taps):
            count_contacts(vault, tally)

    def visitor(household: str) -> None:
        start.wait()
        for i in range(visits):
            fields = {"kind": "consult.phone", "next_date": f"2025-06-{11 + i % 10}"}
            record_visit(vault, household, fields, today=today)
            edit_record(vault, household, {"note": f"電話{i}"})

    def reader() -> None:
        start.wait()
        for _ in range(visits):
            find_households(vault, "家")
            follow_ups(vault, today)
            household_detail(vault, households[0])
            VaultReplica(vault).get_setting("profile.consultant")
            vault.pending_changes(50)
            unsynced_changes(vault)

    threads = [Thread(tapper) for _ in range(4)]
    threads += [Thread(lambda h=h: visitor(h)) for h in households[:3]]
    threads += [Thread(reader) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert [t.error for t in threads] == [None] * len(threads)
    assert vault.get(tally).fields["contacts"] == 4 * taps  # no tap lost
    for household in households[:3]:
        assert len(vault.records("activity", parent_id=household)) == visits
        assert vault.get(household).fields["note"] == f"電話{visits - 1}"

    def seen(v: Vault) -> tuple[object, ...]:
        return (find_households(v, "家"), follow_ups(v, today), unsynced_changes(v))

    kept = seen(vault)
    folder = vault.folder
    vault.close()
    with Vault.open(folder, PASSPHRASE) as fresh:
        prepare_search(fresh)
        assert seen(fresh) == kept  # what the threads' writes kept in memory is on disk
