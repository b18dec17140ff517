"""Score one article's ``newsig.article/1`` dict against its gold, as
``../shared/data/extraction/README.md`` defines it.

Pure functions on plain dicts: no spaCy, no files. Each part returns a
:class:`PartScore` (precision, recall, F1 and the facts behind them);
:func:`score_article` combines them into the article's total, :func:`summarise`
turns article scores into the set's score.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from analyzer.nlp.components.attribution import letters, same_firm  # letters re-exported (tests, callers)

PARTS = ("entities", "moves", "metrics", "views", "sentiment")
PCT_TOLERANCE = 0.011  # change_pct and metric values: absolute difference
PRICE_TOLERANCE = 0.005  # prices: relative difference (0.5 %)
SENTIMENT_MIN = 0.05  # an entity sentiment must exceed this magnitude to count
VIEW_NAME_CREDIT, VIEW_FIRM_CREDIT, VIEW_STANCE_CREDIT = 0.4, 0.3, 0.3

_PREFIX = re.compile(r"^[A-Z][A-Z0-9 ._-]*:\s*")  # NYSE:, KRX:, TSE: ...
_SUFFIX = re.compile(r"\.(KS|KQ)$")


@dataclass
class PartScore:
    """One part of one article: credit over predictions and over gold, and what was missed.

    ``missed`` holds gold facts nobody found, ``extra`` predictions not in the gold,
    each a dict with a ``what`` label and, where known, a ``sentence`` index.
    """

    part: str
    credit: float  # true positives (views: summed partial credit)
    predicted: int  # predictions that count for precision
    gold: int  # gold facts that count for recall
    recall_only: bool = False
    missed: list[dict[str, Any]] = field(default_factory=list)
    extra: list[dict[str, Any]] = field(default_factory=list)

    @property
    def precision(self) -> float | None:
        if self.recall_only:
            return None
        return self.credit / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.credit / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        """F1; for recall-only parts (metrics, sentiment) the recall itself."""
        if self.recall_only:
            return self.recall
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1, "credit": self.credit,
                "predicted": self.predicted, "gold": self.gold, "missed": self.missed, "extra": self.extra}


def norm_ticker(ticker: Any) -> str | None:
    """'krx:005930' -> '005930', '086520.KQ' -> '086520', 'brk.b' -> 'BRK.B'; None stays None."""
    if ticker is None:
        return None
    text = _PREFIX.sub("", str(ticker).strip().upper())
    return _SUFFIX.sub("", text) or None


def _tickers(values: Iterable[Any]) -> set[str]:
    return {t for t in (norm_ticker(v) for v in values) if t}


def _near(a: Any, b: Any, tol: float) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= tol


def _price_ok(gold: Any, pred: Any) -> bool:
    if gold is None:
        return True
    if pred is None:
        return False
    return abs(float(pred) - float(gold)) <= PRICE_TOLERANCE * abs(float(gold))


def score_entities(pred: Mapping[str, Any], gold: Mapping[str, Any]) -> PartScore:
    """F1 of predicted tickers (role not source, not ignored) against gold entities; optional ones left out."""
    optional = _tickers(gold.get("optional_entities") or ())
    ignored = _tickers(gold.get("ignore_tickers") or ())
    gold_set = _tickers(gold.get("entities") or ()) - optional
    names: dict[str, dict[str, Any]] = {}
    for ent in pred.get("entities") or ():
        t = norm_ticker(ent.get("ticker"))
        if t and ent.get("role") != "source" and t not in ignored and t not in optional:
            names.setdefault(t, ent)
    pred_set = set(names)
    hit = gold_set & pred_set
    missed = [{"what": t, "fact": {"ticker": t}} for t in sorted(gold_set - pred_set)]
    extra = [{"what": f"{t} ({names[t].get('name')})", "sentence": _first_sentence(names[t])}
             for t in sorted(pred_set - gold_set)]
    return PartScore("entities", len(hit), len(pred_set), len(gold_set), missed=missed, extra=extra)


def _first_sentence(entity: Mapping[str, Any]) -> int | None:
    mentions = entity.get("mentions") or ()
    return mentions[0].get("sentence") if mentions else None


def _move_matches(g: Mapping[str, Any], p: Mapping[str, Any]) -> bool:
    return (norm_ticker(p.get("ticker")) == norm_ticker(g.get("ticker"))
            and _near(g.get("change_pct"), p.get("change_pct"), PCT_TOLERANCE)
            and _price_ok(g.get("price"), p.get("price")))


def _match_greedy(gold_items: Sequence[Mapping], preds: Sequence[Mapping], used: set[int], ok) -> list[int | None]:
    """For each gold item in order, the index of the first unused prediction that ``ok(gold, pred)``."""
    found: list[int | None] = []
    for g in gold_items:
        idx = next((i for i, p in enumerate(preds) if i not in used and ok(g, p)), None)
        if idx is not None:
            used.add(idx)
        found.append(idx)
    return found


def _fmt_move(m: Mapping[str, Any]) -> str:
    pct = m.get("change_pct")
    text = f"{m.get('ticker')} {pct:+g}%" if pct is not None else f"{m.get('ticker')} (no change)"
    return text + (f" @ {m['price']:g}" if m.get("price") is not None else "")


def score_moves(pred: Mapping[str, Any], gold: Mapping[str, Any]) -> PartScore:
    """Required gold moves matched greedily, then optional ones among what is left (neutral)."""
    ignored = _tickers(gold.get("ignore_tickers") or ())
    preds = list(pred.get("moves") or ())
    required = [m for m in gold.get("moves") or () if not m.get("optional")]
    optional = [m for m in gold.get("moves") or () if m.get("optional")]
    used: set[int] = set()
    found = _match_greedy(required, preds, used, _move_matches)
    opt_used: set[int] = set()
    _match_greedy(optional, [p if i not in used else {} for i, p in enumerate(preds)], opt_used,
                  lambda g, p: bool(p) and _move_matches(g, p))
    counted = [i for i, p in enumerate(preds)
               if i not in opt_used and (i in used or norm_ticker(p.get("ticker")) not in ignored)]
    hits = sum(idx is not None for idx in found)
    missed = [{"what": _fmt_move(g), "fact": dict(g)} for g, idx in zip(required, found) if idx is None]
    extra = [{"what": _fmt_move(preds[i]), "sentence": preds[i].get("sentence")} for i in counted if i not in used]
    return PartScore("moves", hits, len(counted), len(required), missed=missed, extra=extra)


def score_metrics(pred: Mapping[str, Any], gold: Mapping[str, Any]) -> PartScore:
    """Recall only: a gold metric is found when some predicted metric has its ticker and absolute value."""
    preds = list(pred.get("metrics") or ())
    golds = list(gold.get("metrics") or ())
    missed = []
    hits = 0
    for g in golds:
        t = norm_ticker(g.get("ticker"))
        if any(norm_ticker(p.get("ticker")) == t and p.get("value") is not None
               and abs(abs(float(p["value"])) - abs(float(g["value"]))) <= PCT_TOLERANCE for p in preds):
            hits += 1
        else:
            missed.append({"what": f"{g.get('ticker')} {g.get('metric')} {g.get('value'):g}{g.get('unit') or ''}",
                           "fact": dict(g)})
    return PartScore("metrics", hits, len(preds), len(golds), recall_only=True, missed=missed)


def _view_key_matches(g: Mapping[str, Any], p: Mapping[str, Any]) -> bool:
    if g.get("analyst"):
        return bool(letters(g["analyst"])) and letters(g["analyst"]) == letters(p.get("analyst"))
    return same_firm(g.get("firm"), p.get("firm"))


def _view_credit(g: Mapping[str, Any], p: Mapping[str, Any]) -> float:
    credit = VIEW_NAME_CREDIT
    if same_firm(g.get("firm"), p.get("firm")):
        credit += VIEW_FIRM_CREDIT
    if g.get("stance") is None or g.get("stance") == p.get("stance"):
        credit += VIEW_STANCE_CREDIT
    return credit


def _fmt_view(v: Mapping[str, Any]) -> str:
    return f"{v.get('analyst') or '-'} ({v.get('firm') or '-'}): {v.get('stance') or 'any'}"


def score_views(pred: Mapping[str, Any], gold: Mapping[str, Any]) -> PartScore:
    """Gold views matched by analyst (or firm when the gold has no analyst); 0.4 + 0.3 firm + 0.3 stance.

    Predicted views whose ``firm_ticker`` is a gold entity (executives on their own
    company) are left out of precision unless they matched a gold view.
    """
    entities = _tickers(gold.get("entities") or ())
    preds = list(pred.get("views") or ())
    golds = list(gold.get("views") or ())
    used: set[int] = set()
    found = _match_greedy(golds, preds, used, _view_key_matches)
    credit = 0.0
    missed = []
    for g, idx in zip(golds, found):
        if idx is None:
            missed.append({"what": _fmt_view(g), "fact": dict(g)})
            continue
        c = _view_credit(g, preds[idx])
        credit += c
        if c < 1.0:
            missed.append({"what": f"{_fmt_view(g)} (credit {c:.1f}: predicted {_fmt_view(preds[idx])})",
                           "fact": dict(g), "sentence": preds[idx].get("sentence")})
    counted = [i for i, p in enumerate(preds) if i in used or norm_ticker(p.get("firm_ticker")) not in entities]
    extra = [{"what": _fmt_view(preds[i]), "sentence": preds[i].get("sentence")} for i in counted if i not in used]
    return PartScore("views", credit, len(counted), len(golds), missed=missed, extra=extra)


def score_sentiment(pred: Mapping[str, Any], gold: Mapping[str, Any]) -> PartScore:
    """Recall only: gold tickers whose predicted entity sentiment has the gold sign and |s| > 0.05."""
    by_ticker: dict[str, Any] = {}
    for ent in pred.get("entities") or ():
        t = norm_ticker(ent.get("ticker"))
        if t and by_ticker.get(t) is None:
            by_ticker[t] = ent.get("sentiment")
    golds = {norm_ticker(t): sign for t, sign in (gold.get("sentiment") or {}).items()}
    hits = 0
    missed = []
    for t, sign in golds.items():
        s = by_ticker.get(t)
        if s is not None and abs(s) > SENTIMENT_MIN and (s > 0) == (sign > 0):
            hits += 1
        else:
            got = "no entity" if t not in by_ticker else ("none" if s is None else f"{s:+.2f}")
            missed.append({"what": f"{t} {'+' if sign > 0 else '-'} (predicted {got})", "fact": {"ticker": t}})
    return PartScore("sentiment", hits, len(golds), len(golds), recall_only=True, missed=missed)


def applies(part: str, gold: Mapping[str, Any], *, sentiment: bool = True) -> bool:
    """Entities and moves always count; metrics, views and sentiment only where the gold has any."""
    if part in ("entities", "moves"):
        return True
    if part == "sentiment" and not sentiment:
        return False
    return bool(gold.get(part))


SCORERS = {"entities": score_entities, "moves": score_moves, "metrics": score_metrics,
           "views": score_views, "sentiment": score_sentiment}


def score_article(pred: Mapping[str, Any], gold: Mapping[str, Any], *, sentiment: bool = True) -> dict[str, Any]:
    """{'total': mean F1 of the parts that apply, 'parts': {part: PartScore}} for one article."""
    parts = {p: SCORERS[p](pred, gold) for p in PARTS if applies(p, gold, sentiment=sentiment)}
    total = sum(s.f1 for s in parts.values()) / len(parts)
    return {"total": total, "parts": parts}


def summarise(scored: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The set: ``score`` (mean of article totals) and, per part, the mean P / R / F1 over the
    articles where it applies plus the pooled (micro) figures."""
    if not scored:
        return {"score": None, "articles": 0, "parts": {}}
    parts: dict[str, dict[str, Any]] = {}
    for part in PARTS:
        items: list[PartScore] = [s["parts"][part] for s in scored if part in s["parts"]]
        if not items:
            continue
        precisions = [i.precision for i in items if i.precision is not None]
        pooled = PartScore(part, sum(i.credit for i in items), sum(i.predicted for i in items),
                           sum(i.gold for i in items), recall_only=items[0].recall_only)
        parts[part] = {
            "articles": len(items),
            "precision": sum(precisions) / len(precisions) if precisions else None,
            "recall": sum(i.recall for i in items) / len(items),
            "f1": sum(i.f1 for i in items) / len(items),
            "micro": {"precision": pooled.precision, "recall": pooled.recall, "f1": pooled.f1,
                      "credit": pooled.credit, "predicted": pooled.predicted, "gold": pooled.gold},
        }
    return {"score": sum(s["total"] for s in scored) / len(scored), "articles": len(scored), "parts": parts}
