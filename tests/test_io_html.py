"""HTML pages to article text with trafilatura."""

from __future__ import annotations

import pytest

from proplens.errors import FormatError
from proplens.io.html import article_from_html
from tests.fixtures_web import NEWS_PAGE


def test_title_and_body_metadata_and_no_boilerplate() -> None:
    article = article_from_html(NEWS_PAGE, article_id="p1", origin="page.html", url="http://example.test/a")
    assert article.id == "p1" and article.url == "http://example.test/a"
    assert article.title == "Council vote sparks row"
    assert article.text.startswith("Council vote sparks row\n")
    assert "a decision that the mayor called" in article.text
    assert "Copyright" not in article.text and "Home" not in article.text


def test_a_page_without_text_is_a_format_error() -> None:
    with pytest.raises(FormatError, match=r"page\.html: no article text"):
        article_from_html(
            "<html><body><script>x()</script></body></html>", article_id="p", origin="page.html"
        )


def test_template_contents_never_become_article_text() -> None:
    """A <template> is never rendered: text inside it (hidden from readers) must not be analysed."""
    from proplens.io.html import article_from_html

    body = "The council voted on Tuesday to close the old library after a long debate about costs. " * 4
    page = (
        "<html><head><title>Council vote</title></head><body><article><h1>Council vote</h1>"
        f"<p>{body}</p><template><p>HIDDEN TEMPLATE TEXT that no reader of the page ever sees on the "
        "screen, however long it is.</p></template><p>Residents plan to protest next week.</p>"
        "</article></body></html>"
    )
    article = article_from_html(page, article_id="t", origin="page.html")
    assert "HIDDEN" not in article.text
    assert "close the old library" in article.text and "Residents plan to protest" in article.text
