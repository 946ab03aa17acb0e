"""The public surface against the core's table (``remote_rendering.VOCABULARY``): a code,
operation, parameter, default or model field the core has and Python lacks or names
differently fails here."""

from __future__ import annotations

import dataclasses
import inspect

import pytest

import remote_rendering as rr
from remote_rendering import _errors, aio
from remote_rendering._vocabulary import python_name, python_value

V = rr.VOCABULARY
CLIENTS = [rr.RemoteRenderingClient, aio.RemoteRenderingClient]
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


@pytest.mark.parametrize("op", [o for o in V["operations"] if o["name"] != "client"], ids=lambda o: o["name"])
def test_every_operation_is_on_both_clients_with_the_tables_params_and_defaults(op):
    for cls in CLIENTS:
        method = getattr(cls, op["name"], None)
        assert method is not None, f"{cls.__module__}.{cls.__name__} lacks {op['name']}"
        _check_signature(inspect.signature(method), op["params"], f"{cls.__name__}.{op['name']}")


def test_the_client_takes_the_tables_options_with_its_defaults():
    (client,) = [o for o in V["operations"] if o["name"] == "client"]
    for cls in CLIENTS:
        # Python's usual order: account_id (and the account's domain and credential) first.
        _check_signature(inspect.signature(cls), client["params"], cls.__name__, ordered=False, inherits=False)


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


def test_the_shared_defaults_are_the_ones_python_uses():
    d = {c["name"]: python_value(c["value"]) for c in V["defaults"]}
    sig = inspect.signature(rr.RemoteRenderingClient.start_session).parameters
    assert sig["lease_minutes"].default == d["lease_minutes"]
    assert sig["size"].default == d["session_size"]
    keep = inspect.signature(rr.RemoteRenderingClient.keep_alive).parameters
    assert keep["step_minutes"].default == d["lease_step_minutes"]
    assert keep["check_interval"].default == d["lease_check_interval"]
    wait = inspect.signature(rr.RemoteRenderingClient.wait_for_session).parameters
    assert wait["timeout"].default == d["session_wait_timeout"]


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
