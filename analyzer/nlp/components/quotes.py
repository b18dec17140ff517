"""Analyst views: who said what, about what, with which rating or price target.

``newsig_quotes`` finds attributed statements and sets ``Doc._.views`` (a list of
:class:`analyzer.records.View`) and ``Doc._.view_parts`` (the char ranges of each
view's quoted text, aligned with the views). Three kinds of statement:

- direct quotes, with the reporting verb before (``X noted that "..."``) or after
  (``"...," said X``); a quote with no speaker of its own continues the previous
  speaker only when it says so (``adding that "..."``) or follows at once in the
  same paragraph (``"...," said X. "..."``); otherwise it is kept with
  ``analyst=None`` rather than given to the wrong person;
- indirect speech (``X said the rebound may be short-lived``), from the parse;
- "according to" an analyst with a title or a research firm (``Chip prices should rebound,
  according to Park Yu-ak, an analyst at Kiwoom Securities``);
- rating / price-target actions (``Morgan Stanley analyst Joseph Moore cut his
  rating to underweight``).

Consecutive statements by the same speaker merge into one view. The stance is
decided later by :func:`score_views` (sentiment model) or, until the model is
loaded, by :func:`interim_lexicon_stance` (``stance_source="interim_lexicon"``).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace
from typing import Any, Protocol, Sequence

from spacy.language import Language
from spacy.tokens import Doc, Span

from analyzer.records import View

from analyzer.nlp.components.attribution import (
    QUOTE_CHARS, STOP_PUNCT, Speaker, SpeakerFinder, crosses_paragraph, is_reporting, org_name, paragraph_bounds,
    paragraph_break,
)
from analyzer.nlp.components.ratings import RatingChange, combine, parse_rating_change, vocabulary

TARGET_LABELS = {"COMPANY", "INDEX"}
MIN_UNATTRIBUTED_WORDS = 4  # shorter unattributed quotes are scare quotes ("value-up"), not views
STANCE_THRESHOLD = 0.2
QUOTE_RE = re.compile(r'["“”]')
STAMP = re.compile(r"^(?:\d{3,4}\s+)?(?:GMT|UTC|ET|EST|EDT|KST|JST|HKT|SGT|BST|CET)\s*[-—–]{1,2}\s*")
DATELINE = re.compile(r"^[^()\n]{0,40}\([A-Za-z .&-]{2,30}\)\s*[-—–]{1,2}\s*")
SENT_END = re.compile(r'[.!?]["”]?\s')
STORY = re.compile(r"(?m)^[ \t]*(?:\d{3,4}\s+)?(?:GMT|UTC|ET|EST|EDT|KST|JST|HKT|SGT|BST|CET)\s*[-—–]{1,2}")
FOLD_SENTENCES = 3  # a firm's analysts' view joins a later named analyst of no firm (analyst title) this near

for _ext in ("views", "view_parts"):
    if not Doc.has_extension(_ext):
        Doc.set_extension(_ext, default=None)
if not Span.has_extension("listing"):
    Span.set_extension("listing", default=None)


@Language.factory("newsig_quotes", default_config={"min_unattributed_words": MIN_UNATTRIBUTED_WORDS})
def make_quotes(nlp: Language, name: str, min_unattributed_words: int) -> "QuoteExtractor":
    return QuoteExtractor(min_unattributed_words)


@dataclass
class _Draft:
    """A view under construction (mutable until it becomes a frozen View)."""

    speaker: Speaker | None
    parts: list[tuple[int, int]]  # char ranges of the statement text
    start: int  # char range of everything the view covers (attribution included)
    end: int
    kind: str  # quote | indirect | according | action
    open_end: bool = False  # last quote ran to the end of its paragraph unclosed
    note: bool = False  # the attribution says it was written in a note / report to clients
    rating: RatingChange = field(default_factory=RatingChange)

    @property
    def analyst(self) -> str | None:
        return self.speaker.name if self.speaker else None


def find_quotes(text: str) -> list[tuple[int, int, bool]]:
    """Quoted stretches as (content start, content end, closed), paired per paragraph."""
    out: list[tuple[int, int, bool]] = []
    offset = 0
    rx = paragraph_break(text)
    pieces, seps = rx.split(text), [len(m.group()) for m in rx.finditer(text)] + [0]
    for line, sep in zip(pieces, seps):
        opened: int | None = None
        for m in QUOTE_RE.finditer(line):
            ch = m.group()
            if opened is None:
                if ch != "”":
                    opened = m.end()
            elif ch == "“":
                opened = m.end()
            else:
                out.append((offset + opened, offset + m.start(), True))
                opened = None
        if opened is not None and line[opened:].strip():
            out.append((offset + opened, offset + len(line.rstrip()), False))
        offset += len(line) + sep
    return out


class QuoteExtractor:
    """Finds views; the component's state is only its settings (the vocabulary is cached data)."""

    def __init__(self, min_unattributed_words: int = MIN_UNATTRIBUTED_WORDS) -> None:
        self.min_words = min_unattributed_words
        vocab = vocabulary()  # validated once, at pipeline build time
        self.cues = set(vocab["continuation_cues"])
        self.pronouns = set(vocab["pronouns"])
        self.quote_only = set(vocab["quote_only_verbs"])
        self.titles = set(vocab["titles"])
        self.anaphors = sorted((a for a in vocab["anaphors"] if a not in self.pronouns), key=len, reverse=True)
        self.person_anaphors = {"the analyst", "the analysts", "they"}  # the others name the firm

    def __call__(self, doc: Doc) -> Doc:
        drafts = [d for d in self.drafts(doc) if _is_view(d)]
        views, parts = [], []
        for d in drafts:
            views.append(self._to_view(doc, d))
            parts.append(tuple(d.parts))
        doc._.views = views
        doc._.view_parts = parts
        add_sector_targets(doc)
        return doc

    # -- finding statements -------------------------------------------------
    def drafts(self, doc: Doc) -> list[_Draft]:
        finder = SpeakerFinder(doc)
        finder.story_starts = stories(finder.text)
        sents = list(doc.sents)
        sent_starts = [s.start_char for s in sents]
        quotes = [q for q in find_quotes(finder.text) if finder.text[q[0]:q[1]].strip()]
        by_sent: dict[int, list[tuple[int, int, bool]]] = {}
        for q in quotes:
            by_sent.setdefault(bisect.bisect_right(sent_starts, q[0] - 1) - 1, []).append(q)
        quoted_chars = [(q[0], q[1]) for q in quotes]
        drafts: list[_Draft] = []
        prev_quote_end = 0
        for si, sent in enumerate(sents):
            before = len(drafts)
            for q in by_sent.get(si, []):
                d = self._quote(doc, finder, q, prev_quote_end, drafts)
                prev_quote_end = q[1] + 1
                if d is not None:
                    drafts.append(d)
            if any(finder.text[max(s, sent.start_char):min(e, sent.end_char)].strip() for s, e in quoted_chars):
                # "UBS cut its target to $27, pointing to "soft outlook"": a quote nobody is said to say
                # belongs to whoever acts in the sentence
                own = drafts[before:]
                if own and all(d.speaker is None for d in own) and len(drafts) == before + len(own):
                    act = self._action(doc, finder, sent, drafts[:before])
                    if act is not None and act.speaker is not None:
                        del drafts[before:]
                        drafts.append(act)
                continue
            d = (self._trailing(doc, finder, sent, drafts) or self._indirect(doc, finder, sent, drafts)
                 or self._according(doc, finder, sent, drafts) or self._participant(doc, finder, sent, drafts)
                 or self._action(doc, finder, sent, drafts))
            if d is not None:
                drafts.append(d)
        cues = re.compile(r"\b(?:%s)\b" % "|".join(re.escape(c) for c in vocabulary()["note_cues"]), re.I)
        for d in drafts:
            if not d.rating.found:
                d.rating = parse_rating_change(finder.text[d.start:d.end])
            d.note = bool(cues.search(finder.text[d.start:d.end]))
        return _listed_views(_merge(drafts, sent_starts, finder.story_starts))

    def _quote(self, doc: Doc, finder: SpeakerFinder, q: tuple[int, int, bool], prev_end: int,
               drafts: list[_Draft]) -> _Draft | None:
        qs, qe, closed = q
        open_tok = _token_at(finder, qs - 1)
        close_tok = _token_at(finder, qe) if closed else _token_at(finder, max(qe - 1, qs)) + 1
        left_start = max(doc[open_tok].sent.start, _token_at(finder, prev_end) if prev_end else 0)
        right_end = close_tok + 1
        while right_end < len(doc) and right_end - close_tok < 40:
            t = doc[right_end]
            if t.text in QUOTE_CHARS or (t.is_space and crosses_paragraph(finder.text, t.idx - 1, t.idx + len(t) + 1)):
                break
            right_end += 1
            if t.text in STOP_PUNCT:
                break
        left = (left_start, open_tok)
        right = (min(close_tok + 1, len(doc)), right_end)
        speaker, cue = self._attribute(doc, finder, *left, drafts)
        region_end = open_tok
        if speaker is None:
            speaker, cue_r = self._attribute(doc, finder, *right, drafts)
            cue = cue or cue_r
            if speaker is not None:
                region_end = right_end
        start = doc[left[0]].idx if left[0] < len(doc) else qs
        end = doc[region_end - 1].idx + len(doc[region_end - 1]) if region_end > open_tok else qe
        end = max(end, qe + 1)
        draft = _Draft(speaker, [(qs, qe)], min(start, qs), end, "quote", open_end=not closed)
        prev = drafts[-1] if drafts else None
        if speaker is None and prev is not None and prev.kind == "quote":
            gap = finder.text[prev.end:qs - 1]
            same_par = not crosses_paragraph(finder.text, prev.end, qs - 1)
            adjacent = not gap.strip() and (same_par or prev.open_end)
            near = len(SENT_END.findall(gap)) <= 1 and same_par
            if (cue and near) or adjacent:
                prev.parts.append((qs, qe))
                prev.end = max(prev.end, end)
                prev.open_end = not closed
                return None
        words = len(finder.text[qs:qe].split())
        if speaker is None and words < self.min_words:
            return None
        return draft

    def _attribute(self, doc: Doc, finder: SpeakerFinder, start: int, end: int,
                   drafts: list[_Draft]) -> tuple[Speaker | None, bool]:
        """(speaker, continuation cue seen) for the attribution text in tokens [start, end)."""
        if start >= end:
            return None, False
        span = doc[start:end]
        cue = any(t.lower_ in self.cues for t in span)
        verbs = [t for t in span if is_reporting(t)]
        according = any(t.lower_ == "according" and t.i + 1 < end and doc[t.i + 1].lower_ == "to" for t in span)
        if not verbs and not according:
            return None, cue
        verb_i = verbs[0].i if verbs else start
        return self._speaker_near(doc, finder, start, end, verb_i, drafts), cue

    def _speaker_near(self, doc: Doc, finder: SpeakerFinder, start: int, end: int, verb_i: int,
                      drafts: list[_Draft]) -> Speaker | None:
        names = finder.names_in(start, end)
        names.sort(key=lambda n: min(abs(n.start - verb_i), abs(n.end - 1 - verb_i)))
        for name in names:
            full = finder.person(name)
            if full:
                return self._listed(finder, name, full, end)
        pron = [t for t in doc[start:end] if t.lower_ in self.pronouns and t.dep_ in {"nsubj", "nsubjpass", "pobj"}]
        if pron:
            return _last_speaker(self._in_story(finder, drafts, start))
        anaphor = self._anaphor(doc, start, end)
        if anaphor:  # "the analyst said", "the brokerage noted"
            last = _last_speaker(self._in_story(finder, drafts, start), research=True)
            if anaphor in self.person_anaphors:
                return last
            if last is not None and last.firm:  # "the brokerage's analysts": the firm, not its last analyst
                return replace(last, name=None, title=None, co=())
            return self._firm_named_before(finder, start)
        return finder.group(start, end) or finder.firm_subject(start, end, verb_i)

    @staticmethod
    def _in_story(finder: SpeakerFinder, drafts: list[_Draft], start: int) -> list[_Draft]:
        """The drafts of the roundup item holding token ``start`` (all drafts in an ordinary article)."""
        char = finder.token_starts[min(start, len(finder.token_starts) - 1)]
        lo = finder.story_starts[bisect.bisect_right(finder.story_starts, char) - 1]
        return [d for d in drafts if d.start >= lo]

    @staticmethod
    def _firm_named_before(finder: SpeakerFinder, start: int) -> Speaker | None:
        """"Nomura's top pick ..., the brokerage's analysts say": the last research firm named before."""
        char = finder.token_starts[min(start, len(finder.token_starts) - 1)]
        lo = finder.story_starts[bisect.bisect_right(finder.story_starts, char) - 1]
        firms = [o for o in finder.orgs if o.end <= start and o.start_char >= lo and finder.is_research(o)]
        return finder.speaker(None, "analysts", firms[-1], group=True) if firms else None
        return finder.group(start, end) or finder.firm_subject(start, end, verb_i)

    @staticmethod
    def _listed(finder: SpeakerFinder, name: Span, full: str, end: int) -> Speaker:
        """The speaker named ``name``, and those listed with it sharing its title and firm ("Peel Hunt
        analysts Sam Cullen and Clyde Lewis say": the title and firm stand before the first name)."""
        group = [(n, finder.person(n)) for n in finder.conjoined(name)]
        group = [(n, f) for n, f in group if f]
        if len(group) < 2:
            return finder.profile(name, full, end)
        first = finder.profile(group[0][0], group[0][1], end)
        others = []
        for n, f in group[1:]:
            sp = finder.profile(n, f, end)
            if not sp.firm and first.firm:
                sp = replace(sp, firm=first.firm, firm_ticker=first.firm_ticker, firm_span=first.firm_span,
                             research=first.research)
            others.append(replace(sp, title=sp.title or first.title, role=sp.role or first.role))
        return replace(first, co=tuple(others))

    def _anaphor(self, doc: Doc, start: int, end: int) -> str | None:
        """The subject in tokens [start, end) is "the analyst", "the brokerage", "they" ... (which one)."""
        words = [t.lower_ for t in doc[start:end] if not t.is_punct]
        for a in self.anaphors:
            n = len(a.split())
            if any(" ".join(words[k:k + n]) == a for k in range(len(words) - n + 1)):
                return a
        return None

    def _indirect(self, doc: Doc, finder: SpeakerFinder, sent: Span, drafts: list[_Draft]) -> _Draft | None:
        """"X said the rebound may be short-lived": reporting verb + subject + clausal complement."""
        for verb in sent:
            if not is_reporting(verb) or verb.lower_ in self.quote_only:
                continue
            comp = next((c for c in verb.children if c.dep_ == "ccomp"), None)
            subjs = [c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}]
            if comp is None or not subjs:
                continue
            subj = subjs[-1]  # "Pinecrest analysts Ola Brandt ... say": the parser may split the subject
            s_start, s_end = min(c.left_edge.i for c in subjs), max(c.right_edge.i for c in subjs) + 1
            speaker = self._speaker_near(doc, finder, s_start, s_end, subj.i, drafts)
            if speaker is None:
                continue
            line_start, line_end = paragraph_bounds(finder.text, verb.idx)
            tokens = [t for t in comp.subtree if not (t.lower_ == "that" and t.i == comp.left_edge.i)
                      and line_start <= t.idx < line_end]  # the parser may run over a line break
            while tokens and tokens[-1].is_punct:
                tokens.pop()
            if len(tokens) < 3:
                continue
            text_start, text_end = tokens[0].idx, tokens[-1].idx + len(tokens[-1])
            return _Draft(speaker, [(text_start, text_end)], sent.start_char, sent.end_char, "indirect")
        return None

    def _trailing(self, doc: Doc, finder: SpeakerFinder, sent: Span, drafts: list[_Draft]) -> _Draft | None:
        """"<statement>, Nomura analyst Eon Hwang writes in a note." / "<statement>, said Paul Gong, UBS
        head of research.": the attribution closes the sentence after a comma, whatever the parser made
        of the clauses; the statement is everything before that comma."""
        end = sent.end
        while end > sent.start and (doc[end - 1].is_punct or doc[end - 1].is_space):
            end -= 1
        for verb in sent:
            if not is_reporting(verb) or verb.lower_ in self.quote_only:
                continue
            if any(c.dep_ in {"ccomp", "dobj", "xcomp"} and c.i > verb.i for c in verb.children):
                continue  # the statement follows the verb: not a trailing attribution
            after = doc[verb.i + 1:end]
            subj = next((c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
            if doc[verb.i - 1].text == ",":  # "..., said Paul Gong, UBS head of research."
                lo = verb.i
            elif subj is not None and subj.i < verb.i:  # the subject's words back to the comma
                inside = {t.i for t in subj.subtree}
                lo = subj.i
                while lo - 1 > sent.start and lo - 1 in inside and doc[lo - 1].text not in {",", "—", "–"}:
                    lo -= 1
            else:  # the parser lost the subject: back to the comma
                lo = verb.i
                while lo > sent.start + 1 and verb.i - lo < 12 and doc[lo - 1].text not in {",", "—", "–"}:
                    lo -= 1
            if lo - 1 <= sent.start or doc[lo - 1].text not in {",", "—", "–"}:
                continue
            if lo < verb.i and (any(t.pos_ in {"VERB", "AUX"} and t.lower_ not in self.titles for t in doc[lo:verb.i])
                                or verb.i - lo > 12):  # ("analysts" may be tagged as a verb)
                continue
            if lo == verb.i and not finder.names_in(verb.i + 1, end):
                continue
            if lo < verb.i and len(after) > 8 or any(t.pos_ in {"VERB", "AUX"} for t in after):
                continue  # more clause after the attribution
            speaker = self._speaker_near(doc, finder, lo, end, verb.i, drafts)
            if speaker is None:
                return None
            text_end = doc[lo - 1].idx
            if len(finder.text[sent.start_char:text_end].split()) < 4:
                return None
            return _Draft(speaker, [(sent.start_char, text_end)], sent.start_char, sent.end_char, "indirect")
        return None

    def _participant(self, doc: Doc, finder: SpeakerFinder, sent: Span, drafts: list[_Draft]) -> _Draft | None:
        """A call participant: "<Name> from <Firm> asked about / questioned ..." (question verbs are data)."""
        asks = set(vocabulary().get("question_verbs", ()))
        for verb in sent:
            if verb.lower_ not in asks or not verb.tag_.startswith("VB"):
                continue
            subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
            if subj is None:
                continue
            speaker = self._speaker_near(doc, finder, subj.left_edge.i, subj.right_edge.i + 1, subj.i, drafts)
            if speaker is None or speaker.name is None or speaker.role != "analyst":
                return None
            lead = re.match(r'[\s*•\-–"“”]*', sent.text).end()
            start = sent.start_char + lead
            return _Draft(speaker, [(start, sent.end_char)], sent.start_char, sent.end_char, "indirect")
        return None

    def _according(self, doc: Doc, finder: SpeakerFinder, sent: Span, drafts: list[_Draft]) -> _Draft | None:
        """"Chip prices should rebound, according to Park Yu-ak, an analyst at Kiwoom Securities":
        the sentence without the attribution, when it names a person or a brokerage ("according to
        data from the exchange" is a source of numbers, not a view)."""
        acc = next((t for t in sent[:-1] if t.lower_ == "according" and doc[t.i + 1].lower_ == "to"), None)
        if acc is None:
            return None
        to = doc[acc.i + 1]
        a_start, a_end = acc.i, max(to.right_edge.i + 1, acc.i + 2)
        speaker = self._speaker_near(doc, finder, acc.i + 2, a_end, acc.i, drafts)
        if speaker is None:
            return None
        if speaker.name is not None and speaker.title is None:
            return None  # "according to Trade Alert": a capitalised name is not yet an analyst
        if speaker.name is None and not any(_research_firm(o) and (o.start, o.end) == speaker.firm_span
                                            for o in finder.orgs):
            return None  # "according to the Korea Exchange / the Wall Street Journal": a source, not a view
        text, parts = finder.text, []
        for lo, hi in ((sent.start_char, doc[a_start].idx), (doc[a_end - 1].idx + len(doc[a_end - 1]), sent.end_char)):
            piece = text[lo:hi]
            dateline = DATELINE.match(piece)  # "NEW YORK (Reuters) - ..." opens the wire story, not the view
            if dateline:
                lo, piece = lo + dateline.end(), piece[dateline.end():]
            left = len(piece) - len(piece.lstrip(" ,;:—–-\n"))
            right = len(piece.rstrip(" ,;:—–-.\n"))
            if right - left >= 12:  # a clause, not a stray "Shares," or "."
                parts.append((lo + left, lo + right))
        if not parts:
            return None
        return _Draft(speaker, parts, sent.start_char, sent.end_char, "according")

    def _action(self, doc: Doc, finder: SpeakerFinder, sent: Span, drafts: list[_Draft]) -> _Draft | None:
        """"Morgan Stanley analyst Joseph Moore cut his rating to underweight": a view without a quote."""
        rc = parse_rating_change(sent.text)
        if not rc.found:
            return None
        verb_char = sent.start_char + rc.start
        verb_i = _token_at(finder, verb_char)
        speaker = self._speaker_near(doc, finder, sent.start, verb_i, verb_i, drafts)
        lead = re.match(r'["“”\s]*', sent.text).end()
        text = sent.text[lead:].strip()
        start = sent.start_char + lead
        return _Draft(speaker, [(start, start + len(text))], sent.start_char, sent.end_char, "action", rating=rc)

    # -- records ------------------------------------------------------------
    def _to_view(self, doc: Doc, d: _Draft) -> View:
        sp = d.speaker or Speaker(None)
        targets: list[str] = []
        tickers: list[str] = []
        for org in doc.spans["newsig_orgs"] if "newsig_orgs" in doc.spans else []:
            if org.label_ not in TARGET_LABELS or not (d.start <= org.start_char and org.end_char <= d.end):
                continue
            if sp.firm_span and (org.start, org.end) == sp.firm_span:
                continue
            name, ticker = org_name(org)
            if name not in targets:
                targets.append(name)
            if ticker and ticker not in tickers:
                tickers.append(ticker)
        text = doc.text
        quote = " ... ".join(_clean(text[s:e]) for s, e in d.parts)
        rc = d.rating
        sentence = _sentence_index(doc, d.parts[0][0])
        view = View(
            analyst=sp.name, title=sp.title, firm=sp.firm, quote=quote, stance="neutral", score=None,
            targets=tuple(targets), rating=rc.rating, price_target=rc.price_target,
            previous_price_target=rc.previous_price_target, currency=rc.currency, sentence=sentence,
            firm_ticker=sp.firm_ticker, target_tickers=tuple(tickers), stance_source="interim_lexicon",
            rating_direction=rc.action if rc.rating else None,
            target_direction=rc.target_direction or None,
            role="executive" if sp.role == "executive" else "analyst",
        )
        label, score = interim_lexicon_stance(view)
        return replace(view, stance=label, score=score)


def _research_firm(org: Span) -> bool:
    """A brokerage, bank or research house of the universe (not a news outlet)."""
    listing = org._.listing
    return org.label_ == "FIRM" and not (listing is not None and listing.is_press)


def _clean(text: str) -> str:
    """Whitespace collapsed (hard-wrapped copy), trailing comma of '"...," he said' dropped, and a
    wire stamp opening the paragraph ("0648 GMT - ", "NEW YORK (Reuters) - ") left out."""
    text = " ".join(text.split()).rstrip(",").strip()
    stamp = STAMP.match(text) or DATELINE.match(text)
    return text[stamp.end():] if stamp else text


def _token_at(finder: SpeakerFinder, char: int) -> int:
    """Index of the token covering char offset ``char``."""
    i = bisect.bisect_right(finder.token_starts, char) - 1
    return max(0, min(i, len(finder.token_starts) - 1))


def _sentence_index(doc: Doc, char: int) -> int:
    starts = [s.start_char for s in doc.sents]
    return max(0, bisect.bisect_right(starts, char) - 1)


def _last_speaker(drafts: list[_Draft], research: bool = False) -> Speaker | None:
    """The last named speaker; with ``research``, the last analyst or research firm."""
    for d in reversed(drafts[-4:] if research else drafts):
        if d.speaker and (d.speaker.name if not research else d.speaker.role == "analyst" or (
                d.speaker.name and d.speaker.role is None)):
            return d.speaker
    return None


def _letters(name: str | None) -> str:
    return re.sub(r"[^a-z]", "", (name or "").lower())


def same_firm(a: str | None, b: str | None) -> bool:
    """"Melius" and "Melius Research", "Citi" and "Citigroup": one name's letters contain the other's."""
    x, y = _letters(a), _letters(b)
    return bool(x and y) and (x in y or y in x)


def _is_view(d: _Draft) -> bool:
    """An analyst's, strategist's or research firm's view, or an executive's on a listed company.
    Officials, unknown organisations speaking for themselves, and statements with neither a
    person nor a firm are not views."""
    sp = d.speaker
    if sp is None or (sp.name is None and sp.firm is None) or sp.role == "official":
        return False
    if sp.role == "executive":
        return sp.firm_ticker is not None
    if sp.name is None:  # a firm's call: its analysts speak, or it rates the stock as a broker does
        return sp.role == "analyst" or d.kind == "action"
    # a person's call: an analyst by title or by firm, or someone of a firm writing a note ("Donald Trump
    # said", "Jane Roe of Acme Architects said" say nobody's call)
    return sp.role == "analyst" or (sp.role is None and sp.firm is not None and (d.note or d.rating.found))


def _absorb(into: _Draft, d: _Draft) -> None:
    into.parts = sorted(into.parts + d.parts)
    into.start, into.end = min(into.start, d.start), max(into.end, d.end)
    into.rating = combine(into.rating, d.rating)
    into.note = into.note or d.note
    sp, other = into.speaker, d.speaker
    if sp is not None and other is not None:
        if not sp.firm and other.firm:
            sp = replace(sp, firm=other.firm, firm_ticker=other.firm_ticker, firm_span=other.firm_span,
                         research=sp.research or other.research)
        if not sp.title and other.title and other.name:
            sp = replace(sp, title=other.title)
        if sp.role != "analyst" and other.role == "analyst":
            sp = replace(sp, role="analyst")
        into.speaker = sp
    elif sp is None:
        into.speaker = other


def stories(text: str) -> list[int]:
    """Where each item of a roundup starts ("0933 GMT - ..." paragraphs of Market Talks): an analyst
    quoted in two items made two calls. [0] for an ordinary article."""
    starts = [m.start() for m in STORY.finditer(text)]
    return [0] + starts if len(starts) >= 2 else [0]


def _merge(drafts: list[_Draft], sent_starts: list[int], story_starts: Sequence[int] = (0,)) -> list[_Draft]:
    """One view per analyst (or per firm when no analyst is named) in an article (in each item of a
    roundup).

    - statements of one named analyst are one view, wherever they are;
    - a firm's statement or rating action joins the nearest earlier view of an analyst of that
      firm ("Melius Research analyst X said ... Melius maintained a price target of $16");
    - a rating action with no subject of its own ("It kept its neutral rating") joins the
      analyst or firm view of the sentence before;
    - a firm-only view is folded into a later view by a named analyst of that firm, or by a named
      analyst with no firm of their own in the next sentence.
    """
    def sent(char: int) -> int:
        return bisect.bisect_right(sent_starts, char) - 1

    def story(char: int) -> int:
        return bisect.bisect_right(story_starts, char)

    out: list[_Draft] = []
    for d in drafts:
        target = None
        if d.analyst:
            target = next((o for o in out if o.analyst == d.analyst and story(o.start) == story(d.start)), None)
        elif d.speaker is not None and d.speaker.firm:
            target = next((o for o in reversed(out) if o.speaker and same_firm(o.speaker.firm, d.speaker.firm)
                           and (o.analyst or o.speaker.role == "analyst") and story(o.start) == story(d.start)), None)
        elif d.kind == "action" and out:
            prev = out[-1]
            if prev.speaker and prev.speaker.role not in {"executive", "official"} \
                    and sent(d.start) - sent(max(prev.end - 1, 0)) <= 1:
                target = prev
        if target is not None:
            _absorb(target, d)
        else:
            out.append(d)
    final: list[_Draft] = []
    for d in out:
        if d.analyst is None and d.speaker is not None and d.speaker.firm:
            # "Jefferies analysts described ... 'Strong quarter,' analysts Sam Wong and Shujin Chen said":
            # a named analyst with no firm of their own right after a firm's view is that firm's
            later = next((o for o in out if o.analyst and o.speaker and o.start > d.start
                          and story(o.start) == story(d.start) and (
                same_firm(o.speaker.firm, d.speaker.firm)
                or (not o.speaker.firm and d.speaker.role == "analyst" and (
                    (o.speaker.role == "analyst" and sent(o.start) - sent(max(d.end - 1, 0)) <= FOLD_SENTENCES)
                    or (o.speaker.role is None and o.rating.found and sent(o.start) - sent(max(d.end - 1, 0)) <= 1))))),
                None)  # a person who rates the stock right after "this X analyst says" is that analyst
            if later is not None:
                _absorb(later, d)
                continue
        final.append(d)
    return final


def _listed_views(drafts: list[_Draft]) -> list[_Draft]:
    """One view for each analyst listed with a speaker, with the speaker's statement (and firm when
    the listed analyst has none: the firm may have come from a view folded in)."""
    out: list[_Draft] = []
    for d in drafts:
        out.append(d)
        sp = d.speaker
        if sp is None or not sp.co:
            continue
        d.speaker = replace(sp, co=())
        for other in sp.co:
            if not other.firm and sp.firm:
                other = replace(other, firm=sp.firm, firm_ticker=sp.firm_ticker, firm_span=sp.firm_span,
                                research=sp.research, role=other.role or sp.role)
            if not any(o.analyst == other.name for o in drafts):
                out.append(replace(d, speaker=other, parts=list(d.parts)))
    return out


def add_sector_targets(doc: Doc) -> None:
    """Add the sectors named inside each view's quoted text to its targets (order-independent).

    Called by this component and by ``newsig_sectors``: whichever runs second sees both.
    """
    views = doc._.views
    if not views or "newsig_sectors" not in doc.spans:
        return
    parts = doc._.view_parts or [()] * len(views)
    out = []
    for view, ranges in zip(views, parts):
        names = list(view.targets)
        for sp in doc.spans["newsig_sectors"]:
            name = sp._.sector if sp.has_extension("sector") else None
            if name and name not in names and any(s <= sp.start_char and sp.end_char <= e for s, e in ranges):
                names.append(name)
        out.append(replace(view, targets=tuple(names)))
    doc._.views = out


# -- stance -----------------------------------------------------------------
class _Model(Protocol):
    def predict(self, texts: Sequence[str], targets: Sequence[str] | None = None) -> list[Any]: ...


def action_direction(view: View) -> int | None:
    """What the analyst did, when it says: +1 / 0 / -1, or None when no rating or target moved.

    A rating decides first: an upgrade is positive and a downgrade negative whatever the
    rating ("cut to hold"), else the rating itself (Buy +1, Neutral 0, Sell -1: "kept its
    neutral rating" is neutral even with a lower target). Without a rating, a raised target is
    positive and a cut one negative.
    """
    if view.rating_direction:
        return view.rating_direction
    if view.rating:
        return vocabulary()["ratings"].get(view.rating.lower(), 0)
    direction = view.target_direction or 0
    if not direction and view.price_target is not None and view.previous_price_target is not None:
        diff = view.price_target - view.previous_price_target
        direction = (diff > 0) - (diff < 0)
    return direction or None


def _label(score: float) -> str:
    return "positive" if score > STANCE_THRESHOLD else "negative" if score < -STANCE_THRESHOLD else "neutral"


def _stance(score: float, view: View) -> tuple[str, float]:
    """(label, score): the action's direction when there is one, else the text's score."""
    direction = action_direction(view)
    if direction is None:
        return _label(score), round(score, 3)
    blended = round(max(-1.0, min(1.0, 0.6 * direction + 0.4 * score)), 3)
    return ("positive", "neutral", "negative")[1 - direction], blended


def lexicon_score(text: str) -> float:
    """INTERIM finance word count score in [-1, 1]: (positive - negative) / (hits + 1), negation flips."""
    vocab = vocabulary()
    words = re.findall(r"[a-z][a-z'-]*", text.lower())
    pos, neg = set(vocab["interim_positive"]), set(vocab["interim_negative"])
    negators = set(vocab["negators"])
    p = n = 0
    for i, w in enumerate(words):
        sign = 1 if w in pos else -1 if w in neg else 0
        if sign and any(x in negators for x in words[max(0, i - 3):i]):
            sign = -sign
        p += sign > 0
        n += sign < 0
    return (p - n) / (p + n + 1)


def interim_lexicon_stance(view: View) -> tuple[str, float]:
    """INTERIM rule until the sentiment model scores views (:func:`score_views` replaces it):
    :func:`lexicon_score` of the quote, unless a rating or target move decides (:func:`action_direction`)."""
    return _stance(lexicon_score(view.quote), view)


def score_views(views: list[View], model: _Model) -> list[View]:
    """Stance from the sentiment model on each quote, unless a rating or target move decides."""
    if not views:
        return []
    preds = model.predict([v.quote for v in views])
    out = []
    for view, pred in zip(views, preds):
        if action_direction(view) is None:
            label, score = pred.label, round(float(pred.score), 3)
        else:
            label, score = _stance(float(pred.score), view)
        out.append(replace(view, stance=label, score=score, stance_source="model"))
    return out
