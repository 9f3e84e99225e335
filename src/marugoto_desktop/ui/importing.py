"""取り込み: records from a JSON Lines file (the exchange format), in the background; every
bad line named in Japanese, and nothing imported while any is bad."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from ..operations.changes import OpChanges
from ..operations.exchange import MAX_ERRORS_SHOWN, ImportFailed, ImportProblem, ImportResult
from ..operations.exchange import import_file as import_records_from
from .background import Runner
from .file_dialogs import chosen_path, file_dialog
from .messages import field_error_text, field_label, os_error_text, vault_error_text
from .session import Session

translate = QCoreApplication.translate


def problem_text(problem: ImportProblem) -> str:
    """One bad line: 「12 行目：生年月日：日付は 2025-04-01 のように入力してください。」"""
    params = problem.params
    whole_line = {
        "not_json": translate("Importing", "This line is not JSON Lines (one record a line)."),
        "line_too_long": translate("Importing", "This line is too long."),
        "not_an_object": translate("Importing", "This line is not one record."),
        "not_utf8": translate(
            "Importing", "This line is not UTF-8 text. Save the file as UTF-8 and try again."
        ),
    }
    if problem.code in whole_line:
        text = whole_line[problem.code]
    elif problem.code == "duplicate_id":
        text = translate("Importing", "The same record is already on line %1.").replace(
            "%1", str(params.get("first_line", ""))
        )
    elif problem.code == "null":
        text = translate("Importing", "An empty value is written as null: leave it out instead.")
    else:
        text = field_error_text(problem)
    where = (
        translate("Importing", "Line %1").replace("%1", str(problem.line))
        if problem.line is not None
        else translate("Importing", "A line")
    )
    if problem.field in ("", "-"):
        return f"{where}：{text}"
    label = field_label(problem.record_type, problem.field)
    if label == problem.field:  # a name the file has and the format does not: as written
        label = f"「{label}」"
    return f"{where}：{label}：{text}"


def import_failed_text(error: BaseException) -> str:
    """Why nothing was imported, in Japanese."""
    if isinstance(error, ImportFailed):
        shown = [problem_text(p) for p in error.problems[:MAX_ERRORS_SHOWN]]
        more = len(error.problems) - len(shown)
        if more > 0:
            shown.append(translate("Importing", "…and %1 more.").replace("%1", str(more)))
        heading = translate(
            "Importing", "Nothing was imported. Correct these lines and import the file again:"
        )
        return "\n".join([heading, *shown])
    if isinstance(error, UnicodeDecodeError):
        return problem_text(ImportProblem(None, None, "-", "not_utf8"))
    if isinstance(error, OSError):
        return translate("Importing", "The file could not be read: %1").replace(
            "%1", os_error_text(error)
        )
    return vault_error_text(error)


def result_text(result: ImportResult) -> str:
    return (
        translate("Importing", "Imported: %1 new, %2 changed, %3 unchanged.")
        .replace("%1", str(result.created))
        .replace("%2", str(result.updated))
        .replace("%3", str(result.unchanged))
    )


def kept_as_named_text(result: ImportResult) -> str:
    """The households the file's meetings name that neither the file nor this vault holds
    (docs/exchange-format.md, Export), and what became of them; empty when there are none."""
    households = len(result.elsewhere)  # (a plain name: lupdate does not read a call here)
    if not households:
        return ""
    return translate(
        "Importing",
        "%1 meeting(s) of the file name %n household(s) this computer does not hold. They "
        "are kept as the meetings name them, as households of areas this computer does not "
        "hold: their records, and the consent a 重層的支援会議 needs, are checked on a "
        "computer that holds their area (the office's).",
        "",
        households,
    ).replace("%1", str(result.elsewhere_in))


class Importer(QObject):
    """The window's 取り込み: asks for the file, imports in the background, says how it went."""

    imported = Signal(str)  # what was imported, in words
    failed = Signal(str)  # why nothing was, in words

    def __init__(self, session: Session, runner: Runner, window: QWidget) -> None:
        super().__init__(window)
        self.session = session
        self.runner = runner
        self.window = window

    def ask_path(self) -> Path | None:
        """The file to import (Qt's own dialog, in Japanese)."""
        return chosen_path(
            file_dialog(
                self.window,
                translate("Importing", "Import records"),
                Path.home(),
                translate("Importing", "Import"),
                name_filter=translate("Importing", "JSON Lines (*.jsonl *.json *.txt)"),
            )
        )

    def start(self) -> None:
        if self.session.vault is None:
            return
        path = self.ask_path()
        if path is not None:
            self.import_file(path)

    def import_file(self, path: Path) -> None:
        vault = self.session.vault
        if vault is None:
            return

        def done(result: ImportResult) -> None:
            if self.session.vault is not vault:
                return
            # An import may touch any record; it cannot say which without reading them all.
            self.session.notify(OpChanges.everything())
            self.imported.emit(result_text(result))
            kept = kept_as_named_text(result)
            if kept:  # more than a status line can say: a person should read it
                box = QMessageBox(
                    QMessageBox.Icon.Information,
                    translate("Importing", "Imported"),
                    f"{result_text(result)}\n\n{kept}",
                    parent=self.window,
                )
                box.setObjectName("import_result")
                box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
                box.open()

        def failed(error: Exception) -> None:
            text = import_failed_text(error)
            self.failed.emit(text)
            box = QMessageBox(
                QMessageBox.Icon.Warning,
                translate("Importing", "Not imported"),
                text,
                parent=self.window,
            )
            box.setObjectName("import_refusal")
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()

        self.runner.run(
            translate("Importing", "Importing…"),
            lambda: import_records_from(vault, path),
            done,
            failed,
        )
