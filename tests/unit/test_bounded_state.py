"""State that must stay bounded over months: seen URLs (count and age, persisted per partition)
and the site-boilerplate table (drops what the learner evicts)."""

from __future__ import annotations

import weakref
from types import SimpleNamespace

from faust.streams import _current_event

from newsflow.agents.fetcher import TableSeenUrls
from newsflow.agents.stripper import SiteMemoryTable
from newsflow.fetching import SeenUrls
from newsflow.stripping import SiteBoilerplateMemory

DAY = 86400.0


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_seen_urls_forget_by_age_and_by_count():
    clock = Clock()
    seen = SeenUrls(max_size=3, max_age=30 * DAY, clock=clock)
    assert seen.remember("u1", "2024-01-01") == []
    clock.now += 10 * DAY
    seen.remember("u2", None)
    assert not seen.should_fetch("u1", "2024-01-01")
    clock.now += 25 * DAY  # u1 is 35 days old: forgotten, so fetched again if a feed lists it
    assert seen.should_fetch("u1", "2024-01-01") and "u1" not in seen and "u2" in seen
    assert seen.remember("u3", None) == ["u1"]
    assert seen.remember("u4", None) == [] and seen.remember("u5", None) == ["u2"]  # count bound: 3
    assert len(seen) == 3
    restored = SeenUrls.from_dict(seen.to_dict(), clock=clock)
    assert restored.to_dict() == seen.to_dict()


class LinkEvent:
    def __init__(self, partition: int) -> None:
        self.message = SimpleNamespace(partition=partition)


def in_event(partition: int, action):
    """Run ``action`` as if inside the processing of a news.links message on ``partition``."""
    event = LinkEvent(partition)
    token = _current_event.set(weakref.ref(event))
    try:
        return action()
    finally:
        _current_event.reset(token)


def test_table_seen_urls_persist_per_partition_and_stay_bounded():
    clock, table = Clock(), {}
    seen = TableSeenUrls(table, max_size=4, max_age=7 * DAY, partitions=2, clock=clock)  # 2 per partition
    for n in range(3):
        in_event(0, lambda n=n: seen.remember(f"https://a.example/{n}", None))
        clock.now += 1
    in_event(1, lambda: seen.remember("https://b.example/0", "v1"))
    assert sorted(table) == [b"https://a.example/1", b"https://a.example/2", b"https://b.example/0"]
    assert not seen.should_fetch("https://b.example/0", "v1") and seen.should_fetch("https://b.example/0", "v2")
    seen.remember("https://c.example/0", None)  # outside a link (no partition): not persisted
    assert b"https://c.example/0" not in table

    # A rebalanced worker: a fresh store over the same table rebuilds its index and keeps the bounds.
    survivor = TableSeenUrls(table, max_size=4, max_age=7 * DAY, partitions=2, clock=clock)
    assert not survivor.should_fetch("https://a.example/2", None)
    clock.now += 8 * DAY
    assert survivor.should_fetch("https://a.example/2", None)  # too old to count
    in_event(0, lambda: survivor.remember("https://a.example/9", None))
    assert sorted(table) == [b"https://a.example/9", b"https://b.example/0"]


def test_site_table_drops_what_the_learner_evicts():
    memory = SiteBoilerplateMemory(max_sites=2)
    sites = SiteMemoryTable({}, None, memory)
    for site in ("a.example", "b.example", "c.example"):
        memory.observe(site, ["Subscribe to our newsletter", f"A story on {site}"])
        sites.saved_at.clear()
        sites.save(site)
        sites.forget_evicted()
    assert sorted(sites.table) == [b"b.example", b"c.example"] and len(memory) == 2
    assert sites.memory.drain_evicted() == []
