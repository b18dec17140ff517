"""spaCy's ``attribute_ruler`` with the same output and a fraction of the cost (``newsig_attributes``).

en_core_web_sm's attribute ruler maps tags to POS/MORPH and fixes lemmas and POS with
~180 patterns, almost all one token long. spaCy runs them through its ``Matcher``, which tries
every pattern on every token. This component compiles the *loaded model's own* patterns
(``build_nlp`` hands it ``nlp.get_pipe("attribute_ruler").patterns``) into per-token checks:

* each pattern is indexed by one equality/``IN`` test of its first token, preferring the most
  selective attribute (LOWER, ORTH, NORM, LEMMA, then TAG, DEP, POS, flags); a token only tries
  the patterns under its own values, plus the few patterns with no such test (a ``REGEX``,
  a ``NOT_IN``);
* which one-token-pattern conditions hold depends only on the token's values of the attributes
  the patterns read, so the result is memoised on that tuple of values.

Semantics are spaCy's ``AttributeRuler``: every match is found on the attributes as they were
before the component ran; matches are applied in pattern order (a later pattern wins); ``index``
picks the token inside a multi-token match; attributes are written with spaCy's own
``set_token_attrs`` after ``normalize_token_attrs``. The patterns' values are converted the way
the ``Matcher`` converts them (``StringStore.add`` for plain strings, ``int`` for booleans,
``get_string_id`` inside ``IN``/``NOT_IN``) and compared with the same token values
(``Doc.to_array`` reads ``get_token_attr``, as the ``Matcher`` does).

Anything the compiler does not handle -- another key or operator (``OP``, ``_``, ``>=``,
``FUZZY``, ``IS_SUBSET``, a ``REGEX`` on a flag, ...), an ``index`` outside its pattern, an
attribute to set other than TAG/POS/MORPH/LEMMA/DEP/NORM -- makes :func:`compile_ruler` return
spaCy's own ``AttributeRuler`` with all the patterns: a pattern is never dropped.
"""

from __future__ import annotations

import re
from typing import Any

from spacy.attrs import IDS, DEP, LEMMA, MORPH, NORM, POS, TAG
from spacy.language import Language
from spacy.pipeline import AttributeRuler
from spacy.strings import get_string_id
from spacy.tokens import Doc
from spacy.tokens._retokenize import normalize_token_attrs, set_token_attrs

# attributes a pattern may test, in order of preference for the index (most selective first)
STRING_KEYS = ("LOWER", "ORTH", "NORM", "LEMMA", "TAG", "DEP", "POS")
FLAG_KEYS = ("IS_SPACE", "IS_PUNCT", "IS_DIGIT", "IS_ALPHA")
KEY_ALIASES = {"TEXT": "ORTH"}
# token attributes set_token_attrs writes on the token only (no lexeme side effect), so the
# order in which different tokens are written cannot matter
SETTABLE = frozenset((TAG, POS, MORPH, LEMMA, DEP, NORM))
MEMO_LIMIT = 200_000  # distinct attribute-value tuples remembered before the memo starts over

EQ, IN, NOT_IN, REGEX = "EQ", "IN", "NOT_IN", "REGEX"


class Unsupported(Exception):
    """A pattern uses a key, operator or attribute that the attribute compiler does not handle."""


@Language.factory("newsig_attributes", default_config={"patterns": []})
def make_attributes(nlp: Language, name: str, patterns: list[dict[str, Any]]):
    """The compiled ruler, or spaCy's ``AttributeRuler`` when a pattern is beyond the compiler."""
    return compile_ruler(nlp.vocab, patterns, name=name)


def compile_ruler(vocab, patterns: list[dict[str, Any]], name: str = "attribute_ruler"):
    """``FastAttributeRuler`` for ``patterns`` (``AttributeRuler.patterns`` format), else spaCy's ruler."""
    try:
        return FastAttributeRuler(vocab, patterns, name=name)
    except Unsupported:
        ruler = AttributeRuler(vocab, name=name)
        ruler.add_patterns(patterns)
        return ruler


def _token_conditions(spec: dict, vocab, columns: dict[str, int]) -> tuple:
    """One token's pattern dict -> ((column, kind, value), ...), converted as the Matcher converts them."""
    conds = []
    for raw_key, value in spec.items():
        if not isinstance(raw_key, str):
            raise Unsupported(raw_key)
        key = KEY_ALIASES.get(raw_key.upper(), raw_key.upper())
        if key not in STRING_KEYS and key not in FLAG_KEYS:
            raise Unsupported(key)
        col = columns.setdefault(key, len(columns))
        if isinstance(value, dict):
            if not value:
                raise Unsupported(value)
            for op, arg in value.items():
                op = op.upper() if isinstance(op, str) else op
                if op in (IN, NOT_IN) and isinstance(arg, (list, tuple)) and all(isinstance(v, (str, int)) for v in arg):
                    conds.append((col, op, frozenset(get_string_id(v) for v in arg)))
                elif op == REGEX and isinstance(arg, str) and key in STRING_KEYS:
                    conds.append((col, REGEX, re.compile(arg)))
                else:
                    raise Unsupported(op)
        elif isinstance(value, bool):
            conds.append((col, EQ, int(value)))
        elif isinstance(value, str):
            conds.append((col, EQ, vocab.strings.add(value)))
        elif isinstance(value, int):
            conds.append((col, EQ, value))
        else:
            raise Unsupported(value)
    return tuple(conds)


class _Pattern:
    """One Matcher pattern of one ruler entry: its conditions per token and the token it writes."""

    __slots__ = ("pid", "tokens", "length", "target")

    def __init__(self, pid: int, tokens: tuple, index: int):
        self.pid = pid
        self.tokens = tokens
        self.length = len(tokens)
        if not -self.length <= index < self.length:
            raise Unsupported(index)  # spaCy raises E1001 when such a pattern matches: leave that to spaCy
        self.target = index % self.length


class FastAttributeRuler:
    """Applies an attribute ruler's patterns without the Matcher (see the module docstring)."""

    def __init__(self, vocab, patterns: list[dict[str, Any]], name: str = "attribute_ruler"):
        self.name = name
        self.vocab = vocab
        self.strings = vocab.strings
        self.attrs: list[dict] = []
        columns: dict[str, int] = {}
        compiled: list[_Pattern] = []
        for pid, entry in enumerate(patterns):
            if set(entry) - {"patterns", "attrs", "index"}:
                raise Unsupported(entry)
            attrs = normalize_token_attrs(vocab, entry["attrs"])
            if not set(attrs) <= SETTABLE:
                raise Unsupported(entry["attrs"])
            self.attrs.append(attrs)
            for pattern in entry["patterns"]:
                if not isinstance(pattern, list) or not pattern or not all(isinstance(t, dict) for t in pattern):
                    raise Unsupported(pattern)
                tokens = tuple(_token_conditions(t, vocab, columns) for t in pattern)
                compiled.append(_Pattern(pid, tokens, entry.get("index", 0)))
        self.columns = [IDS[key] for key in sorted(columns, key=columns.get)]
        self.n_columns = len(self.columns)
        # index every pattern under one EQ/IN test of its first token, the most selective one
        rank = {key: r for r, key in enumerate(STRING_KEYS + FLAG_KEYS)}
        col_rank = {col: rank[key] for key, col in columns.items()}
        self.index: dict[int, dict[int, list[_Pattern]]] = {}
        self.unindexed: list[_Pattern] = []
        for pat in compiled:
            keyed = [c for c in pat.tokens[0] if c[1] in (EQ, IN)]
            if not keyed:
                self.unindexed.append(pat)
                continue
            col, kind, value = min(keyed, key=lambda c: col_rank[c[0]])
            by_value = self.index.setdefault(col, {})
            for v in (value,) if kind == EQ else value:
                by_value.setdefault(v, []).append(pat)
        self.index_items = sorted(self.index.items())
        self._memo: dict[tuple, tuple] = {}
        self._merged: dict[tuple, dict] = {}
        self._regex_memo: dict[tuple, bool] = {}

    # -- matching ---------------------------------------------------------------------------

    def _holds(self, conds: tuple, row) -> bool:
        for col, kind, value in conds:
            v = row[col]
            if kind == EQ:
                if v != value:
                    return False
            elif kind == IN:
                if v not in value:
                    return False
            elif kind == NOT_IN:
                if v in value:
                    return False
            else:  # REGEX, on the attribute's string as the Matcher reads it
                key = (value, v)
                hit = self._regex_memo.get(key)
                if hit is None:
                    if len(self._regex_memo) > MEMO_LIMIT:
                        self._regex_memo.clear()
                    hit = self._regex_memo[key] = bool(value.search(self.strings[v]))
                if not hit:
                    return False
        return True

    def _first_token_hits(self, row: tuple) -> tuple:
        """(pids of one-token patterns that match, multi-token patterns whose first token matches)."""
        hits = self._memo.get(row)
        if hits is None:
            candidates = list(self.unindexed)
            for col, by_value in self.index_items:
                candidates.extend(by_value.get(row[col], ()))
            single, multi = [], []
            for pat in candidates:
                if self._holds(pat.tokens[0], row):
                    if pat.length == 1:
                        single.append(pat.pid)
                    else:
                        multi.append(pat)
            if len(self._memo) > MEMO_LIMIT:
                self._memo.clear()
            hits = self._memo[row] = (tuple(single), tuple(multi))
        return hits

    def match(self, doc: Doc) -> dict[int, list[int]]:
        """Token index -> pids of the entries that write it, every match read before any write."""
        n = len(doc)
        if not n:
            return {}
        array = doc.to_array(self.columns)
        rows = [tuple(r) for r in array.tolist()] if self.n_columns > 1 else [(v,) for v in array.tolist()]
        writes: dict[int, list[int]] = {}
        for i, row in enumerate(rows):
            single, multi = self._first_token_hits(row)
            if single:
                if i in writes:  # a multi-token match that began earlier writes this token too
                    writes[i].extend(single)
                else:
                    writes[i] = list(single)
            for pat in multi:
                if i + pat.length > n:
                    continue
                if all(self._holds(pat.tokens[k], rows[i + k]) for k in range(1, pat.length)):
                    writes.setdefault(i + pat.target, []).append(pat.pid)
        return writes

    # -- writing ----------------------------------------------------------------------------

    def _merged_attrs(self, pids: tuple) -> dict:
        """The entries' attrs applied in pattern order (later wins), as one dict."""
        merged = self._merged.get(pids)
        if merged is None:
            merged = {}
            for pid in sorted(set(pids)):
                merged.update(self.attrs[pid])
            self._merged[pids] = merged
        return merged

    def __call__(self, doc: Doc) -> Doc:
        for i, pids in self.match(doc).items():
            set_token_attrs(doc[i], self._merged_attrs(tuple(pids)))
        return doc
