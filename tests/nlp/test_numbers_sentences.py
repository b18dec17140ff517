"""newsig_numbers and newsig_timing across sentences: each figure is read in its own sentence, a
sentence with several moves gives each its own cues, and the shared helpers (paragraph starts, the
publication moment) behave as the components read them. Sentences written for these tests."""

from __future__ import annotations

import spacy

from analyzer.nlp.components.context import parse_published, parse_when
from analyzer.nlp.components.dates import starts_paragraph

DATE = "2025-02-12"


def test_each_figure_belongs_to_its_own_sentence(nlp_fast):
    text = ("Apple rose 2.1% on Monday. The weather was mild. Microsoft fell 1.4%.\n\n"
            "Amazon gained 0.8% to $210.50.")
    doc = nlp_fast(text)
    sents = [s.text.strip() for s in doc.sents]
    got = {(m.ticker, m.change_pct): sents[m.sentence] for m in doc._.moves}
    assert got[("AAPL", 2.1)].startswith("Apple rose")
    assert got[("MSFT", -1.4)].startswith("Microsoft fell")
    assert got[("AMZN", 0.8)].startswith("Amazon gained")
    assert next(m.price for m in doc._.moves if m.ticker == "AMZN") == 210.5


def test_the_subject_names_a_figure_without_an_owner(analyze_fast):
    r = analyze_fast("The country's consumer price index rose 0.5% in January.", DATE)
    assert not r["moves"]
    assert any(m["metric"].endswith("index change") and m["value"] == 0.5 for m in r["metrics"])
    r = analyze_fast("Apple said revenue growth slowed from 2.9% to 1.9% in the quarter.", DATE)
    assert not r["moves"]
    assert {m["metric"] for m in r["metrics"]} >= {"revenue growth"}


def test_two_moves_in_one_sentence_each_get_their_own_cues(analyze_fast):
    r = analyze_fast("Apple rose as much as 4% in early trade, while Microsoft closed 1.2% lower.",
                     "2025-02-12T20:00:00+00:00")
    by = {m["ticker"]: m for m in r["moves"]}
    assert by["AAPL"]["qualifier"] == "as_much_as" and by["AAPL"]["session"] == "intraday"
    assert by["MSFT"]["qualifier"] is None and by["MSFT"]["session"] == "close"


def test_paragraph_starts_and_publication_moment():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("newsig_paragraphs")
    doc = nlp("First line here. Same paragraph.\n\nA new paragraph.")
    sents = [s for s in doc.sents if s.text.strip()]
    assert [starts_paragraph(doc, s) for s in sents] == [False, False, True]
    assert parse_when("2025-02-10") is None and parse_when("2025-02-10T09:40:00") is None  # no offset
    assert parse_when("2025-02-10T09:40:00Z").utcoffset().total_seconds() == 0
    assert parse_when("not a date") is None
    assert str(parse_published("2025-02-10T23:40:00-05:00")) == "2025-02-10"
