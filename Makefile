# remote-rendering: one Rust core for the Azure Remote Rendering API, with bindings.
#
#   make emulator   run the local emulator of the service (the main job for now)
#   make test       build everything and run every test suite (what CI runs)
#   make lint       formatting and clippy, warnings as errors
#
# Later issues add their language's suites (Python, Node, C/C++) to `test`.

CARGO ?= cargo

.PHONY: all test test-rust lint emulator clean

all: test

test: lint test-rust

test-rust:
	$(CARGO) test --workspace --locked

# fmt and clippy ship with rustup's default profile; a toolchain without them skips the check
# with a note instead of failing the build.
lint:
	@if $(CARGO) fmt --version >/dev/null 2>&1; then $(CARGO) fmt --all --check; \
	  else echo "note: rustfmt not installed, skipping the format check"; fi
	@if $(CARGO) clippy --version >/dev/null 2>&1; then $(CARGO) clippy --workspace --all-targets --locked -- -D warnings; \
	  else echo "note: clippy not installed, skipping lints"; fi

emulator:
	$(CARGO) run --release --locked -p remote-rendering-emulator

clean:
	$(CARGO) clean
