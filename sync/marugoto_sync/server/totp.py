"""One-time codes from an authenticator app (TOTP, RFC 6238), asked at enrollment of the users
the office set them up for (`marugoto-sync user totp`).

SHA-1, 6 digits, 30-second steps: what every authenticator app reads from an otpauth:// URI
without asking. A code is accepted one step either side of the server's clock (a phone a little
off, a code typed as it turned over), and each step at most once per user: the step of an
accepted code is remembered (storage), so a code seen over a shoulder or replayed from a
captured request opens nothing.
"""

from __future__ import annotations

import base64
import hmac
import math
import os
import re

from cryptography.hazmat.primitives.hashes import SHA1
from cryptography.hazmat.primitives.twofactor.totp import TOTP

DIGITS = 6
STEP_S = 30
# Steps either side of the server's clock a code is accepted for.
WINDOW = 1
# 160 bits, the length RFC 4226 recommends for an HMAC-SHA-1 key.
SECRET_BYTES = 20
ISSUER = "marugoto"
CODE_PATTERN = rf"^[0-9]{{{DIGITS}}}$"
_CODE_RE = re.compile(CODE_PATTERN)


def new_secret() -> str:
    """A new random secret, as the base32 text an authenticator app takes (no padding)."""
    return base64.b32encode(os.urandom(SECRET_BYTES)).decode("ascii").rstrip("=")


def _key(secret: str) -> bytes:
    padding = "=" * (-len(secret) % 8)
    return base64.b32decode(secret.upper() + padding)


def _totp(secret: str, digits: int = DIGITS) -> TOTP:
    # HMAC-SHA-1 is RFC 6238's default and what every app takes; SHA-1's collisions do not
    # weaken an HMAC.
    return TOTP(_key(secret), digits, SHA1(), STEP_S)  # noqa: S303


def step_at(unix_s: float) -> int:
    """The 30-second step a moment falls in (RFC 6238's T)."""
    return math.floor(unix_s / STEP_S)


def code_at(secret: str, unix_s: float, digits: int = DIGITS) -> str:
    """The code an authenticator app shows at `unix_s`."""
    return _totp(secret, digits).generate(step_at(unix_s) * STEP_S).decode("ascii")


def matching_step(secret: str, code: str, unix_s: float, after_step: int | None) -> int | None:
    """The step within the window around `unix_s` whose code `code` is, and which comes after
    `after_step` (the last step used), or None. Every candidate is compared in constant time."""
    if not _CODE_RE.fullmatch(code):
        return None
    totp, now = _totp(secret), step_at(unix_s)
    found = None
    for step in range(now - WINDOW, now + WINDOW + 1):
        expected = totp.generate(step * STEP_S)
        if hmac.compare_digest(expected, code.encode("ascii")) and (
            after_step is None or step > after_step
        ):
            found = step
    return found


def provisioning_uri(secret: str, user: str) -> str:
    """The otpauth:// URI an authenticator app reads (as a QR code, or typed in)."""
    return _totp(secret).get_provisioning_uri(user, ISSUER)
