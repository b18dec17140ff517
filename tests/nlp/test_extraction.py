"""Moves, metrics and entities from whole articles through the real pipeline (no transformer).

The seed article is the product's own example; the others are articles written
for these tests in other markets' styles, so nothing here leans on one text.
"""

from __future__ import annotations

import pytest

SEED_CODES = {
    "086520": "Ecopro", "247540": "ECOPRO BM", "003670": "POSCO FUTURE M", "450080": "Ecopro Marty",
    "373220": "LG Energy Solution", "051910": "LG CHEM", "096770": "SK Innovation", "006400": "Samsung SDI",
    "005490": "POSCO Holdings", "028300": "HLB", "085660": "CHA Biotech", "000250": "Sam Chun Dang Pharm",
}
SEED_MOVES = {
    "086520": -12.59, "247540": -7.05, "003670": -6.38, "450080": -6.40, "373220": -6.04, "051910": -5.41,
    "096770": -4.55, "006400": -4.16, "005490": -4.62, "028300": -3.67, "085660": -2.70, "000250": -2.37,
}


@pytest.fixture(scope="module")
def seed(analyze_fast, seed_text):
    return analyze_fast(seed_text, "2025-03-31")


def _moves(result):
    return {m["ticker"]: m for m in result["moves"] if m["ticker"]}


def test_seed_links_all_twelve_companies_as_subjects(seed):
    subjects = {e["ticker"]: e for e in seed["entities"] if e["role"] == "subject"}
    for code, text in SEED_CODES.items():
        assert code in subjects, f"{text} ({code}) not linked"
        assert any(m["text"].lower().startswith(text.lower()[:5]) for m in subjects[code]["mentions"])
    assert subjects["086520"]["symbol"] == "086520.KQ"
    assert subjects["005490"]["exchange"] == "KOSPI"


def test_seed_firms_are_not_subjects(seed):
    firms = {e["name"]: e["role"] for e in seed["entities"] if e["kind"] == "firm"}
    for name in ("Hana Bank", "Heungkuk Securities", "DAOL Investment & Securities"):
        match = [role for n, role in firms.items() if name.split()[0].lower() in n.lower()]
        assert match, f"{name} not recognised as a firm: {firms}"
        assert match[0] != "subject"


def test_seed_moves_are_signed_and_dated(seed):
    moves = _moves(seed)
    assert set(moves) == set(SEED_MOVES)
    for code, pct in SEED_MOVES.items():
        assert moves[code]["change_pct"] == pytest.approx(pct), code
        assert moves[code]["date"] == "2025-03-31", code
    ecopro = moves["086520"]
    assert (ecopro["price"], ecopro["currency"]) == (49650, "KRW")


def test_seed_borrowing_balance_ratios(seed):
    ratios = {m["ticker"]: m for m in seed["metrics"] if m["metric"] == "borrowing balance ratio"}
    expected = {"247540": 15.15, "086520": 12.62, "003670": 8.05, "028300": 8.50, "085660": 11.40, "000250": 5.50}
    assert {k: v["value"] for k, v in ratios.items()} == pytest.approx(expected)
    for code in ("247540", "086520", "003670"):
        assert ratios[code]["date"] == "2025-03-28"
        assert ratios[code]["unit"] == "%"
    # a number that is a move is never also a metric
    move_values = {abs(m["change_pct"]) for m in seed["moves"] if m["change_pct"] is not None}
    assert not move_values & {m["value"] for m in seed["metrics"]}


US = (
    "Intel Corp (NASDAQ: INTC) shares tumbled 8.4% on Friday after the chipmaker cut its revenue forecast, "
    "while Nvidia rose 3.1% to $135.20. Intel's gross margin fell to 35.4% in the quarter, and revenue "
    "dropped 9% to $12.8 billion from a year earlier.\n\n"
    "Apple, which reported quarterly revenue of $94.9 billion, gained 1.2%. The stock closed at $229.87. "
    "Meanwhile $TSLA slid 2.2%."
)


def test_us_article_moves_prices_and_metrics(analyze_fast):
    r = analyze_fast(US, "2025-01-13")
    moves = _moves(r)
    assert moves["INTC"]["change_pct"] == pytest.approx(-8.4)
    assert moves["INTC"]["date"] == "2025-01-10"  # "on Friday" before Monday 13 January
    assert moves["NVDA"]["change_pct"] == pytest.approx(3.1)
    assert (moves["NVDA"]["price"], moves["NVDA"]["currency"]) == (135.20, "USD")
    assert moves["AAPL"]["change_pct"] == pytest.approx(1.2)
    assert moves["TSLA"]["change_pct"] == pytest.approx(-2.2)
    metrics = {(m["ticker"], m["metric"]): m for m in r["metrics"]}
    assert metrics[("INTC", "gross margin")]["value"] == pytest.approx(35.4)
    assert metrics[("INTC", "revenue change")]["value"] == pytest.approx(-9.0)
    assert metrics[("AAPL", "quarterly revenue")]["value"] == pytest.approx(94.9e9)
    assert metrics[("AAPL", "quarterly revenue")]["unit"] == "USD"


EU = (
    "In Frankfurt, SAP SE fell 2.1% to €178.40 on Tuesday, while Siemens and ASML dropped 1.5% and 2.4%, "
    "respectively. Foreign ownership of SAP climbed to 54.30%."
)


def test_european_article_euros_and_respectively(analyze_fast):
    r = analyze_fast(EU, "2025-03-27")
    moves = {m["entity"]: m for m in r["moves"]}
    sap = next(m for name, m in moves.items() if name and name.upper().startswith("SAP"))
    assert (sap["change_pct"], sap["price"], sap["currency"]) == (pytest.approx(-2.1), 178.40, "EUR")
    assert sap["date"] == "2025-03-25"
    by_value = sorted((m["change_pct"], (m["entity"] or "").lower()) for m in r["moves"])
    assert by_value[0][0] == pytest.approx(-2.4) and "asml" in by_value[0][1]
    assert by_value[1][0] == pytest.approx(-2.1)
    assert by_value[2][0] == pytest.approx(-1.5) and "siemens" in by_value[2][1]
    own = [m for m in r["metrics"] if m["metric"] == "foreign ownership"]
    assert own and own[0]["value"] == pytest.approx(54.30)


def test_unlinked_organisation_keeps_null_ticker(analyze_fast):
    r = analyze_fast("Zyxqor Widgets Ltd fell 4% after Zyxqor Widgets Ltd missed estimates.", "2025-03-31")
    assert all(e["ticker"] is None for e in r["entities"] if "Zyxqor" in e["name"])


def test_no_date_means_null_dates(analyze_fast):
    r = analyze_fast("Samsung SDI fell 4.2% on Tuesday.")
    assert r["moves"][0]["change_pct"] == pytest.approx(-4.2)
    assert r["moves"][0]["date"] is None


def test_company_figures_are_metrics_and_market_figures_stay_unowned(analyze_fast):
    text = (
        "Steelmaker POSCO Holdings rose 4.3%, while Hyundai Steel jumped 6.8%. "
        "LG Chem said its 2024 operating profit was down 63.75%. "
        "DoubleU Games posted net income of 55.6 billion won in the fourth quarter, up 53.7% from a year earlier. "
        "China's consumer price index rose 0.5% in January."
    )
    r = analyze_fast(text, "2025-02-13")
    moves = _moves(r)
    assert moves["005490"]["change_pct"] == pytest.approx(4.3)
    assert moves["004020"]["change_pct"] == pytest.approx(6.8)
    assert "051910" not in moves  # a profit figure is not a share-price move
    profit = [m for m in r["metrics"] if m["ticker"] == "051910"]
    assert profit and profit[0]["value"] == pytest.approx(-63.75) and "profit" in profit[0]["metric"]
    income = [m for m in r["metrics"] if "income" in m["metric"] and m["unit"] == "%"]
    assert income and income[0]["value"] == pytest.approx(53.7)
    cpi = [m for m in r["metrics"] if "price index" in m["metric"]]
    assert cpi and cpi[0]["ticker"] is None
    assert all(m["ticker"] is not None for m in r["moves"])


def test_roles_of_speakers_employers_and_asides(analyze_fast):
    text = (
        "SEOUL (Reuters) - Hyundai Motor said its labor relations chief quit on Monday. Hyundai said the "
        "strike cost it 13,000 vehicles. \"Demand is weak,\" said Kim Min-su, an analyst at Samsung Securities."
    )
    r = analyze_fast(text, "2013-03-18", title="Hyundai Motor labor chief quits")
    roles = {e["name"]: e for e in r["entities"]}
    hyundai = roles["Hyundai Motor"]
    assert hyundai["role"] == "subject" and len(hyundai["mentions"]) == 2  # bare "Hyundai" joins it
    assert roles["Samsung Securities"]["role"] == "source"
    assert all(e["role"] != "subject" for n, e in roles.items() if n in ("SEOUL", "Reuters"))
    assert max(roles.values(), key=lambda e: e["relevance"])["name"] == "Hyundai Motor"


def test_transitive_changes_are_metrics_of_the_object(analyze_fast):
    r = analyze_fast("UBS cut its overall bonus pool by 7 percent. Apple raised its dividend by 10%. "
                     "Shares of Apple rose 2%.", "2013-03-14")
    metrics = {(m["ticker"], m["metric"]): m["value"] for m in r["metrics"]}
    assert metrics[("UBSG", "overall bonus pool change")] == pytest.approx(-7.0)
    assert metrics[("AAPL", "dividend change")] == pytest.approx(10.0)
    assert [(m["ticker"], m["change_pct"]) for m in r["moves"]] == [("AAPL", 2.0)]


def test_asian_and_other_indices_each_get_their_move(analyze_fast):
    """A semicolon list of index moves: each index is linked, so no move falls to its neighbour."""
    r = analyze_fast(
        "Asian markets were mixed on Tuesday. Japan's Nikkei 225 rose 0.4%; Taiwan's Taiex fell 1.2%; "
        "Australia's S&P/ASX 200 lost 0.8% and India's Sensex gained 0.5%.\n\n"
        "In Singapore, the Straits Times Index slipped 0.3%, while Toronto's S&P/TSX composite index edged up 0.1%.",
        "2025-04-01")
    assert [(m["ticker"], m["change_pct"]) for m in r["moves"]] == [
        ("N225", 0.4), ("TAIEX", -1.2), ("XJO", -0.8), ("SENSEX", 0.5), ("STI", -0.3), ("GSPTSE", 0.1)]
    assert {e["ticker"]: e["symbol"] for e in r["entities"]}["XJO"] == "^AXJO"


def test_an_amount_is_not_named_after_its_own_currency(analyze_fast):
    r = analyze_fast("The budget includes 94.2 billion won for research. An additional 3.5 billion won will promote "
                     "foreign investment, it said.", "2025-02-09")
    assert [(m["metric"], m["value"]) for m in r["metrics"]] == [("budget", 94.2e9)]


def test_a_loss_in_billions_is_a_metric_not_a_share_price(analyze_fast):
    r = analyze_fast("KB Kookmin Bank swung to a loss of 202.6 billion won in 2024.", "2025-02-01")
    assert r["moves"] == []
    assert [(m["metric"], m["value"], m["unit"]) for m in r["metrics"]] == [("loss", 202.6e9, "KRW")]


def test_it_after_an_index_is_the_index(analyze_fast):
    r = analyze_fast("HD Hyundai Heavy Industries Co. fell 1.53 percent. The Kosdaq index also declined, down 0.37 "
                     "percent at 929.15. It opened at 928.99, down 0.39 percent, and continued to slide.", "2025-12-30")
    assert [(m["ticker"], m["change_pct"]) for m in r["moves"]] == [("329180", -1.53), ("KOSDAQ", -0.37), ("KOSDAQ", -0.39)]


def test_respectively_pairs_metric_nouns_with_their_percentages(analyze_fast):
    r = analyze_fast("Celltrion forecast quarterly revenue and operating profit to have increased by 20.7 percent and "
                     "140.4 percent, respectively, from a year earlier.", "2025-01-10")
    assert r["moves"] == []
    assert [(m["ticker"], m["metric"], m["value"]) for m in r["metrics"]] == [
        ("068270", "quarterly revenue change", 20.7), ("068270", "operating profit change", 140.4)]


def test_tenor_stays_in_the_metric_name(analyze_fast):
    r = analyze_fast("South Korea's 10-year government bond yield was up 1.1 bps at 2.890%.", "2025-02-13")
    assert {m["metric"] for m in r["metrics"]} == {"10-year government bond yield change", "10-year government bond yield"}


def test_seed_falling_stocks_all_get_negative_entity_sentiment(seed_result):
    sentiments = {e["ticker"]: e["sentiment"] for e in seed_result["entities"] if e["role"] == "subject"}
    for code in SEED_MOVES:
        assert sentiments[code] is not None and sentiments[code] < 0, (code, sentiments[code])
    assert seed_result["article"]["sentiment"] < 0
    assert all(s["score"] is not None for s in seed_result["sentences"])
    views = {v["analyst"]: v for v in seed_result["views"]}
    assert views["Jung Jin-soo"]["stance"] == "negative" and views["Jung Jin-soo"]["stance_source"] == "model"


def test_opposite_moves_get_opposite_entity_sentiment(analyze_full):
    r = analyze_full("Intel tumbled 8.4% after a weak forecast, while Nvidia rose 3.1% on strong demand.", "2025-01-13")
    s = {e["ticker"]: e["sentiment"] for e in r["entities"]}
    assert s["INTC"] < 0 < s["NVDA"]
