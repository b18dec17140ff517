"""The ticker universe: built-in data, lookups, the case rule, import, sync, CLI."""

from __future__ import annotations

import csv
import os
import re
import urllib.error
from pathlib import Path

import pytest

from analyzer.universe import listings as U
from analyzer.errors import OfflineError, UniverseError
from analyzer.universe import sync as S
from analyzer.universe.listings import Listing, case_sensitive, import_csv, load_universe
from analyzer.universe.sync import sync_krx, sync_sec

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "universe"
SHARED = Path(os.environ.get("NEWSIG_SHARED") or Path(__file__).resolve().parents[3] / "shared")
KRX_LISTING = SHARED / "data" / "market" / "krx_listing.csv"

SEED = {  # the seed article's companies: code, exchange, symbol
    "Ecopro": ("086520", "KOSDAQ", "086520.KQ"),
    "EcoPro BM": ("247540", "KOSDAQ", "247540.KQ"),
    "POSCO Future M": ("003670", "KOSPI", "003670.KS"),
    "EcoPro Materials": ("450080", "KOSPI", "450080.KS"),
    "LG Energy Solution": ("373220", "KOSPI", "373220.KS"),
    "LG Chem": ("051910", "KOSPI", "051910.KS"),
    "SK Innovation": ("096770", "KOSPI", "096770.KS"),
    "Samsung SDI": ("006400", "KOSPI", "006400.KS"),
    "POSCO Holdings": ("005490", "KOSPI", "005490.KS"),
    "HLB": ("028300", "KOSDAQ", "028300.KQ"),
    "CHA Biotech": ("085660", "KOSDAQ", "085660.KQ"),
    "Sam Chun Dang Pharm": ("000250", "KOSDAQ", "000250.KQ"),
}


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty user directory, so the user's real ~/.newsig never leaks into a test."""
    folder = tmp_path / "newsig_home"
    monkeypatch.setenv("NEWSIG_HOME", str(folder))
    return folder


@pytest.fixture
def uni(home: Path) -> U.Universe:
    return load_universe()


# ---- built-in data ----------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SEED))
def test_seed_companies_are_built_in(uni, name):
    code, exchange, symbol = SEED[name]
    found = uni.lookup(name)
    assert [x.ticker for x in found] == [code]
    x = found[0]
    assert (x.name, x.exchange, x.symbol, x.country, x.currency, x.kind) == (name, exchange, symbol, "KR", "KRW", "company")
    assert uni.by_ticker(code) is x and uni.by_ticker(symbol) is x


@pytest.mark.parametrize("query, code", [
    ("ecopro bm", "247540"), ("ECOPRO BM", "247540"), ("Ecopro Marty", "450080"), ("LG CHEM", "051910"),
    ("Samsung", "005930"), ("Samsung Electronics", "005930"), ("Hyundai Motor", "005380"), ("SK hynix", "000660"),
    ("에코프로", "086520"), ("247540.kq", "247540"), ("Chabiotech", "085660"),
])
def test_korean_aliases(uni, query, code):
    assert [x.ticker for x in uni.lookup(query)] == [code]


@pytest.mark.parametrize("query", ["Hyundai", "LG", "SK", "Hanwha", "hyundai"])
def test_group_names_are_never_linked(uni, query):
    assert [x for x in uni.lookup(query) if x.ticker != query] == []  # "SK" may still be someone's code
    assert all(p.lower() != query.lower() for p, _, _ in uni.phrases())


def test_korea_covers_kospi_and_kosdaq_leaders(uni):
    kr = [x for x in uni.listings if x.country == "KR" and x.kind != "index" and x.ticker]
    assert sum(x.exchange == "KOSPI" for x in kr) >= 200
    assert sum(x.exchange == "KOSDAQ" for x in kr) >= 140
    for code in ("005930", "000660", "005380", "035420", "207940", "068270", "196170"):  # majors on both markets
        assert uni.by_ticker(code) is not None, code


def _norm(name: str) -> str:
    return re.sub(r"[^0-9a-z가-힣]", "", U.clean_company_name(name).lower())


def test_every_builtin_krx_code_and_name_agrees_with_the_krx_listing(uni):
    if not KRX_LISTING.exists():
        pytest.skip(f"KRX listing not found at {KRX_LISTING} (set NEWSIG_SHARED to the shared folder)")
    rows = {r["code"]: r for r in csv.DictReader(KRX_LISTING.open(encoding="utf-8"))}
    checked = 0
    for x in uni.listings:
        if x.exchange not in ("KOSPI", "KOSDAQ") or x.kind == "index":
            continue
        assert x.ticker in rows, f"{x.name}: {x.ticker} is not a KRX code"
        row = rows[x.ticker]
        assert row["market"] == x.exchange, f"{x.name} {x.ticker}: listed on {row['market']}, not {x.exchange}"
        assert x.symbol == f"{x.ticker}.{'KS' if x.exchange == 'KOSPI' else 'KQ'}"
        ours = {_norm(n) for n in x.names}
        assert row["name_ko"] in x.aliases or _norm(row["name_en"]) in ours, (
            f"{x.ticker}: '{x.name}' matches neither '{row['name_en']}' nor '{row['name_ko']}'")
        checked += 1
    assert checked >= 380


@pytest.mark.parametrize("query, ticker, exchange, symbol", [
    ("Intel", "INTC", "NASDAQ", "INTC"), ("Apple", "AAPL", "NASDAQ", "AAPL"), ("SAP", "SAP", "XETRA", "SAP.DE"),
    ("Siemens", "SIE", "XETRA", "SIE.DE"), ("LVMH", "MC", "Euronext Paris", "MC.PA"),
    ("ASML", "ASML", "Euronext Amsterdam", "ASML.AS"), ("General Motors", "GM", "NYSE", "GM"),
    ("Meta", "META", "NASDAQ", "META"), ("Nvidia", "NVDA", "NASDAQ", "NVDA"),
])
def test_us_and_europe_from_pytickersymbols(uni, query, ticker, exchange, symbol):
    x = uni.lookup(query)[0]  # the name first; listings whose code it is after it
    assert (x.ticker, x.exchange, x.symbol) == (ticker, exchange, symbol)


@pytest.mark.parametrize("query, symbol", [
    ("KOSPI", "^KS11"), ("KOSDAQ", "^KQ11"), ("S&P 500", "^GSPC"), ("Nasdaq", "^IXIC"), ("DAX", "^GDAXI"),
    ("Dow Jones", "^DJI"), ("Nikkei", "^N225"),
])
def test_indices(uni, query, symbol):
    found = [x for x in uni.lookup(query) if x.kind == "index"]
    assert [x.symbol for x in found] == [symbol]


@pytest.mark.parametrize("query, ticker", [
    ("Heungkuk Securities", None), ("Hana Bank", None), ("DAOL Investment & Securities", "030210"),
    ("Mirae Asset Securities", "006800"), ("KB Securities", None), ("Goldman Sachs", "GS"), ("Morgan Stanley", "MS"),
    ("BofA Securities", "BAC"), ("Bernstein", None), ("Nomura", "8604"),
])
def test_firms(uni, query, ticker):
    (x,) = uni.lookup(query)
    assert x.kind == "firm" and x.ticker == ticker


def test_nasdaq_the_index_beats_nasdaq_the_company(uni):
    claims = {p: x for p, x, _ in uni.phrases() if p == "Nasdaq"}
    assert claims["Nasdaq"].kind == "index"
    assert uni.by_ticker("NDAQ").kind == "company"


def test_lookup_by_code_and_symbol(uni):
    assert uni.by_ticker("005930.KS").name == "Samsung Electronics"
    assert uni.by_ticker("$AAPL").ticker == "AAPL"
    assert uni.by_ticker("nosuch") is None
    assert "EcoPro BM" in uni.suggest("ecopro b")


@pytest.mark.parametrize("phrase, sensitive", [
    ("Apple", True), ("Target", True), ("Block", True), ("Visa", True), ("Best Buy", True), ("General Motors", True),
    ("HLB", True), ("Ecopro", False), ("LG Chem", False), ("Samsung SDI", False), ("Nvidia", False),
    ("Sam Chun Dang Pharm", False), ("Meta", True),
])
def test_case_rule(phrase, sensitive):
    assert case_sensitive(phrase) is sensitive


def test_load_is_cached_until_a_user_file_changes(home):
    first = load_universe()
    assert load_universe() is first
    src = home.parent / "mine.csv"
    src.write_text("name,ticker,exchange\nAcme Robotics,ACMR,NASDAQ\n")
    import_csv(src)
    second = load_universe()
    assert second is not first and second.lookup("acme robotics")[0].symbol == "ACMR"


# ---- import ---------------------------------------------------------------------


def test_import_adds_and_overrides(home):
    src = home.parent / "mine.csv"
    src.write_text(
        "name,ticker,exchange,symbol,country,currency,sector,aliases,kind\n"
        "Acme Robotics,ACMR,NASDAQ,ACMR,US,USD,Robots,Acme|ACME Robo,company\n"
        "EcoPro BM,247540,KOSDAQ,247540.KQ,KR,KRW,Cathodes,EPBM,company\n"
        "Small Broker,,,,KR,,,,firm\n",
        encoding="utf-8",
    )
    assert import_csv(src) == 3
    uni = load_universe()
    acme = uni.lookup("acme")[0]
    assert (acme.ticker, acme.sector) == ("ACMR", "Robots")
    bm = uni.lookup("EPBM")[0]
    assert bm.sector == "Cathodes" and "에코프로비엠" in bm.aliases  # overridden, old aliases kept
    assert uni.lookup("small broker")[0].kind == "firm"
    assert len([x for x in uni.listings if x.ticker == "247540"]) == 1
    # importing again changes nothing
    import_csv(src)
    assert len(load_universe().listings) == len(uni.listings)


@pytest.mark.parametrize("body, where", [
    ("name,ticker,kind\nGood Co,GOOD,company\nBad Co,BAD,compnay\n", r"line 3, column 3 'kind'"),
    ("name,ticker,exchange\nGood Co,GOOD,NYSE\nBad,12345,KOSDAQ\n", r"line 3, column 2 'ticker'"),
    ("name,ticker\nGood Co,GOOD\nToo,Many,Fields\n", r"line 3: 3 fields"),
    ("name,tickr\nGood Co,GOOD\n", r"line 1, column 2 'tickr': unknown column"),
    ("ticker\nGOOD\n", r"line 1: missing the required column 'name'"),
    ("name,country\nGood Co,USA\n", r"line 2, column 2 'country'"),
    ("name,ticker\n,GOOD\n", r"line 2, column 1 'name': empty name"),
])
def test_malformed_import_names_line_and_column_and_loses_nothing(home, body, where):
    good = home.parent / "good.csv"
    good.write_text("name,ticker,exchange\nKeep Me Inc,KEEP,NYSE\n")
    import_csv(good)
    before = (home / "universe.csv").read_bytes()
    bad = home.parent / "bad.csv"
    bad.write_text(body)
    with pytest.raises(UniverseError, match=where) as err:
        import_csv(bad)
    assert "\n" not in err.value.message and "bad.csv" in err.value.message
    assert (home / "universe.csv").read_bytes() == before
    assert load_universe().lookup("Keep Me")[0].ticker == "KEEP"


def test_import_rejects_non_utf8(home):
    bad = home.parent / "latin1.csv"
    bad.write_bytes("name\nSociété Anonyme\n".encode("latin-1"))
    with pytest.raises(UniverseError, match="not UTF-8"):
        import_csv(bad)


# ---- sync (offline, recorded responses) -----------------------------------------------


def test_sync_sec_from_recorded_response(home):
    payload = (FIXTURES / "sec_company_tickers_exchange.json").read_bytes()
    calls = []

    def fetcher(url, data=None):
        calls.append(url)
        return payload

    assert sync_sec(fetcher=fetcher) == 9
    assert calls == [S.SEC_URL]
    uni = load_universe()
    (rocket,) = uni.lookup("Rocket Lab")
    assert (rocket.ticker, rocket.exchange, rocket.symbol) == ("RKLB", "NASDAQ", "RKLB")
    assert uni.by_ticker("IONQ").exchange == "NYSE"
    assert uni.by_ticker("AAPL").name == "Apple Inc."  # the built-in entry wins over the download
    assert uni.by_ticker("NOEX").exchange is None


def test_sync_krx_from_recorded_response(home):
    payload = (FIXTURES / "krx_mdcstat01901.json").read_bytes()
    n = sync_krx(fetcher=lambda url, data=None: payload)
    assert n == 4  # the KONEX row is left out
    uni = load_universe()
    kr_motors = uni.by_ticker("000040")  # the built-in universe lists all of KRX: the download only adds
    assert (kr_motors.exchange, kr_motors.symbol) == ("KOSPI", "000040.KS")
    assert uni.by_ticker("000040", "KOSPI").country == "KR"  # not Shenzhen's 000040
    assert uni.by_ticker("247540").name == "EcoPro BM"  # built-in kept
    assert uni.by_ticker("278990") is None


def test_sync_offline_is_a_clear_error(home, monkeypatch):
    def no_network(*args, **kwargs):
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr("urllib.request.urlopen", no_network)
    monkeypatch.setattr(S, "_pykrx_listings", lambda: None)
    for sync in (sync_sec, sync_krx):
        with pytest.raises(OfflineError, match="No network.*could not reach"):
            sync()
    assert not home.exists() or not list(home.glob("universe_*.csv"))


def test_sync_rejects_a_garbled_answer(home):
    with pytest.raises(UniverseError, match="unexpected answer from SEC"):
        sync_sec(fetcher=lambda url, data=None: b"<html>rate limited</html>")


# ---- CLI ---------------------------------------------------------------------------


@pytest.fixture
def run(home):
    from typer.testing import CliRunner

    from cli import app

    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args))


def test_cli_show(run):
    res = run("universe", "show", "ecopro bm")
    assert res.exit_code == 0
    assert res.output.splitlines()[0].split("\t") == ["EcoPro BM", "247540", "KOSDAQ", "247540.KQ"]
    assert "matches: EcoPro BM (any case)" in res.output


def test_cli_show_miss_suggests(run):
    res = run("universe", "show", "ecopro b")
    assert res.exit_code == 1
    assert "No listing matches 'ecopro b'" in res.output and "EcoPro BM" in res.output
    res = run("universe", "show", "Hyundai")
    assert res.exit_code == 1 and "never linked on its own" in res.output


def test_cli_import_and_errors(run, home):
    good = home.parent / "good.csv"
    good.write_text("name,ticker,exchange\nAcme Robotics,ACMR,NASDAQ\n")
    res = run("universe", "import", str(good))
    assert res.exit_code == 0 and "Imported 1 listings" in res.output
    bad = home.parent / "bad.csv"
    bad.write_text("name,kind\nX,thing\n")
    res = run("universe", "import", str(bad))
    assert res.exit_code == 1
    assert re.search(r"Error: Ticker universe error: .*bad.csv: line 2, column 2 'kind'", res.output)
    assert "Traceback" not in res.output


def test_cli_sync_offline(run, monkeypatch):
    def no_network(*args, **kwargs):
        raise urllib.error.URLError("offline")

    monkeypatch.setattr("urllib.request.urlopen", no_network)
    res = run("universe", "sync", "sec")
    assert res.exit_code == 1 and "Error: No network" in res.output
    res = run("universe", "sync", "nyse")
    assert res.exit_code == 2


def test_listing_is_frozen_and_hashable():
    x = Listing("A", "A", "NYSE", "A")
    with pytest.raises(Exception):
        x.name = "B"  # type: ignore[misc]
    assert {x: 1}[x] == 1


def test_a_curated_line_under_another_code_is_the_same_company():
    import importlib.util
    spec = importlib.util.spec_from_file_location("build_universe", Path(__file__).resolve().parents[2]
                                                  / "scripts" / "build_universe.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    companies = [{"name": "Quuxmobile N.V.", "ticker": "QXM", "exchange": "NYSE", "symbol": "QXM", "country": "NL",
                  "currency": "USD", "sector": "Autos", "size": 4, "alts": [], "vendors": [], "kind": "company"}]
    build.apply_overlay(companies, [{"name": "Quuxmobile", "ticker": "QXMP", "exchange": "Euronext Paris",
                                     "symbol": "QXMP.PA", "country": "NL", "currency": "EUR", "sector": "",
                                     "aliases": "", "kind": "company"}])
    assert len(companies) == 1 and "QXMP.PA" in companies[0]["alts"] and "Quuxmobile" in companies[0]["curated"]
    listing = load_universe().by_ticker("STLA")
    assert listing is not None and "STLAP.PA" in listing.alternates
