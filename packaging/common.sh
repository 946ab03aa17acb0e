# Shared by the packaging scripts (sourced, not run): paths, the version, and the build tools,
# installed on first use from the package registries (PyPI, rustup, Debian), never by hand.
#
#   DIST        where the artefacts go (dist/)
#   VERSION     the workspace version, the one version of every artefact
#   TOOLS       a venv with maturin, ziglang, cargo-zigbuild, auditwheel and pdoc (target/dist-tools)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
DIST=${DIST:-$ROOT/dist}
TOOLS=${DIST_TOOLS:-$ROOT/target/dist-tools}
PYTHON=${PYTHON:-python3}
CARGO=${CARGO:-cargo}
# The glibc the x86_64/aarch64 gnu builds link against: 2.17 is manylinux2014's floor (RHEL 7).
GLIBC_FLOOR=${GLIBC_FLOOR:-2.17}
VERSION=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' Cargo.toml)
[[ -n $VERSION ]] || { echo "no version in Cargo.toml [workspace.package]" >&2; exit 1; }
mkdir -p "$DIST"

step() { printf '\n==> %s\n' "$*" >&2; }

# The build tools, pinned to major versions that are known to work together here.
dist_tools() {
  local stamp=$TOOLS/.installed-1
  if [[ ! -f $stamp ]]; then
    step "build tools into $TOOLS (PyPI: maturin, ziglang, cargo-zigbuild, auditwheel, pdoc)"
    "$PYTHON" -m venv "$TOOLS"
    "$TOOLS/bin/python" -m pip install --quiet --upgrade pip
    "$TOOLS/bin/python" -m pip install --quiet "maturin>=1.9,<2" "ziglang>=0.13,<0.18" \
      "cargo-zigbuild>=0.19,<0.25" "auditwheel>=6,<7" "pdoc>=14,<17"
    touch "$stamp"
  fi
  export PATH=$TOOLS/bin:$PATH
}

# rustup targets for the triples asked for (each downloads its standard library once).
rust_targets() {
  local missing=()
  local installed
  installed=$(rustup target list --installed 2>/dev/null || true)
  for t in "$@"; do
    grep -qx "$t" <<<"$installed" || missing+=("$t")
  done
  if ((${#missing[@]})); then
    step "rustup target add ${missing[*]}"
    rustup target add "${missing[@]}"
  fi
}

# Debian packages, installed when a command is missing (CI and these machines run as root).
apt_need() {
  local cmd=$1 pkg=$2
  command -v "$cmd" >/dev/null 2>&1 && return 0
  step "apt-get install -y $pkg (for $cmd)"
  if [[ $(id -u) != 0 ]]; then echo "$cmd is missing: apt-get install -y $pkg" >&2; exit 1; fi
  if [[ -z ${_APT_UPDATED:-} ]]; then apt-get update -qq; _APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg" >/dev/null
}

# Short platform names (napi's convention), from Rust triples.
platform_of() {
  case $1 in
    x86_64-unknown-linux-gnu) echo linux-x64-gnu ;;
    x86_64-unknown-linux-musl) echo linux-x64-musl ;;
    aarch64-unknown-linux-gnu) echo linux-arm64-gnu ;;
    *) echo "no platform name for $1" >&2; return 1 ;;
  esac
}

# cargo-zigbuild's target spelling: gnu triples carry the glibc floor.
zig_target() {
  case $1 in
    *-linux-gnu) echo "$1.$GLIBC_FLOOR" ;;
    *) echo "$1" ;;
  esac
}

# maturin --zig runs `cargo rustc` (from the PATH) with zig's wrappers in its environment: the
# compiler, archiver and linker of the triple, the glibc floor. The linker is part of every
# crate's fingerprint, so a build with cargo zigbuild's own wrappers (another path) recompiles
# every crate the wheel just compiled. So python.sh puts a pass-through `cargo` first on maturin's
# PATH that writes that environment down (target/dist-env/TRIPLE.env, NUL-separated), and
# build_native runs cargo in the same environment: the addon and the C library then reuse all the
# wheel's crates and compile only their own. Without a record (node.sh or c-sdk.sh run alone,
# or a musl triple, whose addon needs another libc linkage) build_native uses cargo zigbuild.
DIST_ENV=$ROOT/target/dist-env
record_cargo_env() { # TRIPLE: prints a PATH whose `cargo` records maturin's environment
  local shim=$DIST_ENV/shim
  mkdir -p "$shim"
  cat > "$shim/cargo" <<SH
#!/bin/sh
# Written by packaging/common.sh: records the environment of maturin's build, then runs cargo.
if [ "\$1" = rustc ]; then env -0 > "$DIST_ENV/\$RR_DIST_TRIPLE.env"; fi
exec "$(command -v "$CARGO")" "\$@"
SH
  chmod +x "$shim/cargo"
  rm -f "$DIST_ENV/$1.env"
  echo "$shim:$PATH"
}

# The recorded environment of a triple's wheel build, as NUL-separated NAME=VALUE words for
# env(1), without what is the Python build's alone (PYO3_*, the interpreter); nothing when there
# is no record or its linker is gone (a moved tools venv).
recorded_env() {
  local file=$DIST_ENV/$1.env kv linker=
  [[ -f $file ]] || return 0
  local vars=()
  while IFS= read -r -d '' kv; do
    case $kv in
      # The Python build's own, and make's jobserver of that run (gone by now).
      PYO3_*|PYTHON_SYS_EXECUTABLE=*|RR_DIST_TRIPLE=*|_=*|MAKE*|MFLAGS=*|CARGO_MAKEFLAGS=*) continue ;;
      CARGO_TARGET_*_LINKER=*) linker=${kv#*=} ;;
    esac
    vars+=("$kv")
  done < "$file"
  [[ -n $linker && -x $linker ]] || return 0
  printf '%s\0' "${vars[@]}"
}

# The Node addon, the C library and the Java package's JNI library of one triple, in one cargo build: they share every
# dependency, and building them together (whichever script asks first) keeps one set of features,
# so the other script finds both fresh instead of rebuilding with other features. gnu triples
# link against glibc $GLIBC_FLOOR. A musl addon is a cdylib that links musl's libc.so (Node on
# Alpine is a dynamic program): in the musl wheel's environment it shares the wheel's crates;
# without one, its own target dir keeps those flags away from the static arrctl.
native_target_dir() {
  if [[ $1 == *-musl ]] && (($(recorded_env "$1" | wc -c) == 0)); then echo "$ROOT/target/musl-dynamic"
  else echo "$ROOT/target"; fi
}
build_native() {
  local t=$1 env=() kv
  local packages=(-p remote-rendering-node)
  [[ $t == *-musl ]] || packages+=(-p remote-rendering-c -p remote-rendering-java)
  # (maturin's environment of a musl wheel turns crt-static off too, as a musl addon needs.)
  while IFS= read -r -d '' kv; do env+=("$kv"); done < <(recorded_env "$t")
  if ((${#env[@]})); then
    echo "cargo build in the environment of the wheel's build ($DIST_ENV/$t.env)" >&2
    env "${env[@]}" CARGO_TARGET_DIR="$ROOT/target" "$(command -v "$CARGO")" build --release --locked "${packages[@]}" \
      --target "$t" 2>&1 | compile_log "$(basename "$0" .sh)-$t" >&2
  else
    [[ $t == *-musl ]] && env=(RUSTFLAGS="-C target-feature=-crt-static")
    env "${env[@]}" CARGO_TARGET_DIR="$(native_target_dir "$t")" cargo zigbuild --release --locked "${packages[@]}" \
      --target "$(zig_target "$t")" 2>&1 | compile_log "$(basename "$0" .sh)-$t" >&2
  fi
}

# Cargo's output without its Compiling lines, which are counted instead (and kept in
# target/dist-logs/NAME.log): how much a step rebuilt is the figure that tells whether the
# release builds share their work.
compile_log() {
  mkdir -p "$ROOT/target/dist-logs"
  local log=$ROOT/target/dist-logs/$1.log
  tee "$log" | grep -v '^ *Compiling ' || true
  echo "$1: $(grep -c '^ *Compiling ' "$log" || true) crates compiled"
}
