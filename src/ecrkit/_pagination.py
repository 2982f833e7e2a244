"""The generic async pager behind the generated paginators.

Semantics follow botocore's ``PageIterator`` so that results and resume tokens
are interchangeable with boto3: ``max_items`` cuts the listing (truncating the
last page), the resume token is base64 JSON of the input token plus
``boto_truncate_amount`` (how many items of that page were already returned),
and ``starting_token`` resumes in the middle of a page (a token that is not a
resume token of this paginator is a ``ValueError`` at ``paginate()``). An empty
output token ends the listing; a service that hands back the same token twice
raises :class:`~ecrkit.errors.PaginationError`.

Pages are the typed response models; result keys are attribute paths into them.
"""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Mapping
from contextlib import aclosing
from typing import Any, Generic, NamedTuple, TypedDict, TypeVar, cast, get_args

from ._exceptions import PaginationError
from ._model import ServiceModel, ServiceResponse

__all__ = [
    "PageIterator",
    "PaginationConfig",
    "Paginator",
    "PaginatorSpec",
    "decode_token",
    "encode_token",
]

Page = TypeVar("Page", bound=ServiceResponse)
Item = TypeVar("Item")
_TRUNCATE = "boto_truncate_amount"


class PaginationConfig(TypedDict, total=False):
    """Controls for one pagination run (botocore's ``PaginationConfig``)."""

    max_items: int
    """Stop after this many result items in total (the resume token says where)."""
    page_size: int
    """Ask the service for this many items per page (the operation's limit key)."""
    starting_token: str
    """A resume token from an earlier run (ecrkit's or boto3's)."""


Path = tuple[str, ...]


class PaginatorSpec(NamedTuple):
    """One operation's paging contract, in Python attribute names."""

    input_token: str  # request field, e.g. "next_token"
    input_token_wire: str  # its wire name, used inside resume tokens
    output_token: Path
    limit_key: str | None
    result_keys: tuple[Path, ...]
    non_aggregate_keys: tuple[Path, ...] = ()


def encode_token(token: Mapping[str, Any]) -> str:
    """botocore's token encoding: base64 of the JSON of the token dict."""
    return base64.b64encode(json.dumps(dict(token)).encode("utf-8")).decode("utf-8")


def decode_token(token: object) -> dict[str, Any]:
    """Decode a resume token; ``ValueError`` names the problem."""
    if not isinstance(token, str):
        raise ValueError(
            f"starting_token is not a valid resume token (a str, not {type(token).__name__})"
        )
    try:
        data = json.loads(base64.b64decode(token.encode("utf-8"), validate=True))
    except (ValueError, RecursionError):  # binascii.Error and UnicodeDecodeError included
        raise ValueError("starting_token is not a valid resume token") from None
    if not isinstance(data, dict):
        raise ValueError("starting_token is not a valid resume token")
    return cast("dict[str, Any]", data)


def _parse_starting_token(token: str, spec: PaginatorSpec) -> tuple[dict[str, Any], int]:
    """The service token dict and the items to skip, from a resume token of this paginator.

    Like the tokens botocore hands out, it must hold exactly the input token key
    (plus ``boto_truncate_amount``, a count); anything else is ``ValueError``
    rather than silently starting over from the first page.
    """
    data = decode_token(token)
    skip = data.pop(_TRUNCATE, 0)
    value = data.get(spec.input_token_wire)
    if (
        set(data) != {spec.input_token_wire}
        or not (value is None or isinstance(value, str))
        or type(skip) is not int
        or skip < 0
    ):
        raise ValueError("starting_token is not a resume token of this paginator")
    return data, skip


def _count(config: Mapping[str, Any], key: str) -> int | None:
    value = config.get(key)
    if value is None:
        return None
    try:
        if isinstance(value, bool):
            raise TypeError
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        number = 0
    if number < 1:
        raise ValueError(f"pagination_config[{key!r}] must be an integer >= 1, got {value!r}")
    return number


def _get(obj: Any, path: Path) -> Any:
    for name in path:
        if obj is None:
            return None
        obj = getattr(obj, name)
    return obj


def _set(obj: ServiceModel, path: Path, value: Any) -> None:
    """Set ``path`` on ``obj``, creating intermediate structures as needed."""
    for name in path[:-1]:
        child = getattr(obj, name)
        if child is None:
            child = _structure_class(type(obj), name)()
            setattr(obj, name, child)
        obj = child
    setattr(obj, path[-1], value)


def _structure_class(cls: type[ServiceModel], field: str) -> type[ServiceModel]:
    annotation = cls.model_fields[field].annotation
    for arg in (annotation, *get_args(annotation)):
        if isinstance(arg, type) and issubclass(arg, ServiceModel):
            return arg
    raise TypeError(f"{cls.__name__}.{field} is not a structure")


def _is_set(obj: Any, path: Path) -> bool:
    """Whether the page actually carried ``path`` (output lists default to empty)."""
    for name in path[:-1]:
        obj = getattr(obj, name, None)
        if obj is None:
            return False
    return path[-1] in obj.model_fields_set


class PageIterator(Generic[Page, Item]):
    """An async iterator of typed pages; ``items()`` streams the result items.

    Nothing is sent until iteration starts. Iterate it once.
    """

    def __init__(
        self,
        call: Callable[[dict[str, Any]], Awaitable[Page]],
        params: dict[str, Any],
        spec: PaginatorSpec,
        config: PaginationConfig | None,
    ) -> None:
        config = config or {}
        unknown = set(config) - set(PaginationConfig.__annotations__)
        if unknown:
            raise TypeError(f"unknown pagination_config keys: {sorted(unknown)}")
        self._call = call
        self._params = params
        self._spec = spec
        # Converted with int() as botocore does ("4" is 4), and checked now, so a bad
        # value fails at paginate(), before anything is sent.
        self._max_items = _count(config, "max_items")
        self._page_size = _count(config, "page_size")
        self._starting_token = config.get("starting_token")
        # Checked now, so a bad token fails at paginate() before anything is sent.
        self._start = (
            None
            if self._starting_token is None
            else _parse_starting_token(self._starting_token, spec)
        )
        self._resume: dict[str, Any] | None = None
        self._started = False

    @property
    def resume_token(self) -> str | None:
        """Where to continue after ``max_items`` cut the listing (else ``None``)."""
        return None if self._resume is None else encode_token(self._resume)

    def __aiter__(self) -> AsyncIterator[Page]:
        return self._pages()

    async def _pages(self) -> AsyncGenerator[Page, None]:
        if self._started:
            raise RuntimeError("a PageIterator can be iterated only once; call paginate() again")
        self._started = True
        spec = self._spec
        params = dict(self._params)
        token: dict[str, Any] = {spec.input_token_wire: None}
        skip = 0
        if self._start is not None:
            token, skip = dict(self._start[0]), self._start[1]
            _inject(params, spec, token)
        if self._page_size is not None and spec.limit_key:
            params[spec.limit_key] = self._page_size
        primary = spec.result_keys[0]
        total = 0
        previous: dict[str, Any] | None = None
        first = True
        while True:
            page = await self._call(params)
            # Nothing allocates between here and the yield unless max_items is set,
            # and no page is kept once the caller is done with it: until the caller
            # drops the previous page, an allocation would start the young collection
            # that the (collector-paused) parse made due, and that collection would
            # promote this page (docs/performance.md, tests/functional/test_collector.py).
            start = 0
            if first:
                first = False
                if self._start is not None:
                    start = skip
                    self._drop_head(page, primary, skip)
            if self._max_items is not None:
                items: list[Any] = _get(page, primary) or []
                if total + len(items) > self._max_items:
                    keep = self._max_items - total
                    _set(page, primary, list(items[:keep]))
                    self._resume = {**token, _TRUNCATE: keep + start}
                    yield page
                    return
                total += len(items)
            yield page
            # Like botocore, an empty token ends the listing (it is never sent back).
            next_value = _get(page, spec.output_token) or None
            token = {spec.input_token_wire: next_value}
            if next_value is None:
                return
            if self._max_items is not None and total == self._max_items:
                self._resume = token
                return
            if previous is not None and previous == token:
                raise PaginationError(
                    f"The service returned the same next token twice: {next_value!r}"
                )
            _inject(params, spec, token)
            previous = token

    def _drop_head(self, page: Page, primary: Path, skip: int) -> None:
        # Resuming mid-page: drop what the previous run returned; the other
        # result keys were returned in full with that page, so clear them.
        items = _get(page, primary)
        if items is not None:
            _set(page, primary, list(items[skip:]))
        for key in self._spec.result_keys[1:]:
            if _is_set(page, key):
                _set(page, key, [])

    def items(self) -> AsyncIterator[Item]:
        """Every item of the primary result key, across pages."""
        return self._items(0)

    async def _items(self, index: int) -> AsyncIterator[Any]:
        key = self._spec.result_keys[index]
        # Closing the item stream (or breaking out of it) closes the page
        # generator at once, instead of leaving it to the loop's finalizer.
        async with aclosing(self._pages()) as pages:
            async for page in pages:
                for item in _get(page, key) or ():
                    yield item

    async def build_full_result(self) -> Page:
        """One response with every page's result items, as botocore builds it.

        Result lists are concatenated; the non-aggregate keys come from the
        first page; ``next_token`` is the resume token when ``max_items`` cut
        the listing (else ``None``).
        """
        spec = self._spec
        collected: dict[Path, list[Any]] = {}
        page_cls: type[Page] | None = None
        first: Page | None = None
        async for page in self:
            if first is None:
                first = page
            page_cls = type(page)
            for key in spec.result_keys:
                if _is_set(page, key):
                    collected.setdefault(key, []).extend(_get(page, key) or [])
        if page_cls is None:  # pragma: no cover - a call always yields a page
            raise PaginationError("the service returned no page")
        full = page_cls()
        for key in spec.non_aggregate_keys:
            if first is not None and _is_set(first, key):
                value = _get(first, key)
                _set(full, key, value.model_copy() if isinstance(value, ServiceModel) else value)
        for key, values in collected.items():
            _set(full, key, values)
        resume = self.resume_token
        if resume is not None:
            _set(full, spec.output_token, resume)
        return full


class Paginator:
    """Base of the generated paginators: binds one client's operation method."""

    def __init__(self, call: Callable[[dict[str, Any]], Awaitable[Any]]) -> None:
        self._call = call


def _inject(params: dict[str, Any], spec: PaginatorSpec, token: Mapping[str, Any]) -> None:
    value = token.get(spec.input_token_wire)
    if value is not None and value != "None":
        params[spec.input_token] = value
    else:
        params.pop(spec.input_token, None)
