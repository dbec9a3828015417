"""The metadata finders select what trafilatura's XPath expressions select, element for element."""

from __future__ import annotations

import pytest
from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS, AUTHOR_XPATHS, TAGS_XPATHS

from newsflow.stripping import metadata as md
from newsflow.stripping.html import parse

PAGE = """<html><head><title>T</title></head><body>
<div class="author">Ann Lee</div><span rel="author">Bob</span><p class="post-authorName">Cy</p>
<a><rel>me</rel>Dee</a><author>Eve Ray</author><strong data-testid="AuthorURL">Flo</strong>
<h3 class="byline">By Gus</h3><span itemprop="author">Hal</span><div id="xiaobian-1">Ida</div>
<div class="posted-by x">Jo</div><em data-component="Byline">Kim</em><b id="theAuthor">Lu</b>
<i class="screenname">Mo</i><section class="Byline">Ned</section>
<div id="comments-top">c</div><span class="Comments x">c</span><a class="sidebar-left">s</a>
<div data-component="HeroFigure">f</div><section id="x-comment-list">l</section><time>t</time><figure>g</figure>
<div class="tags"><a href="/tag/a">A</a><div class="tags"><a href="/tags/b">B</a></div><a>no href</a></div>
<p class="entry-tags x"><a href="/tag/c">C</a></p><div class="metabox"><a href="/tag/d">D</a></div>
<ul class="my-topics"><li><a href="/tag/e">E</a></li></ul><div class="row"><a href="/x">X</a></div>
</body></html>"""


@pytest.mark.parametrize(("ours", "theirs"), [
    *zip(md.AUTHOR_FINDERS, AUTHOR_XPATHS, strict=True),
    *zip(md.AUTHOR_DISCARD, AUTHOR_DISCARD_XPATHS, strict=True),
    *zip(md.TAG_FINDERS, TAGS_XPATHS, strict=True),
])
def test_finders_select_what_the_xpaths_select(ours, theirs):
    tree = parse(PAGE)
    expected = theirs(tree)
    assert expected, "the page exercises every expression"
    assert list(ours(tree)) == expected


def test_metadata_reads_the_byline_tags_and_date():
    page = PAGE.replace("<title>T</title>", '<title>T</title><meta property="article:published_time" '
                        'content="2024-03-05T10:00:00Z">')
    meta = md.page_metadata(parse(page), "https://example.com/news/story")
    assert meta["date"] == "2024-03-05"
    assert meta["author"] == "Ann Lee"
    assert meta["tags"] == ["A", "B"]
