"""The blocking and asyncio clients come from one definition (``remote_rendering._ops``): the
same methods, signatures, defaults and docstrings, so the two cannot drift."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

import pytest

import remote_rendering as rr
from remote_rendering import _ops, aio

CLIENTS = [rr.RemoteRenderingClient, aio.RemoteRenderingClient]
# Operations whose asyncio method returns at once (an async iterator, an async context manager,
# a keeper started in the background); every other one is a coroutine.
NOT_COROUTINES = {"list_sessions", "list_conversions", "open_session", "keep_alive"}


def public_methods(cls: type) -> dict:
    return {
        name: member
        for name, member in inspect.getmembers(cls)
        if not name.startswith("_") and (inspect.isfunction(member) or isinstance(inspect.getattr_static(cls, name), property))
    }


@pytest.mark.parametrize("op", _ops.OPERATIONS, ids=lambda op: op.__name__)
def test_every_operation_is_a_method_of_both_clients_with_its_one_signature_and_docstring(op):
    expected = list(inspect.signature(op).parameters.values())[1:]
    for cls in CLIENTS:
        method = getattr(cls, op.__name__)
        params = list(inspect.signature(method).parameters.values())
        assert params[0].name == "self"
        assert params[1:] == expected, cls
        assert method.__doc__ == op.__doc__ and op.__doc__.strip()
        assert method.__qualname__ == f"{cls.__qualname__}.{op.__name__}"
        assert method.__module__ == cls.__module__
    is_coroutine = inspect.iscoroutinefunction(aio.RemoteRenderingClient.__dict__[op.__name__])
    assert is_coroutine == (op.__name__ not in NOT_COROUTINES)
    assert not inspect.iscoroutinefunction(rr.RemoteRenderingClient.__dict__[op.__name__])


def test_both_clients_have_the_same_public_methods_each_documented():
    sync, asyncio_ = public_methods(rr.RemoteRenderingClient), public_methods(aio.RemoteRenderingClient)
    assert sorted(sync) == sorted(asyncio_)
    for cls, members in ((rr.RemoteRenderingClient, sync), (aio.RemoteRenderingClient, asyncio_)):
        for name, member in members.items():
            assert (inspect.getdoc(member) or "").strip(), f"{cls.__module__}.{cls.__name__}.{name}"
    assert inspect.signature(rr.RemoteRenderingClient) == inspect.signature(aio.RemoteRenderingClient)


def test_session_is_the_same_method_as_open_session():
    for cls in CLIENTS:
        assert cls.session is cls.open_session


def test_the_sync_and_asyncio_handles_share_their_state_members():
    for name in ("extensions", "is_finished", "stopped_by_budget", "latest"):
        assert getattr(rr.LeaseKeeper, name) is getattr(aio.LeaseKeeper, name)
    for name in ("id", "extensions"):
        assert getattr(rr.ManagedSession, name) is getattr(aio.ManagedSession, name)


def test_the_docstring_check_passes():
    script = Path(__file__).resolve().parents[2] / "packaging" / "check_docstrings.py"
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


STORAGE = {
    _ops.StorageAccountCore: (rr.StorageAccount, aio.StorageAccount),
    _ops.BlobContainerCore: (rr.BlobContainer, aio.BlobContainer),
}
# Storage operations that send nothing: plain methods in both modes (the same function).
LOCAL = {"container_uri", "container", "container_sas", "input_sas", "output_sas", "blob_read_url", "asset_read_url"}


@pytest.mark.parametrize("op", _ops.STORAGE_OPERATIONS, ids=lambda op: op.__name__)
def test_every_storage_operation_is_a_method_of_both_forms_with_its_one_signature_and_docstring(op):
    owner = next(p.annotation for p in inspect.signature(op).parameters.values())
    (core,) = [c for c in STORAGE if c.__name__ == owner]
    expected = list(inspect.signature(op).parameters.values())[1:]
    blocking, asyncio_form = STORAGE[core]
    for cls in (blocking, asyncio_form):
        assert issubclass(cls, core)
        method = getattr(cls, op.__name__)
        params = list(inspect.signature(method).parameters.values())
        assert params[0].name == "self" and params[1:] == expected, cls
        assert method.__doc__ == op.__doc__ and op.__doc__.strip()
        assert method.__qualname__ == f"{cls.__qualname__}.{op.__name__}"
        assert method.__wrapped__ is op
    is_coroutine = inspect.iscoroutinefunction(asyncio_form.__dict__[op.__name__])
    assert is_coroutine == (op.__name__ not in LOCAL)
    assert not inspect.iscoroutinefunction(blocking.__dict__[op.__name__])


def test_both_forms_of_the_storage_objects_have_the_same_public_members_and_constructor():
    for core, (blocking, asyncio_form) in STORAGE.items():
        assert sorted(public_methods(blocking)) == sorted(public_methods(asyncio_form))
        assert inspect.signature(blocking) == inspect.signature(asyncio_form) == inspect.signature(core)
        for name, member in public_methods(blocking).items():
            assert (inspect.getdoc(member) or "").strip(), f"{blocking.__name__}.{name}"
