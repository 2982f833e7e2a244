"""How much each scenario does (full and ``--quick``), and the rows of the report."""

from __future__ import annotations

from dataclasses import dataclass

from bench.fake_server import DESCRIBE_PAGE, FINDINGS, LIST_PAGE, TOTAL_IDS

__all__ = ["FULL", "QUICK", "RUNTIME_TARGET", "Plan", "Row", "rows"]


@dataclass(frozen=True, slots=True)
class Plan:
    """Counts per adapter per round; a run is ``warm-up + rounds``."""

    rounds: int
    seq_calls: int
    conc_tasks: int
    conc_calls_per_task: int
    page_reps: int
    finding_reps: int
    fresh_calls: int
    #: Each timed sample is taken in this many slices (its counts divided evenly), the
    #: adapters alternating slice by slice: the two sides of a ratio then share the
    #: machine's drift at a tenth of a second, not at a sample's length.
    slices: int
    warm_up: bool
    timeout: float  # seconds for any one request to a worker or one fresh process


FULL = Plan(
    rounds=3,
    seq_calls=150,
    conc_tasks=64,
    conc_calls_per_task=4,
    page_reps=5,
    finding_reps=30,
    fresh_calls=1_000,
    slices=5,
    warm_up=True,
    timeout=300,
)
QUICK = Plan(
    rounds=1,
    seq_calls=3,
    conc_tasks=64,
    conc_calls_per_task=1,
    page_reps=1,
    finding_reps=1,
    fresh_calls=3,
    slices=1,
    warm_up=False,
    timeout=60,
)


#: ecrkit / same-models floor on every client-CPU row: ecrkit's runtime adds at most 5%.
RUNTIME_TARGET = 1.05


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the table: a measured figure (``key`` = ``scenario.field``)."""

    key: str
    label: str
    unit: str
    target: float | None = None  # the ecrkit/floor ratio ecrkit should stay at or under
    higher_is_better: bool = False  # throughput: the ratio is then floor/adapter
    ratio: bool = True  # False: shown as is, not compared with the floor
    noisy: bool = True  # timings are; peak RSS is not, so it gets no noise allowance
    runtime_target: float | None = None  # the ecrkit/same-models ratio (the runtime alone)


def rows(plan: Plan) -> list[Row]:
    """The table's rows, in the order of the scenarios."""
    conc = plan.conc_tasks
    return [
        Row(
            "seq.cpu_ms",
            f"Sequential DescribeImages ({DESCRIBE_PAGE} images): client CPU per call",
            "ms",
            1.5,
            runtime_target=RUNTIME_TARGET,
        ),
        Row("seq.wall_ms", "  wall per call", "ms"),
        Row(
            "conc.calls_per_s",
            f"{conc} concurrent tasks, DescribeImages: throughput",
            "calls/s",
            1.5,
            True,
        ),
        Row("conc.cpu_ms", "  client CPU per call", "ms", runtime_target=RUNTIME_TARGET),
        Row("conc.server_busy", "  fake server busy (its CPU / wall)", "%", ratio=False),
        Row(
            "pages.cpu_ms",
            f"Paginate {TOTAL_IDS:,} image ids ({LIST_PAGE:,}/page): client CPU",
            "ms",
            1.5,
            runtime_target=RUNTIME_TARGET,
        ),
        Row("pages.wall_ms", "  wall", "ms"),
        Row(
            "findings.cpu_ms",
            f"Parse {FINDINGS:,} scan findings: client CPU per call",
            "ms",
            1.5,
            runtime_target=RUNTIME_TARGET,
        ),
        Row("cold.first_call_ms", "Cold start: import + client + first call", "ms", 1.6),
        Row("cold.import_ms", "  import alone", "ms"),
        Row("cold.rss_mib", f"Peak RSS after {plan.fresh_calls:,} calls", "MiB", 1.3, noisy=False),
    ]
