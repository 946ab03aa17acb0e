"""``client.open_session()`` (sync and async) and ``client.keep_alive()``: a Ready session that is
always stopped, on normal exit, on an exception, on Ctrl-C and on task cancellation."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from typing import Iterator

import pytest

import remote_rendering as rr
from remote_rendering import aio
from conftest import POLL, STARTUP_DELAY


@contextlib.contextmanager
def once_started(client, session_id: str, action) -> Iterator[None]:
    """Runs `action` on another thread as soon as the session exists, while the block waits on
    it. A fixed delay would race a loaded machine: a session created after the action (a clock
    move, a failure) would not see it."""
    done = threading.Event()

    def run() -> None:
        while not done.is_set():
            try:
                client.get_session(session_id)
            except rr.NotFoundError:
                done.wait(0.01)
                continue
            action()
            return

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join(5)


READY = rr.SessionStatus.READY
STOPPED = rr.SessionStatus.STOPPED


class Boom(Exception):
    pass


@pytest.fixture
def quick(make_emulator):
    """An emulator whose sessions are Ready at once."""
    return make_emulator(startup_delay=0)


@pytest.fixture
def qclient(quick):
    return quick.client(poll_interval=POLL)


def test_session_context_normal_exit(qclient):
    with qclient.open_session(lease_minutes=10) as s:
        assert isinstance(s, rr.ManagedSession)
        assert s.session.status == READY
        assert s.session.lease_minutes == 10
        assert s.refresh().status == READY
        assert s.id.startswith("session-")
        assert qclient.get_session(s.id).status == READY
        sid = s.id
    assert qclient.get_session(sid).status == STOPPED


def test_session_context_waits_for_startup(emu, client):
    # The emulated clock is moved from another thread while the context waits for Ready.
    with once_started(client, "ctx-timer", lambda: emu.advance_clock(STARTUP_DELAY + 1)):
        with client.open_session(session_id="ctx-timer", lease_minutes=10, timeout=10) as s:
            assert s.session.status == READY
            assert s.id == "ctx-timer"
    assert client.get_session("ctx-timer").status == STOPPED


def test_session_context_exception_in_body(qclient):
    sid = None
    with pytest.raises(Boom, match="in the body"):
        with qclient.open_session(session_id="ctx-boom", lease_minutes=10) as s:
            sid = s.id
            raise Boom("in the body")
    assert sid == "ctx-boom"
    assert qclient.get_session(sid).status == STOPPED


def test_session_context_keyboard_interrupt_in_body(qclient):
    with pytest.raises(KeyboardInterrupt):
        with qclient.open_session(session_id="ctx-kbd", lease_minutes=10):
            raise KeyboardInterrupt
    assert qclient.get_session("ctx-kbd").status == STOPPED


def test_session_context_progress(qclient):
    seen = []
    with qclient.open_session(session_id="ctx-progress", lease_minutes=10, on_progress=lambda s: seen.append(s.status)):
        pass
    assert seen and seen[-1] == READY


def test_session_context_wait_failure_stops_the_session(emu, client):
    with pytest.raises(rr.WaitTimeoutError) as info:
        with client.open_session(session_id="ctx-timeout", lease_minutes=10, timeout=0.2):
            pytest.fail("the body must not run")
    assert info.value.session.status == rr.SessionStatus.STARTING
    assert client.get_session("ctx-timeout").status == STOPPED


def test_session_context_failed_session(emu, client):
    with once_started(client, "ctx-failed", lambda: emu.fail_session("ctx-failed")):
        with pytest.raises(rr.SessionFailedError) as info:
            with client.open_session(session_id="ctx-failed", lease_minutes=10, timeout=10):
                pytest.fail("the body must not run")
    assert info.value.session.status == rr.SessionStatus.ERROR


def test_session_context_without_keep_alive(qclient):
    with qclient.open_session(session_id="ctx-nokeep", lease_minutes=10, keep_alive=False) as s:
        assert s.extensions == 0
    assert qclient.get_session("ctx-nokeep").status == STOPPED


# Asyncio


def test_async_session_context(quick):
    async def main():
        client = aio.RemoteRenderingClient(**quick.client_options(), poll_interval=POLL)
        async with client.open_session(session_id="actx-1", lease_minutes=10) as s:
            assert isinstance(s, aio.ManagedSession)
            assert s.session.status == READY
            assert (await s.refresh()).status == READY
        assert (await client.get_session("actx-1")).status == STOPPED

        with pytest.raises(Boom):
            async with client.open_session(session_id="actx-2", lease_minutes=10):
                raise Boom
        assert (await client.get_session("actx-2")).status == STOPPED

    asyncio.run(main())


def test_async_session_context_task_cancelled_in_body(quick):
    async def main():
        client = aio.RemoteRenderingClient(**quick.client_options(), poll_interval=POLL)
        inside = asyncio.Event()

        async def use():
            async with client.open_session(session_id="actx-cancel", lease_minutes=10):
                inside.set()
                await asyncio.sleep(3600)

        task = asyncio.create_task(use())
        await asyncio.wait_for(inside.wait(), 5)
        started = time.monotonic()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert time.monotonic() - started < 1.0
        assert (await client.get_session("actx-cancel")).status == STOPPED

    asyncio.run(main())


def test_async_session_context_cancelled_while_waiting_for_ready(emu, aclient):
    async def main():
        task = asyncio.create_task(aclient.open_session(session_id="actx-enter", lease_minutes=10).__aenter__())
        await asyncio.sleep(0.2)
        assert not task.done()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        # The session that was started is stopped when the open is cancelled.
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            if (await aclient.get_session("actx-enter")).status == STOPPED:
                break
            await asyncio.sleep(0.02)
        assert (await aclient.get_session("actx-enter")).status == STOPPED

    asyncio.run(main())


def test_async_session_context_wait_failure(emu, aclient):
    async def main():
        with pytest.raises(rr.WaitTimeoutError):
            async with aclient.open_session(session_id="actx-timeout", lease_minutes=10, timeout=0.2):
                pytest.fail("the body must not run")
        assert (await aclient.get_session("actx-timeout")).status == STOPPED

    asyncio.run(main())


# Keep-alive


def wait_until(cond, timeout=5.0, step=0.005):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(step)
    return False


def test_keep_alive_extends_up_to_the_cap(make_emulator):
    # 600x: an emulated minute is 0.1 s. Lease 2, steps of 2 a minute before the end, capped at
    # 6: extended to 4, then 6, then never again; the session would expire at minute 6.
    emu = make_emulator(time_scale=600, startup_delay=0)
    client = emu.client(poll_interval=POLL)
    client.start_session("keep-1", lease_minutes=2)
    client.wait_for_session("keep-1", timeout=5)
    with client.keep_alive("keep-1", step_minutes=2, margin_minutes=1, max_total_minutes=6, check_interval=0.02) as keeper:
        assert isinstance(keeper, rr.LeaseKeeper)
        assert wait_until(lambda: keeper.extensions == 2, timeout=3), keeper.extensions
        # Once the keeper has read the session within the margin of the capped lease (where it
        # would extend again without the cap), there are still two extensions.
        assert wait_until(lambda: (keeper.latest is not None and (keeper.latest.elapsed_minutes or 0) >= 5), timeout=3)
        time.sleep(0.01)
        assert keeper.extensions == 2
        assert keeper.latest.lease_minutes == 6
        assert not keeper.is_finished
    assert client.get_session("keep-1").lease_minutes == 6
    assert client.get_session("keep-1").status == STOPPED
    assert emu.requests("update_session") == 2


def test_keep_alive_detach_leaves_the_session_running(quick, qclient):
    qclient.start_session("keep-detach", lease_minutes=30)
    qclient.wait_for_session("keep-detach", timeout=5)
    keeper = qclient.keep_alive("keep-detach", check_interval=0.02)
    assert wait_until(lambda: keeper.latest is not None)
    keeper.detach()
    assert qclient.get_session("keep-detach").status == READY
    keeper.close()  # nothing left to stop
    assert qclient.get_session("keep-detach").status == READY


def test_keep_alive_notices_the_end(quick, qclient):
    qclient.start_session("keep-end", lease_minutes=30)
    qclient.wait_for_session("keep-end", timeout=5)
    with qclient.keep_alive("keep-end", check_interval=0.02) as keeper:
        qclient.stop_session("keep-end")
        assert wait_until(lambda: keeper.is_finished)
        assert keeper.latest.status == STOPPED


def test_async_keep_alive(make_emulator):
    emu = make_emulator(time_scale=600, startup_delay=0)

    async def main():
        client = aio.RemoteRenderingClient(**emu.client_options(), poll_interval=POLL)
        await client.start_session("akeep-1", lease_minutes=2)
        await client.wait_for_session("akeep-1", timeout=5)
        async with client.keep_alive("akeep-1", step_minutes=2, margin_minutes=1, max_total_minutes=4, check_interval=0.02) as keeper:
            deadline = time.monotonic() + 3
            while keeper.extensions < 1 and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
            assert keeper.extensions == 1
        s = await client.get_session("akeep-1")
        assert s.lease_minutes == 4 and s.status == STOPPED

    asyncio.run(main())
