"""The page in a real browser: `takeoff app` served, opened in headless Chromium, driven by clicks.

Needs Debian's ``chromium`` (Playwright cannot download its own browsers here) and the playwright
package. In CI (``CI`` set, or ``TAKEOFF_REQUIRE_BROWSER`` set by ``.ci/run``) a missing browser
fails the test with the reason; on a developer's machine it is skipped with the same reason,
shown by pytest's summary, so that ``make test`` works before Chromium is installed.

The last test saves a screenshot; ``TAKEOFF_SCREENSHOT=docs/img/app.png`` also writes it there
(the README's picture): ``TAKEOFF_SCREENSHOT=docs/img/app.png .venv/bin/pytest
tests/test_app_browser.py -k screenshot``.
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
from pathlib import Path

import pytest

from model.scenario import MAX_FILE_BYTES, parse_toml_text
from takeoff.cli import main

LAUNCH_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu",
               "--disable-background-networking", "--disable-component-update",
               "--no-first-run"]
LOCAL = re.compile(r"^(https?|wss?)://(127\.0\.0\.1|localhost)[:/]")
GOOD = ('schema = 1\nname = "browser-lab"\nbase = "baseline"\n[run]\nseed = 5\n'
        '[ideas]\nphi = 0.85\n')


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


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``takeoff app`` on a free loopback port; yields (url, log path)."""
    _browser()
    port = _free_port()
    log = tmp_path_factory.mktemp("app") / "server.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "takeoff", "app", "--port", str(port)],
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
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
        yield url, log
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # our own process group (start_new_session)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=_browser(), args=LAUNCH_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    """A fresh page on the app; fails the test if it fetched anything from outside."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
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
    pg.locator(".solara-echarts canvas").nth(7).wait_for(timeout=30_000)  # all 8 charts drawn


def _week(pg) -> int:
    cell = pg.locator("table.takeoff-numbers td", has_text=re.compile(r"^\d+ of \d+")).first
    return int(cell.inner_text().split()[0])


def _wait_week(pg, week: int) -> None:
    pg.locator("table.takeoff-numbers td", has_text=re.compile(rf"^{week} of ")).first.wait_for()


def _series_lengths(pg) -> list[int]:
    """Points in the first series of every chart, read from ECharts itself."""
    return pg.evaluate("""() => new Promise(resolve => {
        const cdn = window.solara ? window.solara.cdn : "/_solara/cdn";
        requirejs([cdn + "/echarts@5.4.0/dist/echarts.js"], echarts => resolve(
            [...document.querySelectorAll(".solara-echarts")].map(el => {
                const series = echarts.getInstanceByDom(el).getOption().series;
                return (series[0].data || []).length;
            })));
    })""")


def _upload(pg, name: str, text: str) -> None:
    pg.set_input_files("input[data-testid=scenario-upload]",
                       files=[{"name": name, "mimeType": "text/plain",
                               "buffer": text.encode()}])


def test_page_loads_offline_draws_and_steps(page, server):
    page.open_app()
    assert page.locator("img, svg, canvas").count() >= 8
    before_text = page.locator("table.takeoff-numbers").inner_text()
    before = _series_lengths(page)
    step = page.get_by_role("button", name="Step", exact=True)
    for week in (1, 2, 3):
        step.click()
        _wait_week(page, week)
    assert page.locator("table.takeoff-numbers").inner_text() != before_text
    after = _series_lengths(page)
    grown = [b - a for a, b in zip(before, after, strict=True)]
    assert grown.count(3) >= 6, grown  # the time-series charts each gained three weeks
    page.locator(".katex").first.wait_for(state="attached")  # the guide's math, KaTeX offline
    assert "Could not load URL" not in server[1].read_text()  # every asset served offline


def test_upload_download_and_share_link(page, browser, tmp_path):
    from playwright.sync_api import expect

    page.open_app()
    _upload(page, "bad.toml", "schema = 1\n[ideas]\nphi = 5\n")
    page.get_by_text("error: bad.toml: key 'ideas.phi': must be a number in [-3, 0.95], got 5",
                     exact=True).wait_for()
    _upload(page, "huge.toml", "#" * (MAX_FILE_BYTES + 10))
    page.get_by_text(f"error: huge.toml: file is {MAX_FILE_BYTES + 10} bytes; a scenario is at "
                     f"most {MAX_FILE_BYTES} bytes", exact=True).wait_for()
    _upload(page, "browser-lab.toml", GOOD)
    page.get_by_text("browser-lab, seed 5").wait_for()
    expect(page.get_by_text(re.compile("^error: "))).to_have_count(0)  # the error is gone
    assert _week(page) == 0
    # download: the file takeoff accepts, holding what was uploaded
    with page.expect_download() as download:
        page.get_by_role("button", name="Download scenario").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "browser-lab.toml"
    assert parse_toml_text(saved.read_text(), "download") == parse_toml_text(GOOD, "upload")
    assert main(["scenario", "validate", str(saved)]) == 0
    # share link: another visitor opening it gets the same lab
    link = page.get_by_label("Share link").input_value()
    assert link.startswith(page.url.split("?")[0]) and "name=browser-lab" in link
    other = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        _open(other, link)
        other.get_by_text("browser-lab, seed 5").wait_for()
        assert other.get_by_text("phi: ideas get harder: 0.85").count() == 1
        assert other.get_by_label("Share link").input_value() == link
    finally:
        other.close()


def test_compare_play_and_screenshot(page, tmp_path):
    page.set_viewport_size({"width": 1400, "height": 2250})
    page.open_app()
    page.get_by_label("compare with").click(force=True)
    page.get_by_role("option", name="compute_bound").click()
    page.locator("table.takeoff-numbers th", has_text="compared").wait_for()
    interval = page.locator(".v-slider").filter(has=page.locator("input")).nth(1)
    interval.locator(".v-slider__thumb-container").focus()
    for _ in range(6):  # Render Interval 1 -> 13: redraw every 13 weeks while playing
        page.keyboard.press("ArrowRight")
    page.get_by_role("button", name="▶").click()
    # the baseline lab explodes in week 286 (README); the page stops there by itself
    page.get_by_text(re.compile(r"^exploded in week \d+")).wait_for(timeout=90_000)
    page.wait_for_timeout(800)
    assert _week(page) > 200
    path = tmp_path / "app.png"
    page.screenshot(path=path)
    assert path.stat().st_size > 50_000
    wanted = os.environ.get("TAKEOFF_SCREENSHOT")
    if wanted:
        Path(wanted).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, wanted)
