"""Who reported a story rather than what it is about: photo credits, bylines, data sources and wires.

:func:`credits_to_press` turns a name met only as a credit or a source ("Jane Doe/Getty Images",
"Source: Acme Data", "analysts polled by FactSet") into a news outlet; :func:`publisher_after` tells
an index name used as its publisher's ("Dow Jones Newswires"). Used by ``newsig_tickers``.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from analyzer.nlp.components.context import doc_text
from analyzer.universe.listings import Listing

# Credits and bylines: a name right after these words took the picture or carried the story.
CREDIT_BEFORE = re.compile(
    r"(?:\b(?:photo|photos|photograph|image|images|picture|pictures|graphic|credit|credits|source|sources)"
    r"(?:\s+by)?\s*[:\-]?|\b(?:powered|provided|distributed|published|supplied)\s+by|\bcourtesy\s+of|©|\(c\)|"
    r"\bcopyright)\s*(?:(?:©|\(c\))\s*)?(?:(?:19|20)\d\d\s*)?$", re.I)
# ...and these only when the name then ends the line or the bracket: "Jane Doe/Getty Images", "via Reuters)"
CREDIT_TAIL_BEFORE = re.compile(r"(?:\bvia|/)\s*$", re.I)
# A data vendor named as where a figure comes from ("according to FactSet", "polled by LSEG").
SOURCE_BEFORE = re.compile(
    r"\b(?:according\s+to|polled\s+by|surveyed\s+by|compiled\s+by|tracked\s+by|calculated\s+by|"
    r"consensus\s+(?:of|from)|estimates?\s+(?:of|from)|data\s+(?:from|by|of)|figures\s+from)\s*$", re.I)
ANALYSTS_AFTER = re.compile(r"^\s*(?:'s\s+|’s\s+)?(?:analysts?|economists?|strategists?|researchers?|"
                            r"research\s+(?:analysts?|notes?)|chief|head|team)\b", re.I)
SOURCE_AFTER = re.compile(r"^\s*(?:data|figures|consensus|estimates|poll|survey|calculations|compiled)\b", re.I)


def credits_to_press(doc: Doc, cands: list) -> None:
    """A name met only as a photo credit, a byline or a data source ('Jane Doe/Getty Images',
    'Source: Acme Data', 'analysts polled by FactSet') is who reported, not what the story is about:
    it becomes a news outlet (a firm in sector Media, no ticker), which owns no figure or view."""
    by_key: dict[str, list] = {}
    for c in cands:
        key = c.listing.key if c.listing is not None else "org:" + doc[c.start:c.end].text.lower()
        by_key.setdefault(key, []).append(c)
    for group in by_key.values():
        listing = group[0].listing
        if listing is not None and (listing.kind == "firm" or _bank_or_broker(listing)):
            continue  # a research house or bank ("according to Capital Economics") owns its views; an outlet stays one
        outlet = all(_outlet_name(doc[c.start:c.end]) for c in group)  # "ACCESS Newswire" carries others' news
        if not outlet and not all(_credit_context(doc, c.start, c.end) for c in group):
            continue
        for c in group:
            name = listing.name if listing is not None and listing.kind == "company" else doc[c.start:c.end].text
            c.listing = Listing(name=name, ticker=None, exchange=None, symbol=None,
                                country=listing.country if listing is not None else None, sector="Media", kind="firm")
            c.source = c.source if listing is not None else "ner"


_BANKING = re.compile(r"\b(?:bank|banks|banking|bancorp|securities|brokerage|investment\s+bank\w*)\b", re.I)


def _bank_or_broker(listing: Listing) -> bool:
    """A listed bank or broker (by its sector or its name): a source of views, never a news outlet."""
    return listing.kind == "company" and any(_BANKING.search(t or "") for t in (listing.sector, listing.name))


def _outlet_name(span: Span) -> bool:
    """An unlisted organisation named like a wire or a data desk: 'ACN Newswire', 'Dow Jones Market Data'."""
    words = [t.lower_ for t in span]
    return len(words) >= 2 and (words[-1] in ("newswire", "newswires", "wire") or words[-2:] == ["market", "data"])


def _credit_context(doc: Doc, start: int, end: int) -> bool:
    a, b = doc[start].idx, doc[end - 1].idx + len(doc[end - 1])
    line_start = doc_text(doc).rfind("\n", 0, a) + 1
    before = doc_text(doc)[max(line_start, a - 60):a]
    line_end = doc_text(doc).find("\n", b)
    after = doc_text(doc)[b:line_end if line_end >= 0 else len(doc_text(doc))]
    # "Source: Dow Jones Market Data, FactSet", "Powered by Onclusive and Dow Jones": earlier names of a list
    listed = re.sub(r"(?:[A-Z][\w&.'\-]*(?:\s+[A-Z&][\w&.'\-]*)*\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s+&\s+))+$", "", before)
    if ANALYSTS_AFTER.match(after):
        return False  # "according to Acme Research analysts": the firm's people, whose views these are
    if any(CREDIT_BEFORE.search(b) or SOURCE_BEFORE.search(b) for b in {before, listed}) or SOURCE_AFTER.match(after):
        return True
    if re.search(r"/\s*$", before) and re.match(r"^\s*/", after):
        return True  # a wire in a dateline: "VANCOUVER, BC / ACCESS Newswire / February 10"
    return bool(CREDIT_TAIL_BEFORE.search(before)) and not after.strip(" .*_)]")


PUBLISHER_WORDS = frozenset({"newswires", "newswire", "news", "media", "publishing"})


def publisher_after(doc: Doc, end: int) -> bool:
    """An index name followed by '& Co.' or a news word names a company ('Dow Jones & Co.'); also
    its front ('Dow' of 'Dow Jones Newswires')."""
    def word(i: int) -> str:  # "Newswires](https://...": a Markdown link glued to the word
        return re.sub(r"(?<=\w)\W.*$", "", doc[i].lower_) if i < len(doc) else ""

    if end < len(doc) and doc[end].is_title and doc[end].is_alpha and (word(end + 1) in PUBLISHER_WORDS
                                                                      or word(end + 1) == "&"):
        end += 1
    nxt = word(end)
    after = word(end + 1)
    return nxt in PUBLISHER_WORDS or (nxt == "&" and after in {"co", "co.", "company"}) or (
        nxt == "market" and after == "data")  # "Dow Jones Market Data show"
