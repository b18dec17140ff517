"""Prices in, returns and event studies out: the market step of newsig (pandas; no spaCy).

- :mod:`.prices` reads and validates price files, Yahoo symbols, the ``prices`` table.
- :mod:`.fetch` optional downloads (yfinance, pykrx).
- :mod:`.check` stated moves against the market.
- :mod:`.study` event dating, abnormal returns, groups, IC, CAR paths.
- :mod:`.results` keeps study results in the store and draws the chart.

Public: :func:`import_prices`, :func:`load_prices`, :func:`store_prices`, :func:`fetch_prices`,
:func:`check_moves`, :func:`study`, :func:`run_study`, :func:`save_study`, :func:`write_chart`,
:func:`parse_windows`, :func:`parse_column_map`, :func:`yahoo_symbol`, :func:`benchmark_symbol`.
"""

from __future__ import annotations

from analyzer.market.check import Check, check_moves
from analyzer.market.fetch import fetch_prices
from analyzer.market.prices import (
    ImportReport, benchmark_symbol, import_prices, load_prices, parse_column_map, read_prices, store_prices,
    yahoo_symbol,
)
from analyzer.market.results import save_study, study, write_chart
from analyzer.market.study import DEFAULT_WINDOWS, StudyResult, parse_windows, run_study, window_name

__all__ = ["Check", "DEFAULT_WINDOWS", "ImportReport", "StudyResult", "benchmark_symbol",
    "check_moves", "fetch_prices", "import_prices", "load_prices", "parse_column_map",
    "parse_windows", "read_prices", "run_study", "save_study", "store_prices", "study",
    "window_name", "write_chart", "yahoo_symbol"]
