"""ecrkit's paginators against botocore's ``Paginator`` as the oracle, for all 9 of ECR's
and all 4 of ECR Public's.

Hypothesis records a page sequence per operation (2-5 pages, items drawn from the
output shape, tokens ``tok-1``, ``tok-2``, ...; the last page has no token; the
non-aggregate keys on every page). A fake service serves page *i* for request
token ``tok-i`` and ignores ``maxResults`` (a service returning fixed pages).
ecrkit runs through a real :class:`~ecrkit.ECRClient` over a ``MockTransport``;
botocore runs ``botocore.paginate.Paginator`` over its own JSON parse of the same
bytes. For ``max_items`` (None, 1, inside a page, on a page boundary, past the
end) and ``page_size`` (None or a number, sent as ``maxResults``), the requests,
pages, items, ``build_full_result`` and resume tokens must be equal; each run
then resumes from the *other* library's token until the listing is exhausted,
which proves the tokens interchangeable.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

import botocore.session
import jmespath
import pytest
from botocore.model import OperationModel, Shape
from botocore.paginate import Paginator as BotocorePaginator
from botocore.parsers import create_parser
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from ecrkit import ECRClient
from ecrkit._model import ServiceModel
from ecrkit._pagination import PageIterator, PaginationConfig, decode_token
from ecrkit.http import HttpRequest, HttpResponse
from ecrkit.public import ECRPublicClient
from ecrkit.testing import MockTransport
from tests._hypothesis import examples
from tests._pins import needs_pinned_botocore
from tests._shapes import instants, wire_values

from ._support import CREDENTIALS, REGION, Clock, Sleeps, json_response, make_client

pytestmark = needs_pinned_botocore

_SESSION = botocore.session.get_session()
SERVICE = _SESSION.get_service_model("ecr")
PAGINATOR_MODEL = _SESSION.get_paginator_model("ecr")
SERVICES = {"ecr": SERVICE, "ecr-public": _SESSION.get_service_model("ecr-public")}
PAGINATOR_MODELS = {
    "ecr": PAGINATOR_MODEL,
    "ecr-public": _SESSION.get_paginator_model("ecr-public"),
}
PARSER = create_parser("json")
EXAMPLES = settings(
    max_examples=examples(15),
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)

Doc = dict[str, Any]
Path = tuple[str, ...]


@dataclass(frozen=True)
class Case:
    """One paginated operation: its names and required parameters in both spellings."""

    operation: str
    method: str
    params: dict[str, Any] = field(default_factory=dict)  # ecrkit keyword arguments
    wire_params: dict[str, Any] = field(default_factory=dict)  # botocore kwargs
    service: str = "ecr"  # botocore's name of the service

    @property
    def model(self) -> OperationModel:
        return SERVICES[self.service].operation_model(self.operation)

    @property
    def config(self) -> dict[str, Any]:
        config: dict[str, Any] = PAGINATOR_MODELS[self.service].get_paginator(self.operation)
        return config

    @property
    def id(self) -> str:
        return self.operation if self.service == "ecr" else f"{self.service}-{self.operation}"

    @property
    def result_paths(self) -> list[Path]:
        keys = self.config["result_key"]
        return [tuple(key.split(".")) for key in ([keys] if isinstance(keys, str) else keys)]


_REPO = {"repository_name": "repo"}, {"repositoryName": "repo"}
CASES = [
    Case("ListImages", "list_images", *_REPO),
    Case("DescribeImages", "describe_images", *_REPO),
    Case("DescribeRepositories", "describe_repositories"),
    Case(
        "DescribeImageScanFindings",
        "describe_image_scan_findings",
        {"repository_name": "repo", "image_id": {"image_tag": "v1"}},
        {"repositoryName": "repo", "imageId": {"imageTag": "v1"}},
    ),
    Case("GetLifecyclePolicyPreview", "get_lifecycle_policy_preview", *_REPO),
    Case("DescribePullThroughCacheRules", "describe_pull_through_cache_rules"),
    Case("DescribeRepositoryCreationTemplates", "describe_repository_creation_templates"),
    Case(
        "DescribeReplicationBackfillResults",
        "describe_replication_backfill_results",
        {"replication_backfill_id": "backfill-1"},
        {"replicationBackfillId": "backfill-1"},
    ),
    Case("ListReplicationBackfills", "list_replication_backfills"),
]
PUBLIC_CASES = [
    Case("DescribeImages", "describe_images", *_REPO, service="ecr-public"),
    Case("DescribeImageTags", "describe_image_tags", *_REPO, service="ecr-public"),
    Case("DescribeRegistries", "describe_registries", service="ecr-public"),
    Case("DescribeRepositories", "describe_repositories", service="ecr-public"),
]


def _client(
    case: Case, handler: Callable[[HttpRequest], HttpResponse]
) -> tuple[Any, MockTransport]:
    """An ECRClient (via make_client) or an ECRPublicClient over a MockTransport."""
    if case.service == "ecr":
        return make_client(handler)
    transport = MockTransport(handler)
    client = ECRPublicClient(
        region=REGION, credentials=CREDENTIALS, transport=transport, sleep=Sleeps(), now=Clock()
    )
    return client, transport


def test_every_paginator_is_covered() -> None:
    assert sorted(c.operation for c in CASES) == sorted(PAGINATOR_MODEL._paginator_config)
    client, _ = make_client()
    assert all(client.can_paginate(c.method) for c in CASES)
    public_model = PAGINATOR_MODELS["ecr-public"]._paginator_config
    assert len(PUBLIC_CASES) == len(public_model) == 4
    assert sorted(c.operation for c in PUBLIC_CASES) == sorted(public_model)
    public, _ = _client(PUBLIC_CASES[0], lambda r: HttpResponse(200, {}, b"{}"))
    assert all(public.can_paginate(c.method) for c in PUBLIC_CASES)


# -- recorded pages ------------------------------------------------------------


def _shape_at(shape: Shape, path: Path) -> Shape:
    for name in path:
        shape = shape.members[name]
    return shape


def _structure_without(shape: Shape, exclude: set[str]) -> st.SearchStrategy[Doc]:
    """A wire structure of ``shape`` without the ``exclude`` members (set separately)."""
    members = {n: m for n, m in shape.members.items() if n not in exclude}
    required = set(shape.required_members)
    return st.fixed_dictionaries(
        {n: wire_values(m, output=True) for n, m in members.items() if n in required},
        optional={n: wire_values(m, output=True) for n, m in members.items() if n not in required},
    )


@st.composite
def recorded_pages(draw: st.DrawFn, case: Case) -> list[Doc]:
    """2-5 response documents: result lists of 0-4 items, non-aggregate keys on each."""
    output = case.model.output_shape
    result_paths = case.result_paths
    count = draw(st.integers(2, 5), label="pages")
    pages: list[Doc] = []
    for index in range(count):
        page: Doc = {}
        for key in case.config.get("non_aggregate_keys", []):
            nested = {p[1] for p in result_paths if p[0] == key}
            member = output.members[key]
            page[key] = draw(
                _structure_without(member, nested) if nested else wire_values(member, output=True)
            )
        for path in result_paths:
            target = page
            for name in path[:-1]:
                target = target.setdefault(name, {})
            item_shape = _shape_at(output, path).member
            target[path[-1]] = draw(st.lists(wire_values(item_shape, output=True), max_size=4))
        if index < count - 1:
            page["nextToken"] = f"tok-{index + 1}"
        pages.append(page)
    return pages


def _serve(pages: list[Doc], token: str | None) -> bytes:
    """The fake service: page i for token ``tok-i`` (page 0 without a token)."""
    index = 0 if token is None else int(token.removeprefix("tok-"))
    return json.dumps(pages[index]).encode()


def _mock_handler(pages: list[Doc]) -> Callable[[HttpRequest], HttpResponse]:
    def handler(request: HttpRequest) -> HttpResponse:
        token = json.loads(request.body).get("nextToken")
        return json_response(body=json.loads(_serve(pages, token)))

    return handler


# -- normalization -------------------------------------------------------------


def _dump(model: ServiceModel) -> Doc:
    dumped: Doc = instants(model.model_dump(by_alias=True, exclude_unset=True, exclude_none=True))
    return dumped


def _search(doc: Doc, path: Path) -> Any:
    return jmespath.search(".".join(path), doc)


@dataclass
class Run:
    """What one library produced for one pagination config."""

    requests: list[Doc]
    pages: list[Doc]
    items: list[list[Doc]]  # one list per result key
    resume_token: str | None
    full: Doc
    full_token: str | None


# -- the two drivers -----------------------------------------------------------


def botocore_run(case: Case, pages: list[Doc], config: dict[str, Any]) -> Run:
    op = case.model
    requests: list[Doc] = []

    def method(**kwargs: Any) -> Doc:
        requests.append(copy.deepcopy(kwargs))
        body = _serve(pages, kwargs.get("nextToken"))
        parsed: Doc = PARSER.parse(
            {"status_code": 200, "headers": {}, "body": body}, op.output_shape
        )
        parsed.pop("ResponseMetadata", None)
        return parsed

    paginator = BotocorePaginator(method, case.config, op)
    wire_config = {
        wire: config[ours]
        for ours, wire in (
            ("max_items", "MaxItems"),
            ("page_size", "PageSize"),
            ("starting_token", "StartingToken"),
        )
        if config.get(ours) is not None
    }

    def paginate() -> Any:
        return paginator.paginate(
            **copy.deepcopy(case.wire_params), PaginationConfig=dict(wire_config)
        )

    iterator = paginate()
    seen = [copy.deepcopy(page) for page in iterator]
    sent = list(requests)
    items = [
        [item for page in seen for item in (_search(page, path) or [])]
        for path in case.result_paths
    ]
    full_iterator = paginate()
    full = full_iterator.build_full_result()
    full_token = full.pop("NextToken", None)
    assert full_iterator.resume_token == iterator.resume_token
    return Run(
        requests=sent,
        pages=instants(seen),
        items=instants(items),
        resume_token=iterator.resume_token,
        full=instants(full),
        full_token=full_token,
    )


async def ecrkit_run(
    ecr: ECRClient | ECRPublicClient, transport: MockTransport, case: Case, config: PaginationConfig
) -> Run:
    paginator: Any = ecr.get_paginator(case.method)  # type: ignore[call-overload]

    def paginate() -> PageIterator[Any, Any]:
        result: PageIterator[Any, Any] = paginator.paginate(
            **copy.deepcopy(case.params), pagination_config=dict(config)
        )
        return result

    before = len(transport.requests)
    iterator = paginate()
    pages = [_dump(page) async for page in iterator]
    sent = [json.loads(r.body) for r in transport.requests[before:]]

    item_iterator = paginate()
    items = [[_dump(item) async for item in item_iterator.items()]]
    assert item_iterator.resume_token == iterator.resume_token
    if case.operation == "DescribeImageScanFindings":
        findings_iterator: Any = paginate()
        assert [_dump(f) async for f in findings_iterator.findings()] == items[0]
        enhanced_iterator: Any = paginate()
        items.append([_dump(f) async for f in enhanced_iterator.enhanced_findings()])
        assert enhanced_iterator.resume_token == iterator.resume_token

    full_iterator = paginate()
    full_model = await full_iterator.build_full_result()
    full = _dump(full_model)
    full.pop("nextToken", None)
    assert full_iterator.resume_token == iterator.resume_token
    return Run(
        requests=sent,
        pages=pages,
        items=items,
        resume_token=iterator.resume_token,
        full=full,
        full_token=full_model.next_token,
    )


# -- the property --------------------------------------------------------------


def max_items_strategy(sizes: list[int]) -> st.SearchStrategy[int | None]:
    """None, 1, inside a page, exactly on a page boundary, or more than all items."""
    total = sum(sizes)
    ends = list(accumulate(sizes))
    boundaries = [end for end in ends if end > 0] or [1]  # 0 would never make progress
    choices: list[st.SearchStrategy[int | None]] = [
        st.none(),
        st.just(1),
        st.sampled_from(boundaries),
        st.integers(total + 1, total + 3),
    ]
    inside = [(end - size, size) for end, size in zip(ends, sizes, strict=True) if size >= 2]
    if inside:
        choices.append(
            st.sampled_from(inside).flatmap(lambda p: st.integers(p[0] + 1, p[0] + p[1] - 1))
        )
    return st.one_of(choices)


def _assert_same(ours: Run, theirs: Run, page_size: int | None) -> None:
    assert ours.requests == theirs.requests
    for body in ours.requests:
        assert body.get("maxResults") == page_size
    assert ours.pages == theirs.pages
    assert ours.items == theirs.items
    assert ours.resume_token == theirs.resume_token
    assert ours.full == theirs.full
    assert ours.full_token == theirs.full_token == ours.resume_token


def _rounds(limit: int) -> Iterator[int]:
    yield from range(limit)
    raise AssertionError("the listing never ended")


@pytest.mark.parametrize("case", CASES + PUBLIC_CASES, ids=[c.id for c in CASES + PUBLIC_CASES])
@EXAMPLES
@given(data=st.data())
async def test_paginator_matches_botocore(case: Case, data: st.DataObject) -> None:
    pages = data.draw(recorded_pages(case), label="recorded pages")
    primary = case.result_paths[0]
    sizes = [len(_search(page, primary)) for page in pages]
    max_items = data.draw(max_items_strategy(sizes), label="max_items")
    page_size = data.draw(st.none() | st.integers(1, 10), label="page_size")

    client, transport = _client(case, _mock_handler(pages))
    async with client as ecr:
        unlimited = botocore_run(case, pages, {})
        boto_token: str | None = None
        ecrkit_token: str | None = None
        boto_items: list[list[Doc]] = [[] for _ in case.result_paths]
        ecrkit_items: list[list[Doc]] = [[] for _ in case.result_paths]
        for _ in _rounds(sum(sizes) + len(pages) + 1):
            # Each library resumes from the token the *other* one handed out.
            theirs = botocore_run(
                case,
                pages,
                {"max_items": max_items, "page_size": page_size, "starting_token": ecrkit_token},
            )
            config: PaginationConfig = {}
            if max_items is not None:
                config["max_items"] = max_items
            if page_size is not None:
                config["page_size"] = page_size
            if boto_token is not None:
                config["starting_token"] = boto_token
            ours = await ecrkit_run(ecr, transport, case, config)
            _assert_same(ours, theirs, page_size)
            for collected, run in ((boto_items, theirs), (ecrkit_items, ours)):
                collected[0].extend(run.items[0])
            boto_token, ecrkit_token = theirs.resume_token, ours.resume_token
            if ours.resume_token is not None:
                mid_page = "boto_truncate_amount" in decode_token(ours.resume_token)
                event("resumed mid-page" if mid_page else "resumed on a page boundary")
            if ours.resume_token is None:
                break
    # Resuming until the end yields every primary item exactly once, in order.
    assert ecrkit_items[0] == boto_items[0] == unlimited.items[0]


# -- targeted cases ------------------------------------------------------------


def _list_images_pages(*tokens: str | None) -> list[Doc]:
    pages: list[Doc] = []
    for index, token in enumerate(tokens):
        page: Doc = {"imageIds": [{"imageTag": f"t{index}-{n}"} for n in range(3)]}
        if token is not None:
            page["nextToken"] = token
        pages.append(page)
    return pages


@pytest.mark.parametrize("max_items", [None, 2, 3, 4, 6, 7])
async def test_empty_next_token_ends_the_listing_like_botocore(max_items: int | None) -> None:
    """botocore treats an empty ``nextToken`` as the end of the listing."""
    case = CASES[0]
    pages = _list_images_pages("tok-1", "")
    config: PaginationConfig = {} if max_items is None else {"max_items": max_items}
    theirs = botocore_run(case, pages, dict(config))
    client, transport = make_client(_mock_handler(pages))
    async with client as ecr:
        ours = await ecrkit_run(ecr, transport, case, config)
    _assert_same(ours, theirs, None)
    assert len(ours.requests) == (1 if max_items is not None and max_items <= 3 else 2)


@pytest.mark.parametrize("page_size", [None, 2])
@pytest.mark.parametrize("max_items", [1, 2, 3, 4, 5])
async def test_tokens_are_interchangeable(max_items: int, page_size: int | None) -> None:
    """A botocore token resumes ecrkit and an ecrkit token resumes botocore, mid-page too."""
    case = CASES[0]
    pages = _list_images_pages("tok-1", "tok-2", None)
    config: PaginationConfig = {"max_items": max_items}
    if page_size is not None:
        config["page_size"] = page_size
    client, transport = make_client(_mock_handler(pages))
    async with client as ecr:
        first_ours = await ecrkit_run(ecr, transport, case, config)
        first_theirs = botocore_run(case, pages, dict(config))
        assert first_ours.resume_token == first_theirs.resume_token is not None
        # Resume each library from the other's token, then compare everything.
        ours = await ecrkit_run(
            ecr, transport, case, {**config, "starting_token": first_theirs.resume_token}
        )
        theirs = botocore_run(case, pages, {**config, "starting_token": first_ours.resume_token})
    _assert_same(ours, theirs, page_size)
    tags = [i["imageTag"] for i in first_ours.items[0] + ours.items[0]]
    expected = [f"t{p}-{n}" for p in range(3) for n in range(3)][: 2 * max_items]
    assert tags == expected
