"""Developer sessions. `python -m nox` runs lint, typecheck, codegen-check, tests and
bench-quick (a few-second smoke pass of the benchmark harness; timings not judged)."""

from __future__ import annotations

import nox

nox.options.sessions = ["lint", "typecheck", "codegen-check", "tests", "bench-quick"]
nox.options.reuse_existing_virtualenvs = True
nox.needs_version = ">=2024.3.2"

PYPROJECT = nox.project.load_toml("pyproject.toml")


def _install(session: nox.Session, *groups: str, project: bool = True) -> None:
    session.install("--upgrade", "pip")
    requirements = [
        req for group in groups for req in nox.project.dependency_groups(PYPROJECT, group)
    ]
    if project:
        session.install("-e", ".", *requirements)
    else:
        session.install(*requirements)


@nox.session
def tests(session: nox.Session) -> None:
    """The whole test suite (unit, functional, integration against moto, generated)."""
    _install(session, "test", "codegen")
    session.run("pytest", *session.posargs)


@nox.session
def typecheck(session: nox.Session) -> None:
    """Both checkers users run, with no plugin: mypy --strict and pyright strict over
    src/ecrkit (generated code included), typing_tests/ and the README/docs code
    samples; mypy over tests/ and tools/; ``pyright --verifytypes`` at 100%."""
    _install(session, "typing", "test")
    # Not under .nox/: pyright skips dot-directories even when named on the command line.
    samples = "build/doc-samples"
    session.run("python", "tools/doc_samples.py", samples)
    session.run("mypy", *session.posargs)  # src/ecrkit + typing_tests (pyproject)
    session.run("mypy", "--strict", samples)
    session.run("mypy", "--explicit-package-bases", "tests", "tools")
    session.run("pyright")  # src/ecrkit + typing_tests (pyproject)
    session.run("pyright", samples)
    session.run("pyright", "--verifytypes", "ecrkit", "--ignoreexternal")


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


@nox.session
def bench(session: nox.Session) -> None:
    """The benchmark: ecrkit vs aiobotocore vs a raw-aiohttp floor (docs/performance.md).

    Not in the default run. Options go after `--`: `--runs N`, `--rounds N`, `--quick`,
    `--markdown PATH`.
    """
    _install(session, "bench")
    session.run("python", "-m", "bench.run", *session.posargs)


@nox.session(name="bench-quick")
def bench_quick(session: nox.Session) -> None:
    """A few-second pass of every benchmark scenario so the harness never rots."""
    _install(session, "bench")
    session.run("python", "-m", "bench.run", "--quick", *session.posargs)
    session.run("python", "-m", "bench.parse_cost", "--calls", "1", "--ab", "1")
