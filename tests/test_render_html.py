"""The self-contained HTML report: content, no network, and how it looks and behaves in headless Chromium."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from proplens.document import Analysis, Article, Sentence, Span, Target
from proplens.render.html import render_html

TEXT = (
    "Mayor Bob Stone lies again\n\n"
    "The corrupt mayor lied again today, and the shameful council <b>cheered</b>.\n"
    "Vote them out! Only traitors would keep this council."
)
OUTER = Span(32, 50, "Loaded_Language", 0.52)  # "corrupt mayor lied"
INNER = Span(32, 39, "Name_Calling,Labeling", 0.31)  # "corrupt"
SHAME = Span(72, 80, "Loaded_Language", 0.12)  # "shameful"
SLOGAN = Span(105, 119, "Slogans", 0.77)  # "Vote them out!"


def _analysis() -> Analysis:
    assert (
        TEXT[32:50] == "corrupt mayor lied"
        and TEXT[72:80] == "shameful"
        and TEXT[105:119] == "Vote them out!"
    )
    return Analysis(
        Article("7", TEXT, title="Mayor Bob Stone lies again"),
        (OUTER, INNER, SHAME, SLOGAN),
        model="proplens-detector-3",
        figures={"propaganda_score": 61.0, "spans_per_1000_words": 160.0, "coverage": 0.25, "words": 25},
        key_sentences=(Sentence(28, 104, ("Loaded_Language", "Name_Calling,Labeling")),),
        targets=(Target("Bob Stone", "PERSON", (INNER, OUTER)),),
    )


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_page_is_self_contained_and_escapes_the_article_text() -> None:
    page = render_html([_analysis()], origins=["stone.txt"])
    parsed = _Collector()
    parsed.feed(page)
    assert not [
        t for t, a in parsed.tags if t in ("link", "img", "iframe") or (t == "script" and a.get("src"))
    ]
    assert "http://" not in page and "https://" not in page
    assert "&lt;b&gt;cheered&lt;/b&gt;" in page  # article text is text, never markup
    assert not [t for t, a in parsed.tags if "style" in a]  # colours via classes: works under a strict CSP
    marks = [a for t, a in parsed.tags if t == "mark"]
    assert [m["data-spans"] for m in marks] == ["0 1", "1", "2", "3"]  # innermost span first
    assert all(m.get("tabindex") == "0" for m in marks)  # keyboard-reachable tooltips
    data = json.loads(re.search(r'class="span-data">(.*?)</script>', page, re.S).group(1))  # type: ignore[union-attr]
    assert [d["technique"] for d in data] == [
        "Name_Calling,Labeling",
        "Loaded_Language",
        "Loaded_Language",
        "Slogans",
    ]
    assert data[0]["target"] == "Bob Stone"
    for phrase in ("Propaganda score", "Who is targeted", "What the techniques mean", "Bob Stone", "61"):
        assert phrase in page


def test_page_for_several_articles_has_one_section_each() -> None:
    other = Analysis(Article("8", "Nothing to see here."))
    page = render_html([_analysis(), other])
    assert page.count('<article class="analysis"') == 2
    assert "No technique found" in page


def test_report_in_chromium_tooltips_filter_slider_and_screenshot(chromium, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    report = tmp_path / "report.html"
    report.write_text(render_html([_analysis()], origins=["stone.txt"]), encoding="utf-8")
    page = chromium.new_page(viewport={"width": 1280, "height": 800})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(report.as_uri())

    marks = page.locator("mark.fragment")
    assert marks.count() == 4
    # keyboard focus shows the tooltip with every technique of the fragment and its confidence
    marks.nth(0).focus()
    tip = marks.nth(0).locator(".tip")
    assert tip.is_visible()
    assert "Name calling or labelling 31%" in tip.inner_text() and "Loaded language 52%" in tip.inner_text()
    assert "Bob Stone" in tip.inner_text()
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)

    # filter: hide Loaded language -> the outer-only segment loses its highlight;
    # the nested one keeps name calling
    page.locator("input.technique-filter[value='Loaded_Language']").uncheck()
    assert "off" in (marks.nth(1).get_attribute("class") or "")
    assert "off" not in (marks.nth(0).get_attribute("class") or "")
    assert "off" in (page.locator(".chart tr[data-technique='Loaded_Language']").get_attribute("class") or "")
    page.locator("input.technique-filter[value='Loaded_Language']").check()
    # confidence slider: at 0.5 only spans scoring >= 0.5 stay highlighted
    page.locator("#min-score").fill("0.5")
    classes = [marks.nth(i).get_attribute("class") or "" for i in range(4)]
    assert ["off" in c for c in classes] == [False, False, True, False]
    assert page.locator("#min-score-value").inner_text() == "0.50"

    assert errors == []
    assert all(url.startswith("file://") for url in requests), requests
    png = (tmp_path / "report.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 20_000
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width == 1280 and height >= 800


def test_cue_words_are_emphasised_and_the_tooltip_says_why_with_a_definition() -> None:
    from proplens.document import Analysis, Article, Span
    from proplens.render.html import render_html

    text = "Mayor lies\n\nThe so-called experts lied again."
    start = text.index("so-called")
    cue = (text.index("experts"), text.index("experts") + len("experts"))
    span = Span(start, text.index(" lied"), "Loaded_Language", 0.6, cues=(cue,))
    page = render_html([Analysis(Article("c", text), (span,))])
    assert '<strong class="cue">experts</strong>' in page
    assert "Why: “experts”" in page and 'class="tip-def"' in page and "e.g. " in page


def test_the_headline_is_shown_once_as_the_texts_first_line() -> None:
    from proplens.document import Analysis, Article, Span
    from proplens.render.html import render_html

    text = "Mayor lies again\n\nThe corrupt mayor lied."
    span = Span(text.index("corrupt"), text.index(" mayor lied"), "Loaded_Language", 0.5)
    page = render_html([Analysis(Article("h", text, title="Mayor lies again"), (span,))])
    assert '<h2 class="visually-hidden">Mayor lies again</h2>' in page  # for screen readers only
    assert '<span class="headline">Mayor lies again</span>' in page
    other = render_html([Analysis(Article("h", "Body only.", title="A separate title"), ())])
    assert "<h2>A separate title</h2>" in other


def test_a_shared_report_names_a_local_file_without_its_folders() -> None:
    from proplens.render.html import shown_origin

    page = render_html([_analysis()], origins=["/home/ana/investigations/source-x/stone.txt"])
    assert "stone.txt" in page and "/home/ana" not in page and "investigations" not in page
    assert shown_origin("https://example.com/news/a?b=1") == "https://example.com/news/a?b=1"
    assert shown_origin("feeds/news.jsonl#3") == "news.jsonl#3" and shown_origin(None) is None
