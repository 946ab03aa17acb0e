# Stubs of the private native module (kept by hand; checked by the test suite with stubtest).
# The public, documented API is the pure-Python package that wraps it.
from os import PathLike
from typing import Any, Callable, Dict, List, Optional, Tuple, Union, final


__all__ = [
    "__version__",
    "CORE_VERSION",
    "Client",
    "PageStream",
    "PyManagedSession",
    "PyLeaseKeeper",
    "Emulator",
    "Canceller",
    "CancelToken",
    "ProgressSink",
    "_set_log_level",
    "_panic_for_test",
    "VOCABULARY_JSON",
    "emulator_defaults",
]

__version__: str
CORE_VERSION: str
VOCABULARY_JSON: str

def _set_log_level(threshold: int) -> None: ...
def emulator_defaults() -> Dict[str, Any]: ...
def _panic_for_test(async_: bool, event_loop: Optional[Any] = None) -> Any: ...

@final
class Canceller:
    def __call__(self, fut: Any) -> None: ...

@final
class CancelToken:
    def __new__(cls) -> CancelToken: ...
    def cancel(self) -> None: ...
    @property
    def is_cancelled(self) -> bool: ...

@final
class ProgressSink:
    def __call__(self, resource: Any) -> None: ...

@final
class PageStream:
    def next(self, event_loop: Optional[Any] = None) -> Any: ...

@final
class PyManagedSession:
    @property
    def session(self) -> Dict[str, Any]: ...
    def extensions(self) -> int: ...
    def close(self, event_loop: Optional[Any] = None) -> Any: ...

@final
class PyLeaseKeeper:
    def extensions(self) -> int: ...
    def is_finished(self) -> bool: ...
    def stopped_by_budget(self) -> bool: ...
    def latest(self) -> Optional[Dict[str, Any]]: ...
    def close(self, event_loop: Optional[Any] = None) -> Any: ...
    def detach(self, event_loop: Optional[Any] = None) -> Any: ...

@final
class Client:
    def __new__(
        cls,
        *,
        account_id: str,
        credential_kind: str,
        credential_value: Optional[str] = None,
        token_provider: Optional[Callable[[], str]] = None,
        endpoint: Optional[str] = None,
        region: Optional[str] = None,
        account_domain: Optional[str] = None,
        sts_endpoint: Optional[str] = None,
        poll_interval: Optional[float] = None,
        request_timeout: Optional[float] = None,
        max_attempts: Optional[int] = None,
        max_concurrent_requests: Optional[int] = None,
        ca_cert_pem: Optional[str] = None,
        user_agent_suffix: Optional[str] = None,
    ) -> Client: ...
    @property
    def endpoint(self) -> str: ...
    @property
    def sts_endpoint(self) -> str: ...
    @property
    def account_id(self) -> str: ...
    @property
    def poll_interval(self) -> float: ...
    def start_session(self, session_id: str, size: str, lease_minutes: int, event_loop: Optional[Any] = None) -> Any: ...
    def get_session(self, session_id: str, event_loop: Optional[Any] = None) -> Any: ...
    def update_session(self, session_id: str, lease_minutes: int, event_loop: Optional[Any] = None) -> Any: ...
    def stop_session(self, session_id: str, event_loop: Optional[Any] = None) -> Any: ...
    def list_sessions(self) -> PageStream: ...
    def start_conversion(self, conversion_id: str, settings: Dict[str, Any], event_loop: Optional[Any] = None) -> Any: ...
    def get_conversion(self, conversion_id: str, event_loop: Optional[Any] = None) -> Any: ...
    def list_conversions(self) -> PageStream: ...
    def wait_for_session(
        self,
        session_id: str,
        poll_interval: Optional[float] = None,
        timeout: Optional[float] = None,
        on_progress: Optional[Callable[[Dict[str, Any]], None]] = None,
        cancel: Optional[CancelToken] = None,
        event_loop: Optional[Any] = None,
    ) -> Any: ...
    def wait_for_conversion(
        self,
        conversion_id: str,
        poll_interval: Optional[float] = None,
        timeout: Optional[float] = None,
        on_progress: Optional[Callable[[Dict[str, Any]], None]] = None,
        cancel: Optional[CancelToken] = None,
        event_loop: Optional[Any] = None,
    ) -> Any: ...
    def wait_for_sessions(
        self,
        session_ids: List[str],
        poll_interval: Optional[float] = None,
        timeout: Optional[float] = None,
        on_progress: Optional[Callable[[Dict[str, Any]], None]] = None,
        cancel: Optional[CancelToken] = None,
        event_loop: Optional[Any] = None,
    ) -> Any: ...
    def open_session(
        self,
        session_id: Optional[str],
        size: str,
        lease_minutes: int,
        keep_alive: Optional[Dict[str, Any]] = None,
        poll_interval: Optional[float] = None,
        timeout: Optional[float] = None,
        on_progress: Optional[Callable[[Dict[str, Any]], None]] = None,
        cancel: Optional[CancelToken] = None,
        event_loop: Optional[Any] = None,
    ) -> Any: ...
    def keep_alive(self, session_id: str, keep_alive: Dict[str, Any]) -> PyLeaseKeeper: ...

@final
class Emulator:
    def __new__(
        cls,
        *,
        startup_delay: Optional[float] = None,
        conversion_duration: Optional[float] = None,
        time_scale: Optional[float] = None,
        page_size: Optional[int] = None,
        faults: Optional[str] = None,
        seed: Optional[int] = None,
        tls: bool = False,
        cert_out: Union[str, PathLike[str], None] = None,
        state_file: Union[str, PathLike[str], None] = None,
        storage_root: Union[str, PathLike[str], None] = None,
        linked_storage: Optional[List[str]] = None,
        region: Optional[str] = None,
        token_lifetime: Optional[float] = None,
        accounts: Optional[List[Tuple[str, str]]] = None,
        listen: Optional[str] = None,
    ) -> Emulator: ...
    @property
    def endpoint(self) -> str: ...
    @property
    def sts_endpoint(self) -> str: ...
    @property
    def account_id(self) -> str: ...
    @property
    def account_key(self) -> str: ...
    @property
    def account_domain(self) -> str: ...
    @property
    def ca_cert(self) -> Optional[str]: ...
    @property
    def running(self) -> bool: ...
    def advance_clock(self, seconds: float) -> None: ...
    def set_faults(self, spec: str, seed: int = 0) -> None: ...
    def clear_faults(self) -> None: ...
    def stats(self) -> Dict[str, Any]: ...
    def reset_stats(self) -> None: ...
    def fail_session(
        self, session_id: str, code: Optional[str] = None, message: Optional[str] = None, account_id: Optional[str] = None
    ) -> None: ...
    def fail_conversion(
        self, conversion_id: str, code: Optional[str] = None, message: Optional[str] = None, account_id: Optional[str] = None
    ) -> None: ...
    def cancel_conversion(self, conversion_id: str, account_id: Optional[str] = None) -> None: ...
    def revoke_tokens(self, account_id: Optional[str] = None) -> None: ...
    def stop(self) -> None: ...
