#!/usr/bin/env bash
# C/C++: the SDK tarball for each Rust triple given (default x86_64-unknown-linux-gnu): the
# library built with zig against glibc 2.17 (cargo zigbuild), installed by the CMake package of
# bindings/c into a folder that works wherever it is unpacked:
#
#   lib/libremote_rendering.so.X.Y.Z, .so.X.Y (the SONAME), .so    the shared library
#   lib/libremote_rendering.a                                      the static library (debug info stripped)
#   lib/cmake/RemoteRendering/                                     find_package(RemoteRendering)
#   lib/pkgconfig/remote_rendering.pc                              pkg-config [--static] remote_rendering
#   include/remote_rendering.h, include/remote_rendering.hpp       the C header and the C++17 wrapper
#   LICENSE, share/doc/remote_rendering/LICENSE
#
#   bash packaging/c-sdk.sh [TRIPLE...]
source "$(dirname "$0")/common.sh"
dist_tools
triples=("$@")
((${#triples[@]})) || triples=(x86_64-unknown-linux-gnu)
rust_targets "${triples[@]}"
apt_need cmake cmake

for t in "${triples[@]}"; do
  step "C SDK ($t)"
  build_native "$t"
  name=remote-rendering-c-$VERSION-${t/-unknown/}
  stage=$ROOT/target/c-sdk/$name
  rm -rf "$stage" "$ROOT/target/c-sdk/build-$t"
  cmake -S bindings/c -B "$ROOT/target/c-sdk/build-$t" -DRR_BUILD_WITH_CARGO=OFF -DRR_CARGO_PROFILE=release \
    -DRR_CARGO_TARGET_DIR="$ROOT/target/$t" -DCMAKE_INSTALL_PREFIX="$stage" -DCMAKE_INSTALL_LIBDIR=lib \
    -DCMAKE_INSTALL_INCLUDEDIR=include >/dev/null
  cmake --install "$ROOT/target/c-sdk/build-$t" >/dev/null
  # Debug info is most of the archive; the release profile's strip does not reach a .a.
  case $t in
    x86_64-*) strip --strip-debug "$stage/lib/libremote_rendering.a" ;;
    *) python-zig objcopy --strip-debug "$stage/lib/libremote_rendering.a" 2>/dev/null \
         || echo "note: no strip for $t; the static library keeps its debug info" >&2 ;;
  esac
  cp LICENSE "$stage/"
  rm -f "$DIST/$name.tar.gz"
  tar -C "$ROOT/target/c-sdk" --owner=0 --group=0 --numeric-owner -czf "$DIST/$name.tar.gz" "$name"
  ls "$DIST/$name.tar.gz"
done
