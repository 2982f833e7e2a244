"""The layering rules of docs/design/layers.md, checked on every runtime module's imports.

The runtime (``src/ecrkit/_*.py``, plus the public transport ``ecrkit.http`` when it
exists) knows no service: it never imports generated code (``ecrkit._generated*``), a
service facade (``ecrkit.models``, ``errors``, ``enums``, ``paginators``, ``waiters``,
``ecrkit.public``), ``ecrkit.testing``, ``ecrkit.registry`` or the tour, nor a name
of the package other than a runtime module or ``__version__``. botocore is imported by
no runtime module at import time, and inside functions only by the credential and
shared-config code. Imports are read with ``ast`` (every ``import`` statement,
``TYPE_CHECKING`` blocks and function bodies included), so a violation anywhere in a
module fails here. Only the transport imports aiohttp: that rule is ruff's
``banned-api`` (pyproject.toml), not repeated here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import ecrkit

PACKAGE = Path(ecrkit.__file__).parent
#: Public modules that are part of the runtime's layer (the transport interface).
PUBLIC_RUNTIME = ("http",)
#: Packages and modules of the package the runtime must not import.
FORBIDDEN = (
    "ecrkit._generated",  # and every ecrkit._generated* package (a prefix match)
    "ecrkit.models",
    "ecrkit.errors",
    "ecrkit.enums",
    "ecrkit.paginators",
    "ecrkit.waiters",
    "ecrkit.public",
    "ecrkit.registry",
    "ecrkit.testing",
    "ecrkit.tour",
)
#: The one name a runtime module may take from the package itself.
PACKAGE_NAMES = frozenset({"__version__"})
#: Runtime modules that may import botocore, inside a function (never at import time).
BOTOCORE_USERS = frozenset({"ecrkit._credentials", "ecrkit._shared_config"})


def runtime_modules() -> list[str]:
    """Dotted names of the runtime modules: ``ecrkit._*`` files and the public transport."""
    names = [
        f"ecrkit.{path.stem}"
        for path in sorted(PACKAGE.glob("_*.py"))
        if path.name != "__init__.py"
    ]
    names += [f"ecrkit.{name}" for name in PUBLIC_RUNTIME if (PACKAGE / f"{name}.py").exists()]
    return names


def _imports(tree: ast.Module, module: str) -> list[tuple[str, int, bool]]:
    """``(imported module, line, inside a function)`` for every import in ``tree``;
    ``from X import name`` also yields ``X.name`` (it may be a submodule)."""
    package = module.rpartition(".")[0]
    found: list[tuple[str, int, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Import):
                found.extend((alias.name, child.lineno, in_function) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    parts = package.split(".")[: len(package.split(".")) - (child.level - 1)]
                    base = ".".join([*parts, *([base] if base else [])])
                found.append((base, child.lineno, in_function))
                found.extend((f"{base}.{a.name}", child.lineno, in_function) for a in child.names)
            visit(child, nested)

    visit(tree, False)
    return found


def violations(source: str, module: str) -> list[str]:
    """What breaks the layering rules in ``source``, the text of runtime module ``module``."""
    out: list[str] = []
    for name, line, in_function in _imports(ast.parse(source), module):
        where = f"{module}:{line} imports {name}"
        if any(name == bad or name.startswith(bad) for bad in FORBIDDEN):
            out.append(f"{where}: generated code or a facade")
        elif name.startswith("ecrkit.") and name.count(".") == 1:
            leaf = name.partition(".")[2]
            if not leaf.startswith("_") and leaf not in PUBLIC_RUNTIME:
                out.append(f"{where}: a public name of the package, not a runtime module")
            elif leaf.startswith("__") and leaf not in PACKAGE_NAMES:
                out.append(f"{where}: a name of the package, not a runtime module")
        elif name == "botocore" or name.startswith("botocore."):
            if not in_function:
                out.append(f"{where}: botocore at import time")
            elif module not in BOTOCORE_USERS:
                out.append(f"{where}: botocore outside the credential and config code")
    return out


@pytest.mark.parametrize("module", runtime_modules())
def test_runtime_module_keeps_to_its_layer(module: str) -> None:
    path = PACKAGE / f"{module.partition('.')[2]}.py"
    assert violations(path.read_text(encoding="utf-8"), module) == []


def test_the_runtime_is_all_there() -> None:
    found = runtime_modules()
    for expected in ("_client_base", "_region", "_skew", "_presign", "_retries", "_model"):
        assert f"ecrkit.{expected}" in found
    assert not [name for name in found if name.startswith("ecrkit._generated")]


# -- the check can fail: synthetic modules with each kind of violation -----------------

BAD = {
    "generated, relative": "from ._generated.client import ECRClient\n",
    "generated, absolute": "import ecrkit._generated.errors\n",
    "another generated package": "from ecrkit._generated_public import client\n",
    "a facade, as a submodule": "from . import models\n",
    "a facade, absolute": "from ecrkit.errors import RepositoryNotFoundException\n",
    "a public name of the package": "from ecrkit import ECRClient\n",
    "the testing package": "from ecrkit.testing import Stubber\n",
    "the registry": "import ecrkit.registry\n",
    "ECR Public's facade": "from ecrkit.public import ECRPublicClient\n",
    "only for type checking": (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from ecrkit.models import ImageDetail\n"
    ),
    "inside a function": "def f():\n    from .paginators import PAGINATORS\n",
    "botocore at import time": "import botocore.session\n",
    "botocore in the pipeline": "def f():\n    from botocore import xform_name\n",
}
GOOD = {
    "runtime modules": "from ._retries import throttling_codes\nfrom ecrkit import _setup\n",
    "the version": "def f():\n    from . import __version__\n",
    "the public transport": "from ecrkit.http import Transport\n",
    "third-party code": "import aiohttp\nfrom pydantic import BaseModel\n",
    "a name that only starts like a facade": "from ecrkit._model import ServiceModel\n",
}


@pytest.mark.parametrize("source", BAD.values(), ids=list(BAD))
def test_a_bad_import_is_caught(source: str) -> None:
    assert violations(source, "ecrkit._synthetic")


@pytest.mark.parametrize("source", GOOD.values(), ids=list(GOOD))
def test_a_good_import_passes(source: str) -> None:
    assert violations(source, "ecrkit._synthetic") == []


def test_botocore_is_allowed_lazily_in_the_credential_code() -> None:
    source = "def f():\n    import botocore.session\n"
    assert violations(source, "ecrkit._credentials") == []
    assert violations("import botocore.session\n", "ecrkit._credentials")


def test_a_bad_import_in_a_file_on_disk_fails_the_real_check(tmp_path: Path) -> None:
    """The same reading as for the package's files: a module written to disk."""
    bad = tmp_path / "_bad.py"
    bad.write_text('"""A runtime module that knows ECR."""\n\nfrom ._generated import errors\n')
    assert violations(bad.read_text(encoding="utf-8"), "ecrkit._bad") == [
        "ecrkit._bad:3 imports ecrkit._generated: generated code or a facade",
        "ecrkit._bad:3 imports ecrkit._generated.errors: generated code or a facade",
    ]
