"""Reviews through the REST API: every action, what GET adds up, and the bad inputs each refused with a
4xx and a plain message (offsets outside the text, unknown techniques, missing analyses, oversized bodies,
cross-site and token-less callers)."""

from __future__ import annotations

import pytest

from tests.conftest import EXAMPLES
from tests.fixtures_web import EXTENSION_TOKEN

DEMO = (EXAMPLES / "demo-articles" / "article1000001.txt").read_text(encoding="utf-8")


@pytest.fixture
def analysis(client) -> dict:  # type: ignore[no-untyped-def, type-arg]
    response = client.post("/api/v1/analyze", json={"text": DEMO, "entities": False})
    assert response.status_code == 200 and len(response.json()["spans"]) >= 3
    return response.json()  # type: ignore[no-any-return]


def _post(client, analysis_id: str, **body: object):  # type: ignore[no-untyped-def]
    return client.post(f"/api/v1/analyses/{analysis_id}/reviews", json={"reviewer": "ana", **body})


def test_every_action_is_kept_and_adds_up(client, analysis) -> None:  # type: ignore[no-untyped-def]
    analysis_id = analysis["id"]
    word = DEMO.index("Bramwell", 200)
    answers = [
        _post(client, analysis_id, action="accept", span=0),
        _post(client, analysis_id, action="reject", span=1),
        _post(client, analysis_id, action="relabel", span=2, technique="Doubt"),
        _post(
            client,
            analysis_id,
            action="resize",
            span=0,
            start=analysis["spans"][0]["start"],
            end=analysis["spans"][0]["end"] - 1,
        ),
        _post(client, analysis_id, action="add", start=word, end=word + 8, technique="Flag-Waving"),
        _post(client, analysis_id, action="done"),
    ]
    assert [a.status_code for a in answers] == [201] * 6, [a.text for a in answers]
    assert answers[4].json()["start"] == word and answers[4].json()["id"]
    listed = client.get(f"/api/v1/analyses/{analysis_id}/reviews").json()
    assert [r["action"] for r in listed["reviews"]] == [
        "accept",
        "reject",
        "relabel",
        "resize",
        "add",
        "done",
    ]
    total = len(analysis["spans"])
    assert listed["summary"] == f"reviewed 3 of {total} · done" and listed["done_by"] == ["ana"]
    # the model's analysis is never changed
    assert client.get(f"/api/v1/analyses/{analysis_id}").json() == analysis


def test_bad_reviews_get_a_4xx_and_one_plain_sentence(client, analysis) -> None:  # type: ignore[no-untyped-def]
    analysis_id = analysis["id"]
    cases = [
        ({"action": "add", "start": 5, "end": len(DEMO) + 10, "technique": "Doubt"}, 400, "inside the text"),
        ({"action": "add", "start": 0, "end": 8, "technique": "Mind_Control"}, 400, "unknown ptc technique"),
        ({"action": "relabel", "span": 0, "technique": "Mind_Control"}, 400, "unknown ptc technique"),
        ({"action": "accept", "span": 999}, 400, "no fragment 999"),
        ({"action": "accept"}, 400, "needs the fragment"),
        ({"action": "approve", "span": 0}, 422, "action"),
        ({"action": "accept", "span": -1}, 422, "span"),
        ({"action": "accept", "span": 0, "colour": "red"}, 422, "colour"),
        ({"action": "accept", "span": 0, "reviewer": ""}, 422, "reviewer"),
        ({"action": "accept", "span": 0, "reviewer": "\x07bell"}, 400, "printable"),
    ]
    for body, status, message in cases:
        response = client.post(f"/api/v1/analyses/{analysis_id}/reviews", json={"reviewer": "ana", **body})
        assert response.status_code == status, (body, response.text)
        detail = response.json()["detail"]
        assert message in detail and "\n" not in detail and "Traceback" not in detail, (body, detail)
    missing = _post(client, "0123456789abcdef", action="done")
    assert missing.status_code == 404 and "no analysis" in missing.json()["detail"]
    assert client.get("/api/v1/analyses/0123456789abcdef/reviews").status_code == 404
    assert client.get("/api/v1/analyses/..%2Fetc/reviews").status_code in (404, 422)
    huge = client.post(
        f"/api/v1/analyses/{analysis_id}/reviews",
        content=b'{"action": "done", "reviewer": "' + b"x" * 400_000 + b'"}',
        headers={"Content-Type": "application/json"},
    )
    assert huge.status_code == 413 and "larger than" in huge.json()["detail"]
    assert client.get(f"/api/v1/analyses/{analysis_id}/reviews").json()["reviews"] == []


def test_pages_need_their_csrf_token_and_extensions_their_bearer_token(client, analysis) -> None:  # type: ignore[no-untyped-def]
    path = f"/api/v1/analyses/{analysis['id']}/reviews"
    body = {"action": "accept", "span": 0, "reviewer": "ana"}
    own = {"Origin": "http://testserver"}
    client.get("/")  # the page sets its CSRF cookie
    token = client.cookies.get("proplens_csrf")
    assert client.post(path, json=body, headers=own).status_code == 403
    assert client.post(path, json=body, headers={**own, "X-CSRF-Token": "wrong" * 8}).status_code == 403
    assert client.post(path, json=body, headers={**own, "X-CSRF-Token": token}).status_code == 201
    other_site = client.post(
        path, json=body, headers={"Origin": "https://evil.example", "X-CSRF-Token": token}
    )
    assert other_site.status_code == 403
    extension = {"Origin": "chrome-extension://abcdefghijklmnop"}
    assert client.post(path, json=body, headers=extension).status_code == 401
    with_token = {**extension, "Authorization": f"Bearer {EXTENSION_TOKEN}"}
    assert client.post(path, json=body, headers=with_token).status_code == 201
    assert len(client.get(path).json()["reviews"]) == 2


def test_the_history_says_how_far_a_review_got(client, analysis) -> None:  # type: ignore[no-untyped-def]
    _post(client, analysis["id"], action="reject", span=0)
    page = client.get("/history").text
    assert f"reviewed 1 of {len(analysis['spans'])}" in page
