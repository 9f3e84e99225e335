"""Search over the decrypted copies: folded text, kept current by writes, never rebuilt."""

from __future__ import annotations

import pytest

from marugoto_desktop.domain.ids import new_id
from marugoto_desktop.domain.records import Record
from marugoto_desktop.domain.validation import RecordInvalid
from marugoto_desktop.vault import Vault


def names(records) -> list[str]:
    return sorted(r.fields["name"] for r in records)


@pytest.fixture
def filled(vault: Vault) -> Vault:
    household = vault.new_record(
        "household", "mure", name="山田家", status="active", phone="087-000-0001",
        address="高松市牟礼町牟礼０００１－００",
    )  # fmt: skip
    vault.new_record("person", "mure", household.id, name="山田 花子", kana="ヤマダ ハナコ")
    vault.new_record("household", "shoga", name="勝賀家", status="watching")
    return vault


@pytest.mark.parametrize(
    "typed", ["やまだ", "ﾔﾏﾀﾞ", "山田花子", "0870000001", "０８７－０００", "牟礼町牟礼0001-00"]
)
def test_search_is_alike_in_width_and_kana(filled: Vault, typed: str) -> None:
    assert names(filled.search(typed)) == ["山田家"]


def test_a_write_updates_the_search_index_in_place(filled: Vault) -> None:
    filled.prepare_search()
    index = filled._memory.view("search:household")
    assert index is not None
    added = filled.new_record("household", "mure", name="香川家", status="active")
    assert names(filled.search("かがわ")) == []  # kana is not on the household itself
    member = filled.new_record("person", "mure", added.id, name="香川 一郎", kana="カガワ イチロウ")
    assert names(filled.search("かがわ")) == ["香川家"]
    filled.put(member.with_fields(kana="かがわ いちろう"))
    assert names(filled.search("イチロウ")) == ["香川家"]
    filled.delete(member.id)
    assert names(filled.search("いちろう")) == []
    filled.put(filled.search("香川")[0].with_fields(name="讃岐家"))
    assert names(filled.search("香川")) == [] and names(filled.search("讃岐")) == ["讃岐家"]
    filled.delete(added.id)
    assert names(filled.search("讃岐")) == []
    filled.restore(added.id)
    assert names(filled.search("讃岐")) == ["讃岐家"]
    assert filled._memory.view("search:household") is index  # updated, never rebuilt


def from_sql(vault: Vault, record_type: str) -> list[str]:
    """The live records as the database has them (not the list kept in memory)."""
    return [r.id for r in vault.records(record_type, include_deleted=True) if not r.deleted]


@pytest.mark.parametrize("count", [3, 100])  # one by one, and a batch rebuilt at once
def test_the_live_list_follows_writes_in_id_order(filled: Vault, count: int) -> None:
    before = filled.records("household")
    added = filled.put_many(
        [Record(new_id(), "household", "mure", None, {"name": f"家{i}", "status": "active"})
         for i in range(count)]
    )  # fmt: skip
    filled.delete(before[0].id)
    filled.put(added[0].with_fields(status="closed"))
    now = filled.records("household")
    assert (
        [r.id for r in now]
        == sorted(r.id for r in [*before[1:], *added])
        == from_sql(filled, "household")
    )
    assert now[[r.id for r in now].index(added[0].id)].fields["status"] == "closed"


def test_a_refused_write_leaves_search_as_it_was(filled: Vault) -> None:
    filled.prepare_search()
    with pytest.raises(RecordInvalid):
        filled.new_record("household", "mure", name="", status="active")
    assert names(filled.search("山田")) == ["山田家"]
