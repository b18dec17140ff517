"""The SQLite database: schema, migrations, idempotent writes, near-duplicate links.

- :mod:`.db` opens (and migrates) a database and writes article results, one transaction each.
- :mod:`.migrations` holds every schema migration, numbered, in order.
- :mod:`.views` the SQL views and full-text index the read side uses.
- :mod:`.novelty` near-duplicate links and novelty scores (MinHash).

Public: :func:`open_db`, :func:`save`, :func:`save_many`, :func:`write_transaction`,
:func:`record_error`, :func:`has_article`, :func:`load_article`, :func:`migrate`.
"""

from analyzer.store.db import has_article, load_article, migrate, open_db, record_error, save, save_many, write_transaction

__all__ = ["has_article", "load_article", "migrate", "open_db", "record_error", "save", "save_many",
    "write_transaction"]
