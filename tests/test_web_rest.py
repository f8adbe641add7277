"""REST API /api/v1 through the ASGI test client, on the shipped model and a real SQLite file."""

from __future__ import annotations

import jsonschema

from proplens.schemas import analysis_schema
from tests.conftest import EXAMPLES

DEMO = (EXAMPLES / "demo-articles" / "article1000001.txt").read_text(encoding="utf-8")


def test_analyze_text_returns_the_cli_schema_and_is_stored(client) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/api/v1/analyze", json={"text": DEMO, "title": "Bramwell parking"})
    assert response.status_code == 200, response.text
    document = response.json()
    jsonschema.validate(document, analysis_schema())
    assert document["article"]["title"] == "Bramwell parking" and document["spans"]
    assert response.headers["location"] == f"/api/v1/analyses/{document['id']}"
    again = client.get(f"/api/v1/analyses/{document['id']}")
    assert again.status_code == 200 and again.json() == document


def test_options_and_not_storing(client) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        "/api/v1/analyze",
        json={"text": DEMO, "taxonomy": "semeval2023", "entities": False, "min_score": 0.5, "store": False},
    )
    assert response.status_code == 200
    document = response.json()
    assert document["taxonomy"] == "semeval2023" and document["targets"] == [] and "id" not in document


def test_bad_requests_get_clear_json_errors(client) -> None:  # type: ignore[no-untyped-def]
    both = client.post("/api/v1/analyze", json={"text": DEMO, "url": "http://example.com/"})
    assert both.status_code == 400 and "exactly one" in both.json()["detail"]
    neither = client.post("/api/v1/analyze", json={})
    assert neither.status_code == 400
    extra = client.post("/api/v1/analyze", json={"text": DEMO, "colour": "red"})
    assert extra.status_code == 422 and "colour" in extra.json()["detail"]
    score = client.post("/api/v1/analyze", json={"text": DEMO, "min_score": 3})
    assert score.status_code == 422 and "min_score" in score.json()["detail"]
    blank = client.post("/api/v1/analyze", json={"text": "   "})
    assert blank.status_code == 400 and "empty" in blank.json()["detail"]
    long = client.post("/api/v1/analyze", json={"text": "word " * 20_000})
    assert long.status_code == 400 and "limit of 50,000" in long.json()["detail"]
    assert client.get("/api/v1/analyses/ffffffffffffffff").status_code == 404
    assert client.get("/api/v1/analyses/not-an-id").status_code == 422


def test_body_over_the_limit_is_413_with_a_message(client) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/api/v1/analyze", json={"text": "x" * 400_000})
    assert response.status_code == 413
    assert "larger than 300,000 bytes" in response.json()["detail"]


def test_url_fetching_refuses_private_addresses_by_default(client) -> None:  # type: ignore[no-untyped-def]
    for url in ("http://127.0.0.1:9/", "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/"):
        response = client.post("/api/v1/analyze", json={"url": url})
        assert response.status_code == 400, url
        detail = response.json()["detail"]
        assert "refused" in detail and "--allow-private-urls" in detail
        assert detail.count(url) == 1 and "cannot fetch" not in detail  # said once, and why
    other_scheme = client.post("/api/v1/analyze", json={"url": "file:///etc/passwd"})
    assert other_scheme.status_code == 422 and "url" in other_scheme.json()["detail"]


def test_a_body_that_is_not_a_json_object_is_told_what_to_send(client) -> None:  # type: ignore[no-untyped-def]
    """curl's default (a form content type), no body, or broken JSON: the answer says what to send."""
    for body, headers in (
        (b'{"text": "hello"}', {}),
        (b"text=hello", {"content-type": "application/x-www-form-urlencoded"}),
        (b"", {"content-type": "application/json"}),
        (b"{bad", {"content-type": "application/json"}),
        (b'["text"]', {"content-type": "application/json"}),
    ):
        response = client.post("/api/v1/analyze", content=body, headers=headers)
        assert response.status_code == 422, body
        assert "Content-Type: application/json" in response.json()["detail"], body


def test_techniques_and_health(client) -> None:  # type: ignore[no-untyped-def]
    ptc = client.get("/api/v1/techniques").json()
    assert len(ptc) == 14 and {"id", "name", "definition", "example", "colour", "category"} <= set(ptc[0])
    assert len(client.get("/api/v1/techniques", params={"taxonomy": "semeval2023"}).json()) == 23
    health = client.get("/api/v1/health").json()
    assert health["status"] == "ok" and health["database"] == "ok" and health["model"].startswith("proplens")


def test_openapi_schema_describes_the_api(client) -> None:  # type: ignore[no-untyped-def]
    schema = client.get("/openapi.json").json()
    assert {
        "/api/v1/analyze",
        "/api/v1/analyses/{analysis_id}",
        "/api/v1/techniques",
        "/api/v1/health",
    } <= set(schema["paths"])
    assert "/" not in schema["paths"]  # pages are not part of the API
    ok = schema["paths"]["/api/v1/analyze"]["post"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ]
    assert ok["title"] == "proplens analysis"


def test_a_request_may_name_an_installed_model_and_nothing_else(client) -> None:  # type: ignore[no-untyped-def]
    models = client.get("/api/v1/health").json()["models"]
    assert models[0] == "default" and set(models) <= {"default", "accurate"}
    chosen = client.post("/api/v1/analyze", json={"text": DEMO, "model": "default", "store": False})
    assert chosen.status_code == 200 and chosen.json()["model"].startswith("proplens-detector")
    for hostile in ("../../etc", "/tmp/model", "src/proplens/models/default", "x" * 41, "accurate2"):
        response = client.post("/api/v1/analyze", json={"text": DEMO, "model": hostile, "store": False})
        assert response.status_code in (400, 422), hostile
        assert "model" in response.json()["detail"]


def test_every_fragment_reaches_the_minimum_score_asked_for(client) -> None:  # type: ignore[no-untyped-def]
    counts = []
    for minimum in (0.6, 0.3, 0.05):
        response = client.post("/api/v1/analyze", json={"text": DEMO, "min_score": minimum, "store": False})
        spans = response.json()["spans"]
        assert all(s["score"] >= minimum and 0 < s["technique_score"] <= 1 for s in spans)
        counts.append(len({(s["start"], s["end"]) for s in spans}))
    assert counts == sorted(counts) and counts[-1] > counts[0]


def test_a_failing_database_is_a_503_with_a_plain_message(web_app, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The tables vanish behind the server's back: every path that touches the store answers 503 with a
    message that names neither the database nor any SQL, and the server stays up."""
    import sqlite3

    from proplens.store import Store

    app, client = web_app
    broken = Store(f"sqlite:///{tmp_path / 'broken.db'}")
    with sqlite3.connect(tmp_path / "broken.db") as connection:
        connection.executescript("DROP TABLE analyses; DROP TABLE articles;")
    kept, app.state.store = app.state.store, broken
    try:
        for response in (
            client.post("/api/v1/analyze", json={"text": "The corrupt mayor lied again."}),
            client.get("/api/v1/analyses/0123456789abcdef"),
            client.get("/history"),
            client.get("/a/0123456789abcdef"),
        ):
            assert response.status_code == 503, response.text
            assert "not available right now" in response.text and response.headers["retry-after"] == "5"
            assert "broken.db" not in response.text and "SELECT" not in response.text
            assert "INSERT" not in response.text and "corrupt mayor" not in response.text
    finally:
        app.state.store = kept
    assert client.get("/api/v1/health").status_code == 200
