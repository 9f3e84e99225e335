"""Record ids: UUIDv7 strings (RFC 9562), time-ordered."""

from __future__ import annotations

import time
import uuid

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from marugoto_desktop.domain.ids import is_record_id, new_id, uuid7_from

MAX_MS = (1 << 48) - 1
unix_ms = st.integers(min_value=0, max_value=MAX_MS)
rand10 = st.binary(min_size=10, max_size=10)


def test_rfc_9562_example_vector() -> None:
    """RFC 9562 appendix A.6: unix_ts_ms 0x017F22E279B0, rand_a 0xCC3, rand_b 0x18C4DC0C0C07398F."""
    rand = bytes.fromhex("7cc398c4dc0c0c07398f")
    assert uuid7_from(0x017F22E279B0, rand) == "017f22e2-79b0-7cc3-98c4-dc0c0c07398f"


@given(unix_ms, rand10)
def test_uuid7_layout(ms: int, rand: bytes) -> None:
    text = uuid7_from(ms, rand)
    value = uuid.UUID(text)
    assert str(value) == text  # canonical, lower case
    assert value.version == 7
    assert value.variant == uuid.RFC_4122
    assert (value.int >> 76) & 0xF == 0x7
    assert (value.int >> 62) & 0x3 == 0b10
    # 48-bit big-endian millisecond timestamp in the top bits.
    assert value.int >> 80 == ms
    # Every other bit comes from the random bytes: rand_a (12 bits) and rand_b (62 bits).
    r = int.from_bytes(rand, "big")
    assert (value.int >> 64) & 0xFFF == (r >> 64) & 0xFFF
    assert value.int & ((1 << 62) - 1) == r & ((1 << 62) - 1)
    assert is_record_id(text)


@given(unix_ms, unix_ms, rand10, rand10)
def test_ids_sort_by_timestamp(ms1: int, ms2: int, rand1: bytes, rand2: bytes) -> None:
    """Whatever the random part, an id from an earlier millisecond sorts (as text) first."""
    a, b = uuid7_from(ms1, rand1), uuid7_from(ms2, rand2)
    if ms1 < ms2:
        assert a < b
    elif ms1 > ms2:
        assert a > b
    else:
        assert a[:13] == b[:13]  # same timestamp prefix "xxxxxxxx-xxxx"


@pytest.mark.parametrize("length", [0, 9, 11, 16])
def test_uuid7_needs_ten_random_bytes(length: int) -> None:
    with pytest.raises(ValueError, match="10 random bytes"):
        uuid7_from(0, bytes(length))


def test_new_id_is_a_uuid7_stamped_with_now() -> None:
    before = time.time_ns() // 1_000_000
    text = new_id()
    after = time.time_ns() // 1_000_000
    value = uuid.UUID(text)
    assert value.version == 7
    assert value.variant == uuid.RFC_4122
    assert before <= value.int >> 80 <= after
    assert is_record_id(text)


def test_new_ids_are_unique_and_ordered_across_milliseconds() -> None:
    batch = [new_id() for _ in range(2000)]
    assert len(set(batch)) == len(batch)
    first = new_id()
    time.sleep(0.003)
    second = new_id()
    assert first < second
    # Non-decreasing timestamps over a batch taken in sequence.
    stamps = [uuid.UUID(i).int >> 80 for i in batch]
    assert stamps == sorted(stamps)


@pytest.mark.parametrize(
    "value",
    [
        "017f22e2-79b0-7cc3-98c4-dc0c0c07398f",
        "00000000-0000-0000-0000-000000000000",
        str(uuid.UUID(int=0x1234, version=4)),
    ],
)
def test_is_record_id_accepts_canonical_uuids(value: str) -> None:
    assert is_record_id(value)


@pytest.mark.parametrize(
    "value",
    [
        "017F22E2-79B0-7CC3-98C4-DC0C0C07398F",  # upper case is not canonical
        "017f22e279b07cc398c4dc0c0c07398f",  # no hyphens
        "{017f22e2-79b0-7cc3-98c4-dc0c0c07398f}",
        "urn:uuid:017f22e2-79b0-7cc3-98c4-dc0c0c07398f",
        "017f22e2-79b0-7cc3-98c4-dc0c0c07398",  # one digit short
        "017f22e2-79b0-7cc3-98c4-dc0c0c07398f0",  # one digit long
        " 017f22e2-79b0-7cc3-98c4-dc0c0c07398f",
        "017f22e2-79b0-7cc3-98c4-dc0c0c07398f ",
        "017f22e2-79b0-7cc3-98c4-dc0c0c07398f\n",  # a trailing newline is not canonical either
        "017g22e2-79b0-7cc3-98c4-dc0c0c07398f",
        "",
        "household-1",
    ],
)
def test_is_record_id_refuses_other_text(value: str) -> None:
    assert not is_record_id(value)


@pytest.mark.parametrize(
    "value",
    [
        None,
        0,
        uuid.UUID("017f22e2-79b0-7cc3-98c4-dc0c0c07398f"),
        b"017f22e2-79b0-7cc3-98c4-dc0c0c07398f",
        ["017f22e2-79b0-7cc3-98c4-dc0c0c07398f"],
    ],
)
def test_is_record_id_refuses_non_strings(value: object) -> None:
    assert not is_record_id(value)


_near_uuids = st.one_of(
    st.text(max_size=40),
    st.uuids().map(str),
    st.uuids().map(lambda u: str(u).upper()),
    st.builds(
        lambda pre, u, suf: pre + str(u) + suf,
        st.text(max_size=2),
        st.uuids(),
        st.one_of(st.text(max_size=2), st.sampled_from(["\n", " ", "0", "}"])),
    ),
)


@given(_near_uuids)
@example("017f22e2-79b0-7cc3-98c4-dc0c0c07398f\n")
def test_is_record_id_agrees_with_the_uuid_module(text: str) -> None:
    """A record id is exactly a string that round-trips through uuid.UUID unchanged."""
    try:
        canonical = str(uuid.UUID(text)) == text
    except ValueError:
        canonical = False
    assert is_record_id(text) == canonical


def test_ids_made_one_after_another_sort_in_that_order() -> None:
    # Thousands within a few milliseconds: most share their millisecond with others.
    made = [new_id() for _ in range(20_000)]
    assert made == sorted(made) and len(set(made)) == len(made)
    assert all(is_record_id(i) and uuid.UUID(i).version == 7 for i in made)
