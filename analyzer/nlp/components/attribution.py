"""Who is speaking: person names, titles and firms around a reporting verb.

Helpers of the ``newsig_quotes`` component, kept apart so each file has one
job: this one reads the Doc (NER, parse, ``doc.spans["newsig_orgs"]``) and
answers "which name, which title, which firm"; quotes.py decides which
statement belongs to whom.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Span

from analyzer.nlp.components.context import doc_text
from analyzer.nlp.components.names import person_names, resolve_surname, split_name
from analyzer.nlp.components.ratings import titles_by_first_word, word_set

QUOTE_CHARS = {'"', "“", "”", "``", "''"}
STOP_PUNCT = {".", "!", "?", ";"}
BLANK_LINE = re.compile(r"\n[ \t]*\n\s*")
NEWLINE = re.compile(r"\n\s*")
JUNK = re.compile(r"\]\(|//|https?:|www\.|[<>{}|]")


@dataclass(frozen=True)
class Speaker:
    """A resolved speaker; ``name`` None when only the firm is known ("Samsung said")."""

    name: str | None
    title: str | None = None
    firm: str | None = None
    firm_ticker: str | None = None
    firm_span: tuple[int, int] | None = None  # token offsets of the firm mention
    role: str | None = None  # analyst | executive | official | None (unknown)
    research: bool = False  # the firm is a brokerage / bank / research house (or named so: "X analysts")
    co: tuple["Speaker", ...] = ()  # others named with this one ("analysts Sam Wong and Shujin Chen said")

    def with_firm_of(self, other: "Speaker", **changes) -> "Speaker":
        """This speaker with ``other``'s firm: its name, ticker, mention (``firm_span``) and research
        flag; ``changes`` set further fields or override those four."""
        fields = dict(firm=other.firm, firm_ticker=other.firm_ticker, firm_span=other.firm_span,
                      research=other.research)
        fields.update(changes)
        return replace(self, **fields)


def letters(name: object) -> str:
    """'J.P. Morgan' -> 'jpmorgan': the letters of a name, lower-case (unicode letters kept)."""
    return "".join(ch for ch in str(name or "").lower() if ch.isalpha())


def same_firm(a: object, b: object) -> bool:
    """"Melius" and "Melius Research", "Citi" and "Citigroup": one name's letters contain the other's."""
    x, y = letters(a), letters(b)
    return bool(x and y) and (x in y or y in x)


@functools.lru_cache(maxsize=8)
def paragraph_break(text: str) -> re.Pattern:
    """What separates paragraphs: blank lines when the text has any (single newlines are then
    hard wraps, as in Reuters copy), else every newline."""
    return BLANK_LINE if BLANK_LINE.search(text) else NEWLINE


def paragraph_bounds(text: str, pos: int) -> tuple[int, int]:
    """(start, end) char offsets of the paragraph holding ``pos``."""
    rx = paragraph_break(text)
    start, end = 0, len(text)
    for m in rx.finditer(text):
        if m.end() <= pos:
            start = m.end()
        elif m.start() >= pos:
            end = m.start()
            break
    return start, end


def crosses_paragraph(text: str, start: int, end: int) -> bool:
    return bool(paragraph_break(text).search(text[start:end]))


def org_spans(doc: Doc) -> list[Span]:
    """Linked org spans, plus NER ORG entities the linker did not cover."""
    linked = list(doc.spans["newsig_orgs"]) if "newsig_orgs" in doc.spans else []
    taken = {i for sp in linked for i in range(sp.start, sp.end)}
    extra = [e for e in doc.ents if e.label_ == "ORG" and not any(i in taken for i in range(e.start, e.end))]
    return sorted(linked + extra, key=lambda s: s.start)


def org_name(span: Span) -> tuple[str, str | None]:
    """(display name, ticker) of an org span: the universe's name when linked."""
    listing = span._.listing if span.has_extension("listing") else None
    if listing is not None:
        return getattr(listing, "name", span.text), getattr(listing, "ticker", None)
    text = span.text
    for suffix in ("'s", "’s", "'", "’"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    return text, None


def find_title(doc: Doc, start: int, end: int, *, near: str) -> tuple[str, int, int] | None:
    """The longest title phrase in tokens [start, end); the first one (near='start') or last ('end')."""
    by_first = titles_by_first_word()
    lowers = [t.lower_ for t in doc[start:end]]
    hits: list[tuple[int, int, str]] = []
    i = start
    while i < end:
        for words in by_first.get(lowers[i - start], ()):
            k = i + len(words)
            if k <= end and tuple(lowers[i - start:k - start]) == words:
                text = doc[i:k].text
                hits.append((i, k, text if text.isupper() else text.lower()))
                i = k - 1
                break
        i += 1
    if not hits:
        return None
    s, e, text = hits[0] if near == "start" else hits[-1]
    return text, s, e


class SpeakerFinder:
    """Answers questions about one Doc: names, titles and firms near a token range."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.text = doc_text(doc)
        self.token_starts = [t.idx for t in doc]
        linked = list(doc.spans["newsig_orgs"]) if "newsig_orgs" in doc.spans else []
        self.names = person_names(doc, [o for o in linked if o.label_ != "ORG"])  # ORG: an unlinked NER guess
        named = {i for n in self.names for i in range(n.start, n.end)}
        self.orgs = [o for o in org_spans(doc)
                     if o.label_ != "ORG" or not any(i in named for i in range(o.start, o.end))]
        self.name_starts = [n.start for n in self.names]
        self.person_tokens = {i for e in doc.ents if e.label_ == "PERSON" for i in range(e.start, e.end)}
        self.profiles: dict[str, Speaker] = {}
        self._looking = False
        self.story_starts: list[int] = [0]  # where each item of a roundup starts (set by the quotes component)

    def known_before(self, token_i: int) -> list[str]:
        """Full names (two words or more) mentioned before token ``token_i``."""
        upto = bisect.bisect_left(self.name_starts, token_i)
        return [n.text for n in self.names[:upto] if len(split_name(n.text)) >= 2]

    def names_in(self, start: int, end: int) -> list[Span]:
        return [n for n in self.names if n.start >= start and n.end <= end]

    def conjoined(self, name: Span) -> list[Span]:
        """The names listed with ``name`` ("Richard Taylor and Sharanya Gajapathy", "A, B and C"), in order."""
        doc = self.doc
        k = self.names.index(name) if name in self.names else -1
        if k < 0:
            return [name]
        lo = hi = k
        joins = {",", "and", "&"}
        while lo > 0 and self.names[lo - 1].end < self.names[lo].start and all(
                t.lower_ in joins for t in doc[self.names[lo - 1].end:self.names[lo].start]):
            lo -= 1
        while hi + 1 < len(self.names) and self.names[hi].end < self.names[hi + 1].start and all(
                t.lower_ in joins for t in doc[self.names[hi].end:self.names[hi + 1].start]):
            hi += 1
        group = self.names[lo:hi + 1]
        if len(group) > 1 and not any(t.lower_ in {"and", "&"} for t in doc[group[0].start:group[-1].end]):
            return [name]  # "Smith, Jones" without 'and' is an appositive, not a list
        return group

    def person(self, name: Span) -> str | None:
        """Full name for a candidate, resolving a lone surname; None if not a person."""
        words = split_name(name.text)
        if len(words) >= 2:
            return name.text
        known = self.known_before(name.start)
        resolved = resolve_surname(words[0], known)
        if resolved:
            return resolved
        if any(words[0] in (split_name(k)[0], split_name(k)[-1]) for k in known):
            return None  # two people share this surname: ambiguous, not a guess
        return name.text if name.start in self.person_tokens else None

    def profile(self, name: Span, full: str, limit: int) -> Speaker:
        """Title and firm from an appositive ("X, an analyst at Y"), a prefix ("Y analyst X"),
        a possessive ("Bernstein's X") or a copula ("X is chief executive of Y") at this mention,
        else at another mention of the same person ("Gong believes" after "Paul Gong, UBS head of
        research", "Ackman said" before "Ackman is founder of Pershing Square")."""
        speaker = self._profile_at(name, full, limit)
        if speaker.firm or self._looking:
            return speaker
        self._looking = True
        try:
            for other in self.names:
                if other.start == name.start or full.split()[-1] not in other.text.split() or self.person(other) != full:
                    continue
                found = self._profile_at(other, full, other.sent.end)
                if speaker.title and found.firm:  # "investor Bill Ackman" ... "Ackman is founder of Pershing Square"
                    return speaker.with_firm_of(found)
                if not speaker.title and (found.title or found.firm):
                    return found
        finally:
            self._looking = False
        return speaker

    def _profile_at(self, name: Span, full: str, limit: int) -> Speaker:
        doc = self.doc
        title = firm = None
        sent = doc[name.start].sent
        after_end = min(limit, sent.end, name.end + 16)
        for k in range(name.end, after_end):
            t = doc[k]
            if t.text in QUOTE_CHARS or t.text in STOP_PUNCT or (k > name.end + 1 and is_reporting(t)):
                after_end = k
                break
        after = name.end
        if after < after_end and doc[after].lower_ in {"is", "was", "'s", "’s"} and doc[after].pos_ == "AUX":
            after += 1  # "Ackman is founder and chief executive of Pershing Square"
        if after < after_end and (after > name.end or doc[after].text in {",", "(", "of", "at", "from", "with"}):
            found = find_title(doc, after, after_end, near="start")
            if found:
                title = found[0]
            if doc[after].text == "," and (title is None or title in word_set("titles_needing_scope")):
                title = _appositive_title(doc, after + 1, after_end) or title
            firms = [o for o in self.orgs if o.start >= after and o.end <= after_end]
            # a linked firm before an NER guess ("the investment research department at IwaiCosmo Securities")
            firm = next((o for o in firms if o.label_ != "ORG" or any(t.pos_ == "PROPN" for t in o)), None)
            if firm is None:
                firm = self._proper_after(found[2] if found else after, after_end)
            if firm is None and found and found[1] > after + 1 and doc[found[1] - 1].text in {",", "(", "a", "an"}:
                firm = self.firm_before(found[1] - 1 if doc[found[1] - 1].text == "," else found[1],
                                        after + 1)  # "Paul Gong, UBS head of research"
            if firm is None and found and doc[after].text == ",":
                firm = self.firm_before(found[1], after + 1)
        if title is None or firm is None:
            before_start = name.start  # back to the clause start, past a sentence split the parser put there
            while before_start > max(0, name.start - 12) and not _clause_break(doc[before_start - 1]):
                before_start -= 1
                if doc[before_start].text == ")":  # "Barclays (LON:BARC) analyst X": over the bracket
                    k = before_start
                    while k > max(0, before_start - 8) and doc[k].text != "(":
                        k -= 1
                    before_start = k if doc[k].text == "(" else before_start
            found = find_title(doc, before_start, name.start, near="end")
            if found and all(t.is_space for t in doc[found[2]:name.start]):
                title = title or found[0]
                firm = firm or self.firm_before(found[1], before_start)
            elif firm is None:  # "Bernstein's Stacy Rasgon"
                firm = next((o for o in self.orgs if o.end == name.start and o.text.endswith(("'s", "’s", "'", "’"))
                             and doc[o.end - 1].tag_ == "POS"), None)
                if firm is None and name.start >= 2 and _possessive(doc[name.start - 1]):
                    firm = next((o for o in self.orgs if o.end == name.start - 1), None)
                if firm is None and name.start >= 2 and _possessive(doc[name.start - 1]):
                    j = name.start - 1
                    while j > before_start and (doc[j - 1].is_title or doc[j - 1].is_upper) and doc[j - 1].is_alpha:
                        j -= 1
                    firm = doc[j:name.start - 1] if j < name.start - 1 else None
        prefixes = word_set("name_prefixes")
        j = name.start
        while j > 0 and doc[j - 1].lower_ in prefixes and not _clause_break(doc[j - 1]):
            j -= 1
        if title is None and j < name.start:
            words = [t for t in doc[j:name.start] if t.lower_ not in word_set("honorifics")]  # "Dr." is no title
            title = " ".join(t.lower_ for t in words) or None  # "Chief Executive Steve Jobs", "Chair Jerome Powell"
            if firm is None:
                lo = j
                while lo > max(0, j - 6) and not _clause_break(doc[lo - 1]):
                    lo -= 1
                firm = self.firm_before(j, lo)  # "Lyft Chief Executive David Risher"
        speaker = self.speaker(full, title, firm)
        known = self.profiles.get(full)
        if known and not (speaker.title or speaker.firm):
            return known
        if known and known.firm and not speaker.firm:
            # the firm's mention stays this speaker's own (the profile's mention lies elsewhere in the text)
            return speaker.with_firm_of(known, firm_span=speaker.firm_span, role=speaker.role or known.role)
        if speaker.title or speaker.firm:
            self.profiles.setdefault(full, speaker)
        return speaker

    def speaker(self, name: str | None, title: str | None, firm: Span | None, *, group: bool = False) -> Speaker:
        """A Speaker with its role: analyst (an analyst title, or a research firm's person),
        executive (speaks for the company that employs them), official (an executive title and
        no firm), or None (unknown)."""
        research = firm is not None and (self.is_research(firm, group) or (
            firm.label_ not in {"COMPANY", "INDEX"} and (_title_role(title, "analyst_titles") or _research_name(firm))))
        role = speaker_role(title, firm is not None, research)
        if firm is None:
            return Speaker(name, title, role=role)
        if JUNK.search(firm.text):  # a Markdown link or a URL is no firm's name
            return Speaker(name, title, role=role if role != "executive" else "official")
        firm_name, ticker = org_name(firm)
        written = re.sub(r"['’]s?$", "", firm.text) if firm.label_ == "FIRM" and ticker is None else firm_name
        if letters(written) not in letters(firm_name):  # "Saxo Markets" (an alias of Saxo Bank): as written
            firm_name = written
        return Speaker(name, title, firm_name, ticker, (firm.start, firm.end), role=role, research=research)

    def is_research(self, firm: Span, group: bool = False) -> bool:
        """A brokerage, bank or research house: a FIRM of the universe (not a news outlet), or an
        unknown name whose analysts speak ("MoffettNathanson analysts wrote")."""
        listing = firm._.listing if firm.has_extension("listing") else None
        if listing is not None:
            return listing.kind == "firm" and not listing.is_press
        if firm.label_ in {"COMPANY", "INDEX"}:
            return False
        return group

    def firm_before(self, i: int, lo: int) -> Span | None:
        """The organisation that ends right before token ``i`` (an analyst title): a linked org, or
        the run of capitalised words there even when no list knows it ("Melius Research analyst",
        "Barclays (LON:BARC) analyst", "Morningstar senior equity analyst", "Citi's analysts")."""
        doc = self.doc
        mods = word_set("firm_modifiers")
        j = i
        while j > lo and ((doc[j - 1].lower_ in mods and doc[j - 1].is_lower) or _blank(doc[j - 1])):
            j -= 1
        if j > lo and doc[j - 1].text == ")":  # "Barclays (LON:BARC) analyst"
            k = j - 1
            while k > lo and doc[k].text != "(" and j - k < 8:
                k -= 1
            if doc[k].text == "(":
                j = k
        if j > lo and _possessive(doc[j - 1]):
            j -= 1
        unit = next((o for o in self.orgs if lo <= o.start and o.end < j and o.label_ != "ORG" and all(
            t.is_title and t.pos_ == "PROPN" for t in doc[o.end:j])), None)
        if unit is not None and j - unit.end <= 2:  # "RBC Europe analysts": a firm's unit, named as written
            return doc[unit.start:j]
        orgs = [o for o in self.orgs if o.start >= lo and o.start < j and all(_blank(t) for t in doc[o.end:j])]
        if orgs and max(o.end for o in orgs) > j:  # an NER span running over the title ("X's Head of Markets")
            org = max(orgs, key=lambda o: o.end)
            if _possessive(doc[j]) and org.label_ == "ORG":  # "X's Head of Markets": X
                return doc[org.start:j] if j > org.start else None
            return org  # "Melius Research analyst": the firm's name wins over the title's "research"
        if orgs:  # "TD Cowen": the linker may hold only part of the run; take the whole run then
            org = max(orgs, key=lambda o: o.end)
            k = org.start
            while k > lo and (doc[k - 1].is_upper or doc[k - 1].is_title) and doc[k - 1].is_alpha \
                    and not doc[k - 1].is_stop:
                k -= 1
            return org if k == org.start else doc[k:org.end]
        k = j
        while k > lo and j - k < 8 and (_firm_token(doc[k - 1]) or _blank(doc[k - 1])):
            k -= 1
        while k < j and (_blank(doc[k]) or doc[k].is_stop or doc[k].lower_ in word_set("name_prefixes")) and not doc[k].is_upper:
            k += 1  # "But Raymond James analyst", "The Citi analyst"
        if k >= j:
            return None
        span = doc[k:j]
        if not all(o.start >= k and o.end <= j or o.end <= k or o.start >= j for o in self.orgs):
            return None  # the run cuts through a longer organisation
        if span.text.lower() in word_set("not_firms") or all(t.lower_ in word_set("not_firms") for t in span):
            return None
        if any(e.label_ in {"GPE", "NORP", "LOC", "DATE", "TIME", "CARDINAL", "PERCENT", "MONEY"}
               and e.start < j and e.end > k for e in doc.ents):
            return None
        if any(n.start < j and n.end > k for n in self.names):
            return None  # a person's name, not a firm
        return span

    def group(self, start: int, end: int) -> Speaker | None:
        """Unnamed analysts of a firm: "analysts at Jefferies said", "MoffettNathanson analysts
        wrote", "Those at ICICI Securities said", "Nomura analyst(s) say"."""
        doc = self.doc
        groups = word_set("group_words")
        for k in range(start, end):
            t = doc[k]
            if t.lower_ not in groups or t.pos_ not in {"NOUN", "PROPN", "PRON"}:
                continue
            firm = None
            if k + 1 < end and doc[k + 1].lower_ in {"at", "with", "from", "of"}:
                firm = next((o for o in self.orgs if o.start == k + 2), None) or self._proper_after(k + 1, end)
            if firm is None and t.lower_ != "those":
                firm = self.firm_before(k, start)
            if firm is not None:
                return self.speaker(None, "analysts" if t.lower_ == "those" else t.lower_, firm, group=True)
        return None

    def _proper_after(self, i: int, end: int) -> Span | None:
        """The capitalised name after 'at' / 'of' / 'with' ("an analyst at Bernstein") when NER missed it."""
        doc = self.doc
        if i >= end or doc[i].lower_ not in {"at", "of", "with", "from"}:
            return None
        j = i + 1
        while j < end and (doc[j].is_title or doc[j].is_upper or doc[j].text in {"&", "-"}) and not doc[j].is_punct \
                or (j < end and doc[j].text == "&"):
            j += 1
        return doc[i + 1:j] if j > i + 1 else None

    def firm_subject(self, start: int, end: int, verb_i: int) -> Speaker | None:
        """An org as the speaker ("Samsung Electronics said ..."): the org nearest the verb."""
        doc = self.doc
        agencies = word_set("news_agencies")  # "(Reuters) - Yahoo said": the dateline is not the speaker
        cands = [o for o in self.orgs if o.start >= start and o.end <= end and o.text.lower() not in agencies]
        verb = doc[verb_i] if 0 <= verb_i < len(doc) else None
        subj = next((c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}), None) if verb is not None else None
        if subj is not None:  # "the company said ... Google search": only an org in the verb's subject speaks
            inside = {t.i for t in subj.subtree}
            cands = [o for o in cands if any(i in inside for i in range(o.start, o.end))]
        if not cands:
            return None
        org = min(cands, key=lambda o: min(abs(o.start - verb_i), abs(o.end - verb_i)))
        research = self.is_research(org)
        role = "analyst" if research else "executive" if org.label_ == "COMPANY" else None
        name, ticker = org_name(org)
        return Speaker(None, None, name, ticker, (org.start, org.end), role=role, research=research)


def _blank(tok) -> bool:
    """A space token within a line (non-breaking spaces in web copy)."""
    return tok.is_space and "\n" not in tok.text


def _appositive_title(doc: Doc, start: int, end: int) -> str | None:
    """"head of market forecast for China", "general manager of the investment research department": a
    job noun and its scope after a name, up to the employer ("at X") or the next comma."""
    k = start + (start < end and doc[start].lower_ in {"a", "an", "the"})
    if k >= end or doc[k].lower_ not in word_set("job_nouns") and not (
            k + 1 < end and doc[k + 1].lower_ in word_set("job_nouns")):
        return None
    j = k
    while j < end and doc[j].text not in {",", "(", ";"} and doc[j].lower_ != "at":
        j += 1
    return doc[k:j].text.lower() if j - k <= 10 else None


def _research_name(firm: Span) -> bool:
    """An unlisted firm named as a research or investment house ("Commerzbank Research", "Capital Economics")."""
    words = [t.lower_ for t in firm if not t.is_punct]
    return any(tuple(words[-len(w.split()):]) == tuple(w.split()) for w in word_set("research_firm_words"))


def _possessive(tok) -> bool:
    """"'s", or a bare apostrophe tagged possessive ("Federated Hermes' Damian McIntyre")."""
    return tok.lower_ in {"'s", "’s"} or (tok.text in {"'", "’"} and tok.tag_ == "POS")


def _clause_break(tok) -> bool:
    return tok.text in STOP_PUNCT or tok.text in QUOTE_CHARS or (tok.is_space and "\n" in tok.text) or tok.text == ":"


def _firm_token(tok) -> bool:
    """A word of a firm's name: capitalised or upper-case, or '&', '.' inside ("B. Riley", "AT&T")."""
    return (tok.is_title or tok.is_upper or tok.text in {"&", "."} or (tok.text[:1].isupper() and tok.is_alpha)) \
        and tok.text not in QUOTE_CHARS and tok.text not in STOP_PUNCT | {",", ":", "("} and not tok.like_num


def _title_role(title: str | None, key: str) -> bool:
    """The title is one of ``key``'s (matched on its last words: "senior equity analyst" is an analyst)."""
    if not title:
        return False
    words = title.lower().split()
    if key == "analyst_titles" and word_set("analyst_title_words") & set(words):
        return True  # "UBS head of China autos research", "head of market forecast"
    return any(tuple(words[-len(t.split()):]) == tuple(t.split()) for t in word_set(key))


def speaker_role(title: str | None, has_firm: bool, research: bool) -> str | None:
    """analyst | executive | official | None, from the title and the kind of firm."""
    if _title_role(title, "official_titles"):
        return "official"
    if _title_role(title, "analyst_titles"):
        return "analyst"
    if _title_role(title, "executive_titles"):  # a research house's CEO speaks for the house
        return "executive" if has_firm else "official"
    return "analyst" if research else None


def is_reporting(tok) -> bool:
    """A reporting verb ("said", "noted", "analyzed") used as a verb."""
    return tok.tag_.startswith("VB") and tok.lower_ in word_set("reporting_verbs")
