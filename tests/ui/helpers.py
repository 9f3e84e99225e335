"""Driving the window as a person would: keys, and text committed by an input method."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWidget


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def ime_commit(widget: QWidget, text: str, composing: str = "") -> None:
    """What an IME sends: the reading while composing, then the chosen text."""
    if composing:
        QApplication.sendEvent(widget, QInputMethodEvent(composing, []))
    commit = QInputMethodEvent()
    commit.setCommitString(text)
    QApplication.sendEvent(widget, commit)


class Keyboard:
    """Counts the person's actions: a key chord is one, typing one field's text is one."""

    def __init__(self, qtbot) -> None:
        self.qtbot = qtbot
        self.actions: list[str] = []

    def key(self, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
        self.actions.append(f"{modifier.name}+{key.name}")
        self.qtbot.keyClick(focused(), key, modifier)

    def type(self, text: str, composing: str = "") -> None:
        """Japanese text through the IME (QTest knows only ASCII keys)."""
        self.actions.append(f"type {text}")
        ime_commit(focused(), text, composing)
