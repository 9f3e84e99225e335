"""Every error a person can meet is in Japanese, written by the UI from codes: validation next
to each field (every form walked with bad input), files and folders, sync, import."""

from __future__ import annotations

import errno
import json
import re
import shutil
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel, QLineEdit, QMessageBox, QPlainTextEdit

from marugoto_desktop.domain.ids import new_id
from marugoto_desktop.domain.schema import SCHEMAS, Kind
from marugoto_desktop.domain.validation import ERROR_CODES, FieldError
from marugoto_desktop.operations.demo import write_demo
from marugoto_desktop.operations.sync import CaCertificateUnusable
from marugoto_desktop.ui.forms import RecordForm
from marugoto_desktop.ui.importing import import_failed_text
from marugoto_desktop.ui.messages import field_error_text, vault_error_text
from marugoto_desktop.ui.printing import document_error_text
from marugoto_desktop.ui.sync_page import resolution_error_text, sync_error_text
from marugoto_desktop.ui.windows import MainWindow
from marugoto_desktop.vault import KdfParams, Vault
from marugoto_desktop.vault.replica import ConflictNotFound
from marugoto_sync.client import UNTRUSTED_CERTIFICATE, DeviceRetired, SyncError

from ..conftest import PASSPHRASE

# English words of three letters or more: what must not reach a person. (Codes a person is
# asked to quote to the office are shown as such, in parentheses after コード.)
ENGLISH = re.compile(r"[A-Za-z]{3,}")
GENERIC = "この値を確認してください。"
PARAMS = {
    "too_long": {"max_length": 40},
    "too_many": {"max_items": 10},
    "out_of_range": {"minimum": 0, "maximum": 999},
    "before": {"other": "granted_on", "value": "2025-04-01"},
    "unknown_code": {"value": "x", "vocabulary": "y"},
}


def english(text: str) -> list[str]:
    """(A name quoted from the file, 「nickname」, is the file's, not the UI's words.)"""
    text = re.sub(r"「[^」]*」", "", text.replace("https://", "").replace("JSON Lines", ""))
    return ENGLISH.findall(text)


@pytest.mark.parametrize("code", ERROR_CODES)
def test_every_validation_code_has_its_own_japanese(qapp, code):
    error = FieldError(new_id(), "consent", "withdrawn_on", "English", code, PARAMS.get(code, {}))
    text = field_error_text(error)
    assert text != GENERIC, f"{code} has no words of its own"
    assert english(text) == []


def test_the_parameters_are_in_the_sentence(qapp):
    def text(code: str) -> str:
        return field_error_text(FieldError("x", "consent", "withdrawn_on", "", code, PARAMS[code]))

    assert "40" in text("too_long") and "10" in text("too_many")
    assert "0" in text("out_of_range") and "999" in text("out_of_range")
    assert "同意日" in text("before") or SCHEMAS["consent"].field("granted_on").label in (
        text("before")
    )


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), "ディスクの空きがありません"),
        (OSError(errno.EROFS, "Read-only file system"), "読み取り専用"),
        (PermissionError(errno.EACCES, "Permission denied"), "書き込めません"),
        (OSError(errno.EHOSTDOWN, "Host is down"), "システムエラー"),
        (RuntimeError("boom"), "問題が起きました"),
    ],
)
def test_files_folders_and_the_unexpected_in_japanese(qapp, error, words):
    for text in (vault_error_text(error), document_error_text(error)):
        assert english(text) == [], text
    assert words in vault_error_text(error)


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (SyncError("too_many_attempts"), "試行が多すぎます"),
        (SyncError("busy"), "混み合って"),
        (SyncError("bad_answer", error="Expecting value"), "応答を読み取れません"),
        (SyncError("unreachable", reason=UNTRUSTED_CERTIFICATE, error="CERT"), "証明書"),
        (OSError(errno.ENOENT, "No such file"), "証明書ファイル"),
        (DeviceRetired("device_retired", pushed=3), "利用を終了"),
        (SyncError("retire_blocked", unsent=2), "何も消去していません"),
        (CaCertificateUnusable(Path("/事務所/証明書"), "not_pem"), "証明書ではありません"),
        (CaCertificateUnusable(Path("/事務所/証明書"), "kept_path_missing"), "見つかりません"),
        (ValueError("unexpected"), "同期できませんでした"),
    ],
)
def test_sync_failures_in_japanese(qapp, error, words):
    text = sync_error_text(error)
    assert words in text and english(text) == []


def test_a_settlement_refused_in_japanese(qapp):
    text = resolution_error_text(ConflictNotFound("no open conflict 1234"))
    assert "解決されています" in text and english(text) == []


# -- every form, walked with bad input ------------------------------------------------------


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("demo") / "vault"
    with Vault.create(folder, PASSPHRASE, kdf=KdfParams()) as vault:
        write_demo(vault, 12)
    return folder


@pytest.fixture
def window(qtbot, demo_template, tmp_path) -> MainWindow:
    folder = tmp_path / "vault"
    shutil.copytree(demo_template, folder)
    window = MainWindow(default_vault=folder)
    qtbot.addWidget(window)
    window.show()
    window.open_vault(Vault.open(folder, PASSPHRASE))
    return window


def _fill_badly(form: RecordForm) -> None:
    """What a hurried person might type: impossible dates and times, words for numbers,
    text longer than the field holds."""
    for spec in form.specs:
        editor = form.editors[spec.name]
        if isinstance(editor, QPlainTextEdit):
            editor.setPlainText("あ" * (spec.max_length + 1))
        elif isinstance(editor, QLineEdit):
            bad = {
                Kind.DATE: "2025-02-30",
                Kind.TIME: "25:61",
                Kind.INT: "たくさん",
            }.get(spec.kind, "あ" * ((spec.max_length or 100) + 1))
            editor.setText(bad)


def _shown_errors(form: RecordForm) -> list[str]:
    labels = [*form.errors.values(), form.general_error]
    return [label.text() for label in labels if isinstance(label, QLabel) and label.text()]


def test_every_form_with_bad_input_answers_in_japanese(window):
    workspace = window.workspace
    households = workspace.households
    households.open_first()
    detail = households.detail
    forms = []
    detail.basic.set_values({})
    _fill_badly(detail.basic)
    detail.save_basic()
    forms.append(("household", detail.basic))
    for tab in (
        detail.members,
        detail.issues,
        detail.activities,
        detail.referrals,
        detail.consents,
        detail.meetings,
        workspace.agencies.tab,
        workspace.meetings.tab,
    ):
        if not tab.editable:
            continue
        tab.new()
        _fill_badly(tab.form)
        tab.save()
        forms.append((tab.record_type, tab.form))
    assert len(forms) >= 8
    for record_type, form in forms:
        shown = _shown_errors(form)
        assert shown, f"{record_type}: bad input was saved"
        for text in shown:
            assert english(text) == [], f"{record_type}: {text}"


# -- import ---------------------------------------------------------------------------------


def test_import_errors_name_each_line_in_japanese(window, qtbot, tmp_path):
    household = {
        "type": "household",
        "id": new_id(),
        "area": "mure",
        "name": "取込家",
        "status": "active",
    }
    bad_date = {
        "type": "person",
        "id": new_id(),
        "area": "mure",
        "parent_id": household["id"],
        "name": "取込太郎",
        "birth_date": "1950-02-30",
    }
    lines = [
        json.dumps(household, ensure_ascii=False),
        "{not json",
        json.dumps({**household, "nickname": "x"}, ensure_ascii=False),
        json.dumps(household, ensure_ascii=False),  # the same id again
        json.dumps({"type": "spaceship", "id": new_id()}),
    ]
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    failures: list[str] = []
    window.importer.failed.connect(failures.append)
    window.importer.import_file(path)
    qtbot.waitUntil(lambda: bool(failures), timeout=20_000)
    text = failures[0]
    assert "何も取り込んでいません" in text
    for line in (2, 3, 4, 5):
        assert f"{line} 行目" in text
    assert "「nickname」" in text
    assert english(text) == [], text
    box = window.findChild(QMessageBox, "import_refusal")
    assert box is not None and box.text() == text
    box.done(0)

    # Lines that parse but do not validate: named by line and field label, in Japanese.
    path.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in (household, bad_date)) + "\n",
        encoding="utf-8",
    )
    failures.clear()
    window.importer.import_file(path)
    qtbot.waitUntil(lambda: bool(failures), timeout=20_000)
    label = SCHEMAS["person"].field("birth_date").label
    assert f"2 行目：{label}：日付は" in failures[0]
    assert english(failures[0]) == []
    assert window.vault.get(household["id"]) is None  # nothing imported

    # A good file goes in, and the views hear of it.
    path.write_text(json.dumps(household, ensure_ascii=False) + "\n", encoding="utf-8")
    done: list[str] = []
    window.importer.imported.connect(done.append)
    window.importer.import_file(path)
    qtbot.waitUntil(lambda: bool(done) or len(failures) > 1, timeout=20_000)
    assert len(failures) == 1, failures[1:]
    assert done[0] == "取り込みました：新規 1 件、変更 0 件、変更なし 0 件。"
    assert window.vault.get(household["id"]).get("name") == "取込家"
    households = window.workspace.households
    qtbot.waitUntil(lambda: households.model.row_of(household["id"]) >= 0, timeout=10_000)


def test_an_import_says_which_households_it_kept_as_named(window, qtbot, tmp_path):
    # An export of a laptop that holds only its user's areas: its meetings name households
    # of other areas, which are not in the file (docs/exchange-format.md, "Export").
    far, farther = new_id(), new_id()
    meetings = [
        {"type": "meeting", "id": new_id(), "date": "2025-06-10", "meeting_type": "regular",
         "household_ids": ids}
        for ids in ([far], [far, farther])
    ]  # fmt: skip
    path = tmp_path / "export.jsonl"
    path.write_text("".join(json.dumps(m) + "\n" for m in meetings), encoding="utf-8")
    done: list[str] = []
    window.importer.imported.connect(done.append)
    window.importer.import_file(path)
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "import_result") is not None)
    box = window.findChild(QMessageBox, "import_result")
    assert done == ["取り込みました：新規 2 件、変更 0 件、変更なし 0 件。"]
    assert box.text().startswith(done[0] + "\n\n")
    assert "会議 2 件が、このパソコンにない世帯 2 件を検討世帯に挙げています" in box.text()
    assert "挙げられたとおりに残しました" in box.text()
    assert english(box.text()) == [], box.text()
    box.done(0)
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "import_result") is None)
    assert window.vault.get(meetings[1]["id"]).get("household_ids") == [far, farther]

    # A file whose meetings name only what it or the vault holds: the status line says it all.
    household = next(iter(window.vault.records("household")))
    path.write_text(
        json.dumps({**meetings[0], "id": new_id(), "household_ids": [household.id]}) + "\n",
        encoding="utf-8",
    )
    window.importer.import_file(path)
    qtbot.waitUntil(lambda: len(done) == 2)
    assert window.findChild(QMessageBox, "import_result") is None


def test_import_of_a_file_that_is_gone(qapp, tmp_path):
    text = import_failed_text(FileNotFoundError(errno.ENOENT, "No such file"))
    assert "見つかりません" in text and english(text) == []
