#!/usr/bin/env bash
# Node.js: the addon for each Rust triple given (default x86_64-unknown-linux-gnu), linked with
# zig (cargo zigbuild) against glibc 2.17 for gnu triples; then the npm packages laid out by
# npm-stage.js and packed with `npm pack` into dist/.
#
#   bash packaging/node.sh [TRIPLE...]
source "$(dirname "$0")/common.sh"
dist_tools
triples=("$@")
((${#triples[@]})) || triples=(x86_64-unknown-linux-gnu)
rust_targets "${triples[@]}"

addons=()
for t in "${triples[@]}"; do
  platform=$(platform_of "$t")
  step "Node addon $platform ($t)"
  build_native "$t"
  target_dir=$(native_target_dir "$t")
  addons+=("$platform=$target_dir/$t/release/libremote_rendering_node.so")
done

STAGE=$ROOT/target/npm-stage
step "npm packages in $STAGE"
node packaging/npm-stage.js "$STAGE" "${addons[@]}" >/dev/null
for dir in "$STAGE"/*/; do
  (cd "$dir" && npm pack --silent --pack-destination "$DIST" >/dev/null)
done
name=remote-rendering
ls "$DIST"/$name-"$VERSION".tgz
for t in "${triples[@]}"; do ls "$DIST"/$name-"$(platform_of "$t")"-"$VERSION".tgz; done
