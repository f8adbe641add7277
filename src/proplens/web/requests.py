"""Turning what a browser or API client sent (text, a URL or a file) into an `Article`."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool

from proplens.document import Article
from proplens.errors import FormatError, ProplensError
from proplens.sources import (
    Limits,
    article_from_bytes,
    article_from_page,
    article_from_text,
    article_from_url,
)
from proplens.sources.core import checked
from proplens.web.settings import Settings

__all__ = ["article_from_input"]

UPLOAD_SUFFIXES = (".txt", ".html", ".htm")


def _limits(settings: Settings) -> Limits:
    return Limits(
        max_chars=settings.max_chars,
        max_bytes=settings.max_body_bytes * 4,
        timeout=settings.fetch_timeout,
        allow_private=settings.allow_private_urls,
        max_chars_hint="",
    )


async def article_from_input(
    settings: Settings,
    *,
    text: str | None = None,
    url: str | None = None,
    upload: tuple[str, bytes] | None = None,
    html: tuple[str, str | None] | None = None,
    title: str | None = None,
) -> Article:
    """Exactly one of text, url, upload (name, bytes) or html (page HTML, its address); `ProplensError`
    with a user-facing reason."""
    given = [
        kind for kind, value in (("text", text), ("url", url), ("file", upload), ("html", html)) if value
    ]
    if len(given) != 1:
        raise ProplensError(
            "Give the article exactly one way: paste its text, give its link, or upload a file."
            if given
            else "Nothing to analyse: paste an article's text, give its link, or upload a file."
        )
    limits = _limits(settings)
    if text:
        return checked(article_from_text(text, title=title), "text", limits)
    if url:
        try:
            loaded = await run_in_threadpool(article_from_url, url.strip(), limits=limits)
        except FormatError as error:
            raise ProplensError(f"Could not use the link {url.strip()}: {error.message}.") from None
        return loaded.article
    if html:
        page, address = html
        data = page.encode("utf-8")
        if len(data) > limits.max_bytes:
            raise ProplensError(f"The page is larger than {limits.max_bytes:,} bytes.")
        origin = address or "the page"
        loaded = await run_in_threadpool(article_from_page, data, origin=origin, url=address, limits=limits)
        return loaded.article
    assert upload is not None
    name, data = upload
    if not name.lower().endswith(UPLOAD_SUFFIXES):
        raise FormatError(name, "upload a .txt or .html file")
    return article_from_bytes(data, name=name, limits=limits).article
