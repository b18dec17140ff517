"""Daily prices in: read a price file, validate it row by row, store it in SQLite.

Every price row is keyed by a Yahoo-style ``symbol`` -- the same string
``entities.symbol`` carries -- so articles join prices without a lookup table:

- KRX files (6-digit ``code`` + ``market``): ``086520`` on KOSDAQ -> ``086520.KQ``,
  ``005930`` on KOSPI -> ``005930.KS``.
- US files (plain ``ticker``): the ticker itself, share classes with a dash as
  Yahoo writes them (``BRK.B`` -> ``BRK-B``).
- Index series: ``KOSPI`` -> ``^KS11``, ``KOSDAQ`` -> ``^KQ11``, ``KOSPI200`` ->
  ``^KS200``, ``S&P 500`` / ``SPX`` -> ``^GSPC``.

A file missing a needed column fails at once; a row with a bad date or price is
reported with its line number and skipped (or fails the import with ``strict``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analyzer.errors import BadPriceFile, BadPriceRow, MarketDataError
from analyzer.store import write_transaction

if TYPE_CHECKING:
    import pandas as pd

INDEX_SYMBOLS = {
    "KOSPI": "^KS11", "KS11": "^KS11", "KOSDAQ": "^KQ11", "KQ11": "^KQ11",
    "KOSPI200": "^KS200", "KOSPI 200": "^KS200", "KS200": "^KS200",
    "S&P 500": "^GSPC", "S&P500": "^GSPC", "SP500": "^GSPC", "SPX": "^GSPC", "GSPC": "^GSPC",
}
KRX_SUFFIX = {"KOSPI": ".KS", "KOSDAQ": ".KQ", "KONEX": ".KN"}
PRICE_FIELDS = ("open", "high", "low", "close", "adj_close", "volume")
_ALIASES = {
    "adj close": "adj_close", "adjclose": "adj_close", "adjusted_close": "adj_close",
    "adj_close": "adj_close", "name": "ticker", "index": "index", "price_basis": "basis",
}


@dataclass(frozen=True)
class BadRow:
    """A skipped input row: ``line`` is the 1-based line in the file (header = line 1)."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass(frozen=True)
class ImportReport:
    rows: int
    symbols: int
    first: str | None
    last: str | None
    bad: tuple[BadRow, ...]


# ---- symbols ------------------------------------------------------------------

def yahoo_symbol(ticker: str, market: str | None = None) -> str:
    """Market-data symbol for a ticker: ``("086520", "KOSDAQ") -> "086520.KQ"``, ``"BRK.B" -> "BRK-B"``."""
    t = str(ticker).strip()
    m = (market or "").strip().upper()
    if t.upper() in INDEX_SYMBOLS and not m:
        return INDEX_SYMBOLS[t.upper()]
    if m in KRX_SUFFIX and re.fullmatch(r"\d{1,6}", t):
        return t.zfill(6) + KRX_SUFFIX[m]
    if t.startswith("^") or re.search(r"\.(KS|KQ|KN|T|L|HK)$", t):
        return t
    return t.upper().replace(".", "-").replace("/", "-")


def benchmark_symbol(symbol: str) -> str:
    """The market index an entity is measured against: ``.KS`` -> ^KS11, ``.KQ`` -> ^KQ11, else ^GSPC."""
    if symbol.endswith(".KS"):
        return "^KS11"
    if symbol.endswith(".KQ") or symbol.endswith(".KN"):
        return "^KQ11"
    return "^GSPC"


# ---- reading ------------------------------------------------------------------

def _read_table(path: Path) -> "pd.DataFrame":
    import pandas as pd

    name = path.name.lower()
    try:
        if name.endswith((".parquet", ".pq")):
            try:
                return pd.read_parquet(path)
            except ImportError as exc:
                raise MarketDataError("reading Parquet needs pyarrow: pip install 'newsig[parquet]'") from exc
        return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, EOFError) as exc:
        raise BadPriceFile(f"{path}: {exc}") from exc


def normalise_columns(df: "pd.DataFrame", column_map: Mapping[str, str] | None = None) -> "pd.DataFrame":
    """Lower-case column names, apply ``{field: source_column}`` and the usual aliases."""
    df = df.rename(columns={c: str(c).strip().lower() for c in df.columns})
    if column_map:
        missing = [src for src in column_map.values() if src.lower() not in df.columns]
        if missing:
            raise BadPriceFile(f"--column names columns the file lacks: {', '.join(missing)}")
        df = df.rename(columns={src.lower(): field.lower() for field, src in column_map.items()})
    return df.rename(columns={c: _ALIASES[c] for c in df.columns if c in _ALIASES and _ALIASES[c] not in df.columns})


def _symbols(df: "pd.DataFrame") -> "pd.Series":
    """The symbol column, from whichever identifier columns the file has."""
    import pandas as pd

    if "symbol" in df.columns:
        return df["symbol"].astype("string").str.strip()
    market = df["market"].astype("string").fillna("") if "market" in df.columns else pd.Series("", index=df.index)
    if "code" in df.columns and "ticker" not in df.columns:
        df = df.assign(ticker=df["code"])
    if "ticker" in df.columns:
        pairs = pd.DataFrame({"t": df["ticker"].astype("string").fillna(""), "m": market})
        uniq = pairs.drop_duplicates()
        uniq["s"] = [yahoo_symbol(t, m) if t else "" for t, m in zip(uniq["t"], uniq["m"])]
        return pairs.merge(uniq, on=["t", "m"], how="left")["s"].set_axis(df.index)
    if "index" in df.columns:
        names = df["index"].astype("string").str.strip()
        return names.map(lambda n: INDEX_SYMBOLS.get(str(n).upper(), str(n)))
    raise BadPriceFile("no symbol, ticker, code or index column (map one with --column ticker=COLUMN)")


def _parse_dates(raw: "pd.Series") -> "pd.Series":
    """ISO dates (``2025-03-31``), compact KRX dates (``20250331``) or ISO datetimes -> their local date."""
    import pandas as pd

    s = raw.astype("string").str.strip()
    out = pd.to_datetime(s, format="%Y-%m-%d", errors="coerce")
    rest = out.isna() & s.notna()
    if rest.any():
        out[rest] = pd.to_datetime(s[rest], format="%Y%m%d", errors="coerce")
        rest = out.isna() & s.notna()
    if rest.any():  # a datetime ("2025-03-31T00:00:00+09:00", yfinance's index): its own local date
        out[rest] = pd.to_datetime(s[rest].str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
        bad_tail = rest & ~s.str.slice(10).str.fullmatch(r"([T ][0-9:.]+)?(Z|[+-]\d\d:?\d\d)?", na=False)
        out[bad_tail] = pd.NaT
    return out


def read_prices(
    path: str | Path, *, column_map: Mapping[str, str] | None = None, strict: bool = False
) -> tuple["pd.DataFrame", list[BadRow]]:
    """Read a price file into ``symbol, date, open, high, low, close, adj_close, volume, basis``.

    Rows with an unparseable date, a missing/non-numeric/non-positive close or a
    negative price are returned as :class:`BadRow` (line numbers of the file);
    with ``strict`` the first one raises :class:`BadPriceRow` instead.
    """
    import numpy as np
    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise BadPriceFile(f"{path}: no such file")
    df = normalise_columns(_read_table(path), column_map)
    missing = [c for c in ("date", "close") if c not in df.columns]
    if missing:
        raise BadPriceFile(f"{path}: missing column(s) {', '.join(missing)} (columns: {', '.join(map(str, df.columns))})")
    out = pd.DataFrame({"symbol": _symbols(df), "date": _parse_dates(df["date"])})
    reasons = pd.Series(pd.NA, index=df.index, dtype="string")

    def flag(mask: "pd.Series", text: "pd.Series | str") -> None:
        mask = mask & reasons.isna()
        if mask.any():
            reasons[mask] = text[mask] if isinstance(text, pd.Series) else text

    flag(out["symbol"].isna() | (out["symbol"] == ""), "missing symbol/ticker")
    flag(out["date"].isna(), "unparseable date " + df["date"].astype("string").fillna("(empty)").map(repr))
    for col in PRICE_FIELDS:
        if col not in df.columns:
            out[col] = np.nan
            continue
        raw = df[col]
        if not pd.api.types.is_numeric_dtype(raw):
            raw = raw.astype("string").str.replace(",", "", regex=False).str.strip()
        num = pd.to_numeric(raw, errors="coerce")
        flag(num.isna() & raw.notna(), f"{col} is not a number: " + df[col].astype("string").map(repr))
        flag(num < 0, f"negative {col} " + num.astype("string"))
        out[col] = num.astype(float)
    flag(out["close"].isna(), "missing close")
    flag(out["close"] == 0, "close is zero")
    out["basis"] = df["basis"].astype("string") if "basis" in df.columns else pd.NA
    bad_mask = reasons.notna()
    bad = [BadRow(int(i) + 2, str(r)) for i, r in reasons[bad_mask].items()]
    if bad and strict:
        raise BadPriceRow(f"{path} {bad[0]}" + (f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""))
    out = out[~bad_mask].copy()
    out["date"] = out["date"].dt.strftime("%Y-%m-%d")
    out = out.drop_duplicates(["symbol", "date"], keep="last")
    return out.reset_index(drop=True), bad


# ---- storing ------------------------------------------------------------------

def store_prices(db, frame: "pd.DataFrame", *, source: str | None = None) -> int:
    """Upsert price rows (idempotent on ``(symbol, date)``) in one transaction; returns the row count."""
    cols = ["symbol", "date", *PRICE_FIELDS, "basis"]
    data = frame[cols].astype(object).where(frame[cols].notna(), None)
    rows = [(*r, source) for r in data.itertuples(index=False, name=None)]
    sql = (
        f"INSERT INTO prices ({', '.join(cols)}, source) VALUES ({', '.join('?' * (len(cols) + 1))}) "
        "ON CONFLICT(symbol, date) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in [*cols[2:], "source"])
    )
    with write_transaction(db):
        db.conn.executemany(sql, rows)
    return len(rows)


def import_prices(
    db, path: str | Path, *, column_map: Mapping[str, str] | None = None, strict: bool = False
) -> ImportReport:
    """Read, validate and upsert one price file; bad rows come back in the report."""
    frame, bad = read_prices(path, column_map=column_map, strict=strict)
    n = store_prices(db, frame, source=Path(path).name) if len(frame) else 0
    return ImportReport(
        rows=n, symbols=int(frame["symbol"].nunique()) if n else 0,
        first=frame["date"].min() if n else None, last=frame["date"].max() if n else None,
        bad=tuple(bad),
    )


def load_prices(db, symbols: list[str] | None = None) -> "pd.DataFrame":
    """Prices from the store as a DataFrame sorted by symbol and date (``date`` as datetime64)."""
    import pandas as pd

    sql = "SELECT symbol, date, close, adj_close, basis FROM prices"
    params: list[Any] = []
    if symbols is not None:
        if not symbols:
            return pd.DataFrame(columns=["symbol", "date", "close", "adj_close", "basis"])
        db.execute("CREATE TEMP TABLE IF NOT EXISTS _want (symbol TEXT PRIMARY KEY)")
        db.execute("DELETE FROM _want")
        db.conn.executemany("INSERT OR IGNORE INTO _want VALUES (?)", [(s,) for s in symbols])
        sql += " WHERE symbol IN (SELECT symbol FROM _want)"
    df = pd.read_sql_query(sql + " ORDER BY symbol, date", db.conn, params=params)
    df["date"] = pd.to_datetime(df["date"], format="%Y-%m-%d")
    return df


def parse_column_map(items: list[str] | None) -> dict[str, str]:
    """``["ticker=code", "close=종가"]`` -> ``{"ticker": "code", "close": "종가"}``."""
    out: dict[str, str] = {}
    for item in items or []:
        field, sep, src = item.partition("=")
        if not sep or not field.strip() or not src.strip():
            raise BadPriceFile(f"--column wants FIELD=COLUMN, got {item!r}")
        out[field.strip().lower()] = src.strip()
    return out
