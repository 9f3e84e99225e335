"""The machine-wide policy IT places on a laptop: what a person cannot change for themselves.

One TOML file at platform_paths.policy_path() (C:\\ProgramData\\marugoto-desktop\\policy.toml,
/etc/marugoto-desktop/policy.toml, /Library/Application Support/marugoto-desktop/policy.toml):

    # the only server this laptop enrols and syncs with
    server_url = "https://marugoto.city.takamatsu.lg.jp"
    # the CA every sync trusts besides the OS's store (replaces the person's choice)
    ca_file = 'C:\\ProgramData\\marugoto-desktop\\city-ca.pem'
    # the longest idle time before the vault locks (a person may choose a shorter one)
    auto_lock_minutes = 5

Every key is optional. A file that is there but wrong (bad TOML, an unknown key, a value of the
wrong kind) is an error, never ignored: a typo must not quietly lift a rule IT meant to impose.
No environment variable or user setting can point elsewhere (docs/packaging.md says why).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from . import platform_paths

MAX_AUTO_LOCK_MINUTES = 120
KEYS = ("server_url", "ca_file", "auto_lock_minutes")


class PolicyInvalid(ValueError):
    """The policy file is there but cannot be applied. `problem` is a code, `key` the key."""

    def __init__(self, path: Path, problem: str, key: str | None = None, detail: str = "") -> None:
        self.path, self.problem, self.key, self.detail = path, problem, key, detail
        where = f"{path}" + (f": {key}" if key else "")
        why = f"{problem}: {detail}" if detail else problem
        super().__init__(f"the machine policy {where} is invalid ({why})")


@dataclass(frozen=True)
class Policy:
    """What IT fixed; None where the policy says nothing (the person chooses)."""

    source: Path | None = None
    server_url: str | None = None
    ca_file: Path | None = None
    auto_lock_minutes: int | None = None

    @property
    def empty(self) -> bool:
        return self.server_url is None and self.ca_file is None and self.auto_lock_minutes is None

    def lock_minutes(self, chosen: int) -> int:
        """The idle minutes that apply: the person's choice, never longer than the policy's."""
        chosen = max(1, chosen)
        return chosen if self.auto_lock_minutes is None else min(chosen, self.auto_lock_minutes)

    def server_allowed(self, server: str) -> bool:
        return self.server_url is None or same_server(server, self.server_url)


def same_server(a: str, b: str) -> bool:
    """The same address, whatever the case of the host or a trailing slash."""

    def norm(url: str) -> tuple[str, str, int | None, str]:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
        return (parts.scheme.lower(), host, parts.port, parts.path.rstrip("/"))

    return norm(a) == norm(b)


def load_policy(path: Path) -> Policy:
    """The policy in `path`; an empty Policy when there is no such file."""
    try:
        # utf-8-sig: Notepad and PowerShell 5.1's Set-Content -Encoding UTF8 write a BOM
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        return Policy()
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyInvalid(path, "unreadable", detail=str(exc)) from exc
    except tomllib.TOMLDecodeError as exc:
        raise PolicyInvalid(path, "not_toml", detail=str(exc)) from exc
    return _parse(path, data)


def _parse(path: Path, data: dict[str, Any]) -> Policy:
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        raise PolicyInvalid(path, "unknown_key", unknown[0])
    server = data.get("server_url")
    if server is not None and (
        not isinstance(server, str)
        or urlsplit(server).scheme != "https"
        or not urlsplit(server).hostname
    ):
        raise PolicyInvalid(path, "not_https_url", "server_url", repr(server))
    ca = data.get("ca_file")
    ca_file: Path | None = None
    if ca is not None:
        if not isinstance(ca, str) or not Path(ca).is_absolute():
            raise PolicyInvalid(path, "not_absolute_path", "ca_file", repr(ca))
        ca_file = Path(ca)
    minutes = data.get("auto_lock_minutes")
    if minutes is not None and (
        isinstance(minutes, bool)
        or not isinstance(minutes, int)
        or not 1 <= minutes <= MAX_AUTO_LOCK_MINUTES
    ):
        raise PolicyInvalid(path, "not_minutes", "auto_lock_minutes", repr(minutes))
    return Policy(path, server, ca_file, minutes)


def machine_policy_file() -> Path:
    return platform_paths.policy_path()


@cache
def machine_policy() -> Policy:
    """The policy of this machine, read once per process (IT changes it between runs)."""
    return load_policy(machine_policy_file())
