"""The version headers every sync request carries, and how they are compared.

`X-Marugoto-Schema` is the sync protocol's schema (this server speaks 1); `X-Marugoto-App` is
the desktop app's version, e.g. `0.1.0` or `0.2.0-rc1` (a suffix does not count in
comparisons).
"""

from __future__ import annotations

import re

SCHEMA_HEADER = "X-Marugoto-Schema"
APP_HEADER = "X-Marugoto-App"
SCHEMA_VERSION = 1
SCHEMA_PATTERN = r"^[0-9]{1,4}$"
APP_VERSION_PATTERN = r"^[0-9]{1,6}(\.[0-9]{1,6}){1,3}([-+][0-9A-Za-z.+-]{1,64})?$"
_APP_VERSION_RE = re.compile(APP_VERSION_PATTERN)


def parse_app_version(text: str) -> tuple[int, ...]:
    """(major, minor, patch, build) of a version string; raises ValueError if malformed."""
    if not _APP_VERSION_RE.fullmatch(text):
        raise ValueError(f"malformed app version {text!r}")
    numbers = re.split(r"[-+]", text, maxsplit=1)[0].split(".")
    return tuple(int(n) for n in numbers) + (0,) * (4 - len(numbers))


def parse_schema_version(text: str) -> int:
    if not re.fullmatch(SCHEMA_PATTERN, text):
        raise ValueError(f"malformed schema version {text!r}")
    return int(text)
