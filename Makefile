# remote-rendering: one Rust core for the Azure Remote Rendering API, with bindings.
#
#   make demo       the main job: arrctl demo, a whole session and conversion against the embedded emulator
#   make quickstart the same lifecycle through the Rust API
#   make emulator   run the local emulator of the service on its own
#   make test       build everything and run every test suite (what CI runs)
#   make test-dashboard  the emulator's dashboard in headless Chromium (part of make test)
#   make lint       formatting and clippy, warnings as errors
#   make test-matrix every runtime version the packages claim: Python 3.9-3.13, Node 20/22/24,
#                   C99/C11 and C++17/C++20 with gcc and clang (MATRIX=ends: oldest and newest only)
#   make bench      benchmarks: every binding, the official SDK, fleets, cold start, emulator
#                   throughput, sizes -> BENCHMARKS.md (never part of make test)
#   make dist       release artefacts -> dist/: Python wheels (manylinux_2_17 x86_64 and aarch64,
#                   musllinux_1_2 x86_64) and sdist, npm packages (main + one per platform), the
#                   C/C++ SDK tarballs, the Java jar (x86_64 and aarch64 inside), a static arrctl
#                   tarball; dist/sizes.txt
#   make test-dist  the x86_64 artefacts, installed and used without cargo on the PATH (CI)
#   make docs       the API reference of every language -> dist/docs/
#
# Later issues add their language's suites (Python, Node, C/C++) to `test`.

CARGO ?= cargo
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

PYTHON ?= python3
VENV ?= .venv
VPY := $(VENV)/bin/python

# One target triple for every cargo call of the test targets: napi's build always passes
# --target, and a build with --target shares nothing with one without it, so the Node addon
# compiled every crate a second time. With the host's triple set for all of them they share one
# build; its files are under target/$(HOST_TRIPLE)/debug. (Release, dist and bench builds are
# not affected.)
HOST_TRIPLE := $(shell rustc -vV 2>/dev/null | sed -n 's/^host: //p')
TEST_TARGETS := test lint smoke test-python python-develop test-node test-c test-dashboard test-rust \
	test-matrix node-addon test-java
$(TEST_TARGETS): export CARGO_BUILD_TARGET = $(HOST_TRIPLE)

.PHONY: all test test-java test-matrix node-addon test-rust test-python python-develop test-node test-c test-dashboard smoke lint \
	demo quickstart emulator bench clean dist dist-x86_64 test-dist docs azurite

all: test

test: lint smoke test-python test-node test-c test-dashboard test-rust test-java

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
# and the walkthrough itself against the embedded emulator. pytest's temporary folders go to
# target/pytest-tmp (emptied by each run), not /tmp/pytest-of-$USER, where a run of another
# checkout would prune them under this one. The blob storage tests run against
# Azurite, just installed, so they must not skip (REQUIRE_AZURITE=1, as test-rust).
test-python: python-develop azurite
	cd python && ../$(VPY) -m mypy.stubtest remote_rendering._native
	cd python && ../$(VPY) -m mypy --strict remote_rendering examples/quickstart.py
	env -u ARR_ACCOUNT_ID $(VPY) python/examples/quickstart.py > /dev/null
	cd python && REQUIRE_AZURITE=1 ../$(VPY) -m pytest -q --basetemp=$(CURDIR)/target/pytest-tmp tests

# Every supported runtime version: the wheel (dist/'s when there is one) under each CPython
# minor, the Node suite under each Node major, the C and C++ headers under each standard and
# compiler. Builds the Node addon first when test-node has not.
test-matrix: node-addon
	bash scripts/test-matrix.sh

node-addon:
	@if ! ls node/remote-rendering.*.node >/dev/null 2>&1 || [ ! -d node/node_modules ]; then \
	  cd node && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && \
	  npx napi build --platform --manifest-path ../bindings/node/Cargo.toml --output-dir $(NAPI_CHECK) \
	    --js native.js --dts native.d.ts && cp $(NAPI_CHECK)/remote-rendering.*.node . ; fi

# Azurite (the Azure Storage emulator, from the npm registry) for the Rust tests of conversions on
# blob storage: the pinned version of scripts/azurite/ installed into target/azurite once (again when
# the lock file changes); the tests start `azurite-blob` from there. No install scripts, no audit.
AZURITE_DIR := $(CURDIR)/target/azurite
$(AZURITE_DIR)/.installed: scripts/azurite/package.json scripts/azurite/package-lock.json
	mkdir -p $(AZURITE_DIR)
	cp scripts/azurite/package.json scripts/azurite/package-lock.json $(AZURITE_DIR)/
	cd $(AZURITE_DIR) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@
azurite: $(AZURITE_DIR)/.installed

# Cargo's last line is a doc-test summary that may count 0 tests; end with the total instead.
# Azurite was just installed, so the tests that need it must not skip (REQUIRE_AZURITE=1, as
# CI=true): a broken install fails them with a message saying `make azurite`.
test-rust: azurite
	REQUIRE_AZURITE=1 $(CARGO) test --workspace --locked 2>&1 | awk '{ print } /^test result:/ { p += $$4; f += $$6 } \
	  END { printf "rust: %d passed, %d failed\n", p, f }'

# The README's main job must keep working: run it against the embedded emulator (never a
# configured account, whatever the environment says).
smoke:
	$(CARGO) run --locked --quiet -p arrctl -- demo > /dev/null
	env -u ARR_ACCOUNT_ID -u ARR_ACCOUNT_KEY $(CARGO) run --locked --quiet --example quickstart -p remote-rendering > /dev/null

# Node: install the dev tools (npm ci, from the registry), regenerate the napi loader and
# native.d.ts from the Rust code and fail if they differ from the committed ones, then the
# typed example under tsc --strict, the walkthrough, and the node:test suite (its blob storage
# tests against Azurite, which was just installed: REQUIRE_AZURITE=1, so they must not skip).
NAPI_CHECK := $(CURDIR)/target/napi-check
test-node: azurite
	cd node && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	rm -rf $(NAPI_CHECK)
	cd node && npx napi build --platform --manifest-path ../bindings/node/Cargo.toml --output-dir $(NAPI_CHECK) --js native.js --dts native.d.ts
	diff -u node/native.js $(NAPI_CHECK)/native.js
	diff -u node/native.d.ts $(NAPI_CHECK)/native.d.ts
	cp $(NAPI_CHECK)/remote-rendering.*.node node/
	cd node && npm run --silent typecheck
	cd node && env -u ARR_ACCOUNT_ID node examples/quickstart.mjs > /dev/null
	cd node && REQUIRE_AZURITE=1 npm test

# Java: the JNI library (a debug build, its debug info stripped into target/java-native so the
# jar stays small), then the Maven project's JUnit suite against it (mvn verify packs the library
# into the jar and the tests load it through the jar's loader). The first run downloads the
# plugins from Maven Central; later runs are offline. Then the walkthrough java/examples/Quickstart.java
# against the built jar. Azurite is installed first and required (REQUIRE_AZURITE=1): the suite's
# blob storage tests run against it, never skip. (Maven's colour codes are stripped: this
# Maven writes some even in batch mode.) Ends with the totals of the reports.
# Maven's local repository has no locking: a second Maven run at the same time (make dist's jar,
# built beside make test in CI) could read a half-downloaded file, so both hold target/maven.lock.
JAVA_NATIVE := $(CURDIR)/target/java-native
JAVA_PLATFORM := linux-$(shell uname -m)
MVN ?= mvn
MVN_OFFLINE = $(if $(wildcard $(HOME)/.m2/repository/org/apache/maven/surefire/surefire-junit-platform/3.5.4),-o,)
test-java: azurite
	$(CARGO) build --locked -p remote-rendering-java
	rm -rf $(JAVA_NATIVE) && mkdir -p $(JAVA_NATIVE)/$(JAVA_PLATFORM)
	strip --strip-debug -o $(JAVA_NATIVE)/$(JAVA_PLATFORM)/libremote_rendering_java.so \
	  target/$(HOST_TRIPLE)/debug/libremote_rendering_java.so
	rm -rf java/target/surefire-reports
	cd java && status=0; env -u ARR_ACCOUNT_ID -u ARR_ACCOUNT_KEY REQUIRE_AZURITE=1 flock $(CURDIR)/target/maven.lock $(MVN) -B -q $(MVN_OFFLINE) verify \
	  -Dnative.dir=$(JAVA_NATIVE) 2>&1 | sed 's/\x1b\[[0-9;]*m//g' || status=$$?; \
	  cat target/surefire-reports/TEST-*.xml 2>/dev/null | awk '/<testsuite / { \
	    for (i = 1; i <= NF; i++) { split($$i, kv, "="); gsub(/[">]/, "", kv[2]); v[kv[1]] = kv[2] } \
	    t += v["tests"]; f += v["failures"] + v["errors"]; s += v["skipped"] } \
	    END { printf "java: %d passed, %d failed\n", t - f - s, f }'; exit $$status
	env -u ARR_ACCOUNT_ID java -cp java/target/remote-rendering-0.1.0.jar java/examples/Quickstart.java > /dev/null

# The emulator's dashboard in a real browser: Debian's chromium (apt-get installs it when
# missing), playwright-core from npm (npm ci; it never downloads a browser of its own), the
# emulator binary (a debug build). The screenshot goes to target/dashboard-test/.
CHROMIUM ?= /usr/bin/chromium
test-dashboard:
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  if ! command -v apt-get >/dev/null; then echo "test-dashboard needs Chromium at $(CHROMIUM)"; exit 1; fi; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; \
	fi
	$(CARGO) build --locked --quiet -p remote-rendering-emulator
	cd emulator/dashboard-test && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	cd emulator/dashboard-test && CHROMIUM_BIN=$(CHROMIUM) \
	  EMULATOR_BIN=$(CURDIR)/target/$(HOST_TRIPLE)/debug/remote-rendering-emulator npm test

# C ABI, the generated header (committed, must be up to date), the C++ wrapper, the CMake
# package and pkg-config file, examples/cpp, GoogleTest under ctest and again under
# AddressSanitizer. Needs Debian's cmake, g++, libgtest-dev and nlohmann-json3-dev (the last installed
# by the script when missing; pkg-config optional).
# The storage tests need Azurite: installed first, so they must not skip (REQUIRE_AZURITE=1).
test-c: azurite
	REQUIRE_AZURITE=1 bash bindings/c/test.sh

# fmt and clippy ship with rustup's default profile (cargo-hakari, which checks that workspace-hack/
# still unifies the features, is `cargo install cargo-hakari`); a toolchain without them skips the check
# with a note instead of failing the build.
lint:
	@if $(CARGO) fmt --version >/dev/null 2>&1; then $(CARGO) fmt --all --check; \
	  else echo "note: rustfmt not installed, skipping the format check"; fi
	@if $(CARGO) hakari --version >/dev/null 2>&1; then $(CARGO) hakari verify; \
	  else echo "note: cargo-hakari not installed, skipping the check of workspace-hack/"; fi
	@if $(CARGO) clippy --version >/dev/null 2>&1; then $(CARGO) clippy --workspace --all-targets --locked -- -D warnings; \
	  else echo "note: clippy not installed, skipping lints"; fi

demo:
	$(CARGO) run --release --locked -p arrctl -- demo

# Release builds, a bench venv with the official SDK (target/bench-venv), every section in one
# run, then BENCHMARKS.md. BENCH_QUICK=1 for a short smoke run into target/bench-quick/.
bench:
	bash bench/run.sh

quickstart:
	$(CARGO) run --release --locked --example quickstart -p remote-rendering

# Release artefacts (packaging/): zig links the gnu builds against glibc 2.17 and cross-builds
# the other triples; the tools come from PyPI and rustup on first use (target/dist-tools). The
# cross-built files are then checked here: readelf (machine, libraries, glibc floor), the aarch64
# ones run under qemu-user, the musl ones resolved by musl's loader (packaging/check-cross.sh).
DIST_TRIPLES ?= x86_64-unknown-linux-gnu x86_64-unknown-linux-musl aarch64-unknown-linux-gnu
dist:
	bash packaging/python.sh $(DIST_TRIPLES) --sdist
	bash packaging/node.sh $(DIST_TRIPLES)
	bash packaging/c-sdk.sh $(filter %-gnu,$(DIST_TRIPLES))
	bash packaging/java.sh $(filter %-gnu,$(DIST_TRIPLES))
	bash packaging/arrctl.sh
	bash packaging/sizes.sh
	bash packaging/check-cross.sh $(DIST_TRIPLES)

# The artefacts of this machine's platform only (what test-dist installs).
dist-x86_64:
	bash packaging/python.sh x86_64-unknown-linux-gnu --sdist
	bash packaging/node.sh x86_64-unknown-linux-gnu
	bash packaging/c-sdk.sh x86_64-unknown-linux-gnu
	bash packaging/java.sh x86_64-unknown-linux-gnu
	bash packaging/arrctl.sh
	bash packaging/sizes.sh

test-dist: dist-x86_64
	bash packaging/test-dist.sh

docs:
	bash packaging/docs.sh

emulator:
	$(CARGO) run --release --locked -p remote-rendering-emulator

clean:
	$(CARGO) clean
