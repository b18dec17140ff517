"""Sectors: taxonomy mapping, company grouping, sentiment and favour."""

from __future__ import annotations

import json

import pytest

from analyzer.nlp.components.sectors import GICS_SECTORS, load_taxonomy, sector_records
from analyzer.errors import PatternError
from views_helpers import annotate

SEED_ORGS = {
    "ECOPRO BM": ("COMPANY", "247540"), "POSCO FUTURE M": ("COMPANY", "003670"), "Samsung SDI": ("COMPANY", "006400"),
    "HLB": ("COMPANY", "028300"), "CHA Biotech": ("COMPANY", "085660"), "Sam Chun Dang Pharm": ("COMPANY", "000250"),
    "Ecopro": ("COMPANY", "086520"), "Ecopro Marty": ("COMPANY", "450080"), "Heungkuk Securities": ("FIRM", None),
    "DAOL Investment & Securities": ("FIRM", "030210"), "Hana Bank": ("ORG", None),
}


@pytest.fixture(scope="module")
def seed_doc(seed_text):
    return annotate(seed_text, SEED_ORGS, published="2025-03-31")


def test_seed_sector_names_are_canonical(seed_doc):
    names = [sp._.sector for sp in seed_doc.spans["newsig_sectors"]]
    assert names.count("secondary battery") == 5
    assert names.count("pharmaceuticals & biotech") == 2
    assert {"semiconductors", "banks", "capital goods"} <= set(names)


def test_seed_sector_records(seed_doc):
    recs = {r.name: r for r in sector_records(seed_doc)}
    assert recs["secondary battery"].sentiment < 0 and recs["secondary battery"].favoured is False
    assert recs["pharmaceuticals & biotech"].sentiment < 0
    for name in ("semiconductors", "banks", "capital goods"):
        assert recs[name].favoured is True


def test_companies_grouped_under_sectors(seed_doc):
    recs = {r.name: r for r in sector_records(seed_doc)}
    assert recs["secondary battery"].tickers == ("247540", "003670", "450080", "006400")  # "such as"
    assert recs["pharmaceuticals & biotech"].tickers == ("028300", "085660", "000250")  # the next sentences
    assert "086520" not in recs["secondary battery"].tickers  # another paragraph: not grouped


def test_sentence_scores_give_the_sentiment(seed_doc):
    n = len(list(seed_doc.sents))
    recs = {r.name: r for r in sector_records(seed_doc, [0.5] * n)}
    assert recs["banks"].sentiment == 0.5


def test_company_names_and_everyday_words_are_not_sectors():
    doc = annotate("Hanwha Aerospace rose while retail investors sold Hana Bank shares. Oil fell 2% and chipmakers "
                   "rallied.", {"Hanwha Aerospace": ("COMPANY", "012450"), "Hana Bank": ("COMPANY", None)})
    assert [(sp.text, sp._.sector) for sp in doc.spans["newsig_sectors"]] == [
        ("Oil", "oil & gas"), ("chipmakers", "semiconductors")]


def test_battery_makers_in_one_sentence():
    doc = annotate("Battery makers LG Energy Solution and Samsung SDI slumped on weak EV demand.",
                   {"LG Energy Solution": ("COMPANY", "373220"), "Samsung SDI": ("COMPANY", "006400")})
    (rec,) = sector_records(doc)
    assert (rec.name, rec.tickers) == ("secondary battery", ("373220", "006400"))
    assert rec.sentiment < 0


def test_taxonomy_is_valid_and_gics_based():
    rows = load_taxonomy()
    assert {r["gics_sector"] for r in rows} <= GICS_SECTORS
    assert len({r["name"] for r in rows}) == len(rows)


def test_bad_taxonomy_line_is_a_pattern_error(tmp_path):
    bad = tmp_path / "sectors.jsonl"
    row = {"name": "x", "gics": "X", "level": "sector", "gics_sector": "Crypto", "aliases": ["x"]}
    bad.write_text(json.dumps(row) + "\n")
    with pytest.raises(PatternError, match="line 1"):
        load_taxonomy.__wrapped__(bad)


def test_no_model_scores_fall_back_to_the_interim_lexicon(seed_doc):
    n = len(list(seed_doc.sents))
    recs = {r.name: r for r in sector_records(seed_doc, [None] * n)}
    assert recs["secondary battery"].sentiment < 0
