"""The one body of both clients: every operation's signature, defaults, checks and docstring.

Each operation is written once here, as a function of the client that returns the native call
it makes (a ``Call``) without making it. The blocking client (``_client.py``) and the asyncio
client (``aio.py``) each turn these functions into their methods with ``method`` or
``coroutine``: the blocking one runs the call on the caller's thread, the asyncio one awaits it
on the running loop. Nothing else differs, so the two cannot drift: a parameter, a default or a
docstring added here is in both, and ``inspect.signature`` of either shows this signature.

Docstrings here speak of both modes ("returns" is "returns, awaited" in the asyncio client).
"""

from __future__ import annotations

import inspect
import os
from typing import TYPE_CHECKING, Any, Callable, Coroutine, Dict, Generic, List, Optional, Sequence, TypeVar, Union

from . import _common, _vocabulary
from ._cancel import CancelToken, native_token
from ._common import Seconds
from . import _errors
from ._credentials import AccountKeyCredential, Credential
from ._errors import RemoteRenderingError
from ._models import Conversion, ConversionSettings, CostRates, Session, SessionSize

if TYPE_CHECKING:
    import asyncio

    from typing_extensions import Concatenate, ParamSpec

    P = ParamSpec("P")

T = TypeVar("T")
A = TypeVar("A")
R = TypeVar("R")
C = TypeVar("C", bound=type)

# asyncio is imported by the asyncio client only (``aio``): the blocking client never needs it,
# and importing it is most of what ``import remote_rendering`` would otherwise cost.
EventLoop = Optional["asyncio.AbstractEventLoop"]

_d = _vocabulary.default
"""A default of the core's table: ``_d(operation, parameter)``."""


class Call(Generic[T]):
    """One native call, not made yet: ``invoke(None)`` makes it blocking, ``invoke(loop)`` returns an
    asyncio future of ``loop``; ``convert`` builds the public result from the native one."""

    __slots__ = ("_invoke", "_convert")

    def __init__(self, invoke: Callable[[EventLoop], Any], convert: Callable[[Any], T]) -> None:
        self._invoke = invoke
        self._convert = convert

    def blocking(self) -> T:
        """Makes the call on this thread (GIL released, Ctrl-C noticed)."""
        return self._convert(self._invoke(None))

    async def coroutine(self) -> T:
        """Makes the call on the running loop (cancelling the task cancels it in Rust)."""
        from asyncio import get_running_loop

        future = self._invoke(get_running_loop())
        return self._convert(await future)


class Pages(Generic[T]):
    """A list read page by page: the native stream and how to build each item."""

    __slots__ = ("stream", "build")

    def __init__(self, stream: Any, build: Callable[[Any], T]) -> None:
        self.stream = stream
        self.build = build


class Keeper:
    """A lease keeper the core started, before the mode wraps it."""

    __slots__ = ("native", "session_id")

    def __init__(self, native: Any, session_id: str) -> None:
        self.native = native
        self.session_id = session_id


class ClientCore:
    """What both clients are made of: construction (every value checked by the core, and
    ``InvalidInputError`` names the field) and the account they talk to."""

    _USER_AGENT = ""

    def __init__(
        self,
        account_id: str,
        account_domain: Optional[str] = None,
        credential: Credential = None,
        *,
        endpoint: Optional[str] = None,
        region: Optional[str] = None,
        account_key: Optional[str] = None,
        sts_endpoint: Optional[str] = None,
        poll_interval: Seconds = _d("client", "poll_interval"),
        request_timeout: Seconds = _d("client", "request_timeout"),
        max_attempts: int = _d("client", "max_attempts"),
        max_concurrent_requests: int = _d("client", "max_concurrent_requests"),
        ca_cert: Union[str, "os.PathLike[str]", None] = None,
    ) -> None:
        """Give ``endpoint`` or ``region``; the STS is ``https://sts.{account_domain}`` unless
        ``sts_endpoint`` is given. The credential is ``credential`` (an ``AccountKeyCredential``,
        an ``AccessToken``, a token provider) or, as a shorthand, ``account_key``.
        ``poll_interval`` and ``request_timeout`` are seconds; ``max_concurrent_requests`` bounds
        the requests on the wire at once (more wait for their turn); ``ca_cert`` is a PEM (or
        its path) to trust besides the system's roots."""
        if account_key is not None:
            if credential is not None:
                raise _errors._from_native(
                    code="INVALID_INPUT",
                    field="account_key",
                    message="account_key: give the account key or a credential, not both",
                )
            credential = AccountKeyCredential(account_key)
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
            max_concurrent_requests=max_concurrent_requests,
            ca_cert=ca_cert,
            user_agent=self._USER_AGENT,
        )

    @property
    def endpoint(self) -> str:
        """The service endpoint this client talks to."""
        return str(self._native.endpoint)

    @property
    def account_id(self) -> str:
        """The account id."""
        return str(self._native.account_id)


# The operations. Every default is the core's table's (`_d(operation, parameter)`), so none is
# restated here; a wait's `poll_interval=None` is the client's, whose default is the table's.


def start_session(
    client: ClientCore,
    session_id: str,
    size: Union[SessionSize, str] = SessionSize(_d("start_session", "size")),
    lease_minutes: int = _d("start_session", "lease_minutes"),
) -> Call[Session]:
    """Starts a session (or returns it when it exists with the same settings; other settings:
    ``ConflictError``). The lease counts from Ready, at most 1440 minutes."""
    size_text = _common.size_text(size)
    return Call(
        lambda loop: client._native.start_session(session_id, size_text, lease_minutes, loop), Session._from_native
    )


def get_session(client: ClientCore, session_id: str) -> Call[Session]:
    """Gets a session's current state (``NotFoundError`` when there is none)."""
    return Call(lambda loop: client._native.get_session(session_id, loop), Session._from_native)


def update_session(client: ClientCore, session_id: str, lease_minutes: int) -> Call[Session]:
    """Sets the lease (counted from Ready); it must grow. The lease it has already is fine."""
    return Call(lambda loop: client._native.update_session(session_id, lease_minutes, loop), Session._from_native)


def stop_session(client: ClientCore, session_id: str) -> Call[None]:
    """Stops a session; an ended one stays as it is."""
    return Call(lambda loop: client._native.stop_session(session_id, loop), _nothing)


def list_sessions(client: ClientCore) -> Pages[Session]:
    """The Starting and Ready sessions, read page by page as you iterate (``for``, or
    ``async for`` in the asyncio client; no await first)."""
    return Pages(client._native.list_sessions(), Session._from_native)


def wait_for_session(
    client: ClientCore,
    session_id: str,
    *,
    poll_interval: Optional[Seconds] = None,
    timeout: Seconds = _d("wait_for_session", "timeout"),
    on_progress: Optional[Callable[[Session], Any]] = None,
    cancel: Optional[CancelToken] = None,
) -> Call[Session]:
    """Waits until the session is Ready and returns it. Raises ``SessionFailedError`` when it ends
    instead, ``WaitTimeoutError`` after ``timeout`` seconds, and
    ``OperationCancelledError`` when ``cancel`` is cancelled (in the asyncio client cancelling the
    task ends it too). ``poll_interval`` left out is the client's. ``on_progress`` gets every state read; an exception it raises ends the wait
    and is raised from it."""
    args = _wait_args(poll_interval, timeout, _common.session_progress(on_progress), cancel)
    return Call(lambda loop: client._native.wait_for_session(session_id, *args, loop), Session._from_native)


def wait_for_sessions(
    client: ClientCore,
    session_ids: Sequence[str],
    *,
    poll_interval: Optional[Seconds] = None,
    timeout: Seconds = _d("wait_for_sessions", "timeout"),
    on_progress: Optional[Callable[[Session], Any]] = None,
    cancel: Optional[CancelToken] = None,
) -> Call[List[Union[Session, RemoteRenderingError]]]:
    """Waits for many sessions with one list request per interval. One result per id, in order:
    the Ready session, or the exception for that session (``timeout`` and ``cancel`` as in
    ``wait_for_session``)."""
    ids = list(session_ids)
    args = _wait_args(poll_interval, timeout, _common.session_progress(on_progress), cancel)
    return Call(lambda loop: client._native.wait_for_sessions(ids, *args, loop), _common.fleet_results)


def open_session(
    client: ClientCore,
    session_id: Optional[str] = None,
    *,
    size: Union[SessionSize, str] = SessionSize(_d("open_session", "size")),
    lease_minutes: int = _d("open_session", "lease_minutes"),
    keep_alive: bool = _d("open_session", "keep_alive"),
    step_minutes: int = _d("open_session", "step_minutes"),
    margin_minutes: int = _d("open_session", "margin_minutes"),
    max_total_minutes: int = _d("open_session", "max_total_minutes"),
    check_interval: Seconds = _d("open_session", "check_interval"),
    budget: Optional[float] = None,
    cost_rates: Optional[CostRates] = None,
    poll_interval: Optional[Seconds] = None,
    timeout: Seconds = _d("open_session", "timeout"),
    on_progress: Optional[Callable[[Session], Any]] = None,
    cancel: Optional[CancelToken] = None,
) -> Call[Any]:
    """A context manager (``with``, or ``async with`` in the asyncio client): starts a session
    (a new id unless ``session_id``), waits for Ready, keeps the lease alive (``keep_alive``, with
    the parameters of ``keep_alive()``), and always stops the session on the way out, also on an
    exception, Ctrl-C, a cancelled task or a cancelled ``cancel``. A ``budget`` (counted at
    ``cost_rates``) is the lease keeper's: a first lease over it is refused before anything is
    sent, and the session is stopped rather than extended past it. ``session(...)`` is the same
    method under its earlier name."""
    lease = (
        _common.keep_alive_options(
            step_minutes, margin_minutes, max_total_minutes, check_interval, True, budget, cost_rates
        )
        if keep_alive
        else None
    )
    kwargs: Dict[str, Any] = dict(
        session_id=session_id,
        size=_common.size_text(size),
        lease_minutes=lease_minutes,
        keep_alive=lease,
        poll_interval=_common.seconds(poll_interval),
        timeout=_common.seconds(timeout),
        on_progress=_common.session_progress(on_progress),
        cancel=native_token(cancel),
    )
    return Call(lambda loop: client._native.open_session(**kwargs, event_loop=loop), _same)


def keep_alive(
    client: ClientCore,
    session_id: str,
    *,
    step_minutes: int = _d("keep_alive", "step_minutes"),
    margin_minutes: int = _d("keep_alive", "margin_minutes"),
    max_total_minutes: int = _d("keep_alive", "max_total_minutes"),
    check_interval: Seconds = _d("keep_alive", "check_interval"),
    stop_on_close: bool = _d("keep_alive", "stop_on_close"),
    budget: Optional[float] = None,
    cost_rates: Optional[CostRates] = None,
) -> Keeper:
    """Starts a lease keeper: it extends the lease by ``step_minutes`` when fewer than
    ``margin_minutes`` are left (by the server's elapsed time), never past ``max_total_minutes``,
    reading the session every ``check_interval`` seconds, and stops the session when
    closed (unless ``stop_on_close=False``). With a ``budget`` (counted at ``cost_rates``) it
    never extends past it: it stops the session when the next step would (``stopped_by_budget``)."""
    options = _common.keep_alive_options(
        step_minutes, margin_minutes, max_total_minutes, check_interval, stop_on_close, budget, cost_rates
    )
    return Keeper(client._native.keep_alive(session_id, options), session_id)


def start_conversion(client: ClientCore, conversion_id: str, settings: ConversionSettings) -> Call[Conversion]:
    """Starts an asset conversion; its id exists with other settings: ``ConflictError``."""
    wire = _common.settings_wire(settings)
    return Call(lambda loop: client._native.start_conversion(conversion_id, wire, loop), Conversion._from_native)


def get_conversion(client: ClientCore, conversion_id: str) -> Call[Conversion]:
    """Gets a conversion's current state (``NotFoundError`` when there is none)."""
    return Call(lambda loop: client._native.get_conversion(conversion_id, loop), Conversion._from_native)


def list_conversions(client: ClientCore) -> Pages[Conversion]:
    """The account's conversions, read page by page as you iterate (``for``, or ``async for``
    in the asyncio client)."""
    return Pages(client._native.list_conversions(), Conversion._from_native)


def wait_for_conversion(
    client: ClientCore,
    conversion_id: str,
    *,
    poll_interval: Optional[Seconds] = None,
    timeout: Seconds = _d("wait_for_conversion", "timeout"),
    on_progress: Optional[Callable[[Conversion], Any]] = None,
    cancel: Optional[CancelToken] = None,
) -> Call[Conversion]:
    """Waits until the conversion Succeeded and returns it. Raises ``ConversionFailedError`` when
    it Failed or was Cancelled, ``WaitTimeoutError`` after ``timeout`` seconds,
    ``OperationCancelledError`` when ``cancel`` is cancelled (or, asyncio, the task)."""
    args = _wait_args(poll_interval, timeout, _common.conversion_progress(on_progress), cancel)
    return Call(lambda loop: client._native.wait_for_conversion(conversion_id, *args, loop), Conversion._from_native)


OPERATIONS = (
    start_session,
    get_session,
    update_session,
    stop_session,
    list_sessions,
    wait_for_session,
    wait_for_sessions,
    open_session,
    keep_alive,
    start_conversion,
    get_conversion,
    list_conversions,
    wait_for_conversion,
)
"""Every operation, in the order of the core's table."""


def _wait_args(
    poll_interval: Optional[Seconds],
    timeout: Optional[Seconds],
    progress: Optional[Callable[[Dict[str, Any]], None]],
    cancel: Optional[CancelToken],
) -> tuple[Any, ...]:
    return (_common.seconds(poll_interval), _common.seconds(timeout), progress, native_token(cancel))


def _nothing(_: Any) -> None:
    return None


def _same(value: Any) -> Any:
    return value


# Turning an operation into a method of one mode.


def method(
    op: "Callable[Concatenate[ClientCore, P], A]",
    finish: Callable[[Any, A], R],
    returns: str,
) -> "Callable[Concatenate[ClientCore, P], R]":
    """The method of ``op`` that finishes its result with ``finish(client, result)`` and is
    documented as returning ``returns``."""

    def call(self: ClientCore, /, *args: "P.args", **kwargs: "P.kwargs") -> R:
        return finish(self, op(self, *args, **kwargs))

    _adopt(call, op, returns)
    return call


def blocking(op: "Callable[Concatenate[ClientCore, P], Call[T]]") -> "Callable[Concatenate[ClientCore, P], T]":
    """The blocking method of an operation that makes one call."""

    def call(self: ClientCore, /, *args: "P.args", **kwargs: "P.kwargs") -> T:
        return op(self, *args, **kwargs).blocking()

    _adopt(call, op, _awaited(op))
    return call


def coroutine(
    op: "Callable[Concatenate[ClientCore, P], Call[T]]",
) -> "Callable[Concatenate[ClientCore, P], Coroutine[Any, Any, T]]":
    """The coroutine method of an operation that makes one call."""
    from asyncio import get_running_loop  # only the asyncio client makes these

    # The body of ``Call.coroutine`` inlined: one coroutine per call, not two.
    async def call(self: ClientCore, /, *args: "P.args", **kwargs: "P.kwargs") -> T:
        c = op(self, *args, **kwargs)
        return c._convert(await c._invoke(get_running_loop()))

    _adopt(call, op, _awaited(op))
    return call


def named(cls: C) -> C:
    """Class decorator: the methods made from operations get the class's qualified name (for
    tracebacks, pickling of bound methods and documentation tools)."""
    for name, member in vars(cls).items():
        # An alias (``session = open_session``) keeps the name of what it aliases.
        if inspect.isfunction(member) and getattr(member, "__wrapped__", None) in OPERATIONS and name == member.__name__:
            member.__qualname__ = f"{cls.__qualname__}.{name}"
            member.__module__ = cls.__module__
    return cls


def _awaited(op: Callable[..., Any]) -> str:
    text = str(inspect.signature(op).return_annotation)
    return text[len("Call[") : -1] if text.startswith("Call[") else text


def _adopt(call: Any, op: Callable[..., Any], returns: str) -> None:
    """Gives ``call`` the name, docstring and signature of ``op`` (its first parameter named
    ``self``, its return the mode's)."""
    sig = inspect.signature(op)
    params = list(sig.parameters.values())
    params[0] = params[0].replace(name="self", annotation=inspect.Parameter.empty)
    call.__name__ = op.__name__
    call.__qualname__ = op.__name__
    call.__doc__ = op.__doc__
    call.__module__ = op.__module__
    call.__wrapped__ = op
    call.__signature__ = sig.replace(parameters=params, return_annotation=returns)
