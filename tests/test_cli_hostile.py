"""Hostile and broken inputs, outputs and databases, command by command: each gives one error line (or
one skipped line per bad record) and the documented exit code — never a traceback, never leftovers."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, invoke, write

DEMO = EXAMPLES / "demo-articles" / "article1000001.txt"
SHORT = "Mayor lies\n\nThe corrupt mayor lied again. Vote them out!"
PROPLENS = Path(sys.executable).with_name("proplens")


def _good_lines(count: int) -> list[str]:
    return [
        json.dumps({"id": f"g{n}", "text": f"Story {n}. The corrupt mayor lied again."}) for n in range(count)
    ]


CASES = [
    # (name, files to write, arguments, exit code, pattern in stderr, pattern in stdout)
    (
        "a deeply nested line among good ones",
        {"in.jsonl": "\n".join([*_good_lines(6), "[" * 50_000 + "]" * 50_000, *_good_lines(12)[6:]]) + "\n"},
        ["analyze", "{tmp}/in.jsonl", "--no-entities", "--format", "ptc-si"],
        1,
        r"in\.jsonl:7: invalid JSON: nested too deeply.*analysed 12 articles, 1 input failed",
        None,
    ),
    (
        "a 5,000-digit number",
        {"n.jsonl": '{"id": "n", "text": "x", "n": ' + "9" * 5000 + "}\n"},
        ["analyze", "{tmp}/n.jsonl"],
        1,
        r"n\.jsonl:1: invalid JSON",
        None,
    ),
    ("an unreadable URL", {}, ["analyze", "http://[::1/"], 1, r"not a valid URL", None),
    (
        "a device that never ends",
        {},
        ["analyze", "/dev/zero", "--max-chars", "1000"],
        1,
        r"more than the limit",
        None,
    ),
    (
        "an output that is a folder",
        {"out/.keep": ""},
        ["analyze", str(DEMO), "--no-entities", "-o", "{tmp}/out"],
        1,
        r"is a folder",
        None,
    ),
    (
        "an output folder that cannot exist",
        {},
        ["analyze", str(DEMO), "--no-entities", "-o", "/proc/nope/out.json"],
        1,
        r"/proc/nope",
        None,
    ),
    (
        "a database folder that cannot exist",
        {},
        ["run", "--db", "sqlite:////proc/nope/x.db"],
        1,
        r"cannot create the folder /proc/nope",
        None,
    ),
    (
        "serve on such a database",
        {},
        ["serve", "--db", "sqlite:////proc/nope/x.db"],
        1,
        r"cannot create the folder",
        None,
    ),
    (
        "a database URL that is not one",
        {},
        ["ingest", str(DEMO), "--db", "nonsense"],
        1,
        r"not a database URL",
        None,
    ),
    (
        "UTF-16 with a byte-order mark",
        {"u16.txt": SHORT.encode("utf-16")},
        ["analyze", "{tmp}/u16.txt", "--no-entities", "--format", "json"],
        0,
        None,
        r'"Mayor lies',
    ),
    (
        "batch of a missing input",
        {},
        ["batch", "{tmp}/missing", "{tmp}/out"],
        1,
        r"no such file or directory",
        None,
    ),
    ("dataset stats of a missing folder", {}, ["dataset", "stats", "{tmp}/missing"], 1, r"missing", None),
    (
        "evaluate with a broken gold file",
        {"gold.labels": "1\tnot-a-number\t5\n"},
        ["evaluate", "--task", "si", "--gold", "{tmp}/gold.labels", "--pred", "{tmp}/gold.labels"],
        1,
        r"gold\.labels:1",
        None,
    ),
    (
        "report on an empty database",
        {},
        ["report", "--db", "sqlite:///{tmp}/empty.db"],
        1,
        r"proplens ingest",
        None,
    ),
    (
        "db status of a URL that is not one",
        {},
        ["db", "status", "--db", "nonsense"],
        1,
        r"not a database URL",
        None,
    ),
    (
        "ingest of a binary file",
        {"x.txt": b"\x00\x01binary"},
        ["ingest", "{tmp}/x.txt", "--db", "sqlite:///{tmp}/c.db"],
        1,
        r"binary",
        None,
    ),
    (
        "a file name that reads as Rich markup",
        {"[/b]/x[red].txt": ""},
        ["analyze", "{tmp}/[/b]/x[red].txt", "--no-entities"],
        1,
        r"skipped \S*\[/b\]/x\[red\]\.txt: empty text",
        None,
    ),
    (
        "a missing file whose name reads as Rich markup",
        {},
        ["evaluate", "--task", "si", "--pred", "{tmp}/[/]p.labels", "--gold", "{tmp}/[/]g.labels"],
        1,
        r"\[/\]",
        None,
    ),
]


@pytest.mark.parametrize(
    ("name", "files", "args", "code", "err_pattern", "out_pattern"), CASES, ids=[c[0] for c in CASES]
)
def test_bad_input_matrix(
    tmp_path: Path,
    name: str,
    files: dict,
    args: list[str],
    code: int,
    err_pattern: str | None,
    out_pattern: str | None,
) -> None:  # type: ignore[type-arg]
    import re

    for relative, content in files.items():
        write(tmp_path / relative, content)
    before = {p for p in tmp_path.rglob("*")}
    exit_code, out, err = invoke(*[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert exit_code == code, (name, err)
    assert "Traceback" not in err and "Traceback" not in out
    assert "internal error" not in err, (name, err)  # every failure here is a named, expected one
    if err_pattern:
        assert re.search(err_pattern, " ".join(err.split()), re.S), (name, err)
    if out_pattern:
        assert re.search(out_pattern, out), (name, out)
    leftovers = [
        p
        for p in tmp_path.rglob("*")
        if p not in before and (p.name.endswith(".tmp") or p.name.startswith("."))
    ]
    assert leftovers == [], leftovers


def test_a_read_only_database_fails_in_one_line_without_the_article_text(tmp_path: Path) -> None:
    db = tmp_path / "ro.db"
    code, _, _ = invoke("ingest", str(DEMO), "--db", f"sqlite:///{db}")
    assert code == 0
    secret = "The treasurer's secret plan will ruin every honest family."
    write(tmp_path / "secret.txt", secret)
    code, out, err = invoke(
        "ingest", tmp_path / "secret.txt", "--db", f"sqlite:///file:{db}?mode=ro&uri=true"
    )
    assert code == 1 and "readonly" in err
    assert "secret plan" not in err + out and "INSERT" not in err and "Traceback" not in err
    assert len(err.strip().splitlines()) <= 2


def test_output_through_a_symlink_replaces_its_target_and_keeps_the_link(tmp_path: Path) -> None:
    target = write(tmp_path / "real.json", "old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    code, _, err = invoke("analyze", str(DEMO), "--no-entities", "-o", link)
    assert code == 0, err
    assert link.is_symlink() and json.loads(target.read_text())["article"]["id"] == "1000001"


def test_output_into_a_fifo_writes_into_it(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    code, _, err = invoke("analyze", str(DEMO), "--no-entities", "--format", "jsonl", "-o", fifo)
    reader.join(timeout=30)
    assert code == 0, err
    assert stat.S_ISFIFO(fifo.stat().st_mode) and json.loads(received[0])["article"]["id"] == "1000001"


def test_a_new_output_file_gets_the_users_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        code, _, err = invoke("analyze", str(DEMO), "--no-entities", "-o", tmp_path / "out.json")
    finally:
        os.umask(old)
    assert code == 0, err
    assert stat.S_IMODE((tmp_path / "out.json").stat().st_mode) == 0o644


def test_stdout_on_a_full_device_is_one_error_line(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", SHORT)
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [str(PROPLENS), "analyze", str(tmp_path / "a.txt"), "--no-entities", "--format", "json"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    assert result.returncode == 1
    assert "No space left on device" in result.stderr and "Traceback" not in result.stderr
    assert "Exception ignored" not in result.stderr


def test_nothing_written_is_not_reported_as_written(tmp_path: Path) -> None:
    code, _, err = invoke("analyze", tmp_path / "missing.txt", "-o", tmp_path / "out.json")
    assert code == 1 and "wrote" not in err and not (tmp_path / "out.json").exists()


# -- a full disk: the old file stays, or the complete new one arrives; never a truncated file ----------


def _on_a_small_disk(tmp_path: Path, script: str) -> str:
    """Run `script` (sh) with $D a 160 KB tmpfs, inside a user and mount namespace of its own (nothing
    outside sees the mount); returns what it printed. Skips where namespaces are not allowed."""
    import shutil

    if not shutil.which("unshare"):
        pytest.skip("no unshare")
    disk = tmp_path / "disk"
    disk.mkdir()
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("user and mount namespaces are not allowed here")
    result = subprocess.run(
        ["unshare", "-rm", "sh", "-c", 'mount -t tmpfs -o size=160k tmpfs "$D" && ' + script],
        capture_output=True,
        text=True,
        errors="replace",
        timeout=300,
        env={**os.environ, "D": str(disk), "P": str(PROPLENS), "T": str(tmp_path)},
    )
    return result.stdout + result.stderr


FILL = 'head -c 60000 /dev/urandom > "$D/filler"; printf "old contents\\n" > "$D/existing"; '
CHECK = 'echo "rc=$rc"; cat "$D/existing"; ls -A "$D" | tr "\\n" " "; echo'


@pytest.mark.parametrize("format", ["json", "html", "jsonl"])
def test_a_full_disk_keeps_the_file_analyze_was_to_replace(tmp_path: Path, format: str) -> None:
    """The output (about 300 KB for 40 copies of the demo article) cannot fit: the command fails in one
    line and the file it was to replace is intact, with no temporary left beside it."""
    folder = tmp_path / "many"
    for n in range(40):
        write(folder / f"article{n}.txt", DEMO.read_text(encoding="utf-8"))
    out = _on_a_small_disk(
        tmp_path,
        FILL + f'"$P" analyze "$T/many" --no-entities -f {format} -o "$D/existing"; rc=$?; ' + CHECK,
    )
    assert "rc=1" in out and "No space left on device" in out, out
    assert "old contents" in out and "Traceback" not in out
    assert ["existing", "filler"] in [line.split() for line in out.splitlines()], out


def test_a_full_disk_keeps_the_shards_batch_completed_and_no_partial_file(tmp_path: Path) -> None:
    """A shard's files no longer fit: the command fails in one line; the shard an earlier run completed
    (its files and record) is intact and nothing half-written is left for a reader to pick up."""
    rows = [json.dumps({"id": f"f{n}", "text": DEMO.read_text(encoding="utf-8")}) for n in range(60)]
    write(tmp_path / "in" / "part-1.jsonl", "\n".join(rows) + "\n")
    write(tmp_path / "in" / "part-0.jsonl", rows[0] + "\n")
    out = _on_a_small_disk(
        tmp_path,
        'mv "$T/in/part-1.jsonl" "$T/later.jsonl"; '
        '"$P" batch "$T/in" "$D/out" --workers 1 --no-entities > /dev/null; mv "$T/later.jsonl" "$T/in/"; '
        'head -c 150000 /dev/urandom > "$D/filler"; '
        '"$P" batch "$T/in" "$D/out" --workers 1 --no-entities; rc=$?; '
        'echo "rc=$rc"; cd "$D/out"; find . -type f | sort | tr "\\n" " "; echo',
    )
    assert "rc=1" in out and "No space left on device" in out, out
    assert "Traceback" not in out
    key = "part-0.jsonl-" + __import__("hashlib").sha256(b"part-0.jsonl").hexdigest()[:8]
    files = f"./_shards/{key}.json ./articles/{key}.parquet ./spans/{key}.parquet"
    assert files in [line.strip() for line in out.splitlines()], out  # the complete shard, alone


def _corpus_database(tmp_path: Path) -> str:
    """A SQLite corpus of one analysed article, made outside the small disk."""
    write(tmp_path / "corpus" / "article1.txt", DEMO.read_text(encoding="utf-8"))
    db = f"sqlite:///{tmp_path / 'corpus.db'}"
    assert invoke("ingest", tmp_path / "corpus", "--db", db)[0] == 0
    assert invoke("run", "--db", db, "--no-entities")[0] == 0
    return db


def test_a_full_disk_keeps_the_report_exports_and_plots_it_was_to_replace(tmp_path: Path) -> None:
    """The old tables and plots are written first, then the disk is filled to the last page: every new
    file fails to fit, `report` says so in one line, and the old files are intact, with no temporaries."""
    db = _corpus_database(tmp_path)
    names = ("technique_rates.csv", "fragments.parquet", "technique_profile.png")
    old = "; ".join(f'printf "old\\n" > "$D/out/{name}"' for name in names)
    out = _on_a_small_disk(
        tmp_path,
        f'mkdir "$D/out"; {old}; head -c 200000 /dev/urandom > "$D/filler" 2>/dev/null; '
        f'"$P" report --db "{db}" --csv "$D/out" --parquet "$D/out"; echo "rc=$?"; '
        f'"$P" report --db "{db}" --plots "$D/out"; echo "rc=$?"; '
        'cat "$D/out/"*; echo; ls -A "$D/out" | tr "\\n" " "; echo',
    )
    assert out.count("rc=1") == 2 and out.count("No space left on device") == 2, out
    assert "Traceback" not in out and "internal error" not in out
    assert out.count("old") == 3, out
    assert sorted(names) in [sorted(line.split()) for line in out.splitlines()], out  # no partial files


def test_report_exports_and_plots_get_the_users_umask(tmp_path: Path) -> None:
    db = _corpus_database(tmp_path)
    old = os.umask(0o022)
    try:
        code, _, err = invoke("report", "--db", db, "--csv", tmp_path / "out", "--plots", tmp_path / "out")
    finally:
        os.umask(old)
    assert code == 0, err
    modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in (tmp_path / "out").iterdir()}
    assert modes and set(modes.values()) == {0o644}, modes
