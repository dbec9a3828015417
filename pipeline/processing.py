"""The broker-free stages: raw document -> clean article -> enriched article.

Agents call these; so do ``newsflow extract`` and library users.  Nothing here
knows about Kafka.
"""

from __future__ import annotations

from dataclasses import replace

from newsflow.attribution import ATTRIBUTOR_VERSION, find_attributions
from newsflow.records import CleanArticle, EnrichedArticle, RawDocument
from newsflow.stripping import strip_boilerplate


def clean_document(raw: RawDocument, *, site_memory=None) -> CleanArticle:
    """Strip a raw document, carrying over the metadata the fetcher already knew."""
    article = strip_boilerplate(raw.body, url=raw.url, content_type=raw.content_type, id=raw.id,
                                site_memory=site_memory)
    known = {
        "title": article.title or raw.title,
        "published": raw.published or article.published,
        "authors": raw.authors or article.authors,
        "language": raw.language or article.language,
        "url": raw.url or article.url,
        "feed_url": raw.feed_url,
        "feed_title": raw.feed_title,
        "duplicate_of": raw.duplicate_of,
    }
    return replace(article, **known)  # type: ignore[arg-type]  # field names checked by the schema tests


def enrich(article: CleanArticle) -> EnrichedArticle:
    """Add the attributions found in the article body."""
    return EnrichedArticle(article=article, attributions=find_attributions(article.body),
                           attributor_version=ATTRIBUTOR_VERSION)


def extract(document: str | bytes, *, url: str | None = None, content_type: str | None = None,
            id: str | None = None) -> EnrichedArticle:
    """Strip and enrich one document in-process: the whole pipeline without a broker."""
    return enrich(strip_boilerplate(document, url=url, content_type=content_type, id=id))
