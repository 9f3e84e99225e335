"""The few words of the city's organisation the server knows: area codes and roles.

The server replicates generic records and must not import the desktop app, so the area codes
are repeated here from DESIGN §3 (the desktop's are in marugoto_desktop.domain.vocabularies);
tests/sync/server/test_vocabulary.py fails when the two differ.
"""

from __future__ import annotations

import re
from typing import Literal, get_args

AreaCode = Literal["honcho", "mure", "shoga", "yamada", "busshozan", "kokubunji", "kagawa"]
AREAS: tuple[str, ...] = get_args(AreaCode)

# Login names: ASCII, so they read the same in every terminal and log.
USER_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"

Role = Literal["consultant", "supervisor", "admin"]
ROLES: tuple[str, ...] = get_args(Role)


class UnknownCode(ValueError):
    """An area code or role that is not one of the city's."""


def checked_areas(codes: list[str] | tuple[str, ...]) -> list[str]:
    """The area codes, sorted and without repeats; refuses any that is not the city's."""
    unknown = sorted({c for c in codes if c not in AREAS})
    if unknown:
        raise UnknownCode(
            f"unknown area code {', '.join(unknown)} (the areas are {', '.join(AREAS)})"
        )
    return sorted(set(codes))


def checked_user_name(name: str) -> str:
    if not re.fullmatch(USER_NAME_PATTERN, name):
        raise UnknownCode(
            f"{name!r} cannot be a user name: use 1 to 64 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return name


def checked_role(role: str) -> str:
    if role not in ROLES:
        raise UnknownCode(f"unknown role {role!r} (the roles are {', '.join(ROLES)})")
    return role
