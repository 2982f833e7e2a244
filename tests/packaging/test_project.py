"""Release facts checked on the checkout itself (no build needed): one version, and a
README whose links still work on PyPI."""

from __future__ import annotations

import importlib.metadata
import re
import tomllib
from pathlib import Path

import ecrkit

ROOT = Path(__file__).resolve().parents[2]


def test_the_version_has_one_source() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert "version" not in project
    assert "version" in project["dynamic"]
    installed = importlib.metadata.version("ecrkit")
    assert installed == ecrkit.__version__, (
        f"installed metadata says {installed}, ecrkit.__version__ is {ecrkit.__version__}"
        " (reinstall: the version is read at install time)"
    )


def test_readme_links_are_absolute() -> None:
    """PyPI shows the README without the repository around it: relative links are dead."""
    readme = (ROOT / "README.md").read_text()
    targets = re.findall(r"\]\(([^)\s]+)", readme)  # [text](target), ![alt](target)
    targets += re.findall(r"^\s*\[[^\]]+\]:\s*(\S+)", readme, re.MULTILINE)  # [ref]: target
    targets += re.findall(r"""(?:src|href)=["']([^"']+)""", readme)  # raw HTML
    assert targets, "no links found: has the README's link syntax changed?"
    relative = [target for target in targets if not target.startswith("https://")]
    assert not relative, f"links that are dead on PyPI: {relative}"


def test_readme_runs_the_tour_from_an_installed_package() -> None:
    readme = (ROOT / "README.md").read_text()
    assert 'pip install "ecrkit[local]" && python -m ecrkit.tour' in readme
