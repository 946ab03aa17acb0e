"""The one body of both clients (and of both forms of the storage objects, ``StorageAccount``
and ``BlobContainer``): every operation's signature, defaults, checks and docstring.

Each operation is written once here, as a function of its object that returns the native call
it makes (a ``Call``) without making it. The blocking client (``_client.py``) and the asyncio
client (``aio.py``) each turn these functions into their methods with ``method`` or
``coroutine``: the blocking one runs the call on the caller's thread, the asyncio one awaits it
on the running loop (``_storage.py`` and ``aio.py`` do the same for the storage objects).
Nothing else differs, so the two cannot drift: a parameter, a default or a
docstring added here is in both, and ``inspect.signature`` of either shows this signature.

Docstrings here speak of both modes ("returns" is "returns, awaited" in the asyncio client).
"""

from __future__ import annotations

import inspect
import os
from typing import TYPE_CHECKING, Any, Callable, Coroutine, Dict, Generic, List, Optional, Sequence, TypeVar, Union

from . import _common, _native, _vocabulary
from ._cancel import CancelToken, native_token
from ._common import Seconds
from . import _errors
from ._credentials import AccountKeyCredential, Credential
from ._errors import RemoteRenderingError
from ._models import Conversion, ConversionSettings, CostRates, Session, SessionSize

if TYPE_CHECKING:
    import asyncio

    from ._storage_models import Preflight, UploadProgress, UploadReport

    from typing_extensions import Concatenate, ParamSpec

    P = ParamSpec("P")

T = TypeVar("T")
A = TypeVar("A")
R = TypeVar("R")
C = TypeVar("C", bound=type)
S = TypeVar("S")

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


def wait_for_conversion_with_report(
    client: ClientCore,
    conversion_id: str,
    output: "BlobContainerCore",
    *,
    poll_interval: Optional[Seconds] = None,
    timeout: Seconds = _d("wait_for_conversion_with_report", "timeout"),
    on_progress: Optional[Callable[[Conversion], Any]] = None,
    cancel: Optional[CancelToken] = None,
) -> Call[Conversion]:
    """``wait_for_conversion``, and when the conversion failed, its result file and log read back
    from ``output`` (its output container, a ``BlobContainer`` with read access) into the
    ``ConversionFailedError``'s ``conversion_report`` (cut at ``max_report_bytes``, SAS tokens
    redacted; ``None`` when neither could be read)."""
    native_output = _container_native(output, "output")
    args = _wait_args(poll_interval, timeout, _common.conversion_progress(on_progress), cancel)
    return Call(
        lambda loop: client._native.wait_for_conversion_with_report(conversion_id, native_output, *args, loop),
        Conversion._from_native,
    )


def content_conversion_id(
    client: ClientCore, path: Union[str, "os.PathLike[str]"], settings: ConversionSettings
) -> Call[str]:
    """A conversion id made from the hash of a local input (a file or a folder: every file's
    name, size and bytes) and the settings (SAS tokens left out), so that an identical input is
    not converted twice: start the conversion under this id, and an identical one returns the
    conversion that exists. Nothing is sent."""
    local = os.fspath(path)
    wire = _common.settings_wire(settings)
    return Call(lambda loop: client._native.content_conversion_id(local, wire, loop), str)


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
    wait_for_conversion_with_report,
    content_conversion_id,
)
"""Every operation of the client, in the order of the core's table."""


# The storage objects: a storage account (its key a secret) and a client of one container.
# SAS tokens and read URLs are secrets too: returned as ``str`` (for ``ConversionSettings``),
# never in a repr or an error message.


class StorageAccountCore:
    """What both forms of ``StorageAccount`` are made of: the account, checked by the core
    (``InvalidInputError`` names ``storage.account_name``, ``storage.account_key`` or
    ``storage.blob_endpoint``), and its key, kept in Rust only."""

    _REPR = "StorageAccount"

    def __init__(self, account_name: str, account_key: str, blob_endpoint: Optional[str] = None) -> None:
        """``blob_endpoint`` left out is ``https://{account_name}.blob.core.windows.net``; give a
        path-style endpoint for Azurite (``http://127.0.0.1:10000/devstoreaccount1``). Plain http
        is refused except to loopback addresses."""
        _common.sync_log_level()
        self._native = _native_storage_account(account_name, account_key, blob_endpoint)

    @property
    def account_name(self) -> str:
        """The storage account's name."""
        return str(self._native.account_name)

    @property
    def blob_endpoint(self) -> str:
        """The blob endpoint, without a trailing ``/``."""
        return str(self._native.blob_endpoint)

    def __repr__(self) -> str:
        return f"{self._REPR}(account_name={self.account_name!r}, blob_endpoint={self.blob_endpoint!r})"


class BlobContainerCore:
    """What both forms of ``BlobContainer`` are made of: a client of one container, authorised
    by a SAS (a secret, kept in Rust only) or by its account's key (``StorageAccount.container``)."""

    _REPR = "BlobContainer"

    def __init__(self, container_uri: str, sas: str) -> None:
        """``container_uri`` is Azure's ``https://{account}.blob.core.windows.net/{container}`` or
        a path-style one (Azurite); ``sas`` the token, with or without its leading ``?``."""
        _common.sync_log_level()
        self._native = _native_blob_container(container_uri, sas)

    @classmethod
    def _wrap(cls: "type[B]", native: Any) -> "B":
        made = cls.__new__(cls)
        made._native = native
        return made

    @property
    def container_uri(self) -> str:
        """The container's URI (no SAS)."""
        return str(self._native.container_uri)

    def __repr__(self) -> str:
        return f"{self._REPR}(container_uri={self.container_uri!r})"


B = TypeVar("B", bound=BlobContainerCore)


def _native_storage_account(account_name: str, account_key: str, blob_endpoint: Optional[str]) -> Any:
    return _native.StorageAccount(account_name, account_key, blob_endpoint)


def _native_blob_container(container_uri: str, sas: str) -> Any:
    return _native.BlobContainer(container_uri, sas)


def _container_native(container: Any, what: str) -> Any:
    if not isinstance(container, BlobContainerCore):
        raise TypeError(f"{what} must be a BlobContainer, got {type(container).__name__}")
    return container._native


def container_uri(account: StorageAccountCore, container: str) -> str:
    """``{blob_endpoint}/{container}``: a conversion's ``storage_container_uri``."""
    return str(account._native.container_uri(container))


def create_container(account: StorageAccountCore, container: str) -> Call[bool]:
    """Creates a private container when it does not exist: ``True`` when it was created,
    ``False`` when it was there already."""
    return Call(lambda loop: account._native.create_container(container, loop), bool)


def container(account: StorageAccountCore, container: str) -> Any:
    """A ``BlobContainer`` of this account, authorised by its key (nothing is sent)."""
    return account._native.container(container)


def container_sas(
    account: StorageAccountCore,
    container: str,
    permissions: str,
    expiry: Seconds = _d("container_sas", "expiry"),
) -> str:
    """A service SAS (a secret) for ``container``: ``permissions`` are the service's letters,
    some of ``r``, ``c``, ``w``, ``d``, ``l``; valid for ``expiry`` seconds (at most 7 days),
    https-only unless the endpoint is a loopback address. The query string, without ``?``."""
    return str(account._native.container_sas(container, permissions, _common.seconds(expiry)))


def input_sas(account: StorageAccountCore, container: str, expiry: Seconds = _d("input_sas", "expiry")) -> str:
    """A read and list SAS (a secret): what a conversion needs of its input container, no more."""
    return str(account._native.input_sas(container, _common.seconds(expiry)))


def output_sas(account: StorageAccountCore, container: str, expiry: Seconds = _d("output_sas", "expiry")) -> str:
    """A write and create SAS (a secret): what a conversion needs of its output container, no more."""
    return str(account._native.output_sas(container, _common.seconds(expiry)))


def blob_read_url(
    account: StorageAccountCore, container: str, blob: str, expiry: Seconds = _d("blob_read_url", "expiry")
) -> str:
    """A URL (a secret: it carries a read SAS) that reads one blob, for ``expiry`` seconds."""
    return str(account._native.blob_read_url(container, blob, _common.seconds(expiry)))


def asset_read_url(
    account: StorageAccountCore, output_asset_uri: str, expiry: Seconds = _d("asset_read_url", "expiry")
) -> str:
    """A read URL (a secret) for a converted asset: a succeeded conversion's ``output_asset_uri``,
    in this account."""
    return str(account._native.asset_read_url(output_asset_uri, _common.seconds(expiry)))


def upload(
    container: BlobContainerCore,
    path: Union[str, "os.PathLike[str]"],
    prefix: str = _d("upload", "prefix"),
    *,
    concurrency: int = _d("upload", "concurrency"),
    timeout: Seconds = _d("upload", "timeout"),
    on_progress: Optional[Callable[[UploadProgress], Any]] = None,
    cancel: Optional[CancelToken] = None,
) -> Call[UploadReport]:
    """Uploads a local file or folder (its files keep their relative paths) under ``prefix``,
    ``concurrency`` files at once, and returns an ``UploadReport``. ``on_progress`` gets an
    ``UploadProgress`` after a file started, after each part, and when a file is done; an
    exception it raises ends the upload and is raised from it. Any failure (the storage, a
    file, ``timeout`` seconds passing: ``WaitTimeoutError``, ``cancel``: ``OperationCancelledError``)
    carries the ``upload_report`` of what was and was not uploaded. A ``path`` that is neither a
    file nor a folder is an ``InvalidInputError`` naming ``path``, before anything is sent."""
    local = os.fspath(path)
    progress = _common.upload_progress(on_progress)
    token = native_token(cancel)
    seconds = _common.seconds(timeout)
    return Call(
        lambda loop: container._native.upload(local, prefix, concurrency, seconds, progress, token, loop),
        _upload_report,
    )


def preflight(container: BlobContainerCore, settings: ConversionSettings) -> Call[Preflight]:
    """Checks a conversion's input before it is started (this is its input container, with read
    access): the input blob exists under a name the service accepts, and so does every file a
    ``.gltf`` input references; ``InvalidInputError`` names what is missing."""
    from ._storage_models import Preflight

    wire = _common.settings_wire(settings)
    return Call(lambda loop: container._native.preflight(wire, loop), Preflight._from_native)


def read_conversion_report(container: BlobContainerCore, conversion: Conversion) -> Call[Optional[str]]:
    """A conversion's result file and log in this (output) container, each cut at
    ``max_report_bytes`` and redacted of SAS tokens; ``None`` when neither exists."""
    if not isinstance(conversion, Conversion):
        raise TypeError(f"conversion must be a Conversion, got {type(conversion).__name__}")
    # Where the result file and log are depends on the settings alone: only they cross.
    wire = conversion.settings._to_native()
    return Call(lambda loop: container._native.read_conversion_report(wire, loop), _optional_str)


def exists(container: BlobContainerCore, blob: str) -> Call[bool]:
    """Whether a blob exists."""
    return Call(lambda loop: container._native.exists(blob, loop), bool)


def list_blobs(container: BlobContainerCore, prefix: str = _d("list", "prefix")) -> Call[List[str]]:
    """The names of the blobs under ``prefix`` (needs list permission)."""
    return Call(lambda loop: container._native.list(prefix, loop), _names)


list_blobs.__name__ = list_blobs.__qualname__ = "list"


def read(container: BlobContainerCore, blob: str, max_bytes: int = _d("read", "max_bytes")) -> Call[Optional[bytes]]:
    """A blob's bytes, ``None`` when it does not exist; a blob larger than ``max_bytes`` is an
    ``InvalidInputError`` naming ``max_bytes`` (never cut short)."""
    return Call(lambda loop: container._native.read(blob, max_bytes, loop), _same)


STORAGE_OPERATIONS = (
    container_uri,
    create_container,
    container,
    container_sas,
    input_sas,
    output_sas,
    blob_read_url,
    asset_read_url,
    upload,
    preflight,
    read_conversion_report,
    exists,
    list_blobs,
    read,
)
"""Every operation of the storage objects, in the order of the core's table."""


def _upload_report(d: Any) -> "UploadReport":
    from ._storage_models import UploadReport

    report = UploadReport._from_native(d)
    assert report is not None
    return report


def _optional_str(value: Any) -> Optional[str]:
    return None if value is None else str(value)


def _names(value: Any) -> List[str]:
    return [str(v) for v in value]


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
    op: "Callable[Concatenate[S, P], A]",
    finish: Callable[[Any, A], R],
    returns: str,
) -> "Callable[Concatenate[S, P], R]":
    """The method of ``op`` that finishes its result with ``finish(client, result)`` and is
    documented as returning ``returns``."""

    def call(self: S, /, *args: "P.args", **kwargs: "P.kwargs") -> R:
        return finish(self, op(self, *args, **kwargs))

    _adopt(call, op, returns)
    return call


def local(op: "Callable[Concatenate[S, P], T]") -> "Callable[Concatenate[S, P], T]":
    """The method of an operation that sends nothing (the same in both modes)."""

    def call(self: S, /, *args: "P.args", **kwargs: "P.kwargs") -> T:
        return op(self, *args, **kwargs)

    _adopt(call, op, str(inspect.signature(op).return_annotation))
    return call


def blocking(op: "Callable[Concatenate[S, P], Call[T]]") -> "Callable[Concatenate[S, P], T]":
    """The blocking method of an operation that makes one call."""

    def call(self: S, /, *args: "P.args", **kwargs: "P.kwargs") -> T:
        return op(self, *args, **kwargs).blocking()

    _adopt(call, op, _awaited(op))
    return call


def coroutine(
    op: "Callable[Concatenate[S, P], Call[T]]",
) -> "Callable[Concatenate[S, P], Coroutine[Any, Any, T]]":
    """The coroutine method of an operation that makes one call."""
    from asyncio import get_running_loop  # only the asyncio client makes these

    # The body of ``Call.coroutine`` inlined: one coroutine per call, not two.
    async def call(self: S, /, *args: "P.args", **kwargs: "P.kwargs") -> T:
        c = op(self, *args, **kwargs)
        return c._convert(await c._invoke(get_running_loop()))

    _adopt(call, op, _awaited(op))
    return call


def named(cls: C) -> C:
    """Class decorator: the methods made from operations get the class's qualified name (for
    tracebacks, pickling of bound methods and documentation tools)."""
    for name, member in vars(cls).items():
        # An alias (``session = open_session``) keeps the name of what it aliases.
        wrapped = getattr(member, "__wrapped__", None)
        if inspect.isfunction(member) and wrapped in _EVERY_OPERATION and name == member.__name__:
            member.__qualname__ = f"{cls.__qualname__}.{name}"
            member.__module__ = cls.__module__
    return cls


_EVERY_OPERATION = frozenset(OPERATIONS + STORAGE_OPERATIONS)


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
