"""The replica works through the vault's row API only (docs/architecture.md, issue 9)."""

from __future__ import annotations

import ast
from pathlib import Path

import marugoto_desktop.vault.replica as replica

SOURCE = Path(replica.__file__).read_text(encoding="utf-8")


def test_the_replica_touches_no_private_member_of_the_vault() -> None:
    tree = ast.parse(SOURCE)
    private = [
        f"line {node.lineno}: {ast.unparse(node)}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr.startswith("_")
        and not node.attr.startswith("__")
        # Its own members (self, or cls in a class method) are the replica's, not the vault's.
        and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))
    ]
    assert private == []


def test_the_replica_holds_no_sql() -> None:
    tree = ast.parse(SOURCE)
    calls = [
        f"line {node.lineno}: {ast.unparse(node)}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in {"execute", "executemany"}
    ]
    assert calls == []
    for word in ("SELECT ", "INSERT ", "UPDATE ", "DELETE "):
        assert word not in SOURCE
