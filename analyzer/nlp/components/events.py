"""Events an article reports, typed from one taxonomy, with a date and tickers.

The taxonomy (``EVENT_TYPES``) and its token patterns are data:
``analyzer/data/events.jsonl``, one ``{"type": ..., "pattern": [...]}`` per line,
spaCy Matcher token patterns checked with ``validate=True`` at load.

=====================  ====================================================
type                   what triggers it (examples)
=====================  ====================================================
short_selling_resumed  "short selling resumes", "lifted the ban on short selling"
short_selling_ban      "banned short selling", "short-selling ban"
earnings               "reported record revenue", "quarterly results", "beat estimates"
guidance               "raised its full-year guidance", "sales forecast"
rating_change          "downgraded", "cut his rating"
price_target_change    "raised its target price", "lowered his price target"
merger_acquisition     "agreed to buy", "acquisition", "merger"
buyback                "share buyback", "repurchase", "treasury shares"
dividend               "dividend", "payout"
capital_raise          "rights offering", "paid-in capital increase", "IPO"
lawsuit_regulatory     "lawsuit", "probe", "fined", "regulatory action"
management_change      "appointed ... CEO", "stepped down", "resignation of"
index_inclusion        "added to the MSCI index", "removed from the S&P 500"
market_move            "the KOSPI fell", "stocks rallied", "sell-off in global markets"
=====================  ====================================================

Date of an event: a resolved date in its sentence (``newsig_dates`` spans), unless a
"before / after / until / since" sits between date and trigger; else the
publication date when the report is in the present tense ("As short selling
resumes"); else the sentence's date from the dates component; else None.
One event per (type, tickers) per article: the first mention, dated by the
first mention that has a date.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from analyzer.nlp.components.context import doc_text
from analyzer.errors import PatternError
from analyzer.records import Event
from analyzer.resources import data_path

from analyzer.nlp.components.attribution import org_name, paragraph_bounds
from analyzer.nlp.components.patterns import iter_jsonl

DATA_FILE = data_path("events.jsonl")
SPAN_KEY = "newsig_events"
EVENT_TYPES = (
    "short_selling_resumed", "short_selling_ban", "earnings", "guidance", "rating_change", "price_target_change",
    "merger_acquisition", "buyback", "dividend", "capital_raise", "lawsuit_regulatory", "management_change",
    "index_inclusion", "market_move",
)
TICKER_LABELS = {"COMPANY", "INDEX"}
# Types about the whole market: one per article whatever companies its sentences name.
MARKET_WIDE = {"short_selling_resumed", "short_selling_ban", "market_move"}
RELATION_WORDS = {"before", "after", "until", "since", "ahead", "following", "prior"}
PRESENT_TAGS = {"VBZ", "VBP"}
MAX_TEXT = 240

if not Doc.has_extension("events"):
    Doc.set_extension("events", default=None)


@functools.lru_cache(maxsize=1)
def load_patterns(path: Path = DATA_FILE) -> tuple[tuple[str, list[dict[str, Any]]], ...]:
    """(type, token pattern) pairs; raises PatternError on a bad line or an unknown type."""
    from spacy.lang.en import English

    check = Matcher(English().vocab, validate=True)
    rows = []
    for n, row in iter_jsonl(path):
        try:
            if row.get("type") not in EVENT_TYPES:
                raise ValueError(f"unknown type {row.get('type')!r}")
            check.add("check", [row["pattern"]])
        except (ValueError, KeyError, TypeError) as exc:
            raise PatternError(f"{path.name} line {n}: {exc}") from exc
        rows.append((row["type"], row["pattern"]))
    return tuple(rows)


@Language.factory("newsig_events", default_config={})
def make_events(nlp: Language, name: str) -> "EventTagger":
    return EventTagger(nlp)


class EventTagger:
    """Matcher over the event patterns (built once); one Event per type and tickers."""

    def __init__(self, nlp: Language) -> None:
        self.matcher = Matcher(nlp.vocab, validate=True)
        for kind, pattern in load_patterns():
            self.matcher.add(kind, [pattern])

    def __call__(self, doc: Doc) -> Doc:
        spans = [Span(doc, s, e, label=mid) for mid, s, e in self.matcher(doc)]
        sector_ends = {sp.end for sp in doc.spans.get("newsig_sectors", [])}
        spans = [sp for sp in filter_spans(spans) if not _sector_move(sp, sector_ends)]
        doc.spans[SPAN_KEY] = spans
        doc._.events = list(self.events(doc, spans))
        return doc

    def events(self, doc: Doc, spans: list[Span]) -> list[Event]:
        sents = list(doc.sents)
        index = {s.start: k for k, s in enumerate(sents)}
        orgs = list(doc.spans["newsig_orgs"]) if "newsig_orgs" in doc.spans else []
        found: dict[tuple[str, tuple[str, ...]], Event] = {}
        for sp in spans:
            sent = sp.sent
            k = index[sent.start]
            tickers = _tickers(sp, sent, orgs)
            date, explicit = _event_date(doc, sp, k)
            key = (sp.label_, () if sp.label_ in MARKET_WIDE else tickers)
            if key not in found:
                text = _line(doc, sent, sp)
                found[key] = Event(sp.label_, date, k, tickers, text[:MAX_TEXT])
            elif found[key].date is None and explicit:
                old = found[key]
                found[key] = Event(old.type, date, old.sentence, old.tickers, old.text)
        return sorted(found.values(), key=lambda e: e.sentence)


def _line(doc: Doc, sent: Span, span: Span) -> str:
    """The sentence, cut to the paragraph line holding the trigger (the parser can run over a blank line)."""
    full = doc_text(doc)
    start, end = paragraph_bounds(full, span.start_char)
    text = full[max(start, sent.start_char):min(end, sent.end_char)]
    return " ".join(text.split()).strip('"“” ')[:MAX_TEXT]


def _sector_move(span: Span, sector_ends: set[int]) -> bool:
    """'battery stocks fell' is a sector move, not a market-wide one."""
    return span.label_ == "market_move" and any(span.start - 2 <= e <= span.start + 1 for e in sector_ends)


def _tickers(span: Span, sent: Span, orgs: list[Span]) -> tuple[str, ...]:
    out: list[str] = []
    for org in orgs:
        if org.label_ in TICKER_LABELS and sent.start <= org.start < sent.end:
            _, ticker = org_name(org)
            if ticker and ticker not in out:
                out.append(ticker)
    return tuple(out)


def _event_date(doc: Doc, span: Span, k: int) -> tuple[str | None, bool]:
    """(ISO date or None, whether it came from a date stated in the sentence)."""
    sent = span.sent
    dates = [d for d in doc.spans.get("newsig_dates", []) if sent.start <= d.start < sent.end]
    for d in sorted(dates, key=lambda d: min(abs(d.start - span.start), abs(d.end - span.end))):
        value = d._.date if d.has_extension("date") else None
        role = d._.date_role if d.has_extension("date_role") else "point"
        lo, hi = (d.end, span.start) if d.end <= span.start else (span.end, d.start)
        if not value or role == "base":
            continue
        if any(t.lower_ in RELATION_WORDS for t in doc[lo:hi]):
            return None, False  # "on the 28th, before short sales resumed": the event is not on that date
        return value, True
    published = doc._.published if doc.has_extension("published") else None
    if published and _present(span):
        return published.isoformat(), False
    sentence_dates = doc._.sentence_dates if doc.has_extension("sentence_dates") else None
    if sentence_dates and k < len(sentence_dates):
        return sentence_dates[k], False
    return None, False


def _present(span: Span) -> bool:
    """The trigger (or, for a noun trigger, its sentence's main verb) is in the present tense."""
    if any(t.tag_ in PRESENT_TAGS for t in span):
        return True
    if any(t.tag_.startswith("VB") for t in span):
        return False
    root = span.sent.root
    return root.tag_ in PRESENT_TAGS or any(c.tag_ in PRESENT_TAGS | {"MD"} for c in root.children if c.dep_.startswith("aux"))
