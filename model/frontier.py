"""Frontier runs reveal the truth (podcast [01:49-02:34]); synthetic data [02:59-03:18].

Training compute accumulates into the next frontier run. When it completes, every idea merged
since the last run is in it: their true frontier effects, good and bad, change software
efficiency S; the new model's effective compute sets the capability that AI researchers' taste and
speed follow (the lab deploys its best model: capability never falls); the lab learns whose ideas
paid off, and researchers learn from what their ideas really did. Between runs, the lab knows
only what small-scale results claim: the proxy efficiency.

The cadence: a run completes every ``frontier.interval_weeks``, or sooner, once the ideas merged
since the last one claim ``frontier.early_factor`` times what a whole interval gained at the
lab's week-0 pace (and at least ``frontier.min_interval_weeks`` have passed): a lab whose
research moves several times faster than it did ships what it has. So once research is fast, S
moves weekly, not on a quarterly clock, while a lab at its usual pace keeps its cadence.

``model.explosion`` decides, from the doubling times of S, whether the lab exploded. Software
efficiency is kept in log space and capped at 10^``explosion.max_log10_efficiency`` before
anything is exponentiated: the run stops there (``stop = "cap"``) with every output finite.
"""

from __future__ import annotations

import numpy as np

from model.explosion import DoublingClock

LN10 = np.log(10.0)
NO_ONE = np.empty(0, dtype=np.int64)
LN_S_FLOOR = -150.0  # S at least e^-150 (1e-65) of week 0's: exp((phi - 1) ln S) stays finite


class FrontierRun:
    """The lab's recipe between runs, the runs themselves, and capability.

    Args:
        model: The model.

    """

    def __init__(self, model):
        s = model.settings
        self.model = model
        self.enabled = s.frontier.enabled
        self.interval = s.frontier.interval_weeks
        self.early_factor = s.frontier.early_factor
        self.early_gain = np.inf  # set from the week-0 pace once the burn-in has measured it
        self.min_interval = s.frontier.min_interval_weeks
        self.last_run = -s.run.burn_in_weeks  # the burn-in starts on a run's week
        self.claimed = 0.0  # ln S the ideas merged since the last run claim
        self.pace0 = 0.0  # ln S a year at week 0 (the burn-in's last year)
        self.clock = DoublingClock(s.explosion.doublings)
        self.ln_cap = s.explosion.max_log10_efficiency * LN10
        self.synthetic = s.synthetic.enabled and s.ai.enabled
        self.syn_share = s.synthetic.share if self.synthetic else 0.0
        self.syn_efficiency = s.synthetic.efficiency
        self.material = s.ideas.material_effect
        # Capability is measured in orders of magnitude of effective compute above a week-0 run.
        self.ln_reference = np.log(s.compute.shares.training * s.compute.initial * self.interval
                                   + 1e-300)
        self.capability_synthetic = 0.0
        self.training = 0.0
        self.synthetic_data = 0.0
        self.runs = 0
        # One entry per completed run: (week, gain in ln S, shipped quality sum(weight * z)).
        self.log: list[tuple[int, float, float]] = []
        self._pending: list[tuple[np.ndarray, ...]] = []

    def restart(self, rescale: float) -> None:
        """Week 0 after a burn-in: forget the run log; rescale the recipe in progress.

        The burn-in's last year of runs sets the humans-only pace at week 0 (ln S a year at
        week-0 difficulty), the yardstick of compression (``model.metrics``).
        """
        year = [q for week, _, q in self.log if week > -52]
        span = min(52, self.model.settings.run.burn_in_weeks)
        self.pace0 = self.model.settings.ideas.effect_scale * sum(year) * 52.0 / max(span, 1)
        if self.early_factor > 0.0 and self.pace0 > 0.0:
            self.early_gain = self.early_factor * self.pace0 * self.interval / 52.0
        self.runs = 0
        self.log.clear()
        self.claimed *= rescale
        self.clock = DoublingClock(self.clock.window)
        self.capability_synthetic = 0.0
        self._pending = [(ids, w, scale * rescale, z, owner)
                         for ids, w, scale, z, owner in self._pending]

    @property
    def ai_compute(self) -> float:
        """Inference compute left for running AI researchers after synthetic data."""
        return self.model.compute.inference * (1.0 - self.syn_share)

    def merge(self, rows: dict[str, np.ndarray]) -> None:
        """Ideas that cleared the top rung join the recipe of the next run."""
        m, wf = self.model, self.model.workforce
        effective = rows["weight"] * rows["distinct"]
        m.counts["duplicated"] += float(np.sum(rows["weight"] - effective))
        keep = effective > 0
        if not keep.any():
            return
        rows = {k: v[keep] for k, v in rows.items()}
        # The claim: the top-rung result read as if it held at the frontier.
        rows["claim"] = rows["obs"] / m.cycle.rho[-1]
        effective = effective[keep]
        owner = rows["owner"]
        ids = m.lineage.add(rows, effective, wf.kind[owner])
        claim = float(np.sum(effective * rows["scale"] * rows["claim"]))
        m.ln_proxy += claim
        self.claimed += claim
        m.counts["merged"] += float(effective.sum())
        np.add.at(wf.merged, owner, effective)
        self._pending.append((ids, effective, rows["scale"], rows["z"], owner))

    def advance(self, week: int) -> np.ndarray:
        """Accumulate a week of training and synthetic data; complete a run when one is due.

        Returns:
            The researcher rows whose ideas a run revealed this week (one entry an idea group;
            empty in a week without a run).

        """
        m = self.model
        self.training += m.compute.training
        if self.synthetic and m.ai_running:  # inference makes data only where AI runs
            self.synthetic_data += m.compute.inference * self.syn_share * np.exp(m.ln_s)
        since = week - self.last_run
        due = since >= self.interval or (self.claimed >= self.early_gain
                                          and since >= self.min_interval)
        if not due:
            return NO_ONE
        self.last_run, self.claimed = week, 0.0
        m.epoch_draws = 0.0  # what the lab builds on changes: a new landscape of candidate ideas
        revealed = self._complete(week) if self.enabled else NO_ONE
        self.training = self.synthetic_data = 0.0
        return revealed

    def _complete(self, week: int) -> np.ndarray:
        m, wf = self.model, self.model.workforce
        self.runs += 1
        if self._pending:
            ids, weight, scale, z, owner = (np.concatenate(x) for x in zip(*self._pending,
                                                                             strict=True))
        else:
            ids = owner = np.empty(0, dtype=np.int64)
            weight = scale = z = np.empty(0)
        self._pending = []
        gain = float(np.sum(weight * scale * z))
        self.log.append((week, gain, float(np.sum(weight * z))))
        # Floored: a lab shipping harm for decades would otherwise drive S to 10^-1000 and its
        # exponentials (experiment prices, idea scales S^(phi - 1)) past a float's range.
        m.ln_s = max(m.ln_s + gain, LN_S_FLOOR)
        m.counts["shipped"] += float(weight.sum())
        m.counts["shipped_harmful"] += float(weight[z < -self.material].sum())
        m.counts["shipped_helpful"] += float(weight[z > self.material].sum())
        np.add.at(wf.shipped, owner, weight)
        m.lineage.reveal(ids, self.runs)
        m.scheduler.learn(owner, weight * scale * z)  # the lab learns whose ideas pay off
        if m.ln_s >= self.ln_cap:  # the safety stop: nothing beyond it is exponentiated
            m.ln_s = self.ln_cap
            m.stop = "cap"
        if self.clock.ship(week, m.ln_s) and not m.exploded:
            m.explode(self.clock.explosion_week)
        if self.training > 0:  # a run with no training compute trains no new model
            ln_effective = np.log(self.training) + m.ln_s
            if self.synthetic and self.synthetic_data > 0:
                ratio = np.exp(min(np.log(self.synthetic_data) - ln_effective, 700.0))
                self.capability_synthetic += self.syn_efficiency * np.log10(1.0 + ratio)
            new = (ln_effective - self.ln_reference) / LN10 + self.capability_synthetic
            m.capability = max(m.capability, new)  # the lab deploys its best model
        return owner
