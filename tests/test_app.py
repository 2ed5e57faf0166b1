"""The interactive page without a browser: controls, stepping, the story, state, bands, sharing.

The page is rendered with ``solara.render`` inside an ``AppLayout`` (which collects the sidebar)
and driven through its widgets as a browser would: clicks, slider moves, text entry, files.
What a user sees (the headline cards, the charts' options, the downloaded file, the share link
that is also the address) is what the tests read.
"""

import base64
import contextlib
import csv
import hashlib
import html
import io
import json
import re
import tarfile
import time

import ipyvue
import ipyvuetify as vw
import numpy as np
import pytest
import solara
from solara.components.applayout import AppLayout
from solara.components.file_download import FileDownloadWidget

from model.metrics import summary
from model.model import TakeoffModel
from model.run import simulate
from model.scenario import MAX_FILE_BYTES, load_scenario, parse_toml_text, shipped
from model.schema import SHARE_KEYS
from takeoff.cli import main
from visualization import admission, app, assets, live, network, replicates, story, views
from visualization.app import Page, render_views
from visualization.controls import KNOBS, MAIN_KNOBS, Knob
from visualization.echart import EChart
from visualization.live import LiveModel
from visualization.sharing import parse_share_query
from visualization.widgets import ShareLink, UploadButton


def wait_for(condition, timeout=20.0, what="the page"):
    """Poll ``condition`` (the page applies slider moves and runs bands in the background)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


class Screen:
    """One rendered page and the widgets a user touches."""

    def __init__(self, query=None):
        _, self.rc = solara.render(AppLayout(children=[Page(query=query)]), handle_error=False)

    def button(self, label):
        return self.rc.find(vw.Btn, children=[label]).widget

    def select(self, label):
        return next(w for w in self.rc.find(vw.Select).widgets if w.label == label)

    def text_field(self, label):
        return next(w for w in self.rc.find(vw.TextField).widgets if w.label == label)

    def enter(self, label, text):
        box = self.text_field(label)
        box.v_model = text
        box.fire_event("keyup.enter")

    def sliders(self):
        """The parameter sliders, in KNOBS order (the folded ones included)."""
        return self.rc.find(vw.Slider, class_="takeoff-slider").widgets

    def cards(self):
        """The headline cards as {name: value}."""
        html = next(w.unsafe_innerHTML for w in self.rc.find(solara.widgets.HTML).widgets
                    if "takeoff-headcard" in (w.unsafe_innerHTML or ""))
        return dict(re.findall(r"card-name'>(.*?)</div><div class='takeoff-card-value'>(.*?)"
                               r"</div>", html))

    def milestones(self):
        return next(w.unsafe_innerHTML for w in self.rc.find(solara.widgets.HTML).widgets
                    if (w.unsafe_innerHTML or "").startswith("Milestones"))

    def charts(self):
        """Each chart on the open tab, keyed by its title."""
        return {w.option.value["title"]["text"]: w.option.value
                for w in self.rc.find(EChart).widgets}

    def tab(self, index):
        self.rc.find(vw.Tabs).widget.v_model = index

    def texts(self):
        """Every short text on the page (labels, values, help lines, status), joined."""
        found = [w for c in ("takeoff-knob-label", "takeoff-help")
                 for w in self.rc.find(ipyvue.Html, class_=c).widgets]
        found += self.rc.find(ipyvue.Html, tag="span").widgets
        return " | ".join(str(w.children[0]) for w in found
                          if w.children and isinstance(w.children[0], str))

    def title(self):
        return next(w.children[0] for w in self.rc.find(ipyvue.Html, class_="takeoff-ellipsis "
                                                       "takeoff-title").widgets)

    def errors(self):
        return [w.children[0] for w in self.rc.find(vw.Alert).widgets
                if w.children and str(w.children[0]).startswith("error")]

    def banner(self):
        found = self.rc.find(vw.Alert, class_="takeoff-banner").widgets
        return found[0].children[0] if found else None

    def share_query(self):
        return self.rc.find(ShareLink).widget.query

    def upload(self, name, text, size=None):
        self.rc.find(UploadButton).widget.vue_upload(
            {"name": name, "text": text, "size": len(text.encode()) if size is None else size})

    def download(self):
        """Click Download and return the file's name and text, as the browser would get them."""
        widget = self.rc.find(FileDownloadWidget).widget
        widget.request_download = True
        wait_for(lambda: widget.bytes, 10, "the download")
        return widget.filename, widget.bytes.decode()

    def settings(self):
        return parse_toml_text(self.download()[1], "download")

    def step(self, times=1):
        for _ in range(times):
            self.button("Step").click()

    def week(self):
        return int(re.search(r"week (\d+)", self.cards()["run"]).group(1))


def slide(screen, key, position):
    """Move the slider of ``key`` to ``position`` (a release or a key press)."""
    index = [k.key for k in KNOBS].index(key)
    screen.sliders()[index].fire_event("change", position)


def knob(key) -> Knob:
    return KNOBS[[k.key for k in KNOBS].index(key)]


def settled(screen, key, value):
    """Wait until the page runs ``key`` at ``value`` (moves apply once they stop)."""
    wait_for(lambda: screen.settings()[key] == value, what=f"{key} = {value}")
    return screen.settings()


@pytest.fixture(scope="module")
def screen():
    """One page shared by the tests that only read it or step it."""
    return Screen()


def test_first_screen_controls_and_no_mesa_leftovers(screen):
    texts = screen.texts()
    for k in KNOBS:  # every slider: label with value and unit, and its one-line help
        p = k.param
        assert f"{k.label}: " in texts
        assert p.help in texts
        if p.unit not in ("", "-"):
            assert re.search(rf"{re.escape(k.label)}: \S+ {re.escape(p.unit)}", texts)
    assert len(screen.sliders()) == len(KNOBS)
    assert screen.select("scenario").items == list(shipped())
    assert screen.select("compare with").items[0] == "none"
    assert screen.select("band seeds").items == list(range(1, 17))
    for label in ("Reset", "▶ Play", "Step"):
        screen.button(label)
    assert "weeks per redraw: 1" in texts
    assert screen.text_field("seed").v_model == "42"
    for leftover in ("Use Threads", "Play Interval", "Render Interval", "Page 0", "Time:"):
        assert leftover not in texts
    assert not [w for w in screen.rc.find(vw.Checkbox).widgets]
    assert set(screen.cards()) == {"run", "explosion", "S reached 10x", "S reached 1000x",
                                   "peak speedup", "compression"}
    assert screen.cards()["run"].startswith("running: week 0/520")
    assert set(screen.charts()) == {"Speedup over the humans-only twin",
                                    "Software efficiency S: this lab and its humans-only twin"}
    assert screen.title() == "takeoff · baseline"


def test_step_advances_the_lab_cards_and_charts(screen):
    week = screen.week()
    before = screen.charts()
    screen.step(3)
    assert screen.week() == week + 3
    after = screen.charts()
    for title, option in after.items():
        assert len(option["series"][0]["data"]) == week + 4, title
    assert after != before


def test_weeks_per_redraw_steps_that_many_weeks():
    s = Screen()
    s.rc.find(vw.Slider, class_="takeoff-redraw").widget.v_model = 4  # 13 weeks
    assert "weeks per redraw: 13" in s.texts()
    s.step()
    assert s.week() == 13


def test_slider_moves_apply_once_they_stop_and_shares_sum_to_one(monkeypatch):
    s = Screen()
    builds = []
    monkeypatch.setattr(app, "LiveModel", lambda *a, **k: builds.append(1) or LiveModel(*a, **k))
    for position in (30, 33, 36, 40):  # a burst of key presses: one restart, the last value
        slide(s, "compute.shares.experiments", position)
    assert "experiment share: 0.4 share" in s.texts()  # shown at once
    settings = settled(s, "compute.shares.experiments", 0.4)
    time.sleep(2 * app.DEBOUNCE_SECONDS)
    assert len(builds) == 1
    assert sum(settings[k] for k in SHARE_KEYS) == pytest.approx(1.0, abs=1e-12)
    base = load_scenario("baseline")  # the other two keep their proportions
    assert settings["compute.shares.inference"] / settings["compute.shares.training"] == \
        pytest.approx(base["compute.shares.inference"] / base["compute.shares.training"],
                      rel=2e-2)
    assert s.week() == 0  # a new lab from week 0 with the new value
    slide(s, "compute.experiment_boost", knob("compute.experiment_boost").to_position(10))
    settled(s, "compute.experiment_boost", 10.0)
    assert "experiment boost: 10 x" in s.texts()
    assert s.title() == "takeoff · baseline (modified)"


def test_knobs_round_trip_and_spend_their_track_where_it_matters():
    for k in KNOBS:
        lo, hi = k.bounds
        for value in {k.param.default, lo, hi}:
            assert k.to_value(k.to_position(value)) == pytest.approx(value, rel=2e-3)
    phi = knob("ideas.phi")
    interesting = sum(0.5 <= v <= 0.95 for v in phi.values) / len(phi.values)
    assert interesting > 0.7  # linear over [-3, 0.95] it would be 11%
    assert phi.to_value(phi.to_position(0.87)) == 0.87
    for key in ("ai.taste", "ai.copy_cost"):  # log: each decade gets the same share
        values = np.log10(knob(key).values)
        assert np.ptp(np.diff(values)) < 0.05
    assert [k.key for k in MAIN_KNOBS] == [
        "compute.shares.experiments", "compute.experiment_boost", "ai.taste", "ai.copy_cost",
        "ideas.phi", "experiments.frontier_coupling"]


def test_seed_and_horizon_apply_when_entered_and_a_stale_error_clears():
    s = Screen()
    s.enter("seed", "7")
    assert s.settings()["run.seed"] == 7
    assert "run.seed=7" in s.share_query()
    s.enter("weeks", "abc")
    assert s.errors() == ["error: settings: key 'run.weeks': must be an integer in [1, 5200], "
                          "got 'abc'"]
    assert s.settings()["run.weeks"] == 520  # the lab runs what it ran
    s.enter("weeks", "30")
    assert s.errors() == []
    assert s.settings()["run.weeks"] == 30 and s.settings()["run.seed"] == 7
    s.step()
    assert s.week() == 1


def test_upload_errors_are_the_cli_line_in_the_page(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    s = Screen()
    bad = {"unknown.toml": "schema = 1\n[ideas]\nphy = 0.9\n",
           "range.toml": "schema = 1\n[ideas]\nphi = 5\n",
           "broken.toml": "schema = 1\n[ideas\n",
           "shares.toml": "schema = 1\n[compute.shares]\ninference = 0.9\n"}
    for name, text in bad.items():
        (tmp_path / name).write_text(text)
        s.upload(name, text)
        shown = s.errors()
        assert len(shown) == 1 and "\n" not in shown[0]
        assert shown[0] == _cli_error(["scenario", "validate", name]), name
    big = "#" * (MAX_FILE_BYTES + 1)
    s.upload("big.toml", big)
    assert s.errors() == [f"error: big.toml: file is {MAX_FILE_BYTES + 1} bytes; "
                          f"a scenario is at most {MAX_FILE_BYTES} bytes"]
    s.upload("liar.toml", "", size=10 * MAX_FILE_BYTES)  # the browser's size counts too
    assert "is at most" in s.errors()[0]
    s.upload("huge.toml", "schema = 1\n[humans]\ncount = 50000\n")  # a valid file, too big
    shown = s.errors()
    assert len(shown) == 1 and shown[0].startswith("error: huge.toml: ") and \
        "humans.count" in shown[0]
    assert s.select("scenario").v_model == "baseline"  # nothing replaced the running lab
    s.step()
    assert s.week() == 1


def _cli_error(argv):
    """The line ``takeoff ARGV`` prints on stderr, exiting with code 2."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert main(argv) == 2
    return err.getvalue().strip()


def test_good_upload_runs_and_download_is_accepted_by_takeoff_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    s = Screen()
    text = ('schema = 1\nname = "faster"\nbase = "baseline"\n[run]\nweeks = 6\nseed = 3\n'
            '[ideas]\nphi = 0.85\n')
    s.upload("faster.toml", text)
    assert s.errors() == []
    assert s.select("scenario").v_model == "faster (uploaded)"
    assert "faster (uploaded)" in s.select("compare with").items
    s.step(6)
    name, downloaded = s.download()
    assert name == "faster.toml"  # unmodified: its own name and text
    assert parse_toml_text(downloaded, "x") == parse_toml_text(text, "x")
    (tmp_path / name).write_text(downloaded)
    assert main(["run", name, "--out", "out", "--no-plots"]) == 0
    with open(tmp_path / "out" / "timeseries.csv") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 7  # weeks 0..6, the page's 6 steps
    assert s.cards()["run"] == "horizon: week 6"
    assert s.banner().startswith("Run over: the lab reached the horizon in week 6")


def test_a_modified_download_is_named_and_described_by_its_changes():
    s = Screen()
    s.select("scenario").v_model = "taste_bound"
    slide(s, "ai.taste", knob("ai.taste").to_position(27))
    settled(s, "ai.taste", 27.0)
    name, text = s.download()
    assert name == "taste_bound-modified.toml"
    saved = parse_toml_text(text, "download")
    assert saved.name == "taste_bound-modified"
    assert "poor" not in saved.description  # the shipped text no longer describes it
    assert saved.description == ("Made on the takeoff page from the scenario 'taste_bound' by "
                                 "changing 1 setting: ai.taste 0.03 -> 27.0.")
    assert s.title() == "takeoff · taste_bound (modified)"


def test_the_address_holds_every_setting_and_reopens_the_same_page():
    s = Screen()
    slide(s, "ideas.phi", knob("ideas.phi").to_position(0.9))
    settled(s, "ideas.phi", 0.9)
    s.enter("weeks", "40")
    s.select("compare with").v_model = "compute_bound"
    s.select("band seeds").v_model = 2
    query = s.share_query()
    assert query == ("base=baseline&run.weeks=40&ideas.phi=0.9&compare=compute_bound&seeds=2")
    again = Screen(query)
    assert again.settings() == s.settings()
    assert again.select("compare with").v_model == "compute_bound"
    assert again.select("band seeds").v_model == 2
    assert again.share_query() == query
    assert again.title() == "takeoff · baseline (modified)"
    # pinned settings travel as vs. keys; a scenario that is not shipped travels whole
    s.button("Pin these settings").click()
    s.upload("mine.toml", 'schema = 1\nname = "mine"\n[humans]\ncount = 50\n')
    query = s.share_query()
    assert query.startswith("name=mine&humans.count=50&compare=pinned%20settings&vs.run.weeks=40")
    third = Screen(query)
    assert third.settings() == s.settings()
    assert third.select("compare with").v_model == "pinned settings"
    third.step(2)
    speedup = third.charts()["Speedup over the humans-only twin"]
    assert speedup["series"][-1]["name"] == "vs pinned settings"


def test_bad_and_heavy_links_are_one_line_and_the_baseline_runs():
    s = Screen("base=baseline&ideas.phi=5")
    assert s.errors() == ["error: share link: key 'ideas.phi': must be a number in "
                          "[-3, 0.95], got 5"]
    assert s.settings() == load_scenario("baseline")
    start = time.monotonic()
    heavy = Screen("base=baseline&humans.count=100000")
    assert time.monotonic() - start < 10
    assert len(heavy.errors()) == 1 and "humans.count" in heavy.errors()[0]
    capped = Screen("base=baseline&humans.count=3000")  # one takeoff run takes, the page not
    assert capped.errors() == ["error: share link: key 'humans.count': the page runs labs of "
                               "at most 1,000 researchers, got 3,000; run it with 'takeoff run'"]
    assert heavy.settings() == load_scenario("baseline")
    for query, message in [("base=/etc/passwd", "key 'base': must name a shipped scenario"),
                           ("ideas.phy=1", "unknown key 'ideas.phy'"),
                           ("schema=2", "key 'schema' cannot be set in a link"),
                           ("seeds=40", "key 'seeds': must be an integer in [1, 16]"),
                           ("vs.ideas.phi=0.5", "'vs.' keys need 'compare'"),
                           ("x" * 20000, "characters; a link holds at most"),
                           ("&".join(["ideas.phi=0.5"] * 300), "more than 200 keys")]:
        with pytest.raises(Exception, match=re.escape(message)):
            parse_share_query(query)
    odd = Screen("base=baseline&compare=%3Cb%3Emine&vs.ideas.phi=0.5")  # named, carried whole
    assert odd.select("compare with").v_model == "bmine"
    assert odd.rc.find(ShareLink).widget.query.endswith("compare=bmine&vs.ideas.phi=0.5")


def test_admission_counts_the_lab_the_hiring_schedule_grows_to():
    base = load_scenario("baseline").replace({"humans.count": 100})
    assert admission.peak_humans(base) == 100
    grows = base.replace({"humans.hiring_per_year": 3.0, "run.weeks": 260})  # 100 * 3^5
    with pytest.raises(Exception, match="grows the lab to 24,300 researchers"):
        admission.admit(grows, "settings")
    admission.admit(base.replace({"humans.count": admission.MAX_HUMANS}), "settings")
    shrinking = base.replace({"humans.hiring_per_year": 0.5, "run.burn_in_weeks": 1040})
    assert admission.peak_humans(shrinking) == 100  # the schedule starts at week 0


def test_the_page_refuses_what_takeoff_run_refuses():
    from model import limits

    big = {"ai.cohorts": 1000, "ai.max_pipelines": 10_000, "run.weeks": 5200}
    with pytest.raises(Exception) as refused:
        limits.check(load_scenario("baseline").replace(big), "share link")
    query = "base=baseline&" + "&".join(f"{k}={v}" for k, v in big.items())
    assert Screen(query).errors() == [f"error: {refused.value}"]


def test_compare_overlays_a_second_lab_stepped_alongside():
    s = Screen()
    s.select("compare with").v_model = "compute_bound"
    s.step(4)
    speedup = s.charts()["Speedup over the humans-only twin"]
    assert speedup["series"][-1]["name"] == "vs compute_bound"
    assert len(speedup["series"][-1]["data"]) == 5
    ours = simulate(load_scenario("compute_bound").replace({"run.weeks": 4}))
    theirs = [y for _, y in speedup["series"][-1]["data"]]
    assert theirs == views.rounded(ours.model.datacollector.model_vars["speedup"]).tolist()
    assert "vs compute_bound: running: week 4/520" in \
        next(w.unsafe_innerHTML for w in s.rc.find(solara.widgets.HTML).widgets
             if "takeoff-headcard" in (w.unsafe_innerHTML or ""))
    s.button("Pin these settings").click()
    assert s.select("compare with").v_model == "pinned settings"
    assert s.week() == 0


def test_the_end_of_a_run_is_told_on_every_chart_and_agrees_with_the_summary():
    s = Screen()
    s.rc.find(vw.Slider, class_="takeoff-redraw").widget.v_model = 6  # 52 weeks a step
    wait_for(lambda: s.step() or s.banner(), 60, "the end of the run")
    model = LiveModel(load_scenario("baseline"))
    facts = summary(_run(model))
    head = story.headline(model)
    cards = s.cards()
    assert cards["explosion"] == story.weeks_text(facts["explosion_week"])
    assert cards["S reached 10x"] == story.weeks_text(facts["weeks_to_10x"])
    assert cards["S reached 1000x"] == story.weeks_text(facts["weeks_to_1000x"])
    assert cards["peak speedup"].startswith(views.number(facts["peak_speedup"]) + "x")
    assert head.peak_speedup == facts["peak_speedup"]
    for key, got in (("compression_max", head.compression), ("stop_week", head.week),
                     ("week_speedup_5x", head.milestones[0].week),
                     ("week_speedup_25x", head.milestones[1].week),
                     ("week_automated_researcher", head.milestones[2].week)):
        if key in facts:  # the core's newer summary keys, once it has them
            assert got == facts[key], key
    assert s.banner() == f"{head.ending()} Reset or change a setting to run it again."
    assert s.button("Step").disabled and s.button("▶ Play").disabled
    assert "5x research speed (AI 2027's superhuman coder): week" in html.unescape(
        s.milestones())
    explosion_year = round(facts["explosion_week"] / 52, 4)
    for tab in (0, 1):
        s.tab(tab)
        for title, option in s.charts().items():
            if option["xAxis"].get("type") != "value" or "markLine" not in option["series"][0]:
                continue  # the funnel (categories)
            marks = [m for m in option["series"][0]["markLine"]["data"] if "xAxis" in m]
            assert explosion_year in [m["xAxis"] for m in marks], title
    s.tab(0)
    speedup = s.charts()["Speedup over the humans-only twin"]
    pins = {p["name"] for p in speedup["series"][0]["markPoint"]["data"]}
    assert pins == {"5x", "AAR"}  # the baseline explodes before it holds 25x
    s.button("Reset").click()
    assert s.week() == 0 and not s.button("Step").disabled and s.banner() is None


def _run(model):
    while model.running:
        model.step()
    return model


def test_the_progress_chart_shows_a_stalled_twin():
    model = LiveModel(load_scenario("compute_bound").replace({"run.weeks": 104}))
    _run(model)
    option = views.progress_option(model)
    lab, twin = (s["data"] for s in option["series"][:2])
    assert option["series"][1]["name"] == "its humans-only twin"
    assert twin[-1][1] == pytest.approx(np.exp(model.twin.ln_s), rel=1e-3)
    assert lab[-1][1] == pytest.approx(model.datacollector.model_vars["software_efficiency"][-1],
                                       rel=1e-3)
    assert "twin so far" in option["title"]["subtext"]


def test_charts_read_one_tick_style_units_and_a_funnel_of_named_stages():
    model = TakeoffModel(load_scenario("baseline").replace({"run.weeks": 60}))
    _run(model)
    for name, build in views.VIEWS.items():
        option = json.loads(json.dumps(build(model)))
        axes = [option[a] for a in ("xAxis", "yAxis") if a in option]
        axes = [a for group in axes for a in (group if isinstance(group, list) else [group])]
        for axis in axes:
            if axis.get("type") == "log":
                assert axis["axisLabel"]["formatter"] == "fmt:pow10", name
                assert axis["min"] > 1e-6, name  # no axis falling to 1e-10
        if option["series"][0]["type"] in ("line", "bar"):
            assert option["tooltip"]["formatter"] == "fmt:tooltip", name
            assert all(s.get("unit") for s in option["series"]), name
    rows = dict(views.funnel_rows(model))
    assert "generated" not in " ".join(rows)  # in the subtitle, not a bar squashing the rest
    assert rows["started: entered a pipeline"] == model.counts["started"]
    assert rows["promotions (once per rung passed)"] == model.counts["promoted"]
    assert [r for r in rows if r.startswith("tested at")] == [
        "tested at 1/10,000 scale", "tested at 1/1,000 scale", "tested at 1/100 scale"]
    funnel = views.funnel_option(model)
    assert "ideas thought of" in funnel["title"]["subtext"]


def test_bands_run_in_the_background_and_are_drawn_labelled(monkeypatch):
    s = Screen("base=baseline&run.weeks=20&seeds=3")
    speedup = wait_for(lambda: next(
        (c for c in [s.charts()["Speedup over the humans-only twin"]]
         if any(x["type"] == "custom" for x in c["series"])), None), 90, "the band")
    wait_for(lambda: "band: 3 of 3 seeds run" in s.texts(), 90, "all three runs")
    speedup = s.charts()["Speedup over the humans-only twin"]
    names = [x["name"] for x in speedup["series"]]
    assert "speedup: range of 3 runs" in names and "speedup: median of 3 runs" in names
    progress = s.charts()["Software efficiency S: this lab and its humans-only twin"]
    assert "S: range of 3 runs" in [x["name"] for x in progress["series"]]
    runs = [simulate(load_scenario("baseline").replace({"run.weeks": 20, "run.seed": 42 + r}))
            for r in range(3)]
    ends = [r.model.datacollector.model_vars["speedup"][-1] for r in runs]
    area = next(x for x in speedup["series"] if x["type"] == "custom")
    assert area["data"][-1][1:] == views.rounded([min(ends), max(ends)]).tolist()
    s.step()  # the page's own lab goes on while the band is drawn
    assert s.week() == 1


def test_replicate_pool_stops_its_workers_when_idle():
    pool = replicates.Pool(workers=1, idle=0.2)
    job = replicates.Replicates(load_scenario("baseline").replace({"run.weeks": 5}), 2, pool)
    wait_for(lambda: job.done == 2, 90, "two replicates")
    assert [len(r["speedup"]) for r in job.results()] == [6, 6]
    wait_for(lambda: not pool.running, 10, "the idle pool to stop")


def test_app_lab_equals_takeoff_run_byte_for_byte():
    """Drawing (network layout and lineage notes included) never changes the run."""
    scenario = load_scenario("baseline").replace({"run.weeks": 30})
    lab = LiveModel(scenario, compare="humans_only")
    for _ in range(30):
        lab.step()
        render_views(lab)
    plain = simulate(scenario).model.datacollector.model_vars
    assert lab.datacollector.model_vars == plain


def test_network_shows_taste_shipped_ideas_and_what_ai_builds_on():
    scenario = load_scenario("baseline").replace({"humans.hiring_per_year": 2.0,
                                                  "run.weeks": 200})
    a, b = LiveModel(scenario), TakeoffModel(scenario)
    first = network.layout(a)
    assert network.layout(a) is first  # computed once per model
    assert first == network.layout(b)  # and the same for the same seed
    assert network.layout(TakeoffModel(scenario.replace({"run.seed": 43}))) != first
    nodes = network.network_option(a)["series"][0]["data"]
    assert {n["category"] for n in nodes} == {0}  # no AI cohort before it holds a copy
    for _ in range(200):
        a.step()
    assert a.workforce.humans > network.MAX_DRAWN
    assert len(network.layout(a)) == network.MAX_DRAWN  # the first 400, beside collaborators
    option = network.network_option(a)
    nodes, links = option["series"][0]["data"], option["series"][0]["links"]
    humans = [n for n in nodes if n["category"] == 0]
    cohorts = [n for n in nodes if n["category"] == 1]
    assert len(humans) == network.MAX_DRAWN and len(cohorts) == a.settings.ai.cohorts
    assert {n["category"] for n in nodes} == {0, 1}  # copilots are a count, not nodes
    assert "AI copilot copies" in humans[0]["name"]
    wf = a.workforce
    taste = np.array([n["value"] for n in humans])
    colors = [n["itemStyle"]["color"] for n in humans]
    assert colors[int(taste.argmax())] == network.taste_color(taste.max()) != \
        colors[int(taste.argmin())]
    shipped = np.array([wf.shipped[wf.human_rows[i]] for i in range(len(humans))])
    sizes = np.array([n["symbolSize"] for n in humans])
    assert sizes[shipped.argmax()] > sizes[shipped.argmin()]  # sized by shipped ideas
    ai_links = [link for link in links if link["source"].startswith("a")]
    assert ai_links and all(link["target"].startswith("h") for link in ai_links)
    row = int(np.flatnonzero(wf.kind == network.AI)[0])
    roots, _ = network.builds_on(a, row)
    assert roots and all(wf.kind[r] == 0 for r in roots)  # the humans whose lines it varies
    assert option["legend"]["data"] == [c["name"] for c in network.CATEGORIES]
    assert "colour = taste" in option["title"]["subtext"]


def test_lineage_roots_follow_ideas_back_to_their_human():
    lab = LiveModel(load_scenario("baseline").replace({"run.weeks": 120}))
    _run(lab)
    authors, roots = lab.lineage_authors, lab.lineage_roots
    assert len(authors) == len(lab.lineage)
    human = lab.workforce.kind == 0
    known = authors >= 0
    by_human = known & human[np.maximum(authors, 0)]
    assert np.array_equal(roots[by_human], authors[by_human])
    assert (roots[known] >= 0).mean() > 0.5
    assert np.all(human[roots[roots >= 0]])


def test_render_views_builds_every_view_as_json():
    model = TakeoffModel(load_scenario("baseline").replace({"run.weeks": 10}))
    for _ in range(10):
        model.step()
    assert render_views(model) is None
    for name, build in views.VIEWS.items():
        assert json.loads(json.dumps(build(model)))["series"], name


def test_app_command_binds_loopback_quiets_cookie_warnings_and_culls_sessions(capsys,
                                                                              monkeypatch):
    from visualization import server

    cmd = server.command(server.DEFAULT_HOST, server.DEFAULT_PORT)
    assert cmd[cmd.index("--host") + 1] == "127.0.0.1"
    assert "--production" in cmd and "--no-check-version" in cmd
    assert cmd[cmd.index("run") + 1] == str(server.APP)
    monkeypatch.delenv("SOLARA_KERNEL_CULL_TIMEOUT", raising=False)
    env = server.environment()
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
    assert env["SOLARA_KERNEL_CULL_TIMEOUT"] == "60s"
    assert "ignore:Cookies with samesite=none require https:UserWarning" in env["PYTHONWARNINGS"]
    assert main(["app", "--port", "70000"]) == 2
    assert main(["app", "--host", "example.org"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["error: app: --port 70000: must be an integer in [1, 65535]",
                   "error: app: --host example.org: must be an IP address such as 127.0.0.1 "
                   "or 0.0.0.0, or localhost"]


def test_page_displays_in_a_jupyter_kernel():
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3")
    outputs = []
    try:
        reply = kc.execute_interactive("from visualization.app import page\npage", timeout=120,
                                       output_hook=outputs.append)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    assert reply["content"]["status"] == "ok"
    assert not [m for m in outputs if m["msg_type"] == "error"]
    assert not [m for m in outputs if m["msg_type"] == "stream"
                and "Traceback" in m["content"]["text"]]
    shown = [m for m in outputs if m["msg_type"] == "display_data"
             and "application/vnd.jupyter.widget-view+json" in m["content"]["data"]]
    assert shown, "the page was not displayed as a widget"


def _tarball(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _pinned(name, data):
    digest = base64.b64encode(hashlib.sha512(data).digest()).decode()
    return assets.Asset(name, "1.0.0", f"sha512-{digest}", "dist/x.min.js")


def test_offline_assets_install_pinned_once_and_refuse_tampering(tmp_path, monkeypatch):
    good = _tarball({"package/dist/x.min.js": b"x()", "package/README.md": b"x"})
    monkeypatch.setattr(assets, "ASSETS", (_pinned("x", good),))
    fetched = []

    def fetch(url):
        fetched.append(url)
        return good

    assert assets.missing(str(tmp_path)) == ["x@1.0.0"]
    assert assets.install(str(tmp_path), fetch) == ["x@1.0.0"]
    installed = tmp_path / "share" / "solara" / "cdn" / "x@1.0.0"
    assert (installed / "dist" / "x.min.js").read_bytes() == b"x()"
    assert assets.install(str(tmp_path), fetch) == []  # idempotent: nothing fetched again
    assert fetched == ["https://registry.npmjs.org/x/-/x-1.0.0.tgz"]
    assert assets.missing(str(tmp_path)) == []
    evil = _tarball({"package/../../escape.js": b"boom", "package/dist/x.min.js": b"y"})
    monkeypatch.setattr(assets, "ASSETS", (_pinned("y", good),))
    with pytest.raises(ValueError, match="fails its sha512 check"):
        assets.install(str(tmp_path), lambda url: evil)
    monkeypatch.setattr(assets, "ASSETS", (_pinned("y", evil),))
    with pytest.raises(tarfile.TarError):
        assets.install(str(tmp_path), lambda url: evil)  # a member leaving its folder
    assert not (tmp_path / "share" / "solara" / "escape.js").exists()
    assert assets.missing(str(tmp_path)) == ["y@1.0.0"]


def test_this_environment_has_the_offline_assets():
    """`make` installs them (python -m visualization.assets); without them the page needs a CDN."""
    assert assets.missing() == []


def test_live_model_validates_like_a_scenario_file():
    with pytest.raises(Exception, match="key 'run.seed': must be an integer"):
        live.build_settings("baseline", seed="abc")
    assert live.build_settings("baseline", seed="7")["run.seed"] == 7
