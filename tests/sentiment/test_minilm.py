"""The plain-torch encoder and tokenizer agree with transformers' BertModel and tokenizer."""

from __future__ import annotations

import pytest
import torch

from analyzer.sentiment.minilm import BertEncoder, BertTokenizer
from analyzer.sentiment.model import base_model_path, build_network, collate, load_tokenizer, tokenize

TEXTS = ["Ecopro finished trading at 49,650 won, a drop of 12.59% from the previous day.",
         "Operating profit rose 3%.", "x " * 300]
TARGETS = ["Ecopro", None, "A very long target name " * 10]


@pytest.fixture(scope="module")
def base():
    return base_model_path()


def test_tokenizer_matches_transformers(base):
    ours = tokenize(BertTokenizer(base), TEXTS, TARGETS, 96)
    theirs = tokenize(load_tokenizer(base), TEXTS, TARGETS, 96)
    assert ours == theirs
    assert max(len(x["input_ids"]) for x in ours) == 96  # long inputs are cut, never fail


def test_encoder_matches_transformers(base):
    torch.manual_seed(0)
    ours = BertEncoder.from_base(base)
    theirs = build_network(base)["encoder"].eval()
    batch = collate(tokenize(BertTokenizer(base), TEXTS, TARGETS, 96))
    with torch.inference_mode():
        a = ours(**batch).last_hidden_state
        b = theirs(**batch).last_hidden_state
    mask = batch["attention_mask"].bool()
    assert torch.allclose(a[mask], b[mask], atol=1e-4)
