"""The public surface against the core's table (``remote_rendering.VOCABULARY``): a code,
object, operation, parameter, default, model field or error attribute the core has and Python
lacks or names differently fails here."""

from __future__ import annotations

import dataclasses
import inspect
import pickle

import pytest

import remote_rendering as rr
from remote_rendering import _errors, aio
from remote_rendering._vocabulary import python_name, python_value

V = rr.VOCABULARY
CLIENTS = [rr.RemoteRenderingClient, aio.RemoteRenderingClient]
OBJECTS = {o["name"]: o for o in V["objects"]}


def classes_of(obj: str) -> list:
    """The blocking and the asyncio class of one object of the table, under the table's name:
    ``remote_rendering.X`` and ``remote_rendering.aio.X``."""
    name = OBJECTS[obj]["classes"]["python"]
    found = [getattr(rr, name, None), getattr(aio, name, None)]
    assert None not in found, f"{name} (the table's {obj}) is missing from remote_rendering or remote_rendering.aio"
    return found
# A wait's poll interval left out is the client's (whose default is the table's): the one
# default Python states as None on purpose, so that the client's option keeps applying.
INHERITED_FROM_CLIENT = {"poll_interval"}


def test_the_table_is_the_native_modules():
    assert V["version"] == rr.__version__
    assert V["base_error"]["python"] == "RemoteRenderingError"
    assert {"errors", "operations", "models", "defaults"} <= set(V)


@pytest.mark.parametrize("entry", V["errors"], ids=lambda e: e["code"])
def test_every_error_code_has_its_class(entry):
    name = entry["classes"]["python"]
    cls = getattr(rr, name, None)
    assert cls is not None, f"remote_rendering lacks {name} for {entry['code']}"
    assert name in rr.__all__
    assert issubclass(cls, rr.RemoteRenderingError) and cls is not rr.RemoteRenderingError
    assert cls.code == entry["code"]
    assert cls.__doc__ and cls.__doc__.strip()


def test_raised_errors_map_codes_to_classes_from_the_table():
    table = {e["code"]: getattr(rr, e["classes"]["python"]) for e in V["errors"]}
    assert _errors._BY_CODE == table
    for code, cls in table.items():
        e = _errors._from_native(code=code, message="m")
        assert type(e) is cls and e.code == code
    # No class of the package claims a code the table does not have.
    ours = {c.code for c in vars(rr).values() if isinstance(c, type) and issubclass(c, rr.RemoteRenderingError)}
    assert ours - set(table) == {rr.RemoteRenderingError.code}


def _python_default(param, inherits: bool):
    if inherits and param["name"] in INHERITED_FROM_CLIENT:
        return None
    return python_value(param.get("default"))


def _check_signature(sig: inspect.Signature, params, what: str, ordered: bool = True, inherits: bool = True) -> None:
    ours = {n: p for n, p in sig.parameters.items() if n != "self"}
    names = [python_name(p) for p in params]
    assert (list(ours) if ordered else sorted(ours)) == (names if ordered else sorted(names)), what
    for p in params:
        mine = ours[python_name(p)]
        if p["required"]:
            assert mine.default is inspect.Parameter.empty, f"{what}.{p['name']} must be required"
            continue
        expected = _python_default(p, inherits)
        assert mine.default == expected, f"{what}.{p['name']}: {mine.default!r} != {expected!r}"
        # The same type (a str enum member for a str), and never a bool for a number.
        assert isinstance(mine.default, type(expected)), f"{what}.{p['name']}"
        assert isinstance(mine.default, bool) == isinstance(expected, bool), f"{what}.{p['name']}"


def test_every_object_of_the_table_is_a_class_of_both_modes():
    assert set(OBJECTS) == {"client", "storage_account", "blob_container"}
    assert classes_of("client") == CLIENTS
    for name, obj in OBJECTS.items():
        blocking, asyncio_form = classes_of(name)
        assert blocking is not asyncio_form, name
        assert obj["classes"]["python"] in rr.__all__ and obj["classes"]["python"] in aio.__all__
        assert blocking.__doc__ and asyncio_form.__doc__


@pytest.mark.parametrize("op", [o for o in V["operations"] if o["of"]], ids=lambda o: f"{o['of']}.{o['name']}")
def test_every_operation_is_a_method_of_its_object_in_both_modes_with_the_tables_params_and_defaults(op):
    for cls in classes_of(op["of"]):
        method = getattr(cls, op["name"], None)
        assert method is not None, f"{cls.__module__}.{cls.__name__} lacks {op['name']}"
        assert method.__qualname__ == f"{cls.__qualname__}.{op['name']}"
        _check_signature(inspect.signature(method), op["params"], f"{cls.__name__}.{op['name']}")


@pytest.mark.parametrize("op", [o for o in V["operations"] if not o["of"]], ids=lambda o: o["name"])
def test_every_constructor_takes_the_tables_params_with_its_defaults(op):
    for cls in classes_of(op["name"]):
        # The client in Python's usual order (account_id, the account's domain and credential
        # first); the storage objects in the table's.
        ordered = op["name"] != "client"
        _check_signature(inspect.signature(cls), op["params"], cls.__name__, ordered=ordered, inherits=False)


@pytest.mark.parametrize("obj", ["storage_account", "blob_container"])
def test_the_storage_objects_have_no_method_the_table_lacks(obj):
    table = {o["name"] for o in V["operations"] if o["of"] == obj}
    for cls in classes_of(obj):
        public = {n for n, v in vars(cls).items() if not n.startswith("_") and inspect.isfunction(v)}
        assert public == table, cls


def test_every_inherited_default_is_the_clients():
    (client,) = [o for o in V["operations"] if o["name"] == "client"]
    client_defaults = {p["name"]: p.get("default") for p in client["params"]}
    for op in V["operations"]:
        for p in op["params"]:
            if p["name"] in INHERITED_FROM_CLIENT and op["name"] != "client":
                assert p.get("default") == client_defaults[p["name"]], f"{op['name']}.{p['name']}"


def _constant_case(value: str) -> str:
    return "".join(("_" + c if c.isupper() and i else c) for i, c in enumerate(value)).upper()


@pytest.mark.parametrize("enum", V["enums"], ids=lambda e: e["name"])
def test_every_enum_has_the_tables_values_and_terminal_ones(enum):
    cls = getattr(rr, enum["name"], None)
    assert cls is not None and enum["name"] in rr.__all__
    assert [m.value for m in cls] == enum["values"]
    assert [m.name for m in cls] == [_constant_case(v) for v in enum["values"]]
    if enum["name"].endswith("Status"):
        assert [m.value for m in cls if m.is_terminal] == [v for v in enum["values"] if v in enum["terminal"]]
    later = cls("AddedLater")
    assert not later.is_known and str(later) == "AddedLater"


@pytest.mark.parametrize("model", V["models"], ids=lambda m: m["name"])
def test_every_model_has_exactly_the_tables_fields(model):
    cls = getattr(rr, model["name"], None)
    assert cls is not None and model["name"] in rr.__all__
    assert [f.name for f in dataclasses.fields(cls)] == model["fields"]


def test_the_native_models_cross_under_the_tables_names(emu, client, settings):
    fields = {m["name"]: m["fields"] for m in V["models"]}
    session = client._native.get_session  # the native dicts, before the dataclass is built
    client.start_session("vocab-1", lease_minutes=5)
    assert list(session("vocab-1")) == fields["Session"]
    conv = client._native.start_conversion("vocab-c", settings._to_native())
    assert list(conv) == fields["Conversion"]
    assert list(conv["settings"]) == fields["ConversionSettings"]
    assert list(conv["settings"]["input_location"]) == fields["ConversionInputSettings"]
    assert list(conv["settings"]["output_location"]) == fields["ConversionOutputSettings"]


# Where each shared default is a parameter's default: (object, operation, parameter); the
# operation `None` is the object's constructor.
DEFAULT_PARAMS = {
    "session_size": [("client", "start_session", "size"), ("client", "open_session", "size")],
    "lease_minutes": [("client", "start_session", "lease_minutes"), ("client", "open_session", "lease_minutes")],
    "poll_interval": [("client", None, "poll_interval")],
    "session_wait_timeout": [("client", "wait_for_session", "timeout"), ("client", "open_session", "timeout")],
    "conversion_wait_timeout": [
        ("client", "wait_for_conversion", "timeout"),
        ("client", "wait_for_conversion_with_report", "timeout"),
    ],
    "request_timeout": [("client", None, "request_timeout")],
    "max_attempts": [("client", None, "max_attempts")],
    "max_concurrent_requests": [("client", None, "max_concurrent_requests")],
    "lease_step_minutes": [("client", "keep_alive", "step_minutes"), ("client", "open_session", "step_minutes")],
    "lease_margin_minutes": [("client", "keep_alive", "margin_minutes")],
    "lease_max_total_minutes": [("client", "keep_alive", "max_total_minutes")],
    "lease_check_interval": [("client", "keep_alive", "check_interval")],
    "sas_expiry": [
        ("storage_account", op, "expiry")
        for op in ("container_sas", "input_sas", "output_sas", "blob_read_url", "asset_read_url")
    ],
    "upload_concurrency": [("blob_container", "upload", "concurrency")],
    "upload_timeout": [("blob_container", "upload", "timeout")],
    "read_max_bytes": [("blob_container", "read", "max_bytes")],
}
# The defaults that are limits, each proven by a test of its rule.
DEFAULT_RULES = {
    "max_lease_minutes": "test_the_lease_rule_is_the_cores",
    "max_upload_concurrency": "test_the_upload_concurrency_rule_is_the_cores",
    "max_report_bytes": "test_storage.py::test_a_conversion_report_is_cut_at_max_report_bytes",
    # The core's token cache refreshes with it; no Python value depends on it.
    "token_refresh_margin": None,
}


def test_every_shared_default_is_the_one_python_uses():
    d = {c["name"]: python_value(c["value"]) for c in V["defaults"]}
    assert set(d) == set(DEFAULT_PARAMS) | set(DEFAULT_RULES), "a default the suite does not place"
    for name, places in DEFAULT_PARAMS.items():
        for obj, op, param in places:
            for cls in classes_of(obj):
                sig = inspect.signature(cls if op is None else getattr(cls, op)).parameters
                assert sig[param].default == d[name], f"{name}: {cls.__name__}.{op}.{param}"
                assert type(sig[param].default) is type(d[name]) or isinstance(d[name], str), name
    for name, test in DEFAULT_RULES.items():
        if test and "::" not in test:
            assert test in globals(), test


@pytest.mark.parametrize("field", V["error_fields"], ids=lambda f: f["name"])
def test_every_error_has_the_tables_attributes_and_keeps_them_pickled(field):
    name = python_name(field)
    sample = ERROR_FIELD_SAMPLES[name]
    for entry in V["errors"]:
        cls = getattr(rr, entry["classes"]["python"])
        bare = cls("m")
        assert hasattr(bare, name), f"{cls.__name__} lacks {name}"
        given = cls("m", **{name: sample}) if name not in ("message",) else cls(sample)
        back = pickle.loads(pickle.dumps(given))
        assert getattr(back, name) == sample, f"{cls.__name__}.{name} after pickling"


ERROR_FIELD_SAMPLES = {
    "code": "SOME_CODE",
    "message": "what went wrong",
    "status": 418,
    "ms_cv": "cv.1",
    "retry_after": 2.5,
    "details": rr.ErrorDetails(code="C", message="M"),
    "field": "storage.account_key",
    "retriable": True,
    "session": rr.Session(id="s", status=rr.SessionStatus.READY, size=rr.SessionSize.STANDARD),
    "conversion": rr.Conversion(
        id="c",
        status=rr.ConversionStatus.FAILED,
        settings=rr.ConversionSettings(
            rr.ConversionInputSettings("https://a.blob.core.windows.net/i", "x.fbx"),
            rr.ConversionOutputSettings("https://a.blob.core.windows.net/o"),
        ),
    ),
    "upload_report": rr.UploadReport(uploaded=("a",), not_uploaded=("b",), bytes=3),
    "conversion_report": "--- x.result.json\n{}",
}


def test_the_upload_concurrency_rule_is_the_cores(tmp_path):
    # One rule and one message in every language, checked before anything is sent (nothing
    # listens on this endpoint).
    limit = python_value([c for c in V["defaults"] if c["name"] == "max_upload_concurrency"][0]["value"])
    (tmp_path / "a.fbx").write_bytes(b"a")
    for account in (
        rr.StorageAccount("devstoreaccount1", "a2V5", "http://127.0.0.1:9/devstoreaccount1"),
        aio.StorageAccount("devstoreaccount1", "a2V5", "http://127.0.0.1:9/devstoreaccount1"),
    ):
        for bad in (0, limit + 1, -1):
            container = account.container("input")
            with pytest.raises(rr.InvalidInputError) as e:
                if isinstance(account, aio.StorageAccount):
                    import asyncio

                    asyncio.run(container.upload(tmp_path, concurrency=bad))
                else:
                    container.upload(tmp_path, concurrency=bad)
            assert e.value.field == "concurrency"
            assert f"must be from 1 to {limit}" in str(e.value) and str(bad) in str(e.value)
            assert e.value.upload_report is None


def test_the_lease_rule_is_the_cores(client):
    # One rule and one message in every language: the core's (checked before anything is sent).
    limit = python_value([c for c in V["defaults"] if c["name"] == "max_lease_minutes"][0]["value"])
    for bad in (-1, limit + 1, 2**40):
        with pytest.raises(rr.InvalidInputError) as e:
            client.start_session("vocab-lease", lease_minutes=bad)
        assert e.value.field == "lease_minutes"
        assert f"must be from 0 to {limit} minutes" in str(e.value) and str(bad) in str(e.value)


def test_the_embedded_emulators_defaults_are_the_emulators_own():
    from remote_rendering import _native
    from remote_rendering.emulator import Emulator

    own = _native.emulator_defaults()
    sig = inspect.signature(Emulator).parameters
    for name, value in own.items():
        assert sig[name].default == value, name
    assert own["startup_delay"] > 0 and own["page_size"] > 0


def test_the_concurrency_rule_is_the_cores(emu):
    # One rule and one message in every language, checked when the client is made.
    for cls in CLIENTS:
        for bad in (0, 4097):
            with pytest.raises(rr.InvalidInputError) as e:
                cls(**emu.client_options(), max_concurrent_requests=bad)
            assert e.value.field == "max_concurrent_requests"
            assert "must be from 1 to 4096" in str(e.value) and str(bad) in str(e.value)
        assert cls(**emu.client_options(), max_concurrent_requests=1) is not None
