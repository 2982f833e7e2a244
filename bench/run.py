"""Benchmark ecrkit against aiobotocore and a raw-aiohttp floor, in one run.

    python -m bench.run [--quick] [--runs N] [--markdown PATH]

(or ``nox -s bench -- ...``). One run: check that the floor sends what ecrkit
sends (:mod:`bench.fairness`), start the fake server (:mod:`bench.fake_server`)
and one long-lived worker per adapter (:mod:`bench.worker`), warm up, then
rounds in which the adapters take turns in rotating order (A B C, B C A,
C A B, ...) for every scenario (:mod:`bench.scenarios`), each timed sample taken in
``plan.slices`` equal slices with the adapters alternating slice by slice (so the two
sides of a ratio share the machine's drift), cold start and memory
in fresh processes (:mod:`bench.fresh`). ``--runs N`` pools N such runs, each
with new processes. ``--quick`` is a few-second smoke pass with tiny counts that
judges no timings; both exit 0 when everything ran. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import shlex
import signal
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # `python bench/run.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import fairness
from bench.adapters import ADAPTERS
from bench.plan import FULL, QUICK, Plan, rows
from bench.procs import BenchError, Server, Worker, run_fresh
from bench.report import Samples, machine, markdown, table

NAMES = list(ADAPTERS)
_PYTHON = ".".join(map(str, sys.version_info[:2]))


#: The argument of each timed scenario that a slice divides.
_COUNT = {"seq": "calls", "conc": "calls_per_task", "pages": "reps", "findings": "reps"}


def _slices(count: int, most: int) -> int:
    """The largest number of equal slices, at most ``most``, that ``count`` divides into."""
    return max(n for n in range(1, min(count, most) + 1) if count % n == 0)


def _combined(slices: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """One sample from its equal slices: per-call figures are their mean, a rate their
    harmonic mean (all calls over all the time), and the ``check`` must agree."""
    checks = {repr(s["check"]) for s in slices}
    if len(checks) != 1:
        raise BenchError(f"the slices of one sample read different data: {checks}")
    out: dict[str, Any] = {"check": slices[0]["check"]}
    for key, value in slices[0].items():
        if key == "check" or not isinstance(value, int | float):
            continue
        values = [float(s[key]) for s in slices]
        if key.endswith("_per_s"):
            out[key] = len(values) / sum(1 / v for v in values)
        else:
            out[key] = sum(values) / len(values)
    return out


def _rotation(round_index: int) -> list[str]:
    k = round_index % len(NAMES)
    return NAMES[k:] + NAMES[:k]


def _agree(what: str, results: Mapping[str, Mapping[str, Any]]) -> None:
    checks = {name: result["check"] for name, result in results.items()}
    if len(set(map(repr, checks.values()))) != 1:
        raise BenchError(f"{what}: the adapters read different data: {checks}")


class Bench:
    """One benchmark: all runs' samples."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.rows = rows(plan)
        self.samples = Samples()
        self.rounds_done = 0

    def _record(self, scenario: str, results: Mapping[str, Mapping[str, Any]]) -> None:
        _agree(scenario, results)
        for row in self.rows:
            prefix, _, metric = row.key.partition(".")
            if prefix == scenario:
                self.samples.add(row, {n: float(r[metric]) for n, r in results.items()})

    def _scenarios(self) -> list[tuple[str, dict[str, int]]]:
        p = self.plan
        return [
            ("seq", {"calls": p.seq_calls}),
            ("conc", {"tasks": p.conc_tasks, "calls_per_task": p.conc_calls_per_task}),
            ("pages", {"reps": p.page_reps}),
            ("findings", {"reps": p.finding_reps}),
        ]

    def _warm_up(self, server: Server, workers: Mapping[str, Worker]) -> None:
        p = self.plan
        for worker in workers.values():
            worker.call("seq", p.timeout, calls=20)
            worker.call("conc", p.timeout, tasks=p.conc_tasks, calls_per_task=1)
            worker.call("pages", p.timeout, reps=1)
            worker.call("findings", p.timeout, reps=3)
        for name in NAMES:  # bytecode caches and the OS's file cache
            run_fresh(name, server.endpoint, 10, p.timeout)

    def _round(self, server: Server, workers: Mapping[str, Worker]) -> None:
        order = _rotation(self.rounds_done)
        p = self.plan
        for scenario, args in self._scenarios():
            count_key = _COUNT[scenario]
            slices = _slices(args[count_key], p.slices)
            part = {**args, count_key: args[count_key] // slices}
            parts: dict[str, list[dict[str, Any]]] = {name: [] for name in order}
            for k in range(slices):
                # Each slice in the round's order, rotated slice by slice; only the
                # first slice of a sample starts with a full collection.
                for name in order[k % len(order) :] + order[: k % len(order)]:
                    cpu0, wall0 = server.cpu_seconds(), time.perf_counter()
                    result = workers[name].call(scenario, p.timeout, **part, collect=k == 0)
                    busy = (server.cpu_seconds() - cpu0) / (time.perf_counter() - wall0)
                    result["server_busy"] = busy * 100
                    parts[name].append(result)
            self._record(scenario, {name: _combined(got) for name, got in parts.items()})
        self._record(
            "cold", {n: run_fresh(n, server.endpoint, p.fresh_calls, p.timeout) for n in order}
        )
        self.rounds_done += 1

    def run_once(self, log: Callable[[str], None]) -> None:
        """One run: new server and workers, warm-up, ``plan.rounds`` rounds."""
        with contextlib.ExitStack() as stack:
            server = stack.enter_context(Server())
            workers = {name: stack.enter_context(Worker(name)) for name in NAMES}
            for worker in workers.values():
                worker.call("setup", self.plan.timeout, endpoint=server.endpoint)
            tokens = {
                n: {"check": w.call("token", self.plan.timeout)["check"]}
                for n, w in workers.items()
            }
            _agree("GetAuthorizationToken", tokens)
            if self.plan.warm_up:
                log("  warm-up")
                self._warm_up(server, workers)
            for _ in range(self.plan.rounds):
                log(f"  round {self.rounds_done + 1}: {' '.join(_rotation(self.rounds_done))}")
                self._round(server, workers)


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--quick", action="store_true", help="a few-second smoke pass; no timing judged"
    )
    parser.add_argument("--runs", type=int, default=1, help="pool N runs (new processes each)")
    parser.add_argument("--rounds", type=int, help="rounds per run (default: 3, --quick: 1)")
    parser.add_argument(
        "--markdown",
        type=Path,
        metavar="PATH",
        help="also write the report as Markdown ({python} in PATH: this Python's X.Y)",
    )
    args = parser.parse_args(argv)
    if args.runs < 1 or (args.rounds is not None and args.rounds < 1):
        parser.error("--runs and --rounds must be at least 1")
    return args


def _on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds through the cleanup of every child


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse(argv)
    plan = QUICK if args.quick else FULL
    if args.rounds is not None:
        plan = dataclasses.replace(plan, rounds=args.rounds)
    signal.signal(signal.SIGTERM, _on_sigterm)
    command = shlex.join(["python", "-m", "bench.run", *(sys.argv[1:] if argv is None else argv)])

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    header = [f"command: {command}", *machine()]
    print("\n".join(header), flush=True)
    started = time.perf_counter()
    bench = Bench(plan)
    try:
        header.append(f"fairness: {fairness.check()}")
        print(header[-1], flush=True)
        for run in range(args.runs):
            log(f"run {run + 1}/{args.runs}")
            bench.run_once(log)
    except fairness.FairnessError as exc:
        print(f"\nFAIRNESS CHECK FAILED, nothing measured: {exc}", file=sys.stderr)
        return 2
    except BenchError as exc:
        print(f"\nbenchmark failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted; every child process was stopped", file=sys.stderr)
        return 130
    elapsed = time.perf_counter() - started
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    summary = (
        f"{args.runs} run(s) x {plan.rounds} round(s) = {bench.rounds_done} samples per figure "
        f"in {elapsed:.0f} s; load average at end: {load}"
        + ("; --quick: tiny counts, timings NOT judged" if args.quick else "")
    )
    judge = not args.quick
    print(f"{summary}\n\n{table(bench.samples, bench.rows, NAMES, judge)}")
    if args.markdown:
        text = "\n".join(
            [
                *(f"- {line}" for line in header),
                f"- {summary}",
                "",
                markdown(bench.samples, bench.rows, NAMES, judge),
            ]
        )
        path = Path(str(args.markdown).replace("{python}", _PYTHON))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + "\n")
        print(f"\nMarkdown written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
