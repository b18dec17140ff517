"""newsig: financial news in, trading signals out.

The flow is one-way: text -> spaCy ``Doc`` (our components) -> records
(:mod:`analyzer.records`) -> SQLite (:mod:`analyzer.store.db`) -> queries and
market joins. Heavy imports (spaCy, torch) stay inside the functions that
need them so ``newsig --help`` is instant.
"""

__version__ = "0.1.0"
