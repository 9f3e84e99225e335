"""Key slots: the data key wrapped for each way of opening the vault (DESIGN §4).

- The passphrase slot wraps the data key with a key derived by Argon2id. Its parameters are
  stored beside it and are part of the associated data, so editing them (a downgrade) makes
  unwrapping fail; parameters below the floor are refused before any work is done.
- The recovery slot seals the data key to the office's X25519 public key (ephemeral X25519 +
  HKDF-SHA256 + AES-256-GCM). Only the office's private key, which never touches a laptop,
  can open it.
Changing the passphrase rewrites the passphrase slot only; data blobs are never touched.
"""

from __future__ import annotations

import base64
import json
import os
import time
from dataclasses import asdict, dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .crypto import KEY_BYTES, NONCE_BYTES
from .errors import VaultCorrupted, WrongPassphrase

MIN_MEMORY_KIB = 64 * 1024
MIN_ITERATIONS = 3
MAX_ITERATIONS = 64
DEFAULT_LANES = 4
TARGET_SECONDS = 0.5
SALT_BYTES = 16
RECOVERY_INFO = b"marugoto-vault recovery slot v1"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


@dataclass(frozen=True)
class KdfParams:
    """Argon2id parameters of a passphrase slot."""

    memory_kib: int = MIN_MEMORY_KIB
    iterations: int = MIN_ITERATIONS
    lanes: int = DEFAULT_LANES

    def check(self) -> None:
        if self.memory_kib < MIN_MEMORY_KIB or self.iterations < MIN_ITERATIONS:
            raise VaultCorrupted(
                "passphrase slot parameters are below the minimum (64 MiB, 3 passes): "
                "the slot has been tampered with"
            )
        if self.iterations > MAX_ITERATIONS or self.memory_kib > 4 * 1024 * 1024:
            raise VaultCorrupted("passphrase slot parameters are out of range")
        if not 1 <= self.lanes <= 16:
            raise VaultCorrupted("passphrase slot parameters are out of range")

    def derive(self, passphrase: str, salt: bytes) -> bytes:
        self.check()
        kdf = Argon2id(
            salt=salt,
            length=KEY_BYTES,
            iterations=self.iterations,
            lanes=self.lanes,
            memory_cost=self.memory_kib,
        )
        return kdf.derive(passphrase.encode("utf-8"))


def calibrate(target_seconds: float = TARGET_SECONDS) -> KdfParams:
    """Parameters that take about `target_seconds` on this machine (never below the floor)."""
    probe = KdfParams()
    start = time.perf_counter()
    probe.derive("calibration", os.urandom(SALT_BYTES))
    elapsed = max(time.perf_counter() - start, 1e-3)
    iterations = round(MIN_ITERATIONS * target_seconds / elapsed)
    return KdfParams(iterations=min(max(iterations, MIN_ITERATIONS), MAX_ITERATIONS))


def _slot_aad(vault_id: str, slot_id: str, params: dict[str, Any]) -> bytes:
    canonical = json.dumps(params, sort_keys=True, separators=(",", ":"))
    return f"marugoto-vault/key_slots/{vault_id}/{slot_id}/{canonical}".encode()


@dataclass(frozen=True)
class Slot:
    """One stored key slot: public parameters and the wrapped data key."""

    slot_id: str
    kind: str
    params: dict[str, Any]
    wrapped: bytes


def passphrase_slot(vault_id: str, dek: bytes, passphrase: str, kdf: KdfParams) -> Slot:
    if not passphrase:
        raise ValueError("the passphrase must not be empty")
    salt = os.urandom(SALT_BYTES)
    params = {"kdf": "argon2id", "salt": _b64(salt), **asdict(kdf)}
    kek = kdf.derive(passphrase, salt)
    nonce = os.urandom(NONCE_BYTES)
    wrapped = nonce + AESGCM(kek).encrypt(nonce, dek, _slot_aad(vault_id, "passphrase", params))
    return Slot("passphrase", "passphrase", params, wrapped)


def open_passphrase_slot(vault_id: str, slot: Slot, passphrase: str) -> bytes:
    params = slot.params
    try:
        kdf = KdfParams(
            memory_kib=int(params["memory_kib"]),
            iterations=int(params["iterations"]),
            lanes=int(params["lanes"]),
        )
        salt = _unb64(params["salt"])
        if params.get("kdf") != "argon2id":
            raise VaultCorrupted("unknown key derivation in the passphrase slot")
    except (KeyError, ValueError, TypeError) as exc:
        raise VaultCorrupted(f"unreadable passphrase slot: {exc}") from None
    kek = kdf.derive(passphrase, salt)
    nonce, body = slot.wrapped[:NONCE_BYTES], slot.wrapped[NONCE_BYTES:]
    try:
        return AESGCM(kek).decrypt(nonce, body, _slot_aad(vault_id, slot.slot_id, params))
    except InvalidTag:
        # A wrong passphrase and edited parameters look the same here; the floor check above
        # already refused any weakening, so the likely cause is the passphrase.
        raise WrongPassphrase("wrong passphrase") from None


def _raw_public(key: X25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _recovery_key(shared: bytes, ephemeral: bytes, office: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=KEY_BYTES, salt=ephemeral + office, info=RECOVERY_INFO
    ).derive(shared)


def recovery_slot(vault_id: str, dek: bytes, office_public: X25519PublicKey) -> Slot:
    ephemeral = X25519PrivateKey.generate()
    eph_raw = _raw_public(ephemeral.public_key())
    office_raw = _raw_public(office_public)
    key = _recovery_key(ephemeral.exchange(office_public), eph_raw, office_raw)
    params = {"kem": "x25519-hkdf-sha256", "ephemeral": _b64(eph_raw), "office": _b64(office_raw)}
    nonce = os.urandom(NONCE_BYTES)
    wrapped = nonce + AESGCM(key).encrypt(nonce, dek, _slot_aad(vault_id, "recovery", params))
    return Slot("recovery", "recovery", params, wrapped)


def open_recovery_slot(vault_id: str, slot: Slot, office_private: X25519PrivateKey) -> bytes:
    office_raw = _raw_public(office_private.public_key())
    try:
        eph_raw = _unb64(slot.params["ephemeral"])
        if _unb64(slot.params["office"]) != office_raw:
            raise WrongPassphrase("this recovery key is not the one the vault was sealed to")
        ephemeral = X25519PublicKey.from_public_bytes(eph_raw)
    except (KeyError, ValueError) as exc:
        raise VaultCorrupted(f"unreadable recovery slot: {exc}") from None
    key = _recovery_key(office_private.exchange(ephemeral), eph_raw, office_raw)
    nonce, body = slot.wrapped[:NONCE_BYTES], slot.wrapped[NONCE_BYTES:]
    try:
        return AESGCM(key).decrypt(nonce, body, _slot_aad(vault_id, slot.slot_id, slot.params))
    except InvalidTag:
        raise VaultCorrupted("the recovery slot failed its integrity check") from None


def generate_office_key() -> tuple[bytes, bytes]:
    """A new office recovery key pair as (private PEM, public PEM)."""
    private = X25519PrivateKey.generate()
    private_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private_pem, public_pem


def load_office_public(pem: bytes) -> X25519PublicKey:
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, X25519PublicKey):
        raise ValueError("not an X25519 public key")
    return key


def load_office_private(pem: bytes) -> X25519PrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, X25519PrivateKey):
        raise ValueError("not an X25519 private key")
    return key
