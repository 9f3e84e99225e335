# The two commands a newcomer needs: `make run` and `make test`. Both create .venv when it is
# missing or older than pyproject.toml; nothing else has to be installed by hand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck contracts pytest bench clean venv i18n

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
	@# Qt 6 on Linux needs libxcb-cursor0 from the system (Debian/Ubuntu: apt-get install libxcb-cursor0).
	$(BIN)/python -m marugoto_desktop.ui

lint: $(STAMP)
	$(BIN)/ruff check src sync tests bench
	$(BIN)/ruff format --check src sync tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

contracts: $(STAMP)
	$(BIN)/lint-imports

pytest: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest $(PYTEST_ARGS)

test: lint typecheck contracts pytest

bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .hypothesis

# Refresh the translation source from the UI code, then compile it (edit the .ts with Qt Linguist).
i18n: $(STAMP)
	$(BIN)/pyside6-lupdate -no-obsolete src/marugoto_desktop/ui/*.py -ts resources/i18n/marugoto_ja.ts
	$(BIN)/pyside6-lrelease resources/i18n/marugoto_ja.ts -qm resources/i18n/marugoto_ja.qm
