"""Pooling the samples and printing them: medians [min-max] and ratios to the floor.

Every figure of an adapter is also divided by the floor's figure *of the same
round* (throughput the other way round), so each ratio reads "times the
floor's cost": 1.00x is the floor, lower is better. Timing differences under
about 5% are noise on a shared 2-core VM: a timing ratio within 5% over its
target is called borderline, not a miss; a verdict whose min-max range crosses
the target says so.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata

from bench.plan import Row
from bench.procs import MALLOC_PIN, child_env

__all__ = ["NOISE", "RATIOS", "Samples", "machine", "markdown", "table", "verdict"]

NOISE = 0.05
_PACKAGES = ("ecrkit", "aiohttp", "pydantic", "pydantic-core", "aiobotocore", "botocore")
_NOTES = (
    "Ratios: the adapter's figure / the base's figure measured in the same round "
    "(throughput: base / adapter), so 1.00x is the base and lower is better. "
    "same-models is the floor with ecrkit's response models: ecrkit/same-models is "
    "the cost of ecrkit's runtime alone.",
    "Cells: median [min-max] over all rounds of all runs.",
    f"Timing differences under ~{NOISE:.0%} are noise on this machine: a timing ratio "
    f"within {NOISE:.0%} above its target is 'borderline', not a miss (peak RSS is "
    "deterministic and gets no such allowance).",
    "CPU is the client process's own (time.process_time); the fake server runs in "
    "another process. Cold start excludes interpreter start-up.",
)


#: The ratio columns: (adapter, base). ecrkit / same-models is ecrkit's runtime alone.
RATIOS: tuple[tuple[str, str], ...] = (
    ("same-models", "floor"),
    ("ecrkit", "floor"),
    ("ecrkit", "same-models"),
    ("aiobotocore", "floor"),
)


@dataclass
class Samples:
    """All rounds' figures: ``values[key][adapter]`` and ``ratios[key][(adapter, base)]``."""

    values: dict[str, dict[str, list[float]]] = field(default_factory=lambda: defaultdict(dict))
    ratios: dict[str, dict[tuple[str, str], list[float]]] = field(
        default_factory=lambda: defaultdict(dict)
    )

    def add(self, row: Row, per_adapter: Mapping[str, float]) -> None:
        """One round's figure of ``row`` for every adapter, and its ratios of that round."""
        for name, value in per_adapter.items():
            self.values[row.key].setdefault(name, []).append(value)
        if not row.ratio:
            return
        for name, base in RATIOS:
            if name in per_adapter and base in per_adapter:
                a, b = per_adapter[name], per_adapter[base]
                ratio = b / a if row.higher_is_better else a / b
                self.ratios[row.key].setdefault((name, base), []).append(ratio)

    def ratio(self, key: str, name: str, base: str) -> list[float] | None:
        return self.ratios.get(key, {}).get((name, base))


def _num(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _spread(values: Sequence[float], fmt: str) -> str:
    med = fmt.format(_num(statistics.median(values)))
    if len(values) < 2:
        return med
    return f"{med} [{_num(min(values))}-{_num(max(values))}]"


def verdict(target: float | None, noisy: bool, ratios: Sequence[float] | None, judge: bool) -> str:
    """A median ratio against ``target``."""
    if target is None:
        return ""
    if not judge or not ratios:
        return f"<= {target}x (not judged)"
    med = statistics.median(ratios)
    notes = []
    if med <= target:
        word = "meets"
    elif noisy and med <= target * (1 + NOISE):
        word, notes = "borderline", ["within noise"]
    else:
        word = "MISSES"
    if min(ratios) <= target < max(ratios):
        notes.append("range straddles target")
    return f"<= {target}x: {word}" + (f" ({'; '.join(notes)})" if notes else "")


def _ratio_columns(adapters: Sequence[str]) -> list[tuple[str, list[tuple[str, str]]]]:
    """Each adapter after the floor, with the ratio columns that follow its own."""
    return [
        (name, [(n, b) for n, b in RATIOS if n == name and b in adapters]) for name in adapters[1:]
    ]


def _cells(
    samples: Samples, rows: Sequence[Row], adapters: Sequence[str], judge: bool
) -> list[list[str]]:
    floor = adapters[0]
    out = []
    for row in rows:
        unit = "{} %" if row.unit == "%" else "{} " + row.unit
        values = samples.values.get(row.key, {})
        line = [row.label, _spread(values[floor], unit) if floor in values else "-"]
        for name, ratio_columns in _ratio_columns(adapters):
            line.append(_spread(values[name], unit) if name in values else "-")
            for n, b in ratio_columns:
                ratios = samples.ratio(row.key, n, b)
                line.append(_spread(ratios, "{}x") if ratios else "")
        line.append(verdict(row.target, row.noisy, samples.ratio(row.key, "ecrkit", floor), judge))
        line.append(
            verdict(
                row.runtime_target,
                row.noisy,
                samples.ratio(row.key, "ecrkit", "same-models"),
                judge,
            )
        )
        out.append(line)
    return out


def _header(adapters: Sequence[str]) -> list[str]:
    head = ["Scenario", adapters[0]]
    for name, ratio_columns in _ratio_columns(adapters):
        head += [name, *(f"{n}/{b}" for n, b in ratio_columns)]
    return [*head, f"target: ecrkit/{adapters[0]}", "target: ecrkit/same-models"]


def table(samples: Samples, rows: Sequence[Row], adapters: Sequence[str], judge: bool) -> str:
    """The plain-text table and its notes."""
    grid = [_header(adapters), *_cells(samples, rows, adapters, judge)]
    widths = [max(len(r[i]) for r in grid) for i in range(len(grid[0]))]
    lines = []
    for n, r in enumerate(grid):
        cells = [r[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(r[1:-2], widths[1:-2], strict=True)
        ]
        cells += [r[-2].ljust(widths[-2]), r[-1]]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("-" * len(lines[0]))
    return "\n".join([*lines, "", *(f"* {note}" for note in _NOTES)])


def markdown(samples: Samples, rows: Sequence[Row], adapters: Sequence[str], judge: bool) -> str:
    """The same table in Markdown."""
    grid = [_header(adapters), *_cells(samples, rows, adapters, judge)]
    lines = [
        "| " + " | ".join(grid[0]) + " |",
        "|" + "---|" + "--:|" * (len(grid[0]) - 3) + "---|---|",
    ]
    for r in grid[1:]:
        label = r[0].strip()
        label = f"&nbsp;&nbsp;{label}" if r[0].startswith(" ") else f"**{label}**"
        lines.append("| " + " | ".join([label, *r[1:]]) + " |")
    return "\n".join([*lines, "", *(f"- {note}" for note in _NOTES)])


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine() -> list[str]:
    """What ran the benchmark: CPUs, OS, Python and package versions."""
    mem = ""
    try:
        with open("/proc/meminfo") as info:
            mem = f", {int(info.readline().split()[1]) / 1024**2:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return [
        f"machine: {os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), {_cpu_model()}{mem}",
        f"os: {platform.platform()}; load average at start: {load}",
        f"python: {platform.python_implementation()} {sys.version.split()[0]}",
        "packages: " + ", ".join(f"{p} {_version(p)}" for p in _PACKAGES),
        "allocator, every child: " + _allocator(),
    ]


def _allocator() -> str:
    pinned = " ".join(f"{k}={v}" for k, v in MALLOC_PIN.items() if child_env().get(k) == v)
    return pinned or "glibc's dynamic thresholds (BENCH_MALLOC=default)"
