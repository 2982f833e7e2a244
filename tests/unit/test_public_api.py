"""The public surface: each public module's ``__all__`` is exactly what it exposes.

pyright treats a name missing from ``__all__`` as private (``"X" is not exported``),
and ``from module import *`` brings only ``__all__``, so ``__all__`` must list every
public name (generated ones included) and nothing else.
"""

from __future__ import annotations

import builtins
import importlib
import pkgutil
import types

import pytest

import ecrkit
import ecrkit.public
from ecrkit import _exceptions
from ecrkit._generated import _index
from ecrkit._generated import enums as generated_enums
from ecrkit._generated import errors as generated_errors
from ecrkit._generated import paginators as generated_paginators
from ecrkit._generated import waiters as generated_waiters
from ecrkit._generated_public import _index as public_index
from ecrkit._generated_public import enums as public_enums
from ecrkit._generated_public import errors as public_errors
from ecrkit._generated_public import paginators as public_paginators

PUBLIC_MODULES = [
    "ecrkit",
    "ecrkit.enums",
    "ecrkit.errors",
    "ecrkit.http",
    "ecrkit.models",
    "ecrkit.paginators",
    "ecrkit.public",
    "ecrkit.public.enums",
    "ecrkit.public.errors",
    "ecrkit.public.models",
    "ecrkit.public.paginators",
    "ecrkit.registry",
    "ecrkit.testing",
    "ecrkit.waiters",
]
#: Runnable programs, not libraries: their imports are theirs, only ``__all__`` is checked.
PROGRAMS = {"ecrkit.tour"}
#: Names a module exposes on purpose outside ``__all__``: the earlier names of two
#: errors, which would shadow builtins under a star import, and of the models' base.
ALIASES = {
    "ecrkit.errors": {"ConnectionError", "TimeoutError"},
    "ecrkit.models": {"EcrModel"},
}
#: What each facade must export from the generated package.
GENERATED = {
    "ecrkit.models": set(_index.MODULES),
    "ecrkit.errors": set(generated_errors.__all__),
    "ecrkit.enums": set(generated_enums.__all__),
    "ecrkit.paginators": set(generated_paginators.__all__),
    "ecrkit.waiters": set(generated_waiters.__all__),
    "ecrkit.public.models": set(public_index.MODULES),
    "ecrkit.public.errors": set(public_errors.__all__),
    "ecrkit.public.enums": set(public_enums.__all__),
    "ecrkit.public.paginators": set(public_paginators.__all__),
}


def test_every_public_module_is_listed_here() -> None:
    found = {
        f"ecrkit.{info.name}"
        for info in pkgutil.iter_modules(ecrkit.__path__)
        if not info.name.startswith("_")
    } | {
        f"ecrkit.public.{info.name}"
        for info in pkgutil.iter_modules(ecrkit.public.__path__)
        if not info.name.startswith("_")
    }
    assert found | {"ecrkit"} == set(PUBLIC_MODULES) | PROGRAMS


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_programs_list_their_entry_points(name: str) -> None:
    module = importlib.import_module(name)
    assert all(callable(getattr(module, n)) for n in module.__all__)


def _exposed(module: types.ModuleType) -> set[str]:
    """Public names bound in the module, after every ``__all__`` name was resolved."""
    for name in module.__all__:
        getattr(module, name)  # lazy modules bind on first access
    return {
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and not isinstance(value, types.ModuleType)
        and name not in ("annotations", "TYPE_CHECKING")
    }


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_all_lists_exactly_what_the_module_exposes(name: str) -> None:
    module = importlib.import_module(name)
    names = module.__all__
    assert isinstance(names, list) and all(isinstance(n, str) for n in names)
    assert len(names) == len(set(names)), "duplicates in __all__"
    assert not [n for n in names if n.startswith("_") and n != "__version__"]
    assert _exposed(module) == set(names) - {"__version__"} | ALIASES.get(name, set())


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_facades_export_every_generated_name(name: str) -> None:
    assert GENERATED[name] <= set(importlib.import_module(name).__all__)


def test_errors_export_every_hand_written_error() -> None:
    import ecrkit.errors

    assert set(_exceptions.__all__) <= set(ecrkit.errors.__all__)
    assert ecrkit.errors.ConnectionError is ecrkit.errors.EndpointConnectionError
    assert ecrkit.errors.TimeoutError is ecrkit.errors.TransportTimeoutError
    assert issubclass(ecrkit.errors.TransportTimeoutError, builtins.TimeoutError)


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_star_import_never_rebinds_a_builtin(name: str) -> None:
    namespace: dict[str, object] = {}
    exec(f"from {name} import *", namespace)
    assert not set(namespace) - {"__builtins__"} & set(dir(builtins))
    assert "RepositoryNotFoundException" in namespace or not name.endswith(".errors")
