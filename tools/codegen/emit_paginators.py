"""Emit ``_generated/paginators.py``: one typed paginator class per paginated operation."""

from __future__ import annotations

from typing import Any

from .docs import docstring
from .emit_client import keyword_params, type_only_imports, used_imports
from .emit_models import placement
from .ir import Service
from .typemap import Refs, enum_alias, plain_type


def attr_path(svc: Service, shape_name: str, wire_path: str) -> tuple[list[str], str]:
    """Python attribute path for a dotted wire path, and the shape it ends on."""
    names = []
    shape = svc.shapes[shape_name]
    for part in wire_path.split("."):
        member = next(m for m in shape.members if m.wire_name == part)
        names.append(member.py_name)
        shape = svc.shapes[member.shape]
    return names, shape.name


def _item_type(svc: Service, list_shape: str, refs: Refs) -> str:
    member = svc.shapes[list_shape].member
    assert member is not None
    target = svc.shapes[member]
    if target.type == "structure":
        refs.structures.add(member)
        return member
    if target.type == "string" and target.enum:
        refs.enums.add(member)
        return f"{enum_alias(target)} | str"
    return plain_type(target.type)


def _spec(svc: Service, op_name: str, conf: dict[str, Any]) -> str:
    op = svc.operations[op_name]
    assert op.input and op.output
    token = conf["input_token"]
    token_py = next(m.py_name for m in svc.shapes[op.input].members if m.wire_name == token)
    limit = conf.get("limit_key")
    limit_py = next((m.py_name for m in svc.shapes[op.input].members if m.wire_name == limit), None)
    result_keys = (
        conf["result_key"] if isinstance(conf["result_key"], list) else [conf["result_key"]]
    )
    paths = [tuple(attr_path(svc, op.output, k)[0]) for k in result_keys]
    non_agg = [tuple(attr_path(svc, op.output, k)[0]) for k in conf.get("non_aggregate_keys", [])]
    out_token = tuple(attr_path(svc, op.output, conf["output_token"])[0])
    return (
        f"PaginatorSpec(input_token={token_py!r}, input_token_wire={token!r}, "
        f"output_token={out_token!r}, limit_key={limit_py!r}, result_keys={tuple(paths)!r}, "
        f"non_aggregate_keys={tuple(non_agg)!r})"
    )


def render_paginators(svc: Service, paginators: dict[str, dict[str, Any]]) -> tuple[str, list[str]]:
    """Source of the paginators module and its class names."""
    where = placement(svc)
    refs = Refs()
    blocks: list[str] = []
    table: list[str] = []
    names: list[str] = []
    for op_name in sorted(paginators):
        conf = paginators[op_name]
        op = svc.operations[op_name]
        assert op.input and op.output
        refs.structures.add(op.output)
        result_keys = (
            conf["result_key"] if isinstance(conf["result_key"], list) else [conf["result_key"]]
        )
        item_types = []
        for key in result_keys:
            _, list_shape = attr_path(svc, op.output, key)
            item_types.append(_item_type(svc, list_shape, refs))
        pages_type = f"PageIterator[{op.output}, {item_types[0]}]"
        spec_name = f"_{op.py_name.upper()}"
        blocks.append(f"{spec_name} = {_spec(svc, op_name, conf)}\n")
        if len(result_keys) > 1:
            pages_cls = f"{op_name}Pages"
            methods = []
            for key, item in zip(result_keys, item_types, strict=True):
                py = attr_path(svc, op.output, key)[0][-1]
                index = result_keys.index(key)
                methods.append(
                    f"    def {py}(self) -> AsyncIterator[{item}]:\n"
                    f'        """Every item of ``{key}``, across pages."""\n'
                    f"        return self._items({index})\n"
                )
            quoted = f'PageIterator["{op.output}", "{item_types[0]}"]'
            blocks.append(
                f"class {pages_cls}({quoted}):\n"
                f'    """Pages of {op_name}; each result list is its own typed item stream."""\n\n'
                + "\n".join(methods)
            )
            names.append(pages_cls)
            pages_type = pages_cls
        else:
            pages_cls = "PageIterator"
        cls = f"{op_name}Paginator"
        names.append(cls)
        token = conf["input_token"]
        params, values = keyword_params(svc, op.input, refs, skip=token)
        params.append("pagination_config: PaginationConfig | None = None")
        doc = f"Pages of {op_name}: iterate pages, ``.items()`` for the {result_keys[0]} items."
        blocks.append(
            f"class {cls}(Paginator):\n"
            + docstring(doc, "    ")
            + f"\n    def paginate({', '.join(params)}) -> {pages_type}:\n"
            + docstring("Start a pagination run (nothing is sent until you iterate).", "        ")
            + f"        params = {{{', '.join(values)}}}\n"
            + f"        return {pages_cls}(self._call, params, {spec_name}, pagination_config)\n"
        )
        table.append(f"    {op.py_name!r}: {cls},\n")
    imports = type_only_imports(svc, refs, where)
    body = "\n\n".join(blocks)
    head = (
        "from __future__ import annotations\n\n"
        + used_imports(body, "collections.abc", ["AsyncIterator", "Mapping", "Sequence"])
        + used_imports(body, "datetime", ["datetime"])
        + used_imports(body, "typing", ["Any"], always=("TYPE_CHECKING",) if blocks else ())
        + "\n"
        + (
            "from ecrkit._pagination import PageIterator, PaginationConfig, Paginator, PaginatorSpec\n\n"
            f"if TYPE_CHECKING:\n{imports}\n"
            if blocks
            else "from ecrkit._pagination import Paginator\n\n"  # a model without paginators
        )
        + f"__all__ = [{', '.join(repr(n) for n in sorted(names))}]\n\n"
    )
    tail = f"\n#: Method name -> paginator class.\nPAGINATORS: dict[str, type[Paginator]] = {{\n{''.join(table)}}}\n"
    return head + "\n\n".join(blocks) + tail, names
