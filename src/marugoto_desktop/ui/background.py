"""Running operations off the GUI thread (Anki's aqt/operations pattern).

A `BackgroundOperation` runs a plain function in Qt's thread pool and reports back through
signals, which Qt delivers on the GUI thread; widgets are touched only in those callbacks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class _Signals(QObject):
    succeeded = Signal(object)
    failed = Signal(object)


class BackgroundOperation(QRunnable):
    def __init__(self, work: Callable[[], Any]) -> None:
        super().__init__()
        self._work = work
        self.signals = _Signals()

    def run(self) -> None:
        try:
            result = self._work()
        except Exception as exc:  # reported to the GUI, which shows it plainly
            self.signals.failed.emit(exc)
        else:
            self.signals.succeeded.emit(result)


def run_in_background(
    work: Callable[[], Any],
    on_success: Callable[[Any], None],
    on_failure: Callable[[Exception], None],
) -> BackgroundOperation:
    operation = BackgroundOperation(work)
    operation.signals.succeeded.connect(on_success)
    operation.signals.failed.connect(on_failure)
    QThreadPool.globalInstance().start(operation)
    return operation
