"""proplens ingest: every input kind into the corpus, duplicates skipped, bad rows rejected with reasons."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from proplens.corpus.ingest import ingest
from proplens.errors import ProplensError
from proplens.sources import Limits, Loaded, Problem, parse_columns, read_feed, read_sources
from proplens.store import Store, content_hash
from tests.conftest import write

RSS = b"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>The Example Gazette</title>
<item><title>Council vote sparks row</title><link>http://news.test/1</link><guid>g1</guid>
<pubDate>Tue, 03 Mar 2026 10:00:00 GMT</pubDate>
<description>&lt;p&gt;The corrupt council betrayed its voters.&lt;/p&gt;
&lt;p&gt;Vote them out!&lt;/p&gt;</description></item>
<item><title>Empty one</title><link>http://news.test/2</link></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Daily</title>
<entry><title>Mayor lies again</title><id>urn:a1</id><updated>2026-02-01T00:00:00Z</updated>
<link href="http://atom.test/a1"/><content type="html">&lt;p&gt;A shameful day.&lt;/p&gt;</content></entry>
</feed>"""


def test_content_hash_ignores_case_and_spacing() -> None:
    assert content_hash("The  Mayor\nlied.") == content_hash("the mayor lied.")
    assert content_hash("the mayor lied.") != content_hash("the mayor lied!")


def test_csv_with_mapped_columns_and_rejected_rows(tmp_path: Path) -> None:
    path = write(
        tmp_path / "export.csv",
        "guid,body,headline,outlet,date\n"
        'c1,"The corrupt mayor lied.\nAgain.",Mayor lies,Gazette,2026-01-05\n'
        "c2,,Empty,Gazette,2026-01-06\n"
        "c3,Vote them out!,Slogan,Herald,not-a-date\n",
    )
    columns = parse_columns(["id=guid", "text=body", "title=headline", "source=outlet", "published=date"])
    items = list(read_sources([str(path)], columns=columns))
    assert [type(i).__name__ for i in items] == ["Loaded", "Problem", "Problem"]
    first = items[0]
    assert isinstance(first, Loaded)
    assert (first.article.id, first.article.source, str(first.article.published)) == (
        "c1",
        "Gazette",
        "2026-01-05",
    )
    assert first.article.text == "The corrupt mayor lied.\nAgain."
    assert (
        isinstance(items[1], Problem)
        and items[1].origin.endswith("export.csv:3")
        and "empty" in items[1].message
    )
    assert isinstance(items[2], Problem) and "not an ISO date" in items[2].message
    with pytest.raises(ProplensError, match="FIELD=COLUMN"):
        parse_columns(["body"])


def test_csv_without_the_needed_columns_says_which(tmp_path: Path) -> None:
    path = write(tmp_path / "x.csv", "a,b\n1,2\n")
    items = list(read_sources([str(path)]))
    assert isinstance(items[0], Problem) and "no column id or text" in items[0].message


def test_rss_and_atom_feeds() -> None:
    rss = list(read_feed("gazette.rss", RSS, Limits()))
    first = rss[0]
    assert isinstance(first, Loaded)
    assert (
        first.article.text
        == "Council vote sparks row\n\nThe corrupt council betrayed its voters.\n\nVote them out!"
    )
    assert (first.article.source, first.article.url, str(first.article.published)) == (
        "The Example Gazette",
        "http://news.test/1",
        "2026-03-03",
    )
    assert isinstance(rss[1], Problem) and "no content" in rss[1].message
    atom = list(read_feed("daily.atom", ATOM, Limits()))
    assert (
        isinstance(atom[0], Loaded)
        and atom[0].article.id == "urn:a1"
        and atom[0].article.source == "Atom Daily"
    )
    assert isinstance(next(read_feed("junk.xml", b"not a feed", Limits())), Problem)


def test_ingest_counts_new_duplicates_and_rejects(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write(folder / "a.txt", "Title A\n\nThe corrupt mayor lied.")
    write(folder / "b.txt", "Title A\n\nthe  corrupt mayor lied.")  # same text up to case and spacing
    write(folder / "feed.rss", RSS)
    write(folder / "bad.txt", b"\x00binary")
    write(
        folder / "more.jsonl",
        json.dumps({"id": "j1", "text": "Vote them out!", "source": "Herald", "published": "2026-01-02"})
        + "\n",
    )
    store = Store(f"sqlite:///{tmp_path / 'corpus.db'}")
    report = ingest(store, read_sources([str(folder)]), batch_size=2)
    assert (report.new, report.duplicate, len(report.rejected)) == (3, 1, 2)
    assert {Path(p.origin).name.split("#")[0] for p in report.rejected} == {"bad.txt", "feed.rss"}
    again = ingest(store, read_sources([str(folder)]))
    assert (again.new, again.duplicate) == (0, 4)
    assert store.corpus_size() == 3
