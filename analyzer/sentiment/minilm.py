"""A BERT encoder and tokenizer for inference in plain torch + ``tokenizers``.

Same module names, weights and outputs as ``transformers``' ``BertModel`` (checked
in ``tests/test_minilm.py``), but importing it costs milliseconds where importing
``transformers``' BERT costs about two seconds of every cold ``newsig analyze``.
Training keeps using ``transformers`` (:func:`analyzer.sentiment.model.build_network`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

import torch
import torch.nn.functional as F
from torch import nn


class Output(NamedTuple):
    last_hidden_state: torch.Tensor


class Embeddings(nn.Module):
    def __init__(self, cfg: dict[str, Any]) -> None:
        super().__init__()
        h = cfg["hidden_size"]
        self.word_embeddings = nn.Embedding(cfg["vocab_size"], h, padding_idx=cfg.get("pad_token_id", 0))
        self.position_embeddings = nn.Embedding(cfg["max_position_embeddings"], h)
        self.token_type_embeddings = nn.Embedding(cfg["type_vocab_size"], h)
        self.LayerNorm = nn.LayerNorm(h, eps=cfg["layer_norm_eps"])

    def forward(self, input_ids: torch.Tensor, token_type_ids: torch.Tensor) -> torch.Tensor:
        positions = torch.arange(input_ids.shape[1], device=input_ids.device).unsqueeze(0)
        x = self.word_embeddings(input_ids) + self.position_embeddings(positions) + self.token_type_embeddings(token_type_ids)
        return self.LayerNorm(x)


class SelfAttention(nn.Module):
    def __init__(self, cfg: dict[str, Any]) -> None:
        super().__init__()
        h = cfg["hidden_size"]
        self.heads = cfg["num_attention_heads"]
        self.query, self.key, self.value = nn.Linear(h, h), nn.Linear(h, h), nn.Linear(h, h)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        b, t, h = x.shape

        def split(y: torch.Tensor) -> torch.Tensor:
            return y.view(b, t, self.heads, h // self.heads).transpose(1, 2)

        if hasattr(self, "qkv"):  # fused Q/K/V projection (analyzer.sentiment.int8)
            q, k, v = self.qkv(x).split(h, dim=-1)
        else:
            q, k, v = self.query(x), self.key(x), self.value(x)
        out = F.scaled_dot_product_attention(split(q), split(k), split(v), attn_mask=mask)
        return out.transpose(1, 2).reshape(b, t, h)


class DenseNorm(nn.Module):
    """BERT's "output" blocks: dense, then LayerNorm over the residual."""

    def __init__(self, d_in: int, d_out: int, eps: float) -> None:
        super().__init__()
        self.dense = nn.Linear(d_in, d_out)
        self.LayerNorm = nn.LayerNorm(d_out, eps=eps)

    def forward(self, x: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
        return self.LayerNorm(self.dense(x) + residual)


class Attention(nn.Module):
    def __init__(self, cfg: dict[str, Any]) -> None:
        super().__init__()
        setattr(self, "self", SelfAttention(cfg))  # BERT's module name
        self.output = DenseNorm(cfg["hidden_size"], cfg["hidden_size"], cfg["layer_norm_eps"])

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return self.output(getattr(self, "self")(x, mask), x)


class Intermediate(nn.Module):
    def __init__(self, cfg: dict[str, Any]) -> None:
        super().__init__()
        if cfg.get("hidden_act", "gelu") != "gelu":
            raise ValueError(f"unsupported activation {cfg.get('hidden_act')!r}")
        self.dense = nn.Linear(cfg["hidden_size"], cfg["intermediate_size"])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.gelu(self.dense(x))  # exact (erf) GELU, as BERT's "gelu"


class Layer(nn.Module):
    def __init__(self, cfg: dict[str, Any]) -> None:
        super().__init__()
        self.attention = Attention(cfg)
        self.intermediate = Intermediate(cfg)
        self.output = DenseNorm(cfg["intermediate_size"], cfg["hidden_size"], cfg["layer_norm_eps"])

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        a = self.attention(x, mask)
        return self.output(self.intermediate(a), a)


class Stack(nn.Module):
    def __init__(self, cfg: dict[str, Any]) -> None:
        super().__init__()
        self.layer = nn.ModuleList(Layer(cfg) for _ in range(cfg["num_hidden_layers"]))


class BertEncoder(nn.Module):
    """``BertModel`` without pooler, for inference: ``enc(input_ids=..., attention_mask=..., token_type_ids=...)``."""

    def __init__(self, cfg: dict[str, Any]) -> None:
        super().__init__()
        self.config = cfg
        self.embeddings = Embeddings(cfg)
        self.encoder = Stack(cfg)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor) -> Output:
        x = self.embeddings(input_ids, token_type_ids)
        mask = attention_mask.bool()[:, None, None, :]  # True = attend
        for layer in self.encoder.layer:
            x = layer(x, mask)
        return Output(x)

    @classmethod
    def from_base(cls, base: Path) -> "BertEncoder":
        """The pre-trained base encoder from its folder (``config.json`` + ``model.safetensors``)."""
        from safetensors.torch import load_file

        cfg = json.loads((base / "config.json").read_text())
        enc = cls(cfg)
        state = {k.removeprefix("bert."): v for k, v in load_file(str(base / "model.safetensors")).items()}
        state = {k: v for k, v in state.items() if not k.startswith("pooler.") and k != "embeddings.position_ids"}
        enc.load_state_dict(state, strict=True)
        return enc.eval()


class BertTokenizer:
    """``tokenizers``' fast BERT tokenizer with the call shape of ``transformers``' (what
    :func:`analyzer.sentiment.model.tokenize` uses): ``tok(texts[, pairs], truncation=..., max_length=...)``."""

    def __init__(self, base: Path) -> None:
        from tokenizers import Tokenizer

        self._tok = Tokenizer.from_file(str(base / "tokenizer.json"))
        self._tok.no_padding()
        self.pad_token_id = self._tok.token_to_id("[PAD]") or 0

    def __call__(self, texts: Sequence[str], pairs: Sequence[str] | None = None, *, truncation: Any = True,
                 max_length: int = 512) -> dict[str, list[list[int]]]:
        strategy = "longest_first" if truncation in (True, "longest_first") else str(truncation)
        self._tok.enable_truncation(max_length=max_length, strategy=strategy)
        inputs = list(texts) if pairs is None else list(zip(texts, pairs))
        enc = self._tok.encode_batch(inputs)
        return {
            "input_ids": [e.ids for e in enc],
            "token_type_ids": [e.type_ids for e in enc],
            "attention_mask": [e.attention_mask for e in enc],
        }
