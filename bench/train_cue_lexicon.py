"""Learn the long tail of cue verbs (``newsflow/attribution/cue_lexicon.json``).

Usage: ``python -m bench.train_cue_lexicon [--data DIR] [--out PATH]``

From the PolNeAR **train** split only.  For every lower-case word form that
heads a gold cue (its first word that is not an auxiliary, adverb or "to")
and is not in the hand-written lexicon, count how often it heads a cue and
how often it occurs at all.  Forms heading at least ``MIN_CUES`` cues with a
ratio of at least ``MIN_RATIO`` are kept ("expressed", "denounced",
"referring"), with that ratio (the filter model sees it as a feature) and
the prepositions that often follow them inside the cue ("spoke about",
"referring to"): the content starts after those.  Counts over the whole
split in text order, no randomness.  Only forms and numbers are written,
never text.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

from bench.attribution import load, train_split_args
from newsflow.attribution.cues import AUXILIARIES, CUE_FORMS, NOT_LEARNED

OUT = Path(__file__).resolve().parents[1] / "pipeline" / "attribution" / "cue_lexicon.json"
MIN_CUES = 5
MIN_RATIO = 0.2
MIN_PARTICLE_SHARE = 0.2
PARTICLES = frozenset("about to of on for up over with at against into as".split())
_WORD = re.compile(r"[^\W\d_][\w’'\-]*")


def _head(words: list[str]) -> int | None:
    """Index of a cue's head: its first word that is not an auxiliary, adverb, "not" or "to"."""
    for n, w in enumerate(words):
        low = w.lower()
        if low not in AUXILIARIES and low not in ("not", "to") and not low.endswith("ly"):
            return n
    return None


def learn(docs: list[dict]) -> dict[str, dict]:
    """``form -> {"p": cue ratio, "n": cues headed, "particles": [...]}`` for the kept forms."""
    occurrences: Counter[str] = Counter()
    heads: Counter[str] = Counter()
    after: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for doc in docs:
        text = doc["text"]
        occurrences.update(m.group() for m in _WORD.finditer(text) if m.group().islower())
        for att in doc["attributions"]:
            if not att.get("cue_span"):
                continue
            words = _WORD.findall(text[slice(*att["cue_span"])])
            n = _head(words)
            if n is None or not words[n].islower():
                continue
            heads[words[n]] += 1
            if n + 1 < len(words):
                after[words[n]][words[n + 1].lower()] += 1
    out = {}
    for form in sorted(heads):
        n, seen = heads[form], occurrences[form]
        if n < MIN_CUES or not seen or n / seen < MIN_RATIO or len(form) < 3 or not form.isalpha():
            continue
        if form in CUE_FORMS or form in AUXILIARIES or form in NOT_LEARNED or form.endswith("ly"):
            continue
        particles = sorted(w for w, c in after[form].items() if w in PARTICLES and c / n >= MIN_PARTICLE_SHARE)
        out[form] = {"p": round(n / seen, 3), "n": n, "particles": particles}
    return out


def run(argv: list[str] | None = None) -> int:
    args, gold = train_split_args("Learn the long-tail cue verbs from PolNeAR train.", OUT, argv)
    if gold is None:
        return 1
    lexicon = learn(load(gold))
    args.out.write_text(json.dumps({"trained_on": "PolNeAR train split", "min_cues": MIN_CUES,
                                    "min_ratio": MIN_RATIO, "forms": lexicon}, indent=0, sort_keys=True) + "\n",
                        encoding="utf-8")
    print(f"{len(lexicon)} forms; wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(run())
