"""The asyncio futures of Rust calls, and completing them from the Rust runtime when the loop
has no ``add_reader`` (then through ``loop.call_soon_threadsafe``)."""

from __future__ import annotations

import asyncio
from contextvars import Context
from typing import Any, Callable, Optional, Tuple

_Wakeup = Tuple[Callable[["NativeFuture"], Any], Context]

_set_result = asyncio.Future.set_result
_set_exception = asyncio.Future.set_exception


class NativeFuture(asyncio.Future):  # type: ignore[type-arg]
    """The future of one Rust call: cancelling it (as cancelling the task awaiting it does)
    aborts the Rust task. Overriding ``cancel`` costs nothing on the way of a result, where a
    done-callback would be one more loop callback on every call.

    The awaiting task's wake-up (the one done-callback given with its context, which is how a
    task waits on a future) is kept aside in ``_wakeup`` rather than scheduled by the future:
    the native reader of the completion socket (and ``complete``, without one) sets the result
    with ``asyncio.Future``'s own setter and then runs it right away, in that context, so the
    task resumes in the loop iteration that saw the result instead of one later (a future
    schedules its callbacks with ``call_soon``). Cancelling, and completing it any other way,
    schedule it as a future would. The native side makes the future with ``_wakeup = None``."""

    __slots__ = ("_abort", "_wakeup")
    _abort: Callable[["NativeFuture"], None]
    _wakeup: Optional[_Wakeup]

    def add_done_callback(self, fn: Callable[..., Any], *, context: Optional[Context] = None) -> None:
        if context is not None and self._wakeup is None and not self.done():
            self._wakeup = (fn, context)
        else:
            super().add_done_callback(fn, context=context)

    def remove_done_callback(self, fn: Callable[..., Any]) -> int:
        n = super().remove_done_callback(fn)
        wakeup = self._wakeup
        if wakeup is not None and wakeup[0] == fn:
            self._wakeup = None
            n += 1
        return n

    def _schedule_wakeup(self) -> None:
        wakeup = self._wakeup
        if wakeup is not None:
            self._wakeup = None
            self.get_loop().call_soon(wakeup[0], self, context=wakeup[1])

    def set_result(self, result: Any) -> None:
        super().set_result(result)
        self._schedule_wakeup()

    def set_exception(self, exception: Any) -> None:
        super().set_exception(exception)
        self._schedule_wakeup()

    def cancel(self, msg: Any = None) -> bool:
        if not super().cancel(msg):
            return False
        self._schedule_wakeup()
        self._abort(self)
        return True


def complete(fut: NativeFuture, ok: bool, value: Any) -> None:
    """Completes ``fut`` and resumes its task now (on the loop's thread, from a loop callback)."""
    # The awaiting task may have been cancelled meanwhile: its future is done, nothing to tell.
    if fut.done():
        return
    if ok:
        _set_result(fut, value)
    else:
        _set_exception(fut, value)
    wakeup = fut._wakeup
    if wakeup is not None:
        fut._wakeup = None
        wakeup[1].run(wakeup[0], fut)


