"""Shared fixtures: a fresh vault in tmp_path, isolated user folders, fast-but-real KDF."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from marugoto_desktop import policy
from marugoto_desktop.vault import KdfParams, Vault, keyslots

PASSPHRASE = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Nothing a test does may touch the real user's settings or folders."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.delenv("MARUGOTO_PASSPHRASE", raising=False)
    monkeypatch.delenv("MARUGOTO_NEW_PASSPHRASE", raising=False)


@pytest.fixture(autouse=True)
def _no_machine_policy(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """No test reads this machine's own policy file; tests that want one write their own."""
    missing = tmp_path_factory.mktemp("etc") / "policy.toml"
    monkeypatch.setattr(policy, "machine_policy_file", lambda: missing)
    policy.machine_policy.cache_clear()
    yield
    policy.machine_policy.cache_clear()


@pytest.fixture(autouse=True)
def _minimum_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """Calibration aims at 0.5 s per unlock; tests use the floor (64 MiB, 3 passes) instead."""
    monkeypatch.setattr(keyslots, "calibrate", lambda target_seconds=0.5: KdfParams())


@pytest.fixture
def vault_dir(tmp_path: Path) -> Path:
    return tmp_path / "vault"


@pytest.fixture
def vault(vault_dir: Path) -> Iterator[Vault]:
    v = Vault.create(vault_dir, PASSPHRASE, kdf=KdfParams())
    yield v
    v.close()
