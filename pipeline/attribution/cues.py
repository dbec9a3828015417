"""Cue lexicons: the words that signal an attribution, and how each behaves.

A cue lemma has a *class* that tells the clause rules what may follow it:

* ``say``     -- a bare clause may follow ("X said the plan failed").
* ``that``    -- only a "that"-clause, a quote, a colon, or the end of the
                 sentence ("..., he added.") makes it a cue ("He added a clause"
                 is not an attribution).
* ``tell``    -- like ``say`` but takes an object first ("told reporters ...").
* ``to``      -- an infinitive follows ("wants to ...", "vowed to ...").
* ``object``  -- the object noun phrase (or a "that"-clause) is the content
                 ("criticized Rubio for ...", "reported earnings of ...").
* ``evidence``-- find/show-type verbs: a "that"-clause, or any clause when the
                 subject is a poll, study, report and the like.

``speech`` is False for cognition, desire and evidence (thinks, wants, found).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class Cue:
    """What one surface form of a cue word means to the clause rules."""

    lemma: str
    klass: str
    speech: bool


# lemma -> (class, speech).  Irregular forms are listed in _IRREGULAR below.
_LEMMAS: dict[str, tuple[str, bool]] = {
    # speech, bare clause allowed
    "say": ("say", True), "claim": ("say", True), "argue": ("say", True),
    "insist": ("say", True), "contend": ("say", True), "assert": ("say", True),
    "declare": ("say", True), "state": ("that", True), "maintain": ("that", True),
    "acknowledge": ("say", True), "admit": ("say", True), "allege": ("say", True),
    "predict": ("say", True), "complain": ("say", True), "concede": ("say", True),
    "boast": ("say", True), "brag": ("say", True), "testify": ("say", True),
    "warn": ("say", True), "suggest": ("say", True), "charge": ("that", True),
    "write": ("that", True), "tweet": ("say", True), "post": ("that", True),
    "announce": ("object", True), "report": ("object", True), "add": ("that", True),
    "note": ("object", True), "explain": ("that", True), "recall": ("that", True),
    "reply": ("that", True), "respond": ("that", True), "answer": ("that", True),
    "stress": ("that", True), "emphasize": ("that", True), "confirm": ("object", True),
    "deny": ("object", True), "observe": ("that", True), "remark": ("that", True),
    "conclude": ("that", True), "continue": ("that", True), "joke": ("that", True),
    "quip": ("that", True), "ask": ("object", True), "wonder": ("that", True),
    "reiterate": ("that", True), "repeat": ("that", True), "indicate": ("that", True),
    "signal": ("that", True), "hint": ("that", True), "counter": ("that", True),
    "retort": ("that", True), "decide": ("that", False), "shout": ("that", True), "yell": ("that", True),
    "proclaim": ("say", True), "agree": ("that", True),
    "disclose": ("that", True), "reveal": ("object", True), "speculate": ("that", True),
    "caution": ("that", True), "urge": ("object", True), "demand": ("that", True),
    "estimate": ("that", True), "point": ("that", True), "mention": ("object", True),
    "vow": ("say", True), "promise": ("say", True), "pledge": ("object", True),
    "threaten": ("to", True),
    # an object noun phrase is the content ("criticized Rubio for ...", "reported earnings")
    "criticize": ("object", True), "praise": ("object", True), "call": ("object", True),
    "accuse": ("object", True), "attack": ("object", True), "blast": ("object", True),
    "slam": ("object", True), "condemn": ("object", True), "question": ("object", True),
    "dismiss": ("object", True), "defend": ("object", True), "reject": ("object", True),
    "blame": ("object", True), "applaud": ("object", True), "decry": ("object", True),
    "cite": ("object", True), "describe": ("object", True), "propose": ("object", True),
    "endorse": ("object", False), "support": ("object", False), "oppose": ("object", False),
    "tout": ("object", True), "rebuke": ("object", True), "lament": ("object", True),
    "welcome": ("object", True),
    # speech with an object first
    "tell": ("tell", True), "assure": ("tell", True), "inform": ("tell", True),
    "remind": ("tell", True), "notify": ("tell", True),
    # cognition / attitude (not speech)
    "believe": ("say", False), "think": ("say", False), "feel": ("that", False),
    "hope": ("say", False), "fear": ("say", False), "expect": ("that", False),
    "know": ("that", False), "doubt": ("that", False), "worry": ("that", False),
    "suspect": ("that", False), "assume": ("that", False), "realize": ("that", False),
    "understand": ("that", False), "recognize": ("that", False),
    "want": ("to", False), "plan": ("to", False), "intend": ("to", False),
    "refuse": ("to", False), "decline": ("to", False), "seek": ("to", False),
    "learn": ("that", False), "hear": ("that", False), "emerge": ("that", False),
    "surface": ("that", False), "imply": ("that", False),
    # evidence
    "find": ("evidence", False), "show": ("evidence", False),
}

_IRREGULAR: dict[str, tuple[str, ...]] = {
    "say": ("say", "says", "said", "saying"),
    "tell": ("tell", "tells", "told", "telling"),
    "write": ("write", "writes", "wrote", "writing", "written"),
    "think": ("think", "thinks", "thought", "thinking"),
    "feel": ("feel", "feels", "felt", "feeling"),
    "know": ("know", "knows", "knew", "known", "knowing"),
    "find": ("find", "finds", "found", "finding"),
    "show": ("show", "shows", "showed", "shown", "showing"),
    "hear": ("hear", "hears", "heard", "hearing"),
    "learn": ("learn", "learns", "learned", "learnt", "learning"),
    "understand": ("understand", "understands", "understood", "understanding"),
    "seek": ("seek", "seeks", "sought", "seeking"),
    "deny": ("deny", "denies", "denied", "denying"),
    "reply": ("reply", "replies", "replied", "replying"),
    "testify": ("testify", "testifies", "testified", "testifying"),
    "notify": ("notify", "notifies", "notified", "notifying"),
    "worry": ("worry", "worries", "worried", "worrying"),
    "imply": ("imply", "implies", "implied", "implying"),
    "plan": ("plan", "plans", "planned", "planning"),
    "admit": ("admit", "admits", "admitted", "admitting"),
    "quip": ("quip", "quips", "quipped", "quipping"),
    "signal": ("signal", "signals", "signaled", "signalled", "signaling"),
}


def _regular_forms(lemma: str) -> tuple[str, ...]:
    """Present, third person, past and gerund of a regular English verb."""
    if lemma.endswith("e"):
        return lemma, lemma + "s", lemma + "d", lemma[:-1] + "ing"
    if lemma.endswith(("s", "sh", "ch", "x", "z")):
        return lemma, lemma + "es", lemma + "ed", lemma + "ing"
    return lemma, lemma + "s", lemma + "ed", lemma + "ing"


# Forms that are nouns far more often than verbs in news ("the state", "a post").
# They count as cues only right after a clear subject (see ``clauses.cue_at``).
NOUN_FORMS = frozenset(
    "state states post posts plan note notes point points estimate estimates call calls "
    "question questions support attack attacks report reports welcome cite".split()
)


def _build() -> dict[str, Cue]:
    forms: dict[str, Cue] = {}
    for lemma, (klass, speech) in _LEMMAS.items():
        for form in _IRREGULAR.get(lemma) or _regular_forms(lemma):
            forms.setdefault(form, Cue(lemma, klass, speech))
    return forms


CUE_FORMS: dict[str, Cue] = _build()

# Verbs whose object slot we skip before the content ("told reporters that ...").
OBJECT_VERBS = frozenset(lemma for lemma, (klass, _) in _LEMMAS.items() if klass == "tell")

# A cue needs this particle to count ("point out", not "point").
PARTICLES = {"point": "out"}

# Subjects that make find/show an attribution without "that".
EVIDENCE_HEADS = frozenset(
    "poll polls survey surveys study studies report reports data analysis research results "
    "numbers figures records review audit investigation documents filings estimates average "
    "video footage transcript slide chart map graph photo image tally count model forecast "
    "panel court judge jury commission committee inspector probe researchers scientists".split()
)

# Verbs that may also take an infinitive ("agreed to", "promised to", "decided to").
INFINITIVE_OK = frozenset("agree decide promise pledge vow offer demand threaten urge ask".split())

# Nouns that carry an attribution after a possessive: "Trump's claim that ...".
CUE_NOUNS = frozenset(
    "claim claims assertion assertions argument belief view suggestion statement statements "
    "warning warnings promise promises insistence allegation allegations accusation accusations "
    "comment comments remark remarks charge prediction predictions contention fear fears hope "
    "hopes argument arguments announcement admission denial pledge vow suspicion concern "
    "concerns conclusion finding findings estimate".split()
)
SPEECH_NOUNS = CUE_NOUNS - frozenset(
    "belief view fear fears hope hopes suspicion concern concerns conclusion finding findings estimate".split()
)

# Words that may stand between a source and its cue: "he also said", "has long argued".
AUXILIARIES = frozenset(
    "has have had also later previously repeatedly again once then reportedly recently publicly "
    "privately frequently often never long already initially first similarly further still "
    "will would could did does do is are was were be been may might must should can "
    "just flatly bluntly openly angrily quickly simply earlier ultimately immediately "
    "subsequently separately specifically explicitly".split()
) | frozenset(
    f"{verb}n{apostrophe}t" for verb in "do does did is are was were has have had would could should wo ca".split()
    for apostrophe in "'’"
)

# Words that start the adjuncts after a cue: "said Monday", "said in a statement".
WEEKDAYS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday today yesterday tonight "
    "recently earlier later again morning evening afternoon night".split()
)
ADJUNCT_PREPS = frozenset("on in at during after before last this while from via through".split())

# "In a statement, ...", "In a poll released Monday, ...": the medium names the source.
MEDIA_NOUNS = EVIDENCE_HEADS | frozenset(
    "statement interview letter op-ed editorial memo tweet post speech email ad video column "
    "filing lawsuit complaint book essay note release remarks testimony".split()
)

# Capitalised labels that end in a colon but are not speakers ("Photo: ...").
NOT_SPEAKERS = frozenset(
    "photo photos source sources update updated note editor editor's read related watch video "
    "correction transcript tags share image credit caption advertisement q a see also more "
    "click listen subscribe sign follow posted published filed by for in on at the and but breaking "
    "revealed exclusive analysis opinion live new just factbox explainer wow fact bonus".split()
)

# Raising verbs: "X seemed to shrink", "X is expected to win" attribute "X ... to shrink"
# to no one (PolNeAR marks the evidential, with an empty source).
RAISING = frozenset("seem seems seemed appear appears appeared".split())

# Forms the learned lexicon (cue_lexicon.json) must not take: shapes of their own.
NOT_LEARNED = RAISING | frozenset("according".split())


@dataclass(frozen=True)
class LearnedCue:
    """A long-tail cue verb learned from PolNeAR train (see ``bench/train_cue_lexicon.py``)."""

    form: str
    p: float  # share of its occurrences in train that head a gold cue
    particles: frozenset[str]  # prepositions that belong to the cue ("spoke about")


def _learned() -> dict[str, LearnedCue]:
    """The committed learned lexicon (package data; missing is an error)."""
    data = json.loads(resources.files(__package__).joinpath("cue_lexicon.json").read_text(encoding="utf-8"))
    return {form: LearnedCue(form, v["p"], frozenset(v["particles"]))
            for form, v in data["forms"].items() if form not in CUE_FORMS and form not in NOT_LEARNED}


LEARNED_CUES: dict[str, LearnedCue] = _learned()
