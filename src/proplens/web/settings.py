"""What an operator can set for ``proplens serve``; every limit has a safe default."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LOOPBACK_NAMES", "Settings"]

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
"""The Host names a server on this machine is reached by."""


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str | None = None
    """SQLAlchemy URL; None: the default SQLite file (``$PROPLENS_HOME/proplens.db``)."""
    model: str = "default"
    max_body_bytes: int = 2_000_000
    """Largest request body (pasted text, upload, JSON); larger requests get a 413."""
    max_chars: int = 200_000
    """Longest article text analysed."""
    fetch_timeout: float = 10.0
    analysis_timeout: float = 60.0
    """Seconds a request waits for its analysis before a 504."""
    allow_private_urls: bool = False
    """Allow fetching loopback/private/link-local hosts (intranet use). Off: SSRF-safe."""
    allowed_hosts: tuple[str, ...] = LOOPBACK_NAMES
    """The names (Host header) the server answers to; ``*`` for any. Others get a 400 (DNS rebinding)."""
    queue_size: int = 64
    """Analyses waiting at most; beyond this requests get a 503 (retry later)."""
