# Section 8 of bench/run.sh (sourced): instructions per get_session, counted by valgrind's
# callgrind in the client's process (every thread of it: the caller, the runtime's workers), for
# the raw core and each binding's blocking call. Unlike a time, the count does not move with the
# machine's other load: the same binary, inputs and environment count the same.
#
# Each client runs twice under callgrind against the same emulator (outside valgrind), with N1
# and then N2 measured calls after the same warm-up; the figure is (I(N2) - I(N1)) / (N2 - N1):
# start-up, imports, the first connection and the warm-up cancel out, so what is left is what
# one more call costs. JIT runtimes (Node, the JVM) get a warm-up long enough for the hot path to
# be compiled in both runs.
#
#   instructions KEY N1 N2 CMD...   CMD holds the word CALLS where the call count goes

callgrind_total() { # OUT-FILE: the Ir total callgrind wrote
  sed -n 's/^summary: *\([0-9]*\).*/\1/p; s/^totals: *\([0-9]*\).*/\1/p' "$1" | head -n 1
}

instructions() {
  local key=$1 n1=$2 n2=$3
  shift 3
  local n out total totals=()
  for n in "$n1" "$n2"; do
    out=$OUT/callgrind/$(tr '/' '_' <<<"$key").$n.out
    mkdir -p "$OUT/callgrind"
    if ! valgrind --tool=callgrind --callgrind-out-file="$out" "${@//CALLS/$n}" >/dev/null 2>>"$LOGS/callgrind.log"; then
      skip "callgrind: $key with $n calls failed (target/bench/logs/callgrind.log)"
      return 0
    fi
    total=$(callgrind_total "$out")
    [[ -n $total ]] || { skip "callgrind: no total in $out"; return 0; }
    totals+=("$total")
  done
  local per=$(((totals[1] - totals[0]) / (n2 - n1)))
  echo "{\"key\": \"$key\", \"round\": 1, \"metrics\": {\"instructions_per_call\": $per, \"n1\": $n1, \"n2\": $n2}}" |
    tee -a "$RESULTS"
}
