"""Single documents — a text file, an HTML page, stdin — each read whole (capped) into one article."""

from __future__ import annotations

from collections.abc import Iterator

from proplens.io.html import article_from_html
from proplens.sources.core import (
    Limits,
    Loaded,
    Problem,
    article_from_text,
    article_id_from_name,
    checked,
    decode,
)

__all__ = ["looks_like_html", "read_document"]


def looks_like_html(text: str) -> bool:
    return text.lstrip()[:15].lower().startswith(("<!doctype", "<html"))


def read_document(
    data: bytes,
    origin: str,
    *,
    name: str,
    limits: Limits,
    html: bool | None = None,
    url: str | None = None,
    article_id: str | None = None,
    charset: str | None = None,
) -> Iterator[Loaded | Problem]:
    """The article in `data`: HTML (by `html`, else by the name's suffix or the content) or plain text."""
    text, warning = decode(data, origin, charset=charset)
    if html is None:
        suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        html = suffix in ("html", "htm") or (suffix == "" and looks_like_html(text))
    article_id = article_id or url or article_id_from_name(name)
    if html:
        article = article_from_html(text, article_id=article_id, origin=origin, url=url)
    else:
        article = article_from_text(text, article_id=article_id, url=url)
    yield Loaded(checked(article, origin, limits), origin, warning)
