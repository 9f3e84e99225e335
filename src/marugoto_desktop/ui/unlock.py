"""Opening the records: the unlock page, and the first run (a new vault, or the demo)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QSettings, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from marugoto_sync.client import SyncError

from ..operations.demo import write_demo
from ..operations.sync import enroll
from ..operations.vaults import MIN_PASSPHRASE_LENGTH, init_vault, open_vault, vault_exists
from ..operations.visits import set_consultant
from ..platform_paths import default_vault_dir, demo_vault_dir
from ..vault import Vault
from .background import Busy, Runner
from .file_dialogs import file_dialog
from .messages import vault_error_text
from .policy_fields import fix_server_fields
from .settings_page import proxy_setting
from .sync_page import sync_error_text

DEMO_HOUSEHOLDS = 200
translate = QCoreApplication.translate


def folder_path(text: str) -> Path:
    """A folder as typed: `~/…` is the home folder."""
    return Path(text.strip()).expanduser()


def folder_dialog(parent: QWidget, title: str, start: str) -> QFileDialog:
    """Qt's own folder dialog, in Japanese (the native one may speak English)."""
    return file_dialog(
        parent,
        title,
        folder_path(start or "~"),
        translate("FolderDialog", "Choose"),
        mode=QFileDialog.FileMode.Directory,
    )


def choose_folder(parent: QWidget, title: str, start: str) -> str:
    dialog = folder_dialog(parent, title, start)
    if dialog.exec() and dialog.selectedFiles():
        return dialog.selectedFiles()[0]
    return ""


def _title(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.6)
    font.setBold(True)
    label.setFont(font)
    return label


def _message_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class UnlockPage(QWidget):
    """Folder and passphrase; Enter unlocks. Focus starts in the passphrase if the folder is set."""

    opened = Signal(object)  # Vault
    first_run_wanted = Signal()

    def __init__(self, runner: Runner, default_vault: Path | None = None) -> None:
        super().__init__()
        self._runner = runner
        known = str(default_vault) if default_vault else str(QSettings().value("vault/folder", ""))
        self.folder = QLineEdit(known)
        self.folder.setAccessibleName(self.tr("Vault folder"))
        browse = QPushButton(self.tr("Browse…"))
        browse.setAccessibleName(self.tr("Choose the vault folder"))
        browse.clicked.connect(self._browse)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName(self.tr("Passphrase"))
        self.passphrase.returnPressed.connect(self.unlock)
        self.unlock_button = QPushButton(self.tr("Unlock"))
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.unlock)
        self.create_button = QPushButton(self.tr("Create a new vault or try the demo…"))
        self.create_button.setFlat(True)
        self.create_button.clicked.connect(self.first_run_wanted)
        self.message = _message_label("unlock_message")

        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        form = QFormLayout()
        form.addRow(self.tr("Vault folder"), folder_row)
        form.addRow(self.tr("Passphrase"), self.passphrase)
        buttons = QHBoxLayout()
        buttons.addWidget(self.create_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        box = QWidget()
        box.setMinimumWidth(560)
        box.setMaximumWidth(640)
        inner = QVBoxLayout(box)
        inner.addWidget(_title(self.tr("Open your records")))
        inner.addLayout(form)
        inner.addLayout(buttons)
        inner.addWidget(self.message)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        self.setTabOrder(self.passphrase, self.unlock_button)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.focus_first()

    def focus_first(self) -> None:
        (self.passphrase if self.folder.text().strip() else self.folder).setFocus()

    def _browse(self) -> None:
        folder = choose_folder(self, self.tr("Vault folder"), self.folder.text())
        if folder:
            self.folder.setText(folder)
            self.passphrase.setFocus()

    def unlock(self) -> None:
        if not self.unlock_button.isEnabled():
            return
        secret = self.passphrase.text()
        if not self.folder.text().strip() or not secret:
            self.message.setText(self.tr("Choose the vault folder and type the passphrase."))
            return
        folder = folder_path(self.folder.text())
        self.unlock_button.setEnabled(False)
        self.message.setText(self.tr("Unlocking…"))
        self._runner.run(
            self.tr("Unlocking…"), lambda: open_vault(folder, secret), self._unlocked, self._failed
        )

    def _unlocked(self, vault: Vault) -> None:
        self.unlock_button.setEnabled(True)
        self.passphrase.clear()
        self.message.clear()
        QSettings().setValue("vault/folder", str(vault.folder))
        self.opened.emit(vault)

    def _failed(self, error: Exception) -> None:
        self.unlock_button.setEnabled(True)
        self.passphrase.selectAll()
        self.passphrase.setFocus()
        self.message.setText(vault_error_text(error))

    def forget(self) -> None:
        self.passphrase.clear()
        self.message.clear()


def strength(passphrase: str) -> int:
    """0 too short, 1 weak, 2 fair, 3 strong: length first, then variety."""
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        return 0
    kinds = sum(
        (
            any(c.islower() for c in passphrase),
            any(c.isupper() for c in passphrase),
            any(c.isdigit() for c in passphrase),
            any(not c.isascii() or not c.isalnum() for c in passphrase),
        )
    )
    score = 1 + (len(passphrase) >= 12) + (len(passphrase) >= 16 or kinds >= 3)
    return min(score, 3)


class FirstRunPage(QWidget):
    """A new vault (passphrase twice, optional recovery key and enrolment), or the demo."""

    opened = Signal(object)  # Vault
    back_wanted = Signal()

    def __init__(self, runner: Runner) -> None:
        super().__init__()
        self._runner = runner
        self.folder = QLineEdit(str(default_vault_dir()))
        self.folder.setAccessibleName(self.tr("Vault folder"))
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName(self.tr("Passphrase"))
        self.passphrase.textChanged.connect(self._update_hint)
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat.setAccessibleName(self.tr("Passphrase again"))
        self.hint = QLabel()
        self.hint.setObjectName("strength_hint")
        self.consultant = QLineEdit()
        self.consultant.setAccessibleName(self.tr("Your name"))
        self.recovery_key = QLineEdit()
        self.recovery_key.setAccessibleName(self.tr("Office recovery public key file"))
        self.recovery_key.setPlaceholderText(self.tr("The public key file from the office (.pem)"))
        self.warning = QLabel(
            self.tr(
                "Remember the passphrase. If it is forgotten, only the office recovery key can "
                "open these records; without a recovery key nothing can, and they are lost."
            )
        )
        self.warning.setObjectName("recovery_warning")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #8a4b00;")

        self.enrol = QCheckBox(self.tr("Connect to the office server now"))
        self.server = QLineEdit()
        self.server.setPlaceholderText(
            self.tr("e.g. %1").replace("%1", "https://marugoto.example.lg.jp")
        )
        self.server.setAccessibleName(self.tr("Server address"))
        self.user = QLineEdit()
        self.user.setAccessibleName(self.tr("User name"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(self.tr("Server password"))
        self.ca_file = QLineEdit()
        self.ca_file.setAccessibleName(self.tr("CA certificate file"))
        fix_server_fields(self.server, self.ca_file)
        enrol_form = QFormLayout()
        enrol_form.addRow(self.tr("Server"), self.server)
        enrol_form.addRow(self.tr("User name"), self.user)
        enrol_form.addRow(self.tr("Password"), self.password)
        enrol_form.addRow(self.tr("CA file (optional)"), self.ca_file)
        self.enrol_box = QGroupBox()
        self.enrol_box.setLayout(enrol_form)
        self.enrol_box.setVisible(False)
        self.enrol.toggled.connect(self.enrol_box.setVisible)

        self.create_button = QPushButton(self.tr("Create the vault"))
        self.create_button.setDefault(True)
        self.create_button.clicked.connect(self.create_vault)
        self.demo_button = QPushButton(self.tr("Try with demo data"))
        self.demo_button.setObjectName("demo_button")
        self.demo_button.clicked.connect(self.create_demo)
        back = QPushButton(self.tr("Open an existing vault…"))
        back.setFlat(True)
        back.clicked.connect(self.back_wanted)
        self.message = _message_label("first_run_message")

        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        form = QFormLayout()
        form.addRow(self.tr("Vault folder"), folder_row)
        form.addRow(self.tr("Passphrase"), self.passphrase)
        form.addRow("", self.hint)
        form.addRow(self.tr("Passphrase again"), self.repeat)
        form.addRow(self.tr("Recovery key (optional)"), self.recovery_key)
        form.addRow(self.tr("Your name (as recorder)"), self.consultant)
        buttons = QHBoxLayout()
        buttons.addWidget(back)
        buttons.addStretch(1)
        buttons.addWidget(self.demo_button)
        buttons.addWidget(self.create_button)
        box = QWidget()
        box.setMinimumWidth(600)
        box.setMaximumWidth(680)
        inner = QVBoxLayout(box)
        inner.addWidget(_title(self.tr("Start a new vault")))
        inner.addLayout(form)
        inner.addWidget(self.warning)
        inner.addWidget(self.enrol)
        inner.addWidget(self.enrol_box)
        inner.addLayout(buttons)
        inner.addWidget(self.message)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        self._update_hint()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.passphrase.setFocus()

    def _browse(self) -> None:
        folder = choose_folder(self, self.tr("Vault folder"), self.folder.text())
        if folder:
            self.folder.setText(folder)

    def _update_hint(self) -> None:
        words = (
            self.tr("Too short: at least %1 characters.").replace("%1", str(MIN_PASSPHRASE_LENGTH)),
            self.tr("Weak: a longer passphrase is safer."),
            self.tr("Fair: a few more words make it strong."),
            self.tr("Strong."),
        )
        if not self.passphrase.text():  # nothing typed yet: say what is wanted, not a verdict
            self.hint.setText(
                self.tr("At least %1 characters; a few words are easy to remember.").replace(
                    "%1", str(MIN_PASSPHRASE_LENGTH)
                )
            )
            grey = self.palette().color(QPalette.ColorRole.PlaceholderText).name()
            self.hint.setStyleSheet(f"color: {grey};")
            return
        level = strength(self.passphrase.text())
        self.hint.setText(words[level])
        colours = ("#b00020", "#8a4b00", "#5a6b00", "#1b6e20")
        self.hint.setStyleSheet(f"color: {colours[level]};")

    def _checked_passphrase(self) -> str | None:
        secret = self.passphrase.text()
        if strength(secret) == 0:
            self.message.setText(
                self.tr("The passphrase must be at least %1 characters long.").replace(
                    "%1", str(MIN_PASSPHRASE_LENGTH)
                )
            )
            self.passphrase.setFocus()
            return None
        if secret != self.repeat.text():
            self.message.setText(self.tr("The two passphrases differ. Type the same one twice."))
            self.repeat.selectAll()
            self.repeat.setFocus()
            return None
        return secret

    def _set_busy(self, busy: bool) -> None:
        self.create_button.setEnabled(not busy)
        self.demo_button.setEnabled(not busy)

    def create_vault(self) -> None:
        secret = self._checked_passphrase()
        if secret is None or not self.folder.text().strip():
            return
        folder = folder_path(self.folder.text())
        key_text = self.recovery_key.text().strip()
        recovery = folder_path(key_text) if key_text else None
        enrol = self._enrolment()
        if enrol is False:
            return
        enrolment = enrol if isinstance(enrol, dict) else None
        name = self.consultant.text().strip()

        def work() -> tuple[Vault, Exception | None]:
            vault = init_vault(folder, secret, recovery_public_key=recovery)
            if name:
                set_consultant(vault, name)
            problem: Exception | None = None
            if enrolment:
                try:
                    enroll(vault, **enrolment)
                except Exception as exc:  # the vault stays; 同期 enrols later
                    problem = exc
            return vault, problem

        self._start(self.tr("Creating the vault…"), work)

    def _enrolment(self) -> dict[str, Any] | bool | None:
        if not self.enrol.isChecked():
            return None
        server, user = self.server.text().strip(), self.user.text().strip()
        if not server or not user or not self.password.text():
            self.message.setText(
                self.tr("To connect now, fill in the server, user name and password.")
            )
            return False
        ca = self.ca_file.text().strip()
        return {
            "server": server,
            "user": user,
            "password": self.password.text(),
            "ca_file": folder_path(ca) if ca else None,
            "proxy": proxy_setting(),
        }

    def create_demo(self) -> None:
        secret = self._checked_passphrase()
        if secret is None:
            return
        text = self.folder.text().strip() or str(demo_vault_dir())
        folder = folder_path(text)

        def work(
            progress: Callable[[int, int], None], cancelled: Callable[[], bool]
        ) -> tuple[Vault, None]:
            vault = (
                Vault.open(folder, secret) if vault_exists(folder) else init_vault(folder, secret)
            )
            write_demo(vault, DEMO_HOUSEHOLDS, progress=progress)
            return vault, None

        self._start(self.tr("Making the demo records…"), work, progress=True)

    def _start(self, what: str, work: Callable[..., Any], *, progress: bool = False) -> None:
        self._set_busy(True)
        self.message.setText(what)
        self._runner.run(what, work, self._created, self._failed, progress=progress)

    def _created(self, result: tuple[Vault, Exception | None]) -> None:
        vault, problem = result
        self._set_busy(False)
        self.passphrase.clear()
        self.repeat.clear()
        self.password.clear()
        self.message.clear()
        QSettings().setValue("vault/folder", str(vault.folder))
        if problem is not None:
            QSettings().setValue("sync/enrol_problem", sync_error_text(problem))
            # The server wants a one-time code: 同期 shows its field when it opens.
            if isinstance(problem, SyncError) and problem.code == "totp_required":
                QSettings().setValue("sync/enrol_needs_code", True)
        self.opened.emit(vault)

    def _failed(self, error: Exception) -> None:
        self._set_busy(False)
        if isinstance(error, ValueError) and not isinstance(error, OSError):
            self.message.setText(self.tr("The recovery key file could not be read."))
        else:
            self.message.setText(vault_error_text(error))

    def forget(self) -> None:
        for field in (self.passphrase, self.repeat, self.password):
            field.clear()
        self.message.clear()


__all__ = ["Busy", "FirstRunPage", "UnlockPage", "choose_folder", "folder_path"]
