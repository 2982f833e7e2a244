"""Import cost of ecrkit against its two big dependencies, in fresh processes.

Run: ``python bench/import_time.py [runs]``. Prints medians (min-max) of the
cumulative ``-X importtime`` figure of each top-level import, in milliseconds.
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys

CASES = {
    "aiohttp + pydantic (baseline)": "import aiohttp, pydantic",
    "baseline + pydantic.BaseModel (any model's first use)": "import aiohttp, pydantic.main",
    "baseline + ecrkit": "import aiohttp, pydantic, ecrkit",
    "baseline + ecrkit.models + ecrkit.errors": "import aiohttp, pydantic, ecrkit, ecrkit.models, ecrkit.errors",
    "... + first operation's models (DescribeImages)": (
        "import aiohttp, pydantic, ecrkit, ecrkit.models, ecrkit.errors;"
        "from ecrkit.models import DescribeImagesRequest, DescribeImagesResponse"
    ),
}
_LINE = re.compile(r"import time:\s+\d+ \|\s+(\d+) \| (\S.*)$")


def top_level_ms(code: str) -> float:
    """Sum of the cumulative times of the top-level imports ``code`` triggers."""
    err = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True, check=True
    ).stderr
    total = 0
    for line in err.splitlines():
        match = _LINE.match(line)
        if match and not match.group(2).startswith(" "):
            total += int(match.group(1))
    return total / 1000


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    results: dict[str, list[float]] = {name: [] for name in CASES}
    for _ in range(runs):  # interleave the cases so drift hits them alike
        for name, code in CASES.items():
            results[name].append(top_level_ms(code))
    base = statistics.median(results["aiohttp + pydantic (baseline)"])
    print(f"{'case':55} {'median ms':>10} {'min-max':>15} {'above baseline':>15}")
    for name, values in results.items():
        med = statistics.median(values)
        span = f"{min(values):.1f}-{max(values):.1f}"
        print(f"{name:55} {med:10.1f} {span:>15} {med - base:15.1f}")


if __name__ == "__main__":
    main()
