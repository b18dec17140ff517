"""The model on a background thread: same scores as scoring in line, errors surface, threads restored."""

from __future__ import annotations

import threading

import pytest
import spacy
import torch

import analyzer.nlp.components.sentiment  # noqa: F401  (registers newsig_sentiment)
from analyzer.sentiment import load_model
from analyzer.sentiment.model import load_from
from analyzer.sentiment.overlap import ModelRunner
from analyzer.resources import models_dir

GROUPS = [
    (["Revenue climbed 12% and margins widened.", "The board meets on Friday.", "Acme cut 900 jobs after losses."],
     [None, None, "Acme"]),
    (["Shares of Globex sank 9% in early trading.", "Globex and Initech both rose."] * 4, ["Globex", "Initech"] * 4),
    ([], []),
    (["Profit fell.", "A dividend of 40 cents was declared, up from 35 cents, and the outlook was raised."], None),
]


@pytest.fixture(scope="module")
def model():
    return load_model()


def scores(preds):
    return [[p.probs[k] for k in ("negative", "neutral", "positive")] for p in preds]


def test_runner_gives_the_scores_of_scoring_in_line(model):
    expected = [scores(model.predict(texts, targets, batch_size=2)) for texts, targets in GROUPS]
    with ModelRunner(model, batch_size=2) as runner:
        jobs = [runner.submit(texts, targets) for texts, targets in GROUPS]
        got = [scores(job.result()) for job in reversed(jobs)][::-1]  # asked for out of order
    for want, have in zip(expected, got):
        assert len(want) == len(have)
        for a, b in zip(want, have):
            assert a == pytest.approx(b, abs=1e-6)


def test_traced_graph_matches_eager_on_other_shapes():
    fresh = load_from(models_dir())  # fp32, not the cached int8 model other tests share
    texts = ["Up.", "Acme Corp said on Tuesday that third-quarter revenue rose 14% to $2.1 billion, beating estimates."]
    eager = fresh.logits(texts * 3, ["Acme", None] * 3, batch_size=4)
    assert fresh.trace()
    traced = fresh.logits(texts * 3, ["Acme", None] * 3, batch_size=4)
    assert torch.allclose(eager, traced, atol=1e-5)
    assert fresh.trace()  # a second call keeps the graph


def test_a_failing_batch_raises_in_the_caller_and_the_thread_stops(model):
    class Broken:
        labels = model.labels

        def encode(self, texts, targets):
            return model.encode(texts, targets)

        plan = staticmethod(model.plan)

        def run(self, items, idx):
            raise RuntimeError("bad batch")

        def trace(self):
            return False

    threads_before = torch.get_num_threads()
    with ModelRunner(Broken(), batch_size=1, threads=1) as runner:
        job = runner.submit(["one", "two", "three"])
        with pytest.raises(RuntimeError, match="bad batch"):
            job.result()
    assert torch.get_num_threads() == threads_before
    assert not any(t.name == "newsig-sentiment" for t in threading.enumerate())


def test_component_pipe_equals_one_doc_at_a_time(model):
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("newsig_sentiment")
    texts = ["Sales fell sharply. The outlook was cut.", "Profit doubled and the shares jumped.",
             "The meeting is on Monday.", "", "Orders slumped. Costs rose. Margins shrank."] * 3
    piped = [d._.sentiment for d in nlp.pipe(texts, batch_size=2)]
    alone = [nlp(t)._.sentiment for t in texts]
    assert [a is None for a in piped] == [b is None for b in alone]
    assert [a for a in piped if a is not None] == pytest.approx([b for b in alone if b is not None], abs=1e-6)
    assert piped[3] is None and piped[0] < 0 < piped[1]
