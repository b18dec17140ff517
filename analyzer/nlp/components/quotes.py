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
from dataclasses import replace

from spacy.language import Language
from spacy.tokens import Doc, Span

from analyzer.nlp.components.context import doc_text
from analyzer.records import View

from analyzer.nlp.components.attribution import (
    QUOTE_CHARS, STOP_PUNCT, Speaker, SpeakerFinder, crosses_paragraph, is_reporting, org_name, paragraph_bounds,
    paragraph_break,
)
from analyzer.nlp.components.ratings import parse_rating_change, vocabulary
from analyzer.nlp.components.view_merge import Draft, is_view, listed_views, merge, same_firm, stories  # noqa: F401
from analyzer.nlp.components.view_stance import (  # noqa: F401  (re-exported: the stance of a view)
    STANCE_THRESHOLD, action_direction, interim_lexicon_stance, lexicon_score, score_views,
)

TARGET_LABELS = {"COMPANY", "INDEX"}
MIN_UNATTRIBUTED_WORDS = 4  # shorter unattributed quotes are scare quotes ("value-up"), not views
QUOTE_RE = re.compile(r'["“”]')
STAMP = re.compile(r"^(?:\d{3,4}\s+)?(?:GMT|UTC|ET|EST|EDT|KST|JST|HKT|SGT|BST|CET)\s*[-—–]{1,2}\s*")
DATELINE = re.compile(r"^[^()\n]{0,40}\([A-Za-z .&-]{2,30}\)\s*[-—–]{1,2}\s*")
SENT_END = re.compile(r'[.!?]["”]?\s')

for _ext in ("views", "view_parts"):
    if not Doc.has_extension(_ext):
        Doc.set_extension(_ext, default=None)
if not Span.has_extension("listing"):
    Span.set_extension("listing", default=None)


@Language.factory("newsig_quotes", default_config={"min_unattributed_words": MIN_UNATTRIBUTED_WORDS})
def make_quotes(nlp: Language, name: str, min_unattributed_words: int) -> "QuoteExtractor":
    return QuoteExtractor(min_unattributed_words)


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
        drafts = [d for d in self.drafts(doc) if is_view(d)]
        views, parts = [], []
        for d in drafts:
            views.append(self._to_view(doc, d))
            parts.append(tuple(d.parts))
        doc._.views = views
        doc._.view_parts = parts
        add_sector_targets(doc)
        return doc

    # -- finding statements -------------------------------------------------
    def drafts(self, doc: Doc) -> list[Draft]:
        finder = SpeakerFinder(doc)
        finder.story_starts = stories(finder.text)
        sents = list(doc.sents)
        sent_starts = [s.start_char for s in sents]
        quotes = [q for q in find_quotes(finder.text) if finder.text[q[0]:q[1]].strip()]
        by_sent: dict[int, list[tuple[int, int, bool]]] = {}
        for q in quotes:
            by_sent.setdefault(bisect.bisect_right(sent_starts, q[0] - 1) - 1, []).append(q)
        quoted_chars = [(q[0], q[1]) for q in quotes]
        drafts: list[Draft] = []
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
        return listed_views(merge(drafts, sent_starts, finder.story_starts))

    def _quote(self, doc: Doc, finder: SpeakerFinder, q: tuple[int, int, bool], prev_end: int,
               drafts: list[Draft]) -> Draft | None:
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
        draft = Draft(speaker, [(qs, qe)], min(start, qs), end, "quote", open_end=not closed)
        if speaker is not None and region_end == open_tok and len(finder.text[qs:qe].split()) < self.min_words:
            # 'X sees upside as expectations were set "low."': a quoted word is no statement; the sentence is
            sent = doc[open_tok].sent
            text = finder.text[sent.start_char:sent.end_char]
            lead, tail = len(text) - len(text.lstrip(' "“”\n')), len(text.rstrip(' "“”\n'))
            draft.parts = [(sent.start_char + lead, sent.start_char + tail)]
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
                   drafts: list[Draft]) -> tuple[Speaker | None, bool]:
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
                      drafts: list[Draft]) -> Speaker | None:
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
    def _in_story(finder: SpeakerFinder, drafts: list[Draft], start: int) -> list[Draft]:
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
                sp = sp.with_firm_of(first)
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

    def _indirect(self, doc: Doc, finder: SpeakerFinder, sent: Span, drafts: list[Draft]) -> Draft | None:
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
            return Draft(speaker, [(text_start, text_end)], sent.start_char, sent.end_char, "indirect")
        return None

    def _trailing(self, doc: Doc, finder: SpeakerFinder, sent: Span, drafts: list[Draft]) -> Draft | None:
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
            return Draft(speaker, [(sent.start_char, text_end)], sent.start_char, sent.end_char, "indirect")
        return None

    def _participant(self, doc: Doc, finder: SpeakerFinder, sent: Span, drafts: list[Draft]) -> Draft | None:
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
            return Draft(speaker, [(start, sent.end_char)], sent.start_char, sent.end_char, "indirect")
        return None

    def _according(self, doc: Doc, finder: SpeakerFinder, sent: Span, drafts: list[Draft]) -> Draft | None:
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
        return Draft(speaker, parts, sent.start_char, sent.end_char, "according")

    def _action(self, doc: Doc, finder: SpeakerFinder, sent: Span, drafts: list[Draft]) -> Draft | None:
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
        return Draft(speaker, [(start, start + len(text))], sent.start_char, sent.end_char, "action", rating=rc)

    # -- records ------------------------------------------------------------
    def _to_view(self, doc: Doc, d: Draft) -> View:
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
        text = doc_text(doc)
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


def _last_speaker(drafts: list[Draft], research: bool = False) -> Speaker | None:
    """The last named speaker; with ``research``, the last analyst or research firm."""
    for d in reversed(drafts[-4:] if research else drafts):
        if d.speaker and (d.speaker.name if not research else d.speaker.role == "analyst" or (
                d.speaker.name and d.speaker.role is None)):
            return d.speaker
    return None


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
