"""When a stated move happened: the session and the period of every move (``newsig_timing``).

Runs after ``newsig_numbers`` and rewrites ``Doc._.moves`` with three fields filled in
(:class:`analyzer.records.Move`):

* ``session`` -- ``premarket``, ``intraday``, ``close`` or ``after_hours``, from, in order:
  the cue nearest the figure in its own sentence ("in early trade", "to close at", "after the
  bell"); an intraday extreme ("rises as much as 19.6%"); the wire's time stamp ("as of 0303
  GMT", a Market Talk item's leading "0652 GMT - "); the publication time against the
  exchange's hours (a story published before the close about that day is intraday; a move on
  an earlier day is that day's close); the session of the paragraph's previous move; else None.
* ``period`` -- ``week``, ``month``, ``ytd``, ``since:<date>`` or ``multi_day`` for a change over
  a span ("For the week, the KOSPI was up 3.1%", "so far this year", "up 16% from a year
  earlier"); None for a one-day change. A superlative before the cue ("the highest since
  2015", "its biggest weekly gain") makes it a comparison, not a span.
* ``qualifier`` -- ``as_much_as``, ``nearly``, ``more_than``, ``less_than`` or ``about``: the
  words right before the figure, which the fact check reads as a range.

The cue words, market hours and time-stamp zones are data: ``analyzer/data/timing_cues.json``.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from spacy.language import Language
from spacy.tokens import Doc, Span

# these imports also register Doc._.published_at and the date extensions this reads
from analyzer.nlp.components.context import parse_when
from analyzer.nlp.components.dates import starts_paragraph
from analyzer.records import Move
from analyzer.resources import data_path

CUES_PATH = data_path("timing_cues.json")
NUM = r"(?:\d+(?:[.,:]\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|several|a\s+few)"
CLAUSE_BREAK = re.compile(r";|\s(?:while|whereas|but|although|though|meanwhile)\b", re.IGNORECASE)
# a span or base after these belongs to what they introduce ("jumped 12% after it posted a loss ... a year earlier")
CAUSE_BREAK = re.compile(r";|\s(?:while|whereas|but|although|though|meanwhile|after|as|because|following|when|on\s+news)\b",
                         re.IGNORECASE)
BASE_REACH = 60  # characters: a base date this close after the figure ('up 16% from 178 billion won a year earlier')
PCT_FIGURE = re.compile(r"(?<![\w.])[-+−]?\d+(?:\.\d+)?\s*(?:%|percent\b|per\s+cent\b|pct\b)", re.IGNORECASE)
SINCE_BEFORE = re.compile(r"\bsince\s*$", re.IGNORECASE)
FROM_BEFORE = re.compile(r"\b(?:from|than|compared\s+(?:to|with)|versus|vs\.?)\s*$", re.IGNORECASE)
PERIOD_BASE_DAYS = 5  # a change measured from a date older than this is a change over a span

if not Doc.has_extension("moves"):
    Doc.set_extension("moves", default=None)
if not Span.has_extension("listing"):
    Span.set_extension("listing", default=None)


def _phrase_rx(phrase: str) -> str:
    parts = [NUM if w == "#" else re.escape(w) for w in phrase.split()]
    return r"(?<![\w-])" + r"\s+".join(parts) + r"(?![\w-])"


def _alternation(phrases: list[str]) -> re.Pattern:
    ordered = sorted(set(phrases), key=len, reverse=True)
    return re.compile("|".join(_phrase_rx(p) for p in ordered), re.IGNORECASE)


@lru_cache(maxsize=1)
def load_cues(path: str | None = None) -> dict:
    """The cue file, with one compiled pattern per class."""
    raw = json.loads(Path(path or CUES_PATH).read_text(encoding="utf-8"))
    zones = raw["stamp_zones"]
    zone_rx = "|".join(sorted(zones, key=len, reverse=True))
    return {
        "session": {k: _alternation(v) for k, v in raw["session"].items()},
        "period": {k: _alternation(v) for k, v in raw["period"].items()},
        "qualifiers": [(k, re.compile(r"(?:" + "|".join(_phrase_rx(p) for p in sorted(v, key=len, reverse=True))
                                      + r")\s+(?:by\s+|of\s+)?$", re.IGNORECASE))
                       for k, v in raw["qualifiers"].items()],
        "superlative": re.compile(r"\b(?:" + "|".join(map(re.escape, raw["superlatives"])) + r")\W+(?:\w+\W+){0,2}$",
                                  re.IGNORECASE),
        "markets": {
            k: (ZoneInfo(v["tz"]), time.fromisoformat(v["open"]), time.fromisoformat(v["close"]))
            for k, v in raw["markets"].items()
        },
        "zones": {k.upper(): ZoneInfo(v) for k, v in zones.items()},
        "lead_stamp": re.compile(rf"^\W{{0,4}}(\d{{1,2}}:?\d{{2}})\s*({zone_rx})\s*[-–—]", re.IGNORECASE),
        "inline_stamp": re.compile(rf"\b(?:as\s+of|at|by)\s+(\d{{1,2}}:?\d{{2}})\s*({zone_rx})\b", re.IGNORECASE),
    }


# ---- reading one sentence --------------------------------------------------------------

def figure_span(text: str, move: Move) -> tuple[int, int] | None:
    """Where the move's change (else its price) is written in its sentence."""
    for value, pct in ((move.change_pct, True), (move.price, False)):
        if value is None:
            continue
        digits = f"{abs(value):.6f}".rstrip("0").rstrip(".")
        whole, _, frac = digits.partition(".")
        whole_rx = re.escape(whole) if pct or len(whole) <= 3 else _thousands(whole)
        rx = whole_rx + (r"\." + frac + "0*" if frac else r"(?:\.0+)?")
        unit = r"\s*(?:%|percent\b|per\s+cent\b|pct\b)" if pct else ""
        m = re.search(r"(?<![\d.,])" + rx + r"(?![\d])" + unit, text, re.IGNORECASE)
        if m:
            return m.span()
    return None


def _thousands(whole: str) -> str:
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return re.escape(whole) + "".join(r",?" + g for g in groups)


def clause_of(text: str, pos: int, breaks: re.Pattern = CLAUSE_BREAK) -> tuple[int, int]:
    """The clause around ``pos``: split at ';' and 'while', 'but', 'whereas' ..."""
    start, end = 0, len(text)
    for m in breaks.finditer(text):
        if m.start() <= pos:
            start = m.end()
        elif m.start() > pos:
            end = m.start()
            break
    return start, end


def _nearest(cands: list[tuple[int, int, str]], fig: tuple[int, int]) -> str | None:
    best = None
    for s, e, label in cands:
        d = fig[0] - e if e <= fig[0] else s - fig[1] if s >= fig[1] else 0
        if best is None or d < best[0]:
            best = (d, label)
    return best[1] if best else None


def _owned(matches: list[tuple[int, int, str]], fig: tuple[int, int], figures: list[tuple[int, int]]):
    """The cue matches nearer to this figure than to any other figure of the sentence."""
    def dist(s: int, e: int, f: tuple[int, int]) -> int:
        return f[0] - e if e <= f[0] else s - f[1] if s >= f[1] else 0

    return [(s, e, lab) for s, e, lab in matches if all(dist(s, e, fig) <= dist(s, e, f) for f in figures)]


def sentence_scan(text: str, cues: dict) -> tuple[list[tuple[int, int]], list[tuple[int, int, str]]]:
    """What :func:`sentence_cues` reads from a sentence whatever the figure: the percentages written in it
    and its session cue matches (computed once per sentence when it has several moves)."""
    figures = [m.span() for m in PCT_FIGURE.finditer(text)]
    found = []
    for label, rx in cues["session"].items():
        found.extend((m.start(), m.end(), label) for m in rx.finditer(text))
    return figures, found


def sentence_cues(text: str, fig: tuple[int, int] | None, cues: dict,
                  scan: tuple[list, list] | None = None) -> tuple[str | None, str | None, str | None]:
    """(session, period class, qualifier) the sentence itself states for the figure at ``fig``
    (``scan``: the sentence's :func:`sentence_scan`, computed here when not given)."""
    fig = fig or (0, 0)
    figures, found = scan if scan is not None else sentence_scan(text, cues)
    figures = figures or [fig]
    lo, hi = clause_of(text, fig[0])
    qualifier = None
    before = text[lo:fig[0]]
    for label, rx in cues["qualifiers"]:
        if rx.search(before):
            qualifier = label
            break
    in_clause = [c for c in _owned(found, fig, figures) if lo <= c[0] < hi]
    session = _nearest(in_clause, fig)
    periods = []
    lo, hi = clause_of(text, fig[0], CAUSE_BREAK)
    for label, rx in cues["period"].items():
        for m in rx.finditer(text, lo, hi):
            if not cues["superlative"].search(text[max(lo, m.start() - 40):m.start()]):
                periods.append((m.start(), m.end(), label))
    period = _nearest(_owned(periods, fig, figures), fig)
    return session, period, qualifier


# ---- time of day ---------------------------------------------------------------------

def stamp_time(hhmm: str, zone: ZoneInfo, published: datetime | None, day: date | None) -> datetime | None:
    """A wire stamp ('0303', '19:29') as a datetime: the latest such moment not after publication."""
    digits = hhmm.replace(":", "").zfill(4)
    hour, minute = int(digits[:2]), int(digits[2:])
    if hour > 23 or minute > 59:
        return None
    if published is not None:
        ref = published.astimezone(zone)
        cand = datetime.combine(ref.date(), time(hour, minute), zone)
        return cand - timedelta(days=1) if cand > ref + timedelta(hours=1) else cand
    return datetime.combine(day, time(hour, minute), zone) if day else None


def session_at(moment: datetime, day: date | None, hours: tuple) -> str | None:
    """The session a statement made at ``moment`` describes for a move on ``day``."""
    tz, opens, closes = hours
    local = moment.astimezone(tz)
    if day is None or local.date() > day:
        return "close"  # that day's session was over when this was written
    if local.date() < day:
        return None
    if local.time() < opens:
        return "premarket"
    return "intraday" if local.time() < closes else "close"


# ---- the component --------------------------------------------------------------------

@Language.factory("newsig_timing", default_config={})
def make_timing(nlp: Language, name: str) -> "MoveTiming":
    return MoveTiming()


class MoveTiming:
    """Fills ``session``, ``period`` and ``qualifier`` of the moves ``newsig_numbers`` found."""

    def __init__(self) -> None:
        self.cues = load_cues()

    def __call__(self, doc: Doc) -> Doc:
        moves: list[Move] = list(doc._.moves or [])
        if not moves:
            return doc
        sents = list(doc.sents)
        paragraph = self._paragraphs(doc, sents)
        published = parse_when(doc._.published_at)
        stamps = self._lead_stamps(doc, sents, paragraph, published)
        countries = self._countries(doc)
        default_country = Counter(countries.get(m.ticker) for m in moves if countries.get(m.ticker)).most_common(1)
        default_country = default_country[0][0] if default_country else None
        scans: dict[int, tuple[list, list]] = {}  # sentence index -> its sentence_scan
        found_cues: dict[tuple, tuple] = {}  # (sentence index, figure span) -> sentence_cues
        pub_day = doc._.published
        last_session: dict[int, str] = {}
        out = []
        for m in moves:
            if m.sentence >= len(sents):
                out.append(m)
                continue
            sent = sents[m.sentence]
            text = sent.text
            fig = figure_span(text, m)
            key = (m.sentence, fig)
            if key not in found_cues:
                if m.sentence not in scans:
                    scans[m.sentence] = sentence_scan(text, self.cues)
                found_cues[key] = sentence_cues(text, fig, self.cues, scans[m.sentence])
            session, period, qualifier = found_cues[key]
            day = date.fromisoformat(m.date[:10]) if m.date else pub_day
            country = countries.get(m.ticker) or (_country_of_code(m.ticker) if m.ticker else None) or default_country
            hours = self.cues["markets"].get(country or "")
            new_date = m.date
            period, new_date = self._period(doc, sent, fig, period, day, new_date)
            if session is None and qualifier == "as_much_as":
                session = "intraday"  # the day's extreme so far: a figure from inside the session
            if session is None and hours is not None:
                moment = self._inline_stamp(text, hours, published, day) or stamps.get(m.sentence)
                if moment is not None:
                    session = session_at(moment, day, hours)
                elif published is not None:
                    session = session_at(published, day, hours)
                elif day is not None and pub_day is not None and day < pub_day:
                    session = "close"
            if session is None:
                session = last_session.get(paragraph[m.sentence])
            if session is not None:
                last_session[paragraph[m.sentence]] = session
            out.append(replace(m, session=session, period=period, qualifier=qualifier, date=new_date))
        doc._.moves = out
        return doc

    # -- helpers --

    @staticmethod
    def _paragraphs(doc: Doc, sents: list[Span]) -> list[int]:
        out, n = [], 0
        for s in sents:
            if starts_paragraph(doc, s):
                n += 1
            out.append(n)
        return out

    def _lead_stamps(self, doc: Doc, sents: list[Span], paragraph: list[int],
                     published: datetime | None) -> dict[int, datetime]:
        """A Market Talk item's leading '0652 GMT - ' covers its paragraphs until the next stamp."""
        out: dict[int, datetime] = {}
        current = None
        for i, s in enumerate(sents):
            first_of_par = i == 0 or paragraph[i] != paragraph[i - 1]
            m = self.cues["lead_stamp"].search(s.text) if first_of_par else None
            if m:
                current = stamp_time(m.group(1), self.cues["zones"][m.group(2).upper()], published, doc._.published)
            if current is not None:
                out[i] = current
        return out

    def _inline_stamp(self, text: str, hours: tuple, published: datetime | None, day: date | None) -> datetime | None:
        m = self.cues["inline_stamp"].search(text)
        if not m:
            return None
        return stamp_time(m.group(1), self.cues["zones"][m.group(2).upper()], published, day)

    @staticmethod
    def _countries(doc: Doc) -> dict[str | None, str]:
        out: dict[str | None, str] = {}
        for span in doc.spans.get("newsig_orgs", []):
            listing = span._.listing
            if listing is not None and listing.ticker and listing.country:
                out.setdefault(listing.ticker, listing.country)
        return out

    def _period(self, doc: Doc, sent: Span, fig: tuple[int, int] | None, period: str | None, day: date | None,
                move_date: str | None) -> tuple[str | None, str | None]:
        """The period class as stored, and the move's date (the last day of 'last week')."""
        if period in ("last_week", "last_month"):
            if day is None:
                return "multi_day", move_date
            if period == "last_week":
                end = day - timedelta(days=day.weekday() + 1)  # the Sunday before this week
            else:
                end = day.replace(day=1) - timedelta(days=1)
            while end.weekday() >= 5:
                end -= timedelta(days=1)
            return period[5:], end.isoformat()
        since = self._since(doc, sent, fig, day)
        if since is not None and period in (None, "multi_day"):
            return f"since:{since}", move_date
        return period, move_date

    def _since(self, doc: Doc, sent: Span, fig: tuple[int, int] | None, day: date | None) -> str | None:
        """'up 20% since January 3' / 'up 16% from ... a year earlier': the change's base date."""
        if fig is None or day is None:
            return None
        text = sent.text
        lo, hi = clause_of(text, fig[0], CAUSE_BREAK)
        for span in doc.spans.get("newsig_dates", []):
            if not (sent.start <= span.start and span.end <= sent.end) or not span._.date:
                continue
            s = span.start_char - sent.start_char
            if not lo <= s < hi:
                continue
            base = date.fromisoformat(span._.date)
            if (day - base).days <= PERIOD_BASE_DAYS:
                continue
            before = text[max(lo, s - 40):s]
            if self.cues["superlative"].search(before.removesuffix(" ").rsplit("since", 1)[0]) and SINCE_BEFORE.search(before):
                continue  # 'the highest since November 3, 2015': a comparison of levels
            after_base = fig[1] <= s <= fig[1] + BASE_REACH and (FROM_BEFORE.search(before) or span._.date_role == "base")
            if SINCE_BEFORE.search(before) or after_base:
                return base.isoformat()
        return None


def _country_of_code(ticker: str) -> str | None:
    return "KR" if re.fullmatch(r"\d{6}", ticker) else None
