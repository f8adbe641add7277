"""The extension's in-browser back end (the default): the model runs in an offscreen document of the
extension, nothing is sent anywhere. Highlights on the article's words, the same fragments as proplens in
Python, no server needed and none reached, hostile pages analysed off the page's main thread."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_extension import HOSTILE, _article_html, _build, chromium_with, serve_pages

LONG = (
    "<!doctype html><html><head><title>Long</title></head><body><article><h1>A very long page</h1>"
    + ("<p>The corrupt mayor lied again and again to every honest family in this town!!!!!!!!</p>" * 400)
    + "<p>"
    + "!" * 20000
    + " ΣΊΣΥΦΟΣ 中文 🇺🇸 " * 50
    + "</p></article></body></html>"
)


@pytest.fixture(scope="module")
def pages() -> Iterator[str]:
    routes = {
        "/news.html": ("", _article_html()),
        "/csp.html": ("default-src 'none'; style-src 'none'; script-src 'none'", _article_html()),
        "/long.html": ("", LONG),
        "/hostile.html": ("", HOSTILE.replace("SERVER", repr("http://127.0.0.1:9"))),
    }
    with serve_pages(routes) as url:
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Chromium with the test build, the in-browser back end (the default) and a server that is stopped."""
    built = _build(tmp_path_factory.mktemp("extension"), test=True)
    with chromium_with(built, tmp_path_factory.mktemp("profile")) as (context, worker):
        # a server that is not there, and the network to it blocked: the in-browser back end needs neither
        worker.evaluate(
            "() => chrome.storage.local.set({backend: 'browser', server: 'http://127.0.0.1:9', token: ''})"
        )
        context.route("http://127.0.0.1:9/**", lambda route: route.abort())
        requests: list[str] = []
        context.on("request", lambda request: requests.append(request.url))
        yield context, worker, requests


def _analyse(worker, url: str):  # type: ignore[no-untyped-def]
    tab = worker.evaluate("async (url) => (await chrome.tabs.query({url}))[0].id", url)
    return tab, worker.evaluate("(id) => self.proplensAnalyseTab(id)", tab)


def test_highlights_without_a_server_and_nothing_leaves_the_machine(
    browser, pages: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    context, worker, requests = browser
    page = context.new_page()
    page.goto(f"{pages}/news.html")
    before = page.evaluate("document.body.innerHTML")
    seen = len(requests)
    started = time.monotonic()
    _, first = _analyse(worker, f"{pages}/news.html")
    first_seconds = time.monotonic() - started
    started = time.monotonic()
    tab, again = _analyse(worker, f"{pages}/news.html")
    later_seconds = time.monotonic() - started
    timings = worker.evaluate("() => self.proplensTimings")
    print(f"first analysis {first_seconds:.2f} s (detector {timings[0]:.2f} s)")
    print(f"later analysis {later_seconds:.2f} s (detector {timings[-1]:.2f} s)")
    assert first["placed"] >= 5 and again["placed"] == first["placed"]
    article = page.evaluate("document.querySelector('article').innerText.replace(/\\s+/g, ' ')")
    for text in page.locator("proplens-mark").all_inner_texts():
        assert " ".join(text.split()) in article
    outside = page.evaluate(
        "[...document.querySelectorAll('proplens-mark')].filter(m => !m.closest('article')).length"
    )
    assert outside == 0
    # every request the browser made for the analyses stayed inside the extension
    made = [u for u in requests[seen:] if not u.startswith("chrome-extension://")]
    assert made == [], made
    page.screenshot(path=str(tmp_path / "in-browser.png"))
    page.set_viewport_size({"width": 375, "height": 740})
    page.screenshot(path=str(tmp_path / "in-browser-375.png"))
    worker.evaluate("(id) => chrome.tabs.sendMessage(id, {type: 'proplens:remove'})", tab)
    assert page.evaluate("document.body.innerHTML") == before


def test_a_strict_csp_page_and_a_hostile_one(browser, pages: str) -> None:  # type: ignore[no-untyped-def]
    context, worker, _ = browser
    page = context.new_page()
    page.goto(f"{pages}/csp.html")
    _, summary = _analyse(worker, f"{pages}/csp.html")
    assert summary["placed"] >= 5  # the page's CSP does not reach the extension's own documents
    hostile = context.new_page()
    hostile.goto(f"{pages}/hostile.html")
    _analyse(worker, f"{pages}/hostile.html")
    hostile.wait_for_function("window.results && window.results.post !== undefined")
    results = hostile.evaluate("window.results")
    assert results["proplens"] == "undefined" and results["storage"] == "undefined"


def test_a_long_hostile_page_is_analysed_off_the_pages_main_thread(browser, pages: str) -> None:  # type: ignore[no-untyped-def]
    """400 paragraphs, 20,000 '!' and mixed scripts: done within 60 s on 2 cores, and the page's own
    timers keep running meanwhile (the model runs in the extension's offscreen document)."""
    context, worker, _ = browser
    page = context.new_page()
    page.goto(f"{pages}/long.html")
    page.evaluate("window.ticks = 0; window.timer = setInterval(() => window.ticks++, 50)")
    started = time.monotonic()
    _, summary = _analyse(worker, f"{pages}/long.html")
    seconds = time.monotonic() - started
    ticks = page.evaluate("window.ticks")
    print(f"long page: {summary['placed']} placed, {seconds:.1f} s, {ticks} page timer ticks meanwhile")
    assert summary["placed"] >= 1 and seconds < 60
    assert ticks >= seconds * 20 * 0.5  # the page's 50 ms timer ran at least half the time


def test_the_options_choose_where_pages_are_analysed(browser) -> None:  # type: ignore[no-untyped-def]
    context, worker, _ = browser
    extension = worker.url.split("/")[2]
    options = context.new_page()
    options.goto(f"chrome-extension://{extension}/options.html")
    assert options.locator("input[value=browser]").is_checked()  # the default
    assert "nothing leaves your machine" in options.locator("fieldset").inner_text()
    options.locator("input[value=server]").check()
    options.click("#save")
    options.wait_for_function("document.getElementById('status').textContent === 'Saved.'")
    assert worker.evaluate("async () => (await chrome.storage.local.get('backend')).backend") == "server"
    worker.evaluate("() => chrome.storage.local.set({backend: 'browser'})")
