"""The blocking storage objects: the storage operations of ``_ops`` run on the caller's thread
(GIL released, Ctrl-C noticed within a tenth of a second, a ``CancelToken`` from another
thread), as every call of ``RemoteRenderingClient`` does. Imported on first use of
``remote_rendering.StorageAccount`` or ``BlobContainer``, not by ``import remote_rendering``."""

from __future__ import annotations

from typing import Any

from . import _ops

__all__ = ["StorageAccount", "BlobContainer"]


@_ops.named
class BlobContainer(_ops.BlobContainerCore):
    """A client of one blob container, authorised by a SAS (a secret), or by its account's key
    when made by ``StorageAccount.container``. Its repr shows the container's URI only.

    >>> inputs = BlobContainer("https://store.blob.core.windows.net/input", sas)  # doctest: +SKIP
    >>> inputs.upload("./model", "model/", on_progress=print)  # doctest: +SKIP
    """

    upload = _ops.blocking(_ops.upload)
    preflight = _ops.blocking(_ops.preflight)
    read_conversion_report = _ops.blocking(_ops.read_conversion_report)
    exists = _ops.blocking(_ops.exists)
    list = _ops.blocking(_ops.list_blobs)
    read = _ops.blocking(_ops.read)


def _blob_container(account: Any, native: Any) -> BlobContainer:
    return BlobContainer._wrap(native)


@_ops.named
class StorageAccount(_ops.StorageAccountCore):
    """A storage account and its key (a secret, never in a repr or an error): SAS tokens of
    least privilege for conversions, read URLs, containers.

    >>> account = StorageAccount("mystorage", key)  # doctest: +SKIP
    >>> settings_sas = account.input_sas("arrinput"), account.output_sas("arroutput")  # doctest: +SKIP
    """

    container_uri = _ops.local(_ops.container_uri)
    create_container = _ops.blocking(_ops.create_container)
    container = _ops.method(_ops.container, _blob_container, "BlobContainer")
    container_sas = _ops.local(_ops.container_sas)
    input_sas = _ops.local(_ops.input_sas)
    output_sas = _ops.local(_ops.output_sas)
    blob_read_url = _ops.local(_ops.blob_read_url)
    asset_read_url = _ops.local(_ops.asset_read_url)
