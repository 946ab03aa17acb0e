"""Sessions, sync and asyncio: start/get/update/stop/list, waits (one and a fleet), models."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import itertools
import json

import pytest

import remote_rendering as rr
from remote_rendering import aio
from conftest import POLL, STARTUP_DELAY, native_session

READY = rr.SessionStatus.READY
STARTING = rr.SessionStatus.STARTING
STOPPED = rr.SessionStatus.STOPPED


# Sync


def test_start_get_update_stop(emu, client):
    s = client.start_session("life-1", size=rr.SessionSize.STANDARD, lease_minutes=10)
    assert isinstance(s, rr.Session)
    assert (s.id, s.status, s.size, s.lease_minutes) == ("life-1", STARTING, rr.SessionSize.STANDARD, 10)

    # Starting again with the same settings returns the existing session.
    again = client.start_session("life-1", lease_minutes=10)
    assert again.id == "life-1" and again.status == STARTING

    assert client.get_session("life-1").status == STARTING
    emu.advance_clock(STARTUP_DELAY + 1)
    ready = client.get_session("life-1")
    assert ready.status == READY
    assert ready.hostname and ready.handshake_port and ready.arr_inspector_port

    updated = client.update_session("life-1", 20)
    assert updated.lease_minutes == 20
    assert client.get_session("life-1").lease_minutes == 20
    # Setting the lease it already has is fine.
    assert client.update_session("life-1", 20).lease_minutes == 20

    assert client.stop_session("life-1") is None
    assert client.get_session("life-1").status == STOPPED
    # Stopping an ended session leaves it as it is.
    client.stop_session("life-1")
    assert client.get_session("life-1").status == STOPPED


def test_premium_size_as_text(client):
    s = client.start_session("big-1", size="Premium", lease_minutes=5)
    assert s.size == rr.SessionSize.PREMIUM


def test_list_sessions_only_running(emu, client):
    for i in range(3):
        client.start_session(f"ls-{i}", lease_minutes=10)
    client.stop_session("ls-1")
    ids = sorted(s.id for s in client.list_sessions())
    assert ids == ["ls-0", "ls-2"]
    assert all(isinstance(s, rr.Session) for s in client.list_sessions())


def test_list_sessions_is_lazy(make_emulator):
    emu = make_emulator(page_size=3)
    client = emu.client(poll_interval=POLL)
    for i in range(8):
        client.start_session(f"lazy-{i}", lease_minutes=10)
    assert emu.requests("list_sessions") == 0
    it = client.list_sessions()
    assert emu.requests("list_sessions") == 0  # nothing read before iterating
    first_two = list(itertools.islice(it, 2))
    assert len(first_two) == 2
    assert emu.requests("list_sessions") == 1
    # The rest of the first page costs nothing; the remaining pages are read as needed.
    rest = list(it)
    assert len(first_two) + len(rest) == 8
    assert emu.requests("list_sessions") == 1 + 2  # pages of 3: 3 + 3 + 2
    assert sorted(s.id for s in first_two + rest) == sorted(f"lazy-{i}" for i in range(8))


def test_wait_for_session_reports_progress(emu, client):
    client.start_session("wait-1", lease_minutes=10)
    seen = []

    def progress(s):
        seen.append(s.status)
        if len(seen) == 3:
            emu.advance_clock(STARTUP_DELAY + 1)

    ready = client.wait_for_session("wait-1", timeout=10, on_progress=progress)
    assert ready.status == READY
    assert seen[:3] == [STARTING] * 3
    assert seen[-1] == READY
    assert all(isinstance(x, rr.SessionStatus) for x in seen)


def test_wait_for_sessions_fleet(emu, client):
    ids = ["fleet-a", "fleet-b", "fleet-c"]
    for i in ids:
        client.start_session(i, lease_minutes=10)
    emu.fail_session("fleet-b")
    emu.advance_clock(STARTUP_DELAY + 1)
    before = emu.requests("get_session")
    results = client.wait_for_sessions(ids, timeout=10)
    assert len(results) == 3
    assert isinstance(results[0], rr.Session) and results[0].id == "fleet-a" and results[0].status == READY
    assert isinstance(results[1], rr.SessionFailedError)
    assert results[1].session.id == "fleet-b"
    assert results[1].session.status == rr.SessionStatus.ERROR
    assert isinstance(results[2], rr.Session) and results[2].id == "fleet-c" and results[2].status == READY
    # A fleet is waited on with the list, not one GET per session: only the session missing
    # from the list (it ended) is read alone.
    assert emu.requests("get_session") == before + 1
    assert emu.requests("list_sessions") >= 1


def test_wait_for_sessions_progress(emu, client):
    ids = ["fp-1", "fp-2"]
    for i in ids:
        client.start_session(i, lease_minutes=10)
    seen = []

    def progress(s):
        seen.append((s.id, s.status))
        if len(seen) == 4:
            emu.advance_clock(STARTUP_DELAY + 1)

    results = client.wait_for_sessions(ids, timeout=10, on_progress=progress)
    assert [r.status for r in results] == [READY, READY]
    assert {i for i, _ in seen} == set(ids)
    assert (ids[0], STARTING) in seen and (ids[0], READY) in seen


def test_ready_session_fixture(ready_session):
    s = ready_session("fixture-1", lease_minutes=15)
    assert s.status == READY and s.lease_minutes == 15


# Asyncio


def test_async_start_get_update_stop(emu, aclient):
    async def main():
        s = await aclient.start_session("alife-1", lease_minutes=10)
        assert (s.id, s.status, s.lease_minutes) == ("alife-1", STARTING, 10)
        assert (await aclient.get_session("alife-1")).status == STARTING
        emu.advance_clock(STARTUP_DELAY + 1)
        assert (await aclient.get_session("alife-1")).status == READY
        assert (await aclient.update_session("alife-1", 25)).lease_minutes == 25
        assert await aclient.stop_session("alife-1") is None
        assert (await aclient.get_session("alife-1")).status == STOPPED

    asyncio.run(main())


def test_async_list_sessions_is_lazy(make_emulator):
    emu = make_emulator(page_size=3)
    sync = emu.client(poll_interval=POLL)
    for i in range(8):
        sync.start_session(f"alazy-{i}", lease_minutes=10)

    async def main():
        client = aio.RemoteRenderingClient(**emu.client_options(), poll_interval=POLL)
        it = client.list_sessions()
        got = [await it.__anext__(), await it.__anext__()]
        assert emu.requests("list_sessions") == 1
        async for s in it:
            got.append(s)
        assert sorted(s.id for s in got) == sorted(f"alazy-{i}" for i in range(8))
        assert emu.requests("list_sessions") == 3
        # A fresh iteration starts from the first page again.
        assert len([s async for s in client.list_sessions()]) == 8

    asyncio.run(main())


def test_async_wait_for_session_progress(emu, aclient):
    async def main():
        await aclient.start_session("await-1", lease_minutes=10)
        seen = []

        def progress(s):
            seen.append(s.status)
            if len(seen) == 2:
                emu.advance_clock(STARTUP_DELAY + 1)

        ready = await aclient.wait_for_session("await-1", timeout=10, on_progress=progress)
        assert ready.status == READY
        assert seen[0] == STARTING and seen[-1] == READY

    asyncio.run(main())


def test_async_wait_for_sessions_fleet(emu, aclient):
    async def main():
        ids = ["afleet-a", "afleet-b", "afleet-c"]
        for i in ids:
            await aclient.start_session(i, lease_minutes=10)
        emu.advance_clock(STARTUP_DELAY + 1)
        await aclient.stop_session("afleet-a")
        results = await aclient.wait_for_sessions(ids, timeout=10)
        assert isinstance(results[0], rr.SessionFailedError)
        assert results[0].session.status == STOPPED
        assert [r.id for r in results[1:]] == ids[1:]
        assert all(isinstance(r, rr.Session) and r.status == READY for r in results[1:])

    asyncio.run(main())


def test_async_wait_timeout(emu, aclient):
    async def main():
        await aclient.start_session("atimeout-1", lease_minutes=10)
        with pytest.raises(rr.WaitTimeoutError) as info:
            await aclient.wait_for_session("atimeout-1", timeout=0.1)
        assert info.value.session.status == STARTING

    asyncio.run(main())


def test_many_concurrent_async_calls(emu, aclient):
    async def main():
        await asyncio.gather(*(aclient.start_session(f"agather-{i}", lease_minutes=5) for i in range(10)))
        got = await asyncio.gather(*(aclient.get_session(f"agather-{i}") for i in range(10)))
        assert [s.id for s in got] == [f"agather-{i}" for i in range(10)]

    asyncio.run(main())


# Models


def test_session_model_is_frozen_comparable_and_serialisable(emu, client, ready_session):
    s = ready_session("model-1")
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.status = STOPPED  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.lease_minutes = 99  # type: ignore[misc]
    assert client.get_session("model-1") == s
    assert client.get_session("model-1") != client.start_session("model-2")
    d = s.to_dict()
    text = json.dumps(d)
    assert json.loads(text)["status"] == "Ready"
    assert d["id"] == "model-1" and d["size"] == "Standard"
    assert isinstance(s.created_on, dt.datetime)
    assert s.created_on.tzinfo is not None
    assert s.created_on.utcoffset() == dt.timedelta(0)
    assert hash(s) == hash(client.get_session("model-1"))


def test_failed_session_to_dict_includes_error(emu, client):
    client.start_session("model-err", lease_minutes=5)
    emu.fail_session("model-err", "BadThing", "it broke")
    s = client.get_session("model-err")
    assert s.status == rr.SessionStatus.ERROR
    assert s.error == rr.ErrorDetails(code="BadThing", message="it broke")
    d = json.loads(json.dumps(s.to_dict()))
    assert d["error"]["code"] == "BadThing"


def test_enums_are_str():
    assert rr.SessionStatus.READY == "Ready"
    assert isinstance(rr.SessionStatus.READY, str)
    assert str(rr.SessionStatus.READY) == "Ready"
    assert rr.SessionSize.PREMIUM == "Premium"
    assert rr.ConversionStatus.SUCCEEDED == "Succeeded"
    assert json.dumps({"s": rr.SessionStatus.READY}) == '{"s": "Ready"}'
    assert rr.SessionStatus("ready") is rr.SessionStatus.READY
    assert rr.SessionStatus.STOPPED.is_terminal and not rr.SessionStatus.READY.is_terminal


def test_unknown_enum_values_are_kept():
    h = rr.SessionStatus("Hibernating")
    assert h.value == "Hibernating"
    assert h == "Hibernating"
    assert isinstance(h, rr.SessionStatus)
    assert not h.is_known
    assert not h.is_terminal
    assert rr.SessionSize("Huge").value == "Huge"
    assert rr.ConversionStatus("Paused").value == "Paused"
    s = rr.Session._from_native(native_session(id="x", status="Hibernating", size="Mega"))
    assert s.status.value == "Hibernating" and s.size.value == "Mega"
    assert json.loads(json.dumps(s.to_dict()))["status"] == "Hibernating"
