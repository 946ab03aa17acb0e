"""Fleet: `--sessions` sessions started, waited to Ready and stopped concurrently from one
asyncio process (remote_rendering.aio), against a running emulator.

    python fleet.py --endpoint URL --account-id ID --account-key KEY --startup-delay 5 [--profile FILE]

Wall time is counted from the first start to the last stop; `beyond_delay_s` subtracts the
emulator's start-up delay (real seconds). Requests per session come from the emulator's own
counters (GET /_emulator/stats before and after; the STS exchange included). With --profile,
cProfile writes its statistics there (the figures of a profiled run are not reported).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time

from common import emit, emulator_requests, log, peak_rss_mib

p = argparse.ArgumentParser()
p.add_argument("--endpoint", required=True)
p.add_argument("--account-id", required=True)
p.add_argument("--account-key", required=True)
p.add_argument("--sessions", type=int, default=1000)
p.add_argument("--startup-delay", type=float, default=5.0)
p.add_argument("--poll-interval", type=float, default=None)  # None: the library default (5 s)
p.add_argument("--round", type=int, default=1)
p.add_argument("--key", default="fleet/python-asyncio")
p.add_argument("--profile", default=None)
args = p.parse_args()


async def fleet() -> dict:
    import remote_rendering as rr
    import remote_rendering.aio as rra

    client = rra.RemoteRenderingClient(
        account_id=args.account_id,
        account_domain="127.0.0.1",
        credential=rr.AccountKeyCredential(args.account_key),
        endpoint=args.endpoint,
        sts_endpoint=args.endpoint,
        poll_interval=args.poll_interval,
    )
    ids = [f"fleet-py-{args.round}-{i}-{os.getpid()}" for i in range(args.sessions)]
    before = emulator_requests(args.endpoint)
    t0 = time.perf_counter()
    started = await asyncio.gather(*(client.start_session(i, lease_minutes=30) for i in ids), return_exceptions=True)
    t_started = time.perf_counter() - t0
    ready = await client.wait_for_sessions(ids)
    t_ready = time.perf_counter() - t0
    stopped = await asyncio.gather(*(client.stop_session(i) for i in ids), return_exceptions=True)
    wall = time.perf_counter() - t0
    after = emulator_requests(args.endpoint)
    failures = sum(isinstance(r, BaseException) for r in started + stopped) + sum(
        isinstance(r, BaseException) for r in ready
    )
    return {
        "wall_s": wall,
        "beyond_delay_s": wall - args.startup_delay,
        "start_s": t_started,
        "ready_s": t_ready,
        "stop_s": wall - t_ready,
        "requests_per_session": (after - before) / args.sessions,
        "peak_rss_mib": peak_rss_mib(),
        "failures": failures,
    }


if args.profile:
    import cProfile

    prof = cProfile.Profile()
    prof.enable()
    m = asyncio.run(fleet())
    prof.disable()
    prof.dump_stats(args.profile)
    log(f"profiled fleet: {m}")
else:
    emit(args.key, args.round, asyncio.run(fleet()))
os._exit(0)
