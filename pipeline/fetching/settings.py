"""One frozen configuration object for the fetcher, built once at the CLI edge."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

DEFAULT_USER_AGENT = "newsflow/0.1"


@dataclass(frozen=True)
class FetchSettings:
    """Every knob of the fetcher; stages read this object, never the environment.

    Times are in seconds, sizes in bytes.  ``from_mapping`` rejects unknown keys so
    that a misspelt setting is an error instead of a silently ignored default.
    """

    user_agent: str = DEFAULT_USER_AGENT
    contact_url: str | None = None  # appended as "(+URL)" so site owners can reach us
    min_host_delay: float = 1.0  # between two requests to one host (robots may ask for more)
    max_crawl_delay: float = 60.0  # cap on a robots.txt Crawl-delay we are willing to honour
    global_concurrency: int = 32
    max_feeds_in_flight: int = 500  # feed polls (each with its articles) running at once
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    max_redirects: int = 5
    max_body_bytes: int = 5_000_000
    max_retries: int = 2  # extra attempts after a timeout, connection error, 5xx or 429
    backoff_base: float = 1.0  # first retry waits this long, doubling each time
    max_retry_after: float = 300.0  # longer Retry-After values are not waited for in-process
    min_poll_interval: float = 120.0
    default_poll_interval: float = 900.0
    max_poll_interval: float = 6 * 3600.0
    poll_jitter: float = 0.1  # fraction of the interval, so feeds drift apart
    max_seen_per_feed: int = 300  # entry fingerprints per FeedState (~70 B each in memory)
    max_seen_urls: int = 200_000
    max_articles_per_poll: int = 100  # per feed; a freshly added feed may list thousands
    max_child_sitemaps: int = 20
    robots_ttl: float = 24 * 3600.0
    robots_error_ttl: float = 600.0
    obey_robots: bool = True
    near_duplicate_threshold: float = 0.95  # Simhash similarity at or above which we mark
    max_fingerprints: int = 50_000
    drop_near_duplicates: bool = False
    allow_private_addresses: bool = False
    warc_path: str | None = None

    def __post_init__(self) -> None:
        _check_types(self)
        _check_ranges(self)

    @property
    def user_agent_header(self) -> str:
        """The User-Agent sent: product token plus the contact URL when configured."""
        if self.contact_url:
            return f"{self.user_agent} (+{self.contact_url})"
        return self.user_agent

    @property
    def robots_token(self) -> str:
        """The product token matched against robots.txt ``User-agent`` lines."""
        return self.user_agent.split("/", 1)[0].strip() or "*"

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> FetchSettings:
        """Build from a parsed config section; unknown keys are an error."""
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - names)
        if unknown:
            raise ValueError(f"unknown fetch settings: {', '.join(unknown)}")
        return cls(**dict(values))

    def replace(self, **changes: Any) -> FetchSettings:
        """A copy with some settings changed (validated again)."""
        return dataclasses.replace(self, **changes)


_ACCEPTED: dict[str, type | tuple[type, ...]] = {
    "str": str, "str | None": (str, type(None)), "float": (int, float), "int": int, "bool": bool}


def _check_types(settings: FetchSettings) -> None:
    """Reject wrongly typed values (ints are fine where floats are expected)."""
    for f in dataclasses.fields(settings):
        value = getattr(settings, f.name)
        expected = _ACCEPTED[str(f.type)]
        if isinstance(value, bool) and f.type != "bool":
            raise TypeError(f"{f.name}: expected {f.type}, got bool")
        if not isinstance(value, expected):
            raise TypeError(f"{f.name}: expected {f.type}, got {type(value).__name__}")


def _check_ranges(s: FetchSettings) -> None:
    """Reject values that would make the crawler impolite or stuck."""
    if s.min_host_delay < 0 or s.global_concurrency < 1 or s.max_redirects < 0:
        raise ValueError("min_host_delay >= 0, global_concurrency >= 1, max_redirects >= 0")
    if s.max_feeds_in_flight < 1 or s.max_articles_per_poll < 1:
        raise ValueError("max_feeds_in_flight >= 1 and max_articles_per_poll >= 1")
    if s.max_body_bytes < 1024 or s.max_retries < 0:
        raise ValueError("max_body_bytes >= 1024 and max_retries >= 0")
    if not 0 < s.min_poll_interval <= s.default_poll_interval <= s.max_poll_interval:
        raise ValueError("need 0 < min_poll_interval <= default_poll_interval <= max_poll_interval")
    if not 0 <= s.poll_jitter < 1 or not 0 < s.near_duplicate_threshold <= 1:
        raise ValueError("poll_jitter in [0, 1), near_duplicate_threshold in (0, 1]")
