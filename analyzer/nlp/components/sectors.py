"""Sectors and themes named in an article, normalised to one GICS-like taxonomy.

The taxonomy is data: ``analyzer/data/sectors.jsonl``, one line per canonical
name with its GICS level (``sector | industry_group | industry | theme``), the
official GICS name (``gics``), the GICS sector it rolls up to, and the phrases
news uses ("chips", "chipmakers" -> ``semiconductors``; "banking" -> ``banks``;
"pharmaceuticals and bio" -> ``pharmaceuticals & biotech``). Themes that GICS
has no line for (secondary battery, shipbuilding, nuclear power) sit under the
GICS industry that holds their companies.

``newsig_sectors`` sets ``doc.spans["newsig_sectors"]`` (label ``SECTOR``,
``Span._.sector`` = canonical name, ``Span._.sector_tickers`` = the companies the
article groups under it). :func:`sector_records` turns them into
:class:`analyzer.records.Sector` with a sentiment and whether a view favours it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from analyzer.nlp.components.context import doc_text
from analyzer.errors import PatternError
from analyzer.records import Sector
from analyzer.resources import data_path

from analyzer.nlp.components.attribution import crosses_paragraph
from analyzer.nlp.components.quotes import add_sector_targets, lexicon_score
from analyzer.nlp.components.patterns import iter_jsonl
from analyzer.nlp.components.ratings import vocabulary

DATA_FILE = data_path("sectors.jsonl")
SPAN_KEY = "newsig_sectors"
GICS_SECTORS = {"Energy", "Materials", "Industrials", "Consumer Discretionary", "Consumer Staples", "Health Care",
                "Financials", "Information Technology", "Communication Services", "Utilities", "Real Estate"}
LEVELS = {"sector", "industry_group", "industry", "theme"}
ENUM_CUES = {"such as", "including", "like", "led by", "notably", "namely"}
PROPER_ENTS = {"ORG", "PERSON", "GPE", "FAC", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW"}
FOLLOW_SENTENCES = 2  # companies this many sentences after a sector mention (same paragraph) belong to it

for _ext in ("sector", "sector_tickers"):
    if not Span.has_extension(_ext):
        Span.set_extension(_ext, default=None)


@functools.lru_cache(maxsize=1)
def load_taxonomy(path: Path = DATA_FILE) -> tuple[dict[str, Any], ...]:
    """The validated taxonomy lines; raises PatternError naming the bad line."""
    rows: list[dict[str, Any]] = []
    seen: dict[str, str] = {}
    for n, row in iter_jsonl(path):
        missing = {"name", "gics", "level", "gics_sector", "aliases"} - set(row)
        if missing:
            raise PatternError(f"{path.name} line {n}: missing {sorted(missing)}")
        if row["level"] not in LEVELS or row["gics_sector"] not in GICS_SECTORS:
            raise PatternError(f"{path.name} line {n}: level or gics_sector not in the taxonomy")
        for alias in row["aliases"]:
            if not isinstance(alias, str) or alias != alias.strip().lower() or not alias:
                raise PatternError(f"{path.name} line {n}: alias {alias!r} must be lowercase text")
            if alias in seen:
                raise PatternError(f"{path.name} line {n}: alias {alias!r} already used by {seen[alias]!r}")
            seen[alias] = row["name"]
        rows.append(row)
    return tuple(rows)


def taxonomy_entry(name: str) -> dict[str, Any] | None:
    """The taxonomy line of a canonical name (for gics / gics_sector lookups)."""
    return next((r for r in load_taxonomy() if r["name"] == name), None)


@Language.factory("newsig_sectors", default_config={})
def make_sectors(nlp: Language, name: str) -> "SectorTagger":
    return SectorTagger(nlp)


class SectorTagger:
    """PhraseMatcher over the taxonomy's aliases (built once), then company grouping."""

    def __init__(self, nlp: Language) -> None:
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        for row in load_taxonomy():
            self.matcher.add(row["name"], [nlp.make_doc(a) for a in row["aliases"]])

    def __call__(self, doc: Doc) -> Doc:
        orgs = list(doc.spans["newsig_orgs"]) if "newsig_orgs" in doc.spans else []
        blocked = {i for o in orgs for i in range(o.start, o.end)}
        blocked |= {i for e in doc.ents if e.label_ in PROPER_ENTS for i in range(e.start, e.end)}
        spans = []
        for match_id, start, end in self.matcher(doc):
            if any(i in blocked for i in range(start, end)) or _inside_name(doc, start, end):
                continue
            span = Span(doc, start, end, label="SECTOR")
            spans.append((span, doc.vocab.strings[match_id]))
        kept = filter_spans([s for s, _ in spans])
        names = {(s.start, s.end): n for s, n in spans}
        for span in kept:
            span._.sector = names[(span.start, span.end)]
        _link_companies(doc, kept, orgs)
        doc.spans[SPAN_KEY] = kept
        add_sector_targets(doc)
        return doc


def _inside_name(doc: Doc, start: int, end: int) -> bool:
    """'Hanwha Aerospace', 'CHA Biotech': a capitalised match next to another proper word is a name."""
    for i in range(start, end):
        tok = doc[i]
        if not (tok.is_title or tok.is_upper) or tok.is_sent_start:
            continue
        for j in (start - 1, end):
            if 0 <= j < len(doc) and (doc[j].is_title or doc[j].is_upper) and doc[j].is_alpha \
                    and not doc[j].is_sent_start:
                return True
    return False


def _paragraph_breaks(doc: Doc, a: Span, b: Span) -> bool:
    return crosses_paragraph(doc_text(doc), a.end_char, b.start_char)


def _link_companies(doc: Doc, sectors: list[Span], orgs: list[Span]) -> None:
    """Companies grouped under a sector: "X stocks such as A, B", same sentence, or the next sentences."""
    companies = [o for o in orgs if o.label_ == "COMPANY"]
    sents = list(doc.sents)
    sent_of = {s.start: k for k, s in enumerate(sents)}
    by_sent: dict[int, list[Span]] = {}
    for sp in sectors:
        by_sent.setdefault(sent_of[sp.sent.start], []).append(sp)
    linked: dict[int, list[Span]] = {id(sp): [] for sp in sectors}
    for k, sent in enumerate(sents):
        here = [c for c in companies if sent.start <= c.start < sent.end]
        if not here:
            continue
        mine = by_sent.get(k, [])
        if mine:
            for c in here:
                before = [s for s in mine if s.end <= c.start]
                enum = [s for s in before if _enumerates(doc, s, c)]
                if enum:
                    linked[id(enum[-1])].append(c)
                elif len(mine) == 1:
                    linked[id(mine[0])].append(c)
            continue
        for back in range(1, FOLLOW_SENTENCES + 1):
            prev = by_sent.get(k - back)
            if prev and not _paragraph_breaks(doc, prev[-1].sent, sent):
                linked[id(prev[-1])].extend(here)
                break
            if prev or k - back < 0:
                break
    for sp in sectors:
        tickers: list[str] = []
        for c in linked[id(sp)]:
            listing = c._.listing if c.has_extension("listing") else None
            ticker = getattr(listing, "ticker", None)
            if ticker and ticker not in tickers:
                tickers.append(ticker)
        sp._.sector_tickers = tuple(tickers)


def _enumerates(doc: Doc, sector: Span, company: Span) -> bool:
    """True when an enumeration cue ('such as', 'including') sits between the sector and the company."""
    between = doc_text(doc)[sector.end_char:company.start_char].lower()
    return any(f" {cue} " in f" {between} " for cue in ENUM_CUES) and not any(
        ch in between for ch in ".;")


def _score_of(value: Any) -> float | None:
    if value is None:
        return None
    return float(getattr(value, "score", value))


def sector_records(doc: Doc, sentence_scores: Sequence[Any] | Mapping[int, Any] | None = None) -> list[Sector]:
    """One Sector per canonical name, in order of first mention.

    ``sentence_scores``: per-sentence sentiment (floats in [-1, 1] or Predictions,
    indexed by sentence); sentiment = mean over sentences that name the sector.
    Without scores (None, or all None), the interim lexicon scores those sentences. ``favoured`` is
    True / False when a view's quote names the sector with buy / avoid cues.
    """
    spans = list(doc.spans[SPAN_KEY]) if SPAN_KEY in doc.spans else []
    if not spans:
        return []
    sents = list(doc.sents)
    starts = {s.start: k for k, s in enumerate(sents)}
    order: list[str] = []
    groups: dict[str, list[Span]] = {}
    for sp in spans:
        if sp._.sector not in groups:
            order.append(sp._.sector)
        groups.setdefault(sp._.sector, []).append(sp)
    if sentence_scores is not None and all(_score_of(v) is None for v in
                                           (sentence_scores.values() if isinstance(sentence_scores, Mapping)
                                            else sentence_scores)):
        sentence_scores = None  # no model ran: the interim lexicon, as for views
    favours = _favours(doc)
    out = []
    for name in order:
        idx = sorted({starts[sp.sent.start] for sp in groups[name]})
        scores = []
        for k in idx:
            if sentence_scores is None:
                scores.append(lexicon_score(sents[k].text))
                continue
            try:
                value = _score_of(sentence_scores[k])
            except (IndexError, KeyError):
                value = None
            if value is not None:
                scores.append(value)
        # target-level scores from the sentiment model, when it ran, beat sentence averages
        targeted = [_score_of(sp._.sentiment) for sp in groups[name] if Span.has_extension("sentiment")]
        targeted = [v for v in targeted if v is not None]
        if targeted:
            scores = targeted
        tickers: list[str] = []
        for sp in groups[name]:
            tickers.extend(t for t in sp._.sector_tickers or () if t not in tickers)
        sentiment = round(sum(scores) / len(scores), 3) if scores else None
        out.append(Sector(name, sentiment, len(groups[name]), tuple(tickers), favours.get(name)))
    return out


def _favours(doc: Doc) -> dict[str, bool | None]:
    """Sector -> favoured by the views quoting it: buy cues near it True, avoid cues False."""
    views = (doc._.views or []) if doc.has_extension("views") else []
    parts = (doc._.view_parts or []) if doc.has_extension("view_parts") else []
    vocab = vocabulary()
    good, bad = vocab["favour_cues"], vocab["disfavour_cues"]
    votes: dict[str, int] = {}
    for view, ranges in zip(views, parts):
        for s, e in ranges:
            text = " " + " ".join(re.findall(r"[a-z][a-z'-]*", doc_text(doc)[s:e].lower())) + " "
            inside = [sp for sp in doc.spans.get(SPAN_KEY, []) if s <= sp.start_char and sp.end_char <= e]
            if not inside:
                continue
            vote = sum(f" {w} " in text for w in good) - sum(f" {w} " in text for w in bad)
            if vote == 0 and view.score:
                vote = 1 if view.score > 0.2 else -1 if view.score < -0.2 else 0
            for sp in inside:
                votes[sp._.sector] = votes.get(sp._.sector, 0) + ((vote > 0) - (vote < 0))
    return {name: (v > 0) if v else None for name, v in votes.items()}
