"""Hypothesis strategies that draw wire-form values (dicts keyed by wire names) from a
botocore shape: request params for inputs, response documents for outputs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from botocore.model import Shape
from hypothesis import strategies as st

_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)
_EXTRA_KEYS = st.text(
    st.characters(min_codepoint=97, max_codepoint=122), min_size=3, max_size=8
).map(lambda s: f"zz{s}")
_JSON_LEAF = st.none() | st.booleans() | st.integers(-(2**40), 2**40) | _TEXT
_JSON = st.recursive(
    _JSON_LEAF,
    lambda c: st.lists(c, max_size=2) | st.dictionaries(_TEXT, c, max_size=2),
    max_leaves=4,
)


def wire_values(shape: Shape, *, output: bool, depth: int = 0) -> st.SearchStrategy[Any]:
    """Values of ``shape`` in wire form.

    For outputs: unknown enum values and unknown extra members appear too, and
    timestamps are epoch numbers with millisecond precision; for inputs, values
    respect the model's ``min`` (what the client validates) and never use extras.
    """
    kind = shape.type_name
    low = shape.metadata.get("min")
    if kind == "string":
        enum = shape.metadata.get("enum")
        if enum:
            known = st.sampled_from(enum)
            return known | _TEXT.filter(bool) if output else known
        return st.text(
            st.characters(exclude_categories=["Cs"]),
            min_size=int(low or 0),
            max_size=int(low or 0) + 12,
        )
    if kind in ("integer", "long"):
        return st.integers(min_value=int(low) if low is not None else -(2**31), max_value=2**53)
    if kind == "boolean":
        return st.booleans()
    if kind in ("double", "float"):
        return st.floats(allow_nan=False, allow_infinity=False, width=64)
    if kind == "timestamp":
        return st.integers(0, 4_102_444_800_000).map(lambda ms: ms / 1000)
    if kind == "blob":
        return st.binary(min_size=int(low or 0), max_size=16)
    if kind == "list":
        return st.lists(
            wire_values(shape.member, output=output, depth=depth + 1),
            min_size=int(low or 0),
            max_size=3,
        )
    if kind == "map":
        return st.dictionaries(
            wire_values(shape.key, output=output, depth=depth + 1),
            wire_values(shape.value, output=output, depth=depth + 1),
            min_size=int(low or 0),
            max_size=3,
        )
    if kind == "structure":
        required = set(shape.required_members)
        members = shape.members
        req = {
            n: wire_values(m, output=output, depth=depth + 1)
            for n, m in members.items()
            if n in required
        }
        opt = {
            n: wire_values(m, output=output, depth=depth + 1)
            for n, m in members.items()
            if n not in required
        }
        base = st.fixed_dictionaries(req, optional=opt)
        if not output:
            return base
        extras = st.dictionaries(_EXTRA_KEYS, _JSON, max_size=2)
        return st.tuples(base, extras).map(lambda pair: {**pair[1], **pair[0]})
    raise NotImplementedError(kind)


def instants(value: Any) -> Any:
    """A parsed document in comparable form: datetimes as epoch milliseconds (they
    must be timezone-aware), everything else unchanged."""
    if isinstance(value, dict):
        return {k: instants(v) for k, v in value.items()}
    if isinstance(value, list):
        return [instants(v) for v in value]
    if isinstance(value, datetime):
        assert value.tzinfo is not None
        return round(value.timestamp() * 1000)
    return value
