"""The lease keeper's budget (``budget`` counted at ``cost_rates``): never extended past it, the
session stopped when the next step would pass it, bad values refused naming the field. The same
guard as the core's, on the emulator's fast clock."""

from __future__ import annotations

import asyncio
import time
from typing import Callable

import pytest

import remote_rendering as rr
from remote_rendering import aio

POLL = 0.02
STOPPED = rr.SessionStatus.STOPPED
# 6 an hour: 0.10 a minute.
RATES = rr.CostRates(standard_per_hour=6.0)


def wait_until(cond: Callable[[], bool], timeout: float = 5.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.01)
    return cond()


def test_the_keeper_stops_the_session_when_the_next_extension_would_pass_the_budget(make_emulator):
    # 600x: a minute is 0.1 s. Lease 2 (0.20), steps of 2: 4 (0.40) fits 0.45, 6 (0.60) does not.
    emu = make_emulator(time_scale=600, startup_delay=0)
    client = emu.client(poll_interval=POLL)
    client.start_session("budget-1", lease_minutes=2)
    client.wait_for_session("budget-1", timeout=5)
    with client.keep_alive(
        "budget-1", step_minutes=2, margin_minutes=1, max_total_minutes=20, check_interval=0.02,
        budget=0.45, cost_rates=RATES,
    ) as keeper:
        assert wait_until(lambda: keeper.is_finished, timeout=5)
        assert keeper.stopped_by_budget
        assert keeper.extensions == 1
    s = client.get_session("budget-1")
    assert s.status == STOPPED
    assert s.lease_minutes == 4
    assert emu.requests("update_session") == 1


def test_without_a_budget_the_keeper_is_not_stopped_by_one(make_emulator):
    emu = make_emulator(time_scale=600, startup_delay=0)
    client = emu.client(poll_interval=POLL)
    client.start_session("budget-none", lease_minutes=2)
    client.wait_for_session("budget-none", timeout=5)
    with client.keep_alive("budget-none", step_minutes=2, margin_minutes=1, max_total_minutes=4, check_interval=0.02) as keeper:
        assert wait_until(lambda: keeper.is_finished, timeout=5)
        assert not keeper.stopped_by_budget
        assert keeper.extensions == 1


@pytest.mark.parametrize(
    "kwargs, field",
    [
        (dict(budget=5.0), "lease.cost_rates"),
        (dict(budget=-1.0, cost_rates=RATES), "lease.budget"),
        (dict(budget=float("nan"), cost_rates=RATES), "lease.budget"),
        (dict(cost_rates=rr.CostRates(premium_per_hour=-3.0)), "lease.cost_rates.premium_per_hour"),
    ],
)
def test_bad_budgets_and_rates_are_refused_naming_the_field(emu, client, kwargs, field):
    with pytest.raises(rr.InvalidInputError) as e:
        client.keep_alive("any-session", **kwargs)
    assert e.value.field == field
    assert emu.requests("sts") == 0


def test_the_session_context_refuses_a_first_lease_over_the_budget(emu, client):
    # 30 minutes at 6 an hour cost 3.00.
    with pytest.raises(rr.InvalidInputError) as e:
        with client.open_session(lease_minutes=30, budget=2.5, cost_rates=RATES):
            pass
    assert e.value.field == "lease.budget"
    assert "3.00" in str(e.value)
    assert emu.requests("create_session") == 0


def test_async_keep_alive_with_a_budget(make_emulator):
    emu = make_emulator(time_scale=600, startup_delay=0)

    async def main() -> None:
        client = aio.RemoteRenderingClient(**emu.client_options(), poll_interval=POLL)
        await client.start_session("budget-async", lease_minutes=2)
        await client.wait_for_session("budget-async", timeout=5)
        async with client.keep_alive(
            "budget-async", step_minutes=2, margin_minutes=1, check_interval=0.02, budget=0.45, cost_rates=RATES
        ) as keeper:
            for _ in range(500):
                if keeper.is_finished:
                    break
                await asyncio.sleep(0.01)
            assert keeper.stopped_by_budget
        assert (await client.get_session("budget-async")).status == STOPPED

    asyncio.run(main())
