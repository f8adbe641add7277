"""RSS and Atom feeds: one article per entry — its title, a blank line, then its content (or summary)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from proplens.document import Article
from proplens.errors import FormatError, ProplensError
from proplens.sources.core import Limits, Loaded, Problem, checked

__all__ = ["FEED_TYPES", "read_feed"]

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/xml", "text/xml")


def read_feed(origin: str, data: bytes, limits: Limits) -> Iterator[Loaded | Problem]:
    """The articles of a feed; an entry without content, or over the character limit, is a `Problem`."""
    import feedparser

    parsed: Any = feedparser.parse(data)
    if not parsed.entries:
        reason = parsed.get("bozo_exception")
        yield Problem(origin, f"no feed entries found{f' ({reason})' if reason else ''}")
        return
    source = parsed.feed.get("title") or None
    for position, entry in enumerate(parsed.entries, start=1):
        where = f"{origin}#{position}"
        html = (entry.get("content") or [{}])[0].get("value") or entry.get("summary") or ""
        body = _plain_text(html)
        title = (entry.get("title") or "").strip()
        if not body.strip():
            yield Problem(where, "the entry has no content or summary")
            continue
        published = entry.get("published_parsed") or entry.get("updated_parsed")
        try:
            article = Article(
                id=(entry.get("id") or entry.get("link") or where).strip(),
                text=f"{title}\n\n{body}" if title else body,
                title=title or None,
                source=source,
                url=entry.get("link"),
                published=date(*published[:3]) if published else None,
            )
            yield Loaded(checked(article, where, limits), where)
        except FormatError as error:
            yield Problem(where, error.message)
        except ProplensError as error:
            yield Problem(where, str(error))


def _plain_text(html: str) -> str:
    if "<" not in html:
        return html.strip()
    import lxml.html

    try:
        element = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return html.strip()
    for br in element.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for block in element.iter("p", "div", "li", "h1", "h2", "h3"):
        block.tail = "\n\n" + (block.tail or "")
    lines = [" ".join(line.split()) for line in element.text_content().split("\n")]
    text = "\n".join(lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip()
