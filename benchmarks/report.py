"""Write the measurements as ``benchmarks/RESULTS.md``."""

from __future__ import annotations

from pathlib import Path

from benchmarks.agent_step import BURN_IN, WEEKS
from benchmarks.runs import NO_EXPLOSION

RATIO_TARGET = 0.2  # our agent-step at most this times BoltzmannWealth's, at >= 1,000 agents
RUN_TARGET = 1.0  # seconds: the 520-week baseline with its twin, on one core
EXPONENT_TARGET = 1.1  # cost close to linear in agents and in weeks
AGGREGATE_TARGET = 50.0  # the aggregate at least this many times faster than the agents
LARGE_EXPONENT_TARGET = 1.05  # cost per week from 10,000 to 100,000 humans
MEMORY_TARGET = 500.0  # MiB: max RSS of a fresh process running a 100,000-human lab
HELP_TARGET = 0.3  # seconds: ``takeoff --help``
RUN_WEEK_TARGET = 1.0  # seconds: ``takeoff run baseline --weeks 1``
CLICK_TARGET = 0.010  # seconds of server CPU per Step click through Solara
SWEEP_START_TARGET = 0.3  # seconds from ``takeoff sweep`` to its first run beginning
US = 1e6


def _verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def headline(results: dict) -> list[str]:
    """The targets, one line each, with the measured figure."""
    lines = []
    for row in results["agent_step"]:
        if row["n"] >= 1000 and not row["ai"]:
            lines.append(
                f"- {row['n']:,} researcher agents (AI off): our agent-step costs "
                f"**{row['ratio']:.3g}x** BoltzmannWealth's "
                f"({row['ours'].median * US:.3g} vs {row['mesa'].median * US:.3g} µs); "
                f"target at most {RATIO_TARGET}: {_verdict(row['ratio'] <= RATIO_TARGET)}.")
    run = results["runs"][NO_EXPLOSION]
    base = results["runs"]["baseline"]
    lines.append(
        f"- The 520-week baseline with its twin ({NO_EXPLOSION}): **{run['total'].median:.3g} s** "
        f"(construction and both burn-ins {run['build'].median:.3g} s); target about "
        f"{RUN_TARGET:g} s: {_verdict(run['total'].median <= 1.15 * RUN_TARGET)}. The shipped "
        f"baseline stops at its explosion in week {base['weeks']}: {base['total'].median:.3g} s.")
    a = results["agents_scaling"]["exponent"]
    w = results["weeks_scaling"]["humans_only"]["exponent"]
    lines.append(f"- Cost grows as agents^**{a:.2f}** and as weeks^**{w:.2f}** (humans-only lab; "
                 f"target at most {EXPONENT_TARGET}): "
                 f"{_verdict(max(a, w) <= EXPONENT_TARGET)}.")
    return lines + issue15_headline(results)


def issue15_headline(results: dict) -> list[str]:
    """The rest of issue 15's targets: aggregate, large labs, command line, sweep, page."""
    lines = []
    agg = results["aggregate"]
    if agg is None:
        lines.append("- Aggregate model: not measured (`model.aggregate.simulate_aggregate` "
                     f"not importable); target at least {AGGREGATE_TARGET:g}x: NOT met.")
    else:
        r = agg[NO_EXPLOSION]
        states = [("warm (tables in memory)", r["total"])]
        states += [(name, r[key]) for key, name in (("disk", "tables from disk"),
                                                    ("cold", "cold (tables built)")) if key in r]
        parts = [f"{name} **{r['agents'].median / t.median:.3g}x** ({t.median:.3g} s; "
                 f"{_verdict(r['agents'].median / t.median >= AGGREGATE_TARGET)})"
                 for name, t in states]
        lines.append(f"- The aggregate model against the agents' {r['agents'].median:.3g} s "
                     f"({NO_EXPLOSION}, twin included; target at least {AGGREGATE_TARGET:g}x "
                     "faster): " + ", ".join(parts) + ".")
    big = results["large_scaling"]
    lines.append(f"- Cost per week from {big['x'][0]:,} to {big['x'][-1]:,} humans (humans-only "
                 f"lab) grows as humans^**{big['exponent']:.2f}**; target at most "
                 f"{LARGE_EXPONENT_TARGET}: {_verdict(big['exponent'] <= LARGE_EXPONENT_TARGET)}.")
    mem = results["large_memory"]
    lines.append(f"- Max RSS of a fresh process running a {mem['n']:,}-human lab: "
                 f"**{mem['mib']:.0f} MiB**; target under {MEMORY_TARGET:g} MiB: "
                 f"{_verdict(mem['mib'] < MEMORY_TARGET)}.")
    for label, sample in results["cli"].items():
        target = HELP_TARGET if label == "--help" else RUN_WEEK_TARGET
        lines.append(f"- `takeoff {label}`, a fresh process: **{sample.median:.3g} s**; target "
                     f"under {target:g} s: {_verdict(sample.median < target)}.")
    sweep = results["sweep_start"]
    lines.append(f"- `takeoff sweep` to its first run beginning (2-run sweep, 2 workers): "
                 f"**{sweep['first_run'].median:.3g} s** (of which the pool "
                 f"{sweep['pool'].median:.3g} s); target under {SWEEP_START_TARGET:g} s: "
                 f"{_verdict(sweep['first_run'].median < SWEEP_START_TARGET)}.")
    pg = results["page"]
    if pg is None:
        lines.append("- The page's Step through Solara: not measured (`visualization.measure` "
                     f"not importable); target under {CLICK_TARGET * 1e3:g} ms: NOT met.")
    else:
        lines.append(f"- The page's Step and redraw through Solara: **"
                     f"{pg['click'].median * 1e3:.3g} ms** of server CPU per click; target "
                     f"under {CLICK_TARGET * 1e3:g} ms: "
                     f"{_verdict(pg['click'].median < CLICK_TARGET)}.")
    return lines


def write_results(results: dict, path: Path) -> None:
    """Render ``results`` (from ``benchmarks.__main__``) as Markdown at ``path``."""
    m = results["machine"]
    load0, load1 = results["load"]
    out = ["# Benchmarks", "",
           "Generated by `make bench` (`.venv/bin/python -m benchmarks`); do not edit by hand. "
           "Every figure is a median over repeats (5, or 3 for the scaling runs, the command "
           "line and the sweep start), with the "
           "range of the repeats in brackets.", ""]
    if results["quick"]:
        out += ["**Quick run (`--quick`): one repeat, small sizes. Not for quoting.**", ""]
    out += ["## Machine", "", "| | |", "| --- | --- |"]
    out += [f"| {k} | {v} |" for k, v in m.items()]
    out += [f"| load average | {load0:.2f} at the start, {load1:.2f} at the end |",
            f"| benchmark time | {results['seconds']:.0f} s |", "",
            "Load average above 0 means other work was running on the machine at the same time: "
            "the medians are robust to it, the ranges show it.", ""]
    out += ["## Headline", ""] + headline(results) + [""]

    out += ["## Cost per agent-step", "",
            "One agent-step of `takeoff` is one Mesa agent for one week: the wall time of the "
            f"main model's `step()` calls ({WEEKS} weeks after a {BURN_IN}-week burn-in, seed 42; "
            "research cycle, reporters and DataCollector included; no humans-only twin, no "
            "lineage graph; construction and burn-in not timed) divided by weeks times "
            "`len(model.agents)`. AI off: every agent is a `HumanResearcher`. AI on: each human "
            "also has an `AICopilot` and there are 16 `AIResearcher` cohorts, all counted. "
            "BoltzmannWealth is Mesa's own example (`mesa.examples.basic.boltzmann_wealth_model`) "
            "as shipped, one cell per agent, its `step()` per `MoneyAgent`, measured in the same "
            "process, interleaved with ours. Times are wall times; the ratio of CPU times (this "
            "process's, medians) varies less when other work shares the machine.", "",
            "| humans | AI | Mesa agents | takeoff µs/agent-step | BoltzmannWealth µs/agent-step "
            "| ratio | ratio range | ratio of CPU times | target |",
            "| ---: | --- | ---: | --- | --- | ---: | --- | ---: | --- |"]
    for r in results["agent_step"]:
        target = (f"<= {RATIO_TARGET}: {_verdict(r['ratio'] <= RATIO_TARGET)}"
                  if r["n"] >= 1000 else "-")
        rr = r["ratios"].values
        out.append(f"| {r['n']:,} | {'on' if r['ai'] else 'off'} | {r['agents']:,} "
                   f"| {r['ours'].text('', US)} | {r['mesa'].text('', US)} "
                   f"| {r['ratio']:.3g} | {min(rr):.3g} to {max(rr):.3g} | {r['cpu_ratio']:.3g} "
                   f"| {target} |")
    out += ["", "## Whole runs", "",
            "Wall time of `TakeoffModel(load_scenario(NAME)).run()` on one core: construction "
            "(both burn-ins: the lab's and its humans-only twin's, 104 weeks each) plus the run "
            "to the horizon (520 weeks) or the explosion, with the twin stepped alongside when AI "
            "is on. Total CPU is this process's CPU time for the same (median). The lineage graph "
            "is kept and drawn when first read; these runs never read it. Peak memory is traced "
            "(tracemalloc) in a separate, untimed run.", "",
            "| run | weeks | exploded | twin | construct s | run s | total s | total CPU s "
            "| peak MiB |",
            "| --- | ---: | --- | --- | --- | --- | --- | --- | ---: |"]
    for label, r in results["runs"].items():
        out.append(f"| {label} | {r['weeks']} | {'yes' if r['exploded'] else 'no'} "
                   f"| {'yes' if r['twin'] else 'no'} | {r['build'].text('')} "
                   f"| {r['run'].text('')} | {r['total'].text('')} | {r['cpu'].median:.3g} "
                   f"| {r['peak_mib']:.0f} |")
    agg = results["aggregate"]
    out += ["", "### Aggregate model (`takeoff run --aggregate`)", ""]
    if agg is None:
        out.append("Pending: `model.aggregate.simulate_aggregate` was not importable when this "
                   "ran, so it was not measured.")
    else:
        out += ["`simulate_aggregate(scenario)`, humans-only twin included, as the command runs "
                "it, interleaved with the agent model's whole run of the same scenario (no "
                "lineage graph) in the same process, compiled code loaded. Warm: its funnel "
                "tables in memory, as in any run after the first. From disk: tables read from "
                "the folder `make` fills at install for the shipped scenarios, as a fresh "
                "`takeoff run --aggregate` finds them. Cold: no tables anywhere (an empty "
                "folder), as after a change to any parameter they depend on; they are built. "
                "Target (issue 15): the aggregate at least 50x faster.", "",
                "| run | weeks | exploded | warm s | from disk s | cold s | agents s "
                "| agents / warm | agents / from disk | agents / cold | peak MiB |",
                "| --- | ---: | --- | --- | --- | --- | --- | --- | --- | --- | ---: |"]
        for label, r in agg.items():
            ratios = [f"{r['ratio'].text('x')} ({_verdict(r['ratio'].median >= 50)})"]
            for key in ("disk", "cold"):
                if key in r:
                    x = r["agents"].median / r[key].median
                    ratios.append(f"{x:.3g}x ({_verdict(x >= AGGREGATE_TARGET)})")
                else:
                    ratios.append("-")
            out.append(f"| {label} | {r['weeks']} | {'yes' if r['exploded'] else 'no'} "
                       f"| {r['total'].text('')} "
                       f"| {r['disk'].text('') if 'disk' in r else '-'} "
                       f"| {r['cold'].text('') if 'cold' in r else '-'} "
                       f"| {r['agents'].text('')} | " + " | ".join(ratios)
                       + f" | {r['peak_mib']:.0f} |")
    out += ["", "## How cost grows", "",
            "Exponents are least-squares slopes of log cost against log size; 1 is linear. "
            "Agents: seconds per week of a humans-only lab (26-week burn-in, 26 timed weeks), "
            "sizes interleaved within each repeat. Weeks: seconds of stepping from week 1 to "
            "each checkpoint of one run (no lineage graph).", "",
            "| what | sizes | cost | exponent |", "| --- | --- | --- | ---: |"]
    a = results["agents_scaling"]
    out.append("| seconds per week against humans | "
               + ", ".join(f"{x:,}" for x in a["x"]) + " | "
               + ", ".join(f"{c.median * 1e3:.3g} ms" for c in a["cost"])
               + f" | {a['exponent']:.2f} |")
    big = results["large_scaling"]
    out.append(f"| seconds per week against humans, large labs ({big['burn_in']}-week burn-in, "
               f"{big['weeks']} timed weeks; target at most {LARGE_EXPONENT_TARGET}: "
               f"{_verdict(big['exponent'] <= LARGE_EXPONENT_TARGET)}) | "
               + ", ".join(f"{x:,}" for x in big["x"]) + " | "
               + ", ".join(f"{c.median * 1e3:.3g} ms" for c in big["cost"])
               + f" | {big['exponent']:.2f} |")
    for label, w in results["weeks_scaling"].items():
        out.append(f"| seconds of stepping against weeks ({label}) | "
                   + ", ".join(str(x) for x in w["x"]) + " | "
                   + ", ".join(f"{c.median:.3g} s" for c in w["cost"])
                   + f" | {w['exponent']:.2f} |")
    mem = results["large_memory"]
    out += ["", f"Memory: a fresh process (`python -c`) that builds a {mem['n']:,}-human "
            "humans-only lab (4-week burn-in, no lineage graph) and runs it 8 weeks reaches a "
            f"maximum resident set of **{mem['mib']:.0f} MiB** (`getrusage` of that process: "
            "interpreter and libraries included); target under "
            f"{MEMORY_TARGET:g} MiB: {_verdict(mem['mib'] < MEMORY_TARGET)}."]
    for label, w in results["weeks_scaling"].items():
        rows = w["in_flight"]
        out.append("")
        out.append(f"{label}: ideas in flight (pipeline rows, main lab) at the checkpoints: "
                   + ", ".join(f"{r:,}" for r in rows) + ". A week's cost follows what the lab "
                   "holds: where rows grow (AI cohorts take up more of the ladder as they "
                   "improve), weeks cost more; the exponent of the humans-only lab, whose "
                   "size is steady, is the one the target is about.")
    out += ["", "## Where a week's time goes", "",
            "One model (no twin, no lineage graph), 26-week burn-in, then timed weeks with its "
            "methods wrapped in timers (`benchmarks/profile.py`); phases nest (\"whole\" rows "
            "include the rows above them). *Random draws* is the time inside the model's "
            "random-number generator over the whole week: the same seed must give the same "
            "draws in the same order, so no optimisation that keeps outputs byte-identical "
            "can go under it.", ""]
    profiles = results["profile"]
    out.append("| phase | " + " | ".join(
        f"{p['humans']:,} humans, AI {'on' if p['ai'] else 'off'} (ms/week)" for p in profiles)
        + " |")
    out.append("| --- |" + " ---: |" * len(profiles))
    for i, (label, _) in enumerate(profiles[0]["phases"]):
        out.append(f"| {label} | " + " | ".join(f"{p['phases'][i][1] * 1e3:.3g}"
                                               for p in profiles) + " |")
    out.append("| random draws (all phases) | " + " | ".join(
        f"{p['draws'] * 1e3:.3g} ({p['draws'] / p['total']:.0%})" for p in profiles) + " |")
    out.append("| compiled kernels (all phases) | " + " | ".join(
        f"{p['kernels'] * 1e3:.3g} ({p['kernels'] / p['total']:.0%})" for p in profiles) + " |")
    out.append("| everything else: numpy calls and Python | " + " | ".join(
        f"{(p['total'] - p['draws'] - p['kernels']) * 1e3:.3g} "
        f"({1 - (p['draws'] + p['kernels']) / p['total']:.0%})" for p in profiles) + " |")
    out.append("| **whole week** | " + " | ".join(f"**{p['total'] * 1e3:.3g}**"
                                                   for p in profiles) + " |")
    start = results["startup"]
    out += ["", "## Startup", "",
            "A fresh process (`python -c`) that imports the model and runs one week of a "
            "20-human lab: " + start["first week"].text("s") + ". Importing numba alone takes "
            + start["numba"].text("s") + "; the compiled kernels load from numba's cache, "
            "which `make` fills at install (`python -m model.kernels`). Compiling them from "
            f"nothing, once per install or change of `model/kernels/`: "
            f"{start['compile'].median:.3g} s."]
    out += ["", "## The app's update", ""]
    app = results["app"]
    if app is None:
        out.append("Pending: `visualization.app.render_views` was not importable when this ran.")
    else:
        out.append("One update of the app at the default size (baseline, 100 humans), "
                   "`model.step(); render_views(model)`, averaged over 10 updates after the first "
                   f"draw: {app['update'].text('ms', 1e3)}.")
    out += issue15_sections(results)
    path.write_text("\n".join(out) + "\n")


def issue15_sections(results: dict) -> list[str]:
    """The sections of the command line, the sweep's start and the page through Solara."""
    out = ["", "## The command line", "",
           "Wall time of a fresh `takeoff` process (the script next to the benchmark's "
           "interpreter), from its start to its exit, measured by the parent; one untimed round "
           "first (the file cache warm), then the commands interleaved. `run` writes into a "
           "new temporary `--out`; its default writes the plots.", "",
           "| command | wall s | target |", "| --- | --- | --- |"]
    for label, sample in results["cli"].items():
        target = HELP_TARGET if label == "--help" else RUN_WEEK_TARGET
        out.append(f"| `takeoff {label}` | {sample.text('')} "
                   f"| < {target:g} s: {_verdict(sample.median < target)} |")
    floors = results.get("cli_floors")
    if floors:
        out += ["", "What any run pays before its first week, as fresh `python -c` processes "
                "(the same interpreter):", "", "| code | wall s |", "| --- | --- |"]
        out += [f"| `{label}` | {sample.text('')} |" for label, sample in floors.items()]
    sweep = results["sweep_start"]
    out += ["", "## Sweep start", "",
            "The smallest real sweep (`benchmarks/sweep_start.py`: 2 runs of a 10-human lab, "
            "4 weeks, `--workers 2 --no-plots`) as `takeoff sweep` runs it in a fresh process, "
            "its workers' task noting the time it begins before the real run; one untimed "
            "sweep first.", "",
            "| from | to | seconds | target |", "| --- | --- | --- | --- |",
            f"| the command's launch | the first run beginning | {sweep['first_run'].text('')} "
            f"| < {SWEEP_START_TARGET:g} s: "
            f"{_verdict(sweep['first_run'].median < SWEEP_START_TARGET)} |",
            f"| the pool asked for (`make_pool`) | the first run beginning "
            f"| {sweep['pool'].text('')} | - |",
            f"| the command's launch | its exit (both runs and the summary) "
            f"| {sweep['total'].text('')} | - |"]
    out += ["", "## The page's Step through Solara", ""]
    pg = results["page"]
    if pg is None:
        out.append("Pending: `visualization.measure.measure` was not importable when this ran.")
    else:
        out.append("The page rendered as the tests render it (`solara.render` of `Page` in an "
                   "`AppLayout`, `visualization/measure.py`), 5 warm-up clicks of Step, then "
                   f"{pg['clicks']} clicks, each timed with `time.process_time`: the server's "
                   "CPU for the week, the redraw, Solara's re-render and widget sync (every "
                   f"thread). Per click: {pg['click'].text('ms', 1e3)}, median over the clicks "
                   f"(range of the clicks); target under {CLICK_TARGET * 1e3:g} ms: "
                   f"{_verdict(pg['click'].median < CLICK_TARGET)}. Opening the page (its lab "
                   f"built): {pg['open']:.2g} s of CPU. The app's update above "
                   "(`model.step(); render_views`) leaves Solara out.")
    return out
