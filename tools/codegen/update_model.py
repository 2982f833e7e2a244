"""``python -m tools.codegen.update_model [VERSION]``: move the botocore pin, log the API change.

Downloads the wheels of the pinned and the target botocore release (no install),
compares each service's model documents inside them (every services/*.toml), writes the summary into
CHANGELOG.md under "Unreleased", and rewrites the pin everywhere it appears.
Regenerating is the next step (``nox -s update-model`` does both). Without a
VERSION the newest release on the package index is the target. When the target
is the pinned release, nothing is changed.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from . import loader
from .model_diff import Models, diff_models, render
from .spec import ServiceSpec, load_all

ROOT = Path(__file__).resolve().parents[2]
CHANGELOG = ROOT / "CHANGELOG.md"
#: Every file that names the pinned release, and how it names it.
PIN_SITES: tuple[tuple[str, str], ...] = (
    ("pyproject.toml", "botocore=={v}"),
    ("tools/codegen/loader.py", 'BOTOCORE_PIN = "{v}"'),
    ("docs/design/models.md", "botocore **{v}**"),
)
UNRELEASED = "## [Unreleased]"


def download(version: str | None, dest: Path) -> Path:
    """The botocore wheel of ``version`` (the newest when None), fetched into ``dest``."""
    spec = "botocore" if version is None else f"botocore=={version}"
    pip = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps"]
    subprocess.run([*pip, "--only-binary=:all:", "--dest", str(dest), spec], check=True)
    wheels = sorted(dest.glob("botocore-*.whl"))
    if version is not None:
        wheels = [w for w in wheels if w.name.startswith(f"botocore-{version}-")]
    if len(wheels) != 1:
        raise SystemExit(f"expected one botocore wheel for {spec} in {dest}, found {wheels}")
    return wheels[0]


def wheel_version(wheel: Path) -> str:
    return wheel.name.split("-")[1]


def models_from_wheel(wheel: Path, spec: ServiceSpec) -> Models:
    """The service, paginator and waiter documents of one service inside a wheel (empty
    paginators or waiters for a service that has none)."""
    base = f"botocore/data/{spec.model_name}/{spec.api_version}"
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())

        def read(name: str, empty: dict[str, Any] | None = None) -> dict[str, Any]:
            path = f"{base}/{name}"
            if empty is not None and path not in names and path + ".gz" not in names:
                return empty
            if path in names:
                data: dict[str, Any] = json.loads(zf.read(path))
            else:
                data = json.loads(gzip.decompress(zf.read(path + ".gz")))
            return data

        return Models(
            read("service-2.json"),
            read("paginators-1.json", {"pagination": {}}),
            read("waiters-2.json", {"version": 2, "waiters": {}}),
        )


def add_to_changelog(text: str, summary: str) -> str:
    """``text`` with ``summary`` as the first entry of its Unreleased section (made if absent,
    above the first release heading)."""
    lines = text.splitlines(keepends=True)
    if not any(line.rstrip() == UNRELEASED for line in lines):
        at = next((i for i, line in enumerate(lines) if line.startswith("## ")), len(lines))
        lines[at:at] = [UNRELEASED + "\n", "\n"]
    at = next(i for i, line in enumerate(lines) if line.rstrip() == UNRELEASED) + 1
    lines[at:at] = ["\n", summary.rstrip() + "\n"]
    return "".join(lines)


def move_pin(old: str, new: str, root: Path = ROOT) -> list[str]:
    """Rewrite ``old`` to ``new`` at every pin site; returns the files changed."""
    changed = []
    for rel, pattern in PIN_SITES:
        path = root / rel
        text = path.read_text()
        before, after = pattern.format(v=old), pattern.format(v=new)
        if before not in text:
            raise SystemExit(f"{rel}: pin {before!r} not found")
        path.write_text(text.replace(before, after))
        changed.append(rel)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.codegen.update_model")
    parser.add_argument("version", nargs="?", help="botocore release (default: the newest)")
    args = parser.parse_args(argv)
    old = loader.BOTOCORE_PIN
    if args.version is not None and not re.fullmatch(r"\d+\.\d+\.\d+", args.version):
        raise SystemExit(f"not a botocore release number: {args.version!r}")
    with tempfile.TemporaryDirectory() as tmp:
        new_wheel = download(args.version, Path(tmp) / "new")
        new = wheel_version(new_wheel)
        if new == old:
            print(f"botocore {old} is already pinned; nothing to do")
            return 0
        old_wheel = download(old, Path(tmp) / "old")
        summary = "\n".join(
            render(
                diff_models(
                    models_from_wheel(old_wheel, spec), models_from_wheel(new_wheel, spec), old, new
                ),
                spec.model_name,
            )
            for spec in load_all()
        )
    CHANGELOG.write_text(add_to_changelog(CHANGELOG.read_text(), summary))
    files = move_pin(old, new)
    print(summary)
    print(f"pin moved {old} -> {new} in {', '.join(files)}; CHANGELOG.md updated")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
