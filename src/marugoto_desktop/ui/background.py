"""Running operations off the GUI thread (Anki's aqt/operations pattern).

A `BackgroundOperation` runs a plain function in Qt's thread pool and reports back through
signals, which Qt delivers on the GUI thread; widgets are touched only in those callbacks.
A function that takes keyword arguments `progress` and `cancelled` gets them: `progress(done,
total)` may be called from the worker, `cancelled()` says whether the person pressed 中止.

`Busy` is the window's one busy indicator: every operation started through `Runner` shows in
it, with its progress and a cancel button where the work can be cancelled.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget


class OperationCancelled(Exception):
    """The person cancelled the work; not an error to show."""


class _Signals(QObject):
    succeeded = Signal(object)
    failed = Signal(object)
    progressed = Signal(int, int)
    finished = Signal()


class BackgroundOperation(QRunnable):
    def __init__(self, work: Callable[..., Any], *, reports_progress: bool = False) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the Python side keeps it until `finished`
        self._work = work
        self._reports_progress = reports_progress
        self._cancel = threading.Event()
        self.signals = _Signals()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:
        try:
            if self._reports_progress:
                result = self._work(
                    progress=lambda done, total: self._emit("progressed", done, total),
                    cancelled=self._cancel.is_set,
                )
            else:
                result = self._work()
        except Exception as exc:  # reported to the GUI, which shows it plainly
            self._emit("failed", exc)
        else:
            self._emit("succeeded", result)
        self._emit("finished")

    def _emit(self, name: str, *args: Any) -> None:
        # The window may be gone (quit while work ran): then nobody is listening.
        with contextlib.suppress(RuntimeError):
            getattr(self.signals, name).emit(*args)


_running: set[BackgroundOperation] = set()


def run_in_background(
    work: Callable[..., Any],
    on_success: Callable[[Any], None],
    on_failure: Callable[[Exception], None],
    *,
    on_progress: Callable[[int, int], None] | None = None,
) -> BackgroundOperation:
    operation = BackgroundOperation(work, reports_progress=on_progress is not None)
    operation.signals.succeeded.connect(on_success)
    operation.signals.failed.connect(on_failure)
    if on_progress is not None:
        operation.signals.progressed.connect(on_progress)
    _running.add(operation)
    operation.signals.finished.connect(lambda: _running.discard(operation))
    QThreadPool.globalInstance().start(operation)
    return operation


def wait_for_background(timeout_ms: int = 30_000) -> bool:
    """Wait for every background operation (at exit, and in tests)."""
    return QThreadPool.globalInstance().waitForDone(timeout_ms)


class Busy(QWidget):
    """The one busy indicator: what is running, its progress, and 中止 where it can stop."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("busy")
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(200)
        self.bar.setTextVisible(False)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setAccessibleName(self.tr("Cancel the running work"))
        self.cancel_button.clicked.connect(self._cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self._operation: BackgroundOperation | None = None
        self.hide()

    @property
    def running(self) -> bool:
        return self._operation is not None

    def start(self, what: str, operation: BackgroundOperation, *, cancellable: bool) -> None:
        self._operation = operation
        self.label.setText(what)
        self.bar.setRange(0, 0)  # busy until the first progress report
        self.cancel_button.setVisible(cancellable)
        self.cancel_button.setEnabled(True)
        operation.signals.progressed.connect(self._progressed)
        operation.signals.finished.connect(lambda: self._finished(operation))
        self.show()

    def _progressed(self, done: int, total: int) -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))

    def _cancel(self) -> None:
        if self._operation is not None:
            self._operation.cancel()
            self.cancel_button.setEnabled(False)
            self.label.setText(self.tr("Stopping…"))

    def _finished(self, operation: BackgroundOperation) -> None:
        if self._operation is operation:
            self._operation = None
            self.hide()


class Runner(QObject):
    """Starts operations and shows them in the window's busy indicator."""

    def __init__(self, busy: Busy) -> None:
        super().__init__(busy)
        self.busy = busy

    def run(
        self,
        what: str,
        work: Callable[..., Any],
        on_success: Callable[[Any], None],
        on_failure: Callable[[Exception], None],
        *,
        cancellable: bool = False,
        progress: bool = False,
    ) -> BackgroundOperation:
        operation = run_in_background(
            work, on_success, on_failure, on_progress=(lambda *_: None) if progress else None
        )
        self.busy.start(what, operation, cancellable=cancellable)
        return operation
