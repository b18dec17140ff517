"""The shipped sentiment model, its spaCy component, training helpers and the CLI.

The real model loads offline once per session; a corrupted copy in tmp_path checks
that a broken models/ folder fails with a message that says how to restore it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import spacy
from typer.testing import CliRunner

import analyzer.nlp.components.sentiment  # noqa: F401  (registers newsig_sentiment)
from analyzer.nlp.components.sentiment import article_score
from analyzer.errors import ModelMissing
from analyzer.sentiment.model import MODELS_DIR, WEIGHTS_FILE, Prediction, load_from, load_model
from analyzer.sentiment.training import Example, fiqa_label, load_csv, metrics
from cli import app

INTEL = "Intel tumbled 8.4% while Nvidia rose 3.1%."


@pytest.fixture(scope="session")
def model():
    return load_model()


@pytest.fixture()
def nlp(model):
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("newsig_sentiment")
    return nlp


@pytest.mark.parametrize(
    "text, label",
    [
        ("Operating profit rose 32% to EUR 15.2 million, and the company raised its outlook.", "positive"),
        ("Net sales fell 25% and the company swung to an operating loss.", "negative"),
        ("The annual general meeting will be held in Helsinki on 25 March.", "neutral"),
        ("Shares of the carmaker plunged after it cut its full-year guidance.", "negative"),
    ],
)
def test_clear_sentences(model, text, label):
    assert model.predict([text])[0].label == label


def test_prediction_shape(model):
    (p,) = model.predict(["Revenue increased 10%."])
    assert isinstance(p, Prediction)
    assert set(p.probs) == {"negative", "neutral", "positive"}
    assert abs(sum(p.probs.values()) - 1) < 1e-4
    assert p.label == max(p.probs, key=p.probs.get)
    assert p.score == pytest.approx(p.probs["positive"] - p.probs["negative"])
    assert -1 <= p.score <= 1


def test_entity_level_opposite_signs(model):
    intel, nvidia = model.predict([INTEL, INTEL], ["Intel", "Nvidia"])
    assert intel.score < 0 < nvidia.score
    assert (intel.label, nvidia.label) == ("negative", "positive")


def test_order_kept_across_length_sorted_batches(model):
    texts = ["Profit fell.", "The company said on Monday that quarterly operating profit more than doubled to a record.", "Sales rose."]
    batched = model.predict(texts, batch_size=1)
    together = model.predict(texts, batch_size=64)
    assert [p.label for p in batched] == [p.label for p in together] == ["negative", "positive", "positive"]


def test_odd_inputs_never_crash(model):
    long = "Revenue grew strongly across all regions. " * 400
    preds = model.predict(["", long, "x"], ["", "A very long target name " * 50, None])
    assert len(preds) == 3
    assert model.predict([]) == []
    with pytest.raises(ValueError):
        model.predict(["a", "b"], ["only one"])


def test_int8_default_agrees_with_fp32():
    """The default int8 model is a copy (fp32 untouched) whose scores stay close to fp32's."""
    fp32 = load_model(precision="fp32")
    int8 = load_model(precision="int8")
    assert int8 is not fp32 and int8.net["encoder"] is not fp32.net["encoder"]
    assert hasattr(fp32.net["encoder"].encoder.layer[0].attention.self, "query")  # fp32 weights unchanged
    texts = [INTEL, INTEL, "Operating profit rose to EUR 13.1 mn from EUR 8.7 mn.", "The company is based in Helsinki.",
             "Net sales fell 12% and the outlook was cut.", "Shares in Nokia jumped after the upgrade."]
    targets = ["Intel", "Nvidia", None, None, None, "Nokia"]
    a, b = fp32.predict(texts, targets), int8.predict(texts, targets)
    assert [p.label for p in a] == [p.label for p in b]
    assert max(abs(x.score - y.score) for x, y in zip(a, b)) < 0.05
    assert b[0].score < 0 < b[1].score


def test_int8_scores_do_not_depend_on_the_batch():
    """Activations are quantised per token, so batch-mates barely matter (unlike one scale per batch)."""
    int8 = load_model(precision="int8")
    texts = ["Profit fell.", INTEL, "Revenue was flat at EUR 3 mn, while the long-awaited merger finally closed after "
             "regulators in three countries approved the deal and the shares rallied sharply."]
    alone = [int8.predict([t])[0].score for t in texts]
    together = [p.score for p in int8.predict(texts)]
    assert max(abs(x - y) for x, y in zip(alone, together)) < 0.02


def test_quantize_int8_is_idempotent(model):
    from analyzer.sentiment.model import quantize_int8

    again = quantize_int8(model)
    assert again.predict([INTEL], ["Intel"])[0].score == pytest.approx(model.predict([INTEL], ["Intel"])[0].score, abs=1e-6)


def test_bad_precision_setting(monkeypatch):
    from analyzer.errors import BadSetting
    from analyzer.sentiment.model import default_precision

    monkeypatch.setenv("NEWSIG_SENTIMENT_PRECISION", "fp16")
    with pytest.raises(BadSetting, match="int8, fp32"):
        default_precision()
    monkeypatch.setenv("NEWSIG_SENTIMENT_PRECISION", "FP32")
    assert default_precision() == "fp32"


def test_load_model_is_cached():
    assert load_model() is load_model()


@pytest.fixture()
def model_copy(tmp_path) -> Path:
    dest = tmp_path / "models"
    shutil.copytree(MODELS_DIR, dest)
    return dest


def test_corrupt_weights_give_clear_error(model_copy):
    weights = model_copy / WEIGHTS_FILE
    data = bytearray(weights.read_bytes())
    data[len(data) // 2] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(ModelMissing, match="checksum mismatch") as err:
        load_from(model_copy)
    assert "git checkout models/" in err.value.message


def test_missing_weights_give_clear_error(model_copy):
    (model_copy / WEIGHTS_FILE).unlink()
    with pytest.raises(ModelMissing, match="not found") as err:
        load_model(model_copy)
    assert "newsig model train" in err.value.message


def test_component_sets_sentence_entity_and_doc_sentiment(nlp):
    from spacy.tokens import Span

    doc = nlp.make_doc(f"{INTEL} The company reported record profits. The meeting is on Tuesday.")
    # as the linker labels them: listed companies (subjects, scored) and an unknown organisation
    # named once in passing ("meeting" stands in for it), which is not scored
    doc.spans["newsig_orgs"] = [Span(doc, 0, 1, "COMPANY"), Span(doc, 5, 6, "COMPANY"), Span(doc, 17, 18, "ORG")]
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    sents = list(doc.sents)
    assert len(sents) == 3 and all(isinstance(s._.sentiment, Prediction) for s in sents)
    assert sents[1]._.sentiment.label == "positive"
    assert sents[2]._.sentiment.label == "neutral"
    intel, nvidia, passing = doc.spans["newsig_orgs"]
    assert (intel.text, nvidia.text, passing.text) == ("Intel", "Nvidia", "meeting")
    assert intel._.sentiment.score < 0 < nvidia._.sentiment.score
    assert passing._.sentiment is None  # only the mentions of the article's subjects are scored
    assert isinstance(doc._.sentiment, float) and -1 <= doc._.sentiment <= 1


def test_component_pipe_batches_across_docs(nlp):
    docs = list(nlp.pipe(["Shares rose 5% after strong results.", "", "Sales fell sharply and the outlook was cut."], batch_size=2))
    assert docs[0]._.sentiment > 0
    assert docs[1]._.sentiment is None
    assert docs[2]._.sentiment < 0


def test_component_without_sentence_boundaries(model):
    nlp = spacy.blank("en")
    nlp.add_pipe("newsig_sentiment")
    assert nlp("Quarterly profit collapsed.")._.sentiment < 0


def test_article_score_weights_by_non_neutrality():
    neutral = Prediction("neutral", {"negative": 0.0, "neutral": 1.0, "positive": 0.0}, 0.0)
    neg = Prediction("negative", {"negative": 0.9, "neutral": 0.1, "positive": 0.0}, -0.9)
    assert article_score([]) is None
    assert article_score([neutral]) == 0.0
    assert article_score([neutral, neutral, neg]) == pytest.approx(-0.9)


def test_metrics_and_labels(tmp_path):
    r = metrics(["positive", "negative", "neutral", "neutral"], ["positive", "neutral", "neutral", "neutral"])
    assert r["accuracy"] == 0.75
    assert r["confusion"] == [[0, 1, 0], [0, 2, 0], [0, 0, 1]]
    assert r["f1"]["negative"] == 0.0 and r["f1"]["positive"] == 1.0
    assert (fiqa_label(-0.37), fiqa_label(0.1), fiqa_label(0.6)) == ("negative", "neutral", "positive")
    bad = tmp_path / "bad.csv"
    bad.write_text("sentence,label\nx,positive\n")
    with pytest.raises(Exception, match="needs columns"):
        load_csv(bad)
    good = tmp_path / "good.csv"
    good.write_text("text,label,entity\nIntel fell,negative,Intel\nSales rose,positive,\n")
    assert load_csv(good) == [Example("Intel fell", "negative", "Intel", "csv"), Example("Sales rose", "positive", None, "csv")]


runner = CliRunner()


def test_cli_sentiment_jsonl(model):
    result = runner.invoke(app, ["sentiment", INTEL, "--entity", "Intel"])
    assert result.exit_code == 0, result.output
    row = json.loads(result.stdout.strip())
    assert row["entity"] == "Intel" and row["label"] == "negative" and row["score"] < 0
    assert set(row["probs"]) == {"negative", "neutral", "positive"}


def test_cli_sentiment_file_jsonl_and_table(model, tmp_path):
    f = tmp_path / "in.jsonl"
    f.write_text(json.dumps({"text": INTEL, "entity": "Nvidia"}) + "\n\n" + json.dumps({"text": "Profit fell."}) + "\n")
    result = runner.invoke(app, ["sentiment", "--file", str(f), "--format", "table"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[0].split() == ["label", "score", "entity", "text"]
    assert lines[1].startswith("positive") and "Nvidia" in lines[1]
    assert lines[2].startswith("negative") and " - " in lines[2]


def test_cli_sentiment_precision(model, monkeypatch):
    scores = {}
    for precision in ("fp32", "int8"):
        result = runner.invoke(app, ["sentiment", INTEL, "--entity", "Nvidia", "--precision", precision])
        assert result.exit_code == 0, result.output
        scores[precision] = json.loads(result.stdout.strip())["score"]
    assert scores["fp32"] > 0 and abs(scores["fp32"] - scores["int8"]) < 0.05
    assert runner.invoke(app, ["sentiment", "x", "--precision", "fp16"]).exit_code == 2
    monkeypatch.setenv("NEWSIG_SENTIMENT_PRECISION", "bf16")
    result = runner.invoke(app, ["sentiment", "x"])
    assert result.exit_code == 1 and result.output.startswith("Error: Bad setting: NEWSIG_SENTIMENT_PRECISION")


def test_cli_sentiment_errors(model_copy):
    assert runner.invoke(app, ["sentiment"]).exit_code == 2
    assert runner.invoke(app, ["sentiment", "x", "--format", "xml"]).exit_code == 2
    (model_copy / WEIGHTS_FILE).unlink()
    result = runner.invoke(app, ["sentiment", "Profit fell.", "--model", str(model_copy)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: The sentiment model is missing or corrupt")


def test_cli_model_eval_on_csv(model, tmp_path):
    f = tmp_path / "labelled.csv"
    f.write_text(f"text,label,entity\n\"{INTEL}\",negative,Intel\n\"{INTEL}\",positive,Nvidia\nNet profit fell 40%.,negative,\n")
    result = runner.invoke(app, ["model", "eval", "--csv", str(f), "--format", "json"])
    assert result.exit_code == 0, result.output
    r = json.loads(result.stdout)["labelled.csv"]
    assert r["n"] == 3 and r["accuracy"] == 1.0


def test_cli_help_is_documented():
    for args in (["sentiment", "--help"], ["model", "train", "--help"], ["model", "eval", "--help"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0 and "Example:" in result.output


def test_shared_splits_load(shared_data):
    from analyzer.sentiment.training import load_dataset

    assert len(load_dataset("fpb", "dev", shared_data)) == 483
    assert len(load_dataset("fpb-allagree", "test", shared_data)) == 428
    sentfin = load_dataset("sentfin", "dev", shared_data)
    assert len(sentfin) == 1410 and all(e.target for e in sentfin)
    assert {e.label for e in load_dataset("fiqa", "train", shared_data)} == {"negative", "neutral", "positive"}


def test_cli_reads_sentences_from_stdin():
    from typer.testing import CliRunner

    from cli import app

    res = CliRunner().invoke(app, ["sentiment", "-", "--entity", "Intel"],
                             input="Intel tumbled 8.4% while Nvidia rose 3.1%.\nIntel beat estimates and raised guidance.\n")
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    assert [r["entity"] for r in rows] == ["Intel", "Intel"]
    assert rows[0]["score"] < 0 < rows[1]["score"]
