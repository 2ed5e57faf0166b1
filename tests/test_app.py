"""The interactive page without a browser: controls, stepping, upload, download, share links.

The page is rendered with ``solara.render`` inside an ``AppLayout`` (which collects the sidebar)
and driven through its widgets as a browser would: clicks, slider releases, text entry, files.
What a user sees (the numbers panel, the charts' data, the downloaded file, the share link) is
what the tests read.
"""

import base64
import contextlib
import csv
import hashlib
import io
import json
import re
import tarfile
import time

import ipyvuetify as vw
import numpy as np
import pytest
import solara
from solara.components.applayout import AppLayout
from solara.components.file_download import FileDownloadWidget

from model.model import TakeoffModel
from model.run import simulate
from model.scenario import MAX_FILE_BYTES, load_scenario, parse_toml_text, shipped
from model.schema import SHARE_KEYS
from takeoff.cli import main
from visualization import assets, network, views
from visualization.app import Page, render_views
from visualization.controls import KNOBS
from visualization.live import LiveModel
from visualization.sharing import parse_share_query
from visualization.widgets import EChart, ShareLink, UploadButton


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

    def sliders(self):
        """The parameter sliders, in KNOBS order."""
        return self.rc.find(vw.Slider, class_="takeoff-slider").widgets

    def numbers(self):
        """The numbers panel as {what: value}."""
        html = next(w.unsafe_innerHTML for w in self.rc.find(solara.widgets.HTML).widgets
                    if "speedup over" in (w.unsafe_innerHTML or ""))
        cells = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td>", html)
        return dict(cells)

    def charts(self):
        """Each chart's option, keyed by its title."""
        return {w.option.value["title"]["text"]: w.option.value
                for w in self.rc.find(EChart).widgets}

    def texts(self):
        """Every short text on the page (labels, values, help lines), joined."""
        return " | ".join(str(w.children[0]) for w in self.rc.find(vw.Html, tag="span").widgets
                          if w.children and isinstance(w.children[0], str))

    def errors(self):
        return [w.children[0] for w in self.rc.find(vw.Alert).widgets if w.children]

    def share_query(self):
        return self.rc.find(ShareLink).widget.query

    def upload(self, name, text, size=None):
        self.rc.find(UploadButton).widget.vue_upload(
            {"name": name, "text": text, "size": len(text.encode()) if size is None else size})

    def download(self):
        """Click Download and return the file's text, as the browser would receive it."""
        widget = self.rc.find(FileDownloadWidget).widget
        widget.request_download = True
        deadline = time.monotonic() + 10
        while not widget.bytes and time.monotonic() < deadline:
            time.sleep(0.02)
        assert widget.bytes, "the download never arrived"
        return widget.filename, widget.bytes.decode()

    def settings(self):
        return parse_toml_text(self.download()[1], "download")

    def step(self, times=1):
        for _ in range(times):
            self.button("Step").click()

    def week(self):
        return int(self.numbers()["week"].split()[0])


def slide(screen, key, position):
    """Release the slider of ``key`` at ``position``."""
    index = [k.key for k in KNOBS].index(key)
    screen.sliders()[index].fire_event("change", position)


@pytest.fixture(scope="module")
def screen():
    """One page shared by the tests that only read it or step it."""
    return Screen()


def test_controls_show_units_help_and_mesa_controls(screen):
    texts = screen.texts()
    for knob in KNOBS:  # every slider: label with value and unit, and its one-line help
        p = knob.param
        assert f"{knob.label}: " in texts
        assert p.help in texts
        if p.unit not in ("", "-"):
            assert re.search(rf"{re.escape(knob.label)}: \S+ {re.escape(p.unit)}", texts)
    assert len(screen.sliders()) == len(KNOBS)
    assert screen.select("scenario").items == list(shipped())
    assert screen.select("compare with").items[0] == "none"
    for label in ("Reset", "▶", "Step"):
        screen.button(label)
    assert screen.text_field("seed (applies on Reset)").v_model == "42"


def test_step_advances_the_lab_and_every_view(screen):
    before_numbers, before_charts = screen.numbers(), screen.charts()
    week = screen.week()
    screen.step(3)
    assert screen.week() == week + 3
    assert screen.numbers() != before_numbers
    after = screen.charts()
    for title, option in after.items():
        if option["series"][0]["type"] == "line":  # time series grow by a point a week
            assert len(option["series"][0]["data"]) == week + 4, title
    assert after != before_charts


def test_slider_release_applies_value_and_keeps_shares_summing_to_one():
    s = Screen()
    slide(s, "compute.shares.experiments", 40)  # 0.40 of compute for experiments
    settings = s.settings()
    assert settings["compute.shares.experiments"] == 0.4
    assert sum(settings[k] for k in SHARE_KEYS) == pytest.approx(1.0, abs=1e-12)
    # the other two keep their proportions (0.3 : 0.5)
    assert settings["compute.shares.inference"] / settings["compute.shares.training"] == \
        pytest.approx(0.6, rel=1e-2)
    assert s.week() == 0  # a new lab from week 0 with the new value
    boost = KNOBS[[k.key for k in KNOBS].index("compute.experiment_boost")]
    slide(s, "compute.experiment_boost", boost.to_position(10))
    assert s.settings()["compute.experiment_boost"] == 10.0
    assert "experiment boost: 10 x" in s.texts()


def test_knob_positions_round_trip_round_values():
    for knob in KNOBS:
        p = knob.param
        lo, hi = knob.bounds
        for value in {p.default, lo, hi}:
            assert knob.to_value(knob.to_position(value)) == pytest.approx(value, rel=2e-3)


def test_seed_box_applies_on_reset_and_a_bad_seed_is_a_message_not_a_crash():
    s = Screen()
    box = s.text_field("seed (applies on Reset)")
    box.v_model = "7"
    box.fire_event("keyup.enter")
    s.button("Reset").click()
    assert s.settings()["run.seed"] == 7
    assert "run.seed=7" in s.share_query()
    slide(s, "ideas.phi", 350)  # a later change keeps the seed Reset applied
    assert s.settings()["run.seed"] == 7
    box = s.text_field("seed (applies on Reset)")
    box.v_model = "abc"
    box.fire_event("keyup.enter")
    s.button("Reset").click()
    assert s.errors() == ["error: seed: key 'run.seed': must be an integer in "
                          "[0, 9.22337e+18], got 'abc'; ran the scenario's seed 42"]
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
        cli = _cli_error(["scenario", "validate", name])
        assert shown[0] == cli, name
    big = "#" * (MAX_FILE_BYTES + 1)
    s.upload("big.toml", big)
    assert s.errors() == [f"error: big.toml: file is {MAX_FILE_BYTES + 1} bytes; "
                          f"a scenario is at most {MAX_FILE_BYTES} bytes"]
    s.upload("liar.toml", "", size=10 * MAX_FILE_BYTES)  # the browser's size counts too
    assert "is at most" in s.errors()[0]
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
    assert name == "faster.toml"
    assert parse_toml_text(downloaded, "x") == parse_toml_text(text, "x")
    (tmp_path / name).write_text(downloaded)
    assert main(["run", name, "--out", "out", "--no-plots"]) == 0
    with open(tmp_path / "out" / "timeseries.csv") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 7  # weeks 0..6, the page's 6 steps
    shown = s.numbers()
    assert shown["week"].startswith("6 of 6")
    assert views.number(float(rows[-1]["speedup"])) + "x" == shown["speedup over humans-only twin"]


def test_share_link_reopens_the_same_settings():
    s = Screen()
    slide(s, "ideas.phi", 360)
    slide(s, "compute.shares.inference", 50)
    wanted = s.settings()
    query = s.share_query()
    assert query.startswith("base=baseline&")
    assert "ideas.phi=" in query and "compute.shares.inference=0.5" in query
    again = Screen(query)
    assert again.settings() == wanted
    assert again.select("scenario").v_model == "baseline"
    assert again.share_query() == query
    # a scenario that is not shipped travels whole, by its differences from the defaults
    s.upload("mine.toml", 'schema = 1\nname = "mine"\n[humans]\ncount = 50\n')
    query = s.share_query()
    assert query.startswith("name=mine&")
    assert Screen(query).settings() == s.settings()


def test_a_bad_share_link_is_a_message_and_the_baseline_runs():
    s = Screen("base=baseline&ideas.phi=5")
    assert s.errors() == ["error: share link: key 'ideas.phi': must be a number in "
                          "[-3, 0.95], got 5"]
    assert s.settings() == load_scenario("baseline")
    for query, message in [("base=/etc/passwd", "key 'base': must name a shipped scenario"),
                           ("ideas.phy=1", "unknown key 'ideas.phy'"),
                           ("schema=2", "key 'schema' cannot be set in a link"),
                           ("x" * 20000, "characters; a link holds at most"),
                           ("&".join(["ideas.phi=0.5"] * 300), "more than 200 keys")]:
        with pytest.raises(Exception, match=re.escape(message)):
            parse_share_query(query)


def test_compare_overlays_a_second_lab_stepped_alongside():
    s = Screen()
    s.select("compare with").v_model = "compute_bound"
    s.step(4)
    charts = s.charts()
    speedup = charts["Speedup over the humans-only twin"]
    assert [x["name"] for x in speedup["series"]][1] == "vs compute_bound"
    assert len(speedup["series"][1]["data"]) == 5
    ours = simulate(load_scenario("compute_bound").replace({"run.weeks": 4}))
    theirs = [y for _, y in speedup["series"][1]["data"]]
    assert theirs == views.rounded(ours.model.datacollector.model_vars["speedup"]).tolist()
    s.button("Pin these settings to compare").click()
    assert s.select("compare with").v_model == "pinned settings"
    assert s.week() == 0


def test_app_lab_equals_takeoff_run_byte_for_byte():
    """Drawing (network layout included) never draws from the model's random streams."""
    scenario = load_scenario("baseline").replace({"run.weeks": 30})
    live = LiveModel(scenario, compare="humans_only")
    for _ in range(30):
        live.step()
        render_views(live)
    plain = simulate(scenario).model.datacollector.model_vars
    assert live.datacollector.model_vars == plain


def test_network_layout_is_seeded_computed_once_and_extends_with_hires():
    scenario = load_scenario("baseline").replace({"humans.hiring_per_year": 2.0,
                                                  "run.weeks": 60})
    a, b = TakeoffModel(scenario), TakeoffModel(scenario)
    first = network.layout(a)
    assert network.layout(a) is first  # computed once per model
    assert first == network.layout(b)  # and the same for the same seed
    other = TakeoffModel(scenario.replace({"run.seed": 43}))
    assert network.layout(other) != first
    for _ in range(60):
        a.step()
    grown = network.layout(a)
    assert len(grown) == a.workforce.humans > 100
    option = network.network_option(a)
    kinds = {n["category"] for n in option["series"][0]["data"]}
    assert kinds == {0, 1, 2}  # humans, AI cohorts, copilots
    humans = [n for n in option["series"][0]["data"] if n["category"] == 0]
    shipped = np.array([n["value"] for n in humans])
    sizes = np.array([n["symbolSize"] for n in humans])
    assert shipped.max() > shipped.min()
    assert sizes[shipped.argmax()] > sizes[shipped.argmin()]  # sized by shipped ideas


def test_render_views_builds_every_view_as_json():
    model = TakeoffModel(load_scenario("baseline").replace({"run.weeks": 10}))
    for _ in range(10):
        model.step()
    assert render_views(model) is None
    for name, build in views.VIEWS.items():
        option = json.loads(json.dumps(build(model)))
        assert option["series"], name
    titles = [views.VIEWS[n](model)["title"]["text"] for n in views.VIEWS]
    assert "Speedup over the humans-only twin" in titles


def test_app_command_binds_loopback_and_rejects_bad_flags(capsys):
    from visualization import server

    cmd = server.command(server.DEFAULT_HOST, server.DEFAULT_PORT)
    assert cmd[cmd.index("--host") + 1] == "127.0.0.1"
    assert "--production" in cmd and "--no-check-version" in cmd
    assert cmd[cmd.index("run") + 1] == str(server.APP)
    env = server.environment()
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
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


def test_reset_keeps_the_settings_and_a_change_after_the_end_runs_again():
    s = Screen()
    horizon = s.text_field("horizon (weeks)")
    horizon.v_model = "3"
    horizon.fire_event("keyup.enter")
    assert s.settings()["run.weeks"] == 3
    s.step(3)
    assert s.numbers()["status"] == "reached the horizon"
    assert s.button("Step").disabled  # Mesa stops a lab that has stopped
    slide(s, "ideas.phi", 360)
    assert s.week() == 0 and not s.button("Step").disabled  # the new lab runs
    s.step(2)
    s.button("Reset").click()  # Reset: the same settings from week 0
    assert s.week() == 0
    assert s.settings()["ideas.phi"] == 0.6 and s.settings()["run.weeks"] == 3
