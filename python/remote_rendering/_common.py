"""What the sync and asyncio clients share: construction, conversions, options."""

from __future__ import annotations

import dataclasses
import os
import sys
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Union

from . import _native
from ._credentials import Credential, native_credential
from ._errors import RemoteRenderingError
from ._models import Conversion, ConversionSettings, CostRates, Session, SessionSize

if TYPE_CHECKING:
    import logging

    from ._storage_models import UploadProgress

Seconds = Union[int, float]
ProgressCallback = Callable[[Any], None]

_LOGGER: Optional["logging.Logger"] = None


def logger() -> "logging.Logger":
    """The package's logger, given its ``NullHandler`` on first use (the library's records go
    where the application's logging config sends them; an application that configured none
    sees nothing on stderr).

    ``logging`` is imported here rather than by ``import remote_rendering``: it costs more to
    import than the rest of the package, and nothing needs it before a client exists (the
    native module delivers no record before ``sync_log_level``, which calls this). The package
    calls it at import when the application has loaded ``logging`` already."""
    global _LOGGER
    if _LOGGER is None:
        import logging

        log = logging.getLogger("remote_rendering")
        log.addHandler(logging.NullHandler())
        _LOGGER = log
    return _LOGGER


def logging_loaded() -> bool:
    return "logging" in sys.modules


def sync_log_level() -> None:
    """Forwards Rust log events at and above the ``remote_rendering`` logger's level."""
    _native._set_log_level(max(0, min(255, logger().getEffectiveLevel())))


def read_ca_cert(ca_cert: Union[str, "os.PathLike[str]", None]) -> Optional[str]:
    if ca_cert is None:
        return None
    text = os.fspath(ca_cert)
    if text.lstrip().startswith("-----BEGIN"):
        return text
    with open(text, encoding="ascii") as f:
        return f.read()


def make_native_client(
    *,
    account_id: str,
    account_domain: Optional[str],
    credential: Credential,
    endpoint: Optional[str],
    region: Optional[str],
    sts_endpoint: Optional[str],
    poll_interval: Optional[Seconds],
    request_timeout: Optional[Seconds],
    max_attempts: Optional[int],
    max_concurrent_requests: Optional[int],
    ca_cert: Union[str, "os.PathLike[str]", None],
    user_agent: str,
) -> Any:
    sync_log_level()
    if sts_endpoint:
        scope: Optional[str] = sts_endpoint.rstrip("/") + "/.default"
    elif account_domain:
        scope = f"https://sts.{account_domain}/.default"
    else:
        scope = None
    return _native.Client(
        account_id=account_id,
        endpoint=endpoint,
        region=region,
        account_domain=account_domain,
        sts_endpoint=sts_endpoint,
        poll_interval=None if poll_interval is None else float(poll_interval),
        request_timeout=None if request_timeout is None else float(request_timeout),
        max_attempts=max_attempts,
        max_concurrent_requests=max_concurrent_requests,
        ca_cert_pem=read_ca_cert(ca_cert),
        user_agent_suffix=user_agent,
        **native_credential(credential, scope),
    )


def size_text(size: Union[SessionSize, str]) -> str:
    return size.value if isinstance(size, SessionSize) else str(size)


def seconds(value: Optional[Seconds]) -> Optional[float]:
    return None if value is None else float(value)


def session_progress(cb: Optional[Callable[[Session], Any]]) -> Optional[Callable[[Dict[str, Any]], None]]:
    if cb is None:
        return None
    user = cb

    def call(d: Dict[str, Any]) -> None:
        user(Session._from_native(d))

    return call


def conversion_progress(cb: Optional[Callable[[Conversion], Any]]) -> Optional[Callable[[Dict[str, Any]], None]]:
    if cb is None:
        return None
    user = cb

    def call(d: Dict[str, Any]) -> None:
        user(Conversion._from_native(d))

    return call


def upload_progress(cb: Optional[Callable[[UploadProgress], Any]]) -> Optional[Callable[[Dict[str, Any]], None]]:
    if cb is None:
        return None
    user = cb
    from ._storage_models import UploadProgress

    def call(d: Dict[str, Any]) -> None:
        user(UploadProgress._from_native(d))

    return call


def settings_wire(settings: ConversionSettings) -> Dict[str, Any]:
    if not isinstance(settings, ConversionSettings):
        raise TypeError(f"settings must be a ConversionSettings, got {type(settings).__name__}")
    return settings._to_native()


def fleet_results(raw: List[Any]) -> List[Union[Session, RemoteRenderingError]]:
    return [r if isinstance(r, RemoteRenderingError) else Session._from_native(r) for r in raw]


def keep_alive_options(
    step_minutes: int,
    margin_minutes: int,
    max_total_minutes: int,
    check_interval: Seconds,
    stop_on_close: bool,
    budget: Optional[float],
    cost_rates: Optional[CostRates],
) -> Dict[str, Any]:
    """The lease keeper's options for the native module (the core checks every value)."""
    return {
        "step_minutes": step_minutes,
        "margin_minutes": margin_minutes,
        "max_total_minutes": max_total_minutes,
        "check_interval": seconds(check_interval),
        "stop_on_drop": stop_on_close,
        "budget": budget,
        "cost_rates": None if cost_rates is None else dataclasses.asdict(cost_rates),
    }
