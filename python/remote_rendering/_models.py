"""Models: immutable, typed, comparable, and safe to print (SAS strings are never in a repr).

They are the core's public models (``remote_rendering::Session`` and the others), crossed 1:1:
the native module hands over a dict under the core's field names, and each model here takes
it field by field, converting types only (enums, timestamps, nested models).
"""

from __future__ import annotations

import datetime as _dt
import enum
import sys
from dataclasses import dataclass, field, fields, is_dataclass
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Mapping, Optional, Tuple, Type, TypeVar

_E = TypeVar("_E", bound="_WireEnum")
_M = TypeVar("_M")


class _WireEnum(str, enum.Enum):
    """A ``str`` enum that keeps values it does not know (the service may add some)."""

    @classmethod
    def _missing_(cls: Type[_E], value: object) -> Optional[_E]:
        if not isinstance(value, str):
            return None
        for member in cls:
            if member.value.lower() == value.lower():
                return member
        unknown = str.__new__(cls, value)
        unknown._name_ = "UNKNOWN"
        unknown._value_ = value
        return unknown

    def __str__(self) -> str:
        return str(self.value)

    @property
    def is_known(self) -> bool:
        return self.name != "UNKNOWN"


class SessionSize(_WireEnum):
    """The size of a session's rendering VM; values the service adds later are kept (``UNKNOWN``)."""
    STANDARD = "Standard"
    PREMIUM = "Premium"


class SessionStatus(_WireEnum):
    """The status of a session; values the service adds later are kept (``UNKNOWN``)."""
    ERROR = "Error"
    EXPIRED = "Expired"
    STARTING = "Starting"
    READY = "Ready"
    STOPPED = "Stopped"

    @property
    def is_terminal(self) -> bool:
        """Whether the session has ended (``Stopped``, ``Expired`` or ``Error``)."""
        return self in (SessionStatus.STOPPED, SessionStatus.EXPIRED, SessionStatus.ERROR)


class ConversionStatus(_WireEnum):
    """The status of a conversion; values the service adds later are kept (``UNKNOWN``)."""
    NOT_STARTED = "NotStarted"
    RUNNING = "Running"
    CANCELLED = "Cancelled"
    FAILED = "Failed"
    SUCCEEDED = "Succeeded"

    @property
    def is_terminal(self) -> bool:
        """Whether the conversion has ended (``Succeeded``, ``Failed`` or ``Cancelled``)."""
        return self in (ConversionStatus.SUCCEEDED, ConversionStatus.FAILED, ConversionStatus.CANCELLED)


def _timestamp(text: Optional[str]) -> Optional[_dt.datetime]:
    if not text:
        return None
    if _ISO_ANY_FRACTION:
        return _dt.datetime.fromisoformat(text)
    t = text.replace("Z", "+00:00")
    # The service writes up to 7 fractional digits; Python reads at most 6.
    if "." in t:
        head, rest = t.split(".", 1)
        n = 0
        while n < len(rest) and rest[n].isdigit():
            n += 1
        digits, tz = rest[:n], rest[n:]
        t = f"{head}.{digits[:6].ljust(6, '0')}{tz}"
    return _dt.datetime.fromisoformat(t)


# From Python 3.11, ``fromisoformat`` reads a trailing ``Z`` and any number of fractional digits
# (truncating past 6, as the normalisation in ``_timestamp`` does): one C call per timestamp.
_ISO_ANY_FRACTION = sys.version_info >= (3, 11)


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, _dt.datetime):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "to_dict"):
        return value.to_dict()
    return value


class _Model:
    def to_dict(self) -> Dict[str, Any]:
        """The attributes as plain, JSON-ready values (secrets left out)."""
        return {
            f.name: _plain(getattr(self, f.name))
            for f in self.__dataclass_fields__.values()  # type: ignore[attr-defined]
            if f.repr
        }

    def _repr_html_(self) -> str:
        """A small table for Jupyter: the set attributes of ``to_dict()`` (so never a secret),
        nested ones with dotted names, every text HTML-escaped."""
        import html  # only notebooks call this; html costs more to import than the rest of the models

        rows = "".join(
            f"<tr><th style=\"text-align:left\">{html.escape(k)}</th><td style=\"text-align:left\">{html.escape(v)}</td></tr>"
            for k, v in _flat("", self.to_dict())
        )
        return f"<table><caption>{html.escape(type(self).__name__)}</caption>{rows}</table>"


def _flat(prefix: str, value: Any) -> List[Tuple[str, str]]:
    if isinstance(value, dict):
        out: List[Tuple[str, str]] = []
        for k, v in value.items():
            out.extend(_flat(f"{prefix}.{k}" if prefix else str(k), v))
        return out
    if value is None or value == [] or value == ():
        return []
    if isinstance(value, (list, tuple)):
        return [row for i, v in enumerate(value) for row in _flat(f"{prefix}[{i}]", v)]
    return [(prefix, str(value))]


def _from_fields(cls: Type[_M], d: Mapping[str, Any], **convert: Callable[[Any], Any]) -> _M:
    """A model from the native dict of the core's model of the same name: the same field names
    (the core's table), each value converted to its Python type where ``convert`` says."""
    names = _FIELD_NAMES.get(cls)
    if names is None:  # once per class: ``fields()`` rebuilds its tuple on every call
        names = _FIELD_NAMES[cls] = tuple(f.name for f in fields(cls))  # type: ignore[arg-type]
    return cls(**{n: convert[n](d[n]) if n in convert else d[n] for n in names})


_FIELD_NAMES: Dict[type, Tuple[str, ...]] = {}


def _constructor(cls: Type[_M], **convert: Any) -> Callable[[Mapping[str, Any]], _M]:
    """What ``_from_fields(cls, d, **convert)`` builds, as one function made for ``cls`` (its
    fields in order, read from the dataclass): the instance made with ``object.__new__`` and its
    attributes set as one dict, which is all the frozen dataclass's ``__init__`` does (through
    one ``object.__setattr__`` per field) when it has no ``__post_init__``; the instance is the
    same (fields, equality, hash, repr, immutability). An enum's converter (``_member``) is
    inlined as its dictionary lookup, and an ``_OrNone`` one is called on set values only."""
    assert not hasattr(cls, "__post_init__") and all(f.init for f in fields(cls))  # type: ignore[arg-type]
    namespace: Dict[str, Any] = {"_new": object.__new__, "_set": object.__setattr__, "_cls": cls}
    lines, values = [], []
    for n in (f.name for f in fields(cls)):  # type: ignore[arg-type]
        c = convert.get(n)
        if c is None:
            values.append(f"{n!r}: d[{n!r}]")
            continue
        or_none = isinstance(c, _OrNone)
        namespace[f"_c_{n}"] = c.convert if or_none else c
        v = f"v_{n}"
        lines.append(f"    {v} = d[{n!r}]\n")
        known = getattr(c, "known", None)
        if known is not None:  # a member of a known value without a call, else the enum's
            namespace[f"_k_{n}"] = known
            values.append(f"{n!r}: _k_{n}.get({v}) or _c_{n}({v})")
        elif or_none:
            values.append(f"{n!r}: _c_{n}({v}) if {v} else None")
        else:
            values.append(f"{n!r}: _c_{n}({v})")
    source = "def _from_native(d):\n" + "".join(lines)
    source += f"    o = _new(_cls)\n    _set(o, '__dict__', {{{', '.join(values)}}})\n    return o\n"
    exec(source, namespace)
    build: Callable[[Mapping[str, Any]], _M] = namespace["_from_native"]
    build.__qualname__ = f"{cls.__qualname__}._from_native"
    return build


class _OrNone:
    """A converter that maps a value that is not set (``None``, empty) to ``None``: the
    functions of ``_constructor`` call it on set values only."""

    __slots__ = ("convert",)

    def __init__(self, convert: Callable[[Any], Any]) -> None:
        self.convert = convert


def _to_fields(model: Any) -> Dict[str, Any]:
    """A model as the native dict (the secrets included: this is what the core sends)."""
    return {
        f.name: _to_fields(v) if is_dataclass(v) else v for f in fields(model) for v in (getattr(model, f.name),)
    }


def _same(value: Any) -> Any:
    return value


def _member(cls: Type[_E]) -> Callable[[Any], _E]:
    """``cls(value)`` with a dictionary lookup first: calling an enum class runs two Python
    frames (``EnumMeta.__call__``, ``Enum.__new__``) for every value of every result."""
    known = cls._value2member_map_

    def member(value: Any) -> _E:
        m = known.get(value)
        return m if m is not None else cls(value)  # type: ignore[return-value]

    member.known = known  # type: ignore[attr-defined]
    return member


_SESSION_STATUS = _member(SessionStatus)
_SESSION_SIZE = _member(SessionSize)
_CONVERSION_STATUS = _member(ConversionStatus)


@dataclass(frozen=True)
class ErrorDetails(_Model):
    """An error as the service reports it: in an exception, a failed session or conversion."""

    code: str
    message: str
    details: Tuple["ErrorDetails", ...] = ()
    target: Optional[str] = None

    @classmethod
    def _from_native(cls, d: Optional[Mapping[str, Any]]) -> Optional["ErrorDetails"]:
        if not d:
            return None
        return _from_fields(cls, d, details=_details)


def _details(items: Optional[List[Mapping[str, Any]]]) -> Tuple[ErrorDetails, ...]:
    return tuple(x for x in (ErrorDetails._from_native(i) for i in items or []) if x is not None)


@dataclass(frozen=True)
class Session(_Model):
    """A rendering session. ``lease_minutes`` is the service's ``maxLeaseTimeMinutes``."""

    id: str
    status: SessionStatus
    size: SessionSize
    lease_minutes: Optional[int] = None
    elapsed_minutes: Optional[int] = None
    hostname: Optional[str] = None
    handshake_port: Optional[int] = None
    arr_inspector_port: Optional[int] = None
    teraflops: Optional[float] = None
    created_on: Optional[_dt.datetime] = None
    error: Optional[ErrorDetails] = None

    # Every call's result: made by ``_constructor`` (after the class), ~3x cheaper than
    # ``_from_fields``'s keyword call of ``__init__``.
    if TYPE_CHECKING:

        @staticmethod
        def _from_native(d: Mapping[str, Any]) -> "Session": ...


# (setattr: the stub above is what type checkers see.)
setattr(
    Session,
    "_from_native",
    staticmethod(
        _constructor(
            Session,
            status=_SESSION_STATUS,
            size=_SESSION_SIZE,
            created_on=_OrNone(_dt.datetime.fromisoformat if _ISO_ANY_FRACTION else _timestamp),
            error=_OrNone(ErrorDetails._from_native),
        )
    ),
)


@dataclass(frozen=True)
class ConversionInputSettings(_Model):
    """Where the model to convert is read from. The SAS is sent, never printed or echoed."""

    storage_container_uri: str
    relative_input_asset_path: str
    blob_prefix: Optional[str] = None
    storage_container_read_list_sas: Optional[str] = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class ConversionOutputSettings(_Model):
    """Where the converted ``.arrAsset`` is written. The SAS is sent, never printed or echoed."""

    storage_container_uri: str
    blob_prefix: Optional[str] = None
    output_asset_filename: Optional[str] = None
    storage_container_write_sas: Optional[str] = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class ConversionSettings(_Model):
    """The settings of a conversion: where it reads its input and where it writes the ``.arrAsset``."""

    input_location: ConversionInputSettings
    output_location: ConversionOutputSettings

    def _to_native(self) -> Dict[str, Any]:
        return _to_fields(self)

    @classmethod
    def _from_native(cls, d: Mapping[str, Any]) -> "ConversionSettings":
        return _from_fields(
            cls,
            d,
            input_location=lambda i: _from_fields(ConversionInputSettings, i),
            output_location=lambda o: _from_fields(ConversionOutputSettings, o),
        )


@dataclass(frozen=True)
class Conversion(_Model):
    """An asset conversion. ``output_asset_uri`` is set once it succeeded."""

    id: str
    status: ConversionStatus
    settings: ConversionSettings
    output_asset_uri: Optional[str] = None
    error: Optional[ErrorDetails] = None
    created_on: Optional[_dt.datetime] = None

    @classmethod
    def _from_native(cls, d: Mapping[str, Any]) -> "Conversion":
        return _from_fields(
            cls,
            d,
            status=_CONVERSION_STATUS,
            settings=ConversionSettings._from_native,
            error=ErrorDetails._from_native,
            created_on=_timestamp,
        )


@dataclass(frozen=True)
class CostRates:
    """What one hour of a session costs, per size, in your currency (no rate is assumed: prices
    differ by region, agreement and currency). The lease keeper's ``budget`` is counted at them."""

    standard_per_hour: Optional[float] = None
    premium_per_hour: Optional[float] = None


# The storage models (UploadProgress, UploadReport, Preflight) are in ``_storage_models``,
# loaded on first use by the package: making three frozen dataclasses costs more than a
# millisecond, which ``import remote_rendering`` does not pay for programs that never touch blob
# storage. They build on this module's ``_Model``, so this module does not name them.


__all__: List[str] = [
    "CostRates",
    "SessionSize",
    "SessionStatus",
    "ConversionStatus",
    "ErrorDetails",
    "Session",
    "ConversionInputSettings",
    "ConversionOutputSettings",
    "ConversionSettings",
    "Conversion",
]
