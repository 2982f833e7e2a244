"""Developer sessions. `python -m nox` runs lint, typecheck, codegen-check and tests."""

from __future__ import annotations

import nox

nox.options.sessions = ["lint", "typecheck", "codegen-check", "tests"]
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
