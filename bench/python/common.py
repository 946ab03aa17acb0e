"""Shared by the Python benchmarks: result records, order statistics, emulator counters."""

from __future__ import annotations

import json
import resource
import statistics
import sys
import urllib.request
from typing import Any, Dict, List


def emit(key: str, round_: int, metrics: Dict[str, Any]) -> None:
    """One result record on one line of stdout (the format of every benchmark here)."""
    print(json.dumps({"key": key, "round": round_, "metrics": metrics}), flush=True)


def median(v: List[float]) -> float:
    return statistics.median(v) if v else 0.0


def percentile(v: List[float], p: float) -> float:
    if not v:
        return 0.0
    s = sorted(v)
    rank = max(1, min(len(s), int(-(-p / 100.0 * len(s) // 1))))
    return s[rank - 1]


def peak_rss_mib() -> float:
    """Peak resident set of this process (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def rusage() -> "tuple[float, float]":
    """CPU time (user + system, µs) and context switches of this process so far (all threads)."""
    u = resource.getrusage(resource.RUSAGE_SELF)
    return (u.ru_utime + u.ru_stime) * 1e6, float(u.ru_nvcsw + u.ru_nivcsw)


def emulator_requests(endpoint: str, cafile: str | None = None) -> int:
    """API and STS requests the emulator has answered (GET /_emulator/stats; not counted itself)."""
    import ssl

    ctx = ssl.create_default_context(cafile=cafile) if endpoint.startswith("https") else None
    with urllib.request.urlopen(endpoint + "/_emulator/stats", context=ctx, timeout=30) as r:
        return int(json.load(r)["requests"])


def log(*a: Any) -> None:
    print(*a, file=sys.stderr, flush=True)
