"""From per-sentence candidates to final :class:`Attribution` records.

Only the outermost attribution is kept (as PolNeAR and PARC annotate): a cue
inside another attribution's content is dropped, unless it starts a new
coordinated clause ("X said A, but Y said B"), in which case the first
content is cut there.  Quote sentences that follow a quoted attribution in
the same paragraph, and paragraphs that continue an open quote, become extra
content fragments of that attribution.
"""

from __future__ import annotations

from typing import NamedTuple

from ..records import Attribution
from .clauses import Cand
from .cues import CUE_FORMS
from .frames import DASHES, colon_intro, dash_frame, dash_source, fronted_frame, intro_frame, tail_frame
from .model import LATE_PATTERNS, features
from .names import canonical_speakers
from .phrases import sentence_candidates
from .segment import Paragraph, Tok
from .speakers import np_left, resolve_all

_COORD = frozenset("but and while whereas yet".split())
_PREPOSITIONS = frozenset("from for with at in on by to of about against".split())


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= pos <= b for a, b in spans)


def _coordinated_start(toks: list[Tok], cand: Cand) -> int | None:
    """Index of the boundary token opening ``cand``'s clause, if it is coordinated.

    ``A said X; B said Y``, ``A said X, but B said Y``, ``A said X and B said Y``
    and ``A says X and said Y`` all hold two attributions.
    """
    if cand.source is None or cand.pattern not in ("forward", "coordinated"):
        return None
    if cand.pattern == "coordinated":
        j = cand.cue[0] - 1
        while j > 0 and toks[j].low not in _COORD:
            j -= 1
        return j if j > 0 else None
    j = cand.source[0] - 1
    if j >= 0 and toks[j].text == ";":
        return j
    if j >= 1 and toks[j].low in _COORD:
        head = toks[cand.source[0]]
        if toks[j - 1].text == ",":
            return j - 1
        if head.text[0].isupper() or head.low in ("he", "she", "they", "we", "i"):
            return j
    return None


def outermost(toks: list[Tok], cands: list[Cand]) -> list[Cand]:
    """Drop candidates nested in another's content (see the module docstring).

    ``cands`` are one sentence's, so there are few (the sentence bounds them).
    """
    dropped: set[int] = set()
    for inner in cands:
        for outer in cands:
            if inner is outer or id(inner) in dropped or id(outer) in dropped:
                continue
            if outer.source and outer.source[0] <= inner.cue[0] <= outer.source[1]:
                dropped.add(id(inner))  # "said Tom Rath, who had endorsed Kasich": inside a source
                continue
            if not _inside(inner.cue[0], outer.content):
                continue
            cut = _coordinated_start(toks, inner)
            if outer.pattern == "forward" and cut is not None and _inside(cut, outer.content):
                a, b = outer.content[-1]
                outer.content[-1] = (a, cut - 1)
                continue
            mutual = _inside(outer.cue[0], inner.content)
            if mutual and inner.pattern != "forward" and outer.pattern == "forward":
                dropped.add(id(outer))
            else:
                dropped.add(id(inner))
    return [c for c in cands if id(c) not in dropped]


def _covered(cands: list[Cand], k: int) -> bool:
    return any(_inside(k, c.content) or (c.source and c.source[0] <= k <= c.source[1]) for c in cands)


def _quote_sentence(toks: list[Tok], lo: int, hi: int) -> int | None:
    """Index of the quote when the sentence is nothing but a quotation."""
    qs = [k for k in range(lo, hi) if toks[k].kind == "q"]
    if len(qs) == 1 and all(t.kind == "p" for k, t in enumerate(toks[lo:hi], lo) if k != qs[0]):
        return qs[0]
    return None


def _has_quote(toks: list[Tok], cand: Cand) -> bool:
    return any(toks[k].kind == "q" for a, b in cand.content for k in range(a, b + 1))


def attach_quotes(para: Paragraph, per_sentence: list[list[Cand]]) -> list[tuple[int, Cand]]:
    """Follow-on quote sentences of the paragraph, paired with their attribution.

    A quote sentence goes to the last quoted attribution before it, else to
    the first one after it that opens with a quote.  One pass each way, so a
    paragraph of thousands of sentences stays linear.
    """
    toks = para.toks
    opens = [next((c for c in cands if c.content and toks[c.content[0][0]].kind == "q"), None)
             for cands in per_sentence]
    first_after: list[Cand | None] = [None] * (len(per_sentence) + 1)
    for s in range(len(per_sentence) - 1, -1, -1):
        first_after[s] = opens[s] or first_after[s + 1]
    pairs = []
    last_quoted: Cand | None = None
    for s, (lo, hi) in enumerate(para.sentences):
        cands = per_sentence[s]
        q = _quote_sentence(toks, lo, hi)
        if q is not None and not _covered(cands, q):
            before = [c for c in cands if c.cue[0] < q and _has_quote(toks, c)]
            after = [c for c in cands if c.cue[0] > q and c.content and toks[c.content[0][0]].kind == "q"]
            owner = before[-1] if before else last_quoted
            if owner is None:
                owner = after[0] if after else first_after[s + 1]
            if owner is not None:
                pairs.append((q, owner))
        last_quoted = next((c for c in reversed(cands) if _has_quote(toks, c)), last_quoted)
    return pairs


def _char_spans(toks: list[Tok], spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return [(toks[a].start, toks[b].end) for a, b in spans]


def _kind(toks: list[Tok], spans: list[tuple[int, int]], n_extra: int) -> str:
    inner = [toks[k] for a, b in spans for k in range(a, b + 1)]
    if all(t.kind in "qp" for t in inner) and any(t.kind == "q" for t in inner):
        return "direct"
    return "mixed" if any(t.kind == "q" for t in inner) or n_extra else "indirect"


def _record(para: Paragraph, cand: Cand, extra: list[tuple[int, int]]) -> dict:
    """A plain record (char spans) for one candidate plus appended quote fragments."""
    toks = para.toks
    frags = sorted(_char_spans(toks, cand.content) + extra)  # content may be empty (colon intro)
    s_span = _char_spans(toks, [cand.source])[0] if cand.source else (0, 0)
    c_span = _char_spans(toks, [cand.cue])[0]
    kind = _kind(toks, cand.content, 0) if not extra else _extra_kind(toks, cand)
    return {
        "source_span": s_span, "cue_span": c_span,
        "content_span": (frags[0][0], frags[-1][1]), "content_spans": frags,
        "kind": kind, "speech": cand.speech, "mention": _mention(toks, cand),
        "features": features(toks, cand, kind, len(extra)),
    }


def _mention(toks: list[Tok], cand: Cand) -> str | None:
    """For a relative "who"/"which" source, the antecedent it stands for."""
    if cand.source is None or cand.source[0] != cand.source[1] or toks[cand.source[0]].low not in ("who", "which"):
        return None
    j = cand.source[0] - 1
    if j < 1 or toks[j].text != ",":
        return None
    a = j
    while a - 1 >= 0 and toks[a - 1].kind == "w" and (toks[a - 1].text[0].isupper() or toks[a - 1].low == "of"):
        a -= 1  # a name: "Ann Lee, who ..."
    if a == j:
        start = np_left(toks, max(0, j - 4), j - 1)  # a short description: "the official, who ..."
        a = j if start is None else start
        while a < j and toks[a].low in _PREPOSITIONS:
            a += 1
    return " ".join(t.text for t in toks[a:j]) if a < j else None


def _extra_kind(toks: list[Tok], cand: Cand) -> str:
    return "direct" if _kind(toks, cand.content, 0) == "direct" else "mixed"


def _clash(frame: Cand, late: Cand) -> bool:
    """Does a long-tail candidate overlap a quote frame ("the surveyor who drew it said")?  The frame wins."""
    spans = late.content + [late.cue] + ([late.source] if late.source else [])
    return _inside(frame.cue[0], spans) or _inside(late.cue[0], frame.content + ([frame.source] if frame.source else []))


def _paragraph_cands(para: Paragraph, index: int) -> list[list[Cand]]:
    """Each sentence's candidates."""
    out: list[list[Cand]] = []
    for lo, hi in para.sentences:
        found = outermost(para.toks, sentence_candidates(para.toks, lo, hi, index))
        if not any(_has_quote(para.toks, c) for c in found):
            frame = (tail_frame(para.toks, lo, hi, index) or intro_frame(para.toks, lo, hi, index)
                     or dash_frame(para.toks, lo, hi, index) or fronted_frame(para.toks, lo, hi, index))
            if frame is not None:
                found = [c for c in found if not (c.pattern in LATE_PATTERNS and _clash(frame, c))]
            if frame is not None and not any(_inside(frame.cue[0], c.content) for c in found):
                # the frame reads its cue with the quote: a clause reading of the same cue, or one
                # inside the frame's source ("Ann Lee, who is chair of X said"), is dropped
                a, b = frame.source or (-1, -1)
                found = [c for c in found if c.cue[0] != frame.cue[0] and not a <= c.cue[0] <= b] + [frame]
        out.append(found)
    return out


def assemble(text: str, paras: list[Paragraph]) -> list[dict]:
    """Candidate records (char spans, features) for a segmented text; see :func:`finish`."""
    records: list[dict] = []
    last_quoted: dict | None = None
    pending: _Pending | None = None
    for index, para in enumerate(paras):
        per_sentence = _paragraph_cands(para, index)
        cands = [c for found in per_sentence for c in found]
        taken, colon_rec = _take_colon_quote(records, pending, para, cands)
        pending = None
        signed = not cands and _quote_paragraph(para) and _signature(paras, index + 1)
        if not cands and not taken and not signed and last_quoted is not None and _quote_paragraph(para):
            last_quoted["content_spans"] += [(q.start, q.end) for q in para.quotes]  # later: stays sorted
            last_quoted["content_span"] = (last_quoted["content_span"][0], last_quoted["content_spans"][-1][1])
            continue
        recs = _paragraph_records(para, per_sentence, taken)
        records.extend(recs)
        if signed:
            records.append(_signed_record(paras[index + 1], index + 1, para))
        pending = _colon_pending(para, index, per_sentence, recs)
        # A paragraph of nothing but quotes continues the speaker quoted last, if the paragraph before
        # ended with them: an open quote carried over, or a closed one ("“...,” he said." then "“...”").
        last_quoted = recs[-1] if recs and recs[-1]["kind"] != "indirect" else None
        if colon_rec is not None and not cands:
            last_quoted = colon_rec  # "Cruz continued:" then "“...”" then "“...”"
    return records


def _paragraph_records(para: Paragraph, per_sentence: list[list[Cand]], taken: set[int]) -> list[dict]:
    """Records for one paragraph's candidates, with follow-on quote sentences attached."""
    extra: dict[int, list[tuple[int, int]]] = {}
    for q, owner in attach_quotes(para, per_sentence):
        if q not in taken:
            extra.setdefault(id(owner), []).append((para.toks[q].start, para.toks[q].end))
    return [_record(para, cand, extra.get(id(cand), [])) for found in per_sentence for cand in found]


class _Pending(NamedTuple):
    """A paragraph's closing ``He said:``, waiting for the next paragraph's quote."""

    para: Paragraph
    cand: Cand  # the intro, with no content yet
    replaces: dict | None  # the clause reading of the same cue ("called them on it"), dropped if the quote comes


def _colon_pending(para: Paragraph, index: int, per_sentence: list[list[Cand]], recs: list[dict]) -> _Pending | None:
    """A paragraph ending in ``He said:`` waits for the quote in the next paragraph.

    When a clause rule already read the sentence ("Cruz called them on it:", "the committee said
    about its platform:"), that candidate becomes the intro; its record is replaced if the quote comes.
    """
    if not para.sentences:
        return None
    lo, hi = para.sentences[-1]
    toks = para.toks
    last = per_sentence[-1] if per_sentence else []
    if not last:
        cand = colon_intro(toks, lo, hi, index)
        return None if cand is None else _Pending(para, cand, None)
    if hi - lo < 3 or toks[hi - 1].text != ":" or any(t.kind == "q" for t in toks[lo:hi]):
        return None
    cand = last[-1]
    gerund = toks[hi - 2]
    if toks[hi - 3].text == "," and gerund.low.endswith("ing") and gerund.low in CUE_FORMS:
        # "The paper confirmed that, reporting:": the participle's source is the main clause's
        main = next((c for c in reversed(last) if c.source is not None and c.cue[0] < hi - 3), None)
        speech = CUE_FORMS[gerund.low].speech
        return None if main is None else _Pending(para, Cand(index, main.source, (hi - 2, hi - 2), [], speech, "colon"), None)
    if cand.source is None or cand.content and cand.content[-1][1] < hi - 3:
        return None  # the content must run up to the colon
    flat = [c for found in per_sentence for c in found]
    intro = Cand(cand.para, cand.source, cand.cue, [], cand.speech, "colon")
    return _Pending(para, intro, recs[len(flat) - 1])


def _take_colon_quote(records: list[dict], pending: _Pending | None, para: Paragraph,
                      cands: list[Cand]) -> tuple[set[int], dict | None]:
    """Give the pending ``He said:`` the quote sentences opening ``para`` (and return its record)."""
    if pending is None or not para.toks or para.toks[0].kind != "q":
        return set(), None
    taken = []
    for lo, hi in para.sentences:
        q = _quote_sentence(para.toks, lo, hi)
        if q is None:
            break
        taken.append(q)
    if not taken:
        if any(_inside(0, c.content) for c in cands):
            return set(), None  # "“...,” she said.": the quote has its own attribution
        taken = [0]
    spans = [(para.toks[q].start, para.toks[q].end) for q in taken]
    rec = _record(pending.para, pending.cand, spans)
    rec["kind"] = "direct"
    if pending.replaces is not None:
        # the previous paragraph's record: near the end, so searching backwards stays linear
        at = next(i for i in range(len(records) - 1, -1, -1) if records[i] is pending.replaces)
        records[at] = rec
    else:
        records.append(rec)
    return set(taken), rec


def _signature(paras: list[Paragraph], index: int) -> bool:
    """Is paragraph ``index`` a dash and a name signing the quote above it ("- Bernie Sanders.")?"""
    if index >= len(paras):
        return False
    toks = paras[index].toks
    return 2 <= len(toks) <= 16 and toks[0].text in DASHES and dash_source(toks) is not None


def _signed_record(sig: Paragraph, index: int, quoted: Paragraph) -> dict:
    src = dash_source(sig.toks)
    assert src is not None
    cand = Cand(index, src, (0, 0), [], True, "dash")
    rec = _record(sig, cand, [(q.start, q.end) for q in quoted.quotes])
    rec["kind"] = "direct"
    return rec


def _quote_paragraph(para: Paragraph) -> bool:
    """Is the paragraph nothing but quote sentences?"""
    return bool(para.quotes) and all(_quote_sentence(para.toks, lo, hi) is not None for lo, hi in para.sentences)


def finish(text: str, records: list[dict]) -> tuple[list[Attribution], dict[str, list[str]]]:
    """Attributions for the records, in content order (``records`` is sorted the same way),
    and the titles seen for each canonical speaker."""
    records.sort(key=lambda r: r["content_span"])
    sources = [text[slice(*r["source_span"])] for r in records]
    order = sorted(range(len(records)), key=lambda i: min(records[i]["cue_span"][0], records[i]["content_span"][0]))
    mentions = [records[i]["mention"] or sources[i] for i in order]
    names, titles = canonical_speakers(resolve_all(mentions))
    speakers = dict(zip(order, names))
    out = []
    for i, r in enumerate(records):
        spans = r["content_spans"]
        out.append(Attribution(
            source=sources[i], cue=text[slice(*r["cue_span"])], content=text[slice(*r["content_span"])],
            source_span=r["source_span"], cue_span=r["cue_span"], content_span=r["content_span"],
            kind=r["kind"], speaker=speakers[i], speech=r["speech"],
            content_spans=list(spans),
        ))
    return out, titles
