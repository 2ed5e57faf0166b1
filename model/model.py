"""The takeoff model: one AI lab, its human and AI researchers, its compute and its frontier runs.

Source: a conversation among ML researchers on whether automated AI researchers give an
intelligence explosion (the Dwarkesh Podcast episode with Sholto Douglas and
Trenton Bricken, 2024; timestamps in brackets): research is bound less by engineering labour than by
compute to run experiments and by taste in choosing what to try [00:24-00:41]; ideas that help
small can hurt big [05:38-05:44]; big runs carry information nothing else gives [01:56-02:34];
10x experiment compute makes a program about 5x faster [01:00-01:19]. Calibrated to Ho et al. (2024)
for humans-only algorithmic progress. See ``docs/model.md`` for each mechanism's module.
"""

from __future__ import annotations

import mesa
import numpy as np

from agents.ai import AICopilot, AIResearcher
from agents.humans import HumanResearcher
from agents.researchers import Researcher
from model import metrics
from model.compute import ComputeBudget
from model.frontier import FrontierRun
from model.lineage import IdeaLineage
from model.pipelines import ResearchCycle
from model.scenario import Scenario, load_scenario
from model.scheduler import ExperimentScheduler
from model.workforce import Workforce

RESCALE_CAP = 100.0  # ln of the largest factor a burn-in rescales ideas by


class TakeoffModel(mesa.Model):
    """An AI lab where humans and AI researchers compete for compute and choose ideas by taste.

    Args:
        settings: The scenario; the shipped ``baseline`` when None.
        rng: Seed or generator; ``settings.run.seed`` when None.
        twin: Step a humans-only twin alongside, for the speedup (ignored when AI is off).
        lineage_graph: Keep the idea lineage as a networkx DiGraph.
        follow: Internal: the lab this model is the humans-only twin of. A twin is the same
            lab (the same researchers, drawing from the same streams, so its history up to
            week 0 is the lab's to the bit) whose AI researchers never run; it copies the lab's
            compute split and keeps no DataCollector (the lab records ``twin_research_speed``).

    """

    def __init__(self, settings: Scenario | None = None, rng=None, twin: bool = True,
                 lineage_graph: bool = True, follow: TakeoffModel | None = None):
        settings = settings if settings is not None else load_scenario("baseline")
        seed = settings.run.seed if rng is None else rng
        super().__init__(rng=seed)
        self.settings = settings
        self.ai_active = settings.ai.enabled and follow is None  # a twin's AI never runs
        self.ai_running = False
        self.week = 0
        self.ln_s = 0.0  # true software efficiency, log, relative to week 0
        self.ln_proxy = 0.0  # what small-scale results claim
        self.capability = 0.0  # OOMs of effective compute of the latest frontier model
        self.exploded = False
        self.explosion_week: int | None = None
        self.stop: str | None = None  # why the run ended: "horizon" or "cap"
        self.in_history = False  # in the burn-in
        self.epoch_draws = 0.0  # ideas drawn since the last frontier run (stepping on toes)
        rungs = len(settings.experiments.scales)
        self.counts = {k: 0.0 for k in ("generated", "started", "promoted", "merged",
                                        "shipped", "shipped_harmful", "shipped_helpful",
                                        "duplicated", "experiment_compute")}
        self.counts["tested"] = np.zeros(rungs)
        self.counts["dropped"] = np.zeros(rungs)
        self.cycle_log: list[tuple[float, float]] = []
        self.ln_s_history = [0.0]
        # Settings read every week, looked up once.
        self._horizon, self._interval = settings.run.weeks, settings.frontier.interval_weeks
        self._window = settings.metrics.speed_window_weeks

        self.compute = ComputeBudget(settings, follow=follow.compute if follow else None)
        self.compute.advance(0)
        self.workforce = Workforce(self)
        self.cycle = ResearchCycle(self)
        self.pipelines = self.cycle.pipes
        self.scheduler = ExperimentScheduler(self)
        self.lineage = IdeaLineage(self, graph=lineage_graph)
        self.frontier = FrontierRun(self)
        self.twin = (TakeoffModel(settings, rng=seed, twin=False, lineage_graph=False,
                                  follow=self)
                     if twin and self.ai_active else None)
        self.research_speed = 0.0
        self.speedup = 1.0
        self.burn_in(settings.run.burn_in_weeks)
        # A twin keeps no time series of its own: the lab records its speed every week.
        self.datacollector = (metrics.Recorder(model_reporters=metrics.reporters(rungs))
                              if follow is None else None)
        if self.datacollector is not None:
            self.datacollector.collect(self)

    def step(self) -> None:
        """One week: the research cycle, then the humans-only twin, then the measurements."""
        self.week = int(self.time)
        self.research_week()
        self.ln_s_history.append(self.ln_s)
        if self.twin is not None:
            self.twin.step()
        self.research_speed = metrics.research_speed(self)
        self.speedup = metrics.speedup(self)
        if self.datacollector is not None:
            self.datacollector.collect(self)
        if self.stop is None and self.week >= self._horizon:
            self.stop = "horizon"
        if self.stop is not None:
            self.running = False

    def research_week(self, history: bool = False) -> None:
        """The research cycle of ``self.week``; in the lab's ``history`` no AI researchers run."""
        self.compute.advance(self.week)  # compute grows; the lab splits it
        self.ai_running = self.ai_active and not history
        ai_compute = self.frontier.ai_compute if self.ai_running else 0.0
        self.workforce.update(self.week, ai_compute, self.ln_s, self.capability)  # who works
        AIResearcher.plan(self)  # cohorts size their pipelines to the compute they can get
        AICopilot.assist(self)  # copilots take on what they can of their humans' work
        self.think()  # ideas are cheap: backlogs fill
        shortlist = Researcher.shortlist(self)  # taste picks what might be worth testing
        HumanResearcher.talk_over(self, shortlist)  # humans talk it over with collaborators
        Researcher.choose(self, shortlist)  # and the best is started
        Researcher.work(self, np.ones(len(self.pipelines)))  # read results, set up experiments
        self.scheduler.allocate()  # everyone competes for experiment compute
        leftover = self.scheduler.advance()  # experiments run
        Researcher.work(self, leftover)  # results that came in early are read this week
        Researcher.engineer(self)  # time left over makes waiting experiments cheaper
        self.cycle.sweep()
        revealed = self.frontier.advance(self.week)  # a due run ships the recipe: the truth
        HumanResearcher.learn(self, revealed)  # humans learn what their ideas really did

    def burn_in(self, weeks: int) -> None:
        """Give the lab a history: ``weeks`` of humans-only research before week 0.

        Pipelines fill and the idea lineage forms as in a lab that has been running for a while;
        then software efficiency, the proxy, capability and every counter restart from their
        week-0 values, and ideas in hand are rescaled to week-0 difficulty. Experiments cost
        what they cost at week 0 throughout (software progress in the history does not make them
        cheaper), so the history runs at the week-0 lab's pace. Taste learning is off, so
        ``humans.taste_noise`` is still the week-0 median.
        """
        if weeks <= 0:
            return
        self.in_history = True
        for week in range(-weeks + 1, 1):
            self.week = week
            self.research_week(history=True)
        self.in_history = False
        # Ideas born during the history were as hard as S then made them; week 0 is the unit.
        # Capped before exponentiating: S near its cap with a phi far below 1 overflows, and so
        # would an idea's scale times it (up to e^602 at the floor of S; RESCALE_CAP keeps the
        # product finite). No burn-in that leaves S below about e^500 reaches the cap.
        rescale = np.exp(min(-(self.settings.ideas.phi - 1.0) * self.ln_s, RESCALE_CAP))
        self.pipelines.scale *= rescale
        self.workforce.backlog.rescale(rescale)
        self.frontier.restart(rescale)
        self.week = 0
        self.ln_s = self.ln_proxy = self.capability = 0.0
        self.exploded, self.explosion_week, self.stop = False, None, None
        self.compute.advance(0)
        self.compute.forget()
        self.workforce.update(0, 0.0, 0.0, 0.0)  # week 0's AI, not the history's last
        for key in self.counts:
            self.counts[key] = self.counts[key] * 0.0
        self.cycle_log.clear()
        self.scheduler.longest_wait[:] = 0.0
        self.workforce.merged[:] = 0.0
        self.workforce.shipped[:] = 0.0

    def think(self) -> None:
        """Every researcher thinks of new ideas, mostly variations on merged ones.

        Backlogs first forget ideas past ``ideas.shelf_life_weeks``; humans think from their own
        streams (the twin's humans think the same), AI cohorts from the model's generator.
        """
        wf, i = self.workforce, self.settings.ideas
        stale = wf.backlog.forget(self.week, i.shelf_life_weeks)
        scale = i.effect_scale * np.exp((i.phi - 1.0) * self.ln_s)  # ideas get harder
        HumanResearcher.think(self, stale, scale)
        AIResearcher.think(self, stale, scale)
        self.counts["generated"] += float((i.per_week * wf.copies * wf.speed).sum())

    def explode(self, week: int) -> None:
        """Record an explosion (the run goes on, to the cap or the horizon)."""
        self.exploded = True
        self.explosion_week = week

    def run(self) -> dict:
        """Step to the horizon (or the explosion) and return the run's summary."""
        while self.running:
            self.step()
        return metrics.summary(self)
