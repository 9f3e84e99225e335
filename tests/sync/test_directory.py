"""The agency directory is the city's: every laptop holds every agency, whatever its areas.

Before, a consultant's referrals named agencies registered in another area (a 保健センター
registered by 本庁) that never reached her laptop, and her export would not import into an
empty vault. Each test here syncs real vaults through an in-process server.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

import marugoto_sync.server.storage.pull as server_pull
from marugoto_desktop.operations.exchange import export_lines_to, import_records
from marugoto_desktop.vault import KdfParams, Vault
from marugoto_desktop.vault.replica import VaultReplica
from marugoto_sync.client import SyncClient
from marugoto_sync.server.app import create_app
from marugoto_sync.server.passwords import Argon2Cost, hash_password
from marugoto_sync.server.storage import Storage

from ..conftest import PASSPHRASE

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

PASSWORD = "directory test password"


class Office:
    def __init__(self, http: TestClient, storage: Storage, folder: Path) -> None:
        self.http, self.storage, self.folder = http, storage, folder

    def laptop(self, user: str, areas: list[str]) -> tuple[Vault, SyncClient]:
        cheap = hash_password(PASSWORD, Argon2Cost(64, 1, 1))
        self.storage.add_user(user, "consultant", areas, cheap, datetime.now(UTC))
        vault = Vault.create(self.folder / user, PASSPHRASE, kdf=KdfParams())
        enrol = SyncClient("http://testserver", http=self.http, app_version="0.1.0")
        token = enrol.enroll(user, PASSWORD, user).token
        return vault, SyncClient(
            "http://testserver", token=token, http=self.http, app_version="0.1.0"
        )


@pytest.fixture
def office(database_url: str, tmp_path: Path) -> Iterator[Office]:
    app = create_app(database_url)
    with TestClient(app) as http:
        yield Office(http, app.state.server.storage, tmp_path)
    app.state.server.storage.close()


def sync(laptop: tuple[Vault, SyncClient]) -> None:
    vault, client = laptop
    client.sync(VaultReplica(vault))


def test_a_referral_to_an_agency_of_another_area_travels_and_re_imports(office: Office) -> None:
    honcho = office.laptop("hq", ["honcho"])
    aiko = office.laptop("aiko", ["mure"])
    centre = honcho[0].new_record(
        "agency", "honcho", name="高松市保健センター", agency_type="health_center"
    )
    sync(honcho)
    sync(aiko)
    vault = aiko[0]
    assert vault.get(centre.id) is not None
    household = vault.new_record("household", "mure", name="牟礼 一郎世帯", status="active")
    vault.new_record(
        "referral", "mure", household.id, agency_id=centre.id, direction="out",
        date="2026-11-30", status="open",
    )  # fmt: skip
    sync(aiko)
    # Her export holds the agency her referral names, and goes into an empty vault whole.
    out = io.StringIO()
    export_lines_to(vault, out)
    empty = Vault.create(office.folder / "empty", PASSPHRASE, kdf=KdfParams())
    result = import_records(empty, io.StringIO(out.getvalue()))
    assert result.total == 3
    assert empty.get(centre.id) is not None


def test_an_agency_of_another_area_is_edited_and_stays_when_areas_change(office: Office) -> None:
    honcho = office.laptop("hq", ["honcho"])
    aiko = office.laptop("aiko", ["mure"])
    centre = honcho[0].new_record(
        "agency", "honcho", name="高松市保健センター", agency_type="health_center"
    )
    sync(honcho)
    sync(aiko)
    # Aiko corrects its phone number: sent at once, not held back as another area's work.
    held = aiko[0].get(centre.id)
    assert held is not None
    aiko[0].put(held.with_fields(phone="087-839-2363"))
    assert VaultReplica(aiko[0]).outbox_areas() == []
    sync(aiko)
    assert VaultReplica(aiko[0]).pending_changes() == []
    sync(honcho)
    edited = honcho[0].get(centre.id)
    assert edited is not None and edited.fields["phone"] == "087-839-2363"
    # Mure is withdrawn and shoga granted: her households go, the directory stays.
    household = aiko[0].new_record("household", "mure", name="世帯", status="active")
    sync(aiko)
    office.storage.set_user_areas("aiko", ["shoga"])
    sync(aiko)
    assert aiko[0].get(household.id) is None
    assert aiko[0].get(centre.id) is not None
    assert VaultReplica(aiko[0]).stored_areas() == []


def test_a_laptop_that_synced_before_the_directory_was_shared_receives_it_once(
    office: Office, monkeypatch: pytest.MonkeyPatch
) -> None:
    honcho = office.laptop("hq", ["honcho"])
    aiko = office.laptop("aiko", ["mure"])
    centre = honcho[0].new_record(
        "agency", "honcho", name="高松市保健センター", agency_type="health_center"
    )
    sync(honcho)
    # Aiko syncs with a server that still kept agencies to their areas (as before this
    # change), from a laptop that does not know of the directory: her cursor passes the
    # agency without it.
    with monkeypatch.context() as old_server:
        old_server.setattr(server_pull, "SHARED_TYPES", frozenset())
        # The page statements are built once (pull._page_query): build them anew for the
        # old server, and again after it.
        server_pull._page_query.cache_clear()
        try:
            sync(aiko)
        finally:
            server_pull._page_query.cache_clear()
    replica = VaultReplica(aiko[0])
    replica.set_setting("directory_synced", False)
    assert aiko[0].get(centre.id) is None
    assert replica.cursor() == office.storage.head()
    # Her next sync fetches the directory behind her cursor, once.
    sync(aiko)
    assert aiko[0].get(centre.id) is not None
    assert replica.directory_synced()
