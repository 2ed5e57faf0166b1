"""Will a scenario run here in bounded time and memory? An estimate from its workload keys.

Every value inside the schema's ranges is allowed, but not every combination fits a machine:
100,000 humans with backlogs of 1,000 ideas need tens of gigabytes. :func:`estimate` predicts a
run's CPU seconds and peak memory from the keys that set its workload, and :func:`check` refuses
a scenario whose estimate passes the limits with one line naming the keys that make it large.

The cost model counts what the model loops over each week:

- human-weeks: humans (on the hiring schedule from week 0) times weeks, burn-in included, for the
  lab and its humans-only twin;
- idea candidates drawn: a human thinks of ``ideas.per_week`` ideas a week (times its speed),
  every one drawn and merged into its backlog, kept or not; an AI cohort draws a full width
  every week;
- backlog slots and pipelines held, per week; collaboration links;
- AI cohorts are costed as if their pipelines were full (``ai.max_pipelines`` each, backlogs
  twice that wide), as they are once AI researchers take off.

The constants are fitted by ``python tests/fuzz.py --calibrate`` (non-negative least squares
on relative error over the probes in ``PROBES``, each run in a fresh fork with its CPU time and
peak resident memory read from the operating system) and checked by ``tests/test_fuzz.py``
against a measured run. Rerun the calibration after the model's costs change and paste its
output here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from model.scenario import Scenario, ScenarioError

# --- Calibration (python tests/fuzz.py --calibrate). CPU seconds and bytes, this machine. -----
SECONDS_PER_RUN = 3.38  # plots, twin set-up, summary
SECONDS_PER_WEEK = 0.000551  # a week's fixed cost, whatever the lab's size
SECONDS_PER_HUMAN_WEEK = 9e-07
SECONDS_PER_CANDIDATE = 2.04e-07
SECONDS_PER_SLOT_WEEK = 6.86e-09
SECONDS_PER_PIPELINE_WEEK = 4.31e-08
SECONDS_PER_LINK_WEEK = 3.57e-08
SECONDS_PER_HIRE_PAIR = 3.85e-08
SECONDS_PER_RUNG_WEEK = 1.22e-05
BYTES_PER_RUN = 2.58e+08  # the interpreter, numpy, numba, Mesa, matplotlib
BYTES_PER_HUMAN = 4.35e+03
BYTES_PER_SLOT = 48.1
BYTES_PER_CANDIDATE = 158  # the idea pool keeps room for a few weeks of new ideas
BYTES_PER_PIPELINE = 549
BYTES_PER_LINK = 305
BYTES_PER_ROW = 2e3  # a week of the time series: ~45 Python floats (not fitted: too small)
STARTUP_SECONDS = 2.35  # importing the model, before any of the above

# --- Limits: a 104-week run under a minute and 2 GB on a machine like this one. ---------------
MAX_SECONDS = 60.0  # per 104 weeks of horizon: longer horizons may take proportionally longer
MAX_BYTES = 2 * 1024**3
# Refuse before the limit. Memory: calibrations on this (shared, loaded) machine differed by up
# to 30%. Time: the cost model is linear in its terms and misses some interactions; the worst
# probe (a wide speed spread: a few humans think and work many times faster) takes 2.1x its
# estimate, and the fuzz found a long burn-in with fast hiring at 1.6x or more.
TIME_SAFETY = 2.5
MEMORY_SAFETY = 1.5
HORIZON_UNIT = 104  # weeks the time limit is for

# Probes of the calibration: baseline with these keys (104 weeks unless given). Each excites
# one term.
PROBES: tuple[dict, ...] = (
    {"run.burn_in_weeks": 0},
    {"run.burn_in_weeks": 0, "humans.count": 5000},
    {"run.burn_in_weeks": 0, "humans.count": 5000, "ideas.backlog": 300},
    {"run.burn_in_weeks": 0, "humans.count": 5000, "ideas.per_week": 60.0},
    # far more ideas a week than a backlog keeps, and fast thinkers (the fuzz found both)
    {"run.burn_in_weeks": 0, "humans.count": 3000, "ideas.per_week": 200.0},
    {"run.burn_in_weeks": 0, "humans.count": 3000, "ideas.per_week": 40.0,
     "humans.speed_spread": 1.5},
    {"run.burn_in_weeks": 0, "humans.count": 5000, "humans.pipelines": 24},
    {"run.burn_in_weeks": 0, "humans.count": 5000, "humans.network_degree": 60},
    {"run.burn_in_weeks": 0, "humans.count": 5000, "ai.enabled": False},
    {"run.burn_in_weeks": 520, "humans.count": 2000},
    {"run.burn_in_weeks": 0, "humans.count": 20000},
    {"run.burn_in_weeks": 0, "humans.count": 500, "humans.hiring_per_year": 4.0},
    {"run.weeks": 520, "experiments.frontier_coupling": 1.0},  # no explosion: all 520 weeks
    {"run.burn_in_weeks": 0, "compute.initial": 1e10, "ai.copy_cost": 1.0, "ai.taste": 10.0,
     "ideas.phi": -1.0, "ai.cohorts": 200, "ai.max_pipelines": 500},
    {"run.burn_in_weeks": 0, "compute.initial": 1e10, "ai.copy_cost": 1.0, "ai.taste": 10.0,
     "ideas.phi": -1.0, "ai.cohorts": 40, "ai.max_pipelines": 2000},
    {"run.burn_in_weeks": 0, "experiments.scales": [10.0 ** (k / 20 - 9) for k in range(160)],
     "experiments.run_weeks": [1.0] * 160, "experiments.implement_weeks": [0.1] * 160,
     "experiments.interpret_weeks": [0.1] * 160},
)


@dataclass(frozen=True)
class Workload:
    """What a run loops over: totals over its weeks, and sizes at the horizon.

    Totals cover the lab and its twin, burn-in included.

    Attributes:
        model_weeks: Weeks stepped, the lab's and the twin's, burn-in included.
        human_weeks: Humans times weeks.
        human_candidates, ai_candidates: Idea candidates drawn into backlogs.
        human_slot_weeks, ai_slot_weeks: Backlog slots held times weeks.
        human_pipeline_weeks, ai_pipeline_weeks: Pipelines held times weeks.
        link_weeks: Collaboration links times weeks.
        hire_pairs: Each hire times the team it joins (a newcomer picks colleagues from all).
        rung_weeks: Rungs of the experiment ladder times weeks.
        humans: Humans at the horizon, over the lab and its twin.
        human_slots, ai_slots: Backlog slots at the horizon.
        human_pipelines, ai_pipelines: Pipelines at the horizon.
        links: Collaboration links at the horizon.
        human_draws, ai_draws: Idea candidates drawn in a week at the horizon.
        weeks: Weeks of the time series.

    """

    model_weeks: float
    human_weeks: float
    human_candidates: float
    ai_candidates: float
    human_slot_weeks: float
    ai_slot_weeks: float
    human_pipeline_weeks: float
    ai_pipeline_weeks: float
    link_weeks: float
    hire_pairs: float
    rung_weeks: float
    humans: float
    human_slots: float
    ai_slots: float
    human_pipelines: float
    ai_pipelines: float
    links: float
    human_draws: float
    ai_draws: float
    weeks: int

    def time_terms(self) -> dict[str, float]:
        """The terms the CPU time is linear in (what the calibration fits)."""
        return {"SECONDS_PER_WEEK": self.model_weeks,
                "SECONDS_PER_HUMAN_WEEK": self.human_weeks,
                "SECONDS_PER_CANDIDATE": self.human_candidates + self.ai_candidates,
                "SECONDS_PER_SLOT_WEEK": self.human_slot_weeks + self.ai_slot_weeks,
                "SECONDS_PER_PIPELINE_WEEK": self.human_pipeline_weeks + self.ai_pipeline_weeks,
                "SECONDS_PER_LINK_WEEK": self.link_weeks,
                "SECONDS_PER_HIRE_PAIR": self.hire_pairs,
                "SECONDS_PER_RUNG_WEEK": self.rung_weeks}

    def memory_terms(self) -> dict[str, float]:
        """The terms the peak memory is linear in (what the calibration fits)."""
        return {"BYTES_PER_HUMAN": self.humans,
                "BYTES_PER_SLOT": self.human_slots + self.ai_slots,
                "BYTES_PER_CANDIDATE": self.human_draws + self.ai_draws,
                "BYTES_PER_PIPELINE": self.human_pipelines + self.ai_pipelines,
                "BYTES_PER_LINK": self.links}

    @property
    def rows(self) -> float:
        """Rows of the model's tables at the horizon: researchers, backlog slots, pipelines."""
        return (self.humans + self.human_slots + self.ai_slots + self.human_pipelines
                + self.ai_pipelines)


@dataclass(frozen=True)
class Estimate:
    """A run's predicted cost.

    Attributes:
        seconds: CPU seconds of ``takeoff run``, model imports included.
        bytes: Peak resident memory.
        rows: Rows of the model's tables at the horizon.
        seconds_by_key: Seconds each workload key accounts for (for the message).
        bytes_by_key: Bytes each workload key accounts for.

    """

    seconds: float
    bytes: float
    rows: float
    seconds_by_key: dict[str, float]
    bytes_by_key: dict[str, float]


def workload(s: Scenario) -> Workload:
    """The loops a run of ``s`` goes through, from its workload keys."""
    h, i, ai = s.humans, s.ideas, s.ai
    weeks, burn_in = s.run.weeks, s.run.burn_in_weeks
    models = 2 if ai.enabled else 1  # the lab and its humans-only twin
    # Humans on the hiring schedule: constant through the burn-in, then growing (or kept, when
    # the factor is below 1: nobody is let go).
    growth = max(h.hiring_per_year, 1.0) ** (1.0 / 52.0)
    if growth == 1.0:
        end, grown = 1.0, float(weeks)
    else:
        end = growth**weeks
        grown = growth * (end - 1.0) / (growth - 1.0)  # sum of growth**t, t = 1..weeks
    humans_end = h.count * end
    human_weeks = models * h.count * (burn_in + grown)
    width = max(i.backlog, 2 * ai.max_pipelines) if ai.enabled else i.backlog
    speed = math.exp(h.speed_spread**2 / 2.0)  # mean of the humans' lognormal speeds
    per_human = i.per_week * speed  # every idea thought of is drawn and merged, kept or not
    ai_weeks = ai.cohorts * weeks if ai.enabled else 0.0
    ai_draws = 2 * width  # a cohort of many copies fills a width from each class of ideas
    links = min(h.network_degree, max(humans_end - 1.0, 0.0)) / 2.0  # per human
    return Workload(
        model_weeks=models * (burn_in + weeks),
        human_weeks=human_weeks,
        human_candidates=human_weeks * per_human,
        ai_candidates=ai_weeks * ai_draws,
        human_slot_weeks=human_weeks * i.backlog,
        ai_slot_weeks=ai_weeks * width,
        human_pipeline_weeks=human_weeks * h.pipelines,
        ai_pipeline_weeks=ai_weeks * ai.max_pipelines,
        link_weeks=human_weeks * links,
        hire_pairs=models * (humans_end**2 - h.count**2) / 2.0,
        rung_weeks=len(s.experiments.scales) * models * (burn_in + weeks),
        humans=models * humans_end,
        human_slots=models * humans_end * i.backlog,
        ai_slots=ai.cohorts * width if ai.enabled else 0.0,
        human_pipelines=models * humans_end * h.pipelines,
        ai_pipelines=ai.cohorts * ai.max_pipelines if ai.enabled else 0.0,
        links=models * humans_end * links,
        human_draws=models * humans_end * per_human,
        ai_draws=ai.cohorts * ai_draws if ai.enabled else 0.0,
        weeks=weeks,
    )


def estimate(s: Scenario) -> Estimate:
    """Predicted CPU seconds, peak memory and table rows of a run of ``s``."""
    w = workload(s)
    ai_seconds = (SECONDS_PER_CANDIDATE * w.ai_candidates + SECONDS_PER_SLOT_WEEK * w.ai_slot_weeks
                  + SECONDS_PER_PIPELINE_WEEK * w.ai_pipeline_weeks)
    seconds = {
        "run.weeks": SECONDS_PER_WEEK * w.model_weeks,
        "humans.count": SECONDS_PER_HUMAN_WEEK * w.human_weeks,
        "ideas.per_week": SECONDS_PER_CANDIDATE * w.human_candidates,
        "ideas.backlog": SECONDS_PER_SLOT_WEEK * w.human_slot_weeks,
        "humans.pipelines": SECONDS_PER_PIPELINE_WEEK * w.human_pipeline_weeks,
        "humans.network_degree": SECONDS_PER_LINK_WEEK * w.link_weeks,
        "humans.hiring_per_year": SECONDS_PER_HIRE_PAIR * w.hire_pairs,
        "ai.cohorts": ai_seconds,
        "experiments.scales": SECONDS_PER_RUNG_WEEK * w.rung_weeks,
    }
    sizes = {
        "humans.count": BYTES_PER_HUMAN * w.humans,
        "ideas.backlog": BYTES_PER_SLOT * w.human_slots,
        "ideas.per_week": BYTES_PER_CANDIDATE * w.human_draws,
        "humans.pipelines": BYTES_PER_PIPELINE * w.human_pipelines,
        "humans.network_degree": BYTES_PER_LINK * w.links,
        "ai.cohorts": (BYTES_PER_SLOT * w.ai_slots + BYTES_PER_PIPELINE * w.ai_pipelines
                       + BYTES_PER_CANDIDATE * w.ai_draws),
        "run.weeks": BYTES_PER_ROW * w.weeks,
    }
    return Estimate(seconds=STARTUP_SECONDS + SECONDS_PER_RUN + sum(seconds.values()),
                    bytes=BYTES_PER_RUN + sum(sizes.values()), rows=w.rows,
                    seconds_by_key=seconds, bytes_by_key=sizes)


def time_limit(s: Scenario, seconds: float | None = None) -> float:
    """The CPU seconds a run of ``s`` may take: ``seconds`` (``MAX_SECONDS``) per 104 weeks."""
    return (MAX_SECONDS if seconds is None else seconds) * max(1.0, s.run.weeks / HORIZON_UNIT)


def check(s: Scenario, origin: str | None = None, seconds: float | None = None,
          max_bytes: float | None = None) -> Estimate:
    """Refuse a scenario too large to run here; return its estimate otherwise.

    Args:
        s: The scenario.
        origin: What to name in the message (default: the scenario's name).
        seconds: CPU seconds allowed per 104 weeks of horizon (default ``MAX_SECONDS``).
        max_bytes: Peak memory allowed (default ``MAX_BYTES``).

    Raises:
        ScenarioError: One line: the estimate, the limit and the keys that make it large.

    """
    max_bytes = MAX_BYTES if max_bytes is None else max_bytes
    e = estimate(s)
    limit = time_limit(s, seconds)
    slow = TIME_SAFETY * e.seconds > limit
    big = MEMORY_SAFETY * e.bytes > max_bytes
    if not (slow or big):
        return e
    parts = []
    if slow:
        parts.append(f"about {e.seconds:.0f} s of CPU where {limit / TIME_SAFETY:.0f} s fit "
                     f"{s.run.weeks} weeks")
    if big:
        parts.append(f"about {e.bytes / 2**30:.1f} GiB of memory where "
                     f"{max_bytes / MEMORY_SAFETY / 2**30:.1f} GiB fit")
    share = {k: (e.seconds_by_key.get(k, 0.0) / e.seconds if slow else 0.0)
             + (e.bytes_by_key.get(k, 0.0) / e.bytes if big else 0.0)
             for k in {*e.seconds_by_key, *e.bytes_by_key}}
    keys = [k for k in sorted(share, key=share.get, reverse=True) if share[k] > 0.15][:3]
    if "ai.cohorts" in keys:  # an AI cohort costs its pipelines and a backlog twice as wide
        keys.insert(keys.index("ai.cohorts") + 1, "ai.max_pipelines")
    # Every human has a backlog, pipelines, links and draws: its count multiplies those terms.
    if sum(share.get(k, 0.0) for k in PER_HUMAN) > 0.15 and "humans.count" not in keys:
        keys.append("humans.count")
    keys += [k for k in _scale_keys(s) if k not in keys]
    named = ", ".join(f"{k}={_value(s, k)}" for k in keys)
    raise ScenarioError(f"{origin or s.name}: too large to run here: {' and '.join(parts)} "
                        f"(model/limits.py: the limits less a margin for the estimate, "
                        f"{TIME_SAFETY:g}x on time and {MEMORY_SAFETY:g}x on memory); make these "
                        f"smaller: {named}")


PER_HUMAN = ("humans.count", "ideas.backlog", "ideas.per_week", "humans.pipelines",
             "humans.network_degree")


def _scale_keys(s: Scenario) -> list[str]:
    """Keys that multiply every term: the horizon, a long burn-in, hiring."""
    keys = ["run.weeks"]
    if s.run.burn_in_weeks > s.run.weeks:
        keys.append("run.burn_in_weeks")
    if s.humans.hiring_per_year > 1.0:
        keys.append("humans.hiring_per_year")
    return keys


def _value(s: Scenario, key: str) -> str:
    v = s[key]
    if isinstance(v, list):
        return f"[{len(v)} rungs]"
    return f"{v:g}" if isinstance(v, float) else str(v)
