#!/usr/bin/env bash
# arrctl: one fully static x86_64 binary (musl, linked by zig through cargo zigbuild: no system
# musl toolchain needed, and ring's C code is compiled by the same zig), and a tarball with it,
# its shell completions and its manual page, laid out as ripgrep ships them:
#
#   arrctl-VERSION-x86_64-linux-musl/arrctl
#   .../complete/arrctl.bash, _arrctl (zsh), arrctl.fish, _arrctl.ps1 (PowerShell), arrctl.elv (elvish)
#   .../doc/arrctl.1, LICENSE, README.md
#
#   bash packaging/arrctl.sh
source "$(dirname "$0")/common.sh"
dist_tools
t=x86_64-unknown-linux-musl
rust_targets "$t"

step "arrctl, static ($t)"
cargo zigbuild --release --locked -p arrctl --target "$t" 2>&1 | compile_log "arrctl-$t" >&2
bin=$ROOT/target/$t/release/arrctl
# "statically linked" (ldd) and no interpreter: it runs on any x86_64 Linux.
if readelf -l "$bin" | grep -q 'Requesting program interpreter' || readelf -d "$bin" | grep -q NEEDED; then
  readelf -d "$bin" >&2
  echo "arrctl is not static" >&2
  exit 1
fi

name=arrctl-$VERSION-x86_64-linux-musl
stage=$ROOT/target/arrctl-dist/$name
rm -rf "$stage"
mkdir -p "$stage/complete" "$stage/doc"
cp "$bin" "$stage/arrctl"
"$bin" completions bash > "$stage/complete/arrctl.bash"
"$bin" completions zsh > "$stage/complete/_arrctl"
"$bin" completions fish > "$stage/complete/arrctl.fish"
"$bin" completions powershell > "$stage/complete/_arrctl.ps1"
"$bin" completions elvish > "$stage/complete/arrctl.elv"
"$bin" man > "$stage/doc/arrctl.1"
cp LICENSE "$stage/"
cat > "$stage/README.md" <<TXT
# arrctl $VERSION (x86_64 Linux, static)

The command line of remote-rendering: Azure Remote Rendering sessions and conversions, and a local
emulator of the service (\`arrctl demo\`, \`arrctl emulator\`). One static binary: it runs on any
x86_64 Linux, whatever its libc.

    install -m 755 arrctl /usr/local/bin/
    install -m 644 doc/arrctl.1 /usr/local/share/man/man1/
    install -m 644 complete/arrctl.bash /usr/share/bash-completion/completions/arrctl
    install -m 644 complete/_arrctl /usr/local/share/zsh/site-functions/
    install -m 644 complete/arrctl.fish ~/.config/fish/completions/

https://github.com/remote-rendering/remote-rendering (MIT, see LICENSE)
TXT
rm -f "$DIST/$name.tar.gz"
tar -C "$ROOT/target/arrctl-dist" --owner=0 --group=0 --numeric-owner -czf "$DIST/$name.tar.gz" "$name"
ls "$DIST/$name.tar.gz"
