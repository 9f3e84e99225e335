"""Qt's own file and folder dialogs, in Japanese.

The system's native dialog may speak English, and Qt's qtbase_ja leaves a few of its labels
untranslated ("Look in", "Files of type"): every dialog of the app is made here, with those
labels in Japanese. (One translation context of its own: lupdate cannot tell the class of a
`parent.tr`, and such words went untranslated.)
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QWidget

translate = QCoreApplication.translate


def file_dialog(
    parent: QWidget,
    title: str,
    start: Path,
    accept: str,
    *,
    mode: QFileDialog.FileMode = QFileDialog.FileMode.ExistingFile,
    name_filter: str | None = None,
    save: bool = False,
    default_suffix: str | None = None,
) -> QFileDialog:
    dialog = QFileDialog(parent, title, str(start))
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    if save:
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    else:
        dialog.setFileMode(mode)
    if mode == QFileDialog.FileMode.Directory:
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    if name_filter is not None:
        dialog.setNameFilter(name_filter)
    if default_suffix:
        dialog.setDefaultSuffix(default_suffix)
    name = (
        translate("FileDialog", "Folder:")
        if mode == QFileDialog.FileMode.Directory
        else translate("FileDialog", "File name:")
    )
    words = (
        (QFileDialog.DialogLabel.LookIn, translate("FileDialog", "Look in:")),
        (QFileDialog.DialogLabel.FileName, name),
        (QFileDialog.DialogLabel.FileType, translate("FileDialog", "Files of type:")),
        (QFileDialog.DialogLabel.Accept, accept),
        (QFileDialog.DialogLabel.Reject, translate("FileDialog", "Cancel")),
    )
    for label, text in words:
        dialog.setLabelText(label, text)
    return dialog


def chosen_path(dialog: QFileDialog) -> Path | None:
    """The file the person chose in `dialog` (shown now), or None."""
    if dialog.exec() and dialog.selectedFiles():
        return Path(dialog.selectedFiles()[0])
    return None
