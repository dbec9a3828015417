"""HTML path: parse once, run trafilatura on the tree, then fix what it is known to get wrong.

1. Parse once (trafilatura's loader), drop scripts/styles/comments, open ``<details>``.
2. Read what trafilatura does not give back: headline, meta description, captions.
3. Run trafilatura on the tree (it works on its own copy).
4. If a footer/embed/widget-named container holding most of the paragraphs was thrown
   away, rename it and run once more (``restore.lost_containers``).
5. Put back lists, sub-headings and boxes dropped between kept paragraphs (``restore``).
6. Classify every line (``lines.py``): head/tail leftovers go, each with a reason.
7. Restore the lead/deck (``<header>``, ``p.intro``, standfirst) if the text lost it.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from lxml import etree
from lxml import html as lxml_html
from lxml.html import HtmlElement
from trafilatura import bare_extraction
from trafilatura.utils import decode_file, is_dubious_html, repair_faulty_html

from newsflow.content import primary_language
from newsflow.stripping.lines import LineVerdict, classify_lines, norm
from newsflow.stripping.metadata import page_metadata
from newsflow.stripping.readability_gate import gated
from newsflow.stripping.restore import (
    contains,
    insert_lists,
    lost_containers,
    missing_lists,
    neutralise,
    paragraph_chars,
    split_glued,
    squash_lines,
)

# Class/id tokens that mark a lead, deck or standfirst paragraph.
_LEAD_NAME = re.compile(
    r"(?:^|[-_ ])(?:lead|leader|intro|introduction|standfirst|stand-first|deck|dek|abstract|summary|excerpt|"
    r"teaser|subline|sub-?title|subheadline|description|chapeau|chapo|entradilla|sumario|bajada|"
    r"occhiello|sommario|lide|linha-fina|zajawka|vorspann|anriss|einleitung)(?:$|[-_ ]|text|-text)",
)  # search lower-cased attribute values (much faster than re.IGNORECASE)
# Ancestors that make a candidate lead a navigation/teaser item instead.
_BAD_ANCESTORS = {"nav", "aside", "footer", "li", "a", "figure", "figcaption", "form", "button", "select", "label"}
_BAD_ANCESTOR_NAME = re.compile(
    r"related|teaser-?list|sidebar|recommend|popular|newsletter|comment|footer|nav|author|bio(?:$|[-_ ])|profile|promo|"
    r"subscri|paywall|signup|share|social|widget|most-|more-|further|weitere|list",
    re.I,
)
_LEAD_MIN, _LEAD_MAX = 60, 800
_TEXT_TAGS = {"p", "div", "span", "h2", "h3", "strong", "section", "header"}


@dataclass
class PageFacts:
    """What the raw tree tells us before extraction."""

    title: str | None = None
    description: str | None = None
    leads: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    language: str | None = None


# trafilatura's parser settings, with lxml.html's element classes picked in C: lxml.html's own
# lookup is a Python call for every element proxy made, and trafilatura makes millions (about
# 5 % of the extraction's time).  Only forms lose their special classes, which nothing here uses.
_PARSER = lxml_html.HTMLParser(collect_ids=False, default_doctype=False, encoding="utf-8",
                               remove_comments=True, remove_pis=True)
_PARSER.set_element_class_lookup(etree.ElementDefaultClassLookup(
    element=lxml_html.HtmlElement, comment=lxml_html.HtmlComment, pi=lxml_html.HtmlProcessingInstruction,
    entity=lxml_html.HtmlEntity))


def _fromstring(html: str | bytes) -> HtmlElement | None:
    try:
        return lxml_html.fromstring(html, parser=_PARSER)
    except (ValueError, etree.LxmlError):
        return None


def parse(document: str | bytes) -> HtmlElement | None:
    """Parse HTML once, as trafilatura's ``load_html`` does (charset sniffing, repairs, the
    byte-string retry and its rejection of what is not HTML), with ``_PARSER``; text in NFC."""
    # NFC, as trafilatura's extract() returns its text: a page typed with combining marks ("e" +
    # U+0301, Bengali nukta forms) otherwise gives text that neither searches nor compares equal.
    text = unicodedata.normalize("NFC", decode_file(document))
    beginning = text[:50].lower()
    text = repair_faulty_html(text, beginning)
    tree = _fromstring(text)  # None on "Unicode strings with encoding declaration are not supported"
    if tree is None or len(tree) < 1:
        tree = _fromstring(text.encode("utf8", "surrogatepass"))
    if tree is None:
        return None
    if is_dubious_html(beginning) and len(tree) < 2:
        return None
    return tree


# Dead weight every later copy of the tree would carry; trafilatura drops it anyway.
# JSON-LD stays: trafilatura's baseline and metadata read it.
_DEAD_TAGS = ("script", "style", "svg", "template", "iframe", "button", "select", "textarea", "canvas", "video",
              "audio", "object", "dialog", "noscript", "input", "label", "link", "map", "picture", "embed",
              "fieldset", "option", "menu", "nav", etree.Comment)
_JSON_LD = etree.XPath("//script[contains(@type,'ld+json')]")
# Dead-tag elements that can hold paragraphs: the parser nests the page into an unclosed <button>
# (a publisher template's menu button wraps the whole article), or the article sits in a <dialog>.
_WRAPPER_TAGS = ("button", "select", "textarea", "dialog", "iframe", "object", "video", "audio", "canvas", "noscript",
                 "label", "map", "picture", "embed", "fieldset", "menu", "nav")
_WRAPPER_SHARE, _WRAPPER_MIN = 0.3, 500


def _keep_wrappers(tree: HtmlElement, tags: tuple[str, ...] = _WRAPPER_TAGS) -> None:
    """Rename dead-tag elements that hold much of the page's paragraph text to ``div``: deleting
    them would delete the article, for trafilatura's fallbacks too (they read the same tree)."""
    wrappers = [el for el in tree.iter(*tags) if el.find(".//p") is not None]
    if not wrappers:
        return
    total = paragraph_chars(tree)
    for el in wrappers:
        if paragraph_chars(el) >= max(_WRAPPER_MIN, _WRAPPER_SHARE * total):
            el.tag = "div"


def prune_dead(tree: HtmlElement) -> HtmlElement:
    """Remove scripts, styles, inline SVG, media, form controls, menus and comments in place
    (C-level, tails kept) unless they wrap the article; open up ``<details>`` disclosures (FAQs, "Key
    takeaways"), which trafilatura skips."""
    _keep_wrappers(tree)
    json_ld = _JSON_LD(tree)
    for node in json_ld:
        node.tag = "jsonld"  # hide from the strip below
    etree.strip_elements(tree, *_DEAD_TAGS, with_tail=False)
    for node in json_ld:
        node.tag = "script"
    for node in tree.iter("details", "summary"):
        node.tag = "div" if node.tag == "details" else "p"
    return tree


def _text(el: HtmlElement) -> str:
    """Whitespace-normalised text content of an element."""
    return " ".join(el.text_content().split())


def _meta(tree: HtmlElement, *names: str) -> str | None:
    """First non-empty <meta property|name=...> content among ``names``."""
    for name in names:
        for value in tree.xpath(f'//meta[@property="{name}" or @name="{name}"]/@content'):
            if value and value.strip():
                return " ".join(value.split())
    return None


def page_title(tree: HtmlElement) -> str | None:
    """The headline: first <h1>, else og:title, else <title>."""
    for h1 in tree.iterfind(".//h1"):
        text = _text(h1)
        if len(text) > 3:
            return text
    return _meta(tree, "og:title", "twitter:title") or (_text(tree.find(".//title")) if tree.find(".//title") is not None else None)


def _bad_ancestry(el: HtmlElement) -> bool:
    """True if the element sits in navigation, a list, a link, a figure or a related-stories block."""
    for anc in el.iterancestors():
        if anc.tag in _BAD_ANCESTORS or _BAD_ANCESTOR_NAME.search(f"{anc.get('class', '')} {anc.get('id', '')}"):
            return True
    return False


def _named_leads(tree: HtmlElement, stop: HtmlElement | None = None):
    """Elements of the tags a lead can be whose class or id reads like a lead, up to ``stop``
    (the first paragraph the extraction kept: a lost lead comes before it)."""
    for el in tree.iter():
        if el is stop:
            return
        if el.tag in _TEXT_TAGS and (el.get("class") or el.get("id")) and \
                _LEAD_NAME.search(f"{el.get('class', '')} {el.get('id', '')}".lower()):
            yield el


def first_kept(tree: HtmlElement, text: str) -> HtmlElement | None:
    """The element holding the first long line of the extracted text (C-level search by its opening words)."""
    first = next((line for line in text.split("\n") if len(line) >= 80), None)
    if first is None:
        return None
    prefix = " ".join(first.split()[:6])
    if "'" in prefix and '"' in prefix:
        return None
    found = _STARTS_WITH(tree, prefix=prefix)
    return found[0] if found else None


_STARTS_WITH = etree.XPath("//*[self::p or self::h2][starts-with(normalize-space(.), $prefix)]")


def _candidates(tree: HtmlElement, description: str | None, stop: HtmlElement | None = None):
    """Yield (class, element) pairs: lead-named elements, then paragraphs repeating the meta description."""
    for el in _named_leads(tree, stop):
        yield el.get("class", ""), el
    if description and len(description) >= _LEAD_MIN:
        key = norm(description)
        prefix = " ".join(description.split()[:4])
        for el in _STARTS_WITH(tree, prefix=prefix):  # C-level scan for paragraphs opening like the description
            if norm(_text(el)) == key:
                yield "", el


def find_leads(tree: HtmlElement, description: str | None, stop: HtmlElement | None = None) -> list[str]:
    """Lead/deck candidates: a unique lead-named element, or a paragraph repeating the meta description."""
    found: list[tuple[str, str]] = []
    for cls, el in _candidates(tree, description, stop):
        text = _text(el)
        if not (_LEAD_MIN <= len(text) <= _LEAD_MAX) or not re.search(r"[.!?…]", text):
            continue
        if _clean_candidate(el, text):
            found.append((cls, text))
    # a class shared by several candidates is a teaser list, not the lead
    counts = Counter(cls for cls, _ in found if cls)
    return [text for cls, text in found if not cls or counts[cls] == 1][:3]


def _clean_candidate(el: HtmlElement, text: str) -> bool:
    """A lead is one plain paragraph: no nested blocks, few links, not in navigation or a teaser box."""
    if _BAD_ANCESTOR_NAME.search(f"{el.get('class', '')} {el.get('id', '')}"):
        return False
    blocks = [d for d in el.iterdescendants("p", "div", "ul", "ol", "li", "h1", "h2", "h3", "h4", "figure", "time")]
    if len(blocks) > 1:
        return False
    link_text = sum(len(_text(a)) for a in el.iterdescendants("a"))
    if link_text > 0.3 * len(text):
        return False
    if classify_lines([text])[0].reason is not None:
        return False
    return not _bad_ancestry(el)


def find_captions(tree: HtmlElement) -> list[str]:
    """Figure captions, in document order, deduplicated."""
    seen, out = set(), []
    for cap in tree.iter("figcaption"):
        text = _text(cap)
        if text and text not in seen:
            seen.add(text)
            out.append(text)
    return out


def page_facts(tree: HtmlElement) -> PageFacts:
    """Collect title, description and captions from the raw tree (leads come later, if needed)."""
    return PageFacts(
        title=page_title(tree),
        description=_meta(tree, "og:description", "description", "twitter:description"),
        captions=find_captions(tree),
        language=primary_language(tree.get("lang") or tree.get("xml:lang")),
    )


@dataclass
class Extraction:
    """Trafilatura's output on a page plus our verdicts on its lines."""

    facts: PageFacts
    verdicts: list[LineVerdict]
    restored: list[str]
    metadata: dict
    page_chars: int = 0  # paragraph text on the page: what a body far shorter than it is measured against


# Trafilatura settings, measured on the benchmark (see bench/boilerplate.py).
TRAFILATURA_OPTIONS = {"include_comments": False}


def run_trafilatura(tree: HtmlElement, url: str | None, **overrides) -> str:
    """Trafilatura's body text for the parsed tree (it copies it), with ``TRAFILATURA_OPTIONS``."""
    with gated():  # readability is skipped where it cannot change the result (``readability_gate``)
        doc = bare_extraction(tree, url=url, **{**TRAFILATURA_OPTIONS, **overrides})
    return (getattr(doc, "text", None) or "") if doc is not None else ""


def missing_leads(tree: HtmlElement, facts: PageFacts, text: str, keyed: list[str] | None = None) -> list[str]:
    """The first lead candidate, if the extraction lost it (at most one: a deck, not a teaser list).
    When the meta description is already in the text the lead is there too: no search.
    ``keyed``: the output lines as ``restore.squash_lines`` keys them (computed if not given)."""
    keyed = keyed if keyed is not None else squash_lines(text.split("\n"))
    if facts.description and len(facts.description) >= _LEAD_MIN and contains(keyed, facts.description):
        return []
    facts.leads = find_leads(tree, facts.description, first_kept(tree, text))
    return [lead for lead in facts.leads[:1] if not contains(keyed, lead)]


def _rerun_rescued(tree, containers, url, text) -> str:
    """Second trafilatura pass with the article's container renamed; kept only if it yields more."""
    neutralise(containers)
    new_text = run_trafilatura(tree, url)
    return new_text if len(new_text) > len(text) else text


def extract(document: str | bytes | HtmlElement, url: str | None = None, with_metadata: bool = False,
            prune: bool = True) -> Extraction | None:
    """Steps 1-7 of the module docstring (step 1's pruning only with ``prune``).
    A tree passed in is modified in place, and is taken as it is (``parse`` is what normalises to NFC)."""
    tree = document if isinstance(document, HtmlElement) else parse(document)
    if tree is None:
        return None
    facts = page_facts(prune_dead(tree) if prune else tree)
    text = run_trafilatura(tree, url)
    page_chars = paragraph_chars(tree)
    containers = lost_containers(tree, text, page_chars)
    if containers:
        text = _rerun_rescued(tree, containers, url, text)
    lines = split_glued(tree, [line.strip() for line in text.split("\n") if line.strip()])
    keyed = squash_lines(lines)
    lines = insert_lists(lines, missing_lists(tree, lines, keyed))
    verdicts = classify_lines(lines, facts.title)
    restored = missing_leads(tree, facts, text, keyed) if lines else []
    meta = page_metadata(tree, url) if with_metadata else {}
    return Extraction(facts, verdicts, restored, meta, page_chars)
