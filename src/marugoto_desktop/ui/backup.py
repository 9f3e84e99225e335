"""バックアップを作成: a backup of the open vault, written in the background (File menu).

The vault stays open and in use meanwhile; the file is sealed under the vault's key, so it
is restored with the passphrase (`marugoto-desktop restore`, docs/operations.md section 8).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from ..operations.backups import BackupInfo, back_up_open_vault
from .background import Runner
from .file_dialogs import chosen_path, file_dialog
from .messages import os_error_text, vault_error_text
from .session import Session

translate = QCoreApplication.translate
SUFFIX = ".mbk"


def backup_failed_text(error: BaseException) -> str:
    if isinstance(error, OSError):
        return translate("Backup", "No backup was made: %1").replace("%1", os_error_text(error))
    return translate("Backup", "No backup was made: %1").replace("%1", vault_error_text(error))


class BackupMaker(QObject):
    """Asks where to write the backup, writes it in the background, says how it went."""

    made = Signal(str)  # where, in words
    failed = Signal(str)  # why not, in words

    def __init__(self, session: Session, runner: Runner, window: QWidget) -> None:
        super().__init__(window)
        self.session = session
        self.runner = runner
        self.window = window

    def ask_path(self) -> Path | None:
        suggested = Path.home() / f"marugoto-backup-{date.today().isoformat()}{SUFFIX}"
        return chosen_path(
            file_dialog(
                self.window,
                translate("Backup", "Create backup"),
                suggested,
                translate("Backup", "Save"),
                save=True,
                name_filter=translate("Backup", "Backups (*.mbk)"),
                default_suffix=SUFFIX.removeprefix("."),
            )
        )

    def start(self) -> None:
        if self.session.vault is None:
            return
        path = self.ask_path()
        if path is not None:
            self.write(path)

    def write(self, path: Path) -> None:
        """Write the backup to `path` (replaced if it exists: the save dialog asked)."""
        vault = self.session.vault
        if vault is None:
            return

        def done(_info: BackupInfo) -> None:
            self.made.emit(
                translate("Backup", "Backup written to %1. It opens with the passphrase.").replace(
                    "%1", str(path)
                )
            )

        def failed(error: Exception) -> None:
            text = backup_failed_text(error)
            self.failed.emit(text)
            box = QMessageBox(
                QMessageBox.Icon.Warning, translate("Backup", "No backup"), text, parent=self.window
            )
            box.setObjectName("backup_failure")
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()

        self.runner.run(
            translate("Backup", "Creating backup…"),
            lambda: back_up_open_vault(vault, path, overwrite=True),
            done,
            failed,
        )
