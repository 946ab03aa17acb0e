#!/usr/bin/env bash
# The benchmarks, every section in one run, then BENCHMARKS.md (make bench):
#
#   1. per-call overhead: get_session latency and sequential throughput from the raw Rust core,
#      Python (sync and asyncio), Node, the C API and Java (blocking and CompletableFuture),
#      against one emulator; ratios to the core
#   2. against the official Azure Python SDK, over https (the SDK refuses plain http): the same
#      calls, concurrent asyncio calls and whole session lifecycles; ratios ours/theirs
#   3. fleet: 10,000 sessions started, waited to Ready and stopped concurrently from one process
#      (Python asyncio, Node, Java, and the Rust core for reference)
#   4. cold start: import / require
#   5. emulator throughput beside a bare hyper server (the floor), and with its dashboard open
#   6. artefact sizes
#   7. emulator store and connection limits (SQLite creates, list pages, GET p99, RSS, half-sent sockets)
#   8. instructions per get_session under callgrind, the core and each binding (a count, not a time:
#      it does not move with the machine's load)
#
# Every figure is the median of repeated runs, with min and max; runs of the things compared
# are interleaved round by round, so that other load on the machine falls on all of them alike,
# and each ratio is taken within a round. Benchmarks print figures; nothing here fails on a time.
# Servers listen on 127.0.0.1 only; every load loop is bounded in count and time.
#
# Knobs (environment): BENCH_ROUNDS (per-call rounds, 15), BENCH_CALLS (calls per run, 1500),
# BENCH_SDK_ROUNDS (7), BENCH_SDK_CALLS (500), BENCH_FLEET_ROUNDS (3), BENCH_FLEET_SESSIONS
# (10000), BENCH_STARTUP_DELAY (emulator start-up delay of the fleet, seconds, 5),
# BENCH_COLD_ROUNDS (15), BENCH_LOAD_ROUNDS (5), BENCH_LOAD_SECONDS (3), BENCH_QUICK=1 (a short
# smoke run of everything, all of it under target/bench-quick/), BENCH_OUT (BENCHMARKS.md),
# BENCH_PIN (1: sections 1 and 2 run the emulator on CPU 1 and the clients on CPU 0; 0: unpinned),
# HARDENING_SESSIONS (stored sessions of section 7, 100000), HARDENING_ROUNDS (3).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
T0=$(date +%s)

if [[ "${BENCH_QUICK:-0}" == 1 ]]; then
  : "${BENCH_ROUNDS:=2}" "${BENCH_CALLS:=200}" "${BENCH_SDK_ROUNDS:=1}" "${BENCH_SDK_CALLS:=50}"
  : "${BENCH_FLEET_ROUNDS:=1}" "${BENCH_FLEET_SESSIONS:=100}" "${BENCH_COLD_ROUNDS:=2}"
  : "${BENCH_LOAD_ROUNDS:=1}" "${BENCH_LOAD_SECONDS:=1}" "${BENCH_STARTUP_DELAY:=1}" "${HARDENING_SESSIONS:=5000}" "${HARDENING_ROUNDS:=1}"
fi
ROUNDS=${BENCH_ROUNDS:-15}
CALLS=${BENCH_CALLS:-1500}
WARMUP=$((CALLS / 10))
SDK_ROUNDS=${BENCH_SDK_ROUNDS:-7}
SDK_CALLS=${BENCH_SDK_CALLS:-500}
SDK_WARMUP=$((SDK_CALLS / 10))
LIFECYCLES=$((SDK_CALLS / 5))
FLEET_ROUNDS=${BENCH_FLEET_ROUNDS:-3}
FLEET_SESSIONS=${BENCH_FLEET_SESSIONS:-10000}
STARTUP_DELAY=${BENCH_STARTUP_DELAY:-5}
COLD_ROUNDS=${BENCH_COLD_ROUNDS:-15}
LOAD_ROUNDS=${BENCH_LOAD_ROUNDS:-5}
LOAD_SECONDS=${BENCH_LOAD_SECONDS:-3}
if [[ "${BENCH_QUICK:-0}" == 1 ]]; then OUT_MD=${BENCH_OUT:-$ROOT/target/bench-quick/BENCHMARKS.md}
else OUT_MD=${BENCH_OUT:-$ROOT/BENCHMARKS.md}; fi

# Sections 1 and 2 pin the emulator to one CPU and every client to the other: on a VM, waking a thread
# on the other (idle) vCPU costs tens of µs, so unpinned latencies are bimodal, depending on where the
# scheduler happens to put the client and the emulator; pinned, every client meets the same path.
SERVER_PIN=() CLIENT_PIN=()
if [[ "${BENCH_PIN:-1}" == 1 && $(nproc) -ge 2 ]] && command -v taskset >/dev/null; then
  SERVER_PIN=(taskset -c 1) CLIENT_PIN=(taskset -c 0)
fi

# A quick run keeps its own folder, so it never replaces the records of a full run.
OUT=$ROOT/target/bench
[[ "${BENCH_QUICK:-0}" == 1 ]] && OUT=$ROOT/target/bench-quick
LOGS=$OUT/logs
RESULTS=$OUT/results.jsonl
VENV=$ROOT/target/bench-venv
PY=$VENV/bin/python
REL=${CARGO_TARGET_DIR:-$ROOT/target}/release   # cargo honours CARGO_TARGET_DIR, and so does maturin
NODE_PKG=$OUT/node_modules/remote-rendering
mkdir -p "$OUT" "$LOGS"
: > "$RESULTS"
rm -f "$OUT"/skipped.txt

step() { printf '\n==> [%3ss] %s\n' "$(($(date +%s) - T0))" "$*"; }
# The 1-minute load average as each section starts: how busy the shared machine was.
note_load() { echo "load_section_$1=$(cut -d' ' -f1 /proc/loadavg)" >> "$OUT/machine.txt"; }
skip() { echo "$1" >> "$OUT/skipped.txt"; echo "skipped: $1" >&2; }
# Appends a benchmark's JSON records (stdout) to the results; its stderr goes to a log. A benchmark
# that fails is noted (its figure then reads "not measured") and the run goes on.
record() {
  local log=$1; shift
  if ! "$@" 2>>"$LOGS/$log.log" | tee -a "$RESULTS"; then
    skip "a run failed: $(echo "$*" | cut -c1-100)… (target/bench/logs/$log.log)"
  fi
}

# --- servers: started here, stopped here (by pid) -----------------------------------------------
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# start_emulator NAME FLAGS…: sets EMU_PID, EMU_EP, EMU_ACCOUNT, EMU_KEY from the ready line
# (run under EMU_PREFIX, e.g. taskset).
EMU_PREFIX=()
start_emulator() {
  local name=$1; shift
  local ready=$OUT/$name.ready
  rm -f "$ready"
  "${EMU_PREFIX[@]}" "$REL/remote-rendering-emulator" --listen 127.0.0.1:0 "$@" >"$ready" 2>>"$LOGS/emulator-$name.log" &
  EMU_PID=$!
  PIDS+=("$EMU_PID")
  for _ in $(seq 1 200); do [[ -s "$ready" ]] && break; sleep 0.05; done
  [[ -s "$ready" ]] || { echo "emulator $name did not start" >&2; exit 1; }
  read -r EMU_EP EMU_ACCOUNT EMU_KEY < <("$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["endpoint"], d["accountId"], d["accountKey"])' "$ready")
}
stop_emulator() { kill "$EMU_PID" 2>/dev/null || true; wait "$EMU_PID" 2>/dev/null || true; }
# The emulator's peak resident set (MiB), read before stopping it.
emulator_rss() { awk '/VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$EMU_PID/status" 2>/dev/null || echo 0; }

# --- build (release) --------------------------------------------------------------------------
step "cargo build --release: emulator, bench binaries, Node addon"
cargo build --release --locked -p remote-rendering-emulator -p remote-rendering-bench -p remote-rendering-node

# Java: the jar with the release JNI library inside (mvn package), and the harness compiled against it.
JAVA_OK=1
JAVA_JAR=$OUT/java-build/remote-rendering-0.1.0.jar
step "the Java jar with the release JNI library, and bench/java/Bench.java"
if ! { cargo build --release --locked -p remote-rendering-java &&
       rm -rf "$OUT/java-native" && mkdir -p "$OUT/java-native/linux-$(uname -m)" &&
       cp "$REL/libremote_rendering_java.so" "$OUT/java-native/linux-$(uname -m)/" &&
       (cd java && mvn -B -q package -DskipTests -Dnative.dir="$OUT/java-native" -Dbuild.dir="$OUT/java-build") &&
       rm -rf "$OUT/java-bench" && javac -cp "$JAVA_JAR" -d "$OUT/java-bench" bench/java/Bench.java; } \
     >"$LOGS/java-build.log" 2>&1; then
  JAVA_OK=0; skip "Java: the jar or the harness did not build (target/bench/logs/java-build.log)"
fi
JAVA_CP=$JAVA_JAR:$OUT/java-bench

C_OK=1
step "cargo build --release: C library (shared and static)"
if ! cargo build --release --locked -p remote-rendering-c 2>"$LOGS/c-build.log"; then
  C_OK=0; skip "C API: the library did not build (target/bench/logs/c-build.log)"
fi

step "bench venv ($VENV): maturin, the official SDK (azure-mixedreality-remoterendering six aiohttp)"
REQS='"maturin>=1.9,<2" azure-mixedreality-remoterendering six aiohttp'
if [[ ! -f "$VENV/.installed" || "$(cat "$VENV/.installed")" != "$REQS" ]]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --upgrade pip
  eval "\"$VENV/bin/pip\" install --quiet $REQS"
  echo "$REQS" > "$VENV/.installed"
fi

step "the wheel (maturin build --release), installed into the bench venv"
rm -rf "$OUT/wheels"
(cd python && "$VENV/bin/maturin" build --release --locked --quiet --out "$OUT/wheels")
WHEEL=$(ls "$OUT"/wheels/*.whl)
"$VENV/bin/pip" install --quiet --force-reinstall --no-deps "$WHEEL"

step "the Node package with the release addon ($NODE_PKG)"
rm -rf "$NODE_PKG" && mkdir -p "$NODE_PKG"
# The package's own file list (package.json "files"), with the release addon beside it.
cp node/package.json node/index.js node/index.mjs node/index.d.ts node/load-native.js node/native.js \
  node/native.d.ts "$NODE_PKG/"
cp "$REL/libremote_rendering_node.so" "$NODE_PKG/remote-rendering.linux-x64-gnu.node"
export RR_NODE_PACKAGE=$NODE_PKG

if [[ $C_OK == 1 ]]; then
  step "the C benchmark program (bench/c/get_session.c, linked to libremote_rendering.so)"
  # The library's SONAME (libremote_rendering.so.X.Y) is what the program loads: cargo writes
  # only libremote_rendering.so, so the link the SDK would install is made here.
  soname=$(readelf -d "$REL/libremote_rendering.so" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
  mkdir -p "$OUT/c-lib" && ln -sf "$REL/libremote_rendering.so" "$OUT/c-lib/${soname:-libremote_rendering.so}"
  if ! gcc -O2 -std=c11 -Wall -I include bench/c/get_session.c -o "$OUT/rr-bench-c" \
       -L "$REL" -lremote_rendering -Wl,-rpath,"$OUT/c-lib" 2>"$LOGS/c-compile.log"; then
    C_OK=0; skip "C API: bench/c/get_session.c did not compile against include/remote_rendering.h (target/bench/logs/c-compile.log)"
  fi
fi

# --- the machine --------------------------------------------------------------------------------
step "the machine"
{
  echo "nproc=$(nproc)"
  echo "cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)"
  echo "mem=$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
  echo "os=$( (. /etc/os-release && echo "$PRETTY_NAME") 2>/dev/null), kernel $(uname -r)"
  echo "rustc=$(rustc --version)"
  echo "python=$("$PY" -c 'import platform; print(platform.python_version())')"
  echo "node=$(node --version)"
  echo "gcc=$(gcc --version | head -1)"
  echo "java=$(java -version 2>&1 | head -1)"
  echo "sdk=$("$VENV/bin/pip" show azure-mixedreality-remoterendering 2>/dev/null | sed -n 's/^Version: //p'), azure-core $("$VENV/bin/pip" show azure-core 2>/dev/null | sed -n 's/^Version: //p')"
  echo "load_start=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "date=$(date -u +%Y-%m-%dT%H:%MZ)"
  echo "fleet_delay=$STARTUP_DELAY"
  echo "fleet_sessions=$FLEET_SESSIONS"
  echo "pinned=$([[ ${#CLIENT_PIN[@]} -gt 0 ]] && echo yes || echo no)"
  echo "commit=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . 2>/dev/null || echo ' (with uncommitted changes)')"
} > "$OUT/machine.txt"
cat "$OUT/machine.txt"

# --- 1. per-call overhead ---------------------------------------------------------------------
step "1. per-call overhead: $ROUNDS rounds of $CALLS get_session calls per client (after $WARMUP warm-up calls)"
note_load 1
EMU_PREFIX=("${SERVER_PIN[@]}")
start_emulator percall --startup-delay 0
A=(--endpoint "$EMU_EP" --account-id "$EMU_ACCOUNT" --account-key "$EMU_KEY")
P=("${CLIENT_PIN[@]}")
for r in $(seq 1 "$ROUNDS"); do
  C=(--calls "$CALLS" --warmup "$WARMUP" --round "$r")
  record core "${P[@]}" "$REL/rr-bench-core" percall "${A[@]}" "${C[@]}" --mode task --key get/core
  record core "${P[@]}" "$REL/rr-bench-core" percall "${A[@]}" "${C[@]}" --mode block-on
  record core "${P[@]}" "$REL/rr-bench-core" percall "${A[@]}" "${C[@]}" --mode block-on --current-thread --key get/core-current-thread
  record core "${P[@]}" "$REL/rr-bench-core" percall "${A[@]}" "${C[@]}" --mode spawn-wait
  record core "${P[@]}" "$REL/rr-bench-core" percall "${A[@]}" "${C[@]}" --mode driver
  record python "${P[@]}" "$PY" bench/python/percall.py --client ours "${A[@]}" "${C[@]}" --key get/python
  record python "${P[@]}" "$PY" bench/python/percall.py --client ours-aio "${A[@]}" "${C[@]}" --key get/python-asyncio
  record node "${P[@]}" node bench/node/percall.js "${A[@]}" "${C[@]}" --key get/node
  if [[ $C_OK == 1 ]]; then
    record c "${P[@]}" "$OUT/rr-bench-c" "$EMU_EP" "$EMU_ACCOUNT" "$EMU_KEY" "$CALLS" "$WARMUP" "$r"
  fi
  if [[ $JAVA_OK == 1 ]]; then
    # The JVM compiles the hot path only after a few thousand calls: the Java runs warm up with at
    # least 3000 calls (measured calls unchanged), so the figures are the JIT-compiled code's.
    J=(--calls "$CALLS" --warmup "$((WARMUP > 3000 ? WARMUP : 3000))" --round "$r")
    record java "${P[@]}" java -cp "$JAVA_CP" Bench percall "${A[@]}" "${J[@]}" --key get/java
    record java "${P[@]}" java -cp "$JAVA_CP" Bench percall-async "${A[@]}" "${J[@]}" --key get/java-async
  fi
done
stop_emulator

# --- 2. the official SDK ----------------------------------------------------------------------
step "2. against the official SDK over https: $SDK_ROUNDS rounds"
note_load 2
start_emulator sdk --startup-delay 0 --tls --cert-out "$OUT/emulator-ca.pem"
export REQUESTS_CA_BUNDLE=$OUT/emulator-ca.pem SSL_CERT_FILE=$OUT/emulator-ca.pem
A=(--endpoint "$EMU_EP" --account-id "$EMU_ACCOUNT" --account-key "$EMU_KEY" --ca-cert "$OUT/emulator-ca.pem")
sdk() { record sdk "${P[@]}" "$PY" bench/python/percall.py "$@"; }
for r in $(seq 1 "$SDK_ROUNDS"); do
  for c in ours sdk ours-aio sdk-aio; do
    sdk --client "$c" --op get "${A[@]}" --calls "$SDK_CALLS" --warmup "$SDK_WARMUP" --round "$r"
  done
  for c in ours-aio sdk-aio; do
    sdk --client "$c" --op concurrent --concurrency 32 "${A[@]}" --calls "$((SDK_CALLS * 2))" --warmup "$SDK_WARMUP" --round "$r"
  done
  for c in ours sdk ours-aio sdk-aio; do
    sdk --client "$c" --op lifecycle "${A[@]}" --calls "$LIFECYCLES" --warmup 5 --round "$r"
  done
done
unset REQUESTS_CA_BUNDLE SSL_CERT_FILE
stop_emulator
EMU_PREFIX=()

# --- 3. fleet -----------------------------------------------------------------------------------
step "3. fleet: $FLEET_SESSIONS sessions, start-up delay ${STARTUP_DELAY}s, $FLEET_ROUNDS rounds"
note_load 3
for r in $(seq 1 "$FLEET_ROUNDS"); do
  for who in python-asyncio node java core; do
    [[ $who == java && $JAVA_OK == 0 ]] && continue
    start_emulator "fleet-$who" --startup-delay "$STARTUP_DELAY"
    A=(--endpoint "$EMU_EP" --account-id "$EMU_ACCOUNT" --account-key "$EMU_KEY" --sessions "$FLEET_SESSIONS"
       --startup-delay "$STARTUP_DELAY" --round "$r")
    case $who in
      python-asyncio) record fleet "$PY" bench/python/fleet.py "${A[@]}" ;;
      node) record fleet node bench/node/fleet.js "${A[@]}" ;;
      java) record fleet java -cp "$JAVA_CP" Bench fleet "${A[@]}" --key fleet/java ;;
      core) record fleet "$REL/rr-bench-core" fleet "${A[@]}" --key fleet/core ;;
    esac
    echo "{\"key\": \"fleet-emulator/$who\", \"round\": $r, \"metrics\": {\"peak_rss_mib\": $(emulator_rss)}}" | tee -a "$RESULTS"
    stop_emulator
  done
done

# --- 4. cold start ------------------------------------------------------------------------------
step "4. cold start: $COLD_ROUNDS rounds"
note_load 4
record coldstart "$PY" bench/python/coldstart.py --rounds "$COLD_ROUNDS" --node-dir "$OUT"

# --- 5. emulator throughput ---------------------------------------------------------------------
step "5. emulator throughput beside a bare hyper server: $LOAD_ROUNDS rounds of ${LOAD_SECONDS}s each"
note_load 5
record load "$REL/rr-bench-load" --emulator "$REL/remote-rendering-emulator" --bare "$REL/rr-bench-bare" \
  --rounds "$LOAD_ROUNDS" --seconds "$LOAD_SECONDS" --connections 32
step "5b. emulator throughput with its dashboard open and closed: $LOAD_ROUNDS rounds of ${LOAD_SECONDS}s each"
record dashboard "$REL/rr-bench-dashboard" --emulator "$REL/remote-rendering-emulator" \
  --rounds "$LOAD_ROUNDS" --seconds "$LOAD_SECONDS" --connections 32

# --- 7. emulator store and connection limits ---------------------------------------------------
step "7. emulator store and connection limits: ${HARDENING_SESSIONS:-100000} stored sessions"
note_load 7
for r in $(seq 1 "${HARDENING_ROUNDS:-3}"); do
  record hardening "$REL/rr-bench-hardening" --emulator "$REL/remote-rendering-emulator" \
    --sessions "${HARDENING_SESSIONS:-100000}" --round "$r"
done

# --- 8. instructions per call -------------------------------------------------------------------
step "8. instructions per get_session (callgrind): the core and each binding's call"
note_load 8
if command -v valgrind >/dev/null; then
  source bench/instructions.sh
  EMU_PREFIX=()
  start_emulator instructions --startup-delay 0
  A=(--endpoint "$EMU_EP" --account-id "$EMU_ACCOUNT" --account-key "$EMU_KEY")
  W=(--warmup 50 --round 1)
  instructions instr/core 200 600 "$REL/rr-bench-core" percall "${A[@]}" --calls CALLS "${W[@]}" --mode task
  instructions instr/core-block-on 200 600 "$REL/rr-bench-core" percall "${A[@]}" --calls CALLS "${W[@]}" --mode block-on
  instructions instr/core-current-thread 200 600 "$REL/rr-bench-core" percall "${A[@]}" --calls CALLS "${W[@]}" \
    --mode block-on --current-thread
  instructions instr/core-driver 200 600 "$REL/rr-bench-core" percall "${A[@]}" --calls CALLS "${W[@]}" --mode driver
  instructions instr/python 200 600 "$PY" bench/python/percall.py --client ours "${A[@]}" --calls CALLS "${W[@]}"
  instructions instr/python-asyncio 200 600 "$PY" bench/python/percall.py --client ours-aio "${A[@]}" --calls CALLS "${W[@]}"
  instructions instr/node 300 900 node bench/node/percall.js "${A[@]}" --calls CALLS --warmup 2000 --round 1
  if [[ $C_OK == 1 ]]; then
    instructions instr/c 200 600 "$OUT/rr-bench-c" "$EMU_EP" "$EMU_ACCOUNT" "$EMU_KEY" CALLS 50 1
  fi
  if [[ $JAVA_OK == 1 ]]; then
    # HotSpot's C2 compiler and its default collector crash under valgrind: the JVM runs with C1
    # only and the serial collector here, so this count is of C1's code (more than C2's would be).
    instructions instr/java 300 900 java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$JAVA_CP" Bench percall \
      "${A[@]}" --calls CALLS --warmup 2000 --round 1
  fi
  stop_emulator
else
  skip "8. instructions per call: valgrind is not installed (apt-get install valgrind)"
fi

# --- 6. sizes -----------------------------------------------------------------------------------
step "6. artefact sizes"
{
  echo "wheel=$(stat -c %s "$WHEEL") $(basename "$WHEEL")"
  echo "node=$(stat -c %s "$NODE_PKG/remote-rendering.linux-x64-gnu.node") remote-rendering.linux-x64-gnu.node"
  if [[ $C_OK == 1 ]]; then
    echo "c_shared=$(stat -c %s "$REL/libremote_rendering.so") libremote_rendering.so"
    echo "c_static=$(stat -c %s "$REL/libremote_rendering.a") libremote_rendering.a"
    strip --strip-debug -o "$OUT/libremote_rendering.stripped.a" "$REL/libremote_rendering.a"
    echo "c_static_stripped=$(stat -c %s "$OUT/libremote_rendering.stripped.a") libremote_rendering.a (strip --strip-debug)"
  fi
  if [[ $JAVA_OK == 1 ]]; then
    echo "java_jar=$(stat -c %s "$JAVA_JAR") remote-rendering-0.1.0.jar (the JNI library inside)"
  fi
  echo "emulator=$(stat -c %s "$REL/remote-rendering-emulator") remote-rendering-emulator"
  # The release artefacts, when `make dist` has made them (packaging/sizes.sh lists dist/).
  if compgen -G "$ROOT/dist/*.whl" >/dev/null; then bash packaging/sizes.sh; fi
} > "$OUT/sizes.txt"
cat "$OUT/sizes.txt"
echo "load_end=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.txt"

# --- the report ---------------------------------------------------------------------------------
ELAPSED=$(($(date +%s) - T0))
echo "elapsed=$ELAPSED" >> "$OUT/machine.txt"
step "BENCHMARKS.md"
"$PY" bench/report.py --results "$RESULTS" --machine "$OUT/machine.txt" --sizes "$OUT/sizes.txt" \
  --skipped "$OUT/skipped.txt" --analysis bench/analysis.md --out "$OUT_MD"
echo "wrote $OUT_MD in ${ELAPSED}s"
