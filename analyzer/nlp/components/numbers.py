"""Price moves and other stated figures, tied to the entity they are about.

Every percentage and money amount in the text is classified from its context:

* a *move* — a price change ("fell 3.67%", "a drop of 12.59%", "(-7.05%)")
  or a price ("finished trading at 49,650 won"), signed by the text's meaning;
* a *metric* — any other figure about an entity or sector ("borrowing balance
  ratio was 15.15%", "foreign ownership climbed to 54.30%", "revenue of $5.2
  billion"), named from the noun phrase that carries it.

The entity comes from the sentence's structure: a parenthesis right after the
name, a possessive, the subject of the verb that governs the number, the
nearest organisation before it, or (for "the stock", "shares") the company the
text was just talking about. Output: ``Doc._.moves`` and ``Doc._.metrics``
(lists of :class:`analyzer.records.Move` / :class:`~analyzer.records.Metric`).
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from analyzer.records import Metric, Move
from analyzer.nlp.components import dates  # noqa: F401  (registers the date extensions this reads)
from analyzer.nlp.components.number_syntax import (
    METRIC_NOUNS, WORDS, Orgs, entity_key, governing_verb, is_currency_word, noun_phrase, respectively_metrics,
    respectively_names, subject_of, words_before,
)
from analyzer.nlp.components.quantities import SUFFIX_PATTERN, Quantity, find_quantities, parse_number

for _ext in ("moves", "metrics"):
    if not Doc.has_extension(_ext):
        Doc.set_extension(_ext, default=None)
if not Span.has_extension("listing"):
    Span.set_extension("listing", default=None)

DOWN = set(WORDS["down_words"])
UP = set(WORDS["up_words"])
CLOSE = set(WORDS["close_words"])
MOVE_SUBJECTS = set(WORDS["move_subjects"])
LEVEL_CUES = set(WORDS["level_cues"])
FILLER = set(WORDS["filler"])
COMPANY_METRICS = set(WORDS["company_metrics"])

STOCK_WORDS = {"shares", "share", "stock", "stocks", "it", "they", "adrs", "adr", "units"}
METRIC_REACH = 10  # tokens: a metric with no name in its own phrase belongs to a name this close before it
INDEX_LEVEL_RE = re.compile(rf"\b(?:to|at)\s+(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+\.\d+)(?!\s?%|\s?(?:{SUFFIX_PATTERN})\b)")
TARGET_RE = re.compile(r"\b(?:price\s+target|target\s+price|target)\b", re.IGNORECASE)


# ---- the component ------------------------------------------------------------

@Language.factory("newsig_numbers", default_config={})
def make_numbers(nlp: Language, name: str) -> "NumberExtractor":
    return NumberExtractor()


class NumberExtractor:
    """Turns quantities into Moves and Metrics (see the module docstring)."""

    def __call__(self, doc: Doc) -> Doc:
        orgs = Orgs(doc)
        sents = list(doc.sents)
        sent_of = {}
        for i, s in enumerate(sents):
            for t in s:
                sent_of[t.i] = i
        sent_dates = doc._.sentence_dates or [None] * len(sents)
        moves: dict[tuple, dict] = {}
        metrics: list[Metric] = []
        last_metric: dict[int, str] = {}  # paragraph-ish memory: sentence index -> last metric name
        recent_company: Span | None = None
        recent_named: Span | None = None  # company or index: what a pronoun ("It opened at ...") may mean
        order: list[tuple] = []

        quantities = find_quantities(doc)
        for si, sent in enumerate(sents):
            sent_orgs = orgs.inside(sent.start, sent.end)
            qs = [q for q in quantities if sent.start <= q.span.start < sent.end]
            respectively = respectively_names(sent, sent_orgs, qs)
            metric_list = {} if respectively else respectively_metrics(sent, qs)
            for q in qs:
                if q.kind == "money" and TARGET_RE.search(doc.text[max(sent.start_char, q.start - 40):q.start]):
                    continue  # price targets belong to analyst views
                kind, name, direction = self._classify(q, sent)
                if id(q) in metric_list:  # "revenue and operating profit rose 20.7% and 140.4%, respectively"
                    kind, name = "metric", metric_list[id(q)]
                ent = respectively.get(id(q)) or self._entity(q, sent, orgs, recent_company, kind, name, recent_named)
                ent_name, ticker, listing_cur = entity_key(ent)
                date = sent_dates[si] if si < len(sent_dates) else None
                if kind == "move" and ent is None:
                    subj = self._subject_noun(q)
                    if subj is None or subj.lower_ in STOCK_WORDS or subj.pos_ != "NOUN" or q.kind != "pct":
                        continue  # a change of nothing we can name
                    kind, name = "metric", f"{noun_phrase(subj)} change"
                if kind == "move":
                    key = (ent_name or "", si)
                    rec = moves.setdefault(key, {"ticker": ticker, "entity": ent_name, "change_pct": None,
                                                 "price": None, "currency": None, "date": date,
                                                 "sentence": si, "text": sent.text.strip()})
                    if key not in order:
                        order.append(key)
                    if q.kind == "pct" and q.unit == "%" and rec["change_pct"] is None:
                        sign = q.signed or direction or 0
                        rec["change_pct"] = -q.value if sign < 0 else q.value
                        rec["direction_known"] = bool(q.signed or direction)
                    elif q.kind in ("money", "level") and rec["price"] is None:
                        rec["price"] = q.value
                        rec["currency"] = q.currency or (listing_cur if q.kind == "money" else None)
                elif kind == "metric" and name:
                    if name in ("ratio", "rate", "share", "margin", "stake") or (ent is not None and name in (ent.text.lower(),)):
                        prev = next((last_metric[j] for j in range(si, max(-1, si - 4), -1) if j in last_metric), None)
                        if prev and prev.endswith(name):
                            name = prev
                    last_metric[si] = name
                    sign = q.signed or (direction if name.endswith(" change") else 0) or 1
                    value = q.value * sign
                    metrics.append(Metric(ticker, ent_name, name, value, q.unit if q.kind == "pct" else q.currency,
                                          date, si, sent.text.strip()))
                elif kind == "metric_inherit":
                    prev = next((last_metric[j] for j in range(si, max(-1, si - 4), -1) if j in last_metric), None)
                    if prev:
                        metrics.append(Metric(ticker, ent_name, prev, q.value * (q.signed or 1),
                                              q.unit if q.kind == "pct" else q.currency, date, si, sent.text.strip()))
                        last_metric[si] = prev
            companies = [s for s in sent_orgs if s.label_ == "COMPANY"]
            if companies:
                recent_company = companies[-1]
            named = [s for s in sent_orgs if s.label_ in ("COMPANY", "INDEX")]
            if named:
                recent_named = named[-1]
            self._index_levels(doc, sent, si, sent_orgs, moves, order, date=sent_dates[si] if si < len(sent_dates) else None)
        doc._.moves = [self._move(r) for r in self._merge([moves[k] for k in order if k in moves])]
        doc._.metrics = metrics
        return doc

    # -- classification --

    def _classify(self, q: Quantity, sent: Span) -> tuple[str, str | None, int]:
        """('move' | 'metric' | 'metric_inherit' | 'skip', metric name, direction)."""
        first = q.span[0]
        prev = words_before(sent, q.start, 6)
        prev_words = [t.lower_ for t in prev if not t.is_punct]
        direction = self._direction(sent, q)
        # "(−7.05%)" right after a name
        if q.kind == "pct" and prev and prev[0].text == "(":
            return ("move", None, direction) if q.unit == "%" else ("skip", None, 0)
        # what the number measures: a noun it modifies ("a 11.40% ratio", "a 5% stake")
        head = first.head if first.head is not first else None
        for tok in q.span:
            if tok.head.i not in range(q.span.start, q.span.end):
                head = tok.head
        if head is not None and head.pos_ == "NOUN" and head.i > q.span.end - 1 and head.lower_ in METRIC_NOUNS:
            return "metric", noun_phrase(head), direction
        # nearest meaningful word before the number
        near = next((w for w in prev_words if w not in FILLER), None)
        level = bool(prev_words) and prev_words[0] in LEVEL_CUES and prev_words[0] not in ("of",)
        of_chunk = self._of_noun(sent, q) if prev_words[:1] == ["of"] else None
        if of_chunk is not None:
            if of_chunk.lower_ in DOWN | UP and q.kind == "money" and q.extra.get("scaled"):
                return "metric", noun_phrase(of_chunk), 1  # "swung to a loss of 202.6 billion won": no share price
            if of_chunk.lower_ in DOWN | UP:
                return "move", None, -1 if of_chunk.lower_ in DOWN else 1
            if of_chunk.lower_ in METRIC_NOUNS or of_chunk.pos_ == "NOUN" and of_chunk.lower_ not in MOVE_SUBJECTS:
                return "metric", noun_phrase(of_chunk), direction
        subj_noun = self._subject_noun(q)
        if subj_noun is not None and (q.span.start <= subj_noun.i < q.span.end or is_currency_word(subj_noun)):
            subj_noun = None  # "An additional 3.5 billion won will ...": the amount itself, not what it measures
        named = self._nearby_metric_noun(sent, q)
        if named is not None:
            return ("metric", noun_phrase(named), direction) if level else (
                "metric", f"{noun_phrase(named)} change", direction)
        in_org = subj_noun is not None and any(
            s.start <= subj_noun.i < s.end for s in sent.doc.spans.get("newsig_orgs", []))
        metric_subject = subj_noun is not None and not in_org and (
            subj_noun.lower_ in METRIC_NOUNS
            or (subj_noun.pos_ == "NOUN" and subj_noun.lower_ not in MOVE_SUBJECTS and not subj_noun.ent_type_))
        if q.kind == "money":
            if metric_subject or (of_chunk is not None and of_chunk.lower_ in METRIC_NOUNS):
                return "metric", noun_phrase(subj_noun if metric_subject else of_chunk), direction
            if q.extra.get("scaled"):
                return ("metric", noun_phrase(subj_noun), direction) if subj_noun is not None and subj_noun.pos_ == "NOUN" \
                    and subj_noun.lower_ not in MOVE_SUBJECTS else ("skip", None, 0)
            if near in CLOSE or near in DOWN | UP or any(w in ("at", "to") for w in prev_words[:3]):
                return "move", None, direction
            return "skip", None, 0
        if metric_subject:
            name = noun_phrase(subj_noun)
            if level:
                return "metric", name, direction
            return "metric", f"{name} change", direction
        if level and (near not in DOWN | UP or prev_words[0] == "to"):
            if prev_words[0] == "to" and near in DOWN | UP and subj_noun is not None and subj_noun.lower_ in MOVE_SUBJECTS:
                return "skip", None, 0  # "shares fell to 5%"? too odd to guess
            return "metric_inherit", None, direction
        verb = governing_verb(first)
        if verb is not None and verb.lower_ not in CLOSE:
            obj = next((c for c in verb.children if c.dep_ in ("dobj", "attr")
                        and not q.span.start <= c.i < q.span.end and c.pos_ in ("NOUN", "PROPN")), None)
            # "posted net income ..., up 53.7%" / "cut its bonus pool by 7%": the object changed, not the stock
            transitive = verb.lower_ in DOWN | UP and obj is not None and obj.pos_ == "NOUN" \
                and obj.lower_ not in STOCK_WORDS
            if obj is not None and (transitive or any(t.lower_ in METRIC_NOUNS for t in obj.subtree if t.i <= obj.i)):
                return "metric", f"{noun_phrase(obj)} change", direction
        if near in DOWN | UP or direction:
            return "move", None, direction
        return "skip", None, 0

    @staticmethod
    def _nearby_metric_noun(sent: Span, q: Quantity) -> Token | None:
        """'operating profit down 63.75%': a metric noun just before the number, only move words between."""
        orgs = sent.doc.spans.get("newsig_orgs", [])
        for tok in words_before(sent, q.start, 5):
            if tok.like_num or tok.text in ("%", ",", "(", ";", ":") or tok.pos_ == "VERB":
                return None
            if tok.lower_ in METRIC_NOUNS and tok.pos_ == "NOUN" and not any(s.start <= tok.i < s.end for s in orgs):
                return tok
            if tok.lower_ not in DOWN | UP | FILLER and tok.pos_ not in ("ADV", "ADP", "PART", "AUX"):
                return None
        return None

    @staticmethod
    def _of_noun(sent: Span, q: Quantity) -> Token | None:
        prev = words_before(sent, q.start, 2)
        if len(prev) >= 2 and prev[0].lower_ == "of" and prev[1].pos_ in ("NOUN", "PROPN"):
            return prev[1]
        return None

    @staticmethod
    def _subject_noun(q: Quantity) -> Token | None:
        verb = governing_verb(q.span[0])
        if verb is None:
            return None
        subj = subject_of(verb)
        return subj

    @staticmethod
    def _direction(sent: Span, q: Quantity) -> int:
        """-1 / +1 from the words that govern or precede the number in its clause, 0 if none."""
        verb = governing_verb(q.span[0])
        cands: list[Token] = []
        if verb is not None:
            cands.append(verb)
            cands.extend(c for c in verb.children if c.dep_ in ("prt", "advmod", "acomp", "dobj", "npadvmod"))
        cands.extend(words_before(sent, q.start, 4))
        # words after the number, up to the clause's verb: "ECOPRO BM (-7.05%) ... also plummeted"
        if verb is not None and verb.i > q.span.end:
            cands.append(verb)
        for t in cands:
            w = t.lower_
            if w in DOWN:
                if w in ("cut", "reduced", "narrowed") and t is not verb:
                    continue
                return -1
            if w in UP:
                return 1
        return 0

    # -- entity --

    def _entity(self, q: Quantity, sent: Span, orgs: Orgs, recent: Span | None, kind: str = "move",
                metric_name: str | None = None, recent_named: Span | None = None) -> Span | None:
        """The org a number belongs to. ``recent`` is the company last named (for "the stock",
        "shares"); ``recent_named`` the company or index last named (for "it")."""
        doc = sent.doc
        pronoun_owner = recent_named or recent
        prev = words_before(sent, q.start, 2)
        if prev and prev[0].text == "(" and prev[0].i > 0:
            org = orgs.covering(doc[prev[0].i - 1])
            if org is not None:
                return org
        verb = governing_verb(q.span[0])
        near = orgs.before(q.span.start, sent.start)
        if verb is not None:
            subj = subject_of(verb)
            if subj is not None:
                lo, hi = subj.left_edge.i, subj.right_edge.i + 1
                covering = orgs.covering(subj)
                inside = [covering] if covering else orgs.inside(lo, hi)
                if inside:
                    # a later name between the subject and the number is the nearer owner
                    # ("CHA Biotech ... dropped 2.70%, and Sam Chun Dang Pharm ... fell by 2.37%")
                    if near is not None and near.start > inside[0].start and not lo <= near.start < hi:
                        return near
                    return inside[0]
                if subj.pos_ == "PRON":
                    return near or pronoun_owner
                if subj.lower_ in STOCK_WORDS:
                    return near or recent
        if near is not None and (kind == "move" or q.span.start - near.end <= METRIC_REACH):
            return near
        if kind == "metric" and metric_name and set(metric_name.split()) & COMPANY_METRICS:
            return near or recent  # "revenue dropped 9%": the company under discussion
        after = [s for s in orgs.inside(q.span.end, sent.end)]
        if after and after[0].start - q.span.end <= 3:
            return after[0]
        return pronoun_owner if verb is not None and subject_of(verb) is not None and subject_of(verb).pos_ == "PRON" else None

    def _index_levels(self, doc: Doc, sent: Span, si: int, sent_orgs: list[Span], moves: dict, order: list,
                      date: str | None) -> None:
        """'the KOSPI fell 3% to 2,481.12': an index level in points."""
        for span in sent_orgs:
            if span.label_ != "INDEX":
                continue
            key = (entity_key(span)[0], si)
            rec = moves.get(key)
            tail = doc.text[span.end_char:sent.end_char]
            m = INDEX_LEVEL_RE.search(tail)
            if m and (rec is None or rec["price"] is None):
                name, ticker, _ = entity_key(span)
                rec = moves.setdefault(key, {"ticker": ticker, "entity": name, "change_pct": None, "price": None,
                                             "currency": None, "date": date, "sentence": si,
                                             "text": sent.text.strip()})
                if key not in order:
                    order.append(key)
                rec["price"] = parse_number(m.group("num"))

    def _merge(self, recs: list[dict]) -> list[dict]:
        """Join a change and a price stated for the same entity and day in nearby sentences."""
        out: list[dict] = []
        for rec in recs:
            if not self._useful(rec):
                continue
            prev = next((p for p in reversed(out) if rec["entity"] and p["entity"] == rec["entity"]
                         and p["date"] == rec["date"] and rec["sentence"] - p["sentence"] <= 2), None)
            if prev is not None and all(prev[f] is None or rec[f] is None for f in ("change_pct", "price")):
                for f in ("change_pct", "price", "currency"):
                    prev[f] = prev[f] if prev[f] is not None else rec[f]
                continue
            out.append(rec)
        return out

    @staticmethod
    def _useful(rec: dict) -> bool:
        return rec["change_pct"] is not None or rec["price"] is not None

    @staticmethod
    def _move(rec: dict) -> Move:
        return Move(rec["ticker"], rec["entity"], rec["change_pct"], rec["price"], rec["currency"],
                    rec["date"], rec["sentence"], rec["text"])
