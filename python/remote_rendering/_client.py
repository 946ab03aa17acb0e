"""The blocking client. Every call releases the GIL while it waits, and Ctrl-C interrupts it
within a tenth of a second (the request is cancelled)."""

from __future__ import annotations

import os
from types import TracebackType
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Type, Union

from . import _common
from ._common import Seconds
from ._credentials import Credential
from ._errors import RemoteRenderingError
from ._models import Conversion, ConversionSettings, CostRates, Session, SessionSize

__all__ = ["RemoteRenderingClient", "ManagedSession", "SessionContext", "LeaseKeeper"]


class _Paged(Iterator[Any]):
    def __init__(self, stream: Any, build: Callable[[Any], Any]) -> None:
        self._stream = stream
        self._build = build

    def __iter__(self) -> "_Paged":
        return self

    def __next__(self) -> Any:
        item = self._stream.next()
        if item is None:
            raise StopIteration
        return self._build(item)


class LeaseKeeper:
    """Keeps a session's lease renewed in the background (see ``RemoteRenderingClient.keep_alive``).

    A context manager: leaving it stops the session (unless ``stop_on_exit=False``)."""

    def __init__(self, native: Any, session_id: str) -> None:
        self._native = native
        self.session_id = session_id

    @property
    def extensions(self) -> int:
        """How many times the lease was extended."""
        return int(self._native.extensions())

    @property
    def is_finished(self) -> bool:
        """Whether the session ended (the keeper then stops on its own)."""
        return bool(self._native.is_finished())

    @property
    def stopped_by_budget(self) -> bool:
        """Whether the keeper stopped the session because the next extension would pass ``budget``."""
        return bool(self._native.stopped_by_budget())

    @property
    def latest(self) -> Optional[Session]:
        """The session as the keeper last read it."""
        d = self._native.latest()
        return None if d is None else Session._from_wire(d)

    def close(self) -> None:
        """Ends the renewals and stops the session (if it stops on exit)."""
        self._native.close()

    def detach(self) -> None:
        """Ends the renewals and leaves the session running."""
        self._native.detach()

    def __enter__(self) -> "LeaseKeeper":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"LeaseKeeper(session_id={self.session_id!r}, extensions={self.extensions})"


class ManagedSession:
    """A session that is Ready, kept alive if asked, and stopped on ``close()``."""

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
        """Lease extensions so far (0 without keep-alive)."""
        return int(self._native.extensions())

    def refresh(self) -> Session:
        """Reads the session now."""
        return self._client.get_session(self.id)

    def close(self) -> None:
        """Stops the session (once)."""
        self._native.close()

    def __repr__(self) -> str:
        return f"ManagedSession(id={self.id!r}, status={self.session.status.value!r})"


class SessionContext:
    """``with client.session(...) as s:`` starts a session, waits for Ready, keeps it alive,
    and stops it on exit, also on an exception or Ctrl-C."""

    def __init__(self, client: "RemoteRenderingClient", kwargs: Dict[str, Any]) -> None:
        self._client = client
        self._kwargs = kwargs
        self._managed: Optional[ManagedSession] = None

    def __enter__(self) -> ManagedSession:
        native = self._client._native.open_session(**self._kwargs)
        self._managed = ManagedSession(native, self._client)
        return self._managed

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        if self._managed is not None:
            self._managed.close()


class RemoteRenderingClient:
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
            user_agent="sync",
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
        return f"RemoteRenderingClient(endpoint={self.endpoint!r}, account_id={self.account_id!r})"

    # Sessions

    def start_session(
        self, session_id: str, size: Union[SessionSize, str] = SessionSize.STANDARD, lease_minutes: int = 30
    ) -> Session:
        """Starts a session (or returns it when it exists with the same settings)."""
        return Session._from_wire(self._native.start_session(session_id, _common.size_text(size), lease_minutes))

    def get_session(self, session_id: str) -> Session:
        """Gets a session's current state (``NotFoundError`` when there is none)."""
        return Session._from_wire(self._native.get_session(session_id))

    def update_session(self, session_id: str, lease_minutes: int) -> Session:
        """Sets the lease (counted from Ready); it must grow. The lease it has already is fine."""
        return Session._from_wire(self._native.update_session(session_id, lease_minutes))

    def stop_session(self, session_id: str) -> None:
        """Stops a session; an ended one stays as it is."""
        self._native.stop_session(session_id)

    def list_sessions(self) -> Iterator[Session]:
        """The Starting and Ready sessions, read page by page as you iterate."""
        return _Paged(self._native.list_sessions(), Session._from_wire)

    def wait_for_session(
        self,
        session_id: str,
        *,
        poll_interval: Optional[Seconds] = None,
        timeout: Optional[Seconds] = None,
        on_progress: Optional[Callable[[Session], Any]] = None,
    ) -> Session:
        """Waits until the session is Ready. Raises ``SessionFailedError`` when it ends instead,
        ``WaitTimeoutError`` after ``timeout`` seconds (default 30 minutes)."""
        return Session._from_wire(
            self._native.wait_for_session(
                session_id, _common.seconds(poll_interval), _common.seconds(timeout), _common.session_progress(on_progress)
            )
        )

    def wait_for_sessions(
        self,
        session_ids: Sequence[str],
        *,
        poll_interval: Optional[Seconds] = None,
        timeout: Optional[Seconds] = None,
        on_progress: Optional[Callable[[Session], Any]] = None,
    ) -> List[Union[Session, RemoteRenderingError]]:
        """Waits for many sessions with one list request per interval. One result per id, in
        order: the Ready session, or the exception for that session."""
        raw = self._native.wait_for_sessions(
            list(session_ids), _common.seconds(poll_interval), _common.seconds(timeout), _common.session_progress(on_progress)
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
        """A context manager: start, wait for Ready, keep alive, and always stop. A ``budget``
        (counted at ``cost_rates``) is the lease keeper's: a first lease over it is refused before
        anything is sent, and the session is stopped rather than extended past it."""
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
        """Extends the lease in fixed steps from the server's elapsed time, up to a cap (defaults:
        10, 5, 240 minutes, checked every 60 s). With a ``budget`` (counted at ``cost_rates``) it
        never extends past it: it stops the session when the next step would (``stopped_by_budget``)."""
        options = _common.keep_alive_options(
            step_minutes, margin_minutes, max_total_minutes, check_interval, stop_on_exit, budget, cost_rates
        )
        return LeaseKeeper(self._native.keep_alive(session_id, options), session_id)

    # Conversions

    def start_conversion(self, conversion_id: str, settings: ConversionSettings) -> Conversion:
        """Starts an asset conversion; its id exists with other settings: ``ConflictError``."""
        return Conversion._from_wire(self._native.start_conversion(conversion_id, _common.settings_wire(settings)))

    def get_conversion(self, conversion_id: str) -> Conversion:
        """Gets a conversion's current state (``NotFoundError`` when there is none)."""
        return Conversion._from_wire(self._native.get_conversion(conversion_id))

    def list_conversions(self) -> Iterator[Conversion]:
        """The account's conversions: a lazy iterator that fetches the pages as it goes."""
        return _Paged(self._native.list_conversions(), Conversion._from_wire)

    def wait_for_conversion(
        self,
        conversion_id: str,
        *,
        poll_interval: Optional[Seconds] = None,
        timeout: Optional[Seconds] = None,
        on_progress: Optional[Callable[[Conversion], Any]] = None,
    ) -> Conversion:
        """Waits until the conversion Succeeded. Raises ``ConversionFailedError`` when it Failed or
        was Cancelled, ``WaitTimeoutError`` after ``timeout`` seconds (default 24 hours)."""
        return Conversion._from_wire(
            self._native.wait_for_conversion(
                conversion_id,
                _common.seconds(poll_interval),
                _common.seconds(timeout),
                _common.conversion_progress(on_progress),
            )
        )

    def close(self) -> None:
        """Nothing to release explicitly (connections close when the client is collected)."""

    def __enter__(self) -> "RemoteRenderingClient":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
