"""End to end in headless Chromium against the app served by uvicorn: the user's path, and XSS payloads."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import EXAMPLES

DEMO = (EXAMPLES / "demo-articles" / "article1000001.txt").read_text(encoding="utf-8")

PAYLOADS = (
    "<script>window.__xss = 'script'</script>",
    "<img src=x onerror=\"window.__xss = 'img'\">",
    '"><svg onload="window.__xss = \'svg\'">',
    "</textarea><script>window.__xss = 'textarea'</script>",
    "' onmouseover='window.__xss = \"attr\"' x='",
    "</script><script>window.__xss = 'json-break'</script>",
)


def test_paste_analyse_filter_slide_tooltip_and_screenshot(
    chromium, live_server: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(live_server + "/")
    page.fill("#text", DEMO)
    page.click("#analyse-button")
    page.wait_for_url(f"{live_server}/a/*")
    marks = page.locator("mark.fragment")
    assert marks.count() >= 5
    marks_before = marks.count()
    assert "Bramwell" in page.locator(".analysis h2").inner_text()

    marks.first.focus()  # keyboard-accessible tooltip
    assert marks.first.locator(".tip").is_visible()
    assert "%" in marks.first.locator(".tip").inner_text()
    page.screenshot(path=str(tmp_path / "result.png"), full_page=True)

    visible_before = page.locator("mark.fragment:not(.off)").count()
    page.locator("#min-score").fill("0.99")  # the slider re-filters in the page, no request
    assert page.locator("mark.fragment:not(.off)").count() == 0
    assert page.locator("#below-kept").is_hidden()
    kept = float(page.locator("#min-score").get_attribute("data-kept") or "nan")
    page.locator("#min-score").fill("0.1")  # below what the analysis kept: it offers to analyse again
    assert page.locator("mark.fragment:not(.off)").count() == visible_before
    assert page.locator("#below-kept").is_visible() and kept > 0.1
    assert page.locator("#below-kept button").inner_text() == "Analyse again down to 0.10"
    page.screenshot(path=str(tmp_path / "below-kept.png"))
    result_url = page.url
    page.locator("#below-kept button").click()
    page.wait_for_url(lambda url: "/a/" in url and url != result_url)
    assert page.locator("mark.fragment").count() > marks_before
    assert page.locator("#min-score").get_attribute("data-kept") == "0.10"
    page.go_back()
    first_filter = page.locator("input.technique-filter").first
    first_filter.uncheck()
    assert page.locator("mark.fragment.off").count() >= 1
    assert errors == [], errors
    png = (tmp_path / "result.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 30_000

    page.goto(live_server + "/history")
    assert page.locator("table.history a").count() >= 1


def test_hostile_text_never_executes(chromium, live_server: str) -> None:  # type: ignore[no-untyped-def]
    page = chromium.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    text = "The corrupt mayor lied again. " + " ".join(PAYLOADS) + " Vote them out, the traitors!"
    page.goto(live_server + "/")
    page.fill("#title", PAYLOADS[0] + PAYLOADS[2])
    page.fill("#text", text)
    page.click("#analyse-button")
    page.wait_for_url(f"{live_server}/a/*")
    for path in (page.url, live_server + "/history"):
        page.goto(path)
        page.hover("body")
        for mark in page.locator("mark.fragment").all()[:10]:
            mark.hover()
        assert page.evaluate("() => window.__xss") is None, path
        assert page.locator("img[src=x]").count() == 0 and page.locator("main svg[onload]").count() == 0
    page.goto(page.url if "/a/" in page.url else live_server + "/history")
    assert dialogs == []
    # the payloads are shown as text
    page.goto(live_server + "/history")
    page.locator("table.history a").first.click()
    assert "<script>window.__xss = 'script'</script>" in page.locator(".analysis .text").inner_text()


@pytest.mark.parametrize(("width", "height"), [(375, 812), (1280, 900)])
def test_every_page_and_the_report_fit_the_screen(
    chromium, live_server: str, tmp_path: Path, width: int, height: int
) -> None:  # type: ignore[no-untyped-def]
    import httpx

    from proplens import analyze
    from proplens.render.html import render_html

    stored = httpx.post(f"{live_server}/api/v1/analyze", json={"text": DEMO}, timeout=60).json()
    report = tmp_path / "report.html"
    report.write_text(render_html([analyze(DEMO)], origins=["article1000001.txt"]), encoding="utf-8")
    page = chromium.new_page(viewport={"width": width, "height": height})
    paths = ["/", "/history", "/about", "/corpus", f"/a/{stored['id']}", "/no-such-page"]
    for url in [live_server + p for p in paths] + [report.as_uri()]:
        page.goto(url)
        overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
        assert overflow <= 0, f"{url} scrolls sideways by {overflow} px at {width} px"
    for path, table in (("/about", ".technique-list"), ("/history", "table.history")):
        page.goto(live_server + path)  # these tables fit whole, with nothing hidden to the right
        hidden = page.evaluate(
            f"(() => {{ const box = document.querySelector('{table}').parentElement;"
            " return box.scrollWidth - box.clientWidth; })()"
        )
        assert hidden <= 0, f"{path}: {table} hides {hidden} px at {width} px"
    page.goto(f"{live_server}/a/{stored['id']}")
    position = page.evaluate("getComputedStyle(document.querySelector('.controls')).position")
    assert position == ("static" if width < 520 else "sticky")  # on a phone the bar does not cover the text
    # on a phone the figures and the legend come before the text
    figures = page.locator(".figures").bounding_box()
    legend = page.locator(".controls").bounding_box()
    text = page.locator(".analysis .text").bounding_box()
    assert figures and legend and text and figures["y"] < text["y"] and legend["y"] < text["y"]


def test_the_report_prints_to_a_clean_pdf(chromium, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import io

    from pypdf import PdfReader

    from proplens import analyze
    from proplens.render.html import render_html

    analysis = analyze(DEMO)
    report = tmp_path / "report.html"
    report.write_text(render_html([analysis], origins=["article1000001.txt"]), encoding="utf-8")
    page = chromium.new_page()
    page.goto(report.as_uri())
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4", print_background=True)))
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in pdf.pages)
    assert 1 <= len(pdf.pages) <= 6
    assert "Bramwell Council" in text and "What the techniques mean" in text  # article and legend
    for _, fragment in analysis.fragments():  # every highlighted fragment is printed
        assert " ".join(fragment.split())[:15] in text, fragment
    assert "Minimum confidence" not in text and "Show techniques" not in text  # no controls
