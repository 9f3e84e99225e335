"""A copied vault does not tell which fields a record holds: every blob is padded to a bucket."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marugoto_desktop.domain.schema import SCHEMAS, Kind
from marugoto_desktop.vault import KdfParams, Vault
from marugoto_desktop.vault.crypto import BLOB_OVERHEAD, BODY_FLOOR, PAD_FLOOR, DataKey
from marugoto_desktop.vault.replica import VaultReplica
from marugoto_desktop.vault.store import DB_FILE
from marugoto_sync.log_page import LogPage
from marugoto_sync.merge import Conflict, FieldState, conflict_id_for

from ..conftest import PASSPHRASE
from .test_replica import conflict_entry


def _longest_codes(record_type: str) -> dict[str, str]:
    """Each coded field of a type with its longest code."""
    return {
        spec.name: max(spec.vocabulary.codes, key=len)
        for spec in SCHEMAS[record_type].fields
        if spec.kind is Kind.CODE and spec.vocabulary is not None
    }


# Every short field a person may hold, with values as long as practice gives them.
PERSON_OPTIONAL = {
    **_longest_codes("person"),
    "kana": "やまだ たろうえもん",
    "birth_date": "1938-11-23",
    "lives_with_household": True,
    "disability_grade": "1種1級",
    "work_or_school": "高松市立牟礼北小学校 特別支援学級",
    "phone": "087-000-0000",
}
HOUSEHOLD_OPTIONAL = {
    **_longest_codes("household"),
    "district": "牟礼",
    "address": "高松市牟礼町牟礼0000-00 コーポ牟礼 203号",
    "phone": "087-000-0000",
    "first_known_on": "2025-04-01",
    "assigned_consultant": "相談員 山田",
}
del HOUSEHOLD_OPTIONAL["status"]
BODY = BODY_FLOOR + BLOB_OVERHEAD
PAYLOAD = PAD_FLOOR + BLOB_OVERHEAD


def _lengths(vault: Vault, record_id: str) -> tuple[int, list[int]]:
    """(length of the record's body, lengths of its outbox payloads)."""
    db = vault._db
    (body,) = db.execute("SELECT length(body) FROM records WHERE id = ?", (record_id,)).fetchone()
    rows = db.execute("SELECT length(payload) FROM outbox WHERE record_id = ?", (record_id,))
    return body, [n for (n,) in rows]


def test_records_differing_in_which_fields_they_hold_look_alike(vault: Vault) -> None:
    bare = vault.new_record("household", "mure", name="一", status="active")
    full = vault.new_record("household", "mure", name="二", status="active", **HOUSEHOLD_OPTIONAL)
    assert _lengths(vault, bare.id)[0] == _lengths(vault, full.id)[0] == BODY
    people = [
        vault.new_record("person", "mure", bare.id, name="一 花子"),
        vault.new_record("person", "mure", bare.id, name="一 一郎", care_level="care_5"),
        vault.new_record("person", "mure", full.id, name="二 太郎", **PERSON_OPTIONAL),
    ]
    for person in people:
        body, payloads = _lengths(vault, person.id)
        assert body == BODY
        # Which field an unsent change carries does not show either.
        assert set(payloads) == {PAYLOAD}
    # An edit that removes the certificate leaves the body as long as before.
    vault.put(people[2].with_fields(disability_certificate=None, disability_grade=None))
    assert _lengths(vault, people[2].id)[0] == BODY


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(held=st.sets(st.sampled_from(sorted(PERSON_OPTIONAL))))
def test_a_persons_body_length_never_depends_on_its_fields(vault: Vault, held: set[str]) -> None:
    household = vault.records("household") or [
        vault.new_record("household", "mure", name="一", status="active")
    ]
    fields = {name: PERSON_OPTIONAL[name] for name in held}
    person = vault.new_record("person", "mure", household[0].id, name="一 花子", **fields)
    body, payloads = _lengths(vault, person.id)
    assert body == BODY and set(payloads) == {PAYLOAD}


def _conflict(record_id: str, field: str, loser: object, winner: object) -> Conflict:
    lost = FieldState(loser, 100, "aaaaaaaa", f"01900000-0000-7000-8000-0000000000{len(field):02d}")
    won = FieldState(winner, 200, "bbbbbbbb", f"01900000-0000-7000-8000-0000000001{len(field):02d}")
    cid = conflict_id_for(won.change_id, "concurrent_edit")
    return Conflict(cid, record_id, "person", "mure", field, "concurrent_edit", lost, won)


def test_conflicts_on_different_fields_look_alike(vault: Vault) -> None:
    household = vault.new_record("household", "mure", name="一", status="active")
    person = vault.new_record("person", "mure", household.id, name="一 花子")
    conflicts = [
        _conflict(person.id, "sex", "male", "female"),
        _conflict(person.id, "disability_certificate", "intellectual", "psychiatric"),
    ]
    items = [conflict_entry(c, seq=i + 1) for i, c in enumerate(conflicts)]
    VaultReplica(vault).apply_page(LogPage.of(items), cursor=len(items))
    lengths = vault._db.execute("SELECT length(payload) FROM conflicts").fetchall()
    assert len(lengths) == 2 and len(set(lengths)) == 1


def test_the_latest_edit_time_of_a_record_is_not_in_clear(vault: Vault) -> None:
    household = vault.new_record("household", "mure", name="一", status="active")
    vault.put(household.with_fields(note="後日の追記"))
    columns = [row[1] for row in vault._db.execute("PRAGMA table_info(records)")]
    assert columns == ["id", "type", "area", "parent_id", "deleted", "v", "body"]


def _to_format_1(folder: Path, raw_key: bytes) -> list[bytes]:
    """Turn a vault into what the previous release wrote: unpadded format-1 blobs and a clear
    latest clock per record. Returns the old blobs."""
    aead = AESGCM(raw_key)
    key = DataKey(raw_key)
    old_blobs: list[bytes] = []

    def downgrade(blob: bytes, aad_of: str) -> bytes:
        aad = aad_of.encode()
        nonce = os.urandom(12)
        old = b"\x01" + nonce + aead.encrypt(nonce, key.open(blob, aad), b"\x01" + aad)
        old_blobs.append(old)
        return old

    conn = sqlite3.connect(folder / DB_FILE, isolation_level=None)
    prefix = "marugoto-vault/1"
    conn.create_function("downgrade", 2, downgrade)
    conn.execute("BEGIN")
    conn.execute(f"UPDATE records SET body = downgrade(body, '{prefix}/records/' || id || '/body')")
    conn.execute(
        f"UPDATE outbox SET payload = downgrade(payload, '{prefix}/outbox/' || change_id || "
        "'/payload/' || type || '/' || record_id || '/' || coalesce(area, 'None') || '/' || "
        "hlc || '/' || base_hlc || '/' || site)"
    )
    conn.execute(
        "UPDATE conflicts SET payload = "
        f"downgrade(payload, '{prefix}/conflicts/' || conflict_id || '/payload')"
    )
    conn.execute(
        f"UPDATE settings SET value = downgrade(value, '{prefix}/settings/' || key || '/value')"
    )
    conn.execute("ALTER TABLE records ADD COLUMN hlc INTEGER NOT NULL DEFAULT 1")
    conn.execute(
        "DELETE FROM migrations WHERE name IN ('0003_records_without_clock', '0004_padded_blobs')"
    )
    conn.execute("UPDATE meta SET value = '1' WHERE key = 'format_version'")
    conn.execute("COMMIT")
    conn.execute("VACUUM")  # as the old release left it: no trace of the padded blobs
    conn.close()
    return old_blobs


def test_an_old_vault_is_resealed_padded_when_unlocked(vault_dir: Path) -> None:
    with Vault.create(vault_dir, PASSPHRASE, kdf=KdfParams()) as vault:
        household = vault.new_record("household", "mure", name="一", status="active")
        person = vault.new_record("person", "mure", household.id, name="一 花子", **PERSON_OPTIONAL)
        replica = VaultReplica(vault)
        replica.set_setting("token", "secret-device-token")
        conflict = _conflict(person.id, "care_level", "care_1", "care_2")
        replica.apply_page(LogPage.of([conflict_entry(conflict)]), cursor=1)
        pending = vault.pending_changes(limit=-1)
        raw_key = vault._data_key.raw
    old_blobs = _to_format_1(vault_dir, raw_key)
    with sqlite3.connect(vault_dir / DB_FILE) as conn:
        assert len({n for (n,) in conn.execute("SELECT length(body) FROM records")}) == 2

    with Vault.open(vault_dir, PASSPHRASE) as vault:
        # Everything reads as before, and the laptop can still push what it had not sent.
        assert vault.get(person.id).fields == {"name": "一 花子", **PERSON_OPTIONAL}
        assert vault.pending_changes(limit=-1) == pending
        replica = VaultReplica(vault)
        assert replica.get_setting("token") == "secret-device-token"
        assert [view.conflict for view in replica.conflicts()] == [conflict]
        vault.integrity_check()
        db = vault._db
        assert {n for (n,) in db.execute("SELECT length(body) FROM records")} == {BODY}
        assert {n for (n,) in db.execute("SELECT length(payload) FROM outbox")} == {PAYLOAD}
        versions = db.execute(
            "SELECT substr(body, 1, 1) FROM records UNION SELECT substr(payload, 1, 1) FROM outbox "
            "UNION SELECT substr(payload, 1, 1) FROM conflicts "
            "UNION SELECT substr(value, 1, 1) FROM settings"
        ).fetchall()
        assert versions == [(b"\x02",)]
        assert db.execute("SELECT value FROM meta WHERE key = 'format_version'").fetchone() == (
            "2",
        )
        # A copy of the upgraded vault, taken while it is open, holds no unpadded blob.
        files = b"".join(p.read_bytes() for p in vault_dir.iterdir() if p.is_file())
        assert not [blob for blob in old_blobs if blob[1:29] in files]
    with Vault.open(vault_dir, PASSPHRASE) as vault:  # once: the migration is not run again
        assert vault.get(person.id) is not None
