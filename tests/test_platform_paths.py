"""Where a person's data and IT's policy live on each system (platformdirs' conventions)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from marugoto_desktop import platform_paths as pp


def test_windows_keeps_data_in_local_app_data_never_roaming() -> None:
    env = {
        "LOCALAPPDATA": r"C:\Users\kondo\AppData\Local",
        "APPDATA": r"C:\Users\kondo\AppData\Roaming",
        "ProgramData": r"C:\ProgramData",
    }
    assert str(pp.user_data_dir("win32", env)) == r"C:\Users\kondo\AppData\Local\marugoto-desktop"
    assert str(pp.default_vault_dir("win32", env)).endswith(r"Local\marugoto-desktop\vault")
    assert str(pp.policy_path("win32", env)) == r"C:\ProgramData\marugoto-desktop\policy.toml"


def test_a_persons_program_data_variable_does_not_move_the_policy() -> None:
    # A variable of the person's own environment wins over the system's on Windows: the
    # policy's folder is asked of Windows, never read from it.
    env = {"ProgramData": r"C:\Users\kondo\mine", "PROGRAMDATA": r"D:\elsewhere"}
    assert str(pp.policy_path("win32", env)) == r"C:\ProgramData\marugoto-desktop\policy.toml"


def test_windows_without_local_app_data_uses_the_profile() -> None:
    env = {"USERPROFILE": r"C:\Users\kondo"}
    assert str(pp.user_data_dir("win32", env)) == r"C:\Users\kondo\AppData\Local\marugoto-desktop"
    assert str(pp.machine_config_dir("win32", env)) == r"C:\ProgramData\marugoto-desktop"


def test_linux_follows_xdg_data_home() -> None:
    home = {"HOME": "/home/kondo"}
    assert pp.user_data_dir("linux", home) == Path("/home/kondo/.local/share/marugoto-desktop")
    env = {**home, "XDG_DATA_HOME": "/data/kondo"}
    assert pp.user_data_dir("linux", env) == Path("/data/kondo/marugoto-desktop")
    relative = {**home, "XDG_DATA_HOME": "relative/dir"}  # invalid by the spec: ignored
    assert pp.user_data_dir("linux", relative) == Path("/home/kondo/.local/share/marugoto-desktop")
    assert pp.demo_vault_dir("linux", home) == Path(
        "/home/kondo/.local/share/marugoto-desktop/demo"
    )


def test_macos_application_support() -> None:
    home = {"HOME": "/Users/kondo"}
    assert pp.user_data_dir("darwin", home) == Path(
        "/Users/kondo/Library/Application Support/marugoto-desktop"
    )
    assert pp.policy_path("darwin", home) == Path(
        "/Library/Application Support/marugoto-desktop/policy.toml"
    )


def test_no_variable_a_person_sets_moves_the_linux_policy() -> None:
    env = {"HOME": "/home/kondo", "XDG_CONFIG_DIRS": "/home/kondo/x", "XDG_CONFIG_HOME": "/tmp"}
    assert pp.policy_path("linux", env) == Path("/etc/marugoto-desktop/policy.toml")


def test_from_source_there_is_no_program_folder() -> None:
    assert pp.executable_dir() is None


def test_frozen_the_data_folder_is_not_beside_the_program(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", "/opt/marugoto-desktop/marugoto-desktop")
    assert pp.executable_dir() == Path("/opt/marugoto-desktop")
    assert not pp.user_data_dir().is_relative_to(Path("/opt/marugoto-desktop"))
