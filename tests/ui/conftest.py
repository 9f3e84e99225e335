"""Qt fixtures: isolated QSettings, the bundled font and the Japanese translation."""

from __future__ import annotations

import os

# Headless everywhere (CI, a developer's ssh session): set before Qt is first imported.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from marugoto_desktop.ui.app import create_application


@pytest.fixture(autouse=True)
def _fresh_settings(tmp_path, monkeypatch):
    # The private print folder lives under the runtime (or cache) folder: the test's own.
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "run"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qs"))
    yield
    QSettings().clear()


@pytest.fixture(scope="session")
def qapp_cls():
    return QApplication


@pytest.fixture(scope="session")
def qapp(qapp_args):
    return create_application(qapp_args or ["marugoto-test"])


@pytest.fixture(autouse=True)
def _no_background_work_left():
    """Every operation a test started has ended before the next test (and its tmp_path) starts."""
    yield
    from marugoto_desktop.ui.background import wait_for_background

    assert wait_for_background(30_000)
