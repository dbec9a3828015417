"""Headline attributions: "Senior defense official: No sign yet of Belarusian troops".

A title of the form ``SPEAKER: CLAIM`` is a claim by the speaker when the
part before the colon is a short name ("Lynch", "Sen. Ted Cruz") or a person
description ("Senior defense official", "Pentagon officials"), not a label
("Update", "Opinion", "Live", "Iowa caucuses").  A sentence-case title with a
reporting verb ("Trump says he will win") goes through the body rules.  The
records are marked ``where="title"`` and their spans index the title.
"""

from __future__ import annotations

import re

from ..records import Attribution
from .cues import NOT_SPEAKERS
from .speakers import COLLECTIVE_NOUNS, PERSON_NOUNS

_COLON = re.compile(r"^(?P<src>[^:\"“”]{2,60}?)\s*:\s+(?P<claim>\S.{8,})$")
_LABELS = NOT_SPEAKERS | frozenset(
    "podcast poll report review interview timeline q&a editorial letters letter column commentary recap "
    "preview quiz graphic graphics map maps chart charts gallery slideshow audio live-blog liveblog latest "
    "today tonight morning evening weekend week year watch: developing alert warning exclusive: world us uk "
    "politics business sports tech science health breaking news".split()
)
_PERSON_HEADS = PERSON_NOUNS | COLLECTIVE_NOUNS | frozenset(
    "officials sources aides advisers advisors experts analysts lawmakers senators leaders ministers "
    "spokesperson police prosecutors investigators democrats republicans economists scientists doctors "
    "witnesses residents voters critics supporters sources".split()
)
_QUOTES = "\"“”'‘’"
_WORDS = re.compile(r"[\w.'’-]+")


def _speaker_like(src: str) -> bool:
    words = _WORDS.findall(src)
    if not 1 <= len(words) <= 6 or words[0].lower().strip(".") in _LABELS or src.lower() in _LABELS:
        return False
    if any(w[0].isdigit() for w in words):
        return False  # "2016: the year in review"
    if words[-1].lower() in _PERSON_HEADS:
        return True  # "Senior defense official", "Pentagon officials"
    return len(words) <= 4 and all(w[0].isupper() for w in words)  # "Lynch", "Sen. Ted Cruz"


def title_attribution(title: str) -> Attribution | None:
    """The ``SPEAKER: CLAIM`` attribution of a title, or None."""
    m = _COLON.match(title.strip())
    if m is None:
        return None
    offset = len(title) - len(title.lstrip())
    src, claim = m.group("src").strip(), m.group("claim").rstrip()
    if not _speaker_like(src) or len(claim.split()) < 3:
        return None
    s0 = offset + m.start("src")
    c0 = offset + m.start("claim")
    colon = title.index(":", s0 + len(src))
    quoted = claim[0] in _QUOTES and claim[-1] in _QUOTES
    return Attribution(source=src, cue=":", content=claim, source_span=(s0, s0 + len(src)),
                       cue_span=(colon, colon + 1), content_span=(c0, c0 + len(claim)),
                       kind="direct" if quoted else "indirect", speaker=src, speech=True,
                       content_spans=[(c0, c0 + len(claim))], where="title")
