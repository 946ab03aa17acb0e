"""What a notebook meets: models and managed sessions render as a small HTML table (escaped,
never a secret), and the embedded emulator hands out an asyncio client as directly as a
blocking one."""

from __future__ import annotations

import asyncio
import datetime as dt

import remote_rendering as rr
from remote_rendering import aio
from conftest import STARTUP_DELAY, sas_settings


def test_a_session_renders_as_an_escaped_table():
    s = rr.Session(
        id="nb-1",
        status=rr.SessionStatus.READY,
        size=rr.SessionSize.STANDARD,
        lease_minutes=30,
        hostname="<script>alert(1)</script>.example",
        created_on=dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc),
        error=rr.ErrorDetails(code="E", message="a & b", details=(rr.ErrorDetails(code="Inner", message="m"),)),
    )
    page = s._repr_html_()
    assert page.startswith("<table><caption>Session</caption>")
    assert "<th style=\"text-align:left\">lease_minutes</th><td style=\"text-align:left\">30</td>" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;.example" in page and "<script>" not in page
    assert "a &amp; b" in page and "error.details[0].code" in page
    assert "2026-01-02T03:04:05+00:00" in page
    assert "elapsed_minutes" not in page  # unset values are left out: a small table


def test_a_conversion_table_never_shows_a_sas():
    c = rr.Conversion(id="nb-conv", status=rr.ConversionStatus.RUNNING, settings=sas_settings())
    page = c._repr_html_()
    assert "settings.input_location.storage_container_uri" in page
    assert "INPUTSECRET" not in page and "OUTPUTSECRET" not in page and "sig=" not in page


def test_the_emulator_hands_out_an_asyncio_client(emu):
    aclient = emu.aio_client(poll_interval=0.02)
    assert isinstance(aclient, aio.RemoteRenderingClient)
    assert aclient.endpoint == emu.endpoint

    async def main() -> rr.Session:
        await aclient.start_session("nb-aio", lease_minutes=5)
        emu.advance_clock(STARTUP_DELAY + 1)
        async with aclient.open_session("nb-aio-open", lease_minutes=5, keep_alive=False) as managed:
            assert "<caption>Session</caption>" in managed._repr_html_()
        return await aclient.wait_for_session("nb-aio", timeout=5)

    emu_clock_mover = asyncio.new_event_loop()
    try:
        ready = emu_clock_mover.run_until_complete(_with_clock(emu, main()))
    finally:
        emu_clock_mover.close()
    assert ready.status == rr.SessionStatus.READY


async def _with_clock(emu, body):
    # open_session waits for Ready: move the emulated clock while it waits.
    async def tick() -> None:
        while True:
            await asyncio.sleep(0.05)
            emu.advance_clock(STARTUP_DELAY + 1)

    ticker = asyncio.ensure_future(tick())
    try:
        return await body
    finally:
        ticker.cancel()


def test_the_blocking_client_works_inside_a_running_loop(emu):
    # A notebook cell runs inside a loop: the blocking client still works there (it does not
    # start a loop of its own), so no cell ever needs asyncio.run.
    client = emu.client()

    async def cell() -> str:
        return client.start_session("nb-blocking", lease_minutes=5).id

    assert asyncio.run(cell()) == "nb-blocking"
