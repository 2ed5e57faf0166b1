"""The scenario schema: every parameter with its type, unit, default, allowed range and source.

One table, read by the loader (validation), the writer (resolved TOML), the docs and the app's
controls, so that a parameter is described in exactly one place. Defaults are the `baseline`
scenario. Units: one step is one week; compute is in H100-equivalents (H100e); idea effects
are in units of the typical effect of a new idea at the current software efficiency.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Param:
    """One scenario parameter.

    Attributes:
        key: Dotted TOML key, e.g. ``compute.shares.inference``.
        default: Baseline value.
        kind: One of ``int``, ``float``, ``bool``, ``choice``, ``floats`` (a list of numbers).
        unit: Unit shown in docs and controls.
        help: One line on what it does.
        lo: Smallest allowed value (numbers, and each item of a list).
        hi: Largest allowed value.
        choices: Allowed strings for ``choice``.
        source: Where the default comes from; "guess" marks a modelling guess, "-" a setting
            that is not an empirical claim.
        role: ``model`` (a mechanism's parameter), ``ablation`` (switches a mechanism's
            evidence off, for its check), ``resolution`` (how finely the lab is represented:
            results should not depend on it beyond noise) or ``setting`` (what is run and
            measured, not what the lab is).
        effect: The documented direction of its effect, checked by ``takeoff validate``'s
            direction table: ``+progress`` (raising it raises humans-only software progress),
            ``-progress``, ``+speedup`` (raises the speedup over the humans-only twin) or
            ``-speedup``; empty where no sign is claimed.

    """

    key: str
    default: Any
    kind: str
    unit: str
    help: str
    lo: float | None = None
    hi: float | None = None
    choices: tuple[str, ...] = ()
    source: str = "-"
    role: str = "model"
    effect: str = ""

    def allowed(self) -> str:
        """Describe the allowed values in words, for error messages and docs."""
        if self.kind == "bool":
            return "true or false"
        if self.kind == "choice":
            return " | ".join(f'"{c}"' for c in self.choices)
        what = {"int": "an integer", "float": "a number", "floats": "a list of numbers"}[self.kind]
        return f"{what} in [{_num(self.lo)}, {_num(self.hi)}]"


def _num(x: float | None) -> str:
    return "-inf" if x is None else f"{x:g}"


P = Param
PARAMS: tuple[Param, ...] = (
    # --- run ---
    P("run.seed", 42, "int", "", "Seed of every random source in the run", 0, 2**63 - 1,
      role="setting"),
    P("run.weeks", 520, "int", "weeks", "Horizon; one step is one week", 1, 5200, role="setting"),
    P("run.burn_in_weeks", 208, "int", "weeks", "The lab's history before week 0: humans-only "
      "research that fills pipelines and the idea lineage, so week 0 is not an empty lab",
      0, 1040, source="-", role="setting"),
    # --- compute ---
    P("compute.initial", 1.0e5, "float", "H100e", "Lab compute at week 0", 1.0, 1.0e12,
      source="order of a frontier lab's fleet in 2025 (guess)", effect="+speedup"),
    P("compute.growth_per_year", 2.5, "float", "x/year", "Yearly growth factor of lab compute",
      0.5, 20.0,
      source="Epoch AI: frontier training compute ~4x/yr; lab fleets grow slower (guess)"),
    P("compute.experiment_boost", 1.0, "float", "x",
      "Multiplies experiment compute only: '10x the H100s for your experiments'", 0.01, 1.0e4,
      source="podcast [00:56-01:02]", effect="+progress"),
    P("compute.shares.inference", 0.3, "float", "share", "Share of compute running AI researchers",
      0.0, 1.0, source="podcast [01:24-01:33]; split is a guess"),
    P("compute.shares.experiments", 0.1, "float", "share",
      "Share of compute for small-scale research experiments", 0.0, 1.0,
      source="calibrated: 10x experiment compute -> ~5x speed (podcast [01:00-01:19])",
      effect="+progress"),
    P("compute.shares.training", 0.6, "float", "share",
      "Share of compute accumulating into the next frontier run", 0.0, 1.0, source="guess"),
    # --- policy ---
    P("policy.allocation", "fixed", "choice", "", "Compute split: fixed shares, or adaptive "
      "(shift share toward the use with the best recent return)", choices=("fixed", "adaptive")),
    P("policy.scheduler", "track_record", "choice", "", "How the experiment budget is allotted: "
      "shares that follow each researcher's track record, fixed fair shares, expected value per "
      "compute, or first come first served",
      choices=("track_record", "fair", "value", "fifo"),
      source="guess: a real lab learns whose ideas pay off"),
    P("policy.newcomer_share", 0.05, "float", "share", "Track record: share of the experiment "
      "budget the AI researchers get between them before they have a track record", 0.0, 1.0,
      source="guess"),
    P("policy.memory_weeks", 52, "int", "weeks", "Track record: half-life of the lab's memory of "
      "what each researcher's ideas gained and the compute they used", 1, 1040, source="guess"),
    P("policy.track_record_rate", 1.0, "float", "-", "Track record: at each frontier run a share "
      "is multiplied by (its value per compute over the lab's)^this; 0 keeps shares fixed",
      0.0, 10.0, source="guess", effect="+speedup"),
    P("policy.track_record_prior", 1.0, "float", "claimants", "Track record: value per compute "
      "is shrunk toward the lab's average by this many typical claimants' compute", 0.0, 1000.0,
      source="guess"),
    P("policy.exploration", 0.2, "float", "fraction", "Track record: no researcher's share falls "
      "below this fraction of the share it started with, so a newcomer can prove itself",
      0.0, 1.0, source="guess"),
    P("policy.review_weeks", 13, "int", "weeks", "Adaptive policy: weeks between reviews", 1, 520),
    P("policy.adapt_step", 0.02, "float", "share", "Adaptive policy: share moved per review",
      0.0, 0.5),
    P("policy.min_share", 0.05, "float", "share", "Adaptive policy: floor of every share",
      0.0, 0.33),
    # --- humans ---
    P("humans.count", 200, "int", "researchers", "Human researchers at week 0", 1, 100_000,
      source="guess: a frontier lab's research staff of a few hundred", effect="+progress"),
    P("humans.hiring_per_year", 1.0, "float", "x/year", "Yearly growth factor of the human team",
      0.5, 10.0, source="guess", effect="+progress"),
    P("humans.taste_noise", 12.0, "float", "sd of true effects",
      "Median noise of a human's idea estimates, in units of the spread of true idea effects",
      0.01, 50.0,
      source="calibrated: results carry the signal (uninformative ones halve progress) and worse"
             " taste still slows it; podcast [04:56-05:08]",
      effect="-progress"),
    P("humans.taste_spread", 0.386, "float", "log sd",
      "Spread of taste across humans (lognormal); 0.386 puts the 99.9th percentile at 3.3x "
      "the median", 0.0, 2.0, source="AI Futures Model (2025)"),
    P("humans.speed_spread", 0.3, "float", "log sd", "Spread of serial speed across humans",
      0.0, 2.0, source="guess"),
    P("humans.interpretation_spread", 0.3, "float", "log sd",
      "Spread of skill at reading results across humans", 0.0, 2.0, source="guess"),
    P("humans.pipelines", 4, "int", "ideas", "Ideas a human keeps in flight at once", 1, 64,
      source="guess", effect="+progress"),
    P("humans.network_degree", 6, "int", "links", "Mean collaborators per human (Watts-Strogatz)",
      0, 100, source="guess"),
    P("humans.network_rewire", 0.1, "float", "probability",
      "Watts-Strogatz rewiring probability of the collaboration network", 0.0, 1.0, source="guess"),
    P("humans.learning_rate", 0.01, "float", "fraction",
      "Share of the gap to its taste floor a human's taste noise closes per own idea revealed by "
      "a frontier run", 0.0, 1.0, source="guess", effect="+progress"),
    P("humans.learning_spillover", 0.25, "float", "fraction",
      "Share of that lesson reaching each collaborator", 0.0, 1.0, source="guess"),
    P("humans.taste_floor", 0.5, "float", "fraction",
      "Taste noise learning approaches, as a fraction of the initial noise", 0.0, 1.0,
      source="guess", effect="-progress"),
    P("humans.shortlist", 3, "int", "ideas", "Ideas a human talks over with its collaborators "
      "for each one it starts; it starts those the talk leaves best", 1, 20, source="guess",
      effect="+progress"),
    P("humans.review_weight", 0.5, "float", "fraction", "Weight of a collaborator's opinion of an "
      "idea before it is started, as a share of the precision of its own taste (0: no one "
      "talks ideas over)", 0.0, 1.0, source="guess", effect="+progress"),
    # --- ai ---
    P("ai.enabled", True, "bool", "", "Automated AI researchers on or off", role="ablation"),
    P("ai.speed", 1.0, "float", "x human", "Serial speed of an AI copy at week-0 capability",
      0.01, 1000.0, source="guess", effect="+speedup"),
    P("ai.speed_per_oom", 1.5, "float", "x per OOM",
      "Speed gain per order of magnitude of frontier capability", 1.0, 10.0, source="guess",
      effect="+speedup"),
    P("ai.taste", 0.15, "float", "x median human",
      "AI taste at week-0 capability, relative to the median human", 0.001, 1000.0, source="guess",
      effect="+speedup"),
    P("ai.taste_per_oom", 1.8, "float", "x per OOM",
      "Taste gain per order of magnitude of frontier capability", 1.0, 10.0, source="guess",
      effect="+speedup"),
    P("ai.copy_cost", 300.0, "float", "H100e", "Inference compute per AI copy at week-0 software "
      "efficiency (software progress divides it)", 1.0e-6, 1.0e9, source="guess",
      effect="-speedup"),
    P("ai.autonomy_taste", 2.0, "float", "x median human",
      "AI taste at which half of the copies work autonomously rather than as copilots",
      0.01, 100.0, source="guess, set where handing copies autonomy pays (takeoff validate's "
      "autonomy scan: at 0.5 and 1 higher ai.taste slows the lab)"),
    P("ai.setup_taste", 0.25, "float", "x its human",
      "Copilot taste, relative to its human's, that can do all of setting up an experiment "
      "(below it, the share its taste reaches)", 0.01, 1.0, source="guess", effect="-speedup"),
    P("ai.copies_per_share", 100.0, "float", "copies",
      "Fair scheduler only: autonomous AI copies that together claim one human's share of "
      "experiment compute", 1.0e-3, 1.0e9, source="guess"),
    P("ai.cohorts", 16, "int", "agents", "Autonomous AI agents; copies are split across them",
      1, 1000, role="resolution"),
    P("ai.max_pipelines", 64, "int", "rows",
      "Pipelines an AI agent holds as rows; beyond this each row stands for several copies' ideas",
      1, 10_000, role="resolution"),
    # --- ideas ---
    P("ideas.phi", 0.8, "float", "", "Ideas-get-harder exponent: an idea's effect on ln S scales "
      "as S^(phi-1) (semi-endogenous growth)", -3.0, 0.95,
      source="Jones (1995); Bloom et al. (2020); calibrated", effect="+progress"),
    P("ideas.effect_scale", 0.0062, "float", "ln S",
      "Frontier effect on ln S of one unit of idea quality at week 0", 1.0e-6, 10.0,
      source="calibrated to ~3x/year humans-only (Ho et al. 2024)", effect="+progress"),
    P("ideas.bold_share", 0.1, "float", "probability",
      "Share of new ideas that are bold: large effects at scale, of either sign", 0.0, 1.0,
      source="calibrated to the shipped-idea facts; podcast [04:37-04:44]"),
    P("ideas.bold_mean", 0.5, "float", "effect units", "Mean frontier effect of a bold idea",
      -10.0, 10.0, source="calibrated to the shipped-idea facts"),
    P("ideas.bold_sd", 1.5, "float", "effect units", "Spread of bold ideas' frontier effects",
      0.01, 10.0, source="calibrated to the shipped-idea facts"),
    P("ideas.ordinary_mean", -0.1, "float", "effect units",
      "Mean frontier effect of an ordinary idea (most are useless or harmful)", -10.0, 10.0,
      source="calibrated to the shipped-idea facts; podcast [05:56-06:10]"),
    P("ideas.ordinary_sd", 0.2, "float", "effect units", "Spread of ordinary ideas", 0.01, 10.0,
      source="calibrated to the shipped-idea facts"),
    P("ideas.material_effect", 0.2, "float", "effect units",
      "A shipped idea helps (hurts) at scale when its frontier effect is above (below) plus "
      "(minus) this; in between it is useless", 0.0, 10.0, source="guess", role="setting"),
    P("ideas.small_scale_bias", 0.6, "float", "correlation",
      "How much of taste noise is small-scale appeal: ideas that look good to intuition look "
      "good in small experiments too", 0.0, 0.99,
      source="calibrated: a visible share of shipped ideas hurts; podcast [05:15-05:55]",
      effect="-progress"),
    P("ideas.per_week", 2.0, "float", "ideas/week",
      "New ideas per researcher-week (ideas are cheap)", 0.01, 1000.0,
      source="podcast [04:33-04:56]", effect="+progress"),
    P("ideas.backlog", 30, "int", "ideas", "Backlog a researcher keeps, best estimates first",
      1, 1000, source="guess"),
    P("ideas.shelf_life_weeks", 26.0, "float", "weeks",
      "Ideas in a backlog older than this are forgotten: the recipe they were about has moved on",
      1.0, 5200.0, source="guess"),
    P("ideas.promote_threshold", -0.05, "float", "effect units",
      "Mean effect an idea must be believed to have to be tested; each rung it climbs adds "
      "ideas.rung_bar", -10.0, 10.0, source="guess: a cheap test is worth it for an idea that "
      "might help"),
    P("ideas.rung_bar", 0.2, "float", "effect units", "How much better an idea must look for "
      "each rung it climbs (each costs many times the one below); the top rung's bar is what "
      "merging takes", 0.0, 10.0, source="guess: ruthless prioritization, podcast [07:07-07:40]"),
    P("ideas.heritability", 0.02, "float", "", "How much a new idea inherits from the shipped idea "
      "it varies (lineage)", 0.0, 1.0, source="podcast [08:27-08:48] for the lineage; the "
      "value a guess, kept small: past about 0.05 noisier experiments speed the lab up "
      "(takeoff validate's heritability scan)"),
    P("ideas.build_on_shipped", 0.7, "float", "probability",
      "Chance that a batch of new ideas varies a merged idea rather than starting fresh", 0.0, 1.0,
      source="guess"),
    P("ideas.lineage_window", 200, "int", "ideas", "Recent merged ideas that new ideas can vary",
      1, 100_000, source="guess"),
    P("ideas.duplication_pool", 2000.0, "float", "ideas",
      "Equally likely ideas before popularity concentrates (Zipf offset); smaller means more "
      "stepping on toes", 1.0, 1.0e12, source="guess"),
    P("ideas.duplication_exponent", 2.0, "float", "",
      "Zipf exponent of idea popularity; parallel returns tend to 1/exponent in large labs "
      "(Heaps' law)", 1.05, 10.0, source="AI Futures Model lambda ~0.5"),
    # --- experiments ---
    P("experiments.scales", [1.0e-4, 1.0e-3, 1.0e-2], "floats", "fraction of frontier",
      "Rungs of the experiment ladder, as fractions of a frontier run", 1.0e-9, 0.5,
      source="podcast [05:15-05:25]"),
    P("experiments.run_weeks", [0.5, 1.0, 3.0], "floats", "weeks",
      "Wall-clock time of one experiment at each rung", 0.01, 52.0, source="guess",
      effect="-progress"),
    P("experiments.implement_weeks", [0.2, 0.3, 0.5], "floats", "researcher-weeks",
      "Human time to set up an experiment at each rung", 0.0, 52.0, source="guess",
      effect="-progress"),
    P("experiments.interpret_weeks", [0.4, 0.6, 1.0], "floats", "researcher-weeks",
      "Human time to interpret a result at each rung", 0.0, 52.0, source="podcast [04:27-04:50]",
      effect="-progress"),
    P("experiments.transfer_decades", 6.0, "float", "decades", "Transfer across scale: a result's "
      "correlation with the frontier effect is exp(-gap/this), gap in decades of compute",
      0.01, 100.0,
      source="calibrated with taste noise to the signal facts; podcast [05:38-05:44]",
      effect="+progress"),
    P("experiments.noise", 0.2, "float", "effect units", "Run-to-run noise of one experiment",
      0.0, 10.0, source="guess", effect="-progress"),
    P("experiments.reading_noise", 0.1, "float", "effect units",
      "Noise added in interpreting a result, at median interpretation skill", 0.0, 10.0,
      source="guess", effect="-progress"),
    P("experiments.frontier_coupling", 0.7, "float", "", "How an informative experiment's cost "
      "follows the frontier: 1 = fixed fraction of frontier physical compute, 0 = fixed "
      "effective compute", 0.0, 1.0, source="Whitfill & Wu (2025) vs Davidson & Eth (2025)",
      effect="-progress"),
    P("experiments.queue_weeks", 8.0, "float", "weeks", "A researcher starts a new idea only "
      "while its experiments waiting for compute would take under this many weeks of its share "
      "of the budget", 0.0, 520.0, source="guess"),
    P("experiments.labour_substitution", 0.16, "float", "-", "How far researcher labour buys "
      "research with less compute: an experiment's compute falls as (1 + engineering / setup "
      "time)^-this, engineering being the researcher-weeks put into it while it waited (0: "
      "complements)", 0.0, 3.0,
      source="calibrated: doubling humans gives lambda in 0.2 to 0.9; Whitfill & Wu (2025): "
             "sigma ~0 to ~2.6",
      effect="+progress"),
    P("experiments.results", "informative", "choice", "", "Ablation: what experiments show. "
      "'uninformative' results are independent of the ideas' true effects, 'perfect' ones show "
      "them exactly", choices=("informative", "uninformative", "perfect"), role="ablation"),
    # --- frontier ---
    P("frontier.enabled", True, "bool", "", "Big training runs on or off", role="ablation"),
    P("frontier.early_factor", 4.0, "float", "x", "The lab runs early once the ideas merged "
      "since the last run claim this many times what an interval gained at the week-0 pace (0: "
      "only every interval)", 0.0, 1000.0, source="guess"),
    P("frontier.min_interval_weeks", 1, "int", "weeks", "Fewest weeks between frontier runs",
      1, 520, source="guess"),
    P("frontier.interval_weeks", 13, "int", "weeks", "Weeks between frontier runs", 1, 520,
      source="podcast [01:49-02:34]; guess"),
    # --- synthetic data ---
    P("synthetic.enabled", False, "bool", "", "Synthetic-data channel on or off",
      source="podcast [02:59-03:18]", role="model"),
    P("synthetic.share", 0.2, "float", "share of inference",
      "Share of inference compute producing synthetic data", 0.0, 1.0, source="guess"),
    P("synthetic.efficiency", 0.3, "float", "OOM per OOM",
      "Capability gained per order of magnitude of synthetic data relative to the run", 0.0, 10.0,
      source="guess"),
    # --- explosion ---
    P("explosion.doublings", 4, "int", "doublings", "An explosion: this many doublings of software "
      "efficiency taking on average at most half as long as the as many before them, the last "
      "no slower than those", 1, 20, role="setting"),
    P("explosion.max_log10_efficiency", 12.0, "float", "log10 S",
      "Safety stop: the run ends once software efficiency passes 10^this (stop = cap)",
      1.0, 300.0, role="setting"),
    # --- metrics ---
    P("metrics.speed_window_weeks", 52, "int", "weeks",
      "Trailing window over which research speed is measured", 1, 520, role="setting"),
)
del P

BY_KEY: dict[str, Param] = {p.key: p for p in PARAMS}


def markdown_table() -> str:
    """Every parameter with unit, default, allowed values and source, as a Markdown table."""
    lines = ["| key | unit | default | allowed | meaning | source |",
             "| --- | --- | --- | --- | --- | --- |"]
    for p in PARAMS:
        default = str(p.default).lower() if p.kind == "bool" else p.default
        cells = [f"`{p.key}`", p.unit or "-", f"`{default}`", p.allowed(), p.help, p.source]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)
SECTIONS: tuple[str, ...] = tuple(dict.fromkeys(p.key.split(".")[0] for p in PARAMS))
LADDER_KEYS = ("experiments.run_weeks", "experiments.implement_weeks",
               "experiments.interpret_weeks")
SHARE_KEYS = ("compute.shares.inference", "compute.shares.experiments", "compute.shares.training")
