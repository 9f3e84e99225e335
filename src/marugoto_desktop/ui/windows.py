"""The main window: unlock or first run, then the workspace with its navigation.

The workspace (every screen that shows personal data) is built on unlock and destroyed on
lock, so no value, model row or undo stack outlives the vault being open.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from ..operations import documents
from ..vault import Vault
from .about import AboutDialog
from .activity import ActivityDialog
from .auto_sync import AutoSync
from .background import Busy, Runner, run_in_background
from .backup import BackupMaker
from .directory import AgenciesPage, MeetingsPage
from .home import HomePage
from .households import HouseholdsPage
from .importing import Importer
from .outreach import OutreachPage
from .printing import AgencySheetDialog, DayDialog, Printer
from .reports_page import ReportsPage
from .session import Session
from .settings_page import SettingsPage, text_size
from .sync_page import SyncPage
from .system_lock import SystemLockWatch
from .unlock import FirstRunPage, UnlockPage


class Workspace(QWidget):
    """Navigation on the left, the chosen screen on the right.

    Only 世帯 (the list unlock shows, and the keyboard path's) is built with the workspace;
    every other screen is built the first time it is shown or asked for (`page(name)`, or its
    property): building all eight took a third of the time from unlock to the list. A screen
    never built holds nothing to forget on lock; a built one is forgotten with the rest.
    """

    SCREENS = (
        "home",
        "households",
        "outreach",
        "meetings",
        "agencies",
        "reports",
        "sync",
        "settings",
    )
    text_size_changed = Signal(int)
    built = Signal(str)  # a screen's name, once it is built

    def __init__(
        self, session: Session, runner: Runner, printer: Printer, parent: QWidget | None = None
    ) -> None:
        # Built inside the window: a parentless widget takes the focus from the window.
        super().__init__(parent)
        self.setObjectName("workspace")
        self.session = session
        self.runner = runner
        self.printer = printer
        self._pages: dict[str, QWidget] = {}
        titles = (
            self.tr("Home"),
            self.tr("Households"),
            self.tr("Outreach tally"),
            self.tr("Meetings"),
            self.tr("Agencies"),
            self.tr("Reports"),
            self.tr("Sync"),
            self.tr("Settings"),
        )
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setAccessibleName(self.tr("Screens"))
        self.nav.setFixedWidth(150)
        self.nav.setStyleSheet("QListWidget#navigation::item { padding: 7px 10px; }")
        self.stack = QStackedWidget()
        for number, title in enumerate(titles, 1):
            self.nav.addItem(f"{title}\tCtrl+{number}")
            self.nav.item(number - 1).setText(title)
            self.nav.item(number - 1).setToolTip(f"Ctrl+{number}")
            self.stack.addWidget(QWidget())  # (a stand-in until the screen is built)
        self.households = HouseholdsPage(session)
        self._put("households", self.households)
        self.nav.currentRowChanged.connect(self.show_screen)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)

    # -- screens, built when first wanted ----------------------------------------------------

    def _build(self, name: str) -> QWidget:
        session = self.session
        if name == "home":
            home = HomePage(session)
            home.household_wanted.connect(self.open_household)
            return home
        if name == "outreach":
            return OutreachPage(session)
        if name == "meetings":
            return MeetingsPage(session)
        if name == "agencies":
            return AgenciesPage(session)
        if name == "reports":
            return ReportsPage(session, self.runner, self.printer)
        if name == "sync":
            return SyncPage(session, self.runner)
        if name == "settings":
            settings = SettingsPage(session)
            settings.text_size_changed.connect(self.text_size_changed)
            return settings
        raise KeyError(name)

    def _put(self, name: str, page: QWidget) -> None:
        index = self.SCREENS.index(name)
        stand_in = self.stack.widget(index)
        assert stand_in is not None
        current = self.stack.currentIndex()
        self.stack.insertWidget(index, page)
        self.stack.removeWidget(stand_in)
        stand_in.deleteLater()
        self.stack.setCurrentIndex(current)
        self._pages[name] = page

    def page(self, name: str) -> QWidget:
        """The screen `name`, built now if it was not yet."""
        page = self._pages.get(name)
        if page is None:
            page = self._build(name)
            self._put(name, page)
            self.built.emit(name)
        return page

    def built_page(self, name: str) -> QWidget | None:
        """The screen `name` if it was built, else None (asking builds nothing)."""
        return self._pages.get(name)

    def is_shown(self, name: str) -> bool:
        page = self._pages.get(name)
        return page is not None and self.stack.currentWidget() is page

    @property
    def home(self) -> HomePage:
        return cast(HomePage, self.page("home"))

    @property
    def outreach(self) -> OutreachPage:
        return cast(OutreachPage, self.page("outreach"))

    @property
    def meetings(self) -> MeetingsPage:
        return cast(MeetingsPage, self.page("meetings"))

    @property
    def agencies(self) -> AgenciesPage:
        return cast(AgenciesPage, self.page("agencies"))

    @property
    def reports(self) -> ReportsPage:
        return cast(ReportsPage, self.page("reports"))

    @property
    def sync(self) -> SyncPage:
        return cast(SyncPage, self.page("sync"))

    @property
    def settings(self) -> SettingsPage:
        return cast(SettingsPage, self.page("settings"))

    def pages(self) -> list[QWidget]:
        """The screens built so far."""
        return list(self._pages.values())

    def load(self) -> None:
        self.households.load()
        self.nav.setCurrentRow(0)
        self.show_screen(0)

    def show_screen(self, index: int) -> None:
        if not 0 <= index < self.stack.count():
            return
        if self.nav.currentRow() != index:
            self.nav.blockSignals(True)
            self.nav.setCurrentRow(index)
            self.nav.blockSignals(False)
        page = self.page(self.SCREENS[index])
        self.stack.setCurrentWidget(page)
        refresh = getattr(page, "refresh", None)
        if callable(refresh) and page is not self.households:
            refresh()

    def show_named(self, name: str) -> None:
        self.show_screen(self.SCREENS.index(name))

    def open_household(self, household_id: str) -> None:
        self.show_named("households")
        self.households.open_household(household_id)

    def forget(self) -> None:
        for page in self.pages():
            forget = getattr(page, "forget", None)
            if callable(forget):
                forget()


class MainWindow(QMainWindow):
    locked = Signal()

    def __init__(self, default_vault: Path | None = None) -> None:
        super().__init__()
        self.setWindowTitle(self.tr("Marugoto welfare records"))
        self.setObjectName("main_window")
        self.session = Session(self)
        self.busy = Busy()
        self.runner = Runner(self.busy)
        self.printer = Printer(self.session, self.runner)
        self.printer.start()  # (empties what a crash left in the print folder)
        self.printer.opened.connect(self._document_opened)
        self.printer.failed.connect(self._document_failed)
        self.importer = Importer(self.session, self.runner, self)
        self.importer.imported.connect(lambda text: self.statusBar().showMessage(text, 15000))
        self.backup_maker = BackupMaker(self.session, self.runner, self)
        self.backup_maker.made.connect(lambda text: self.statusBar().showMessage(text, 15000))
        self.statusBar().addPermanentWidget(self.busy)
        self.pages = QStackedWidget()
        self.unlock_page = UnlockPage(self.runner, default_vault)
        self.first_run_page = FirstRunPage(self.runner)
        self.unlock_page.opened.connect(self.open_vault)
        self.first_run_page.opened.connect(self.open_vault)
        self.unlock_page.first_run_wanted.connect(self.show_first_run)
        self.first_run_page.back_wanted.connect(self.show_unlock)
        self.pages.addWidget(self.unlock_page)
        self.pages.addWidget(self.first_run_page)
        self.setCentralWidget(self.pages)
        self.workspace: Workspace | None = None
        self.activity_dialog: ActivityDialog | None = None
        self.session.locked.connect(self._forget_workspace)
        self.auto_sync = AutoSync(self.session, self._syncing, self)
        self.auto_sync.wanted.connect(self._sync_by_itself)
        self.system_lock = SystemLockWatch(self.session, parent=self)
        self.system_lock.start()
        self._actions()
        self._restore_geometry()
        known = default_vault or QSettings().value("vault/folder", "")
        if not known:
            self.pages.setCurrentWidget(self.first_run_page)

    @property
    def vault(self) -> Vault | None:
        return self.session.vault

    # -- actions and shortcuts -------------------------------------------------------------

    def _action(self, text: str, shortcut: Any, slot: Any, name: str) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _actions(self) -> None:
        self.search_action = self._action(
            self.tr("Find household"), QKeySequence.StandardKey.Find, self.find_household, "find"
        )
        self.new_activity_action = self._action(
            self.tr("New activity"), QKeySequence.StandardKey.New, self.new_activity, "new_activity"
        )
        self.import_action = self._action(
            self.tr("Import records (JSON Lines)…"), "", self.import_records, "import"
        )
        self.backup_action = self._action(
            self.tr("Create backup…"), "", self.create_backup, "backup"
        )
        self.lock_action = self._action(self.tr("Lock"), "Ctrl+L", self.lock, "lock")
        self.quit_action = self._action(
            self.tr("Lock and quit"), QKeySequence.StandardKey.Quit, self.lock_and_quit, "quit"
        )
        if self.quit_action.shortcut().isEmpty():
            self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.print_action = self._action(
            self.tr("Print what is shown"),
            QKeySequence.StandardKey.Print,
            self.print_shown,
            "print",
        )
        self.print_activity_action = self._action(
            self.tr("Activity record of the chosen activity"),
            "",
            self.print_activity,
            "print_activity",
        )
        self.print_household_action = self._action(
            self.tr("Face sheet of the household"), "", self.print_household, "print_household"
        )
        self.print_agency_action = self._action(
            self.tr("Face sheet for an agency…"), "", self.print_for_agency, "print_for_agency"
        )
        self.print_day_action = self._action(
            self.tr("Day's report…"), "", self.print_day, "print_day"
        )
        for number in range(1, len(Workspace.SCREENS) + 1):
            self._action(
                "",
                f"Ctrl+{number}",
                lambda _=False, i=number - 1: self._screen(i),
                f"screen_{number}",
            )
        menu = self.menuBar().addMenu(self.tr("&File"))
        menu.addAction(self.search_action)
        menu.addAction(self.new_activity_action)
        menu.addAction(self.import_action)
        menu.addAction(self.backup_action)
        menu.addSeparator()
        menu.addAction(self.lock_action)
        menu.addAction(self.quit_action)
        printing = self.menuBar().addMenu(self.tr("&Print"))
        printing.addAction(self.print_action)
        printing.addSeparator()
        for action in (
            self.print_activity_action,
            self.print_household_action,
            self.print_agency_action,
            self.print_day_action,
        ):
            printing.addAction(action)
        self.about_action = self._action(
            self.tr("About marugoto-desktop…"), "", self.about, "about"
        )
        self.menuBar().addMenu(self.tr("&Help")).addAction(self.about_action)

    def about(self) -> None:
        AboutDialog(self).exec()

    def _screen(self, index: int) -> None:
        if self.workspace is not None:
            self.workspace.show_screen(index)

    # -- opening and locking ---------------------------------------------------------------

    def open_vault(self, vault: Vault) -> None:
        self.session.open(vault)
        self.unlock_page.folder.setText(
            str(vault.folder)
        )  # the next unlock asks only the passphrase
        self.workspace = Workspace(self.session, self.runner, self.printer, self.pages)
        self.workspace.households.detail.print_wanted.connect(self.print_household)
        self.workspace.households.detail.print_for_agency_wanted.connect(self.print_for_agency)
        self.workspace.households.detail.print_activity_wanted.connect(self.print_activity)
        self.workspace.text_size_changed.connect(apply_text_size)
        self.workspace.households.detail.new_activity_wanted.connect(self.new_activity)
        self.pages.addWidget(self.workspace)
        self.pages.setCurrentWidget(self.workspace)
        self.workspace.load()
        # The fonts every document embeds, loaded ahead so that the first print is quick.
        run_in_background(documents.prepare, _ignore, _ignore)
        self.setWindowTitle(self.tr("Marugoto welfare records") + f" — {vault.folder.name}")

    def show_first_run(self) -> None:
        self.pages.setCurrentWidget(self.first_run_page)

    def show_unlock(self) -> None:
        self.pages.setCurrentWidget(self.unlock_page)
        self.unlock_page.focus_first()

    def lock(self) -> None:
        """Forget every decrypted value and close the vault."""
        self.session.lock()
        self.show_unlock()

    def _forget_workspace(self) -> None:
        for page in (self.unlock_page, self.first_run_page):
            page.forget()
        workspace, self.workspace = self.workspace, None
        if workspace is None:
            return
        workspace.households.save_state()
        # Every dialog goes with the workspace: a new activity, a print choice, a message.
        for dialog in workspace.findChildren(QDialog) + self.findChildren(QDialog):
            dialog.done(0)
        workspace.forget()
        self.pages.removeWidget(workspace)
        workspace.hide()
        workspace.setParent(None)
        workspace.deleteLater()
        self.setWindowTitle(self.tr("Marugoto welfare records"))
        self.show_unlock()

    # -- sync by itself --------------------------------------------------------------------

    def _syncing(self) -> bool:
        page = self.workspace.built_page("sync") if self.workspace is not None else None
        return isinstance(page, SyncPage) and page.running

    def _sync_by_itself(self) -> None:
        """The office server answers again: the 同期 button's sync, with its progress,
        cancel and errors (on the 同期 screen and in the busy indicator)."""
        if self.workspace is None:
            return
        self.statusBar().showMessage(self.tr("The office server answers: syncing by itself."), 8000)
        self.workspace.sync.sync_now()

    def import_records(self) -> None:
        if self.workspace is not None:
            self.importer.start()

    def create_backup(self) -> None:
        if self.workspace is not None:
            self.backup_maker.start()

    def lock_and_quit(self) -> None:
        """Ctrl+Q: the app ends when its last window closes."""
        self.lock()
        self.close()

    # -- the keyboard path -----------------------------------------------------------------

    def find_household(self) -> None:
        if self.workspace is None:
            return
        self.workspace.show_named("households")
        self.workspace.households.focus_search()

    def new_activity(self) -> None:
        """A new activity for the household shown; the timeline shows it on top after save."""
        workspace = self.workspace
        if workspace is None:
            return
        detail = workspace.households.detail
        if detail.detail is None or workspace.stack.currentWidget() is not workspace.households:
            workspace.show_named("households")
            workspace.households.focus_search()
            self.statusBar().showMessage(self.tr("Open a household first (Ctrl+F)."), 5000)
            return
        dialog = ActivityDialog(self.session, detail.detail.household, self)
        self.activity_dialog = dialog
        dialog.finished.connect(lambda result: self._activity_done(dialog, result))
        dialog.open()
        dialog.activateWindow()
        dialog.kind.setFocus()

    def _activity_done(self, dialog: ActivityDialog, result: int) -> None:
        self.activity_dialog = None
        self.activateWindow()
        if result and dialog.changes is not None and self.workspace is not None:
            self.session.notify(dialog.changes)
            self.workspace.households.detail.show_latest_activity()
        dialog.deleteLater()

    # -- printing --------------------------------------------------------------------------

    def print_shown(self) -> None:
        """Ctrl+P: the document of what is on the screen — the chosen activity on the
        timeline, else the household's face sheet; the figures on 集計; the day elsewhere."""
        workspace = self.workspace
        if workspace is None:
            return
        shown = workspace.stack.currentWidget()
        if shown is workspace.households and workspace.households.detail.detail is not None:
            detail = workspace.households.detail
            if detail.tabs.currentWidget() is detail.activities and detail.activities.current:
                self.print_activity()
            else:
                self.print_household()
        elif workspace.is_shown("reports"):
            workspace.reports.print_figures()
        else:
            self.print_day()

    def _household_shown(self) -> str | None:
        workspace = self.workspace
        if workspace is None or workspace.households.detail.detail is None:
            self.statusBar().showMessage(self.tr("Open a household first (Ctrl+F)."), 5000)
            return None
        return workspace.households.detail.detail.household.id

    def print_activity(self) -> None:
        if self._household_shown() is None:
            return
        assert self.workspace is not None
        activity = self.workspace.households.detail.activities.current
        if activity is None:
            self.statusBar().showMessage(
                self.tr("Choose an activity on the household's timeline first."), 5000
            )
            return
        self.printer.print_activity(activity.id)

    def print_household(self) -> None:
        household_id = self._household_shown()
        if household_id is not None:
            self.printer.print_household(household_id)

    def print_for_agency(self) -> None:
        household_id = self._household_shown()
        if household_id is None:
            return
        dialog = AgencySheetDialog(self.session, self)
        if dialog.exec() and self.session.vault is not None:
            self.printer.print_household(
                household_id, for_agency=dialog.agency.code(), purpose=dialog.purpose.code()
            )

    def print_day(self) -> None:
        if self.session.vault is None:
            return
        dialog = DayDialog(self.session, self)
        if dialog.exec() and self.session.vault is not None:
            day = dialog.chosen_day()
            if day is not None:
                self.printer.print_day(day, dialog.chosen_consultant())

    def _document_opened(self, path: Any) -> None:
        self.statusBar().showMessage(
            self.tr("Opened for printing. The copy is removed when you lock or quit."), 8000
        )

    def _document_failed(self, text: str) -> None:
        self.statusBar().showMessage(text, 15000)
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Not printed"), text, parent=self)
        box.setObjectName("print_refusal")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()  # (not exec: the window goes on; a lock closes it with the rest)

    # -- window state ----------------------------------------------------------------------

    def _restore_geometry(self) -> None:
        geometry = QSettings().value("window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1200, 780)

    def closeEvent(self, event: Any) -> None:
        QSettings().setValue("window/geometry", self.saveGeometry())
        self.lock()
        self.printer.empty()  # (lock empties it too; this covers a window closed while locked)
        super().closeEvent(event)


def apply_text_size(size: int | None = None) -> None:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        font = app.font()
        font.setPointSize(size or text_size())
        app.setFont(font)


def _ignore(_: object) -> None:
    """Work done ahead of need: a failure shows when the need comes."""
