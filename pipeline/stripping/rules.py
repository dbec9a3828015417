"""A furniture rule: the kind of page furniture it removes, its regex fragments, and a substring
pre-check derived from them.

Python's ``re`` tries a long alternation branch by branch at every position; most lines hold none
of the rule's words, and ``any(t in low for t in triggers)`` rejects those at C speed.  The
triggers are computed from the compiled pattern (``required_literals``), so a fragment added to a
list is covered without anyone editing a second tuple.
"""

from __future__ import annotations

import re
import re._constants as sre  # the parser's opcodes (stdlib; stable since 3.11)
import re._parser as sre_parse

_ZERO_WIDTH = {sre.AT, sre.ASSERT, sre.ASSERT_NOT}
_REPEATS = {sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT)}


def _better(a: frozenset[str], b: frozenset[str] | None) -> bool:
    """A pre-check set is better when its shortest string is longer, then when it has fewer strings."""
    return b is None or (min(map(len, a)), -len(a)) > (min(map(len, b)), -len(b))


def _single_char(op, av) -> str | None:
    """The one character a node matches, if it matches exactly one: ``x`` or ``[x]``."""
    if op is sre.LITERAL:
        return chr(av)
    if op is sre.IN and len(av) == 1 and av[0][0] is sre.LITERAL:
        return chr(av[0][1])
    return None


def _required(items) -> frozenset[str] | None:
    """Best set of strings one of which every match of the sequence ``items`` contains (None: none)."""
    best: frozenset[str] | None = None
    run: list[str] = []
    for op, av in [*items, (None, None)]:  # a sentinel closes the last run
        char = _single_char(op, av)
        if char is not None:
            run.append(char)
            continue
        if op in _ZERO_WIDTH:
            continue  # anchors and look-arounds consume nothing: the run stays contiguous
        if run:
            cand = frozenset({"".join(run)})
            best, run = (cand if _better(cand, best) else best), []
        sub = _node_required(op, av)
        if sub and _better(sub, best):
            best = sub
    return best


def _node_required(op, av) -> frozenset[str] | None:
    """What a group, an alternation or a mandatory repeat requires."""
    if op is sre.SUBPATTERN:
        return _required(av[-1])
    if op is sre.BRANCH:
        subs = [_required(branch) for branch in av[1]]
        return None if any(s is None for s in subs) else frozenset().union(*subs)  # type: ignore[arg-type]
    if op in _REPEATS and av[0] >= 1:
        return _required(av[2])
    return None


def required_literals(pattern: str, flags: int = 0) -> tuple[str, ...] | None:
    """Lower-cased substrings one at least of which every match of ``pattern`` contains, or None
    when some match needs no literal at all (then no pre-check is possible)."""
    found = _required(sre_parse.parse(pattern, flags))
    if found is None:
        return None
    lowered = {s.lower() for s in found}
    # a string holding another trigger adds nothing: the shorter one is found wherever it is
    return tuple(sorted(s for s in lowered if not any(t != s and t in s for t in lowered)))


def alt(fragments: list[str]) -> str:
    """Join fragments into one non-capturing alternation."""
    return "(?:" + "|".join(fragments) + ")"


class Rule:
    """One kind of furniture (``kind``: what it removes) as one compiled alternation of ``fragments``
    between ``prefix`` and ``suffix``, plus the pre-check derived from it.  Rules for lower-cased
    text (``search``) are compiled case-sensitive: several times faster in ``re``."""

    def __init__(self, kind: str, fragments: list[str], prefix: str = "", suffix: str = "", flags: int = 0):
        self.kind = kind
        self.fragments = tuple(fragments)
        source = prefix + alt(list(fragments)) + suffix
        self.pattern = re.compile(source, flags)
        self.triggers = required_literals(source, flags)

    def search(self, low: str) -> bool:
        """Whether the lower-cased line holds a match (pre-check first)."""
        if self.triggers is not None and not any(map(low.__contains__, self.triggers)):  # C loop, no frames
            return False
        return self.pattern.search(low) is not None

    def match(self, line: str) -> bool:
        """Whether the line starts with a match (anchored rules; the pre-check costs a lower())."""
        return self.pattern.match(line) is not None

    def __repr__(self) -> str:
        return f"Rule({self.kind!r}, {len(self.fragments)} fragments, triggers={self.triggers})"
