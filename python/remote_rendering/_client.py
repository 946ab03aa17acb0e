"""The blocking client: the operations of ``_ops`` run on the caller's thread. Every call
releases the GIL while it waits, and Ctrl-C interrupts it within a tenth of a second (the
request is cancelled); a ``CancelToken`` does the same from another thread."""

from __future__ import annotations

from types import TracebackType
from typing import Any, Callable, Iterator, Optional, Type, TypeVar

from . import _ops
from ._handles import KeeperState, ManagedState
from ._models import Session

__all__ = ["RemoteRenderingClient", "ManagedSession", "SessionContext", "LeaseKeeper"]

T = TypeVar("T")


class _Paged(Iterator[T]):
    def __init__(self, pages: "_ops.Pages[T]") -> None:
        self._stream = pages.stream
        self._build: Callable[[Any], T] = pages.build

    def __iter__(self) -> "_Paged[T]":
        return self

    def __next__(self) -> T:
        item = self._stream.next()
        if item is None:
            raise StopIteration
        return self._build(item)


class LeaseKeeper(KeeperState):
    """Keeps a session's lease renewed in the background (see ``RemoteRenderingClient.keep_alive``).

    A context manager: leaving it stops the session (unless ``stop_on_close=False``)."""

    def close(self) -> None:
        """Ends the renewals and stops the session (if it stops on close)."""
        self._native.close()

    def detach(self) -> None:
        """Ends the renewals and leaves the session running."""
        self._native.detach()

    def __enter__(self) -> "LeaseKeeper":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class ManagedSession(ManagedState):
    """A session that is Ready, kept alive if asked, and stopped on ``close()``."""

    def __init__(self, native: Any, client: "RemoteRenderingClient") -> None:
        super().__init__(native)
        self._client = client

    def refresh(self) -> Session:
        """Reads the session now."""
        return self._client.get_session(self.id)

    def close(self) -> None:
        """Stops the session (once)."""
        self._native.close()


class SessionContext:
    """``with client.open_session(...) as s:`` starts a session, waits for Ready, keeps it alive,
    and stops it on exit, also on an exception or Ctrl-C."""

    def __init__(self, client: "RemoteRenderingClient", call: "_ops.Call[Any]") -> None:
        self._client = client
        self._call = call
        self._managed: Optional[ManagedSession] = None

    def __enter__(self) -> ManagedSession:
        self._managed = ManagedSession(self._call.blocking(), self._client)
        return self._managed

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        if self._managed is not None:
            self._managed.close()


def _pages(client: Any, pages: "_ops.Pages[T]") -> Iterator[T]:
    return _Paged(pages)


def _context(client: Any, call: "_ops.Call[Any]") -> SessionContext:
    return SessionContext(client, call)


def _keeper(client: Any, keeper: _ops.Keeper) -> LeaseKeeper:
    return LeaseKeeper(keeper.native, keeper.session_id)


@_ops.named
class RemoteRenderingClient(_ops.ClientCore):
    """A client of one Azure Remote Rendering account.

    >>> client = RemoteRenderingClient(
    ...     account_id="00000000-1111-2222-3333-444455556666",
    ...     account_domain="eastus.mixedreality.azure.com",
    ...     credential=AccountKeyCredential(key),
    ...     region="eastus",
    ... )  # doctest: +SKIP

    Give ``endpoint`` or ``region``; the STS is ``https://sts.{account_domain}`` unless
    ``sts_endpoint`` is given. Every value is checked here (``InvalidInputError`` names the
    field). One client is safe to share between threads.
    """

    _USER_AGENT = "sync"

    start_session = _ops.blocking(_ops.start_session)
    get_session = _ops.blocking(_ops.get_session)
    update_session = _ops.blocking(_ops.update_session)
    stop_session = _ops.blocking(_ops.stop_session)
    list_sessions = _ops.method(_ops.list_sessions, _pages, "Iterator[Session]")
    wait_for_session = _ops.blocking(_ops.wait_for_session)
    wait_for_sessions = _ops.blocking(_ops.wait_for_sessions)
    open_session = _ops.method(_ops.open_session, _context, "SessionContext")
    session = open_session
    keep_alive = _ops.method(_ops.keep_alive, _keeper, "LeaseKeeper")
    start_conversion = _ops.blocking(_ops.start_conversion)
    get_conversion = _ops.blocking(_ops.get_conversion)
    list_conversions = _ops.method(_ops.list_conversions, _pages, "Iterator[Conversion]")
    wait_for_conversion = _ops.blocking(_ops.wait_for_conversion)
    wait_for_conversion_with_report = _ops.blocking(_ops.wait_for_conversion_with_report)
    content_conversion_id = _ops.blocking(_ops.content_conversion_id)

    def __repr__(self) -> str:
        return f"RemoteRenderingClient(endpoint={self.endpoint!r}, account_id={self.account_id!r})"

    def close(self) -> None:
        """Nothing to release explicitly (connections close when the client is collected)."""

    def __enter__(self) -> "RemoteRenderingClient":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

