"""spaCy component ``newsig_sentiment``: transformer sentiment on sentences, entity mentions and the article.

Sets, with one batched model call per group of docs:

- ``Span._.sentiment`` (:class:`~analyzer.sentiment.model.Prediction` or None) on every sentence
  of ``doc.sents``;
- the same on every span in ``doc.spans["newsig_orgs"]`` and ``doc.spans["newsig_sectors"]``:
  the span's sentence scored with the span text as target (entity-level: "Intel tumbled while
  Nvidia rose" differs for the two);
- ``Doc._.sentiment`` (float in [-1, 1] or None): the article score, the mean of sentence
  scores weighted by non-neutrality ``1 - P(neutral)``, so neutral boilerplate (dates,
  disclaimers) does not dilute the sentences that carry the signal. None if no sentence has text.

- ``Doc._.title_sentiment`` (dict or None): the headline (``Doc._.title``) scored with each subject
  mention's text that it names as target, keyed by the lower-cased text ("Datadog Stock Tumbles
  on Earnings Guidance" for "Datadog"); read by ``extract`` as evidence of the entity's sentiment.

- ``Doc._.views``: each quote's stance from the model (``quotes.score_views``), scored in the
  same batch.

Identical (target, text) pairs are scored once, across the docs of a batch; an organisation's
mentions are scored only when it is a subject of the article (``extract.entity_roles``), the only
entities whose sentiment the records keep, and, when the universe does not know it, only when the
article names it three times or more.
The model loads lazily on the first doc, so building the pipeline stays cheap.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import minibatch

SPAN_KEY = "newsig_orgs"
REF_KEY = "newsig_refs"  # analyzer.nlp.components.references
SECTOR_KEY = "newsig_sectors"  # sectors are scored as targets too: "buy semiconductors" is positive for them
MAX_CONTEXT_CHARS = 400  # entity context cropped around the mention beyond this (the model reads ~96 tokens)
LOOKAHEAD = 2  # groups of docs spaCy may run ahead of the model in ``pipe``


def register_extensions() -> None:
    if not Span.has_extension("sentiment"):
        Span.set_extension("sentiment", default=None)
    if not Doc.has_extension("sentiment"):
        Doc.set_extension("sentiment", default=None)
    if not Doc.has_extension("title_sentiment"):
        Doc.set_extension("title_sentiment", default=None)


register_extensions()


@Language.factory("newsig_sentiment", default_config={"batch_size": 32, "model_path": None})
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
        """Score groups of docs, the model on one group while spaCy makes the next ones.

        A background thread (:class:`~analyzer.sentiment.overlap.ModelRunner`) scores group j
        while this thread pulls later groups through the components before this one; up to
        ``LOOKAHEAD`` groups wait for their scores, then this thread scores what is left of the
        oldest itself. Same inputs and batches as one group at a time, so the same scores.
        """
        from collections import deque

        from analyzer.sentiment.overlap import ModelRunner

        pending: deque = deque()
        with ModelRunner(self.model, batch_size=self.batch_size) as runner:
            for chunk in minibatch(docs, size=max(1, batch_size)):
                asked = self._requests(chunk)
                pending.append((chunk, asked, runner.submit(asked.texts, asked.targets)))
                while len(pending) > LOOKAHEAD or pending and pending[0][2].done:
                    yield from self._apply(*pending.popleft())
            while pending:
                yield from self._apply(*pending.popleft())

    def _predict(self, asked: "_Requests") -> list[Any]:
        return self.model.predict(asked.texts, asked.targets, batch_size=self.batch_size) if asked.texts else []

    def _apply(self, docs: list[Doc], asked: "_Requests", job: Any) -> list[Doc]:
        self._set(docs, asked, job.result())
        return docs

    def _score(self, docs: list[Doc]) -> None:
        """One model call for every sentence, target and quote of a group of docs."""
        asked = self._requests(docs)
        self._set(docs, asked, self._predict(asked))

    def _requests(self, docs: list[Doc]) -> "_Requests":
        """What to score for a group of docs: texts and targets, and where each score goes."""
        texts: list[str] = []
        targets: list[str | None] = []
        index: dict[tuple[str | None, str], int] = {}  # identical (target, text) pairs are scored once
        slots: list[tuple[int, Span, int]] = []
        quote_slots: list[tuple[int, int]] = []
        title_slots: list[tuple[int, str, int]] = []

        def ask(text: str, target: str | None) -> int:
            key = (target.lower() if target else None, text)
            if key not in index:
                index[key] = len(texts)
                texts.append(text)
                targets.append(target)
            return index[key]

        for d, doc in enumerate(docs):
            sents = _sentences(doc)
            for sent in sents:
                if sent.text.strip():
                    slots.append((d, sent, ask(sent.text, None)))
            subjects = _subject_spans(doc)
            title = _title(doc)
            for span in doc.spans.get(SPAN_KEY, []):
                if span.text.strip() and (span.start, span.end) in subjects and _worth_scoring(span):
                    slots.append((d, span, ask(_context(span, sents), span.text)))
                    if title and _names(title, span.text):
                        title_slots.append((d, span.text.lower(), ask(title, span.text)))
            for span in doc.spans.get(SECTOR_KEY, []):
                if span.text.strip():
                    slots.append((d, span, ask(_context(span, sents), span.text)))
            for ref in doc.spans.get(REF_KEY, []):  # "The company said ...": scored for the company named before
                ante = ref._.antecedent
                if ante is not None and (ante.start, ante.end) in subjects:
                    slots.append((d, ref, ask(_context(ref, sents), ante.text)))
            for view in _views(doc):
                quote_slots.append((d, ask(view.quote, None)))
        return _Requests(texts, targets, slots, quote_slots, title_slots)

    def _set(self, docs: list[Doc], asked: "_Requests", preds: list[Any]) -> None:
        slots, quote_slots = asked.slots, asked.quote_slots
        for _, span, i in slots:
            span._.sentiment = preds[i]
        for doc in docs:
            doc._.sentiment = article_score(s._.sentiment for s in _sentences(doc))
            doc._.title_sentiment = {}
        for d, target, i in asked.title_slots:
            docs[d]._.title_sentiment[target] = preds[i]
        if quote_slots:
            from analyzer.nlp.components.quotes import score_views

            known = {t: p for t, target, p in zip(asked.texts, asked.targets, preds) if target is None}
            scorer = _Precomputed(known, self)
            for d, doc in enumerate(docs):
                views = _views(doc)
                if views:
                    doc._.views = score_views(views, scorer)


@dataclass
class _Requests:
    texts: list[str]
    targets: list[str | None]
    slots: list[tuple[int, Span, int]]  # (doc, span, index into texts)
    quote_slots: list[tuple[int, int]]  # (doc, index into texts)
    title_slots: list[tuple[int, str, int]] = ()  # (doc, lower-cased target, index into texts)


class _Precomputed:
    """The model interface for ``score_views``: texts the batch scored already (quotes, sentences)
    are answered from its predictions, any other text by the model."""

    def __init__(self, known: dict[str, Any], scorer: "SentimentScorer") -> None:
        self.known = known
        self.scorer = scorer

    def predict(self, texts: Sequence[str], targets: Any = None, batch_size: int = 64) -> list[Any]:
        if targets is not None and any(targets):
            return self.scorer.model.predict(texts, targets, batch_size=self.scorer.batch_size)
        missing = list(dict.fromkeys(t for t in texts if t not in self.known))
        if missing:
            self.known.update(zip(missing, self.scorer.model.predict(missing, batch_size=self.scorer.batch_size)))
        return [self.known[t] for t in texts]


def _title(doc: Doc) -> str | None:
    title = doc._.title if Doc.has_extension("title") else None
    return title.strip() if isinstance(title, str) and title.strip() else None


def _names(title: str, name: str) -> bool:
    """The headline names ``name`` as a word ("TUI Shares Fall" names TUI, not "Intuit")."""
    import re

    return re.search(r"(?<!\w)" + re.escape(name.strip()) + r"(?!\w)", title, re.I) is not None


def _views(doc: Doc) -> list[Any]:
    return list(doc._.views or []) if Doc.has_extension("views") else []


def _subject_spans(doc: Doc) -> set[tuple[int, int]]:
    """(start, end) of the organisation mentions whose entity will be a subject: only a subject's
    sentiment is read (``extract.doc_to_result``), so other mentions are not scored. Roles come
    from ``extract.entities_and_roles``, computed once per Doc and read again by the records."""
    from analyzer.nlp.extract import entities_and_roles

    title = doc._.title if Doc.has_extension("title") else None
    meta = (doc._.meta_tickers or ()) if Doc.has_extension("meta_tickers") else ()
    groups, roles = entities_and_roles(doc, title, meta)
    return {(s.start, s.end) for key, spans in groups.items() if roles[key] == "subject" for s in spans}


def _worth_scoring(span: Span) -> bool:
    """A linked name always; an organisation the universe does not know only when the article
    keeps naming it (three times or more)."""
    if span.label_ != "ORG":
        return True
    name = span.text.lower()
    return sum(s.text.lower() == name for s in span.doc.spans.get(SPAN_KEY, [])) >= 3
