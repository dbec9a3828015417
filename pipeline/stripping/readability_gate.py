"""Skip trafilatura's readability comparison on pages where it cannot change the result.

In its default (balanced) mode trafilatura runs readability on every page (about a tenth of our
extraction's time) and takes readability's text over its own only when (``_prefer_readability``)
its own is empty, when readability's is over twice as long, or when its own body has no paragraph
text or more tables than paragraphs.  Readability's text is drawn from the page, so it is never
longer than the page's whole text, with one exception: it writes "VIDEO" into each video
``<iframe>`` it keeps, so a page with an iframe is never gated.  When trafilatura's own text is
non-empty, has paragraphs and is at least half the page's text (with a margin), none of those can
hold: readability is skipped (it returns an empty element, which trafilatura treats as "no better
text") and the output is the same as without the gate.  About half the benchmark pages qualify.

The gate wraps two trafilatura internals and is active only inside :func:`gated` (our own calls);
other callers of trafilatura in the process, the benchmark's reference among them, are untouched.
It installs only on the trafilatura functions it was checked against (their source's hash): after
an upgrade that changes any of them, nothing is wrapped until the bound is checked again (a test
fails to say so).
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from lxml.etree import tostring
from lxml.html import HtmlElement, fromstring
from trafilatura import core, external, readability_lxml

_ACTIVE: ContextVar[bool] = ContextVar("readability_gate_active", default=False)
_SKIP: ContextVar[bool] = ContextVar("readability_gate_skip", default=False)
# Readability's output may gain a separator where the page joined two text nodes: a margin.
_MARGIN = 1.1
# sha1 of the source of the functions the bound rests on, as in trafilatura 2.3.1.
_CHECKED = {
    "compare_extraction": "11bd9fcbacaaffd18bed5792ffd92eb8cedd13a0",
    "_prefer_readability": "2f598a37ff65bc871a8059883fba00ef206b6acc",
    "Document.sanitize": "43b59285bddf18e5f7cb72623c02326ee8f13d02",
}


def page_text_chars(tree: HtmlElement) -> int:
    """Characters of the tree's whole text, whitespace collapsed as trafilatura's ``trim`` does."""
    return len(" ".join(tostring(tree, method="text", encoding="unicode").split()))


def readability_cannot_win(raw_tree: HtmlElement, body, text: str) -> bool:
    """True when, in balanced mode, ``_prefer_readability`` is false whatever readability finds."""
    if not text or not body.xpath(".//p//text()") or len(body.findall(".//table")) > len(body.findall(".//p")):
        return False
    if next(raw_tree.iter("iframe"), None) is not None:
        return False  # readability adds text of its own there ("VIDEO")
    return 2 * len(text) >= _MARGIN * page_text_chars(raw_tree)


def _gated_compare(original):
    def compare_extraction(cleaned_tree, raw_tree, body, text, options):
        skip = _ACTIVE.get() and options.focus == "balanced" and readability_cannot_win(raw_tree, body, text)
        token = _SKIP.set(skip)
        try:
            return original(cleaned_tree, raw_tree, body, text, options)
        finally:
            _SKIP.reset(token)
    return compare_extraction


def _gated_readability(original):
    def try_readability(htmlinput):
        return fromstring("<div></div>") if _SKIP.get() else original(htmlinput)
    return try_readability


def source_hash(fn) -> str | None:
    try:
        return hashlib.sha1(inspect.getsource(fn).encode("utf-8")).hexdigest()
    except (OSError, TypeError):
        return None


def checked_functions() -> dict[str, object]:
    """The trafilatura functions the bound rests on, by the names ``_CHECKED`` gives them."""
    return {"compare_extraction": getattr(external, "compare_extraction", None),
            "_prefer_readability": getattr(external, "_prefer_readability", None),
            "Document.sanitize": getattr(getattr(readability_lxml, "Document", None), "sanitize", None)}


def _install() -> bool:
    """Wrap the two internals once, if trafilatura's functions are the ones the bound was checked on."""
    if getattr(core.compare_extraction, "_newsflow_gate", False):
        return True  # already installed
    functions = checked_functions()
    if any(fn is None or source_hash(fn) != _CHECKED[name] for name, fn in functions.items()) \
            or core.compare_extraction is not external.compare_extraction \
            or not callable(getattr(external, "try_readability", None)):
        return False
    wrapped = _gated_compare(external.compare_extraction)
    wrapped._newsflow_gate = True
    core.compare_extraction = wrapped  # trafilatura's cascade calls it through core's namespace
    external.try_readability = _gated_readability(external.try_readability)
    return True


INSTALLED = _install()


@contextmanager
def gated() -> Iterator[None]:
    """Let the gate act on trafilatura calls made inside this block."""
    token = _ACTIVE.set(True)
    try:
        yield
    finally:
        _ACTIVE.reset(token)
