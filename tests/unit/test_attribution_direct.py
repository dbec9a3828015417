"""Direct quotes and their sources (``newsflow.attribution``): shapes that real news uses.

Every passage here is written for the test; the PolNeAR bench data is only
read by ``tests/test_bench_attribution.py``.
"""

from __future__ import annotations

import pytest

from newsflow.attribution import find_attributions
from newsflow.records import Attribution


def quoted(text: str, snippet: str) -> Attribution:
    """The attribution one of whose content fragments holds ``snippet``."""
    atts = find_attributions(text)
    hits = [a for a in atts if any(snippet in text[s:e] for s, e in a.content_spans)]
    assert hits, (snippet, [a.to_dict() for a in atts])
    return hits[0]


# ---------------------------------------------------------------- inverted tails: "..., said NAME, APPOSITIVE"

@pytest.mark.parametrize("text, source", [
    # a capitalized name that is also a function word ("Will", "May", "Bill")
    ('"The rent keeps going up," said Will Barton, a tenant organizer in Dayton, Ohio.',
     "Will Barton, a tenant organizer in Dayton, Ohio"),
    # a relative clause ends the source
    ('"Nobody asked us first," said Mara Quill, a farmer and former county clerk who ran for mayor in 2010.',
     "Mara Quill, a farmer and former county clerk"),
    ('"It was chaos," said one of the ushers who saw the fight.', "one of the ushers"),
    # an appositive noun that is also a cue form ("state", "report")
    ('"We will appeal," said Dora Finch, a former state senator.', "Dora Finch, a former state senator"),
])
def test_inverted_tail_with_long_appositive(text, source):
    att = quoted(text, text.split('"')[1])
    assert (att.source, att.kind) == (source, "direct")


def test_relative_clause_after_the_name_is_not_swallowed():
    text = '"Prices doubled," said Rob Tall, a grocer whose shop closed in May. "We could not keep up."'
    att = quoted(text, "Prices doubled")
    assert att.source == "Rob Tall, a grocer"
    assert len(att.content_spans) == 2  # the follow-on quote sentence is his too


@pytest.mark.parametrize("name", ["Kelly", "Skelly", "Daly"])
def test_names_ending_in_ly_are_sources(name):
    text = f'"The bridge must be rebuilt," {name} said. "It is older than the town hall."'
    att = quoted(text, "The bridge must be rebuilt")
    assert att.source == name
    assert len(att.content_spans) == 2
    assert quoted(f'"It works," said {name}.', "It works").source == name


# ---------------------------------------------------------------- "?" and "!" quotes followed by the speaker

@pytest.mark.parametrize("text, source, cue", [
    ('"Who pays for the roads?" Garza said of the toll plan on Monday.', "Garza", "said"),
    ('"We will win this!" State Senator Ada Pike said as the doors opened.', "State Senator Ada Pike", "said"),
    ('"Why are you still backing him?" Ortiz asked the committee members.', "Ortiz", "asked"),
    ('"Is that legal, who knows?" Moss told the radio host in an interview.', "Moss", "told"),
])
def test_question_or_exclamation_quote_then_named_speaker(text, source, cue):
    att = quoted(text, text.split('"')[1])
    assert (att.source, att.cue, att.kind) == (source, cue, "direct")


def test_question_quote_then_a_new_sentence_by_a_pronoun():
    text = '"Why not?" He said the plan had failed.'
    assert not any("Why not" in a.content for a in find_attributions(text))


# ---------------------------------------------------------------- quote marks typed the wrong way

def test_spaced_closing_mark_opening_a_quote():
    text = "” … the ferry has already left,” wrote the Harbor Gazette."
    att = quoted(text, "the ferry has already left")
    assert (att.source, att.kind) == ("the Harbor Gazette", "direct")


def test_spaced_closing_mark_left_open_is_a_stray_mark():
    text = "A stray mark ” shows here, and the mayor said the parade will go ahead."
    att = quoted(text, "the parade will go ahead")
    assert att.source == "the mayor"


# ---------------------------------------------------------------- a paragraph of nothing but quotes

def test_quote_paragraph_after_a_closed_quote_continues_its_speaker():
    text = ('"We will open the clinic in March," Dr. Lena Ortiz said.\n\n'
            '"And we will hire twelve nurses. The county has promised the money."\n\n'
            "The clinic closed in 2019.")
    att = quoted(text, "We will open the clinic")
    assert att.source == "Dr. Lena Ortiz"
    assert any("twelve nurses" in text[s:e] for s, e in att.content_spans)
    assert att.kind == "direct"


def test_quote_paragraph_after_an_indirect_attribution_is_not_attached():
    text = ('Ortiz said the clinic would open in March.\n\n'
            '"Twelve nurses. Three doctors."\n\n'
            "The clinic closed in 2019.")
    assert not any("Twelve nurses" in text[s:e] for a in find_attributions(text) for s, e in a.content_spans)


# ---------------------------------------------------------------- where a quote's sentence ends

@pytest.mark.parametrize("text, first, second", [
    # a cue followed by a colon or by a comma and a new capitalized quote introduces the next quote
    ('Ann Poe said at a forum, "I did nothing wrong." The candidate repeated: "I know the rules."',
     ("Ann Poe", "I did nothing wrong"), ("The candidate", "I know the rules")),
    ('Ray Cole said, "The case is unusual." He added, "Things happened that are not ordinary."',
     ("Ray Cole", "The case is unusual"), ("He", "Things happened")),
    # a fronted adverbial opens a new sentence, not a tail of the quote before it
    ('An aide said, "He will try." At the same time, the aide added, "it may not help."',
     ("An aide", "He will try"), ("the aide", "it may not help")),
])
def test_a_cue_after_a_full_stop_quote_starts_a_new_sentence(text, first, second):
    for source, snippet in (first, second):
        assert quoted(text, snippet).source == source


def test_question_quote_with_a_split_tail_stays_one_sentence():
    att = quoted('"Why?" he asked, "would anyone do that?"', "Why?")
    assert att.source == "he" and len(att.content_spans) == 2


# ---------------------------------------------------------------- tails with a relative clause, "went on"

@pytest.mark.parametrize("text, source, cue", [
    ('"The map is wrong," Ina Vogt, the surveyor who drew the old one said on Friday. "It misses a river."',
     "Ina Vogt, the surveyor", "said"),
    ('"The map is wrong," Ina Vogt, who is chair of the board said in a statement. "It misses a river."',
     "Ina Vogt", "said"),
    ('"Is it fair, though?" Vogt went on, as if nobody had asked. "It misses a river."', "Vogt", "went"),
])
def test_tail_after_a_relative_clause_or_went_on(text, source, cue):
    atts = [a for a in find_attributions(text) if "The map is wrong" in a.content or "Is it fair" in a.content]
    assert len(atts) == 1, [a.to_dict() for a in find_attributions(text)]
    assert (atts[0].source, atts[0].cue, atts[0].kind) == (source, cue, "direct")
    assert any("misses a river" in text[s:e] for s, e in atts[0].content_spans)
    assert not any(a.cue == cue and a.kind == "indirect" for a in find_attributions(text))


# ---------------------------------------------------------------- a paragraph ending in a colon, the quote below

@pytest.mark.parametrize("intro, source, cue", [
    ("When the panel pressed him, Okafor called them on it:", "Okafor", "called"),  # a clause rule read it first
    ("Stated Okafor:", "Okafor", "Stated"),
    ("As Lina Okafor wrote after the vote in the council chamber:", "Lina Okafor", "wrote"),
    ("The gazette confirmed the figure, reporting:", "The gazette", "reporting"),
])
def test_colon_intro_takes_the_next_paragraphs_quotes(intro, source, cue):
    text = f'{intro}\n\n"The levy pays for the buses."\n\n"And for the drivers."\n\nThe council meets again in June.'
    att = quoted(text, "The levy pays")
    assert (att.source, att.cue, att.kind) == (source, cue, "direct")
    assert any("for the drivers" in text[s:e] for s, e in att.content_spans)
    assert not any(a.cue == cue and a.kind == "indirect" and a.source == source for a in find_attributions(text))


# ---------------------------------------------------------------- a quote signed in the next paragraph

@pytest.mark.parametrize("signature, source", [
    ("- Mayor Ruth Abara.", "Mayor Ruth Abara"),
    ("-Ruth Abara, speaking after the vote.", "Ruth Abara"),
])
def test_dash_signature_paragraph_signs_the_quote_above(signature, source):
    text = f'The fact check follows.\n\n"Our buses run on time."\n\n{signature}\n\nThey ran late in May.'
    att = quoted(text, "Our buses run on time")
    assert (att.source, att.kind) == (source, "direct")


def test_dash_paragraph_that_is_not_a_name_signs_nothing():
    text = 'The fact check follows.\n\n"Our buses run on time."\n\n- and then the figures.\n\nThey ran late.'
    assert not any("buses run" in a.content for a in find_attributions(text))
