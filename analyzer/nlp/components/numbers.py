"""Price moves and other stated figures, tied to the entity they are about.

Every percentage and money amount in the text is classified from its context:

* a *move* — a price change ("fell 3.67%", "a drop of 12.59%", "(-7.05%)")
  or a price ("finished trading at 49,650 won"), signed by the text's meaning;
* a *metric* — any other figure about an entity or sector ("borrowing balance
  ratio was 15.15%", "foreign ownership climbed to 54.30%", "revenue of $5.2
  billion"), named from the noun phrase that carries it.

The entity comes from the sentence's structure: a parenthesis right after the
name, a possessive, the subject of the verb that governs the number, the
nearest organisation before it, or (for "the stock", "shares") the company the
text was just talking about. Output: ``Doc._.moves`` and ``Doc._.metrics``
(lists of :class:`analyzer.records.Move` / :class:`~analyzer.records.Metric`).
"""

from __future__ import annotations

import re
from bisect import bisect_right

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from analyzer.nlp.components.context import doc_text
from analyzer.nlp.components import dates  # noqa: F401  (registers the date extensions this reads)
from analyzer.nlp.components.number_syntax import (
    METRIC_NOUNS,
    WORDS,
    Orgs,
    entity_key,
    governing_verb,
    is_currency_word,
    noun_phrase,
    respectively_metrics,
    respectively_names,
    subject_of,
    words_before,
)
from analyzer.nlp.components.owners import (
    CHANGE_NOUNS,
    COMPANY_NOUNS,
    DEFINITE,
    INDEX_NOUNS,
    MACRO,
    PRONOUNS,
    STOCK_WORDS,
    OwnerFinder,
)
from analyzer.nlp.components.quantities import (
    MULTIPLIERS,
    SUFFIX_PATTERN,
    Quantity,
    find_quantities,
    parse_number,
)
from analyzer.records import Metric, Move

for _ext in ("moves", "metrics"):
    if not Doc.has_extension(_ext):
        Doc.set_extension(_ext, default=None)
if not Span.has_extension("listing"):
    Span.set_extension("listing", default=None)

DOWN = set(WORDS["down_words"])
UP = set(WORDS["up_words"])
CLOSE = set(WORDS["close_words"])
MOVE_SUBJECTS = set(WORDS["move_subjects"])
LEVEL_CUES = set(WORDS["level_cues"])
FILLER = set(WORDS["filler"])

PER_SHARE_NOUNS = set(WORDS["per_share_nouns"])
TIME_NOUNS = set(WORDS["time_nouns"])
DOWN_NOUNS = set(WORDS["down_nouns"])
APPROX = {"around", "about", "nearly", "almost", "roughly", "approximately", "some", "just", "over", "more", "less", "than"}
MODALS = set(WORDS["modal_words"])
POINT_WORDS = {"points", "point", "pts"}
COUNT_NOT_NOUNS = set(WORDS["count_not_nouns"])
PRICE_VERBS = {"trade", "trades", "traded", "trading", "quoted", "changed", "change", "hovered", "hovering",
               "sat", "sits", "stood", "stands", "were", "was", "is", "are", "hit", "hitting", "touched", "reached",
               "end", "ended", "ending", "close", "closed", "closing", "finish", "finished", "opened", "open", "settled"}
BUY_SELL = {"bought", "buy", "buys", "sold", "sell", "sells", "purchased", "purchase", "acquire", "acquired",
            "subscribe", "offered", "offer", "issue", "issued", "placed", "priced"}
PER_SHARE_RE = re.compile(r"^\s*(?:a|per|each|/)\s+(?:(?:diluted|basic|ordinary|common)\s+)?share\b", re.IGNORECASE)
MERGE_REACH = 6  # sentences: "X rose 5% ..." and, a few sentences on, "X shares rose to $100.50" are one move
INDEX_LEVEL_RE = re.compile(rf"\b(?:to|at)\s+(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+\.\d+)(?!\s?%|\s?(?:{SUFFIX_PATTERN})\b)")
CROSS_REFERENCE_RE = re.compile(  # "Also read: ...", "READ MORE | ...": a link to another story
    r"^\W*(?:%s)(?:\s*[:|]|\s+[-–—])" % "|".join(re.escape(c) for c in WORDS["cross_reference_cues"]), re.IGNORECASE)
TARGET_RE = re.compile(r"\b(?:price\s+target|target\s+price|target)\b", re.IGNORECASE)


# ---- the component ------------------------------------------------------------

@Language.factory("newsig_numbers", default_config={})
def make_numbers(nlp: Language, name: str) -> "NumberExtractor":
    return NumberExtractor()


class NumberExtractor(OwnerFinder):
    """Turns quantities into Moves and Metrics (see the module docstring)."""

    def __call__(self, doc: Doc) -> Doc:
        orgs = Orgs(doc)
        sents = list(doc.sents)
        sent_dates = doc._.sentence_dates or [None] * len(sents)
        moves: dict[tuple, dict] = {}
        metrics: list[Metric] = []
        last_metric: dict[int, str] = {}  # paragraph-ish memory: sentence index -> last metric name
        recent_company: Span | None = None
        recent_named: Span | None = None  # company or index: what a pronoun ("It opened at ...") may mean
        order: list[tuple] = []

        starts = [sent.start for sent in sents]
        by_sentence: list[list[Quantity]] = [[] for _ in sents]  # each sentence's quantities, in text order
        for q in find_quantities(doc):
            by_sentence[bisect_right(starts, q.span.start) - 1].append(q)
        for si, sent in enumerate(sents):
            if CROSS_REFERENCE_RE.match(sent.text):
                continue  # "Also read: X imposes 25% tariffs": another story's headline, not this one's figures or topic
            sent_orgs = orgs.inside(sent.start, sent.end)
            qs = by_sentence[si]
            respectively = respectively_names(sent, sent_orgs, qs)
            metric_list = {} if respectively else respectively_metrics(sent, qs)
            previous: tuple | None = None  # (quantity, kind, name, owners) of the number before, for ranges
            for q in qs:
                if q.kind == "money" and TARGET_RE.search(doc_text(doc)[max(sent.start_char, q.start - 40):q.start]):
                    previous = None
                    continue  # price targets belong to analyst views
                if previous is not None and self._range_end(previous[0], q):
                    _, kind, name, owners = previous  # "$7.70 to $8.10 per share", "10% to 14%": one figure's range
                    direction = 0
                else:
                    subj = self._subject_noun(q)
                    kind, name, direction = self._classify(q, sent, subj)
                    if id(q) in metric_list:  # "revenue and operating profit rose 20.7% and 140.4%, respectively"
                        kind, name = "metric", metric_list[id(q)]
                    if id(q) in respectively:
                        owners = [respectively[id(q)]]
                        if kind == "metric" and id(q) not in metric_list:
                            kind = "move"  # "giants A and B slumped 8.8% and 5.6%, respectively"
                    elif kind == "move":
                        owners = self._move_owners(q, sent, orgs, recent_company, recent_named)
                        if not owners:
                            if subj is not None and subj.pos_ == "NOUN" and q.kind == "pct" and not (
                                    subj.lower_ in STOCK_WORDS or subj.lower_ in PRONOUNS):
                                kind, name = "metric", f"{noun_phrase(subj)} change"  # "China's price index rose 0.5%"
                                if not set(name.split()) & MACRO and not self._macro_clause(q, sent):
                                    # "its forward book implies a sale price that is 9% higher": the company's figure
                                    owner = self._entity(q, sent, orgs, recent_company, kind, name, recent_named)
                                    owners = [owner] if owner is not None else []
                            else:
                                kind = "skip"  # a change of nothing we can name
                    else:
                        owner = self._entity(q, sent, orgs, recent_company, kind, name, recent_named)
                        owners = [owner] if owner is not None else []
                previous = (q, kind, name, owners)
                if kind == "skip":
                    continue
                date = sent_dates[si] if si < len(sent_dates) else None
                second = kind == "move" and self._own_clause(q)
                for ent in owners or [None]:
                    self._record(q, kind, name, direction, ent, sent, si, date, moves, order, metrics, last_metric,
                                 second)
            topic = self._topic(sent, sent_orgs)
            if topic is not None:
                recent_company = topic
            named = [s for s in sent_orgs if s.label_ in ("COMPANY", "INDEX")]
            if topic is None and recent_company is not None and self._refers_back(sent, sent_orgs):
                recent_named = recent_company  # "the company said ...": "it" later means that company
            elif topic is not None or named:
                recent_named = topic if topic is not None and (not named or topic.start >= named[-1].start) else named[-1]
            self._index_levels(doc, sent, si, sent_orgs, moves, order, date=sent_dates[si] if si < len(sent_dates) else None)
        doc._.moves = [self._move(r) for r in self._merge([moves[k] for k in order if k in moves])]
        doc._.metrics = metrics
        return doc

    def _record(self, q: Quantity, kind: str, name: str | None, direction: int, ent: Span | None, sent: Span,
                si: int, date: str | None, moves: dict, order: list, metrics: list, last_metric: dict,
                second: bool = False) -> None:
        """Add one classified quantity to the moves (joined per entity and sentence) or the metrics."""
        ent_name, ticker, listing_cur = entity_key(ent)
        if kind == "move":
            # one record per entity, sentence and stated change: "up 3.5%, on top of a 15% rise in the
            # previous session" is two moves of one company; a price joins the first change without one
            k = 0
            while (ent_name or "", si, k) in moves and (
                    (q.kind == "pct" and moves[(ent_name or "", si, k)]["change_pct"] is not None)
                    or (q.kind != "pct" and moves[(ent_name or "", si, k)]["price"] is not None)):
                k += 1
            if k and (q.kind != "pct" or not second):
                return  # a second price, or a figure whose clause has no subject of its own: one move
            key = (ent_name or "", si, k)
            rec = moves.setdefault(key, {"ticker": ticker, "entity": ent_name, "change_pct": None,
                                         "price": None, "currency": None, "date": date,
                                         "sentence": si, "text": sent.text.strip()})
            if key not in order:
                order.append(key)
            if q.kind == "pct" and q.unit == "%" and rec["change_pct"] is None:
                sign = q.signed or direction or 0
                rec["change_pct"] = -q.value if sign < 0 else q.value
                rec["direction_known"] = bool(q.signed or direction)
            elif q.kind in ("money", "level") and rec["price"] is None:
                rec["price"] = q.value
                rec["currency"] = q.currency or (listing_cur if q.kind == "money" else None)
        elif kind == "metric" and name:
            if q.kind == "money" and q.currency == "USc" and name.endswith("per share"):
                q = Quantity(q.kind, q.value / 100, q.start, q.end, q.span, q.signed, q.unit, "USD", q.extra)
            if name in ("ratio", "rate", "share", "margin", "stake") or (ent is not None and name in (ent.text.lower(),)):
                prev = next((last_metric[j] for j in range(si, max(-1, si - 4), -1) if j in last_metric), None)
                if prev and prev.endswith(name):
                    name = prev
            last_metric[si] = name
            sign = q.signed or (direction if name.endswith(" change") else 0) or 1
            value = q.value * sign
            metrics.append(Metric(ticker, ent_name, name, value, q.unit if q.kind == "pct" else q.currency,
                                  date, si, sent.text.strip()))
        elif kind == "metric_inherit":
            prev = next((last_metric[j] for j in range(si, max(-1, si - 4), -1) if j in last_metric), None)
            if prev:
                metrics.append(Metric(ticker, ent_name, prev, q.value * (q.signed or 1),
                                      q.unit if q.kind == "pct" else q.currency, date, si, sent.text.strip()))
                last_metric[si] = prev

    @staticmethod
    def _range_end(prev: Quantity, q: Quantity) -> bool:
        """'$7.70 to $8.10', '10% to 14%', 'between $22.6 billion and $23 billion': the second end of a range."""
        if prev.kind != q.kind or (prev.unit or prev.currency) != (q.unit or q.currency):
            return False
        doc = q.span.doc
        between = doc[prev.span.end:q.span.start]
        words = [t.lower_ for t in between]
        if not 1 <= len(words) <= 2 or words[0] not in ("to", "and", "-", "–", "through"):
            return False
        if words[0] == "and":  # "between $22.6 billion and $23 billion", not "3% and 5%, respectively"
            return any(t.lower_ == "between" for t in doc[max(0, prev.span.start - 3):prev.span.start])
        return all(w in ("to", "-", "–", "through", "about", "around") for w in words)


    def _classify(self, q: Quantity, sent: Span, subj_noun: Token | None) -> tuple[str, str | None, int]:
        """('move' | 'metric' | 'metric_inherit' | 'skip', metric name, direction); ``subj_noun`` is
        :meth:`_subject_noun` of ``q``."""
        first = q.span[0]
        prev = words_before(sent, q.start, 6)
        prev_words = [t.lower_ for t in prev if not t.is_punct]
        direction = self._direction(sent, q)
        doc = sent.doc
        after = doc_text(doc)[q.end:min(len(doc_text(doc)), q.end + 40)]
        # "76% of shares rose", "owns 24% of Tencent", "(55%) of cases": a proportion, not a change
        if q.kind == "pct" and re.match(r"\)?\s+of\b", after):
            of = next((t for t in doc[q.span.end:min(sent.end, q.span.end + 2)] if t.lower_ == "of"), None)
            pobj = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
            if pobj is None:
                pobj = next((t for t in doc[q.span.end:min(sent.end, q.span.end + 6)] if t.dep_ == "pobj"), None)
            verb = governing_verb(first)
            if verb is not None and verb.lower_ in ("owns", "own", "owned", "holds", "hold", "held", "controls", "acquired",
                                                     "bought", "sold", "buy", "sell", "acquire", "control"):
                return "metric", "stake", 0
            return ("metric", f"share of {noun_phrase(pobj)}", 0) if pobj is not None else ("skip", None, 0)
        # "(−7.05%)" right after a name
        if q.kind == "pct" and prev and prev[0].text == "(":
            return ("move", None, direction) if q.unit == "%" else ("skip", None, 0)
        if q.kind == "pct" and q.unit == "%" and prev_words[:2] and prev_words[0] == "or" \
                and len(prev_words) > 1 and prev_words[1] in POINT_WORDS:
            return "move", None, direction  # "fell 9.53 points, or 0.63 percent, to 1,502.42": the index's change
        if q.kind == "pct" and [w for w in prev_words if w not in APPROX][:1] == ["from"]:
            subj = subj_noun  # "revenue growth slowed from 2.9% to 1.9%": the subject names the figure
            if subj is not None and subj.lower_ in METRIC_NOUNS and subj.pos_ == "NOUN" \
                    and not q.span.start <= subj.i < q.span.end:
                return "metric", noun_phrase(subj), 0
            return "metric_inherit", None, 0  # "down from nearly 19%": the level before, not a change
        verb0 = governing_verb(first)
        if verb0 is not None and any(c.dep_ == "aux" and c.lower_ in MODALS for c in verb0.children):
            return "skip", None, 0  # "could rise 63%": a forecast, not a stated move
        if q.kind == "pct" and subj_noun is not None and q.span.start <= subj_noun.i < q.span.end:
            return "skip", None, 0  # "33% rose, 62% fell": shares of a count, not one price
        # an amount per share: "$1.23 a share", "253.44 yen per share" is a per-share figure unless a price verb governs it
        if q.kind == "money" and PER_SHARE_RE.match(after) and not q.extra.get("scaled"):
            owner_noun = self._per_share_noun(sent, q)
            if owner_noun is not None:
                return "metric", f"{noun_phrase(owner_noun)} per share", 0
        # what the number measures: a noun it modifies ("a 11.40% ratio", "a 5% stake", "a 19% rise in revenue")
        head = first.head if first.head is not first else None
        for tok in q.span:
            if tok.head.i not in range(q.span.start, q.span.end):
                head = tok.head
        if head is not None and head.pos_ == "NOUN" and head.i > q.span.end - 1:
            if head.lower_ in METRIC_NOUNS:
                return "metric", noun_phrase(head), direction
            if head.lower_ in CHANGE_NOUNS and q.kind == "pct":
                sign = -1 if head.lower_ in DOWN | DOWN_NOUNS else 1
                if head.dep_ == "appos" and (head.head.like_num or head.head.lower_ in MULTIPLIERS or head.head.is_currency):
                    # "pay totaled $11.1 million, a 44% increase from 2011": the amount's change
                    verb = governing_verb(head.head)
                    subj = subject_of(verb) if verb is not None else None
                    return ("metric", f"{noun_phrase(subj)} change", sign) if subj is not None and subj.pos_ == "NOUN" \
                        else ("skip", None, 0)
                figure = [c for c in head.children if c.dep_ in ("compound", "amod") and c.pos_ == "NOUN"
                          and c.lower_ not in STOCK_WORDS and c.lower_ != "price" and c.i > q.span.end - 1]
                if figure:
                    return "metric", f"{noun_phrase(figure[-1])} change", sign  # "a 7% dividend increase"
                what = self._change_of(head)
                if what is not None and not self._is_org(what):
                    return "metric", f"{noun_phrase(what)} change", sign  # "a 16% jump in HIV drug sales"
                figure = self._metric_in_clause(q, sent) if what is None else None
                if figure is not None:  # "recorded KRW203 billion in net sales, a 20.2% increase"
                    return "metric", f"{noun_phrase(figure)} change", sign
                compared = self._compared_amount(q, sent)
                if compared is not None:  # "sold 269,039 units, a 17% increase from the 229,214 units"
                    return ("metric", f"{noun_phrase(compared)} change", sign) if compared is not True else ("skip", None, 0)
                return "move", None, sign  # "a 10% surge in Sony", "posted a 5% gain"
            if q.kind == "pct" and head.lower_ not in STOCK_WORDS and not head.ent_type_:
                return "metric", noun_phrase(head), 0  # "25% tariffs", "a 12% earnings CAGR": not a price change
        # nearest meaningful word before the number
        near = next((w for w in prev_words if w not in FILLER), None)
        if re.match(r"\s*(?:higher|lower|above|below|more|less|cheaper|dearer)\s+than\b", after) \
                or re.match(r"\s*(?:above|below|off|short of|away from)\s+(?:its|their|the)\b", after):
            return "skip", None, 0  # "still 25% lower than its record", "10% below its high": a distance, not a move
        if q.kind == "pct":
            compared = self._compared_amount(q, sent)
            if compared is not None:  # "up 16.4% from 178.0 billion won": an amount changed, not the price
                figure = compared if compared is not True else self._metric_in_clause(q, sent)
                return ("metric", f"{noun_phrase(figure)} change", direction) if figure is not None else ("skip", None, 0)
        moved_after = bool(re.match(r"\s*(?:higher|lower|up|down)\b", after))  # "are 1.1% lower": a change
        level = bool(prev_words) and prev_words[0] in LEVEL_CUES and prev_words[0] not in ("of",) and not moved_after \
            and not prev_words[:2] == ["to", "up"]  # "up to 6.81%" is "as much as", not a level
        approx = [w for w in prev_words if w not in APPROX]
        of_chunk = self._of_noun(sent, q) if approx[:1] == ["of"] else None
        if of_chunk is not None:
            if of_chunk.lower_ in DOWN | UP and q.kind == "money" and q.extra.get("scaled"):
                return "metric", noun_phrase(of_chunk), 1  # "swung to a loss of 202.6 billion won": no share price
            if of_chunk.lower_ in DOWN | UP and q.kind == "money":
                return "skip", None, 0  # "a loss of 16 cents": a per-share loss, not a price
            if of_chunk.lower_ in DOWN | UP | CHANGE_NOUNS:
                sign = -1 if of_chunk.lower_ in DOWN | DOWN_NOUNS else 1
                what = [c for c in of_chunk.children if c.dep_ in ("compound", "amod") and c.pos_ in ("NOUN", "PROPN")
                        and c.lower_ not in STOCK_WORDS and c.lower_ != "price" and (c.pos_ == "NOUN" or not any(
                            s.start <= c.i < s.end for s in sent.doc.spans.get("newsig_orgs", [])))]
                if what:
                    return "metric", noun_phrase(of_chunk), 1  # "revenue growth of 19%"
                changed = self._change_of(of_chunk, q)
                if changed is not None and not self._is_org(changed) and changed.lower_ not in STOCK_WORDS:
                    return "metric", f"{noun_phrase(changed)} change", sign  # "an increase of 0.3 points in inflation"
                figure = self._metric_in_clause(q, sent)
                if figure is not None:  # "net sales of KRW373 billion, increases of 16.7%"
                    return "metric", f"{noun_phrase(figure)} change", sign
                return "move", None, sign
            if of_chunk.lower_ in METRIC_NOUNS or of_chunk.pos_ == "NOUN" and of_chunk.lower_ not in MOVE_SUBJECTS:
                return "metric", noun_phrase(of_chunk), direction
        if subj_noun is not None and (q.span.start <= subj_noun.i < q.span.end or is_currency_word(subj_noun)):
            subj_noun = None  # "An additional 3.5 billion won will ...": the amount itself, not what it measures
        named = self._nearby_metric_noun(sent, q)
        if named is not None:
            return ("metric", noun_phrase(named), direction) if level else (
                "metric", f"{noun_phrase(named)} change", direction)
        in_org = subj_noun is not None and (any(
            s.start <= subj_noun.i < s.end for s in sent.doc.spans.get("newsig_orgs", []))
            or (subj_noun.lower_ not in METRIC_NOUNS and bool(Orgs(sent.doc).named_by(subj_noun, ("compound", "appos", "conj", "nmod"))))
            or (subj_noun.lower_ in COMPANY_NOUNS | INDEX_NOUNS
                and any(t.lower_ in DEFINITE for t in subj_noun.children)))
        metric_subject = subj_noun is not None and not in_org and (
            subj_noun.lower_ in METRIC_NOUNS
            or (subj_noun.pos_ == "NOUN" and subj_noun.lower_ not in MOVE_SUBJECTS and not subj_noun.ent_type_))
        if q.kind == "money":
            if metric_subject or (of_chunk is not None and of_chunk.lower_ in METRIC_NOUNS):
                return "metric", noun_phrase(subj_noun if metric_subject else of_chunk), direction
            if q.extra.get("scaled"):
                return ("metric", noun_phrase(subj_noun), direction) if subj_noun is not None and subj_noun.pos_ == "NOUN" \
                    and subj_noun.lower_ not in MOVE_SUBJECTS else ("skip", None, 0)
            verb = governing_verb(first)
            price_verb = verb is not None and (verb.lower_ in CLOSE | DOWN | UP or verb.lower_ in PRICE_VERBS)
            if verb is not None and verb.lower_ in DOWN | UP:
                obj = self._changed_object(verb, q, ("dobj",))
                if obj is not None and obj.pos_ == "NOUN" and (obj.lower_ not in STOCK_WORDS or self._counted(obj)):  # "increasing its quarterly dividend by 5%, to 52.5 cents": the dividend's amount
                    return "metric", noun_phrase(obj), direction
            # a price needs a price verb and "at" / "to" / "a high of": "closed at", "rose 2% to $14.10";
            # "raised 625,000 pounds", "bought shares at a price of $13" are not prices
            where = prev_words[:3]
            if price_verb and (any(w in ("at", "to") for w in where) or where[:2] in (["of", "high"], ["of", "low"])) \
                    and not (verb.lower_ in BUY_SELL):
                return "move", None, direction
            return "skip", None, 0
        if metric_subject:
            name = noun_phrase(subj_noun)
            if level:
                return "metric", name, direction
            return "metric", f"{name} change", direction
        if level and (near not in DOWN | UP or prev_words[0] == "to"):
            if prev_words[0] == "to" and near in DOWN | UP and subj_noun is not None and subj_noun.lower_ in MOVE_SUBJECTS:
                return "skip", None, 0  # "shares fell to 5%"? too odd to guess
            return "metric_inherit", None, direction
        verb = governing_verb(first)
        if verb is not None and verb.lower_ not in CLOSE:
            obj = self._changed_object(verb, q, ("dobj", "attr"))
            # "posted net income ..., up 53.7%" / "cut its bonus pool by 7%" / "sold 63,238 units, down 11.5%":
            # the object changed, not the stock
            transitive = verb.lower_ not in PRICE_VERBS and obj is not None and obj.pos_ == "NOUN" \
                and (obj.lower_ not in STOCK_WORDS or self._counted(obj)) and obj.lower_ not in CHANGE_NOUNS
            if obj is not None and (transitive or any(t.lower_ in METRIC_NOUNS for t in obj.subtree if t.i <= obj.i)):
                return "metric", f"{noun_phrase(obj)} change", direction
        if near in DOWN | UP or direction:
            return "move", None, direction
        return "skip", None, 0

    @staticmethod
    def _changed_object(verb: Token, q: Quantity, deps: tuple[str, ...]) -> Token | None:
        """The verb's object when it is a thing (not the number itself, a percent sign or an amount)."""
        return next((c for c in verb.children if c.dep_ in deps and not q.span.start <= c.i < q.span.end
                     and c.pos_ in ("NOUN", "PROPN") and c.lower_ not in ("%", "percent", "pct", "cent", "cents")
                     and not is_currency_word(c)), None)

    @staticmethod
    def _own_clause(q: Quantity) -> bool:
        """Whether a figure is stated in a clause of its own ("a 15% rise in the previous session", "X, which
        rose 2%", a verb with its own subject), so that it may be a second move of a company in one sentence."""
        head = next((t.head for t in q.span if not q.span.start <= t.head.i < q.span.end), None)
        if head is not None and head.lower_ in CHANGE_NOUNS:
            return True
        verb = governing_verb(q.span[0])
        return verb is not None and any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children)

    @staticmethod
    def _compared_amount(q: Quantity, sent: Span) -> Token | bool | None:
        """What a percentage change is measured against when "from" / "to" after it names an amount or a
        count: "up 16.4% from 178.0 billion won" (True: an amount of money), "a 17% increase from the 229,214
        units" (the counted noun). None for a price or a level ("rose 5% to $100.50", "to 2,481 points")."""
        doc = sent.doc
        toks = [t for t in doc[q.span.end:min(sent.end, q.span.end + 5)]]
        k = next((i for i, t in enumerate(toks) if t.lower_ in ("from", "to")), None)
        if k is None or any(t.pos_ == "VERB" for t in toks[:k]):
            return None
        rest = [t for t in doc[toks[k].i + 1:min(sent.end, toks[k].i + 8)]]
        skipped = []
        while rest and not rest[0].like_num and len(skipped) < 3:
            skipped.append(rest[0])  # "the", "about", "$", "KRW", "Rs"
            rest = rest[1:]
        if not rest:
            return None
        after = rest[1:]
        while after and after[0].like_num:
            after = after[1:]
        if not after:
            return None
        word = after[0]
        if word.lower_ in MULTIPLIERS and len(word.text) > 1:
            return True  # "178.0 billion won", "Rs 2,490 crore"
        money = any(t.pos_ == "SYM" or t.is_currency or t.text.isupper() for t in skipped)
        if not money and word.pos_ == "NOUN" and rest[0].dep_ == "nummod" and rest[0].head.i == word.i \
                and word.lower_ not in COUNT_NOT_NOUNS and not is_currency_word(word) \
                and word.lower_ not in ("%", "percent", "pct", "cent", "cents", "pence") and word.lower_ not in STOCK_WORDS:
            return word  # "229,214 motorcycles"
        return None

    @staticmethod
    def _counted(obj: Token) -> bool:
        """'63,238 units', '1.2 million shares': a count of things, not the stock's price."""
        return any(c.dep_ == "nummod" for c in obj.children)

    @staticmethod
    def _metric_in_clause(q: Quantity, sent: Span) -> Token | None:
        """The figure a bare change noun ("a 1.9% increase") refers to: a metric noun earlier in its
        clause ("reported KRW17.9 trillion in consolidated revenue, reflecting a 1.9% increase"); None
        when the clause speaks of shares or names no figure."""
        verb = governing_verb(q.span[0])
        while verb is not None and verb.dep_ in ("advcl", "xcomp", "conj", "acl") and verb.head is not verb:
            verb = verb.head  # "..., reflecting a 1.9% increase": the clause above says what increased
        toks = [t for t in (verb.subtree if verb is not None else sent) if t.i < q.span.start]
        if any(t.lower_ in STOCK_WORDS or t.lower_ == "price" for t in toks):
            return None
        figures = [t for t in toks if t.lower_ in METRIC_NOUNS and t.pos_ == "NOUN"]
        return figures[-1] if figures else None

    @staticmethod
    def _macro_clause(q: Quantity, sent: Span) -> bool:
        """An economy's or market's figure: a macro word in the clause ("inflation", "GDP", "the economy")."""
        verb = governing_verb(q.span[0])
        toks = list(verb.subtree) if verb is not None else list(sent)
        # "its licensed markets", "Apple's tariff costs": a company's own markets are not the economy's
        return any(t.lower_ in MACRO and not any(c.dep_ == "poss" for c in t.children)
                   for t in toks if t.i < q.span.start)

    @staticmethod
    def _per_share_noun(sent: Span, q: Quantity) -> Token | None:
        """The figure an amount per share measures ("earnings of $1.23 a share", "EPS of $1.08",
        "US$1.61 billion, or US$1.01 per share"), None when nothing but a price is in sight."""
        prev = words_before(sent, q.start, 8)
        for tok in prev:
            if tok.pos_ == "VERB" and tok.lower_ in CLOSE | DOWN | UP | PRICE_VERBS:
                return None  # "closed at Rs 1,962 per share": a price
            if tok.lower_ in PER_SHARE_NOUNS or (tok.lower_ in METRIC_NOUNS and tok.pos_ == "NOUN"):
                return tok
        return None

    @staticmethod
    def _change_of(head: Token, q: Quantity | None = None) -> Token | None:
        """'a 19% rise in revenue' -> revenue; 'a 10% surge in Sony Group' -> Sony (never the number itself:
        'an increase of 0.3 points in inflation' -> inflation)."""
        for c in head.children:
            if c.dep_ == "prep" and c.lower_ in ("in", "for", "of"):
                pobj = next((g for g in c.children if g.dep_ == "pobj"), None)
                if pobj is not None and pobj.lower_ not in TIME_NOUNS and not (
                        q is not None and any(q.span.start <= g.i < q.span.end for g in pobj.subtree)):
                    return pobj
        return None

    @staticmethod
    def _is_org(tok: Token) -> bool:
        return any(s.start <= tok.i < s.end for s in tok.doc.spans.get("newsig_orgs", [])) or tok.pos_ == "PROPN"

    @staticmethod
    def _nearby_metric_noun(sent: Span, q: Quantity) -> Token | None:
        """'operating profit down 63.75%': a metric noun just before the number, only move words between."""
        orgs = sent.doc.spans.get("newsig_orgs", [])
        for tok in words_before(sent, q.start, 5):
            if tok.like_num or tok.text in ("%", ",", "(", ";", ":") or tok.pos_ == "VERB":
                return None
            if tok.lower_ in METRIC_NOUNS and tok.pos_ == "NOUN" and not any(s.start <= tok.i < s.end for s in orgs):
                return tok
            if tok.lower_ not in DOWN | UP | FILLER and tok.pos_ not in ("ADV", "ADP", "PART", "AUX"):
                return None
        return None

    @staticmethod
    def _of_noun(sent: Span, q: Quantity) -> Token | None:
        """'growth of 19%', 'cuts of around 2%': the noun before "of" (approximations skipped)."""
        prev = [t for t in words_before(sent, q.start, 8) if t.lower_ not in APPROX]
        if len(prev) >= 2 and prev[0].lower_ == "of" and prev[1].text == ")":
            # "earnings per share (EPS) of $1.08", "revenue (turnover) of ...": the abbreviation or the noun before it
            opening = next((k for k, t in enumerate(prev) if t.text == "("), None)
            if opening is not None and opening <= 4:
                inner = prev[2:opening]
                if len(inner) == 1 and inner[0].lower_ in METRIC_NOUNS:
                    return inner[0]
                prev = [prev[0]] + prev[opening + 1:]
        if len(prev) >= 2 and prev[0].lower_ == "of" and prev[1].pos_ in ("NOUN", "PROPN"):
            return prev[1]
        return None

    @staticmethod
    def _subject_noun(q: Quantity) -> Token | None:
        verb = governing_verb(q.span[0])
        if verb is None:
            return None
        subj = subject_of(verb)
        return subj

    @staticmethod
    def _direction(sent: Span, q: Quantity) -> int:
        """-1 / +1 from the words that govern or precede the number in its clause, 0 if none."""
        verb = governing_verb(q.span[0])
        cands: list[Token] = []
        if verb is not None:
            cands.append(verb)
            cands.extend(c for c in verb.children if c.dep_ in ("prt", "advmod", "acomp", "dobj", "npadvmod"))
        cands.extend(words_before(sent, q.start, 4))
        # words after the number, up to the clause's verb: "ECOPRO BM (-7.05%) ... also plummeted"
        if verb is not None and verb.i > q.span.end:
            cands.append(verb)
        after = re.match(r"\s*(higher|lower|up|down)\b", doc_text(sent.doc)[q.end:q.end + 12])
        if after:  # "was trading 5.26 per cent lower": the word right after the number says which way
            return -1 if after.group(1) in ("lower", "down") else 1
        for t in cands:
            w = t.lower_
            if w in DOWN:
                if w in ("cut", "reduced", "narrowed") and t is not verb:
                    continue
                return -1
            if w in UP:
                return 1
        return 0


    def _index_levels(self, doc: Doc, sent: Span, si: int, sent_orgs: list[Span], moves: dict, order: list,
                      date: str | None) -> None:
        """'the KOSPI fell 3% to 2,481.12': an index level in points."""
        for span in sent_orgs:
            if span.label_ != "INDEX":
                continue
            key = (entity_key(span)[0], si, 0)
            rec = moves.get(key)
            nxt = next((o for o in sent_orgs if o.start >= span.end), None)  # "the Dow at X and the S&P 500 at Y"
            tail = doc_text(doc)[span.end_char:nxt.start_char if nxt is not None else sent.end_char]
            m = INDEX_LEVEL_RE.search(tail)
            if m and (rec is None or rec["price"] is None):
                name, ticker, _ = entity_key(span)
                rec = moves.setdefault(key, {"ticker": ticker, "entity": name, "change_pct": None, "price": None,
                                             "currency": None, "date": date, "sentence": si,
                                             "text": sent.text.strip()})
                if key not in order:
                    order.append(key)
                rec["price"] = parse_number(m.group("num"))

    def _merge(self, recs: list[dict]) -> list[dict]:
        """Join a change and a price stated for the same entity and day in nearby sentences."""
        out: list[dict] = []
        for rec in recs:
            if not self._useful(rec):
                continue
            who = rec["ticker"] or rec["entity"]
            same = next((p for p in out if who and (p["ticker"] or p["entity"]) == who and p["date"] == rec["date"]
                         and rec["change_pct"] is not None and p["change_pct"] == rec["change_pct"]), None)
            if same is not None:  # the lead's "BP rose 0.3%" restated further on: one move, its first price kept
                if same["price"] is None:
                    same["price"], same["currency"] = rec["price"], rec["currency"]
                continue
            prev = next((p for p in reversed(out) if who and (p["ticker"] or p["entity"]) == who), None)
            if prev is not None and not (prev["date"] == rec["date"] and rec["sentence"] - prev["sentence"] <= MERGE_REACH):
                prev = None
            if prev is not None and all(prev[f] is None or rec[f] is None for f in ("change_pct", "price")):
                for f in ("change_pct", "price", "currency"):
                    prev[f] = prev[f] if prev[f] is not None else rec[f]
                continue
            out.append(rec)
        return out

    @staticmethod
    def _useful(rec: dict) -> bool:
        return rec["change_pct"] is not None or rec["price"] is not None

    @staticmethod
    def _move(rec: dict) -> Move:
        return Move(rec["ticker"], rec["entity"], rec["change_pct"], rec["price"], rec["currency"],
                    rec["date"], rec["sentence"], rec["text"])
