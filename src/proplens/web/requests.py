"""Turning what a browser or API client sent (text, a URL or a file) into an `Article`."""

from __future__ import annotations

import hashlib

from starlette.concurrency import run_in_threadpool

from proplens.document import Article
from proplens.errors import FormatError
from proplens.io.ptc import title_of
from proplens.sources import Limits, article_from_bytes, article_from_url
from proplens.web.settings import Settings

__all__ = ["article_from_input"]

UPLOAD_SUFFIXES = (".txt", ".html", ".htm")


def _limits(settings: Settings) -> Limits:
    return Limits(
        max_chars=settings.max_chars,
        max_bytes=settings.max_body_bytes * 4,
        timeout=settings.fetch_timeout,
        allow_private=settings.allow_private_urls,
    )


async def article_from_input(
    settings: Settings,
    *,
    text: str | None = None,
    url: str | None = None,
    upload: tuple[str, bytes] | None = None,
    title: str | None = None,
) -> Article:
    """Exactly one of text, url or upload (name, bytes); `FormatError` with a user-facing reason."""
    given = [kind for kind, value in (("text", text), ("url", url), ("file", upload)) if value]
    if len(given) != 1:
        raise FormatError("request", "give exactly one of: text, url, file")
    limits = _limits(settings)
    if text:
        if not text.strip():
            raise FormatError("text", "empty text; nothing to analyse")
        if len(text) > settings.max_chars:
            raise FormatError(
                "text", f"{len(text):,} characters is more than the limit of {settings.max_chars:,}"
            )
        digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]
        return Article(id=f"text-{digest}", text=text, title=(title or title_of(text) or None))
    if url:
        loaded = await run_in_threadpool(article_from_url, url.strip(), limits=limits)
        return loaded.article
    assert upload is not None
    name, data = upload
    if not name.lower().endswith(UPLOAD_SUFFIXES):
        raise FormatError(name, "upload a .txt or .html file")
    return article_from_bytes(data, name=name, limits=limits).article
