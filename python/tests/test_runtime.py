"""The native runtime under Python: Ctrl-C during a blocking wait, asyncio cancellation, the
GIL released while blocking, one client shared by threads, and a client used after fork."""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

import remote_rendering as rr
from conftest import POLL, make_ready

# Run from a background job, a process starts with SIGINT ignored and Python installs no
# KeyboardInterrupt handler: the child scripts restore the one every interactive program has.
RESTORE_SIGINT = "import signal\nsignal.signal(signal.SIGINT, signal.default_int_handler)\n"

CTRL_C_SCRIPT = RESTORE_SIGINT + textwrap.dedent(
    """
    import sys
    from remote_rendering.emulator import Emulator

    emu = Emulator(startup_delay=3600)
    client = emu.client(poll_interval=0.05)
    client.start_session("never-ready", lease_minutes=5)
    print("waiting", flush=True)
    client.wait_for_session("never-ready", timeout=60)
    print("returned", flush=True)
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT is delivered differently on Windows")
def test_ctrl_c_interrupts_a_blocking_wait():
    proc = subprocess.Popen(
        [sys.executable, "-c", CTRL_C_SCRIPT],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        assert line.strip() == "waiting", proc.stderr.read()
        time.sleep(0.3)  # well inside wait_for_session
        assert proc.poll() is None, "the wait ended by itself"
        proc.send_signal(signal.SIGINT)
        sent = time.monotonic()
        out, err = proc.communicate(timeout=10)
        elapsed = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert elapsed < 2.0, f"took {elapsed:.2f}s after SIGINT"
    assert proc.returncode != 0
    assert "KeyboardInterrupt" in err
    assert "returned" not in out


def test_cancelling_an_asyncio_wait(emu, aclient):
    async def main():
        await aclient.start_session("acancel-1", lease_minutes=5)
        task = asyncio.create_task(aclient.wait_for_session("acancel-1", timeout=60))
        await asyncio.sleep(0.2)
        assert not task.done()
        assert emu.requests("get_session") >= 2  # it is polling
        started = time.monotonic()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert time.monotonic() - started < 1.0
        assert task.cancelled()
        await asyncio.sleep(0.1)  # let a request that was already on the wire land
        before = emu.requests("get_session")
        await asyncio.sleep(0.3)  # 15 poll intervals
        assert emu.requests("get_session") == before

    asyncio.run(main())


def test_wait_for_with_timeout_cancels_the_rust_task(emu, aclient):
    async def main():
        await aclient.start_session("awaitfor-1", lease_minutes=5)
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(aclient.wait_for_session("awaitfor-1"), 0.2)
        await asyncio.sleep(0.1)
        before = emu.requests("get_session")
        await asyncio.sleep(0.3)
        assert emu.requests("get_session") == before

    asyncio.run(main())


def test_the_gil_is_released_while_blocking(client):
    client.start_session("gil-1", lease_minutes=5)
    ticks = 0
    stop = threading.Event()

    def tick():
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            time.sleep(0.001)

    t = threading.Thread(target=tick, daemon=True)
    t.start()
    try:
        time.sleep(0.05)
        before = ticks
        started = time.monotonic()
        with pytest.raises(rr.WaitTimeoutError):
            client.wait_for_session("gil-1", timeout=0.5)
        waited = time.monotonic() - started
        during = ticks - before
    finally:
        stop.set()
        t.join()
    assert 0.45 <= waited < 2.0
    # The other thread ran all along (about 1 tick per ms when it can run).
    assert during >= 50, during


def test_one_client_shared_by_threads(emu, client):
    def work(worker: int) -> int:
        done = 0
        for i in range(20):
            sid = f"thread-{worker}-{i}"
            assert client.start_session(sid, lease_minutes=5).id == sid
            assert client.get_session(sid).id == sid
            if i % 5 == 0:
                assert any(s.id == sid for s in client.list_sessions())
            done += 1
        return done

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(work, range(8)))
    assert results == [20] * 8
    assert len(list(client.list_sessions())) == 160
    assert emu.requests("create_session") == 160
    assert emu.requests("sts") == 1  # one token shared by every thread


def test_one_async_client_in_threads_each_with_its_loop(emu, aclient):
    async def work(worker: int) -> None:
        for i in range(5):
            sid = f"athread-{worker}-{i}"
            await aclient.start_session(sid, lease_minutes=5)
            assert (await aclient.get_session(sid)).id == sid

    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda w: asyncio.run(work(w)), range(4)))
    assert emu.requests("create_session") == 20


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork on this platform")
def test_client_used_after_fork(emu, client):
    make_ready(emu, client, "fork-1")
    assert client.get_session("fork-1").status == rr.SessionStatus.READY
    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        ok = False
        try:
            s = client.get_session("fork-1")
            client.start_session("fork-child", lease_minutes=5)
            ok = s.status == rr.SessionStatus.READY and len(list(client.list_sessions())) == 2
        except BaseException:  # noqa: BLE001
            ok = False
        finally:
            os._exit(0 if ok else 1)
    deadline = time.monotonic() + 20
    status = None
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.02)
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        pytest.fail("the forked child hung")
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    # The parent's client still works, and sees what the child did.
    assert client.get_session("fork-child").id == "fork-child"


def test_blocking_call_from_a_thread_with_poll_interval(client):
    """check_signals off the main thread is harmless: waits work from worker threads."""
    client.start_session("thread-wait-1", lease_minutes=5)
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        fut = pool.submit(client.wait_for_session, "thread-wait-1", timeout=0.3, poll_interval=POLL)
        with pytest.raises(rr.WaitTimeoutError):
            fut.result(timeout=5)


CTRL_C_OPEN_SCRIPT = RESTORE_SIGINT + textwrap.dedent(
    """
    from remote_rendering.emulator import Emulator

    emu = Emulator(startup_delay=3600)
    client = emu.client(poll_interval=0.05)
    print("waiting", flush=True)
    try:
        with client.open_session(session_id="ctrl-c-open", lease_minutes=5, timeout=60):
            print("entered", flush=True)
    except KeyboardInterrupt:
        print("status", client.get_session("ctrl-c-open").status.value, flush=True)
        raise
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT is delivered differently on Windows")
def test_ctrl_c_while_opening_a_session_stops_it():
    proc = subprocess.Popen(
        [sys.executable, "-c", CTRL_C_OPEN_SCRIPT], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout.readline().strip() == "waiting"
        time.sleep(0.4)
        assert proc.poll() is None
        proc.send_signal(signal.SIGINT)
        sent = time.monotonic()
        out, err = proc.communicate(timeout=10)
        elapsed = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert elapsed < 2.0
    assert proc.returncode != 0 and "KeyboardInterrupt" in err
    assert "entered" not in out
    assert "status Stopped" in out


def test_sync_call_inside_a_progress_callback(emu, client):
    client.start_session("nested-a", lease_minutes=5)
    client.start_session("nested-b", lease_minutes=5)
    seen = []

    def progress(s):
        seen.append(client.get_session("nested-b").status)
        emu.advance_clock(61)

    try:
        client.wait_for_session("nested-a", timeout=5, on_progress=progress)
        outcome = None
    except BaseException as e:  # noqa: BLE001 - PanicException is a BaseException
        outcome = e
    assert outcome is None, f"{type(outcome).__module__}.{type(outcome).__name__}: {str(outcome)[:120]}"
    assert seen and seen[0] == rr.SessionStatus.STARTING


def test_async_progress_callback_runs_on_the_loop_thread(emu, aclient):
    async def main():
        await aclient.start_session("athread-cb", lease_minutes=5)
        loop = asyncio.get_running_loop()
        where = []

        def progress(s):
            where.append(threading.get_ident())
            emu.advance_clock(61)

        await aclient.wait_for_session("athread-cb", timeout=5, on_progress=progress)
        assert where and set(where) == {threading.get_ident()}, "on_progress ran off the event loop thread"
        assert loop.is_running()

    asyncio.run(main())


def test_asyncio_results_cross_on_every_loop_a_thread_runs(emu, aclient):
    # Completions reach a loop through a socket it watches: loops taking turns on one thread,
    # many calls finishing together, and a loop that cannot watch a socket (no add_reader)
    # each get every result.
    async def gets(tag: str, n: int) -> None:
        await aclient.start_session(tag, lease_minutes=5)
        got = await asyncio.gather(*(aclient.get_session(tag) for _ in range(n)))
        assert [s.id for s in got] == [tag] * n

    first, second = asyncio.new_event_loop(), asyncio.new_event_loop()
    try:
        first.run_until_complete(gets("turns-a", 40))
        second.run_until_complete(gets("turns-b", 3))
        first.run_until_complete(gets("turns-c", 3))
    finally:
        first.close()
        second.close()

    class NoReaders(asyncio.SelectorEventLoop):
        def add_reader(self, *args: object) -> None:
            raise NotImplementedError

    plain = NoReaders()
    try:
        plain.run_until_complete(gets("no-readers", 5))
    finally:
        plain.close()


def test_a_task_resumes_in_its_context_as_its_result_arrives(emu, aclient):
    # The future's completion runs the awaiting task's wake-up itself (not one loop iteration
    # later), in the task's context; errors, cancellation and other done-callbacks are as
    # with any asyncio future. With and without add_reader.
    import contextvars

    var: "contextvars.ContextVar[str]" = contextvars.ContextVar("var", default="unset")

    async def one(tag: str) -> str:
        var.set(tag)
        s = await aclient.get_session("resume")
        assert var.get() == tag
        return s.id

    async def body() -> None:
        await aclient.start_session("resume", lease_minutes=5)
        assert await asyncio.gather(*(one(f"t{i}") for i in range(8))) == ["resume"] * 8
        assert var.get() == "unset"
        with pytest.raises(rr.NotFoundError):
            await aclient.get_session("resume-none")
        seen = []
        fut = aclient._native.get_session("resume", asyncio.get_running_loop())
        fut.add_done_callback(lambda f: seen.append(f.result().get("id")))
        assert (await fut)["id"] == "resume"
        await asyncio.sleep(0)
        assert seen == ["resume"]
        await aclient.start_session("resume-wait", lease_minutes=5)  # Starting until the clock moves
        task = asyncio.ensure_future(aclient.wait_for_session("resume-wait", timeout=30))
        await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    class NoReaders(asyncio.SelectorEventLoop):
        def add_reader(self, *args: object) -> None:
            raise NotImplementedError

    for make in (asyncio.new_event_loop, NoReaders):
        loop = make()
        try:
            loop.run_until_complete(body())
        finally:
            loop.close()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork on this platform")
def test_async_client_used_after_fork(emu, aclient):
    asyncio.run(aclient.start_session("afork-1", lease_minutes=5))  # the parent's loop is watched
    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        ok = False
        try:
            ok = asyncio.run(aclient.get_session("afork-1")).id == "afork-1"
        except BaseException:  # noqa: BLE001
            ok = False
        finally:
            os._exit(0 if ok else 1)
    deadline = time.monotonic() + 20
    status = None
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.02)
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        pytest.fail("the forked child hung")
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    assert asyncio.run(aclient.get_session("afork-1")).id == "afork-1"
