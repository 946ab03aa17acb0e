"""A panic inside a core call arrives as ``InternalError`` (blocking and asyncio), never an
abort: the interpreter lives on and the next call works."""

from __future__ import annotations

import asyncio

import pytest

import remote_rendering as rr
from remote_rendering import _native


def test_a_blocking_panic_is_an_internal_error(client):
    with pytest.raises(rr.InternalError) as e:
        _native._panic_for_test(False)
    assert e.value.code == "INTERNAL_ERROR"
    assert "panic for test" in str(e.value)
    # The same words in every language: the core's, from the one table.
    assert e.value.message.startswith(rr.VOCABULARY["panic_message_prefix"]), e.value.message
    with pytest.raises(rr.NotFoundError):
        client.get_session("after-the-panic")


def test_an_async_panic_is_an_internal_error(aclient):
    async def main() -> None:
        with pytest.raises(rr.InternalError) as e:
            await _native._panic_for_test(True, asyncio.get_running_loop())
        assert e.value.code == "INTERNAL_ERROR"
        assert e.value.message.startswith(rr.VOCABULARY["panic_message_prefix"])
        with pytest.raises(rr.NotFoundError):
            await aclient.get_session("after-the-async-panic")

    asyncio.run(asyncio.wait_for(main(), timeout=10))
