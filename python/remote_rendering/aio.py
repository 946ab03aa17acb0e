"""The asyncio client: the same methods as ``remote_rendering.RemoteRenderingClient``, as
coroutines. Cancelling a task cancels the request in Rust."""

from __future__ import annotations

import asyncio
import os
from types import TracebackType
from typing import Any, AsyncIterator, Awaitable, Callable, Dict, List, Optional, Sequence, Type, Union, cast

from . import _common
from ._common import Seconds
from ._credentials import Credential
from ._errors import RemoteRenderingError
from ._models import Conversion, ConversionSettings, CostRates, Session, SessionSize

__all__ = ["RemoteRenderingClient", "ManagedSession", "SessionContext", "LeaseKeeper"]


def _loop() -> asyncio.AbstractEventLoop:
    return asyncio.get_running_loop()


async def _await(fut: Any) -> Any:
    return await cast("Awaitable[Any]", fut)


class _AsyncPaged(AsyncIterator[Any]):
    def __init__(self, stream: Any, build: Callable[[Any], Any]) -> None:
        self._stream = stream
        self._build = build

    def __aiter__(self) -> "_AsyncPaged":
        return self

    async def __anext__(self) -> Any:
        item = await _await(self._stream.next(_loop()))
        if item is None:
            raise StopAsyncIteration
        return self._build(item)


class LeaseKeeper:
    """Keeps a session's lease renewed in the background; ``async with`` stops it on exit."""

    def __init__(self, native: Any, session_id: str) -> None:
        self._native = native
        self.session_id = session_id

    @property
    def extensions(self) -> int:
        """How many times the keeper has extended the lease."""
        return int(self._native.extensions())

    @property
    def is_finished(self) -> bool:
        """Whether the keeper has stopped (closed, detached, or the session ended)."""
        return bool(self._native.is_finished())

    @property
    def stopped_by_budget(self) -> bool:
        """Whether the keeper stopped the session because the next extension would pass ``budget``."""
        return bool(self._native.stopped_by_budget())

    @property
    def latest(self) -> Optional[Session]:
        """The session as the keeper last saw it, or ``None`` before its first check."""
        d = self._native.latest()
        return None if d is None else Session._from_wire(d)

    async def close(self) -> None:
        """Stops extending the lease, and stops the session unless the keeper was made with
        ``stop_on_exit=False``.
        """
        await _await(self._native.close(_loop()))

    async def detach(self) -> None:
        """Stops extending the lease and leaves the session running."""
        await _await(self._native.detach(_loop()))

    async def __aenter__(self) -> "LeaseKeeper":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()


class ManagedSession:
    """A Ready session, kept alive if asked, stopped on ``await close()``."""

    def __init__(self, native: Any, client: "RemoteRenderingClient") -> None:
        self._native = native
        self._client = client
        self.session: Session = Session._from_wire(native.session)

    @property
    def id(self) -> str:
        """The session's id."""
        return self.session.id

    @property
    def extensions(self) -> int:
        """How many times the lease has been extended."""
        return int(self._native.extensions())

    async def refresh(self) -> Session:
        """Gets the session's current state from the service."""
        return await self._client.get_session(self.id)

    async def close(self) -> None:
        """Stops the session (and its lease keeper); ``async with`` calls it on the way out."""
        await _await(self._native.close(_loop()))

    def __repr__(self) -> str:
        return f"ManagedSession(id={self.id!r}, status={self.session.status.value!r})"


class SessionContext:
    """``async with client.session(...) as s:``: start, wait for Ready, keep alive, always stop
    (also when the body raises or the task is cancelled)."""

    def __init__(self, client: "RemoteRenderingClient", kwargs: Dict[str, Any]) -> None:
        self._client = client
        self._kwargs = kwargs
        self._managed: Optional[ManagedSession] = None

    async def __aenter__(self) -> ManagedSession:
        native = await _await(self._client._native.open_session(**self._kwargs, event_loop=_loop()))
        self._managed = ManagedSession(native, self._client)
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


class RemoteRenderingClient:
    """The asyncio client of one Azure Remote Rendering account (same arguments as the sync one)."""

    def __init__(
        self,
        account_id: str,
        account_domain: Optional[str] = None,
        credential: Credential = None,
        *,
        endpoint: Optional[str] = None,
        region: Optional[str] = None,
        sts_endpoint: Optional[str] = None,
        poll_interval: Optional[Seconds] = None,
        request_timeout: Optional[Seconds] = None,
        max_attempts: Optional[int] = None,
        ca_cert: Union[str, "os.PathLike[str]", None] = None,
    ) -> None:
        self._native = _common.make_native_client(
            account_id=account_id,
            account_domain=account_domain,
            credential=credential,
            endpoint=endpoint,
            region=region,
            sts_endpoint=sts_endpoint,
            poll_interval=poll_interval,
            request_timeout=request_timeout,
            max_attempts=max_attempts,
            ca_cert=ca_cert,
            user_agent="asyncio",
        )

    @property
    def endpoint(self) -> str:
        """The service endpoint this client talks to."""
        return str(self._native.endpoint)

    @property
    def account_id(self) -> str:
        """The account id."""
        return str(self._native.account_id)

    def __repr__(self) -> str:
        return f"aio.RemoteRenderingClient(endpoint={self.endpoint!r}, account_id={self.account_id!r})"

    async def start_session(
        self, session_id: str, size: Union[SessionSize, str] = SessionSize.STANDARD, lease_minutes: int = 30
    ) -> Session:
        """Starts a session (201), or returns it when it exists with the same settings (200); other settings:
        ``ConflictError``.
        """
        d = await _await(self._native.start_session(session_id, _common.size_text(size), lease_minutes, _loop()))
        return Session._from_wire(d)

    async def get_session(self, session_id: str) -> Session:
        """Gets a session's current state (``NotFoundError`` when there is none)."""
        return Session._from_wire(await _await(self._native.get_session(session_id, _loop())))

    async def update_session(self, session_id: str, lease_minutes: int) -> Session:
        """Extends a session's lease; the lease must grow (the lease it has already succeeds)."""
        return Session._from_wire(await _await(self._native.update_session(session_id, lease_minutes, _loop())))

    async def stop_session(self, session_id: str) -> None:
        """Stops a session."""
        await _await(self._native.stop_session(session_id, _loop()))

    def list_sessions(self) -> AsyncIterator[Session]:
        """``async for s in client.list_sessions():`` (no await needed first)."""
        return _AsyncPaged(self._native.list_sessions(), Session._from_wire)

    async def wait_for_session(
        self,
        session_id: str,
        *,
        poll_interval: Optional[Seconds] = None,
        timeout: Optional[Seconds] = None,
        on_progress: Optional[Callable[[Session], Any]] = None,
    ) -> Session:
        """Polls a session until ``Ready``; raises ``SessionFailedError`` when it ends instead,
        ``WaitTimeoutError`` at the deadline. Cancelling the task cancels the wait.
        """
        d = await _await(
            self._native.wait_for_session(
                session_id,
                _common.seconds(poll_interval),
                _common.seconds(timeout),
                _common.session_progress(on_progress),
                _loop(),
            )
        )
        return Session._from_wire(d)

    async def wait_for_sessions(
        self,
        session_ids: Sequence[str],
        *,
        poll_interval: Optional[Seconds] = None,
        timeout: Optional[Seconds] = None,
        on_progress: Optional[Callable[[Session], Any]] = None,
    ) -> List[Union[Session, RemoteRenderingError]]:
        """Waits for many sessions with one list request per interval; each entry is the ``Ready`` session or its
        error.
        """
        raw = await _await(
            self._native.wait_for_sessions(
                list(session_ids),
                _common.seconds(poll_interval),
                _common.seconds(timeout),
                _common.session_progress(on_progress),
                _loop(),
            )
        )
        return _common.fleet_results(raw)

    def session(
        self,
        *,
        size: Union[SessionSize, str] = SessionSize.STANDARD,
        lease_minutes: int = 30,
        keep_alive: bool = True,
        session_id: Optional[str] = None,
        timeout: Optional[Seconds] = None,
        poll_interval: Optional[Seconds] = None,
        on_progress: Optional[Callable[[Session], Any]] = None,
        lease_step_minutes: Optional[int] = None,
        max_lease_minutes: Optional[int] = None,
        budget: Optional[float] = None,
        cost_rates: Optional[CostRates] = None,
    ) -> SessionContext:
        """``async with client.session(...) as s``: starts a session, waits for ``Ready``, keeps the lease alive
        and always stops it (also when the wait fails).
        """
        return SessionContext(
            self,
            dict(
                session_id=session_id,
                size=_common.size_text(size),
                lease_minutes=lease_minutes,
                keep_alive=_common.keep_alive_options(
                    lease_step_minutes, None, max_lease_minutes, None, True, budget, cost_rates
                )
                if keep_alive
                else None,
                poll_interval=_common.seconds(poll_interval),
                timeout=_common.seconds(timeout),
                on_progress=_common.session_progress(on_progress),
            ),
        )

    def keep_alive(
        self,
        session_id: str,
        *,
        step_minutes: Optional[int] = None,
        margin_minutes: Optional[int] = None,
        max_total_minutes: Optional[int] = None,
        check_interval: Optional[Seconds] = None,
        stop_on_exit: bool = True,
        budget: Optional[float] = None,
        cost_rates: Optional[CostRates] = None,
    ) -> LeaseKeeper:
        """Starts a lease keeper that extends the session's lease in fixed steps, up to a cap."""
        options = _common.keep_alive_options(
            step_minutes, margin_minutes, max_total_minutes, check_interval, stop_on_exit, budget, cost_rates
        )
        return LeaseKeeper(self._native.keep_alive(session_id, options), session_id)

    async def start_conversion(self, conversion_id: str, settings: ConversionSettings) -> Conversion:
        """Starts an asset conversion; its id exists with other settings: ``ConflictError``."""
        d = await _await(self._native.start_conversion(conversion_id, _common.settings_wire(settings), _loop()))
        return Conversion._from_wire(d)

    async def get_conversion(self, conversion_id: str) -> Conversion:
        """Gets a conversion's current state (``NotFoundError`` when there is none)."""
        return Conversion._from_wire(await _await(self._native.get_conversion(conversion_id, _loop())))

    def list_conversions(self) -> AsyncIterator[Conversion]:
        """``async for c in client.list_conversions():`` the account's conversions, page by page."""
        return _AsyncPaged(self._native.list_conversions(), Conversion._from_wire)

    async def wait_for_conversion(
        self,
        conversion_id: str,
        *,
        poll_interval: Optional[Seconds] = None,
        timeout: Optional[Seconds] = None,
        on_progress: Optional[Callable[[Conversion], Any]] = None,
    ) -> Conversion:
        """Polls a conversion until ``Succeeded``; raises ``ConversionFailedError`` when it fails,
        ``WaitTimeoutError`` at the deadline.
        """
        d = await _await(
            self._native.wait_for_conversion(
                conversion_id,
                _common.seconds(poll_interval),
                _common.seconds(timeout),
                _common.conversion_progress(on_progress),
                _loop(),
            )
        )
        return Conversion._from_wire(d)

    async def close(self) -> None:
        """Nothing to release explicitly."""

    async def __aenter__(self) -> "RemoteRenderingClient":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()
