"""Read and check a labelled (gold) JSONL file, one article per line.

The format is ``../shared/data/extraction/README.md``'s (and docs/evaluation.md's):
``case``, ``title``, ``published``, ``text`` and a ``gold`` object. A bad line is a
:class:`~analyzer.errors.BadGold` naming the file, line and field.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analyzer.errors import BadGold

STANCES = {"positive", "negative", "neutral"}


@dataclass(frozen=True)
class GoldCase:
    """One labelled article: the text to analyse and the facts a reader finds in it."""

    case: str
    text: str
    title: str | None
    published: str | None
    gold: dict[str, Any]
    origin: str  # file:line


def load_gold(path: str | Path, *, case: str | None = None, limit: int | None = None) -> list[GoldCase]:
    """The cases of a gold file, checked; ``case`` keeps those whose name contains it, ``limit`` the first N."""
    path = Path(path)
    if not path.is_file():
        raise BadGold(f"{path}: no such file")
    cases: list[GoldCase] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            origin = f"{path}:{n}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise BadGold(f"{origin}: not JSON ({exc.msg})") from None
            item = parse_case(obj, origin)
            if item.case in seen:
                raise BadGold(f"{origin}: case {item.case!r} appears twice")
            seen.add(item.case)
            if case is None or case.lower() in item.case.lower():
                cases.append(item)
    if not seen:
        raise BadGold(f"{path}: no articles")
    if not cases:
        raise BadGold(f"{path}: no case name contains {case!r}")
    return cases[:limit] if limit is not None else cases


def parse_case(obj: Any, origin: str) -> GoldCase:
    """One JSON object -> GoldCase, with defaults filled in (missing lists empty, ``optional`` false)."""
    def bad(msg: str) -> BadGold:
        return BadGold(f"{origin}: {msg}")

    if not isinstance(obj, dict):
        raise bad("expected a JSON object")
    name = obj.get("case")
    if not isinstance(name, str) or not name.strip():
        raise bad("'case' must be a non-empty string")
    text = obj.get("text")
    if not isinstance(text, str) or not text.strip():
        raise bad(f"case {name!r}: 'text' must be a non-empty string")
    for key in ("title", "published"):
        if obj.get(key) is not None and not isinstance(obj[key], str):
            raise bad(f"case {name!r}: '{key}' must be a string or null")
    gold = obj.get("gold")
    if not isinstance(gold, dict):
        raise bad(f"case {name!r}: 'gold' must be an object")
    where = f"case {name!r}: gold"
    out: dict[str, Any] = {}
    for key in ("entities", "optional_entities", "ignore_tickers"):
        values = gold.get(key) or []
        if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
            raise bad(f"{where}.{key} must be a list of ticker strings")
        out[key] = values
    out["moves"] = [_move(m, f"{where}.moves[{i}]", bad) for i, m in enumerate(_list(gold, "moves", where, bad))]
    out["metrics"] = [_metric(m, f"{where}.metrics[{i}]", bad) for i, m in enumerate(_list(gold, "metrics", where, bad))]
    out["views"] = [_view(v, f"{where}.views[{i}]", bad) for i, v in enumerate(_list(gold, "views", where, bad))]
    sentiment = gold.get("sentiment") or {}
    if not isinstance(sentiment, dict) or not all(v in (1, -1) and not isinstance(v, bool) for v in sentiment.values()):
        raise bad(f"{where}.sentiment must map tickers to 1 or -1")
    out["sentiment"] = sentiment
    return GoldCase(name, text, obj.get("title"), obj.get("published"), out, origin)


def _list(gold: dict, key: str, where: str, bad) -> list:
    values = gold.get(key) or []
    if not isinstance(values, list) or not all(isinstance(v, dict) for v in values):
        raise bad(f"{where}.{key} must be a list of objects")
    return values


def _number(value: Any, where: str, bad, *, required: bool) -> float | None:
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise bad(f"{where} must be a number" + ("" if required else " or null"))
    return float(value)


def _ticker(m: dict, where: str, bad) -> str:
    if not isinstance(m.get("ticker"), str) or not m["ticker"].strip():
        raise bad(f"{where}.ticker must be a ticker string")
    return m["ticker"]


def _move(m: dict, where: str, bad) -> dict:
    move = {"ticker": _ticker(m, where, bad),
            "change_pct": _number(m.get("change_pct"), f"{where}.change_pct", bad, required=False),
            "price": _number(m.get("price"), f"{where}.price", bad, required=False),
            "optional": bool(m.get("optional", False))}
    if move["change_pct"] is None and move["price"] is None:
        raise bad(f"{where} needs a change_pct or a price")
    return move


def _metric(m: dict, where: str, bad) -> dict:
    return {"ticker": _ticker(m, where, bad), "metric": str(m.get("metric") or ""),
            "value": _number(m.get("value"), f"{where}.value", bad, required=True), "unit": m.get("unit")}


def _view(v: dict, where: str, bad) -> dict:
    analyst, firm, stance = v.get("analyst"), v.get("firm"), v.get("stance")
    if analyst is not None and (not isinstance(analyst, str) or not analyst.strip()):
        raise bad(f"{where}.analyst must be a name or null")
    if not isinstance(firm, str) or not firm.strip():
        if analyst is None:
            raise bad(f"{where} needs an analyst or a firm")
        firm = None
    if stance is not None and stance not in STANCES:
        raise bad(f"{where}.stance must be positive, negative, neutral or null")
    return {"analyst": analyst, "firm": firm, "stance": stance, "rating": v.get("rating"),
            "price_target": _number(v.get("price_target"), f"{where}.price_target", bad, required=False)}
