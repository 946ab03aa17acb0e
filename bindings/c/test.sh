#!/usr/bin/env bash
# The C/C++ binding's whole check, as `make test` runs it (bash bindings/c/test.sh):
#
#   1. cargo builds the library (debug), which regenerates include/remote_rendering.h;
#      the committed header must be unchanged by that; the binding's modules import each
#      other in no circle
#   2. the CMake package is configured, built and installed into target/c-build/install
#   3. the test suite (GoogleTest, C API and C++ wrapper) and examples/cpp are built against
#      that installed package (find_package(RemoteRendering)), and the example runs, linked
#      to the shared library and again to the static one
#   4. the header compiles as C11 with -Wall -Wextra -Werror -pedantic, and a C program links
#      through pkg-config
#   5. the whole suite runs under AddressSanitizer with leak detection (zero leaks, zero errors)
#   6. the suite runs with ctest; the last line is "c/c++: N passed, N failed"
#
# Needs: cargo, cmake (3.20+), g++/gcc, GoogleTest and nlohmann/json (Debian: apt-get install -y
# cmake g++ libgtest-dev nlohmann-json3-dev; the last is installed here when missing and apt-get
# is there); pkg-config for step 4's second half (skipped with a note without it).
# Everything is built under target/c-build.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BUILD=${RR_C_BUILD_DIR:-$ROOT/target/c-build}
PREFIX=$BUILD/install
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
CARGO=${CARGO:-cargo}

step() { printf '\n==> %s\n' "$*"; }

for tool in "$CARGO" cmake gcc g++ readelf git tsort; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "bindings/c/test.sh: '$tool' is missing (Debian: apt-get install -y cmake g++ libgtest-dev)" >&2
    exit 1
  fi
done

if [ ! -f /usr/include/nlohmann/json.hpp ] && command -v apt-get >/dev/null 2>&1; then
  step "apt-get install nlohmann-json3-dev (the vocabulary test reads JSON with it)"
  SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nlohmann-json3-dev
fi

step "cargo build -p remote-rendering-c (regenerates include/remote_rendering.h)"
"$CARGO" build -p remote-rendering-c --locked

step "the committed header is what the build generates"
if ! git ls-files --error-unmatch include/remote_rendering.h >/dev/null 2>&1; then
  echo "include/remote_rendering.h is not committed" >&2
  exit 1
fi
if ! git diff --exit-code -- include/remote_rendering.h; then
  echo "include/remote_rendering.h is out of date: the build regenerated it (diff above); commit it" >&2
  exit 1
fi
echo "include/remote_rendering.h is up to date"

step "the binding's modules import each other in no circle (tsort of their crate:: imports)"
edges=$(for f in bindings/c/src/*.rs; do
  m=$(basename "$f" .rs)
  [ "$m" = lib ] && continue
  # `$crate::` inside a macro is the module itself; every other `crate::m` is an import of m.
  grep -oE '(^|[^$])crate::[a-z_]+' "$f" | sed -E 's/.*crate:://' | sort -u | sed "s/^/$m /"
done)
if ! tsort <<<"$edges" >/dev/null; then
  echo "the modules of bindings/c/src import each other in a circle (tsort names it above)" >&2
  exit 1
fi
echo "$(wc -l <<<"$edges") imports between $(ls bindings/c/src/*.rs | wc -l) modules, no circle"

step "CMake package: configure, build, install into $PREFIX"
# Cargo's files are under target/TRIPLE/ when a target triple is set (make test sets the host's).
cmake -S bindings/c -B "$BUILD/package" -DRR_CARGO_PROFILE=debug -DRR_BUILD_WITH_CARGO=OFF \
  -DRR_CARGO_TARGET_DIR="$ROOT/target${CARGO_BUILD_TARGET:+/$CARGO_BUILD_TARGET}" \
  -DCMAKE_INSTALL_PREFIX="$PREFIX" >/dev/null
cmake --build "$BUILD/package"
cmake --install "$BUILD/package" --prefix "$PREFIX" >/dev/null
ls "$PREFIX/lib" "$PREFIX/lib/cmake/RemoteRendering" "$PREFIX/include"

step "tests and example: build against the installed package"
cmake -S bindings/c/tests -B "$BUILD/tests" -DCMAKE_PREFIX_PATH="$PREFIX" -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build "$BUILD/tests" -j "$JOBS"
cmake -S examples/cpp -B "$BUILD/example" -DCMAKE_PREFIX_PATH="$PREFIX" -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build "$BUILD/example" -j "$JOBS"

step "examples/cpp: an engine opens a session without blocking its frame loop"
env -u ARR_ACCOUNT_ID -u ARR_ACCOUNT_KEY "$BUILD/example/engine"

step "examples/cpp again, linked statically (RemoteRendering_USE_STATIC_LIBS=ON)"
cmake -S examples/cpp -B "$BUILD/example-static" -DCMAKE_PREFIX_PATH="$PREFIX" -DCMAKE_BUILD_TYPE=Debug \
  -DRemoteRendering_USE_STATIC_LIBS=ON >/dev/null
cmake --build "$BUILD/example-static" -j "$JOBS"
if readelf -d "$BUILD/example-static/engine" 2>/dev/null | grep -q "libremote_rendering"; then
  echo "the static example still needs libremote_rendering.so" >&2
  exit 1
fi
env -u ARR_ACCOUNT_ID -u ARR_ACCOUNT_KEY "$BUILD/example-static/engine" | tail -n 1

step "the header as C11 with -Wall -Wextra -Werror -pedantic"
gcc -std=c11 -Wall -Wextra -Werror -pedantic -I include -c bindings/c/tests/c11_check.c -o "$BUILD/c11_check.o"
echo "C11 translation unit compiled without a warning"

step "pkg-config: a C program compiled and linked with pkg-config --cflags --libs remote_rendering"
if command -v pkg-config >/dev/null 2>&1; then
  export PKG_CONFIG_PATH="$PREFIX/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
  echo "remote_rendering $(pkg-config --modversion remote_rendering)"
  # shellcheck disable=SC2046
  gcc -std=c11 -Wall -Wextra -Werror -pedantic bindings/c/tests/c_smoke.c -o "$BUILD/c_smoke_pkgconfig" \
    $(pkg-config --cflags --libs remote_rendering) -Wl,-rpath,"$(pkg-config --variable=libdir remote_rendering)"
  "$BUILD/c_smoke_pkgconfig"
else
  echo "note: pkg-config is not installed (apt-get install -y pkg-config); skipped this check"
fi

step "AddressSanitizer (leaks included) over the whole suite"
cmake -S bindings/c/tests -B "$BUILD/asan" -DCMAKE_PREFIX_PATH="$PREFIX" -DCMAKE_BUILD_TYPE=Debug \
  -DRR_SANITIZE=ON >/dev/null
cmake --build "$BUILD/asan" -j "$JOBS"
asan_log="$BUILD/asan/ctest.log"
if ! ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 ctest --test-dir "$BUILD/asan" -j "$JOBS" --output-on-failure \
    >"$asan_log" 2>&1; then
  cat "$asan_log"
  echo "the suite failed under AddressSanitizer" >&2
  exit 1
fi
if grep -E "ERROR: (AddressSanitizer|LeakSanitizer)" "$asan_log"; then
  echo "AddressSanitizer reported errors" >&2
  exit 1
fi
tail -n 3 "$asan_log" | sed 's/^/asan: /'
echo "AddressSanitizer: no leaks, no errors"

step "ctest"
ctest_log="$BUILD/tests/ctest.log"
set +e
ctest --test-dir "$BUILD/tests" -j "$JOBS" --output-on-failure 2>&1 | tee "$ctest_log"
status=${PIPESTATUS[0]}
set -e
summary=$(grep -E "tests passed, [0-9]+ tests? failed out of [0-9]+" "$ctest_log" | tail -n 1 || true)
if [ -z "$summary" ]; then
  echo "c/c++: 0 passed, 1 failed (ctest gave no summary)"
  exit 1
fi
total=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$summary")
failed=$(sed -E 's/.*passed, ([0-9]+) tests? failed.*/\1/' <<<"$summary")
echo "c/c++: $((total - failed)) passed, $failed failed"
exit "$status"
