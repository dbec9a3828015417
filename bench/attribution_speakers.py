"""Speaker-resolution score for the attribution bench.

PolNeAR annotates the local source mention ("he", "the official"), not the
entity.  The score asks whether an attribution's resolved ``speaker`` names
the person the gold source stands for:

* the gold source's **full mention** is the source itself when it holds a
  proper name ("Sen. Ted Cruz"); for "he"/"she" it is the nearest earlier
  gold source of the article holding a name; for a short description
  ("the official", "this spokesman") the nearest earlier gold source holding
  a name and the description's head word.  Otherwise there is none and the
  attribution is not scored.
* a gold attribution with a full mention is paired with the prediction whose
  content overlaps it best (shared word tokens >= half of both, one-to-one);
* it counts as **resolved** when the predicted speaker contains the last
  name word of the full mention's head (before any comma: its surname,
  usually; "Kenneth Baer, a former official who runs Crosscut Strategies"
  counts by "Baer").

Printed: resolved / scored, for all scored attributions and for those whose
gold source is a pronoun or description (where resolution does the work).
"""

from __future__ import annotations

import re

_WORD = re.compile(r"\w+")
_NOT_NAMES = frozenset(
    "the a an he she they it we i his her their its this that these those mr mrs ms dr sen rep gov gen "
    "president senator governor secretary but and in on at for according".split()
)
_PERSONAL = frozenset(("he", "she"))
_DESCRIPTION_DETS = frozenset("the this that".split())


def name_words(mention: str) -> list[str]:
    """Lower-cased capitalised words of ``mention`` that are not titles or function words."""
    return [w.lower() for w in _WORD.findall(mention) if w[0].isupper() and w.lower() not in _NOT_NAMES]


def full_mentions(gold: list[dict]) -> list[tuple[dict, str, bool]]:
    """``(gold attribution, full mention, needed resolution)`` for the gold that has one."""
    out = []
    named: list[str] = []  # earlier named gold sources, in text order
    for att in sorted(gold, key=lambda a: (a.get("source_span") or [0, 0])[0]):
        source = (att.get("source") or "").strip()
        words = _WORD.findall(source.lower())
        if name_words(source):
            out.append((att, source, False))
            named.append(source)
        elif len(words) == 1 and words[0] in _PERSONAL and named:
            out.append((att, named[-1], True))
        elif 2 <= len(words) <= 4 and words[0] in _DESCRIPTION_DETS:
            hit = next((m for m in reversed(named) if words[-1] in _WORD.findall(m.lower())), None)
            if hit is not None:
                out.append((att, hit, True))
    return out


def content_tokens(text: str, att: dict) -> frozenset[tuple[int, int]]:
    """The word tokens (as char spans) of an attribution's content fragments."""
    spans = att.get("content_spans") or [att["content_span"]]
    return frozenset((m.start(), m.end()) for s, e in spans for m in _WORD.finditer(text, s, e))


def match_contents(text: str, gold: list[dict], pred: list[dict]) -> dict[int, dict]:
    """Gold index -> matched prediction (content overlap >= 0.5 both ways, greedy by Jaccard)."""
    gt = [content_tokens(text, g) for g in gold]
    pt = [content_tokens(text, p) for p in pred]
    cands = []
    for gi, g in enumerate(gt):
        for pi, p in enumerate(pt):
            inter = len(g & p)
            if g and p and inter >= 0.5 * len(g) and inter >= 0.5 * len(p):
                cands.append((-inter / len(g | p), gi, pi))
    out: dict[int, dict] = {}
    used: set[int] = set()
    for _, gi, pi in sorted(cands):
        if gi not in out and pi not in used:
            out[gi] = pred[pi]
            used.add(pi)
    return out


def resolution_score(docs: list[dict], preds: dict[str, list[dict]]) -> dict[str, tuple[int, int]]:
    """``{"all": (resolved, scored), "pronoun or description": (...)}`` over the articles."""
    tally = {"all": [0, 0], "pronoun or description": [0, 0]}
    for doc in docs:
        gold = doc["attributions"]
        index = {id(g): i for i, g in enumerate(gold)}
        matched = match_contents(doc["text"], gold, preds.get(doc["id"], []))
        for att, full, resolved_needed in full_mentions(gold):
            pred = matched.get(index[id(att)])
            if pred is None:
                continue
            names = name_words(full.split(",")[0]) or name_words(full)  # the name, not its appositive
            ok = bool(names) and names[-1] in {w.lower() for w in _WORD.findall(pred.get("speaker") or "")}
            for key in ("all", "pronoun or description") if resolved_needed else ("all",):
                tally[key][0] += ok
                tally[key][1] += 1
    return {k: (v[0], v[1]) for k, v in tally.items()}
