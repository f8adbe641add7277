"""The product zip as `make extension` makes it: unzipped and loaded in Chromium (its own module: a Playwright
session may not start while another module's is open)."""

from __future__ import annotations

from pathlib import Path

from tests.test_extension import _build, chromium_with


def test_the_product_zip_loads_and_detects_in_chromium(tmp_path: Path) -> None:
    """What `make extension` zips (no test hooks): unzipped, loaded in Chromium, its offscreen document
    runs the model on a text."""
    import zipfile

    product = _build(tmp_path / "built", test=False)
    archive = tmp_path / "proplens-extension.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for path in sorted(product.rglob("*")):
            if path.is_file():
                zipped.write(path, path.relative_to(product))
    unzipped = tmp_path / "unzipped"
    zipfile.ZipFile(archive).extractall(unzipped)
    with chromium_with(unzipped, tmp_path / "profile") as (_, worker):
        assert worker.evaluate("() => typeof self.proplensAnalyseTab") == "undefined"  # the product build
        result = worker.evaluate(
            """async (text) => {
                await chrome.offscreen.createDocument({url: 'offscreen.html', reasons: ['WORKERS'],
                    justification: 'test'});
                return chrome.runtime.sendMessage({type: 'proplens:detect', text});
            }""",
            "The corrupt mayor and his gang of crooks lied again to every honest family. Vote them out!",
        )
    assert result["ok"], result
    assert result["result"]["spans"] and result["result"]["figures"]["propaganda_score"] > 0
