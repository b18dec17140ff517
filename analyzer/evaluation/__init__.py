"""Measure extraction against hand-labelled (gold) articles: ``newsig eval``.

A gold file is JSONL, one article per line with the facts a reader finds in it
(format and score: docs/evaluation.md, ``../shared/data/extraction/README.md``).

Public functions:
- :func:`load_gold` (gold.py): read and check a gold file -> ``list[GoldCase]``;
  a bad line raises :class:`~analyzer.errors.BadGold`.
- :func:`score_article` / :func:`summarise` (score.py): pure scoring of one
  ``newsig.article/1`` dict against one gold dict, and of a set of articles.
- :func:`evaluate` (run.py): run the pipeline over a gold file and score it.
- :func:`format_misses` (report.py): each article's misses and extras as plain lines.

``python -m analyzer.evaluation`` is an alias of ``newsig eval`` (analyzer/cli/evaluate.py).
"""

from .gold import BadGold, GoldCase, load_gold
from .report import format_misses
from .run import evaluate, score_case, to_article
from .score import PARTS, PartScore, norm_ticker, score_article, summarise

__all__ = ["BadGold", "GoldCase", "PARTS", "PartScore", "evaluate", "format_misses", "load_gold",
           "norm_ticker", "score_article", "score_case", "summarise", "to_article"]
