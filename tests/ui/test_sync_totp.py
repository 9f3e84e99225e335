"""同期's connect form asks for the one-time code only when the server wants one (a user the
office set TOTP up for): a real server over HTTPS, on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from marugoto_desktop.operations import sync as syncing
from marugoto_desktop.ui.windows import MainWindow
from marugoto_desktop.vault import KdfParams, Vault
from marugoto_sync.server import totp
from marugoto_sync.server.passwords import hash_password
from marugoto_sync.server.storage import Storage

from ..conftest import PASSPHRASE
from ..sync.conftest import _cheap_password_hashing, database_url, fresh_postgresql_url
from ..sync.server.serving import Served, served

__all__ = ["_cheap_password_hashing", "database_url", "fresh_postgresql_url"]

PASSWORD = "a long server password"
ASKED = "認証アプリに今表示されている6桁の確認コードを入力して、もう一度接続してください。"
WRONG = (
    "確認コードが違うか、すでに使われています。アプリに次のコードが表示されてから入力してください。"
)
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@pytest.fixture
def office(database_url: str, tmp_path: Path) -> Iterator[tuple[Served, str]]:
    """A server with aiko, whose enrollment needs a one-time code; her secret."""
    secret = totp.new_secret()
    storage = Storage.open(database_url)
    try:
        storage.add_user(
            "aiko",
            "consultant",
            ["mure"],
            hash_password(PASSWORD),
            datetime.now(UTC),
            totp_secret=secret,
        )
    finally:
        storage.close()
    with served(database_url, tmp_path) as server:
        yield server, secret


def wrong_code(secret: str) -> str:
    return f"{(int(totp.code_at(secret, time.time())) + 1) % 1_000_000:06d}"


def test_the_code_field_appears_when_the_server_asks_and_goes_once_connected(
    qtbot, tmp_path: Path, office: tuple[Served, str]
) -> None:
    server, secret = office
    vault = Vault.create(tmp_path / "aiko", PASSPHRASE, kdf=KdfParams())
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1100, 760)
    window.show()
    window.open_vault(vault)
    workspace = window.workspace
    workspace.show_named("sync")
    page = workspace.sync
    assert not page.asks_totp and not page.totp.isVisible()  # nobody is asked at first

    page.server.setText(server.url)
    page.user.setText("aiko")
    page.password.setText(PASSWORD)
    page.ca_file.setText(str(server.ca))
    qtbot.mouseClick(page.enrol_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.status.text() == ASKED, timeout=30_000)
    assert page.asks_totp and page.totp.isVisible() and page.totp.hasFocus()
    assert page.password.text() == PASSWORD  # only the code is typed again
    page.grab().save(str(tmp_path / "sync-totp-asked.png"))

    page.totp.setText(wrong_code(secret))
    qtbot.mouseClick(page.enrol_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.status.text() == WRONG, timeout=30_000)
    assert page.asks_totp and page.totp.text() == ""
    assert syncing.enrolled_settings(vault) is None

    # The code as the app shows it, typed through the IME.
    code = totp.code_at(secret, time.time())
    page.totp.setText(f"{code[:3]} {code[3:]}".translate(FULL_WIDTH))
    qtbot.keyClick(page.totp, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.sync_button.isEnabled(), timeout=30_000)
    assert page.status.text() == "接続しました。同期して担当エリアの記録を受け取ってください。"
    assert not page.asks_totp and page.totp.text() == ""
    assert not page.enrol_box.isVisible()
    assert syncing.enrolled_settings(vault) is not None
    window.lock()


def test_an_empty_code_is_asked_for_without_asking_the_server(
    qtbot, tmp_path: Path, office: tuple[Served, str]
) -> None:
    server, _secret = office
    vault = Vault.create(tmp_path / "aiko", PASSPHRASE, kdf=KdfParams())
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.open_vault(vault)
    window.workspace.show_named("sync")
    page = window.workspace.sync
    page.server.setText(server.url)
    page.user.setText("aiko")
    page.password.setText(PASSWORD)
    page.ca_file.setText(str(server.ca))
    qtbot.mouseClick(page.enrol_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.status.text() == ASKED, timeout=30_000)
    page.status.clear()
    qtbot.mouseClick(page.enrol_button, Qt.MouseButton.LeftButton)
    assert page.status.text() == ASKED and page.enrol_button.isEnabled()  # nothing was sent
    window.lock()


def test_a_first_run_asked_for_a_code_opens_to_a_connect_form_with_the_code_field(
    qtbot, tmp_path: Path, office: tuple[Served, str]
) -> None:
    server, _secret = office
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    first = window.first_run_page
    first.folder.setText(str(tmp_path / "vault"))
    first.passphrase.setText(PASSPHRASE)
    first.repeat.setText(PASSPHRASE)
    first.enrol.setChecked(True)
    first.server.setText(server.url)
    first.user.setText("aiko")
    first.password.setText(PASSWORD)
    first.ca_file.setText(str(server.ca))
    qtbot.mouseClick(first.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.workspace is not None, timeout=30_000)
    assert QSettings().value("sync/enrol_needs_code", False, type=bool)
    window.workspace.show_named("sync")
    page = window.workspace.sync
    assert page.asks_totp and page.totp.isVisible()
    assert page.status.text() == ASKED
    window.lock()
