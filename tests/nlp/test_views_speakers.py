"""Views: who is speaking, one test per mechanism, on sentences written for these tests."""

from __future__ import annotations

import re

from spacy.util import filter_spans
from views_helpers import FakeListing, annotate, base_nlp

from analyzer.nlp.components.context import set_context
from analyzer.nlp.components.quotes import QuoteExtractor


def _views(text, orgs=None):
    return annotate(text, orgs or {}, published="2025-02-12")._.views


def _views_with_firms(text, firms):
    """Like ``_views``, with ``firms`` linked as research firms of the universe (kind "firm")."""
    nlp = base_nlp()
    doc = nlp.make_doc(text)
    set_context(doc, {"published": "2025-02-12"})
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    spans = []
    for name in firms:
        for m in re.finditer(re.escape(name), text):
            span = doc.char_span(m.start(), m.end(), label="FIRM", alignment_mode="expand")
            span._.listing = FakeListing(name, None, kind="firm")
            spans.append(span)
    doc.spans["newsig_orgs"] = filter_spans(spans)
    return QuoteExtractor()(doc)._.views


def _who(views):
    return [(v.analyst, v.firm) for v in views]


def test_trailing_attribution_after_a_comma_is_the_speaker():
    views = _views("Coastal Rail looks cheap after the selloff given its contracted freight volumes, "
                   "Harbourline Securities analyst Mira Okafor writes in a note.")
    assert _who(views) == [("Mira Okafor", "Harbourline Securities")]
    assert views[0].quote.startswith("Coastal Rail looks cheap")
    assert "writes" not in views[0].quote


def test_inverted_trailing_attribution_with_appositive_title():
    views = _views("Regional lenders may struggle to grow deposits this year, said Tomas Lindqvist, "
                   "chief strategist at Nordvik Capital.")
    assert _who(views) == [("Tomas Lindqvist", "Nordvik Capital")]


def test_every_analyst_listed_with_and_gets_the_view_and_the_firm():
    views = _views("Pinecrest analysts Ola Brandt and Kenji Mori say in a note that the order book "
                   "points to a strong second half.")
    assert _who(views) == [("Ola Brandt", "Pinecrest"), ("Kenji Mori", "Pinecrest")]


def test_call_participant_from_a_firm_is_an_analyst_view():
    views = _views_with_firms("* Park Ji-hoon from Eastgate Securities asked about the timing of the buyback.",
                              ["Eastgate Securities"])
    assert [(v.analyst, v.firm, v.role) for v in views] == [("Park Ji-hoon", "Eastgate Securities", "analyst")]


def test_a_participant_without_a_firm_is_not_a_view():
    assert _views("* A caller asked about the timing of the buyback.") == []


def test_surname_alone_takes_the_firm_from_the_full_mention():
    text = ("Margins should recover by the summer, said Ines Duarte, Calloway Research head of "
            "consumer research.\n\nDuarte believes the discount chains will keep gaining share this year.")
    views = _views(text)
    assert _who(views) == [("Ines Duarte", "Calloway Research")]


def test_an_analyst_in_two_roundup_items_made_two_calls():
    text = ("0810 GMT - Westbrook Homes is set for a better spring, Harlow Partners analyst Joan Reyes says "
            "in a note.\n\n0920 GMT - Tideway Retail faces a tough year as footfall slows, Harlow Partners "
            "analyst Joan Reyes says in a note.")
    views = _views(text)
    assert _who(views) == [("Joan Reyes", "Harlow Partners"), ("Joan Reyes", "Harlow Partners")]


def test_the_brokerage_means_the_firm_not_its_last_analyst():
    text = ("0810 GMT - Auto demand will slow this year, said Ravi Nair, an analyst at Kestrel Securities.\n\n"
            "0920 GMT - Delmont Motors remains Quayside Securities' top pick in the sector, the brokerage's "
            "analysts say in a report.")
    views = _views_with_firms(text, ["Kestrel Securities", "Quayside Securities"])
    assert _who(views) == [("Ravi Nair", "Kestrel Securities"), (None, "Quayside Securities")]


def test_a_quote_nobody_says_belongs_to_the_firm_acting_in_the_sentence():
    views = _views_with_firms('After the results, Kestrel Securities cut its price target to $41 from $48, citing '
                              '"a slower ramp in the data-centre business this year."', ["Kestrel Securities"])
    assert [(v.firm, v.price_target, v.target_direction) for v in views] == [("Kestrel Securities", 41.0, -1)]


def test_a_name_with_neither_title_nor_firm_is_not_a_view():
    assert _views("Tariffs will bring the factories home, Walter Brennan said on Sunday.") == []


def test_a_firms_unit_is_named_as_written():
    views = _views_with_firms("Harbour Foods had a solid half, Kestrel Europe analysts Lea Roth and Tom Ek said.",
                              ["Kestrel"])
    assert _who(views) == [("Lea Roth", "Kestrel Europe"), ("Tom Ek", "Kestrel Europe")]


def test_officials_by_title_are_not_views():
    views = _views("Steel imports must fall, Premier Jean Tremblay of Quebec said on Monday, calling the tariffs unfair.")
    assert views == []


def test_an_appositive_job_title_keeps_its_scope():
    views = _views("Chipmakers face a slower year, said Aiko Tanaka, head of semiconductor forecasts at Brightline Data.")
    assert [(v.analyst, v.title, v.firm) for v in views] == [
        ("Aiko Tanaka", "head of semiconductor forecasts", "Brightline Data")]


def test_a_person_of_an_unknown_firm_writing_a_note_is_an_analyst():
    views = _views("Rate cuts look further away, Halden Partners' Iris Vogel says in a note.")
    assert _who(views) == [("Iris Vogel", "Halden Partners")]


def test_a_person_of_an_unknown_organisation_talking_is_not_a_view():
    assert _views("The new terminal will open next spring, said Oskar Lind of Harbourview Architects.") == []


def test_a_firm_before_its_bracketed_code_and_title_is_the_firm():
    views = _views_with_firms('Meanwhile, Kestrel (LON:KST) analyst Noor Haddad sees upside as hopes were set "low."',
                              ["Kestrel"])
    assert _who(views) == [("Noor Haddad", "Kestrel")]


def test_a_quoted_word_gives_its_whole_sentence_as_the_statement():
    views = _views_with_firms('Kestrel analyst Noor Haddad sees upside in the shares as expectations were set "low."',
                              ["Kestrel"])
    assert views and "sees upside in the shares" in views[0].quote


def test_the_chief_executive_of_a_research_house_is_no_analyst():
    views = _views_with_firms("Clients are moving into bonds, said Ana Ruiz, chief executive of Kestrel Research.",
                              ["Kestrel Research"])
    assert [v for v in views if v.role == "analyst"] == []
