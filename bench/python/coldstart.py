"""Cold start: a fresh process importing the package, each way measured as
  * import_ms: the import alone, timed inside the process (perf_counter / hrtime around it);
  * process_ms: the whole process, interpreter start-up and exit included, timed from outside.
Targets are interleaved round by round so that noise from the machine falls on all alike; a
first unmeasured round warms the page cache and writes bytecode caches.

    python coldstart.py --rounds 15 --node-dir DIR   (DIR holds node_modules/remote-rendering)
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

from common import emit

p = argparse.ArgumentParser()
p.add_argument("--rounds", type=int, default=15)
p.add_argument("--node-dir", default=None)
p.add_argument("--node", default="node")
args = p.parse_args()

PY_TIMED = "import time; t = time.perf_counter(); {stmt}; print((time.perf_counter() - t) * 1e3)"
NODE_TIMED = "const t = process.hrtime.bigint(); {stmt}; console.log(Number(process.hrtime.bigint() - t) / 1e6)"

# key: (argv, cwd). Python runs from a neutral folder so that the installed package is found,
# never a source tree.
neutral = args.node_dir or os.getcwd()
targets = {
    "coldstart/python-bare": ([sys.executable, "-c", PY_TIMED.format(stmt="pass")], neutral),
    "coldstart/remote_rendering": (
        [sys.executable, "-c", PY_TIMED.format(stmt="import remote_rendering")],
        neutral,
    ),
    "coldstart/azure.mixedreality.remoterendering": (
        [sys.executable, "-c", PY_TIMED.format(stmt="import azure.mixedreality.remoterendering")],
        neutral,
    ),
}
if args.node_dir:
    targets["coldstart/node-bare"] = ([args.node, "-e", NODE_TIMED.format(stmt="0")], args.node_dir)
    targets["coldstart/require-remote-rendering"] = (
        [args.node, "-e", NODE_TIMED.format(stmt="require('remote-rendering')")],
        args.node_dir,
    )

env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
for r in range(args.rounds + 1):
    for key, (argv, cwd) in targets.items():
        t = time.perf_counter()
        out = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, check=True)
        process_ms = (time.perf_counter() - t) * 1e3
        if r == 0:
            continue  # warm-up round
        emit(key, r, {"import_ms": float(out.stdout.strip().splitlines()[-1]), "process_ms": process_ms})
