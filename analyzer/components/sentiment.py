"""spaCy component ``newsig_sentiment``: transformer sentiment on sentences, entity mentions and the article.

Sets, with one batched model call per group of docs:

- ``Span._.sentiment`` (:class:`~analyzer.sentiment.Prediction` or None) on every sentence
  of ``doc.sents``;
- the same on every span in ``doc.spans["newsig_orgs"]`` and ``doc.spans["newsig_sectors"]``:
  the span's sentence scored with the span text as target (entity-level: "Intel tumbled while
  Nvidia rose" differs for the two);
- ``Doc._.sentiment`` (float in [-1, 1] or None): the article score, the mean of sentence
  scores weighted by non-neutrality ``1 - P(neutral)``, so neutral boilerplate (dates,
  disclaimers) does not dilute the sentences that carry the signal. None if no sentence has text.

The model loads lazily on the first doc, so building the pipeline stays cheap.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import minibatch

SPAN_KEY = "newsig_orgs"
SECTOR_KEY = "newsig_sectors"  # sectors are scored as targets too: "buy semiconductors" is positive for them
MAX_CONTEXT_CHARS = 400  # entity context cropped around the mention beyond this (the model reads ~96 tokens)


def register_extensions() -> None:
    if not Span.has_extension("sentiment"):
        Span.set_extension("sentiment", default=None)
    if not Doc.has_extension("sentiment"):
        Doc.set_extension("sentiment", default=None)


register_extensions()


@Language.factory("newsig_sentiment", default_config={"batch_size": 64, "model_path": None})
def make_sentiment(nlp: Language, name: str, batch_size: int, model_path: str | None) -> "SentimentScorer":
    """Factory: ``model_path`` = a model folder other than the shipped ``models/``."""
    return SentimentScorer(name, batch_size=batch_size, model_path=model_path)


def _sentences(doc: Doc) -> list[Span]:
    """``doc.sents``, or the whole doc when nothing set sentence boundaries."""
    try:
        return list(doc.sents)
    except ValueError:  # no sentencizer/parser ran: E030
        return [doc[:]] if len(doc) else []


def _context(span: Span, sentences: list[Span]) -> str:
    """The sentence holding ``span``, cropped around it when very long."""
    sent = next((s for s in sentences if s.start <= span.start < s.end), span.doc[:])
    text = sent.text
    if len(text) <= MAX_CONTEXT_CHARS:
        return text
    mid = (span.start_char + span.end_char) // 2 - sent.start_char
    lo = max(0, min(mid - MAX_CONTEXT_CHARS // 2, len(text) - MAX_CONTEXT_CHARS))
    return text[lo : lo + MAX_CONTEXT_CHARS]


def article_score(preds: Iterable[Any]) -> float | None:
    """Non-neutrality-weighted mean of sentence scores: ``article_score([])`` is None."""
    preds = [p for p in preds if p is not None]
    if not preds:
        return None
    weights = [1.0 - p.probs.get("neutral", 0.0) for p in preds]
    total = sum(weights)
    if total < 1e-6:
        return 0.0
    return sum(w * p.score for w, p in zip(weights, preds)) / total


class SentimentScorer:
    """Scores sentences and org spans of docs, batching across docs in :meth:`pipe`."""

    def __init__(self, name: str = "newsig_sentiment", batch_size: int = 64, model_path: str | None = None, model: Any = None) -> None:
        self.name = name
        self.batch_size = batch_size
        self.model_path = model_path
        self._model = model

    @property
    def model(self) -> Any:
        if self._model is None:
            from analyzer.sentiment import load_model

            self._model = load_model(Path(self.model_path) if self.model_path else None)
        return self._model

    def __call__(self, doc: Doc) -> Doc:
        self._score([doc])
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        for chunk in minibatch(docs, size=max(1, batch_size)):
            self._score(chunk)
            yield from chunk

    def _score(self, docs: list[Doc]) -> None:
        texts: list[str] = []
        targets: list[str | None] = []
        slots: list[tuple[int, Span]] = []
        per_doc: list[list[Span]] = []
        for d, doc in enumerate(docs):
            sents = _sentences(doc)
            per_doc.append(sents)
            for sent in sents:
                if sent.text.strip():
                    texts.append(sent.text)
                    targets.append(None)
                    slots.append((d, sent))
            for span in [*doc.spans.get(SPAN_KEY, []), *doc.spans.get(SECTOR_KEY, [])]:
                if span.text.strip():
                    texts.append(_context(span, sents))
                    targets.append(span.text)
                    slots.append((d, span))
        preds = self.model.predict(texts, targets, batch_size=self.batch_size) if texts else []
        sent_preds: list[list[Any]] = [[] for _ in docs]
        for (d, span), target, pred in zip(slots, targets, preds):
            span._.sentiment = pred
            if target is None:
                sent_preds[d].append(pred)
        for d, doc in enumerate(docs):
            doc._.sentiment = article_score(sent_preds[d])
