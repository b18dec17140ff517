"""Rating and price-target changes stated in one sentence, as plain values.

"cut his rating to underweight and lowered his price target to $18 from $25"
-> ``RatingChange(rating="underweight", rating_direction=-1, price_target=18.0,
previous_price_target=25.0, currency="USD", target_direction=-1)``.

The vocabulary (rating words, verbs, currencies) is data in
``analyzer/data/quotes.json``; this module only builds regexes from it, so the
quotes component and the events component read the same facts.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

from analyzer.errors import PatternError
from analyzer.resources import data_path

DATA_FILE: Path = data_path("quotes.json")
REQUIRED_KEYS = ("reporting_verbs", "titles", "ratings", "rating_verbs", "target_verbs", "currencies",
                 "interim_positive", "interim_negative", "favour_cues", "disfavour_cues")


@functools.lru_cache(maxsize=1)
def vocabulary() -> dict:
    """The validated contents of quotes.json (cached)."""
    try:
        data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PatternError(f"{DATA_FILE.name}: {exc}") from exc
    missing = [k for k in REQUIRED_KEYS if k not in data]
    if missing:
        raise PatternError(f"{DATA_FILE.name}: missing keys {missing}")
    for key, value in data.items():
        if key.startswith("_"):
            continue
        words = value if isinstance(value, list) else list(value)
        if not all(isinstance(w, str) and w == w.strip().lower() and w for w in words):
            raise PatternError(f"{DATA_FILE.name}: {key} entries must be non-empty lowercase strings")
    return data


@functools.lru_cache(maxsize=None)
def word_set(key: str) -> frozenset[str]:
    """One vocabulary list as a set, for fast membership tests."""
    return frozenset(vocabulary()[key])


@functools.lru_cache(maxsize=1)
def title_phrases() -> tuple[tuple[str, ...], ...]:
    """Title phrases as token tuples, longest first."""
    return tuple(sorted((tuple(t.split()) for t in vocabulary()["titles"]), key=len, reverse=True))


@functools.lru_cache(maxsize=1)
def titles_by_first_word() -> dict[str, tuple[tuple[str, ...], ...]]:
    """``title_phrases()`` grouped by their first word, each group still longest first."""
    groups: dict[str, list[tuple[str, ...]]] = {}
    for words in title_phrases():
        groups.setdefault(words[0], []).append(words)
    return {first: tuple(g) for first, g in groups.items()}


@dataclass(frozen=True)
class RatingChange:
    """What one sentence says about a rating or a price target."""

    rating: str | None = None
    rating_direction: int = 0  # +1 upgrade / positive rating, -1 downgrade / negative rating
    price_target: float | None = None
    previous_price_target: float | None = None
    currency: str | None = None
    target_direction: int = 0  # +1 raised, -1 cut
    action: int = 0  # the rating verb alone: +1 upgraded / raised, -1 downgraded / cut, 0 kept or none
    start: int = 0  # char offsets of the matched phrase within the text given
    end: int = 0

    @property
    def found(self) -> bool:
        return self.rating is not None or self.price_target is not None or self.target_direction != 0

    @property
    def direction(self) -> int:
        """Net signal of the change, in {-1, 0, 1}: target direction first, then rating."""
        value = self.target_direction * 0.6 + self.rating_direction * 1.0
        return (value > 0) - (value < 0)


def combine(a: RatingChange, b: RatingChange) -> RatingChange:
    """What two sentences of one view say together: the first stated rating and the first target."""
    if not b.found:
        return a
    if not a.found:
        return b
    r = a if a.rating else b
    t = a if a.price_target is not None or a.target_direction else b
    return RatingChange(r.rating, r.rating_direction, t.price_target, t.previous_price_target,
                        t.currency or r.currency, t.target_direction, r.action, a.start, a.end)


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@functools.lru_cache(maxsize=1)
def _regexes() -> dict[str, re.Pattern]:
    v = vocabulary()
    ratings = _alt(v["ratings"])
    symbols = [c for c in v["currencies"] if not c.isalpha()]
    words = [c for c in v["currencies"] if c.isalpha()]
    amount = (
        rf"(?:(?:{_alt(symbols)})\s?\d[\d,]*(?:\.\d+)?(?:\s?(?:{_alt(words)})\b)?"
        rf"|\d[\d,]*(?:\.\d+)?\s?(?:{_alt(words)})\b)"
    )
    target = r"(?:12-month\s+|one-year\s+)?(?:target\s+price|price\s+target|target|fair\s+value(?:\s+estimate)?)"
    q = "[\"“”'‘’]"
    return {
        "rating_to": re.compile(
            rf"\b(?P<verb>{_alt(v['rating_verbs'])})\b[^.;\"“”]{{0,70}}?\b(?:to|at|with)\s+(?:an?\s+|the\s+)?"
            rf"{q}?(?P<rating>{ratings})\b(?!\s*(?:price|target))", re.I),
        "rating_noun": re.compile(
            rf"\b(?:an?|its|his|her|their|the|our)\s+{q}?(?P<rating>{ratings}){q}?\s+(?:rating|recommendation|call)\b",
            re.I),
        "rating_kept": re.compile(  # "we reiterate Outperform", "maintain Overweight", "reiterated Buy on X"
            rf"\b(?P<verb>reiterat\w*|maintain\w*|reaffirm\w*|retain\w*|keep|keeps|kept|rate|rates|rated)\s+"
            rf"(?:(?:its|their|his|her|our|the|a|an)\s+)?{q}?(?P<rating>{ratings}){q}?(?!\w)(?!\s*(?:price|target))",
            re.I),
        "target_move": re.compile(  # "raised our target", "cut its price target on the stock"
            rf"\b(?P<verb>{_alt(v['target_verbs'])})\s+(?:(?:his|her|its|their|the|a|our)\s+)?{target}\b", re.I),
        "target": re.compile(
            rf"\b(?P<verb>{_alt(v['target_verbs'])})\s+(?:(?:his|her|its|their|the|a|our)\s+)?{target}\b"
            rf"(?:\s+(?:for|on)\s+[^.;\d$€£¥₩]{{1,60}}?)?"
            rf"(?:\s+(?:to|at|of)\s+(?P<amt>{amount})(?:\s+from\s+(?P<prev>{amount}))?"
            rf"|\s+from\s+(?P<prev2>{amount})\s+to\s+(?P<amt2>{amount}))", re.I),
        "target_of": re.compile(rf"\b{target}\s+(?:of|at)\s+(?P<amt>{amount})", re.I),
    }


def parse_amount(text: str) -> tuple[float | None, str | None]:
    """'$18' -> (18.0, 'USD'); '260,000 won' -> (260000.0, 'KRW'); currency None when unstated."""
    cur_map = vocabulary()["currencies"]
    number = re.search(r"\d[\d,]*(?:\.\d+)?", text)
    if not number:
        return None, None
    value = float(number.group(0).replace(",", ""))
    before = text[: number.start()].strip().lower()
    after = text[number.end():].strip().lower()
    currency = cur_map.get(before) or cur_map.get(after)
    return value, currency


def _kept(rx: re.Pattern, text: str) -> re.Match | None:
    """"reiterate Outperform": a rating word right after the verb is a rating when written as one
    (capitalised or quoted), so "maintained a positive outlook" / "rate hold" are not."""
    for m in rx.finditer(text):
        word = m.group("rating")
        quoted = m.start("rating") > 0 and text[m.start("rating") - 1] in "\"“'‘"
        if word[:1].isupper() or quoted:
            return m
    return None


def parse_rating_change(text: str) -> RatingChange:
    """All rating / price-target facts stated in ``text`` (one sentence)."""
    rx = _regexes()
    v = vocabulary()
    rating = None
    rating_dir = verb_dir = 0
    start, end = len(text), 0
    m = rx["rating_to"].search(text) or rx["rating_noun"].search(text) or _kept(rx["rating_kept"], text)
    if m:
        rating = m.group("rating").lower()
        verb = (m.groupdict().get("verb") or "").lower()
        verb_dir = v["rating_verbs"].get(verb, 0) if m.re is not rx["rating_kept"] else 0
        rating_dir = verb_dir or v["ratings"][rating]
        start, end = m.start(), m.end()
    pt = prev = None
    currency = None
    target_dir = 0
    t = rx["target"].search(text)
    if t and (t.group("amt") or t.group("amt2")):
        pt, currency = parse_amount(t.group("amt") or t.group("amt2"))
        prev_text = t.group("prev") or t.group("prev2")
        if prev_text:
            prev, prev_cur = parse_amount(prev_text)
            currency = currency or prev_cur
        target_dir = v["target_verbs"].get(t.group("verb").lower(), 0)
        start, end = min(start, t.start()), max(end, t.end())
    else:
        t = rx["target_of"].search(text)
        if t:
            pt, currency = parse_amount(t.group("amt"))
            start, end = min(start, t.start()), max(end, t.end())
    if pt is not None and prev is not None and not target_dir:
        target_dir = (pt > prev) - (pt < prev)
    if pt is None:
        moved = rx["target_move"].search(text)
        if moved:
            target_dir = v["target_verbs"].get(moved.group("verb").lower(), 0)
            if target_dir:
                start, end = min(start, moved.start()), max(end, moved.end())
    if not (rating or pt is not None or target_dir):
        return RatingChange()
    return RatingChange(rating, rating_dir, pt, prev, currency, target_dir, verb_dir, start, end)
