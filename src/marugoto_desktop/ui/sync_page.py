"""同期: enrol, sync (progress, cancel), the last result, conflicts side by side, records to fix."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from marugoto_sync.client import PLAIN_HTTP, UNTRUSTED_CERTIFICATE, Cancelled, SyncError
from marugoto_sync.merge import PARENT_DELETED

from ..domain.schema import SCHEMAS
from ..domain.validation import RecordInvalid
from ..operations.changes import OpChanges
from ..operations.conflict_review import Author, ConflictReview, conflicts_to_review
from ..operations.home import unsynced_changes
from ..operations.records import get_record
from ..operations.sync import (
    DELETION_KINDS,
    CaCertificateUnusable,
    ChoiceNotPossible,
    SyncSummary,
    ValueNotUnderstood,
    enroll,
    enrolled_settings,
    last_sync,
    parse_field_value,
    records_to_correct,
    resolve_conflict,
    sync,
)
from ..vault import RecordNotFound, VaultError
from ..vault.replica import ConflictNotFound
from .background import Runner
from .messages import field_error_text, os_error_text, vault_error_text
from .policy_fields import fix_server_fields
from .session import Session
from .settings_page import proxy_setting

translate = QCoreApplication.translate

# Errors after which the one-time code field is shown (the password was right).
TOTP_CODES = ("totp_required", "bad_totp", "totp_malformed")


def sync_error_text(error: BaseException) -> str:
    """A sync or enrolment failure in plain Japanese, with what to do."""
    if isinstance(error, Cancelled):
        return sync_code_text("cancelled")
    if isinstance(error, SyncError):
        reason = error.details.get("reason") if error.code == "unreachable" else None
        if reason == UNTRUSTED_CERTIFICATE:
            return translate(
                "SyncPage",
                "This laptop does not trust the server's certificate. Choose the office's CA "
                "file in 設定 (or when connecting), then try again.",
            )
        if reason == PLAIN_HTTP:
            return translate(
                "SyncPage", "The server answers only over HTTPS: write its address with https://."
            )
        return sync_code_text(error.code)
    if isinstance(error, CaCertificateUnusable):
        return ca_problem_text(error)
    if isinstance(error, OSError):
        return translate("SyncPage", "The certificate file could not be read: %1").replace(
            "%1", os_error_text(error)
        )
    return translate("SyncPage", "Sync failed. Your work is kept on this laptop; try again later.")


def ca_problem_text(error: CaCertificateUnusable) -> str:
    """Why the office's CA certificate cannot be used, with what to do, in Japanese."""
    texts = {
        "missing": translate("SyncPage", "The CA certificate file %1 does not exist."),
        "folder": translate("SyncPage", "%1 is a folder, not a CA certificate file."),
        "unreadable": translate("SyncPage", "The CA certificate file %1 could not be read."),
        "not_pem": translate(
            "SyncPage", "%1 is not a CA certificate (choose the file the office gives)."
        ),
        "kept_path_missing": translate(
            "SyncPage",
            "The CA certificate file this laptop was connected with, %1, is gone. Choose the "
            "office's CA file in 設定.",
        ),
    }
    text = texts.get(error.reason, texts["unreadable"])
    return text.replace("%1", str(error.path))


def sync_code_text(code: str) -> str:
    """What a sync error code (operations keep it in the last result) means, in Japanese."""
    texts = {
        "cancelled": translate(
            "SyncPage", "Sync was stopped. What was sent or received so far is kept."
        ),
        "unreachable": translate(
            "SyncPage",
            "The server cannot be reached. Your work is kept on this laptop; sync again at "
            "the office.",
        ),
        "insecure_url": translate("SyncPage", "The server address must start with https://."),
        "server_not_allowed": translate(
            "SyncPage", "Your IT department allows only its own server on this computer."
        ),
        "bad_credentials": translate("SyncPage", "The user name or password is wrong."),
        "unauthorized": translate(
            "SyncPage", "The server no longer accepts this laptop. Connect it again."
        ),
        "device_revoked": translate(
            "SyncPage",
            "This laptop was revoked by the office; its records were erased. Ask the office.",
        ),
        "device_retired": translate(
            "SyncPage",
            "This laptop was retired by the office: everything it had not sent was sent, and "
            "its records were erased from it.",
        ),
        "retire_blocked": translate(
            "SyncPage",
            "The office asked this laptop to retire, but some work is of an area you may no "
            "longer change and could not be sent. Nothing was erased; tell the office.",
        ),
        "upgrade_required": translate(
            "SyncPage", "This app is too old for the server. Install the new version."
        ),
        "area_forbidden": translate(
            "SyncPage", "Some records are in an area you may no longer change."
        ),
        "not_enrolled": translate("SyncPage", "This laptop is not connected to a server yet."),
        "already_enrolled": translate("SyncPage", "This laptop is already connected to a server."),
        "clock_skew": translate(
            "SyncPage", "This laptop's clock is wrong. Set the date and time, then sync again."
        ),
        "totp_required": translate(
            "SyncPage",
            "Type the 6-digit one-time code your authenticator app shows now, then connect again.",
        ),
        "bad_totp": translate(
            "SyncPage",
            "The one-time code is wrong or was used already. Wait for the next code in the "
            "app and type it.",
        ),
        "totp_malformed": translate(
            "SyncPage", "A one-time code has 6 digits, as the authenticator app shows it."
        ),
        "too_many_attempts": translate(
            "SyncPage", "Too many attempts. Wait a minute and try again."
        ),
        "busy": translate("SyncPage", "The server is busy. Sync again in a few minutes."),
        "bad_answer": translate(
            "SyncPage",
            "The server's answer could not be understood. Check the server address; if it "
            "is right, tell the office.",
        ),
        "not_found": translate(
            "SyncPage", "No sync server answers at this address. Check the server address."
        ),
    }
    texts["too_many_requests"] = texts["too_many_attempts"]
    texts["method_not_allowed"] = texts["not_found"]
    if code in texts:
        return texts[code]
    return translate("SyncPage", "The server refused the sync. Tell the office (code %1).").replace(
        "%1", code or "-"
    )


def summary_text(summary: SyncSummary | None) -> str:
    """How the last sync went, for the ホーム and 同期 screens."""
    if summary is None:
        return translate("SyncPage", "Not synced yet.")
    try:
        when = datetime.fromisoformat(summary.at).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        when = summary.at
    if summary.ok:
        text = (
            translate("SyncPage", "Sent %1, received %2, to review %3.")
            .replace("%1", str(summary.pushed))
            .replace("%2", str(summary.pulled))
            .replace("%3", str(summary.conflicts))
        )
        if summary.audit_refused:
            text += " " + translate(
                "SyncPage",
                "The server did not accept this laptop's audit trail; tell the office.",
            )
    else:
        text = sync_code_text(summary.error or "")
    return translate("SyncPage", "Last sync %1: %2").replace("%1", when).replace("%2", text)


def resolution_error_text(error: Exception) -> str:
    """Why a conflict could not be settled so, in Japanese."""
    if isinstance(error, RecordInvalid) and error.errors:
        return field_error_text(error.errors[0])
    if isinstance(error, ValueNotUnderstood):
        if error.expected == "number":
            return translate("SyncPage", "Type a whole number.")
        return translate("SyncPage", "Type ○ (yes) or × (no).")
    if isinstance(error, ChoiceNotPossible):
        return translate("SyncPage", "This edit can only be kept or taken, not rewritten.")
    if isinstance(error, ConflictNotFound):
        return translate("SyncPage", "This was settled already, here or by a sync.")
    if isinstance(error, VaultError):
        return vault_error_text(error)
    return translate("SyncPage", "Check this value.")


def typed_value(record_type: str, field: str, text: Any) -> Any:
    """A new value as a person types it: a code field by its Japanese labels (戸別訪問, or
    several joined by 、), a flag as ○ or ×; operations.sync parses the rest."""
    schema = SCHEMAS.get(record_type)
    try:
        spec = schema.field(field) if schema is not None else None
    except KeyError:
        return text
    if spec is None or not isinstance(text, str):
        return text
    if spec.vocabulary is not None:
        by_label = {label: code for code, label in spec.vocabulary.entries}
        items = [i.strip() for i in re.split(r"[、,，]", text) if i.strip()]
        codes = [by_label.get(i, i) for i in items]
        return ",".join(codes)
    flags = {"○": "true", "はい": "true", "×": "false", "いいえ": "false"}
    return flags.get(text, text)


def stamp_text(at: datetime) -> str:
    """A moment in this computer's time zone, to the minute."""
    return at.astimezone().strftime("%Y-%m-%d %H:%M")


def author_text(author: Author) -> str:
    """Who wrote a side and when: 「aiko さん（このパソコン）2025-06-01 14:30」."""
    when = stamp_text(author.at)
    who = author_who(author)
    return translate("SyncPage", "Written by %1 at %2").replace("%1", who).replace("%2", when)


def author_who(author: Author) -> str:
    """Who wrote something, as this laptop knows: 「aiko さん（このパソコン）」."""
    if author.this_laptop and author.user:
        who = translate("SyncPage", "%1 (this laptop)").replace("%1", author.user)
    elif author.this_laptop:
        who = translate("SyncPage", "This laptop")
    elif author.user:  # named by the server
        who = (
            translate("SyncPage", "%1 (device %2)")
            .replace("%1", author.user)
            .replace("%2", author.device)
        )
    else:
        who = translate("SyncPage", "Another laptop (device %1)").replace("%1", author.device)
    return who


def now_text(review: ConflictReview) -> str:
    """What the records hold now for a conflict's field (or the record, or its parent)."""
    c = review.row
    if c.kind == PARENT_DELETED:
        return (
            translate("SyncPage", "the household is deleted")
            if review.deleted_now
            else translate("SyncPage", "the household is kept")
        )
    if c.kind in DELETION_KINDS:
        return (
            translate("SyncPage", "the record is deleted")
            if review.deleted_now
            else translate("SyncPage", "the record is kept")
        )
    return value_text(review.value_now, c.record_type, c.field)


def value_text(value: Any, record_type: str = "", field: str = "") -> str:
    """A field's value as the forms show it: a code as its Japanese label, a flag as ○."""
    if value is None or value == "" or value == []:
        return translate("SyncPage", "(empty)")
    schema = SCHEMAS.get(record_type)
    try:
        spec = schema.field(field) if schema is not None else None
    except KeyError:
        spec = None
    vocabulary = spec.vocabulary if spec is not None else None
    if vocabulary is not None:
        codes = value if isinstance(value, list) else [value]
        return "、".join(vocabulary.label(str(code)) for code in codes)
    if isinstance(value, bool):
        return "○" if value else "×"
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "、".join(str(item) for item in value)
    return json.dumps(value, ensure_ascii=False)


class SyncPage(QWidget):
    def __init__(self, session: Session, runner: Runner) -> None:
        super().__init__()
        self.session = session
        self.runner = runner
        self._operation: Any = None

        self.server_label = QLabel()
        self.server_label.setObjectName("sync_server")
        self.server = QLineEdit()
        self.server.setPlaceholderText(
            translate("SyncPage", "e.g. %1").replace("%1", "https://marugoto.example.lg.jp")
        )
        self.server.setAccessibleName(translate("SyncPage", "Server address"))
        self.user = QLineEdit()
        self.user.setAccessibleName(translate("SyncPage", "User name"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(translate("SyncPage", "Password"))
        self.ca_file = QLineEdit(str(QSettings().value("sync/ca_file", "")))
        self.ca_file.setAccessibleName(translate("SyncPage", "CA certificate file"))
        fix_server_fields(self.server, self.ca_file)
        # Shown only once the server asks for it (users the office set TOTP up for).
        self.totp = QLineEdit()
        self.totp.setObjectName("enrol_totp")
        self.totp.setAccessibleName(translate("SyncPage", "One-time code"))
        self.totp.setPlaceholderText(
            translate("SyncPage", "The 6-digit code your authenticator app shows now")
        )
        self.totp.setMaxLength(16)  # room for spaces and full-width digits as typed
        self.totp.returnPressed.connect(self.enrol)
        self.enrol_button = QPushButton(translate("SyncPage", "Connect"))
        self.enrol_button.clicked.connect(self.enrol)
        self._enrol_form = enrol_form = QFormLayout()
        enrol_form.addRow(translate("SyncPage", "Server"), self.server)
        enrol_form.addRow(translate("SyncPage", "User name"), self.user)
        enrol_form.addRow(translate("SyncPage", "Password"), self.password)
        enrol_form.addRow(translate("SyncPage", "One-time code"), self.totp)
        enrol_form.addRow(translate("SyncPage", "CA file (optional)"), self.ca_file)
        enrol_form.addRow("", self.enrol_button)
        self._show_totp(False)
        self.enrol_box = QGroupBox(
            translate("SyncPage", "Connect this laptop to the office server")
        )
        self.enrol_box.setLayout(enrol_form)
        self.enrol_box.setMaximumWidth(760)

        self.sync_button = QPushButton(translate("SyncPage", "Sync now"))
        self.sync_button.setObjectName("sync_now")
        self.sync_button.clicked.connect(self.sync_now)
        self.cancel_button = QPushButton(translate("SyncPage", "Stop"))
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.setEnabled(False)
        self.status = QLabel()
        self.status.setObjectName("sync_status")
        self.status.setWordWrap(True)
        self.last_result = QLabel()
        self.last_result.setObjectName("sync_last_result")
        self.last_result.setWordWrap(True)
        self.unsynced = QLabel()
        top = QHBoxLayout()
        top.addWidget(self.sync_button)
        top.addWidget(self.cancel_button)
        top.addWidget(self.unsynced, 1)

        # Conflicts: the list, and the chosen one side by side.
        self.conflicts = QListWidget()
        self.conflicts.setAccessibleName(translate("SyncPage", "Conflicts to review"))
        self.conflicts.currentRowChanged.connect(self._show_conflict)
        self.kept_title = QLabel(translate("SyncPage", "The value that won"))
        self.kept_value = QLabel()
        self.kept_value.setObjectName("conflict_kept")
        self.kept_who = QLabel()
        self.other_title = QLabel(translate("SyncPage", "The other edit"))
        self.now_label = QLabel()
        self.now_label.setObjectName("conflict_now")
        self.now_label.setWordWrap(True)
        self.other_value = QLabel()
        self.other_value.setObjectName("conflict_other")
        self.other_who = QLabel()
        for label in (self.kept_who, self.other_who):
            label.setWordWrap(True)
        for label in (self.kept_value, self.other_value):
            label.setWordWrap(True)
            label.setFrameShape(QLabel.Shape.StyledPanel)
            label.setMinimumHeight(48)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.keep_button = QPushButton(translate("SyncPage", "Keep this"))
        self.keep_button.clicked.connect(lambda: self.resolve("keep"))
        self.other_button = QPushButton(translate("SyncPage", "Take this"))
        self.other_button.clicked.connect(lambda: self.resolve("other"))
        self.new_value = QLineEdit()
        self.new_value.setPlaceholderText(translate("SyncPage", "Or write a new value"))
        self.new_value.setAccessibleName(translate("SyncPage", "New value"))
        self.new_button = QPushButton(translate("SyncPage", "Save the new value"))
        self.new_button.clicked.connect(lambda: self.resolve("value"))
        self.conflict_message = QLabel()
        self.conflict_message.setWordWrap(True)
        sides = QGridLayout()
        sides.addWidget(self.kept_title, 0, 0)
        sides.addWidget(self.other_title, 0, 1)
        sides.addWidget(self.kept_value, 1, 0)
        sides.addWidget(self.other_value, 1, 1)
        sides.addWidget(self.kept_who, 2, 0)
        sides.addWidget(self.other_who, 2, 1)
        sides.addWidget(self.keep_button, 3, 0)
        sides.addWidget(self.other_button, 3, 1)
        new_row = QHBoxLayout()
        new_row.addWidget(self.new_value, 1)
        new_row.addWidget(self.new_button)
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        self.conflict_title = QLabel()
        self.conflict_title.setWordWrap(True)
        detail_layout.addWidget(self.conflict_title)
        detail_layout.addLayout(sides)
        detail_layout.addWidget(self.now_label)
        detail_layout.addLayout(new_row)
        detail_layout.addWidget(self.conflict_message)
        detail_layout.addStretch(1)
        split = QSplitter()
        split.setObjectName("sync_splitter")
        split.addWidget(self.conflicts)
        split.addWidget(detail)
        split.setStretchFactor(1, 2)
        self.conflict_box = QGroupBox(translate("SyncPage", "Edits made at the same time"))
        QVBoxLayout(self.conflict_box).addWidget(split)
        self.all_clear = QLabel(
            translate(
                "SyncPage",
                "Nothing to review: no edits made at the same time, no records to correct.",
            )
        )
        self.all_clear.setObjectName("sync_all_clear")

        self.problems = QListWidget()
        self.problems.setAccessibleName(
            translate("SyncPage", "Records that no longer fit together")
        )
        self.problem_box = QGroupBox(translate("SyncPage", "Records that no longer fit together"))
        problem_layout = QVBoxLayout(self.problem_box)
        problem_layout.addWidget(
            QLabel(
                translate(
                    "SyncPage",
                    "Open each record and correct it; export waits until they are fixed.",
                )
            )
        )
        problem_layout.addWidget(self.problems)

        layout = QVBoxLayout(self)
        layout.addWidget(self.server_label)
        layout.addWidget(self.enrol_box)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.last_result)
        layout.addWidget(self.all_clear)
        layout.addWidget(self.conflict_box, 3)
        layout.addWidget(self.problem_box, 1)
        layout.addStretch(0)
        self._rows: list[ConflictReview] = []

    # -- state -----------------------------------------------------------------------------

    def refresh(self, changes: OpChanges | None = None) -> None:
        vault = self.session.vault
        if vault is None:
            return
        settings = enrolled_settings(vault)
        self.enrol_box.setVisible(settings is None)
        self.sync_button.setEnabled(settings is not None and self._operation is None)
        if settings:
            self.server_label.setText(
                translate("SyncPage", "Server: %1 (user %2)")
                .replace("%1", str(settings.get("server")))
                .replace("%2", str(settings.get("user")))
            )
        else:
            self.server_label.setText(
                translate("SyncPage", "This laptop is not connected to a server yet.")
            )
        problem = QSettings().value("sync/enrol_problem", "")
        if problem and settings is None:
            self.status.setText(str(problem))
        if settings is None and QSettings().value("sync/enrol_needs_code", False, type=bool):
            self._show_totp(True)  # the first run's enrollment was asked for a code
        self.unsynced.setText(
            translate("SyncPage", "Changes not yet sent: %1").replace(
                "%1", str(unsynced_changes(vault))
            )
        )
        self.last_result.setText(summary_text(last_sync(vault)))
        self._load_conflicts()
        self._load_problems()
        # Only what asks for a decision takes room on the screen.
        open_conflicts = [r for r in self._rows if not r.settled]
        self.conflict_box.setVisible(bool(self._rows))
        self.problem_box.setVisible(self.problems.count() > 0)
        self.all_clear.setVisible(not open_conflicts and not self.problems.count())

    def _load_conflicts(self) -> None:
        """The open conflicts, then those settled lately with the value that holds."""
        vault = self.session.require()
        chosen = self.conflicts.currentItem()
        chosen_id = chosen.data(Qt.ItemDataRole.UserRole) if chosen is not None else None
        self._rows = conflicts_to_review(vault)
        self.conflicts.clear()
        grey = self.palette().color(QPalette.ColorRole.PlaceholderText)
        for review in self._rows:
            row = review.row
            name = row.record_label or SCHEMAS[row.record_type].label
            text = f"{name}：{row.field_label}"
            item = QListWidgetItem(text)
            if review.settled:
                item.setText(
                    translate("SyncPage", "Settled — %1 → %2")
                    .replace("%1", text)
                    .replace("%2", now_text(review))
                )
                item.setForeground(grey)
            item.setData(Qt.ItemDataRole.UserRole, row.conflict_id)
            self.conflicts.addItem(item)
        ids = [r.row.conflict_id for r in self._rows]
        if chosen_id in ids:
            self.conflicts.setCurrentRow(ids.index(chosen_id))
        elif self._rows:
            self.conflicts.setCurrentRow(0)
        else:
            self._show_conflict(-1)

    def _load_problems(self) -> None:
        vault = self.session.require()
        self.problems.clear()
        for problem in records_to_correct(vault):
            try:
                record = get_record(vault, problem.record_id, include_deleted=True)
            except RecordNotFound:
                name = ""
            else:
                name = str(record.get("name", ""))
            schema = SCHEMAS.get(problem.record_type)
            kind = schema.label if schema else problem.record_type
            try:
                field = schema.field(problem.field).label if schema else problem.field
            except KeyError:
                field = problem.field
            self.problems.addItem(f"{kind} {name}：{field}：{field_error_text(problem)}")

    def _show_conflict(self, row: int) -> None:
        has = 0 <= row < len(self._rows)
        for widget in (self.keep_button, self.other_button, self.new_value, self.new_button):
            widget.setEnabled(has)
        self.conflict_message.clear()
        if not has:
            self.conflict_title.setText(translate("SyncPage", "Nothing to review."))
            for label in (
                self.kept_value,
                self.other_value,
                self.kept_who,
                self.other_who,
                self.now_label,
            ):
                label.clear()
            return
        review = self._rows[row]
        c = review.row
        schema = SCHEMAS.get(c.record_type)
        self.conflict_title.setText(
            translate("SyncPage", "%1 %2: %3")
            .replace("%1", schema.label if schema else c.record_type)
            .replace("%2", c.record_label)
            .replace("%3", c.field_label)
        )
        plain = c.kind not in DELETION_KINDS and c.kind != PARENT_DELETED
        if plain:
            kind, field = c.record_type, c.field
            self.kept_value.setText(value_text(c.kept_value, kind, field))
            self.other_value.setText(value_text(c.other_value, kind, field))
        elif c.kind == PARENT_DELETED:
            self.kept_value.setText(
                translate("SyncPage", "This record goes with its deleted household.")
            )
            self.other_value.setText(translate("SyncPage", "Bring the household back."))
        else:
            self.kept_value.setText(
                translate("SyncPage", "The record deleted")
                if c.kept_value is True
                else translate("SyncPage", "The record kept")
            )
            self.other_value.setText(
                translate("SyncPage", "The record kept")
                if c.kept_value is True
                else translate("SyncPage", "The record deleted")
            )
        self.kept_who.setText(author_text(review.kept_by))
        self.other_who.setText(author_text(review.other_by))
        holds = {
            "kept": translate("SyncPage", "(the left one)"),
            "other": translate("SyncPage", "(the right one)"),
            "new": translate("SyncPage", "(a value written since)"),
        }[review.holds]
        self.now_label.setText(
            translate("SyncPage", "Now in the records: %1 %2")
            .replace("%1", now_text(review))
            .replace("%2", holds)
        )
        for title, side in ((self.kept_title, "kept"), (self.other_title, "other")):
            font = title.font()
            font.setBold(review.holds == side)
            title.setFont(font)
        settled = review.settled
        for widget in (self.keep_button, self.other_button):
            widget.setEnabled(not settled)
        self.new_value.setEnabled(plain and not settled)
        self.new_button.setEnabled(plain and not settled)
        if settled:
            self.conflict_message.setText(translate("SyncPage", "Settled."))

    def resolve(self, choice: str) -> None:
        row = self.conflicts.currentRow()
        if not 0 <= row < len(self._rows):
            return
        conflict = self._rows[row].row
        if self._rows[row].settled:
            return
        value: Any = None
        try:
            if choice == "value":
                typed = typed_value(
                    conflict.record_type, conflict.field, self.new_value.text().strip()
                )
                value = parse_field_value(conflict.record_type, conflict.field, typed)
            resolve_conflict(self.session.require(), conflict.conflict_id, choice, value)
        except (RecordInvalid, ValueNotUnderstood, ChoiceNotPossible, VaultError) as exc:
            self.conflict_message.setText(resolution_error_text(exc))
            return
        self.new_value.clear()
        # A settlement may restore a household with what belongs to it, or delete a record;
        # resolve_conflict does not say which records it wrote, so every view looks again.
        self.session.notify(OpChanges.everything())
        self.refresh()

    # -- enrol and sync --------------------------------------------------------------------

    def _show_totp(self, shown: bool) -> None:
        self._enrol_form.setRowVisible(self.totp, shown)

    @property
    def asks_totp(self) -> bool:
        """Whether the one-time code field is shown (the server asked for a code)."""
        return self._enrol_form.isRowVisible(self.totp)

    def enrol(self) -> None:
        vault = self.session.require()
        server, user, password = (
            self.server.text().strip(),
            self.user.text().strip(),
            self.password.text(),
        )
        if not server or not user or not password:
            self.status.setText(
                translate("SyncPage", "Fill in the server, user name and password.")
            )
            return
        code = self.totp.text().strip() if self.asks_totp else ""
        if self.asks_totp and not code:
            self.status.setText(sync_code_text("totp_required"))
            self.totp.setFocus()
            return
        ca = self.ca_file.text().strip()
        ca_path = Path(ca).expanduser() if ca else None
        proxy = proxy_setting()
        self.enrol_button.setEnabled(False)

        def done(_: Any) -> None:
            self.enrol_button.setEnabled(True)
            self.password.clear()
            self.totp.clear()
            self._show_totp(False)
            QSettings().remove("sync/enrol_problem")
            QSettings().remove("sync/enrol_needs_code")
            self.status.setText(
                translate("SyncPage", "Connected. Sync now to receive your areas' records.")
            )
            self.refresh()

        def failed(error: Exception) -> None:
            self.enrol_button.setEnabled(True)
            self.status.setText(sync_error_text(error))
            if isinstance(error, SyncError) and error.code in TOTP_CODES:
                # The password was right: only the code is asked again (a used one is no good).
                self.totp.clear()
                self._show_totp(True)
                self.totp.setFocus()

        self.runner.run(
            translate("SyncPage", "Connecting…"),
            lambda: enroll(
                vault, server, user, password, ca_file=ca_path, proxy=proxy, totp=code or None
            ),
            done,
            failed,
        )

    @property
    def running(self) -> bool:
        """Whether a sync runs now."""
        return self._operation is not None

    def sync_now(self) -> None:
        vault = self.session.vault
        if vault is None or self._operation is not None:
            return
        self.sync_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.status.setText(translate("SyncPage", "Syncing…"))
        proxy = proxy_setting()

        def work(progress: Any, cancelled: Any) -> Any:
            def report(stage: str, done: int, total: int | None) -> None:
                progress(done, total or 0)

            return sync(vault, report, cancelled, proxy=proxy)

        self._operation = self.runner.run(
            translate("SyncPage", "Syncing…"),
            work,
            self._synced,
            self._sync_failed,
            cancellable=True,
            progress=True,
        )

    def cancel(self) -> None:
        if self._operation is not None:
            self._operation.cancel()
            self.cancel_button.setEnabled(False)

    def _finish(self, text: str) -> None:
        self._operation = None
        self.cancel_button.setEnabled(False)
        self.status.setText(text)
        if self.session.vault is not None:
            self.refresh()

    def _synced(self, report: Any) -> None:
        text = (
            translate("SyncPage", "Sent %1, received %2, to review %3.")
            .replace("%1", str(report.pushed))
            .replace("%2", str(report.pulled))
            .replace("%3", str(report.conflicts))
        )
        self._finish(text)
        if self.session.vault is not None:
            self.session.notify(OpChanges.everything())

    def _sync_failed(self, error: Exception) -> None:
        self._finish(sync_error_text(error))
        if self.session.vault is not None:
            # A sync stopped part way may have brought records in (pages are applied whole).
            self.session.notify(OpChanges.everything())

    def forget(self) -> None:
        self.conflicts.clear()
        self.problems.clear()
        self._rows = []
        self._show_conflict(-1)
        self.password.clear()
        self.new_value.clear()
        self.status.clear()
