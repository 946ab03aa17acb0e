"""The core's table of the public surface (``remote_rendering::vocabulary``), read from the
native module: the error codes and the class each language names for them, the operations
with their parameters and defaults, the models' fields, and the shared defaults.

The package takes its defaults from here (so none is restated in Python), its code→class
mapping of errors, and ``tests/test_vocabulary.py`` walks the public surface against it.
Durations are ``{"ms": N}`` in the table; Python takes seconds.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List

from . import _native

VOCABULARY: Dict[str, Any] = json.loads(_native.VOCABULARY_JSON)
"""The table as parsed JSON (``remote_rendering.VOCABULARY``)."""


def python_value(value: Any) -> Any:
    """A value of the table as Python takes it: a duration in seconds, anything else as is."""
    if isinstance(value, dict) and set(value) == {"ms"}:
        return value["ms"] / 1000.0
    return value


def python_name(param: Dict[str, Any]) -> str:
    """A parameter's Python name: the table's, unless it names one for Python."""
    return str(param.get("names", {}).get("python", param["name"]))


def operation(name: str) -> List[Dict[str, Any]]:
    """The parameters of one operation (``client`` is the client's construction)."""
    for op in VOCABULARY["operations"]:
        if op["name"] == name:
            return list(op["params"])
    raise KeyError(f"the core's table has no operation {name!r}")


def default(op: str, param: str) -> Any:
    """The default of one parameter of one operation, as Python takes it."""
    for p in operation(op):
        if p["name"] == param:
            if p.get("required"):
                raise KeyError(f"{op}.{param} is required in the core's table: it has no default")
            return python_value(p.get("default"))
    raise KeyError(f"the core's table has no parameter {op}.{param}")


def constant(name: str) -> Any:
    """One of the shared defaults (``max_lease_minutes``, ``poll_interval``, ...), as Python takes it."""
    for c in VOCABULARY["defaults"]:
        if c["name"] == name:
            return python_value(c["value"])
    raise KeyError(f"the core's table has no default {name!r}")


def error_classes() -> Dict[str, str]:
    """Each error code and the name of its Python class."""
    return {e["code"]: e["classes"]["python"] for e in VOCABULARY["errors"]}
