"""Sentiment speed on this CPU: our model vs a BERT-base-sized classifier, plus int8 dynamic quantisation.

All models score the same sentences (FPB dev, 483 sentences) with the same tokenizer,
length-sorted batches, max length and threads, in one run. The BERT-base model
(FinBERT's architecture: 12 layers, 768 hidden) has random weights: it is here for
timing only. int8 is newsig's default (:mod:`analyzer.sentiment.int8`: per-token activations,
per-channel weights, ``torch._int_mm``); ``torch.ao``'s dynamic quantisation (one activation
scale per batch) is timed beside it. Accuracy on the dev splits, and the share of predictions
that differ from fp32, show whether each keeps accuracy.

    .venv/bin/python benchmarks/bench_sentiment.py [--repeat 3] [--batch-size 64] [--threads N]
"""

from __future__ import annotations

import argparse
import copy
import os
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def throughput(model, texts: list[str], batch_size: int, repeat: int) -> float:
    """Best-of-``repeat`` sentences/second for ``model.predict`` (one warm-up pass first)."""
    model.predict(texts[:batch_size], batch_size=batch_size)
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        model.predict(texts, batch_size=batch_size)
        best = min(best, time.perf_counter() - t)
    return len(texts) / best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--threads", type=int, default=0, help="torch threads (default: the CPU count)")
    ap.add_argument("--no-accuracy", action="store_true", help="skip the dev-split accuracy of fp32 vs int8")
    args = ap.parse_args()

    import warnings

    import torch
    from transformers import BertConfig, BertForSequenceClassification

    from analyzer.sentiment.model import SentimentModel, load_model, quantize_int8, set_threads
    from analyzer.sentiment.training import load_dataset, metrics

    warnings.filterwarnings("ignore")  # torch.ao's deprecation notice for quantize_dynamic
    set_threads(args.threads or None)
    torch.manual_seed(0)
    ours = load_model(precision="fp32")
    texts = [e.text for e in load_dataset("fpb", "dev")]

    int8 = quantize_int8(ours)
    from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

    ao_net = quantize_dynamic(copy.deepcopy(ours.net), {torch.nn.Linear: per_channel_dynamic_qconfig})
    ao_int8 = SentimentModel(ao_net, ours.tokenizer, ours.config)

    bert = BertForSequenceClassification(BertConfig(num_labels=3)).eval()  # random weights, FinBERT-sized
    bert_net = torch.nn.ModuleDict({"encoder": bert.bert, "head": bert.classifier})  # same forward() as ours
    finbert_sized = SentimentModel(bert_net, ours.tokenizer, ours.config)

    def params(m: SentimentModel) -> str:
        return f"{sum(p.numel() for p in m.net.parameters()) / 1e6:.1f}M"

    rows = []
    for name, m, p in (
        ("newsig MiniLM-L6 (int8 per-token, default)", int8, params(ours)),
        ("newsig MiniLM-L6 (fp32)", ours, params(ours)),
        ("newsig MiniLM-L6 (torch.ao int8 dynamic)", ao_int8, params(ours)),
        ("BERT-base classifier (FinBERT size, random)", finbert_sized, params(finbert_sized)),
    ):
        rows.append((name, p, throughput(m, texts, args.batch_size, args.repeat)))

    base_rate = rows[-1][2]
    print(f"\n{len(texts)} FPB dev sentences, batch {args.batch_size}, max length {ours.max_length} tokens, "
          f"{torch.get_num_threads()} torch threads, {os.cpu_count()} CPUs, torch {torch.__version__}\n")
    print("| model | params | sentences/s | ms/sentence | vs BERT-base |")
    print("|---|---:|---:|---:|---:|")
    for name, p, rate in rows:
        print(f"| {name} | {p} | {rate:.0f} | {1000 / rate:.2f} | {rate / base_rate:.1f}x |")

    if not args.no_accuracy:
        models = {"fp32": ours, "int8": int8, "torch.ao int8": ao_int8}
        print("\n| dev split | " + " | ".join(f"{k} acc / macro-F1" for k in models) + " | int8 / torch.ao changed vs fp32 |")
        print("|---|" + "---:|" * (len(models) + 1))
        for ds in ("fpb", "fpb-allagree", "sentfin", "twitter"):
            rows_ = load_dataset(ds, "dev")
            pred = {k: [p.label for p in m.predict([e.text for e in rows_], [e.target for e in rows_])] for k, m in models.items()}
            res = {k: metrics([e.label for e in rows_], labels) for k, labels in pred.items()}
            changed = [sum(a != b for a, b in zip(pred[k], pred["fp32"])) / len(rows_) for k in ("int8", "torch.ao int8")]
            print(f"| {ds} | " + " | ".join(f"{r['accuracy']:.4f} / {r['macro_f1']:.4f}" for r in res.values())
                  + f" | {changed[0]:.1%} / {changed[1]:.1%} |")


if __name__ == "__main__":
    main()
