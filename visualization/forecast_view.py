"""The Forecast view: a small forecast of the current settings under a chosen beliefs file.

``ForecastView(scenario)`` is a self-contained Solara component. The visitor picks shipped
beliefs and a sample count (32 by default) and presses "Run forecast": the beliefs' distributions
are laid over the current settings (:meth:`~takeoff.forecast.beliefs.Beliefs.on`) and the
samples run on the sweep engine in one worker process, driven from a background thread, so the
page's own thread (and every other visitor) never waits for it. A progress bar follows the
runs; "Stop" (or leaving the page) stops it. The result shows the probabilities with their
standard errors and the fan chart of ``takeoff forecast``.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path

import solara
import solara.lab

from model.scenario import Scenario, ScenarioError
from takeoff.forecast import engine, outcomes
from takeoff.forecast.beliefs import load_beliefs, shipped_beliefs

DEFAULT_SAMPLES = 32
MAX_SAMPLES = 256  # a page is for a quick look; takeoff forecast does the big ones
WORKERS = 1  # one process: a visitor's forecast leaves the other core to the page


def usable_beliefs() -> list[str]:
    """Shipped beliefs this version of the model can run (some need keys it may lack)."""
    names = []
    for name in shipped_beliefs():
        try:
            load_beliefs(name)
        except ScenarioError:
            continue
        names.append(name)
    return names


def run_small_forecast(scenario: Scenario, beliefs_name: str, samples: int,
                       cancel: threading.Event, on_run=None) -> dict | None:
    """Run a forecast of ``scenario`` under shipped beliefs in a temporary folder.

    Returns:
        The report of :func:`takeoff.forecast.engine.report`, or None when cancelled.

    """
    from takeoff.sweep.runner import make_pool

    beliefs = load_beliefs(beliefs_name).on(scenario)
    folder = Path(tempfile.mkdtemp(prefix="takeoff-forecast-"))
    try:
        outcome, found = engine.run(beliefs, samples, folder / "out", make_pool(WORKERS, None),
                                    progress_stream=_Quiet(), cancel=cancel, on_run=on_run)
        return None if outcome.interrupted else found
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class _Quiet:
    """A stream that drops the command line's progress bar (the page draws its own)."""

    def write(self, text: str) -> None:  # noqa: D102
        pass

    def flush(self) -> None:  # noqa: D102
        pass


def probabilities_markdown(found: dict) -> str:
    """The probabilities with their standard errors, as a Markdown table."""
    rows = ["| outcome | probability |", "| --- | --- |"]
    for years in outcomes.YEARS:
        e = found["explosion"][f"within_{years}_years"]
        rows.append(f"| explosion within {years} years | {_estimate(e)} |")
    for years in outcomes.COMPRESSION:
        e = found["compression"][f"at_least_{years}"]
        rows.append(f"| compression of at least {years} years of progress in one year | "
                    f"{_estimate(e)} |")
    week = found["explosion"]["week"]
    median = week["quantiles"]["p50"] if week else None
    rows.append(f"| median explosion week | {median if median is not None else 'after the horizon'}"
                f" |")
    return "\n".join(rows) + (f"\n\n{found['finished']} samples of "
                              f"`{found['forecast']}` over these settings; {outcomes.SE_NOTE}.")


def _estimate(e: dict) -> str:
    if e["p"] is None:
        return f"n/a ({e['note']})"
    return f"{e['p']:.2f} ± {e['se']:.2f}"


@solara.component
def ForecastView(scenario: Scenario):
    """Run a small forecast of ``scenario`` under chosen beliefs; show the fan and the odds."""
    names = solara.use_memo(usable_beliefs, [])
    choice = solara.use_reactive(names[0] if names else None)
    samples = solara.use_reactive(DEFAULT_SAMPLES)
    cancel = solara.use_memo(threading.Event, [])
    error = solara.use_reactive("")

    def cleanup():
        return cancel.set  # leaving the page stops the forecast

    solara.use_effect(cleanup, [])

    def forecast():
        cancel.clear()

        def on_run(done, total):
            task.progress = 100.0 * done / max(total, 1)

        return run_small_forecast(scenario, choice.value, samples.value, cancel, on_run)

    task = solara.lab.use_task(forecast, dependencies=None)

    def start():
        n = samples.value
        if not 1 <= n <= MAX_SAMPLES:
            error.set(f"samples: must be an integer in [1, {MAX_SAMPLES}], got {n}")
            return
        error.set("")
        task()

    with solara.Card("Forecast", subtitle="the current settings, under uncertain beliefs"):
        if not names:
            solara.Warning("no shipped beliefs can run with this version of the model")
            return
        with solara.Row():
            solara.Select("Beliefs", values=names, value=choice)
            solara.InputInt("Samples", value=samples, continuous_update=True)
            solara.Button("Run forecast", on_click=start, disabled=task.pending, color="primary")
            solara.Button("Stop", on_click=cancel.set, disabled=not task.pending)
        if error.value:
            solara.Error(error.value)
        if task.pending:
            solara.ProgressLinear(task.progress if task.progress is not None else True)
        elif task.error:
            solara.Error(f"the forecast failed: {task.exception}")
        elif task.finished and task.value is None:
            solara.Info("stopped")
        elif task.finished:
            found = task.value
            from takeoff.forecast.plots import fan_chart

            solara.FigureMatplotlib(fan_chart(found), format="png")
            solara.Markdown(probabilities_markdown(found))
