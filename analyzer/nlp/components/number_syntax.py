"""Sentence-structure helpers for ``newsig_numbers``: which verb and subject govern a
number, which organisation spans lie around it, what a metric is called, and how a
"respectively" list pairs names or metric nouns with its numbers.

Pure functions of a parsed sentence (and the org spans the linker set), kept apart from
the component so that the component reads as the decisions it makes.
"""

from __future__ import annotations

import json
import re

from spacy.tokens import Doc, Span, Token

from analyzer.nlp.components.quantities import MULTIPLIERS, SUFFIX_CURRENCY, Quantity
from analyzer.resources import data_path

WORDS = json.loads(data_path("quantity_words.json").read_text(encoding="utf-8"))  # read once, for numbers too
METRIC_NOUNS = set(WORDS["metric_nouns"])


def governing_verb(token: Token) -> Token | None:
    """Climb the dependency tree from a number to the verb that governs it."""
    seen = 0
    while (token.pos_ not in ("VERB", "AUX") or is_currency_word(token)) and token.head is not token and seen < 12:
        token = token.head
        seen += 1
    return token if token.pos_ in ("VERB", "AUX") and not is_currency_word(token) else None


def is_currency_word(token: Token) -> bool:
    """'won' after an amount is the currency, whatever the tagger says."""
    return token.lower_ in SUFFIX_CURRENCY and token.i > 0 and (
        token.nbor(-1).like_num or token.nbor(-1).lower_ in MULTIPLIERS)


RELATIVE_PRONOUNS = {"which", "that", "who", "whose"}


def subject_of(verb: Token) -> Token | None:
    """The verb's subject, following conjunctions and clauses that share it.

    "forecast profit to decline 3%": the object of the verb above an infinitive is its subject;
    "Seven West, which ended 6.1% higher": a relative pronoun stands for the noun it follows."""
    for _ in range(4):
        subj = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "expl")]
        subj.sort(key=lambda t: t.pos_ != "PROPN")  # "giants British American Tobacco ... slumped": the name
        if subj:
            if subj[0].lower_ in RELATIVE_PRONOUNS and verb.dep_ == "relcl" and verb.head is not verb:
                return verb.head
            return subj[0]
        if verb.dep_ == "xcomp" and verb.head is not verb:
            obj = [c for c in verb.head.children if c.dep_ in ("dobj",) and c.i < verb.i]
            if obj:
                return obj[0]
        if verb.dep_ in ("conj", "xcomp", "advcl", "ccomp", "acl", "relcl") and verb.head is not verb:
            if verb.dep_ in ("acl", "relcl") and verb.head.pos_ in ("NOUN", "PROPN"):
                return verb.head  # "Nine, which ended 6.1% higher" / "shares trading 3% lower"
            verb = verb.head
        else:
            return None
    return None


def words_before(sent: Span, char: int, n: int) -> list[Token]:
    """Up to n non-punctuation tokens ending right before a character offset, nearest first."""
    toks = [t for t in sent if t.idx + len(t.text) <= char and not t.is_space]
    return list(reversed(toks))[:n]


NOT_OWNER = set(WORDS["not_owner_words"])


def _press(span: Span) -> bool:
    """A news outlet ("(Reuters) -", "told Yonhap"), or an exchange, agency or regulator named
    without a listing ("the Tokyo Stock Exchange", "the FDA"): it reports or hosts figures, it does
    not own them."""
    listing = span._.listing
    if listing is not None:
        return listing.is_press
    words = span.text.lower().replace("'s", "").split()
    return bool(words) and (words[-1] in NOT_OWNER or " ".join(words) in NOT_OWNER)


LISTING_PREPS = {"like", "including", "as"}  # "peers like X", "rivals including X", "names such as X"
CURRENCY_PAIR_RE = re.compile(r"^[A-Z]{3}\s?/\s?[A-Z]{3}$")  # "AUD/USD": an exchange rate, not an organisation


class Orgs:
    """The organisation spans of a Doc, with fast lookups by position."""

    def __init__(self, doc: Doc) -> None:
        self.spans = sorted(
            (s for s in doc.spans.get("newsig_orgs", []) if s.label_ in ("COMPANY", "INDEX", "FIRM", "ORG")
             and not _press(s) and not CURRENCY_PAIR_RE.match(s.text)
             and not (s.label_ == "ORG" and s.text.lower() in METRIC_NOUNS)),  # "ARR", "EBITDA" tagged as organisations
            key=lambda s: s.start,
        )

    def inside(self, start: int, end: int) -> list[Span]:
        return [s for s in self.spans if s.start >= start and s.end <= end]

    def covering(self, token: Token) -> Span | None:
        return next((s for s in self.spans if s.start <= token.i < s.end), None)

    def named_by(self, head: Token, deps: tuple[str, ...] = ("poss", "compound", "appos", "conj", "nmod", "npadvmod", "prep")
                 ) -> list[Span]:
        """The organisations a noun phrase names: the head itself, its possessor, compounds,
        appositions, "shares of X", and names joined to them by "and" ("Tencent and Xiaomi").
        ``deps`` narrows which modifiers count ("developer Take-Two": compound and appos only)."""
        listed = [c for c in head.children if c.dep_ == "prep" and c.lower_ in LISTING_PREPS]
        if listed and self.covering(head) is None:  # "Tata Steel's peers like X and Y": X and Y, not Tata Steel
            names = [s for c in listed for s in self.named_by(c, deps)]
            if names:
                return sorted(set(names), key=lambda s: s.start)
        found: list[Span] = []
        todo, seen = [head], set()
        while todo:
            tok = todo.pop()
            if tok.i in seen:
                continue
            seen.add(tok.i)
            span = self.covering(tok)
            if span is not None:
                if span not in found:
                    found.append(span)
                # "Tencent and Xiaomi", but not "X, which rose 9%, and Y, which rose 7%": a name with a
                # clause of its own has its own figure
                todo.extend(c for t in span for c in t.children if c.dep_ == "conj" and c.i >= span.end
                            and not any(g.dep_ == "relcl" for g in c.children))
                continue
            for c in tok.children:
                if c.dep_ in deps or ("prep" in deps and c.dep_ == "prep" and c.lower_ in ("of", "in")) \
                        or (c.dep_ == "prep" and c.lower_ in LISTING_PREPS):  # "peers like X and Y"
                    todo.append(c)
                elif c.dep_ == "pobj" and tok.dep_ == "prep":
                    todo.append(c)
        return sorted(found, key=lambda s: s.start)

    def before(self, token_i: int, lo: int) -> Span | None:
        cands = [s for s in self.spans if lo <= s.start and s.end <= token_i]
        companies = [s for s in cands if s.label_ in ("COMPANY", "INDEX")]
        pool = companies or cands
        return pool[-1] if pool else None


def entity_key(span: Span | None) -> tuple[str | None, str | None, str | None]:
    """(display name, ticker, listing currency) of an org span."""
    if span is None:
        return None, None, None
    listing = span._.listing
    if listing is not None:
        return listing.name, listing.ticker, getattr(listing, "currency", None)
    return span.text, None, None


def noun_phrase(token: Token) -> str:
    """'borrowing balance ratio' from its head noun: compounds and adjectives, no determiners or names."""
    parts = [t for t in token.subtree if t.i <= token.i and t.dep_ in ("compound", "amod", "nmod") or t is token]
    parts = [t for t in parts if t.ent_type_ not in ("ORG", "PERSON", "GPE", "PERCENT", "MONEY")
             and t.pos_ in ("NOUN", "ADJ", "PROPN", "VERB") and not t.like_num]
    parts = [t for t in parts if t.i >= token.i - 4]
    words = []
    for t in sorted(parts, key=lambda t: t.i):
        doc = t.doc
        if t.i >= 2 and doc[t.i - 1].text == "-" and doc[t.i - 2].like_num and not doc[t.i - 1].whitespace_ \
                and not doc[t.i - 2].whitespace_:  # "10-year", "3-month": the tenor is part of the name
            words.append(f"{doc[t.i - 2].text}-{t.lower_}")
        else:
            words.append(t.lower_)
    return " ".join(words) or token.lower_


# ---- "respectively" lists ------------------------------------------------------

def _percentages_before_respectively(sent: Span, qs: list[Quantity]) -> list[Quantity]:
    """The percentages of ``sent`` that come before its word "respectively" ([] without one)."""
    low = sent.text.lower()
    if "respectively" not in low:
        return []
    cut = low.index("respectively") + sent.start_char
    return [q for q in qs if q.kind == "pct" and q.start < cut]


def respectively_names(sent: Span, sent_orgs: list[Span], qs: list[Quantity]) -> dict[int, Span]:
    """'A and B fell 3% and 5%, respectively' pairs names and numbers in order."""
    pcts = _percentages_before_respectively(sent, qs)
    # the run of numbers right before "respectively", with no name between them
    run: list[Quantity] = []
    for q in reversed(pcts):
        if run and any(q.span.end <= o.start and o.end <= run[0].span.start for o in sent_orgs):
            break
        run.insert(0, q)
    if not run:
        return {}
    lo = max((q.span.end for q in pcts if q.span.end <= run[0].span.start), default=sent.start)
    names = [o for o in sent_orgs if o.start >= lo and o.end <= run[0].span.start]
    if len(names) < 2 or len(names) != len(run):
        return {}
    return {id(q): o for q, o in zip(run, names)}


def respectively_metrics(sent: Span, qs: list[Quantity]) -> dict[int, str]:
    """'revenue and operating profit increased by 20.7% and 140.4%, respectively': a list of
    metric nouns paired in order with the run of percentages -> ``{id(q): "revenue change"}``."""
    pcts = _percentages_before_respectively(sent, qs)
    if len(pcts) < 2:
        return {}
    first = pcts[0].span.start
    heads = [t for t in sent if t.i < first and t.lower_ in METRIC_NOUNS and t.pos_ == "NOUN"
             and (t.dep_ == "conj" or any(c.dep_ == "conj" and c.lower_ in METRIC_NOUNS for c in t.children))]
    if len(heads) != len(pcts):
        # "KRW373 billion in net sales, KRW166 billion in operating profit and KRW142 billion in net income,
        # increases of 16.7%, 41.2% and 45.8%, respectively": the figures' nouns, one per percentage
        heads = [t for t in sent if t.i < first and t.lower_ in METRIC_NOUNS and t.pos_ == "NOUN"
                 and t.dep_ != "compound"]
    if len(heads) != len(pcts):
        return {}
    return {id(q): f"{noun_phrase(h)} change" for q, h in zip(pcts, heads)}
