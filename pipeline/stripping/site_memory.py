"""Learn lines that recur across many articles of the same site ("site furniture").

A line that appears in most articles of a site ("Subscribe to the Daily
Herald", a standard disclaimer) is boilerplate there even if no generic rule
knows it.  ``SiteBoilerplateMemory`` counts, per site, in how many articles
each short line occurred, and flags a line once it has been seen in at least
``threshold`` of the site's articles.

Memory is bounded three ways: an LRU of at most ``max_sites`` sites, at most
``max_lines`` counters per site (the least-seen half is dropped when full,
so recurring lines survive), and only lines up to ``max_line_len`` characters
are counted (long paragraphs are article text, never furniture).  A warm-up
of ``min_articles`` articles keeps the first, few articles of a site from
being gutted.  State round-trips through plain dicts (``to_dict`` /
``from_dict``, also per site) so a Faust table can hold it.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from newsflow.stripping.lines import norm


def line_key(line: str) -> str:
    """Compact, stable key for a line: 16 hex chars of blake2b over its normalised form."""
    return hashlib.blake2b(norm(line).encode("utf-8"), digest_size=8).hexdigest()


@dataclass
class SiteStats:
    """Per-site counters: articles seen, and in how many of them each line key occurred."""

    articles: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"articles": self.articles, "counts": dict(self.counts)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SiteStats:
        return cls(articles=int(data["articles"]), counts={str(k): int(v) for k, v in data["counts"].items()})


class SiteBoilerplateMemory:
    """Bounded, serialisable memory of recurring lines per site (pure: no I/O, no clock)."""

    def __init__(self, *, max_sites: int = 1000, max_lines: int = 2000, min_articles: int = 20,
                 threshold: float = 0.5, max_line_len: int = 300, max_share: float = 0.5):
        if not (0 < threshold <= 1 and 0 < max_share <= 1):
            raise ValueError("threshold and max_share must be in (0, 1]")
        self.max_sites, self.max_lines, self.min_articles = max_sites, max_lines, min_articles
        self.threshold, self.max_line_len, self.max_share = threshold, max_line_len, max_share
        self._sites: OrderedDict[str, SiteStats] = OrderedDict()
        self._evicted: list[str] = []

    def __len__(self) -> int:
        return len(self._sites)

    def __contains__(self, site: str) -> bool:
        return site in self._sites

    def stats(self, site: str) -> SiteStats | None:
        """The counters of one site, if known (does not touch the LRU order)."""
        return self._sites.get(site)

    def observe(self, site: str, lines: list[str]) -> None:
        """Count one article of ``site``: each distinct short line once."""
        stats = self._touch(site)
        stats.articles += 1
        keys = {line_key(line) for line in lines if len(line) <= self.max_line_len and norm(line)}
        for key in keys:
            stats.counts[key] = stats.counts.get(key, 0) + 1
        if len(stats.counts) > self.max_lines:
            self._prune(stats)

    def is_recurring(self, site: str, line: str) -> bool:
        """True once the site is warmed up and the line occurred in >= threshold of its articles."""
        stats = self._sites.get(site)
        if stats is None or stats.articles < self.min_articles or len(line) > self.max_line_len:
            return False
        return stats.counts.get(line_key(line), 0) >= self.threshold * stats.articles

    def recurring(self, site: str, lines: list[str]) -> set[int]:
        """Indexes of recurring lines, or none if they would take more than ``max_share`` of the text."""
        hits = {i for i, line in enumerate(lines) if self.is_recurring(site, line)}
        removed_chars = sum(len(lines[i]) for i in hits)
        if removed_chars > self.max_share * max(1, sum(len(line) for line in lines)):
            return set()  # a page this dominated by furniture is better left to the other rules
        return hits

    def _touch(self, site: str) -> SiteStats:
        """Get or create a site's stats, marking it most recently used and evicting the oldest."""
        stats = self._sites.pop(site, None) or SiteStats()
        self._sites[site] = stats
        while len(self._sites) > self.max_sites:
            self._evicted.append(self._sites.popitem(last=False)[0])
        return stats

    def drain_evicted(self) -> list[str]:
        """The sites the LRU dropped since the last call (a persistent copy drops them too)."""
        evicted, self._evicted = self._evicted, []
        return [site for site in evicted if site not in self._sites]

    def _prune(self, stats: SiteStats) -> None:
        """Keep the most frequent half of the counters (recurring lines have the high counts)."""
        keep = sorted(stats.counts.items(), key=lambda kv: kv[1], reverse=True)[: self.max_lines // 2]
        stats.counts = dict(keep)

    def config(self) -> dict[str, Any]:
        return {"max_sites": self.max_sites, "max_lines": self.max_lines, "min_articles": self.min_articles,
                "threshold": self.threshold, "max_line_len": self.max_line_len, "max_share": self.max_share}

    def to_dict(self) -> dict[str, Any]:
        """Whole memory as plain JSON-able data (sites in LRU order, oldest first)."""
        return {"config": self.config(), "sites": {s: st.to_dict() for s, st in self._sites.items()}}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SiteBoilerplateMemory:
        memory = cls(**data.get("config", {}))
        for site, stats in data.get("sites", {}).items():
            memory.load_site(site, stats)
        return memory

    def site_to_dict(self, site: str) -> dict[str, Any] | None:
        """One site's state, e.g. the value of a Faust table keyed by site."""
        stats = self._sites.get(site)
        return stats.to_dict() if stats else None

    def load_site(self, site: str, data: dict[str, Any]) -> None:
        """Install one site's state (from ``site_to_dict``)."""
        self._touch(site)
        self._sites[site] = SiteStats.from_dict(data)
