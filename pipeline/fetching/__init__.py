"""The fetcher: a broker-free library that polls feeds and fetches articles politely.

Typical use (an agent wraps this; tests call it directly)::

    settings = FetchSettings(contact_url="https://example.org/bot")
    async with FeedCrawler(load_feeds("feeds.toml"), publish, settings,
                           states=saved_states, on_state=save_state) as crawler:
        report = await crawler.poll_once()  # the worker's leader calls this on a timer
"""

from ..config import FetchSettings
from ..urls import canonical_url
from .crawler import FeedCrawler, PollReport, SeenStore, build_document
from .dedup import NearDuplicates, SeenUrls, fingerprint
from .feedlist import FeedSpec, add_feed, list_feeds, load_feeds, remove_feed, save_feeds
from .feeds import FeedEntry, ParsedFeed, parse_feed
from .http import BlockedAddress, FetchResult, HttpClient, is_public_address
from .politeness import HostScheduler
from .robots import RobotsCache
from .schedule import FeedState
from .stats import FetchStats
from .warc import WarcRecord, WarcWriter, iter_warc_records

__all__ = [
    "BlockedAddress", "FeedCrawler", "FeedEntry", "FeedSpec", "FeedState", "FetchResult",
    "FetchSettings", "FetchStats", "HostScheduler", "HttpClient", "NearDuplicates", "ParsedFeed",
    "PollReport", "RobotsCache", "SeenStore", "SeenUrls", "WarcRecord", "WarcWriter", "add_feed",
    "build_document", "canonical_url", "fingerprint", "is_public_address", "iter_warc_records",
    "list_feeds", "load_feeds", "parse_feed", "remove_feed", "save_feeds",
]
