"""Completing asyncio futures from the Rust runtime (called through ``loop.call_soon_threadsafe``)."""

from __future__ import annotations

import asyncio
from typing import Any


def resolve(fut: "asyncio.Future[Any]", ok: bool, value: Any) -> None:
    # The awaiting task may have been cancelled meanwhile: its future is done, nothing to tell.
    if fut.done():
        return
    if ok:
        fut.set_result(value)
    else:
        fut.set_exception(value)
