"""int8 inference for the encoder's Linear layers: per-token activations, per-channel weights.

``torch.ao``'s dynamic quantisation picks one activation scale for a whole batch, so one
token with a large value coarsens every other token's grid: on dev it flipped 3.4% of
predictions and cost about a point of accuracy. Here every row (token) gets its own scale
and every output channel of the weight its own, and the product runs as an exact int8 x
int8 -> int32 matrix multiply (``torch._int_mm``). On dev that flips 0.6% of predictions,
keeps accuracy (see ``models/README.md``) and runs about twice as fast as fp32 on a
2-core CPU. A token's scale depends only on that token, so a sentence scores the same
whatever else is in its batch, up to fp32 rounding (under 0.02 in probability on dev).

Q, K and V share their input, so they become one fused projection (one quantisation of
the input, one matrix multiply); :class:`analyzer.sentiment.minilm.SelfAttention` uses ``qkv`` when
present.
"""

from __future__ import annotations

import torch
from torch import nn

QMAX = 127  # symmetric int8: [-127, 127], so -x never overflows


def available() -> bool:
    """Whether this torch has the int8 matrix multiply (CPU ``torch._int_mm``)."""
    return hasattr(torch, "_int_mm")


class Int8Linear(nn.Module):
    """``y = x W^T + b`` with W as int8 (a scale per output channel) and x quantised per row."""

    def __init__(self, weight: torch.Tensor, bias: torch.Tensor) -> None:
        super().__init__()
        w = weight.detach().float()
        scale = w.abs().amax(1).clamp(min=1e-8) / QMAX
        self.register_buffer("w_t", (w / scale[:, None]).round().clamp(-QMAX, QMAX).to(torch.int8).t().contiguous())
        self.register_buffer("w_scale", scale)
        self.register_buffer("bias", bias.detach().float().clone())

    @classmethod
    def from_linear(cls, *linears: nn.Linear) -> "Int8Linear":
        """One layer, or several with the same input fused along the output (Q, K, V)."""
        return cls(torch.cat([l.weight for l in linears]), torch.cat([l.bias for l in linears]))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shape = x.shape
        x = x.reshape(-1, shape[-1])
        sx = x.abs().amax(1, keepdim=True).clamp(min=1e-8) / QMAX
        xq = (x / sx).round_().to(torch.int8)  # |x / sx| <= 127 by construction
        y = torch._int_mm(xq, self.w_t).float().mul_(sx * self.w_scale).add_(self.bias)
        return y.reshape(*shape[:-1], -1)


def quantize_encoder(encoder: nn.Module) -> nn.Module:
    """Swap every Linear of a :class:`analyzer.sentiment.minilm.BertEncoder` for int8, in place; Q/K/V fused.

    An encoder already quantised is returned as it is.
    """
    for layer in encoder.encoder.layer:
        attn = getattr(layer.attention, "self")
        if hasattr(attn, "qkv"):
            continue
        attn.qkv = Int8Linear.from_linear(attn.query, attn.key, attn.value)
        del attn.query, attn.key, attn.value
        layer.attention.output.dense = Int8Linear.from_linear(layer.attention.output.dense)
        layer.intermediate.dense = Int8Linear.from_linear(layer.intermediate.dense)
        layer.output.dense = Int8Linear.from_linear(layer.output.dense)
    return encoder
