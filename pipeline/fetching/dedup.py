"""Duplicate control: canonical URLs, a bounded seen-URL store, SimHash near-duplicates."""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable
from typing import Any

from trafilatura.deduplication import Simhash


class SeenUrls:
    """Bounded memory of canonical URL -> the ``updated`` stamp we fetched it at.

    An article is fetched again only when its feed reports a different updated
    time.  Bounded two ways, so months of operation keep a constant size: at most
    ``max_size`` URLs (the least recently fetched are forgotten first) and none older
    than ``max_age`` seconds (feeds stop announcing an article long before that).
    ``remember`` returns what it forgot, so a persistent copy can forget it too.
    """

    def __init__(self, max_size: int = 200_000, max_age: float | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.max_size, self.max_age, self.clock = max_size, max_age, clock
        self._items: OrderedDict[str, tuple[str, float]] = OrderedDict()  # url -> (updated, fetched at)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, url: str) -> bool:
        return url in self._items and not self._expired(self._items[url][1])

    def should_fetch(self, canonical_url: str, updated: str | None) -> bool:
        """True for a new (or forgotten) URL, or a known one whose feed says it changed."""
        known = self._items.get(canonical_url)
        if known is None or self._expired(known[1]):
            return True
        return bool(updated) and updated != known[0]

    def remember(self, canonical_url: str, updated: str | None, at: float | None = None) -> list[str]:
        """Record that ``canonical_url`` was fetched as of ``updated`` (at ``at``, default now);
        returns the URLs forgotten to stay within the bounds."""
        self._items[canonical_url] = (updated or "", self.clock() if at is None else at)
        self._items.move_to_end(canonical_url)
        forgotten = []
        while self._items and (len(self._items) > self.max_size or self._expired(next(iter(self._items.values()))[1])):
            forgotten.append(self._items.popitem(last=False)[0])
        return forgotten

    def _expired(self, at: float) -> bool:
        return self.max_age is not None and self.clock() - at > self.max_age

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able snapshot (oldest first) for a table or checkpoint file."""
        return {"max_size": self.max_size, "max_age": self.max_age,
                "items": [[url, updated, at] for url, (updated, at) in self._items.items()]}

    @classmethod
    def from_dict(cls, data: dict[str, Any], clock: Callable[[], float] = time.time) -> SeenUrls:
        """Rebuild from ``to_dict`` output (expired entries are dropped on the way in)."""
        store = cls(int(data.get("max_size", 200_000)), data.get("max_age"), clock)
        for url, updated, at in data.get("items", []):
            store.remember(url, updated, at)
        return store


def page_text(tree: Any) -> str:
    """The text to fingerprint: paragraphs when the page has enough, else all text.

    Paragraphs skip most navigation and footer boilerplate, which would otherwise
    make every page of one site look alike.
    """
    if tree is None:
        return ""
    for junk in tree.xpath("//script|//style|//noscript"):
        junk.drop_tree()
    paragraphs = " ".join(p.text_content() for p in tree.iter("p"))
    text = paragraphs if len(paragraphs) >= 200 else tree.text_content()
    return " ".join(text.split())


def fingerprint(text: str) -> str:
    """A 64-bit SimHash of ``text`` as 16 hex digits (trafilatura's implementation)."""
    return f"{Simhash(text).hash:016x}"


class NearDuplicates:
    """Remembers recent fingerprints and says which earlier document one resembles.

    A linear scan over at most ``max_size`` 64-bit ints: cheap enough for news
    volumes (a few thousand articles an hour) and bounded in memory.
    """

    def __init__(self, threshold: float = 0.95, max_size: int = 50_000) -> None:
        self.threshold = threshold
        self._recent: deque[tuple[int, str]] = deque(maxlen=max_size)

    def check(self, doc_id: str, fingerprint_hex: str) -> str | None:
        """The id of an earlier near-duplicate (None if new); then remember this one."""
        value = int(fingerprint_hex, 16)
        max_bits = int((1.0 - self.threshold) * 64)
        match = None
        for other, other_id in self._recent:
            if other_id != doc_id and (value ^ other).bit_count() <= max_bits:
                match = other_id
                break
        self._recent.append((value, doc_id))
        return match
