"""What the machine policy fixes shows as fixed: the server and CA filled in and read-only,
the idle lock no longer than IT allows."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from marugoto_desktop import policy
from marugoto_desktop.platform_paths import default_vault_dir
from marugoto_desktop.ui.background import Busy, Runner
from marugoto_desktop.ui.policy_fields import set_by_it
from marugoto_desktop.ui.session import Session, auto_lock_minutes
from marugoto_desktop.ui.settings_page import SettingsPage
from marugoto_desktop.ui.unlock import FirstRunPage

SERVER = "https://sync.city.example.lg.jp"


@pytest.fixture
def it_policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "policy.toml"
    ca = tmp_path / "city-ca.pem"
    path.write_text(
        f"server_url = '{SERVER}'\nca_file = '{ca}'\nauto_lock_minutes = 10\n", encoding="utf-8"
    )
    monkeypatch.setattr(policy, "machine_policy_file", lambda: path)
    policy.machine_policy.cache_clear()
    return ca


def test_first_run_offers_the_per_user_data_folder(qtbot):
    page = FirstRunPage(Runner(Busy()))
    qtbot.addWidget(page)
    assert page.folder.text() == str(default_vault_dir())
    assert not page.server.isReadOnly()  # no policy: the person types the server


def test_first_run_takes_the_server_and_ca_from_the_policy(qtbot, it_policy):
    page = FirstRunPage(Runner(Busy()))
    qtbot.addWidget(page)
    assert page.server.text() == SERVER and page.server.isReadOnly()
    assert page.ca_file.text() == str(it_policy) and page.ca_file.isReadOnly()
    assert page.server.toolTip() == set_by_it() != ""


def test_the_idle_lock_is_never_longer_than_the_policy(qtbot, it_policy):
    QSettings().setValue("security/auto_lock_minutes", 60)
    assert auto_lock_minutes() == 10
    QSettings().setValue("security/auto_lock_minutes", 3)
    assert auto_lock_minutes() == 3
    page = SettingsPage(Session())
    qtbot.addWidget(page)
    assert page.auto_lock.maximum() == 10
