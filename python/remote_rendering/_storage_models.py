"""The storage models of ``_models`` (``remote_rendering.UploadProgress``, ``UploadReport``,
``Preflight``): the core's, crossed 1:1 like the others, loaded on first use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional, Tuple

from ._models import _from_fields, _Model

__all__ = ["UploadProgress", "UploadReport", "Preflight"]


@dataclass(frozen=True)
class UploadProgress(_Model):
    """Where an upload stands: after a file started, after each part, and when a file is done
    (``file_done``, its last event). Bytes of this file (``file_bytes_*``) and of every file
    together (``bytes_*``)."""

    blob: str
    file_bytes_done: int
    file_bytes_total: int
    bytes_done: int
    bytes_total: int
    file_done: bool

    @classmethod
    def _from_native(cls, d: Mapping[str, Any]) -> "UploadProgress":
        return _from_fields(cls, d)


@dataclass(frozen=True)
class UploadReport(_Model):
    """What an upload did: the blobs written whole, those not written (failed, or not started
    when it stopped), in name order, and the bytes uploaded. A failed upload's error carries
    one (``upload_report``)."""

    uploaded: Tuple[str, ...] = ()
    not_uploaded: Tuple[str, ...] = ()
    bytes: int = 0

    @classmethod
    def _from_native(cls, d: Optional[Mapping[str, Any]]) -> Optional["UploadReport"]:
        if d is None:
            return None
        return _from_fields(cls, d, uploaded=tuple, not_uploaded=tuple)


@dataclass(frozen=True)
class Preflight(_Model):
    """What a preflight checked: the input blob (prefix included), its size, and the blobs a
    glTF input references (each found)."""

    input_blob: str
    input_bytes: int
    referenced: Tuple[str, ...] = ()

    @classmethod
    def _from_native(cls, d: Mapping[str, Any]) -> "Preflight":
        return _from_fields(cls, d, referenced=tuple)
