"""Reviewing on the result page in headless Chromium: with the keyboard, with the mouse, on a phone; each
action saved at once and shown at once (accepted solid, rejected struck through, added highlighted)."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
from playwright.sync_api import expect

from tests.conftest import EXAMPLES

DEMO = (EXAMPLES / "demo-articles" / "article1000001.txt").read_text(encoding="utf-8")


def _stored(live_server: str) -> dict:  # type: ignore[type-arg]
    answer = httpx.post(f"{live_server}/api/v1/analyze", json={"text": DEMO, "entities": False}, timeout=60)
    assert answer.status_code == 200
    return answer.json()  # type: ignore[no-any-return]


def _open(chromium, live_server: str, analysis_id: str, width: int):  # type: ignore[no-untyped-def]
    page = chromium.new_page(viewport={"width": width, "height": 800 if width > 500 else 740})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server}/a/{analysis_id}")
    expect(page.locator("#review-summary")).to_contain_text("reviewed")
    return page, errors


def _reviews(live_server: str, analysis_id: str) -> dict:  # type: ignore[type-arg]
    return httpx.get(f"{live_server}/api/v1/analyses/{analysis_id}/reviews").json()  # type: ignore[no-any-return]


def _select(page, words: str) -> None:  # type: ignore[no-untyped-def]
    """Select `words` in the article text as a reader would with the mouse."""
    page.evaluate(
        """(words) => {  // focus leaves the controls, as a click in the text does
            if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
            const box = document.querySelector('.analysis .text');
            const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
            for (let node; (node = walker.nextNode());) {
                if (node.parentElement.closest('.tip')) continue;
                const at = node.data.indexOf(words);
                if (at < 0) continue;
                const range = document.createRange();
                range.setStart(node, at); range.setEnd(node, at + words.length);
                getSelection().removeAllRanges(); getSelection().addRange(range);
                return;
            }
            throw new Error('not found: ' + words);
        }""",
        words,
    )


def test_reviewing_with_the_keyboard(chromium, live_server: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    analysis = _stored(live_server)
    page, errors = _open(chromium, live_server, analysis["id"], 1280)
    page.fill("#reviewer", "ana")
    page.locator("#reviewer").press("Tab")
    marks = page.locator("mark.fragment")
    marks.nth(0).focus()  # Tab reaches every fragment; the bar shows what the keys act on
    assert page.locator("#review-bar").is_visible()
    page.keyboard.press("a")
    expect(page.locator("mark.fragment").first).to_have_class(re.compile("rv-accepted"))
    marks.nth(1).focus()
    page.keyboard.press("r")
    expect(marks.nth(1)).to_have_class(re.compile("rv-rejected"))
    style = marks.nth(1).evaluate("m => getComputedStyle(m).textDecorationLine")
    assert "line-through" in style
    marks.nth(2).focus()
    page.keyboard.press("t")  # to the technique list; Enter relabels
    assert page.evaluate("document.activeElement.id") == "review-technique"
    page.select_option("#review-technique", "Doubt")
    page.locator("#review-technique").press("Enter")
    expect(page.locator("#review-summary")).to_contain_text("reviewed 3")
    _select(page, "Every true Bramwellian")
    page.keyboard.press("n")
    page.wait_for_selector("mark.rv-added")
    assert page.locator("mark.rv-added").inner_text() == "Every true Bramwellian"
    page.keyboard.press("d")
    expect(page.locator("#review-summary")).to_contain_text("done")
    page.screenshot(path=str(tmp_path / "review-1280.png"), full_page=False)
    stored = _reviews(live_server, analysis["id"])
    assert [r["action"] for r in stored["reviews"]] == ["accept", "reject", "relabel", "add", "done"]
    assert stored["reviews"][2]["technique"] == "Doubt" and stored["reviews"][3]["reviewer"] == "ana"
    added = stored["reviews"][3]
    assert DEMO[added["start"] : added["end"]] == "Every true Bramwellian"  # offsets into the article text
    # the page, loaded again, shows the same
    page.reload()
    page.wait_for_selector("mark.rv-added")
    assert page.locator("mark.fragment.rv-rejected").count() == 1
    assert page.locator("#review-summary").inner_text() == f"reviewed 3 of {len(analysis['spans'])} · done"
    assert errors == []


def test_reviewing_with_the_mouse_on_a_phone(chromium, live_server: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    analysis = _stored(live_server)
    page, errors = _open(chromium, live_server, analysis["id"], 375)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, width  # nothing pushes the page sideways
    page.locator("mark.fragment").nth(0).click()  # without a name: it says what is missing
    page.locator("#review-bar button[data-action=reject]").click()
    assert "Write your name" in page.locator("#review-error").inner_text()
    page.fill("#reviewer", "bo")
    page.locator("mark.fragment").nth(0).click()
    bar = page.locator("#review-bar").bounding_box()
    assert bar is not None and bar["y"] + bar["height"] <= 740 and bar["width"] <= 375
    page.screenshot(path=str(tmp_path / "review-375-bar.png"))
    page.locator("#review-bar button[data-action=reject]").click()
    expect(page.locator("mark.fragment").first).to_have_class(re.compile("rv-rejected"))
    page.locator("#review-bar button[data-action=accept]").click()  # changed their mind: latest wins
    expect(page.locator("mark.fragment").first).to_have_class(re.compile("rv-accepted"))
    _select(page, "Mill Lane")
    page.locator("button[data-action=add]").click()
    page.wait_for_selector("#review-added li")
    page.locator("#review-added button").click()  # withdrawn again
    expect(page.locator("#review-added li")).to_have_count(0)
    page.screenshot(path=str(tmp_path / "review-375.png"), full_page=True)
    actions = [r["action"] for r in _reviews(live_server, analysis["id"])["reviews"]]
    assert actions == ["reject", "accept", "add", "reject"]
    assert errors == []
