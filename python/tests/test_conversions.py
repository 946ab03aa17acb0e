"""Conversions, sync and asyncio: start/get/list/wait, Succeeded, Failed and Cancelled; models."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import itertools
import json
import os

import pytest

import remote_rendering as rr
from remote_rendering import aio
from conftest import CONVERSION_DURATION, POLL, sas_settings

SUCCEEDED = rr.ConversionStatus.SUCCEEDED
FAILED = rr.ConversionStatus.FAILED
CANCELLED = rr.ConversionStatus.CANCELLED
NOT_DONE = (rr.ConversionStatus.NOT_STARTED, rr.ConversionStatus.RUNNING)


def put_input(root, path="models/box.fbx"):
    """Uploads the input of ``sas_settings()`` into a storage root."""
    f = os.path.join(root, "store", "input", *path.split("/"))
    os.makedirs(os.path.dirname(f), exist_ok=True)
    with open(f, "w") as out:
        out.write("fbx")


def test_start_get_wait_succeeded(emu, client, settings):
    c = client.start_conversion("conv-1", settings)
    assert isinstance(c, rr.Conversion)
    assert c.id == "conv-1" and c.status in NOT_DONE
    assert c.output_asset_uri is None
    # The service echoes the settings without the SAS, with the default output name.
    assert c.settings.input_location.relative_input_asset_path == "models/box.fbx"
    assert c.settings.input_location.storage_container_read_list_sas is None
    assert c.settings.output_location.output_asset_filename == "box.arrAsset"
    # The same id and settings again return the existing conversion.
    assert client.start_conversion("conv-1", settings).id == "conv-1"

    assert client.get_conversion("conv-1").status in NOT_DONE
    seen = []

    def progress(x):
        seen.append(x.status)
        if len(seen) == 2:
            emu.advance_clock(CONVERSION_DURATION + 1)

    done = client.wait_for_conversion("conv-1", timeout=10, on_progress=progress)
    assert done.status == SUCCEEDED
    assert done.output_asset_uri == "https://store.blob.core.windows.net/output/box.arrAsset"
    assert seen[0] in NOT_DONE and seen[-1] == SUCCEEDED
    assert client.get_conversion("conv-1") == done


def test_list_conversions_every_status(emu, client, settings):
    for i in range(3):
        client.start_conversion(f"lc-{i}", settings)
    emu.cancel_conversion("lc-1")
    got = {c.id: c.status for c in client.list_conversions()}
    assert set(got) == {"lc-0", "lc-1", "lc-2"}
    assert got["lc-1"] == CANCELLED


def test_list_conversions_is_lazy(make_emulator):
    emu = make_emulator(page_size=3)
    client = emu.client(poll_interval=POLL)
    for i in range(8):
        client.start_conversion(f"lazyc-{i}", sas_settings())
    it = client.list_conversions()
    assert len(list(itertools.islice(it, 2))) == 2
    assert emu.requests("list_conversions") == 1
    assert len(list(it)) == 6
    assert emu.requests("list_conversions") == 3


def test_failed_conversion_missing_input(make_emulator, tmp_path):
    emu = make_emulator(storage_root=str(tmp_path))
    client = emu.client(poll_interval=POLL)
    client.start_conversion("missing-1", sas_settings())
    emu.advance_clock(CONVERSION_DURATION + 1)
    with pytest.raises(rr.ConversionFailedError) as info:
        client.wait_for_conversion("missing-1", timeout=10)
    e = info.value
    assert e.code == "CONVERSION_FAILED"
    assert e.conversion.status == FAILED
    assert e.conversion.id == "missing-1"
    assert e.details.code == "InputContainerError"
    assert e.conversion.error.code == "InputContainerError"
    assert e.conversion.output_asset_uri is None
    # get_conversion shows the same failure (it is not an exception to read it).
    assert client.get_conversion("missing-1").status == FAILED


def test_storage_root_success_writes_output(make_emulator, tmp_path):
    emu = make_emulator(storage_root=str(tmp_path))
    put_input(str(tmp_path))
    client = emu.client(poll_interval=POLL)
    client.start_conversion("present-1", sas_settings())
    emu.advance_clock(CONVERSION_DURATION + 1)
    done = client.wait_for_conversion("present-1", timeout=10)
    assert done.status == SUCCEEDED
    assert (tmp_path / "store" / "output" / "box.arrAsset").is_file()


def test_cancelled_conversion(emu, client, settings):
    client.start_conversion("cancel-1", settings)
    emu.cancel_conversion("cancel-1")
    with pytest.raises(rr.ConversionFailedError) as info:
        client.wait_for_conversion("cancel-1", timeout=10)
    assert info.value.conversion.status == CANCELLED
    assert client.get_conversion("cancel-1").status == CANCELLED


def test_injected_conversion_failure(emu, client, settings):
    client.start_conversion("fail-1", settings)
    emu.fail_conversion("fail-1", "ConversionProcessFailed", "broken mesh")
    with pytest.raises(rr.ConversionFailedError) as info:
        client.wait_for_conversion("fail-1", timeout=10)
    assert info.value.conversion.status == FAILED
    assert info.value.details.code == "ConversionProcessFailed"
    assert info.value.conversion.error.message == "broken mesh"


def test_conversion_wait_timeout(emu, client, settings):
    client.start_conversion("slow-1", settings)
    with pytest.raises(rr.WaitTimeoutError) as info:
        client.wait_for_conversion("slow-1", timeout=0.1)
    assert info.value.conversion.id == "slow-1"
    assert info.value.conversion.status in NOT_DONE


# Asyncio


def test_async_conversions(emu, aclient, settings):
    async def main():
        c = await aclient.start_conversion("aconv-1", settings)
        assert c.status in NOT_DONE
        assert (await aclient.get_conversion("aconv-1")).status in NOT_DONE
        seen = []

        def progress(x):
            seen.append(x.status)
            if len(seen) == 1:
                emu.advance_clock(CONVERSION_DURATION + 1)

        done = await aclient.wait_for_conversion("aconv-1", timeout=10, on_progress=progress)
        assert done.status == SUCCEEDED and done.output_asset_uri
        assert seen[-1] == SUCCEEDED
        await aclient.start_conversion("aconv-2", settings)
        assert sorted([x.id async for x in aclient.list_conversions()]) == ["aconv-1", "aconv-2"]

    asyncio.run(main())


def test_async_failed_and_cancelled(make_emulator, tmp_path):
    emu = make_emulator(storage_root=str(tmp_path))

    async def main():
        client = aio.RemoteRenderingClient(**emu.client_options(), poll_interval=POLL)
        await client.start_conversion("afail-1", sas_settings())
        await client.start_conversion("acancel-1", sas_settings())
        emu.cancel_conversion("acancel-1")
        emu.advance_clock(CONVERSION_DURATION + 1)
        with pytest.raises(rr.ConversionFailedError) as failed:
            await client.wait_for_conversion("afail-1", timeout=10)
        assert failed.value.conversion.status == FAILED
        assert failed.value.details.code == "InputContainerError"
        with pytest.raises(rr.ConversionFailedError) as cancelled:
            await client.wait_for_conversion("acancel-1", timeout=10)
        assert cancelled.value.conversion.status == CANCELLED

    asyncio.run(main())


# Models


def test_conversion_model(emu, client, settings):
    c = client.start_conversion("cm-1", settings)
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.status = SUCCEEDED  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.input_location = settings.output_location  # type: ignore[misc]
    assert isinstance(c.created_on, dt.datetime)
    assert c.created_on.utcoffset() == dt.timedelta(0)
    d = c.to_dict()
    parsed = json.loads(json.dumps(d))
    assert parsed["status"] in ("NotStarted", "Running")
    assert parsed["settings"]["input_location"]["relative_input_asset_path"] == "models/box.fbx"
    assert "storage_container_read_list_sas" not in parsed["settings"]["input_location"]
    assert client.get_conversion("cm-1").settings == c.settings


def test_settings_repr_and_dict_hide_the_sas():
    s = sas_settings(input_sas="sig=VERY-SECRET-IN", output_sas="sig=VERY-SECRET-OUT")
    for text in (repr(s), str(s), repr(s.input_location), str(s.input_location), repr(s.output_location),
                 json.dumps(s.to_dict())):
        assert "VERY-SECRET" not in text
    # The SAS is kept for sending, and does not take part in comparisons.
    assert s.input_location.storage_container_read_list_sas == "sig=VERY-SECRET-IN"
    assert s == sas_settings(input_sas="other", output_sas="other")
    assert s._to_native()["input_location"]["storage_container_read_list_sas"] == "sig=VERY-SECRET-IN"


def test_conversion_settings_type_checked(client):
    with pytest.raises(TypeError):
        client.start_conversion("bad-settings", {"inputLocation": {}})  # type: ignore[arg-type]
