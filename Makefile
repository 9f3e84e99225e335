# The two commands a newcomer needs: `make run` and `make test`. Both create .venv when it is
# missing or older than pyproject.toml; nothing else has to be installed by hand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck contracts pytest bench clean venv i18n screenshots qt-libs \
	installer installer-smoke

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + "); set PYTHON=/path/to/python3.11")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	@if [ "$$(uname)" = Linux ] && [ -z "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
		echo "make run opens a window: start it from a desktop session (DISPLAY or WAYLAND_DISPLAY unset)"; \
		exit 1; \
	fi
	@$(MAKE) --no-print-directory qt-libs
	$(BIN)/python -m marugoto_desktop.ui $(if $(VAULT),--vault $(VAULT))

# Qt's xcb platform plugin needs system libraries that a bare Linux may lack: name the missing.
qt-libs: $(STAMP)
	@if [ "$$(uname)" = Linux ]; then \
		plugin=$$($(BIN)/python -c 'import PySide6, pathlib; print(next(pathlib.Path(PySide6.__file__).parent.glob("Qt/plugins/platforms/libqxcb.so"), ""))'); \
		missing=$$(ldd "$$plugin" $$(dirname "$$plugin")/../../lib/libQt6XcbQpa.so.6 2>/dev/null | awk '/not found/ {print $$1}' | sort -u); \
		if [ -n "$$missing" ]; then \
			echo "Qt cannot open a window: these system libraries are missing:"; \
			echo "$$missing" | sed 's/^/  /'; \
			echo "On Debian/Ubuntu: apt-get install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0 libegl1 libfontconfig1 libdbus-1-3"; \
			exit 1; \
		fi; \
	fi

# A PNG of every screen and dialog, filled with demo data (offscreen), into build/screenshots/.
screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m marugoto_desktop.ui.screenshots build/screenshots

lint: $(STAMP)
	$(BIN)/ruff check src sync tests bench installer
	$(BIN)/ruff format --check src sync tests bench installer

typecheck: $(STAMP)
	$(BIN)/mypy

contracts: $(STAMP)
	$(BIN)/lint-imports

# The suite on every core (pytest-xdist), one worker per core. Tests that must not run beside
# each other say so with an xdist_group mark (--dist loadgroup keeps a group on one worker).
# PYTEST_WORKERS=0 runs it in this one process.
PYTEST_WORKERS ?= auto
pytest: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

test: lint typecheck contracts pytest

bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .hypothesis build dist

# The packaged app (docs/packaging.md). It is built in an environment of its own, with the app's
# run-time dependencies and PyInstaller only, so that no test or server package can ride along.
IVENV := build/installer-venv
IBIN := $(IVENV)/bin
ISTAMP := $(IVENV)/.installed

$(ISTAMP): pyproject.toml
	@test -x $(IBIN)/python || $(PYTHON) -m venv $(IVENV)
	$(IBIN)/python -m pip install --quiet --upgrade pip
	$(IBIN)/python -m pip install --quiet -e '.[installer]'
	@touch $(ISTAMP)

# dist/marugoto-desktop/ and dist/marugoto-desktop-VERSION-PLATFORM.tar.gz. On Linux the smaller
# ICU data library is built with the C compiler (installer/icu_data.py).
installer: $(ISTAMP)
	@if [ "$$(uname)" = Linux ] && ! command -v cc >/dev/null; then \
		echo "make installer needs a C compiler on Linux: apt-get install build-essential"; \
		exit 1; \
	fi
	$(IBIN)/python installer/build.py

# Builds, then runs the frozen program headless in a clean HOME; prints the budgets.
installer-smoke: installer
	$(IBIN)/python installer/smoke.py

# Refresh the translation source from the UI code, then compile it (edit the .ts with Qt Linguist).
i18n: $(STAMP)
	$(BIN)/pyside6-lupdate -no-obsolete src/marugoto_desktop/ui/*.py -ts resources/i18n/marugoto_ja.ts
	$(BIN)/pyside6-lrelease resources/i18n/marugoto_ja.ts -qm resources/i18n/marugoto_ja.qm
