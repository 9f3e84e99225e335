"""設定: server, CA file, proxy, auto-lock, text size, the consultant's name and area, recovery."""

from __future__ import annotations

from urllib.parse import urlsplit

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..domain import vocabularies as v
from ..operations.profile import consultant_setting
from ..operations.sync import enrolled_settings
from ..operations.visits import set_consultant
from .forms import CodePicker
from .policy_fields import limit_auto_lock
from .session import Session, auto_lock_minutes, setting_int

DEFAULT_TEXT_SIZE = 10


def text_size() -> int:
    return max(8, min(24, setting_int("view/text_size", DEFAULT_TEXT_SIZE)))


def proxy_url(text: str) -> str | None:
    """The proxy as typed (proxy:8080, http://proxy:8080), as a URL; None for none; "" when
    it names no host."""
    text = text.strip()
    if not text:
        return None
    url = text if "://" in text else f"http://{text}"
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018 (a port that is not a number raises)
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https", "socks5") or not parts.hostname:
        return ""
    return url


def proxy_setting() -> str | None:
    """The HTTP proxy sync goes through, from 設定 (None: the system's, if any)."""
    return proxy_url(str(QSettings().value("sync/proxy", "") or "")) or None


AUTO_SYNC_SETTING = "sync/auto"


def auto_sync_allowed() -> bool:
    """Whether sync may start by itself once the office server answers (off by default).
    Kept in QSettings with the proxy and CA file: how this computer uses the network."""
    value = QSettings().value(AUTO_SYNC_SETTING, False)
    return value is True or str(value).lower() in ("true", "1")


class SettingsPage(QWidget):
    text_size_changed = Signal(int)

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.consultant = QLineEdit()
        self.consultant.setAccessibleName(self.tr("Your name"))
        self.area = CodePicker(list(v.AREAS.entries))
        self.area.setAccessibleName(self.tr("Your area"))
        self.auto_lock = QSpinBox()
        self.auto_lock.setObjectName("auto_lock_minutes")
        self.auto_lock.setRange(1, 120)
        self.auto_lock.setSuffix(self.tr(" min"))
        self.auto_lock.setAccessibleName(self.tr("Lock after idle minutes"))
        limit_auto_lock(self.auto_lock)
        self.text_size = QSpinBox()
        self.text_size.setObjectName("text_size")
        self.text_size.setRange(8, 24)
        self.text_size.setSuffix(" pt")
        self.text_size.setAccessibleName(self.tr("Text size"))
        for spin in (self.auto_lock, self.text_size):
            spin.setMaximumWidth(120)
        self.server = QLabel()
        self.server.setObjectName("settings_server")
        self.server.setWordWrap(True)
        self.ca_file = QLineEdit()
        self.ca_file.setAccessibleName(self.tr("CA certificate file"))
        self.proxy = QLineEdit()
        self.proxy.setPlaceholderText(self.tr("e.g. %1").replace("%1", "http://proxy:8080"))
        self.proxy.setAccessibleName(self.tr("Proxy"))
        self.auto_sync = QCheckBox(self.tr("Sync by itself when the office server answers"))
        self.auto_sync.setObjectName("auto_sync")
        self.auto_sync.setAccessibleName(self.tr("Sync by itself"))
        self.auto_sync.setToolTip(
            self.tr(
                "While unlocked, the server is asked once a minute; when it answers, a sync "
                "starts as if you pressed 同期 — arriving at the office is enough."
            )
        )
        self.recovery = QLabel()
        self.recovery.setObjectName("settings_recovery")
        self.recovery.setWordWrap(True)
        self.save_button = QPushButton(self.tr("Save settings"))
        self.save_button.clicked.connect(self.save)
        self.message = QLabel()

        me = QGroupBox(self.tr("You"))
        me_form = QFormLayout(me)
        me_form.addRow(self.tr("Your name (prefilled as recorder)"), self.consultant)
        me_form.addRow(self.tr("Your area"), self.area)
        view = QGroupBox(self.tr("Safety and view"))
        view_form = QFormLayout(view)
        view_form.addRow(self.tr("Lock after idle"), self.auto_lock)
        view_form.addRow(self.tr("Text size"), self.text_size)
        net = QGroupBox(self.tr("Office server"))
        net_form = QFormLayout(net)
        net_form.addRow(self.tr("Server"), self.server)
        net_form.addRow(self.tr("CA file"), self.ca_file)
        net_form.addRow(self.tr("Proxy"), self.proxy)
        net_form.addRow("", self.auto_sync)
        rec = QGroupBox(self.tr("Recovery"))
        QVBoxLayout(rec).addWidget(self.recovery)
        column = QWidget()
        column.setMaximumWidth(760)  # fields as wide as what they hold, not the screen
        inner = QVBoxLayout(column)
        inner.setContentsMargins(0, 0, 0, 0)
        for group in (me, view, net, rec):
            inner.addWidget(group)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.save_button)
        inner.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(column)
        layout.addStretch(1)

    def refresh(self) -> None:
        settings = QSettings()
        vault = self.session.vault
        self.consultant.setText((consultant_setting(vault) if vault is not None else None) or "")
        self.area.set_code(str(settings.value("profile/area", "") or ""))
        self.auto_lock.setValue(auto_lock_minutes())
        self.text_size.setValue(text_size())
        self.ca_file.setText(str(settings.value("sync/ca_file", "") or ""))
        self.proxy.setText(str(settings.value("sync/proxy", "") or ""))
        self.auto_sync.setChecked(auto_sync_allowed())
        enrolled = enrolled_settings(vault) if vault is not None else None
        if enrolled:
            self.server.setText(
                self.tr("%1 (user %2)")
                .replace("%1", str(enrolled.get("server")))
                .replace("%2", str(enrolled.get("user")))
            )
        else:
            self.server.setText(self.tr("Not connected. Connect on the 同期 screen."))
        if vault is not None and vault.has_recovery_slot():
            self.recovery.setText(
                self.tr(
                    "The office recovery key can reopen this vault if the passphrase is "
                    "forgotten. Ask the office; it keeps the key offline."
                )
            )
        else:
            self.recovery.setText(
                self.tr(
                    "This vault has no office recovery key: if the passphrase is forgotten, "
                    "the records cannot be opened."
                )
            )
        self.message.clear()

    def save(self) -> None:
        settings = QSettings()
        vault = self.session.vault
        if vault is not None:  # the name is kept in the vault, with the records it signs
            self.session.notify(set_consultant(vault, self.consultant.text()))
        settings.setValue("profile/area", self.area.code())
        settings.setValue("security/auto_lock_minutes", self.auto_lock.value())
        settings.setValue("view/text_size", self.text_size.value())
        proxy = proxy_url(self.proxy.text())
        if proxy == "":
            self.message.setText(
                self.tr("The proxy is written as host:port, e.g. %1.").replace(
                    "%1", "proxy.city.lg.jp:8080"
                )
            )
            self.proxy.setFocus()
            return
        settings.setValue("sync/ca_file", self.ca_file.text().strip())
        settings.setValue("sync/proxy", proxy or "")
        settings.setValue(AUTO_SYNC_SETTING, self.auto_sync.isChecked())
        self.session.restart_idle_timer()
        self.text_size_changed.emit(self.text_size.value())
        self.message.setText(self.tr("Saved."))

    def forget(self) -> None:
        self.consultant.clear()
        self.server.clear()
        self.message.clear()
