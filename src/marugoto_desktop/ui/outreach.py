"""アウトリーチ集計: at a gathering, tap a head count and note concerns without naming anyone."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..domain import vocabularies as v
from ..domain.validation import RecordInvalid
from ..operations.changes import OpChanges
from ..operations.visits import gatherings, record_outreach
from .forms import CodePicker
from .messages import field_error_text
from .session import Session, today

GATHERING_KINDS = tuple(
    (code, label)
    for code, label in v.ACTIVITY_KINDS.entries
    if code.startswith(v.OUTREACH_PREFIX) and code != "outreach.home_visit"
)


class OutreachPage(QWidget):
    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.count = 0
        self.kind = CodePicker(GATHERING_KINDS, allow_empty=False)
        self.kind.setAccessibleName(self.tr("Gathering kind"))
        self.area = CodePicker(list(v.AREAS.entries), allow_empty=False)
        self.area.setAccessibleName(self.tr("Area"))
        self.place = QLineEdit()
        self.place.setAccessibleName(self.tr("Place"))
        self.date = QLineEdit()
        self.date.setAccessibleName(self.tr("Date"))
        self.counter = QLabel("0")
        self.counter.setObjectName("tally_count")
        self.counter.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.counter.font()
        font.setPointSizeF(font.pointSizeF() * 4)
        font.setBold(True)
        self.counter.setFont(font)
        self.plus = QPushButton(self.tr("+1 person"))
        self.plus.setObjectName("tally_plus")
        self.plus.setMinimumHeight(72)
        self.plus.setShortcut("+")
        self.plus.clicked.connect(lambda: self.add(1))
        self.minus = QPushButton(self.tr("−1"))
        self.minus.setObjectName("tally_minus")
        self.minus.setMinimumHeight(72)
        self.minus.clicked.connect(lambda: self.add(-1))
        self.concern = QPlainTextEdit()
        self.concern.setTabChangesFocus(True)
        self.concern.setPlaceholderText(
            self.tr("Concerns heard (without names; link to a household later)")
        )
        self.concern.setAccessibleName(self.tr("Concerns"))
        self.save_button = QPushButton(self.tr("Save the gathering"))
        self.save_button.setObjectName("tally_save")
        self.save_button.clicked.connect(self.save)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.recent = QListWidget()
        self.recent.setAccessibleName(self.tr("Recent gatherings"))

        form = QFormLayout()
        form.addRow(self.tr("Kind"), self.kind)
        form.addRow(self.tr("Area"), self.area)
        form.addRow(self.tr("Place"), self.place)
        form.addRow(self.tr("Date"), self.date)
        taps = QHBoxLayout()
        taps.addWidget(self.minus, 1)
        taps.addWidget(self.counter, 2)
        taps.addWidget(self.plus, 3)
        left = QVBoxLayout()
        left.addLayout(form)
        left.addLayout(taps)
        left.addWidget(self.concern, 1)
        left.addWidget(self.save_button)
        left.addWidget(self.message)
        right = QVBoxLayout()
        right.addWidget(QLabel(self.tr("Recent gatherings")))
        right.addWidget(self.recent, 1)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addLayout(right, 2)
        session.changed.connect(self.apply_changes)
        self.reset()

    def reset(self) -> None:
        self.count = 0
        self.counter.setText("0")
        self.concern.clear()
        self.date.setText(today().isoformat())
        self.area.set_code(str(QSettings().value("profile/area", "") or "honcho"))

    def add(self, step: int) -> None:
        self.count = max(0, self.count + step)
        self.counter.setText(str(self.count))

    def save(self) -> None:
        vault = self.session.vault
        if vault is None:
            return
        fields = {
            "kind": self.kind.code(),
            "date": self.date.text().strip(),
            "place": self.place.text().strip(),
            "contacts": self.count,
            "content": self.concern.toPlainText().strip(),
        }
        try:
            _, changes = record_outreach(vault, self.area.code(), fields, today=today())
        except RecordInvalid as exc:
            self.message.setText("\n".join(field_error_text(e) for e in exc.errors))
            return
        self.message.setText(self.tr("Saved: %1 people.").replace("%1", str(self.count)))
        self.reset()
        self.session.notify(changes)

    def refresh(self) -> None:
        vault = self.session.vault
        if vault is None:
            return
        self.recent.clear()
        for activity in gatherings(vault)[:50]:
            self.recent.addItem(
                f"{activity.get('date', '')}　"
                f"{v.ACTIVITY_KINDS.label(str(activity.get('kind', '')))}"
                f"　{activity.get('place', '')}　{activity.get('contacts', 0)}" + self.tr(" people")
            )

    def apply_changes(self, changes: OpChanges) -> None:
        if changes.touches("activity"):
            self.refresh()

    def forget(self) -> None:
        self.recent.clear()
        self.concern.clear()
        self.place.clear()
        self.message.clear()
        self.count = 0
        self.counter.setText("0")
