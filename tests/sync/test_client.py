"""The sync client against an in-process server: cancellation, resuming, old clients."""

from __future__ import annotations

import itertools
import warnings
from datetime import UTC, datetime
from pathlib import Path

import pytest

import marugoto_sync.client as client_module
from marugoto_desktop.vault import KdfParams, Vault
from marugoto_desktop.vault.replica import VaultReplica
from marugoto_sync.client import Cancelled, SyncClient, UpgradeRequired
from marugoto_sync.server.app import create_app
from marugoto_sync.server.passwords import Argon2Cost, hash_password

from ..conftest import PASSPHRASE

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

PASSWORD = "client test password"


@pytest.fixture
def server(database_url: str):
    app = create_app(database_url, min_app_version="0.1.0")
    app.state.server.storage.add_user(
        "u", "consultant", ["mure"], hash_password(PASSWORD, Argon2Cost(64, 1, 1)),
        datetime.now(UTC),
    )  # fmt: skip
    with TestClient(app) as http:
        yield http
    app.state.server.storage.close()


def enrolled(http: TestClient, folder: Path, version: str = "0.1.0") -> tuple[Vault, SyncClient]:
    vault = Vault.create(folder, PASSPHRASE, kdf=KdfParams())
    token = (
        SyncClient("http://testserver", http=http, app_version="0.1.0")
        .enroll("u", PASSWORD, folder.name)
        .token
    )
    return vault, SyncClient("http://testserver", token=token, http=http, app_version=version)


def test_a_cancelled_sync_resumes_where_it_stopped(server, tmp_path: Path, monkeypatch) -> None:
    writer, writer_client = enrolled(server, tmp_path / "writer")
    for i in range(30):
        writer.new_record("household", "mure", name=f"世帯{i}", status="active")
    writer_client.sync(VaultReplica(writer))

    reader, reader_client = enrolled(server, tmp_path / "reader")
    replica = VaultReplica(reader)
    stages: list[tuple[str, int]] = []

    def progress(stage: str, done: int, total: int | None) -> None:
        stages.append((stage, done))

    # Pages of 10, cancelled after the first page has been applied.
    monkeypatch.setattr(client_module, "PAGE_SIZE", 10)
    with pytest.raises(Cancelled):
        reader_client.sync(
            replica, progress, cancelled=lambda: any(s == "pull" and d > 0 for s, d in stages)
        )
    cursor = replica.cursor()
    assert 0 < cursor < server.app.state.server.storage.head()
    assert 0 < reader.count("household") < 30
    reader_client.sync(replica, progress)
    assert reader.count("household") == 30
    assert replica.cursor() == server.app.state.server.storage.head()


def test_an_old_client_is_told_to_upgrade_and_keeps_working_offline(server, tmp_path) -> None:
    vault, old = enrolled(server, tmp_path / "old", version="0.0.1")
    with pytest.raises(UpgradeRequired) as refused:
        old.sync(VaultReplica(vault))
    assert refused.value.status == 426
    # The vault stays usable: work goes on offline and waits in the outbox.
    record = vault.new_record("household", "mure", name="オフライン", status="active")
    assert vault.get(record.id) is not None
    assert vault.outbox_size() > 0
    vault.close()


def test_work_in_an_area_not_granted_is_held_back_and_the_rest_syncs(server, tmp_path) -> None:
    vault, client = enrolled(server, tmp_path / "v")
    vault.new_record("household", "shoga", name="勝賀家", status="active")  # not this user's
    mine = vault.new_record("household", "mure", name="牟礼家", status="active")
    report = client.sync(VaultReplica(vault))
    assert report.held_back == 2
    assert report.pushed == 2
    assert vault.outbox_size() == 2  # kept, not dropped
    other, other_client = enrolled(server, tmp_path / "other")
    other_client.sync(VaultReplica(other))
    assert other.get(mine.id) is not None


def test_a_refused_push_still_receives_what_others_wrote(server, tmp_path) -> None:
    from marugoto_sync.client import SyncError
    from marugoto_sync.hlc import wall_millis

    writer, writer_client = enrolled(server, tmp_path / "writer")
    theirs = writer.new_record("household", "mure", name="届く家", status="active")
    writer_client.sync(VaultReplica(writer))
    skewed, skewed_client = enrolled(server, tmp_path / "skewed")
    skewed._clock._now = lambda: wall_millis() + 3_600_000  # an hour ahead
    skewed.new_record("household", "mure", name="未来の家", status="active")
    with pytest.raises(SyncError) as refused:
        skewed_client.sync(VaultReplica(skewed))
    assert refused.value.code == "clock_skew"
    assert skewed.get(theirs.id) is not None


def test_unsent_changes_from_a_clock_that_ran_ahead_are_restamped(server, tmp_path) -> None:
    """The server refuses stamps from the future; once the clock is right the laptop recovers."""
    from marugoto_sync.hlc import millis_of, wall_millis

    vault, client = enrolled(server, tmp_path / "v")
    vault._clock._now = lambda: wall_millis() + 3_600_000  # an hour ahead
    household = vault.new_record("household", "mure", name="未来の家", status="active")
    vault.put(household.with_fields(status="watching"))  # built on the future stamp
    vault._clock._now = wall_millis  # the clock is set right; the stamps still lie ahead
    later = vault.new_record("household", "mure", name="今の家", status="active")
    assert millis_of(vault.pending_changes()[-1].hlc) > wall_millis() + 3_000_000

    report = client.sync(VaultReplica(vault))
    assert report.restamped == 5
    assert vault.outbox_size() == 0
    other, other_client = enrolled(server, tmp_path / "other")
    other_client.sync(VaultReplica(other))
    assert other.get(household.id).fields["status"] == "watching"  # order kept
    assert other.get(later.id) is not None
    # The laptop's own copies carry the new stamps: an edit there is sequential, no conflict.
    vault.put(vault.get(household.id).with_fields(status="closed"))
    client.sync(VaultReplica(vault))
    other_client.sync(VaultReplica(other))
    assert other.get(household.id).fields["status"] == "closed"
    assert VaultReplica(other).conflicts() == []


def test_the_log_is_pulled_in_ranges_ahead_and_applied_in_order_without_a_gap(
    server, tmp_path: Path, monkeypatch
) -> None:
    """Ranges of the committed log are fetched ahead; what came after the head follows."""
    storage = server.app.state.server.storage
    storage.add_user(
        "w", "consultant", ["mure", "shoga"], hash_password(PASSWORD, Argon2Cost(64, 1, 1)),
        datetime.now(UTC),
    )  # fmt: skip
    writer = Vault.create(tmp_path / "writer", PASSPHRASE, kdf=KdfParams())
    token = SyncClient("http://testserver", http=server, app_version="0.1.0").enroll(
        "w", PASSWORD, "writer"
    )
    writer_client = SyncClient(
        "http://testserver", token=token.token, http=server, app_version="0.1.0"
    )
    # Interleaved: this reader sees mure only, so most ranges are sparse for it.
    for i in range(40):
        writer.new_record(
            "household", "shoga" if i % 4 else "mure", name=f"世帯{i}", status="active"
        )
    writer_client.sync(VaultReplica(writer))
    head = storage.head()

    reader, reader_client = enrolled(server, tmp_path / "reader")
    replica = VaultReplica(reader)
    applied: list[tuple[list[int], int]] = []
    original_apply = replica.apply_page

    def spying_apply(page, cursor, cursor_name="main"):
        applied.append((list(page.seq), cursor))
        original_apply(page, cursor, cursor_name)

    monkeypatch.setattr(replica, "apply_page", spying_apply)
    calls: list[tuple[int, int | None]] = []
    original_pull = reader_client.pull

    def spying_pull(after, limit=5000, area=None, until=None, directory=False):
        calls.append((after, until))
        return original_pull(after, limit, area, until, directory)

    monkeypatch.setattr(reader_client, "pull", spying_pull)
    # The status reports an older head, as if the last entries were committed after it.
    original_status = reader_client.status
    monkeypatch.setattr(
        reader_client, "status", lambda seen=None: {**original_status(seen), "head": head - 9}
    )
    monkeypatch.setattr(client_module, "PAGE_SIZE", 7)
    report = reader_client.sync(replica)

    seqs = [seq for page_seqs, _ in applied for seq in page_seqs]
    cursors = [cursor for _, cursor in applied]
    assert seqs == sorted(set(seqs))  # in order, none twice
    assert cursors == sorted(cursors) and cursors[-1] == head == replica.cursor()
    expected = [e["seq"] for e in storage.changes_page(["mure"], 0, 10_000).items]
    assert seqs == expected and report.pulled == len(expected)
    assert reader.count("household") == 10
    ranged = [(after, until) for after, until in calls if until is not None]
    assert ranged[0][0] == 0 and ranged[-1][1] == head - 9
    assert all(a[1] == b[0] for a, b in itertools.pairwise(ranged))  # contiguous
    assert any(until - after > 7 for after, until in ranged)  # widened where sparse
    assert calls[-1][1] is None  # then past the reported head, page by page


def test_an_area_withdrawn_during_a_sync_is_backfilled_when_granted_again(
    server, tmp_path: Path, monkeypatch
) -> None:
    storage = server.app.state.server.storage
    writer, writer_client = enrolled(server, tmp_path / "writer")
    reader, reader_client = enrolled(server, tmp_path / "reader")
    replica = VaultReplica(reader)
    reader_client.sync(replica)
    household = writer.new_record("household", "mure", name="途中の家", status="active")
    writer_client.sync(VaultReplica(writer))

    # Right after the reader's status call, the administrator withdraws mure (both devices
    # belong to user u): the pull answers name no area and leave the household out.
    original_status = reader_client.status

    def status_then_withdraw(seen=None):
        answer = original_status(seen)
        storage.set_user_areas("u", [])
        return answer

    monkeypatch.setattr(reader_client, "status", status_then_withdraw)
    report = reader_client.sync(replica)
    assert report.removed_areas == ["mure"] and reader.get(household.id) is None
    assert replica.cursor() == storage.head()  # the cursor passed the household's entries

    monkeypatch.setattr(reader_client, "status", original_status)
    storage.set_user_areas("u", ["mure"])  # a mistake put right
    report = reader_client.sync(replica)
    assert report.backfilled["mure"] > 0
    assert reader.get(household.id) is not None
