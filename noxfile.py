"""Developer sessions. `python -m nox` runs lint, typecheck, codegen-check, the tests on
Python 3.11, 3.12 and 3.13, tests-min (the lowest declared dependency versions) and
bench-quick (a few-second smoke pass of the benchmark harness; timings not judged)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import nox

nox.options.sessions = ["lint", "typecheck", "codegen-check", "tests", "tests-min", "bench-quick"]
nox.options.reuse_existing_virtualenvs = True
nox.needs_version = ">=2024.3.2"

PYPROJECT = nox.project.load_toml("pyproject.toml")
PYTHONS = ["3.11", "3.12", "3.13"]
#: The runtime dependencies whose lowest declared versions tests-min installs.
FLOORED = ("aiohttp", "pydantic", "botocore")


def _find_pyenv_pythons() -> None:
    """Put pyenv's 3.11-3.13 interpreters on PATH, so nox finds them without an active pyenv.

    A missing interpreter is skipped with nox's message, except in CI (the ``CI``
    environment variable is set), where nox fails the run instead.
    """
    root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    found = [str(p) for v in PYTHONS for p in sorted(root.glob(f"{v}.*/bin")) if p.is_dir()]
    if found:
        os.environ["PATH"] = os.pathsep.join([os.environ.get("PATH", ""), *found])


_find_pyenv_pythons()


def _install(session: nox.Session, *groups: str, project: bool = True) -> None:
    session.install("--upgrade", "pip")
    requirements = [
        req for group in groups for req in nox.project.dependency_groups(PYPROJECT, group)
    ]
    if project:
        session.install("-e", ".", *requirements)
    else:
        session.install(*requirements)


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """The whole test suite (unit, functional, integration against moto, generated)."""
    _install(session, "test", "codegen")
    session.run("pytest", *session.posargs)


def _floors() -> list[str]:
    """``name==lowest`` for each floored runtime dependency, read from pyproject."""
    out = []
    for req in PYPROJECT["project"]["dependencies"]:
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)\s*>=\s*([0-9.]+)(,.*)?", req)
        if match and match[1] in FLOORED:
            out.append(f"{match[1]}=={match[2]}")
    assert len(out) == len(FLOORED), f"a floor is missing in {out}"
    return out


@nox.session(name="tests-min", python=PYTHONS[0])
def tests_min(session: nox.Session) -> None:
    """The suite on the lowest aiohttp, pydantic and botocore that pyproject declares.

    Tests that use botocore's copy of the ECR model as their oracle need the pinned
    release and skip themselves under the floor (`tests/_pins.py`).
    """
    floors = _floors()
    tools = [
        req
        for group in ("test", "codegen")
        for req in nox.project.dependency_groups(PYPROJECT, group)
        if not req.startswith(FLOORED)
    ]
    session.install("--upgrade", "pip")
    session.install("-e", ".", *tools, *floors)
    session.run("python", "-m", "pip", "list", "--format=freeze", silent=False)
    session.run("pytest", "-q", *session.posargs)


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict over src/ecrkit (generated code included) and typing_tests/."""
    _install(session, "typing")
    session.run("mypy", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff check and ruff format --check."""
    _install(session, "lint", project=False)
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def codegen(session: nox.Session) -> None:
    """Regenerate src/ecrkit/_generated from the pinned botocore (`-- --check` to verify)."""
    _install(session, "codegen")
    session.run("python", "-m", "tools.codegen", *session.posargs)


@nox.session(name="codegen-check")
def codegen_check(session: nox.Session) -> None:
    """Fail when the committed generated files differ from a fresh generation."""
    _install(session, "codegen")
    session.run("python", "-m", "tools.codegen", "--check")


@nox.session(name="update-model")
def update_model(session: nox.Session) -> None:
    """Move the botocore pin (`-- VERSION`, default the newest), log the API change in
    CHANGELOG.md under Unreleased, and regenerate. With the current pin: no change."""
    _install(session, "codegen")
    session.run("python", "-m", "tools.codegen.update_model", *session.posargs)
    pin = re.search(r'BOTOCORE_PIN = "([0-9.]+)"', Path("tools/codegen/loader.py").read_text())
    assert pin, "BOTOCORE_PIN not found in tools/codegen/loader.py"
    session.install(f"botocore=={pin[1]}")
    session.run("python", "-m", "tools.codegen")


@nox.session(python=PYTHONS)
def bench(session: nox.Session) -> None:
    """The benchmark: ecrkit vs aiobotocore vs a raw-aiohttp floor and the same floor with
    ecrkit's models (docs/performance.md), on each Python: `-s bench` runs all three in
    turn, `-s bench-3.12` one. Not in the default run. Options go after `--`: `--runs N`,
    `--rounds N`, `--quick`, `--markdown PATH` (`{python}` in PATH becomes the version).
    """
    _install(session, "bench")
    session.run("python", "-m", "bench.run", *session.posargs)


@nox.session(name="bench-quick")
def bench_quick(session: nox.Session) -> None:
    """A few-second pass of every benchmark scenario so the harness never rots."""
    _install(session, "bench")
    session.run("python", "-m", "bench.run", "--quick", *session.posargs)
    session.run("python", "-m", "bench.parse_cost", "--calls", "1", "--ab", "1")
