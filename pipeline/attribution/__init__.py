"""Attribution extraction ("who said what"), rule-based and pure Python.

``find_attributions(text)`` returns :class:`newsflow.records.Attribution`
records with character spans into ``text``.  The stages, one module each:

1. ``quotes``, ``segment``  quote-mark pairing, paragraphs, quote-aware tokens, sentences;
2. ``cues``                 reporting-verb, cognition and evidence lexicons;
3. ``clauses``, ``phrases`` cue-driven shapes per sentence (forward, cue-final,
   inverted, split, parenthetical, "according to", "X's claim that", ...);
4. ``frames``               direct quotes closed or opened by any verb, dash signatures;
5. ``assemble``             keep the outermost attribution, attach follow-on and
   multi-paragraph quotes as fragments, label the kind;
6. ``model``                a learned filter drops candidates unlike PolNeAR attributions;
7. ``speakers``             resolve pronouns and "the official" to a full mention.
"""

from __future__ import annotations

import dataclasses
import re
from typing import NamedTuple

from ..records import Attribution, Speaker
from ..versions import package_version
from .assemble import assemble, finish
from .headline import title_attribution
from .model import keep
from .names import canonical, merge_names, speaker_list
from .segment import segment

# The rules' base version, plus a hash of every module and of the learned filter's weights
# (filter_model.json): any change of a rule, lexicon or weight changes it.
ATTRIBUTOR_VERSION = package_version("rules-2", __name__)

__all__ = ["ATTRIBUTOR_VERSION", "Analysis", "analyse", "find_attributions", "looks_english"]

_FUNCTION_WORDS = frozenset(
    "the of and to is that for with was it as are be by from has have said this not but "
    "his they their which will would been were who he she its had in on at an".split()
)
_WORD = re.compile(r"[^\W\d_]+")


def looks_english(text: str, sample: int = 400, floor: float = 0.15) -> bool:
    """True when enough of the first words are English function words."""
    words = _WORD.findall(text[:20000])[:sample]
    if len(words) < 3:
        return False
    hits = sum(1 for w in words if w.lower() in _FUNCTION_WORDS)
    if len(words) < 30:  # a single sentence: one clear English function word will do
        return hits >= 1
    return hits / len(words) >= floor


class Analysis(NamedTuple):
    """What :func:`analyse` finds: the attributions (title ones first) and the speakers."""

    attributions: list[Attribution]
    speakers: list[Speaker]


def _body(text: str) -> tuple[list[Attribution], dict[str, list[str]]]:
    if not text or not text.strip() or not looks_english(text):
        return [], {}
    records = [r for r in assemble(text, segment(text)) if keep(r["features"])]
    return finish(text, records)


def find_attributions(text: str) -> list[Attribution]:
    """Attribution relations in ``text``; [] for empty or non-English text."""
    return _body(text)[0]


def _title(title: str, body_speakers: list[str]) -> tuple[list[Attribution], dict[str, list[str]]]:
    """Title attributions, their speakers matched to the body's fullest names."""
    found = title_attribution(title)
    atts, titles = ([found], {}) if found else _body(title) if len(title) < 400 else ([], {})
    out = []
    for att in atts:
        name, seen = canonical(att.speaker)
        head = name.split()[-1].lower() if name.split() else ""
        same = [s for s in body_speakers if s.split() and s.split()[-1].lower() == head]
        name = max(same, key=len) if same else merge_names([name, *body_speakers])[name]
        titles.setdefault(name, []).extend(t for t in seen if t not in titles.get(name, []))
        out.append(dataclasses.replace(att, speaker=name, where="title"))
    return out, titles


def analyse(text: str, title: str = "") -> Analysis:
    """Attributions of an article's body and title, and its ``speakers`` list."""
    body, titles = _body(text)
    head, head_titles = _title(title, [a.speaker for a in body]) if title.strip() else ([], {})
    for name, seen in head_titles.items():
        titles.setdefault(name, []).extend(t for t in seen if t not in titles[name])
    atts = head + body
    return Analysis(atts, speaker_list(text, atts, titles))
