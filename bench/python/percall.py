"""Per-call figures of a Python client against a running emulator: `get_session` latency and
sequential throughput, throughput of concurrent asyncio calls, and whole session lifecycles.

    python percall.py --client ours|ours-aio|sdk|sdk-aio --op get|concurrent|lifecycle \
        --endpoint URL --account-id ID --account-key KEY [--ca-cert PEM] [--calls N] ...

`ours` is remote_rendering (sync), `ours-aio` remote_rendering.aio; `sdk` and `sdk-aio` are the
official azure-mixedreality-remoterendering (sync and asyncio; https only). Every figure is one
run: bench/run.sh repeats the runs and interleaves the clients. Prints one JSON record.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
import uuid
from typing import Any, Awaitable, Callable, List

from common import emit, median, percentile, rusage

p = argparse.ArgumentParser()
p.add_argument("--client", required=True, choices=["ours", "ours-aio", "sdk", "sdk-aio"])
p.add_argument("--op", default="get", choices=["get", "concurrent", "lifecycle"])
p.add_argument("--endpoint", required=True)
p.add_argument("--account-id", required=True)
p.add_argument("--account-key", required=True)
p.add_argument("--account-domain", default="127.0.0.1")
p.add_argument("--ca-cert", default=None)
p.add_argument("--session", default="bench-session")
p.add_argument("--calls", type=int, default=2000)
p.add_argument("--warmup", type=int, default=200)
p.add_argument("--concurrency", type=int, default=32)
p.add_argument("--round", type=int, default=1)
p.add_argument("--key", default=None)
args = p.parse_args()
key = args.key or f"{'https/' if args.endpoint.startswith('https') else ''}{args.op}/{args.client}"


# ------------------------------------------------------------------------------------------
# The operations, the same for each client: get, start (+ wait for Ready when the start's
# answer is not Ready yet), extend the lease, stop.


def ours_sync() -> Any:
    import remote_rendering as rr

    c = rr.RemoteRenderingClient(
        account_id=args.account_id,
        account_domain=args.account_domain,
        credential=rr.AccountKeyCredential(args.account_key),
        endpoint=args.endpoint,
        sts_endpoint=args.endpoint,
        ca_cert=args.ca_cert,
        poll_interval=0.001,
    )

    def get() -> Any:
        return c.get_session(args.session)

    def lifecycle(sid: str) -> None:
        s = c.start_session(sid, lease_minutes=30)
        if s.status != rr.SessionStatus.READY:
            c.wait_for_session(sid)
        c.update_session(sid, 31)
        c.stop_session(sid)

    c.start_session(args.session, lease_minutes=60)
    return get, lifecycle


def sdk_sync() -> Any:
    from azure.core.credentials import AzureKeyCredential
    from azure.mixedreality.remoterendering import RemoteRenderingClient, RenderingSessionSize

    c = RemoteRenderingClient(
        endpoint=args.endpoint,
        account_id=args.account_id,
        account_domain=args.account_domain,
        credential=AzureKeyCredential(args.account_key),
        authentication_endpoint_url=args.endpoint,
        polling_interval=0,
    )

    def get() -> Any:
        return c.get_rendering_session(args.session)

    def lifecycle(sid: str) -> None:
        c.begin_rendering_session(
            session_id=sid, size=RenderingSessionSize.STANDARD, lease_time_minutes=30
        ).result()
        c.update_rendering_session(session_id=sid, lease_time_minutes=31)
        c.stop_rendering_session(session_id=sid)

    try:
        c.begin_rendering_session(
            session_id=args.session, size=RenderingSessionSize.STANDARD, lease_time_minutes=60
        ).result()
    except Exception:  # it exists already (the service answers 200, the SDK may still poll)
        pass
    return get, lifecycle


async def ours_aio() -> Any:
    import remote_rendering as rr
    import remote_rendering.aio as rra

    c = rra.RemoteRenderingClient(
        account_id=args.account_id,
        account_domain=args.account_domain,
        credential=rr.AccountKeyCredential(args.account_key),
        endpoint=args.endpoint,
        sts_endpoint=args.endpoint,
        ca_cert=args.ca_cert,
        poll_interval=0.001,
    )

    async def get() -> Any:
        return await c.get_session(args.session)

    async def lifecycle(sid: str) -> None:
        s = await c.start_session(sid, lease_minutes=30)
        if s.status != rr.SessionStatus.READY:
            await c.wait_for_session(sid)
        await c.update_session(sid, 31)
        await c.stop_session(sid)

    await c.start_session(args.session, lease_minutes=60)
    return get, lifecycle


async def sdk_aio() -> Any:
    from azure.core.credentials import AzureKeyCredential
    from azure.mixedreality.remoterendering import RenderingSessionSize
    from azure.mixedreality.remoterendering.aio import RemoteRenderingClient

    c = RemoteRenderingClient(
        endpoint=args.endpoint,
        account_id=args.account_id,
        account_domain=args.account_domain,
        credential=AzureKeyCredential(args.account_key),
        authentication_endpoint_url=args.endpoint,
        polling_interval=0,
    )

    async def get() -> Any:
        return await c.get_rendering_session(args.session)

    async def lifecycle(sid: str) -> None:
        poller = await c.begin_rendering_session(
            session_id=sid, size=RenderingSessionSize.STANDARD, lease_time_minutes=30
        )
        await poller.result()
        await c.update_rendering_session(session_id=sid, lease_time_minutes=31)
        await c.stop_rendering_session(session_id=sid)

    try:
        poller = await c.begin_rendering_session(
            session_id=args.session, size=RenderingSessionSize.STANDARD, lease_time_minutes=60
        )
        await poller.result()
    except Exception:
        pass
    return get, lifecycle


# ------------------------------------------------------------------------------------------


def new_id() -> str:
    return f"bench-{uuid.uuid4().hex}"


def report_latencies(lat_us: List[float], elapsed: float, n: int, what: str, usage: Any) -> None:
    cpu_us, switches = rusage()
    emit(
        key,
        args.round,
        {
            "latency_us": median(lat_us),
            "p99_us": percentile(lat_us, 99.0),
            f"{what}_per_s": n / elapsed,
            "cpu_us_per_call": (cpu_us - usage[0]) / n,
            "switches_per_call": (switches - usage[1]) / n,
        },
    )


def run_sync() -> None:
    get, lifecycle = ours_sync() if args.client == "ours" else sdk_sync()
    pc = time.perf_counter
    if args.op == "get":
        for _ in range(args.warmup):
            get()
        lat = []
        usage = rusage()
        t0 = pc()
        for _ in range(args.calls):
            t = pc()
            get()
            lat.append((pc() - t) * 1e6)
        report_latencies(lat, pc() - t0, args.calls, "calls", usage)
    elif args.op == "lifecycle":
        for _ in range(max(1, args.warmup)):
            lifecycle(new_id())
        ids = [new_id() for _ in range(args.calls)]
        lat = []
        usage = rusage()
        t0 = pc()
        for sid in ids:
            t = pc()
            lifecycle(sid)
            lat.append((pc() - t) * 1e6)
        report_latencies(lat, pc() - t0, args.calls, "lifecycles", usage)
    else:
        raise SystemExit("--op concurrent needs an asyncio client")


async def run_aio() -> None:
    get, lifecycle = await (ours_aio() if args.client == "ours-aio" else sdk_aio())
    pc = time.perf_counter
    if args.op == "get":
        for _ in range(args.warmup):
            await get()
        lat = []
        usage = rusage()
        t0 = pc()
        for _ in range(args.calls):
            t = pc()
            await get()
            lat.append((pc() - t) * 1e6)
        report_latencies(lat, pc() - t0, args.calls, "calls", usage)
    elif args.op == "concurrent":
        # `concurrency` tasks sharing one client, `calls` GETs in all.
        await asyncio.gather(*(get() for _ in range(args.warmup)))
        left = args.calls

        async def worker() -> None:
            nonlocal left
            while left > 0:
                left -= 1
                await get()

        t0 = pc()
        await asyncio.gather(*(worker() for _ in range(args.concurrency)))
        emit(key, args.round, {"calls_per_s": args.calls / (pc() - t0), "concurrency": args.concurrency})
    else:
        for _ in range(max(1, args.warmup)):
            await lifecycle(new_id())
        ids = [new_id() for _ in range(args.calls)]
        lat = []
        usage = rusage()
        t0 = pc()
        for sid in ids:
            t = pc()
            await lifecycle(sid)
            lat.append((pc() - t) * 1e6)
        report_latencies(lat, pc() - t0, args.calls, "lifecycles", usage)


if args.client in ("ours", "sdk"):
    run_sync()
else:
    asyncio.run(run_aio())
os._exit(0)  # skip interpreter teardown: not part of any figure
