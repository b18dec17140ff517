"""'The company' / 'it' references: resolved only when the antecedent is clear, and counted in
the entity's sentiment. Articles written for these tests; real pipeline."""

from __future__ import annotations

import pytest

NOKIA = (
    "Nokia reported quarterly results on Thursday in Helsinki.\n\n"
    "The company said operating profit plunged 60% and it cut its full-year outlook, citing weak demand.\n\n"
    "Its shares fell 9% in early trading."
)


def _refs(nlp, text):
    doc = nlp(text)
    return [(r.text, r._.antecedent.text) for r in doc.spans["newsig_refs"]]


def test_company_and_stock_references_resolve_to_the_one_company_named(nlp_fast):
    assert _refs(nlp_fast, NOKIA) == [("The company", "Nokia"), ("Its", "Nokia")]


@pytest.mark.parametrize("text", [
    # two companies named: "the company" is ambiguous
    "Nokia and Ericsson reported results on Thursday. The company said profit fell 20%.",
    # "it" outside the main clause, in speech, or as an expletive
    "Nokia reported results on Thursday. Analysts said demand would recover when it comes to networks.",
    'Nokia reported results on Thursday. "It is a tough market," the chief executive said.',
    "Nokia reported results on Thursday. It is expected that the market will recover next year.",
    # not the company just named
    "Nokia reported results on Thursday. The only other company in the index to gain was a utility.",
    # too far back
    "Nokia reported results on Thursday. Markets were calm. Bond yields rose. Oil slipped. The company said profit fell.",
    # the sentence names its own organisation
    "Nokia reported results on Thursday. The company lost share to Ericsson in Europe.",
])
def test_unclear_references_are_left_alone(nlp_fast, text):
    assert _refs(nlp_fast, text) == []


def test_reference_sentences_count_in_entity_sentiment(analyze_full):
    nokia = next(e for e in analyze_full(NOKIA, "2025-01-09")["entities"] if e["ticker"] == "NOKIA")
    # the only sentence naming Nokia is neutral; the referring ones carry the news
    assert nokia["sentiment"] < -0.5
    assert [m["text"] for m in nokia["mentions"]] == ["Nokia"]  # references are not name mentions
