"""Azure Remote Rendering session and conversion API client (api-version 2021-01-01).

The blocking client is ``RemoteRenderingClient``; the asyncio one is
``remote_rendering.aio.RemoteRenderingClient``; conversions on blob storage have
``StorageAccount`` and ``BlobContainer`` (asyncio: ``remote_rendering.aio``'s); the embedded emulator is
``remote_rendering.emulator.Emulator``. One Rust core behind every language.
"""

from typing import TYPE_CHECKING, Any

from . import _common
from . import _native
from ._cancel import CancelToken
from ._client import LeaseKeeper, ManagedSession, RemoteRenderingClient, SessionContext
from ._credentials import AccessToken, AccountKeyCredential, TokenProvider
from ._errors import (
    AuthenticationError,
    CancelledError,
    ConflictError,
    ConversionFailedError,
    ForbiddenError,
    InternalError,
    InvalidInputError,
    NotFoundError,
    OperationCancelledError,
    ProtocolError,
    RemoteRenderingError,
    ServiceError,
    SessionFailedError,
    ThrottledError,
    TransportError,
    UnprocessableError,
    WaitTimeoutError,
)
from ._vocabulary import VOCABULARY
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

if TYPE_CHECKING:
    from ._storage import BlobContainer, StorageAccount
    from ._storage_models import Preflight, UploadProgress, UploadReport

_LAZY = {
    "StorageAccount": "_storage",
    "BlobContainer": "_storage",
    "UploadProgress": "_storage_models",
    "UploadReport": "_storage_models",
    "Preflight": "_storage_models",
}


def __getattr__(name: str) -> Any:
    # The storage objects and models are imported on first use: building their methods and
    # dataclasses would cost a tenth of ``import remote_rendering``, and most programs never
    # touch blob storage.
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__version__: str = _native.__version__

# The library's records (every retry is a warning) go where the application's logging config
# sends them; an application that configured none sees nothing on stderr: the package's logger
# has a NullHandler from here when logging is loaded already, else from the first client,
# before which no record is delivered (importing logging is left to whoever needs it).
if _common.logging_loaded():
    _common.logger()

__all__ = [
    "RemoteRenderingClient",
    "SessionContext",
    "ManagedSession",
    "LeaseKeeper",
    "CancelToken",
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
    "StorageAccount",
    "BlobContainer",
    "UploadProgress",
    "UploadReport",
    "Preflight",
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
    "VOCABULARY",
    "__version__",
]
