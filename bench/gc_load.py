"""The collector's work per call: young and full collections per page, per adapter.

Run: ``python -m bench.gc_load [--adapters floor,same-models,ecrkit@main,ecrkit] [--reps N]
[--where]``.

Each adapter runs in a fresh process of its own (as in the benchmark) against the
fake server; after a warm-up, ``gc.callbacks`` counts the collections of every
generation during ``--reps`` repetitions of each scenario, reported per call (per
page for the listing: 10 pages per listing). ``--where`` also prints, for each
scenario, the Python lines that were running when each young collection started:
the allocation that tipped the young generation over its threshold. ``ecrkit@REV`` is
the ecrkit adapter with the runtime of git revision REV swapped in (as
:mod:`bench.ab` does). ``pages-by-hand`` (ecrkit only) walks the listing with
``list_images(next_token=...)`` calls instead of the paginator. A collection
that starts right after a paused parse, before the caller has dropped the previous
page, finds the new page young and promotes it; that is what this report is for.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import gc
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from types import FrameType
from typing import Any

if __package__ in (None, ""):  # `python bench/gc_load.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.adapters import ADAPTERS, Adapter, load
from bench.adapters.common import REPOSITORY
from bench.fake_server import LIST_PAGE, TOTAL_IDS
from bench.procs import ROOT, Server, child_env

_PAGES = TOTAL_IDS // LIST_PAGE
#: scenario -> (calls per repetition, one repetition)
_SCENARIOS: dict[str, tuple[int, str]] = {
    "seq": (1, "describe_images"),
    "pages": (_PAGES, "list_all_image_ids"),
    "findings": (1, "scan_findings"),
}


def _site(frame: FrameType | None, depth: int = 3) -> str:
    parts = []
    while frame is not None and len(parts) < depth:
        code = frame.f_code
        parts.append(f"{Path(code.co_filename).name}:{frame.f_lineno} {code.co_name}")
        frame = frame.f_back
    return " < ".join(parts)


class _Counter:
    def __init__(self, where: bool) -> None:
        self.where = where
        self.counts = [0, 0, 0]
        self.sites: Counter[str] = Counter()

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase != "start":
            return
        generation = info["generation"]
        self.counts[generation] += 1
        if self.where and generation == 0:
            self.sites[_site(sys._getframe(1))] += 1


async def _by_hand(adapter: Any) -> int:
    count = 0
    token: str | None = None
    while True:
        page = await adapter.client.list_images(repository_name=REPOSITORY, next_token=token)
        count += len([i for i in page.image_ids if i.image_digest])
        token = page.next_token
        if token is None:
            return count


async def _measure(adapter: Adapter, reps: int, where: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    scenarios = dict(_SCENARIOS)
    if hasattr(adapter, "client"):
        scenarios["pages-by-hand"] = (_PAGES, "")
    for scenario, (calls, method) in scenarios.items():
        call = getattr(adapter, method) if method else functools.partial(_by_hand, adapter)
        for _ in range(3):  # warm-up
            await call()
        gc.collect()
        counter = _Counter(where)
        gc.callbacks.append(counter)
        try:
            for _ in range(reps):
                await call()
        finally:
            gc.callbacks.remove(counter)
        n = reps * calls
        out[scenario] = {
            "young": counter.counts[0] / n,
            "middle": counter.counts[1] / n,
            "full": counter.counts[2] / n,
            "sites": counter.sites.most_common(6),
            "calls": n,
        }
    return out


def _child(name: str, endpoint: str, reps: int, where: bool) -> None:
    name, _, rev = name.partition("@")
    if rev:
        from bench.ab import apply, patches

        apply(patches(rev)[0])

    async def main() -> dict[str, Any]:
        adapter = load(name)
        await adapter.setup(endpoint)
        try:
            return await _measure(adapter, reps, where)
        finally:
            await adapter.close()

    print(json.dumps(asyncio.run(main())))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.gc_load", description=__doc__)
    parser.add_argument("--adapters", default="floor,same-models,ecrkit")
    parser.add_argument("--reps", type=int, default=60, help="repetitions per scenario")
    parser.add_argument("--where", action="store_true", help="where young collections start")
    parser.add_argument("--child", nargs=2, metavar=("ADAPTER", "ENDPOINT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child[0], args.child[1], args.reps, args.where)
        return
    names = args.adapters.split(",")
    unknown = {n.partition("@")[0] for n in names} - set(ADAPTERS)
    if unknown:
        parser.error(f"unknown adapters: {sorted(unknown)}")
    print(
        f"python {sys.version.split()[0]}; gc thresholds {gc.get_threshold()}; "
        f"collections per call (pages: per page), {args.reps} repetitions after a warm-up"
    )
    print(f"{'scenario':13} {'adapter':12} {'young':>7} {'middle':>7} {'full':>7}")
    with Server() as server:
        results = {}
        for name in names:
            command = [sys.executable, "-m", "bench.gc_load", "--reps", str(args.reps)]
            command += ["--child", name, server.endpoint] + (["--where"] if args.where else [])
            done = subprocess.run(
                command, check=True, cwd=ROOT, env=child_env(), capture_output=True, text=True
            )
            results[name] = json.loads(done.stdout.strip().splitlines()[-1])
    for scenario in [*_SCENARIOS, "pages-by-hand"]:
        for name in names:
            if scenario not in results[name]:
                continue
            r = results[name][scenario]
            print(f"{scenario:13} {name:12} {r['young']:7.2f} {r['middle']:7.3f} {r['full']:7.3f}")
            for site, count in r["sites"] if args.where else ():
                print(f"{'':27}{count / r['calls']:5.2f}  {site}")


if __name__ == "__main__":
    main()
