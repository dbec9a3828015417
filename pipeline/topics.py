"""Every topic name newsflow uses, under a configurable prefix, and which record each one carries.

No other module spells a topic name: code refers to these constants.
"""

from __future__ import annotations

from dataclasses import dataclass

from newsflow.records import CleanArticle, DeadLetter, EnrichedArticle, Link, RawDocument, Record

RAW = "news.raw"  # fetched or replayed documents, keyed by site
CLEAN = "news.clean"  # stripped articles
ENRICHED = "news.enriched"  # with attributions: what downstream consumers read
DLQ = "news.dlq"  # dead letters
LINKS = "news.links"  # article links announced by feeds, keyed by host
FEED_STATE = "news.feed_state"  # internal, compacted: per-feed fetch state (no published schema)

# topic base name -> record type of its values (and the schema file that describes it)
TOPIC_RECORDS: dict[str, type[Record]] = {
    RAW: RawDocument,
    CLEAN: CleanArticle,
    ENRICHED: EnrichedArticle,
    DLQ: DeadLetter,
    LINKS: Link,
}
INTERNAL_TOPICS = (FEED_STATE,)
ALL_TOPICS = (*TOPIC_RECORDS, *INTERNAL_TOPICS)
# Topics that hold the latest value per key: Kafka keeps the last record of each key
# for ever instead of dropping old segments, so feed state survives any retention.
# (Faust creates its tables' changelog topics compacted itself.)
COMPACTED = frozenset({FEED_STATE})


def topic_configs(base: str) -> dict[str, str]:
    """The topic-level configs newsflow creates the topic ``base`` with."""
    return {"cleanup.policy": "compact"} if base in COMPACTED else {}
REPLAYABLE = (RAW, CLEAN, ENRICHED, LINKS)  # where a dead letter may be re-published after a fix (links: given up)


@dataclass(frozen=True)
class TopicNames:
    """The concrete topic names for one deployment."""

    prefix: str = ""

    def name(self, base: str) -> str:
        return f"{self.prefix}{base}"

    @property
    def raw(self) -> str:
        return self.name(RAW)

    @property
    def clean(self) -> str:
        return self.name(CLEAN)

    @property
    def enriched(self) -> str:
        return self.name(ENRICHED)

    @property
    def dlq(self) -> str:
        return self.name(DLQ)

    @property
    def links(self) -> str:
        return self.name(LINKS)

    def base_of(self, topic: str) -> str:
        """``staging.news.raw`` -> ``news.raw`` (or the name unchanged)."""
        return topic[len(self.prefix):] if self.prefix and topic.startswith(self.prefix) else topic
