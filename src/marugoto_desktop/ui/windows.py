"""The main window: an unlock page, then the household list with search."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..operations.households import household_rows, prepare_search
from ..operations.vaults import open_vault
from ..vault import (
    Vault,
    VaultCorrupted,
    VaultInUse,
    VaultLocked,
    VaultNotFound,
    WrongPassphrase,
)
from .background import run_in_background
from .models import HouseholdTableModel


class UnlockPage(QWidget):
    def __init__(self, window: MainWindow, default_vault: Path | None) -> None:
        super().__init__()
        self._window = window
        self.folder = QLineEdit(str(default_vault or QSettings().value("vault/folder", "")))
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.returnPressed.connect(self.unlock)
        self.unlock_button = QPushButton(self.tr("Unlock"))
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.unlock)
        self.message = QLabel()
        self.message.setObjectName("unlock_message")
        self.message.setWordWrap(True)

        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        form = QFormLayout()
        form.addRow(self.tr("Vault folder"), folder_row)
        form.addRow(self.tr("Passphrase"), self.passphrase)
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("Open your records"))
        title.setStyleSheet("font-size: 18pt; font-weight: bold;")
        layout.addStretch(1)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.unlock_button, 0, Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.message)
        layout.addStretch(2)

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Vault folder"), self.folder.text())
        if folder:
            self.folder.setText(folder)

    def unlock(self) -> None:
        folder, secret = Path(self.folder.text().strip()), self.passphrase.text()
        if not self.folder.text().strip() or not secret:
            self.message.setText(self.tr("Choose the vault folder and type the passphrase."))
            return
        self.unlock_button.setEnabled(False)
        self.message.setText(self.tr("Unlocking…"))
        self._operation = run_in_background(
            lambda: open_vault(folder, secret), self._unlocked, self._failed
        )

    def _unlocked(self, vault: Vault) -> None:
        self.unlock_button.setEnabled(True)
        self.passphrase.clear()
        self.message.clear()
        QSettings().setValue("vault/folder", str(vault.folder))
        self._window.show_households(vault)

    def _failed(self, error: Exception) -> None:
        self.unlock_button.setEnabled(True)
        self.passphrase.selectAll()
        self.message.setText(self.describe(error))

    def describe(self, error: Exception) -> str:
        if isinstance(error, WrongPassphrase):
            return self.tr("The passphrase is wrong.")
        if isinstance(error, VaultNotFound):
            return self.tr("There is no vault in this folder.")
        if isinstance(error, VaultInUse):
            return self.tr("The vault is open in another window or program. Close it first.")
        if isinstance(error, VaultCorrupted):
            return self.tr(
                "The vault is damaged or has been tampered with. Contact your administrator."
            )
        return self.tr("The vault could not be opened: %1").replace("%1", str(error))


class HouseholdsPage(QWidget):
    def __init__(self, window: MainWindow) -> None:
        super().__init__()
        self._window = window
        self.vault: Vault | None = None
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search by name, kana, address or phone"))
        self.search.textChanged.connect(self.refresh)
        self.model = HouseholdTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.count = QLabel()
        lock = QPushButton(self.tr("Lock"))
        lock.clicked.connect(window.lock)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(lock)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)

    def show_vault(self, vault: Vault) -> None:
        self.vault = vault
        self.search.clear()
        self.refresh()
        self.search.setFocus()
        # Decrypting the members for search takes a moment on a big vault: do it off the GUI
        # thread so the first keystroke is as quick as the rest.
        self._warming = run_in_background(lambda: prepare_search(vault), _ignore, _ignore)

    def refresh(self, *_: Any) -> None:
        if self.vault is None:
            self.model.set_rows([])
            return
        rows = household_rows(self.vault, self.search.text())
        self.model.set_rows(rows)
        self.count.setText(self.tr("%n household(s)", "", len(rows)))

    def forget(self) -> None:
        self.vault = None
        self.search.clear()
        self.model.set_rows([])
        self.count.clear()


def _ignore(_: object) -> None:
    """Warming the search is best effort; a failure shows up on the real search."""


class MainWindow(QMainWindow):
    def __init__(self, default_vault: Path | None = None) -> None:
        super().__init__()
        self.setWindowTitle(self.tr("Marugoto welfare records"))
        self.resize(960, 640)
        self.pages = QStackedWidget()
        self.unlock_page = UnlockPage(self, default_vault)
        self.households_page = HouseholdsPage(self)
        self.pages.addWidget(self.unlock_page)
        self.pages.addWidget(self.households_page)
        self.setCentralWidget(self.pages)
        self.vault: Vault | None = None

    def show_households(self, vault: Vault) -> None:
        self.vault = vault
        self.households_page.show_vault(vault)
        self.pages.setCurrentWidget(self.households_page)

    def lock(self) -> None:
        """Forget every decrypted value and close the vault."""
        self.households_page.forget()
        if self.vault is not None:
            with contextlib.suppress(VaultLocked):
                self.vault.close()
            self.vault = None
        self.pages.setCurrentWidget(self.unlock_page)
        self.unlock_page.passphrase.setFocus()

    def closeEvent(self, event: Any) -> None:
        self.lock()
        super().closeEvent(event)
