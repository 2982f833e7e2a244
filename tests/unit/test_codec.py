"""parse_response and the garbage collector: paused while parsing a large body, always restored."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from typing import Any

import pytest

from ecrkit import _codec
from ecrkit._codec import parse_response
from ecrkit.errors import ResponseParseError
from ecrkit.models import ListImagesResponse

BIG_PAGE = json.dumps(
    {"imageIds": [{"imageDigest": f"sha256:{i:064x}", "imageTag": f"t{i}"} for i in range(3000)]}
).encode()
SMALL_PAGE = json.dumps({"imageIds": [{"imageDigest": f"sha256:{0:064x}"}] * 10}).encode()
assert len(SMALL_PAGE) < _codec._PAUSE_GC_BYTES <= len(BIG_PAGE)


@pytest.fixture
def collections() -> Iterator[list[int]]:
    """Generations of the collections that start while the test runs, with a tiny
    gen-0 threshold so that parsing 3,000 items would trigger dozens of them."""
    started: list[int] = []

    def record(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            started.append(info["generation"])

    was_enabled, thresholds = gc.isenabled(), gc.get_threshold()
    gc.enable()
    gc.collect()
    gc.set_threshold(10, 10, 10)
    gc.callbacks.append(record)
    try:
        yield started
    finally:
        gc.callbacks.remove(record)
        gc.set_threshold(*thresholds)
        if not was_enabled:
            gc.disable()


def test_no_collection_runs_during_the_parse(collections: list[int]) -> None:
    collections.clear()
    page = parse_response(ListImagesResponse, BIG_PAGE)
    during = len(collections)  # before anything else allocates
    assert during == 0
    assert len(page.image_ids) == 3000
    assert gc.isenabled()


def test_collections_resume_after_the_parse(collections: list[int]) -> None:
    page = parse_response(ListImagesResponse, BIG_PAGE)
    collections.clear()
    # Tracked allocations: the gen-0 threshold of 10 is passed many times over.
    garbage: list[list[int]] = [[] for _ in range(100)]
    assert collections, "the collector did not resume"
    del page, garbage


def test_the_collector_is_restored_after_a_parse_error(collections: list[int]) -> None:
    with pytest.raises(ResponseParseError):
        parse_response(ListImagesResponse, b'{"imageIds": [{"imageDigest": 5}]}')
    assert gc.isenabled()


def test_a_disabled_collector_stays_disabled() -> None:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        parse_response(ListImagesResponse, BIG_PAGE)
        with pytest.raises(ResponseParseError):
            parse_response(ListImagesResponse, b"[1]")
        assert not gc.isenabled()
    finally:
        if was_enabled:
            gc.enable()


class _RecordingGC:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def isenabled(self) -> bool:
        return True

    def disable(self) -> None:
        self.calls.append("disable")

    def enable(self) -> None:
        self.calls.append("enable")


@pytest.mark.parametrize(("body", "calls"), [(SMALL_PAGE, []), (BIG_PAGE, ["disable", "enable"])])
def test_only_a_large_body_pauses_the_collector(
    monkeypatch: pytest.MonkeyPatch, body: bytes, calls: list[str]
) -> None:
    recorder = _RecordingGC()
    monkeypatch.setattr(_codec, "gc", recorder)
    parse_response(ListImagesResponse, body)
    assert recorder.calls == calls
