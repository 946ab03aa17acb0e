"""The exception hierarchy: one base class, one subclass per error kind of the core.

The classes and their codes are the core's table's (``remote_rendering.VOCABULARY["errors"]``).
Every exception carries ``code`` (the core's stable code string, the same in every language),
``status``, ``ms_cv``, ``retry_after``, ``details`` and ``retriable``; a failed upload's
``upload_report`` says what was and was not uploaded, and a failed conversion waited on with
``wait_for_conversion_with_report`` has its result file and log in ``conversion_report``. They pickle, and their
messages never contain a secret.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Optional, Type

from ._models import Conversion, ErrorDetails, Session
from ._vocabulary import error_classes

if TYPE_CHECKING:
    from ._storage_models import UploadReport


class RemoteRenderingError(Exception):
    """Base class of every error of this package."""

    code: str = "REMOTE_RENDERING_ERROR"

    def __init__(
        self,
        message: str,
        *,
        code: Optional[str] = None,
        status: Optional[int] = None,
        ms_cv: Optional[str] = None,
        retry_after: Optional[float] = None,
        details: Optional[ErrorDetails] = None,
        field: Optional[str] = None,
        retriable: bool = False,
        session: Optional[Session] = None,
        conversion: Optional[Conversion] = None,
        upload_report: Optional[UploadReport] = None,
        conversion_report: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.status = status
        self.ms_cv = ms_cv
        self.retry_after = retry_after
        self.details = details
        self.field = field
        self.retriable = retriable
        self.session = session
        self.conversion = conversion
        self.upload_report = upload_report
        self.conversion_report = conversion_report

    def _state(self) -> Dict[str, Any]:
        return {
            "code": self.code,
            "status": self.status,
            "ms_cv": self.ms_cv,
            "retry_after": self.retry_after,
            "details": self.details,
            "field": self.field,
            "retriable": self.retriable,
            "session": self.session,
            "conversion": self.conversion,
            "upload_report": self.upload_report,
            "conversion_report": self.conversion_report,
        }

    def __reduce__(self) -> Any:
        return (_rebuild, (type(self), self.message, self._state()))

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        parts = [repr(self.message), f"code={self.code!r}"]
        if self.status is not None:
            parts.append(f"status={self.status}")
        if self.ms_cv:
            parts.append(f"ms_cv={self.ms_cv!r}")
        return f"{type(self).__name__}({', '.join(parts)})"


def _rebuild(cls: Type[RemoteRenderingError], message: str, state: Dict[str, Any]) -> RemoteRenderingError:
    return cls(message, **state)


class InvalidInputError(RemoteRenderingError, ValueError):
    """A value was refused before sending (``field`` names it), or the service answered 400."""

    code = "INVALID_INPUT"


class AuthenticationError(RemoteRenderingError):
    """401: the credential or access token was refused."""

    code = "UNAUTHORIZED"


class ForbiddenError(RemoteRenderingError, PermissionError):
    """403: another account's resource, or storage that is not linked."""

    code = "FORBIDDEN"


class NotFoundError(RemoteRenderingError, LookupError):
    """404: no such session or conversion."""

    code = "NOT_FOUND"


class ConflictError(RemoteRenderingError):
    """409: the id exists with other settings."""

    code = "CONFLICT"


class UnprocessableError(RemoteRenderingError):
    """422: the service refused the value (a lease that does not grow, an ended session)."""

    code = "UNPROCESSABLE"


class ThrottledError(RemoteRenderingError):
    """429 after the retries; ``retry_after`` says when to try again."""

    code = "THROTTLED"


class ServiceError(RemoteRenderingError):
    """5xx after the retries."""

    code = "SERVICE_ERROR"


class TransportError(RemoteRenderingError, ConnectionError):
    """No connection, a reset, a TLS failure or a request timeout, after the retries."""

    code = "TRANSPORT_ERROR"


class WaitTimeoutError(RemoteRenderingError, TimeoutError):
    """A wait passed its deadline; ``session``/``conversion`` is the last state seen."""

    code = "TIMEOUT"


class OperationCancelledError(RemoteRenderingError):
    """A wait was cancelled (its ``CancelToken``, or a progress callback that raised)."""

    code = "CANCELLED"


CancelledError = OperationCancelledError
"""The earlier name of ``OperationCancelledError`` (the same class). Not in ``__all__``: a star
import must not shadow ``asyncio.CancelledError``."""


class SessionFailedError(RemoteRenderingError):
    """A waited-on session reached Error, Expired or Stopped (``session`` is it)."""

    code = "SESSION_FAILED"


class ConversionFailedError(RemoteRenderingError):
    """A waited-on conversion Failed or was Cancelled (``conversion`` is it)."""

    code = "CONVERSION_FAILED"


class ProtocolError(RemoteRenderingError):
    """The service answered something this client cannot read."""

    code = "PROTOCOL_ERROR"


class InternalError(RemoteRenderingError):
    """A bug in this library (a panic of the core, caught at the language boundary): please report it."""

    code = "INTERNAL_ERROR"


def _by_code() -> Dict[str, Type[RemoteRenderingError]]:
    """Each code of the core's table and the class the table names for it. A code whose class
    this module lacks is raised as the base class (and fails ``tests/test_vocabulary.py``)."""
    ours = {name: obj for name, obj in globals().items() if isinstance(obj, type) and issubclass(obj, RemoteRenderingError)}
    return {code: ours[name] for code, name in error_classes().items() if name in ours}


def _from_native(
    *,
    code: str,
    message: str,
    status: Optional[int] = None,
    ms_cv: Optional[str] = None,
    retry_after: Optional[float] = None,
    field: Optional[str] = None,
    retriable: bool = False,
    details: Optional[Dict[str, Any]] = None,
    session: Optional[Dict[str, Any]] = None,
    conversion: Optional[Dict[str, Any]] = None,
    upload_report: Optional[Dict[str, Any]] = None,
    conversion_report: Optional[str] = None,
) -> RemoteRenderingError:
    """Builds the exception for an error of the native core (called from Rust)."""
    cls = _BY_CODE.get(code, RemoteRenderingError)
    return cls(
        message,
        code=code,
        status=status,
        ms_cv=ms_cv,
        retry_after=retry_after,
        details=ErrorDetails._from_native(details),
        field=field,
        retriable=retriable,
        session=Session._from_native(session) if session else None,
        conversion=Conversion._from_native(conversion) if conversion else None,
        upload_report=_upload_report(upload_report),
        conversion_report=conversion_report,
    )


def _upload_report(d: Optional[Dict[str, Any]]) -> Optional["UploadReport"]:
    if d is None:
        return None
    from ._storage_models import UploadReport

    return UploadReport._from_native(d)


_BY_CODE: Dict[str, Type[RemoteRenderingError]] = _by_code()

__all__ = [
    "RemoteRenderingError",
    "InvalidInputError",
    "AuthenticationError",
    "ForbiddenError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableError",
    "ThrottledError",
    "ServiceError",
    "TransportError",
    "WaitTimeoutError",
    "OperationCancelledError",
    "SessionFailedError",
    "ConversionFailedError",
    "ProtocolError",
    "InternalError",
]
