"""Every percentage and money amount in a text, as token-aligned quantities.

Finding numbers is separate from deciding what they mean (:mod:`.numbers`):
this module knows number formats, currencies and multipliers, nothing about moves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span
from analyzer.nlp.components.context import doc_text

NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
PCT_RE = re.compile(
    rf"(?<![\w.])(?P<sign>[+\-−–]\s?|minus\s+|plus\s+)?(?P<num>{NUM})\s?"
    r"(?P<unit>%|percent\b|per\s?cent\b|pct\b|percentage\s+points?\b|basis\s+points?\b|bps\b)",
    re.IGNORECASE,
)
MULT = r"trillion|billion|million|thousand|crore|lakh|tn|bn|mn|mln|b|m|k"
PREFIX_CURRENCY = {
    "US$": "USD", "$": "USD", "C$": "CAD", "A$": "AUD", "HK$": "HKD", "S$": "SGD", "NT$": "TWD",
    "€": "EUR", "£": "GBP", "¥": "JPY", "₩": "KRW", "KRW": "KRW", "USD": "USD", "EUR": "EUR",
    "GBP": "GBP", "JPY": "JPY", "CNY": "CNY", "HKD": "HKD", "CHF": "CHF", "Rs": "INR", "Rs.": "INR",
    "INR": "INR", "₹": "INR", "RMB": "CNY", "SGD": "SGD", "AUD": "AUD", "CAD": "CAD", "NZ$": "NZD", "R$": "BRL",
    "TWD": "TWD", "SEK": "SEK", "NOK": "NOK", "DKK": "DKK", "Rp": "IDR", "RM": "MYR", "IDR": "IDR",
    "MYR": "MYR", "THB": "THB", "PHP": "PHP", "VND": "VND", "ZAR": "ZAR", "BRL": "BRL", "MXN": "MXN",
}
SUFFIX_CURRENCY = {
    "won": "KRW", "dollar": "USD", "dollars": "USD", "euro": "EUR", "euros": "EUR", "yen": "JPY",
    "yuan": "CNY", "renminbi": "CNY", "pound": "GBP", "pounds": "GBP", "pence": "GBp", "cents": "USc",
    "francs": "CHF", "rupees": "INR", "rupee": "INR", "krw": "KRW", "usd": "USD", "eur": "EUR", "gbp": "GBP",
    "jpy": "JPY", "cny": "CNY", "hkd": "HKD", "chf": "CHF",
}
PREFIX_PATTERN = "|".join(re.escape(k) for k in sorted(PREFIX_CURRENCY, key=len, reverse=True))
SUFFIX_PATTERN = "|".join(sorted(SUFFIX_CURRENCY, key=len, reverse=True))
MONEY_RE = re.compile(
    rf"(?<![\w$])(?P<sign>[+\-−–])?(?P<cur>{PREFIX_PATTERN})\s?(?P<num>{NUM})(?:\s?(?P<mult>{MULT})\b)?"
    rf"|(?<![\w.])(?P<num2>{NUM})(?:\s?(?P<mult2>{MULT})\b)?\s?(?P<cur2>{SUFFIX_PATTERN})\b"
    rf"|(?<![\w.$£€¥])(?P<num3>{NUM})p(?![\w])(?!\.\w)",  # "1,234p": pence, written on the number
    re.IGNORECASE,
)
MULTIPLIERS = {"trillion": 1e12, "tn": 1e12, "billion": 1e9, "bn": 1e9, "b": 1e9, "million": 1e6,
               "mn": 1e6, "mln": 1e6, "m": 1e6, "thousand": 1e3, "k": 1e3, "crore": 1e7, "lakh": 1e5}


@dataclass
class Quantity:
    """One number found in the text, before it becomes a Move or a Metric."""

    kind: str  # pct | money | level
    value: float
    start: int  # char offsets
    end: int
    span: Span
    signed: int = 0  # -1 / +1 when the text wrote a sign, else 0
    unit: str | None = None
    currency: str | None = None
    extra: dict = field(default_factory=dict)


def parse_number(text: str) -> float:
    return float(text.replace(",", ""))


def find_quantities(doc: Doc) -> list[Quantity]:
    """All percentages, money amounts, in text order, as token-aligned spans."""
    out: list[Quantity] = []
    taken: list[tuple[int, int]] = []
    for m in PCT_RE.finditer(doc_text(doc)):
        span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
        if span is None:
            continue
        sign = (m.group("sign") or "").strip().lower()
        signed = -1 if sign in ("-", "−", "–", "minus") else 1 if sign in ("+", "plus") else 0
        unit = m.group("unit").lower()
        unit = "pp" if unit.startswith("percentage") else "bp" if unit.startswith(("basis", "bp")) else "%"
        out.append(Quantity("pct", parse_number(m.group("num")), m.start(), m.end(), span, signed, unit))
        taken.append(m.span())
    for m in MONEY_RE.finditer(doc_text(doc)):
        if any(s < m.end() and m.start() < e for s, e in taken):
            continue
        span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
        if span is None:
            continue
        if m.group("cur"):
            cur_txt, num, mult = m.group("cur"), m.group("num"), m.group("mult")
            currency = PREFIX_CURRENCY.get(cur_txt) or PREFIX_CURRENCY.get(cur_txt.upper())
        elif m.group("num3"):
            cur_txt, num, mult, currency = "p", m.group("num3"), None, "GBp"
        else:
            cur_txt, num, mult = m.group("cur2"), m.group("num2"), m.group("mult2")
            currency = SUFFIX_CURRENCY.get(cur_txt.lower())
        if mult and mult.lower() in ("b", "m", "k") and not m.group("cur"):
            continue  # "5 m won" is too ambiguous without a prefix currency
        value = parse_number(num) * MULTIPLIERS.get((mult or "").lower(), 1.0)
        signed = -1 if (m.group("sign") or "") in ("-", "−", "–") else 0
        out.append(Quantity("money", value, m.start(), m.end(), span, signed, currency, currency,
                            {"scaled": bool(mult)}))
        taken.append(m.span())
    return sorted(out, key=lambda q: q.start)
