#!/usr/bin/env bash
# Python: one abi3 wheel per Rust triple given (default x86_64-unknown-linux-gnu), linked with
# zig (maturin --zig) against the oldest libc each tag allows, so a wheel built on this machine
# runs on manylinux2014 (glibc 2.17) and musllinux 1.2; then the sdist. Every wheel is checked
# with auditwheel: the tag it reports must be the one in the file name.
#
#   bash packaging/python.sh [TRIPLE...] [--sdist]
source "$(dirname "$0")/common.sh"
dist_tools

triples=() sdist=0
for a in "$@"; do
  if [[ $a == --sdist ]]; then sdist=1; else triples+=("$a"); fi
done
((${#triples[@]})) || triples=(x86_64-unknown-linux-gnu)
rust_targets "${triples[@]}"

for t in "${triples[@]}"; do
  case $t in
    *-linux-gnu) compat=manylinux_${GLIBC_FLOOR/./_} ;;
    *-linux-musl) compat=musllinux_1_2 ;;
    *) echo "python.sh: no wheel tag for $t" >&2; exit 1 ;;
  esac
  arch=${t%%-*}
  step "wheel ${compat}_${arch} ($t)"
  rm -f "$DIST"/remote_rendering-"$VERSION"-*"${compat}_${arch}"*.whl
  # (The cargo first on this PATH writes down the build's environment for build_native.)
  (cd python && PATH=$(record_cargo_env "$t") RR_DIST_TRIPLE=$t \
     maturin build --release --locked --zig --target "$t" --compatibility "$compat" \
     --out "$DIST" 2>&1 | compile_log "wheel-$t" >&2)
  wheel=$(ls "$DIST"/remote_rendering-"$VERSION"-cp39-abi3-*"${compat}_${arch}"*.whl)
  # auditwheel's verdict, e.g. 'is consistent with the following platform tag: "manylinux_2_17_x86_64"'.
  if [[ $t == *-musl ]]; then
    # On a glibc machine auditwheel finds glibc's libc.so (a linker script) for the wheel's
    # libc.so and stops; and with musl's (Debian's `musl` package) it still cannot tell the musl
    # version. So the musllinux tag cannot be verified here: say so instead of failing.
    echo "note: $(basename "$wheel"): auditwheel cannot check a musllinux tag on this glibc machine" >&2
    continue
  fi
  shown=$(auditwheel show "$wheel")
  tag=$(tr '\n' ' ' <<<"$shown" | sed -n 's/.*following platform tag: *"\([^"]*\)".*/\1/p')
  # The file's platform tags are after the abi tag, dot-separated (manylinux_2_17_x86_64.manylinux2014_x86_64).
  file_tags=$(basename "$wheel" .whl); file_tags=${file_tags##*-abi3-}
  if [[ -z $tag || ".$file_tags." != *".$tag."* ]]; then
    echo "$shown" >&2
    echo "auditwheel reports '$tag' but the file is $(basename "$wheel")" >&2
    exit 1
  fi
  echo "auditwheel show $(basename "$wheel"): $tag"
done

if ((sdist)); then
  step "sdist"
  rm -f "$DIST"/remote_rendering-"$VERSION".tar.gz
  (cd python && maturin sdist --out "$DIST" >&2)
  ls "$DIST"/remote_rendering-"$VERSION".tar.gz
fi
