"""The ticker universe: which listed companies, indices and firms a name in the news can be.

- :mod:`.listings` loads the built-in listings and the user's layers (``$NEWSIG_HOME``),
  imports a user's CSV, and explains a name (``newsig universe show``).
- :mod:`.sync` downloads the SEC and KRX lists when online.

Public: :func:`load_universe`, :func:`import_csv`, :func:`home_dir`, :func:`case_sensitive`,
:func:`clean_company_name`, :class:`Listing`, :class:`Universe`, :func:`sync_sec`, :func:`sync_krx`.
"""

from analyzer.universe.listings import AMBIGUOUS, Listing, Universe, case_sensitive, clean_company_name, home_dir, import_csv, load_universe
from analyzer.universe.sync import sync_krx, sync_sec

__all__ = ["AMBIGUOUS", "Listing", "Universe", "case_sensitive", "clean_company_name", "home_dir",
    "import_csv", "load_universe", "sync_krx", "sync_sec"]
