"""Properties of blob encryption: round trip, padding, binding to its place, tamper evidence."""

from __future__ import annotations

import os

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from hypothesis import given
from hypothesis import strategies as st

from marugoto_desktop.vault import VaultCorrupted
from marugoto_desktop.vault.crypto import (
    BLOB_OVERHEAD,
    BODY_FLOOR,
    FINE_FROM,
    PAD_FLOOR,
    DataKey,
    padded_size,
    place,
)

KEY = DataKey(bytes(range(32)))
places = st.builds(place, st.sampled_from(["records", "outbox"]), st.uuids().map(str), st.text())


@given(plaintext=st.binary(max_size=4096), aad=places)
def test_round_trip(plaintext: bytes, aad: bytes) -> None:
    blob = KEY.seal(plaintext, aad)
    assert KEY.open(blob, aad) == plaintext
    assert plaintext not in blob[13:] or len(plaintext) < 4  # ciphertext, not a copy


@given(value=st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=20,
))  # fmt: skip
def test_json_round_trip(value: object) -> None:
    aad = place("records", "x", "body")
    assert KEY.open_json(KEY.seal_json(value, aad), aad) == value


@given(plaintext=st.binary(max_size=256), aad=places, other=places)
def test_a_blob_opens_only_in_its_own_place(plaintext: bytes, aad: bytes, other: bytes) -> None:
    blob = KEY.seal(plaintext, aad)
    if other != aad:
        with pytest.raises(VaultCorrupted):
            KEY.open(blob, other)


@given(plaintext=st.binary(max_size=256), data=st.data())
def test_any_flipped_bit_is_detected(plaintext: bytes, data: st.DataObject) -> None:
    aad = place("records", "r", "body")
    blob = bytearray(KEY.seal(plaintext, aad))
    index = data.draw(st.integers(0, len(blob) - 1))
    blob[index] ^= 1 << data.draw(st.integers(0, 7))
    with pytest.raises(VaultCorrupted):
        KEY.open(bytes(blob), aad)


def test_a_different_key_cannot_open() -> None:
    aad = place("records", "r", "body")
    with pytest.raises(VaultCorrupted):
        DataKey.generate().open(KEY.seal(b"secret", aad), aad)


def test_nonces_are_fresh() -> None:
    aad = place("records", "r", "body")
    blobs = {KEY.seal(b"same", aad) for _ in range(100)}
    assert len(blobs) == 100


floors = st.sampled_from([PAD_FLOOR, BODY_FLOOR])


@given(plaintext=st.binary(max_size=3 * FINE_FROM), floor=floors, aad=places)
def test_a_blobs_length_is_its_bucket_and_nothing_else(plaintext, floor, aad) -> None:
    blob = KEY.seal(plaintext, aad, floor)
    assert len(blob) == padded_size(len(plaintext), floor) + BLOB_OVERHEAD
    assert KEY.open(blob, aad) == plaintext


@given(first=st.binary(max_size=2 * FINE_FROM), second=st.binary(max_size=2 * FINE_FROM),
       floor=floors)  # fmt: skip
def test_plaintexts_of_one_bucket_give_blobs_of_one_length(first, second, floor) -> None:
    aad = place("records", "r", "body")
    same_bucket = padded_size(len(first), floor) == padded_size(len(second), floor)
    assert (len(KEY.seal(first, aad, floor)) == len(KEY.seal(second, aad, floor))) == same_bucket


@given(length=st.integers(0, 1 << 20), floor=floors)
def test_buckets_are_few_and_cost_a_bounded_overhead(length: int, floor: int) -> None:
    size = padded_size(length, floor)
    assert size > length  # room for the 0x80 mark
    if size > FINE_FROM:
        assert size <= 1.25 * (length + 1)  # long text: at most a quarter more
    else:
        assert size == floor or size < 2 * (length + 1)
        assert size in {floor << k for k in range(6)}  # doubling from the floor


def test_everything_up_to_1_kib_looks_alike() -> None:
    assert {padded_size(n) for n in range(PAD_FLOOR)} == {PAD_FLOOR}
    assert {padded_size(n, BODY_FLOOR) for n in range(BODY_FLOOR)} == {BODY_FLOOR}


def _raw_blob(version: int, plaintext: bytes, aad: bytes) -> bytes:
    """A blob sealed by hand with the right key, as an older or broken writer would."""
    nonce = os.urandom(12)
    header = bytes([version])
    return header + nonce + AESGCM(KEY.raw).encrypt(nonce, plaintext, header + aad)


def test_padding_without_its_mark_is_refused() -> None:
    aad = place("records", "r", "body")
    with pytest.raises(VaultCorrupted, match="padding"):
        KEY.open(_raw_blob(2, b'{"a":1}' + bytes(249), aad), aad)
    with pytest.raises(VaultCorrupted, match="padding"):
        KEY.open(_raw_blob(2, bytes(256), aad), aad)


def test_an_unpadded_blob_is_read_only_by_the_migration() -> None:
    aad = place("records", "r", "body")
    old = _raw_blob(1, b'{"a":1}', aad)
    with pytest.raises(VaultCorrupted, match="malformed"):
        KEY.open(old, aad)
    assert KEY.open(old, aad, legacy=True) == b'{"a":1}'
