"""Every public class, function, method and property of the Python package has a docstring.

    python packaging/check_docstrings.py          (with remote_rendering importable)

Walks the public modules (remote_rendering, .aio, .emulator): the names each exports (``__all__``,
or those without a leading underscore), and for classes every public member defined in the
package itself (inherited members of the standard library are not ours to document). Exits 1 and
lists what is missing.
"""

from __future__ import annotations

import enum
import importlib
import inspect
import sys

MODULES = ["remote_rendering", "remote_rendering.aio", "remote_rendering.emulator"]


def public_names(module: object) -> list[str]:
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n in vars(module) if not n.startswith("_")]
    return list(names)


def ours(obj: object) -> bool:
    mod = getattr(obj, "__module__", "") or ""
    return mod.startswith("remote_rendering")


def main() -> int:
    missing: list[str] = []
    seen: set[int] = set()
    for modname in MODULES:
        module = importlib.import_module(modname)
        if not (module.__doc__ or "").strip():
            missing.append(f"module {modname}")
        for name in public_names(module):
            obj = getattr(module, name)
            if inspect.ismodule(obj) or id(obj) in seen or not (inspect.isclass(obj) or callable(obj)):
                continue
            seen.add(id(obj))
            if not ours(obj):
                continue
            qual = f"{modname}.{name}"
            if not (inspect.getdoc(obj) or "").strip():
                missing.append(qual)
            if not inspect.isclass(obj) or issubclass(obj, enum.Enum):
                continue
            for attr, member in vars(obj).items():
                if attr.startswith("_") and attr not in ("__init__", "__enter__", "__exit__", "__aenter__",
                                                         "__aexit__", "__iter__", "__aiter__"):
                    continue
                if isinstance(member, (staticmethod, classmethod)):
                    member = member.__func__
                if not (inspect.isfunction(member) or isinstance(member, property)):
                    continue
                if attr.startswith("__"):
                    continue  # dunders document themselves through the class
                if not (member.__doc__ or "").strip():
                    missing.append(f"{qual}.{attr}")
    if missing:
        print("no docstring:", *missing, sep="\n  ")
        print(f"docstrings: {len(missing)} public names without one")
        return 1
    print(f"docstrings: every public name of {', '.join(MODULES)} has one")
    return 0


if __name__ == "__main__":
    sys.exit(main())
