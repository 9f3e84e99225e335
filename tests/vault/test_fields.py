"""Reading a few fields of many records (the figures' read): the same values as whole records,
and the same refusal of tampered rows."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from marugoto_desktop.domain.schema import SCHEMAS
from marugoto_desktop.operations.demo import write_demo
from marugoto_desktop.vault import KdfParams, Vault, VaultCorrupted
from marugoto_desktop.vault.store import DB_FILE

from ..conftest import PASSPHRASE


def test_field_rows_hold_what_the_records_hold(vault: Vault) -> None:
    write_demo(vault, 12, seed=3)
    deleted = set(vault.delete(vault.records("activity")[0].id))
    for record_type, schema in SCHEMAS.items():
        names = schema.field_names
        rows = vault.field_rows(record_type, names)
        expected = [
            (r.id, r.area, r.parent_id, *(r.fields.get(n) for n in names))
            for r in vault.records(record_type)
        ]
        assert len(rows) == len(expected) > 0, record_type
        assert sorted(rows) == expected, record_type
        assert not deleted & {row[0] for row in rows}


@pytest.mark.parametrize(("column", "value"), [("area", "shoga"), ("parent_id", None)])
def test_edited_clear_columns_are_refused(vault_dir: Path, column: str, value: object) -> None:
    with Vault.create(vault_dir, PASSPHRASE, kdf=KdfParams()) as vault:
        household = vault.new_record("household", "mure", name="一", status="active")
        activity = vault.new_record(
            "activity", "mure", household.id, date="2025-04-01", kind="consult.visit"
        )
    with closing(sqlite3.connect(vault_dir / DB_FILE, isolation_level=None)) as conn:
        conn.execute(f"UPDATE records SET {column}=? WHERE id=?", (value, activity.id))
    # (date, recorded_by): fields the sealed summaries do not hold, so the bodies are read;
    # tests/vault/test_summaries.py says what the summaries do with an edited column.
    with Vault.open(vault_dir, PASSPHRASE) as vault, pytest.raises(VaultCorrupted, match="altered"):
        vault.field_rows("activity", ("date", "recorded_by"))


def test_a_body_moved_to_another_record_is_refused(vault_dir: Path) -> None:
    with Vault.create(vault_dir, PASSPHRASE, kdf=KdfParams()) as vault:
        household = vault.new_record("household", "mure", name="一", status="active")
        first, second = (
            vault.new_record("activity", "mure", household.id, date=day, kind="consult.visit")
            for day in ("2025-04-01", "2025-04-02")
        )
    with closing(sqlite3.connect(vault_dir / DB_FILE, isolation_level=None)) as conn:
        (body,) = conn.execute("SELECT body FROM records WHERE id=?", (first.id,)).fetchone()
        conn.execute("UPDATE records SET body=? WHERE id=?", (body, second.id))
    with Vault.open(vault_dir, PASSPHRASE) as vault:
        with pytest.raises(VaultCorrupted):
            vault.field_rows("activity", ("date", "recorded_by"))
        with pytest.raises(VaultCorrupted):
            vault.integrity_check()
