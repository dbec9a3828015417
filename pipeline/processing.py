"""The broker-free stages: raw document -> clean article -> enriched article.

Agents call these; so do ``newsflow extract`` and library users.  Nothing here
knows about Kafka.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from newsflow.attribution import ATTRIBUTOR_VERSION, analyse
from newsflow.records import CleanArticle, EnrichedArticle, RawDocument
from newsflow.screening import NotAnArticle, not_an_article, scrub
from newsflow.stripping import SiteBoilerplateMemory, strip_boilerplate


def scrub_raw(raw: RawDocument) -> RawDocument:
    """The document without NUL and other control characters in its text fields."""
    return replace(raw, body=scrub(raw.body), title=scrub(raw.title) if raw.title else raw.title,
                   authors=[scrub(a) for a in raw.authors])


def clean_document(raw: RawDocument, *, site_memory=None) -> CleanArticle:
    """Strip a raw document, carrying over the metadata the fetcher already knew.

    Raises ``NotAnArticle`` for binary or empty content and for pages without article text.
    """
    detected = not_an_article(raw.body)
    if detected:
        raise NotAnArticle(detected)
    raw = scrub_raw(raw)
    article = strip_boilerplate(raw.body, url=raw.url, content_type=raw.content_type, id=raw.id,
                                site_memory=site_memory)
    if not article.body.strip():
        raise NotAnArticle("no article text")
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


def clean_with_site_state(raw: RawDocument, site: str | None, state: dict[str, Any] | None,
                          memory_config: dict[str, Any]) -> tuple[CleanArticle, dict[str, Any] | None]:
    """``clean_document`` with one site's learnt lines passed in and the update handed back:
    the form a separate (killable) process can run, holding no state between calls."""
    if site is None:
        return clean_document(raw), None
    memory = SiteBoilerplateMemory(**memory_config)
    if state:
        memory.load_site(site, state)
    article = clean_document(raw, site_memory=memory)
    return article, memory.site_to_dict(site)


def enrich(article: CleanArticle) -> EnrichedArticle:
    """Add the attributions found in the article body."""
    found = analyse(article.body, article.title or "")
    return EnrichedArticle(article=article, attributions=found.attributions, attributor_version=ATTRIBUTOR_VERSION,
                           speakers=found.speakers)


def extract(document: str | bytes, *, url: str | None = None, content_type: str | None = None,
            id: str | None = None) -> EnrichedArticle:
    """Strip and enrich one document in-process: the whole pipeline without a broker."""
    return enrich(strip_boilerplate(document, url=url, content_type=content_type, id=id))
