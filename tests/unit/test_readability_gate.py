"""The readability gate skips trafilatura's readability pass only where it cannot change the result,
and only inside our own extraction."""

from __future__ import annotations

import contextlib
import copy
from pathlib import Path

import lxml.html
import pytest
import trafilatura
from lxml.etree import tostring
from trafilatura import core, external
from trafilatura.utils import trim

from newsflow.stripping import html as html_path
from newsflow.stripping import readability_gate as gate
from newsflow.stripping import strip_boilerplate
from newsflow.stripping.html import parse

PAGES = sorted((Path(__file__).parents[1] / "golden" / "pages").glob("*.html"))
SENTENCE = "The council voted on the new budget after a long debate about schools and roads. "
ARTICLE = (f"<html><body><header><a href='/'>Home</a></header><article><h1>Budget passes</h1>"
           f"{''.join(f'<p>{SENTENCE * 3}</p>' for _ in range(6))}</article>"
           f"<footer><p>Contact us</p></footer></body></html>")
VIDEO_PAGE = ("<html><body><template><article><h1>Videos</h1>" + f"<p>{SENTENCE * 2}</p>" * 2
              + "".join(f"<iframe src='https://www.youtube.com/embed/v{i}'></iframe>" for i in range(100))
              + "</article></template></body></html>")


@pytest.fixture
def readability_runs(monkeypatch):
    """Whether trafilatura's readability really ran, one entry per comparison it made."""
    runs: list[bool] = []
    real = external.ReadabilityDocument

    def counting(*args, **kwargs):
        runs[-1] = True
        return real(*args, **kwargs)
    gated_compare = core.compare_extraction

    def compare(*args):
        runs.append(False)
        return gated_compare(*args)
    monkeypatch.setattr(external, "ReadabilityDocument", counting)
    monkeypatch.setattr(core, "compare_extraction", compare)
    return runs


@pytest.fixture
def checked_skips(monkeypatch):
    """Every skip the gate makes, checked: real readability, run on the same tree, would not have won."""
    skips: list[int] = []
    gated_compare = core.compare_extraction

    def compare(cleaned_tree, raw_tree, body, text, options):
        if options.focus == "balanced" and gate.readability_cannot_win(raw_tree, body, text):
            algo = external.ReadabilityDocument(copy.deepcopy(raw_tree), min_text_length=25)
            found = lxml.html.fromstring(algo.summary())
            algo_text = trim(tostring(found, method="text", encoding="unicode"))
            assert not external._prefer_readability(body, found, algo_text, len(text), len(algo_text), options)
            skips.append(len(text))
        return gated_compare(cleaned_tree, raw_tree, body, text, options)
    monkeypatch.setattr(core, "compare_extraction", compare)
    return skips


def test_gate_is_installed_on_the_pinned_trafilatura():
    assert gate.INSTALLED, "trafilatura's compare_extraction changed shape: the gate no longer applies"


def test_a_clean_article_skips_readability_in_our_call_only(readability_runs):
    strip_boilerplate(ARTICLE)
    assert readability_runs and not any(readability_runs)
    readability_runs.clear()
    trafilatura.extract(ARTICLE)  # another caller in the same process: untouched
    assert readability_runs == [True]


def test_readability_runs_where_it_could_win():
    tree = parse(ARTICLE)
    body = lxml.html.fromstring("<div><p>The council voted on the budget.</p></div>")
    assert not gate.readability_cannot_win(tree, body, "The council voted on the budget.")  # short text
    long_text = SENTENCE * 18
    assert gate.readability_cannot_win(tree, lxml.html.fromstring(f"<div><p>{long_text}</p></div>"), long_text)
    assert not gate.readability_cannot_win(tree, lxml.html.fromstring(f"<div>{long_text}</div>"), long_text)  # no <p>
    tables = lxml.html.fromstring(f"<div><p>{long_text}</p><table><tr><td>1</td></tr></table><table><tr><td>2</td></tr></table></div>")
    assert not gate.readability_cannot_win(tree, tables, long_text)  # more tables than paragraphs
    assert not gate.readability_cannot_win(tree, body, "")


@pytest.mark.parametrize("page", [*PAGES, "videos"], ids=lambda p: getattr(p, "name", p))
def test_output_is_the_same_with_and_without_the_gate(page, monkeypatch):
    document = VIDEO_PAGE if page == "videos" else page.read_bytes()
    gated = strip_boilerplate(document, url="https://example.com/a")
    monkeypatch.setattr(html_path, "gated", contextlib.nullcontext)
    plain = strip_boilerplate(document, url="https://example.com/a")
    assert gated.to_dict() == plain.to_dict()


@pytest.mark.parametrize("prune", [True, False])
def test_every_skip_is_one_readability_would_have_lost(prune, checked_skips):
    for page in PAGES:
        html_path.extract(page.read_bytes(), url="https://example.com/a", prune=prune)
    html_path.extract(ARTICLE, prune=prune)
    html_path.extract(VIDEO_PAGE, prune=prune)
    assert checked_skips, "some pages were gated"


def test_a_page_with_an_iframe_is_not_gated():
    # readability writes "VIDEO" into each video iframe: its text can outgrow the page's
    tree = parse(VIDEO_PAGE)
    text = SENTENCE * 4
    assert not gate.readability_cannot_win(tree, lxml.html.fromstring(f"<div><p>{text}</p></div>"), text)
