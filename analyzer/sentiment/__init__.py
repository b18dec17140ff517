"""The finance-tuned sentiment model: weights, inference and training.

- :mod:`.model` loads the shipped MiniLM classifier (checksummed weights in ``models/``) and predicts
  sentences and (entity, sentence) pairs.
- :mod:`.minilm` is the inference encoder (no ``transformers`` import, fast start);
  :mod:`.int8` its int8 Linear layers for CPU.
- :mod:`.training` trains and evaluates the model (``newsig model train|eval``).

Public: :func:`load_model`, :class:`SentimentModel`, :class:`Prediction`, :data:`PRECISIONS`,
:func:`default_precision`.
"""

from analyzer.sentiment.model import PRECISIONS, Prediction, SentimentModel, default_precision, load_model

__all__ = ["PRECISIONS", "Prediction", "SentimentModel", "default_precision", "load_model"]
