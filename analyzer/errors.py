"""Named errors whose docstring is the message; the CLI prints ``Error: ...`` and exits 1."""

from __future__ import annotations


class NewsigError(Exception):
    """newsig failed"""

    def __init__(self, detail: str | None = None) -> None:
        self.detail = detail
        super().__init__(self.message)

    @property
    def message(self) -> str:
        base = (self.__doc__ or "").strip().splitlines()[0]
        return f"{base}: {self.detail}" if self.detail else base


class EmptyText(NewsigError):
    """The article text is empty"""


class BadInput(NewsigError):
    """Input could not be read"""


class BadDate(NewsigError):
    """Not a valid date (use YYYY-MM-DD or an ISO datetime)"""


class ModelMissing(NewsigError):
    """The sentiment model is missing or corrupt (reinstall newsig, or in a checkout restore models/ with `git checkout models/`; or retrain with `newsig model train`)"""


class BadSetting(NewsigError):
    """Bad setting"""


class UniverseError(NewsigError):
    """Ticker universe error"""


class UniverseFileBroken(UniverseError):
    """The built-in ticker universe is missing or corrupt (restore it with `git checkout analyzer/data/universe.tsv.gz` or rebuild it with `python scripts/build_universe.py`)"""


class DatabaseError(NewsigError):
    """Database error"""


class MarketDataError(NewsigError):
    """Market data error"""


class OfflineError(NewsigError):
    """No network: this command downloads data and needs to be online"""


class BadPriceFile(MarketDataError):
    """The price file cannot be used"""


class BadPriceRow(MarketDataError):
    """Bad row in the price file"""


class NoPrices(MarketDataError):
    """No prices in the database (load some with `newsig market import FILE --db DB`)"""


class ReadOnlyQuery(NewsigError):
    """Not allowed: newsig query only reads, the database was not changed"""


class MissingExtra(NewsigError):
    """An optional dependency is not installed"""


class PatternError(NewsigError):
    """A pattern data file in analyzer/data is invalid (restore it with `git checkout analyzer/data/`)"""


class BadGold(NewsigError):
    """Bad gold file"""
