"""How the window program starts: the timing switch, and a broken machine policy."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox

from marugoto_desktop import policy
from marugoto_desktop.ui import app as app_module


def safety_timer() -> QTimer:
    """Ends a run that would hang; stopped after the run (it would end a later test's loops)."""
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(lambda: QCoreApplication.exit(99))
    timer.start(20_000)
    return timer


def close_windows() -> None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMainWindow):
            widget.close()
            widget.deleteLater()


def test_quit_when_shown_ends_once_the_unlock_page_is_drawn(qapp, tmp_path: Path) -> None:
    timer = safety_timer()
    try:
        assert app_module.run(tmp_path / "vault", quit_when_shown=True) == 0
    finally:
        timer.stop()
        close_windows()


def test_a_broken_policy_stops_the_window_program_and_says_why(
    qapp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "policy.toml"
    broken.write_text("server_url = 'http://plain.example'\n", encoding="utf-8")
    monkeypatch.setattr(policy, "machine_policy_file", lambda: broken)
    policy.machine_policy.cache_clear()
    shown: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        shown.append(box.text())
        box.done(0)

    windows = set(QApplication.topLevelWidgets())
    QTimer.singleShot(0, answer)
    timer = safety_timer()
    try:
        assert app_module.run(tmp_path / "vault") == 1
        opened = set(QApplication.topLevelWidgets()) - windows
        assert not any(isinstance(w, QMainWindow) for w in opened)
    finally:
        timer.stop()
        close_windows()
    assert "情報システム担当" in shown[0] and "server_url" in shown[0]
