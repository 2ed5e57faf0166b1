"""The page's charts of a running lab, as ECharts options built from its time series.

Each view is a plain function ``(model, bands=None) -> dict`` (an ECharts option: JSON data, no
code), so the page, the tests and the benchmark build exactly the same thing. The browser draws
them (:class:`visualization.widgets.EChart`), so a redraw costs the server these dicts rather
than rendered images. A lab with a ``compare`` attribute (see
:class:`visualization.live.LiveModel`) has its curves overlaid; ``bands`` (see
:mod:`visualization.replicates`) adds the median and band of replicate runs.

Every time chart marks the run's story from :func:`visualization.story.headline`: the explosion
and the safety cap as vertical lines, and on the speedup chart the AI milestones where they are
reached. Formatting the browser does (10^k ticks on log axes, tooltips with units) is asked for
by name, e.g. ``"fmt:pow10"``; the widget maps those names to its own functions.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from visualization import story
from visualization.network import network_option
from visualization.sharing import display_name

MAX_POINTS = 600  # per series; longer runs are thinned evenly (the last week always kept)
COLORS = {"main": "#1f77b4", "twin": "#7f7f7f", "other": "#d62728", "proxy": "#1f77b4",
          "inference": "#9467bd", "experiments": "#2ca02c", "training": "#ff7f0e",
          "humans": "#8c564b", "ai": "#17becf", "queue": "#e377c2", "cycle": "#7f7f7f",
          "explosion": "#d62728", "cap": "#9467bd", "milestone": "#2ca02c"}
SPEEDUP_FLOOR = 1e-3  # a speedup axis shows at most this far below 1


def _data(model) -> dict:
    return model.datacollector.model_vars


def rounded(values: Sequence[float], digits: int = 4) -> np.ndarray:
    """Values rounded to ``digits`` significant digits: readable tooltips, small messages."""
    a = np.asarray(values, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        mag = np.floor(np.log10(np.abs(a)))
    mag = np.where(np.isfinite(mag), mag, 0.0)
    small = mag < digits - 1
    up = 10.0 ** np.where(small, digits - 1 - mag, 0.0)  # exact powers of ten both ways
    down = 10.0 ** np.where(small, 0.0, mag - digits + 1)
    return np.where(small, np.round(a * up) / up, np.round(a / down) * down)


def _thin(n: int) -> np.ndarray:
    if n <= MAX_POINTS:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, MAX_POINTS).round().astype(int))


def _points(weeks: Sequence[float], *columns: Sequence[float], floor: float | None = None
            ) -> list[list[float]]:
    """[[years, value, ...], ...], thinned to MAX_POINTS, floored for log axes."""
    idx = _thin(len(weeks))
    x = np.round(np.asarray(weeks, dtype=float)[idx] / 52.0, 4)
    ys = [np.asarray(c, dtype=float)[idx] for c in columns]
    if floor is not None:
        ys = [np.maximum(y, floor) for y in ys]
    return np.column_stack([x, *(rounded(y) for y in ys)]).tolist()


def _line(name: str, data: list, color: str, unit: str, dash: str = "solid", width: float = 2,
          **extra) -> dict:
    return {"name": name, "type": "line", "data": data, "showSymbol": False, "color": color,
            "unit": unit, "lineStyle": {"color": color, "type": dash, "width": width}, **extra}


def _band_series(name: str, band, color: str, unit: str, floor: float | None = None) -> list:
    """A replicate band: the area between low and high, and the median as a dashed line."""
    area = {"name": f"{name}: {band.label}", "type": "custom", "renderItem": "fmt:band",
            "data": _points(band.weeks, band.low, band.high, floor=floor), "color": color,
            "unit": unit, "encode": {"x": 0, "y": [1, 2]}, "silent": True, "z": 1}
    median = _line(f"{name}: median of {int(band.runs.max())} runs",
                   _points(band.weeks, band.median, floor=floor), color, unit, dash="dashed",
                   width=1.5, z=2)
    return [area, median]


def _log_floor(series: list[dict]) -> float:
    """A log axis's lower end: the decade below the smallest value drawn."""
    low = math.inf
    for s in series:
        for point in s["data"]:
            for y in point[1:]:
                if y > 0:
                    low = min(low, y)
    return 10.0 ** math.floor(math.log10(low)) if math.isfinite(low) else 0.1


def _events(model, head: story.Headline) -> dict:
    """Vertical lines at the explosion and at the cap (a markLine for the first series)."""
    lines = []
    if head.explosion_week is not None:
        lines.append({"xAxis": round(head.explosion_week / 52.0, 4),
                      "name": f"explosion, week {head.explosion_week}",
                      "lineStyle": {"color": COLORS["explosion"], "type": "solid", "width": 1.5},
                      "label": {"formatter": f"explosion (week {head.explosion_week})",
                                "color": COLORS["explosion"]}})
    if head.stop == "cap":
        lines.append({"xAxis": round(head.week / 52.0, 4), "name": f"cap, week {head.week}",
                      "lineStyle": {"color": COLORS["cap"], "type": "dashed", "width": 1.5},
                      "label": {"formatter": f"cap on S (week {head.week})",
                                "color": COLORS["cap"]}})
    return {"silent": True, "symbol": "none", "animation": False,
            "label": {"position": "insideEndTop", "fontSize": 10}, "data": lines}


def _chart(title: str, series: list[dict], unit: str, model, head: story.Headline,
           log: bool = False, subtitle: str = "") -> dict:
    """A time chart over the run's horizon in years, marked with the run's events."""
    horizon = model.settings.run.weeks / 52.0
    if series:
        marks = series[0].setdefault("markLine", {"silent": True, "symbol": "none", "data": []})
        events = _events(model, head)
        marks["data"] = marks.get("data", []) + events["data"]
        marks.setdefault("label", events["label"])
    y = {"type": "log" if log else "value", "name": unit, "nameTextStyle": {"align": "left"},
         "axisLabel": {"formatter": "fmt:pow10" if log else "fmt:number"}}
    if log:
        y.update({"min": _log_floor(series), "logBase": 10})
    else:
        y["scale"] = True
    return {
        "animation": False, "backgroundColor": "transparent",
        "title": {"text": title, "subtext": subtitle, "left": "center",
                  "textStyle": {"fontSize": 13}, "subtextStyle": {"fontSize": 10}},
        "tooltip": {"trigger": "axis", "confine": True, "formatter": "fmt:tooltip"},
        "legend": {"bottom": 0, "type": "scroll", "textStyle": {"fontSize": 10}},
        "grid": {"left": 16, "right": 28, "top": 58 if subtitle else 46, "bottom": 56,
                 "containLabel": True},
        "xAxis": {"type": "value", "name": "years", "nameLocation": "middle", "nameGap": 22,
                  "min": 0, "max": round(horizon, 4), "axisLabel": {"formatter": "fmt:number"}},
        "yAxis": y,
        "series": series,
    }


def _compared(model):
    """The comparison lab and its legend suffix, or (None, None)."""
    other = getattr(model, "compare", None)
    if other is None:
        return None, None
    return other, f"vs {display_name(other.settings.name)}"


def speedup_option(model, bands: Mapping | None = None) -> dict:
    """Research speed over the humans-only twin's (log scale), with the AI milestones."""
    d, head = _data(model), story.headline(model)
    main = _line("this lab / its humans-only twin",
                 _points(d["week"], d["speedup"], floor=SPEEDUP_FLOOR), COLORS["main"], "x",
                 markLine={"silent": True, "symbol": "none",
                           "lineStyle": {"color": COLORS["twin"], "type": "dashed"},
                           "label": {"position": "insideEndTop", "fontSize": 10},
                           "data": [{"yAxis": 1, "label": {"formatter": "twin = 1"}}]})
    crossed = [m for m in head.milestones if m.week is not None]
    if crossed:
        main["markPoint"] = {"symbol": "pin", "symbolSize": 34, "silent": True,
                             "itemStyle": {"color": COLORS["milestone"]},
                             "label": {"fontSize": 9, "formatter": "{b}"},
                             "data": [{"name": _short(m), "coord": [
                                 round(m.week / 52.0, 4),
                                 float(max(d["speedup"][m.week], SPEEDUP_FLOOR))]}
                                 for m in crossed]}
    series = [main]
    if bands and "speedup" in bands:
        series += _band_series("speedup", bands["speedup"], COLORS["main"], "x",
                               SPEEDUP_FLOOR)
    other, label = _compared(model)
    if other is not None:
        series.append(_line(label, _points(_data(other)["week"], _data(other)["speedup"],
                                           floor=SPEEDUP_FLOOR), COLORS["other"], "x"))
    reached = "; ".join(f"{_short(m)} = {m.name} ({m.source}), week {m.week}" for m in crossed)
    return _chart("Speedup over the humans-only twin", series, "x", model, head, log=True,
                  subtitle=reached or "AI 2027 milestones: 5x and 25x research speed")


def _short(m: story.Milestone) -> str:
    return {"superhuman coder": "5x", "superhuman AI researcher": "25x"}.get(m.name, "AAR")


def progress_option(model, bands: Mapping | None = None) -> dict:
    """Software efficiency of the lab and of its humans-only twin: the two labs the ratio is of."""
    d, head = _data(model), story.headline(model)
    series = [_line("this lab", _points(d["week"], d["software_efficiency"]), COLORS["main"],
                    "x week 0"),
              _line("its humans-only twin", _points(d["week"], d["twin_software_efficiency"]),
                    COLORS["twin"], "x week 0", dash="dashed")]
    if bands and "software_efficiency" in bands:
        series += _band_series("S", bands["software_efficiency"], COLORS["main"], "x week 0")
    other, label = _compared(model)
    if other is not None:
        od = _data(other)
        series += [_line(f"{label}", _points(od["week"], od["software_efficiency"]),
                         COLORS["other"], "x week 0"),
                   _line(f"its twin ({label})", _points(od["week"], od["twin_software_efficiency"]),
                         COLORS["other"], "x week 0", dash="dotted", width=1.5)]
    twin = d["twin_software_efficiency"][-1]
    years = max(model.week, 1) / 52.0
    return _chart("Software efficiency S: this lab and its humans-only twin", series, "x week 0",
                  model, head, log=True, subtitle=f"twin so far: {number(twin ** (1 / years))}x "
                  f"a year; this lab {number(d['software_efficiency'][-1] ** (1 / years))}x a year")


def efficiency_option(model, bands: Mapping | None = None) -> dict:
    """True software efficiency against what small-scale results claim (proxy), log scale."""
    d, head = _data(model), story.headline(model)
    series = [_line("true S", _points(d["week"], d["software_efficiency"]), COLORS["main"],
                    "x week 0"),
              _line("proxy (small-scale claims)", _points(d["week"], d["proxy_efficiency"]),
                    COLORS["proxy"], "x week 0", dash="dotted")]
    other, label = _compared(model)
    if other is not None:
        series.append(_line(f"true S ({label})", _points(_data(other)["week"],
                                                        _data(other)["software_efficiency"]),
                            COLORS["other"], "x week 0"))
    return _chart("Software efficiency: true vs proxy", series, "x week 0", model, head,
                  log=True)


def capability_option(model, bands: Mapping | None = None) -> dict:
    """Capability of the latest frontier model, OOMs of effective compute above week 0."""
    d, head = _data(model), story.headline(model)
    series = [_line("capability", _points(d["week"], d["capability"]), COLORS["main"], "OOMs",
                    step="end")]
    other, label = _compared(model)
    if other is not None:
        series.append(_line(label, _points(_data(other)["week"], _data(other)["capability"]),
                            COLORS["other"], "OOMs", step="end"))
    return _chart("Frontier capability", series, "OOMs above week 0", model, head)


def compute_option(model, bands: Mapping | None = None) -> dict:
    """The lab's compute split, stacked: each band filled from zero up to its running total."""
    d, head = _data(model), story.headline(model)
    names = ("inference", "experiments", "training")
    shares = [np.asarray(d[f"share_{name}"], dtype=float) for name in names]
    tops = np.cumsum(shares, axis=0)
    # Painted top band first, each later band over it: stacking without ECharts' own stack,
    # which mis-fills areas on a value (not category) x axis. The tooltip shows each share.
    series = [_line(name, _points(d["week"], top, share), COLORS[name], "share of compute",
                    width=1, z=5 - k, areaStyle={"opacity": 1.0, "color": COLORS[name]},
                    encode={"x": 0, "y": 1, "tooltip": 2})
              for k, (name, top, share) in reversed(list(enumerate(
                  zip(names, tops, shares, strict=True))))]
    option = _chart("Compute split (stacked)", series, "share of lab compute", model, head)
    option["yAxis"].update({"min": 0, "max": 1, "scale": False})
    option["legend"]["data"] = list(names)
    return option


def researchers_option(model, bands: Mapping | None = None) -> dict:
    """Humans against AI copies (and copies times AI speed), log scale."""
    d, head = _data(model), story.headline(model)
    series = [_line("humans", _points(d["week"], d["humans"], floor=1.0), COLORS["humans"],
                    "researchers"),
              _line("AI copies", _points(d["week"], d["ai_copies"], floor=1.0), COLORS["ai"],
                    "copies"),
              _line("AI copies x speed", _points(d["week"], d["ai_human_equivalents"],
                                                 floor=1.0), COLORS["ai"],
                    "human-equivalents", dash="dotted")]
    other, label = _compared(model)
    if other is not None:
        series.append(_line(f"AI copies ({label})", _points(
            _data(other)["week"], _data(other)["ai_copies"], floor=1.0), COLORS["other"],
            "copies"))
    return _chart("Researchers: humans vs AI copies", series, "count", model, head, log=True)


def queue_option(model, bands: Mapping | None = None) -> dict:
    """Ideas waiting for experiment compute, and weeks from request to decision."""
    d, head = _data(model), story.headline(model)
    series = [_line("queue (ideas waiting)", _points(d["week"], d["queue_length"], floor=1.0),
                    COLORS["queue"], "ideas"),
              _line("cycle time", _points(d["week"], d["mean_cycle_weeks"]), COLORS["cycle"],
                    "weeks per rung", yAxisIndex=1)]
    option = _chart("Experiment queue and cycle time", series, "ideas waiting", model, head,
                    log=True)
    option["yAxis"] = [option["yAxis"], {"type": "value", "name": "weeks per rung",
                                         "nameTextStyle": {"align": "right"},
                                         "axisLabel": {"formatter": "fmt:number"},
                                         "splitLine": {"show": False}}]
    return option


FUNNEL_LABELS = {  # what each cumulative count of model.metrics is, for people
    "ideas_started": "started: entered a pipeline",
    "ideas_promoted": "promotions (once per rung passed)",
    "ideas_merged": "merged into the recipe",
    "ideas_shipped": "shipped in a frontier run",
    "ideas_shipped_harmful": "shipped, turned out harmful",
    "ideas_duplicated": "duplicates of another lab member's",
}
FUNNEL_APART = ("ideas_generated", "ideas_tested")  # the subtitle's, and the rungs' total


def _rung_label(scale: float) -> str:
    inverse = 1.0 / scale
    if abs(inverse - round(inverse)) < 1e-6 * inverse:
        return f"tested at 1/{round(inverse):,} scale"
    return f"tested at {scale:g} scale"


def funnel_rows(model) -> list[tuple[str, float]]:
    """The idea funnel now: every cumulative idea count of the time series, labelled.

    The stages come from the time series' ``ideas_*`` columns in their order, so a count the
    model adds shows up here; the ideas thought of (``ideas_generated``, counted per AI copy and
    orders of magnitude above the rest) are in the chart's subtitle instead.
    """
    d = _data(model)
    scales = model.settings.experiments.scales
    rows = []
    for name, values in d.items():
        if not name.startswith("ideas_") or name in FUNNEL_APART:
            continue
        if name.startswith("ideas_tested_rung"):
            k = int(name.removeprefix("ideas_tested_rung")) - 1
            label = _rung_label(scales[k]) if k < len(scales) else name
        else:
            label = FUNNEL_LABELS.get(name, name.removeprefix("ideas_").replace("_", " "))
        rows.append((label, float(values[-1])))
    return rows


def _bar(name: str, values: list[float], color: str) -> dict:
    items = [{"value": float(max(v, 1.0)), "label": {"show": True, "position": "right",
                                                     "formatter": number(v)}} for v in values]
    return {"name": name, "type": "bar", "data": items, "color": color, "barGap": "10%",
            "unit": "ideas", "label": {"fontSize": 10}}


def funnel_option(model, bands: Mapping | None = None) -> dict:
    """Cumulative ideas at each stage (log scale), the comparison lab's beside them."""
    rows = funnel_rows(model)
    series = [_bar("this lab", [v for _, v in rows], COLORS["main"])]
    other, label = _compared(model)
    if other is not None:
        series.append(_bar(label, [v for _, v in funnel_rows(other)], COLORS["other"]))
    thought = _data(model)["ideas_generated"][-1]
    return {
        "animation": False, "backgroundColor": "transparent",
        "title": {"text": f"Idea funnel to week {model.week} (cumulative, log scale)",
                  "subtext": f"{number(thought)} ideas thought of (one per AI copy), not drawn",
                  "left": "center", "textStyle": {"fontSize": 13},
                  "subtextStyle": {"fontSize": 10}},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}, "confine": True,
                    "formatter": "fmt:tooltip"},
        "legend": {"bottom": 0, "textStyle": {"fontSize": 10}},
        "grid": {"left": 8, "right": 72, "top": 56, "bottom": 30, "containLabel": True},
        "xAxis": {"type": "log", "min": 1, "logBase": 10,
                  "axisLabel": {"hideOverlap": True, "fontSize": 10, "formatter": "fmt:pow10"}},
        "yAxis": {"type": "category", "inverse": True, "data": [name for name, _ in rows],
                  "axisLabel": {"fontSize": 10, "width": 190, "overflow": "break"}},
        "series": series,
    }


def number(v: float) -> str:
    """A count or a multiple for people: 3, 2.45, 1,234, 3.8e+16."""
    if v != v or abs(v) >= 1e7:
        return f"{v:.3g}"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    return f"{v:.3g}"


def numbers(model) -> list[tuple[str, str]]:
    """The lab's state now, as (what, value) lines for the page's numbers table."""
    d, s = _data(model), model.settings
    last = {k: v[-1] for k, v in d.items()}
    head = story.headline(model)
    status = "running" if head.running else head.ending().removeprefix("Run over: ")
    twin_speed = last["twin_research_speed"]
    return [
        ("week", f"{model.week} of {s.run.weeks} (year {model.week / 52:.1f})"),
        ("status", status),
        ("speedup over humans-only twin", f"{number(last['speedup'])}x"),
        ("software progress", f"{number(np.exp(last['research_speed']))}x/year "
                              f"(twin {number(np.exp(twin_speed))}x)"),
        ("software efficiency S", f"{number(last['software_efficiency'])}x "
                                  f"(proxy {number(last['proxy_efficiency'])}x)"),
        ("frontier capability", f"+{last['capability']:.2f} OOMs"),
        ("AI copies", f"{number(last['ai_copies'])} "
                      f"({100 * last['ai_autonomous_share']:.0f}% autonomous)"),
        ("AI taste", f"{number(last['ai_taste'])}x median human "
                     f"(percentile {last['ai_taste_percentile']:.1f})"),
        ("ideas shipped", f"{number(last['ideas_shipped'])} "
                          f"({number(last['ideas_shipped_harmful'])} harmful)"),
        ("frontier runs", f"{last['frontier_runs']}"),
    ]


VIEWS: dict[str, Callable[..., dict]] = {
    "speedup": speedup_option,
    "progress": progress_option,
    "efficiency": efficiency_option,
    "capability": capability_option,
    "compute": compute_option,
    "researchers": researchers_option,
    "funnel": funnel_option,
    "queue": queue_option,
    "network": lambda model, bands=None: network_option(model),
}


def render_views(model) -> None:
    """Build every view of ``model`` as the page does on a step, without a browser.

    Builds each chart's option and serialises it to JSON, as the widget layer does when it sends
    the option to the browser, plus the numbers table. The benchmark times
    ``model.step(); render_views(model)``.
    """
    for build in VIEWS.values():
        json.dumps(build(model))
    json.dumps(numbers(model))
