"""The seed article (2025-03-31, short selling resumes) as hand-built records, for the market tests."""

from __future__ import annotations

import os
from pathlib import Path

from analyzer.records import Article, ArticleResult, Entity, Move

SHARED = Path(os.environ.get("NEWSIG_SHARED", Path(__file__).resolve().parents[3] / "shared")) / "data"
MARKET = SHARED / "market"
SEED_TEXT = (Path(__file__).resolve().parents[2] / "corpus" / "short_selling_resumes_2025-03-31.txt")

# (code, board, name, stated change %, stated price) -- as the article states them
SEED_MOVES = [
    ("086520", "KOSDAQ", "Ecopro", -12.59, 49650.0),
    ("247540", "KOSDAQ", "ECOPRO BM", -7.05, None),
    ("003670", "KOSPI", "POSCO FUTURE M", -6.38, None),
    ("450080", "KOSPI", "EcoPro Materials", -6.40, None),
    ("373220", "KOSPI", "LG Energy Solution", -6.04, None),
    ("051910", "KOSPI", "LG CHEM", -5.41, None),
    ("096770", "KOSPI", "SK Innovation", -4.55, None),
    ("006400", "KOSPI", "Samsung SDI", -4.16, None),
    ("005490", "KOSPI", "POSCO Holdings", -4.62, None),
    ("028300", "KOSDAQ", "HLB", -3.67, None),
    ("085660", "KOSDAQ", "CHA Biotech", -2.70, None),
    ("000250", "KOSDAQ", "Sam Chun Dang Pharm", -2.37, None),
]


def seed_result(published: str = "2025-03-31T17:00:00+09:00", sentiment: float = -0.8) -> ArticleResult:
    """The seed article's entities and moves, written by hand until the extractors land."""
    text = SEED_TEXT.read_text(encoding="utf-8") if SEED_TEXT.exists() else "Short selling resumes; Ecopro fell."
    suffix = {"KOSPI": ".KS", "KOSDAQ": ".KQ"}
    entities = tuple(
        Entity(name=name, ticker=code, exchange=board, symbol=code + suffix[board], role="subject",
               mentions=(), sentiment=sentiment, relevance=0.9)
        for code, board, name, _, _ in SEED_MOVES
    )
    moves = tuple(
        Move(ticker=code, entity=name, change_pct=chg, price=price, currency="KRW" if price else None,
             date="2025-03-31", sentence=2)
        for code, _, name, chg, price in SEED_MOVES
    )
    return ArticleResult(article=Article(text=text, published=published), entities=entities, moves=moves)
