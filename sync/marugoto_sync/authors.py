"""Who wrote the changes of a pulled page, as the server names them: site -> the user's login
name and the device's name (server/storage/authors.py). A laptop keeps them to say who wrote
each side of a conflict; a change itself carries only its site."""

from __future__ import annotations

from typing import Any

from .changes import SITE_RE

# The longest names the server stores (users.name, devices.name), with room to spare.
MAX_NAME = 200

Authors = dict[str, dict[str, str]]


def read_authors(obj: Any) -> Authors:
    """The `authors` of a pull answer, checked (ValueError); absent (an older server): {}."""
    if obj is None:
        return {}
    if not isinstance(obj, dict):
        raise ValueError("authors: not an object")
    found: Authors = {}
    for site, author in obj.items():
        if not isinstance(site, str) or not SITE_RE.fullmatch(site):
            raise ValueError(f"authors: {site!r} is not a site")
        if not isinstance(author, dict):
            raise ValueError(f"authors of {site}: not an object")
        names = {key: author.get(key) for key in ("user", "device")}
        for key, name in names.items():
            if not isinstance(name, str) or not 0 < len(name) <= MAX_NAME:
                raise ValueError(f"authors of {site}: {key} is not a name")
        found[site] = {"user": str(names["user"]), "device": str(names["device"])}
    return found
