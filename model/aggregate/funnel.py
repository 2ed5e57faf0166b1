"""The idea funnel in expectation: what the agents' rules do to the ideas a researcher starts.

For a class of researchers (its taste noise, its skill at reading results, whether collaborators
review its ideas) the agents' rules turn Gaussian draws into decisions: an idea's estimate, a
collaborators' review, the results of each rung and the beliefs they give. Every quantity the
mean field needs is an integral over those draws, evaluated here on one fixed scrambled-Sobol
sample (deterministic) and tabulated against the two things that vary week to week:

* ``f``, the share of new ideas the class starts, best estimate first. A human takes its
  collaborators' opinions (``kernels.review``: for identical collaborators their mean opinion,
  with the variance of one over their number, is the whole of what they say) and starts an idea
  only if the talk leaves its belief above ``ideas.promote_threshold`` (``ResearchCycle.open``);
  the ideas the talk vetoes stay in the backlog until they go stale, so over a shelf life a human
  starts its best estimates that pass the talk (the agents' reordering of a shortlist by the talk
  is left out). An AI cohort starts its best estimates. ``f`` is capped at ``f_max``, the share
  of ideas that can be started at all;
* ``n``, the ideas a researcher's backlog saw over a shelf life. The reservation bar a result must
  clear (``ResearchCycle.work``: what the best idea still in the backlog promises) is the belief
  of the best estimate: among ``n`` ideas its median is the estimate above which the ideas have
  probability ln 2 / n, counting every idea for a researcher
  waiting for compute (it starts few of the ideas it thinks of), among those not started for one
  who starts what it thinks of; a run weighs the two by the share of the class that is patient.

For every (f, n), both ways, the table holds, per started idea, the share that reaches each rung
above the first, that merges, and the sums over merged ideas of the frontier effect, the claim
(the top rung's reading over its rho, ``FrontierRun.merge``), and of helpful and harmful ideas.
A result is read exactly as ``kernels.read_results`` reads it (the two-class belief,
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
from model.kernels.beliefs import bars, mean_of, update
from model.streams import ndtri

VERSION = 7  # bump when the table's meaning changes: old files on disk are then ignored
TAIL = 15.0  # decades of tail quantile the sample covers
SAMPLE_LOG2 = 12  # 2^12 points per stratum (class x fresh or child)
QMC_SEED = 20250101
F_GRID = np.logspace(-TAIL, 0.0, 46)  # shares of new ideas started
N_GRID = np.logspace(0.0, 18.0, 13)  # ideas a backlog saw over a shelf life
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
    """The funnel's parameters of scenario ``s`` (as ``ResearchCycle`` reads them)."""
    i, e, h = s.ideas, s.experiments, s.humans
    mode = {"informative": 0, "uninformative": 1, "perfect": 2}[e.results]
    rho = tuple(max(math.exp(-math.log10(1.0 / x) / e.transfer_decades), 1e-6)
                for x in e.scales)
    if mode == 2:
        rho = tuple(1.0 for _ in rho)
    degree = min(h.network_degree, h.count - 1)
    reviewers = 2 * (degree // 2) if degree >= 2 else 0  # Watts-Strogatz: k // 2 each side
    return Spec(i.bold_share, (i.ordinary_mean, i.bold_mean), (i.ordinary_sd, i.bold_sd),
                i.promote_threshold, i.small_scale_bias, i.heritability, i.build_on_shipped,
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
    var_cls = (sd_b * sd_b, sd_o * sd_o)
    split = 3 * n_pts // 4
    rest = math.sqrt(1.0 - bias * bias)
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
            vv = noise * noise
            pb, mb, vb, mo, vo = update(p_bold, mu_b, sd_b * sd_b, mu_o, sd_o * sd_o, e, vv, vv)
            if reviewers > 0 and review_weight > 0.0:
                opinion = z + review_noise * (bias * appeal
                                              + rest * draws[i, 3] / math.sqrt(reviewers))
                vr = review_noise * review_noise / (review_weight * reviewers)
                pb, mb, vb, mo, vo = update(pb, mb, vb, mo, vo, opinion, vr, vr)
            est[t] = e
            m0[t] = mean_of(pb, mb, mo)
            read = 0.0
            for k in range(k_r):
                r = rho[k]
                if mode == 2:
                    obs = z
                else:
                    zk = z if mode == 0 else qmean + qsd * draws[i, 4 + 3 * k + 2]
                    obs = r * zk + math.sqrt(1.0 - r * r) * q + run_noise * draws[i, 4 + 3 * k]
                sd_read = reading
                read = obs + sd_read * draws[i, 4 + 3 * k + 1]
                noise2 = run_noise * run_noise + sd_read * sd_read
                var_b = max(((1 - r * r) * var_cls[0] + noise2) / (r * r), 1e-12)
                var_o = max(((1 - r * r) * var_cls[1] + noise2) / (r * r), 1e-12)
                pb, mb, vb, mo, vo = update(pb, mb, vb, mo, vo, read / r, var_b, var_o)
                mk[t, k] = mean_of(pb, mb, mo)
            zz[t] = z
            quirk[t] = q
            claim[t] = read / rho[k_r - 1]
            t += 1
    return w, est, m0, mk, zz, claim, quirk


@njit(cache=True, nogil=True)
def _tabulate(w, est, m0, mk, zz, claim, f_grid, n_grid, thr, e_bar, noise, prior,
              material):  # pragma: no cover - compiled
    """Per started idea, against (bar, f, n): the funnel's stats (``point``).

    Stats: reach of each rung above the first, merge, and over merged ideas effect, claim,
    helpful and harmful. The bar is the belief of the median best of ``n`` ideas' estimates:
    among every idea (row 0: a researcher waiting for compute starts few of the ideas it thinks
    of) or among those not started (row 1: a researcher that starts what it thinks of as it
    comes). Returns the table
    (2, f, n, stats) and ``f_max``, the share of new ideas that can be started.
    """
    n_pts = w.size
    k_r = mk.shape[1]
    n_stats = k_r + 4
    by_est = np.argsort(-est)
    started = np.zeros(n_pts, dtype=np.bool_)
    out = np.zeros((2, f_grid.size, n_grid.size, n_stats))
    f_eff = np.zeros(f_grid.size)
    p_bold, mu_b, var_b, mu_o, var_o = prior
    bar = np.full((2, n_grid.size), thr)
    v = noise * noise
    for j in range(f_grid.size):
        f = f_grid[j]
        if j > 0 and 0.0 < f_eff[j - 1] < f_grid[j - 1]:  # saturated: every startable idea
            f_eff[j] = f_eff[j - 1]
            out[:, j] = out[:, j - 1]
            continue
        # Ideas start best estimate first; the review vetoes those it leaves below the bar
        # (they stay in the backlog and go stale).
        started[:] = False
        got = 0.0
        for r in range(n_pts):
            if got >= f:
                break
            i = by_est[r]
            if est[i] < e_bar:
                break
            if m0[i] >= thr:
                started[i] = True
                got += w[i]
        f_eff[j] = got
        if got <= 0.0:
            continue
        # The best of n estimates: where the mass above it is ln 2 / n.
        for row in range(2):
            bar[row, :] = thr
            m = n_grid.size - 1
            h_cum = 0.0
            for r in range(n_pts):
                i = by_est[r]
                if row == 1 and started[i]:
                    continue
                h_cum += w[i]
                while m >= 0 and h_cum >= LN2 / n_grid[m]:
                    pb, mb, vb, mo, vo = update(p_bold, mu_b, var_b, mu_o, var_o, est[i], v, v)
                    bar[row, m] = max(thr, mean_of(pb, mb, mo))
                    m -= 1
                if m < 0:
                    break
        for i in range(n_pts):
            if not started[i]:
                continue
            for row in range(2):
                for m in range(n_grid.size):
                    b = bar[row, m]
                    alive = True
                    for k in range(k_r - 1):
                        alive = alive and mk[i, k] >= b
                        if not alive:
                            break
                        out[row, j, m, k] += w[i]
                    if alive and mk[i, k_r - 1] >= thr:
                        out[row, j, m, k_r - 1] += w[i]
                        out[row, j, m, k_r] += w[i] * zz[i]
                        out[row, j, m, k_r + 1] += w[i] * claim[i]
                        if zz[i] > material:
                            out[row, j, m, k_r + 2] += w[i]
                        elif zz[i] < -material:
                            out[row, j, m, k_r + 3] += w[i]
        out[:, j] /= got
    # Shares the sample cannot resolve take the nearest resolved share's values.
    for j in range(f_grid.size - 2, -1, -1):
        if f_eff[j] <= 0.0:
            out[:, j] = out[:, j + 1]
    return out, f_eff[f_grid.size - 1]


def _pack(spec: Spec) -> np.ndarray:
    return np.array([spec.p_bold, spec.mu[0], spec.mu[1], spec.sd[0], spec.sd[1], spec.threshold,
                     spec.bias, spec.heritability, spec.build, spec.run_noise, float(spec.mode),
                     spec.review_weight, float(spec.reviewers), spec.mean, spec.sd_all])


def point(spec: Spec, draws: np.ndarray, noise: float, reading: float, review_noise: float,
          reviewed: bool, parent: tuple[float, float]) -> tuple[np.ndarray, float, tuple]:
    """The table of one class: taste ``noise`` and ``reading`` noise in effect units.

    Returns the (2, f, n, stats) table, ``f_max`` and the sample's points (for the lineage).
    """
    packed = _pack(spec)
    if not reviewed:
        packed[12] = 0.0
    pts = _points(draws, packed, np.array(spec.rho), noise, reading, review_noise, *parent)
    e_bar = float(bars(np.array([noise]), spec.threshold, *spec.prior)[0])
    table, f_max = _tabulate(*pts[:6], F_GRID, N_GRID, spec.threshold, e_bar, noise, spec.prior,
                             spec.material)
    return table, float(f_max), pts


def table_key(parts: dict) -> str:
    """A stable name for a set of tables: the hash of everything they depend on."""
    text = json.dumps({"version": VERSION, "grid": [SAMPLE_LOG2, TAIL, len(F_GRID), len(N_GRID)],
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
