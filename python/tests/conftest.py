"""Shared fixtures: an in-process emulator (its own free loopback port), sync and asyncio
clients of it, and helpers to get a Ready session without sleeping (the emulated clock is
moved instead)."""

from __future__ import annotations

import itertools
from typing import Any, Callable, Iterator, List

import pytest

import remote_rendering as rr
from remote_rendering import aio
from remote_rendering.emulator import Emulator

STARTUP_DELAY = 60.0
CONVERSION_DURATION = 120.0
POLL = 0.02

_ids = itertools.count(1)


def unique_id(prefix: str = "s") -> str:
    """A fresh, valid resource id (letters, digits, dashes)."""
    return f"{prefix}-{next(_ids)}"


@pytest.fixture
def new_id() -> Callable[..., str]:
    return unique_id


@pytest.fixture
def make_emulator() -> Iterator[Callable[..., Emulator]]:
    """A factory of emulators with other settings; every one is stopped after the test."""
    made: List[Emulator] = []

    def make(**kwargs: Any) -> Emulator:
        kwargs.setdefault("startup_delay", STARTUP_DELAY)
        kwargs.setdefault("conversion_duration", CONVERSION_DURATION)
        e = Emulator(**kwargs)
        made.append(e)
        return e

    yield make
    for e in made:
        e.stop()


@pytest.fixture
def emu() -> Iterator[Emulator]:
    e = Emulator(startup_delay=STARTUP_DELAY, conversion_duration=CONVERSION_DURATION)
    try:
        yield e
    finally:
        e.stop()


@pytest.fixture
def client(emu: Emulator) -> rr.RemoteRenderingClient:
    return emu.client(poll_interval=POLL)


@pytest.fixture
def aclient(emu: Emulator) -> aio.RemoteRenderingClient:
    return aio.RemoteRenderingClient(**emu.client_options(), poll_interval=POLL)


def make_ready(emu: Emulator, client: rr.RemoteRenderingClient, session_id: str, lease_minutes: int = 30) -> rr.Session:
    """Starts a session and moves the emulated clock past the startup delay: it is Ready."""
    client.start_session(session_id, lease_minutes=lease_minutes)
    emu.advance_clock(STARTUP_DELAY + 1)
    s = client.wait_for_session(session_id, timeout=5)
    assert s.status == rr.SessionStatus.READY
    return s


@pytest.fixture
def ready_session(emu: Emulator, client: rr.RemoteRenderingClient) -> Callable[..., rr.Session]:
    """``ready_session()`` or ``ready_session("my-id", lease_minutes=10)``: a Ready session of
    the ``emu`` fixture."""

    def make(session_id: str = "", lease_minutes: int = 30) -> rr.Session:
        return make_ready(emu, client, session_id or unique_id("ready"), lease_minutes)

    return make


def native_session(**fields: Any) -> dict:
    """A session as the native module hands it over: every field of the core's model (the
    core's table), unset ones None."""
    names = next(m["fields"] for m in rr.VOCABULARY["models"] if m["name"] == "Session")
    d = {name: None for name in names}
    d.update({"size": "Standard", **fields})
    return d


def sas_settings(
    input_sas: str = "sv=2020-08-04&ss=b&sig=INPUTSECRET",
    output_sas: str = "sv=2020-08-04&ss=b&sig=OUTPUTSECRET",
    path: str = "models/box.fbx",
) -> rr.ConversionSettings:
    return rr.ConversionSettings(
        input_location=rr.ConversionInputSettings(
            storage_container_uri="https://store.blob.core.windows.net/input",
            relative_input_asset_path=path,
            storage_container_read_list_sas=input_sas,
        ),
        output_location=rr.ConversionOutputSettings(
            storage_container_uri="https://store.blob.core.windows.net/output",
            storage_container_write_sas=output_sas,
        ),
    )


@pytest.fixture
def settings() -> rr.ConversionSettings:
    return sas_settings()


@pytest.fixture(scope="session")
def azurite() -> Iterator[Any]:
    """Azurite (the Azure Storage emulator), started once by the core's launcher on 127.0.0.1 and
    a free port, stopped by PID (its data folder removed) after the suite. Not installed: the
    tests that need it skip, unless REQUIRE_AZURITE=1 (or CI=true), where they fail saying to
    run `make azurite`."""
    import os

    from remote_rendering import _native

    try:
        az = _native._Azurite()
    except RuntimeError as why:
        if os.environ.get("REQUIRE_AZURITE") == "1" or os.environ.get("CI") == "true":
            pytest.fail(f"{why}; required here (REQUIRE_AZURITE=1 or CI=true): run `make azurite`")
        pytest.skip(str(why))
    try:
        yield az
    finally:
        az.stop()
