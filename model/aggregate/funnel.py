"""The idea funnel in expectation: what the agents' rules do to the ideas a researcher starts.

For a class of researchers (its taste noise, its skill at reading results, whether collaborators
review its ideas) the agents' rules turn Gaussian draws into decisions: an idea's estimate, a
collaborators' review, the results of each rung and the beliefs they give. Every quantity the
mean field needs is an integral over those draws, evaluated here on one fixed scrambled-Sobol
sample (deterministic) and tabulated against the two things that vary week to week:

* ``f``, the share of new ideas the class starts, best estimate first. A human takes its
  collaborators' opinions (``HumanResearcher.talk_over``: for identical collaborators their mean
  opinion, with the variance of one over their number, is the whole of what they say) and starts
  an idea only if the talk leaves its belief above ``ideas.promote_threshold``
  (``Researcher.shortlist`` / ``Researcher.choose``). It shortlists ``humans.shortlist`` of its
  best estimates for each idea it starts and starts those the talk leaves best; the others stay
  in the backlog until they go stale. An AI cohort starts its best estimates. ``f`` is capped at
  ``f_max``, the share of ideas that can be started at all;
* ``n``, the ideas a researcher's backlog saw over a shelf life. The reservation bar a result must
  clear (``Researcher.work``: what the best idea still in the backlog promises) is the belief
  of the best estimate: among ``n`` ideas its median is the estimate above which the ideas have
  probability ln 2 / n, counting every idea for a researcher
  waiting for compute (it starts few of the ideas it thinks of), among those not started for one
  who starts what it thinks of; a run weighs the two by the share of the class that is patient.

For every (f, n), both ways, the table holds, per started idea, the share that reaches each rung
above the first, that merges, and the sums over merged ideas of the frontier effect, the claim
(the top rung's reading over its rho, ``FrontierRun.merge``), and of helpful and harmful ideas.
A result is read exactly as ``Researcher.read`` reads it (the two-class belief,
``kernels.beliefs``), with the same quirk that repeats from rung to rung. The estimate is
sampled by its tail quantile, three quarters uniformly and a quarter log-uniformly down to 1e-15,
so an AI cohort's best one-in-a-trillion ideas are resolved as well as a human's best
one-in-twenty.

Tables depend only on the parameters in :func:`table_key` (not on compute, headcounts or ``phi``)
and are kept on disk next to this module once built (``python -m model.aggregate`` builds the
shipped scenarios' at install), so a run loads them instead of integrating.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numba import njit

from model.duplication import distinct_table
from model.kernels.beliefs import FIELDS, bars, mean_of, observe, prior
from model.lineage import ZCLIP
from model.streams import ndtri

VERSION = 10  # bump when the table's meaning changes: old files on disk are then ignored
TAIL = 15.0  # decades of tail quantile the sample covers
SAMPLE_LOG2 = 12  # 2^12 points per stratum (class x fresh or child)
QMC_SEED = 20250101
F_GRID = np.logspace(-TAIL, 0.0, 46)  # shares of new ideas started
N_GRID = np.logspace(0.0, 18.0, 13)  # ideas a backlog saw over a shelf life
QUIRK_GRID = np.array([0.0, 1.5, 3.0, 5.0, 8.0])  # a parent's quirk (the lineage)
LEVELS = np.concatenate(([-np.inf], np.arange(0.0, 12.01, 0.75)))  # beliefs (lineage tails)
LN2 = math.log(2.0)
CACHE = Path(__file__).resolve().parent / "__pycache__"
_MEMORY: dict[str, dict] = {}


@dataclass(frozen=True)
class Spec:
    """What an idea's path depends on that does not change week to week (one scenario)."""

    p_bold: float
    mu: tuple[float, float]  # ordinary, bold
    sd: tuple[float, float]
    threshold: float
    rung_bar: float
    bias: float
    heritability: float
    build: float
    rho: tuple[float, ...]
    run_noise: float
    reading_noise: float
    material: float
    mode: int  # 0 informative, 1 uninformative, 2 perfect
    shortlist: int
    review_weight: float
    reviewers: int

    @property
    def mean(self) -> float:
        """Mean effect of a new idea."""
        return self.p_bold * self.mu[1] + (1 - self.p_bold) * self.mu[0]

    @property
    def sd_all(self) -> float:
        """Spread of the effects of new ideas: the unit of taste noise."""
        second = (self.p_bold * (self.sd[1] ** 2 + self.mu[1] ** 2)
                  + (1 - self.p_bold) * (self.sd[0] ** 2 + self.mu[0] ** 2))
        return math.sqrt(second - self.mean**2)

    @property
    def prior(self) -> tuple[float, float, float, float, float]:
        """The two-class prior every researcher starts a belief from."""
        return (self.p_bold, self.mu[1], self.sd[1] ** 2, self.mu[0], self.sd[0] ** 2)


def spec_of(s) -> Spec:
    """The funnel's parameters of scenario ``s`` (as the researchers read them)."""
    i, e, h = s.ideas, s.experiments, s.humans
    mode = {"informative": 0, "uninformative": 1, "perfect": 2}[e.results]
    rho = tuple(max(math.exp(-math.log10(1.0 / x) / e.transfer_decades), 1e-6)
                for x in e.scales)
    if mode == 2:
        rho = tuple(1.0 for _ in rho)
    degree = min(h.network_degree, h.count - 1)
    reviewers = 2 * (degree // 2) if degree >= 2 else 0  # Watts-Strogatz: k // 2 each side
    return Spec(i.bold_share, (i.ordinary_mean, i.bold_mean), (i.ordinary_sd, i.bold_sd),
                i.promote_threshold, i.rung_bar, i.small_scale_bias, i.heritability,
                i.build_on_shipped,
                rho, 0.0 if mode == 2 else e.noise, 0.0 if mode == 2 else e.reading_noise,
                i.material_effect, mode, h.shortlist, h.review_weight, reviewers)


def sample(rungs: int) -> np.ndarray:
    """The fixed scrambled-Sobol sample: a tail quantile, then standard normals."""
    from scipy import special  # (only when tables are built: a run loads them)
    from scipy.stats import qmc
    u = qmc.Sobol(4 + 3 * rungs, scramble=True, seed=QMC_SEED).random_base2(SAMPLE_LOG2)
    u = np.clip(u, 1e-15, 1 - 1e-15)
    out = special.ndtri(u)
    out[:, 0] = u[:, 0]
    return np.ascontiguousarray(out)


@njit(cache=True, nogil=True)
def _points(draws, spec_f, rho, noise, reading, review_noise, parent_u,
            parent_q):  # pragma: no cover - compiled
    """Every sample point's weight, estimate, belief after the review, and ladder beliefs.

    ``spec_f`` packs the spec's numbers (see :func:`_pack`). Returns weight, estimate, the mean
    after the review, the means after each rung (points x rungs), the effect, the claim and
    the quirk.
    """
    p_bold, mu_o, mu_b, sd_o, sd_b, thr, bias, h, build = spec_f[:9]
    run_noise, mode, review_weight, reviewers, qmean, qsd = spec_f[9:15]
    n_pts = draws.shape[0]
    k_r = rho.size
    total = 4 * n_pts
    w = np.empty(total)
    est = np.empty(total)
    m0 = np.empty(total)
    mk = np.empty((total, k_r))
    zz = np.empty(total)
    claim = np.empty(total)
    quirk = np.empty(total)
    split = 3 * n_pts // 4
    rest = math.sqrt(1.0 - bias * bias)
    b = np.empty(FIELDS)
    t = 0
    for stratum in range(4):
        bold = stratum % 2 == 1
        child = stratum >= 2
        p_cls = p_bold if bold else 1.0 - p_bold
        p_lin = build if child else 1.0 - build
        hh = h if child else 0.0
        keep = math.sqrt(1.0 - hh * hh)
        mu_c = mu_b if bold else mu_o
        sd_c = sd_b if bold else sd_o
        mu = mu_c + hh * sd_c * parent_u
        sd = sd_c * keep
        spread = math.sqrt(sd * sd + noise * noise)
        shrink = sd * sd / (spread * spread)
        for i in range(n_pts):
            v = draws[i, 0]
            if i >= split:  # the log-uniform quarter resolves the far tail
                v = 10.0 ** (-TAIL * v)
            dens = 0.75 + 0.25 / (v * TAIL * math.log(10.0))
            w[t] = p_cls * p_lin / (dens * n_pts)
            e = mu - spread * ndtri(v)
            z = mu + (e - mu) * shrink + math.sqrt(sd * sd * (1.0 - shrink)) * draws[i, 1]
            appeal = (e - z) / noise
            q = hh * parent_q + keep * sd_c * (bias * appeal + rest * draws[i, 2])
            prior(b, p_bold, mu_b, sd_b * sd_b, mu_o, sd_o * sd_o)
            observe(b, 1.0, 0.0, e, noise * noise)
            if reviewers > 0 and review_weight > 0.0:
                # Identical collaborators share the owner's appeal (bias of its error) and add
                # their own noise; with the appeal taken out, their mean opinion at the variance
                # of one over their number is the whole of what they say (as agents' review).
                own = review_noise * rest / (1.0 - bias)
                left = z + own * draws[i, 3] / math.sqrt(reviewers)
                observe(b, 1.0, 0.0, left, own * own / (review_weight * reviewers))
            est[t] = e
            m0[t] = mean_of(b)
            read = 0.0
            noise2 = max(run_noise * run_noise + reading * reading, 1e-12)
            for k in range(k_r):
                r = rho[k]
                if mode == 2:
                    obs = z
                else:
                    zk = z if mode == 0 else qmean + qsd * draws[i, 4 + 3 * k + 2]
                    obs = r * zk + math.sqrt(1.0 - r * r) * q + run_noise * draws[i, 4 + 3 * k]
                read = obs + reading * draws[i, 4 + 3 * k + 1]
                observe(b, r, math.sqrt(max(1.0 - r * r, 0.0)), read, noise2)
                mk[t, k] = mean_of(b)
            zz[t] = z
            quirk[t] = q
            claim[t] = read / rho[k_r - 1]
            t += 1
    return w, est, m0, mk, zz, claim, quirk


@njit(cache=True, nogil=True)
def _tabulate(w, est, m0, mk, zz, claim, quirk, f_grid, n_grid, thr, step, e_bar, noise, prior_,
              material, shortlist, mean, sd, levels):  # pragma: no cover - compiled
    """Per started idea, against (bar, f, n): the funnel's stats (``point``).

    Stats: reach of each rung above the first, merge, and over merged ideas effect, claim,
    helpful and harmful. An idea climbs from rung k if its mean clears ``thr + step * (k + 1)``
    and the reservation bar, and merges from the top if it clears ``thr + step * top``
    (``Researcher.read``). The reservation bar is the belief, from the estimate alone, of
    the median best of ``n`` ideas' estimates (``-inf``, no bar, while a backlog of ``n`` is more
    likely empty than not): among every idea (row 0: a researcher waiting for compute starts few
    of the ideas it thinks of) or among those not started (row 1: a researcher that starts what
    it thinks of as it comes).

    Returns:
        The table (2, f, n, stats); per f the merged ideas' tails for the lineage (``tails``:
        f, belief read as the effect or as the claim, ``levels``, then mass, belief, clipped
        standardised effect and quirk summed over merged ideas believed at least that much, per
        merged idea, the reservation bar left out); and ``f_max``, the share of new ideas that
        can be started.

    """
    n_pts = w.size
    k_r = mk.shape[1]
    top = k_r - 1
    n_stats = k_r + 4
    n_lev = levels.size
    by_est = np.argsort(-est)
    started = np.zeros(n_pts, dtype=np.bool_)
    out = np.zeros((2, f_grid.size, n_grid.size, n_stats))
    tails = np.zeros((f_grid.size, 2, n_lev, 4))
    f_eff = np.zeros(f_grid.size)
    p_bold, mu_b, var_b, mu_o, var_o = prior_
    bar = np.full((2, n_grid.size), -np.inf)
    rung_thr = np.empty(k_r)
    for k in range(k_r):
        rung_thr[k] = thr + step * (k + 1) if k < top else thr + step * top
    low = rung_thr[0]
    for k in range(top):
        low = min(low, rung_thr[k])
    v = noise * noise
    b = np.empty(FIELDS)
    free = np.zeros(n_stats)  # the stats with no reservation bar
    for j in range(f_grid.size):
        f = f_grid[j]
        if j > 0 and 0.0 < f_eff[j - 1] < f_grid[j - 1]:  # saturated: every startable idea
            f_eff[j] = f_eff[j - 1]
            out[:, j] = out[:, j - 1]
            tails[j] = tails[j - 1]
            continue
        # The shortlist: the best ``shortlist`` times f of the ideas by estimate (those that
        # clear the bar to be looked at); of these the ones the talk leaves best start, if it
        # leaves them above the threshold (the rest stay in the backlog and go stale).
        started[:] = False
        n_short = 0
        mass = 0.0
        while n_short < n_pts and mass < shortlist * f and est[by_est[n_short]] >= e_bar:
            mass += w[by_est[n_short]]
            n_short += 1
        cand = by_est[:n_short]
        if shortlist > 1.0:
            cand = cand[np.argsort(-m0[cand], kind="mergesort")]
        got = 0.0
        for i in cand:
            if got >= f or m0[i] < thr:
                break
            started[i] = True
            got += w[i]
        f_eff[j] = got
        if got <= 0.0:
            continue
        # The best of n estimates: where the mass above it is ln 2 / n.
        for row in range(2):
            bar[row, :] = -np.inf
            m = n_grid.size - 1
            h_cum = 0.0
            for r in range(n_pts):
                i = by_est[r]
                if row == 1 and started[i]:
                    continue
                h_cum += w[i]
                while m >= 0 and h_cum >= LN2 / n_grid[m]:
                    prior(b, p_bold, mu_b, var_b, mu_o, var_o)
                    observe(b, 1.0, 0.0, est[i], v)
                    bar[row, m] = mean_of(b)
                    m -= 1
                if m < 0:
                    break
        # Without a reservation bar above the rungs' own (the usual case), once for every n.
        free[:] = 0.0
        merged = 0.0
        for i in range(n_pts):
            if started[i]:
                _follow(i, w, mk, zz, claim, rung_thr, -np.inf, material, free)
                if free[top] > merged:  # merged: its tails for the lineage
                    merged = free[top]
                    u = min(max((zz[i] - mean) / sd, -ZCLIP), ZCLIP)
                    for kind in range(2):
                        belief = zz[i] if kind == 0 else claim[i]
                        for lev in range(n_lev):
                            if belief < levels[lev]:
                                break
                            tails[j, kind, lev, 0] += w[i]
                            tails[j, kind, lev, 1] += w[i] * belief
                            tails[j, kind, lev, 2] += w[i] * u
                            tails[j, kind, lev, 3] += w[i] * quirk[i]
        if merged > 0.0:
            tails[j] /= merged
        if np.max(bar) > low:
            _with_bars(started, w, mk, zz, claim, rung_thr, bar, low, material, free, out[:, j])
        else:
            for row in range(2):
                for m in range(n_grid.size):
                    out[row, j, m] = free
        out[:, j] /= got
    # Shares the sample cannot resolve take the nearest resolved share's values.
    for j in range(f_grid.size - 2, -1, -1):
        if f_eff[j] <= 0.0:
            out[:, j] = out[:, j + 1]
            tails[j] = tails[j + 1]
    return out, tails, f_eff[f_grid.size - 1]


@njit(cache=True, nogil=True)
def _with_bars(started, w, mk, zz, claim, rung_thr, bar, low, material, free,
               out):  # pragma: no cover - compiled
    """The stats of the started ideas for every reservation bar (``out``: row, n, stats).

    An idea reaches rung k + 1 if it cleared every rung's own bar to k and the least of its
    means to k clears the reservation bar: with the ideas sorted by that least mean, each bar
    is a cut of running sums.
    """
    k_r = mk.shape[1]
    top = k_r - 1
    if top == 0:  # one rung: no reservation bar to clear
        for row in range(bar.shape[0]):
            for m in range(bar.shape[1]):
                out[row, m] = free
        return
    idx = np.flatnonzero(started)
    n = idx.size
    key = np.empty(n)
    for k in range(top):
        for t in range(n):
            i = idx[t]
            least = np.inf
            ok = True
            for kk in range(k + 1):
                least = min(least, mk[i, kk])
                ok = ok and mk[i, kk] >= rung_thr[kk]
            key[t] = least if ok else -np.inf
        order = np.argsort(key)  # ascending: the ideas at least a cut are a suffix
        sorted_key = key[order]
        cum = np.zeros((n + 1, 6))  # suffix sums: reach, then merge, z, claim, helpful, harmful
        for t in range(n - 1, -1, -1):
            i = idx[order[t]]
            cum[t] = cum[t + 1]
            cum[t, 0] += w[i]
            if k == top - 1 and mk[i, top] >= rung_thr[top]:
                cum[t, 1] += w[i]
                cum[t, 2] += w[i] * zz[i]
                cum[t, 3] += w[i] * claim[i]
                if zz[i] > material:
                    cum[t, 4] += w[i]
                elif zz[i] < -material:
                    cum[t, 5] += w[i]
        for row in range(bar.shape[0]):
            for m in range(bar.shape[1]):
                if bar[row, m] <= low:
                    out[row, m] = free
                    continue
                at = np.searchsorted(sorted_key, bar[row, m])  # first at least the bar
                out[row, m, k] = cum[at, 0]
                if k == top - 1:
                    for s in range(5):
                        out[row, m, top + s] = cum[at, 1 + s]


@njit(cache=True, nogil=True, inline="always")
def _follow(i, w, mk, zz, claim, rung_thr, bar, material, acc):  # pragma: no cover - compiled
    """Add started idea ``i`` up the ladder to ``acc``: the rungs it reaches and what merges."""
    k_r = mk.shape[1]
    top = k_r - 1
    for k in range(top):
        if mk[i, k] < rung_thr[k] or mk[i, k] < bar:
            return
        acc[k] += w[i]
    if mk[i, top] >= rung_thr[top]:
        acc[top] += w[i]
        acc[k_r] += w[i] * zz[i]
        acc[k_r + 1] += w[i] * claim[i]
        if zz[i] > material:
            acc[k_r + 2] += w[i]
        elif zz[i] < -material:
            acc[k_r + 3] += w[i]


def _pack(spec: Spec) -> np.ndarray:
    return np.array([spec.p_bold, spec.mu[0], spec.mu[1], spec.sd[0], spec.sd[1], spec.threshold,
                     spec.bias, spec.heritability, spec.build, spec.run_noise, float(spec.mode),
                     spec.review_weight, float(spec.reviewers), spec.mean, spec.sd_all])


def quirk_grid(spec: Spec) -> np.ndarray:
    """Parent quirks the tables are built at (one, 0, without a lineage)."""
    return QUIRK_GRID if spec.build > 0 and spec.heritability > 0 else np.zeros(1)


def point(spec: Spec, draws: np.ndarray, noise: float, reading: float, review_noise: float,
          reviewed: bool) -> tuple[np.ndarray, np.ndarray, float]:
    """The tables of one class: taste ``noise`` and ``reading`` noise in effect units.

    A child idea varies a parent at ``ZCLIP`` spreads of effect (a greedily chosen parent is
    nearly always clipped there) with each quirk of :func:`quirk_grid`.

    Returns:
        The (quirks, 2, f, n, stats) table, the (quirks, f, 2, levels, 4) lineage tails and
        ``f_max``.

    """
    packed = _pack(spec)
    if not reviewed:
        packed[12] = 0.0
    e_bar = float(bars(np.array([noise]), spec.threshold, *spec.prior)[0])
    tables, tails, f_max = [], [], 0.0
    for qp in quirk_grid(spec):
        pts = _points(draws, packed, np.array(spec.rho), noise, reading, review_noise, ZCLIP,
                      float(qp))
        table, tail, f_max = _tabulate(*pts, F_GRID, N_GRID, spec.threshold, spec.rung_bar,
                                       e_bar, noise, spec.prior, spec.material,
                                       float(spec.shortlist) if reviewed else 1.0, spec.mean,
                                       spec.sd_all, LEVELS)
        tables.append(table)
        tails.append(tail)
    return np.array(tables), np.array(tails), float(f_max)


def table_key(parts: dict) -> str:
    """A stable name for a set of tables: the hash of everything they depend on."""
    text = json.dumps({"version": VERSION, "grid": [SAMPLE_LOG2, TAIL, len(F_GRID), len(N_GRID),
                                                    QUIRK_GRID.tolist(), LEVELS.tolist()],
                       **parts}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def load_or_build(parts: dict, build) -> dict:
    """Tables named by ``parts``: from memory, from disk, or built (and saved) by ``build()``."""
    key = table_key(parts)
    if key in _MEMORY:
        return _MEMORY[key]
    path = CACHE / f"aggregate-{key}.npz"
    tables = None
    if path.is_file():
        try:
            with np.load(path) as f:
                tables = {k: f[k] for k in f.files}
        except (OSError, ValueError):  # a partial file from an interrupted write: rebuild
            tables = None
    if tables is None:
        tables = build()
        try:
            CACHE.mkdir(exist_ok=True)
            tmp = path.with_suffix(f".{id(tables)}.tmp.npz")
            np.savez(tmp, **tables)
            tmp.replace(path)
        except OSError:  # a read-only install keeps its tables in memory only
            pass
    _MEMORY[key] = tables
    return tables


def duplication_table(pool: float, exponent: float) -> tuple[np.ndarray, np.ndarray]:
    """``model.duplication``'s table, as log10 distinct ideas against log10 draws."""
    log_d, distinct = distinct_table(float(pool), float(exponent))
    return np.asarray(log_d, dtype=np.float64), np.log10(np.asarray(distinct, dtype=np.float64))
