"""The browser extension (extension/, built by extension/build.mjs) loaded in Debian's Chromium, against
pages from a local test server and the app on 127.0.0.1: highlights on the article's words, none in
navigation or footer, tooltips by keyboard, the confidence slider, "remove" restoring the page exactly,
strict CSP pages, hostile pages; and the product build without the tests' hooks."""

from __future__ import annotations

import http.server
import json
import shutil
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EXAMPLES
from tests.fixtures_web import EXTENSION_TOKEN

ROOT = Path(__file__).resolve().parents[1]
EXTENSION = ROOT / "extension"
HOOKS = ("proplensAnalyseTab", "proplensFetched", "proplensTimings", "proplens:threshold")
ZIP_BUDGET = 26_000_000
"""The zip's size budget (README): the model (23 MB) and onnxruntime-web's WebAssembly are most of it."""
DEMO = (EXAMPLES / "demo-articles" / "article1000001.txt").read_text(encoding="utf-8")
HEADLINE, BODY = DEMO.split("\n", 1)
PARAGRAPHS = [p for p in BODY.strip().split("\n") if p.strip()]


def _article_html() -> str:
    """The bundled example as a news page would mark it up: inline elements inside words' runs, curly
    quotes and non-breaking spaces that the extracted text does not have."""
    body = []
    for n, paragraph in enumerate(PARAGRAPHS):
        if n == 0:
            paragraph = paragraph.replace(
                "so-called transport experts", "so-called <a href='#'>transport</a> experts"
            )
        if n == 1:
            paragraph = paragraph.replace("outrageous", "<em>outrageous</em>").replace(
                "will bleed", "will\u00a0bleed"
            )
        body.append(f"<p>{paragraph.replace(chr(39), chr(0x2019))}</p>")
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>" + HEADLINE + "</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/x'>Outrageous deals</a> <a href='/y'>madness sale</a></nav>"
        "<aside class='ad'>Advert: the outrageous new parking scheme of the week!</aside>"
        f"<article><h1>{HEADLINE}</h1>{''.join(body)}</article>"
        "<footer>Copyright 2026 The Bramwell Example. All rights reserved.</footer>"
        "</body></html>"
    )


RESTYLING = """<style>
* { background: none !important; border: 0 !important; }
proplens-mark, proplens-ui { display: none !important; visibility: hidden !important; }
</style>"""

HOSTILE = """<!doctype html><html><head><title>Hostile</title></head><body><article><h1>A page</h1>
<p>The corrupt mayor lied again and again to every honest family in this town.</p></article>
<script>
window.results = {proplens: typeof window.__proplens, storage: typeof (window.chrome && chrome.storage)};
fetch(SERVER + "/api/v1/analyze", {method: "POST", headers: {"Content-Type": "application/json",
  "Authorization": "Bearer guess"}, body: JSON.stringify({url: "http://169.254.169.254/"})})
  .then(r => { window.results.post = r.status; }, e => { window.results.post = "blocked"; });
fetch(SERVER + "/api/v1/analyze", {method: "POST", body: JSON.stringify({text: "x"})})
  .then(r => { window.results.simple = r.status; }, e => { window.results.simple = "blocked"; });
</script></body></html>"""


@contextmanager
def serve_pages(routes: dict[str, tuple[str, str]]) -> Iterator[str]:
    """A page server on 127.0.0.1: path -> (Content-Security-Policy or "", HTML); a query string keeps a
    test's page URL its own."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            csp, page = routes.get(path, ("", "not found"))
            self.send_response(200 if path in routes else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            if csp:
                self.send_header("Content-Security-Policy", csp)
            self.end_headers()
            self.wfile.write(page.encode("utf-8"))

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


@contextmanager
def chromium_with(built: Path, profile: Path) -> Iterator[tuple[Any, Any]]:
    """Debian's Chromium (skips without it or Playwright) with the extension folder `built` loaded:
    (browser context, the extension's service worker)."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(executable).exists():
        pytest.skip("no Chromium at /usr/bin/chromium (make browser installs it)")
    with playwright_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=executable,
            headless=False,
            args=[
                "--headless=new",
                "--no-sandbox",
                f"--disable-extensions-except={built}",
                f"--load-extension={built}",
            ],
        )
        worker = (
            context.service_workers[0] if context.service_workers else context.wait_for_event("serviceworker")
        )
        try:
            yield context, worker
        finally:
            context.close()


@pytest.fixture(scope="module")
def pages(live_server: str) -> Iterator[str]:
    routes = {
        "/news.html": ("", _article_html()),
        "/csp.html": ("default-src 'none'; style-src 'none'; script-src 'none'", _article_html()),
        "/hostile.html": ("", HOSTILE.replace("SERVER", repr(live_server))),
        "/restyled.html": ("", _article_html().replace("</head>", RESTYLING + "</head>")),
    }

    with serve_pages(routes) as url:
        yield url


def _build(out: Path, *, test: bool) -> Path:
    """The extension as `build.mjs` makes it (skips when Node.js or the npm packages are missing)."""
    if not shutil.which("node") or not (EXTENSION / "node_modules" / "esbuild").exists():
        pytest.skip("no Node.js or no extension/node_modules (make extension-deps installs them)")
    command = ["node", str(EXTENSION / "build.mjs"), "--out", str(out)] + (["--test"] if test else [])
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    model_files = [sys.executable, str(EXTENSION / "tools" / "model_files.py"), str(out)]
    subprocess.run(model_files, check=True, capture_output=True, timeout=120)
    return out


def test_the_product_build_carries_no_test_hooks(tmp_path: Path) -> None:
    """`make extension`'s zip: the four scripts and the static files, none of the hooks the tests use."""
    product = _build(tmp_path / "product", test=False)
    names = sorted(p.name for p in product.iterdir())
    scripts = ["background.js", "content.js", "offscreen.js", "options.js", "popup.js"]
    pages = ["manifest.json", "offscreen.html", "options.html", "popup.html", "popup.css", "icon.png"]
    assert names == sorted([*scripts, *pages, "model", "ort"])
    code = "".join(p.read_text(encoding="utf-8") for p in product.glob("*.js"))
    assert not [hook for hook in HOOKS if hook in code]
    assert "import " not in code  # bundled: a content script cannot import modules
    tested = "".join(p.read_text(encoding="utf-8") for p in _build(tmp_path / "test", test=True).glob("*.js"))
    assert all(hook in tested for hook in HOOKS)  # the check above can fail


def test_make_extension_zips_the_product_build(tmp_path: Path) -> None:
    if not shutil.which("make") or not (EXTENSION / "node_modules" / "esbuild").exists():
        pytest.skip("no make or no extension/node_modules")
    subprocess.run(["make", "-s", "extension"], cwd=ROOT, check=True, capture_output=True, timeout=120)
    zipped = ROOT / "dist" / "proplens-extension.zip"
    assert zipped.stat().st_size <= ZIP_BUDGET  # README: the size budget
    with zipfile.ZipFile(zipped) as archive:
        names = archive.namelist()
        assert "manifest.json" in names and "background.js" in names
        assert {"model/encoder.onnx", "model/techniques.json", "ort/ort-wasm-simd-threaded.wasm"} <= set(
            names
        )
        assert not any(hook.encode() in archive.read(n) for n in names if n.endswith(".js") for hook in HOOKS)


@pytest.fixture(scope="module", params=["server", "browser"])
def browser(request, live_server: str, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Chromium with the test build, analysing on the proplens server or in the browser (both back ends
    run every test below that does not need the server's own features)."""
    built = _build(tmp_path_factory.mktemp("extension"), test=True)
    with chromium_with(built, tmp_path_factory.mktemp("profile")) as (context, worker):
        worker.evaluate(
            "([backend, server, token]) => chrome.storage.local.set({backend, server, token})",
            [request.param, live_server, EXTENSION_TOKEN],
        )
        yield context, worker


def _needs_the_server(browser) -> None:  # type: ignore[no-untyped-def]
    if browser[1].evaluate("async () => (await chrome.storage.local.get('backend')).backend") != "server":
        pytest.skip("a feature of the server back end (stored analyses, the server's technique list)")


def _analyse(worker, url: str):  # type: ignore[no-untyped-def]
    tab = worker.evaluate("async (url) => (await chrome.tabs.query({url}))[0].id", url)
    return tab, worker.evaluate("(id) => self.proplensAnalyseTab(id)", tab)


def test_highlights_land_on_the_articles_words_and_go_away_exactly(
    browser, pages: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    context, worker = browser
    page = context.new_page()
    page.goto(f"{pages}/news.html")
    before = page.evaluate("document.body.innerHTML")
    started = time.monotonic()
    tab, summary = _analyse(worker, f"{pages}/news.html")
    took = time.monotonic() - started
    print(f"alignment: {summary['placed']} of {summary['placed'] + summary['listed']} placed; {took:.2f} s")
    assert summary["placed"] >= 1 and summary["placed"] / (summary["placed"] + summary["listed"]) >= 0.75
    marks = page.locator("proplens-mark")
    assert marks.count() >= summary["placed"]
    article = page.evaluate("document.querySelector('article').innerText.replace(/\\s+/g, ' ')")
    for text in marks.all_inner_texts():
        assert " ".join(text.split()) in article
    outside = page.evaluate(
        "[...document.querySelectorAll('proplens-mark')].filter(m => !m.closest('article')).length"
    )
    assert outside == 0  # nothing in the navigation, the advert or the footer
    # keyboard: focusing a highlight opens its tooltip (a closed shadow root the page cannot read)
    hosts = page.evaluate("document.querySelectorAll('proplens-ui').length")
    marks.first.focus()
    assert page.evaluate("document.querySelectorAll('proplens-ui').length") == hosts + 1
    page.keyboard.press("Tab")
    # the minimum-score slider hides every highlight at 0.99 and brings them back at 0
    worker.evaluate("(id) => chrome.tabs.sendMessage(id, {type: 'proplens:threshold', value: 0.99})", tab)
    shown = (
        "[...document.querySelectorAll('proplens-mark')]"
        ".filter(m => getComputedStyle(m).backgroundColor !== 'rgba(0, 0, 0, 0)').length"
    )
    assert page.evaluate(shown) == 0
    worker.evaluate("(id) => chrome.tabs.sendMessage(id, {type: 'proplens:threshold', value: 0})", tab)
    assert page.evaluate(shown) == marks.count()
    page.screenshot(
        path=str(tmp_path / "extension-news.png")
    )  # docs/images/extension-news.png is one of these
    worker.evaluate("(id) => chrome.tabs.sendMessage(id, {type: 'proplens:remove'})", tab)
    assert page.evaluate("document.body.innerHTML") == before  # the page's DOM exactly as it was
    assert page.evaluate("document.querySelectorAll('proplens-ui').length") == 0


def test_the_minimum_score_option_reveals_more_fragments(browser, pages: str) -> None:  # type: ignore[no-untyped-def]
    """The options' minimum score goes to the server as `min_score`: lower shows more fragments."""
    context, worker = browser
    counts = []
    try:
        for minimum in (None, 0.1):
            worker.evaluate("(value) => chrome.storage.local.set({minScore: value})", minimum)
            page = context.new_page()
            page.goto(f"{pages}/news.html")
            tab, summary = _analyse(worker, f"{pages}/news.html")
            counts.append(summary["placed"] + summary["listed"])
            worker.evaluate("(id) => chrome.tabs.sendMessage(id, {type: 'proplens:remove'})", tab)
            page.close()
    finally:
        worker.evaluate("() => chrome.storage.local.set({minScore: null})")
    assert counts[1] > counts[0] >= 1, counts


def test_a_strict_csp_page_is_highlighted_too(browser, pages: str) -> None:  # type: ignore[no-untyped-def]
    context, worker = browser
    page = context.new_page()
    page.goto(f"{pages}/csp.html")
    _, summary = _analyse(worker, f"{pages}/csp.html")
    print(f"strict CSP: {summary['placed']} of {summary['placed'] + summary['listed']} fragments placed")
    assert summary["placed"] >= 1
    colour = page.evaluate("getComputedStyle(document.querySelector('proplens-mark')).backgroundColor")
    assert colour != "rgba(0, 0, 0, 0)"  # styles set through the CSSOM work under style-src 'none'


def test_a_hostile_page_gets_nothing(browser, pages: str) -> None:  # type: ignore[no-untyped-def]
    context, worker = browser
    page = context.new_page()
    page.goto(f"{pages}/hostile.html")
    _analyse(worker, f"{pages}/hostile.html")
    page.wait_for_function(
        "window.results && window.results.post !== undefined && window.results.simple !== undefined"
    )
    results = page.evaluate("window.results")
    assert results["proplens"] == "undefined" and results["storage"] == "undefined"
    assert results["post"] in ("blocked", 401, 403) and results["simple"] in ("blocked", 403)


def test_listed_sites_are_analysed_when_they_load(browser, pages: str) -> None:  # type: ignore[no-untyped-def]
    context, worker = browser
    worker.evaluate("chrome.storage.local.set({autoSites: ['127.0.0.1']})")
    try:
        page = context.new_page()
        page.goto(f"{pages}/news.html")
        page.wait_for_selector("proplens-mark", timeout=30_000)  # nobody clicked anything
        assert page.locator("proplens-mark").count() >= 1
    finally:
        worker.evaluate("chrome.storage.local.set({autoSites: []})")


def test_the_pages_css_cannot_hide_or_restyle_the_highlights(browser, pages: str) -> None:  # type: ignore[no-untyped-def]
    context, worker = browser
    page = context.new_page()
    page.goto(f"{pages}/restyled.html")
    _analyse(worker, f"{pages}/restyled.html")
    mark = page.locator("proplens-mark").first
    style = mark.evaluate(
        "m => { const s = getComputedStyle(m); return [s.display, s.backgroundColor, s.borderBottomStyle]; }"
    )
    assert style[0] == "inline" and style[1] != "rgba(0, 0, 0, 0)" and style[2] == "solid"
    assert page.evaluate("getComputedStyle(document.querySelector('proplens-ui')).display") != "none"


def test_the_panel_folds_to_its_title_line_and_back(browser, pages: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The panel's fold button (in a closed shadow root: clicked where it is drawn) leaves only the title
    line in the page's corner; a second click brings the panel back."""
    context, worker = browser
    page = context.new_page()
    page.set_viewport_size({"width": 1000, "height": 800})
    page.goto(f"{pages}/news.html?fold")  # its own URL: earlier tests' tabs show news.html too
    _analyse(worker, f"{pages}/news.html?fold")
    covered = """() => { const x = innerWidth - 40; let top = innerHeight - 14;
        while (top > 0 && document.elementFromPoint(x, top - 1)?.tagName === 'PROPLENS-UI') top -= 1;
        return innerHeight - top; }"""
    unfolded = page.evaluate(covered)
    assert unfolded > 120  # the whole panel: title, techniques, slider, links
    page.mouse.click(1000 - 12 - 12 - 14, 800 - unfolded + 20)  # the fold button, top right
    folded = page.evaluate(covered)
    page.screenshot(path=str(tmp_path / "folded.png"))
    assert folded < 60, folded
    page.mouse.click(1000 - 12 - 12 - 14, 800 - folded + 20)
    assert page.evaluate(covered) == unfolded


def test_the_technique_list_is_fetched_once_for_many_analyses(browser, pages: str) -> None:  # type: ignore[no-untyped-def]
    """Names, definitions and colours change only with the server: one request per server and taxonomy."""
    _needs_the_server(browser)
    context, worker = browser
    for n in range(2):
        page = context.new_page()
        page.goto(f"{pages}/news.html?twice{n}")
        _, summary = _analyse(worker, f"{pages}/news.html?twice{n}")
        page.close()
    fetched = worker.evaluate("() => self.proplensFetched")
    lists = [url for url in fetched if "/techniques" in url]
    analyses = [url for url in fetched if "/analyze" in url]
    assert len(lists) == 1 and len(analyses) >= 2, fetched
    assert summary["placed"] >= 1  # real pages, with fragments to colour


def test_on_a_phone_the_panel_fits_the_width_and_folds_out_of_the_way(
    browser, pages: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """At 375 px the panel stays inside the screen and, folded, leaves the article readable."""
    context, worker = browser
    page = context.new_page()
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{pages}/news.html?phone")
    _analyse(worker, f"{pages}/news.html?phone")
    across = """() => { const xs = []; for (let x = 0; x < innerWidth; x++)
        if (document.elementFromPoint(x, innerHeight - 30)?.tagName === 'PROPLENS-UI') xs.push(x);
        return [xs[0], xs[xs.length - 1]]; }"""
    left, right = page.evaluate(across)
    assert left >= 8 and right - left >= 300 and right <= 375 - 8, (left, right)  # on screen, not cut
    page.screenshot(path=str(tmp_path / "extension-375.png"))
    covered = """() => { let top = innerHeight - 14;
        while (top > 0 && document.elementFromPoint(innerWidth - 60, top - 1)?.tagName === 'PROPLENS-UI')
            top -= 1;
        return innerHeight - top; }"""
    page.mouse.click(right - 12 - 14, 740 - page.evaluate(covered) + 20)  # the fold button, top right
    assert page.evaluate(covered) < 60
    page.screenshot(path=str(tmp_path / "extension-375-folded.png"))


def _until(page, check, seconds: float = 10) -> bool:  # type: ignore[no-untyped-def]
    """Whether `check()` comes true within `seconds` (the page redraws after the server answers)."""
    for _ in range(int(seconds * 10)):
        if check():
            return True
        page.wait_for_timeout(100)
    return bool(check())


def test_reviewing_in_the_panel_with_the_keyboard(browser, pages: str, web_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A focused highlight takes the same keys as the result page: a accept, r reject, n add the selected
    words, d done; each is saved at once under the name from the options, and drawn at once."""
    _needs_the_server(browser)
    context, worker = browser
    worker.evaluate("() => chrome.storage.local.set({reviewer: 'ext-ana'})")
    page = context.new_page()
    page.goto(f"{pages}/news.html?review")
    _analyse(worker, f"{pages}/news.html?review")
    stored = web_app[0].state.store.recent(limit=1)[0]
    marks = page.locator("proplens-mark")
    first_words = marks.nth(0).inner_text()
    marks.nth(0).focus()
    page.keyboard.press("a")
    solid = "m => getComputedStyle(m).color === 'rgb(255, 255, 255)'"
    assert _until(page, lambda: any(m.evaluate(solid) for m in marks.all()))  # accepted: solid in its colour
    marks.nth(1).focus()
    page.keyboard.press("r")
    struck = "m => getComputedStyle(m).textDecorationLine.includes('line-through')"
    assert _until(page, lambda: any(m.evaluate(struck) for m in marks.all()))  # rejected: struck through
    page.evaluate(
        """() => {
        const p = [...document.querySelectorAll('article p')].find(e => e.textContent.includes('Mill Lane'));
        const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
        for (let n; (n = walker.nextNode());) { const at = n.data.indexOf('Mill Lane'); if (at >= 0) {
            const r = document.createRange(); r.setStart(n, at); r.setEnd(n, at + 9);
            getSelection().removeAllRanges(); getSelection().addRange(r); return; } } }"""
    )
    marks.nth(0).focus()
    page.keyboard.press("n")
    assert _until(page, lambda: "Mill Lane" in " ".join(m.inner_text() for m in marks.all()))
    page.locator("proplens-mark").nth(0).focus()
    page.keyboard.press("d")
    assert _until(page, lambda: any(r.action == "done" for r in web_app[0].state.store.reviews(stored.id)))
    reviews = web_app[0].state.store.reviews(stored.id)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.screenshot(path=str(tmp_path / "extension-review-1280.png"))
    page.set_viewport_size({"width": 375, "height": 740})
    page.screenshot(path=str(tmp_path / "extension-review-375.png"))
    assert [str(r.action) for r in reviews] == ["accept", "reject", "add", "done"]
    assert {r.reviewer for r in reviews} == {"ext-ana"}
    added = reviews[2]
    assert stored.id and added.start is not None and added.end is not None
    text = web_app[0].state.store.get(stored.id).analysis.article.text
    assert text[added.start : added.end] == "Mill Lane"  # the page's words, at the article's offsets
    assert first_words  # the first highlight was the one accepted
    worker.evaluate("() => chrome.storage.local.set({reviewer: ''})")


def test_the_built_extension_passes_web_ext_lint_for_firefox(tmp_path: Path) -> None:
    """Mozilla's own checks of the product build: no errors (warnings name what Firefox lacks, such as
    offscreen documents, which the background page stands in for there)."""
    web_ext = EXTENSION / "node_modules" / ".bin" / "web-ext"
    if not web_ext.exists():
        pytest.skip("no extension/node_modules (make extension-deps installs them)")
    product = _build(tmp_path / "product", test=False)
    done = subprocess.run(
        [str(web_ext), "lint", "--source-dir", str(product), "--output", "json", "--no-config-discovery"],
        capture_output=True,
        text=True,
        timeout=180,
    )
    report = json.loads(done.stdout)
    assert report["summary"]["errors"] == 0, report["errors"]
