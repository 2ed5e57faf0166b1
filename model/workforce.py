"""Who does the research: human researchers and automated AI researchers.

Humans are a fixed (or slowly hired) population with lognormal taste, speed and interpretation
skill, on a Watts-Strogatz collaboration network. AI copies come from inference compute and
software efficiency; their taste and speed follow frontier capability. While their taste is poor
they work as copilots for humans; as it approaches ``ai.autonomy_taste`` a growing share works
autonomously in cohorts with their own pipelines (podcast [03:40-03:58]).

Taste is expressed against the human distribution: an AI taste of 1 is the median human's; the
99.9th-percentile human sits at exp(3.09 * humans.taste_spread), 3.3x with the default spread
(the AI Futures Model), so "a thousand copies of your best researcher" reads off directly.
"""

from __future__ import annotations

from itertools import chain

import networkx as nx
import numpy as np
from mesa.discrete_space import Cell, Network

from agents.ai import AICopilot, AIResearcher
from agents.humans import HumanResearcher
from agents.researchers import AI, HUMAN
from model import streams
from model.ideas import IdeaBacklog

AUTONOMY_STEEPNESS = 4.0  # log-logistic slope: 10% to 90% autonomous over a 3x range of taste
MAX_CAPABILITY_OOM = 100.0  # AI taste and speed follow capability within 10^+-100 of week 0


class Workforce:
    """The researcher table: one row per idea-owning agent, hot state as arrays.

    Attributes:
        kind: HUMAN or AI per row.
        noise: Taste noise per row, in units of the spread of true idea effects.
        speed: Serial speed relative to a median human.
        skill: Skill at reading results (AI: its taste).
        copies: Researchers a row stands for (1 for a human).
        implement_boost, interpret_boost: Copilot speed-ups of a human's two kinds of work.
        rows_cap: Pipelines a row may hold; weight: ideas each of its pipelines stands for.
        used: Copy-weeks each row spent on its ideas this week (the rest goes to engineering).
        bar: What each row's best backlog idea promises: the bar a result must clear.
        merged, shipped: Ideas credited to each row.
        key: Each human's random stream (``model.streams``), from its identity (the h-th human
            hired), so a human draws the same numbers in the lab and its twin; 0 for AI rows.
        backlog: Each row's backlog of untested ideas.

    """

    def __init__(self, model):
        s = model.settings
        self.model = model
        self.settings = s
        self.kind = np.empty(0, dtype=np.int64)
        for name in ("noise", "noise_floor", "speed", "skill", "copies", "implement_boost",
                     "interpret_boost", "weight", "merged", "shipped"):
            setattr(self, name, np.empty(0))
        self.rows_cap = np.empty(0, dtype=np.int64)
        self.key = np.empty(0, dtype=np.uint64)
        self.used = np.zeros(0)
        self.bar = np.zeros(0)
        # The least estimate each row would start, and the taste noise it was found for
        # (``Researcher.shortlist``): found again only where the noise has changed.
        self.start_bar, self.start_bar_noise = np.zeros(0), np.zeros(0)
        seed = s.run.seed
        self._human_base = streams.base_key(seed, streams.HUMANS)
        self._seed = seed
        width = max(s.ideas.backlog, 2 * s.ai.max_pipelines if s.ai.enabled else 0)
        self.backlog = IdeaBacklog(width)
        self.agents: list = []
        self.human_rows: list[int] = []  # network node i is the human in row human_rows[i]
        self._edges: tuple[np.ndarray, np.ndarray] | None = None
        self.ai_enabled = s.ai.enabled
        # Settings read every week, looked up once.
        a, h = s.ai, s.humans
        self.taste_noise, self.taste_spread = h.taste_noise, h.taste_spread
        self._hiring, self._pipelines = h.hiring_per_year, h.pipelines
        self._ai = (a.taste, a.taste_per_oom, a.speed, a.speed_per_oom, a.copy_cost,
                    a.autonomy_taste)
        self.ai_copies = self.copilot_copies = self.autonomy = 0.0
        self.ai_taste = s.ai.taste
        self.ai_speed = s.ai.speed
        self.humans_target = float(s.humans.count)
        self._build_network(s.humans.count)
        if self.ai_enabled:
            rows = self._add_rows(AI, s.ai.cohorts, noise=np.full(s.ai.cohorts, 1.0),
                                  capacity=np.full(s.ai.cohorts, width))
            self.agents += [AIResearcher(model, int(r)) for r in rows]
        self.update(0, 0.0, 0.0, 0.0)

    # --- construction -----------------------------------------------------------------------
    def _build_network(self, n: int) -> None:
        h = self.settings.humans
        degree = min(h.network_degree, n - 1)
        seed = int(streams.base_key(self._seed, streams.NETWORK) % np.uint64(2**31 - 1))
        graph = (nx.watts_strogatz_graph(n, degree, h.network_rewire, seed=seed)
                 if degree >= 2 else nx.empty_graph(n))
        self.network = Network(graph, random=self.model.random, layout=None)
        # Links per human plus one (hiring's preferential attachment), kept as hires arrive.
        self._links = np.array([graph.degree(i) + 1.0 for i in range(n)])
        self._hire(n, cells=[self.network[i] for i in range(n)])

    def _hire(self, n: int, cells: list) -> None:
        h = self.settings.humans
        first = len(self.human_rows)
        keys = streams.derive(self._human_base, np.arange(first, first + n))
        # A human's traits are the first draws of its own stream: hired the same, it is the same.
        taste, speed, skill = (streams.normals(keys, np.full(n, streams.event(0, streams.TRAITS,
                                                                              d)))
                               for d in range(3))
        noise = h.taste_noise / np.exp(h.taste_spread * taste)
        rows = self._add_rows(HUMAN, n, noise=noise,
                              capacity=np.full(n, self.settings.ideas.backlog))
        self.key[rows] = keys
        self.speed[rows] = np.exp(h.speed_spread * speed)
        self.skill[rows] = np.exp(h.interpretation_spread * skill)
        self.human_rows += [int(r) for r in rows]
        self._edges = None
        for row, cell in zip(rows, cells, strict=True):
            human = HumanResearcher(self.model, int(row), cell)
            self.agents.append(human)
            if self.ai_enabled:
                AICopilot(self.model, human)

    def _add_rows(self, kind: int, n: int, noise: np.ndarray, capacity: np.ndarray) -> np.ndarray:
        start = len(self.kind)
        self.kind = np.concatenate([self.kind, np.full(n, kind)])
        defaults = {"noise": noise, "noise_floor": noise * self.settings.humans.taste_floor,
                    "speed": np.ones(n), "skill": np.ones(n), "copies": np.ones(n),
                    "implement_boost": np.ones(n), "interpret_boost": np.ones(n),
                    "weight": np.ones(n), "merged": np.zeros(n), "shipped": np.zeros(n)}
        for name, values in defaults.items():
            setattr(self, name, np.concatenate([getattr(self, name), values]))
        self.rows_cap = np.concatenate([self.rows_cap, np.zeros(n, dtype=np.int64)])
        self.key = np.concatenate([self.key, np.zeros(n, dtype=np.uint64)])
        self.backlog.add_rows(capacity)
        self._human = self.kind == HUMAN
        self._ai_rows = ~self._human
        self._n_humans, self._n_ai = int(self._human.sum()), self._ai_rows.sum()
        return np.arange(start, start + n)

    def hire_to(self, week: int) -> None:
        """Grow the team to its hiring schedule; newcomers link to well-connected colleagues."""
        if self._hiring == 1.0:
            return
        h = self.settings.humans
        # The schedule starts at week 0: the burn-in's history is run with the week-0 team
        # (run backwards, a shrinking schedule hired ~1e8 humans before week 0).
        self.humans_target = h.count * h.hiring_per_year ** (max(week, 0) / 52.0)
        current = int(np.sum(self.kind == HUMAN))
        new = int(self.humans_target) - current
        if new <= 0:
            return
        links = np.concatenate([self._links[:current], np.empty(new)])
        k = min(max(h.network_degree // 2, 1), current)
        cells = []
        # Who a week's hires link to is drawn from that week's own stream.
        rng = np.random.default_rng(np.random.SeedSequence(
            self._seed, spawn_key=(streams.HIRING, week + streams.WEEK_OFFSET)))
        for node in range(current, current + new):
            cell = Cell(node, random=self.model.random)
            self.network.add_cell(cell)
            degree = links[:node]
            friends = rng.choice(node, size=k, replace=False, p=degree / degree.sum())
            for f in friends:
                self.network.add_connection(cell, self.network[int(f)])
            degree[friends] += 1.0
            links[node] = k + 1.0
            cells.append(cell)
        self._links = links
        self._hire(new, cells)

    # --- each week ------------------------------------------------------------------------
    def update(self, week: int, ai_compute: float, ln_s: float, capability: float) -> None:
        """Hire to the schedule; size and skill the AI workforce from compute and capability.

        How many ideas a cohort keeps in flight is its own decision (``AIResearcher.plan``), as
        is how much its copilots help their humans (``AICopilot.assist``).

        Args:
            week: This week.
            ai_compute: Inference compute running AI researchers (H100e).
            ln_s: Log software efficiency.
            capability: OOMs of effective compute of the latest frontier model.

        """
        self.hire_to(week)
        self.rows_cap[self._human] = self._pipelines
        if not self.ai_enabled:
            return
        taste, taste_per_oom, speed, speed_per_oom, copy_cost, autonomy_taste = self._ai
        # Past MAX_CAPABILITY_OOM (synthetic data can add OOMs every week) taste**capability
        # would overflow; so would the autonomy ratio, whose share is exactly 1 long before.
        capability = min(max(capability, -MAX_CAPABILITY_OOM), MAX_CAPABILITY_OOM)
        self.ai_taste = taste * taste_per_oom**capability
        self.ai_speed = speed * speed_per_oom**capability
        self.ai_copies = ai_compute * np.exp(ln_s) / copy_cost
        x = self.ai_taste / autonomy_taste
        if x < 1e50:
            ratio = x**AUTONOMY_STEEPNESS
            self.autonomy = ratio / (1.0 + ratio)
        else:
            self.autonomy = 1.0
        self.copilot_copies = self.ai_copies * (1.0 - self.autonomy) / self._n_humans
        ai = self._ai_rows
        self.copies[ai] = self.ai_copies * self.autonomy / self._n_ai
        self.noise[ai] = self.taste_noise / self.ai_taste
        self.speed[ai] = self.ai_speed
        self.skill[ai] = self.ai_taste

    def edges(self) -> tuple[np.ndarray, np.ndarray]:
        """Collaboration links as (row, row) arrays, each link both ways."""
        if self._edges is None:
            rows = np.array(self.human_rows, dtype=np.int64)
            links = _edge_list(self.network.G)
            a, b = rows[links[:, 0]], rows[links[:, 1]]
            self._edges = (np.concatenate([a, b]), np.concatenate([b, a]))
            order = np.lexsort((self._edges[1], self._edges[0]))
            src, dst = self._edges[0][order], self._edges[1][order]
            indptr = np.zeros(len(self.kind) + 1, dtype=np.int64)
            np.add.at(indptr, src + 1, 1)
            self._neighbours = (np.cumsum(indptr), dst)
        return self._edges

    def neighbours(self) -> tuple[np.ndarray, np.ndarray]:
        """Each row's collaborators, as CSR (``indptr`` over rows, ``neighbours``)."""
        self.edges()
        return self._neighbours

    @property
    def humans(self) -> int:
        """Human researchers now."""
        return self._n_humans

    @property
    def attention(self) -> np.ndarray:
        """Researcher-weeks per week each row can put into its ideas."""
        return self.copies * self.speed


def _edge_list(graph: nx.Graph) -> np.ndarray:
    """``np.array(list(graph.edges()))`` for integer nodes, in that order, without the tuples.

    networkx lists an edge once, from whichever end comes first in node order; reading the
    adjacency as arrays gives the same list without a Python object per edge.
    """
    adj = getattr(graph, "_adj", None) or graph.adj  # the plain dict of dicts when there is one
    nodes = list(adj)
    if not nodes:
        return np.empty((0, 2), dtype=np.int64)
    degree = [len(nbrs) for nbrs in adj.values()]
    src = np.repeat(np.array(nodes, dtype=np.int64), degree)
    dst = np.fromiter(chain.from_iterable(adj.values()), dtype=np.int64, count=int(sum(degree)))
    if nodes == list(range(len(nodes))):
        first = dst >= src
    else:
        where = {u: i for i, u in enumerate(nodes)}
        first = np.array([where[v] for v in dst.tolist()]) >= np.repeat(np.arange(len(nodes)),
                                                                       degree)
    return np.stack([src[first], dst[first]], axis=1)
