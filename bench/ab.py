"""Paired, in-process A/B of ecrkit's runtime against a git revision, and the same-models floor.

Run: ``python -m bench.ab [--base REV] [--rounds N] [--scenarios seq,conc,pages,findings]``.

One process, one fake server. Three variants take turns round by round in rotating
order: ``same-models`` (the floor's transport with ecrkit's response models,
:mod:`bench.adapters.models_floor`), ``base`` (the ecrkit adapter with the functions
and methods of ``ecrkit._client_base``, ``ecrkit._pagination`` and ``ecrkit._codec``
taken from revision ``REV``, default ``main``, swapped in) and ``head`` (the working
tree's). The machine's drift hits all three alike, so the per-round ratios
``head/base``, ``head/same-models`` and ``base/same-models`` are what to read (their
medians), not two separate runs.

``--count VARIANT SCENARIO REPS`` runs one variant's scenario REPS times after a
warm-up and nothing else, for instruction counting: ``--callgrind`` runs it under
``valgrind --tool=callgrind`` for two values of REPS and prints the instructions per
repetition (the difference divided by the difference in REPS, so imports, warm-up
and start-up cancel out). ``--tree PATH`` adds the ``--callgrind`` variant ``tree``:
the checkout at PATH (a ``git worktree`` of the base) run whole as its own head, with
nothing swapped in, so ``head/tree`` compares two revisions without the swap's own
costs (``base`` runs in the shadow module's namespace).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
import importlib.util
import os
import re
import statistics
import subprocess
import sys
import tempfile
import types
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

if __package__ in (None, ""):  # `python bench/ab.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.adapters import Adapter, load
from bench.procs import ROOT, Server, Worker, child_env
from bench.scenarios import SCENARIOS

VARIANTS = ("same-models", "base", "head")
MODULES = ("ecrkit._client_base", "ecrkit._pagination", "ecrkit._codec", "ecrkit._aiohttp")
#: Live module -> the names it had at earlier revisions (tried in order when the
#: live name does not exist at the revision): the aiohttp transport was
#: ``ecrkit._transport`` before ecrkit.http.
RENAMED = {"ecrkit._aiohttp": ("ecrkit._transport",)}
#: In a patch: the attribute did not exist at that revision (``apply`` deletes it).
ABSENT = object()
ARGS: dict[str, dict[str, int]] = {
    "seq": {"calls": 300},
    "conc": {"tasks": 64, "calls_per_task": 4},
    "pages": {"reps": 5},
    "findings": {"reps": 30},
}
Patch = dict[tuple[object, str], object]


def _source(rev: str, name: str) -> tuple[str, str]:
    """(path, source) of module ``name`` at ``rev``, under an earlier name if renamed."""
    for candidate in (name, *RENAMED.get(name, ())):
        path = "src/" + candidate.replace(".", "/") + ".py"
        done = subprocess.run(
            ["git", "show", f"{rev}:{path}"], cwd=ROOT, check=False, capture_output=True, text=True
        )
        if done.returncode == 0:
            return path, done.stdout
    raise SystemExit(f"{name} (or {RENAMED.get(name)}) not found at {rev}")


def _compat_modules() -> None:
    """Earlier revisions import ``ecrkit._transport``: alias it to the live names."""
    import sys

    if "ecrkit._transport" in sys.modules or importlib.util.find_spec("ecrkit._transport"):
        return
    import ecrkit._aiohttp
    import ecrkit.http
    import ecrkit.testing

    compat = types.ModuleType("ecrkit._transport")
    for owner in (ecrkit.http, ecrkit._aiohttp):
        compat.__dict__.update({k: v for k, v in vars(owner).items() if not k.startswith("__")})
    compat.MockTransport = ecrkit.testing.MockTransport  # type: ignore[attr-defined]
    sys.modules["ecrkit._transport"] = compat


def _shadow(rev: str, name: str) -> types.ModuleType:
    """Module ``name`` as it is at ``rev``, executed beside the live one (same package)."""
    _compat_modules()
    path, source = _source(rev, name)
    module = types.ModuleType(f"{name}@{rev}")
    module.__package__ = name.rpartition(".")[0]
    module.__file__ = f"{rev}:{path}"
    exec(compile(source, module.__file__, "exec"), module.__dict__)
    return module


_CODE = (types.FunctionType, staticmethod, classmethod, property)


def patches(rev: str, head_rev: str | None = None) -> tuple[Patch, Patch]:
    """(base, head): the functions, methods and constants of :data:`MODULES` at ``rev``
    and at ``head_rev`` (default: the working tree's). Classes keep their identity
    (isinstance holds); only their code is swapped."""
    base: Patch = {}
    head: Patch = {}
    for name in MODULES:
        live, old = importlib.import_module(name), _shadow(rev, name)
        new = live if head_rev is None else _shadow(head_rev, name)
        for key, value in vars(live).items():
            then, now = getattr(old, key, None), getattr(new, key, None)
            if isinstance(value, types.FunctionType) and value.__module__ == name:
                if isinstance(then, types.FunctionType) and isinstance(now, types.FunctionType):
                    head[(live, key)], base[(live, key)] = now, then
            elif key.isupper() and not key.startswith("__") and None not in (then, now):
                head[(live, key)], base[(live, key)] = now, then  # constants
            elif isinstance(value, type) and value.__module__ == name and isinstance(then, type):
                for attr in {**vars(value), **vars(then)}:
                    old_code, new_code = vars(then).get(attr), vars(now).get(attr)
                    if attr.startswith("__") and attr != "__init__":
                        continue
                    if isinstance(old_code, _CODE) and isinstance(new_code, _CODE):
                        head[(value, attr)], base[(value, attr)] = new_code, old_code
                    elif attr not in vars(value) and isinstance(old_code, _CODE):
                        # A method only the revision has (its other methods call it).
                        head[(value, attr)], base[(value, attr)] = ABSENT, old_code
    return base, head


def apply(patch: Patch) -> None:
    for (owner, attr), value in patch.items():
        if value is not ABSENT:
            setattr(owner, attr, value)
        elif attr in vars(owner):
            delattr(owner, attr)


async def _run(
    variant: str, adapters: dict[str, Adapter], ps: dict[str, Patch], scenario: str
) -> float:
    if variant in ps:
        apply(ps[variant])
    adapter = adapters["same-models" if variant == "same-models" else "ecrkit"]
    result = await SCENARIOS[scenario](adapter, **ARGS[scenario])
    return float(result["cpu_ms"])


async def _ab(
    endpoint: str, rev: str, head_rev: str | None, rounds: int, scenarios: list[str]
) -> None:
    base, head = patches(rev, head_rev)
    ps = {"base": base, "head": head}
    adapters: dict[str, Adapter] = {"same-models": load("same-models"), "ecrkit": load("ecrkit")}
    for adapter in adapters.values():
        await adapter.setup(endpoint)
    cpu: dict[tuple[str, str], list[float]] = {}
    try:
        for variant in VARIANTS:  # warm-up
            for scenario in scenarios:
                await _run(variant, adapters, ps, scenario)
        for r in range(rounds):
            order = VARIANTS[r % 3 :] + VARIANTS[: r % 3]
            for scenario in scenarios:
                for variant in order:
                    cpu.setdefault((scenario, variant), []).append(
                        await _run(variant, adapters, ps, scenario)
                    )
    finally:
        apply(head)
        for adapter in adapters.values():
            await adapter.close()
    _print(cpu, rounds, rev, scenarios, "one process")


def _print(
    cpu: dict[tuple[str, str], list[float]],
    rounds: int,
    rev: str,
    scenarios: list[str],
    where: str,
) -> None:
    print(
        f"\nCPU per call (pages: per listing), median of {rounds} paired rounds; base = {rev}; {where}"
    )
    print(
        f"{'scenario':9} {'same-models':>12} {'base':>9} {'head':>9}   "
        "per-round ratios: median [quartiles]"
    )
    for scenario in scenarios:
        ms = {v: cpu[(scenario, v)] for v in VARIANTS}

        def paired(a: str, b: str, ms: dict[str, list[float]] = ms) -> str:
            ratios = sorted(x / y for x, y in zip(ms[a], ms[b], strict=True))
            q1, q3 = ratios[len(ratios) // 4], ratios[(3 * len(ratios)) // 4]
            return f"{statistics.median(ratios):.3f} [{q1:.2f}-{q3:.2f}]"

        print(
            f"{scenario:9} "
            + " ".join(f"{statistics.median(ms[v]):9.3f}ms" for v in VARIANTS)
            + f"   head/base {paired('head', 'base')}  head/same-models "
            + f"{paired('head', 'same-models')}  base/same-models {paired('base', 'same-models')}"
        )


def _ab_workers(rev: str, head_rev: str | None, rounds: int, scenarios: list[str]) -> None:
    """The same A/B with each variant in a worker process of its own (as in the harness)."""
    names = {
        "same-models": "same-models",
        "base": f"ecrkit@{rev}",
        "head": f"ecrkit@{head_rev}" if head_rev else "ecrkit",
    }
    cpu: dict[tuple[str, str], list[float]] = {}
    with contextlib.ExitStack() as stack:
        server = stack.enter_context(Server())
        workers = {v: stack.enter_context(Worker(n)) for v, n in names.items()}
        for worker in workers.values():
            worker.call("setup", 120, endpoint=server.endpoint)
        for r in range(rounds + 1):  # round 0 is the warm-up
            order = VARIANTS[r % 3 :] + VARIANTS[: r % 3]
            for scenario in scenarios:
                for variant in order:
                    result = workers[variant].call(scenario, 600, **ARGS[scenario])
                    if r:
                        cpu.setdefault((scenario, variant), []).append(float(result["cpu_ms"]))
    _print(cpu, rounds, rev, scenarios, "one worker process per variant")


async def _count(
    endpoint: str, rev: str, head_rev: str | None, variant: str, scenario: str, reps: int
) -> None:
    """``reps`` repetitions of one scenario's unit, nothing else (no ``gc.collect()``
    between them, unlike the timed scenarios: under callgrind it would dominate)."""
    if variant == "base" or (variant == "head" and head_rev is not None):
        base, head = patches(rev, head_rev)
        apply(base if variant == "base" else head)
    adapter = load("same-models" if variant == "same-models" else "ecrkit")
    await adapter.setup(endpoint)

    async def conc() -> None:
        await asyncio.gather(*(adapter.describe_images() for _ in range(ARGS["conc"]["tasks"])))

    unit = {
        "seq": adapter.describe_images,
        "conc": conc,
        "pages": adapter.list_all_image_ids,
        "findings": adapter.scan_findings,
    }[scenario]
    try:
        for _ in range(3):  # warm-up
            await unit()
        for _ in range(reps):
            await unit()
    finally:
        await adapter.close()


def _callgrind(
    rev: str,
    head_rev: str | None,
    scenarios: list[str],
    reps: tuple[int, int],
    variants: list[str],
    jobs: int,
    cache_sim: bool = False,
    tree: Path | None = None,
) -> None:
    env = child_env()
    env["PYTHONHASHSEED"] = "0"
    # "tree": the whole checkout at ``tree`` (its runtime, models and bench), run as its
    # own "head" with nothing swapped in: the unbiased way to compare two revisions.
    tree_env = dict(env)
    if tree is not None:
        tree_env["PYTHONPATH"] = os.pathsep.join((str(tree / "src"), str(tree)))
    low, high = reps
    print(
        f"{'first-level cache misses' if cache_sim else 'instructions'} per repetition: "
        f"callgrind, ({high} reps - {low} reps) / {high - low}; "
        f"base = {rev}, head = {head_rev or 'working tree'}"
        + (f", tree = the checkout at {tree}" if tree else ""),
        flush=True,
    )
    with Server() as server, tempfile.TemporaryDirectory() as tmp:

        def count(job: tuple[str, str, int]) -> int:
            variant, scenario, n = job
            out = Path(tmp) / f"cg.{variant}.{scenario}.{n}"
            command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"]
            command += ["--cache-sim=yes"] if cache_sim else []
            command += [sys.executable, "-m", "bench.ab", "--count"]
            command += ["head" if variant == "tree" else variant, scenario, str(n)]
            command += ["--base", "HEAD" if variant == "tree" else rev]
            command += ["--endpoint", server.endpoint]
            command += ["--head", head_rev] if head_rev and variant != "tree" else []
            done = subprocess.run(
                command,
                cwd=tree if variant == "tree" else ROOT,
                env=tree_env if variant == "tree" else env,
                capture_output=True,
                text=True,
            )
            match = re.search(r"Collected : ([\d ]+)", done.stderr)
            if done.returncode != 0 or match is None:
                raise SystemExit(f"callgrind failed: {done.stderr[-2000:]}")
            events = [int(x) for x in match[1].split()]
            # Ir, or with --cache-sim the first-level misses (I1mr + D1mr + D1mw): the
            # simulated last level (ILmr, DLmr, DLmw) holds both adapters' working sets
            # here, so its misses per repetition are nil and compare nothing.
            return sum(events[3:6]) if cache_sim else events[0]

        def prime(variant: str) -> None:
            # Once outside valgrind, so both counted runs find the bytecode caches written
            # (a checkout never run before would compile in whichever run came first).
            command = [sys.executable, "-m", "bench.ab", "--count"]
            command += ["head" if variant == "tree" else variant, "seq", "1"]
            # The tree's own HEAD as its base: any other revision may not import there.
            command += ["--base", "HEAD" if variant == "tree" else rev]
            command += ["--endpoint", server.endpoint]
            subprocess.run(
                command,
                cwd=tree if variant == "tree" else ROOT,
                env=tree_env if variant == "tree" else env,
                capture_output=True,
                check=True,
            )

        for variant in variants:
            prime(variant)
        for scenario in scenarios:
            grid = [(v, scenario, n) for v in variants for n in (low, high)]
            with ThreadPoolExecutor(jobs) as pool:
                counts = dict(zip(grid, pool.map(count, grid), strict=True))
            cells = {
                v: (counts[(v, scenario, high)] - counts[(v, scenario, low)]) / (high - low)
                for v in variants
            }
            line = "  ".join(f"{v} {cells[v] / 1e6:8.2f} M" for v in variants)
            ref = cells.get("same-models")
            ratios = "  ".join(
                f"{v}/same-models {cells[v] / ref:.3f}"
                for v in variants
                if ref and v != "same-models"
            )
            if "base" in cells and "head" in cells:
                ratios += f"  head/base {cells['head'] / cells['base']:.3f}"
            if "tree" in cells and "head" in cells:
                ratios += f"  head/tree {cells['head'] / cells['tree']:.3f}"
            print(f"{scenario:9} {line}   {ratios}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.ab", description=__doc__)
    parser.add_argument("--base", default="main", help="git revision of the base runtime")
    parser.add_argument("--head", help="git revision of the head runtime (default: working tree)")
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--scenarios", default="seq,conc,pages,findings")
    parser.add_argument("--callgrind", action="store_true", help="count instructions instead")
    parser.add_argument(
        "--workers", action="store_true", help="one worker process per variant, not one process"
    )
    parser.add_argument("--variants", default=",".join(VARIANTS), help="for --callgrind")
    parser.add_argument("--reps", default="2,12", help="--callgrind: LOW,HIGH repetitions")
    parser.add_argument("--jobs", type=int, default=2, help="--callgrind: processes at once")
    parser.add_argument(
        "--cache-sim", action="store_true", help="--callgrind: count first-level cache misses"
    )
    parser.add_argument(
        "--tree",
        type=Path,
        help="--callgrind: a checkout (e.g. a git worktree of the base); the variant "
        "'tree' runs it whole, as its own head",
    )
    parser.add_argument("--count", nargs=3, metavar=("VARIANT", "SCENARIO", "REPS"))
    parser.add_argument("--endpoint", help=argparse.SUPPRESS)
    args = parser.parse_args()
    scenarios = args.scenarios.split(",")
    if args.count:
        variant, scenario, reps = args.count
        asyncio.run(_count(args.endpoint, args.base, args.head, variant, scenario, int(reps)))
        return
    if args.callgrind:
        low, high = map(int, args.reps.split(","))
        _callgrind(
            args.base,
            args.head,
            scenarios,
            (low, high),
            args.variants.split(","),
            args.jobs,
            args.cache_sim,
            args.tree.resolve() if args.tree else None,
        )
        return
    if args.workers:
        _ab_workers(args.base, args.head, args.rounds, scenarios)
        return
    with Server() as server:
        asyncio.run(_ab(server.endpoint, args.base, args.head, args.rounds, scenarios))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
