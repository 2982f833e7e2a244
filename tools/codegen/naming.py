"""Python names for model names: botocore's snake_case, with clashes resolved."""

from __future__ import annotations

import ast
import keyword

from botocore import xform_name
from pydantic import BaseModel

# Soft keywords as of Python 3.11, fixed here so the output does not depend on the
# interpreter that runs the generator (3.12 added ``type``, which stays a valid
# field name: ``ImageActionType.type``).
_SOFT_KEYWORDS = frozenset({"_", "case", "match"})
# Names a field may not take: Python keywords, BaseModel's own attributes, and the
# builtins the generated annotations use (class bodies evaluate annotations in
# order, so a field called ``float`` would shadow the type for later fields).
_RESERVED = (
    set(keyword.kwlist)
    | _SOFT_KEYWORDS
    | {n for n in dir(BaseModel) if not n.startswith("__")}
    | {"str", "int", "float", "bool", "bytes", "list", "dict"}
)


def field_name(wire_name: str) -> str:
    """snake_case exactly as ``botocore.xform_name``; a trailing ``_`` on clashes."""
    name: str = xform_name(wire_name)
    if name in _RESERVED or name.startswith("model_"):
        name += "_"
    return name


def operation_name(op_name: str) -> str:
    """The boto3 method name of an operation (``DescribeImages`` -> ``describe_images``)."""
    name: str = xform_name(op_name)
    return name


def typed_dict_name(structure: str) -> str:
    """The TypedDict of a structure's dict form: ``ImageIdentifier`` -> ``ImageIdentifierDict``."""
    return f"{structure}Dict"


def module_name(shape_name: str) -> str:
    """The module of a shared shape (``ImageScanStatus`` -> ``image_scan_status``)."""
    name: str = xform_name(shape_name)
    return name + "_" if keyword.iskeyword(name) else name


def enum_member(value: str) -> str:
    """A Python identifier for an enum value (``sha256:abc`` -> ``SHA256_ABC``)."""
    out = "".join(ch if ch.isalnum() else "_" for ch in value).upper().strip("_") or "EMPTY"
    if out[0].isdigit():
        out = "V_" + out
    while "__" in out:
        out = out.replace("__", "_")
    return out


def _bindings(tree: ast.Module) -> list[tuple[str, str, bool]]:
    """(name, what binds it, is an import) for each module-level binding, including
    those inside ``if TYPE_CHECKING:`` blocks."""
    out: list[tuple[str, str, bool]] = []
    body = list(tree.body)
    while body:
        node = body.pop(0)
        if isinstance(node, ast.If):
            body[:0] = [*node.body, *node.orelse]
        elif isinstance(node, ast.ImportFrom):
            source = "." * node.level + (node.module or "")
            for alias in node.names:
                if alias.name != "*":
                    out.append(
                        (alias.asname or alias.name, f"from {source} import {alias.name}", True)
                    )
        elif isinstance(node, ast.Import):
            for alias in node.names:
                out.append(
                    (alias.asname or alias.name.partition(".")[0], f"import {alias.name}", True)
                )
        elif isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            kind = "class" if isinstance(node, ast.ClassDef) else "def"
            out.append((node.name, f"{kind} {node.name}", False))
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            out.extend((t.id, f"{t.id} = ...", False) for t in targets if isinstance(t, ast.Name))
    return out


def check_module_names(sources: dict[str, str]) -> None:
    """Fail when a generated module binds one name twice and one of the two is an import:
    a model shape called like something the module imports (``Operation``, ``Mapping``,
    ``Field``, ``Any``...) would shadow it. Checked on the generated code itself, so it is
    complete whatever the emitters import."""
    problems = []
    for module, source in sorted(sources.items()):
        seen: dict[str, tuple[str, bool]] = {}
        for name, what, is_import in _bindings(ast.parse(source, module)):
            if name not in seen:
                seen[name] = (what, is_import)
                continue
            first, first_import = seen[name]
            if (is_import or first_import) and first != what:
                problems.append(f"{module}: {name!r} is bound by `{first}` and by `{what}`")
    if problems:
        raise ValueError(
            "a model name would shadow a name the generated code imports (rename the shape "
            "in the generator or import the runtime name under an alias):\n  "
            + "\n  ".join(problems)
        )
