"""Run the newsig pipeline over a gold file and score every article.

Each case becomes an :class:`~analyzer.records.Article` the way ``newsig ingest``
reads a JSONL line: ``text`` is the body, ``title`` stays the title (the pipeline
uses it for roles and relevance; it is not prepended to the body) and
``published`` is the date relative dates resolve against. The articles go through
the batch API, and each result is scored on its contract dict (``to_dict()``).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .gold import GoldCase, load_gold
from .score import PARTS, score_article, summarise


def to_article(item: GoldCase):
    """The Article newsig analyses for one gold case (title kept apart, as ingest does)."""
    from analyzer.records import Article, normalise_text

    return Article(text=normalise_text(item.text), title=item.title, published=item.published, origin=item.origin)


def evaluate(
    path: str | Path, *, case: str | None = None, limit: int | None = None, sentiment: bool = True,
    batch_size: int = 16, progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Analyse and score a gold file: {'score', 'parts', 'articles': [...], 'seconds', ...}.

    Example: evaluate("dev.jsonl", case="us_", sentiment=False)["score"] -> 0.41
    """
    cases = load_gold(path, case=case, limit=limit)
    from analyzer.nlp import analyze_articles, prepare

    articles = [prepare(to_article(c)) for c in cases]
    started = time.perf_counter()
    rows: list[dict[str, Any]] = []
    for n, (item, result) in enumerate(zip(cases, analyze_articles(articles, sentiment=sentiment,
                                                                   batch_size=batch_size)), 1):
        rows.append(score_case(item, result.to_dict(), sentiment=sentiment))
        if progress:
            progress(n, len(cases))
    seconds = time.perf_counter() - started
    summary = summarise(rows)
    return {
        "gold": str(path),
        "score": summary["score"],
        "parts": {p: s["f1"] for p, s in summary["parts"].items()},
        "details": summary["parts"],
        "sentiment": sentiment,
        "seconds": round(seconds, 2),
        "articles": [_plain_row(r) for r in rows],
    }


def score_case(item: GoldCase, pred: Mapping[str, Any], *, sentiment: bool = True) -> dict[str, Any]:
    """Score one analysed case and put the sentence text next to every miss and extra."""
    scored = score_article(pred, item.gold, sentiment=sentiment)
    sentences = [s.get("text", "") for s in pred.get("sentences") or ()]
    for part in scored["parts"].values():
        for miss in part.missed:
            if miss.get("sentence") is None:
                miss["sentence"] = locate(miss, part.part, sentences)
        for entry in part.missed + part.extra:
            idx = entry.get("sentence")
            entry["text"] = sentences[idx] if isinstance(idx, int) and 0 <= idx < len(sentences) else None
    return {"case": item.case, "title": item.title, "published": item.published, **scored}


def _plain_row(row: Mapping[str, Any]) -> dict[str, Any]:
    return {**row, "parts": {p: s.to_dict() for p, s in row["parts"].items()}}


def _number_pattern(value: float) -> re.Pattern:
    """7.0 -> '7', '7.0', '-7%' (not '17' or '7.5'); 1234.5 -> '1,234.5' too."""
    whole, _, frac = f"{abs(value):.6f}".rstrip("0").rstrip(".").partition(".")
    whole_re = whole if len(whole) <= 3 else rf"{whole[:-3]},?{whole[-3:]}"
    frac_re = rf"\.{frac}0*" if frac else r"(?:\.0+)?"
    return re.compile(rf"(?<![\w.,]){whole_re}{frac_re}(?!\d|[.,]\d)")


def locate(miss: Mapping[str, Any], part: str, sentences: list[str]) -> int | None:
    """A best guess at the sentence a missed gold fact comes from: the first holding its number or name."""
    fact = miss.get("fact") or {}
    needles: list[re.Pattern] = []
    if part == "moves":
        value = fact.get("change_pct") if fact.get("change_pct") is not None else fact.get("price")
        needles = [_number_pattern(value)] if value is not None else []
    elif part == "metrics" and fact.get("value") is not None:
        needles = [_number_pattern(fact["value"])]
    elif part == "views":
        name = fact.get("analyst") or fact.get("firm") or ""
        word = max(re.findall(r"[^\W\d_]+", name), key=len, default="")  # surname or firm's main word
        needles = [re.compile(re.escape(word))] if word else []
    elif fact.get("ticker"):
        needles = [re.compile(rf"(?<![\w.]){re.escape(fact['ticker'])}(?![\w])")]
    for i, text in enumerate(sentences):
        if needles and all(n.search(text) for n in needles):
            return i
    return None


__all__ = ["evaluate", "score_case", "to_article", "locate", "PARTS"]
