"""The page in a real browser: `takeoff app` served, opened in headless Chromium, driven by clicks.

Needs Debian's ``chromium`` (Playwright cannot download its own browsers here) and the playwright
package. In CI (``CI`` set, or ``TAKEOFF_REQUIRE_BROWSER`` set by ``.ci/run``) a missing browser
fails the test with the reason; on a developer's machine it is skipped with the same reason,
shown by pytest's summary, so that ``make test`` works before Chromium is installed.

The pages are a laptop's 1366x768. The explosion test saves a screenshot;
``TAKEOFF_SCREENSHOT=docs/img/app.png`` also writes it there (the README's picture, ``make
screenshot``).
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import psutil
import pytest

from model.run import simulate
from model.scenario import MAX_FILE_BYTES, load_scenario, parse_toml_text
from takeoff.cli import main

LAUNCH_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu",
               "--disable-background-networking", "--disable-component-update",
               "--no-first-run"]
LOCAL = re.compile(r"^(https?|wss?)://(127\.0\.0\.1|localhost)[:/]")
LAPTOP = {"width": 1366, "height": 768}
GOOD = ('schema = 1\nname = "browser-lab"\nbase = "baseline"\n[run]\nseed = 5\n'
        '[ideas]\nphi = 0.85\n')
OPTIONS = """() => new Promise(resolve => {
    const cdn = window.solara ? window.solara.cdn : "/_solara/cdn";
    requirejs([cdn + "/echarts@5.4.0/dist/echarts.min.js"], echarts => resolve(Object.fromEntries(
        [...document.querySelectorAll(".solara-echarts")].map(el => {
            const chart = echarts.getInstanceByDom(el);
            const option = chart ? chart.getOption() : {series: []};
            return [el.dataset.view, option.series.map(s => ({
                name: s.name, type: s.type, points: (s.data || []).length,
                marks: ((s.markLine || {}).data || []).map(m => m.name || "")}))];
        }))));
})"""


def _browser() -> str:
    """Chromium's path, or fail (CI) / skip (a developer's machine) saying what is missing."""
    exe = shutil.which(os.environ.get("TAKEOFF_CHROMIUM") or "chromium")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        exe, what = None, "the playwright package (make test installs it)"
    else:
        what = "Debian's chromium (apt-get install -y chromium)"
    if exe:
        return exe
    message = f"the real-browser test of the app needs {what}"
    if os.environ.get("CI") or os.environ.get("TAKEOFF_REQUIRE_BROWSER"):
        pytest.fail(f"{message}; CI must run it", pytrace=False)
    pytest.skip(f"{message}; skipped on this machine, required in CI")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _serve(log: Path, **env: str):
    """``takeoff app`` on a free loopback port, ``env`` added; yields (url, process)."""
    port = _free_port()
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "takeoff", "app", "--port", str(port)],
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                                env={**os.environ, **env})
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                pytest.fail(f"takeoff app exited with {proc.returncode}:\n{log.read_text()}")
            try:
                urllib.request.urlopen(url, timeout=2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"takeoff app did not answer on {url}:\n{log.read_text()}")
                time.sleep(0.3)
        yield url, proc
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # our own process group (start_new_session)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app for the tests that share it; yields (url, log path)."""
    _browser()
    log = tmp_path_factory.mktemp("app") / "server.log"
    with _serve(log) as (url, _):
        yield url, log


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    exe = _browser()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=LAUNCH_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    """A fresh laptop-sized page on the app; fails the test if it fetched from outside."""
    context = browser.new_context(viewport=LAPTOP, accept_downloads=True)
    pg = context.new_page()
    outside = []
    pg.on("request", lambda r: outside.append(r.url) if not LOCAL.match(r.url)
          and not r.url.startswith(("data:", "blob:")) else None)
    pg.open_app = lambda query="": _open(pg, server[0] + (f"?{query}" if query else ""))
    yield pg
    context.close()
    assert outside == [], f"the page fetched from outside: {outside[:3]}"


def _open(pg, url):
    pg.goto(url, wait_until="domcontentloaded")
    pg.get_by_role("button", name="Step", exact=True).wait_for(timeout=60_000)
    pg.locator(".solara-echarts canvas").nth(1).wait_for(timeout=30_000)  # both charts drawn


def _card(pg, name: str) -> str:
    return pg.locator(f".takeoff-headcard[data-card='{name}'] .takeoff-card-value").inner_text()


def _wait_week(pg, week: int) -> None:
    pg.locator(".takeoff-headcard[data-card='run']",
               has_text=re.compile(rf"week {week}\b")).wait_for()


def _chart_points(pg, views, want: int, seconds: float = 20.0) -> dict:
    """Points in each view's first series, once all have ``want`` (or the time runs out)."""
    deadline = time.monotonic() + seconds
    while True:
        charts = pg.evaluate(OPTIONS)
        got = {v: charts[v][0]["points"] if charts.get(v) else 0 for v in views}
        if all(n == want for n in got.values()) or time.monotonic() > deadline:
            return got
        time.sleep(0.2)


def _inside(box, viewport=LAPTOP) -> bool:
    return (box is not None and box["x"] >= 0 and box["y"] >= 0
            and box["x"] + box["width"] <= viewport["width"]
            and box["y"] + box["height"] <= viewport["height"])


def _upload(pg, name: str, text: str) -> None:
    pg.set_input_files("input[data-testid=scenario-upload]",
                       files=[{"name": name, "mimeType": "text/plain",
                               "buffer": text.encode()}])


def test_first_screen_answers_at_laptop_size(page, server):
    page.open_app()
    for i in range(6):  # the six contested sliders, above the fold
        slider = page.locator(".takeoff-slider").nth(i)
        assert _inside(slider.bounding_box()), f"slider {i} is below the fold"
    speedup = page.locator(".solara-echarts[data-view=speedup]")
    assert _inside(speedup.bounding_box()), "the speedup chart is below the fold"
    for name in ("run", "explosion", "peak speedup", "compression"):
        assert _inside(page.locator(f".takeoff-headcard[data-card='{name}']").bounding_box())
    text = page.inner_text("body")
    for leftover in ("PAGE 0", "Page 0", "Use Threads", "Play Interval", "Render Interval",
                     "Time:"):
        assert leftover not in text
    assert page.locator(".vue-grid-item, .vue-resizable-handle").count() == 0  # no resizing
    assert "weeks per redraw: 1" in text
    step = page.get_by_role("button", name="Step", exact=True)
    for week in (1, 2, 3):
        step.click()
        _wait_week(page, week)
    # Each chart redraws on its own once the week is in: wait for both (a loaded machine lags).
    points = _chart_points(page, ("speedup", "progress"), 4)
    assert points == {"speedup": 4, "progress": 4}
    page.locator(".katex").first.wait_for(state="attached")  # the guide's math, KaTeX offline
    log = server[1].read_text()
    assert "Could not load URL" not in log  # every asset served offline
    assert "samesite" not in log.lower()  # no per-visitor warnings


def test_the_address_follows_a_slider_and_a_reload_restores_it(page):
    page.open_app()
    thumb = page.locator(".takeoff-slider").nth(4).locator(".v-slider__thumb-container")
    thumb.focus()
    for _ in range(3):  # a burst of key presses: 0.80 -> 0.83, applied once
        page.keyboard.press("ArrowRight")
    # On an idle machine the burst lands as one change to 0.83; on a loaded one a press can
    # arrive after the apply has redrawn the slider and be lost (README, "The interactive
    # model"). Either way the address must hold what the slider shows.
    page.wait_for_url(re.compile(r"ideas\.phi=0\.8[123]$"), timeout=30_000)
    phi = page.url.rsplit("=", 1)[1]
    page.get_by_text(f"phi: ideas get harder: {phi}").wait_for()
    assert page.url.split("?", 1)[1] == f"base=baseline&ideas.phi={phi}"
    page.locator(".takeoff-title", has_text="takeoff · baseline (modified)").wait_for()
    assert page.title() == "takeoff · baseline (modified)"
    page.reload(wait_until="domcontentloaded")
    page.get_by_text(f"phi: ideas get harder: {phi}").wait_for(timeout=60_000)
    assert page.url.endswith(f"?base=baseline&ideas.phi={phi}")
    assert page.get_by_label("Share link").input_value() == page.url


def test_upload_download_share_and_a_long_name(page, browser, tmp_path):
    from playwright.sync_api import expect

    page.open_app()
    drawer = page.locator(".v-navigation-drawer").bounding_box()["width"]
    _upload(page, "bad.toml", "schema = 1\n[ideas]\nphi = 5\n")
    page.get_by_text("error: bad.toml: key 'ideas.phi': must be a number in [-3, 0.95], got 5",
                     exact=True).wait_for()
    _upload(page, "huge.toml", "#" * (MAX_FILE_BYTES + 10))
    page.get_by_text(f"error: huge.toml: file is {MAX_FILE_BYTES + 10} bytes; a scenario is at "
                     f"most {MAX_FILE_BYTES} bytes", exact=True).wait_for()
    _upload(page, "browser-lab.toml", GOOD)
    page.get_by_text("browser-lab (uploaded)").first.wait_for()
    expect(page.get_by_text(re.compile("^error: "))).to_have_count(0)  # the error is gone
    with page.expect_download() as download:
        page.get_by_role("button", name="Download scenario").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "browser-lab.toml"
    assert parse_toml_text(saved.read_text(), "download") == parse_toml_text(GOOD, "upload")
    assert main(["scenario", "validate", str(saved)]) == 0
    link = page.get_by_label("Share link").input_value()
    assert link == page.url and "name=browser-lab" in link
    other = browser.new_page(viewport=LAPTOP)
    try:
        _open(other, link)
        other.get_by_text("phi: ideas get harder: 0.85").wait_for()
        assert other.get_by_label("seed", exact=True).input_value() == "5"
        assert other.get_by_label("Share link").input_value() == link
    finally:
        other.close()
    long_name = "a-scenario-name-of-forty-characters-long"
    _upload(page, "long.toml", f'schema = 1\nname = "{long_name}"\n')
    page.get_by_text(f"{long_name} (uploaded)").first.wait_for()
    assert page.locator(".v-navigation-drawer").bounding_box()["width"] == drawer
    page.locator(f".takeoff-title[title='takeoff · {long_name} (uploaded)']").wait_for()


def test_explosion_marker_banner_and_screenshot(page, tmp_path):
    page.open_app("base=baseline&seeds=5")
    page.locator(".takeoff-redraw .v-slider__thumb-container").focus()
    for _ in range(5):  # weeks per redraw 1 -> 26
        page.keyboard.press("ArrowRight")
    page.get_by_text("weeks per redraw: 26").wait_for()
    page.get_by_role("button", name="▶ Play").click()
    banner = page.locator(".takeoff-banner")
    banner.wait_for(timeout=90_000)
    assert re.match(r"Run over: the lab exploded in week \d+", banner.inner_text())
    assert page.get_by_role("button", name="Step", exact=True).is_disabled()
    week = int(re.search(r"week (\d+)", _card(page, "explosion")).group(1))
    assert week == simulate(load_scenario("baseline")).summary["explosion_week"]  # takeoff run's
    page.get_by_text("band: 5 of 5 seeds run").wait_for(timeout=90_000)
    page.wait_for_timeout(800)
    charts = page.evaluate(OPTIONS)
    for view in ("speedup", "progress"):
        assert f"explosion, week {week}" in charts[view][0]["marks"], view
    assert "speedup: 10-90%" in [s["name"] for s in charts["speedup"]]
    assert "S: 10-90%" in [s["name"] for s in charts["progress"]]
    page.get_by_role("tab", name="Mechanisms").click()
    page.locator(".solara-echarts[data-view=queue] canvas").wait_for()
    page.wait_for_timeout(500)
    mechanisms = page.evaluate(OPTIONS)
    for view in ("efficiency", "capability", "compute", "researchers", "queue"):
        assert f"explosion, week {week}" in mechanisms[view][0]["marks"], view
    page.get_by_role("tab", name="Speedup and progress").click()
    page.locator(".solara-echarts[data-view=speedup] canvas").wait_for()
    page.wait_for_timeout(800)
    path = tmp_path / "app.png"
    page.screenshot(path=path)
    assert path.stat().st_size > 50_000
    wanted = os.environ.get("TAKEOFF_SCREENSHOT")
    if wanted:
        Path(wanted).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, wanted)


def test_a_heavy_link_is_refused_at_once_and_blocks_nobody(page, browser, server):
    other = browser.new_page(viewport=LAPTOP)
    try:
        _open(other, server[0])
        start = time.monotonic()
        page.goto(server[0] + "?base=baseline&humans.count=100000",
                  wait_until="domcontentloaded")
        page.get_by_text(re.compile(r"^error: share link: .*humans\.count")).wait_for()
        assert time.monotonic() - start < 10
        step = other.get_by_role("button", name="Step", exact=True)
        step.click()
        _wait_week(other, 1)
    finally:
        other.close()


def test_memory_comes_back_after_sessions_close(browser, tmp_path):
    """Ten visitors with 1,000-researcher labs come and go: the server's memory returns.

    A closed tab's session goes at once when the browser's closing beacon arrives, else when
    Solara culls it (a minute by default, 5 s here to keep the test short).
    """
    with _serve(tmp_path / "server.log", SOLARA_KERNEL_CULL_TIMEOUT="5s") as (url, proc):
        rss = psutil.Process(proc.pid).memory_info

        visitors = browser.new_context(viewport=LAPTOP)  # one browser cache for them all

        def visit(n: int) -> None:
            for _ in range(n):  # one after another, each with its own lab
                pg = visitors.new_page()
                pg.goto(url + "?base=baseline&humans.count=1000", wait_until="commit")
                pg.get_by_role("button", name="Step", exact=True).click(timeout=90_000)
                _wait_week(pg, 1)
                pg.close()

        visit(1)  # warm: every module and compiled loop the page uses is loaded
        time.sleep(2 * 3)  # its trim (visualization/memory.py, 3 s after the close)
        idle = rss().rss
        visit(10)
        deadline = time.monotonic() + 30
        while rss().rss > 1.2 * idle and time.monotonic() < deadline:
            time.sleep(0.5)
        assert rss().rss <= 1.2 * idle, f"{rss().rss / 2**20:.0f} MB against {idle / 2**20:.0f}"
