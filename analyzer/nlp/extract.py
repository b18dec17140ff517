"""Annotated ``Doc`` -> :class:`analyzer.records.ArticleResult` (plain records, no spaCy beyond here).

Entities are grouped from the linker's spans (``doc.spans["newsig_orgs"]``);
their role, relevance and sentiment are decided here because they need the
whole article: moves, metrics and views found by the other components.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from spacy.tokens import Doc, Span

from analyzer.nlp.components.tickers import CORP_SUFFIXES, bare_name, org_key
from analyzer.records import Article, ArticleResult, Entity, Event, Mention, Sector, Sentence, View

ROLE_SUBJECT, ROLE_SOURCE, ROLE_MENTIONED = "subject", "source", "mentioned"
KIND_BY_LABEL = {"COMPANY": "company", "INDEX": "index", "FIRM": "firm", "ORG": "org"}


def _ext(obj: Any, name: str, default: Any = None) -> Any:
    """Read an extension that a component may not have registered (component absent)."""
    try:
        return getattr(obj._, name)
    except AttributeError:
        return default


def _score(pred: Any) -> float | None:
    return None if pred is None else float(pred.score)


def _label(pred: Any) -> str | None:
    return None if pred is None else str(pred.label)


def _sorted_orgs(doc: Doc) -> list[Span]:
    return sorted(doc.spans.get("newsig_orgs", []), key=lambda s: s.start)


def entity_groups(doc: Doc, orgs: list[Span] | None = None) -> "OrderedDict[str, list[Span]]":
    """Mentions grouped per distinct organisation, in order of first mention."""
    groups: "OrderedDict[str, list[Span]]" = OrderedDict()
    surnames = {e[-1].lower_ for e in doc.ents if e.label_ == "PERSON" and len(e) > 1}
    for span in _sorted_orgs(doc) if orgs is None else orgs:
        if _ext(span, "listing") is None and len(span) == 1 and span[0].lower_ in surnames:
            continue  # "Ermotti said": a person the tagger took for an organisation
        groups.setdefault(org_key(span), []).append(span)
    return _merge_short_names(groups)


def references_by_group(doc: Doc, groups: "OrderedDict[str, list[Span]]") -> dict[str, list[Span]]:
    """"The company" / "it" references (``newsig_references``), per entity group of their antecedent."""
    owner = {(s.start, s.end): key for key, spans in groups.items() for s in spans}
    out: dict[str, list[Span]] = {}
    for ref in doc.spans.get("newsig_refs", []):
        ante = _ext(ref, "antecedent")
        key = owner.get((ante.start, ante.end)) if ante is not None else None
        if key is not None:
            out.setdefault(key, []).append(ref)
    return out


def _merge_short_names(groups: "OrderedDict[str, list[Span]]") -> "OrderedDict[str, list[Span]]":
    """A bare group name ("Hyundai") in an article that names exactly one company of that
    group ("Hyundai Motor") refers to it; with two or more candidates it stays unlinked."""
    linked = {k: v for k, v in groups.items() if not k.startswith("org:")}
    for key in [k for k in groups if k.startswith("org:")]:
        short = key[4:]
        owners = [k for k, spans in linked.items()
                  if (_ext(spans[0], "listing").name.lower() + " ").startswith(short + " ")
                  or any(s.text.lower().startswith(short + " ") for s in spans)]
        if len(owners) == 1:
            linked_spans = groups[owners[0]]
            groups[owners[0]] = sorted(linked_spans + groups.pop(key), key=lambda s: s.start)
    return groups


# A legal suffix (tickers.CORP_SUFFIXES) or company word at the end of a name, stripped to find it in a headline.
_NAME_ENDS = {s.rstrip(".") for s in CORP_SUFFIXES} | {"group", "holding", "holdings", "company"}
LEGAL_SUFFIX = re.compile(
    r"[,\s]+(?:" + "|".join(re.escape(w) for w in sorted(_NAME_ENDS, key=lambda w: (-len(w), w))) + r")\.?$", re.I)


def in_title(spans: list[Span], title: str | None) -> bool:
    """Named in the headline, by its text or its name without legal suffixes ("J.C. Penney Co Inc")."""
    if not title:
        return False
    low = title.lower()
    for s in spans:
        name = bare_name(s.text)
        core = name
        while True:
            shorter = LEGAL_SUFFIX.sub("", core)
            if shorter == core:
                break
            core = shorter
        if name.lower() in low or (len(core) >= 3 and core.lower() in low):
            return True
    return False


def _aside(span: Span) -> bool:
    """An unlinked name in parentheses or a dateline ("SEOUL (Reuters) -") is not what the article is about."""
    doc = span.doc
    before = doc[span.start - 1].text if span.start > 0 else ""
    after = doc[span.end].text if span.end < len(doc) else ""
    if before == "(" and after == ")":
        return True
    return span.start_char < 40 and span.text.isupper() and after == "("


def sentence_index(doc: Doc) -> dict[int, int]:
    """token index -> sentence number."""
    index = {}
    for i, sent in enumerate(doc.sents):
        for t in range(sent.start, sent.end):
            index[t] = i
    return index


def _role(spans: list[Span], label: str, tickers_with_facts: set[str], names_with_facts: set[str],
          speaker_firms: set[str], view_targets: set[str], meta: set[str], title: str | None) -> str:
    listing = _ext(spans[0], "listing")
    name = listing.name if listing is not None else spans[0].text
    ticker = listing.ticker if listing is not None else None
    if (ticker and (ticker in tickers_with_facts or ticker in meta or ticker in view_targets)) or name in names_with_facts:
        return ROLE_SUBJECT
    if in_title(spans, title) and not all(_aside(s) for s in spans):
        return ROLE_SUBJECT
    employer = name in speaker_firms or bool(ticker and ticker in speaker_firms)
    if label == "FIRM":
        return ROLE_SOURCE if employer else ROLE_MENTIONED
    if employer and label == "COMPANY" and len(spans) == 1:
        return ROLE_SOURCE  # named once, as a quoted analyst's employer
    if label in ("COMPANY", "INDEX"):
        return ROLE_SUBJECT
    # an organisation the universe does not know: the subject only when the text keeps coming back to it
    return ROLE_SUBJECT if sum(not _aside(s) for s in spans) >= 3 else ROLE_MENTIONED


def _relevance(spans: list[Span], doc: Doc, role: str, has_facts: bool, max_mentions: int, in_title: bool) -> float:
    """How central an entity is: mentions, how early, stated facts, headline; in [0, 1]."""
    share = len(spans) / max(1, max_mentions)
    first = 1.0 - spans[0].start_char / max(1, _chars(doc))
    score = 0.35 * share + 0.25 * first + 0.25 * has_facts + 0.15 * in_title
    if role != ROLE_SUBJECT:
        score *= 0.3
    return round(min(1.0, max(0.0, score)), 3)


def _chars(doc: Doc) -> int:
    """``len(doc.text)`` without joining every token's text."""
    return doc[-1].idx + len(doc[-1].text_with_ws) if len(doc) else 0


MOVE_BOOST = 2.0  # a sentence stating a full-size price move of the entity weighs 1 + MOVE_BOOST times an aside
FULL_MOVE_PCT = 2.0  # a move this size (or larger) is full-strength evidence; a 0.3% drift is next to none
PRICE_SHARE = 0.6  # at most this share of the entity's sentiment comes from the sign of its stated move
VIEW_WEIGHT = 2.0  # an analyst's stance on the company (upgrade, target cut...) counts as this many mentions
TITLE_WEIGHT = 2.0  # the headline's tone towards the entity counts as this many mentions
LATER_MOVE = 0.5  # moves after the first stated, and moves over a period (ytd, week), count this much


def _move_strength(pct: float | None) -> float:
    return 0.0 if pct is None else min(abs(pct), FULL_MOVE_PCT) / FULL_MOVE_PCT


def _price_evidence(moves: list[Any]) -> tuple[float, float]:
    """(sign, strength in [0, 1]) of the entity's stated price moves: the market's verdict on the
    news ("fell 8% after results": the news was bad for it). The first move stated leads; later
    moves and moves over a period weigh less; small moves say little."""
    total = weight = 0.0
    for n, m in enumerate(sorted(moves, key=lambda m: m.sentence)):
        if m.change_pct is None or m.change_pct == 0:
            continue
        w = (1.0 if n == 0 else LATER_MOVE) * (1.0 if m.period is None else LATER_MOVE)
        total += w * (1.0 if m.change_pct > 0 else -1.0) * _move_strength(m.change_pct)
        weight += w
    if weight == 0:
        return 0.0, 0.0
    value = total / weight
    return (1.0 if value > 0 else -1.0), min(1.0, abs(value))


def _view_evidence(views: Iterable[View], ticker: str | None) -> list[tuple[float, float, int]]:
    """(score, weight, sentence) per analyst view on the company: its rating/target direction, else
    its stance."""
    out: list[tuple[float, float, int]] = []
    if not ticker:
        return out
    for v in views:
        if ticker not in v.target_tickers or getattr(v, "role", "analyst") == "executive":
            continue
        direction = (v.rating_direction or 0) + (v.target_direction or 0)
        if direction == 0:
            direction = {"positive": 1, "negative": -1}.get(v.stance, 0)
        if direction:
            out.append((1.0 if direction > 0 else -1.0, VIEW_WEIGHT, v.sentence))
    return out


def _entity_sentiment(spans: list[Span], moves: list[Any], sent_of: dict[int, int],
                      views: Iterable[View] = (), ticker: str | None = None, title_pred: Any = None) -> float | None:
    """The entity's sentiment in [-1, 1], or None when no model ran.

    Text evidence: the model's target-level scores over the entity's mentions, averaged with more
    weight on opinionated mentions (1 - P(neutral)) and on sentences that state a sizeable price
    move of the entity (so an aside "... was relatively high at 8.05%" does not outvote "fell
    12.59%"), plus the headline's tone towards it and analysts' views on it (upgrade, target cut).
    Market evidence: the sign of its stated price move, mixed in with a share that grows with the
    move's size, so "tumbled 11% on weak guidance" stays bad news even when the article goes on
    to list what went well."""
    scored = [(s, p) for s, p in ((s, _ext(s, "sentiment")) for s in spans) if p is not None]
    if not scored:
        return None
    boost: dict[int, float] = {}
    for m in moves:
        boost[m.sentence] = max(boost.get(m.sentence, 1.0), 1.0 + MOVE_BOOST * _move_strength(m.change_pct))
    calls = _view_evidence(views, ticker)
    called = {sentence for _, _, sentence in calls}  # the analyst's call reads its sentence ("seems undervalued")
    evidence = [(float(p.score), (1.05 - float(p.probs.get("neutral", 0.0))) * boost.get(sent_of.get(s.start), 1.0))
                for s, p in scored if sent_of.get(s.start) not in called]
    if title_pred is not None:
        evidence.append((float(title_pred.score), TITLE_WEIGHT * (1.05 - float(title_pred.probs.get("neutral", 0.0)))))
    evidence += [(v, w) for v, w, _ in calls]
    text = sum(w * v for v, w in evidence) / sum(w for _, w in evidence)
    sign, strength = _price_evidence(moves)
    share = PRICE_SHARE * strength
    return round((1.0 - share) * text + share * sign, 4)


def entity_roles(doc: Doc, groups: "OrderedDict[str, list[Span]]", title: str | None,
                 meta_tickers: Iterable[str]) -> dict[str, str]:
    """Role per entity group, from the facts the components found (moves, metrics, views) and the
    headline. Also read by ``newsig_sentiment``, which scores only subjects' mentions."""
    moves = list(_ext(doc, "moves") or [])
    metrics = list(_ext(doc, "metrics") or [])
    views: list[View] = list(_ext(doc, "views") or [])
    tickers_with_facts = {m.ticker for m in moves + metrics if m.ticker}
    names_with_facts = {m.entity for m in moves + metrics if m.entity}
    # a company speaking for itself (an executive, or a quote with no person) is not a "source"
    analysts = [v for v in views if v.analyst and getattr(v, "role", "analyst") != "executive"]
    speaker_firms = {v.firm for v in analysts if v.firm} | {v.firm_ticker for v in analysts if v.firm_ticker}
    view_targets = {t for v in views for t in v.target_tickers}
    meta = set(meta_tickers)
    return {key: _role(spans, spans[0].label_, tickers_with_facts, names_with_facts, speaker_firms, view_targets,
                       meta, title)
            for key, spans in groups.items()}


ENTITY_CACHE = "newsig_entity_roles"  # doc.user_data key of :func:`entities_and_roles`' cache


def _entity_inputs(doc: Doc, orgs: list[Span], title: str | None, meta_tickers: Iterable[str]) -> tuple:
    """Everything :func:`entity_groups` and :func:`entity_roles` read, as plain values: a Doc whose
    names, people, facts, headline or tickers changed since the cache was written misses it."""
    listings = [_ext(s, "listing") for s in orgs]
    facts = list(_ext(doc, "moves") or []) + list(_ext(doc, "metrics") or [])
    views = list(_ext(doc, "views") or [])
    return (
        title, tuple(meta_tickers),
        tuple((s.start, s.end, s.label_, None if li is None else (li.name, li.ticker, li.exchange, li.kind))
              for s, li in zip(orgs, listings)),
        tuple((e.start, e.end) for e in doc.ents if e.label_ == "PERSON"),
        tuple((m.ticker, m.entity) for m in facts),
        tuple((v.analyst, getattr(v, "role", "analyst"), v.firm, v.firm_ticker, tuple(v.target_tickers))
              for v in views),
    )


def entities_and_roles(doc: Doc, title: str | None, meta_tickers: Iterable[str]
                       ) -> tuple["OrderedDict[str, list[Span]]", dict[str, str]]:
    """:func:`entity_groups` and their :func:`entity_roles`, computed once per Doc: the sentiment
    component (which scores only subjects) and :func:`doc_to_result` both read them. Cached in
    ``doc.user_data`` as plain values (indices of the sorted name spans, not Spans), keyed by every input, so a Doc
    that changed after the first call is computed afresh."""
    orgs = _sorted_orgs(doc)
    inputs = _entity_inputs(doc, orgs, title, meta_tickers)
    cached = doc.user_data.get(ENTITY_CACHE)
    if cached is not None and cached[0] == inputs:
        groups = OrderedDict((key, [orgs[i] for i in at]) for key, at in cached[1])
        return groups, dict(cached[2])
    groups = entity_groups(doc, orgs)
    roles = entity_roles(doc, groups, title, meta_tickers) if groups else {}
    index = {id(s): i for i, s in enumerate(orgs)}  # the groups hold these very Span objects
    doc.user_data[ENTITY_CACHE] = (inputs, [(key, [index[id(s)] for s in spans]) for key, spans in groups.items()],
                                   dict(roles))
    return groups, roles


def doc_to_result(doc: Doc, article: Article) -> ArticleResult:
    """All records of one analysed article. Views arrive scored: by the sentiment component when
    the pipeline has it, else by the quotes component's interim rule."""
    sent_of = sentence_index(doc)
    moves = list(_ext(doc, "moves") or [])
    metrics = list(_ext(doc, "metrics") or [])
    views: list[View] = list(_ext(doc, "views") or [])
    events: list[Event] = list(_ext(doc, "events") or [])
    sentences = [
        Sentence(i, s.start_char, s.end_char, s.text, _label(_ext(s, "sentiment")), _score(_ext(s, "sentiment")))
        for i, s in enumerate(doc.sents)
    ]
    tickers_with_facts = {m.ticker for m in moves + metrics if m.ticker}
    names_with_facts = {m.entity for m in moves + metrics if m.entity}
    groups, roles = entities_and_roles(doc, article.title, article.tickers)
    max_mentions = max((len(v) for v in groups.values()), default=1)
    moves_of: dict[str, list[Any]] = {}
    for m in moves:
        moves_of.setdefault(m.ticker or m.entity or "", []).append(m)
    title_preds = _ext(doc, "title_sentiment") or {}
    refs = references_by_group(doc, groups)
    entities = []
    for key, spans in groups.items():
        listing = _ext(spans[0], "listing")
        label = spans[0].label_
        role = roles[key]
        name = listing.name if listing is not None else bare_name(spans[0].text)
        ticker = listing.ticker if listing is not None else None
        has_facts = (ticker in tickers_with_facts) if ticker else name in names_with_facts
        titled = in_title(spans, article.title)
        entities.append(Entity(
            name=name, ticker=ticker,
            exchange=getattr(listing, "exchange", None), symbol=getattr(listing, "symbol", None),
            role=role,
            mentions=tuple(Mention(s.text, s.start_char, s.end_char, sent_of.get(s.start, 0)) for s in spans),
            sentiment=_entity_sentiment(spans + refs.get(key, []), moves_of.get(ticker or name, []), sent_of, views,
                                        ticker, _title_pred(spans, title_preds))
            if role == ROLE_SUBJECT else None,
            relevance=_relevance(spans, doc, role, has_facts, max_mentions, titled),
            kind=getattr(listing, "kind", None) or KIND_BY_LABEL.get(label, "org"),
            country=getattr(listing, "country", None), sector=getattr(listing, "sector", None),
        ))
    # feed metadata names subjects the text may not spell out
    known = {e.ticker for e in entities if e.ticker}
    for ticker in article.tickers:
        if ticker not in known:
            entities.append(_meta_entity(ticker))
    sectors = _sectors(doc, sentences)
    return ArticleResult(
        article=article, entities=tuple(entities), moves=tuple(moves), metrics=tuple(metrics),
        views=tuple(views), sectors=tuple(sectors), events=tuple(events), sentences=tuple(sentences),
        sentiment=_article_sentiment(doc),
    )


def _title_pred(spans: list[Span], title_preds: dict[str, Any]) -> Any:
    """The headline scored with one of the entity's names as target (``newsig_sentiment``), or None."""
    for s in spans:
        pred = title_preds.get(s.text.lower())
        if pred is not None:
            return pred
    return None


def _meta_entity(ticker: str) -> Entity:
    """An entity named only by the feed's metadata, linked through the universe when possible."""
    listing = None
    try:
        from analyzer.universe import load_universe

        listing = load_universe().by_ticker(ticker)
    except Exception:  # universe unavailable: keep the ticker as given
        listing = None
    return Entity(
        name=listing.name if listing else ticker, ticker=listing.ticker if listing else ticker,
        exchange=listing.exchange if listing else None, symbol=listing.symbol if listing else ticker,
        role=ROLE_SUBJECT, mentions=(), sentiment=None, relevance=0.5,
        kind=listing.kind if listing else "company",
        country=listing.country if listing else None, sector=listing.sector if listing else None,
    )


def _sectors(doc: Doc, sentences: list[Sentence]) -> list[Sector]:
    from analyzer.nlp.components.sectors import sector_records

    return sector_records(doc, [s.score for s in sentences])


def _article_sentiment(doc: Doc) -> float | None:
    value = _ext(doc, "sentiment")
    return None if value is None else round(float(value), 4)
