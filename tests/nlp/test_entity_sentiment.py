"""Entity sentiment through the real pipeline (transformer included): how the text's tone, the
stated price move, the headline and analysts' calls combine. Sentences written for these tests."""

from __future__ import annotations


def _sentiments(result: dict) -> dict:
    return {e["ticker"]: e["sentiment"] for e in result["entities"] if e["ticker"]}


def test_a_big_fall_keeps_the_news_bad_despite_upbeat_details(analyze_full):
    text = ("Shares of Intel sank 9.5% on Friday after the chipmaker's quarterly forecast fell short of estimates. "
            "Intel said revenue rose 7% in the last quarter, beating expectations. "
            "Intel also reported stronger margins and record data-centre sales. "
            "Intel praised its new factory, which opened ahead of schedule.")
    s = _sentiments(analyze_full(text, "2025-01-31"))
    assert s["INTC"] < -0.05


def test_a_small_drift_does_not_outvote_the_news(analyze_full):
    text = ("Intel warned that its profit would fall sharply this year as demand for its chips weakens. "
            "Intel also cut its dividend and announced job losses. "
            "Intel shares were up 0.2% in early trading.")
    s = _sentiments(analyze_full(text, "2025-01-31"))
    assert s["INTC"] < -0.05


def test_the_headline_tone_counts_towards_the_entity(analyze_full):
    text = "Intel reported its quarterly results on Thursday. Intel will hold a call with investors next week."
    bad = _sentiments(analyze_full(text, "2025-01-31", title="Intel plunges as outlook disappoints investors"))
    good = _sentiments(analyze_full(text, "2025-01-31", title="Intel soars as outlook impresses investors"))
    assert bad["INTC"] < good["INTC"]
    assert bad["INTC"] < -0.05 < 0.05 < good["INTC"]


def test_only_subjects_get_a_sentiment(analyze_full):
    text = ("Nvidia jumped 6% after results beat forecasts, said Jane Roe, an analyst at Morgan Stanley. "
            "Nvidia raised its outlook for the year.")
    r = analyze_full(text, "2025-02-27")
    for e in r["entities"]:
        if e["role"] != "subject":
            assert e["sentiment"] is None, e
    assert _sentiments(r)["NVDA"] > 0.05


def test_an_analyst_upgrade_counts_for_the_company(analyze_full):
    text = ("Morgan Stanley upgraded Ford to overweight from equal-weight and raised its price target to $14 from $11, "
            "analyst John Smith wrote in a note. "
            "Ford shares were little changed.")
    r = analyze_full(text, "2025-03-03")
    assert _sentiments(r)["F"] > 0.05
