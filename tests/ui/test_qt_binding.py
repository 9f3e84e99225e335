"""The Qt binding keeps Python's books: a call that returns nothing hands back None with its
reference. PySide6 6.12.0 on Python 3.11 does not, and every such call takes one reference
from None until Python aborts ("deallocating None") — opening a vault of 10,000 households
did, building the meeting form's household list. (From Python 3.12 None is immortal.)"""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QListWidgetItem

CALLS = 10_000


def test_calls_that_return_nothing_leave_none_alone(qapp):
    label, item = QLabel(), QListWidgetItem("x")
    before = sys.getrefcount(None)
    for _ in range(CALLS):
        label.setText("あ")
        item.setData(Qt.ItemDataRole.UserRole, "v")
    # (a few references come and go meanwhile; CALLS lost ones would show as -2 * CALLS)
    assert sys.getrefcount(None) - before > -100
