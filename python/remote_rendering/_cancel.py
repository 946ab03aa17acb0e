"""``CancelToken``: ends blocking and asyncio waits from any thread.

A blocking wait holds its thread, so the only other way to end it is Ctrl-C; a token lets a UI
handler, a signal handler or another thread end it (``OperationCancelledError``), as .NET's
``CancellationToken`` and JavaScript's ``AbortSignal`` do in their languages.
"""

from __future__ import annotations

from typing import Any, Optional

from . import _native

__all__ = ["CancelToken"]


class CancelToken:
    """Give it as ``cancel=`` to waits and ``open_session``; ``cancel()`` (from any thread) ends them
    promptly with ``OperationCancelledError``. One token may serve many calls; once cancelled it
    stays cancelled (a wait given a cancelled token ends at once).

    >>> token = CancelToken()
    >>> threading.Timer(5, token.cancel).start()               # doctest: +SKIP
    >>> client.wait_for_session("my-session", cancel=token)    # doctest: +SKIP
    """

    __slots__ = ("_native",)

    def __init__(self) -> None:
        self._native = _native.CancelToken()

    def cancel(self) -> None:
        """Cancels every wait given this token, now and later. Safe from any thread, and again."""
        self._native.cancel()

    @property
    def is_cancelled(self) -> bool:
        """Whether ``cancel()`` was called."""
        return bool(self._native.is_cancelled)

    def __repr__(self) -> str:
        return f"CancelToken(is_cancelled={self.is_cancelled})"


def native_token(cancel: Optional[CancelToken]) -> Any:
    """The native token of ``cancel=`` (checked: a wrong type is a ``TypeError`` naming it)."""
    if cancel is None:
        return None
    if not isinstance(cancel, CancelToken):
        raise TypeError(f"cancel must be a remote_rendering.CancelToken, got {type(cancel).__name__}")
    return cancel._native
