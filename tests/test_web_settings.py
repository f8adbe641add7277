"""The extension token file: made for the user only, kept, repaired when others could read it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from proplens.errors import ProplensError
from proplens.web.settings import extension_token


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_token_is_readable_by_the_user_only_and_kept(tmp_path: Path) -> None:
    token = extension_token(tmp_path)
    assert len(token) >= 24 and _mode(tmp_path / "extension-token") == 0o600
    assert extension_token(tmp_path) == token


def test_a_token_file_others_can_read_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "extension-token"
    path.write_text("a" * 40 + "\n", encoding="utf-8")
    os.chmod(path, 0o644)
    assert extension_token(tmp_path) == "a" * 40
    assert _mode(path) == 0o600
    path.write_text("short\n", encoding="utf-8")  # too short: regenerated, into the same private file
    os.chmod(path, 0o666)
    token = extension_token(tmp_path)
    assert token != "short" and _mode(path) == 0o600


def test_an_unreadable_token_file_is_named_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "extension-token").write_bytes(b"\xff\xfe not utf-8")
    with pytest.raises(ProplensError, match=r"extension-token: not a token \(not UTF-8 text\)"):
        extension_token(tmp_path)
    (tmp_path / "extension-token").unlink()
    (tmp_path / "extension-token").mkdir()
    with pytest.raises(ProplensError, match="cannot read the extension token"):
        extension_token(tmp_path)
