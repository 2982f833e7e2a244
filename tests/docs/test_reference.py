"""The generated docs reference (docs/reference/): current, exact, and stale when the
model changes.

Exact means checked against the code, not only against the generator: each page's
parameters are the client method's keyword arguments, its errors are classes in
ecrkit.errors, its examples validate as requests and responses, and the exception
tree drawn on the errors page is the classes' real hierarchy.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import re
from pathlib import Path

import pytest
from tools.codegen import __main__ as codegen
from tools.codegen import emit_docs, emit_docs_shapes, ir, loader

import ecrkit.errors
from ecrkit import ECRClient
from ecrkit._generated._index import MODULES
from ecrkit._model import build_request
from tests._pins import needs_pinned_botocore

pytestmark = needs_pinned_botocore

REFERENCE = Path(codegen.DOCS_OUT)


@pytest.fixture(scope="module")
def files() -> loader.ModelFiles:
    return loader.load()


@pytest.fixture(scope="module")
def svc(files: loader.ModelFiles) -> ir.Service:
    return ir.build(files.service, files.examples)


@pytest.fixture(scope="module")
def pages(files: loader.ModelFiles) -> dict[str, str]:
    return codegen.generate_reference(files)


def test_committed_reference_is_current(pages: dict[str, str]) -> None:
    on_disk = {str(p.relative_to(REFERENCE)): p.read_text() for p in REFERENCE.rglob("*.md")}
    stale = sorted(n for n in pages.keys() | on_disk.keys() if pages.get(n) != on_disk.get(n))
    assert not stale, f"run `nox -s codegen`: stale reference pages {stale}"


def test_a_new_model_release_makes_the_reference_stale(files: loader.ModelFiles) -> None:
    """The freshness gate: another pin (or a changed model) fails --check until
    regenerated, as for the generated code."""
    repinned = dataclasses.replace(files, botocore_version="1.44.9")
    stale = codegen.check(codegen.generate_reference(repinned), REFERENCE, "*.md")
    assert len(stale) == len(list(REFERENCE.rglob("*.md")))  # every page names the model

    service = dict(files.service, operations=dict(files.service["operations"]))
    op = dict(service["operations"]["PutLifecyclePolicy"])
    op["documentation"] = "<p>Creates or replaces the lifecycle policy.</p>"
    service["operations"]["PutLifecyclePolicy"] = op
    changed = dataclasses.replace(files, service=service)
    stale = codegen.check(codegen.generate_reference(changed), REFERENCE, "*.md")
    assert stale == ["index.md", "operations/put_lifecycle_policy.md"]  # index: its summary


def test_check_mode_fails_on_a_hand_edited_page(tmp_path: Path, pages: dict[str, str]) -> None:
    for name, text in pages.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    edited = tmp_path / "operations" / "describe_images.md"
    edited.write_text(edited.read_text() + "\nA hand edit.\n")
    assert codegen.main(["--check", "--service", "ecr", "--docs-out", str(tmp_path)]) == 1
    edited.unlink()
    (tmp_path / "extra.md").write_text("# Not generated\n")
    assert codegen.main(["--check", "--service", "ecr", "--docs-out", str(tmp_path)]) == 1


def _table_names(page: str, section: str) -> list[str]:
    body = page.split(f"## {section}", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([a-z_0-9]+)` \|", body, re.MULTILINE)


def test_every_operation_page_has_the_methods_parameters(
    svc: ir.Service, pages: dict[str, str]
) -> None:
    assert len([n for n in pages if n.startswith("operations/")]) == len(svc.operations) == 62
    for op in svc.operations.values():
        page = pages[f"operations/{op.py_name}.md"]
        method = inspect.signature(getattr(ECRClient, op.py_name))
        expected = [n for n, p in method.parameters.items() if p.kind is p.KEYWORD_ONLY]
        assert _table_names(page, "Parameters") == expected, op.py_name
        required = re.findall(r"^\| `([a-z_0-9]+)` \| .*? \| yes \|", page, re.MULTILINE)
        assert required == [
            n for n in expected if method.parameters[n].default is inspect.Parameter.empty
        ], op.py_name


def test_every_response_field_is_on_the_page(svc: ir.Service, pages: dict[str, str]) -> None:
    for op in svc.operations.values():
        assert op.output
        model = getattr(
            importlib.import_module(f"ecrkit._generated.{MODULES[op.output]}"), op.output
        )
        fields = _table_names(pages[f"operations/{op.py_name}.md"], "Response")
        assert fields == [n for n in model.model_fields if n != "response_metadata"], op.py_name


def test_errors_link_to_real_classes(svc: ir.Service, pages: dict[str, str]) -> None:
    errors_page = pages["errors.md"]
    for op in svc.operations.values():
        page = pages[f"operations/{op.py_name}.md"]
        listed = re.findall(r"^- \[`(\w+)`\]\(\.\./errors\.md#(\w+)\)", page, re.MULTILINE)
        assert [name for name, _ in listed] == sorted(op.errors), op.py_name
        for name, anchor in listed:
            cls = getattr(ecrkit.errors, name)
            assert issubclass(cls, ecrkit.errors.ServiceError)
            assert anchor == name.lower() and f"\n## {name}\n" in errors_page


def test_the_drawn_exception_tree_is_the_class_hierarchy(svc: ir.Service) -> None:
    tree = emit_docs_shapes.RUNTIME_TREE.format(
        modeled="\n".join(f"│   ├── {s.name}" for s in svc.structures("error"))
    )
    parents: list[str] = []
    for line in tree.splitlines():
        match = re.match(r"^([│ ]*)(?:[├└]── )?(\w+)", line)
        assert match, line
        depth = len(match[1]) // 4 + (1 if "──" in line else 0)
        name = match[2]
        parents[depth:] = [name]
        cls = getattr(ecrkit.errors, name)
        if depth:
            assert getattr(ecrkit.errors, parents[depth - 1]) in cls.__bases__, name
    drawn = set(re.findall(r"\b(\w+(?:Error|Exception))\b", tree))
    public = {n for n in ecrkit.errors.__all__ if isinstance(getattr(ecrkit.errors, n), type)}
    assert public <= drawn | {"ERROR_CLASSES"}


def test_examples_are_valid_calls_and_responses(svc: ir.Service) -> None:
    """Each example of examples-1.json, as rendered: its parameters pass the client's
    request validation and its output is what the response model dumps."""
    assert svc.examples, "botocore 1.44.8 ships examples-1.json for ECR"
    for op_name, examples in svc.examples.items():
        op = svc.operations[op_name]
        assert op.input and op.output
        request_cls = getattr(
            importlib.import_module(f"ecrkit._generated.{MODULES[op.input]}"), op.input
        )
        response_cls = getattr(
            importlib.import_module(f"ecrkit._generated.{MODULES[op.output]}"), op.output
        )
        for example in examples:
            params = emit_docs.to_python(svc, op.input, example.get("input") or {})
            build_request(request_cls, params)
            call, output = emit_docs.example_call(svc, op, example)
            assert call.startswith(f"resp = await ecr.{op.py_name}(")
            parsed = response_cls.model_validate(example.get("output") or {})
            assert eval(output) == parsed.model_dump(exclude_unset=True), op_name


def test_method_docstrings_have_args_and_raises() -> None:
    doc = inspect.getdoc(ECRClient.describe_images) or ""
    args = doc.split("Args:", 1)[1].split("Returns:", 1)[0]
    assert re.findall(r"^    (\w+):", args, re.MULTILINE) == [
        "repository_name",
        "registry_id",
        "image_ids",
        "next_token",
        "max_results",
        "filter",
    ]
    raises = " ".join(doc.split("Raises:", 1)[1].split())
    assert "RepositoryNotFoundException: The specified repository could not be found" in raises


def test_full_documentation_is_kept(pages: dict[str, str]) -> None:
    """Whole texts, not first paragraphs: notes and later paragraphs are on the page."""
    page = pages["operations/describe_images.md"]
    assert "!!! note" in page and "Starting with Docker version 1.9" in page
    assert '!!! warning "Important"' in page and "DescribeImageScanFindings" in page


def test_call_blocks_are_python(svc: ir.Service, pages: dict[str, str]) -> None:
    """The "Call" block of each page parses as the call it shows, with every parameter."""
    import ast

    for op in svc.operations.values():
        page = pages[f"operations/{op.py_name}.md"]
        code = page.split("## Call\n\n```python signature\n", 1)[1].split("```", 1)[0]
        tree = compile(code, op.py_name, "exec", ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
        call = next(n for n in ast.walk(tree) if isinstance(n, ast.Call))
        assert isinstance(call.func, ast.Attribute) and call.func.attr == op.py_name
        method = inspect.signature(getattr(ECRClient, op.py_name))
        assert [k.arg for k in call.keywords] == [
            n for n, p in method.parameters.items() if p.kind is p.KEYWORD_ONLY
        ], op.py_name


def test_the_response_metadata_line_names_its_fields(pages: dict[str, str]) -> None:
    from ecrkit import ResponseMetadata

    names = ", ".join(f"`{f.name}`" for f in dataclasses.fields(ResponseMetadata))
    for name, page in pages.items():
        if name.startswith("operations/"):
            assert (
                f"`response_metadata` ([`ResponseMetadata`](../../api/client.md): {names})" in page
            )


def test_model_pages_name_real_imports(svc: ir.Service, pages: dict[str, str]) -> None:
    """``from ecrkit.models import X`` on a structure's page, ``ecrkit.enums.X`` with its
    members and the ``XValue`` alias in ecrkit.models on an enum's page: all importable."""
    import ecrkit.enums
    import ecrkit.models

    for name, page in pages.items():
        if not name.startswith("models/") or name == "models/index.md":
            continue
        shape = svc.shapes[name.removeprefix("models/").removesuffix(".md")]
        if shape.enum:
            enum = getattr(ecrkit.enums, shape.name)
            for member in re.findall(rf"^\| `{shape.name}\.(\w+)` \| `'([^']*)'` \|", page, re.M):
                assert getattr(enum, member[0]) == member[1]
            assert len(enum) == len(shape.enum)
            assert getattr(ecrkit.models, f"{shape.name}Value")
        else:
            assert f"`from ecrkit.models import {shape.name}`" in page
            assert getattr(ecrkit.models, shape.name).__name__ == shape.name
