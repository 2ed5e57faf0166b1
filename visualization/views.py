"""The app's views of a running lab, as ECharts options built from the model's time series.

Each view is a plain function ``model -> dict`` (an ECharts option: JSON data, no code), so the
page, the tests and the benchmark build exactly the same thing. The browser draws them, so a
redraw costs the server these dicts rather than eight rendered images, which is what keeps a
step and its redraw quick. A lab with a ``compare`` attribute (see
:class:`visualization.live.LiveModel`) has its curves overlaid.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

import numpy as np

from visualization.network import network_option
from visualization.sharing import display_name

MAX_POINTS = 600  # per series; longer runs are thinned evenly (the last week always kept)
COLORS = {"main": "#1f77b4", "twin": "#7f7f7f", "other": "#d62728", "proxy": "#1f77b4",
          "inference": "#9467bd", "experiments": "#2ca02c", "training": "#ff7f0e",
          "humans": "#8c564b", "ai": "#17becf", "queue": "#e377c2", "cycle": "#7f7f7f"}


def _data(model) -> dict:
    return model.datacollector.model_vars


def _compare(model):
    """The comparison lab, or None."""
    return getattr(model, "compare", None)


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


def _points(weeks: Sequence[float], values: Sequence[float], floor: float | None = None
            ) -> list[list[float]]:
    """[[years, value], ...], thinned to MAX_POINTS, floored for log axes."""
    n = len(weeks)
    idx = np.unique(np.linspace(0, n - 1, MAX_POINTS).round().astype(int)) if n > MAX_POINTS \
        else np.arange(n)
    x = np.round(np.asarray(weeks, dtype=float)[idx] / 52.0, 4)
    y = np.asarray(values, dtype=float)[idx]
    if floor is not None:
        y = np.maximum(y, floor)
    return np.column_stack([x, rounded(y)]).tolist()


def _line(name: str, data: list, color: str, dash: str = "solid", width: float = 2,
          **extra) -> dict:
    return {"name": name, "type": "line", "data": data, "showSymbol": False, "color": color,
            "lineStyle": {"color": color, "type": dash, "width": width}, **extra}


def _chart(title: str, series: list[dict], yname: str, model, log: bool = False,
           **extra) -> dict:
    """A time chart over the run's horizon in years."""
    horizon = model.settings.run.weeks / 52.0
    return {
        "animation": False,
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 13}},
        "tooltip": {"trigger": "axis", "confine": True},
        "legend": {"bottom": 0, "type": "scroll", "textStyle": {"fontSize": 10}},
        "grid": {"left": 12, "right": 24, "top": 40, "bottom": 58, "containLabel": True},
        "xAxis": {"type": "value", "name": "years", "nameLocation": "middle", "nameGap": 22,
                  "min": 0, "max": round(horizon, 4)},
        "yAxis": {"type": "log" if log else "value", "name": yname, "nameTextStyle":
                  {"align": "left"}, "scale": not log},
        "series": series,
        **extra,
    }


def _compared(model) -> tuple[dict, str] | tuple[None, None]:
    other = _compare(model)
    if other is None:
        return None, None
    return _data(other), f"vs {display_name(other.settings.name)}"


def speedup_option(model) -> dict:
    """Research speed over the humans-only twin's: the emergent speedup curve (log scale)."""
    d = _data(model)
    main = _line("this lab / its humans-only twin", _points(d["week"], d["speedup"], 1e-3),
                 COLORS["main"], markLine={
                     "silent": True, "symbol": "none",
                     "lineStyle": {"color": COLORS["twin"], "type": "dashed"},
                     "label": {"formatter": "humans-only twin = 1", "position": "insideEndTop"},
                     "data": [{"yAxis": 1}]})
    series = [main]
    other, label = _compared(model)
    if other is not None:
        series.append(_line(label, _points(other["week"], other["speedup"], 1e-3),
                            COLORS["other"]))
    return _chart("Speedup over the humans-only twin", series, "x", model, log=True)


def efficiency_option(model) -> dict:
    """True software efficiency against what small-scale results claim (proxy), log scale."""
    d = _data(model)
    series = [_line("true S", _points(d["week"], d["software_efficiency"]), COLORS["main"]),
              _line("proxy (small-scale claims)", _points(d["week"], d["proxy_efficiency"]),
                    COLORS["proxy"], dash="dotted")]
    other, label = _compared(model)
    if other is not None:
        series.append(_line(f"true S ({label})", _points(other["week"],
                                                        other["software_efficiency"]),
                            COLORS["other"]))
    return _chart("Software efficiency: true vs proxy", series, "x week 0", model, log=True)


def capability_option(model) -> dict:
    """Capability of the latest frontier model, OOMs of effective compute above week 0."""
    d = _data(model)
    series = [_line("capability", _points(d["week"], d["capability"]), COLORS["main"],
                    step="end")]
    other, label = _compared(model)
    if other is not None:
        series.append(_line(label, _points(other["week"], other["capability"]),
                            COLORS["other"], step="end"))
    return _chart("Frontier capability", series, "OOMs above week 0", model)


def compute_option(model) -> dict:
    """The lab's compute split, stacked: each band filled from zero up to its running total."""
    d = _data(model)
    shares = [np.asarray(d[f"share_{name}"], dtype=float)
              for name in ("inference", "experiments", "training")]
    tops = np.cumsum(shares, axis=0)
    # Painted top band first, each later band over it: stacking without ECharts' own stack,
    # which mis-fills areas on a value (not category) x axis.
    series = [_line(name, _points(d["week"], top), COLORS[name], width=1, z=5 - k,
                    areaStyle={"opacity": 1.0, "color": COLORS[name]})
              for k, (name, top) in reversed(list(enumerate(
                  zip(("inference", "experiments", "training"), tops, strict=True))))]
    option = _chart("Compute split (stacked)", series, "share of lab compute", model)
    option["yAxis"].update({"min": 0, "max": 1, "scale": False})
    option["tooltip"] = {"trigger": "axis", "confine": True}
    option["legend"]["data"] = ["inference", "experiments", "training"]
    return option


def researchers_option(model) -> dict:
    """Humans against AI copies (and copies times AI speed), log scale."""
    d = _data(model)
    series = [_line("humans", _points(d["week"], d["humans"], 1.0), COLORS["humans"]),
              _line("AI copies", _points(d["week"], d["ai_copies"], 1.0), COLORS["ai"]),
              _line("AI copies x speed", _points(d["week"], d["ai_human_equivalents"], 1.0),
                    COLORS["ai"], dash="dotted")]
    other, label = _compared(model)
    if other is not None:
        series.append(_line(f"AI copies ({label})", _points(other["week"], other["ai_copies"],
                                                            1.0), COLORS["other"]))
    return _chart("Researchers: humans vs AI copies", series, "count", model, log=True)


def _rung_label(scale: float) -> str:
    inverse = 1.0 / scale
    if abs(inverse - round(inverse)) < 1e-6 * inverse:
        return f"tested at 1/{round(inverse):,} scale"
    return f"tested at {scale:g} scale"


def funnel_rows(model) -> list[tuple[str, float]]:
    """The idea funnel now: cumulative ideas at each stage, from generated to shipped."""
    d = _data(model)
    rows = [("generated", d["ideas_generated"][-1]), ("started", d["ideas_started"][-1])]
    for k, scale in enumerate(model.settings.experiments.scales):
        rows.append((_rung_label(scale), d[f"ideas_tested_rung{k + 1}"][-1]))
    rows += [("promoted", d["ideas_promoted"][-1]), ("merged", d["ideas_merged"][-1]),
             ("shipped", d["ideas_shipped"][-1]),
             ("shipped but harmful", d["ideas_shipped_harmful"][-1])]
    return rows


def _bar(name: str, values: list[float], color: str) -> dict:
    items = [{"value": float(max(v, 1.0)), "label": {"show": True, "position": "right",
                                                     "formatter": number(v)}} for v in values]
    return {"name": name, "type": "bar", "data": items, "color": color, "barGap": "10%",
            "label": {"fontSize": 10}}


def funnel_option(model) -> dict:
    """Cumulative ideas at each stage (log scale), the comparison lab's beside them."""
    rows = funnel_rows(model)
    series = [_bar("this lab", [v for _, v in rows], COLORS["main"])]
    other = _compare(model)
    if other is not None:
        series.append(_bar(f"vs {display_name(other.settings.name)}",
                           [v for _, v in funnel_rows(other)], COLORS["other"]))
    return {
        "animation": False,
        "title": {"text": f"Idea funnel, week {model.week} (cumulative)", "left": "center",
                  "textStyle": {"fontSize": 13}},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}, "confine": True},
        "legend": {"bottom": 0, "textStyle": {"fontSize": 10}},
        "grid": {"left": 8, "right": 64, "top": 40, "bottom": 40, "containLabel": True},
        "xAxis": {"type": "log", "name": "ideas", "min": 1,
                  "axisLabel": {"hideOverlap": True, "fontSize": 10}},
        "yAxis": {"type": "category", "inverse": True, "data": [name for name, _ in rows],
                  "axisLabel": {"fontSize": 10}},
        "series": series,
    }


def queue_option(model) -> dict:
    """Ideas waiting for experiment compute, and weeks from request to decision."""
    d = _data(model)
    series = [_line("queue (ideas waiting)", _points(d["week"], d["queue_length"], 1.0),
                    COLORS["queue"]),
              _line("cycle time (weeks)", _points(d["week"], d["mean_cycle_weeks"]),
                    COLORS["cycle"], yAxisIndex=1)]
    option = _chart("Experiment queue and cycle time", series, "ideas waiting", model,
                    log=True)
    option["yAxis"] = [option["yAxis"], {"type": "value", "name": "weeks per rung",
                                         "splitLine": {"show": False}}]
    option["grid"]["right"] = 12
    return option


def number(v: float) -> str:
    """A count or a multiple for people: 3, 2.45, 1,234, 3.8e+16."""
    if v != v or abs(v) >= 1e7:
        return f"{v:.3g}"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    return f"{v:.3g}"


def numbers(model) -> list[tuple[str, str]]:
    """The lab's state now, as (what, value) lines for the page's numbers panel."""
    d, s = _data(model), model.settings
    last = {k: v[-1] for k, v in d.items()}
    if model.exploded:
        status = f"exploded in week {model.explosion_week}"
    elif not model.running:
        status = "reached the horizon"
    else:
        status = "running"
    twin_speed = last["twin_research_speed"]
    rows = [
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
    return rows


VIEWS: dict[str, Callable[[object], dict]] = {
    "speedup": speedup_option,
    "efficiency": efficiency_option,
    "capability": capability_option,
    "compute": compute_option,
    "researchers": researchers_option,
    "funnel": funnel_option,
    "queue": queue_option,
    "network": network_option,
}


def render_views(model) -> None:
    """Build every view of ``model`` as the page does on a step, without a browser.

    Builds each chart's option and serialises it to JSON, as the widget layer does when it sends
    the option to the browser, plus the numbers panel. The benchmark times
    ``model.step(); render_views(model)``.
    """
    for build in VIEWS.values():
        json.dumps(build(model))
    json.dumps(numbers(model))
