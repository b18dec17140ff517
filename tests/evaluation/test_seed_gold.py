"""The bundled example scored with `newsig eval` against gold read off the article by hand.

The issue's bar: the seed stays at 0.97 or more while extraction is generalised to other markets.
"""

from __future__ import annotations

import json
from pathlib import Path

from analyzer.evaluation import evaluate

SEED = Path(__file__).resolve().parents[2] / "corpus" / "short_selling_resumes_2025-03-31.txt"

FALLS = {
    "086520": -12.59, "247540": -7.05, "003670": -6.38, "450080": -6.40, "373220": -6.04, "051910": -5.41,
    "096770": -4.55, "006400": -4.16, "005490": -4.62, "028300": -3.67, "085660": -2.70, "000250": -2.37,
}
GOLD = {
    "entities": sorted(FALLS),
    "optional_entities": [],
    "ignore_tickers": ["030210", "086790", "KOSDAQ", "KOSPI"],  # the analysts' employers, Hana's group, indices
    "moves": [{"ticker": t, "change_pct": pct, **({"price": 49650} if t == "086520" else {})}
              for t, pct in FALLS.items()],
    "metrics": [{"ticker": t, "metric": "borrowing balance ratio", "value": v, "unit": "%"}
                for t, v in {"247540": 15.15, "086520": 12.62, "003670": 8.05, "028300": 8.50,
                             "085660": 11.40, "000250": 5.50}.items()],
    "views": [
        {"analyst": "Jung Jin-soo", "firm": "Heungkuk Securities", "stance": "negative", "rating": None,
         "price_target": None},
        {"analyst": "Kim Ji-hyun", "firm": "DAOL Investment & Securities", "stance": None, "rating": None,
         "price_target": None},
    ],
    "sentiment": {t: -1 for t in FALLS},
}


def test_seed_scores_at_least_097(tmp_path):
    line = {"case": "seed_short_selling_resumes", "title": None, "published": "2025-03-31",
            "text": SEED.read_text(encoding="utf-8"), "gold": GOLD}
    gold = tmp_path / "seed.jsonl"
    gold.write_text(json.dumps(line) + "\n", encoding="utf-8")
    result = evaluate(gold)
    assert result["score"] >= 0.97, result["parts"]
    assert all(value >= 0.9 for value in result["parts"].values()), result["parts"]
