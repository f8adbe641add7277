"""RSS and Atom feeds: one article per entry, title then content; entries without content or too long
are problems of their own."""

from __future__ import annotations

from proplens.sources import Limits, Loaded, Problem, read_feed
from tests.fixtures_web import ATOM, RSS


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


def test_an_entry_over_the_character_limit_is_refused_not_truncated() -> None:
    items = list(read_feed("gazette.rss", RSS, Limits(max_chars=40)))
    assert isinstance(items[0], Problem) and "more than the limit of 40" in items[0].message
