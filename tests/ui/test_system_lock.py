"""The vault locks when the desktop session locks, the screen saver starts or the machine is
about to sleep: signals sent on a private D-Bus (a dbus-daemon of the test's own), as logind
and the screen saver send them; and the handlers themselves."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtDBus import QDBusConnection, QDBusMessage

from marugoto_desktop.ui.system_lock import (
    LOGIN1,
    LOGIN1_PATH,
    LOGIN_SESSION,
    MANAGER,
    SystemLockWatch,
    login_session_path,
)
from marugoto_desktop.ui.windows import MainWindow
from marugoto_desktop.vault import KdfParams, Vault

from ..conftest import PASSPHRASE


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("empty") / "vault"
    Vault.create(folder, PASSPHRASE, kdf=KdfParams()).close()
    return folder


@pytest.fixture
def window(qtbot, template: Path, tmp_path: Path) -> MainWindow:
    folder = tmp_path / "vault"
    shutil.copytree(template, folder)
    window = MainWindow(default_vault=folder)
    qtbot.addWidget(window)
    window.show()
    window.open_vault(Vault.open(folder, PASSPHRASE))
    return window


def _reopen(window: MainWindow, folder: Path) -> None:
    window.open_vault(Vault.open(folder, PASSPHRASE))
    assert window.vault is not None


@pytest.fixture
def private_bus() -> Iterator[str]:
    """A session bus of the test's own (`dbus-daemon --session`), ended with the test."""
    daemon = shutil.which("dbus-daemon")
    if daemon is None:
        pytest.skip("dbus-daemon is not installed (apt-get install dbus-daemon)")
    process = subprocess.Popen(
        [daemon, "--session", "--nofork", "--print-address"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        address = process.stdout.readline().strip()
        assert address.startswith("unix:"), address
        yield address
    finally:
        process.terminate()
        process.wait(timeout=10)


def _signal(bus: QDBusConnection, path: str, interface: str, name: str, *args) -> None:
    message = QDBusMessage.createSignal(path, interface, name)
    if args:
        message.setArguments(list(args))
    assert bus.send(message)


def test_signals_on_the_bus_lock_the_vault(window, qtbot, private_bus, tmp_path):
    folder = window.vault.folder
    # The watcher listens on the private bus as on both of the desktop's.
    listening = QDBusConnection.connectToBus(private_bus, "marugoto-watch")
    assert listening.isConnected()
    watch = SystemLockWatch(
        window.session, session_bus=listening, system_bus=listening, parent=window
    )
    assert watch.start()
    assert {"PrepareForSleep", "Lock", "org.freedesktop.ScreenSaver.ActiveChanged"} <= set(
        watch.watching
    )
    # logind, as it speaks: its own name on the bus, its signals.
    logind = QDBusConnection.connectToBus(private_bus, "marugoto-logind")
    assert logind.registerService(LOGIN1)
    screensaver = QDBusConnection.connectToBus(private_bus, "marugoto-screensaver")

    # Waking (False) and the screen saver stopping (False) leave the vault open.
    with qtbot.assertNotEmitted(window.session.locked, wait=300):
        _signal(logind, LOGIN1_PATH, MANAGER, "PrepareForSleep", False)
        _signal(
            screensaver, "/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver",
            "ActiveChanged", False,
        )  # fmt: skip
    assert window.vault is not None

    with qtbot.waitSignal(window.session.locked, timeout=5_000):
        _signal(logind, LOGIN1_PATH, MANAGER, "PrepareForSleep", True)
    assert window.vault is None and window.workspace is None
    assert window.pages.currentWidget() is window.unlock_page

    _reopen(window, folder)
    with qtbot.waitSignal(watch.triggered, timeout=5_000) as why:
        _signal(logind, f"{LOGIN1_PATH}/session/_31", LOGIN_SESSION, "Lock")
    assert why.args == ["session"] and window.vault is None

    _reopen(window, folder)
    with qtbot.waitSignal(watch.triggered, timeout=5_000) as why:
        _signal(
            screensaver, "/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver",
            "ActiveChanged", True,
        )  # fmt: skip
    assert why.args == ["screensaver"] and window.vault is None

    _reopen(window, folder)
    with qtbot.waitSignal(watch.triggered, timeout=5_000):
        _signal(
            screensaver, "/org/gnome/ScreenSaver", "org.gnome.ScreenSaver", "ActiveChanged", True
        )
    assert window.vault is None

    # A sleep announced by anyone but logind is not logind's: not listened to.
    _reopen(window, folder)
    with qtbot.assertNotEmitted(window.session.locked, wait=300):
        _signal(screensaver, LOGIN1_PATH, MANAGER, "PrepareForSleep", True)
    assert window.vault is not None
    window.lock()
    for name in ("marugoto-watch", "marugoto-logind", "marugoto-screensaver"):
        QDBusConnection.disconnectFromBus(name)


def test_without_a_bus_nothing_is_watched(window, monkeypatch):
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    unconnected = QDBusConnection.connectToBus("unix:path=/nonexistent/bus", "marugoto-none")
    assert not unconnected.isConnected()
    watch = SystemLockWatch(window.session, session_bus=unconnected, system_bus=unconnected)
    assert watch.start() is False and watch.watching == []
    assert window.vault is not None
    QDBusConnection.disconnectFromBus("marugoto-none")


@pytest.mark.parametrize(
    ("handler", "argument", "locks"),
    [
        ("prepare_for_sleep", True, True),
        ("prepare_for_sleep", False, False),
        ("screensaver_active", True, True),
        ("screensaver_active", False, False),
        ("session_locked", None, True),
    ],
)
def test_the_handlers_lock_or_leave(window, handler, argument, locks):
    slot = getattr(window.system_lock, handler)
    slot() if argument is None else slot(argument)
    assert (window.vault is None) is locks


def test_the_login_session_path_is_logind_s():
    assert login_session_path("3") == "/org/freedesktop/login1/session/_33"
    assert login_session_path("c2") == "/org/freedesktop/login1/session/c2"
    assert login_session_path("") == ""
