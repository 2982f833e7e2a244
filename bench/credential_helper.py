"""Wall time of ``docker-credential-ecrkit get`` on a cache hit, as Docker runs it.

Run: ``python -m bench.credential_helper [--runs N]`` (from a venv where ecrkit is
installed, so that the console script is on ``PATH`` next to the interpreter).

Seeds a cache with one fresh entry in a temporary folder, runs the helper's ``get``
``N`` times as a new process each, and prints the median, p10 and p90 wall times,
next to ``python -c pass`` for the interpreter's own start-up. The target is a median
of 0.15 s or less (docs/design/registry.md); this is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HOST = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
KEY_ID = "AKIDBENCHHELPER"


def _times(command: list[str], runs: int, env: dict[str, str], stdin: str) -> list[float]:
    out: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(command, input=stdin, capture_output=True, text=True, env=env)
        out.append(time.perf_counter() - start)
        assert done.returncode == 0, done.stdout + done.stderr
    return sorted(out)


def _line(name: str, times: list[float]) -> str:
    p10, p90 = times[len(times) // 10], times[len(times) * 9 // 10]
    return (
        f"{name:<32} median {statistics.median(times) * 1000:6.1f} ms  "
        f"p10 {p10 * 1000:6.1f}  p90 {p90 * 1000:6.1f}  (n={len(times)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    script = Path(sys.executable).with_name("docker-credential-ecrkit")
    if not script.exists():
        raise SystemExit(f"{script} is missing: pip install -e . in this venv first")
    with tempfile.TemporaryDirectory(prefix="ecrkit-helper-bench-") as tmp:
        cache = Path(tmp) / "cache"
        cache.mkdir(mode=0o700)
        key = f"key:{hashlib.sha256(KEY_ID.encode()).hexdigest()[:16]}|us-east-1|123456789012"
        entry = {
            "registry": HOST,
            "username": "AWS",
            "password": "bench-password",
            "endpoint": f"https://{HOST}",
            "expires_at": time.time() + 11 * 3600,
        }
        body = {"version": 1, "entries": {key: entry}}
        (cache / "registry-tokens.json").write_text(json.dumps(body))
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": tmp,
            "AWS_ACCESS_KEY_ID": KEY_ID,
            "ECRKIT_CACHE_DIR": str(cache),
            "ECRKIT_REGISTRY_CONFIG": str(Path(tmp) / "none.toml"),
        }
        print(_line("python -c pass", _times([sys.executable, "-c", "pass"], args.runs, env, "")))
        print(
            _line(
                "docker-credential-ecrkit get", _times([str(script), "get"], args.runs, env, HOST)
            )
        )


if __name__ == "__main__":
    main()
