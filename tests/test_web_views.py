"""The HTML pages: analyse form (CSRF), result permalink and downloads, history, about, security headers."""

from __future__ import annotations

import json
import re

from proplens.web.security import CONTENT_SECURITY_POLICY
from tests.conftest import EXAMPLES

DEMO = (EXAMPLES / "demo-articles" / "article1000001.txt").read_text(encoding="utf-8")


def _token(client) -> str:  # type: ignore[no-untyped-def]
    page = client.get("/")
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]


def test_form_analyses_and_redirects_to_a_permalink_with_downloads(client) -> None:  # type: ignore[no-untyped-def]
    token = _token(client)
    response = client.post(
        "/analyze", data={"csrf_token": token, "text": DEMO, "entities": "1"}, follow_redirects=False
    )
    assert response.status_code == 303
    permalink = response.headers["location"]
    page = client.get(permalink)
    assert page.status_code == 200
    assert '<mark class="fragment' in page.text and "Propaganda score" in page.text
    assert "What the techniques mean" in page.text and 'id="min-score"' in page.text
    analysis_id = permalink.rsplit("/", 1)[1]
    document = client.get(f"/a/{analysis_id}.json").json()
    assert document["id"] == analysis_id and document["spans"]
    ptc = client.get(f"/a/{analysis_id}.ptc").text.splitlines()
    assert len(ptc) == len(document["spans"]) and all(len(line.split("\t")) == 4 for line in ptc)
    report = client.get(f"/a/{analysis_id}.html")
    assert report.text.startswith("<!DOCTYPE html>") and "attachment" in report.headers["content-disposition"]
    history = client.get("/history")
    assert f"/a/{analysis_id}" in history.text


def test_upload_a_file(client) -> None:  # type: ignore[no-untyped-def]
    token = _token(client)
    response = client.post(
        "/analyze",
        data={"csrf_token": token},
        files={"file": ("story.txt", DEMO.encode(), "text/plain")},
        follow_redirects=False,
    )
    assert response.status_code == 303
    bad = client.post(
        "/analyze", data={"csrf_token": token}, files={"file": ("photo.png", b"\x89PNG\x00", "image/png")}
    )
    assert bad.status_code == 400 and "upload a .txt or .html file" in bad.text


def test_form_without_a_valid_csrf_token_is_refused(client) -> None:  # type: ignore[no-untyped-def]
    _token(client)
    forged = client.post("/analyze", data={"csrf_token": "forged", "text": DEMO}, follow_redirects=False)
    assert forged.status_code == 403 and "expired" in forged.text
    fresh = type(client)(client.app)  # a browser without the cookie (a cross-site form)
    assert fresh.post("/analyze", data={"csrf_token": "x" * 43, "text": DEMO}).status_code == 403


def test_form_errors_are_shown_on_the_form(client) -> None:  # type: ignore[no-untyped-def]
    token = _token(client)
    response = client.post("/analyze", data={"csrf_token": token, "text": DEMO, "url": "http://example.com"})
    assert response.status_code == 400 and 'role="alert"' in response.text and "exactly one" in response.text
    assert "Bramwell" in response.text  # what the user typed is kept


def test_about_history_and_missing_pages(client) -> None:  # type: ignore[no-untyped-def]
    about = client.get("/about")
    assert (
        about.status_code == 200
        and "Loaded language" in about.text
        and "Span identification F1" in about.text
    )
    assert client.get("/history?page=999").status_code == 200
    missing = client.get("/a/ffffffffffffffff")
    assert missing.status_code == 404 and "no such analysis" in missing.text


def test_security_headers_on_every_page(client) -> None:  # type: ignore[no-untyped-def]
    for path in ("/", "/about", "/history", "/api/v1/health", "/static/report.js"):
        headers = client.get(path).headers
        assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"
    cookie = client.get("/").headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    page = client.get("/").text
    assert "<script>" not in page and " style=" not in page  # nothing inline: the CSP allows none


def test_static_files(client) -> None:  # type: ignore[no-untyped-def]
    assert "t-loaded-language" in client.get("/static/techniques.css").text
    assert client.get("/static/report.js").headers["content-type"].startswith("text/javascript")
    assert client.get("/static/../app.py").status_code == 404
    assert json.loads(client.get("/api/v1/health").text)["queued"] == 0


def test_corpus_page_shows_the_report_and_its_plots(web_app, client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from proplens.corpus import report as corpus_report_module
    from proplens.document import Analysis, Article, Span

    builds = []
    original = corpus_report_module.corpus_report

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        builds.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(corpus_report_module, "corpus_report", counted)

    empty = client.get("/corpus")
    assert empty.status_code == 200 and "No corpus yet" in empty.text
    assert client.get("/corpus/technique_profile.svg").status_code == 404
    store = web_app[0].state.store
    articles = [Article(f"gz{n}", f"Story {n}. The corrupt mayor lied.", source="Gazette") for n in range(3)]
    store.add_articles(articles)
    pending = store.pending("m-9", limit=10)
    store.save_corpus_batch(
        [
            (
                key,
                Analysis(
                    article, (Span(13, 20, "Loaded_Language", 0.5),), model="m-9", figures={"words": 7.0}
                ),
            )
            for key, article in pending
        ]
    )
    builds.clear()
    page = client.get("/corpus")
    assert "3 articles" in page.text and "Gazette" in page.text and "Loaded language" in page.text
    assert "corrupt" in page.text  # the most frequent fragment
    plot = client.get("/corpus/technique_profile.svg")
    assert plot.status_code == 200 and plot.headers["content-type"].startswith("image/svg+xml")
    assert client.get("/corpus/technique_profile.svg").content == plot.content
    assert client.get("/corpus/technique_rate_over_time.svg").status_code == 404  # no dated articles
    assert len(builds) == 1  # the page and its plots share one report, built once
    assert client.get("/corpus/nonsense.svg").status_code == 404


def test_an_unknown_taxonomy_is_refused_on_the_form_not_replaced(client) -> None:  # type: ignore[no-untyped-def]
    token = _token(client)
    response = client.post("/analyze", data={"csrf_token": token, "text": DEMO, "taxonomy": "semeval2099"})
    assert response.status_code == 400 and "Unknown taxonomy" in response.text
    assert "Bramwell" in response.text


def test_a_headline_in_the_title_field_gives_the_analysis_of_the_whole_article(client) -> None:  # type: ignore[no-untyped-def]
    from proplens import analyze
    from proplens.io.jsonl import analysis_to_dict

    headline, body = DEMO.split("\n", 1)
    token = _token(client)
    response = client.post(
        "/analyze",
        data={"csrf_token": token, "text": body.lstrip("\n"), "title": headline, "entities": "1"},
        follow_redirects=False,
    )
    stored = client.get(response.headers["location"] + ".json").json()
    cli = analysis_to_dict(analyze(DEMO))
    assert stored["article"]["text"] == cli["article"]["text"] == DEMO
    assert stored["article"]["id"] == cli["article"]["id"]
    assert stored["spans"] == cli["spans"] and stored["figures"] == cli["figures"]


def test_the_form_takes_a_minimum_score_and_refuses_one_that_is_not(client) -> None:  # type: ignore[no-untyped-def]
    token = _token(client)
    for bad in ("1.5", "0", "-0.2", "abc", "nan"):
        response = client.post("/analyze", data={"csrf_token": token, "text": DEMO, "min_score": bad})
        assert response.status_code == 400 and "minimum score must be a number" in response.text, bad
        assert 'name="min_score"' in response.text
    low = client.post(
        "/analyze", data={"csrf_token": token, "text": DEMO, "min_score": "0.05"}, follow_redirects=False
    )
    assert low.status_code == 303
    document = client.get(low.headers["location"] + ".json").json()
    assert document["spans"] and all(s["score"] >= 0.05 for s in document["spans"])


def test_the_result_page_starts_at_the_analysis_minimum_and_analyses_again_lower(client) -> None:  # type: ignore[no-untyped-def]
    """The slider starts at the minimum the analysis kept; a lower one is a new analysis of the same
    stored article (more fragments, none below the new minimum); bad values and stale forms are refused."""
    token = _token(client)
    first = client.post("/analyze", data={"csrf_token": token, "text": DEMO}, follow_redirects=False)
    analysis_id = first.headers["location"].rsplit("/", 1)[1]
    page = client.get(f"/a/{analysis_id}")
    kept = client.get(f"/a/{analysis_id}.json").json()
    minimum = kept["figures"]["min_score"]
    assert 0 < minimum < 1 and f'data-kept="{minimum:.2f}"' in page.text
    assert f'action="/a/{analysis_id}/again"' in page.text
    form = page.text[page.text.index(f'action="/a/{analysis_id}/again"') :]
    assert re.search(r'name="csrf_token" value="[^"]+"', form[: form.index("</form>")])
    again = client.post(
        f"/a/{analysis_id}/again", data={"csrf_token": token, "min_score": "0.1"}, follow_redirects=False
    )
    assert again.status_code == 303 and again.headers["location"] != f"/a/{analysis_id}"
    lower = client.get(again.headers["location"] + ".json").json()
    assert lower["figures"]["min_score"] == 0.1 and lower["article"] == kept["article"]
    assert len(lower["spans"]) > len(kept["spans"]) and all(s["score"] >= 0.1 for s in lower["spans"])
    assert lower["model"] == kept["model"]
    for data, status in (
        ({"csrf_token": "forged", "min_score": "0.1"}, 403),
        ({"csrf_token": token, "min_score": "2"}, 400),
        ({"csrf_token": token, "min_score": ""}, 400),
    ):
        assert client.post(f"/a/{analysis_id}/again", data=data).status_code == status, data
    assert (
        client.post("/a/0000000000000000/again", data={"csrf_token": token, "min_score": "0.1"}).status_code
        == 404
    )


def test_the_form_refuses_a_model_the_server_does_not_offer(client) -> None:  # type: ignore[no-untyped-def]
    token = _token(client)
    response = client.post("/analyze", data={"csrf_token": token, "text": DEMO, "model": "../secret"})
    assert response.status_code == 400 and "unknown model" in response.text
