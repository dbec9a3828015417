"""Put back article text that trafilatura dropped.

* Lists, sub-headings and boxes sandwiched between kept paragraphs.  Without an
  article container trafilatura falls back to "wild text" recovery, which
  (outside recall mode) collects paragraphs but not lists or headings; FAQ
  boxes in "embed" blocks go the same way.  An element whose previous and next
  sibling blocks both made it into the output is part of the article: it is
  inserted (lists as "- item", trafilatura's own format) after the previous
  block.  Navigation-like elements (link-heavy, in nav/aside/footer, named like
  menus, share bars or promos) are never restored.
* A whole article inside a container whose name trafilatura discards
  ("page-footer", "w-embed", ...): see ``lost_containers``.
* Paragraph breaks, when trafilatura hands back a body glued into one line (its fallbacks do that
  on some templates): ``split_glued`` cuts the line where the page's blocks begin and end, so that
  a byline, a "Comments" heading or a related list inside it is a line the classifier can judge.
"""

from __future__ import annotations

import re
from itertools import islice

from lxml import etree
from lxml.html import HtmlElement

_KEY_LEN = 60  # compare blocks by the start of their normalised text
_SKIP_ANCESTORS = {"nav", "aside", "footer", "header", "menu", "form", "figure", "li", "table"}
_SKIP_NAME = re.compile(r"nav|menu|breadcrumb|related|share|social|tags?\b|comment|footer|sidebar|toc|pagination|widget")
_BLOCKS = {"p", "h2", "h3", "h4", "h5", "h6", "blockquote", "div", "pre", "summary", "ul", "ol"}
_REACH = 6  # sibling blocks to look past for a kept neighbour


_NON_ALNUM = re.compile(r"[\W_]+")
_NON_ALNUM_OR_NL = re.compile(r"[^\w\n]+|_+")


def _squash(text: str) -> str:
    """Letters and digits only: "Brand ReviewsIn" and "Brand Reviews In" compare equal."""
    return _NON_ALNUM.sub("", text.lower())


def _key(text: str) -> str:
    """Compare blocks by the start of their letters and digits."""
    return _squash(text[: 3 * _KEY_LEN])[:_KEY_LEN]


def _text(el: HtmlElement) -> str:
    return " ".join(el.text_content().split())


_HEAD = etree.XPath("substring(normalize-space(.), 1, 200)")  # enough to key a block, computed in C


def _names(el: HtmlElement) -> str:
    """Lower-cased class and id, for name tests."""
    return f"{el.get('class', '')} {el.get('id', '')}".lower()


def _navigation_like(el: HtmlElement) -> bool:
    """Menus, share bars, tables of contents.  Only the element and its parent are checked: its
    kept sibling paragraphs already vouch for the containers further up."""
    parent = el.getparent()
    if parent is not None and parent.tag in _SKIP_ANCESTORS:
        return True
    return bool(_SKIP_NAME.search(_names(el)))


def _items(lst: HtmlElement) -> list[str]:
    """The list's item texts, or [] if it is link-dominated or too thin to be prose bullets."""
    items = [_text(li) for li in lst.iterchildren("li")]
    items = [t for t in items if t]
    if len(items) < 2:
        return []
    total = sum(len(t) for t in items)
    links = sum(len(_text(a)) for a in lst.iterdescendants("a"))
    return items if links <= 0.3 * total else []


def _sibling_heads(lst: HtmlElement, forward: bool, limit: int = _REACH):
    """Text starts of the up to ``limit`` nearest previous/next sibling blocks with text
    (a dropped sub-heading may sit between a list and its kept paragraph)."""
    sib, seen = (lst.getnext() if forward else lst.getprevious()), 0
    while sib is not None and seen < limit:
        if isinstance(sib.tag, str) and sib.tag in _BLOCKS:
            head = _HEAD(sib)
            if head:
                seen += 1
                yield head
        sib = sib.getnext() if forward else sib.getprevious()


def _anchor(lst: HtmlElement, index: dict[str, int], forward: bool) -> int | None:
    """Output index of the nearest sibling block (within reach) that trafilatura kept."""
    for head in _sibling_heads(lst, forward):
        at = index.get(_key(head))
        if at is not None:
            return at
    return None


def squash_lines(lines: list[str]) -> list[str]:
    """Every line keyed (letters and digits only) with one regex pass over the whole text."""
    return _NON_ALNUM_OR_NL.sub("", "\n".join(lines).lower()).split("\n")


def contains(squashed_lines: list[str], text: str) -> bool:
    """Whether ``text`` (by its first letters and digits) occurs in the keyed output."""
    key = _key(text)
    return bool(key) and key in "".join(squashed_lines)


def missing_lists(tree: HtmlElement, lines: list[str],
                  squashed_lines: list[str] | None = None) -> list[tuple[int, list[str]]]:
    """(index of the output line to insert after, list lines) for each dropped in-article list."""
    candidates = _BESIDE_PARAGRAPH(tree)
    if not candidates:
        return []
    squashed_lines = squashed_lines if squashed_lines is not None else squash_lines(lines)
    index: dict[str, int] = {}
    for i, squashed_line in enumerate(squashed_lines):
        index.setdefault(squashed_line[:_KEY_LEN], i)
    found, squashed = [], "".join(squashed_lines)
    kept_parent: dict[HtmlElement, bool] = {}
    for el in candidates:
        parent = el.getparent()
        if parent not in kept_parent:  # one check per parent: does it hold a paragraph we kept?
            kept_parent[parent] = any(_key(_HEAD(p)) in index for p in parent.iterchildren("p"))
        if not kept_parent[parent]:
            continue
        if _navigation_like(el) or el.tag in ("div", "section") and _BOX_NAME.search(_names(el)):
            continue
        at = _anchor(el, index, forward=False)
        if at is None or _anchor(el, index, forward=True) is None:
            continue
        block = _block(el)
        if block and _squash(block[0])[:_KEY_LEN] not in squashed:
            found.append((at, block))
    return found


def _block(el: HtmlElement) -> list[str]:
    """The lines a dropped element contributes: a heading, list items, or a box's paragraphs."""
    if el.tag in ("ul", "ol"):
        return [f"- {t}" for t in _items(el)]
    if el.tag in ("div", "section"):
        return _box(el)
    return _heading(el)


_BOX_NAME = re.compile(r"related|teaser|newsletter|promo|advert|\bad\b|ads|social|share|comment|author|bio|sponsor|"
                       r"subscribe|signup|cta|banner|popup|modal|cookie|recommend|more|footer|caption|credit")


def _box(el: HtmlElement) -> list[str]:
    """Paragraphs of a sandwiched div the extractor skipped (an FAQ in an embed, a collapsed section),
    unless the box is named or shaped like a promo: two or more real paragraphs, few links."""
    paras = [t for t in (_text(p) for p in el.iter("p")) if len(t) >= 80]
    if len(paras) < 2:
        return []
    total = sum(len(t) for t in paras)
    links = sum(len(_text(a)) for a in el.iterdescendants("a"))
    return paras if links <= 0.2 * total else []


# Cheap pre-filter (in C): article lists, headings and boxes share a parent with paragraphs; menus rarely do.
_BESIDE_PARAGRAPH = etree.XPath(
    "//p/../*[self::ul or self::ol or self::h2 or self::h3 or self::h4]"
    "|//p/../*[self::div or self::section][count(.//p) >= 2]"
)


def _heading(el: HtmlElement) -> list[str]:
    """A sub-heading's text, if it reads like one (short, not a link)."""
    text = _text(el)
    if not text or len(text) > 150 or el.find(".//a") is not None and len(_text(el.find(".//a"))) >= len(text) / 2:
        return []
    return [text]


def insert_lists(lines: list[str], found: list[tuple[int, list[str]]]) -> list[str]:
    """Lines with the restored lists spliced in after their anchors."""
    after: dict[int, list[str]] = {}
    for at, items in found:
        after.setdefault(at, []).extend(items)
    out = []
    for i, line in enumerate(lines):
        out.append(line)
        out.extend(after.get(i, []))
    return out


# Container names trafilatura discards wholesale (its OVERALL_DISCARD_XPATH) that
# sometimes wrap the whole article: a "page-footer" holding the story list, an
# "embed" block holding the text, a "slide" wrapper around a longread.  When the
# extraction comes out far shorter than such a container's paragraphs, the
# container is renamed and trafilatura runs once more.
_RISKY_NAME = re.compile(r"footer|embed|slide|meta|widget|expand|viewport|sidebar")
_RESCUE_SHARE, _RESCUE_MIN, _LOST_SHARE = 0.6, 1000, 0.8
_P_TEXT = etree.XPath(".//p//text()", smart_strings=False)  # plain strings: no back-references to build


def paragraph_chars(el: HtmlElement) -> int:
    """Characters of paragraph text under ``el`` (what an article is made of)."""
    return sum(map(len, _P_TEXT(el)))


def lost_containers(tree: HtmlElement, text: str, total: int | None = None) -> list[HtmlElement]:
    """Boilerplate-named containers holding most of the page's paragraphs that the extraction
    (``text``) visibly lost: it is far shorter than their paragraph text.  Cheap when nothing is lost.
    ``total``: the page's paragraph characters, if already counted."""
    total = paragraph_chars(tree) if total is None else total
    if total < _RESCUE_MIN or len(text) >= _LOST_SHARE * total:
        return []  # the usual case: the extraction covers the paragraphs
    chars: dict[HtmlElement, int] = {}
    for p in tree.iter("p"):
        n = len(p.text_content())
        for anc in p.iterancestors():
            chars[anc] = chars.get(anc, 0) + n
    return [el for el, n in chars.items()
            if n >= _RESCUE_SHARE * total and len(text) < _LOST_SHARE * n and el.tag in ("div", "section", "span")
            and _RISKY_NAME.search(f"{el.get('class', '')} {el.get('id', '')}".lower())]


def neutralise(containers: list[HtmlElement]) -> None:
    """Drop the class/id that made trafilatura discard the article's container (in place)."""
    for el in containers:
        el.attrib.pop("class", None)
        el.attrib.pop("id", None)


_GLUED_MIN, _GLUED_SHARE = 1000, 0.5  # a line this long holding this share of the text is glued
_PIECE_MIN = 20  # shorter blocks ("Home", "|") are too common in a text to place
_LEAF_BLOCKS = ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "td", "dd", "dt",
                "section", "article", "header", "footer", "span", "figcaption")
_BLOCK_INSIDE = frozenset(_LEAF_BLOCKS) - {"span"}


def _leaf_blocks(tree: HtmlElement) -> list[str]:
    """Text of the blocks holding no other block, in document order, split at ``<br>`` (pages
    that separate paragraphs with ``<br><br>``); a ``span`` counts only where it sits directly
    in a block's text, as bylines do."""
    holders: set[HtmlElement] = set()  # elements with a block inside: one walk up from each block
    for block in tree.iter(*_BLOCK_INSIDE):
        for anc in block.iterancestors():
            if anc in holders:
                break
            holders.add(anc)
    out: list[str] = []
    for el in tree.iter(*_LEAF_BLOCKS):
        if el in holders:
            continue
        if el.tag == "span" and (el.getparent() is None or el.getparent().tag not in _BLOCK_INSIDE):
            continue
        out.extend(text for text in _br_segments(el) if len(text) >= _PIECE_MIN)
    return out


def _br_segments(el: HtmlElement) -> list[str]:
    """The element's text, cut at each ``<br>``, whitespace-normalised."""
    segments: list[list[str]] = [[]]

    def walk(node: HtmlElement) -> None:
        segments[-1].append(node.text or "")
        for child in node:
            if child.tag == "br":
                segments.append([])
            elif isinstance(child.tag, str):
                walk(child)
            segments[-1].append(child.tail or "")

    walk(el)
    return [" ".join("".join(parts).split()) for parts in segments]


def split_glued(tree: HtmlElement, lines: list[str]) -> list[str]:
    """``lines`` with each glued line cut at the page's block boundaries (its text kept in order,
    bar the spaces and "|" separators at the cuts)."""
    total = sum(map(len, lines))
    glued = [i for i, line in enumerate(lines) if len(line) >= _GLUED_MIN and len(line) >= _GLUED_SHARE * total]
    if not glued:
        return lines
    blocks = _leaf_blocks(tree)
    out: list[str] = []
    for i, line in enumerate(lines):
        out.extend(_cut(line, blocks) if i in glued else [line])
    return out


_KEY, _TRIES = 20, 64  # blocks are looked up by their first characters at the line's sentence starts
# The line's start, or the first character after sentence-ending punctuation and spaces.
_SENTENCE_START = re.compile(r"^\s*|(?<=[.!?:;\"'”’»)|…])\s+")
_NEXT_CHAR = re.compile(r"\s*(\S)")


def _cut(line: str, blocks: list[str]) -> list[str]:
    """Cut ``line`` around each block that stands in it as a whole: starting the line, a sentence or
    right after the block before it, and followed by the line's end or by anything but a lower-case
    word (a teaser's words inside an article sentence are not a block boundary).  Linear: blocks are
    looked up by their opening characters among those starts."""
    starts: dict[str, list[int]] = {}

    def may_start(at: int) -> None:
        starts.setdefault(line[at:at + _KEY], []).append(at)

    for m in _SENTENCE_START.finditer(line):
        may_start(m.end())
    cuts = {0, len(line)}
    for block in blocks:
        for at in islice(starts.get(block[:_KEY], ()), _TRIES):  # a page repeating one opening cannot stall it
            end = at + len(block)
            after = _NEXT_CHAR.match(line, end)
            if line.startswith(block, at) and not (after and after.group(1).islower()):
                cuts.update((at, end))
                if after:
                    may_start(after.start(1))  # the next block may follow a heading with no full stop
                break
    bounds = sorted(cuts)
    pieces = (line[a:b].strip(" |") for a, b in zip(bounds, bounds[1:]))
    return [piece for piece in pieces if piece]

