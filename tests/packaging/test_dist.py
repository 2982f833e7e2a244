"""The built sdist and wheel: what each one ships (``nox -s build`` runs this).

Reads the files in ``$ECRKIT_DIST_DIR`` (as ``python -m build`` leaves them) and skips
without it, so the normal test run needs no build. Runs without the root conftest
(``--noconftest``): it needs neither ecrkit nor moto, only the files.
"""

from __future__ import annotations

import os
import re
import subprocess
import tarfile
import zipfile
from email.message import Message
from email.parser import Parser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "ecrkit"


def _source_version() -> str:
    found = re.search(r'^__version__ = "(.+)"$', (PACKAGE / "__init__.py").read_text(), re.M)
    assert found, "no __version__ line in src/ecrkit/__init__.py"
    return found[1]


VERSION = _source_version()
DIST_INFO = f"ecrkit-{VERSION}.dist-info"
#: What a downstream packager needs from the sdist to run the tests and nox sessions.
SDIST_TREES = ["src/ecrkit", "tests", "typing_tests", "docs", "examples", "tools", "bench"]
SDIST_FILES = ["LICENSE", "CHANGELOG.md", "README.md", "pyproject.toml", "noxfile.py", "mkdocs.yml"]
GITHUB = "https://github.com/ecrkit/ecrkit"


def _dist_dir() -> Path:
    value = os.environ.get("ECRKIT_DIST_DIR")
    if not value:
        pytest.skip("no built distributions to inspect: set ECRKIT_DIST_DIR (nox -s build does)")
    return Path(value)


def _one(pattern: str) -> Path:
    found = sorted(_dist_dir().glob(pattern))
    assert len(found) == 1, f"want one {pattern} in {_dist_dir()}, found {found}"
    return found[0]


@pytest.fixture(scope="module")
def wheel() -> zipfile.ZipFile:
    return zipfile.ZipFile(_one(f"ecrkit-{VERSION}-py3-none-any.whl"))


@pytest.fixture(scope="module")
def sdist() -> dict[str, tarfile.TarInfo]:
    """The sdist's members, by path below its ``ecrkit-<version>/`` folder."""
    with tarfile.open(_one(f"ecrkit-{VERSION}.tar.gz")) as archive:
        members = archive.getmembers()
    top = f"ecrkit-{VERSION}/"
    assert all(m.name.startswith(top) for m in members), "members outside the top folder"
    return {m.name.removeprefix(top): m for m in members if m.isfile()}


def package_files() -> set[str]:
    """Every file of src/ecrkit as the wheel names it (caches aside)."""
    return {
        f"ecrkit/{path.relative_to(PACKAGE).as_posix()}"
        for path in PACKAGE.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def tracked_files(*paths: str) -> set[str]:
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--", *paths], cwd=ROOT, capture_output=True, check=True
        ).stdout.decode()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: the tracked files are unknown")
    return {name for name in listed.split("\0") if name}


def parse_metadata(text: str) -> Message:
    return Parser().parsestr(text)


# -- the wheel --------------------------------------------------------------------------


def test_wheel_ships_py_typed(wheel: zipfile.ZipFile) -> None:
    assert "ecrkit/py.typed" in wheel.namelist(), "type checkers ignore a package without it"


def test_wheel_ships_every_generated_module(wheel: zipfile.ZipFile) -> None:
    generated = {name for name in package_files() if name.startswith("ecrkit/_generated")}
    assert "ecrkit/_generated/client.py" in generated
    assert "ecrkit/_generated_public/client.py" in generated  # ECR Public
    assert "ecrkit/_generated_shared/partitions.py" in generated
    missing = generated - set(wheel.namelist())
    assert not missing, f"generated modules missing from the wheel: {sorted(missing)}"


def test_wheel_is_the_package_and_its_metadata_only(wheel: zipfile.ZipFile) -> None:
    names = set(wheel.namelist())
    package = {name for name in names if not name.startswith(f"{DIST_INFO}/")}
    assert package == package_files(), (
        f"not in src/ecrkit: {sorted(package - package_files())};"
        f" missing: {sorted(package_files() - package)}"
    )
    for unwanted in ("tests/", "tools/", "bench/", "docs/", "examples/", "__pycache__"):
        assert not [name for name in names if unwanted in name], unwanted
    metadata = {name.removeprefix(f"{DIST_INFO}/") for name in names - package}
    assert metadata == {"METADATA", "WHEEL", "RECORD", "licenses/LICENSE", "entry_points.txt"}
    # ecrkit.testing's pytest plugin, and nothing else.
    entry_points = wheel.read(f"{DIST_INFO}/entry_points.txt").decode().split()
    assert entry_points == ["[pytest11]", "ecrkit", "=", "ecrkit.testing._plugin"]


def test_wheel_license_is_the_apache_license(wheel: zipfile.ZipFile) -> None:
    shipped = wheel.read(f"{DIST_INFO}/licenses/LICENSE").decode()
    assert shipped == (ROOT / "LICENSE").read_text()
    assert "Apache License\n                           Version 2.0, January 2004" in shipped


def test_wheel_metadata(wheel: zipfile.ZipFile) -> None:
    meta = parse_metadata(wheel.read(f"{DIST_INFO}/METADATA").decode())
    assert (meta["Name"], meta["Version"]) == ("ecrkit", VERSION)
    assert meta["License-Expression"] == "Apache-2.0"
    assert meta.get_all("License-File") == ["LICENSE"]
    assert meta["Requires-Python"] == ">=3.11"
    classifiers = meta.get_all("Classifier") or []
    assert [c for c in classifiers if c.startswith("Development Status :: ")], classifiers
    assert "Typing :: Typed" in classifiers
    urls = dict(url.split(", ", 1) for url in meta.get_all("Project-URL") or [])
    assert set(urls) == {"Homepage", "Source", "Issues", "Changelog", "Documentation"}
    assert all(url.startswith(GITHUB) for url in urls.values()), urls
    assert urls["Changelog"].endswith("/CHANGELOG.md")
    assert meta.get_all("Provides-Extra") == ["local"]
    assert meta["Description-Content-Type"] == "text/markdown"
    assert meta.get_payload() == (ROOT / "README.md").read_text()


# -- the sdist --------------------------------------------------------------------------


def test_sdist_ships_what_the_tests_need(sdist: dict[str, tarfile.TarInfo]) -> None:
    wanted = tracked_files(*SDIST_TREES, *SDIST_FILES)
    assert "tests/conftest.py" in wanted
    assert set(SDIST_FILES) <= wanted, "a top-level file is not tracked"
    missing = wanted - set(sdist)
    assert not missing, f"tracked files missing from the sdist: {sorted(missing)}"


def test_sdist_leaves_out_local_state(sdist: dict[str, tarfile.TarInfo]) -> None:
    top = {name.split("/")[0] for name in sdist}
    trees = {tree.split("/")[0] for tree in SDIST_TREES}
    assert top == {*SDIST_FILES, *trees, "PKG-INFO", ".gitignore"}  # hatchling adds both
    junk = [name for name in sdist if "__pycache__" in name or name.endswith(".pyc")]
    assert not junk


def test_sdist_metadata(sdist: dict[str, tarfile.TarInfo]) -> None:
    with tarfile.open(_one(f"ecrkit-{VERSION}.tar.gz")) as archive:
        member = archive.extractfile(f"ecrkit-{VERSION}/PKG-INFO")
        assert member is not None
        meta = parse_metadata(member.read().decode())
    assert (meta["Name"], meta["Version"]) == ("ecrkit", VERSION)
    assert meta["License-Expression"] == "Apache-2.0"
