"""Golden pages: synthetic pages modelled on templates met in the benchmark (news site, blog, an
article in a modal-like container, a skip-link template whose menu button swallows the page, German
and Spanish news, a magazine whose furniture is glued into its paragraphs and whose story comes
twice, an old table-layout blog whose paragraphs come back glued).  Each case names what the body
must and must not contain (and, optionally, what it holds exactly once, or how many paragraphs it
has) and the reason every removed snippet must carry (``cases.json``); a quality floor that cannot
drop silently."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsflow.stripping import html_to_text, strip_boilerplate

HERE = Path(__file__).parent
CASES = json.loads((HERE / "cases.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["page"] for c in CASES])
def test_golden_page(case):
    html = (HERE / "pages" / case["page"]).read_text(encoding="utf-8")
    article = strip_boilerplate(html, url=case["url"])
    for snippet in case["must_contain"]:
        assert snippet in article.body, snippet
    for snippet in case["must_not_contain"]:
        assert snippet not in article.body, snippet
    if "paragraphs" in case:  # a page whose paragraphs came back glued into one line is split again
        assert len(article.paragraphs) == case["paragraphs"]
    for snippet in case.get("once", []):  # a passage the page carries twice is kept once
        assert article.body.count(snippet) == 1, snippet
    removed = {r.text: r.reason for r in article.removed}
    for snippet, reason in case["reasons"].items():
        assert removed.get(snippet) == reason, (snippet, removed.get(snippet))
    assert html_to_text(html) == "\n".join(article.paragraphs)  # the benchmark scores the same body


def test_every_page_has_a_case():
    assert {p.name for p in (HERE / "pages").glob("*.html")} == {c["page"] for c in CASES}
