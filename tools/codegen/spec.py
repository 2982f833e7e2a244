"""The per-service input of the generator: ``tools/codegen/services/<name>.toml``.

Everything service-specific the generator needs (which botocore model, where the output
goes, the client's name, the docs reference, secrets, retry overrides) is read from
there, so a new AWS JSON service is a new TOML file and nothing else in tools/codegen.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SERVICES = Path(__file__).resolve().parent / "services"
#: The service a call that names none means (the toy models of the tests, the defaults of
#: ``generate()`` / ``loader.load()``): the project's first service.
DEFAULT_SERVICE = "ecr"


@dataclass(frozen=True)
class ServiceSpec:
    """One service's generator input (see services/ecr.toml for what each key means)."""

    #: The TOML file's stem (``ecr``, ``ecr-public``).
    key: str
    #: botocore's data directory name and the API version under it.
    model_name: str
    api_version: str
    #: The generated package (dotted, e.g. ``ecrkit._generated``).
    package: str
    #: The hand-written facade package (``ecrkit``, ``ecrkit.public``) and the facade
    #: modules in it whose generated-names block the generator keeps current.
    facade: str
    facade_modules: tuple[str, ...]
    client_class: str
    stubber_class: str
    #: The reference pages' directory (relative to the repository root).
    reference_dir: str
    title: str
    client_variable: str
    api_reference: str
    sensitive_members: frozenset[str]
    #: Error codes the service uses for something other than throttling.
    not_throttling: frozenset[str]

    @property
    def out_dir(self) -> Path:
        """The generated package's directory."""
        return ROOT / "src" / Path(*self.package.split("."))

    @property
    def facade_dir(self) -> Path:
        """The facade package's directory."""
        return ROOT / "src" / Path(*self.facade.split("."))

    @property
    def docs_dir(self) -> Path:
        return ROOT / self.reference_dir


def _table(doc: dict[str, Any], name: str, where: Path) -> dict[str, Any]:
    value = doc.get(name)
    if not isinstance(value, dict):
        raise ValueError(f"{where}: needs a [{name}] table")
    return value


def _get(table: dict[str, Any], key: str, kind: type, where: str) -> Any:
    if key not in table:
        raise ValueError(f"{where}: missing key {key!r}")
    value = table[key]
    if kind is list:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"{where}: {key!r} must be a list of strings, not {value!r}")
    elif not isinstance(value, kind) or not value:
        raise ValueError(f"{where}: {key!r} must be a non-empty {kind.__name__}, not {value!r}")
    return value


_KNOWN = {
    "model": {"name", "api_version"},
    "output": {"package", "facade", "facade_modules", "client_class", "stubber_class"},
    "docs": {"reference_dir", "title", "client_variable", "api_reference"},
    "security": {"sensitive_members"},
    "retry": {"not_throttling"},
}


def parse(doc: dict[str, Any], key: str, where: Path) -> ServiceSpec:
    """A spec from a parsed TOML document; unknown tables or keys are errors (typos)."""
    for name in doc:
        if name not in _KNOWN:
            raise ValueError(f"{where}: unknown table [{name}]")
    tables = {name: _table(doc, name, where) for name in _KNOWN}
    for name, table in tables.items():
        unknown = sorted(set(table) - _KNOWN[name])
        if unknown:
            raise ValueError(f"{where}: unknown key(s) {unknown} in [{name}]")

    def get(table: str, name: str, kind: type = str) -> Any:
        return _get(tables[table], name, kind, f"{where} [{table}]")

    return ServiceSpec(
        key=key,
        model_name=get("model", "name"),
        api_version=get("model", "api_version"),
        package=get("output", "package"),
        facade=get("output", "facade"),
        facade_modules=tuple(get("output", "facade_modules", list)),
        client_class=get("output", "client_class"),
        stubber_class=get("output", "stubber_class"),
        reference_dir=get("docs", "reference_dir"),
        title=get("docs", "title"),
        client_variable=get("docs", "client_variable"),
        api_reference=get("docs", "api_reference"),
        sensitive_members=frozenset(get("security", "sensitive_members", list)),
        not_throttling=frozenset(get("retry", "not_throttling", list)),
    )


def load(path: Path) -> ServiceSpec:
    """Read one services/*.toml file."""
    with path.open("rb") as f:
        doc = tomllib.load(f)
    return parse(doc, path.stem, path)


def load_all(directory: Path = SERVICES) -> list[ServiceSpec]:
    """Every service the generator generates, ECR first (stable output order)."""
    specs = sorted((load(p) for p in directory.glob("*.toml")), key=lambda s: s.key)
    packages = [s.package for s in specs]
    if len(set(packages)) != len(packages):
        raise ValueError(f"two services generate into the same package: {packages}")
    return specs


def by_key(key: str = DEFAULT_SERVICE) -> ServiceSpec:
    """The spec of ``services/<key>.toml`` (the default service's without a key)."""
    return load(SERVICES / f"{key}.toml")
