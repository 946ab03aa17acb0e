"""The asyncio futures of Rust calls, and completing them from the Rust runtime when the loop
has no ``add_reader`` (then through ``loop.call_soon_threadsafe``)."""

from __future__ import annotations

import asyncio
from typing import Any, Callable


class NativeFuture(asyncio.Future):  # type: ignore[type-arg]
    """The future of one Rust call: cancelling it (as cancelling the task awaiting it does)
    aborts the Rust task. Overriding ``cancel`` costs nothing on the way of a result, where a
    done-callback would be one more loop callback on every call."""

    __slots__ = ("_abort",)
    _abort: Callable[["NativeFuture"], None]

    def cancel(self, msg: Any = None) -> bool:
        if not super().cancel(msg):
            return False
        self._abort(self)
        return True


def resolve(fut: "asyncio.Future[Any]", ok: bool, value: Any) -> None:
    # The awaiting task may have been cancelled meanwhile: its future is done, nothing to tell.
    if fut.done():
        return
    if ok:
        fut.set_result(value)
    else:
        fut.set_exception(value)
