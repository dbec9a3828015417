"""Topic names, under a configurable prefix, and which record each one carries."""

from __future__ import annotations

from dataclasses import dataclass

from newsflow.records import CleanArticle, DeadLetter, EnrichedArticle, Link, RawDocument, Record

# topic base name -> record type of its values (and the schema file that describes it)
TOPIC_RECORDS: dict[str, type[Record]] = {
    "news.raw": RawDocument,
    "news.clean": CleanArticle,
    "news.enriched": EnrichedArticle,
    "news.dlq": DeadLetter,
    "news.links": Link,
}


@dataclass(frozen=True)
class TopicNames:
    """The concrete topic names for one deployment."""

    prefix: str = ""

    def name(self, base: str) -> str:
        return f"{self.prefix}{base}"

    @property
    def raw(self) -> str:
        return self.name("news.raw")

    @property
    def clean(self) -> str:
        return self.name("news.clean")

    @property
    def enriched(self) -> str:
        return self.name("news.enriched")

    @property
    def dlq(self) -> str:
        return self.name("news.dlq")

    @property
    def links(self) -> str:
        return self.name("news.links")

    def base_of(self, topic: str) -> str:
        """``staging.news.raw`` -> ``news.raw`` (or the name unchanged)."""
        return topic[len(self.prefix):] if self.prefix and topic.startswith(self.prefix) else topic
