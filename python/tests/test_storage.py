"""Conversions on blob storage against Azurite and the embedded emulator (``blob_storage``):
uploads with progress, SAS tokens of least privilege, preflight, conversions reading and
writing blobs, reports of failed uploads and conversions, secrets kept out of every output,
and bad input refused by name before anything is sent. Both forms of the storage objects
(blocking and asyncio) are exercised."""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import pickle
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Iterator, List

import pytest

import remote_rendering as rr
from remote_rendering import _native, aio
from remote_rendering._vocabulary import constant

_names = itertools.count(1)
GLTF = (
    '{"asset":{"version":"2.0"},"buffers":[{"uri":"scene.bin","byteLength":1024}],'
    '"images":[{"uri":"textures/wood%20dark.png"}]}'
)


def model_dir(root: Path) -> Path:
    """A glTF model: the .gltf, its buffer and a texture in a subfolder."""
    (root / "textures").mkdir(parents=True)
    (root / "scene.gltf").write_text(GLTF)
    (root / "scene.bin").write_bytes(b"\x07" * 1024)
    (root / "textures" / "wood dark.png").write_bytes(b"\x01" * 300)
    return root


MODEL_BLOBS = ["scene.bin", "scene.gltf", "textures/wood dark.png"]
MODEL_BYTES = 1024 + 300 + len(GLTF)


class Storage:
    """Azurite's account, fresh input and output containers, a model folder, and settings."""

    def __init__(self, az: Any, root: Path) -> None:
        self.az = az
        self.account = rr.StorageAccount(az.ACCOUNT, az.KEY, az.blob_endpoint)
        n = next(_names)
        self.input_name, self.output_name = f"input-{n}", f"output-{n}"
        assert self.account.create_container(self.input_name) is True
        assert self.account.create_container(self.output_name) is True
        self.model = model_dir(root / "model")

    @property
    def input(self) -> rr.BlobContainer:
        return self.account.container(self.input_name)

    @property
    def output(self) -> rr.BlobContainer:
        return self.account.container(self.output_name)

    def upload(self, skip: List[str] = ()) -> rr.UploadReport:  # type: ignore[assignment]
        for s in skip:
            (self.model / s).unlink()
        return self.input.upload(self.model, "model")

    def settings(self, input_sas: Any = "", output_sas: Any = "") -> rr.ConversionSettings:
        a = self.account
        return rr.ConversionSettings(
            input_location=rr.ConversionInputSettings(
                storage_container_uri=a.container_uri(self.input_name),
                relative_input_asset_path="scene.gltf",
                blob_prefix="model",
                storage_container_read_list_sas=a.input_sas(self.input_name) if input_sas == "" else input_sas,
            ),
            output_location=rr.ConversionOutputSettings(
                storage_container_uri=a.container_uri(self.output_name),
                blob_prefix="converted",
                storage_container_write_sas=a.output_sas(self.output_name) if output_sas == "" else output_sas,
            ),
        )


@pytest.fixture
def storage(azurite: Any, tmp_path: Path) -> Storage:
    return Storage(azurite, tmp_path)


@pytest.fixture
def blob_emu(make_emulator: Any) -> Any:
    """The embedded emulator with conversions on blob storage (a conversion takes 0.2 s)."""
    return make_emulator(blob_storage=True, conversion_duration=0.2)


def run(client: rr.RemoteRenderingClient, conversion_id: str, settings: rr.ConversionSettings, output: Any) -> rr.Conversion:
    client.start_conversion(conversion_id, settings)
    return client.wait_for_conversion_with_report(conversion_id, output, poll_interval=0.05, timeout=60)


def sig(sas: str) -> str:
    return sas.split("sig=", 1)[1].split("&", 1)[0]


def test_an_upload_reports_every_file_and_reaches_the_total(storage: Storage) -> None:
    # Write-only: what an upload needs, nothing more.
    sas = storage.account.container_sas(storage.input_name, "w", expiry=600)
    container = rr.BlobContainer(storage.account.container_uri(storage.input_name), sas)
    events: List[rr.UploadProgress] = []
    report = container.upload(storage.model, "model", concurrency=2, on_progress=events.append)
    assert isinstance(report, rr.UploadReport)
    assert report.uploaded == tuple(f"model/{b}" for b in MODEL_BLOBS)
    assert report.not_uploaded == () and report.bytes == MODEL_BYTES
    assert all(isinstance(e, rr.UploadProgress) for e in events)
    last = max(events, key=lambda e: e.bytes_done)
    assert (last.bytes_done, last.bytes_total) == (MODEL_BYTES, MODEL_BYTES)
    for blob in report.uploaded:
        done = [e for e in events if e.blob == blob and e.file_done]
        assert len(done) == 1, blob
        assert done[0].file_bytes_done == done[0].file_bytes_total > 0
    # Read back with the account key.
    keyed = storage.input
    assert keyed.read("model/scene.bin") == b"\x07" * 1024
    assert keyed.exists("model/textures/wood dark.png") is True
    assert keyed.exists("model/nothing.png") is False
    assert keyed.read("model/nothing.png") is None
    assert keyed.list("model/textures") == ["model/textures/wood dark.png"]
    with pytest.raises(rr.InvalidInputError) as e:
        keyed.read("model/scene.bin", max_bytes=100)
    assert e.value.field == "max_bytes"


def test_the_asyncio_forms_upload_list_and_read_with_progress_on_the_loop(storage: Storage) -> None:
    async def main() -> None:
        account = aio.StorageAccount(storage.az.ACCOUNT, storage.az.KEY, storage.az.blob_endpoint)
        assert await account.create_container(storage.input_name) is False  # made by the fixture
        container = account.container(storage.input_name)
        assert isinstance(container, aio.BlobContainer)
        loop_thread = []
        events: List[rr.UploadProgress] = []

        def seen(p: rr.UploadProgress) -> None:
            loop_thread.append(asyncio.get_running_loop() is not None)
            events.append(p)

        report = await container.upload(storage.model, "aio", on_progress=seen)
        assert report.uploaded == tuple(f"aio/{b}" for b in MODEL_BLOBS)
        assert all(loop_thread) and max(e.bytes_done for e in events) == MODEL_BYTES
        assert await container.list("aio") == list(report.uploaded)
        assert await container.read("aio/scene.bin") == b"\x07" * 1024
        assert await container.exists("aio/scene.gltf") is True
        sas_container = aio.BlobContainer(account.container_uri(storage.input_name), "?" + account.input_sas(storage.input_name))
        # Nothing is under model/ in this container yet: the preflight says so, by name.
        with pytest.raises(rr.InvalidInputError) as e:
            await sas_container.preflight(storage.settings())
        assert e.value.field == "input.relative_input_asset_path" and '"model/scene.gltf"' in str(e.value)

    asyncio.run(main())


def test_a_conversion_reads_the_uploaded_input_and_writes_its_outputs(storage: Storage, blob_emu: Any) -> None:
    storage.upload()
    settings = storage.settings()
    checked = storage.input.preflight(settings)
    assert checked == rr.Preflight(
        input_blob="model/scene.gltf",
        input_bytes=len(GLTF),
        referenced=("model/scene.bin", "model/textures/wood dark.png"),
    )
    client = blob_emu.client(poll_interval=0.05)
    done = run(client, "conv-ok", settings, storage.output)
    assert done.status == rr.ConversionStatus.SUCCEEDED
    assert done.output_asset_uri == f"{storage.account.container_uri(storage.output_name)}/converted/scene.arrAsset"
    asset = storage.output.read("converted/scene.arrAsset")
    assert asset is not None
    text = asset.decode()
    assert "input: model/scene.gltf" in text and f"input-bytes: {len(GLTF)}" in text
    result = storage.output.read("converted/scene.result.json")
    assert result is not None and b'"Succeeded"' in result
    # A read link to the asset works without any other credential; it grants that blob only.
    link = storage.account.asset_read_url(done.output_asset_uri or "", expiry=300)
    with urllib.request.urlopen(link) as got:
        assert got.read() == asset
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(link.replace("scene.arrAsset", "scene.result.json"))
    assert refused.value.code == 403
    by_name = storage.account.blob_read_url(storage.output_name, "converted/scene.result.json", expiry=300)
    with urllib.request.urlopen(by_name) as got:
        assert got.read() == result
    # A conversion that succeeded has its result file and log too, read back on request.
    report = storage.output.read_conversion_report(done)
    assert report is not None and "--- converted/scene.result.json" in report and '"Succeeded"' in report


def test_the_asyncio_client_waits_with_the_report(storage: Storage, blob_emu: Any) -> None:
    storage.upload(skip=["textures/wood dark.png"])

    async def main() -> rr.ConversionFailedError:
        client = blob_emu.aio_client(poll_interval=0.05)
        output = aio.StorageAccount(storage.az.ACCOUNT, storage.az.KEY, storage.az.blob_endpoint).container(storage.output_name)
        await client.start_conversion("conv-aio", storage.settings())
        with pytest.raises(rr.ConversionFailedError) as e:
            await client.wait_for_conversion_with_report("conv-aio", output, poll_interval=0.05, timeout=60)
        return e.value

    e = asyncio.run(main())
    assert e.conversion_report and "--- converted/scene.conversion.log" in e.conversion_report


def test_a_sas_without_write_fails_the_conversion_as_the_service_did(storage: Storage, blob_emu: Any) -> None:
    storage.upload()
    read_only = storage.account.container_sas(storage.output_name, "rl", expiry=600)
    client = blob_emu.client(poll_interval=0.05)
    with pytest.raises(rr.ConversionFailedError) as e:
        run(client, "conv-nowrite", storage.settings(output_sas=read_only), storage.output)
    assert e.value.details is not None and e.value.details.code == "OutputContainerError"
    assert e.value.conversion is not None and e.value.conversion.status == rr.ConversionStatus.FAILED
    # The conversion could write nothing, so there is no result file or log to read back.
    assert e.value.conversion_report is None
    assert storage.output.list("converted") == []


def test_a_failed_conversion_carries_its_result_file_and_log(storage: Storage, blob_emu: Any) -> None:
    storage.upload(skip=["textures/wood dark.png"])
    client = blob_emu.client(poll_interval=0.05)
    with pytest.raises(rr.ConversionFailedError) as e:
        run(client, "conv-notex", storage.settings(), storage.output)
    assert e.value.details is not None and e.value.details.code == "InputAssetError"
    report = e.value.conversion_report
    assert report is not None
    assert "--- converted/scene.result.json" in report and '"status": "Failed"' in report
    assert "--- converted/scene.conversion.log" in report
    assert "found referenced file model/scene.bin" in report
    assert "sig=" not in report
    # Kept when pickled, and the same text read back on its own.
    assert pickle.loads(pickle.dumps(e.value)).conversion_report == report
    assert e.value.conversion is not None
    assert storage.output.read_conversion_report(e.value.conversion) == report
    # A plain wait has no report.
    with pytest.raises(rr.ConversionFailedError) as plain:
        client.wait_for_conversion("conv-notex", timeout=5)
    assert plain.value.conversion_report is None


def test_a_conversion_report_is_cut_at_max_report_bytes(storage: Storage, tmp_path: Path) -> None:
    limit = constant("max_report_bytes")
    out = tmp_path / "out" / "converted"
    out.mkdir(parents=True)
    (out / "scene.result.json").write_text("x" * (limit + 100))
    storage.output.upload(out, "converted")
    conversion = rr.Conversion(id="c", status=rr.ConversionStatus.FAILED, settings=storage.settings())
    report = storage.output.read_conversion_report(conversion)
    assert report is not None
    assert report.count("x") == limit and f"cut at {limit} bytes" in report
    # Under another prefix there is neither file: nothing to report.
    elsewhere = rr.ConversionSettings(
        storage.settings().input_location,
        rr.ConversionOutputSettings(storage.account.container_uri(storage.output_name), "elsewhere"),
    )
    assert storage.output.read_conversion_report(rr.Conversion("c", rr.ConversionStatus.FAILED, elsewhere)) is None


def test_a_missing_referenced_file_is_caught_before_anything_is_started(storage: Storage, blob_emu: Any) -> None:
    storage.upload(skip=["scene.bin"])
    client = blob_emu.client(poll_interval=0.05)
    with pytest.raises(rr.InvalidInputError) as e:
        storage.input.preflight(storage.settings())
    assert e.value.field == "input.relative_input_asset_path"
    assert '"model/scene.bin"' in str(e.value) and "buffers[0].uri" in str(e.value)
    assert blob_emu.requests("create_conversion") == 0
    assert list(client.list_conversions()) == []


def test_linked_storage_with_a_configured_key_needs_no_sas(storage: Storage, make_emulator: Any) -> None:
    emu = make_emulator(
        blob_storage=True, conversion_duration=0.2, storage_account_keys={storage.az.ACCOUNT: storage.az.KEY}
    )
    storage.upload()
    done = run(emu.client(poll_interval=0.05), "conv-linked", storage.settings(None, None), storage.output)
    assert done.status == rr.ConversionStatus.SUCCEEDED
    assert storage.output.exists("converted/scene.arrAsset")
    # Without the key (and without a SAS) the service refuses the conversion.
    with pytest.raises(rr.ForbiddenError):
        make_emulator(blob_storage=True).client().start_conversion("conv-403", storage.settings(None, None))


def test_a_content_id_converts_an_identical_input_once(storage: Storage, blob_emu: Any) -> None:
    storage.upload()
    client = blob_emu.client(poll_interval=0.05)
    cid = client.content_conversion_id(storage.model, storage.settings())
    assert cid.startswith("conversion-sha256-")
    first = run(client, cid, storage.settings(), storage.output)
    # A new SAS, the same input and settings: the same id, the same conversion.
    again = client.content_conversion_id(str(storage.model), storage.settings())
    assert again == cid
    assert client.start_conversion(again, storage.settings()).created_on == first.created_on
    assert len(list(client.list_conversions())) == 1
    # The asyncio client computes the same id.
    assert asyncio.run(blob_emu.aio_client().content_conversion_id(storage.model, storage.settings())) == cid


def test_no_key_or_sas_is_ever_in_reprs_errors_or_logs(
    storage: Storage, blob_emu: Any, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG, logger="remote_rendering")
    client = blob_emu.client(poll_interval=0.05)
    storage.upload(skip=["scene.bin"])
    settings = storage.settings()
    in_sas = settings.input_location.storage_container_read_list_sas or ""
    out_sas = settings.output_location.storage_container_write_sas or ""
    url = storage.account.blob_read_url(storage.output_name, "a.arrAsset", expiry=60)
    secrets = [storage.az.KEY, sig(in_sas), sig(out_sas), sig(url)]
    sas_container = rr.BlobContainer(storage.account.container_uri(storage.input_name), in_sas)
    shown = [
        repr(storage.account),
        repr(storage.input),
        repr(sas_container),
        repr(aio.StorageAccount(storage.az.ACCOUNT, storage.az.KEY, storage.az.blob_endpoint)),
        repr(aio.BlobContainer(storage.account.container_uri(storage.input_name), in_sas)),
        repr(storage.account._native),
        repr(sas_container._native),
        repr(settings),
        str(settings.to_dict()),
        repr(blob_emu),
    ]
    errors: List[BaseException] = []
    for call in (
        lambda: storage.input.preflight(settings),
        lambda: rr.BlobContainer(storage.account.container_uri(storage.output_name), out_sas).list(),
        lambda: run(client, "conv-secrets", settings, storage.output),
        lambda: rr.BlobContainer(storage.account.container_uri(storage.input_name), in_sas).upload(storage.model),
        lambda: rr.StorageAccount(storage.az.ACCOUNT, storage.az.KEY + "!", storage.az.blob_endpoint),
        lambda: rr.BlobContainer(storage.account.container_uri(storage.input_name) + "?" + in_sas, in_sas),
    ):
        with pytest.raises(rr.RemoteRenderingError) as e:
            call()
        errors.append(e.value)
    for e in errors:
        shown += [str(e), repr(e), repr(vars(e))]
    shown.append(repr(client.get_conversion("conv-secrets")))
    out, err = capfd.readouterr()
    shown += [out, err, caplog.text]
    for text in shown:
        for secret in secrets:
            assert secret not in text, f"a secret in: {text}"


def test_bad_input_is_refused_by_name_before_anything_is_sent(storage: Storage, tmp_path: Path) -> None:
    container = storage.input
    for path in (tmp_path / "nothing-here", Path("/dev/null")):
        with pytest.raises(rr.InvalidInputError) as e:
            container.upload(path)
        assert e.value.field == "path"
    with pytest.raises(rr.InvalidInputError) as e:
        rr.StorageAccount(storage.az.ACCOUNT, "not base64 at all!", storage.az.blob_endpoint)
    assert e.value.field == "storage.account_key" and "not base64 at all" not in str(e.value)
    with pytest.raises(rr.InvalidInputError) as e:
        aio.StorageAccount("Not_A_Name", storage.az.KEY)
    assert e.value.field == "storage.account_name"
    for letters in ("rx", "", "rr"):
        with pytest.raises(rr.InvalidInputError) as e:
            storage.account.container_sas(storage.input_name, letters)
        assert e.value.field == "permissions", letters
    for bad in (0, -5, 8 * 24 * 3600):
        with pytest.raises(rr.InvalidInputError) as e:
            storage.account.input_sas(storage.input_name, expiry=bad)
        assert e.value.field == "expiry"
    with pytest.raises(rr.InvalidInputError) as e:
        container.upload(storage.model, concurrency=0)
    assert e.value.field == "concurrency"
    with pytest.raises(rr.InvalidInputError) as e:
        storage.account.container("Not_A_Container")
    assert e.value.field == "container"
    with pytest.raises(rr.InvalidInputError) as e:
        rr.BlobContainer(storage.account.container_uri(storage.input_name), "sv=2020&sp=r")
    assert e.value.field == "sas"
    with pytest.raises(rr.InvalidInputError) as e:
        rr.StorageAccount("mystorage", storage.az.KEY, "http://example.com/mystorage")
    assert e.value.field == "storage.blob_endpoint"
    with pytest.raises(TypeError):
        storage.input.read_conversion_report("conv-1")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        rr.RemoteRenderingClient.wait_for_conversion_with_report(None, "c", "not a container")  # type: ignore[arg-type]
    # Nothing was uploaded by any of these.
    assert container.list() == []


def test_an_unreachable_endpoint_is_a_transport_error_with_the_report() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # Nothing listens there any more.
    account = rr.StorageAccount(_native._Azurite.ACCOUNT, _native._Azurite.KEY, f"http://127.0.0.1:{port}/devstoreaccount1")
    with pytest.raises(rr.TransportError) as e:
        account.container("input").upload(Path(__file__).parent / "conftest.py", timeout=60)
    assert "storage.blob_endpoint" in str(e.value)
    assert e.value.upload_report == rr.UploadReport(uploaded=(), not_uploaded=("conftest.py",), bytes=0)
    with pytest.raises(rr.TransportError):
        account.create_container("input")


def test_a_failed_upload_names_what_was_not_uploaded(storage: Storage) -> None:
    # Read and list: no write.
    container = rr.BlobContainer(storage.account.container_uri(storage.input_name), storage.account.input_sas(storage.input_name))
    with pytest.raises(rr.ForbiddenError) as e:
        container.upload(storage.model, "x")
    report = e.value.upload_report
    assert report is not None and report.uploaded == ()
    assert report.not_uploaded == tuple(f"x/{b}" for b in MODEL_BLOBS)
    assert pickle.loads(pickle.dumps(e.value)).upload_report == report


def test_a_cancelled_upload_reports_what_was_and_was_not_uploaded(storage: Storage) -> None:
    token = rr.CancelToken()

    def stop_after_the_first_file(p: rr.UploadProgress) -> None:
        if p.file_done:
            token.cancel()

    with pytest.raises(rr.OperationCancelledError) as e:
        storage.input.upload(storage.model, concurrency=1, on_progress=stop_after_the_first_file, cancel=token)
    report = e.value.upload_report
    assert report is not None
    assert report.uploaded == ("scene.bin",)
    assert report.not_uploaded == ("scene.gltf", "textures/wood dark.png")
    assert "uploaded 1 of 3 files" in str(e.value)
    assert storage.input.list() == ["scene.bin"]


def test_an_exception_in_on_progress_ends_the_upload_and_is_raised(storage: Storage) -> None:
    class Stop(Exception):
        pass

    def fail(p: rr.UploadProgress) -> None:
        raise Stop(p.blob)

    with pytest.raises(Stop):
        storage.input.upload(storage.model, "cb", concurrency=1, on_progress=fail)

    async def main() -> None:
        container = aio.BlobContainer(
            storage.account.container_uri(storage.input_name), storage.account.container_sas(storage.input_name, "cw")
        )
        with pytest.raises(Stop):
            await container.upload(storage.model, "cb-aio", concurrency=1, on_progress=fail)

    asyncio.run(main())


def test_cancelling_an_asyncio_upload_task(storage: Storage, tmp_path: Path) -> None:
    big = tmp_path / "big.fbx"
    big.write_bytes(os.urandom(24 * 1024 * 1024))

    async def main() -> None:
        account = aio.StorageAccount(storage.az.ACCOUNT, storage.az.KEY, storage.az.blob_endpoint)
        started = asyncio.Event()
        task = asyncio.create_task(account.container(storage.input_name).upload(big, on_progress=lambda p: started.set()))
        await asyncio.wait_for(started.wait(), 30)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    # The block list was never committed: no blob.
    assert storage.input.exists("big.fbx") is False


HANGING_UPLOAD = textwrap.dedent(
    """
    import signal, socket, sys, tempfile
    signal.signal(signal.SIGINT, signal.default_int_handler)
    import remote_rendering as rr
    from remote_rendering import _native
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(8)  # accepts connections, never answers
    account = rr.StorageAccount(_native._Azurite.ACCOUNT, _native._Azurite.KEY,
                                f"http://127.0.0.1:{s.getsockname()[1]}/devstoreaccount1")
    with tempfile.NamedTemporaryFile(suffix=".fbx") as f:
        f.write(b"x")
        f.flush()
        print("uploading", flush=True)
        account.container("input").upload(f.name)
    print("returned", flush=True)
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT is delivered differently on Windows")
def test_ctrl_c_interrupts_a_blocking_upload() -> None:
    proc = subprocess.Popen([sys.executable, "-c", HANGING_UPLOAD], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "uploading"
        time.sleep(0.5)
        assert proc.poll() is None, "the upload ended by itself"
        proc.send_signal(signal.SIGINT)
        sent = time.monotonic()
        out, err = proc.communicate(timeout=10)
        elapsed = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert elapsed < 2.0, f"took {elapsed:.2f}s after SIGINT"
    assert "KeyboardInterrupt" in err and "returned" not in out


def test_the_storage_models_cross_under_the_tables_names(storage: Storage) -> None:
    fields = {m["name"]: m["fields"] for m in rr.VOCABULARY["models"]}
    events: List[Any] = []
    report = storage.input._native.upload(os.fspath(storage.model), "model", 1, None, events.append, None, None)
    assert list(report) == fields["UploadReport"]
    assert events and all(list(e) == fields["UploadProgress"] for e in events)
    assert list(storage.input._native.preflight(storage.settings()._to_native())) == fields["Preflight"]


def test_azurite_is_stopped_by_pid_and_its_data_removed(azurite: Any) -> None:
    az = _native._Azurite()
    pid, data = az.pid, Path(az.data_dir)
    assert data.is_dir() and Path(f"/proc/{pid}").exists()
    assert az.pid != azurite.pid and az.port != azurite.port
    az.stop()
    az.stop()  # once
    assert not data.exists()
    assert not Path(f"/proc/{pid}").exists()


LAZY_STORAGE = textwrap.dedent(
    """
    import sys
    import remote_rendering as rr

    lazy = ("remote_rendering._storage", "remote_rendering._storage_models")
    assert not any(m in sys.modules for m in lazy), sorted(sys.modules)
    from remote_rendering import UploadReport, StorageAccount
    from remote_rendering import Preflight
    assert all(m in sys.modules for m in lazy)
    assert "asyncio" not in sys.modules, "the blocking storage objects need no asyncio"
    assert rr.UploadReport is UploadReport and rr.Preflight is Preflight and rr.StorageAccount is StorageAccount
    assert StorageAccount.__module__ == "remote_rendering._storage"
    print("ok")
    """
)


def test_the_storage_objects_and_models_are_imported_on_first_use() -> None:
    done = subprocess.run([sys.executable, "-c", LAZY_STORAGE], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
    with pytest.raises(AttributeError):
        rr.NoSuchThing  # type: ignore[attr-defined]
