"""The sealed summaries the figures read (vault/summaries.py): never disagreeing with the
bodies through writes, deletes, restores, parents set, merges and area removals; tampering
refused; lengths that tell only how many; filled for a vault written before them."""

from __future__ import annotations

import contextlib
import sqlite3
import tempfile
import uuid
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from marugoto_desktop.domain.records import Record
from marugoto_desktop.domain.validation import RecordInvalid
from marugoto_desktop.domain.vocabularies import ACTIVITY_KINDS, MEETING_TYPES
from marugoto_desktop.vault import KdfParams, RecordNotFound, Vault, VaultCorrupted
from marugoto_desktop.vault.crypto import BLOB_OVERHEAD, PAD_FLOOR
from marugoto_desktop.vault.replica import VaultReplica
from marugoto_desktop.vault.store import DB_FILE
from marugoto_desktop.vault.summaries import ENTRY_BYTES, SUMMARY_FIELDS, _group_key
from marugoto_sync.changes import Change
from marugoto_sync.hlc import wall_millis
from marugoto_sync.log_page import LogPage

from ..conftest import PASSPHRASE

AREAS = ("mure", "shoga")
DAYS = st.dates().map(lambda d: d.isoformat())
KINDS = st.sampled_from(ACTIVITY_KINDS.codes)
ELSEWHERE = "e1" * 16  # the site of a laptop these tests only pull from


def from_bodies(vault: Vault, record_type: str) -> list[tuple[Any, ...]]:
    """What a summary must say, from whole records (each body decrypted)."""
    names = SUMMARY_FIELDS[record_type]
    return sorted(
        (r.id, r.area, r.parent_id, *(r.fields.get(n) for n in names))
        for r in vault.records(record_type)
    )


def assert_summaries_agree(vault: Vault) -> None:
    for record_type, names in SUMMARY_FIELDS.items():
        assert sorted(map(tuple, vault.field_rows(record_type, names))) == from_bodies(
            vault, record_type
        ), record_type
    vault.integrity_check()


def page_of(changes: list[Change], seq: int) -> LogPage:
    return LogPage.of(
        [{"seq": seq + i, "kind": "change", **c.to_wire()} for i, c in enumerate(changes)]
    )


class TwoLaptops(RuleBasedStateMachine):
    """Two vaults writing, deleting, restoring and merging each other's changes."""

    def __init__(self) -> None:
        super().__init__()
        self.tmp = tempfile.TemporaryDirectory(prefix="summaries-")
        self.vaults: list[Vault] = []
        self.seq = 0
        self.cursors = [0, 0]

    @initialize()
    def open_vaults(self) -> None:
        for name in ("a", "b"):
            vault = Vault.create(Path(self.tmp.name) / name, PASSPHRASE, kdf=KdfParams())
            self.vaults.append(vault)
            for i in range(6):
                vault.new_record("agency", "mure", name=f"機関{name}{i}", agency_type="shakyo")
            for area in AREAS:  # something to edit, delete and merge from the first step
                home = vault.new_record("household", area, name="家", status="active")
                vault.new_record("activity", area, home.id, date="2025-04-01", kind="consult.visit")
                vault.new_record("activity", area, date="2025-04-02", kind="outreach.gathering")

    def teardown(self) -> None:
        for vault in self.vaults:
            if vault.is_open:
                vault.close()
        self.tmp.cleanup()

    def pick(self, i: int, record_type: str, n: int, **where: Any) -> Record | None:
        found = [
            r
            for r in self.vaults[i].records(record_type, include_deleted=True)
            if all(getattr(r, k) == v for k, v in where.items())
        ]
        return found[n % len(found)] if found else None

    @rule(i=st.integers(0, 1), area=st.sampled_from(AREAS))
    def new_household(self, i: int, area: str) -> None:
        self.vaults[i].new_record("household", area, name="家", status="active")

    @rule(i=st.integers(0, 1), n=st.integers(0, 99), day=DAYS, kind=KINDS, alone=st.booleans())
    def new_activity(self, i: int, n: int, day: str, kind: str, alone: bool) -> None:
        home = self.pick(i, "household", n, deleted=False)
        if alone or home is None:
            self.vaults[i].new_record("activity", AREAS[n % 2], date=day, kind=kind)
        else:
            self.vaults[i].new_record("activity", home.area, home.id, date=day, kind=kind)

    @rule(i=st.integers(0, 1), n=st.integers(0, 99), day=DAYS, kind=KINDS)
    def edit_activity(self, i: int, n: int, day: str, kind: str) -> None:
        activity = self.pick(i, "activity", n, deleted=False)
        if activity is not None:
            # Refused for one that merges or an area removal left invalid (its household gone).
            with contextlib.suppress(RecordInvalid):
                self.vaults[i].edit(activity.id, {"date": day, "kind": kind})

    @rule(i=st.integers(0, 1), n=st.integers(0, 99), record_type=st.sampled_from(
        ["household", "activity", "meeting", "referral"]))  # fmt: skip
    def delete(self, i: int, n: int, record_type: str) -> None:
        record = self.pick(i, record_type, n, deleted=False)
        if record is not None:
            self.vaults[i].delete(record.id)

    @rule(i=st.integers(0, 1), n=st.integers(0, 99), record_type=st.sampled_from(
        ["household", "activity", "referral"]))  # fmt: skip
    def restore(self, i: int, n: int, record_type: str) -> None:
        record = self.pick(i, record_type, n, deleted=True)
        if record is not None:
            # Refused while its household is deleted: it comes back only with it.
            with contextlib.suppress(RecordInvalid, RecordNotFound):
                self.vaults[i].restore(record.id)

    @rule(i=st.integers(0, 1), n=st.integers(0, 99), m=st.integers(0, 99))
    def set_parent(self, i: int, n: int, m: int) -> None:
        activity = self.pick(i, "activity", n, deleted=False, parent_id=None)
        if activity is None:
            return
        home = self.pick(i, "household", m, deleted=False, area=activity.area)
        if home is not None:
            # Refused for one a merge left invalid (a kind no laptop writes).
            with contextlib.suppress(RecordInvalid):
                self.vaults[i].set_parent(activity.id, home.id)

    @rule(i=st.integers(0, 1), day=DAYS, count=st.integers(0, 6), city=st.booleans(),
          kind=st.sampled_from(MEETING_TYPES.codes))  # fmt: skip
    def new_meeting(self, i: int, day: str, count: int, city: bool, kind: str) -> None:
        vault = self.vaults[i]
        agencies = [a.id for a in vault.records("agency")][:count]
        vault.new_record("meeting", None if city else "mure", date=day, meeting_type=kind,
                         attendee_agency_ids=agencies)  # fmt: skip

    @rule(i=st.integers(0, 1), n=st.integers(0, 99), day=DAYS,
          direction=st.sampled_from(["in", "out", "joint"]))  # fmt: skip
    def new_referral(self, i: int, n: int, day: str, direction: str) -> None:
        vault = self.vaults[i]
        home = self.pick(i, "household", n, deleted=False)
        agency = self.pick(i, "agency", n)
        if home is not None and agency is not None:
            vault.new_record("referral", home.area, home.id, agency_id=agency.id, date=day,
                             direction=direction, status="open")  # fmt: skip

    @rule(i=st.integers(0, 1))
    def sync(self, i: int) -> None:
        """The other laptop takes this one's changes (the merge rule decides, as a pull)."""
        source, target = self.vaults[i], self.vaults[1 - i]
        changes = source.pending_changes(limit=-1)
        if not changes:
            return
        self.seq += len(changes)
        self.cursors[1 - i] += len(changes)
        page = page_of(changes, self.seq - len(changes) + 1)
        VaultReplica(target).apply_page(page, self.cursors[1 - i])
        source.acknowledge([c.change_id for c in changes])

    @rule(i=st.integers(0, 1), n=st.integers(0, 99), long=st.booleans())
    def merged_odd_value(self, i: int, n: int, long: bool) -> None:
        """A pulled change no laptop would have written: a kind too long for its entry."""
        activity = self.pick(i, "activity", n)
        if activity is None:
            return
        value = "outreach." + "x" * 200 if long else "consult.visit"
        change = Change(str(uuid.uuid4()), "activity", activity.id,
                        activity.area, "kind", value, (wall_millis() + 60_000) << 16, 0,
                        ELSEWHERE)  # fmt: skip
        self.seq += 1
        self.cursors[i] += 1
        VaultReplica(self.vaults[i]).apply_page(page_of([change], self.seq), self.cursors[i])

    @rule(i=st.integers(0, 1), area=st.sampled_from(AREAS))
    def remove_area(self, i: int, area: str) -> None:
        VaultReplica(self.vaults[i]).remove_area(area)

    @invariant()
    def summaries_agree_with_bodies(self) -> None:
        for vault in self.vaults:
            assert_summaries_agree(vault)


TwoLaptops.TestCase.settings = settings(
    max_examples=30,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_summaries_never_disagree_with_the_bodies = TwoLaptops.TestCase


def test_every_kind_of_write_keeps_the_summaries() -> None:
    """Each path a record row is written by, one after the other, checked after each."""
    laptop = TwoLaptops()
    try:
        laptop.open_vaults()
        steps: list[tuple[str, dict[str, Any]]] = [
            ("new_activity", {"i": 0, "n": 0, "day": "2025-05-01", "kind": "consult.phone",
                              "alone": False}),
            ("edit_activity", {"i": 0, "n": 0, "day": "2025-06-01", "kind": "outreach.other"}),
            ("new_meeting", {"i": 0, "day": "2025-05-02", "count": 6, "city": True,
                             "kind": "regular"}),
            ("new_referral", {"i": 0, "n": 0, "day": "2025-05-03", "direction": "in"}),
            ("sync", {"i": 0}),
            ("delete", {"i": 1, "n": 0, "record_type": "activity"}),
            ("delete", {"i": 1, "n": 0, "record_type": "household"}),
            ("restore", {"i": 1, "n": 0, "record_type": "household"}),
            ("set_parent", {"i": 1, "n": 0, "m": 0}),
            ("merged_odd_value", {"i": 1, "n": 1, "long": True}),
            ("sync", {"i": 1}),
            ("merged_odd_value", {"i": 0, "n": 1, "long": False}),
            ("delete", {"i": 0, "n": 0, "record_type": "meeting"}),
            ("remove_area", {"i": 0, "area": "shoga"}),
            ("sync", {"i": 1}),
        ]  # fmt: skip
        for name, arguments in steps:
            getattr(laptop, name)(**arguments)
            laptop.summaries_agree_with_bodies()
    finally:
        laptop.teardown()


def test_a_group_moved_to_another_group_is_refused(vault_dir: Path) -> None:
    with Vault.create(vault_dir, PASSPHRASE, kdf=KdfParams()) as vault:
        for area in AREAS:
            vault.new_record("activity", area, date="2025-04-01", kind="consult.visit")
    with closing(sqlite3.connect(vault_dir / DB_FILE, isolation_level=None)) as conn:
        (_, one), (second, _) = conn.execute("SELECT grp, entries FROM summaries").fetchall()
        conn.execute("UPDATE summaries SET entries = ? WHERE grp = ?", (one, second))
    with Vault.open(vault_dir, PASSPHRASE) as vault, pytest.raises(VaultCorrupted):
        vault.field_rows("activity", ("date", "kind"))


def test_a_clear_column_edited_changes_no_figure_and_is_found(vault_dir: Path) -> None:
    with Vault.create(vault_dir, PASSPHRASE, kdf=KdfParams()) as vault:
        home = vault.new_record("household", "mure", name="一", status="active")
        vault.new_record("activity", "mure", home.id, date="2025-04-01", kind="consult.visit")
        before = vault.field_rows("activity", ("date", "kind"))
    with closing(sqlite3.connect(vault_dir / DB_FILE, isolation_level=None)) as conn:
        conn.execute("UPDATE records SET area = 'shoga', parent_id = NULL WHERE type = 'activity'")
    with Vault.open(vault_dir, PASSPHRASE) as vault:
        assert vault.field_rows("activity", ("date", "kind")) == before  # what was sealed
        with pytest.raises(VaultCorrupted, match="altered"):
            vault.integrity_check()


def ids_in_one_group(count: int) -> list[str]:
    """UUIDs of activities of one area whose summaries share a group."""
    ids = [str(uuid.UUID(int=k)) for k in range(200_000)]
    first = _group_key("activity", "mure", ids[0])
    return [i for i in ids if _group_key("activity", "mure", i) == first][:count]


def group_lengths(vault: Vault) -> list[int]:
    rows = vault._db.execute("SELECT length(entries) FROM summaries ORDER BY grp").fetchall()
    return [n for (n,) in rows]


@pytest.mark.parametrize("count", [1, 3, 9])
def test_a_group_s_length_tells_how_many_entries_and_nothing_else(
    tmp_path: Path, count: int
) -> None:
    """Short and long kinds, with and without a household, an entry too long to fit: one
    length for one number of entries."""
    ids = ids_in_one_group(count)
    lengths = []
    for variant in range(3):
        with Vault.create(tmp_path / str(variant), PASSPHRASE, kdf=KdfParams()) as vault:
            home = vault.new_record("household", "mure", name="一", status="active")
            for i, record_id in enumerate(ids):
                kind = ACTIVITY_KINDS.codes[(i + variant) % len(ACTIVITY_KINDS.codes)]
                vault.put(Record(record_id, "activity", "mure", None if variant else home.id,
                                 {"date": "2025-04-01", "kind": kind}))  # fmt: skip
            if variant == 2:
                VaultReplica(vault).apply_page(
                    page_of([Change(str(uuid.uuid4()), "activity", ids[0], "mure", "kind",
                                    "x" * 300, (wall_millis() + 60_000) << 16, 0, ELSEWHERE)],
                            1), 1,
                )  # fmt: skip
            assert len(group_lengths(vault)) == 1  # ids chosen to share a bucket
            lengths.append(group_lengths(vault)[0])
            assert_summaries_agree(vault)
    room = max(PAD_FLOOR, 5 + count * ENTRY_BYTES["activity"] + 1)
    assert lengths == [room + BLOB_OVERHEAD] * 3


def test_a_meeting_with_many_agencies_is_read_from_its_body(vault: Vault) -> None:
    agencies = [
        vault.new_record("agency", "mure", name=f"機関{i}", agency_type="shakyo").id
        for i in range(12)
    ]
    for count in (0, 4, 12):
        vault.new_record("meeting", "mure", date="2025-05-01", meeting_type="regular",
                         attendee_agency_ids=agencies[:count])  # fmt: skip
    rows = vault.field_rows("meeting", SUMMARY_FIELDS["meeting"])
    assert sorted(len(r[5] or ()) for r in rows) == [0, 4, 12]
    assert_summaries_agree(vault)


def test_a_vault_written_before_summaries_gets_them_on_unlock(vault_dir: Path) -> None:
    with Vault.create(vault_dir, PASSPHRASE, kdf=KdfParams()) as vault:
        home = vault.new_record("household", "mure", name="一", status="active")
        for day in ("2025-04-01", "2025-05-01"):
            vault.new_record("activity", "mure", home.id, date=day, kind="consult.visit")
        agency = vault.new_record("agency", "mure", name="機関", agency_type="shakyo")
        vault.new_record("referral", "mure", home.id, agency_id=agency.id, date="2025-04-02",
                         direction="in", status="open")  # fmt: skip
        expected = {t: from_bodies(vault, t) for t in SUMMARY_FIELDS}
    with closing(sqlite3.connect(vault_dir / DB_FILE, isolation_level=None)) as conn:
        conn.execute("DROP TABLE summaries")  # as a vault of the version before
        conn.execute(
            "DELETE FROM migrations WHERE name IN ('0005_summaries', '0006_summaries_filled')"
        )
    with Vault.open(vault_dir, PASSPHRASE) as vault:
        for record_type, names in SUMMARY_FIELDS.items():
            rows = sorted(map(tuple, vault.field_rows(record_type, names)))
            assert rows == expected[record_type]
        assert vault._db.execute("SELECT count(*) FROM summaries").fetchone()[0] == 3
        vault.integrity_check()
