"""The app's Forecast view, rendered without a browser: run a small forecast, see the odds."""

import time

import ipyvuetify as vw
import ipywidgets
import solara

from model.scenario import load_scenario
from visualization.forecast_view import ForecastView, probabilities_markdown

TINY = {"run.weeks": 30, "run.burn_in_weeks": 13, "humans.count": 12}


def test_a_small_forecast_runs_off_the_page_and_shows_fan_and_probabilities():
    scenario = load_scenario("baseline").replace(TINY)
    _, rc = solara.render(ForecastView(scenario), handle_error=False)
    select = rc.find(vw.Select).widget
    assert "default" in select.items and select.v_model == select.items[0]
    select.v_model = "default"
    samples = rc.find(vw.TextField, label="Samples").widget
    assert samples.v_model == "32"
    samples.v_model = "3"
    button = rc.find(vw.Btn, children=["Run forecast"]).widget
    start = time.monotonic()
    button.click()
    # the click returns at once: the forecast runs in a thread, the page stays responsive
    assert time.monotonic() - start < 1.0
    rc.find(vw.ProgressLinear).assert_single()
    deadline = time.monotonic() + 120
    while not rc.find(ipywidgets.Image).widgets and time.monotonic() < deadline:
        time.sleep(0.1)
    fan = rc.find(ipywidgets.Image).widget  # the fan chart, as takeoff forecast draws it
    assert fan.value[:4] == b"\x89PNG" and len(fan.value) > 10_000
    table = rc.find(vw.VuetifyTemplate).widget.template
    assert "explosion within 2 years" in table and "3 samples of <code>default</code>" in table
    assert not rc.find(vw.ProgressLinear).widgets


def test_the_probabilities_table_shows_errors_and_what_is_missing():
    found = {"forecast": "default", "finished": 32,
             "explosion": {"within_2_years": {"p": 0.0, "se": 0.0, "hits": 0, "runs": 32},
                           "within_5_years": {"p": 0.25, "se": 0.0765, "hits": 8, "runs": 32},
                           "within_10_years": {"p": None, "se": None, "hits": 0, "runs": 32,
                                               "note": "the runs stop at week 260"},
                           "week": {"quantiles": {"p10": 120, "p50": None, "p90": None}}},
             "compression": {"at_least_3": {"p": 0.5, "se": 0.088, "hits": 16, "runs": 32},
                             "at_least_10": {"p": None, "se": None, "hits": 0, "runs": 32,
                                             "note": "no compression keys"}}}
    table = probabilities_markdown(found)
    assert "| explosion within 5 years | 0.25 ± 0.08 |" in table
    assert "n/a (the runs stop at week 260)" in table
    assert "| median explosion week | after the horizon |" in table
