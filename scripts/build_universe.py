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
import json
import re
import sys
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


def write(rows: list[dict[str, str]], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {len(rows)} rows to {path.relative_to(ROOT)}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", choices=["us_eu", "kr"])
    ap.add_argument("--sec-exchanges", type=Path, default=SHARED / "us_listing.csv")
    ap.add_argument("--krx-listing", type=Path, default=SHARED / "krx_listing.csv")
    ap.add_argument("--krx-prices", type=Path, default=SHARED / "krx_all_daily_2025-02_04.csv.gz")
    args = ap.parse_args(argv)
    DATA.mkdir(parents=True, exist_ok=True)
    if args.only in (None, "us_eu"):
        write(build_us_eu(sec_exchanges(args.sec_exchanges)), DATA / "listings_us_eu.csv")
    if args.only in (None, "kr"):
        if not args.krx_listing.exists():
            print(f"KRX listing not found: {args.krx_listing}", file=sys.stderr)
            return 1
        write(build_kr(args.krx_listing, args.krx_prices), DATA / "listings_kr.csv")
    return 0


if __name__ == "__main__":
    sys.exit(main())
