"""Tests for newsflow.stripping: one hand-written fixture per class of leftover, the text path, the seed,
and the per-site memory.

Each HTML fixture is checked twice: trafilatura alone still emits the leftover (so the fixture really
exercises a leftover), and our stripper removes it with the expected reason while keeping the article.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
import trafilatura

from newsflow.records import CleanArticle, content_id, url_id
from newsflow.stripping import STRIPPER_VERSION, SiteBoilerplateMemory, html_to_text, strip_boilerplate
from newsflow.stripping import lexicon as lx
from newsflow.stripping.html import parse
from newsflow.stripping.lines import classify_lines, is_credit, is_timestamp, trim_segments
from newsflow.stripping.restore import split_glued
from newsflow.stripping.rules import required_literals
from newsflow.stripping.text import parse_tags
from newsflow.urls import canonical_url

FIXTURES = Path(__file__).parent / "fixtures" / "stripping"
SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_9b43b97295dd1a5c.txt"

ARTICLE_EN = "Supporters said the lane would make the busy corridor safer"
ARTICLE_DE = "Befürworter sagen, der Radweg mache die belebte Straße sicherer"

# fixture -> (leftover text trafilatura keeps, reason we record, a sentence of the article that must stay)
LEFTOVERS = {
    "cta": ("CLICK HERE TO GET THE EXAMPLE GAZETTE APP", "call-to-action", ARTICLE_EN),
    "newsletter": ("Sign up for our daily newsletter", "newsletter-prompt", ARTICLE_EN),
    "social": ("Follow the Example Gazette on Twitter", "social-prompt", ARTICLE_EN),
    "related_en": ("Read more: Bridge repairs", "related-teaser", ARTICLE_EN),
    "related_de": ("Lesen Sie auch: Brückensanierung", "related-teaser", ARTICLE_DE),
    "related_es": ("Lea también: Obras en el puente", "related-teaser", "Los partidarios dicen que el carril"),
    "related_fr": ("À lire aussi : Des travaux", "related-teaser", "Ses partisans affirment que la piste"),
    "reading_time": ("5 min read", "reading-time", ARTICLE_EN),
    "timestamp": ("Updated at 19:49", "timestamp", ARTICLE_EN),
    "copyright": ("© 2024 Example Gazette Media", "copyright", ARTICLE_EN),
    "source": ("SOURCE: Example Wire Service", "source-line", ARTICLE_EN),
    "credit": ("Photo: Jane Doe/Getty Images", "photo-credit", ARTICLE_EN),
}


def fixture(name: str) -> str:
    return (FIXTURES / f"{name}.html").read_text(encoding="utf-8")


def reasons(article: CleanArticle) -> dict[str, str]:
    return {r.text: r.reason for r in article.removed}


@pytest.mark.parametrize("name", sorted(LEFTOVERS))
def test_leftover_is_removed_with_reason(name):
    leftover, reason, kept = LEFTOVERS[name]
    html = fixture(name)
    assert leftover in trafilatura.extract(html, include_comments=False)  # the fixture is a real leftover
    article = strip_boilerplate(html, url=f"https://example.org/news/{name}")
    assert leftover not in article.body
    assert kept in article.body
    removed = [r for r in article.removed if leftover in r.text]
    assert removed and removed[0].reason == reason


@pytest.mark.parametrize("name, heading, item", [
    ("related_en", "You may also like", "New bus timetable starts Monday"),
    ("related_de", "Das könnte Sie auch interessieren", "Neuer Busfahrplan ab Montag"),
])
def test_related_list_after_heading_is_cut(name, heading, item):
    article = strip_boilerplate(fixture(name))
    assert heading not in article.body and item not in article.body
    assert reasons(article)[heading] == "related-teaser"
    assert any(item in text and reason == "related-teaser" for text, reason in reasons(article).items())


def test_repeated_headline_removed_and_kept_as_title():
    article = strip_boilerplate(fixture("headline"))
    assert article.title == "Council approves River Street bike lane"
    assert "Council approves River Street bike lane" not in article.body
    assert "repeated-headline" in {r.reason for r in article.removed}


def test_lone_punctuation_line_removed():
    article = strip_boilerplate(fixture("punctuation"))
    assert "-" not in article.paragraphs
    assert reasons(article)["-"] == "lone-punctuation"
    assert len(article.paragraphs) == 4


def test_lead_outside_article_container_is_restored():
    html = fixture("lead")
    lead = "After two years of argument, River Street will get a protected bike lane"
    assert lead not in trafilatura.extract(html, include_comments=False)  # trafilatura loses it
    article = strip_boilerplate(html)
    assert article.paragraphs[0].startswith(lead)
    assert lead in html_to_text(html)


def test_html_to_text_is_body_only():
    text = html_to_text(fixture("copyright"))
    assert ARTICLE_EN in text
    assert "©" not in text and "Council approves River Street bike lane" not in text
    assert "Home" not in text.split("\n")


def test_record_fields_and_version():
    article = strip_boilerplate(fixture("credit").encode("utf-8"), url="HTTPS://Example.org/news/credit#top")
    assert isinstance(article, CleanArticle)
    assert article.url == "https://example.org/news/credit"
    assert article.id == url_id("https://example.org/news/credit")
    assert article.stripper_version == STRIPPER_VERSION != ""
    assert article.body == "\n\n".join(article.paragraphs)
    assert article.credits == ["Photo: Jane Doe/Getty Images"]
    assert article.language == "en"
    assert CleanArticle.from_dict(json.loads(json.dumps(article.to_dict()))) == article


def test_every_removal_has_a_reason():
    for name in LEFTOVERS:
        article = strip_boilerplate(fixture(name))
        assert article.removed
        assert all(r.reason and r.text for r in article.removed)


def test_explicit_id_wins_and_content_id_without_url():
    html = fixture("cta")
    assert strip_boilerplate(html, id="raw:42").id == "raw:42"
    article = strip_boilerplate(html)
    assert article.id == content_id(article.body) and article.url is None


def test_canonical_url_drops_tracking_and_fragment():
    assert canonical_url("https://WWW.Example.org/a?utm_source=x&id=3#c") == "https://example.org/a?id=3"


# --- plain-text path -----------------------------------------------------------------------------------


def test_seed_article():
    article = strip_boilerplate(SEED.read_text(encoding="utf-8"), content_type="text/plain")
    assert article.title == "Senior defense official: No sign yet of Belarusian forces fighting in Ukraine"
    assert article.captions == ["A Ukrainian Army soldier inspects fragments of a downed aircraft in Kyiv, Ukraine, Friday"]
    assert article.credits == ["AP/Vadim Zamirovsky"]
    assert article.tags == ["Belarus", "Russia", "Ukraine", "Vladimir Putin"]
    for junk in ("Most Popular", "Load more", "See all Video", "Tags Belarus", "AP/Vadim", "downed aircraft"):
        assert junk not in article.body
    assert len(article.paragraphs) == 11  # every article paragraph kept
    assert article.paragraphs[0].startswith("U.S. officials have not seen Belarusian troops")
    assert article.paragraphs[-1].startswith("“We do believe that their plans are to encircle the city")
    assert {r.reason for r in article.removed} >= {"caption", "photo-credit", "tags", "related-teaser"}


def test_text_path_sniffed_without_content_type():
    text = "A title\n\nFirst paragraph of the story, long enough to count as article text for the classifier.\n\n-\n"
    article = strip_boilerplate(text)
    assert article.title == "A title"
    assert article.paragraphs == ["First paragraph of the story, long enough to count as article text for the classifier."]
    assert article.removed[0].reason == "lone-punctuation"


def test_parse_tags_comma_list_and_phrases():
    assert parse_tags("Tags: Climate, Energy policy", "") == ["Climate", "Energy policy"]
    body = "The New York Stock Exchange rose while Joe Biden spoke."
    assert parse_tags("Tags Joe Biden New York Stock Exchange Markets", body) == ["Joe Biden", "New York Stock Exchange", "Markets"]


@pytest.mark.parametrize("line", ["19:49", "3:59 PM", "27.01.2022", "Updated at 19:49", "Aktualisiert am 12.03.2024, 10:15 Uhr"])
def test_timestamps(line):
    assert is_timestamp(line)


@pytest.mark.parametrize("line", ["286,35 €", "+81 158-23-2012", "2021", "The meeting ends at 19:49 today."])
def test_not_timestamps(line):
    assert not is_timestamp(line)


@pytest.mark.parametrize("line", ["Posted by David at December 16, 2025 11:15 AM", "Published on 3 May 2024 by Ann Lee",
                                  "Veröffentlicht am 12.03.2024 von Max Mustermann"])
def test_post_author_and_date_line_is_a_byline_at_either_end(line):
    assert classify_lines([_LONG * 3, line])[1].reason == "byline"
    assert classify_lines([line, _LONG * 3])[0].reason == "byline"


@pytest.mark.parametrize("line", ["Add A Comment", "Post a Comment", "Kommentar schreiben", "Deja un comentario",
                                  "Laisser un commentaire", "Dodaj komentarz"])
def test_comment_prompt_alone_on_a_line_is_interface(line):
    assert classify_lines([_LONG * 3, line, _LONG * 3])[1].reason == "interface"
    assert classify_lines([_LONG * 3, "Add a comment about the vote, the mayor said."])[1].reason is None


def test_body_call_to_action_must_open_the_line_unless_short():
    review = ("To get the certificates you must sign up for a premium plan, which costs twenty dollars a month "
              "and includes all the exercises.")
    pitch = ("Sign up for our weekly briefing to get the best of our reporting on the city, the council and "
             "the courts, every Friday morning.")
    lines = [_LONG * 3, review, pitch, _LONG * 3]
    assert [v.reason for v in classify_lines(lines)][1:3] == [None, "call-to-action"]


@pytest.mark.parametrize("line", ["Posted by a reader who saw it on May 3.", "Posted by Jane",
                                  "Written by a junior doctor, a diary of a year on the wards",
                                  "Published by Mariner Books, 320 pages, $28", "Written and directed by Mark Cousins, 94 minutes"])
def test_lines_opening_like_a_post_line_without_its_date_are_kept(line):
    assert classify_lines([_LONG * 3, line])[1].reason is None  # the tail, where the post line is looked for
    assert classify_lines([line, _LONG * 3])[0].reason is None  # and the head


@pytest.mark.parametrize("line", ["Getty Images", "AP/Vadim Zamirovsky", "AFP / MARCO BERTORELLO", "Foto: dpa", "Credit: Jane Doe"])
def test_credits(line):
    assert is_credit(line)


def test_body_sentences_with_prompt_words_are_kept():
    lines = [
        "Twitter said on Monday that its new subscription will cost eight dollars a month for users in the United States and Canada.",
        "Officials will follow up on the report next week, after the regional elections and the budget vote in parliament.",
        "Sign up for our newsletter",
    ]
    verdicts = classify_lines(lines)
    assert [v.reason for v in verdicts] == [None, None, "newsletter-prompt"]


def test_article_about_a_newsletter_keeps_its_sentences():
    line = "Twelve people signed up for my newsletter in the past week, and I have done nothing to welcome them."
    assert classify_lines([_LONG, _LONG, line, _LONG, _LONG])[2].reason is None


# --- site memory ---------------------------------------------------------------------------------------


def _site_article(i: int) -> str:
    return (f"Story number {i}\n\nParagraph {i} of a story about something that happened in the town on day {i}, "
            f"long enough to be article text.\n\nSupport local journalism with the Daily Example\n")


def test_site_memory_learns_after_warm_up():
    memory = SiteBoilerplateMemory(min_articles=5, threshold=0.6)
    url = "https://www.daily.example/story/{}"
    early = strip_boilerplate(_site_article(0), url=url.format(0), content_type="text/plain", site_memory=memory)
    assert "Support local journalism with the Daily Example" in early.paragraphs  # warm-up: nothing learnt yet
    for i in range(1, 6):
        strip_boilerplate(_site_article(i), url=url.format(i), content_type="text/plain", site_memory=memory)
    later = strip_boilerplate(_site_article(9), url=url.format(9), content_type="text/plain", site_memory=memory)
    assert "Support local journalism with the Daily Example" not in later.paragraphs
    assert reasons(later)["Support local journalism with the Daily Example"] == "site-recurring"
    assert later.paragraphs[0].startswith("Paragraph 9")  # unique article text is never recurring
    other = strip_boilerplate(_site_article(9), url="https://other.example/x", content_type="text/plain", site_memory=memory)
    assert "Support local journalism with the Daily Example" in other.paragraphs  # per site


def test_site_memory_never_guts_an_article():
    memory = SiteBoilerplateMemory(min_articles=2, threshold=0.5)
    lines = ["Same short line one", "Same short line two"]
    for _ in range(5):
        memory.observe("a.example", lines)
    assert memory.is_recurring("a.example", lines[0])
    assert memory.recurring("a.example", lines) == set()  # all of it would go: keep it instead


def test_site_memory_bounds():
    memory = SiteBoilerplateMemory(max_sites=3, max_lines=10, min_articles=1)
    for s in range(5):
        memory.observe(f"site{s}.example", ["x"])
    assert len(memory) == 3 and "site0.example" not in memory and "site4.example" in memory
    for i in range(50):
        memory.observe("site4.example", ["recurring footer line", f"unique line {i}"])
    stats = memory.stats("site4.example")
    assert len(stats.counts) <= 10
    assert memory.is_recurring("site4.example", "recurring footer line")


def test_site_memory_round_trips_through_dict():
    memory = SiteBoilerplateMemory(min_articles=1)
    for _ in range(3):
        memory.observe("a.example", ["Subscribe to the Example"])
    data = json.loads(json.dumps(memory.to_dict()))
    restored = SiteBoilerplateMemory.from_dict(data)
    assert restored.to_dict() == memory.to_dict()
    assert restored.is_recurring("a.example", "Subscribe to the Example")
    fresh = SiteBoilerplateMemory(min_articles=1)
    fresh.load_site("a.example", memory.site_to_dict("a.example"))
    assert fresh.is_recurring("a.example", "Subscribe to the Example")


def test_site_memory_rejects_bad_config():
    with pytest.raises(ValueError):
        SiteBoilerplateMemory(threshold=0)


# --- HTML-level restores -------------------------------------------------------------------------------


def test_list_dropped_by_wild_text_recovery_is_restored_in_place():
    html = fixture("list_restore")
    assert "Counts rose by a fifth" not in trafilatura.extract(html, include_comments=False)
    lines = html_to_text(html).split("\n")
    at = lines.index("The main findings were:")
    assert lines[at + 1: at + 4] == ["- Counts rose by a fifth on average", "- Gains were larger near schools",
                                     "- Card payments did not fall"]
    assert lines[at + 4].startswith("Researchers also looked at how shops")
    assert "- About" not in lines  # a link menu elsewhere on the page is not "restored"


def test_article_inside_footer_named_container_is_rescued():
    html = fixture("footer_container")
    assert "Story 12" not in trafilatura.extract(html, include_comments=False)
    text = html_to_text(html)
    assert "Story 12" in text
    assert text.count("Cities that add protected bike lanes") == 3
    assert "1 Market Square" not in text


def test_text_comes_out_composed_nfc():
    decomposed = "Cafe\u0301 owners in Montre\u0301al met the mayor on Tuesday to discuss the terrace rules."
    composed = unicodedata.normalize("NFC", decomposed)
    page = f"<html><body><article><h1>Terraces</h1><p>{decomposed * 3}</p><p>{decomposed * 3}</p></article></body></html>"
    assert composed in strip_boilerplate(page).body
    assert composed in strip_boilerplate(f"Terraces\n\n{decomposed}", content_type="text/plain").body
    assert composed in strip_boilerplate(f"<p>{decomposed}</p>").body  # the fragment path


def test_glued_line_is_split_at_the_pages_blocks():
    paragraphs = [f"Paragraph {n} of the report says the harbour works went on through the night again." * 3
                  for n in range(6)]
    tree = parse("<html><body><div><p>" + "<br><br>".join(paragraphs[:4]) + "</p><p>" + paragraphs[4]
                 + "</p><p>" + paragraphs[5] + "</p><span class='posted'>Posted by Ann at 3 May</span></div></body></html>")
    glued = " ".join([*paragraphs, "Posted by Ann at 3 May"])
    assert split_glued(tree, ["Harbour works", glued]) == ["Harbour works", *paragraphs, "Posted by Ann at 3 May"]
    teaser = parse("<html><body><ul><li><a>the harbour works went on</a></li></ul><p>" + "<br>".join(paragraphs)
                   + "</p></body></html>")  # a sidebar link whose words occur inside an article sentence
    assert split_glued(teaser, ["Harbour works", " ".join(paragraphs)]) == ["Harbour works", *paragraphs]
    short = ["Harbour works", paragraphs[0], paragraphs[1]]
    assert split_glued(tree, short) == short  # no line holds most of the text: nothing to split


def test_details_disclosure_is_opened():
    faq = ("<html><body><article><h1>Bike lane questions</h1>"
           "<p>Our readers sent in many questions about the new lanes on River Street, and we answer the most common ones here.</p>"
           "<details><summary>Will parking disappear?</summary><p>Twenty spaces go, but six new delivery bays are added "
           "along the eastern end of the street, where most of the shops are.</p></details>"
           "<p>Construction is expected to start in the spring and to take about five months, the department said.</p>"
           "</article></body></html>")
    text = html_to_text(faq)
    assert "Will parking disappear?" in text
    assert "six new delivery bays" in text


# --- line classifier across languages ------------------------------------------------------------------

_LONG = ("The council voted on Tuesday to build a protected bike lane along the length of River Street, "
         "ending a debate that had lasted almost two years.")


@pytest.mark.parametrize("line, reason", [
    ("Lea también: Obras en el puente cortarán la calle", "related-teaser"),
    ("À lire aussi : Des travaux sur le pont", "related-teaser"),
    ("Leggi anche: Lavori sul ponte", "related-teaser"),
    ("Leia também: Obras na ponte", "related-teaser"),
    ("Czytaj też: Remont mostu", "related-teaser"),
    ("Lesezeit: 4 Minuten", "reading-time"),
    ("Aktualisiert am 12.03.2024, 10:15 Uhr", "timestamp"),
    ("Quelle: Example Wire", "source-line"),
    ("Abbildung 4: Schnitt durch die Schneedecke", "caption"),
    ("Die Ministerin am Montag in Berlin (Foto: Jane Doe/Example Agency)", "caption"),
    ("Du musst eingeloggt sein, um Kommentare zu schreiben!", "call-to-action"),
    ("Suscríbete a nuestro boletín", "call-to-action"),
    ("Abonnez-vous à notre newsletter", "newsletter-prompt"),
    ("Mit unserem Newsletter erhalten Sie monatlich alle Informationen rund um Ihr Urlaubsland.", "newsletter-prompt"),
    ("Get the best of our reporting delivered to your inbox every morning.", "call-to-action"),
    ("Book a Demo", "call-to-action"),
    ("Get started today →", "call-to-action"),
    ("Mehr erfahren", "call-to-action"),
])
def test_body_zone_rules(line, reason):
    verdicts = classify_lines([_LONG, _LONG, line, _LONG, _LONG])
    assert verdicts[2].reason == reason
    assert [v.reason for v in verdicts[:2] + verdicts[3:]] == [None] * 4


@pytest.mark.parametrize("line, reason", [
    ("Jane Doe is a reporter covering transport and city politics for the Example Gazette.", "author-bio"),
    ("E-Mail: redaktion@example.org", "contact"),
    ("© 2024 Example Gazette Media GmbH", "copyright"),
    ("Tags: Verkehr, Radweg, Stadtrat", "tags"),
])
def test_tail_zone_rules(line, reason):
    verdicts = classify_lines([_LONG, _LONG, line])
    assert verdicts[2].reason == reason and verdicts[0].reason is None


@pytest.mark.parametrize("heading", ["Ready to get started?", "Want to win more clients with less effort?", "Sponsored by Example Bank",
                                     "In partnership with the Example Foundation"])
def test_a_pitch_or_sponsor_heading_in_the_tail_goes_with_what_follows(heading):
    lines = [_LONG, _LONG + " More text.", heading, "Talk to our team about a plan for you"]
    assert [v.reason for v in classify_lines(lines)] == [None, None, "related-teaser", "related-teaser"]


def test_a_question_inside_the_article_is_kept():
    lines = [_LONG, "Want to know why the lane was built?", _LONG + " More text."]
    assert [v.reason for v in classify_lines(lines)] == [None, None, None]


def test_related_heading_in_tail_cuts_the_list_below_it():
    lines = [_LONG, _LONG, "Das könnte Sie auch interessieren", "Neuer Busfahrplan ab Montag", "Park wieder offen"]
    assert [v.reason for v in classify_lines(lines)] == [None, None] + ["related-teaser"] * 3


def test_short_text_is_never_cut():
    lines = ["Kurzmeldung", "Der Park ist wieder offen.", "Mehr Themen"]
    verdicts = classify_lines(lines)
    assert verdicts[1].reason is None


def test_short_html_fragment_is_not_emptied():
    fragment = ('<p>The mayor said the bridge will reopen in May.</p>'
                '<p>"Good news," she told reporters.</p><p>Share on Facebook</p>')
    article = strip_boilerplate(fragment, content_type="text/html")
    assert article.paragraphs == ["The mayor said the bridge will reopen in May.", '"Good news," she told reporters.']
    assert {"text": "Share on Facebook", "reason": "social-prompt"} in [r.to_dict() for r in article.removed]


# --- collapse guards -----------------------------------------------------------------------------------

_STORY = "".join(f"<p>Paragraph {i}: the council met again on Tuesday evening to discuss the River Street plan, "
                 f"and residents queued outside the hall to speak for and against it.</p>" for i in range(12))


def test_article_nested_into_an_unclosed_button_survives_pruning():
    # a menu <button> the parser never closes swallows the page (a publisher template's header)
    html = ('<html><body><a href="#main">Skip to content</a><header><button class="site-header__menu-button">'
            f'<span>Menu</span><div class="dialog"><p>Sign up</p></div><main id="main"><article><h1>Plan</h1>{_STORY}'
            '</article></main></body></html>')
    text = html_to_text(html)
    assert "Paragraph 11: the council met again" in text
    assert "Skip to content" not in text


def test_collapsed_body_falls_back_to_trafilatura_on_the_unpruned_page(monkeypatch):
    from newsflow.stripping import html as html_path

    def prune_everything(tree):  # stands in for any pruning bug that deletes the article
        for article in tree.iter("article"):
            article.getparent().remove(article)
        return tree

    monkeypatch.setattr(html_path, "prune_dead", prune_everything)
    html = f'<html><body><nav><a href="/">Home</a></nav><article><h1>Plan</h1>{_STORY}</article></body></html>'
    article = strip_boilerplate(html)
    assert len(article.paragraphs) == 12 and "Paragraph 0:" in article.body


# --- rules and their derived pre-checks ----------------------------------------------------------------


@pytest.mark.parametrize("pattern, triggers", [
    (r"sign(?:ing)? up\b", ("sign",)),
    (r"\(c\)\s*\d{4}", ("(c)",)),
    (r"(?:telegram|whatsapp)[- ]?(?:kanal|channel)", ("telegram", "whatsapp")),
    (r"(?<![-\w])copyright\b", ("copyright",)),
    (r"join (?:our|us)\b|join the (?:club|community)", ("join ",)),
    (r"lea(?: también)?|\w+ sur le sujet", (" sur le sujet", "lea")),
    (r"(?:foo)?\d+", None),  # a match can hold no literal: no pre-check
])
def test_required_literals(pattern, triggers):
    assert required_literals(pattern) == triggers


def test_every_rule_match_passes_its_precheck():
    lines = [line for name in LEFTOVERS for line in html_to_text(fixture(name)).split("\n")]
    lines += [leftover for leftover, _, _ in LEFTOVERS.values()]
    lines += ["Du musst eingeloggt sein, um Kommentare zu schreiben!", "Suscríbete a nuestro boletín", "→ Bridge works",
              "Mehr zum Thema Radverkehr", "Lesezeit: 4 Minuten", "Contact: desk@example.org", "Quelle: dpa"]
    checked = 0
    for rule in lx.RULES:
        assert rule.kind
        for line in lines:
            low = line.lower()
            if rule.pattern.search(low) or rule.pattern.match(line):
                checked += 1
                assert rule.triggers is None or any(t in low for t in rule.triggers), (rule, line)
    assert checked >= 20


def test_second_copy_of_a_passage_is_removed():
    passage = [f"Paragraph {i} of the article, long enough to count as one of its real paragraphs here." for i in range(4)]
    verdicts = classify_lines([*passage, "Related stories", *passage])
    assert [v.reason for v in verdicts[:4]] == [None] * 4
    assert [v.reason for v in verdicts[5:]] == ["repeated-passage"] * 4


def test_one_repeated_line_is_kept():
    header = "| Model | Price | Weight |"
    lines = [header, _LONG, _LONG, header, "| Second table row, a different product |", _LONG]
    assert [v.reason for v in classify_lines(lines)] == [None] * 6


_PARAGRAPH = "The council voted on Tuesday to close the harbour bridge for eight months of repairs."


@pytest.mark.parametrize("glued, reason", [
    ("Photo: Jane Doe/Example Agency", "photo-credit"),
    ("Credit: Jane Doe", "photo-credit"),
    ("Getty Images", "photo-credit"),
    ("Read more", "interface"),
    ("Read more: Ferry timetable changes from March", "related-teaser"),
    ("© 2024 Example Gazette Media", "copyright"),
    ("All rights reserved.", "copyright"),
    ("Follow us on Twitter for updates.", "social-prompt"),
    ("Click here to see the full timetable.", "call-to-action"),
    ("This post contains affiliate links.", "disclosure"),
])
def test_furniture_glued_to_a_paragraph_is_cut(glued, reason):
    assert trim_segments(f"{_PARAGRAPH} {glued}") == [(_PARAGRAPH, None), (glued, reason)]


@pytest.mark.parametrize("line", [
    f"{_PARAGRAPH} The photo of the closed bridge went around the world within hours.",
    f"{_PARAGRAPH} Critics said residents should follow us, the ferry operators, on the new route.",
    f"{_PARAGRAPH} Copyright law does not cover the design of the bridge, the court said.",
    "The U.S. Photo Agency said on Tuesday that it would not license pictures of the harbour bridge to anyone.",
])
def test_paragraphs_that_mention_furniture_words_are_kept_whole(line):
    assert trim_segments(line) == [(line, None)]


def test_reading_time_glued_before_the_first_sentence_is_cut():
    assert trim_segments(f"4 min read. {_PARAGRAPH}") == [("4 min read.", "reading-time"), (_PARAGRAPH, None)]


def test_classify_lines_returns_the_cut_segment_as_its_own_verdict():
    verdicts = classify_lines([_LONG, f"{_PARAGRAPH} Photo: AP", _LONG])
    assert [(v.text, v.reason) for v in verdicts[1:3]] == [(_PARAGRAPH, None), ("Photo: AP", "photo-credit")]


def test_last_paragraph_keeps_its_text_when_a_copyright_notice_is_glued_to_it():
    paragraph = f"{_PARAGRAPH} The work starts in March, and the ferry adds boats."
    verdicts = classify_lines([_LONG, _LONG + " More text.", f"{paragraph} © 2024 Example Gazette Media"])
    assert verdicts[2:] == [(paragraph, None), ("© 2024 Example Gazette Media", "copyright")]


def test_a_two_sentence_prompt_is_not_kept_for_the_cut_of_its_last_sentence():
    pitch = "Want more of our stories? Get the best of them every week, hand-picked by our editors for you. Sign up for our newsletter."
    verdicts = classify_lines([_LONG, _LONG + " More text.", pitch])
    assert verdicts[2:] == [(pitch, "newsletter-prompt")]


def test_a_long_author_introduction_at_the_end_is_a_bio():
    intro = ("Hi, I'm Jane Doe, and I oversee all transport coverage at the Example Gazette. " * 5).strip()
    verdicts = classify_lines([_LONG, _LONG + " More text.", _LONG + " Even more.", _LONG + " The end.", intro])
    assert verdicts[-1].reason == "author-bio" and all(v.reason is None for v in verdicts[:-1])


def test_a_long_paragraph_is_trimmed_at_its_edges_only():
    middle = " ".join([_LONG] * 3) + " Photo: this sentence opens like a credit but sits mid-paragraph. " + _LONG
    assert trim_segments(f"{middle} Photo: AP") == [(middle, None), ("Photo: AP", "photo-credit")]
