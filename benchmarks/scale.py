"""Large labs: the cost of a week from 10,000 to 100,000 humans, and a 100,000-human lab's memory.

The cost is :func:`benchmarks.runs.agent_scaling` at large sizes with a short burn-in (a large
lab's burn-in costs as much per week as its timed weeks). The memory is the maximum resident
set size of a fresh process that builds the lab and runs it, as ``getrusage`` reports it for
that process at its end: the interpreter, every library and the model, not only what the model
allocates (``benchmarks.runs`` traces that with ``tracemalloc``).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from benchmarks.runs import agent_scaling

ROOT = Path(__file__).resolve().parents[1]
RSS = """import resource
from model.model import TakeoffModel
from model.scenario import load_scenario
s = load_scenario({base!r}).replace({{"humans.count": {n}, "run.burn_in_weeks": {burn_in},
                                     "run.weeks": {weeks}}})
m = TakeoffModel(s, lineage_graph=False)
m.run()
assert m.week == {weeks}, m.week
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def large_scaling(counts: list[int], repeats: int, burn_in: int = 4, weeks: int = 8) -> dict:
    """Seconds per week of a humans-only lab at each of ``counts`` humans, and the exponent."""
    return agent_scaling(counts, repeats, burn_in=burn_in, weeks=weeks)


def max_rss_mib(n: int, base: str = "humans_only", burn_in: int = 4, weeks: int = 8) -> float:
    """Maximum resident memory, in MiB, of a fresh process running an ``n``-human lab.

    Args:
        n: Humans.
        base: The shipped scenario the lab starts from.
        burn_in: Burn-in weeks.
        weeks: Weeks run after the burn-in (the lab's twin too, when the scenario has one).

    """
    code = RSS.format(base=base, n=n, burn_in=burn_in, weeks=weeks)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{n}-human {base} lab: exit {proc.returncode}: "
                           f"{proc.stderr[-2000:]}")
    return int(proc.stdout.split()[-1]) / 1024  # Linux reports KiB
