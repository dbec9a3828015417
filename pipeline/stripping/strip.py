"""``strip_boilerplate``: one document in, one ``CleanArticle`` out.

Chooses the HTML or plain-text path, applies the optional per-site memory,
and fills the record (ids from ``newsflow.records``).  Pure: no broker, no I/O.
"""

from __future__ import annotations

import unicodedata

import lxml.etree
import lxml.html

from newsflow.content import looks_like_html
from newsflow.records import CleanArticle, content_id, url_id
from newsflow.stripping import html as html_path
from newsflow.stripping.lines import LineVerdict, classify_lines
from newsflow.stripping.site_memory import SiteBoilerplateMemory
from newsflow.stripping.text import Parts, assemble, mark_captions, split_text
from newsflow.urls import canonical_url
from newsflow.urls import site_key as site_of
from newsflow.versions import package_version

STRIPPER_VERSION = package_version("1.0.0", "newsflow.stripping")  # plus a hash of its rules and lexicons


def _is_html(document: str | bytes, content_type: str | None) -> bool:
    """HTML if the content type says so, text if it says text/plain, else sniff."""
    ctype = (content_type or "").split(";")[0].strip().lower()
    if ctype in ("text/html", "application/xhtml+xml"):
        return True
    if ctype == "text/plain":
        return False
    return looks_like_html(document)


def apply_site_memory(verdicts: list[LineVerdict], memory: SiteBoilerplateMemory | None,
                      site: str | None) -> list[LineVerdict]:
    """Mark kept lines the site repeats in most articles, then learn from this article's lines."""
    if memory is None or site is None:
        return verdicts
    kept = [i for i, v in enumerate(verdicts) if v.reason is None]
    hits = memory.recurring(site, [verdicts[i].text for i in kept])
    out = list(verdicts)
    for n in hits:
        i = kept[n]
        out[i] = LineVerdict(out[i].text, "site-recurring")
    memory.observe(site, [v.text for v in verdicts])  # learn after judging: an article never votes on itself
    return out


def _strip_text(document: str | bytes, memory, site) -> tuple[str | None, Parts, dict]:
    """Plain-text path."""
    text = unicodedata.normalize("NFC", _as_text(document))  # as the HTML path's parse does
    title, lines = split_text(text)
    verdicts = apply_site_memory(classify_lines(lines, title), memory, site)
    return title, assemble(mark_captions(verdicts)), {}


def _html_parts(document: str | bytes, url, memory, site, with_metadata: bool,
                prune: bool = True) -> tuple[str | None, Parts, dict, int]:
    """One HTML pass: trafilatura plus our rules; also the page's paragraph characters."""
    ex = html_path.extract(document, url=url, with_metadata=with_metadata, prune=prune)
    if ex is None:
        return None, Parts(), {}, 0
    verdicts = [LineVerdict(lead, None) for lead in ex.restored] + ex.verdicts
    verdicts = apply_site_memory(verdicts, memory, site)
    parts = assemble(mark_captions(verdicts))
    parts.captions = ex.facts.captions + [c for c in parts.captions if c not in ex.facts.captions]
    meta = dict(ex.metadata, language=ex.metadata.get("language") or ex.facts.language)
    for tag in (meta.get("tags") or []):
        if tag not in parts.tags:
            parts.tags.append(tag)
    return ex.facts.title or meta.get("title"), parts, meta, ex.page_chars


# A body under this share of the page's paragraph text, or this short, is checked against
# trafilatura on the unpruned page (rare: a few pages in a hundred).
_COLLAPSE_SHARE, _COLLAPSE_CHARS = 1 / 3, 250


def _body_chars(parts: Parts) -> int:
    return sum(map(len, parts.paragraphs))


def _strip_html(document: str | bytes, url, memory, site, with_metadata: bool = True) -> tuple[str | None, Parts, dict]:
    """HTML path with the collapse guard: when our body is a small fraction of the page's text, the
    same rules run on trafilatura's output for the page as it came (no pruning, no rescue of ours
    to blame); that body wins if it is over three times longer.  No article at all: the fragment
    fallback.  (The site memory is consulted once: the guard's pass runs without it.)"""
    title, parts, meta, page_chars = _html_parts(document, url, memory, site, with_metadata)
    body = _body_chars(parts)
    if body < _COLLAPSE_CHARS or body < _COLLAPSE_SHARE * page_chars:
        alt = _html_parts(document, url, None, None, with_metadata, prune=False)
        if _body_chars(alt[1]) > 3 * body:
            title, parts, meta, _ = alt
    if not parts.paragraphs:
        title, parts, meta = _strip_fragment(document, memory, site)
    return title, parts, meta


_BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "td", "dd", "dt",
           "figcaption", "div", "section", "article"}


def _fragment_lines(document: str | bytes) -> list[str]:
    """Text of the innermost blocks of markup trafilatura found no article in (a fragment,
    a feed's content field, a tiny page), so that short HTML is not emptied."""
    try:
        tree = lxml.html.fromstring(document)
    except (ValueError, lxml.etree.ParserError):
        return []
    lxml.etree.strip_elements(tree, "script", "style", "noscript", with_tail=False)
    blocks = [el for el in tree.iter() if el.tag in _BLOCKS
              and not any(child.tag in _BLOCKS for child in el.iterdescendants())]
    lines = [unicodedata.normalize("NFC", " ".join(el.text_content().split())) for el in (blocks or [tree])]
    return [line for line in lines if line]


def _strip_fragment(document: str | bytes, memory, site) -> tuple[str | None, Parts, dict]:
    """Fallback for HTML without an article container: the line classifier on its blocks."""
    verdicts = apply_site_memory(classify_lines(_fragment_lines(document), None), memory, site)
    return None, assemble(mark_captions(verdicts)), {}


def html_to_text(html: str | bytes) -> str:
    """The body ``strip_boilerplate`` gives for a page, one paragraph per line, without its
    metadata pass: the function the benchmark scores against trafilatura's defaults."""
    _, parts, _ = _strip_html(html, None, None, None, with_metadata=False)
    return "\n".join(parts.paragraphs)


def _authors(meta: dict) -> list[str]:
    """Trafilatura joins authors with "; "."""
    return [a.strip() for a in (meta.get("author") or "").split(";") if a.strip()]


def strip_boilerplate(document: str | bytes, *, url: str | None = None, content_type: str | None = None,
                      id: str | None = None, site_memory: SiteBoilerplateMemory | None = None) -> CleanArticle:
    """Strip page furniture from an HTML or plain-text article.

    ``content_type`` "text/plain" selects the text path (first line = title),
    "text/html" the HTML path; without it, a document starting with markup is
    HTML.  ``id`` defaults to the canonical URL's id, else the content's.
    ``site_memory`` (optional) removes lines the site repeats in most
    articles and learns from this one.
    """
    canonical = canonical_url(url) if url else None
    site = site_of(canonical)
    if _is_html(document, content_type):
        title, parts, meta = _strip_html(document, canonical, site_memory, site)
    else:
        title, parts, meta = _strip_text(document, site_memory, site)
    body = "\n\n".join(parts.paragraphs)
    doc_id = id or (url_id(canonical) if canonical else content_id(body or _as_text(document)))
    return CleanArticle(
        id=doc_id, title=title, body=body, paragraphs=parts.paragraphs, captions=parts.captions,
        credits=parts.credits, tags=parts.tags, authors=_authors(meta), published=meta.get("date"),
        language=meta.get("language"), url=canonical, removed=parts.removed, stripper_version=STRIPPER_VERSION,
    )


def _as_text(document: str | bytes) -> str:
    """The raw document as text, for a content id when nothing survived."""
    return document.decode("utf-8", "replace") if isinstance(document, bytes) else document


