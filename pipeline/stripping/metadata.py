"""Author, date and tags of a parsed page: the parts of trafilatura's metadata pass we use, cheaper.

Trafilatura's own pass (``extract_metadata``) also reads the site name, licence, categories and
title, copies the whole tree to search for an author, and runs htmldate's extensive date search.
We read the meta tags and JSON-LD with its functions, and search the page for a byline and tag
links with its XPath expressions (``trafilatura.xpaths``: ``AUTHOR_XPATHS``,
``AUTHOR_DISCARD_XPATHS``, ``TAGS_XPATHS``) restated as tests on each element's attributes:
libxml2 evaluates those predicates at some microseconds an element, several milliseconds a page
each, about eight times the cost of one pass of ``iter`` with the same tests in Python.
``tests/unit/test_stripping_metadata.py`` holds them to trafilatura's expressions.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura.baseline import block_text
from trafilatura.metadata import examine_meta, extract_meta_json, normalize_authors
from trafilatura.utils import line_processing, trim
from trafilatura.xml import delete_element

Finder = Callable[[HtmlElement], Iterator[HtmlElement]]


def _finder(tags: tuple[str, ...], test: Callable[[HtmlElement], bool], absolute: bool = True) -> Finder:
    """Elements of ``tags`` (all when empty) passing ``test``, in document order, as XPath gives
    them: from the document's root (``//``), or below the element passed (``.//``).  Lazy: the
    byline search stops at the first element with a plausible text."""
    def find(tree: HtmlElement) -> Iterator[HtmlElement]:
        top = tree.getroottree().getroot() if absolute else tree
        for el in top.iter(*tags) if tags else top.iter():
            if (absolute or el is not top) and test(el):
                yield el
    return find


def _has(attr: str, pattern: str) -> Callable[[HtmlElement], bool]:
    """``re:test(@attr, pattern)``."""
    search = re.compile(pattern).search
    return lambda el: search(el.get(attr) or "") is not None


def _within(containers: Finder) -> Finder:
    """``containers//a[@href]``: links under any container, each once, in document order."""
    def find(tree: HtmlElement) -> Iterator[HtmlElement]:
        seen: set[HtmlElement] = set()
        for box in containers(tree):  # document order; a box inside another adds no new link
            for a in box.iterdescendants("a"):
                if a.get("href") is not None and a not in seen:
                    seen.add(a)
                    yield a
    return find


def _me_child(el: HtmlElement) -> bool:
    """``rel='me'``: a child element named ``rel`` reading "me" (trafilatura's typo for ``@rel``, kept)."""
    return any(child.tag == "rel" and child.text_content() == "me" for child in el.iterchildren("rel"))


_AUTHOR_NAME, _BYLINE_ID, _BYLINE_CLASS = (
    _has("class", "author-?name|AuthorName|authorName"), _has("id", "author|zuozhe|bianji|xiaobian"),
    _has("class", "author|channel-name|zuozhe|bianji|xiaobian|submitted-by|posted-by|journalist-name"))
_ANY_ID, _ANY_CLASS = _has("id", "[Aa]uthor"), _has("class", "[Aa]uthor|screenname|writer|[Bb]yline")
_SPECIFIC_TAGS = ("a", "address", "div", "link", "p", "span", "strong")

# trafilatura.xpaths.AUTHOR_XPATHS: specific and almost specific, generic, last resort
AUTHOR_FINDERS: list[Finder] = [
    _finder((*_SPECIFIC_TAGS, "author"), lambda el: el.tag == "author" or (
        el.get("rel") == "author" or el.get("id") == "author" or el.get("class") == "author"
        or el.get("itemprop") == "author name" or _me_child(el)
        or el.get("data-testid") in ("AuthorCard", "AuthorURL") or _AUTHOR_NAME(el))),
    _finder(("a", "div", "h3", "h4", "p", "span"), lambda el: (
        el.get("class") in ("byline", "username", "byl", "BBL") or "author" in el.get("itemprop", "")
        or _BYLINE_ID(el) or _BYLINE_CLASS(el))),
    _finder((), lambda el: isinstance(el.tag, str) and (
        "Byline" in el.get("data-component", "") or "author" in el.get("itemprop", "")
        or _ANY_ID(el) or _ANY_CLASS(el))),
]
_DISCARD_ID = _has("id", "^comments|comment-?list|ProductReviews")
_DISCARD_CLASS = _has("class", "^[Cc]omments|commentlist|comments-list|sidebar|is-hidden|quote|embedly-instagram|"
                               "article-(?:share|support)|print|category|meta-date|meta-reviewer")
# trafilatura.xpaths.AUTHOR_DISCARD_XPATHS: comments, sidebars, dates and figures name people who are not the byline
AUTHOR_DISCARD: list[Finder] = [
    _finder(("a", "div", "section", "span"), lambda el: (
        el.get("id") == "comments" or el.get("class") in ("comments", "title", "date")
        or _DISCARD_ID(el) or _DISCARD_CLASS(el) or "Figure" in el.get("data-component", "")), absolute=False),
    _finder(("time", "figure"), lambda el: True),
]
_TAG_BOX_CLASS = re.compile("^(?:tag|postmeta|meta)").search
# trafilatura.xpaths.TAGS_XPATHS: tag links in the usual blog/CMS containers
TAG_FINDERS: list[Finder] = [
    _within(_finder(("div",), lambda el: el.get("class") == "tags")),
    _within(_finder(("p",), lambda el: el.get("class", "").startswith("entry-tags"))),
    _within(_finder(("div",), lambda el: el.get("class") in ("row", "jp-relatedposts", "entry-utility")
                    or _TAG_BOX_CLASS(el.get("class") or "") is not None)),
    _within(_finder((), lambda el: isinstance(el.tag, str) and (
        el.get("class") == "entry-meta" or "topics" in el.get("class", "") or "tags-links" in el.get("class", "")))),
]
_TAG_HREF = re.compile("/tag(?:y|ies|s)?/")


def tag_links(tree: HtmlElement) -> list[str]:
    """Tag labels from links to tag pages (trafilatura's ``extract_catstags("tag", ...)``)."""
    results: list[str] = []
    for find in TAG_FINDERS:
        results.extend(block_text(el) for el in find(tree) if _TAG_HREF.search(el.attrib["href"]))
        if results:
            break
    return [r for r in dict.fromkeys(line_processing(x) for x in results if x) if r]


def _first_text(tree: HtmlElement, finders: Iterable[Finder], len_limit: int) -> str | None:
    """The first found element's text of a plausible length (trafilatura's ``extract_metainfo``)."""
    for find in finders:
        for el in find(tree):
            content = trim(" ".join(el.itertext()))
            if content and 2 < len(content) < len_limit:
                return content
    return None


def byline(tree: HtmlElement) -> str | None:
    """The author named in the page's byline markup (trafilatura's ``extract_author``).  Prunes
    ``tree`` in place where trafilatura prunes a copy, so it runs last."""
    for find in AUTHOR_DISCARD:
        for el in list(find(tree)):  # found first, then deleted: deleting would disturb the walk
            delete_element(el)
    found = _first_text(tree, AUTHOR_FINDERS, len_limit=120)
    return normalize_authors(None, found) if found else None


def page_metadata(tree: HtmlElement, url: str | None) -> dict:
    """Title, author, date and tags from meta tags, JSON-LD and the page's markup.  htmldate does
    its quick search only (URL, meta tags, JSON-LD, abbr/time elements, title), not a scan of every
    date-like string.  Prunes ``tree`` in place (see ``byline``)."""
    meta = examine_meta(tree)
    if meta.author and " " not in meta.author:
        meta.author = None  # trafilatura's own rule: a one-word author is a handle
    with contextlib.suppress(Exception):  # trafilatura guards its JSON-LD reader the same way
        meta = extract_meta_json(tree, meta)
    date = find_date(tree, extensive_search=False, original_date=True, url=url or meta.url,
                     max_date=datetime.now().astimezone().strftime("%Y-%m-%d"))
    tags = meta.tags or tag_links(tree)
    return {"title": meta.title, "author": meta.author or byline(tree), "date": date, "tags": tags}
