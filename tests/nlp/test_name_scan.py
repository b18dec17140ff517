"""The linker's name scan: the shortcuts that skip tokens must never skip a name.

A token followed by one space opens windows only if it is some name's first word; any other
token only if its next characters begin like some name. These sentences put names after
punctuation, before possessives and hyphens, at line starts and in curly quotes.
"""

from __future__ import annotations

import os

import pytest
import spacy

import analyzer.nlp.components.tickers  # noqa: F401  (registers the factory)
from analyzer.nlp.components.context import doc_text
from analyzer.nlp.components.tickers import SPAN_KEY, _may_start_name


@pytest.fixture(scope="module")
def blank(tmp_path_factory):
    old = os.environ.get("NEWSIG_HOME")
    os.environ["NEWSIG_HOME"] = str(tmp_path_factory.mktemp("newsig_home"))  # built-in universe only
    nlp = spacy.blank("en")
    nlp.add_pipe("newsig_tickers")
    yield nlp
    if old is None:
        os.environ.pop("NEWSIG_HOME", None)
    else:
        os.environ["NEWSIG_HOME"] = old


def tickers(doc) -> set[str]:
    return {s._.listing.ticker for s in doc.spans[SPAN_KEY] if s._.listing is not None}


@pytest.mark.parametrize("text, ticker", [
    ("Shares of Microsoft rose after the results.", "MSFT"),
    ("Microsoft's cloud unit grew faster than expected.", "MSFT"),  # possessive: no space after the name
    ("(Microsoft) said on Tuesday it would hire.", "MSFT"),  # opening bracket before the name
    ("Results:\nMicrosoft beat estimates again.", "MSFT"),  # a name opening a line
    ("McDonald\u2019s raised prices again this quarter.", "MCD"),  # curly apostrophe inside the name
    ("Investors sold Samsung Electronics after the report.", "005930"),  # a two-word name
])
def test_names_are_found_wherever_they_start(blank, text, ticker):
    assert ticker in tickers(blank(text))


def test_a_word_no_name_starts_with_opens_no_window(blank):
    linker = blank.get_pipe("newsig_tickers")
    assert "microsoft" in linker._first_words
    assert "zzqxv" not in linker._first_words
    assert _may_start_name("Microsoft's", 0, linker._heads)
    assert not _may_start_name("zzqxv-led", 0, linker._heads)
    assert _may_start_name("AB", 0, linker._heads)  # shorter than a head: never skipped


def test_doc_text_is_the_text_and_read_once(blank):
    doc = blank.make_doc("Acme rose 5%.\n\nGlobex fell.")
    assert doc_text(doc) == doc.text
    assert doc.user_data["newsig_text"] is doc_text(doc)
