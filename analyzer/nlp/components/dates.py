"""Date expressions resolved against the publication date.

News states dates relative to the day it was written: "on the 31st", "the
previous day", "that day", "on Tuesday", "a year earlier". This component
finds them (``doc.spans["newsig_dates"]``, ``Span._.date`` = ISO date or None)
and gives every sentence the date its facts refer to
(``Doc._.sentence_dates``), skipping comparison bases ("from the previous
day"). A date that cannot be resolved is None, never a guess.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from spacy.language import Language
from spacy.tokens import Doc, Span

from analyzer.nlp.components import context  # noqa: F401  (registers Doc._.published)
from analyzer.nlp.components.context import doc_text

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
ORD = r"(\d{1,2})(?:st|nd|rd|th)"
MONTH_RE = r"(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"

# Each pattern: (name, regex). Order matters only for overlaps: longer, more specific first.
PATTERNS: list[tuple[str, str]] = [
    ("iso", r"\b(\d{4})-(\d{2})-(\d{2})\b"),
    ("mdy", rf"\b{MONTH_RE}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b"),
    ("dmy", rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+{MONTH_RE}\s+(\d{{4}})\b"),
    ("md", rf"\b{MONTH_RE}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?!,?\s+\d{{4}})"),
    ("dm", rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH_RE}\b(?!\s+\d{{4}})"),
    ("day_ord", rf"\b(?:on\s+)?the\s+{ORD}\b(?!\s+(?:of\s+)?(?:{'|'.join(MONTHS)})\b)"),
    ("prev_day", r"\b(?:the\s+)?(?:previous|prior|preceding)\s+(?:trading\s+)?(?:day|session)\b|\ba\s+day\s+(?:earlier|before)\b"),
    ("yesterday", r"\byesterday\b"),
    ("today", r"\btoday\b|\bthis\s+(?:morning|afternoon|evening)\b"),
    ("that_day", r"\b(?:that|the\s+same)\s+day\b|\bon\s+the\s+day\b"),
    ("weekday", r"\b(?:(last|this|next)\s+)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"),
    ("year_ago", r"\ba\s+year\s+(?:earlier|ago|before)\b|\bthe\s+(?:previous|prior)\s+year\b|\blast\s+year\b"),
    ("week_ago", r"\ba\s+week\s+(?:earlier|ago|before)\b"),
]
COMPILED = [(name, re.compile(rx, re.IGNORECASE)) for name, rx in PATTERNS]
BASE_CUE = re.compile(r"\b(?:from|than|since|compared\s+(?:to|with)|versus|vs\.?|over)\s*$", re.IGNORECASE)
STORY_REACH_DAYS = 31  # a date more than this before publication is the story's day only where a sentence names it
LEAD_CHARS = 400  # the story's anchor date is one named this early
FUTURE_REACH_DAYS = 92  # a month/day without a year up to a quarter ahead is this year's (announced dates)

for _ext in ("date", "date_role"):
    if not Span.has_extension(_ext):
        Span.set_extension(_ext, default=None)
for _ext in ("sentence_dates", "anchor_date"):
    if not Doc.has_extension(_ext):
        Doc.set_extension(_ext, default=None)


def previous_business_day(day: date) -> date:
    day -= timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month_day(pub: date | None, month: int, day: int) -> date | None:
    """A month/day without a year: this year's unless that is more than a quarter after publication
    ("from March 4" in a February story is the coming March 4; "Dec. 30" in a March story last year's)."""
    if pub is None:
        return None
    cand = _safe(pub.year, month, day)
    if cand and cand > pub + timedelta(days=FUTURE_REACH_DAYS):
        cand = _safe(pub.year - 1, month, day)
    return cand


def _day_of_month(pub: date | None, day: int) -> date | None:
    """'the 28th': this month if not after publication, else the previous month."""
    if pub is None or not 1 <= day <= 31:
        return None
    cand = _safe(pub.year, pub.month, day)
    if cand is None or cand > pub:
        prev = pub.replace(day=1) - timedelta(days=1)
        cand = _safe(prev.year, prev.month, day)
    return cand


def resolve(kind: str, m: re.Match, pub: date | None, anchor: date | None, last: date | None) -> date | None:
    """Resolve one matched expression. ``anchor`` is the story's day, ``last`` the latest date seen."""
    g = m.groups()
    if kind == "iso":
        return _safe(int(g[0]), int(g[1]), int(g[2]))
    if kind == "mdy":
        return _safe(int(g[2]), MONTHS[g[0].lower()], int(g[1]))
    if kind == "dmy":
        return _safe(int(g[2]), MONTHS[g[1].lower()], int(g[0]))
    if kind == "md":
        return _month_day(pub, MONTHS[g[0].lower()], int(g[1]))
    if kind == "dm":
        return _month_day(pub, MONTHS[g[1].lower()], int(g[0]))
    if kind == "day_ord":
        return _day_of_month(pub, int(g[0]))
    ref = last or anchor or pub
    if kind == "prev_day":
        return previous_business_day(ref) if ref else None
    if kind == "yesterday":
        return pub - timedelta(days=1) if pub else None
    if kind == "today":
        return pub
    if kind == "that_day":
        return anchor or pub
    if kind == "weekday":
        if pub is None:
            return None
        which, name = (g[0] or "").lower(), g[1].lower()
        delta = (pub.weekday() - WEEKDAYS[name]) % 7
        if which == "next":
            return pub + timedelta(days=(WEEKDAYS[name] - pub.weekday()) % 7 or 7)
        if which == "last" and delta == 0:
            delta = 7
        return pub - timedelta(days=delta)
    if kind == "year_ago":
        return _safe(ref.year - 1, ref.month, min(ref.day, 28) if ref.month == 2 else ref.day) if ref else None
    if kind == "week_ago":
        return ref - timedelta(days=7) if ref else None
    return None


def is_base(text: str, start: int) -> bool:
    """A date that is a comparison base, not when something happened: 'from the previous day',
    'the highest since November 3, 2015', 'compared with a year earlier', 'the best finish since Nov. 4'."""
    return bool(BASE_CUE.search(text[max(0, start - 25):start]))


def starts_paragraph(doc: Doc, sent: Span) -> bool:
    """Whether ``sent`` opens a new paragraph: a line break ends the token before it."""
    return sent.start > 0 and "\n" in doc[sent.start - 1].text_with_ws


def _near_story(day: date, pub: date | None) -> bool:
    """Within a month before publication (or a day after it): a date that can be the story's day."""
    return pub is None or pub - timedelta(days=STORY_REACH_DAYS) <= day <= pub + timedelta(days=1)


def find_dates(text: str) -> list[tuple[int, int, str, re.Match]]:
    """Non-overlapping (start, end, kind, match) in text order; earlier patterns win overlaps."""
    taken: list[tuple[int, int, str, re.Match]] = []
    for kind, rx in COMPILED:
        for m in rx.finditer(text):
            s, e = m.span()
            if any(s < te and ts < e for ts, te, _, _ in taken):
                continue
            taken.append((s, e, kind, m))
    return sorted(taken, key=lambda t: t[0])


@Language.factory("newsig_dates", default_config={})
def make_dates(nlp: Language, name: str) -> "DateResolver":
    return DateResolver()


class DateResolver:
    """Finds and resolves dates; sets the per-sentence reference date."""

    def __call__(self, doc: Doc) -> Doc:
        pub = doc._.published
        found = find_dates(doc_text(doc))
        spans: list[Span] = []
        anchor: date | None = None
        last: date | None = None
        # Pass 1: an absolute-ish date in the lead, not a comparison base and not more than a month
        # old, gives the story's anchor day; else the publication date.
        for s, e, kind, m in found:
            if s > LEAD_CHARS:
                break  # a story's day is set in its lead; a date deep in a digest is its own item's
            if kind in ("iso", "mdy", "dmy", "md", "dm", "day_ord") and not is_base(doc_text(doc), s):
                cand = resolve(kind, m, pub, None, None)
                if cand and _near_story(cand, pub):
                    anchor = cand
                    break
        anchor = anchor or pub
        for s, e, kind, m in found:
            span = doc.char_span(s, e, label="DATE", alignment_mode="expand")
            if span is None:
                continue
            value = resolve(kind, m, pub, anchor, last)
            span._.date_role = "base" if is_base(doc_text(doc), s) or kind == "year_ago" else "point"
            span._.date = value.isoformat() if value else None
            if value and span._.date_role == "point":
                last = value
            spans.append(span)
        doc.spans["newsig_dates"] = spans
        doc._.anchor_date = anchor.isoformat() if anchor else None
        doc._.sentence_dates = self._sentence_dates(doc, spans, anchor, pub)
        return doc

    @staticmethod
    def _sentence_dates(doc: Doc, spans: list[Span], anchor: date | None, pub: date | None) -> list[str | None]:
        """A sentence's date: its first point date that is not after publication (an announced
        date is no day of trading); else the previous sentence's in the paragraph, unless that
        is more than a month before publication; else the anchor."""
        out: list[str | None] = []
        current: str | None = None
        default = anchor.isoformat() if anchor else None
        for sent in doc.sents:
            if starts_paragraph(doc, sent):
                current = None  # a new paragraph starts a new context
            own = next(
                (sp._.date for sp in spans
                 if sp.start >= sent.start and sp.end <= sent.end and sp._.date_role == "point" and sp._.date
                 and (pub is None or date.fromisoformat(sp._.date) <= pub + timedelta(days=1))),
                None,
            )
            if own:
                out.append(own)
                current = own if _near_story(date.fromisoformat(own), pub) else None
            else:
                out.append(current or default)
        return out


@Language.factory("newsig_paragraphs", default_config={})
def make_paragraphs(nlp: Language, name: str) -> "ParagraphBreaks":
    return ParagraphBreaks()


class ParagraphBreaks:
    """A blank line always ends a sentence (runs before the parser, which respects it)."""

    def __call__(self, doc: Doc) -> Doc:
        for i, token in enumerate(doc[:-1]):
            if "\n" in token.text_with_ws and (token.is_space or token.text_with_ws.endswith("\n")):
                nxt = doc[i + 1]
                if not nxt.is_space:
                    nxt.is_sent_start = True
        return doc
