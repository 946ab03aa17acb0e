#!/usr/bin/env bash
# The release artefacts in dist/, installed and used as a user without Rust would (make
# test-dist, after `make dist-x86_64`): every check below runs with cargo and rustc removed from
# the PATH, in folders outside the repository's build trees.
#
#   1. Python: the manylinux wheel into a fresh venv; auditwheel shows the tag the file name
#      claims; the metadata (readme, URLs, license file); python/examples/quickstart.py
#   2. Node: the npm tarballs into an empty project with --ignore-scripts (no install script in
#      them); require() and import(); node/examples/quickstart.mjs; a TypeScript consumer under
#      tsc --strict; the error of a platform without a package
#   3. C/C++: the SDK tarball unpacked in a temporary folder; examples/cpp built as a separate
#      CMake project with find_package(), and bindings/c/tests/c_smoke.c with pkg-config, shared
#      and --static (no libremote_rendering.so in ldd); then the folder moved and built again
#   4. Java: the jar (LICENSE inside, its JNI library needing no glibc above 2.17) on the class
#      path of java/examples/Quickstart.java, run from its source; the extracted library removed
#      at exit
#   5. arrctl: the static binary from its tarball (no dynamic section), its completions and man
#      page, and `arrctl demo`
#
# Before cargo leaves the PATH, one look at the dependency graph: no duplicate socket2 or base64.
#
# Every artefact must carry the LICENSE. Install times are printed and summed up at the end.
source "$(dirname "$0")/common.sh"
dist_tools   # auditwheel, from the tools venv
TMP=$(mktemp -d "${TMPDIR:-/tmp}/rr-test-dist.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
PASSED=0 FAILED=0
ok() { echo "ok: $*"; PASSED=$((PASSED + 1)); }
fail() { echo "FAILED: $*" >&2; FAILED=$((FAILED + 1)); }
check() { local what=$1; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }
# Runs a command with its output in a log file, shown (the end of it) only when it fails.
quiet() {
  local log=$1; shift
  if "$@" >"$log" 2>&1; then return 0; fi
  tail -n 30 "$log" >&2
  return 1
}
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
TIMES=()

# Lean artefacts: each of these crates once in the build (they were each compiled twice).
dups=$("$CARGO" tree --workspace --locked -e normal -d --depth 0 2>/dev/null | grep -E '^(socket2|base64) ' || true)
check "one socket2 and one base64 in the dependency graph (cargo tree -d)" test -z "$dups"

# A PATH without any folder that holds cargo or rustc.
NO_CARGO_PATH=
IFS=: read -r -a dirs <<<"$PATH"
for d in "${dirs[@]}"; do
  [[ -x $d/cargo || -x $d/rustc ]] && continue
  NO_CARGO_PATH=${NO_CARGO_PATH:+$NO_CARGO_PATH:}$d
done
nocargo() { env -u CARGO -u RUSTUP_TOOLCHAIN -u ARR_ACCOUNT_ID -u ARR_ACCOUNT_KEY PATH="$NO_CARGO_PATH" "$@"; }
check "cargo and rustc are not on the PATH of the checks" nocargo bash -c '! command -v cargo && ! command -v rustc' >/dev/null

has_license() { # ARCHIVE PATH-IN-IT
  case $1 in
    *.whl) "$TOOLS/bin/python" -c 'import sys, zipfile; sys.exit(sys.argv[2] not in zipfile.ZipFile(sys.argv[1]).namelist())' "$1" "$2" ;;
    *) tar -tzf "$1" | grep -x "$2" >/dev/null ;;
  esac
}

# --- 1. Python ---------------------------------------------------------------------------------
step "Python: the manylinux wheel in a fresh venv"
wheel=$(ls "$DIST"/remote_rendering-"$VERSION"-cp39-abi3-*manylinux_2_17_x86_64*.whl)
tag=$(auditwheel show "$wheel" | tr '\n' ' ' | sed -n 's/.*following platform tag: *"\([^"]*\)".*/\1/p')
echo "auditwheel show: $tag"
check "auditwheel reports manylinux_2_17_x86_64, the file's tag" test "$tag" = manylinux_2_17_x86_64
check "the wheel has .dist-info/licenses/LICENSE" \
  has_license "$wheel" "remote_rendering-$VERSION.dist-info/licenses/LICENSE"
nocargo "$PYTHON" -m venv "$TMP/venv"
t0=$(now)
nocargo "$TMP/venv/bin/python" -m pip install --quiet --no-index --disable-pip-version-check "$wheel"
TIMES+=("pip install of the wheel: $(since "$t0") s")
echo "${TIMES[-1]}"
check "the wheel's metadata: readme, URLs, license, classifiers, requires-python" nocargo "$TMP/venv/bin/python" - <<'PY'
import importlib.metadata as md, sys
m = md.metadata("remote-rendering")
problems = []
if m["Requires-Python"] != ">=3.9": problems.append("Requires-Python")
if not (m.get("Description-Content-Type") or "").startswith("text/markdown") or "pip install remote-rendering" not in (m.get_payload() or ""):
    problems.append("the readme as long description")
if not any(u.startswith("Repository, https://") for u in m.get_all("Project-URL") or []): problems.append("Project-URL")
if m.get("License-Expression") != "MIT": problems.append("License-Expression")
if "LICENSE" not in (m.get_all("License-File") or []): problems.append("License-File")
if not any(c.startswith("Programming Language :: Python :: 3.9") for c in m.get_all("Classifier") or []):
    problems.append("classifiers")
print("metadata:", m["Name"], m["Version"], "problems:", problems or "none")
sys.exit(1 if problems else 0)
PY
check "python/examples/quickstart.py against the embedded emulator" \
  quiet "$TMP/py-quickstart.log" nocargo "$TMP/venv/bin/python" python/examples/quickstart.py
check "the package reports the workspace version" \
  nocargo "$TMP/venv/bin/python" -c "import remote_rendering as rr, sys; sys.exit(rr.__version__ != '$VERSION')"
sdist=$DIST/remote_rendering-$VERSION.tar.gz
if [[ -f $sdist ]]; then
  check "the sdist has the LICENSE" has_license "$sdist" "remote_rendering-$VERSION/LICENSE"
fi

# --- 2. Node -----------------------------------------------------------------------------------
step "Node: the npm tarballs in an empty project, --ignore-scripts"
main_tgz=$DIST/remote-rendering-$VERSION.tgz
addon_tgz=$DIST/remote-rendering-linux-x64-gnu-$VERSION.tgz
for tgz in "$main_tgz" "$addon_tgz"; do
  check "$(basename "$tgz") has the LICENSE" has_license "$tgz" package/LICENSE
  check "$(basename "$tgz") has no install script" nocargo node -e '
    const m = JSON.parse(require("child_process").execFileSync("tar", ["-xzOf", process.argv[1], "package/package.json"]))
    const s = m.scripts || {}
    process.exit(["preinstall", "install", "postinstall", "prepare"].some((k) => k in s) ? 1 : 0)' "$tgz"
done
proj=$TMP/node-app
mkdir -p "$proj"
(cd "$proj" && nocargo npm init -y >/dev/null)
t0=$(now)
(cd "$proj" && nocargo npm install --ignore-scripts --no-audit --no-fund --loglevel=error "$main_tgz" "$addon_tgz")
TIMES+=("npm install of the tarballs: $(since "$t0") s")
echo "${TIMES[-1]}"
cd "$proj" && check "require() from the project" nocargo node -e \
  "const rr = require('remote-rendering'); if (typeof rr.RemoteRenderingClient !== 'function' || rr.version !== '$VERSION') process.exit(1)"; cd "$ROOT"
cd "$proj" && check "import() from the project" nocargo node --input-type=module -e \
  "const rr = await import('remote-rendering'); if (typeof rr.Emulator !== 'function' || rr.version !== '$VERSION') process.exit(1)"; cd "$ROOT"
cp node/examples/quickstart.mjs node/examples/typed.ts "$proj/"
cd "$proj" && check "node/examples/quickstart.mjs" quiet "$TMP/node-quickstart.log" nocargo node quickstart.mjs; cd "$ROOT"
# The TypeScript compiler and Node's types come from the repository's dev tools (npm ci in node/).
if [[ ! -x node/node_modules/.bin/tsc ]]; then
  (cd node && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi
cat >"$proj/tsconfig.json" <<JSON
{ "compilerOptions": { "strict": true, "noEmit": true, "module": "nodenext", "moduleResolution": "nodenext",
    "target": "es2022", "lib": ["es2022", "esnext.disposable"], "types": ["node"],
    "typeRoots": ["$ROOT/node/node_modules/@types"], "skipLibCheck": false },
  "files": ["typed.ts"] }
JSON
cd "$proj" && check "a TypeScript consumer (node/examples/typed.ts) under tsc --strict" \
  nocargo node "$ROOT/node/node_modules/typescript/bin/tsc" -p tsconfig.json; cd "$ROOT"
# A platform with no package: the error names it and the way to build from source.
cat >"$proj/riscv.cjs" <<'JS'
Object.defineProperty(process, 'arch', { value: 'riscv64' })
try {
  require('remote-rendering')
  process.exit(1)
} catch (e) {
  console.log(e.message)
  const good = e.code === 'ERR_REMOTE_RENDERING_NO_ADDON' && e.message.includes('linux-riscv64-gnu') &&
    e.message.includes('from source') && !e.message.includes('npm has a bug')
  process.exit(good ? 0 : 1)
}
JS
cd "$proj" && check "an unsupported platform gets a clear error" nocargo node riscv.cjs; cd "$ROOT"
mv "$proj/node_modules/remote-rendering-linux-x64-gnu" "$TMP/addon-aside"
cd "$proj" && check "a skipped platform package gets a clear error naming it" nocargo node -e "
  try { require('remote-rendering'); process.exit(1) } catch (e) {
    console.log(e.message)
    process.exit(e.message.includes('npm install remote-rendering-linux-x64-gnu@$VERSION') ? 0 : 1) }"
cd "$ROOT"
mv "$TMP/addon-aside" "$proj/node_modules/remote-rendering-linux-x64-gnu"

# --- 3. C/C++ ----------------------------------------------------------------------------------
step "C/C++: the SDK tarball, unpacked in a temporary folder"
sdk_tgz=$DIST/remote-rendering-c-$VERSION-x86_64-linux-gnu.tar.gz
sdk_name=$(basename "$sdk_tgz" .tar.gz)
check "the SDK has the LICENSE" has_license "$sdk_tgz" "$sdk_name/LICENSE"
mkdir -p "$TMP/somewhere"
t0=$(now)
tar -C "$TMP/somewhere" -xzf "$sdk_tgz"
TIMES+=("unpacking the C SDK: $(since "$t0") s")
echo "${TIMES[-1]}"
sdk=$TMP/somewhere/$sdk_name
ls -l "$sdk/lib" | sed 's/^/  /'
soname=$(readelf -d "$sdk/lib/libremote_rendering.so" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
echo "SONAME: $soname"
check "the shared library has a versioned SONAME, with its links" \
  test -n "$soname" -a -L "$sdk/lib/$soname" -a -L "$sdk/lib/libremote_rendering.so" -a -f "$sdk/lib/libremote_rendering.so.$VERSION"
for h in remote_rendering.h remote_rendering.hpp; do check "include/$h" test -f "$sdk/include/$h"; done
check "lib/cmake/RemoteRendering/RemoteRenderingConfig.cmake" test -f "$sdk/lib/cmake/RemoteRendering/RemoteRenderingConfig.cmake"
for mode in shared static; do
  flags=()
  [[ $mode == static ]] && flags=(-DRemoteRendering_USE_STATIC_LIBS=ON)
  if nocargo cmake -S examples/cpp -B "$TMP/cmake-$mode" -DCMAKE_PREFIX_PATH="$sdk" -DCMAKE_BUILD_TYPE=Release \
      "${flags[@]}" >"$TMP/cmake-$mode.log" 2>&1 && nocargo cmake --build "$TMP/cmake-$mode" >>"$TMP/cmake-$mode.log" 2>&1; then
    check "examples/cpp as a separate CMake project ($mode), find_package() from the unpacked SDK" \
      quiet "$TMP/engine-$mode.log" nocargo "$TMP/cmake-$mode/engine"
  else
    cat "$TMP/cmake-$mode.log" >&2
    fail "examples/cpp as a separate CMake project ($mode)"
  fi
done
echo "ldd engine (shared): $(ldd "$TMP/cmake-shared/engine" | grep remote_rendering | xargs)"
check "the static CMake build does not load libremote_rendering.so" \
  bash -c "! ldd '$TMP/cmake-static/engine' | grep -q libremote_rendering"

pkgconfig_builds() { # SDK-FOLDER SUFFIX
  local pc=$1/lib/pkgconfig
  # shellcheck disable=SC2046
  nocargo env PKG_CONFIG_PATH="$pc" gcc -std=c11 -Wall -Wextra -Werror bindings/c/tests/c_smoke.c -o "$TMP/c_shared$2" \
    $(PKG_CONFIG_PATH="$pc" pkg-config --cflags --libs remote_rendering) \
    -Wl,-rpath,"$(PKG_CONFIG_PATH="$pc" pkg-config --variable=libdir remote_rendering)" &&
  nocargo "$TMP/c_shared$2" &&
  ldd "$TMP/c_shared$2" | grep -q "$soname => $1" &&
  nocargo gcc -std=c11 -Wall -Wextra -Werror bindings/c/tests/c_smoke.c -o "$TMP/c_static$2" \
    $(PKG_CONFIG_PATH="$pc" pkg-config --cflags --libs --static remote_rendering) &&
  nocargo "$TMP/c_static$2" &&
  ! ldd "$TMP/c_static$2" | grep -q libremote_rendering
}
apt_need pkg-config pkg-config
check "pkg-config: c_smoke.c shared (loads the SDK's $soname) and --static (no libremote_rendering.so in ldd)" \
  pkgconfig_builds "$sdk" ""
echo "pkg-config --static --libs: $(PKG_CONFIG_PATH="$sdk/lib/pkgconfig" pkg-config --libs --static remote_rendering)"
echo "ldd c_static: $(ldd "$TMP/c_static" | awk '{ print $1 }' | xargs)"
mkdir -p "$TMP/elsewhere/deeper"
mv "$sdk" "$TMP/elsewhere/deeper/"
sdk=$TMP/elsewhere/deeper/$sdk_name
check "moved to another folder: pkg-config builds again" pkgconfig_builds "$sdk" "-moved"
check "moved to another folder: find_package() again" bash -c "
  cmake -S examples/cpp -B '$TMP/cmake-moved' -DCMAKE_PREFIX_PATH='$sdk' >/dev/null && cmake --build '$TMP/cmake-moved' >/dev/null &&
  env -u ARR_ACCOUNT_ID '$TMP/cmake-moved/engine' >/dev/null"

# --- 4. Java ----------------------------------------------------------------------------------
step "Java: the jar on a class path, in a folder of its own"
jar_src=$DIST/remote-rendering-$VERSION.jar
check "the jar has META-INF/LICENSE" bash -c "jar tf '$jar_src' | grep -qx META-INF/LICENSE"
mkdir -p "$TMP/java-app/native" "$TMP/java-tmp"
cp "$jar_src" "$TMP/java-app/"
jar=$TMP/java-app/remote-rendering-$VERSION.jar
(cd "$TMP/java-app/native" && jar xf "$jar" native/linux-x86_64/libremote_rendering_java.so)
java_glibc=$(objdump -T "$TMP/java-app/native/native/linux-x86_64/libremote_rendering_java.so" |
  grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -n 1)
echo "the jar's native/linux-x86_64 library needs at most $java_glibc"
check "the jar's JNI library needs no glibc above $GLIBC_FLOOR" \
  test "$(printf '%s\n' "${java_glibc#GLIBC_}" "$GLIBC_FLOOR" | sort -V | tail -n 1)" = "$GLIBC_FLOOR"
t0=$(now)
check "java/examples/Quickstart.java against the jar (java -cp, the embedded emulator)" \
  quiet "$TMP/java-quickstart.log" nocargo java -Djava.io.tmpdir="$TMP/java-tmp" -cp "$jar" java/examples/Quickstart.java
TIMES+=("the Java quickstart from the jar (JVM start, library extracted and loaded): $(since "$t0") s")
echo "${TIMES[-1]}"
check "no copy of the library the loader extracted is left" test -z "$(ls -A "$TMP/java-tmp")"

# --- 5. arrctl ---------------------------------------------------------------------------------
step "arrctl: the static binary from its tarball"
cli_tgz=$DIST/arrctl-$VERSION-x86_64-linux-musl.tar.gz
cli_name=$(basename "$cli_tgz" .tar.gz)
check "the arrctl tarball has the LICENSE" has_license "$cli_tgz" "$cli_name/LICENSE"
tar -C "$TMP" -xzf "$cli_tgz"
cli=$TMP/$cli_name
echo "ldd arrctl: $(ldd "$cli/arrctl" 2>&1 | xargs)"
check "arrctl has no dynamic dependencies" bash -c "! readelf -d '$cli/arrctl' | grep -q NEEDED && ! readelf -l '$cli/arrctl' | grep -q interpreter"
cli_version() { nocargo "$cli/arrctl" --version | grep -qw "$VERSION"; }
check "arrctl --version is the workspace version" cli_version
for f in complete/arrctl.bash complete/_arrctl complete/arrctl.fish complete/_arrctl.ps1 complete/arrctl.elv; do
  check "$f" test -s "$cli/$f"
done
check "bash sources the completions" bash -c "source '$cli/complete/arrctl.bash' && complete -p arrctl >/dev/null"
check "doc/arrctl.1 is a manual page" grep -q '^\.TH' "$cli/doc/arrctl.1"
check "arrctl demo" quiet "$TMP/arrctl-demo.log" nocargo "$cli/arrctl" demo

# --- summary -----------------------------------------------------------------------------------
step "sizes and install times"
ls -l "$DIST" | awk 'NR > 1 { printf "  %8.1f KiB  %s\n", $5 / 1024, $9 }'
for t in "${TIMES[@]}"; do echo "  $t"; done
echo "test-dist: $PASSED passed, $FAILED failed"
((FAILED == 0))
