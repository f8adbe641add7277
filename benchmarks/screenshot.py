"""Screenshot of the web app's result page for an article, as a user gets it (paste, analyse).

Starts ``proplens serve`` (throwaway database), pastes the article into the form in headless Chromium,
focuses the first highlighted fragment (tooltip open) and saves a full-page PNG.

Usage: python benchmarks/screenshot.py ARTICLE.txt OUT.png
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).parent))
from _server import running_server


def main() -> None:
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    article, out = Path(sys.argv[1]), Path(sys.argv[2])
    with running_server() as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(base + "/")
        page.fill("#text", article.read_text(encoding="utf-8"))
        page.click("#analyse-button")
        page.wait_for_url(f"{base}/a/*", timeout=60_000)
        marks = page.locator("mark.fragment")
        if marks.count():
            marks.first.focus()
        out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out), full_page=True)
        print(f"{page.url}: {marks.count()} highlighted segments; screenshot {out}")
        browser.close()


if __name__ == "__main__":
    main()
