"""Plain records of one analysed article: the JSON contract (``newsig.article/1``).

Spans become these frozen dataclasses before they leave the extractors, so
storage and queries never import spaCy. ``ArticleResult.to_dict()`` is exactly
what ``newsig analyze --format json`` prints (see ``../shared/CONTRACT.md``).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any

SCHEMA = "newsig.article/1"


def normalise_text(text: str) -> str:
    """NFC, unified newlines, trimmed trailing spaces: the text every offset refers to."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return text.strip()


def content_id(text: str) -> str:
    """Stable id of an article: sha256 of its whitespace-collapsed normalised text, 16 hex."""
    key = re.sub(r"\s+", " ", normalise_text(text)).strip().lower()
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Article:
    """One input article before analysis. ``text`` is the body (title kept apart)."""

    text: str
    title: str | None = None
    published: str | None = None  # ISO date or datetime
    source: str | None = None
    url: str | None = None
    language: str = "en"
    tickers: tuple[str, ...] = ()  # tickers named by the feed's metadata
    origin: str | None = None  # file[:line] it came from, for error reports

    @property
    def id(self) -> str:
        return content_id(self.text)


@dataclass(frozen=True)
class Mention:
    text: str
    start: int
    end: int
    sentence: int


@dataclass(frozen=True)
class Entity:
    name: str
    ticker: str | None
    exchange: str | None
    symbol: str | None
    role: str  # subject | source
    mentions: tuple[Mention, ...]
    sentiment: float | None = None
    relevance: float | None = None
    kind: str = "company"  # company | index | firm | org
    country: str | None = None
    sector: str | None = None


@dataclass(frozen=True)
class Move:
    ticker: str | None
    entity: str | None
    change_pct: float | None
    price: float | None
    currency: str | None
    date: str | None
    sentence: int
    text: str = ""
    session: str | None = None  # premarket | intraday | close | after_hours; None when nothing tells
    period: str | None = None  # week | month | ytd | since:<YYYY-MM-DD> | multi_day; None: a one-day change
    qualifier: str | None = None  # as_much_as (an intraday extreme) | nearly | more_than | less_than | about


@dataclass(frozen=True)
class Metric:
    ticker: str | None
    entity: str | None
    metric: str
    value: float
    unit: str | None
    date: str | None
    sentence: int
    text: str = ""


@dataclass(frozen=True)
class View:
    analyst: str | None
    title: str | None
    firm: str | None
    quote: str
    stance: str  # positive | negative | neutral
    score: float | None
    targets: tuple[str, ...] = ()
    rating: str | None = None
    price_target: float | None = None
    previous_price_target: float | None = None
    currency: str | None = None
    sentence: int = 0
    firm_ticker: str | None = None
    target_tickers: tuple[str, ...] = ()
    stance_source: str = "model"  # how the stance was decided
    rating_direction: int | None = None  # +1 upgrade, -1 downgrade, 0 rating kept; None when no rating
    target_direction: int | None = None  # +1 price target raised, -1 cut; None when not stated
    role: str = "analyst"  # analyst (analysts, strategists, economists, fund managers, research firms) | executive


@dataclass(frozen=True)
class Sector:
    name: str
    sentiment: float | None
    mentions: int
    tickers: tuple[str, ...] = ()
    favoured: bool | None = None


@dataclass(frozen=True)
class Event:
    type: str
    date: str | None
    sentence: int
    tickers: tuple[str, ...] = ()
    text: str = ""


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str
    sentiment: str | None = None
    score: float | None = None


@dataclass(frozen=True)
class ArticleResult:
    """Everything newsig extracted from one article."""

    article: Article
    entities: tuple[Entity, ...] = ()
    moves: tuple[Move, ...] = ()
    metrics: tuple[Metric, ...] = ()
    views: tuple[View, ...] = ()
    sectors: tuple[Sector, ...] = ()
    events: tuple[Event, ...] = ()
    sentences: tuple[Sentence, ...] = ()
    sentiment: float | None = None  # whole-article score in [-1, 1]
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        a = self.article
        return {
            "schema": SCHEMA,
            "article": {
                "id": a.id,
                "title": a.title,
                "published": a.published,
                "source": a.source,
                "url": a.url,
                "language": a.language,
                "chars": len(a.text),
                "sentiment": self.sentiment,
            },
            "entities": [_plain(e) for e in self.entities],
            "moves": [_plain(m) for m in self.moves],
            "metrics": [_plain(m) for m in self.metrics],
            "views": [_plain(v) for v in self.views],
            "sectors": [_plain(s) for s in self.sectors],
            "events": [_plain(e) for e in self.events],
            "sentences": [_plain(s) for s in self.sentences],
        }


def _plain(record: Any) -> dict[str, Any]:
    """asdict with tuples turned into lists (JSON arrays)."""
    return _lists(asdict(record))


def _lists(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _lists(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_lists(v) for v in value]
    return value
