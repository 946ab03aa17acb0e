"""Credentials. Their reprs never show the secret."""

from __future__ import annotations

from typing import Any, Callable, Dict, Optional, Union


class AccountKeyCredential:
    """The account key, exchanged at the Mixed Reality STS for an access token."""

    __slots__ = ("_key",)

    def __init__(self, key: str) -> None:
        if not isinstance(key, str):
            raise TypeError("AccountKeyCredential takes the key as a str")
        self._key = key

    def __repr__(self) -> str:
        return "AccountKeyCredential(<redacted>)"


class AccessToken:
    """A ready Mixed Reality access token (from your backend), used as is and never refreshed."""

    __slots__ = ("_token",)

    def __init__(self, token: str) -> None:
        if not isinstance(token, str):
            raise TypeError("AccessToken takes the token as a str")
        self._token = token

    def __repr__(self) -> str:
        return "AccessToken(<redacted>)"


TokenProvider = Callable[[], str]
"""A callable returning a Microsoft Entra token (exchanged at the STS when a token is needed)."""

Credential = Union[AccountKeyCredential, AccessToken, TokenProvider, Any]


def native_credential(credential: Credential, scope: Optional[str]) -> Dict[str, Any]:
    """The keyword arguments of the native client for a credential.

    An object with ``get_token(scope)`` (an azure-identity credential) is asked for the STS
    scope; any other callable is called with no arguments. Both must give a str token (or an
    object with a ``token`` attribute).
    """
    if isinstance(credential, AccountKeyCredential):
        return {"credential_kind": "account_key", "credential_value": credential._key}
    if isinstance(credential, AccessToken):
        return {"credential_kind": "access_token", "credential_value": credential._token}
    if hasattr(credential, "get_token"):
        get_token = credential.get_token

        def provider() -> str:
            token = get_token(scope) if scope else get_token()
            return str(getattr(token, "token", token))

        return {"credential_kind": "entra", "token_provider": provider}
    if callable(credential):
        call = credential

        def from_callable() -> str:
            token = call()
            return str(getattr(token, "token", token))

        return {"credential_kind": "entra", "token_provider": from_callable}
    raise TypeError(
        "credential must be an AccountKeyCredential, an AccessToken, a callable returning an Entra "
        f"token, or an object with get_token(); got {type(credential).__name__}"
    )
