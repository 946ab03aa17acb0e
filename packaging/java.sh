#!/usr/bin/env bash
# Java: one jar for every gnu triple given (default x86_64-unknown-linux-gnu), holding the JNI
# library of each (linked with zig against glibc 2.17, in the wheel's build when there is one)
# under native/linux-x86_64/ and native/linux-aarch64/, the LICENSE under META-INF/; built by
# Maven in target/java-dist (never java/target, which the tests use) and copied to dist/:
#
#   remote-rendering-VERSION.jar
#
# musl JVMs (Alpine) are not covered yet: the loader names the platform and how to build.
#
#   bash packaging/java.sh [TRIPLE...]
source "$(dirname "$0")/common.sh"
dist_tools
triples=()
for t in "${@:-x86_64-unknown-linux-gnu}"; do
  if [[ $t == *-gnu ]]; then triples+=("$t"); else echo "note: no Java library for $t (gnu triples only)" >&2; fi
done
rust_targets "${triples[@]}"
command -v mvn >/dev/null || { echo "packaging/java.sh needs Maven (mvn) and a JDK 17 or newer" >&2; exit 1; }

java_platform() {
  case $1 in
    x86_64-unknown-linux-gnu) echo linux-x86_64 ;;
    aarch64-unknown-linux-gnu) echo linux-aarch64 ;;
    *) echo "no Java platform name for $1" >&2; return 1 ;;
  esac
}

stage=$ROOT/target/java-dist/native
rm -rf "$stage"
for t in "${triples[@]}"; do
  step "Java JNI library $(java_platform "$t") ($t)"
  build_native "$t"
  mkdir -p "$stage/$(java_platform "$t")"
  cp "$ROOT/target/$t/release/libremote_rendering_java.so" "$stage/$(java_platform "$t")/"
done

step "the jar (mvn package)"
# The lock: Maven's local repository is shared with make test-java, which may run at the same time.
(cd java && flock "$ROOT/target/maven.lock" mvn -B -q package -DskipTests -Dnative.dir="$stage" \
  -Dbuild.dir="$ROOT/target/java-dist/build") 2>&1 | sed 's/\x1b\[[0-9;]*m//g' >&2
jar=$ROOT/target/java-dist/build/remote-rendering-$VERSION.jar
[[ -f $jar ]] || { echo "mvn package made no $jar" >&2; exit 1; }
cp "$jar" "$DIST/"
ls "$DIST/remote-rendering-$VERSION.jar"
