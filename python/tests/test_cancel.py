"""``CancelToken``: a blocking wait (or ``open_session``) cancelled from another thread ends at
once with ``OperationCancelledError``; asyncio waits take the same token, and cancelling a task
keeps working."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

import remote_rendering as rr

PROMPT = 1.0  # seconds a cancelled wait may take to end (it polls every POLL; it ends sooner)


def cancel_later(token: rr.CancelToken, delay: float = 0.2) -> threading.Timer:
    t = threading.Timer(delay, token.cancel)
    t.start()
    return t


def test_a_blocking_wait_is_cancelled_from_another_thread(emu, client):
    client.start_session("cancel-1", lease_minutes=5)
    token = rr.CancelToken()
    assert not token.is_cancelled
    cancel_later(token)
    started = time.monotonic()
    with pytest.raises(rr.OperationCancelledError) as e:
        client.wait_for_session("cancel-1", timeout=60, cancel=token)
    assert time.monotonic() - started < 0.2 + PROMPT
    assert token.is_cancelled
    assert e.value.code == "CANCELLED"
    assert emu.requests("get_session") >= 2  # it was polling until then
    assert repr(token) == "CancelToken(is_cancelled=True)"


def test_a_cancelled_token_ends_a_wait_at_once(emu, client):
    client.start_session("cancel-2", lease_minutes=5)
    token = rr.CancelToken()
    token.cancel()
    token.cancel()  # again: nothing more happens
    started = time.monotonic()
    with pytest.raises(rr.OperationCancelledError):
        client.wait_for_session("cancel-2", timeout=60, cancel=token)
    assert time.monotonic() - started < PROMPT


def test_open_session_cancelled_while_starting_stops_the_session(emu, client):
    token = rr.CancelToken()
    cancel_later(token)
    with pytest.raises(rr.OperationCancelledError):
        with client.open_session("cancel-open", lease_minutes=5, timeout=60, cancel=token):
            raise AssertionError("never Ready")
    assert client.get_session("cancel-open").status == rr.SessionStatus.STOPPED


def test_fleet_and_conversion_waits_take_the_token(emu, client, settings):
    for i in (1, 2):
        client.start_session(f"cancel-fleet-{i}", lease_minutes=5)
    token = rr.CancelToken()
    cancel_later(token)
    results = client.wait_for_sessions(["cancel-fleet-1", "cancel-fleet-2"], timeout=60, cancel=token)
    assert [type(r) for r in results] == [rr.OperationCancelledError] * 2

    client.start_conversion("cancel-conv", settings)
    token = rr.CancelToken()
    cancel_later(token)
    with pytest.raises(rr.OperationCancelledError):
        client.wait_for_conversion("cancel-conv", timeout=60, cancel=token)


def test_one_token_serves_many_waits_and_a_failing_callback_does_not_cancel_it(emu, client):
    client.start_session("cancel-shared", lease_minutes=5)
    token = rr.CancelToken()

    def boom(_: rr.Session) -> None:
        raise RuntimeError("from the callback")

    with pytest.raises(RuntimeError, match="from the callback"):
        client.wait_for_session("cancel-shared", timeout=60, on_progress=boom, cancel=token)
    assert not token.is_cancelled  # the callback ended its own wait only
    with pytest.raises(rr.WaitTimeoutError):
        client.wait_for_session("cancel-shared", timeout=0.1, cancel=token)
    cancel_later(token)
    with pytest.raises(rr.OperationCancelledError):
        client.wait_for_session("cancel-shared", timeout=60, cancel=token)


def test_cancel_must_be_a_token(client):
    with pytest.raises(TypeError, match="cancel must be a remote_rendering.CancelToken"):
        client.wait_for_session("x", cancel=threading.Event())  # type: ignore[arg-type]


def test_asyncio_waits_take_the_token_and_tasks_still_cancel(emu, aclient):
    async def main() -> None:
        await aclient.start_session("acancel-token", lease_minutes=5)
        token = rr.CancelToken()
        asyncio.get_running_loop().call_later(0.2, token.cancel)
        with pytest.raises(rr.OperationCancelledError):
            await aclient.wait_for_session("acancel-token", timeout=60, cancel=token)
        # A task is cancelled as before (the token is optional).
        task = asyncio.create_task(aclient.wait_for_session("acancel-token", timeout=60))
        await asyncio.sleep(0.1)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())


def test_the_old_name_is_the_same_class_and_star_imports_keep_asyncios():
    assert rr.CancelledError is rr.OperationCancelledError
    assert "CancelledError" not in rr.__all__
    assert "OperationCancelledError" in rr.__all__ and "CancelToken" in rr.__all__
    scope: dict = {}
    exec("from asyncio import *\nfrom remote_rendering import *", scope)
    assert scope["CancelledError"] is asyncio.CancelledError

