"""Person names in a Doc: who could be speaking.

Helper of the ``newsig_quotes`` component (with :mod:`.attribution`, which reads titles and
firms around a name). Names come from three kinds of evidence:

- spaCy PERSON entities and runs of capitalised proper nouns ("Jung Jin-soo");
- a capitalised run the NER called something else (ORG, GPE ...) but that the text treats as a
  person: a title next to it ("Grady Wulff, market analyst at ...", "Nomura analyst Eon Hwang")
  or one of its words used alone elsewhere as a person ("Param Singh initiated ... Singh wrote");
- a lone surname of someone named in full ("Choi said").
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from analyzer.nlp.components.context import doc_text
from analyzer.nlp.components.ratings import word_set

NOT_PERSON = {"ORG", "GPE", "NORP", "FAC", "LOC", "PRODUCT", "EVENT", "LAW", "WORK_OF_ART", "DATE", "TIME",
              "MONEY", "PERCENT", "CARDINAL", "ORDINAL", "QUANTITY", "LANGUAGE"}
MISLABELLED = {"ORG", "GPE", "NORP", "FAC", "LOC", "PRODUCT", "WORK_OF_ART"}  # NER labels a person's name may get


def person_names(doc: Doc, orgs: list[Span]) -> list[Span]:
    """PERSON entities and capitalised name sequences ("Jung Jin-soo") that are not orgs."""
    org_tokens = {i for sp in orgs for i in range(sp.start, sp.end)}
    titles = word_set("titles")
    misread = mislabelled_persons(doc, org_tokens, titles)
    misread_at = {(e.start, e.end) for e in misread}
    blocked = {i for e in doc.ents if e.label_ in NOT_PERSON and (e.start, e.end) not in misread_at
               for i in range(e.start, e.end)} | org_tokens
    # "Husky said" after "Husky Energy Inc.": the company's short name, whatever NER called it
    short_names = {sp[0].text for sp in orgs if len(sp) > 1 and sp.label_ == "COMPANY"}
    found: list[Span] = [e for e in doc.ents if e.label_ == "PERSON" and not any(i in org_tokens for i in range(e.start, e.end))
                         and not (len(e) == 1 and e.text in short_names)] + misread
    i = 0
    while i < len(doc):
        tok = doc[i]
        if not _name_token(tok) or i in blocked or tok.lower_ in titles:
            i += 1
            continue
        j = i + 1
        while j < len(doc) and j not in blocked:
            nxt = doc[j]
            if _name_token(nxt) and doc[j - 1].whitespace_:
                j += 1
            elif nxt.text in {"-", "‐"} and not doc[j - 1].whitespace_ and not nxt.whitespace_ \
                    and j + 1 < len(doc) and doc[j + 1].is_alpha:
                j += 2
            else:
                break
        if sum(1 for t in doc[i:j] if t.is_alpha) >= 2:
            found.append(doc[i:j])
        i = max(j, i + 1)
    # a lone surname of someone named in full ("Choi said"), whatever NER called it
    prefixes = word_set("name_prefixes")
    not_names = word_set("not_name_words")
    stripped = []
    for span in found:  # "Chair Jerome Powell" -> "Jerome Powell"; "Lyft Chief Executive David Risher" -> "David Risher"
        cut = max((k for k, t in enumerate(span) if t.lower_ in prefixes or t.lower_ in titles), default=-1)
        if 0 <= cut < len(span) - 1:
            span = span[cut + 1:]
        if not any(t.lower_ in not_names for t in span):  # "Wall Street", "Stock Market Inc"
            stripped.append(span)
    surnames = {w for n in stripped if len(parts := split_name(n.text)) >= 2 for w in (parts[0], parts[-1])}
    text = doc_text(doc)
    for word in surnames:  # regex, so a hyphenated surname ("Diaz-Alvarez", three tokens) is found too
        for m in re.finditer(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text):
            span = doc.char_span(m.start(), m.end())
            if span is not None and not any(i in org_tokens for i in range(span.start, span.end)):
                stripped.append(span)
    spans = sorted(filter_spans(stripped), key=lambda s: s.start)
    starts = {s.start for s in spans}
    return [s for s in spans if not _employer(doc, s, starts, prefixes | titles)]


def _employer(doc: Doc, span: Span, name_starts: set[int], titles: frozenset[str]) -> bool:
    """"Acme Widgets CEO Tom Reed": a name right before a title and another name is the employer."""
    k = span.end
    while k < len(doc) and k - span.end < 4 and (doc[k].lower_ in titles or doc[k].is_space):
        k += 1
    return k > span.end and k in name_starts and any(t.lower_ in titles for t in doc[span.end:k])


def _name_token(tok) -> bool:
    return tok.is_alpha and tok.is_title and tok.tag_ in {"NNP", "NNPS"}


def split_name(name: str) -> list[str]:
    return name.replace("‐", "-").split()


def resolve_surname(word: str, known: list[str]) -> str | None:
    """'Choi' -> 'Choi Jae-won' when exactly one known full name starts or ends with it.

    Korean names put the family name first, Western names last, so both ends count.
    Two candidates means ambiguous: None, never a guess.
    """
    matches = {full for full in known if (parts := split_name(full)) and word in (parts[0], parts[-1])}
    return matches.pop() if len(matches) == 1 else None



def mislabelled_persons(doc: Doc, org_tokens: set[int], titles: frozenset[str]) -> list[Span]:
    """Entities the NER labelled ORG, GPE ... that are person names by what surrounds them.

    Only runs of two to four capitalised proper nouns outside any linked organisation count, and
    only with evidence: a title right before ("analyst Eon Hwang") or in an appositive right after
    ("Grady Wulff, market analyst at Bell Direct"), or one of its words tagged PERSON on its own
    elsewhere in the text, or its last word alone the subject of a reporting verb ("Param Singh
    initiated coverage ... Singh wrote": companies are called by their first word, people by
    their last).
    """
    lone_persons = {e.text for e in doc.ents if e.label_ == "PERSON" and len(e) == 1}
    reporting = word_set("reporting_verbs")
    speakers = {t.text for t in doc if t.dep_ == "nsubj" and t.head.lower_ in reporting and t.head.tag_.startswith("VB")
                and _name_token(t) and not (t.i > 0 and _name_token(doc[t.i - 1]))
                and not (t.i + 1 < len(doc) and _name_token(doc[t.i + 1]))}
    prefixes = word_set("name_prefixes")
    hard = {i for e in doc.ents if e.label_ in NOT_PERSON - MISLABELLED for i in range(e.start, e.end)} | org_tokens
    soft = {i for e in doc.ents if e.label_ in MISLABELLED for i in range(e.start, e.end)}
    out = []
    i = 0
    while i < len(doc):
        j = i
        while j < len(doc) and j not in hard and _name_token(doc[j]) and (j == i or doc[j - 1].whitespace_):
            j += 1
        if j == i:
            i += 1
            continue
        e = doc[i:j]
        i = j
        if not 2 <= len(e) <= 4 or not any(k in soft for k in range(e.start, e.end)) \
                or any(t.lower_ in titles | prefixes for t in e):
            continue
        before = doc[e.start - 1].lower_ if e.start > 0 else ""
        after = [t for t in doc[e.end:e.end + 6]]
        appositive = bool(after) and after[0].text == "," and any(
            t.lower_ in titles for t in _until_break(after[1:]))
        if before in titles or appositive or {e[0].text, e[-1].text} & lone_persons or e[-1].text in speakers:
            out.append(e)
    return out


def _until_break(tokens) -> list:
    out = []
    for t in tokens:
        if t.is_punct or t.is_space:
            break
        out.append(t)
    return out
