"""The embedded emulator of the service, for your own tests: no network, no account.

>>> with Emulator(startup_delay=2) as emu:          # doctest: +SKIP
...     client = emu.client()
...     with client.open_session(lease_minutes=10) as s:
...         print(s.session.hostname)

``emu.aio_client()`` hands out an asyncio client of it the same way (the emulator serves both at
once; it runs on its own threads, so it needs no event loop and works under any).
"""

from __future__ import annotations

import os
from typing import Any, Dict, Mapping, Optional, Sequence, Tuple, Union

from . import _native
from . import aio
from ._client import RemoteRenderingClient
from ._credentials import AccountKeyCredential

__all__ = ["Emulator"]

_DEFAULTS = _native.emulator_defaults()
"""The emulator's own defaults (those of its CLI), so none is restated here."""


class Emulator:
    """Starts at once on a free loopback port; ``stop()`` (or leaving the ``with``) stops it.

    Times are emulated seconds; ``time_scale`` makes them pass faster (60: a minute a second).
    ``faults`` uses the emulator's fault syntax, e.g. ``"429:1=0.1,503=0.05@get_session"``.
    """

    def __init__(
        self,
        *,
        startup_delay: float = _DEFAULTS["startup_delay"],
        conversion_duration: float = _DEFAULTS["conversion_duration"],
        time_scale: float = _DEFAULTS["time_scale"],
        page_size: int = _DEFAULTS["page_size"],
        faults: Optional[str] = None,
        seed: int = _DEFAULTS["seed"],
        tls: bool = False,
        cert_out: Union[str, "os.PathLike[str]", None] = None,
        state_file: Union[str, "os.PathLike[str]", None] = None,
        storage_root: Union[str, "os.PathLike[str]", None] = None,
        linked_storage: Optional[Sequence[str]] = None,
        region: Optional[str] = None,
        token_lifetime: float = _DEFAULTS["token_lifetime"],
        accounts: Optional[Sequence[Tuple[str, str]]] = None,
        blob_storage: bool = False,
        storage_account_keys: Optional[Mapping[str, str]] = None,
    ) -> None:
        """``blob_storage``: conversions read their input and write their outputs on real blob
        storage (Azure, or Azurite) through the request's SAS, or the key in
        ``storage_account_keys`` (storage account name -> key, a secret; each such account is
        linked) when the request has none. Off: the ``storage_root`` folder, or nothing."""
        self._native = _native.Emulator(
            startup_delay=float(startup_delay),
            conversion_duration=float(conversion_duration),
            time_scale=float(time_scale),
            page_size=page_size,
            faults=faults,
            seed=seed,
            tls=tls,
            cert_out=None if cert_out is None else os.fspath(cert_out),
            state_file=None if state_file is None else os.fspath(state_file),
            storage_root=None if storage_root is None else os.fspath(storage_root),
            linked_storage=list(linked_storage) if linked_storage else None,
            region=region,
            token_lifetime=float(token_lifetime),
            accounts=list(accounts) if accounts else None,
            blob_storage=bool(blob_storage),
            storage_account_keys=list(storage_account_keys.items()) if storage_account_keys else None,
        )

    @property
    def endpoint(self) -> str:
        """The service endpoint (``http://127.0.0.1:PORT``, or https with ``tls``)."""
        return str(self._native.endpoint)

    @property
    def sts_endpoint(self) -> str:
        """The STS endpoint (the same server)."""
        return str(self._native.sts_endpoint)

    @property
    def account_id(self) -> str:
        """The id of the emulator's (first) account."""
        return str(self._native.account_id)

    @property
    def account_key(self) -> str:
        """The key of the emulator's (first) account."""
        return str(self._native.account_key)

    @property
    def account_domain(self) -> str:
        """The account domain to give a client (``127.0.0.1:PORT``)."""
        return str(self._native.account_domain)

    @property
    def ca_cert(self) -> Optional[str]:
        """The PEM of the certificate to trust with ``tls``, else ``None``."""
        c = self._native.ca_cert
        return None if c is None else os.fspath(c)

    def client_options(self) -> Dict[str, Any]:
        """Keyword arguments for a client of this emulator (sync or asyncio)."""
        return dict(
            account_id=self.account_id,
            account_domain=self.account_domain,
            credential=AccountKeyCredential(self.account_key),
            endpoint=self.endpoint,
            sts_endpoint=self.sts_endpoint,
            ca_cert=self.ca_cert,
        )

    def client(self, **options: Any) -> RemoteRenderingClient:
        """A blocking client of this emulator (``options`` override, e.g. ``poll_interval``)."""
        return RemoteRenderingClient(**{**self.client_options(), **options})

    def aio_client(self, **options: Any) -> aio.RemoteRenderingClient:
        """An asyncio client of this emulator (``options`` override, e.g. ``poll_interval``)."""
        return aio.RemoteRenderingClient(**{**self.client_options(), **options})

    def advance_clock(self, seconds: float) -> None:
        """Moves emulated time forward: sessions get Ready, leases run out, conversions end."""
        self._native.advance_clock(float(seconds))

    def set_faults(self, spec: str, seed: int = 0) -> None:
        """Injects faults from now on (the emulator's ``--faults`` syntax); ``seed`` makes the sequence
        repeatable.
        """
        self._native.set_faults(spec, seed)

    def clear_faults(self) -> None:
        """Stops injecting faults."""
        self._native.clear_faults()

    def stats(self) -> Dict[str, Any]:
        """Requests seen, by route and status (``stats()["byRoute"]["get_session"]["requests"]``)."""
        return dict(self._native.stats())

    def requests(self, route: str) -> int:
        """How many requests one route (``"get_session"``, ``"sts"``, …) has seen."""
        return int(self.stats()["byRoute"].get(route, {}).get("requests", 0))

    def fail_session(self, session_id: str, code: Optional[str] = None, message: Optional[str] = None) -> None:
        """Puts a session into the ``Error`` state, with the given service error."""
        self._native.fail_session(session_id, code, message)

    def fail_conversion(self, conversion_id: str, code: Optional[str] = None, message: Optional[str] = None) -> None:
        """Makes a running conversion fail, with the given service error."""
        self._native.fail_conversion(conversion_id, code, message)

    def cancel_conversion(self, conversion_id: str) -> None:
        """Cancels a running conversion."""
        self._native.cancel_conversion(conversion_id)

    def revoke_tokens(self) -> None:
        """Every access token issued so far gets 401 (a key rotation)."""
        self._native.revoke_tokens()

    def stop(self) -> None:
        """Stops the emulator and releases its port (``with Emulator() as emu`` calls it on the way out)."""
        self._native.stop()

    @property
    def running(self) -> bool:
        """Whether the emulator is serving."""
        return bool(self._native.running)

    def __enter__(self) -> "Emulator":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"Emulator(endpoint={self.endpoint!r}, account_id={self.account_id!r})"


