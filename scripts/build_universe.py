"""Regenerate the built-in ticker universe under ``analyzer/data/``.

The product reads only the committed CSVs; this script is how they were made and
how to remake them (run from the repository root)::

    .venv/bin/python scripts/build_universe.py            # both parts
    .venv/bin/python scripts/build_universe.py --only us_eu

Outputs (all in the import-CSV format documented in :mod:`analyzer.universe.listings`):

- ``analyzer/data/listings_us_eu.csv`` — every stock in the ``pytickersymbols``
  package (S&P 500/600/100, Nasdaq 100, Dow, DAX family, CAC 40, FTSE 100, AEX,
  BEL 20, IBEX 35, OMX, SMI, Euro Stoxx 50, Nikkei 225) with Yahoo symbols.
  US exchanges (NASDAQ/NYSE) come from the package where it names them, else from
  SEC's ``company_tickers_exchange`` data (``--sec-exchanges``, optional: the
  ``us_listing.csv`` of ``../shared/data/market``, or SEC's JSON itself).
- ``analyzer/data/listings_kr.csv`` — Korean companies: the 230 KOSPI and 150
  KOSDAQ common stocks with the largest average daily traded value
  (close x volume, Feb-Apr 2025: a proxy for size, since the KRX files carry no
  share counts) plus ``KR_ALWAYS`` (the seed article's companies and other names
  news uses), from a KRX listing (``--krx-listing``) and price file
  (``--krx-prices``). Names are the DART English names, cleaned and re-cased,
  with ``KR_NAMES`` overrides; aliases are the cleaned DART name (for ALL-CAPS
  text), the Korean name and ``KR_ALIASES``.

``indices.csv`` and ``firms.csv`` in the same folder are curated by hand.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import re
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from a checkout
DATA = ROOT / "analyzer" / "data"
SHARED = ROOT.parent / "shared" / "data" / "market"
COLUMNS = ["name", "ticker", "exchange", "symbol", "country", "currency", "sector", "aliases", "kind"]

# ---- US / Europe (pytickersymbols) ---------------------------------------------

SUFFIX_EXCHANGE = {  # Yahoo suffix -> (exchange, ISO country fallback, currency)
    "DE": ("XETRA", "DE", "EUR"), "F": ("FWB", "DE", "EUR"), "PA": ("Euronext Paris", "FR", "EUR"),
    "AS": ("Euronext Amsterdam", "NL", "EUR"), "BR": ("Euronext Brussels", "BE", "EUR"),
    "L": ("LSE", "GB", "GBP"), "MC": ("BME", "ES", "EUR"), "MI": ("Borsa Italiana", "IT", "EUR"),
    "SW": ("SIX", "CH", "CHF"), "ST": ("Nasdaq Stockholm", "SE", "SEK"),
    "HE": ("Nasdaq Helsinki", "FI", "EUR"), "T": ("TSE", "JP", "JPY"), "CO": ("Nasdaq Copenhagen", "DK", "DKK"),
    "VI": ("Wiener Börse", "AT", "EUR"), "LS": ("Euronext Lisbon", "PT", "EUR"), "IR": ("Euronext Dublin", "IE", "EUR"),
    "OL": ("Oslo Børs", "NO", "NOK"),
}
INDEX_SUFFIX = {  # index -> suffix for constituents whose symbol lacks one ("" = US)
    "AEX": "AS", "BEL 20": "BR", "CAC_40": "PA", "CAC Mid 60": "PA", "DAX": "DE", "MDAX": "DE", "SDAX": "DE",
    "TecDAX": "DE", "FTSE 100": "L", "IBEX 35": "MC", "NIKKEI 225": "T", "OMX Helsinki 25": "HE",
    "OMX Stockholm 30": "ST", "Switzerland 20": "SW", "DOW JONES": "", "NASDAQ 100": "", "S&P 100": "",
    "S&P 500": "", "S&P 600": "", "EURO STOXX 50": None,
}
COUNTRY_ISO = {
    "United States": "US", "Germany": "DE", "United Kingdom": "GB", "France": "FR", "Spain": "ES",
    "Netherlands": "NL", "Finland": "FI", "Sweden": "SE", "Switzerland": "CH", "Belgium": "BE", "Japan": "JP",
    "Luxembourg": "LU", "Ireland": "IE", "Italy": "IT", "Denmark": "DK", "Austria": "AT", "Norway": "NO",
}
SUFFIXES = r"(?:,?\s+(?:Inc\.?|Incorporated|Corp\.?|Corporation|Co\.?|Company|Ltd\.?|Limited|plc|PLC|AG|SE|SA|S\.A\.|N\.V\.|NV|ASA|AB|Oyj|KGaA|& Co\.? KGaA|Holdings?|Group|Holding AG|Aktiengesellschaft))+$"


US_EU_ALIASES = {  # names news uses that neither the package nor suffix-stripping gives
    "META": ["Meta", "Facebook"], "GOOGL": ["Google", "Alphabet"], "NVDA": ["Nvidia", "NVIDIA"],
    "BRK-B": ["Berkshire Hathaway", "Berkshire"], "MC.PA": ["LVMH Moet Hennessy Louis Vuitton"],
    "AMZN": ["Amazon"], "MSFT": ["Microsoft"], "TSLA": ["Tesla"], "JNJ": ["J&J"], "PG": ["P&G"],
    "KO": ["Coca-Cola"], "XOM": ["Exxon", "ExxonMobil"], "CVX": ["Chevron"], "WMT": ["Walmart", "Wal-Mart"],
    "DIS": ["Disney"], "GM": ["GM"], "F": ["Ford"], "IBM": ["IBM"], "HPQ": ["HP"], "AMD": ["AMD"],
    "SIE.DE": ["Siemens AG"], "VOW3.DE": ["Volkswagen", "VW"], "BMW.DE": ["BMW"], "MBG.DE": ["Mercedes-Benz", "Mercedes"],
    "ASML.AS": ["ASML"], "NOVO-B.CO": ["Novo Nordisk"], "SHEL.L": ["Shell"], "BP.L": ["BP"], "AZN.L": ["AstraZeneca"],
}


def short_name(name: str) -> str:
    """'Apple Inc.' -> 'Apple'; 'ASML Holding' -> 'ASML'; unchanged when nothing is left."""
    short = re.sub(SUFFIXES, "", name).strip(" ,")
    return short if len(short) >= 2 else name


def sec_exchanges(path: Path | None) -> dict[str, str]:
    """ticker -> NASDAQ/NYSE/... from SEC's data (us_listing.csv or company_tickers_exchange.json)."""
    if path is None or not path.exists():
        return {}
    out: dict[str, str] = {}
    if path.suffix == ".json":
        blob = json.loads(path.read_text())
        rows = [dict(zip(blob["fields"], r)) for r in blob["data"]]
    else:
        rows = list(csv.DictReader(path.open(encoding="utf-8")))
    for r in rows:
        ex = (r.get("exchange") or "").upper()
        if ex in ("NASDAQ", "NYSE", "CBOE", "NYSE AMERICAN"):
            out[str(r["ticker"]).upper()] = ex
    return out


def build_us_eu(sec: dict[str, str]) -> list[dict[str, str]]:
    from pytickersymbols import PyTickerSymbols

    pts = PyTickerSymbols()
    rows: dict[str, dict[str, str]] = {}
    names: set[str] = set()
    for index in pts.get_all_indices():
        default_suffix = INDEX_SUFFIX.get(index)
        for stock in pts.get_stocks_by_index(index):
            sym = stock.get("symbol")
            if not sym or not stock.get("name"):
                continue
            country_raw = stock.get("country") or ""
            country = COUNTRY_ISO.get(country_raw)
            if "." in sym and sym.rsplit(".", 1)[1] in SUFFIX_EXCHANGE:
                base, suffix = sym.rsplit(".", 1)
                base = base.split(".")[0]  # 'AIR.PA.DE' -> 'AIR' on the first listed market
                suffix = sym.split(".")[1] if sym.count(".") == 2 else suffix
            elif default_suffix is None:
                continue
            else:
                base, suffix = sym, default_suffix
            if suffix:
                exchange, iso, currency = SUFFIX_EXCHANGE[suffix]
                symbol = f"{base}.{suffix}"
                country = country or iso
            else:
                symbol = base.replace(".", "-")
                exchange, currency, country = None, "USD", country or "US"
                for s in stock.get("symbols", []):
                    if s["yahoo"] == symbol and ":" in s["google"]:
                        g = s["google"].split(":")[0]
                        exchange = g if g in ("NASDAQ", "NYSE") else None
                exchange = exchange or sec.get(base.replace("-", ".")) or sec.get(base)
            name = stock["name"].strip()
            if symbol in rows or name in names:  # the same company in several indices / on several markets
                continue
            names.add(name)
            aliases = US_EU_ALIASES.get(symbol, [])  # short names ('Apple') are derived at load time
            industries = stock.get("industries") or []
            rows[symbol] = {
                "name": name, "ticker": base.replace("-", ".") if not suffix else base, "exchange": exchange or "",
                "symbol": symbol, "country": country or "", "currency": currency, "sector": industries[0] if industries else "",
                "aliases": "|".join(aliases), "kind": "company",
            }
    return sorted(rows.values(), key=lambda r: r["symbol"])


# ---- Korea (KRX listing) ---------------------------------------------------------

# Always included, whatever their traded value: the seed article's companies and
# names Korean market news keeps using.
KR_ALWAYS = {
    "086520", "247540", "003670", "450080", "373220", "051910", "096770", "006400", "005490", "028300",
    "085660", "000250", "005930", "000660", "005380", "000270", "012330", "035420", "035720", "068270",
    "207940", "105560", "055550", "086790", "316140", "015760", "017670", "030200", "066570", "034220",
    "011070", "003550", "034730", "028260", "032830", "000810", "009150", "018260", "010130", "011170",
    "010950", "096530", "091990", "293490", "263750", "112040", "041510", "035900", "122870", "352820",
    "006800", "005940", "016360", "039490", "071050", "138040", "001500", "003470", "003540", "001200",
    "030610", "003530", "078020", "030210", "001510", "024110", "323410", "377300", "251270", "036570",
}
KR_NAMES = {  # readable English names where re-casing the DART name is not enough
    "086520": "Ecopro", "247540": "EcoPro BM", "450080": "EcoPro Materials", "003670": "POSCO Future M",
    "373220": "LG Energy Solution", "051910": "LG Chem", "096770": "SK Innovation", "006400": "Samsung SDI",
    "005490": "POSCO Holdings", "028300": "HLB", "085660": "CHA Biotech", "000250": "Sam Chun Dang Pharm",
    "005930": "Samsung Electronics", "000660": "SK hynix", "005380": "Hyundai Motor", "000270": "Kia",
    "012330": "Hyundai Mobis", "035420": "Naver", "035720": "Kakao", "068270": "Celltrion",
    "207940": "Samsung Biologics", "105560": "KB Financial Group", "055550": "Shinhan Financial Group",
    "086790": "Hana Financial Group", "316140": "Woori Financial Group", "015760": "Korea Electric Power",
    "017670": "SK Telecom", "030200": "KT", "066570": "LG Electronics", "034220": "LG Display",
    "011070": "LG Innotek", "003550": "LG Corp", "034730": "SK Inc", "028260": "Samsung C&T",
    "032830": "Samsung Life Insurance", "000810": "Samsung Fire & Marine Insurance",
    "009150": "Samsung Electro-Mechanics", "018260": "Samsung SDS", "010130": "Korea Zinc",
    "011170": "Lotte Chemical", "010950": "S-Oil", "042660": "Hanwha Ocean", "012450": "Hanwha Aerospace",
    "272210": "Hanwha Systems", "034020": "Doosan Enerbility", "010140": "Samsung Heavy Industries",
    "064350": "Hyundai Rotem", "047810": "Korea Aerospace Industries", "329180": "HD Hyundai Heavy Industries",
    "267260": "HD Hyundai Electric", "009540": "HD Korea Shipbuilding & Offshore Engineering",
    "042700": "Hanmi Semiconductor", "259960": "Krafton", "011200": "HMM", "090430": "Amorepacific",
    "033780": "KT&G", "051900": "LG H&H", "097950": "CJ CheilJedang", "323410": "KakaoBank",
    "377300": "Kakao Pay", "036570": "NCSoft", "251270": "Netmarble", "352820": "HYBE",
    "041510": "SM Entertainment", "035900": "JYP Entertainment", "122870": "YG Entertainment",
    "006800": "Mirae Asset Securities", "005940": "NH Investment & Securities", "016360": "Samsung Securities",
    "039490": "Kiwoom Securities", "071050": "Korea Investment Holdings", "138040": "Meritz Financial Group",
    "001500": "Hyundai Motor Securities", "003470": "Yuanta Securities Korea", "003540": "Daishin Securities",
    "001200": "Eugene Investment & Securities", "030610": "Kyobo Securities",
    "003530": "Hanwha Investment & Securities", "078020": "LS Securities", "030210": "DAOL Investment & Securities",
    "001510": "SK Securities", "024110": "Industrial Bank of Korea", "196170": "Alteogen",
    "081180": "SEC Co", "096530": "Seegene", "091990": "Celltrion Healthcare", "293490": "Kakao Games",
    "263750": "Pearl Abyss", "112040": "Wemade", "086280": "Hyundai Glovis", "004020": "Hyundai Steel",
    "000720": "Hyundai Engineering & Construction", "003490": "Korean Air", "139480": "E-Mart",
    "326030": "SK Biopharmaceuticals", "302440": "SK Bioscience", "402340": "SK Square",
    "361610": "SK IE Technology", "066970": "L&F", "000880": "Hanwha Corp", "000150": "Doosan Corp",
    "001040": "CJ Corp", "006260": "LS Corp", "001450": "Hyundai Marine & Fire Insurance",
    "025950": "Dongshin Engineering & Construction", "043910": "Nature and Environment",
    "078600": "Daejoo Electronic Materials", "098460": "Koh Young Technology", "083450": "Global Standard Technology",
    "100840": "SNT Energy", "067310": "Hana Micron", "036460": "Korea Gas Corp", "008830": "Daedong Gear",
    "119850": "GnC Energy", "006880": "Singsong Holdings", "017810": "Pulmuone", "011080": "Hyungji I&C",
    "413390": "MOT Co", "452450": "PIE Co", "083650": "BHI Co", "456010": "ICTK", "212710": "ISTE",
    "464080": "SOS Lab", "448900": "PIM Korea", "112290": "YC Chem", "000910": "Union Corp", "163730": "Finger Inc",
    "050890": "Solid Inc", "001790": "TS Corp", "003160": "DI Corp", "005850": "SL Corp", "018290": "VT Co",
    "232140": "YC Corp", "014830": "Unid Co", "081180": "SEC Co", "271560": "Orion Corp", "003310": "Daejoo Corp",
    "089010": "Chemtronics", "015020": "e-Starco", "092200": "Dae-Il Corp", "323280": "Taesung Co", "437730": "Samhyun Co", "376300": "Dear U Co", "045660": "ATEC Co",
}
KR_ALIASES = {  # what news calls them besides the names above
    "450080": ["Ecopro Marty", "EcoPro Materials", "Ecopro Materials"],
    "247540": ["Ecopro BM"], "086520": ["EcoPro"], "003670": ["POSCO Future M", "Posco Future M"],
    "005490": ["POSCO", "Posco Holdings", "Posco"], "373220": ["LGES", "LG Energy"], "085660": ["Chabiotech"],
    "000250": ["Samchundang Pharm", "Sam Chun Dang"], "005930": ["Samsung", "Samsung Elec"],
    "000660": ["Hynix", "SK Hynix"], "005380": ["Hyundai Motor Co", "Hyundai Motors"], "000270": ["Kia Motors", "Kia Corp"],
    "035420": ["NAVER"], "207940": ["Samsung BioLogics"], "015760": ["KEPCO"], "051910": ["LG Chemical"],
    "030210": ["DAOL", "Daol Investment & Securities"], "016360": ["Samsung Securities"],
    "138040": ["Meritz"], "003540": ["Daishin"],
    "001200": ["Eugene"], "003470": ["Yuanta", "Yuanta Securities"], "024110": ["IBK", "Industrial Bank of Korea"],
    "006800": ["Mirae Asset"], "005940": ["NH Investment"], "039490": ["Kiwoom"], "011200": ["Hyundai Merchant Marine"],
    "036570": ["NC Soft", "NCsoft"], "036460": ["KOGAS"],
}
KR_FIRMS = {"006800", "005940", "016360", "039490", "071050", "138040", "001500", "003470", "003540",
            "001200", "030610", "003530", "078020", "030210", "001510"}
KR_SECTOR_OVERRIDES = {"086520": "Secondary batteries", "005930": "Semiconductors", "096770": "Energy"}
KR_SECTORS = [  # (substring of the Korean KSIC industry, English sector), first hit wins
    ("이차전지", "Secondary batteries"), ("반도체", "Semiconductors"), ("의약", "Pharmaceuticals & biotech"),
    ("의료", "Healthcare equipment"), ("생물", "Pharmaceuticals & biotech"), ("자동차", "Automobiles"),
    ("은행", "Banks"), ("보험", "Insurance"), ("증권", "Financials"), ("금융", "Financials"), ("화학", "Chemicals"),
    ("철강", "Steel"), ("금속", "Metals"), ("선박", "Shipbuilding"), ("소프트웨어", "Software"),
    ("컴퓨터", "IT services"), ("정보", "IT services"), ("통신", "Telecommunications"), ("전자", "Electronics"),
    ("전기", "Electrical equipment"), ("건설", "Construction"), ("건물", "Construction"), ("식품", "Food & beverages"),
    ("음료", "Food & beverages"), ("항공", "Aerospace & defense"), ("무기", "Aerospace & defense"),
    ("기계", "Machinery"), ("석유", "Energy"), ("전력", "Utilities"), ("가스", "Utilities"), ("화장품", "Cosmetics"),
    ("영화", "Media & entertainment"), ("오디오", "Media & entertainment"), ("방송", "Media & entertainment"),
    ("게임", "Games"), ("운송", "Transportation"), ("해운", "Transportation"), ("소매", "Retail"), ("도매", "Wholesale"),
]
KEEP_UPPER = {"POSCO", "NAVER", "HYBE", "HMM", "KCC", "OCI", "LIG", "ISC", "APR", "KT&G", "DB", "HD", "SK", "LG",
              "CJ", "GS", "LS", "KB", "NH", "BNK", "JB", "SKC", "KCTECH", "DL", "HL", "LX", "STX", "DGB", "IBK"}
def clean_dart(name_en: str) -> str:
    """'ECOPRO BM CO.,LTD.' -> 'ECOPRO BM'; 'SAMSUNG ELECTRONICS CO,.LTD' -> 'SAMSUNG ELECTRONICS'."""
    from analyzer.universe import clean_company_name

    return clean_company_name(name_en)


def recase(name: str) -> str:
    """ALL-CAPS DART names to title case, keeping acronyms: 'HANWHA OCEAN' -> 'Hanwha Ocean'."""
    if name != name.upper():
        return name
    words = []
    for w in name.split(" "):
        if w in KEEP_UPPER or len(w) <= 2 or re.search(r"[\d&]", w) or not re.search(r"[AEIOU]", w):
            words.append(w)
        else:
            words.append("-".join(p.capitalize() for p in w.split("-")))
    return " ".join(words)


def kr_sector(code: str, industry: str) -> str:
    if code in KR_SECTOR_OVERRIDES:
        return KR_SECTOR_OVERRIDES[code]
    return next((en for ko, en in KR_SECTORS if ko in (industry or "")), "")


def build_kr(listing: Path, prices: Path, n_kospi: int = 230, n_kosdaq: int = 150) -> list[dict[str, str]]:
    import pandas as pd

    lst = pd.read_csv(listing, dtype=str).fillna("")
    px = pd.read_csv(prices, dtype={"code": str})
    traded = (px["close"] * px["volume"]).groupby(px["code"]).mean()
    lst["traded"] = lst["code"].map(traded).fillna(0.0)
    common = lst[
        lst["code"].str.fullmatch(r"\d{5}0")  # common stock (preferred shares end in 5/7/9)
        & (lst["listed_2026_03"] == "1") & (lst["name_en"] != "") & ~lst["name_ko"].str.contains("스팩|리츠")
    ]
    chosen = set(lst.loc[lst["code"].isin(KR_ALWAYS), "code"])
    for market, n in (("KOSPI", n_kospi), ("KOSDAQ", n_kosdaq)):
        chosen |= set(common[common["market"] == market].nlargest(n, "traded")["code"])
    from analyzer.universe.listings import common_words

    common = common_words()
    rows = []
    for r in lst[lst["code"].isin(chosen)].sort_values("code").itertuples():
        dart = clean_dart(r.name_en) if r.name_en else ""
        name = KR_NAMES.get(r.code) or recase(dart) or r.name_ko
        if dart and (len(dart) <= 3 or " " not in dart and dart.lower() in common):
            dart = ""  # 'NC', 'UNION': too short or a common word to link on its own
        aliases = [*KR_ALIASES.get(r.code, []), dart, r.name_ko]
        seen, uniq = {name.lower()}, []
        for a in aliases:
            if a and a.lower() not in seen:
                seen.add(a.lower())
                uniq.append(a)
        suffix = "KQ" if r.market == "KOSDAQ" else "KS"
        rows.append({
            "name": name, "ticker": r.code, "exchange": r.market, "symbol": f"{r.code}.{suffix}", "country": "KR",
            "currency": "KRW", "sector": kr_sector(r.code, r.industry), "aliases": "|".join(uniq),
            "kind": "firm" if r.code in KR_FIRMS else "company",
        })
    return rows


# ---- the compiled universe (all SEC, KRX and FinanceDatabase listings) ---------------

# global_equities exchange code -> (exchange name used in newsig, ISO country of the venue)
VENUES = {
    "JPX": ("TSE", "JP"), "HKG": ("HKEX", "HK"), "SHH": ("SSE", "CN"), "SHZ": ("SZSE", "CN"),
    "NSE": ("NSE", "IN"), "NSI": ("NSE", "IN"), "BSE": ("BSE", "IN"), "ASX": ("ASX", "AU"), "LSE": ("LSE", "GB"),
    "PAR": ("Euronext Paris", "FR"), "GER": ("XETRA", "DE"), "AMS": ("Euronext Amsterdam", "NL"),
    "MIL": ("Borsa Italiana", "IT"), "MCE": ("BME", "ES"), "STO": ("Nasdaq Stockholm", "SE"),
    "TOR": ("TSX", "CA"), "VAN": ("TSXV", "CA"), "CNQ": ("CSE", "CA"), "NEO": ("Cboe Canada", "CA"),
    "KSC": ("KOSPI", "KR"), "KOE": ("KOSDAQ", "KR"), "TAI": ("TWSE", "TW"), "TWO": ("TPEx", "TW"),
    "SET": ("SET", "TH"), "SAO": ("B3", "BR"), "VIE": ("Wiener Börse", "AT"), "MEX": ("BMV", "MX"),
    "JKT": ("IDX", "ID"), "EBS": ("SIX", "CH"), "TLV": ("TASE", "IL"), "IST": ("Borsa Istanbul", "TR"),
    "OSL": ("Oslo Børs", "NO"), "JNB": ("JSE", "ZA"), "BUE": ("BYMA", "AR"), "CPH": ("Nasdaq Copenhagen", "DK"),
    "SGO": ("Santiago", "CL"), "HEL": ("Nasdaq Helsinki", "FI"), "BRU": ("Euronext Brussels", "BE"),
    "SES": ("SGX", "SG"), "NZE": ("NZX", "NZ"), "ATH": ("Athens", "GR"), "LIS": ("Euronext Lisbon", "PT"),
    "ISE": ("Euronext Dublin", "IE"), "SAU": ("Tadawul", "SA"), "KLS": ("Bursa Malaysia", "MY"),
    "MCX": ("MOEX", "RU"), "CAI": ("EGX", "EG"), "DOH": ("QSE", "QA"), "BUD": ("Budapest", "HU"),
    "PRA": ("Prague", "CZ"), "CSE": ("CSE Sri Lanka", "LK"), "AQS": ("Aquis", "GB"), "ICE": ("Nasdaq Iceland", "IS"),
    "LIT": ("Nasdaq Vilnius", "LT"), "RIS": ("Nasdaq Riga", "LV"), "TAL": ("Nasdaq Tallinn", "EE"),
    "CCS": ("Caracas", "VE"), "NGM": ("NASDAQ", "US"), "NCM": ("NASDAQ", "US"), "ASE": ("NYSE AMERICAN", "US"),
    "PCX": ("NYSE ARCA", "US"), "BTS": ("Cboe BZX", "US"), "IOB": ("LSE IOB", None), "TLO": ("Tradegate", None),
    "FKA": ("Fukuoka", "JP"), "SAP": ("Sapporo", "JP"), "ENX": ("Euronext", None),
}
# among several home-country venues, the main board first
VENUE_RANK = {"NSE": 0, "NSI": 1, "BSE": 2, "HKG": 0, "SHH": 1, "SHZ": 1, "TOR": 0, "VAN": 1, "NEO": 2, "CNQ": 3,
              "TAI": 0, "TWO": 1, "LSE": 0, "AQS": 2, "JPX": 0, "FKA": 2, "SAP": 2, "KSC": 0, "KOE": 0}
# a company whose own country has no listing here: where its main line most likely is
FALLBACK_RANK = ["US", "HKG", "LSE", "AMS", "PAR", "GER", "EBS", "TOR", "ASX", "SES", "STO", "OSL", "CPH", "MIL",
                 "MCE", "BRU", "JPX", "NSE", "JNB", "TLV"]
COUNTRY_ISO = {
    "United States": "US", "India": "IN", "China": "CN", "Japan": "JP", "Canada": "CA", "South Korea": "KR",
    "Australia": "AU", "Taiwan": "TW", "Thailand": "TH", "United Kingdom": "GB", "France": "FR", "Hong Kong": "HK",
    "Germany": "DE", "Sweden": "SE", "Brazil": "BR", "Indonesia": "ID", "Italy": "IT", "Austria": "AT",
    "Israel": "IL", "Singapore": "SG", "Switzerland": "CH", "Norway": "NO", "Turkey": "TR", "Denmark": "DK",
    "Chile": "CL", "Spain": "ES", "Finland": "FI", "Netherlands": "NL", "South Africa": "ZA", "Russia": "RU",
    "Belgium": "BE", "Egypt": "EG", "New Zealand": "NZ", "Greece": "GR", "Ireland": "IE", "Saudi Arabia": "SA",
    "Mexico": "MX", "Malaysia": "MY", "Luxembourg": "LU", "Argentina": "AR", "Bermuda": "BM",
    "Cayman Islands": "KY", "Portugal": "PT", "Poland": "PL", "Philippines": "PH", "Qatar": "QA",
    "Hungary": "HU", "Czech Republic": "CZ", "Sri Lanka": "LK", "Iceland": "IS", "Lithuania": "LT",
    "Latvia": "LV", "Estonia": "EE", "Venezuela": "VE", "Jersey": "JE", "Guernsey": "GG", "Isle of Man": "IM",
    "Macau": "MO", "Cyprus": "CY", "Monaco": "MC", "Peru": "PE", "Colombia": "CO", "Panama": "PA",
    "United Arab Emirates": "AE", "Vietnam": "VN", "Kazakhstan": "KZ", "Malta": "MT", "Gibraltar": "GI",
    "Puerto Rico": "PR", "British Virgin Islands": "VG", "Bahamas": "BS", "Uruguay": "UY", "Costa Rica": "CR",
    "Jordan": "JO", "Ukraine": "UA", "Nigeria": "NG", "Kenya": "KE", "Mongolia": "MN", "Marshall Islands": "MH",
    "Liechtenstein": "LI", "Slovenia": "SI", "Croatia": "HR", "Romania": "RO", "Bulgaria": "BG", "Serbia": "RS",
}
# GICS-ish size buckets of the vendor file
SIZES = {"Mega Cap": 5, "Large Cap": 4, "Mid Cap": 3, "Small Cap": 2, "Micro Cap": 1, "Nano Cap": 0}
CURRENCY = {"US": "USD"}
JUNK = re.compile(
    r"%|\d+[.,/]\d+|\b(?:ETF|ETFs|ETC|ETP|ETN|LOF|Fund|Fundo|Funds|Tracker|Warrants?|Wts?|CW|TB|MTN|Notes?|Bonds?|"
    r"Leverage Shares|iShares|ISHARES|Xtrackers|Lyxor|Amundi|SPDR|Invesco|WisdomTree|Vanguard|Certificates?|"
    r"Rights?|Units?|Debentures?|Pref|Preferred|Pfd|DRN|Unsponsored|Sponsored|Cedear|BDR)\b", re.I)
DEPOSITARY = re.compile(r"\b(?:Sponsored|Unsponsored|GDR|ADR|ADS|Depositary\s+(?:Receipts?|Shares?)|"
                        r"Class\s+[A-Z]|Ord(?:inary)?\s+Shs?|Ordinary\s+Shares|Registered\s+Shares?|Shs)\b.*$", re.I)
LEGAL = (r"inc|incorporated|corp|corporation|co|company|companies|ltd|limited|plc|p\.?l\.?c|llc|l\.?p|lp|sa|s\.?a|"
         r"nv|n\.?v|ag|se|spa|s\.?p\.?a|ab|publ|asa|as|a/s|oyj|tbk|pt|bhd|berhad|kgaa|sab de cv|s\.?a\.?b\.?|"
         r"de c\.?v|cv|sca|pcl|public company|jsc|pjsc|gmbh|holding|holdings|group|the|new|/de/?|/[a-z]{2}/?")
LEGAL_WORDS = re.compile(rf"(?:[\s,]+|^)(?:{LEGAL})\.?$", re.I)
FRONT_WORDS = re.compile(r"^(?:the|pt)\s+", re.I)
# trailing words a company's everyday name drops ("Toyota Motor" -> "Toyota"), one at most
DESCRIPTORS = re.compile(r"\s+(?:Motors?|Industries|Industry|International|Technologies|Technology|Enterprises|"
                         r"Pharmaceuticals?|Therapeutics|Automobiles?|Biosciences?|Holdings?|Group|Systems|Worldwide|Global|"
                         r"Incorporated)$")


def ascii_fold(s: str) -> str:
    return unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()


def group_key(name: str) -> str:
    """Identity of a company name across vendors and venues: 'Tencent Holding Ltd.' ~ 'TENCENT HOLDINGS LTD'."""
    s = ascii_fold(DEPOSITARY.sub("", name)).lower().replace("&", " and ")
    s = re.sub(r"\bholdings\b", "holding", s)
    s = re.sub(r"[^\w\s/]", " ", s)
    words = s.split()
    legal = {"inc", "incorporated", "corp", "corporation", "co", "company", "ltd", "limited", "plc", "llc", "lp",
             "sa", "nv", "ag", "se", "spa", "ab", "publ", "asa", "oyj", "tbk", "pt", "bhd", "berhad", "kgaa", "the",
             "s", "a", "p", "l", "c", "v", "n", "de", "cv", "sab", "pcl", "jsc", "pjsc", "gmbh", "adr", "new"}
    while words and words[-1] in legal | {"holding"} and len(words) > 1:
        words.pop()
    while words and words[0] in {"the", "pt"} and len(words) > 1:
        words.pop(0)
    return " ".join(w for w in words if not w.startswith("/"))


def recase(name: str) -> str:
    """'TENCENT HOLDINGS LTD' -> 'Tencent Holdings Ltd'; in mixed-case names only long upper-case words
    ('BROOKFIELD Corp'); short words stay upper ('IBM')."""
    if name != name.upper() or not re.search(r"[A-Z]", name):
        return " ".join(w.capitalize() if len(w) >= 6 and w.isalpha() and w.isupper() else w for w in name.split(" "))
    out = []
    for w in name.split(" "):
        core = re.sub(r"[^A-Za-z]", "", w)
        if len(core) <= 3 and w.upper() not in {"THE", "AND", "OF", "FOR", "INC", "LTD", "CO", "CO.", "INC.", "LTD."} \
                or not re.search(r"[AEIOUY]", core):
            out.append(w)
        else:
            out.append("-".join(p[:1].upper() + p[1:].lower() for p in w.split("-")))
    return " ".join(out)


def display_name(name: str) -> str:
    name = re.sub(r"\s+", " ", DEPOSITARY.sub("", name)).strip(" ,")
    name = re.sub(r"\s*/[A-Za-z]{2,3}/?\s*$", "", name)  # SEC's 'INC /DE/'
    return recase(name)


def short_names(name: str) -> list[tuple[str, int]]:
    """(form, level): the name without legal suffixes (level 1), then without one descriptor (level 2)."""
    out: list[tuple[str, int]] = []
    s = FRONT_WORDS.sub("", name.strip(" ,"))
    for _ in range(4):
        t = LEGAL_WORDS.sub("", s).strip(" ,.-&")
        if t == s or len(t) < 2:
            break
        s = t
        out.append((s, 1))
    d = DESCRIPTORS.sub("", s).strip(" ,")
    if d != s and len(d) >= 4:
        out.append((d, 2))
    return [(f, lvl) for f, lvl in out if f != name]


def read_sec(path: Path) -> list[dict]:
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    groups: dict[str, list[dict]] = {}
    for i, r in enumerate(rows):
        r["rank"] = i
        groups.setdefault(r["cik"], []).append(r)
    out = []
    for cik, rs in groups.items():
        home = rs[0]
        ex = {"NASDAQ": "NASDAQ", "NYSE": "NYSE", "CBOE": "CBOE", "OTC": "OTC"}.get(home["exchange"].upper(), "")
        if not ex:
            continue
        rank = home["rank"]
        size = 5 if rank < 100 else 4 if rank < 600 else 3 if rank < 1500 else 2 if rank < 3000 else 1 if rank < 5000 else 0
        if ex == "OTC":
            size = min(size, 1)
        tick = home["ticker"].upper()
        out.append({
            "name": display_name(home["title"]), "vendor": home["title"], "ticker": tick.replace("-", "."),
            "exchange": ex, "symbol": tick.replace(".", "-"), "country": "US", "currency": "USD", "sector": "",
            "size": size, "alts": [r["ticker"].upper().replace(".", "-") for r in rs[1:]],
        })
    return out


def read_global(path: Path) -> list[dict]:
    out = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            country = COUNTRY_ISO.get(r["country"] or "")
            name = r["name"] or ""
            if not country or not name or r["exchange"] not in VENUES:
                continue
            venue, venue_country = VENUES[r["exchange"]]
            if r["exchange"] == "LSE" and re.fullmatch(r"0[A-Z0-9]{3}\.L", r["symbol"]):
                venue_country = None  # LSE's international order book: a foreign company's line
            # a receipt trades away from the company's market: a line on its own market that the vendor
            # calls a GDR ('M&M.NS  Mahindra & Mahindra Ltd. Sponsored GDR') is the ordinary share
            depositary = bool(re.search(r"\b(?:GDR|ADR|ADS|Depositary)\b", name, re.I)) and venue_country != country
            if JUNK.search(DEPOSITARY.sub("", name)):
                continue
            sym = r["symbol"]
            if re.match(r"[A-Z]{2}[0-9A-Z]{9}\d", sym):
                continue  # an ISIN for a code: certificates and structured products
            ticker = sym.rsplit(".", 1)[0] if "." in sym else sym
            out.append({
                "name": display_name(name), "vendor": name, "ticker": ticker, "exchange": venue, "symbol": sym,
                "country": country, "currency": r["currency"] or "", "sector": r["sector"] or "",
                "size": SIZES.get(r["market_cap"] or "", -1), "gx": r["exchange"],
                "home_ok": (venue_country == country or (country, venue_country) == ("CN", "HK")) and not depositary, "depositary": depositary,
                "ids": {x for x in (r["isin"], r["composite_figi"]) if x},
            })
    return out


def read_krx(path: Path) -> list[dict]:
    from analyzer.universe.listings import clean_company_name

    out = []
    for r in csv.DictReader(path.open(encoding="utf-8")):
        if r["listed_2026_03"] != "1" and r["has_prices_2025"] != "1":
            continue
        code = r["code"]
        if r["market"] not in ("KOSPI", "KOSDAQ") or "스팩" in r["name_ko"]:
            continue
        en = clean_company_name(r["name_en"]) if r["name_en"] else ""
        name = recase(en) if en else r["name_ko"]
        sfx = "KQ" if r["market"] == "KOSDAQ" else "KS"
        out.append({"name": name, "vendor": r["name_en"] or r["name_ko"], "ticker": code, "exchange": r["market"],
                    "symbol": f"{code}.{sfx}", "country": "KR", "currency": "KRW", "sector": "",
                    "size": 2, "alts": [], "ko": r["name_ko"], "pref": not code.endswith("0")})
    return out


class DSU:
    def __init__(self, n):
        self.p = list(range(n))

    def find(self, a):
        while self.p[a] != a:
            self.p[a] = self.p[self.p[a]]
            a = self.p[a]
        return a

    def union(self, a, b):
        a, b = self.find(a), self.find(b)
        if a != b:
            self.p[max(a, b)] = min(a, b)


def _home_key(r: dict) -> tuple:
    return (not r.get("home_ok", True), VENUE_RANK.get(r.get("gx", ""), 1), bool(r.get("pref")),
            r.get("depositary", False), -r["size"], len(r["ticker"]), r["ticker"])


def _fallback_key(r: dict) -> tuple:
    gx = r.get("gx", "US")
    rank = FALLBACK_RANK.index(gx) if gx in FALLBACK_RANK else len(FALLBACK_RANK)
    return (r.get("depositary", False), rank, -r["size"], len(r["ticker"]))


def assemble(sec: list[dict], glob: list[dict], krx: list[dict]) -> list[dict]:
    """Companies (home listing + alternates + every vendor name) from the three sources."""
    # 1. global rows into companies: same country and name, or a shared ISIN / FIGI
    dsu = DSU(len(glob))
    first: dict[tuple, int] = {}
    for i, r in enumerate(glob):
        for k in [("n", r["country"], group_key(r["vendor"]))] + [("i", r["country"], x) for x in r["ids"]]:
            if k in first:
                dsu.union(first[k], i)
            else:
                first[k] = i
    groups: dict[int, list[dict]] = defaultdict(list)
    for i, r in enumerate(glob):
        groups[dsu.find(i)].append(r)
    krx_by_sym = {r["symbol"]: r for r in krx}
    companies: list[dict] = []
    us_groups: dict[str, list[dict]] = defaultdict(list)
    for rows in groups.values():
        country = rows[0]["country"]
        size = max(r["size"] for r in rows)
        homes = [r for r in rows if r["home_ok"]]
        kr_home = next((krx_by_sym[r["symbol"]] for r in rows if r["symbol"] in krx_by_sym), None)
        if kr_home is not None:  # KRX is the fuller Korean list: the vendor's lines only add size and alternates
            kr_home["size"] = max(kr_home["size"], size)
            kr_home["alts"] += [r["symbol"] for r in rows if r["symbol"] != kr_home["symbol"]]
            kr_home.setdefault("vendors", []).extend(r["vendor"] for r in rows)
            kr_home["sector"] = kr_home["sector"] or next((r["sector"] for r in rows if r["sector"]), "")
            continue
        if country == "US":
            us_groups[group_key(rows[0]["vendor"])].append({"rows": rows, "size": size})
            continue
        home = min(homes, key=_home_key) if homes else min(
            (r for r in rows if not r["depositary"]), key=_fallback_key, default=None)
        if home is None or home["exchange"] in ("LSE IOB", "Tradegate", "KOSPI", "KOSDAQ"):
            continue  # (a Korean line the KRX list lacks is delisted)
        companies.append({**home, "size": size, "sector": home["sector"] or next((r["sector"] for r in rows if r["sector"]), ""),
                          "alts": [r["symbol"] for r in rows if r is not home],
                          "vendors": list(dict.fromkeys(r["vendor"] for r in rows)), "fallback": not homes})
    # 2. KRX: preferred shares are alternates of the common stock of the same name
    commons = {r["name"]: r for r in krx if not r["pref"]}
    for r in krx:
        if r["pref"]:
            base = next((c for n, c in commons.items() if r["name"].startswith(n)), None) if False else None
            continue  # preferred lines are found by code, not by name: left out of the name index
        companies.append({**r, "vendors": [r["vendor"], *r.get("vendors", [])]})
    # 3. SEC: a foreign company's US line (ADR) joins its home company; a US company absorbs its foreign lines
    by_key: dict[str, list[dict]] = defaultdict(list)
    for c in companies:
        if c["country"] != "US":
            by_key[group_key(c["vendor"])].append(c)
    for s in sec:
        gk = group_key(s["vendor"])
        foreign = by_key.get(gk, [])
        if len(foreign) == 1 and len(gk) >= 3 and (foreign[0]["size"] >= 2 or s["exchange"] == "OTC"):
            f = foreign[0]
            if f.get("fallback") and s["exchange"] != "OTC":
                # no line on the company's own market (a MEX/BYMA/LSE order-book line was the best guess):
                # its US listing is where it trades at home, the other lines are alternates
                old = f["symbol"]
                f.update(ticker=s["ticker"], exchange=s["exchange"], symbol=s["symbol"], currency="USD",
                         fallback=False)
                f["alts"] = [old, *(a for a in [*f["alts"], *s["alts"]] if a != s["symbol"])]
            else:
                f["alts"] += [s["symbol"], *s["alts"]]
            f["vendors"].append(s["vendor"])
            continue
        for g in us_groups.pop(gk, []):
            s["alts"] += [r["symbol"] for r in g["rows"]]
            s["size"] = max(s["size"], g["size"])
            s["sector"] = s["sector"] or next((r["sector"] for r in g["rows"] if r["sector"]), "")
        companies.append({**s, "vendors": [s["vendor"]]})
    for gs in us_groups.values():  # US companies SEC does not list: only those with a US venue line
        for g in gs:
            homes = [r for r in g["rows"] if r["home_ok"]]
            if homes:
                home = min(homes, key=_home_key)
                home["ticker"] = home["ticker"].replace("-", ".")
                companies.append({**home, "size": g["size"], "alts": [r["symbol"] for r in g["rows"] if r is not home],
                                  "vendors": [home["vendor"]]})
    return companies


GEO = frozenset("""china japan india korea america american europe european asia asian pacific africa african
canada canadian australia australian germany german france french britain british england english italy italian
spain spanish brazil mexico russia singapore hong kong taiwan thailand indonesia malaysia vietnam israel turkey
global international national united world first general national central western eastern northern southern
new york london tokyo paris berlin beijing shanghai shenzhen mumbai delhi seoul sydney toronto zurich""".split())


EXCHANGE_NAMES = frozenset({"NSE", "BSE", "ASX", "TSX", "TSXV", "LSE", "HKEX", "SGX", "NYSE", "NASDAQ", "SSE", "SZSE",
                            "JSE", "NZX", "KRX", "TSE", "SIX", "BME", "AMEX", "CBOE", "OTC", "JPX", "TWSE", "IDX"})


def _forms(c: dict) -> list[tuple[str, int]]:
    """(name, level) for one company: curated 0, vendor names 1, legal-stripped 2, descriptor-stripped 3."""
    out = [(n, 0) for n in c.get("curated", [])]
    for v in [c["name"], *(display_name(v) for v in c.get("vendors", []))]:
        out.append((v, 1))
        out += [(f, 1 + lvl) for f, lvl in short_names(v)]
    for n in c.get("curated", [])[:1]:
        out += [(f, 2) for f, lvl in short_names(n) if lvl == 1]
    first = c["name"].split(" ")[0]
    if c["size"] >= 4 and first != c["name"] and len(first) >= 3 and first.isalpha() and first.isupper() \
            and not _is_word(first) and first.lower() not in LEGAL_FORMS and not JUNK.search(first):
        out.append((first, 3))  # "CVS Health" -> "CVS", "HCL Technologies" -> "HCL": a large company's acronym, last resort
    if c.get("ko"):
        out.append((c["ko"], 1))
    # "BILL Holdings" is written "Bill Holdings" too: a name of several words whose upper-case word is a
    # dictionary word gets its title-case spelling at the same level
    out += [(t, lvl) for f, lvl in out if " " in f and (t := " ".join(
        w.capitalize() if w.isalpha() and w.isupper() and len(w) >= 4 and _is_word(w) else w for w in f.split(" "))) != f]
    return out


def _corporate(phrase: str, toks: list[str]) -> bool:
    """A capitalised name of two or more words whose last word is a company descriptor ('Voyager
    Therapeutics', 'Spire Global'): a company's name, not a phrase of ordinary words ('National Bank')."""
    return len(toks) >= 2 and phrase[:1].isupper() and bool(DESCRIPTORS.search(" " + phrase)) \
        and not all(t in GEO for t in toks[:-1])


LEGAL_FORMS = frozenset({"pao", "oao", "zao", "pjsc", "ojsc", "jsc", "tbk", "pt", "ab", "ag", "sa", "spa", "nv", "plc"})


def _is_word(token: str) -> bool:
    """A dictionary word as it stands ('SUN', 'LEG'); 'CVS' is no plural of 'cv'."""
    from analyzer.universe.listings import common_words

    return token.lower() in common_words()


def resolve(companies: list[dict]) -> dict[int, list[tuple[str, str]]]:
    """company index -> [(flag, phrase)] it wins; flag '=' exact case, '?' exact case and weak, '' any case."""
    from analyzer.universe.listings import AMBIGUOUS, NOT_TICKERS, case_sensitive, common_words

    words = common_words()
    claims: dict[str, dict[int, tuple[int, str]]] = defaultdict(dict)
    for i, c in enumerate(companies):
        for phrase, level in _forms(c):
            phrase = " ".join(phrase.split()).strip(" ,")
            low = phrase.lower()
            if len(phrase) < 2 or low in AMBIGUOUS or (phrase.isupper() and phrase in NOT_TICKERS):
                continue
            toks = re.findall(r"[\w&'.-]+", low)
            if level >= 1 and phrase.upper() in EXCHANGE_NAMES:
                continue  # "NSE S.A." is not the National Stock Exchange
            if level >= 2 and (len(phrase) < 3 or all(t in GEO for t in toks) or (
                    all(t in words or t in GEO for t in toks) and c["size"] < 4 and not _corporate(phrase, toks))):
                continue  # "SL", "China", "National Bank", "Pioneer" (small): a derived name that is anyone's words
            if level >= 1 and len(toks) == 1 and low in words and c["size"] < 4:
                continue  # a small company called "Revenue"
            if level >= 3 and c["size"] < 3:
                continue  # "Bitcoin Group" -> "Bitcoin": only a well-known company's name is that short
            old = claims[low].get(i)
            if old is None or level < old[0] or level == old[0] and phrase.istitle() and not old[1].istitle():
                claims[low][i] = (level, phrase)  # 'Bill Holdings' over 'BILL Holdings': news writes it so
    won: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for low, owners in claims.items():
        ranked = sorted(owners.items(), key=lambda kv: (kv[1][0], -companies[kv[0]]["size"]))
        (i, (lvl, phrase)) = ranked[0]
        if len(ranked) > 1:
            j, (lvl2, _) = ranked[1]
            si, sj = companies[i]["size"], companies[j]["size"]
            bigger = max(companies[k]["size"] for k, _ in ranked[1:])
            big_other = max(((companies[k]["size"], k) for k, (l2, _) in ranked if l2 > lvl), default=(-1, None))
            if lvl2 == lvl and not si > bigger:
                if not (lvl == 0):
                    continue  # a tie between equals: the name is nobody's
            if lvl2 == lvl and si > bigger and si < 3:
                continue  # two small companies: too weak to pick one
            if big_other[0] >= 4 and si <= 1 and lvl >= 1:
                i = big_other[1]
                phrase = owners[i][1]
        sensitive = case_sensitive(phrase)
        weak = sensitive and not phrase.isupper()
        won[i].append(("?" if weak else "=" if sensitive else "", phrase))
    for i, names in won.items():  # "Unilever PLC" when "Unilever" is won too: the linker reads the suffix itself
        lows = {p.lower() for f, p in names if not f}  # an exact-case name ('BILL') covers only that spelling
        exact = {p for f, p in names if f}
        keep = [(f, p) for f, p in names if p == companies[i]["name"]
                or not any(s.lower() in lows or s in exact for s, _ in short_names(p) if s.lower() != p.lower())]
        won[i] = keep
    return won


def apply_overlay(companies: list[dict], rows: list[dict]) -> None:
    """Curated rows (names, aliases, sectors) onto the company whose home or alternate they name."""
    by_sym: dict[str, dict] = {}
    for c in companies:
        for s in [c["symbol"], *c["alts"]]:
            by_sym.setdefault(s.upper(), c)
        by_sym[c["symbol"].upper()] = c
    by_name: dict[tuple[str, str], list[dict]] = {}
    for c in companies:
        by_name.setdefault((group_key(c["name"]), c["country"] or ""), []).append(c)
    for r in rows:
        c = by_sym.get((r["symbol"] or "").upper())
        names = [r["name"], *[a for a in r["aliases"].split("|") if a]]
        same = by_name.get((group_key(r["name"]), r["country"] or ""), []) if c is None and r["kind"] == "company" else []
        same = [m for m in same if m["exchange"] == r["exchange"] or m["exchange"] in ("NYSE", "NASDAQ", "NYSE American")]
        if c is None and len(same) == 1 and r["symbol"]:  # (a line on another market abroad: 'Japan Tobacco' stays home)
            # a curated line of a company listed under another code ('Stellantis' STLAP.PA is Stellantis N.V.
            # STLA): one company with that line as an alternate, not a duplicate that splits its mentions
            c = same[0]
            c["alts"].append(r["symbol"])
            by_sym[r["symbol"].upper()] = c
            c["sector"] = c["sector"] or r["sector"]
            c.setdefault("curated", []).extend(names)
            c["size"] = max(c["size"], 3)
            continue
        if c is None:
            companies.append({"name": r["name"], "vendor": r["name"], "ticker": r["ticker"], "exchange": r["exchange"],
                              "symbol": r["symbol"], "country": r["country"], "currency": r["currency"],
                              "sector": r["sector"], "size": 3, "alts": [], "vendors": [], "curated": names,
                              "kind": r["kind"]})
            continue
        if c["symbol"].upper() == r["symbol"].upper():
            c["name"] = r["name"]
            if r["exchange"]:
                c["exchange"] = r["exchange"]
            c["kind"] = r["kind"]
        c["sector"] = r["sector"] or c["sector"]
        c.setdefault("curated", []).extend(names)
        if c["size"] < 3:
            c["size"] = 3  # a curated row is a company news names


COMPILED_COLUMNS = ("name", "ticker", "exchange", "symbol", "country", "currency", "sector", "size", "kind", "names",
                    "alternates")


def write_compiled(companies: list[dict], won: dict, path: Path, notice: str) -> None:
    buf = io.StringIO()
    buf.write("# " + notice.replace("\n", "\n# ") + "\n")
    buf.write("\t".join(COMPILED_COLUMNS) + "\n")
    for i, c in sorted(enumerate(companies), key=lambda t: (t[1]["country"], t[1]["symbol"])):
        names = [f + p for f, p in won.get(i, [])]
        cells = [c["name"], c["ticker"], c["exchange"], c["symbol"], c["country"], c["currency"], c["sector"],
                 str(c["size"]), c.get("kind", "company"), "|".join(names),
                 "|".join(dict.fromkeys(a for a in c["alts"] if a != c["symbol"]))]
        buf.write("\t".join(x.replace("\t", " ").replace("\n", " ") for x in cells) + "\n")
    _write_gzip(path, buf.getvalue())


def _write_gzip(path: Path, text: str) -> None:
    """Gzip with no time stamp in the header: a rebuild of the same data gives the same bytes."""
    with gzip.GzipFile(path, "wb", compresslevel=9, mtime=0) as fh:
        fh.write(text.encode("utf-8"))


NOTICE = """newsig ticker universe, compiled by scripts/build_universe.py (do not edit; rebuild instead).
Sources: SEC company_tickers_exchange (us_listing.csv, public domain), KRX/OpenDART listing (krx_listing.csv),
JerBouma/FinanceDatabase equities (global_equities.csv.gz) -- MIT License, Copyright (c) 2023 Jeroen Bouma;
see analyzer/data/LICENSES.md for the full licence text. Curated names: listings_us_eu.csv, listings_kr.csv."""


def build_compiled(sec_path: Path, global_path: Path, krx_path: Path, out: Path) -> None:
    """The compiled universe: every SEC, KRX and FinanceDatabase listing grouped into companies
    (home listing + alternates), curated names laid over them, names resolved; plus the common-word list."""
    import time

    from analyzer.universe.listings import common_words

    t = time.time()
    companies = assemble(read_sec(sec_path), read_global(global_path), read_krx(krx_path))
    curated = []
    for f in ("listings_us_eu.csv", "listings_kr.csv"):
        curated += list(csv.DictReader((DATA / f).open(encoding="utf-8")))
    apply_overlay(companies, curated)
    won = resolve(companies)
    write_compiled(companies, won, out, NOTICE)
    _write_gzip(DATA / "common_words.txt.gz", "\n".join(sorted(w for w in common_words() if " " not in w)) + "\n")
    print(f"wrote {len(companies)} companies, {sum(len(v) for v in won.values())} names to "
          f"{out.relative_to(ROOT)} ({out.stat().st_size / 1e6:.1f} MB, {time.time() - t:.0f} s)")


def write(rows: list[dict[str, str]], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {len(rows)} rows to {path.relative_to(ROOT)}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", choices=["compiled", "us_eu", "kr"], default="compiled",
                    help="compiled (default): analyzer/data/universe.tsv.gz; us_eu / kr: the curated input CSVs")
    ap.add_argument("--global-equities", type=Path, default=SHARED / "global_equities.csv.gz")
    ap.add_argument("--sec-exchanges", type=Path, default=SHARED / "us_listing.csv")
    ap.add_argument("--krx-listing", type=Path, default=SHARED / "krx_listing.csv")
    ap.add_argument("--krx-prices", type=Path, default=SHARED / "krx_all_daily_2025-02_04.csv.gz")
    args = ap.parse_args(argv)
    DATA.mkdir(parents=True, exist_ok=True)
    if args.only == "compiled":
        for p in (args.sec_exchanges, args.global_equities, args.krx_listing):
            if not p.exists():
                print(f"not found: {p}", file=sys.stderr)
                return 1
        build_compiled(args.sec_exchanges, args.global_equities, args.krx_listing, DATA / "universe.tsv.gz")
        return 0
    if args.only == "us_eu":
        write(build_us_eu(sec_exchanges(args.sec_exchanges)), DATA / "listings_us_eu.csv")
    if args.only == "kr":
        if not args.krx_listing.exists():
            print(f"KRX listing not found: {args.krx_listing}", file=sys.stderr)
            return 1
        write(build_kr(args.krx_listing, args.krx_prices), DATA / "listings_kr.csv")
    return 0


if __name__ == "__main__":
    sys.exit(main())
