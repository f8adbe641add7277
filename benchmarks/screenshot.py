"""Screenshots of what users see, made from the project's own example texts: the result page at 375 and
1280 px (first highlight focused, tooltip open), the corpus, history and about pages at both widths (after
ingesting and analysing ``examples/demo-corpus.jsonl``) and page 1 of the HTML report as printed.

Starts ``proplens serve`` (throwaway database) and drives headless Chromium.

Usage: python benchmarks/screenshot.py [ARTICLE.txt] [OUT_DIR]   (default: the bundled example, docs/images)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).parent))
from _server import PROPLENS, running_server

REPO = Path(__file__).resolve().parents[1]


def _shown(article: Path) -> Path:
    """The article's path as a reader should see it in the report: relative to the repository."""
    resolved = article.resolve()
    return resolved.relative_to(REPO) if resolved.is_relative_to(REPO) else article


def main() -> None:
    article = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "examples/demo-articles/article1000001.txt"
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else REPO / "docs/images"
    out.mkdir(parents=True, exist_ok=True)
    with running_server() as (base, database), sync_playwright() as playwright:
        for step in (["ingest", str(REPO / "examples/demo-corpus.jsonl")], ["run", "--no-entities"]):
            subprocess.run([str(PROPLENS), *step, "--db", database], check=True, capture_output=True)
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
        )
        result_url = ""
        for width, height in ((1280, 900), (375, 812)):
            page = browser.new_page(viewport={"width": width, "height": height})
            if not result_url:
                page.goto(base + "/")
                page.fill("#text", article.read_text(encoding="utf-8"))
                page.click("#analyse-button")
                page.wait_for_url(f"{base}/a/*", timeout=60_000)
                result_url = page.url
            else:
                page.goto(result_url)
            marks = page.locator("mark.fragment")
            if marks.count():
                marks.nth(1 if marks.count() > 1 else 0).focus()
            page.screenshot(path=str(out / f"web-result-{width}.png"), full_page=width == 1280)
            print(f"{result_url} at {width} px: {marks.count()} highlighted segments")
        for name in ("corpus", "history", "about"):
            for width, height in ((1280, 900), (375, 812)):
                page = browser.new_page(viewport={"width": width, "height": height})
                page.goto(f"{base}/{name}")
                page.wait_for_load_state("networkidle")  # the plots
                page.screenshot(path=str(out / f"web-{name}-{width}.png"), full_page=True)
        with tempfile.TemporaryDirectory() as folder:
            report = Path(folder) / "report.html"
            subprocess.run(
                [str(PROPLENS), "analyze", str(_shown(article)), "-o", str(report)],
                check=True,
                capture_output=True,
                cwd=REPO,
            )
            page = browser.new_page(viewport={"width": 794, "height": 1123})  # A4 at 96 dpi
            page.goto(report.as_uri())
            page.emulate_media(media="print")
            page.screenshot(path=str(out / "report-print-page1.png"))
        print(f"wrote {', '.join(sorted(p.name for p in out.glob('*.png')))} to {out}")
        browser.close()


if __name__ == "__main__":
    main()
