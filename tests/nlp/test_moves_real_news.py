"""Moves, prices and metrics as market news writes them (sentences written for these tests).

Each test names the mechanism it checks: who a move belongs to (the subject phrase, a name
before the number, the company under discussion), what is not a move (proportions, stakes,
sector moves), where a price comes from (a price verb, never an earnings figure) and what a
metric is (a percentage or per-share figure with an owner).
"""

from __future__ import annotations

import pytest

from analyzer.nlp.components.quantities import find_quantities

DATE = "2025-02-12"


def _moves(result) -> list[tuple]:
    return [(m["ticker"], m["change_pct"], m["price"]) for m in result["moves"]]


def _move(result, ticker):
    found = [m for m in result["moves"] if m["ticker"] == ticker]
    assert len(found) == 1, (ticker, result["moves"])
    return found[0]


def _metric_values(result, ticker) -> set[float]:
    return {round(abs(m["value"]), 4) for m in result["metrics"] if m["ticker"] == ticker}


# ---- who moved ----------------------------------------------------------------

def test_movers_list_without_repeated_verbs_gives_each_name_its_number(analyze_fast):
    r = analyze_fast("Among the biggest gainers, Amazon rose 2.1%, Apple 1.4% and Microsoft 0.8%.", DATE)
    assert {(t, c) for t, c, _ in _moves(r)} == {("AMZN", 2.1), ("AAPL", 1.4), ("MSFT", 0.8)}


def test_shares_of_two_names_each(analyze_fast):
    r = analyze_fast("Shares of Apple and Microsoft gained about 3% each on Friday.", DATE)
    assert {(t, c) for t, c, _ in _moves(r)} == {("AAPL", 3.0), ("MSFT", 3.0)}


@pytest.mark.parametrize("text", [
    "Nvidia's stock was down 4.2% in morning trading.",
    "Nvidia stock (NVDA) was down 4.2% on Wednesday.",
    "Chipmaker Nvidia was down 4.2% after the report.",
    "In chip news, Nvidia (NASDAQ:NVDA) shares were down 4.2% after the report.",
])
def test_the_subject_phrase_names_the_company(analyze_fast, text):
    r = analyze_fast(text, DATE)
    assert [(t, c) for t, c, _ in _moves(r)] == [("NVDA", -4.2)]


def test_a_change_after_the_number_is_a_move_not_a_level(analyze_fast):
    r = analyze_fast("Tesla reported weaker deliveries. Shares were 2.3% lower around midday.", DATE)
    assert [(t, c) for t, c, _ in _moves(r)] == [("TSLA", -2.3)]


def test_its_shares_mean_the_company_just_discussed(analyze_fast):
    r = analyze_fast("Apple said sales were steady. Tesla reported weaker deliveries on Wednesday. "
                     "Its shares were falling 1.8%.", DATE)
    assert [(t, c) for t, c, _ in _moves(r)] == [("TSLA", -1.8)]


def test_a_descriptor_with_the_means_the_company_just_named(analyze_fast):
    r = analyze_fast("Tesla cut prices in China. The electric-vehicle maker was down 3.1%.", DATE)
    assert [(t, c) for t, c, _ in _moves(r)] == [("TSLA", -3.1)]


def test_which_clause_belongs_to_its_noun(analyze_fast):
    r = analyze_fast("Apple fell 2%, while Nvidia, which reported on Tuesday, ended 3.1% higher.", DATE)
    assert {(t, c) for t, c, _ in _moves(r)} == {("AAPL", -2.0), ("NVDA", 3.1)}


def test_a_change_in_a_named_company(analyze_fast):
    r = analyze_fast("The Topix inched up 0.1%, supported by a 4% surge in Sony Group.", DATE)
    assert ("6758", 4.0) in {(t, c) for t, c, _ in _moves(r)}


def test_an_unknown_name_does_not_borrow_the_last_company(analyze_fast):
    r = analyze_fast("Apple rose 1% on Monday. Shares of Zyxqor Labs fell 9% after its trial failed.", DATE)
    assert [(t, c) for t, c, _ in _moves(r) if t] == [("AAPL", 1.0)]


# ---- what is not a move --------------------------------------------------------

def test_a_sector_is_not_the_last_company(analyze_fast):
    r = analyze_fast("Apple rose 1%. Energy stocks fell 2% as oil slid.", DATE)
    assert [(t, c) for t, c, _ in _moves(r)] == [("AAPL", 1.0)]


def test_proportions_of_a_count_are_not_moves(analyze_fast):
    r = analyze_fast("Of the 225 stocks in the Nikkei index, 76% rose and 20% fell, with 4% of shares flat.", DATE)
    assert r["moves"] == [] or all(m["change_pct"] not in (76.0, 20.0, 4.0) for m in r["moves"])


@pytest.mark.parametrize("text, value", [
    ("Sony owns 24% of the venture, according to filings.", 24.0),
    ("Apple holds a 15% stake in the supplier.", 15.0),
    ("Microsoft reported an operating margin of 44% for the quarter.", 44.0),
    ("Nvidia posted revenue growth of 19% to $30 billion.", 19.0),
    ("Toyota reported a 12% rise in operating profit.", 12.0),
])
def test_percentages_of_something_else_are_metrics_not_moves(analyze_fast, text, value):
    r = analyze_fast(text, DATE)
    assert r["moves"] == []
    assert any(abs(m["value"]) == pytest.approx(value) and m["ticker"] for m in r["metrics"])


def test_a_count_that_fell_is_a_metric_of_the_company(analyze_fast):
    r = analyze_fast("Tesla rose 2%. The electric-vehicle maker sold 60,000 cars in January, down 11.5% "
                     "from a year earlier.", DATE)
    assert _moves(r) == [("TSLA", 2.0, None)]
    assert 11.5 in _metric_values(r, "TSLA")


def test_a_distance_from_a_high_is_not_a_move(analyze_fast):
    r = analyze_fast("Tesla rose 2% on Monday, but it is still 25% lower than its record high.", DATE)
    assert [(t, c) for t, c, _ in _moves(r)] == [("TSLA", 2.0)]


def test_a_figure_of_the_company_is_a_metric_not_its_move(analyze_fast):
    r = analyze_fast("Apple rose 1%. Apple's paying subscribers grew 12% to 1 billion in the quarter.", DATE)
    assert [(t, c) for t, c, _ in _moves(r)] == [("AAPL", 1.0)]
    assert 12.0 in _metric_values(r, "AAPL")


# ---- prices --------------------------------------------------------------------

@pytest.mark.parametrize("text, ticker, change, price, currency", [
    ("BP shares were up 1.2% at 466.50p in London.", "BP", 1.2, 466.5, "GBp"),
    ("BP shares were up 1.2% at 466.50 pence in London.", "BP", 1.2, 466.5, "GBp"),
    ("Sony rose 2% to ¥3,000 in Tokyo.", "6758", 2.0, 3000.0, "JPY"),
    ("SAP shares closed at €250.40, up 1.5%.", "SAP", 1.5, 250.4, "EUR"),
    ("Tesla shares rose 4% to $250.10 in premarket trading.", "TSLA", 4.0, 250.1, "USD"),
    ("Samsung Electronics shares are 1.1% lower at KRW52,000.", "005930", -1.1, 52000.0, "KRW"),
])
def test_prices_in_the_market_currency(analyze_fast, text, ticker, change, price, currency):
    m = _move(analyze_fast(text, DATE), ticker)
    assert (m["change_pct"], m["price"], m["currency"]) == (pytest.approx(change), pytest.approx(price), currency)


def test_an_earnings_range_is_not_a_price(analyze_fast):
    r = analyze_fast("Apple shares rose 3% on Tuesday. The company expects earnings of $1.50 to $1.60 a share "
                     "this year, beating estimates that called for a loss of 16 cents.", DATE)
    assert _moves(r) == [("AAPL", 3.0, None)]
    assert {1.5, 1.6} <= _metric_values(r, "AAPL")


def test_a_purchase_price_is_not_a_market_price(analyze_fast):
    r = analyze_fast("Apple gained 1%. A director bought $100,000 of shares at $13.13 apiece last month.", DATE)
    assert _moves(r) == [("AAPL", 1.0, None)]


def test_a_later_price_joins_the_stated_change(analyze_fast):
    r = analyze_fast("Nvidia posted record revenue on Wednesday, and its shares rose nearly 5%. "
                     "Revenue beat estimates. Margins widened. Demand stayed strong. "
                     "Nvidia shares rose to $140.50 in after-hours trading.", DATE)
    assert _moves(r) == [("NVDA", 5.0, 140.5)]


@pytest.mark.parametrize("text, value, currency", [
    ("at Rs 1,234 apiece", 1234.0, "INR"),
    ("at INR3,189.35", 3189.35, "INR"),
    ("to ¥3,000", 3000.0, "JPY"),
    ("at 1,234p", 1234.0, "GBp"),
    ("to €50", 50.0, "EUR"),
    ("at $14.10", 14.1, "USD"),
    ("at 49,650 won", 49650.0, "KRW"),
])
def test_amounts_in_many_currencies(nlp_fast, text, value, currency):
    qs = find_quantities(nlp_fast.make_doc(text))
    assert [(q.value, q.currency) for q in qs] == [(value, currency)]


def test_clock_times_are_not_pence(nlp_fast):
    assert find_quantities(nlp_fast.make_doc("The results come at 5p.m. today.")) == []


# ---- metrics -------------------------------------------------------------------

def test_per_share_figures_are_metrics_in_dollars(analyze_fast):
    r = analyze_fast("Microsoft reported adjusted earnings of $3.23 a share. Tesla earned 73 cents a share.", DATE)
    assert 3.23 in _metric_values(r, "MSFT")
    assert 0.73 in _metric_values(r, "TSLA")
    assert r["moves"] == []


def test_metrics_without_an_owner_belong_to_the_company_discussed(analyze_fast):
    r = analyze_fast("Nvidia reported results on Wednesday. Data-center revenue rose 93% from a year earlier, "
                     "and gross margin was 75%.", DATE)
    assert {93.0, 75.0} <= _metric_values(r, "NVDA")
    assert r["moves"] == []


def test_macro_figures_stay_unowned(analyze_fast):
    r = analyze_fast("Apple rose 1%. Meanwhile, inflation in the euro zone eased to 2.4% in January.", DATE)
    assert all(m["ticker"] is None for m in r["metrics"] if m["value"] == pytest.approx(2.4))


def test_a_move_is_never_also_a_metric(analyze_fast):
    r = analyze_fast("Amazon rose 2.1% and Apple fell 1.4% after revenue at Apple grew 6%.", DATE)
    move_values = {abs(m["change_pct"]) for m in r["moves"]}
    assert move_values == {2.1, 1.4}
    assert not move_values & {abs(m["value"]) for m in r["metrics"]}


# ---- part 3: owners and non-moves from sentence structure --------------------

def test_two_changes_of_one_company_in_a_sentence(analyze_fast):
    r = analyze_fast("Nvidia stock was up 2.5%, adding to an 11% jump in the previous session.", DATE)
    assert sorted(c for t, c, _ in _moves(r) if t == "NVDA") == [2.5, 11.0]


def test_each_which_clause_keeps_its_own_figure(analyze_fast):
    r = analyze_fast("Gains came from chipmaker Nvidia, which climbed 4.5%, and software maker Oracle, which rose 2.9%.",
                     DATE)
    assert {(t, c) for t, c, _ in _moves(r)} == {("NVDA", 4.5), ("ORCL", 2.9)}


def test_peers_like_names_the_listed_companies(analyze_fast):
    r = analyze_fast("Ford's rivals like General Motors and Stellantis also saw losses of about 3% on Monday.", DATE)
    assert {t for t, _, _ in _moves(r)} >= {"GM"} and "F" not in {t for t, _, _ in _moves(r)}


@pytest.mark.parametrize("text", [
    "Ford posted net income of $1.9 billion in the quarter, up 12.5% from $1.7 billion a year earlier.",
    "Ford sold 120,500 trucks in March, a 9.5% increase from the 110,000 trucks sold a year ago.",
    "Ford could rise 40% over the next two years, the broker says.",
    "Ford's share of the market is 13%, down from nearly 15% last year.",
])
def test_changes_of_amounts_forecasts_and_former_levels_are_not_moves(analyze_fast, text):
    assert _moves(analyze_fast(text, DATE)) == []


def test_currency_pairs_and_percentage_points_are_not_moves(analyze_fast):
    r = analyze_fast("EUR/USD is 0.3% lower at 1.0421. Economists expect a rise of 0.2 percentage point in inflation.",
                     DATE)
    assert _moves(r) == []


def test_index_points_then_percent_is_the_index_move(analyze_fast):
    r = analyze_fast("The Nasdaq Composite .IXIC fell 40.2 points, or 0.21 percent, to 19,210.5.", DATE)
    assert [(c, p) for _, c, p in _moves(r)] == [(-0.21, 19210.5)]


def test_a_stock_on_the_index_is_not_the_index(analyze_fast):
    r = analyze_fast("Intel Corp was the S&P 500's biggest percentage gainer, rising 7.2 percent to $25.40.", DATE)
    assert [(t, c, p) for t, c, p in _moves(r)] == [("INTC", 7.2, 25.4)]


@pytest.mark.parametrize("text", [
    "The S&P 500 energy sector index .SPNY gained 1.8 percent.",
    "S&P 500 e-mini futures dipped 0.4 percent in Asian trade.",
    "The S&P 500 rose on Monday. The dollar index was up 0.3 percent at 104.2.",
])
def test_sectors_futures_and_other_indices_are_not_the_index(analyze_fast, text):
    assert [c for t, c, _ in _moves(analyze_fast(text, DATE)) if t == "SPX"] in ([], [None])


def test_a_figure_for_a_name_belongs_to_that_name(analyze_fast):
    r = analyze_fast("Oracle shares are up 12 percent this year, versus 8 percent for Microsoft.", DATE)
    assert {(t, c) for t, c, _ in _moves(r)} == {("ORCL", 12.0), ("MSFT", 8.0)}


def test_index_levels_stop_at_the_next_name(analyze_fast):
    r = analyze_fast("Both closed at records, with the Dow ending at 44,210.3 and the S&P 500 at 6,012.4.", DATE)
    assert {t: p for t, _, p in _moves(r)}.get("SPX") == 6012.4


# ---- the company under discussion, a change of something else, lists of figures ----

def test_the_company_said_keeps_the_company_under_discussion(analyze_fast):
    # a name later in a sentence whose subject is "the company" does not become the "it" of the next one
    r = analyze_fast("Nvidia's stock was down 6.1% at 10:05 a.m. The company said its sales were hurt by weaker "
                     "demand reported by Microsoft. The stock is headed for its worst day since last August, "
                     "when it fell 9.4%.", DATE)
    assert {(t, c) for t, c, _ in _moves(r)} == {("NVDA", -6.1), ("NVDA", -9.4)}


def test_a_rise_in_an_unknown_name_is_not_the_subjects_move(analyze_fast):
    r = analyze_fast("Over the past year, Infosys has climbed 22 percent, as against a 9 percent rise in the "
                     "[Nifty](https://example.com/markets/nifty-50-index-share-price-2.html).", DATE)
    assert [(t, c) for t, c, _ in _moves(r)] == [("INFY", 22.0)]


def test_respectively_pairs_figures_named_in_prepositions(analyze_fast):
    r = analyze_fast("Samsung Electronics posted KRW80 trillion in revenue, KRW6.5 trillion in operating profit "
                     "and KRW7.8 trillion in net income, representing annual gains of 12.1%, 35.4% and 48.2%, "
                     "respectively.", DATE)
    assert _moves(r) == []
    assert {12.1, 35.4, 48.2} <= _metric_values(r, "005930")


def test_a_sale_price_in_a_relative_clause_is_not_the_share_price(analyze_fast):
    # "that" opening a relative clause is not a definite "the stock"; a sale price is a figure, not a move
    r = analyze_fast("Persimmon says its forward order book implies an average selling price that is 6% higher "
                     "year-on-year.", DATE)
    assert _moves(r) == []
    assert 6.0 in _metric_values(r, "PSN")  # the company's figure


def test_a_change_of_something_without_an_owner_of_its_own_is_the_companys_metric(analyze_fast):
    r = analyze_fast("Bellway reported its first-half results on Tuesday. Its house prices rose around 0.5% in "
                     "the period.", DATE)
    assert _moves(r) == []
    assert 0.5 in _metric_values(r, "BWY")


def test_a_market_figure_next_to_a_move_is_not_the_companys(analyze_fast):
    r = analyze_fast("Apple fell 2%, while the dollar index rose 0.3%.", DATE)
    assert _moves(r) == [("AAPL", -2.0, None)]
    assert _metric_values(r, "AAPL") == set()


def test_an_also_read_headline_is_another_story(analyze_fast):
    # the cross-reference line neither gives figures nor changes the company under discussion
    r = analyze_fast("Shares of Tata Motors fell 2.1 percent to Rs 712 in early trade. Also read: Trump imposes 25% "
                     "tariffs on steel imports. Later, shares of the company were trading at Rs 708, lower by "
                     "2.6 percent.", DATE)
    assert _moves(r) == [("TATAMOTORS", -2.1, 712.0), ("TATAMOTORS", -2.6, 708.0)]
    assert all(m["value"] != 25.0 for m in r["metrics"])


def test_a_move_restated_later_in_the_article_is_one_move(analyze_fast):
    r = analyze_fast("Nvidia rose 2% on Monday after the results. The chipmaker said demand for its accelerators "
                     "stayed strong. Analysts at several banks raised their estimates. Investors welcomed the "
                     "outlook. Data-center revenue grew again. Gaming sales were flat. Margins widened. "
                     "Nvidia shares were up 2% at $131.20 in afternoon trading.", DATE)
    assert _moves(r) == [("NVDA", 2.0, 131.2)]


def test_a_counterparty_does_not_become_the_company_under_discussion(analyze_fast):
    r = analyze_fast("Medtronic cut its outlook. The weaker forecast was partly due to the sale of a device unit, "
                     "which it sold to Stryker for $350 million. Total revenue rose 5% to $8.2 billion.", DATE)
    assert 5.0 in _metric_values(r, "MDT")
    assert _metric_values(r, "SYK") == set()


def test_a_product_name_before_maker_means_the_company_under_discussion(analyze_fast):
    r = analyze_fast("Hermes said quarterly revenue beat forecasts. The Birkin bag maker said sales rose 18% "
                     "in the fourth quarter.", DATE)
    assert 18.0 in _metric_values(r, "RMS")
    assert all(m["ticker"] is not None for m in r["metrics"])


def test_a_parenthesised_abbreviation_before_of_names_the_figure(analyze_fast):
    r = analyze_fast("For the quarter, Datadog reported earnings per share (EPS) of $0.49, ahead of forecasts.", DATE)
    assert _moves(r) == []
    assert 0.49 in _metric_values(r, "DDOG")


def test_a_group_company_means_the_member_under_discussion(analyze_fast):
    r = analyze_fast("Titan Company shares also saw a significant decline. The shares of the Tata Group company "
                     "fell nearly 2.8 percent to close at Rs 3,327 per share.", DATE)
    assert _moves(r) == [("TITAN", -2.8, 3327.0)]


def test_a_metric_abbreviation_is_not_an_organisation(analyze_fast):
    r = analyze_fast("Datadog beat estimates. The number of customers with ARR of $100,000 or more increased 13% "
                     "to 3,610.", DATE)
    assert _moves(r) == []
    assert 13.0 in _metric_values(r, "DDOG")
    assert all(m["ticker"] == "DDOG" for m in r["metrics"])


@pytest.mark.parametrize("text, owner", [
    ("McDonald's reported quarterly results. Same-store sales at its licensed markets climbed by 4.1%.", "MCD"),
    ("McDonald's reported quarterly results. Consumer prices in emerging markets climbed by 4.1% last year.", None),
])
def test_a_companys_own_markets_are_not_a_macro_figure(analyze_fast, text, owner):
    r = analyze_fast(text, DATE)
    assert [m["ticker"] for m in r["metrics"] if m["value"] == 4.1] == [owner]


def test_a_proportion_of_a_long_noun_phrase_is_a_share_metric(analyze_fast):
    r = analyze_fast("Hindalco shares fell 2 percent. The stock saw heavy volumes of 3.09 lakh shares, which "
                     "represents over 75 percent of its 10-day average trading volume.", DATE)
    assert _moves(r) == [("HINDALCO", -2.0, None)]
    assert 75.0 in _metric_values(r, "HINDALCO")


def test_a_figure_slowing_from_one_level_to_another_keeps_both(analyze_fast):
    r = analyze_fast("SK Telecom reported its results. Revenue growth slowed from 2.9% year-over-year in Q3 to "
                     "1.9% in Q4.", DATE)
    assert _moves(r) == []
    assert {2.9, 1.9} <= _metric_values(r, "017670")
