"""The stance of an analyst view: what the analyst does (rating, target move) decides, else the text.

Part of the ``newsig_quotes`` component (re-exported by :mod:`.quotes`): :func:`score_views` with
the sentiment model, :func:`interim_lexicon_stance` until the model is loaded.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Protocol, Sequence

from analyzer.nlp.components.ratings import vocabulary
from analyzer.records import View

STANCE_THRESHOLD = 0.2


class _Model(Protocol):
    def predict(self, texts: Sequence[str], targets: Sequence[str] | None = None) -> list[Any]: ...


def action_direction(view: View) -> int | None:
    """What the analyst did, when it says: +1 / 0 / -1, or None when no rating or target moved.

    A rating decides first: an upgrade is positive and a downgrade negative whatever the
    rating ("cut to hold"), else the rating itself (Buy +1, Neutral 0, Sell -1: "kept its
    neutral rating" is neutral even with a lower target). Without a rating, a raised target is
    positive and a cut one negative.
    """
    if view.rating_direction:
        return view.rating_direction
    if view.rating:
        return vocabulary()["ratings"].get(view.rating.lower(), 0)
    direction = view.target_direction or 0
    if not direction and view.price_target is not None and view.previous_price_target is not None:
        diff = view.price_target - view.previous_price_target
        direction = (diff > 0) - (diff < 0)
    return direction or None


def _label(score: float) -> str:
    return "positive" if score > STANCE_THRESHOLD else "negative" if score < -STANCE_THRESHOLD else "neutral"


def _stance(score: float, view: View) -> tuple[str, float]:
    """(label, score): the action's direction when there is one, else the text's score."""
    direction = action_direction(view)
    if direction is None:
        return _label(score), round(score, 3)
    blended = round(max(-1.0, min(1.0, 0.6 * direction + 0.4 * score)), 3)
    return ("positive", "neutral", "negative")[1 - direction], blended


def lexicon_score(text: str) -> float:
    """INTERIM finance word count score in [-1, 1]: (positive - negative) / (hits + 1), negation flips."""
    vocab = vocabulary()
    words = re.findall(r"[a-z][a-z'-]*", text.lower())
    pos, neg = set(vocab["interim_positive"]), set(vocab["interim_negative"])
    negators = set(vocab["negators"])
    p = n = 0
    for i, w in enumerate(words):
        sign = 1 if w in pos else -1 if w in neg else 0
        if sign and any(x in negators for x in words[max(0, i - 3):i]):
            sign = -sign
        p += sign > 0
        n += sign < 0
    return (p - n) / (p + n + 1)


def interim_lexicon_stance(view: View) -> tuple[str, float]:
    """INTERIM rule until the sentiment model scores views (:func:`score_views` replaces it):
    :func:`lexicon_score` of the quote, unless a rating or target move decides (:func:`action_direction`)."""
    return _stance(lexicon_score(view.quote), view)


def score_views(views: list[View], model: _Model) -> list[View]:
    """Stance from the sentiment model on each quote, unless a rating or target move decides."""
    if not views:
        return []
    preds = model.predict([v.quote for v in views])
    out = []
    for view, pred in zip(views, preds):
        if action_direction(view) is None:
            label, score = pred.label, round(float(pred.score), 3)
        else:
            label, score = _stance(float(pred.score), view)
        out.append(replace(view, stance=label, score=score, stance_source="model"))
    return out
