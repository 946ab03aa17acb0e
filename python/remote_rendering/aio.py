"""The asyncio client: the same operations as ``remote_rendering.RemoteRenderingClient`` (one
definition, ``_ops``), as coroutines. Cancelling a task cancels the request in Rust; a
``CancelToken`` ends a wait too.

In a notebook, await at the top level (Jupyter runs a loop already; ``asyncio.run`` there fails)::

    client = emu.aio_client()
    async with client.open_session(lease_minutes=10) as s:
        print(s.session.hostname)
"""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Any, AsyncIterator, Awaitable, Callable, Optional, Type, TypeVar, cast

from . import _ops
from ._handles import KeeperState, ManagedState
from ._models import Session

__all__ = ["RemoteRenderingClient", "ManagedSession", "SessionContext", "LeaseKeeper", "StorageAccount", "BlobContainer"]

T = TypeVar("T")


def _loop() -> asyncio.AbstractEventLoop:
    return asyncio.get_running_loop()


async def _await(fut: Any) -> Any:
    return await cast("Awaitable[Any]", fut)


class _AsyncPaged(AsyncIterator[T]):
    def __init__(self, pages: "_ops.Pages[T]") -> None:
        self._stream = pages.stream
        self._build: Callable[[Any], T] = pages.build

    def __aiter__(self) -> "_AsyncPaged[T]":
        return self

    async def __anext__(self) -> T:
        item = await _await(self._stream.next(_loop()))
        if item is None:
            raise StopAsyncIteration
        return self._build(item)


class LeaseKeeper(KeeperState):
    """Keeps a session's lease renewed in the background; ``async with`` stops it on exit."""

    async def close(self) -> None:
        """Stops extending the lease, and stops the session unless the keeper was made with
        ``stop_on_close=False``."""
        await _await(self._native.close(_loop()))

    async def detach(self) -> None:
        """Stops extending the lease and leaves the session running."""
        await _await(self._native.detach(_loop()))

    async def __aenter__(self) -> "LeaseKeeper":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()


class ManagedSession(ManagedState):
    """A Ready session, kept alive if asked, stopped on ``await close()``."""

    def __init__(self, native: Any, client: "RemoteRenderingClient") -> None:
        super().__init__(native)
        self._client = client

    async def refresh(self) -> Session:
        """Gets the session's current state from the service."""
        return await self._client.get_session(self.id)

    async def close(self) -> None:
        """Stops the session (and its lease keeper); ``async with`` calls it on the way out."""
        await _await(self._native.close(_loop()))


class SessionContext:
    """``async with client.open_session(...) as s:``: start, wait for Ready, keep alive, always
    stop (also when the body raises or the task is cancelled)."""

    def __init__(self, client: "RemoteRenderingClient", call: "_ops.Call[Any]") -> None:
        self._client = client
        self._call = call
        self._managed: Optional[ManagedSession] = None

    async def __aenter__(self) -> ManagedSession:
        self._managed = ManagedSession(await self._call.coroutine(), self._client)
        return self._managed

    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        if self._managed is not None:
            # Shielded: a cancelled task must still stop its session.
            await asyncio.shield(self._managed.close())


def _pages(client: Any, pages: "_ops.Pages[T]") -> AsyncIterator[T]:
    return _AsyncPaged(pages)


def _context(client: Any, call: "_ops.Call[Any]") -> SessionContext:
    return SessionContext(client, call)


def _keeper(client: Any, keeper: _ops.Keeper) -> LeaseKeeper:
    return LeaseKeeper(keeper.native, keeper.session_id)


@_ops.named
class RemoteRenderingClient(_ops.ClientCore):
    """The asyncio client of one Azure Remote Rendering account (the arguments of the blocking
    one). One client may serve many tasks, and event loops one after the other."""

    _USER_AGENT = "asyncio"

    start_session = _ops.coroutine(_ops.start_session)
    get_session = _ops.coroutine(_ops.get_session)
    update_session = _ops.coroutine(_ops.update_session)
    stop_session = _ops.coroutine(_ops.stop_session)
    list_sessions = _ops.method(_ops.list_sessions, _pages, "AsyncIterator[Session]")
    wait_for_session = _ops.coroutine(_ops.wait_for_session)
    wait_for_sessions = _ops.coroutine(_ops.wait_for_sessions)
    open_session = _ops.method(_ops.open_session, _context, "SessionContext")
    session = open_session
    keep_alive = _ops.method(_ops.keep_alive, _keeper, "LeaseKeeper")
    start_conversion = _ops.coroutine(_ops.start_conversion)
    get_conversion = _ops.coroutine(_ops.get_conversion)
    list_conversions = _ops.method(_ops.list_conversions, _pages, "AsyncIterator[Conversion]")
    wait_for_conversion = _ops.coroutine(_ops.wait_for_conversion)
    wait_for_conversion_with_report = _ops.coroutine(_ops.wait_for_conversion_with_report)
    content_conversion_id = _ops.coroutine(_ops.content_conversion_id)

    def __repr__(self) -> str:
        return f"aio.RemoteRenderingClient(endpoint={self.endpoint!r}, account_id={self.account_id!r})"

    async def close(self) -> None:
        """Nothing to release explicitly."""

    async def __aenter__(self) -> "RemoteRenderingClient":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()


@_ops.named
class BlobContainer(_ops.BlobContainerCore):
    """The asyncio client of one blob container (the arguments of the blocking one,
    ``remote_rendering.BlobContainer``): its calls are coroutines, and cancelling the task
    cancels the request in Rust."""

    _REPR = "aio.BlobContainer"

    upload = _ops.coroutine(_ops.upload)
    preflight = _ops.coroutine(_ops.preflight)
    read_conversion_report = _ops.coroutine(_ops.read_conversion_report)
    exists = _ops.coroutine(_ops.exists)
    list = _ops.coroutine(_ops.list_blobs)
    read = _ops.coroutine(_ops.read)


def _blob_container(account: Any, native: Any) -> BlobContainer:
    return BlobContainer._wrap(native)


@_ops.named
class StorageAccount(_ops.StorageAccountCore):
    """A storage account and its key (the arguments of the blocking one,
    ``remote_rendering.StorageAccount``): ``create_container`` is a coroutine; SAS tokens and
    URLs are made locally, so those methods are plain ones; ``container`` gives an asyncio
    ``BlobContainer``."""

    _REPR = "aio.StorageAccount"

    container_uri = _ops.local(_ops.container_uri)
    create_container = _ops.coroutine(_ops.create_container)
    container = _ops.method(_ops.container, _blob_container, "BlobContainer")
    container_sas = _ops.local(_ops.container_sas)
    input_sas = _ops.local(_ops.input_sas)
    output_sas = _ops.local(_ops.output_sas)
    blob_read_url = _ops.local(_ops.blob_read_url)
    asset_read_url = _ops.local(_ops.asset_read_url)
