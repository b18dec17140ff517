"""spaCy component ``newsig_references``: a company referred to without its name.

"Nokia reported results on Thursday. **The company** said operating profit plunged 60%
and **it** cut its outlook." The second sentence is about Nokia, and its sentiment
should count for Nokia. A sentence that names no organisation, whose subject or
possessor is "it"/"its" or a definite "the company / the bank / the shares ..." (words
in ``analyzer/data/reference_words.json``), refers to the company of the nearest earlier
sentence that names organisations, at most two sentences back, when that sentence
names exactly one organisation and it is a company. Anything less clear is left alone:
a wrong antecedent would move the wrong stock's score.

Sets ``doc.spans["newsig_refs"]`` (label ``REF``), each with ``Span._.antecedent``, the
named mention it refers to. The sentiment component scores each reference as a target
(the antecedent's name in the reference's sentence); ``extract`` adds those scores to
the entity's sentiment.
"""

from __future__ import annotations

import json

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from analyzer.nlp.components.tickers import SPAN_KEY, org_key
from analyzer.resources import data_path

REF_KEY = "newsig_refs"
LOOKBACK = 2  # sentences
ROLES = {"nsubj", "nsubjpass", "poss"}
WORDS = json.loads(data_path("reference_words.json").read_text(encoding="utf-8"))
PRONOUNS = frozenset(WORDS["pronouns"])
NOUNS = frozenset(WORDS["nouns"])
STOCK_NOUNS = frozenset({"stock", "shares", "share"})
NOT_THIS_ONE = frozenset({"other", "another", "only", "rival", "parent", "new"})
QUOTE_MARKS = frozenset({'"', "“", "”", "''", "``"})

if not Span.has_extension("antecedent"):
    Span.set_extension("antecedent", default=None)


@Language.factory("newsig_references")
def make_references(nlp: Language, name: str) -> "ReferenceResolver":
    return ReferenceResolver()


def _expletive(tok: Token) -> bool:
    """'It is expected that ...', 'it is unclear whether ...', 'it seems ...': an "it" that
    refers to nothing but the clause that follows."""
    head = tok.head
    clause = any(c.dep_ in {"ccomp", "xcomp", "csubj", "csubjpass"} for c in head.children)
    return tok.lower_ == "it" and clause and (
        tok.dep_ == "nsubjpass" or head.lemma_ in {"be", "seem", "appear", "remain"}
    )


def _main_clause(tok: Token) -> bool:
    """``tok`` belongs to the sentence's main clause: the subject of its root verb, or the
    possessor of that subject ("Its shares fell 9%")."""
    if tok.dep_ == "poss":
        tok = tok.head
    return tok.dep_ in {"nsubj", "nsubjpass"} and tok.head.dep_ == "ROOT"


def reference_in(sent: Span) -> Span | None:
    """The first word group in ``sent`` that refers back to a company, or None.

    "The company / the bank ..." counts as the subject or possessor of any clause; "it"/"its",
    far more often about something else, only in the main clause of a sentence that quotes
    nobody ("It cut its capex", "Its shares fell"), never in "when it comes to" or in speech.
    """
    quoted = any(t.text in QUOTE_MARKS for t in sent)
    for tok in sent:
        if tok.dep_ not in ROLES:
            continue
        low = tok.lower_
        if low in PRONOUNS and tok.pos_ == "PRON":
            if not quoted and _main_clause(tok) and not _expletive(tok):
                return sent.doc[tok.i : tok.i + 1]
            continue
        if low in NOUNS and tok.pos_ == "NOUN":
            dets = [c for c in tok.children if c.dep_ in {"det", "poss"} and c.i < tok.i]
            if any(c.lower_ in NOT_THIS_ONE for c in tok.children):
                continue  # "the only other company", "another firm"
            if any(d.lower_ == "the" for d in dets) or (low in STOCK_NOUNS and any(d.lower_ == "its" for d in dets)):
                return sent.doc[min(d.i for d in dets) : tok.i + 1]
    return None


class ReferenceResolver:
    """Links "the company" / "it" to the one company just named (see the module docstring)."""

    def __call__(self, doc: Doc) -> Doc:
        orgs = sorted(doc.spans.get(SPAN_KEY, []), key=lambda s: s.start)
        refs: list[Span] = []
        try:
            sents = list(doc.sents)
        except ValueError:  # no sentence boundaries
            sents = []
        named: list[list[Span]] = [[o for o in orgs if s.start <= o.start < s.end] for s in sents]
        for i, sent in enumerate(sents):
            if named[i]:
                continue
            prev = next((j for j in range(i - 1, max(-1, i - 1 - LOOKBACK), -1) if named[j]), None)
            if prev is None:
                continue
            antecedent = named[prev][-1]
            if len({org_key(o) for o in named[prev]}) != 1 or antecedent.label_ != "COMPANY":
                continue
            ref = reference_in(sent)
            if ref is not None:
                span = Span(doc, ref.start, ref.end, label="REF")
                span._.antecedent = antecedent
                refs.append(span)
        doc.spans[REF_KEY] = refs
        return doc
