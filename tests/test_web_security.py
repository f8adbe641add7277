"""The web app's defences and error answers: Host check, HEAD, body limits (also chunked), short
validation errors, human-readable pages, no 500s for odd input."""

from __future__ import annotations

import re

from proplens.errors import Busy


def test_an_unknown_host_is_refused_even_for_a_redirect(client) -> None:  # type: ignore[no-untyped-def]
    evil = client.get("/about/", headers={"Host": "evil.example"}, follow_redirects=False)
    assert evil.status_code == 400 and "unknown Host" in evil.text
    assert "evil.example" not in evil.headers.get("location", "")
    assert client.get("/", headers={"Host": "127.0.0.1:8000"}).status_code == 200


def test_head_is_answered_like_get_without_a_body(client) -> None:  # type: ignore[no-untyped-def]
    head = client.head("/about")
    assert head.status_code == 200 and head.content == b""
    assert client.head("/api/v1/health").status_code == 200


def test_a_chunked_body_over_the_limit_gets_413(client) -> None:  # type: ignore[no-untyped-def]
    def chunks():  # type: ignore[no-untyped-def]
        yield b'{"text": "'
        for _ in range(400):
            yield b"x" * 1000  # 400 KB against the test app's 300 KB limit, without Content-Length
        yield b'"}'

    response = client.post("/api/v1/analyze", content=chunks(), headers={"Content-Type": "application/json"})
    assert response.status_code == 413 and "larger than" in response.json()["detail"]


def test_many_unknown_json_keys_give_a_short_422(client) -> None:  # type: ignore[no-untyped-def]
    body = {"text": "The corrupt mayor lied."} | {f"k{n}": 1 for n in range(20_000)}
    response = client.post("/api/v1/analyze", json=body)
    assert response.status_code == 422 and len(response.content) < 2000
    assert "more problems" in response.json()["detail"]


def test_odd_requests_get_their_status_not_a_500(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/history", params={"page": "9223372036854775807"}).status_code == 422
    for url in ("http://127.0.0.1:99999/", "http://[::1/", "http://h:1:2/"):
        response = client.post("/api/v1/analyze", json={"url": url})
        assert response.status_code == 400 and response.json()["detail"], url
    assert client.get("/docs").status_code == 404  # no page that loads scripts from a CDN
    assert client.get("/openapi.json").status_code == 200


def test_unknown_pages_get_the_html_error_page_and_api_paths_json(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/no/such/page")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "<html" in page.text.lower()
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404 and api.headers["content-type"].startswith("application/json")


def test_a_busy_server_asks_the_form_to_retry_later(web_app, client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    service = web_app[0].state.service

    def busy(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise Busy("too many analyses are waiting; try again in a few seconds")

    monkeypatch.setattr(service, "submit", busy)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").text).group(1)  # type: ignore[union-attr]
    response = client.post("/analyze", data={"csrf_token": token, "text": "The corrupt mayor lied."})
    assert response.status_code == 503 and response.headers["retry-after"] == "5"
    assert "try again" in response.text and "<html" in response.text.lower()


def test_web_errors_do_not_suggest_command_line_options(client) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/api/v1/analyze", json={"text": "word " * 12_000})  # 60,000 > 50,000 characters
    assert response.status_code == 400 and "more than the limit of 50,000" in response.json()["detail"]
    assert "--" not in response.json()["detail"]


def test_a_form_over_the_body_limit_gets_a_page_not_json(client) -> None:  # type: ignore[no-untyped-def]
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").text).group(1)  # type: ignore[union-attr]
    response = client.post("/analyze", data={"csrf_token": token, "text": "x" * 400_000})
    assert response.status_code == 413 and response.headers["content-type"].startswith("text/html")
    assert "larger than 300,000 bytes" in response.text


def test_a_form_field_over_the_multipart_part_limit_gets_the_form_page(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from proplens.web import Settings, create_app

    settings = Settings(database_url=f"sqlite:///{tmp_path / 'w.db'}", allowed_hosts=("testserver",))
    with TestClient(create_app(settings)) as big:  # the default 2 MB body limit: a 1.5 MB field gets through
        token = re.search(r'name="csrf_token" value="([^"]+)"', big.get("/").text).group(1)  # type: ignore[union-attr]
        response = big.post("/analyze", data={"csrf_token": token, "text": "x" * 1_500_000})
    assert response.status_code == 400 and response.headers["content-type"].startswith("text/html")
    assert "<html" in response.text.lower()


EXTENSION = "chrome-extension://abcdefghijklmnopabcdefghijklmnop"


def test_pages_on_other_sites_cannot_make_the_server_work(client) -> None:  # type: ignore[no-untyped-def]
    body = {"text": "The corrupt mayor lied again.", "store": False}
    for origin in ("https://evil.example", "null", "http://127.0.0.1:9999"):
        api = client.post("/api/v1/analyze", json=body, headers={"Origin": origin})
        assert api.status_code == 403 and "cross-site" in api.json()["detail"], origin
        assert "access-control-allow-origin" not in api.headers
        plain = client.post(
            "/api/v1/analyze",
            content=b'{"url": "http://127.0.0.1/"}',
            headers={"Origin": origin, "Content-Type": "text/plain"},
        )
        assert plain.status_code == 403
        form = client.post("/analyze", data={"text": "x"}, headers={"Origin": origin})
        assert form.status_code == 403
    preflight = client.options(
        "/api/v1/analyze", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    )
    assert "access-control-allow-origin" not in preflight.headers
    assert client.post("/api/v1/analyze", json=body).status_code == 200  # no Origin: curl, scripts


def test_the_extension_needs_its_token_and_gets_cors(client) -> None:  # type: ignore[no-untyped-def]
    from tests.fixtures_web import EXTENSION_TOKEN

    preflight = client.options(
        "/api/v1/analyze", headers={"Origin": EXTENSION, "Access-Control-Request-Method": "POST"}
    )
    assert preflight.status_code == 204 and preflight.headers["access-control-allow-origin"] == EXTENSION
    assert "Authorization" in preflight.headers["access-control-allow-headers"]
    body = {"text": "The corrupt mayor lied again.", "store": False}
    missing = client.post("/api/v1/analyze", json=body, headers={"Origin": EXTENSION})
    wrong = client.post(
        "/api/v1/analyze", json=body, headers={"Origin": EXTENSION, "Authorization": "Bearer guess"}
    )
    assert missing.status_code == wrong.status_code == 401
    assert wrong.headers["access-control-allow-origin"] == EXTENSION  # the extension can read why
    right = client.post(
        "/api/v1/analyze",
        json=body,
        headers={"Origin": EXTENSION, "Authorization": f"Bearer {EXTENSION_TOKEN}"},
    )
    assert right.status_code == 200 and right.headers["access-control-allow-origin"] == EXTENSION


def test_a_page_s_html_is_analysed_as_its_article_without_fetching(client) -> None:  # type: ignore[no-untyped-def]
    from tests.fixtures_web import NEWS_PAGE

    response = client.post(
        "/api/v1/analyze",
        json={"html": NEWS_PAGE, "page_url": "http://10.0.0.1/news/council", "store": False},
    )
    assert response.status_code == 200, response.text
    article = response.json()["article"]
    assert (
        article["text"].startswith("Council vote sparks row\n")
        and "All rights reserved" not in article["text"]
    )
    assert article["url"] == "http://10.0.0.1/news/council"  # kept, never fetched (a private address)
    both = client.post("/api/v1/analyze", json={"html": NEWS_PAGE, "text": "x"})
    assert both.status_code == 400 and "exactly one" in both.json()["detail"]


def test_the_bearer_scheme_is_case_insensitive_and_other_schemes_are_refused(client) -> None:  # type: ignore[no-untyped-def]
    from tests.fixtures_web import EXTENSION_TOKEN

    body = {"text": "The corrupt mayor lied again.", "store": False}
    for header, status in (
        (f"bearer {EXTENSION_TOKEN}", 200),
        (f"BEARER   {EXTENSION_TOKEN}  ", 200),
        (f"Basic {EXTENSION_TOKEN}", 401),
        (EXTENSION_TOKEN, 401),
        (f"Bearer{EXTENSION_TOKEN}", 401),
    ):
        response = client.post(
            "/api/v1/analyze", json=body, headers={"Origin": EXTENSION, "Authorization": header}
        )
        assert response.status_code == status, header


def test_host_headers_that_only_start_like_an_allowed_host_are_refused() -> None:
    from proplens.web.security import host_name

    assert host_name("127.0.0.1:8700") == "127.0.0.1" and host_name("[::1]:8000") == "::1"
    assert host_name("LOCALHOST") == "localhost" and host_name("::1") == "::1"
    for hostile in ("127.0.0.1:8700@evil", "127.0.0.1:80:80", "127.0.0.1 evil", "127.0.0.1:", "[::1", "a/b"):
        assert host_name(hostile) == "", hostile
