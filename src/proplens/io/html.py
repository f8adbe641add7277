"""HTML to article text with trafilatura: the title and the main body, without menus, ads or comments.

The text proplens analyses (and all span offsets refer to) is exactly ``title + "\\n\\n" + body``, the same
text every output shows, so offsets never point into markup.
"""

from __future__ import annotations

from datetime import date

from proplens.document import Article
from proplens.errors import FormatError

__all__ = ["article_from_html"]


def article_from_html(html: str, *, article_id: str, origin: str, url: str | None = None) -> Article:
    """The article in an HTML page; `FormatError` (naming `origin`) when the page has no readable body."""
    import copy

    import trafilatura

    tree = trafilatura.load_html(html)
    if tree is None:
        raise FormatError(origin, "no article text found in this HTML page")
    for inert in tree.xpath("//template"):  # never rendered: a page's templates are not its text
        inert.drop_tree()
    metadata = trafilatura.extract_metadata(copy.deepcopy(tree), default_url=url)
    body = trafilatura.extract(tree, url=url, include_comments=False, include_tables=False)
    if not body or not body.strip():
        raise FormatError(origin, "no article text found in this HTML page")
    title = (metadata.title or "").strip() if metadata else ""
    text = body.strip()
    if title and not text.startswith(title):
        text = f"{title}\n\n{text}"
    return Article(
        id=article_id,
        text=text,
        title=title or None,
        source=(metadata.sitename or None) if metadata else None,
        url=url,
        published=_date(metadata.date if metadata else None),
    )


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None
