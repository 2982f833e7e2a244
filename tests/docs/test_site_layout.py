"""mkdocs.yml: every guide is in the navigation, every nav entry exists, and the README
links each guide and the reference (absolute links: the README is also PyPI's page)."""

from __future__ import annotations

import re

from tests.docs._blocks import ROOT

CONFIG = (ROOT / "mkdocs.yml").read_text()
NAV = re.findall(r"^\s+- [^:]+: (\S+\.md)$", CONFIG.split("\nnav:\n", 1)[1], re.MULTILINE)
EXCLUDED = {"releasing.md"}  # exclude_docs in mkdocs.yml: for contributors, not the site


def test_every_guide_is_in_the_nav_and_every_entry_exists() -> None:
    guides = {p.name for p in (ROOT / "docs").glob("*.md")} - EXCLUDED
    assert guides <= set(NAV), sorted(guides - set(NAV))
    missing = [entry for entry in NAV if not (ROOT / "docs" / entry).is_file()]
    assert not missing, missing


def test_the_readme_links_the_guides_and_the_reference() -> None:
    readme = (ROOT / "README.md").read_text()
    base = "https://github.com/ecrkit/ecrkit/blob/main/docs/"
    for entry in NAV:
        if entry == "index.md" or entry.startswith("api/"):
            continue
        assert f"]({base}{entry})" in readme, entry
