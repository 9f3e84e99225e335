"""Device tokens: shown to the device once, stored by the server only as a SHA-256 digest.

A token is 32 random bytes, so a plain (unsalted, fast) digest is enough: there is nothing to
guess, and a stolen database does not let anyone act as a device.
"""

from __future__ import annotations

import hashlib
import secrets


def new_device_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
