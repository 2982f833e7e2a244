"""Release facts checked on the checkout itself (no build needed): one version, a
README whose links still work on PyPI, a changelog that has this version and takes the
service model summaries of `nox -s update-model`."""

from __future__ import annotations

import importlib.metadata
import re
import tomllib
from pathlib import Path

from tools.codegen import update_model

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


def test_changelog_has_an_unreleased_section_and_this_version() -> None:
    """Keep a Changelog: `[Unreleased]` first, then a section for ``ecrkit.__version__``,
    each with its link at the bottom."""
    changelog = (ROOT / "CHANGELOG.md").read_text()
    versions = re.findall(r"^## \[([^\]]+)\]", changelog, re.MULTILINE)
    assert versions[:2] == ["Unreleased", ecrkit.__version__], versions
    for version in versions:
        assert f"\n[{version}]: https://github.com/ecrkit/ecrkit/" in changelog, version


def test_update_model_writes_into_the_unreleased_section() -> None:
    """`nox -s update-model` puts its summary first under Unreleased, above this release."""
    summary = "### Service model: ecr (botocore 1.0.0 -> 1.0.1)\n\nNo API changes.\n"
    updated = update_model.add_to_changelog((ROOT / "CHANGELOG.md").read_text(), summary)
    unreleased = updated.split("\n## [Unreleased]\n", 1)[1].split("\n## [", 1)[0]
    assert unreleased.lstrip().startswith(summary)
