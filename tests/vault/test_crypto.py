"""Properties of blob encryption: round trip, binding to its place, tamper evidence."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marugoto_desktop.vault import VaultCorrupted
from marugoto_desktop.vault.crypto import DataKey, place

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
