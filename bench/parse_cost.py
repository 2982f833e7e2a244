"""Where ecrkit's parse CPU goes, and what its collector pause is worth.

Run: ``python -m bench.parse_cost [--calls N] [--ab ROUNDS]``.

1. For each canned body of the fake server (a DescribeImages page of 100 images,
   a ListImages page of 1,000 ids, 1,000 scan findings): ``json.loads`` against
   ecrkit's ``parse_response`` with the collector off (best of 5 means: the bare
   work), and how many GC-tracked objects each result holds (the work it gives the
   collector later: every one is walked by the next young collection, and by every
   full collection for as long as it lives).
2. With ``--ab ROUNDS``: the benchmark's ecrkit adapter against the fake server, in
   this process, alternating the collector pause for large bodies
   (``_codec._PAUSE_GC_BYTES``) between always, ecrkit's threshold and never, round
   by round in rotating order; prints the median CPU per call of each scenario
   relative to never pausing. This is the measurement behind the threshold.
3. With ``--lenient-ab ROUNDS``: the same bodies parsed by the model's own validator
   (request rules included) and by the response validator ``parse_response`` uses
   (``_model.response_validator``: the request rules taken out), alternating
   round by round in rotating order, collector off; prints the median CPU per parse
   of each and their ratio (docs/design/models.md, "Response leniency").
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # `python bench/parse_cost.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.adapters import load
from bench.fake_server import build_canned
from bench.procs import Server
from bench.scenarios import SCENARIOS
from ecrkit import _codec, _model
from ecrkit.models import (
    DescribeImageScanFindingsResponse,
    DescribeImagesResponse,
    ListImagesResponse,
)


def bare_ms(parse: Callable[[], object], calls: int) -> float:
    """Best of 5 means of ``parse()``, collector off."""
    gc.disable()
    try:
        best = float("inf")
        for _ in range(5):
            start = time.process_time()
            for _ in range(calls):
                parse()
            best = min(best, (time.process_time() - start) / calls)
        return best * 1e3
    finally:
        gc.enable()


def tracked(parse: Callable[[], object]) -> int:
    """GC-tracked objects that the result of ``parse()`` keeps alive."""
    gc.collect()
    gc.disable()
    try:
        before = len(gc.get_objects())
        result = parse()
        count = len(gc.get_objects()) - before
        del result
        return count
    finally:
        gc.enable()


def costs(calls: int) -> None:
    canned = build_canned()
    bodies: list[tuple[str, bytes, type[Any]]] = [
        ("DescribeImages, 100 images", canned.describe_images, DescribeImagesResponse),
        ("ListImages, 1,000 ids", canned.list_images(None, None), ListImagesResponse),
        ("1,000 scan findings", canned.scan_findings, DescribeImageScanFindingsResponse),
    ]
    print(f"collector off, best of 5 means of {calls} calls; tracked: objects a result keeps")
    print(
        f"{'body':28} {'KB':>5} {'json.loads':>11} {'ecrkit':>9} {'ratio':>6}"
        f" {'tracked: json':>14} {'ecrkit':>7}"
    )
    for name, body, cls in bodies:

        def loads(body: bytes = body) -> object:
            return json.loads(body)

        def models(body: bytes = body, cls: type[Any] = cls) -> object:
            return _codec.parse_response(cls, body)

        models()  # build the schema outside the measurement
        plain, typed = bare_ms(loads, calls), bare_ms(models, calls)
        print(
            f"{name:28} {len(body) / 1000:5.0f} {plain:9.3f}ms {typed:7.3f}ms {typed / plain:5.2f}x"
            f" {tracked(loads):14,} {tracked(models):7,}"
        )


def lenient_ab(rounds: int, calls: int) -> None:
    canned = build_canned()
    bodies: list[tuple[str, bytes, type[Any]]] = [
        ("DescribeImages, 100 images", canned.describe_images, DescribeImagesResponse),
        ("ListImages, 1,000 ids", canned.list_images(None, None), ListImagesResponse),
        ("1,000 scan findings", canned.scan_findings, DescribeImageScanFindingsResponse),
    ]
    print(f"\nmodel validator vs response validator: median of {rounds} rounds x {calls} parses")
    for name, body, cls in bodies:
        own = cls.__pydantic_validator__.validate_json
        lenient = _model.response_validator(cls).validate_json
        assert own(body) == lenient(body)  # same result on a body that breaks no rule
        times: dict[str, list[float]] = {"model": [], "response": []}
        gc.disable()
        try:
            for r in range(rounds):
                order = [("model", own), ("response", lenient)][:: 1 if r % 2 else -1]
                for label, parse in order:
                    start = time.process_time()
                    for _ in range(calls):
                        parse(body)
                    times[label].append((time.process_time() - start) / calls * 1e3)
        finally:
            gc.enable()
        a, b = statistics.median(times["model"]), statistics.median(times["response"])
        print(f"{name:28} model {a:7.3f} ms  response {b:7.3f} ms  ({b / a:.3f}x)")


_AB_ARGS: dict[str, dict[str, int]] = {
    "seq": {"calls": 300},
    "conc": {"tasks": 64, "calls_per_task": 4},
    "pages": {"reps": 5},
    "findings": {"reps": 30},
}


async def _ab(endpoint: str, rounds: int) -> None:
    modes = {"always": 0, "ecrkit": _codec._PAUSE_GC_BYTES, "never": sys.maxsize}
    adapter = load("ecrkit")
    await adapter.setup(endpoint)
    try:
        for scenario, args in _AB_ARGS.items():  # warm-up
            await SCENARIOS[scenario](adapter, **args)
        cpu: dict[tuple[str, str], list[float]] = {}
        names = list(modes)
        for r in range(rounds):
            for mode in names[r % 3 :] + names[: r % 3]:
                _codec._PAUSE_GC_BYTES = modes[mode]
                for scenario, args in _AB_ARGS.items():
                    result = await SCENARIOS[scenario](adapter, **args)
                    cpu.setdefault((scenario, mode), []).append(result["cpu_ms"])
    finally:
        _codec._PAUSE_GC_BYTES = modes["ecrkit"]
        await adapter.close()
    print(f"\nCPU per call, median of {rounds} rounds (relative to never pausing)")
    for scenario in _AB_ARGS:
        never = statistics.median(cpu[(scenario, "never")])
        cells = []
        for mode in names:
            ms = statistics.median(cpu[(scenario, mode)])
            cells.append(f"{mode} {ms:7.3f} ms ({ms / never:.2f})")
        print(f"{scenario:9} " + "   ".join(cells))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.parse_cost", description=__doc__)
    parser.add_argument("--calls", type=int, default=200, help="calls per bare measurement")
    parser.add_argument("--ab", type=int, metavar="ROUNDS", help="also run the pause A/B")
    parser.add_argument(
        "--lenient-ab", type=int, metavar="ROUNDS", help="also run the validator A/B"
    )
    args = parser.parse_args()
    costs(args.calls)
    if args.lenient_ab:
        lenient_ab(args.lenient_ab, args.calls)
    if args.ab:
        with Server() as server:
            asyncio.run(_ab(server.endpoint, args.ab))


if __name__ == "__main__":
    main()
