"""Azure Remote Rendering session and conversion API client (api-version 2021-01-01).

The blocking client is ``RemoteRenderingClient``; the asyncio one is
``remote_rendering.aio.RemoteRenderingClient``; the embedded emulator is
``remote_rendering.emulator.Emulator``. One Rust core behind every language.
"""

from . import _native
from ._client import LeaseKeeper, ManagedSession, RemoteRenderingClient, SessionContext
from ._credentials import AccessToken, AccountKeyCredential, TokenProvider
from ._errors import (
    AuthenticationError,
    CancelledError,
    ConflictError,
    ConversionFailedError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    ProtocolError,
    RemoteRenderingError,
    ServiceError,
    SessionFailedError,
    ThrottledError,
    TransportError,
    UnprocessableError,
    WaitTimeoutError,
)
from ._models import (
    Conversion,
    ConversionInputSettings,
    ConversionOutputSettings,
    ConversionSettings,
    ConversionStatus,
    CostRates,
    ErrorDetails,
    Session,
    SessionSize,
    SessionStatus,
)

__version__: str = _native.__version__

__all__ = [
    "RemoteRenderingClient",
    "SessionContext",
    "ManagedSession",
    "LeaseKeeper",
    "AccountKeyCredential",
    "AccessToken",
    "TokenProvider",
    "Session",
    "SessionSize",
    "SessionStatus",
    "Conversion",
    "ConversionStatus",
    "ConversionSettings",
    "ConversionInputSettings",
    "ConversionOutputSettings",
    "ErrorDetails",
    "CostRates",
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
    "CancelledError",
    "SessionFailedError",
    "ConversionFailedError",
    "ProtocolError",
    "__version__",
]
