"""``python -m benchmarks``: measure everything in one process and write ``RESULTS.md``."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

# One core: no helper threads in numerical libraries (set before numpy is imported).
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

from benchmarks import agent_step, cli, page, profile, runs, scale, sweep_start  # noqa: E402
from benchmarks.report import write_results  # noqa: E402
from benchmarks.timing import load, machine  # noqa: E402

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks; return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md",
                        help="where to write the results (default benchmarks/RESULTS.md)")
    parser.add_argument("--quick", action="store_true",
                        help="one repeat and small sizes: checks the harness, not the speed")
    args = parser.parse_args(argv)
    quick = args.quick
    reps = 1 if quick else 5
    sizes = [100, 1000] if quick else [100, 1000, 10000]
    started, load_start = time.perf_counter(), load()
    results: dict = {"machine": machine(), "quick": quick}

    def say(text: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f} s] {text}", file=sys.stderr, flush=True)

    results["agent_step"] = []
    for n in sizes:
        for ai in (False, True):
            say(f"agent-step: {n} humans, AI {'on' if ai else 'off'}")
            results["agent_step"].append(
                agent_step.compare(n, repeats=reps, ai=ai))
    results["runs"] = {}
    for label, (base, values) in runs.RUNS.items():
        say(f"whole run: {label}")
        results["runs"][label] = runs.whole_run(base, values, repeats=reps)
    say("aggregate model")
    results["aggregate"] = runs.aggregate_run(repeats=min(reps, 3),
                                              cold_repeats=1 if quick else 2)
    say("scaling with agents")
    results["agents_scaling"] = runs.agent_scaling(
        [500, 1000] if quick else [1000, 2000, 4000, 8000], repeats=1 if quick else 3)
    say("large labs")
    results["large_scaling"] = scale.large_scaling(
        [1000, 3000] if quick else [10_000, 30_000, 100_000], repeats=1 if quick else 3)
    big = 10_000 if quick else 100_000
    say(f"memory of a fresh process running a {big:,}-human lab")
    results["large_memory"] = {"n": big, "mib": scale.max_rss_mib(big)}
    say("scaling with weeks")
    results["weeks_scaling"] = {
        "humans_only": runs.week_scaling("humans_only", {}, [65, 130] if quick else
                                         [130, 260, 520, 1040], twin=False,
                                         repeats=1 if quick else 3),
        runs.NO_EXPLOSION + ", with its twin": runs.week_scaling(
            "baseline", {"experiments.frontier_coupling": 1.0},
            [65, 130] if quick else [65, 130, 260, 520], twin=True, repeats=1 if quick else 3),
    }
    say("profile of a week")
    results["profile"] = [profile.phases(100, True, 104), profile.phases(1000, False, 52)]
    if not quick:
        results["profile"].append(profile.phases(10000, False, 12))
    say("startup of a fresh process")
    results["startup"] = runs.startup(repeats=reps)
    say("app update")
    results["app"] = runs.app_update(repeats=reps)
    say("the command line, fresh processes")
    results["cli"] = cli.commands(repeats=min(reps, 3))  # runs take seconds each
    results["cli_floors"] = cli.floors(repeats=min(reps, 3))
    say("sweep start")
    results["sweep_start"] = sweep_start.start(repeats=min(reps, 3))
    say("the page's Step through Solara")
    results["page"] = page.step_clicks(clicks=5 if quick else 60)
    results["load"] = (load_start, load())
    results["seconds"] = time.perf_counter() - started
    write_results(results, args.out)
    say(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
