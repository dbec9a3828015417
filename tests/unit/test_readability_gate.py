"""The readability gate skips trafilatura's readability pass only where it cannot change the result,
and only inside our own extraction."""

from __future__ import annotations

import contextlib
from pathlib import Path

import lxml.html
import pytest
import trafilatura
from trafilatura import external

from newsflow.stripping import html as html_path
from newsflow.stripping import readability_gate as gate
from newsflow.stripping import strip_boilerplate
from newsflow.stripping.html import parse

PAGES = sorted((Path(__file__).parents[1] / "golden" / "pages").glob("*.html"))
SENTENCE = "The council voted on the new budget after a long debate about schools and roads. "
ARTICLE = (f"<html><body><header><a href='/'>Home</a></header><article><h1>Budget passes</h1>"
           f"{''.join(f'<p>{SENTENCE * 3}</p>' for _ in range(6))}</article>"
           f"<footer><p>Contact us</p></footer></body></html>")


@pytest.fixture
def readability_calls(monkeypatch):
    """Each call of trafilatura's readability step, with whether the gate skipped it."""
    calls: list[bool] = []
    wrapped = external.try_readability

    def spy(tree):
        calls.append(gate._SKIP.get())
        return wrapped(tree)
    monkeypatch.setattr(external, "try_readability", spy)
    return calls


def test_gate_is_installed_on_the_pinned_trafilatura():
    assert gate.INSTALLED, "trafilatura's compare_extraction changed shape: the gate no longer applies"


def test_a_clean_article_skips_readability_in_our_call_only(readability_calls):
    strip_boilerplate(ARTICLE)
    assert readability_calls and all(readability_calls)
    readability_calls.clear()
    trafilatura.extract(ARTICLE)  # another caller in the same process: untouched
    assert readability_calls == [False]


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


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_output_is_the_same_with_and_without_the_gate(page, monkeypatch):
    document = page.read_bytes()
    gated = strip_boilerplate(document, url="https://example.com/a")
    monkeypatch.setattr(html_path, "gated", contextlib.nullcontext)
    plain = strip_boilerplate(document, url="https://example.com/a")
    assert gated.to_dict() == plain.to_dict()
