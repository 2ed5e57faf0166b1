"""Plots of the mechanism rows: ablations, directions, scheduling, substitution, boundaries."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from takeoff.validation.plots import AGENTS, AGGREGATE, OTHER, _figure


def signal(s) -> Figure:
    """Ten-year log progress per seed under informative, uninformative and perfect results."""
    fig, ax = _figure("What experiments tell: results switched off and made perfect",
                      "seed", "log10 S after 10 years")
    x = np.arange(len(s.seeds))
    for off, values, color, label in ((-0.25, s.uninformative, OTHER, "uninformative"),
                                      (0.0, s.informative, AGENTS, "informative"),
                                      (0.25, s.perfect, "#2ca02c", "perfect")):
        ax.bar(x + off, values, width=0.25, color=color, label=label)
    ax.set_xticks(x, [str(v) for v in s.seeds])
    ax.legend(fontsize=7)
    return fig


def directions(rows) -> Figure:
    """Each knob's measured effect, signed by its documented direction, with 2 se bars."""
    fig, ax = _figure("Every knob points the way its documentation says",
                      "effect in the documented direction (log10, +- 2 se)", "",
                      size=(6.0, 0.22 * len(rows) + 1.0))
    y = np.arange(len(rows))
    signed = np.array([r.expected * r.mean_se[0] for r in rows])
    err = np.array([2.0 * r.mean_se[1] for r in rows])
    colors = [AGENTS if r.significant else (OTHER if r.passed else AGGREGATE) for r in rows]
    ax.barh(y, signed, xerr=err, color=colors, error_kw={"lw": 0.8})
    ax.axvline(0.0, color="k", lw=0.8)
    ax.set_yticks(y, [r.key for r in rows], fontsize=6)
    ax.invert_yaxis()
    return fig


def network(n) -> Figure:
    """Five-year log progress with and without collaborators, per seed."""
    fig, ax = _figure("Collaborators talk ideas over", "seed", "log10 S after 5 years")
    x = np.arange(len(n.seeds))
    ax.bar(x - 0.2, n.connected, width=0.4, color=AGENTS, label="network")
    ax.bar(x + 0.2, n.alone, width=0.4, color=OTHER, label="no collaborators")
    ax.set_xticks(x, [str(v) for v in n.seeds])
    ax.legend(fontsize=7)
    return fig


def cadence(c) -> Figure:
    """Proxy-true gap and true progress after ten years, by frontier interval."""
    fig, ax = _figure("Rarer big runs: the lab drifts, research goes on",
                      "weeks between frontier runs", "log10, after 10 years")
    x = np.array(c.intervals)
    ax.errorbar(x, c.gap, yerr=2 * np.array(c.gap_se), fmt="o-", color=AGGREGATE,
                label="proxy minus true", ms=4)
    ax.plot(x, c.true, "s--", color=AGENTS, label="true progress", ms=4)
    ax.set_xscale("log")
    ax.set_xticks(x, [str(v) for v in x])
    ax.legend(fontsize=7)
    return fig


def allocation(a) -> Figure:
    """The AI's share of experiment compute, year by year, under each policy."""
    fig, ax = _figure("Who gets the experiment compute", "year", "AI researchers' share")
    for policy in a.policies:
        values = a.shares[policy]
        ax.plot(np.arange(1, len(values) + 1), values, "o-", ms=3, label=policy)
    ax.legend(fontsize=7)
    return fig


def substitution(fits) -> Figure:
    """Fitted elasticity of substitution against the labour-substitution parameter."""
    fig, ax = _figure("Labour and compute: implied elasticity of substitution",
                      "experiments.labour_substitution", "sigma (fitted CES)")
    x = [f.substitution for f in fits]
    ax.errorbar(x, [f.sigma for f in fits], yerr=[2 * f.sigma_se for f in fits], fmt="o-",
                color=AGENTS, ms=4)
    ax.axhline(1.0, color=OTHER, lw=0.8, ls="--")
    return fig


def training_share(t) -> Figure:
    """Capability and software progress after five years against the training share."""
    fig, ax = _figure("Research programme or scaling", "training share of compute",
                      "after 5 years")
    ax.plot(t.shares, t.capability, "o-", color=AGGREGATE, label="capability (OOMs)", ms=4)
    ax.plot(t.shares, t.progress, "s-", color=AGENTS, label="log10 S", ms=4)
    ax.legend(fontsize=7)
    return fig


def boundaries(bs) -> Figure:
    """Share of seeds that exploded against phi, with r = lambda / (1 - phi), per speed."""
    fig, ax = _figure("Explosion is acceleration: the boundary in phi, at two speeds",
                      "ideas.phi", "share of seeds exploded")
    for b, color in zip(bs, (AGENTS, AGGREGATE), strict=False):
        ax.plot(b.phis, [b.exploded[p] for p in b.phis], "o-", color=color, ms=4,
                label=f"{b.speed:g}x effect scale: r* = {b.r_star:.2f}")
    ax.legend(fontsize=7)
    return fig


def spread(s) -> Figure:
    """The baseline's speedup at week 104 per seed (common random numbers)."""
    fig, ax = _figure("One run's speedup is readable", "seed", "speedup at week 104")
    ax.plot(s.seeds, s.speedups, "o", color=AGENTS)
    ax.axhline(float(np.exp(np.mean(np.log(s.speedups)))), color=OTHER, lw=0.8, ls="--")
    return fig


def scan(s, title: str) -> Figure:
    """A probed key's effect (+- 2 se) at each value of the scanned knob."""
    fig, ax = _figure(title, s.key, f"effect of {s.probed} (log10, +- 2 se)")
    x = np.arange(len(s.values))
    means = np.array([m for m, _ in s.effect])
    ax.errorbar(x, means, yerr=[2 * se for _, se in s.effect], fmt="o-", color=AGENTS, ms=4)
    ax.axhline(0.0, color="k", lw=0.8)
    ax.set_xticks(x, [f"{v:g}" for v in s.values])
    return fig
