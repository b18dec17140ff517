"""Who a stated figure belongs to (part of ``newsig_numbers``): the company or index a move's
clause names, the company a sentence is about, and the owner of a metric.

The subject phrase decides ("Shares of X and Y", "X's stock", "chipmaker X", "X, which rose 6%",
"peers like X and Y"); a name right before the number ("Amazon rose 2%, Apple 1%") or after it
("8 percent for X") comes next; "the stock", "it", "the chipmaker" mean the company just discussed.
A subject whose head is something *of* a name ("X e-mini futures", "the X utilities sector",
"X's F-Series") names no owner. :class:`OwnerFinder` is mixed into the component, whose
classification helpers (``_change_of``, ``_macro_clause``) it uses.
"""

from __future__ import annotations

import re

from spacy.tokens import Span, Token

from analyzer.nlp.components.number_syntax import (
    LISTING_PREPS,
    WORDS,
    Orgs,
    entity_key,
    governing_verb,
    subject_of,
    words_before,
)
from analyzer.nlp.components.quantities import Quantity
from analyzer.nlp.components.tickers import CORP_SUFFIXES

STOCK_WORDS = set(WORDS["stock_words"])
PRONOUNS = {"it", "they", "its", "their"}
COMPANY_NOUNS = set(WORDS["company_nouns"])
INDEX_NOUNS = set(WORDS["index_nouns"])
CHANGE_NOUNS = set(WORDS["change_nouns"])
MACRO = set(WORDS["macro_metric_words"])
DEFINITE = {"the", "this", "its", "their", "that"}
METRIC_REACH = 10  # tokens: a metric with no name in its own phrase belongs to a name this close before it
CODE_RE = re.compile(r"^\.?[A-Z0-9]{2,}(?:\.[A-Z]{1,2})?$")  # ".SPX", "MCO.N": a written instrument code
# Words that end a company's name and a parse may leave outside the name span ("Alphabet Inc"): the legal
# suffixes (tickers.CORP_SUFFIXES, without their dots) and the company words that close names ("Holdings").
NAME_END_WORDS = frozenset({s.rstrip(".") for s in CORP_SUFFIXES}
                           | {"limited", "company", "holdings", "group", "bancorp", "technologies", "industries"})
COUNTERPARTY_PREPS = {"to", "with", "by", "against"}
PLACE_TIME_ENTS = {"GPE", "LOC", "DATE", "TIME", "NORP", "EVENT", "FAC"}  # "a 3% gain in Tokyo", "in February"
SAME_INDEX = INDEX_NOUNS | {"market", "stock", "stocks", "equity", "share", "blue-chip"}


class OwnerFinder:
    """The owner-finding half of :class:`analyzer.nlp.components.numbers.NumberExtractor`."""

    @staticmethod
    def _topic(sent: Span, sent_orgs: list[Span]) -> Span | None:
        """The company a sentence is about, for "the stock" / "its shares" after it: a listed company
        (the last one named), or an organisation the sentence's subject names ("Restaurant Brands
        reported ...": an unlinked company is still the one being discussed)."""
        subjects = [t for t in sent if t.dep_ in ("nsubj", "nsubjpass")]
        for subj in subjects:
            owner = next((o for o in sent_orgs if o.label_ in ("COMPANY", "ORG") and o.start <= subj.i < o.end), None)
            if owner is None:
                for c in subj.children:
                    if c.dep_ == "poss":
                        owner = next((o for o in sent_orgs if o.label_ in ("COMPANY", "ORG") and o.start <= c.i < o.end), None)
            if owner is not None:
                return owner
        if OwnerFinder._refers_back(sent, sent_orgs):
            return None  # "the company said it was hurt by Google": still the company discussed before
        # the last company named, unless it is only a counterparty ("which it sold to Phibro", "a deal with Apple")
        companies = [s for s in sent_orgs if s.label_ == "COMPANY" and not OwnerFinder._counterparty(s)]
        return companies[-1] if companies else None

    @staticmethod
    def _counterparty(span: Span) -> bool:
        """A name that is the object of "to", "with", "by", "against": the other side of a deal (not "results from X")."""
        root = span.root
        while root.dep_ in ("compound", "conj", "appos") and root.head.i != root.i:
            root = root.head
        return root.dep_ == "pobj" and root.head.lower_ in COUNTERPARTY_PREPS

    @staticmethod
    def _refers_back(sent: Span, sent_orgs: list[Span]) -> bool:
        """Whether the sentence's first subject is "the company", "the stock", "its shares" (a word for
        the company just discussed, with no name of its own), so that a name later in the sentence
        ("... hurt by Google search") does not become the company under discussion."""
        subj = next((t for t in sent if t.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is None or subj.lower_ not in COMPANY_NOUNS | STOCK_WORDS:
            return False
        if any(o.start <= t.i < o.end for t in subj.subtree for o in sent_orgs):
            return False
        return any(c.lower_ in DEFINITE for c in subj.children if c.dep_ in ("det", "poss"))

    @staticmethod
    def _group_member(span: Span) -> bool:
        """'the Tata Group company', 'an Adani Group firm': a group's name on a company noun means a member
        of the group (the company under discussion), not the listing the group's name links to."""
        root = span.root
        if root.lower_ != "group" and root.dep_ == "compound" and root.head.lower_ == "group":
            root = root.head  # "Tata" of "the Tata Group company"
        return root.lower_ == "group" and root.dep_ in ("compound", "nmod") and root.head.lower_ in COMPANY_NOUNS \
            and root.head.i > span.end - 1

    @staticmethod
    def _near(q: Quantity, sent: Span, orgs: Orgs, recent: Span | None) -> Span | None:
        """The name last written before the number; an unlisted name that only modifies a company noun
        ("the Birkin bag maker", "the Marlboro maker") is a product of the company under discussion."""
        near = orgs.before(q.span.start, sent.start)
        if near is not None and near.label_ == "ORG" and not entity_key(near)[1]:
            root = near.root
            while root.dep_ == "compound" and root.head.i != root.i:
                root = root.head
                if root.lower_ in COMPANY_NOUNS:
                    return recent
        return near

    # -- classification --

    def _move_owners(self, q: Quantity, sent: Span, orgs: Orgs, recent: Span | None,
                     recent_named: Span | None) -> list[Span]:
        """Whose price moved: the names the clause's subject carries ("Shares of Tencent and Xiaomi",
        "Videogame developer Take-Two", "X's stock", "X, which ended 6% higher"), a name written
        right before the number ("Amazon rose 2%, Apple 1%", "Samsung (-3%)"), or, for "the stock",
        "its shares", "it", "the chipmaker", the company just discussed. [] when the subject is
        something else: a sector ("Gold stocks"), a share count ("76% of shares"), a name we do not know."""
        doc = sent.doc
        prev = words_before(sent, q.start, 2)
        if prev and prev[0].text == "(" and prev[0].i > 0:
            org = orgs.covering(doc[prev[0].i - 1])
            if org is not None:
                return [org]
        head = next((t.head for t in q.span if not q.span.start <= t.head.i < q.span.end), None)
        if head is not None and head.lower_ in CHANGE_NOUNS:
            what = self._change_of(head)  # "a 10% surge in Sony Group"
            if what is not None:
                named = orgs.named_by(what)
                if named:
                    return named
                if what.pos_ == "PROPN" and what.ent_type_ not in PLACE_TIME_ENTS:
                    return []  # "as against an 8% rise in the Nifty": a change of a name we do not know
        # "versus 18 percent for Schlumberger": the name the figure is stated for
        nxt = doc[q.span.end] if q.span.end < sent.end else None
        if nxt is not None and nxt.lower_ == "for":
            pobj = next((c for c in nxt.children if c.dep_ == "pobj"), None)
            if pobj is not None and (orgs.covering(pobj) is not None or pobj.pos_ == "PROPN"):
                return [o for o in [orgs.covering(pobj)] if o is not None]
        # a name right before the number: "Amazon rose 2%, Apple 1% and Microsoft 0.8%"
        i = q.span.start - 1
        while i >= sent.start and doc[i].lower_ in (",", ":", "was", "is", "up", "down", "+", "-", "by"):
            i -= 1
        if i >= sent.start and i < q.span.start - 0:
            org = orgs.covering(doc[i])
            if org is not None and org.end == i + 1:
                return [org]
        verb = governing_verb(q.span[0])
        near = self._near(q, sent, orgs, recent)
        subj = subject_of(verb) if verb is not None else None
        # "driving Lufkin shares up 37.6%", "sending its shares down 9%": the shares the verb moves
        shares_obj = next((c for c in verb.children if c.dep_ == "dobj" and c.lower_ in STOCK_WORDS
                           and c.i < q.span.start), None) if verb is not None else None
        if shares_obj is not None:
            subj = shares_obj
        if subj is None:
            return [near] if near is not None else []
        if q.span.start <= subj.i < q.span.end:
            return []  # "33% rose": the number is the subject (a share of stocks), not a change
        if not self._names_the_owner(subj, orgs):
            return []  # "S&P 500 e-mini futures", "the S&P 500 utilities sector", "Ford's F-Series": something of X
        named = orgs.named_by(subj)
        if named and all(self._group_member(o) for o in named):
            return [recent] if recent is not None else []  # "the shares of the Tata Group company": one of its members
        if named:
            lo, hi = subj.left_edge.i, subj.right_edge.i + 1
            # a later name between the subject and the number is the nearer owner when it is a subject itself
            # ("CHA Biotech ... dropped 2.70%, and Sam Chun Dang Pharm ... fell by 2.37%"), not a possessor
            # or an object ("Perrigo was the S&P 500's worst decliner, shedding 6.7%")
            if near is not None and near.start > named[-1].start and not lo <= near.start < hi \
                    and near.start > subj.i and self._is_subject_name(near):
                return [near]
            return named
        if subj.lower_ in STOCK_WORDS:
            # "BP (NYSE:BP) ADRs rose", "Cisco (NASDAQ: CSCO) stock": the name before a written code
            k = subj.i - 1
            while k > sent.start and doc[k].text in (")", "]"):
                opening = next((t.i for t in reversed(doc[sent.start:k]) if t.text in ("(", "[")), None)
                if opening is None:
                    break
                k = opening - 1
            org = orgs.covering(doc[k]) if k >= sent.start else None
            if org is not None and k < subj.i - 1:
                return [org]
        if subj.lower_ in PRONOUNS:
            return [p for p in [near or recent_named or recent] if p is not None]
        if subj.pos_ == "PRON":
            return []  # "those for GM's trucks": not the company
        proper = [t for t in subj.subtree if t.pos_ == "PROPN" and t.i < q.span.start]
        if subj.pos_ == "PROPN" or (proper and subj.lower_ in STOCK_WORDS and not any(
                t.lower_ in PRONOUNS or (t.lower_ in COMPANY_NOUNS and not any(g.pos_ == "PROPN" for g in t.subtree))
                for t in subj.subtree)):
            return []  # "Doximity soared 37%", "Spires shares plunged": a name the linker does not know
        # the words before the head ("its shares", "the stock"), not a relative clause after it ("a price that is ...")
        words = {t.lower_ for t in subj.subtree if t.i < subj.i}
        if subj.lower_ in STOCK_WORDS or subj.lower_ in ("price",):
            modifiers = [t for t in subj.children if t.dep_ in ("amod", "compound", "nmod") and t.lower_ not in STOCK_WORDS]
            if subj.lower_ == "stocks" or (modifiers and not words & (PRONOUNS | DEFINITE)):
                return []  # "Gold stocks rallied 2.7%", "steel shares": a sector, not one company
            return [p for p in [near or recent] if p is not None]
        if subj.lower_ in INDEX_NOUNS and words & DEFINITE:
            if any(c.dep_ in ("compound", "nmod") and c.pos_ in ("NOUN", "PROPN") and c.lower_ not in SAME_INDEX
                   for c in subj.children):
                return []  # "the dollar index", "the volatility index": another index than the one just named
            index = recent_named if recent_named is not None and recent_named.label_ == "INDEX" else None
            return [index] if index is not None else []
        if subj.lower_ in COMPANY_NOUNS and words & DEFINITE:
            return [p for p in [near or recent] if p is not None]  # "the chipmaker", "the company"
        return []

    @staticmethod
    def _names_the_owner(subj: Token, orgs: Orgs) -> bool:
        """Whether a subject's head can stand for a company or index whose name modifies it: the name
        itself, "X shares", "X's stock", "chipmaker X", "the X index"; not "X e-mini futures", "the X
        utilities sector", "X's F-Series" (a thing of X with its own price or figure)."""
        span = orgs.covering(subj)
        if span is not None:
            return True
        mods = [c for c in subj.children if c.dep_ in ("compound", "nmod", "appos") and c.i < subj.i]
        if CODE_RE.match(subj.text) and mods:  # "the S&P 500 utilities index .SPLRCU": the code names what precedes it
            return OwnerFinder._names_the_owner(mods[-1], orgs)
        low = subj.lower_
        if any(c.dep_ == "prep" and c.lower_ in LISTING_PREPS for c in subj.children):
            return True  # "peers like X and Y": the names listed
        if low in STOCK_WORDS or low in COMPANY_NOUNS or low in ("price", "prices") or subj.pos_ == "PRON":
            return True
        if low in INDEX_NOUNS:  # "the S&P 500 index", not "the S&P 500 financial sector index"
            return not any(c.dep_ in ("compound", "nmod") and c.pos_ == "NOUN" and c.lower_ not in SAME_INDEX
                           and orgs.covering(c) is None for c in subj.children)
        if subj.pos_ == "PROPN":  # "Alphabet Inc": a suffix the name span left out
            return low.rstrip(".") in NAME_END_WORDS or not any(
                c.dep_ == "poss" and orgs.covering(c) is not None for c in subj.children)
        return not any(c.dep_ in ("poss", "compound", "nmod") and orgs.covering(c) is not None for c in subj.children)

    @staticmethod
    def _is_subject_name(span: Span) -> bool:
        """A name that is not part of an object or a predicate: "the S&P 500's worst decliner",
        "gainers on the S&P 500" are the S&P 500's, not the S&P 500 moving."""
        tok = span.root
        for _ in range(6):
            if tok.dep_ not in ("compound", "nmod", "pobj", "prep", "poss", "appos", "conj") or tok.head.i == tok.i:
                break
            tok = tok.head
        return tok.dep_ not in ("attr", "dobj", "oprd", "dative", "acomp")

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
        near = self._near(q, sent, orgs, recent)
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
        if kind in ("metric", "metric_inherit") and not (set((metric_name or "").split()) & MACRO) \
                and not self._macro_clause(q, sent):
            return near or recent  # "revenue dropped 9%": the company under discussion
        after = [s for s in orgs.inside(q.span.end, sent.end)]
        if after and after[0].start - q.span.end <= 3:
            return after[0]
        return pronoun_owner if verb is not None and subject_of(verb) is not None and subject_of(verb).pos_ == "PRON" else None
