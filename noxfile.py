"""Developer sessions. `python -m nox` runs lint, typecheck, codegen-check, the tests on
Python 3.11, 3.12 and 3.13, tests-min (the lowest declared dependency versions), build
(sdist + wheel, checked), wheel-smoke (the tour from the built wheel) and bench-quick (a
few-second smoke pass of the benchmark harness; timings not judged), docs (the mkdocs site,
--strict) and docs-check (the built site in headless Chromium)."""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path

import nox

nox.options.sessions = [
    "lint",
    "typecheck",
    "codegen-check",
    "tests",
    "tests-min",
    "build",
    "wheel-smoke",
    "bench-quick",
    "docs",
    "docs-check",
]
nox.options.reuse_existing_virtualenvs = True
nox.needs_version = ">=2024.3.2"

PYPROJECT = nox.project.load_toml("pyproject.toml")
PYTHONS = ["3.11", "3.12", "3.13"]
#: The runtime dependencies whose lowest declared versions tests-min installs.
FLOORED = ("aiohttp", "pydantic", "botocore")
DIST = Path("dist").resolve()
SITE = Path("site").resolve()
CHROMIUM = "/usr/bin/chromium"
#: mkdocs-material prints a banner about MkDocs 2 on every build without this.
_MKDOCS_ENV = {"NO_MKDOCS_2_WARNING": "1"}
#: Set when `docs` built site/ in this nox run, so `docs-check` checks that build.
_BUILT_SITE: list[Path] = []
#: The wheel `build` made in this nox run, for `wheel-smoke` to install (never a stale one).
_BUILT_WHEELS: list[Path] = []


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
    """The whole test suite (unit, functional, integration against moto, generated).

    Property tests run at full size (hypothesis profile ``ci``) on the first Python and
    at a fifth of it (``quick``) on the others, so three Pythons fit CI's budget;
    ``ECRKIT_HYPOTHESIS_PROFILE`` overrides both (``thorough`` for local runs).
    """
    _install(session, "test", "codegen")
    profile = "ci" if session.python == PYTHONS[0] else "quick"
    env = {"ECRKIT_HYPOTHESIS_PROFILE": os.environ.get("ECRKIT_HYPOTHESIS_PROFILE", profile)}
    session.run("pytest", *session.posargs, env=env)


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
    """Both checkers users run, with no plugin: mypy --strict and pyright strict over
    src/ecrkit (generated code included), typing_tests/ and the README/docs code
    samples; mypy over tests/ and tools/ (tools/ also --strict); ``pyright --verifytypes`` at 100%."""
    _install(session, "typing", "test")
    # Not under .nox/: pyright skips dot-directories even when named on the command line.
    samples = "build/doc-samples"
    session.run("python", "tools/doc_samples.py", samples)
    session.run("mypy", *session.posargs)  # src/ecrkit + typing_tests (pyproject)
    session.run("mypy", "--strict", samples)
    session.run("mypy", "--explicit-package-bases", "tests", "tools")
    session.run("mypy", "--strict", "--explicit-package-bases", "tools")  # the generator
    session.run("mypy", "--strict", "examples/cleanup")  # the example project, as users check it
    session.run("pyright", "examples/cleanup")
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
    """Regenerate every service of tools/codegen/services/*.toml (its generated package and
    docs reference) from the pinned botocore (`-- --check` to verify them)."""
    _install(session, "codegen")
    session.run("python", "-m", "tools.codegen", *session.posargs)


@nox.session(name="codegen-check")
def codegen_check(session: nox.Session) -> None:
    """Fail when the committed generated files (code and docs/reference) differ from a
    fresh generation."""
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


def _build_dists(session: nox.Session, outdir: Path) -> tuple[Path, Path]:
    """`python -m build` (the sdist, then the wheel from it) into an emptied outdir."""
    outdir.mkdir(parents=True, exist_ok=True)
    for old in outdir.glob("ecrkit-*"):
        old.unlink()
    session.run("python", "-m", "build", "--outdir", str(outdir))
    (sdist,) = outdir.glob("ecrkit-*.tar.gz")
    (wheel,) = outdir.glob("ecrkit-*.whl")
    return sdist, wheel


@nox.session
def build(session: nox.Session) -> None:
    """Build the sdist and wheel into dist/, `twine check --strict` them, and check what
    each one ships (tests/packaging/test_dist.py: py.typed, every generated module, no
    tests in the wheel; tests, docs and tools in the sdist; license and metadata)."""
    _install(session, "release", project=False)
    sdist, wheel = _build_dists(session, DIST)
    session.run("twine", "check", "--strict", str(sdist), str(wheel))
    session.run(
        "pytest",
        "--noconftest",  # the root conftest imports ecrkit; these tests only read files
        "-p",
        "no:cacheprovider",
        "tests/packaging/test_dist.py",
        *session.posargs,
        env={"ECRKIT_DIST_DIR": str(DIST)},
    )
    _BUILT_WHEELS.append(wheel)


# Run by the fresh venv's Python: ecrkit comes from that venv, not from the checkout.
_CHECK_INSTALLED = """
import importlib.metadata, pathlib, sys
import ecrkit
where = pathlib.Path(ecrkit.__file__).resolve().parent
assert pathlib.Path(sys.prefix).resolve() in where.parents, f"ecrkit imported from {where}"
assert importlib.metadata.version("ecrkit") == ecrkit.__version__
assert (where / "py.typed").is_file()
print(f"ecrkit {ecrkit.__version__} from {where}")
"""


@nox.session(name="wheel-smoke")
def wheel_smoke(session: nox.Session) -> None:
    """Install the built wheel (not the checkout) with the `local` extra into a fresh venv
    in a temp dir, and run `python -m ecrkit.tour` there against a local moto.

    Uses the wheel `build` made earlier in the same nox run; run alone, it builds one, or
    installs the wheel given after `--`.
    """
    if session.posargs:
        wheel = Path(session.posargs[0]).resolve()
    elif _BUILT_WHEELS:
        wheel = _BUILT_WHEELS[-1]
    else:
        _install(session, "release", project=False)
        _, wheel = _build_dists(session, Path(session.create_tmp()) / "dist")
    with tempfile.TemporaryDirectory(prefix="ecrkit-wheel-smoke-") as tmp:
        venv = Path(tmp) / "venv"
        session.run("python", "-m", "venv", str(venv))
        python = str(venv / ("Scripts" if sys.platform == "win32" else "bin") / "python")
        # --no-compile: moto is thousands of modules, the tour imports a few of them.
        pip = [python, "-m", "pip", "--disable-pip-version-check", "install", "-q", "--no-compile"]
        session.run(*pip, f"{wheel}[local]", external=True)
        with session.chdir(tmp):  # nothing from the checkout on sys.path
            session.run(python, "-c", _CHECK_INSTALLED, external=True)
            session.run(python, "-m", "ecrkit.tour", external=True)


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


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation site into site/ with `mkdocs build --strict` (a warning, a
    broken link or a missing reference fails). `-- serve` serves it on 127.0.0.1:8000."""
    _install(session, "docs")
    if session.posargs[:1] == ["serve"]:
        session.run(
            "mkdocs",
            "serve",
            "--strict",
            "-a",
            "127.0.0.1:8000",
            *session.posargs[1:],
            env=_MKDOCS_ENV,
        )
        return
    session.run(
        "mkdocs", "build", "--strict", "--site-dir", str(SITE), *session.posargs, env=_MKDOCS_ENV
    )
    session.log(f"built {len(list(SITE.rglob('index.html')))} pages into {SITE}")
    _BUILT_SITE.append(SITE)


def _ensure_chromium(session: nox.Session) -> str:
    """Debian's chromium, installed with apt-get when absent (CI runs as root)."""
    if not Path(CHROMIUM).exists():
        if os.geteuid() != 0:
            session.error(f"{CHROMIUM} is missing: `apt-get install -y chromium` (as root)")
        session.run("apt-get", "update", "-qq", external=True)
        session.run("apt-get", "install", "-y", "-qq", "chromium", external=True)
    return CHROMIUM


@nox.session(name="docs-check")
def docs_check(session: nox.Session) -> None:
    """Serve the built site on 127.0.0.1 and check it in headless Chromium
    (tools/docs_check.py): home page, the describe_images reference, a search for
    `lifecycle`; no console errors, no failed request; screenshots in site/_check/. A
    self-test first shows that the checker reports a broken page."""
    _install(session, "docs")
    chromium = _ensure_chromium(session)
    if not _BUILT_SITE:
        session.run(
            "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(SITE), env=_MKDOCS_ENV
        )
    session.run(
        "python",
        "-m",
        "tools.docs_check",
        "--site",
        str(SITE),
        "--chromium",
        chromium,
        *session.posargs,
    )
