"""Canonical speaker names and the article's ``speakers`` list.

A resolved mention ("Republican presidential candidate Donald Trump, who
...", "Texas Sen. Ted Cruz", "Mr. Trump") becomes a canonical name ("Donald
Trump", "Ted Cruz") plus the titles and roles seen before or after it
("Republican presidential candidate", "Texas Sen.").  Within an article a
shorter name is merged into the fullest one that ends with the same surname.
Descriptions with no name ("a senior U.S. defense official") are their own
canonical form; bare pronouns are not speakers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..records import Attribution, Speaker

_TITLE_WORDS = frozenset(
    "mr mrs ms miss dr sen senator rep representative gov governor president pres gen general lt col sgt capt "
    "adm maj judge justice secretary sec mayor chairman chairwoman chair prof professor rev sir dame lord "
    "attorney candidate nominee leader speaker minister chancellor ambassador director spokesman spokeswoman "
    "former vice deputy acting then first lady sens reps state".split()
)
_DETERMINERS = frozenset("the a an".split())
_PARTICLES = frozenset("de del della der van von la le da di bin al st. jr. jr sr. sr ii iii".split())
_TIME_NAMES = frozenset(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday".split()
)
_CONNECTORS = frozenset("of for on and".split())
_PREPOSITIONS = frozenset("for of at with by from in to about on against".split())
_DESCRIPTORS = frozenset("democrat democratic republican rival gop independent libertarian".split())
_INSTITUTIONS = frozenset(
    "committee party post times center centre research debates department council association institute "
    "university college campaign foundation news network administration commission court house senate "
    "group union agency office bureau journal review magazine poll service".split()
)
_PRONOUNS = frozenset("he she they we i you it who which this that there".split())
_RELATIVE = re.compile(r",|\s(?:who|which|that|whose)\s")
_WORD = re.compile(r"\w+(?:['’.-]\w+)*\.?")


def _is_name_word(word: str) -> bool:
    return word[:1].isupper() and not word.lower().endswith(("'s", "’s")) or word.lower() in _PARTICLES


def _name_run(words: list[str]) -> int:
    """Start of the trailing run of name words ("of"/"for"/"on" inside it: "Secretary of State ...")."""
    run = len(words)
    while run > 0 and (_is_name_word(words[run - 1]) or words[run - 1] in _CONNECTORS and run >= 2
                       and _is_name_word(words[run - 2]) and run < len(words)):
        run -= 1
    while run < len(words) and words[run] in _CONNECTORS:
        run += 1
    return run


def _split_name(words: list[str]) -> tuple[list[str], list[str]] | None:
    """``(title words, name words)`` of a mention that ends in a name, else None."""
    run = _name_run(words)
    if run > 0 and words[run - 1].lower() in _PREPOSITIONS:
        return None  # "a spokeswoman for Hillary Clinton", "the city of Phoenix": not the name's own mention
    name = words[run:]
    last_title = max((k for k, w in enumerate(name[:-1]) if w.lower().strip(".") in _TITLE_WORDS), default=-1)
    name = name[last_title + 1:]  # "Texas Sen. Ted Cruz" -> "Ted Cruz"
    while name and name[0].lower() in _DETERMINERS:
        name = name[1:]  # "The New York Times"
    if len(name) >= 3 and name[0].lower() in _DESCRIPTORS and name[-1].lower() not in _INSTITUTIONS:
        name = name[1:]  # "Democrat Hillary Clinton", not "Republican National Committee"
    if not name or all(w.lower() in _PARTICLES or w.lower().strip(".") in _TITLE_WORDS for w in name) \
            or name[-1].lower() in _TIME_NAMES:
        return None  # "the Speaker", "a poll released in late August"
    return words[:len(words) - len(name)], name


def canonical(mention: str) -> tuple[str, list[str]]:
    """``(canonical name, titles and roles)`` for one resolved mention."""
    name, titles, _ = _canonical(mention)
    return name, titles


def _canonical(mention: str) -> tuple[str, list[str], bool]:
    """:func:`canonical` plus whether the mention holds a name (else it is a description)."""
    mention = " ".join(mention.split())
    head, _, rest = mention.partition(",")
    head = _RELATIVE.split(head)[0].strip()
    role = _RELATIVE.split(rest)[0].strip() if rest else ""
    found = _split_name(head.split())
    if found is None:
        after = _split_name(role.split()) if role and len(role.split()) <= 4 and role[:1].isupper() else None
        if after is not None:  # "The state's campaign chairman, Phil Lovas", "The minister, Mr. Guajardo"
            return " ".join(after[1]), [t for t in (head, " ".join(after[0])) if t], True
        return head, [], False  # a description: "a senior U.S. defense official"
    title_words, name = found
    titles = [" ".join(title_words)] if title_words else []
    if role and role.split()[0].lower() in ("a", "an", "the") and len(role.split()) <= 10:
        titles.append(role)  # "Craig Varoga, a Democratic strategist"
    return " ".join(name), [t for t in titles if t and t.lower() not in _DETERMINERS], True


def is_speaker(name: str) -> bool:
    """A name or description, not a bare pronoun or nothing."""
    words = name.lower().split()
    return bool(words) and not (len(words) == 1 and words[0] in _PRONOUNS)


def _is_proper(name: str) -> bool:
    return name[:1].isupper()


def merge_names(names: Iterable[str]) -> dict[str, str]:
    """Each name -> the fullest name of the article ending with the same surname ("Trump" -> "Donald Trump")."""
    names = set(names)
    by_surname: dict[str, str] = {}
    for name in sorted(names, key=lambda n: (-len(n.split()), n)):
        by_surname.setdefault(name.split()[-1].lower(), name)
    return {n: by_surname[n.split()[-1].lower()] for n in names}


def canonical_speakers(resolved: list[str]) -> tuple[list[str], dict[str, list[str]]]:
    """Canonical speaker per resolved mention, and the titles seen for each canonical name."""
    triples = [_canonical(m) if is_speaker(m) else (m, [], False) for m in resolved]
    merged = merge_names(n for n, _, is_name in triples if is_name)
    titles: dict[str, list[str]] = {}
    out = []
    for name, seen, _ in triples:
        final = merged.get(name, name)
        out.append(final)
        for t in seen:
            if t not in titles.setdefault(final, []):
                titles[final].append(t)
    return out, titles


def speaker_list(text: str, atts: list[Attribution], titles: dict[str, list[str]] | None = None) -> list[Speaker]:
    """The article's speakers, most quoted first: canonical name, titles, mention and quote counts."""
    titles = titles or {}
    quotes: dict[str, int] = {}
    for a in atts:
        if is_speaker(a.speaker):
            quotes[a.speaker] = quotes.get(a.speaker, 0) + 1
    out = []
    for name, n in quotes.items():
        key = name.split()[-1] if _is_proper(name) else name
        flags = 0 if _is_proper(name) else re.IGNORECASE
        mentions = len(re.findall(r"(?<!\w)" + re.escape(key) + r"(?!\w)", text, flags))
        out.append(Speaker(name=name, titles=titles.get(name, []), mentions=max(mentions, n), quotes=n))
    return sorted(out, key=lambda s: (-s.quotes, s.name))
