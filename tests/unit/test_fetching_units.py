"""Pure, in-memory tests of the fetching stages (no sockets)."""

from __future__ import annotations

import random

import pytest

import newsflow.fetching as fetching
from newsflow.config import ConfigError
from newsflow.fetching import (
    FeedSpec,
    FeedState,
    FetchSettings,
    NearDuplicates,
    SeenUrls,
    add_feed,
    canonical_url,
    fingerprint,
    is_public_address,
    list_feeds,
    load_feeds,
    parse_feed,
    remove_feed,
)
from newsflow.fetching.decoding import decode_text
from newsflow.fetching.http import parse_retry_after
from newsflow.fetching.robots import crawl_delay
from newsflow.fetching.schedule import adapt_interval, entry_key, record_failure, record_success
from tests.fetch_server import atom_feed, json_feed, news_sitemap, rss_feed, sitemap_index

FRENCH = "Le café était très animé, où l'élève a mangé une crème brûlée à côté du théâtre. " * 5


def test_exported_names_exist():
    for name in fetching.__all__:
        assert hasattr(fetching, name), name


# ---- settings ---------------------------------------------------------------------

def test_settings_reject_unknown_and_mistyped_keys():
    with pytest.raises(ValueError, match="min_host_dealy"):
        FetchSettings.from_mapping({"min_host_dealy": 2})
    with pytest.raises(ConfigError, match="global_concurrency"):
        FetchSettings(global_concurrency=8.5)
    assert FetchSettings(global_concurrency="8").global_concurrency == 8  # text goes through config.coerce
    with pytest.raises(ValueError):
        FetchSettings(min_poll_interval=10, default_poll_interval=5)
    assert FetchSettings.from_mapping({"min_host_delay": 2}).min_host_delay == 2


def test_user_agent_carries_contact_url_and_robots_token():
    settings = FetchSettings(user_agent="newsflow/0.1", contact_url="https://example.org/bot")
    assert settings.user_agent_header == "newsflow/0.1 (+https://example.org/bot)"
    assert settings.robots_token == "newsflow"


# ---- decoding ---------------------------------------------------------------------

def test_wrong_declared_charset_falls_back_to_detection():
    text, codec, guessed = decode_text(FRENCH.encode("cp1252"), "text/html; charset=utf-8")
    assert text == FRENCH and codec == "cp1252" and guessed


def test_utf8_labelled_latin1_is_read_as_utf8():
    text, codec, guessed = decode_text(FRENCH.encode("utf-8"), "text/html; charset=iso-8859-1")
    assert text == FRENCH and codec == "utf-8" and guessed


def test_meta_charset_used_when_header_has_none():
    body = b'<html><head><meta charset="windows-1251"></head>' + "Привет мир".encode("cp1251")
    text, codec, _ = decode_text(body, "text/html")
    assert "Привет мир" in text and codec == "cp1251"


def test_unknown_charset_label_does_not_crash():
    text, _, guessed = decode_text("héllo wörld".encode(), "text/html; charset=x-bogus")
    assert text == "héllo wörld" and not guessed


# ---- canonical URLs and the seen store ---------------------------------------------

@pytest.mark.parametrize("raw, canonical", [
    ("https://www.Example.com/a/b/?utm_source=x&id=3&fbclid=9#frag", "https://example.com/a/b?id=3"),
    ("http://example.com/news/", "https://example.com/news"),
    ("https://example.com/story.php?sid=123", "https://example.com/story.php?sid=123"),
    ("https://example.com/?b=2&a=1", "https://example.com/?a=1&b=2"),
])
def test_canonicalize(raw, canonical):
    assert canonical_url(raw) == canonical


def test_seen_urls_refetch_only_when_updated_and_bounded():
    seen = SeenUrls(max_size=2)
    assert seen.should_fetch("u1", "2024-01-01")
    seen.remember("u1", "2024-01-01")
    assert not seen.should_fetch("u1", "2024-01-01")
    assert not seen.should_fetch("u1", None)
    assert seen.should_fetch("u1", "2024-01-02")
    seen.remember("u2", None)
    seen.remember("u3", None)
    assert len(seen) == 2 and "u1" not in seen
    assert SeenUrls.from_dict(seen.to_dict()).to_dict() == seen.to_dict()


def test_near_duplicates_marked_distinct_pages_not():
    words = "the minister said on tuesday that the budget would be balanced by next year".split()
    rng = random.Random(4)
    text_a = " ".join(rng.choice(words) for _ in range(400))
    text_b = " ".join(rng.choice(words + ["football", "goal", "striker"]) for _ in range(400))
    index = NearDuplicates(threshold=0.9)
    assert index.check("a", fingerprint(text_a)) is None
    assert index.check("a2", fingerprint(text_a + " Updated at 10:42.")) == "a"
    assert index.check("b", fingerprint("Completely different: " + text_b[::-1])) is None


# ---- schedule -----------------------------------------------------------------------

def test_adaptive_interval_moves_within_bounds():
    s = FetchSettings(min_poll_interval=60, default_poll_interval=600, max_poll_interval=3600)
    assert adapt_interval(600, 5, s) == 300
    assert adapt_interval(600, 0, s) == 900
    assert adapt_interval(600, 1, s) == 600
    assert adapt_interval(70, 9, s) == 60
    assert adapt_interval(3000, 0, s) == 3600


def test_failures_back_off_and_honour_retry_after():
    s = FetchSettings(min_poll_interval=60, default_poll_interval=600, max_poll_interval=3600,
                      poll_jitter=0)
    state = FeedState.new("https://x.org/feed", s)
    record_failure(state, "timeout", 1000, s)
    assert state.next_due == 1600 and state.failures == 1
    record_failure(state, "timeout", 1000, s)
    assert state.next_due == 2200
    record_failure(state, "rate_limited", 1000, s, retry_after=7200)
    assert state.next_due == 8200
    record_success(state, 3, 5000, s)
    assert state.failures == 0 and state.last_error is None and state.interval == 300


def test_feed_state_round_trips_and_bounds_seen():
    s = FetchSettings()
    state = FeedState.new("https://x.org/feed", s, interval=300)
    state.mark_seen([entry_key(f"https://x.org/{i}", None) for i in range(10)], limit=4)
    assert len(state.seen) == 4 and state.fixed_interval
    again = FeedState.from_dict(state.to_dict())
    assert again == state and again.has_seen(entry_key("https://x.org/9", None))
    with pytest.raises(ValueError):
        FeedState.from_dict({**state.to_dict(), "bogus": 1})


# ---- feed list ----------------------------------------------------------------------

def test_feed_list_toml_add_list_remove(tmp_path):
    path = tmp_path / "feeds.toml"
    add_feed(path, "https://a.org/rss", interval=600, tags=("uk", "politics"))
    add_feed(path, "https://b.org/atom")
    assert load_feeds(path) == [FeedSpec("https://a.org/rss", 600.0, ("uk", "politics")),
                                FeedSpec("https://b.org/atom")]
    assert list_feeds(path) == ["https://a.org/rss every 600s tags=uk,politics", "https://b.org/atom"]
    assert remove_feed(path, "https://a.org/rss") and not remove_feed(path, "https://a.org/rss")
    assert [f.url for f in load_feeds(path)] == ["https://b.org/atom"]


def test_feed_list_plain_text_and_errors(tmp_path):
    path = tmp_path / "feeds.txt"
    path.write_text("# news\nhttps://a.org/rss\n\nhttps://b.org/atom  # comment\n")
    assert [f.url for f in load_feeds(path)] == ["https://a.org/rss", "https://b.org/atom"]
    bad = tmp_path / "bad.toml"
    bad.write_text('[[feed]]\nurl = "https://a.org/rss"\nintervall = 5\n')
    with pytest.raises(ValueError, match="intervall"):
        load_feeds(bad)
    with pytest.raises(ValueError):
        FeedSpec("ftp://a.org/rss")


# ---- feed formats -------------------------------------------------------------------

ITEMS = [{"link": "https://n.org/a/1", "title": "One", "author": "Ann Lee",
          "date": "Tue, 10 Jun 2003 04:00:00 GMT", "updated": "2024-05-01T10:00:00Z"},
         {"link": "https://n.org/a/2", "title": "Two"}]


def _base(text: str) -> bytes:
    return text.replace("{base}", "https://n.org").encode()


@pytest.mark.parametrize("builder, kind", [(rss_feed, "rss20"), (atom_feed, "atom10"),
                                           (json_feed, "json")])
def test_parse_rss_atom_json(builder, kind):
    feed = parse_feed(_base(builder(ITEMS)), "https://n.org/feed")
    assert feed.kind == kind and feed.error is None
    assert [e.link for e in feed.entries] == ["https://n.org/a/1", "https://n.org/a/2"]
    first = feed.entries[0]
    assert first.title == "One" and first.authors == ("Ann Lee",)
    assert first.published in ("2003-06-10T04:00:00Z", "2024-05-01T10:00:00Z") or first.updated
    assert first.feed_url == "https://n.org/feed" and first.feed_title


def test_parse_rss_dates_and_language():
    feed = parse_feed(_base(rss_feed(ITEMS)), "https://n.org/rss")
    assert feed.entries[0].published == "2003-06-10T04:00:00Z"
    assert feed.language == "en" and feed.title == "Test RSS"


def test_parse_rss_09x_and_rdf():
    rss091 = b'<?xml version="1.0"?><rss version="0.91"><channel><title>Old</title>' \
             b"<item><title>A</title><link>https://o.org/a</link></item></channel></rss>"
    rdf = b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" ' \
          b'xmlns="http://purl.org/rss/1.0/"><channel rdf:about="https://o.org/"><title>R</title>' \
          b'</channel><item rdf:about="https://o.org/b"><title>B</title><link>https://o.org/b</link>' \
          b"</item></rdf:RDF>"
    assert [e.link for e in parse_feed(rss091, "https://o.org/rss").entries] == ["https://o.org/a"]
    assert [e.link for e in parse_feed(rdf, "https://o.org/rdf").entries] == ["https://o.org/b"]


def test_parse_news_sitemap_and_index():
    feed = parse_feed(_base(news_sitemap(ITEMS)), "https://n.org/sitemap.xml")
    assert feed.kind == "sitemap" and len(feed.entries) == 2
    entry = feed.entries[0]
    assert (entry.title, entry.language, entry.feed_title) == ("One", "de", "Test News")
    assert entry.published == "2003-06-10T04:00:00Z"  # RFC 822 dates are tolerated too
    assert feed.entries[1].published == "2024-05-01T08:00:00Z"
    index = parse_feed(sitemap_index(["https://n.org/s1.xml", "/s2.xml"]).encode(), "https://n.org/i.xml")
    assert index.kind == "sitemapindex" and index.sitemaps == ["https://n.org/s1.xml", "https://n.org/s2.xml"]


def test_parse_garbage_reports_an_error():
    assert parse_feed(b"<html><body>not a feed", "https://n.org/x").error
    assert parse_feed(b"{not json", "https://n.org/x.json").error


# ---- HTTP helpers -------------------------------------------------------------------

def test_public_address_check():
    for private in ("127.0.0.1", "10.1.2.3", "192.168.0.1", "169.254.169.254", "::1", "fe80::1",
                    "::ffff:127.0.0.1", "0.0.0.0", "100.64.0.1", "224.0.0.1"):
        assert not is_public_address(private), private
    assert is_public_address("93.184.216.34") and is_public_address("2606:4700::1111")


def test_retry_after_parsing():
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_crawl_delay_groups_and_fractions():
    text = "User-agent: googlebot\nCrawl-delay: 5\n\nUser-agent: *\nCrawl-delay: 0.5\nDisallow: /x\n"
    assert crawl_delay(text, "newsflow") == 0.5
    assert crawl_delay(text, "Googlebot") == 5.0
    assert crawl_delay("User-agent: *\nDisallow:\n", "newsflow") is None
