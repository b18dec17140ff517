"""Where articles come from: one argument, a file or stdin, or whole archives.

- :mod:`.inputs` makes the one article of ``newsig analyze``.
- :mod:`.readers` streams folders and files (txt, md, json, jsonl, csv, html, RSS/Atom, ``.gz``)
  as :class:`analyzer.records.Article` records for ``newsig ingest``.

Public: :func:`make_article`, :func:`read_sources`, :class:`SourceReader`, :class:`SourceError`,
:func:`parse_fields`, :func:`parse_iso`.
"""

from analyzer.sources.inputs import make_article
from analyzer.sources.readers import SourceError, SourceReader, parse_fields, parse_iso, read_sources

__all__ = ["SourceError", "SourceReader", "make_article", "parse_fields", "parse_iso",
    "read_sources"]
