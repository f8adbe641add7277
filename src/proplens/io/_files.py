"""File plumbing shared by every reader and writer: strict UTF-8 decoding, tab-separated rows, atomic writes.

Errors name the file and the line, so a user can open the file at the fault; nothing is half-written
because writers go through a temporary file that replaces the target only when complete.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from proplens.errors import FormatError


def read_text(path: str | Path) -> str:
    """The file's text, decoded as strict UTF-8 (no newline translation, so offsets match the bytes read)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise FormatError(path, "no such file") from None
    except IsADirectoryError:
        raise FormatError(path, "is a directory, expected a file") from None
    except OSError as error:
        raise FormatError(path, f"cannot read: {error.strerror}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise FormatError(
            path,
            f"not valid UTF-8 (byte 0x{data[error.start]:02x} at column {column}); re-save the file as UTF-8",
            line=line,
        ) from None


def iter_rows(
    path: str | Path, columns: int | tuple[int, ...], layout: str
) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(line_number, fields)`` for each non-blank tab-separated line with `columns` fields.

    `layout` describes the expected columns for the error message, e.g. ``"id, technique, start, end"``.
    """
    allowed = (columns,) if isinstance(columns, int) else columns
    expected = " or ".join(str(n) for n in allowed)
    text = read_text(path)
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) not in allowed:
            raise FormatError(
                path,
                f"expected {expected} tab-separated columns ({layout}), found {len(fields)}",
                line=number,
            )
        yield number, [field.strip() for field in fields]


def parse_offset(value: str, path: str | Path, line: int, what: str) -> int:
    """An offset column as a non-negative integer, or a `FormatError` at that line."""
    try:
        offset = int(value)
    except ValueError:
        raise FormatError(path, f"{what} offset {value!r} is not an integer", line=line) from None
    if offset < 0:
        raise FormatError(path, f"{what} offset {offset} is negative", line=line)
    return offset


@contextmanager
def open_atomic(path: str | Path) -> Iterator[TextIO]:
    """A text file to write to that replaces `path` only when the block completes without error.

    Readers see either the old file or the whole new one; a failure midway leaves no partial file. A
    symlink is followed (its target is replaced, the link stays); a FIFO or a device (``/dev/stdout``) is
    written to directly, never replaced by a file; a folder is refused. A new file gets the permissions
    the user's umask gives; a replaced one keeps its own.
    """
    path = Path(path)
    if path.is_dir():
        raise FormatError(path, "is a folder; give a file name")
    if path.exists() and not path.resolve().is_file():
        with path.open("w", encoding="utf-8", newline="") as stream:  # a FIFO or a device
            yield stream
        return
    with _replacing(path) as temporary, open(temporary, "w", encoding="utf-8", newline="") as file:
        yield file


@contextmanager
def _replacing(path: Path) -> Iterator[str]:
    """The name of a new temporary file beside `path` (a symlink's target) that replaces `path` when the
    block completes, and is removed when it fails."""
    path = path.resolve() if path.is_symlink() else path
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        yield temporary
        os.chmod(temporary, _mode_for(path))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _mode_for(path: Path) -> int:
    """The existing file's permissions, else what a new file gets under the umask (0666 & ~umask)."""
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        return 0o666 & ~_umask()


def _umask() -> int:
    """The process' umask, read without changing it (Linux), else by setting and restoring it."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


def write_text_atomic(path: str | Path, text: str) -> None:
    """Write `text` as UTF-8 to `path` atomically (see `open_atomic`)."""
    with open_atomic(path) as file:
        file.write(text)


def replace_atomic(path: str | Path, write: Callable[[str], None]) -> None:
    """Let `write` fill a temporary file beside `path`, given by its name (for writers such as pyarrow's
    and matplotlib's that open their files themselves), then rename it over `path`: as `open_atomic`, a
    failure leaves the old file or none, and the file gets the old file's permissions or the umask's."""
    path = Path(path)
    if path.is_dir():
        raise FormatError(path, "is a folder; give a file name")
    with _replacing(path) as temporary:
        write(temporary)


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    """Write `data` to `path` atomically (see `replace_atomic`)."""

    def write(name: str) -> None:
        Path(name).write_bytes(data)

    replace_atomic(path, write)
