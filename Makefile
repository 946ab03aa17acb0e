# remote-rendering: one Rust core for the Azure Remote Rendering API, with bindings.
#
#   make quickstart the main job: a whole session and conversion (against the embedded emulator)
#   make emulator   run the local emulator of the service on its own
#   make test       build everything and run every test suite (what CI runs)
#   make lint       formatting and clippy, warnings as errors
#
# Later issues add their language's suites (Python, Node, C/C++) to `test`.

CARGO ?= cargo
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

PYTHON ?= python3
VENV ?= .venv
VPY := $(VENV)/bin/python

.PHONY: all test test-rust test-python python-develop smoke lint quickstart emulator clean

all: test

test: lint smoke test-python test-rust

# A venv with the build and test tools, from PyPI (created once, re-done when this file changes).
$(VENV)/.installed: Makefile
	$(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install --quiet --upgrade pip
	$(VPY) -m pip install --quiet "maturin>=1.9,<2" "pytest>=7" "mypy>=1.8"
	touch $@

# The package, installed editable in the venv (a debug build: quick to compile, fine for tests).
python-develop: $(VENV)/.installed
	cd python && ../$(VPY) -m maturin develop --quiet

# pytest, the stubs against the module, the public API and the walkthrough under mypy --strict,
# and the walkthrough itself against the embedded emulator.
test-python: python-develop
	cd python && ../$(VPY) -m mypy.stubtest remote_rendering._native
	cd python && ../$(VPY) -m mypy --strict remote_rendering examples/quickstart.py
	env -u ARR_ACCOUNT_ID $(VPY) python/examples/quickstart.py > /dev/null
	cd python && ../$(VPY) -m pytest -q tests

# Cargo's last line is a doc-test summary that may count 0 tests; end with the total instead.
test-rust:
	$(CARGO) test --workspace --locked 2>&1 | awk '{ print } /^test result:/ { p += $$4; f += $$6 } \
	  END { printf "rust: %d passed, %d failed\n", p, f }'

# The README's main job must keep working: run it against the embedded emulator (never a
# configured account, whatever the environment says).
smoke:
	env -u ARR_ACCOUNT_ID -u ARR_ACCOUNT_KEY $(CARGO) run --locked --quiet --example quickstart -p remote-rendering

# fmt and clippy ship with rustup's default profile; a toolchain without them skips the check
# with a note instead of failing the build.
lint:
	@if $(CARGO) fmt --version >/dev/null 2>&1; then $(CARGO) fmt --all --check; \
	  else echo "note: rustfmt not installed, skipping the format check"; fi
	@if $(CARGO) clippy --version >/dev/null 2>&1; then $(CARGO) clippy --workspace --all-targets --locked -- -D warnings; \
	  else echo "note: clippy not installed, skipping lints"; fi

quickstart:
	$(CARGO) run --release --locked --example quickstart -p remote-rendering

emulator:
	$(CARGO) run --release --locked -p remote-rendering-emulator

clean:
	$(CARGO) clean
