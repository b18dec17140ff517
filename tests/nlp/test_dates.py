"""Relative dates resolve against the publication date; unresolvable ones are None."""

from __future__ import annotations

from datetime import date

import pytest
import spacy

from analyzer.nlp.components.context import set_context
from analyzer.nlp.components.dates import find_dates, resolve


def _resolve(text: str, pub: date | None, anchor: date | None = None, last: date | None = None):
    (s, e, kind, m), = find_dates(text)
    return resolve(kind, m, pub, anchor or pub, last)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("on the 31st", date(2025, 3, 31)),
        ("the 28th", date(2025, 3, 28)),
        ("the previous day", date(2025, 3, 28)),  # 31 March 2025 is a Monday: previous trading day
        ("that day", date(2025, 3, 31)),
        ("on Tuesday", date(2025, 3, 25)),
        ("last Monday", date(2025, 3, 24)),
        ("a year earlier", date(2024, 3, 31)),
        ("March 28", date(2025, 3, 28)),
        ("Dec. 30", date(2024, 12, 30)),  # after publication: last year's
        ("30 December 2024", date(2024, 12, 30)),
        ("2025-02-14", date(2025, 2, 14)),
        ("yesterday", date(2025, 3, 30)),
    ],
)
def test_relative_dates_resolve_against_publication(text, expected):
    assert _resolve(text, date(2025, 3, 31)) == expected


def test_day_after_publication_day_is_last_month():
    assert _resolve("on the 30th", date(2025, 4, 2)) == date(2025, 3, 30)


def test_unknown_publication_date_gives_none_not_a_guess():
    for text in ("on the 31st", "the previous day", "on Tuesday", "a year earlier"):
        assert _resolve(text, None) is None
    assert _resolve("2025-02-14", None) == date(2025, 2, 14)  # absolute dates need no anchor


def _doc(text: str, pub: str | None):
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("newsig_dates")
    doc = nlp.make_doc(text)
    set_context(doc, {"published": pub})
    return nlp(doc)


def test_sentence_dates_skip_comparison_bases_and_carry_within_a_paragraph():
    doc = _doc(
        "On the 31st, Ecopro fell 12.59% from the previous day. Others fell too.\n\n"
        "On the 28th, the ratio was 15.15%. Ecopro was at 12.62%.\n\nHLB fell 3.67% that day.",
        "2025-03-31",
    )
    roles = {sp.text: (sp._.date, sp._.date_role) for sp in doc.spans["newsig_dates"]}
    assert roles["the previous day"] == ("2025-03-28", "base")
    assert doc._.sentence_dates == ["2025-03-31", "2025-03-31", "2025-03-28", "2025-03-28", "2025-03-31"]


def test_no_publication_date_means_null_sentence_dates():
    doc = _doc("Shares fell 3% on Tuesday. They rose the previous day.", None)
    assert doc._.sentence_dates == [None, None]
