#!/usr/bin/env bash
# The size of every artefact in dist/, as `key=bytes file` lines (the format of the benchmarks'
# sizes section: bench/run.sh adds them to BENCHMARKS.md), into dist/sizes.txt and on stdout.
# The sizes inside the archives matter too: the unpacked .node, .so, .a and arrctl.
source "$(dirname "$0")/common.sh"
out=$DIST/sizes.txt
{
  for f in "$DIST"/*.whl "$DIST"/*.tar.gz "$DIST"/*.tgz "$DIST"/*.jar; do
    [[ -f $f ]] || continue
    echo "dist:$(basename "$f")=$(stat -c %s "$f") $(basename "$f")"
  done
  # What lands on disk: the native parts, unpacked.
  for f in "$ROOT"/target/npm-stage/*/*.node "$ROOT"/target/c-sdk/*/lib/libremote_rendering.so.*.*.* \
           "$ROOT"/target/c-sdk/*/lib/libremote_rendering.a "$ROOT"/target/java-dist/native/*/libremote_rendering_java.so \
           "$ROOT"/target/arrctl-dist/*/arrctl; do
    [[ -f $f && ! -L $f ]] || continue
    rel=${f#"$ROOT"/target/}
    echo "unpacked:$rel=$(stat -c %s "$f") $rel"
  done
} > "$out"
cat "$out"
