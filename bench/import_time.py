"""Import cost of ecrkit against its two big dependencies, in fresh processes.

Run: ``python bench/import_time.py [runs]``. For each case, in fresh processes:
the cumulative ``-X importtime`` of its top-level imports (median, min-max, and the
median above the ``import aiohttp, pydantic`` baseline), and the process CPU time of
what it imports beyond that baseline (min / median). On a shared VM the wall figures
swing by tens of milliseconds between runs; the CPU minimum much less.
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys

BASELINE = "import aiohttp, pydantic"
#: case -> what it imports after the baseline
CASES = {
    "aiohttp + pydantic (baseline)": "pass",
    "baseline + pydantic.BaseModel (any model's first use)": "import pydantic.main",
    # `import ecrkit` alone loads nothing since its names load lazily (issue 17): the
    # client is what an application imports.
    "baseline + ecrkit (from ecrkit import ECRClient)": "from ecrkit import ECRClient",
    "baseline + ecrkit.models + ecrkit.errors": "import ecrkit, ecrkit.models, ecrkit.errors",
    "... + first operation's models (DescribeImages)": (
        "import ecrkit, ecrkit.models, ecrkit.errors; "
        "from ecrkit.models import DescribeImagesRequest, DescribeImagesResponse"
    ),
}
_LINE = re.compile(r"import time:\s+\d+ \|\s+(\d+) \| (\S.*)$")
_CPU = "import time; {base}; t = time.process_time(); {extra}; print(time.process_time() - t)"


def top_level_ms(extra: str) -> float:
    """Sum of the cumulative times of the top-level imports, in a fresh process."""
    err = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"{BASELINE}; {extra}"],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    total = 0
    for line in err.splitlines():
        match = _LINE.match(line)
        if match and not match.group(2).startswith(" "):
            total += int(match.group(1))
    return total / 1000


def cpu_ms_above_baseline(extra: str) -> float:
    """CPU time of what ``extra`` imports beyond the baseline, in a fresh process."""
    code = _CPU.format(base=BASELINE, extra=extra)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout) * 1000


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    wall: dict[str, list[float]] = {name: [] for name in CASES}
    cpu: dict[str, list[float]] = {name: [] for name in CASES}
    for _ in range(runs):  # interleave the cases so drift hits them alike
        for name, extra in CASES.items():
            wall[name].append(top_level_ms(extra))
            cpu[name].append(cpu_ms_above_baseline(extra))
    base = statistics.median(wall["aiohttp + pydantic (baseline)"])
    print(
        f"{'case':55} {'median ms':>10} {'min-max':>15} {'above baseline':>15}"
        f" {'CPU above baseline (min / median)':>34}"
    )
    for name, values in wall.items():
        med = statistics.median(values)
        span = f"{min(values):.1f}-{max(values):.1f}"
        cpu_cell = f"{min(cpu[name]):.1f} / {statistics.median(cpu[name]):.1f}"
        print(f"{name:55} {med:10.1f} {span:>15} {med - base:15.1f} {cpu_cell:>34}")


if __name__ == "__main__":
    main()
