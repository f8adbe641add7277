"""What an operator can set for ``proplens serve``; every limit has a safe default."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from proplens._home import proplens_home
from proplens.errors import ProplensError

__all__ = ["LOOPBACK_NAMES", "Settings", "extension_token"]

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
    extension_token: str | None = None
    """The token browser extensions must send (``Authorization: Bearer``); None: extensions refused."""
    queue_size: int = 64
    """Analyses waiting at most; beyond this requests get a 503 (retry later)."""
    workers: int = 0
    """Worker processes running analyses (each loads the model); 0: one per core, at most 2."""


def extension_token(home: Path | None = None) -> str:
    """The token browser extensions must send: kept in ``$PROPLENS_HOME/extension-token`` (made on first
    use, readable by the user only), so the extension keeps working across server restarts."""
    home = home or proplens_home()
    path = home / "extension-token"
    try:
        token = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        token = ""
    except UnicodeDecodeError:
        raise ProplensError(f"{path}: not a token (not UTF-8 text); delete it to get a new one") from None
    except OSError as error:
        raise ProplensError(f"{path}: cannot read the extension token: {error.strerror}") from None
    if len(token) < 24:
        home.mkdir(parents=True, exist_ok=True)
        token = secrets.token_urlsafe(24)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(token + "\n")
    if path.stat().st_mode & 0o077:
        os.chmod(path, 0o600)  # a token others can read is no secret: user only, whoever made the file
    return token
