"""Every error kind maps to its class, with its attributes; every exception pickles."""

from __future__ import annotations

import asyncio
import json
import pickle
import socket
import urllib.request
import uuid

import pytest

import remote_rendering as rr
from remote_rendering import aio
from conftest import make_ready, native_session, sas_settings

ALL_ERRORS = [
    rr.InvalidInputError,
    rr.AuthenticationError,
    rr.ForbiddenError,
    rr.NotFoundError,
    rr.ConflictError,
    rr.UnprocessableError,
    rr.ThrottledError,
    rr.ServiceError,
    rr.TransportError,
    rr.WaitTimeoutError,
    rr.OperationCancelledError,
    rr.SessionFailedError,
    rr.ConversionFailedError,
    rr.ProtocolError,
]

ATTRS = ("code", "status", "ms_cv", "retry_after", "details", "field", "retriable", "session", "conversion", "message")


def assert_pickles(e: BaseException) -> None:
    back = pickle.loads(pickle.dumps(e))
    assert type(back) is type(e)
    assert str(back) == str(e)
    assert repr(back) == repr(e)
    assert back.args == e.args
    for a in ATTRS:
        assert getattr(back, a) == getattr(e, a), a


def raised(fn, *args, **kwargs) -> BaseException:
    try:
        fn(*args, **kwargs)
    except BaseException as e:  # noqa: BLE001 - the test looks at what comes out
        return e
    raise AssertionError(f"{fn} raised nothing")


# InvalidInputError: refused before anything is sent


@pytest.mark.parametrize(
    "call, field",
    [
        (lambda c: c.get_session("has space"), "session_id"),
        (lambda c: c.start_session("has space"), "session_id"),
        (lambda c: c.stop_session("bad/slash"), "session_id"),
        (lambda c: c.start_session("lease-neg", lease_minutes=-1), "lease_minutes"),
        (lambda c: c.start_session("lease-big", lease_minutes=5000), "lease_minutes"),
        (lambda c: c.update_session("lease-big", 5000), "lease_minutes"),
        (lambda c: c.get_conversion("has space"), "conversion_id"),
        (lambda c: c.wait_for_session("wait-neg", timeout=-1), "timeout"),
    ],
)
def test_invalid_input_sends_nothing(emu, client, call, field):
    e = raised(call, client)
    assert isinstance(e, rr.InvalidInputError)
    assert isinstance(e, ValueError)
    assert isinstance(e, rr.RemoteRenderingError)
    assert e.code == "INVALID_INPUT"
    assert e.field == field
    assert e.status is None
    assert emu.requests("sts") == 0
    assert emu.stats()["requests"] == 0
    assert_pickles(e)


def test_invalid_conversion_settings_send_nothing(emu, client):
    bad = rr.ConversionSettings(
        rr.ConversionInputSettings("not a url", "box.fbx", storage_container_read_list_sas="sig=x"),
        rr.ConversionOutputSettings("https://store.blob.core.windows.net/out", storage_container_write_sas="sig=y"),
    )
    e = raised(client.start_conversion, "conv-bad", bad)
    assert isinstance(e, rr.InvalidInputError)
    assert e.field == "input.storage_container_uri"
    assert emu.requests("sts") == 0


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"account_id": "not-a-uuid"}, "account_id"),
        ({"account_domain": "eastus", "sts_endpoint": None}, "account_domain"),
        ({"endpoint": "http://example.com"}, "endpoint"),
        ({"poll_interval": 0}, "poll_interval"),
    ],
)
def test_invalid_construction(emu, overrides, field):
    e = raised(emu.client, **overrides)
    assert isinstance(e, rr.InvalidInputError) and isinstance(e, ValueError)
    assert e.field == field
    assert emu.requests("sts") == 0
    assert_pickles(e)


def test_bare_region_domain_message_helps(emu):
    e = raised(emu.client, account_domain="eastus", sts_endpoint=None)
    assert "eastus.mixedreality.azure.com" in str(e)


def test_invalid_construction_async(emu):
    opts = {**emu.client_options(), "account_id": "nope"}
    with pytest.raises(rr.InvalidInputError) as info:
        aio.RemoteRenderingClient(**opts)
    assert info.value.field == "account_id"


# Service answers


def test_authentication_error_wrong_key(emu):
    client = emu.client(credential=rr.AccountKeyCredential("wrong-key"))
    e = raised(client.get_session, "any-1")
    assert isinstance(e, rr.AuthenticationError)
    assert e.code == "UNAUTHORIZED"
    assert e.status == 401
    assert emu.requests("sts") >= 1
    assert emu.requests("get_session") == 0
    assert_pickles(e)


def test_forbidden_conversion_without_sas(emu, client):
    no_sas = rr.ConversionSettings(
        rr.ConversionInputSettings("https://store.blob.core.windows.net/input", "box.fbx"),
        rr.ConversionOutputSettings("https://store.blob.core.windows.net/output"),
    )
    e = raised(client.start_conversion, "nosas-1", no_sas)
    assert isinstance(e, rr.ForbiddenError)
    assert isinstance(e, PermissionError)
    assert e.status == 403
    assert e.details.code == "LinkedStorageAccessFailure"
    assert e.ms_cv
    assert_pickles(e)


def sts_token(emu, account_id: str, key: str) -> str:
    req = urllib.request.Request(
        f"{emu.sts_endpoint.rstrip('/')}/Accounts/{account_id}/token?api-version=2019-02-28-preview",
        headers={"Authorization": f"Bearer {account_id}:{key}", "Accept": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=5) as resp:
        return json.load(resp)["AccessToken"]


def test_forbidden_token_of_another_account(make_emulator):
    id1, id2 = str(uuid.uuid4()), str(uuid.uuid4())
    emu = make_emulator(accounts=[(id1, "key-one-" + id1), (id2, "key-two-" + id2)])
    token2 = sts_token(emu, id2, "key-two-" + id2)
    # Account 2's own token works for account 2 ...
    own = emu.client(account_id=id2, credential=rr.AccessToken(token2))
    own.start_session("mine-1", lease_minutes=5)
    # ... and is refused for account 1.
    other = emu.client(account_id=id1, credential=rr.AccessToken(token2))
    e = raised(other.get_session, "mine-1")
    assert isinstance(e, rr.ForbiddenError) and isinstance(e, PermissionError)
    assert e.status == 403
    assert_pickles(e)


def test_not_found(client):
    e = raised(client.get_session, "nobody-1")
    assert isinstance(e, rr.NotFoundError)
    assert isinstance(e, LookupError)
    assert e.status == 404
    assert e.code == "NOT_FOUND"
    assert e.ms_cv
    assert e.ms_cv in repr(e)
    assert_pickles(e)
    assert isinstance(raised(client.get_conversion, "nothing-1"), rr.NotFoundError)


def test_conflict(client):
    client.start_session("conflict-1", lease_minutes=10)
    e = raised(client.start_session, "conflict-1", lease_minutes=20)
    assert isinstance(e, rr.ConflictError)
    assert e.status == 409
    assert e.details.code == "Conflict"
    assert_pickles(e)


def test_unprocessable_lease_must_grow(emu, client):
    make_ready(emu, client, "shrink-1", lease_minutes=5)
    e = raised(client.update_session, "shrink-1", 3)
    assert isinstance(e, rr.UnprocessableError)
    assert e.status == 422
    assert e.details is not None
    assert client.get_session("shrink-1").lease_minutes == 5
    assert_pickles(e)


def test_throttled_after_retries(make_emulator):
    emu = make_emulator(faults="429:1=1@get_session")
    client = emu.client(max_attempts=2)
    e = raised(client.get_session, "throttled-1")
    assert isinstance(e, rr.ThrottledError)
    assert e.status == 429
    assert e.retry_after == 1.0
    assert e.retriable is True
    assert emu.requests("get_session") == 2
    assert_pickles(e)


def test_service_error_after_retries(make_emulator):
    emu = make_emulator(faults="500=1@get_session")
    client = emu.client(max_attempts=2)
    e = raised(client.get_session, "broken-1")
    assert isinstance(e, rr.ServiceError)
    assert e.status == 500
    assert e.code == "SERVICE_ERROR"
    assert emu.requests("get_session") == 2
    assert_pickles(e)


def test_faults_can_be_set_and_cleared(emu, client):
    client.start_session("flaky-1", lease_minutes=5)
    emu.set_faults("500=1@get_session", 1)
    assert isinstance(raised(emu.client(max_attempts=1).get_session, "flaky-1"), rr.ServiceError)
    emu.clear_faults()
    assert client.get_session("flaky-1").id == "flaky-1"


def test_transport_error_nothing_listening(emu):
    # A bound socket that never listens: connections to its port are refused.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}"
        client = emu.client(endpoint=url, sts_endpoint=url, max_attempts=1, request_timeout=2)
        e = raised(client.get_session, "nowhere-1")
    assert isinstance(e, rr.TransportError)
    assert isinstance(e, ConnectionError)
    assert e.code == "TRANSPORT_ERROR"
    assert e.status is None
    assert_pickles(e)


# Waits


def test_wait_timeout(client):
    client.start_session("slow-1", lease_minutes=5)
    e = raised(client.wait_for_session, "slow-1", timeout=0.1)
    assert isinstance(e, rr.WaitTimeoutError)
    assert isinstance(e, TimeoutError)
    assert e.code == "TIMEOUT"
    assert isinstance(e.session, rr.Session)
    assert e.session.id == "slow-1" and e.session.status == rr.SessionStatus.STARTING
    assert_pickles(e)


def test_session_failed(emu, client):
    client.start_session("doomed-1", lease_minutes=5)
    emu.fail_session("doomed-1")
    e = raised(client.wait_for_session, "doomed-1", timeout=5)
    assert isinstance(e, rr.SessionFailedError)
    assert e.session.status == rr.SessionStatus.ERROR
    assert e.details is not None and e.details.code == e.session.error.code
    assert_pickles(e)


def test_session_expired_is_a_failure(emu, client):
    make_ready(emu, client, "short-1", lease_minutes=1)
    emu.advance_clock(61)
    e = raised(client.wait_for_session, "short-1", timeout=5)
    assert isinstance(e, rr.SessionFailedError)
    assert e.session.status == rr.SessionStatus.EXPIRED


def test_conversion_failed(emu, client):
    client.start_conversion("cfail-1", sas_settings())
    emu.fail_conversion("cfail-1")
    e = raised(client.wait_for_conversion, "cfail-1", timeout=5)
    assert isinstance(e, rr.ConversionFailedError)
    assert e.conversion.status == rr.ConversionStatus.FAILED
    assert_pickles(e)


class Boom(Exception):
    pass


def test_progress_callback_exception_propagates(client):
    client.start_session("cb-1", lease_minutes=5)
    calls = []

    def progress(s):
        calls.append(s)
        raise Boom("from the callback")

    e = raised(client.wait_for_session, "cb-1", timeout=5, on_progress=progress)
    # The wait is cancelled, and the callback's own exception (not rr.OperationCancelledError) is raised.
    assert type(e) is Boom
    assert str(e) == "from the callback"
    assert not isinstance(e, rr.RemoteRenderingError)
    assert len(calls) == 1


def test_progress_callback_exception_propagates_conversion(client):
    client.start_conversion("cbc-1", sas_settings())

    def progress(c):
        raise KeyError("conversion callback")

    e = raised(client.wait_for_conversion, "cbc-1", timeout=5, on_progress=progress)
    assert type(e) is KeyError


def test_progress_callback_exception_propagates_async(aclient):
    async def main():
        await aclient.start_session("acb-1", lease_minutes=5)

        def progress(s):
            raise Boom("async callback")

        with pytest.raises(Boom, match="async callback"):
            await aclient.wait_for_session("acb-1", timeout=5, on_progress=progress)

    asyncio.run(main())


def test_progress_callback_exception_propagates_fleet(client):
    client.start_session("fcb-1", lease_minutes=5)
    client.start_session("fcb-2", lease_minutes=5)

    def progress(s):
        raise Boom("fleet callback")

    with pytest.raises(Boom):
        client.wait_for_sessions(["fcb-1", "fcb-2"], timeout=5, on_progress=progress)


# The hierarchy and pickling of every class


@pytest.mark.parametrize("cls", ALL_ERRORS)
def test_every_class_derives_from_the_base_and_pickles(cls):
    assert issubclass(cls, rr.RemoteRenderingError)
    assert issubclass(rr.RemoteRenderingError, Exception)
    session = rr.Session._from_native(native_session(id="p-1", status="Ready", created_on="2024-01-02T03:04:05.1234567Z"))
    e = cls(
        "a message",
        status=418,
        ms_cv="cv.1",
        retry_after=2.5,
        details=rr.ErrorDetails("Code", "text", (rr.ErrorDetails("Inner", "more"),), "target"),
        field="f",
        retriable=True,
        session=session,
    )
    assert e.code == cls.code
    assert_pickles(e)


def test_codes_are_distinct():
    codes = [c.code for c in ALL_ERRORS]
    assert len(set(codes)) == len(codes)


def test_transport_error_on_request_timeout(make_emulator):
    emu = make_emulator(faults="delay:1s=1@get_session")
    client = emu.client(request_timeout=0.2, max_attempts=1)
    e = raised(client.get_session, "slow-answer-1")
    assert isinstance(e, rr.TransportError) and isinstance(e, ConnectionError)
    assert "timed out" in str(e)
    assert_pickles(e)


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"sts_endpoint": "http://example.com"}, "sts_endpoint"),
        ({"endpoint": "ftp://127.0.0.1/"}, "endpoint"),
        ({"max_attempts": 0}, "retry.max_attempts"),
        ({"credential": rr.AccountKeyCredential("  ")}, "account_key"),
    ],
)
def test_more_invalid_construction(emu, overrides, field):
    e = raised(emu.client, **overrides)
    assert isinstance(e, rr.InvalidInputError)
    assert e.field == field
    assert emu.requests("sts") == 0


def test_empty_size_is_invalid(emu, client):
    e = raised(client.start_session, "size-1", size="")
    assert isinstance(e, rr.InvalidInputError) and e.field == "size"
    assert emu.requests("sts") == 0
