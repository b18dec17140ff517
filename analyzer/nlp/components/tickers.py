"""``newsig_tickers``: find organisation mentions and link them to listings.

Output contract (the rest of the pipeline reads only this):

- ``doc.spans["newsig_orgs"]``: one Span per organisation mention, no overlaps,
  ``label_`` in ``COMPANY | INDEX | FIRM | ORG``;
- ``Span._.listing``: the :class:`analyzer.universe.listings.Listing`, or None for ``ORG``
  (an organisation spaCy's NER found that the universe does not know);
- ``Span._.link_source``: ``"universe"``, ``"explicit"`` (a ticker in the text
  such as "(NASDAQ: NVDA)", "$TSLA", "005930.KS") or ``"ner"``.

The universe decides what is a company, not the NER: "Ecopro" links although the
small model calls it a PERSON. Longest match wins ("POSCO FUTURE M" over
"POSCO"); names made of common words match only with their exact case (see
:func:`analyzer.universe.listings.case_sensitive`). Add it after ``ner``::

    nlp.add_pipe("newsig_tickers", after="ner")
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Span

from analyzer.nlp.components.context import doc_text
from analyzer.nlp.components.press import credits_to_press, publisher_after
from analyzer.universe.listings import (
    EXCHANGE_SPELLINGS, EXCHANGES, GROUP_DEFAULTS, NOT_TICKERS, YAHOO_SUFFIXES, Listing, Universe, case_sensitive,
    common_words, is_common, load_universe, no_gc, normalise_exchange, yahoo_symbol,
)

SPAN_KEY = "newsig_orgs"
LABELS = {"company": "COMPANY", "index": "INDEX", "firm": "FIRM"}
# Legal-form suffixes: tokens that may follow a name and still belong to the mention ("Intel Corp"). The one list
# of them: owners.py and extract.py build their name-ending words from it.
CORP_SUFFIXES = frozenset({"corp", "corp.", "corporation", "inc", "inc.", "co", "co.", "ltd", "ltd.", "plc",
                           "ag", "se", "sa", "nv", "n.v.", "s.a.", "llc", "oyj", "asa", "kgaa"})
# Exchange names written before a code ("NYSE: X", "(TSX-V: ABC)"), longest first; from listings.EXCHANGES.
_EXCH = "|".join(re.escape(name).replace(r"\ ", r"\s?")
                 for name in sorted({*EXCHANGES, *EXCHANGE_SPELLINGS}, key=lambda n: (-len(n), n)))
# Yahoo / Reuters market suffix (the same letters in both) -> exchange
MARKET_SUFFIXES = {sfx: exchange for exchange, sfx in YAHOO_SUFFIXES.items()}
US_EXCHANGES = frozenset({"NASDAQ", "NYSE", "NYSE AMERICAN", "NYSE ARCA"})
TIME_ZONES = frozenset({"GMT", "UTC", "ET", "EST", "EDT", "KST", "JST", "HKT", "SGT", "BST", "CET"})
WIRE_TAGS = frozenset({"LEAD", "UPDATE", "REFILE", "RPT", "CORRECTED", "CORRECTION", "WRAPUP", "FACTBOX",
                       "EXCLUSIVE", "ANALYSIS", "BREAKINGVIEWS", "PREVIEW", "TIMELINE", "INSTANT VIEW", "END"})
INSTRUMENT_CODES = ("ric", "suffixed")
NAME_FILLER = CORP_SUFFIXES | {"the", "and", "group", "holdings", "holding", "company", "companies", "cos"}
# typographic quotes and dashes read as their ASCII forms when a name is looked up
QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00b4": "'", "\u0060": "'", "\u2032": "'",
                        "\u201c": '"', "\u201d": '"', "\u2010": "-", "\u2011": "-"})
URL_RE = re.compile(r"(?:https?://|www\.)[^\s)\]]+")
RIC_EXCHANGES = {"O": "NASDAQ", "OQ": "NASDAQ", "N": "NYSE", "K": "NYSE", "A": "NYSE AMERICAN", "P": "NYSE ARCA"}
EXPLICIT = [  # (regex, how): order matters, earlier patterns claim their characters first
    (re.compile(rf"\(\s*(?P<ex>{_EXCH})\s*:\s*(?P<code>[A-Z0-9][A-Za-z0-9.\-]{{0,9}})\s*(?:[;,][^)]*)?\)"), "prefixed"),
    (re.compile(rf"(?<![\w(])(?P<ex>{_EXCH}):\s?(?P<code>[A-Z0-9][A-Z0-9.\-]{{0,9}})\b"), "prefixed"),
    (re.compile(r"\b(?P<code>\d{6})\.(?P<sfx>KS|KQ)\b"), "yahoo"),
    # a market-suffixed code in brackets right after a name: "Husky Energy Inc. ( HSE.TO )", "(0857.HK)"
    (re.compile(rf"\(\s*(?P<code>[A-Z0-9]{{1,6}})\.(?P<mkt>{'|'.join(MARKET_SUFFIXES)})\s*\)"), "suffixed"),
    (re.compile(r"\b(?P<code>[A-Z0-9]{1,6}(?:-[A-Z])?\.(?:DE|PA|AS|L|MC|MI|SW|ST|HE|T|BR|F))\b"), "yahoo"),
    # Reuters instrument codes for US listings: "Microsoft Corp MSFT.O", "(C.N)"; never "U.N."
    (re.compile(r"(?<![\w.$])(?P<code>[A-Z]{1,5})\.(?P<ric>OQ|O|N|K|A|P)\b(?![.\w])"), "ric"),
    (re.compile(r"(?<![\w$])\$(?P<code>[A-Z]{1,5}(?:\.[A-Z])?)\b(?![.\d])"), "cashtag"),
    (re.compile(r"\(\s*(?P<code>[A-Z]{1,5}(?:\.[A-Z])?|\d{6})\s*\)"), "bare"),
]


for _attr in ("listing", "link_source"):
    if not Span.has_extension(_attr):
        Span.set_extension(_attr, default=None)


@dataclass
class _Cand:
    start: int  # token offsets
    end: int
    listing: Listing | None
    source: str
    weak: bool = False
    need: int = 0  # evidence the name needs: 0 none, 1 capitalisation, 2 company words / suffix / ticker
    evidence: int = 0  # evidence this mention has


# Words right after a name that make it a company ("Acme shares", "Acme's chief executive").
COMPANY_AFTER = frozenset({"shares", "share", "stock", "stocks", "shareholders", "stockholders", "ceo", "cfo",
                           "chairman", "chief", "board", "inc", "inc.", "corp", "corp.", "ltd", "ltd.", "plc",
                           "limited", "co", "co.", "group", "holdings", "reported", "announced", "posted",
                           "forecast", "said", "says", "shares'", "adr", "adrs"})
# Words right before a name that make it a company ("shares of Acme", "rival Acme").
COMPANY_BEFORE = frozenset({"rival", "rivals", "peer", "peers", "maker", "firm", "company", "group", "lender",
                            "retailer", "insurer", "miner", "carrier", "developer", "producer", "automaker",
                            "chipmaker", "conglomerate", "operator", "supplier", "brokerage", "bank"})


HEAD = 3  # characters of a name's start kept in TickerLinker._heads


def _may_start_name(text: str, a: int, heads: set[str]) -> bool:
    """Whether a name could start at ``text[a]``: the next characters, normalised as windows are
    (whitespace runs collapsed, curly quotes straightened, lower-cased), begin like some name."""
    seg = text[a:a + HEAD + 9].split("\n", 1)[0]
    if "  " in seg or "\t" in seg:
        seg = " ".join(seg.split())
    if not seg.isascii():
        seg = seg.translate(QUOTES)
    head = seg.lower()[:HEAD]
    if len(head) < HEAD:
        return True
    return head in heads or head[:1] in heads or head[:2] in heads


@Language.factory("newsig_tickers", default_config={"overwrite": False})
def make_tickers(nlp: Language, name: str, overwrite: bool) -> "TickerLinker":
    """Factory: ``overwrite`` replaces spans already under ``doc.spans["newsig_orgs"]`` instead of keeping them."""
    return TickerLinker(nlp, name=name, overwrite=overwrite)


class TickerLinker:
    """A text index over every universe name (built once) plus explicit-ticker patterns."""

    def __init__(self, nlp: Language, name: str = "newsig_tickers", overwrite: bool = False,
                 universe: Universe | None = None) -> None:
        self.name, self.overwrite = name, overwrite
        self.universe = universe if universe is not None else load_universe()
        # every name keyed by its text: exact-case names by the text itself, the others lower-cased;
        # a document is scanned token by token for the texts of 1..n-token windows (no per-name
        # tokenisation at start-up, which with tens of thousands of names would cost seconds)
        self._exact: dict[str, tuple[Listing, bool]] = {}
        self._folded: dict[str, Listing] = {}
        longest = 0
        with no_gc():
            for phrase, listing, sensitive in self.universe.phrases():
                if sensitive:
                    self._exact.setdefault(phrase, (listing, not phrase.isupper()))
                else:
                    self._folded.setdefault(phrase.lower(), listing)
                if len(phrase) > longest:
                    longest = len(phrase)
            for low, listing in [(k, v) for k, v in self._folded.items() if not k.isascii()]:
                bare = strip_accents(low)
                if bare != low and bare.isascii():  # "Hermes" / "Nestle" written without the accents
                    self._folded.setdefault(bare, listing)
            for low, listing in [(k, v) for k, v in self._folded.items() if " & " in k]:
                self._folded.setdefault(low.replace(" & ", " and "), listing)  # "Mahindra and Mahindra"
            self._longest = longest + 8
            self._prefixes = NamePrefixes(self.universe.listings)
            # the first three characters of every name, lower-cased (shorter names whole): a token no
            # name starts like is passed over without building its windows
            self._heads = {k[:HEAD] for k in self._folded} | {k.lower()[:HEAD] for k in self._exact}
            # and every name's first word, lower-cased: a token followed by a space must be one of them
            self._first_words = {k.split(" ", 1)[0] for k in self._folded} | \
                {k.lower().split(" ", 1)[0] for k in self._exact}

    # -- pieces ------------------------------------------------------------------

    def _universe_matches(self, doc: Doc) -> list[_Cand]:
        tagged = doc.has_annotation("TAG")
        out = []
        persons = [e for e in doc.ents if e.label_ == "PERSON" and len(e) > 1
                   and not any(t.text == "/" for t in e)]  # "Jane Roe/Getty Images": a credit, not one person
        surnames = {e[-1].text for e in persons}
        hits = self._name_hits(doc)
        windows = {(a, b) for a, b, _, _ in hits}
        defined = _defined_abbreviations(doc_text(doc))
        lower = {t.lower_ for t in doc if t.is_alpha and t.is_lower}
        for start, end, listing, weak in hits:
            span = doc[start:end]
            longer = self._shortened_name(doc, start, end)
            if longer is not None and (start, longer[1]) not in windows:  # "HD Hyundai Heavy" is HD Hyundai Heavy Industries, not HD Hyundai
                (listing, end), weak = longer, False
                span = doc[start:end]
            if span.text.lower() in GROUP_DEFAULTS and end < len(doc):
                nxt = doc[end]
                if nxt.is_alpha and (nxt.is_title or nxt.is_upper):  # "Samsung Heavy", "Samsung Group"
                    continue
            if listing.kind == "index" and publisher_after(doc, end):
                continue  # "Dow Jones & Co.", "Dow Jones Newswires": the publisher, not the index
            if listing.kind == "index" and _another_index_or_body(doc, end, listing):
                continue  # "FTSE 250" is not the FTSE 100; "Hang Seng Bank" is a bank
            if span.text in defined and not _names_agree(defined[span.text], listing):
                continue  # "Centers for Medicare & Medicaid Services (CMS)": the article's CMS, not CMS Energy
            if _exchange_prefix(doc, end) or _exchange_suffix(doc, start) or _in_headline_link(doc, start):
                continue  # "(TSX: SGR.U)" names a market; "[... About Tesla Stock](https://...)" another story
            if weak and tagged and not _market_subject(doc, start, end, listing, lower) and (
                    not any(t.pos_ == "PROPN" or t.ent_type_ == "ORG" for t in span)
                    or len(span) == 1 and span[0].is_sent_start and span[0].ent_type_ != "ORG"):
                continue  # "Target" as a noun; "Next", "Block" starting a sentence: only the NER can tell
            if end - start == 1 and _opens_table_cell(doc, start) and case_sensitive(span.text) \
                    and span.text.isalpha() and span[0].ent_type_ != "ORG":
                continue  # "| Total stockholders' equity |": a table's row label, not TotalEnergies
            if any(e.start <= start and end <= e.end and len(e) > end - start for e in persons) or (
                    end - start == 1 and span.text in surnames and span[0].ent_type_ != "ORG"):
                continue  # "Harold Rogers", then "Rogers continued": a person, not Rogers Corp
            if listing.country == "KR" and _longer_org_name(doc, start, end):
                continue  # "HD Hyundai Construction Equipment" is an affiliate, not HD Hyundai
            if _described_as_nonprofit(doc, end):
                continue  # "Oceana, an ocean conservation group,": a namesake that is no company
            if _another_body(doc, end):
                continue  # "Frontline Securities Limited", "Icahn School of Medicine": another organisation
            while end < len(doc) and not (
                    end + 1 < len(doc) and not doc[end].whitespace_ and doc[end + 1].text == "-"):  # "co-founder"
                if doc[end].lower_ in CORP_SUFFIXES:
                    end += 1
                elif doc[end].text == "," and end + 1 < len(doc) and doc[end + 1].lower_ in CORP_SUFFIXES \
                        and doc[end - 1].lower_ in CORP_SUFFIXES:
                    end += 2  # "Hanla IMS Co., Ltd."
                else:
                    break
            out.append(_Cand(start, end, listing, "universe", weak))
        return out

    def _name_hits(self, doc: Doc) -> list[tuple[int, int, Listing, bool]]:
        """(start, end, listing, weak) for every token window whose text is a universe name.

        Token offsets are read once into lists (each ``doc[j]`` builds a Python object), and a
        token whose next characters begin no name starts no window.
        """
        out = []
        text, n, longest = doc_text(doc), len(doc), self._longest
        exact, folded, heads, first_words = self._exact, self._folded, self._heads, self._first_words
        starts, ends, stops, opens = [], [], [], []
        for t in doc:
            a, word = t.idx, t.text
            starts.append(a)
            ends.append(a + len(word))
            stop = t.is_space or "\n" in word  # a window never crosses these
            stops.append(stop)
            if stop or not word[0].isalnum() and t.is_punct:
                opens.append(False)
            elif t.whitespace_ == " ":  # a whole word: it must be some name's first word
                opens.append((word if word.isascii() else word.translate(QUOTES)).lower() in first_words)
            else:
                opens.append(_may_start_name(text, a, heads))
        for i in range(n):
            if not opens[i]:
                continue
            a = starts[i]
            for j in range(i, n):
                b = ends[j]
                if b - a > longest or stops[j]:
                    break
                window = text[a:b]
                if "\n" in window:
                    break
                if "  " in window or "\t" in window:
                    window = " ".join(window.split())
                if not window.isascii():
                    window = window.translate(QUOTES)  # "McDonald’s" is "McDonald's" (the text keeps its own)
                hit = exact.get(window)
                if hit is not None:
                    out.append((i, j + 1, hit[0], hit[1]))
                    continue
                listing = folded.get(window.lower())
                if listing is not None and (window != window.lower() or listing.name == listing.name.lower()
                                            or j > i and listing.size >= 3):
                    out.append((i, j + 1, listing, False))  # "crypto", "aiming": a word, not Crypto Co or Aiming Inc.
        return [h for h in out if any(ch.isalpha() for ch in text[starts[h[0]]:ends[h[1] - 1]])]  # "1933" is a year

    def _shortened_name(self, doc: Doc, start: int, end: int) -> tuple[Listing, int] | None:
        """(listing, new end) when the match and the capitalised words after it are the front of
        exactly one longer listed name ("Samsung Heavy", "LG Energy"), else None."""
        found = None
        words = [t.lower_ for t in doc[start:end]]
        for j in range(end, min(end + 2, len(doc))):
            tok = doc[j]
            if not tok.is_alpha or not (tok.is_title or tok.is_upper) or tok.lower_ in CORP_SUFFIXES:
                break
            words.append(tok.lower_)
            owners = self._prefixes.get(words)
            if owners is None:
                break
            if len(owners) == 1:
                found = (next(iter(owners.values())), j + 1)
        return found

    def _explicit(self, doc: Doc, taken: list[tuple[int, int]]) -> list[tuple[int, int, Listing, bool]]:
        """(start_char, end_char, listing, known) for tickers written in the text."""
        found = []
        for pattern, how in EXPLICIT:
            for m in pattern.finditer(doc_text(doc)):
                if any(a < m.end() and m.start() < b for a, b in taken):
                    continue
                code, ex = m.group("code"), m.groupdict().get("ex")
                if ex and normalise_exchange(ex) in ("KRX", "KOSPI", "KOSDAQ") and re.fullmatch(r"A\d{6}", code):
                    code = code[1:]  # KRX short codes are also written 'A005930'

                if how == "yahoo" and m.groupdict().get("sfx"):
                    ex = "KOSPI" if m.group("sfx") == "KS" else "KOSDAQ"
                if how == "suffixed":
                    ex, sfx = MARKET_SUFFIXES[m.group("mkt")], m.group("mkt")
                    listing = self.universe.by_ticker(f"{code}.{sfx}") or self.universe.by_ticker(code, ex)
                    if listing is not None and normalise_exchange(listing.exchange or "") != normalise_exchange(ex) \
                            and f"{code}.{sfx}" not in listing.alternates:
                        listing = None  # the same letters on another market (a company's other line is the company)
                    known = listing is not None
                    if listing is None:
                        listing = Listing(name=code, ticker=code, exchange=ex, symbol=f"{code}.{sfx}")
                    found.append((m.start(), m.end(), listing, known, how))
                    taken.append((m.start(), m.end()))
                    continue
                if how == "ric":
                    ex = RIC_EXCHANGES[m.group("ric")]
                    listing = self.universe.by_ticker(code, ex)
                    bracketed = doc_text(doc)[max(0, m.start() - 2):m.start()].strip().endswith("(") and \
                        doc_text(doc)[m.end():m.end() + 2].strip().startswith(")")
                    known = listing is not None and (listing.exchange or "").upper() in US_EXCHANGES
                    if code in NOT_TICKERS or not (known or bracketed):
                        continue  # only a US code we know ("U.N" is no ticker), or one in brackets after a name
                    if not known:  # "Staples Inc (SPLS.O)": a delisted or new code names the name before it
                        listing = Listing(name=code, ticker=code, exchange=ex, symbol=code.replace(".", "-"))
                    found.append((m.start(), m.end(), listing, known, how))
                    taken.append((m.start(), m.end()))
                    continue
                if ex and normalise_exchange(ex) == "HKEX" and code.isdigit():
                    code = code.zfill(4)  # "(HKEX: 700)" is 0700
                listing = self.universe.by_ticker(code, ex)
                if listing is not None and ex and not _on_exchange(listing, code, normalise_exchange(ex)):
                    listing = None  # "(TSX: X)" is not U.S. Steel: the written market decides
                if how == "bare" and (listing is None or code in NOT_TICKERS or listing.kind == "index"):
                    continue
                if how == "yahoo" and listing is None and not m.groupdict().get("sfx"):
                    continue
                if how == "cashtag" and listing is not None and listing.country != "US" and listing.size <= 2:
                    continue  # "$VIC", "$C98": coin tickers; a cashtag names a small listing abroad only by chance
                if how == "cashtag" and code in NOT_TICKERS:
                    continue
                if listing is None:
                    exchange = normalise_exchange(ex) if ex else None
                    symbol = None if exchange == "KRX" else yahoo_symbol(code, exchange)
                    listing = Listing(name=code, ticker=code, exchange=exchange, symbol=symbol)
                    known = False
                else:
                    known = True
                if how == "bare":
                    known = None  # "(AAPL)" only confirms the name right before it; "storage systems (ESS)" is no ticker
                found.append((m.start(), m.end(), listing, known, how))
                taken.append((m.start(), m.end()))
        return found

    def _judge(self, doc: Doc, cands: list[_Cand], codes: set[str]) -> list[_Cand]:
        """Keep the names that have the evidence they need.

        A name made of words ("Crypto", "Revenue", "Capex", a word the article also writes in lower
        case), a short acronym ("ISS", "HK") or a one-word name of a micro-cap listing outside the
        article's market needs company words around one of its mentions: a corporate suffix, "Acme
        shares", "shares of Acme", "Acme's chief executive", "rival Acme", or its ticker written in the
        text. A common-word name of a large company needs at least its capital letter in the middle of
        a sentence that is not a title-case headline (or the NER calling it an organisation). The
        article's market is the countries of the names that need no evidence.
        """
        words = common_words()
        lower = {t.lower_ for t in doc if t.is_alpha and t.is_lower}
        written = {t.text.lstrip("$") for t in doc if t.text.lstrip("$").isupper()} | codes
        has_sents = doc.has_annotation("SENT_START") or doc.has_annotation("DEP")
        headline = {t.i for s in doc.sents if _title_case(s) for t in s} if has_sents else set()
        facts = []
        for c in cands:
            L, span = c.listing, doc[c.start:c.end]
            core = [t for t in span if t.lower_ not in CORP_SUFFIXES and t.text not in (",", ".")]
            alpha = [t for t in core if t.is_alpha]
            size = L.size if L.size >= 0 else 1
            plain = bool(alpha) and all(is_common(t.text, words) or t.lower_ in lower for t in alpha)
            acronym = len(core) == 1 and core[0].text.isupper() and len(core[0].text) <= 4
            in_lower = len(alpha) == 1 and alpha[0].lower_ in lower  # the article uses the name as a word
            facts.append((c, span, core, size, plain, acronym, in_lower))
        market = {c.listing.country for c, _, core, size, plain, acronym, _ in facts
                  if size >= 3 and not plain and not acronym and c.listing.kind == "company"}
        best: dict[str, int] = {}
        for c, span, core, size, plain, acronym, in_lower in facts:
            L = c.listing
            foreign = L.country not in market
            need = 1 if c.weak else 0
            if L.kind == "company" and (
                    plain and (size <= 2 or in_lower and size <= 3)
                    or acronym and (size <= 1 or size <= 3 and foreign)
                    or len(core) == 1 and size <= 1 and foreign):
                need = 2
            c.need = need
            c.evidence = _evidence(doc, c.start, c.end, len(core) < len(span), L, written, headline)
            if (need or size <= 2) and len(core) == 1 and len(span) == 1 and _inside_longer_name(
                    doc, c.start, c.end, headline):
                c.need = 3  # "Growth Strategy", "Hyper Peptide": a word of a longer name, whatever else says
                continue
            best[L.key] = max(best.get(L.key, 0), c.evidence)
        return [c for c in cands if best.get(c.listing.key, 0) >= c.need]

    # -- the component -----------------------------------------------------------

    def __call__(self, doc: Doc) -> Doc:
        links = [m.span() for m in URL_RE.finditer(doc_text(doc))]  # "simplywall.st/stocks/kr/kosdaq-a092460"
        explicit = [e for e in self._explicit(doc, []) if not any(a <= e[0] < b for a, b in links)]
        zones = [(a, b) for a, b, *_ in explicit]
        cands = [c for c in self._universe_matches(doc)
                 if not any(a < doc[c.end - 1].idx + len(doc[c.end - 1]) and doc[c.start].idx < b for a, b in zones + links)]
        chosen = _no_overlaps(sorted(cands, key=lambda c: (-(c.end - c.start), c.start)))
        chosen = self._judge(doc, chosen, {e[2].ticker for e in explicit if e[3] and e[2].ticker})
        ner = [_Cand(a, b, None, "ner") for e in doc.ents if e.label_ == "ORG"
               for a, b in _list_items(doc, *_trim(doc, e.start, e.end))]
        ner = [_before_codes(doc, c, zones) for c in ner]  # "Washington Mutual Inc ( WM.N": the name part
        ner = [c for c in ner if c.end > c.start and any(ch.isupper() for ch in doc[c.start:c.end].text)
               and not all(t.lower_ in NAME_FILLER or t.is_punct for t in doc[c.start:c.end])  # "Inc."
               and doc[c.start:c.end].text.upper() not in NOT_TICKERS | WIRE_TAGS
               and not _dateline(doc, c.start, c.end)
               and not any(a < doc[c.end - 1].idx + len(doc[c.end - 1]) and doc[c.start].idx < b for a, b in zones + links)]
        # weak (common-word) matches inside a longer NER entity are something else ("European Union")
        # ("the Straits Times Index" is the same entity as "Straits Times Index": compare trimmed)
        ents = [item for e in doc.ents for item in _list_items(doc, *_trim(doc, e.start, e.end))]
        chosen = [c for c in chosen if not (c.weak and any(
            a <= c.start and c.end <= b and (b - a) > (c.end - c.start) for a, b in ents))]
        for a, b, listing, known, how in explicit:
            prev = _adjacent(doc, a, chosen) or _adjacent(doc, a, ner) or _name_before(doc, a)
            if how in INSTRUMENT_CODES:
                # a Reuters / market-suffixed code only confirms the name before it; an old code can
                # belong to another company today ("Circuit City Stores CC.N" is not Chemours)
                if prev is None or (known and prev.listing is None
                                    and not _names_agree(doc[prev.start:prev.end].text, listing)):
                    continue
            if prev is not None:
                if known is None:  # "(AAPL)": confirms a linked name, or names an unlinked one it fits
                    initials = "".join(t.text[0] for t in doc[prev.start:prev.end] if t.is_alpha and not t.is_lower)
                    if prev.listing is not None or initials.upper() == listing.ticker or not _names_agree(
                            doc[prev.start:prev.end].text, listing):
                        continue  # already linked, an abbreviation ("Energy Storage Systems (ESS)"), another name
                    known = True
                if not known and prev.listing is None:
                    listing = Listing(name=doc[prev.start:prev.end].text, ticker=listing.ticker,
                                      exchange=listing.exchange, symbol=listing.symbol)
                elif not known:
                    continue  # the universe already linked the name; an unknown code does not override it
                prev.listing, prev.source = listing, "explicit"
                # a written code outranks a universe name inside the name it follows ("Acme Widgets (NASDAQ: ACMW)")
                chosen = [c for c in chosen if c is prev or c.end <= prev.start or c.start >= prev.end]
                if prev in ner:
                    ner.remove(prev)
                if prev not in chosen:
                    chosen.append(prev)
            elif known is not None and b - a <= len(listing.ticker or "") + 16:
                span = doc.char_span(a, b, alignment_mode="expand")
                inner = re.search(r"[A-Za-z0-9][\w.\-]*$", doc_text(doc)[a:b].strip("() $"))
                if inner is not None:
                    sub = doc.char_span(a + doc_text(doc)[a:b].find(inner.group()), a + doc_text(doc)[a:b].find(inner.group())
                                        + len(inner.group()), alignment_mode="expand")
                    span = sub or span
                if span is not None and len(span.text) <= len(doc_text(doc)[a:b]) + 2:  # not 'KOSDAQ:290090](https://...'
                    chosen.append(_Cand(span.start, span.end, listing, "explicit"))
        chosen = _no_overlaps(chosen)
        # "KKR" after "Kohlberg Kravis Roberts": an upper-case org that is the ticker of a company
        # already linked in this article is that company (a code is never guessed across articles)
        codes = {c.listing.ticker: c.listing for c in chosen if c.listing is not None and c.listing.ticker}
        for c in ner:
            text = doc[c.start:c.end].text
            if text.isupper() and text in codes:
                c.listing, c.source = codes[text], "universe"
        taken = {i for c in chosen for i in range(c.start, c.end)}
        chosen += [c for c in ner if not any(i in taken for i in range(c.start, c.end))]
        _short_mentions(doc, chosen)
        chosen += _first_word_mentions(doc, chosen, ents)
        credits_to_press(doc, chosen)
        kept = list(doc.spans[SPAN_KEY]) if not self.overwrite and SPAN_KEY in doc.spans else []
        used = {i for s in kept for i in range(s.start, s.end)}
        spans = list(kept)
        for c in sorted(chosen, key=lambda c: c.start):
            if any(i in used for i in range(c.start, c.end)):
                continue  # extension values live on the character offsets: never touch a kept span's
            label = LABELS.get(c.listing.kind, "COMPANY") if c.listing is not None else "ORG"
            span = Span(doc, c.start, c.end, label=label)
            span._.listing, span._.link_source = c.listing, c.source
            spans.append(span)
        spans.sort(key=lambda s: s.start)
        doc.spans[SPAN_KEY] = spans
        return doc


def _opens_table_cell(doc: Doc, start: int) -> bool:
    """The token opens a Markdown table cell ("| Total ... |"), where a capital letter says nothing about names."""
    return start > 0 and doc[start - 1].text == "|"


def _title_case(sent: Span) -> bool:
    """A headline written in title case: capital letters there say nothing about names."""
    words = [t for t in sent if t.is_alpha and len(t) >= 4 and not t.is_stop]
    return len(words) >= 3 and sum(t.text[0].isupper() for t in words) >= 0.8 * len(words)


def _evidence(doc: Doc, start: int, end: int, suffix: bool, listing: Listing, written: set[str],
              headline: set[int]) -> int:
    """2: company words around the mention, a corporate suffix or the listing's ticker in the text;
    1: a capital letter inside a sentence (not its first word, not a title-case headline) or the
    NER's ORG; 0: nothing."""
    if suffix or (listing.ticker and listing.ticker.isalpha() and listing.ticker in written
                  and listing.ticker != doc[start:end].text):
        return 2
    nxt = doc[end].lower_ if end < len(doc) else ""
    if nxt in ("'s", "’s", "'", "’") and end + 1 < len(doc):
        nxt = doc[end + 1].lower_
    prev = doc[start - 1].lower_ if start > 0 else ""
    if nxt in COMPANY_AFTER or prev in COMPANY_BEFORE or (
            prev == "of" and start > 1 and doc[start - 2].lower_ in ("shares", "stock", "stake", "unit")):
        return 2
    first = doc[start]
    if first.ent_type_ == "ORG" and doc.has_annotation("ENT_IOB"):
        return 1
    if first.is_sent_start and first.text[:1].isupper() and start not in headline and end < len(doc) \
            and doc[end].pos_ in ("VERB", "AUX") and _market_sentence(doc, start):
        return 1  # "Oracle was the S&P 500's biggest gainer": the subject of a sentence about a market move
    if first.text[:1].isupper() and start not in headline and not first.is_sent_start and (
            start == 0 or "\n" not in doc[start - 1].whitespace_ + doc[start - 1].text):
        return 1
    return 0


MARKET_MOVE = re.compile(r"\b(?:shares?|stocks?|gain(?:er|ers|ed|s)?|los(?:er|ers|t)|rose|fell|jump(?:ed|s)|"
                         r"surg(?:ed|es)|slump(?:ed|s)|tumbl(?:ed|es)|climb(?:ed|s)|sank|soar(?:ed|s)|drop(?:ped|s)|"
                         r"rall(?:ied|ies)|declin(?:ed|ers?)|advanc(?:ed|ers?)|percent(?:age)?)\b|%", re.I)


def _market_sentence(doc: Doc, start: int) -> bool:
    """The sentence that opens at ``start`` is about a market move ('... biggest gainer', '... rose 5%')."""
    sent = doc[start].sent if doc.has_annotation("SENT_START") or doc.has_annotation("DEP") else doc[start:start + 25]
    return bool(MARKET_MOVE.search(doc_text(doc)[doc[start].idx + len(doc[start]):sent.end_char]))


def _market_subject(doc: Doc, start: int, end: int, listing: Listing, lower: set[str]) -> bool:
    """A one-word common-word name of a large company opening a sentence about a market move, which the
    article never writes as a lower-case word: 'Oracle was the biggest gainer' (the tagger's NOUN)."""
    return (end - start == 1 and doc[start].is_sent_start and listing.kind == "company" and listing.size >= 4
            and doc[start].lower_ not in lower and doc[start].text[:1].isupper() and _market_sentence(doc, start)
            and end < len(doc) and doc[end].pos_ in ("VERB", "AUX"))  # its subject: not "Total revenue rose"


def _inside_longer_name(doc: Doc, start: int, end: int, headline: set[int]) -> bool:
    """A capitalised word (not a corporate word, not opening the sentence) right before or after the
    name, outside a title-case headline: the name is one word of a longer proper name."""
    if start in headline:
        return False

    def capital(i: int) -> bool:
        tok = doc[i]
        return (tok.is_alpha and tok.text[:1].isupper() and not tok.is_sent_start and tok.lower_ not in NAME_FILLER
                and tok.lower_ not in COMPANY_AFTER and not (tok.is_upper and len(tok) <= 1))

    before = start > 0 and capital(start - 1) and not doc[start].is_sent_start
    after = end < len(doc) and capital(end)
    return before or after


def _exchange_prefix(doc: Doc, end: int) -> bool:
    """The name is a market written before a code: 'TSX: SGR.U', 'NYSE:BBAI'."""
    if end + 1 >= len(doc) or doc[end].text != ":":
        return False
    code = doc[end + 1].text.strip("[]()*")
    return bool(re.fullmatch(r"[A-Z0-9][A-Z0-9.\-]{0,9}", code))


_ABBREVIATION = re.compile(r"((?:[A-Z][\w'.-]*\s+(?:(?:of|for|and|&|the|de|on)\s+)*){2,8})\(\s*([A-Z]{2,5})\s*\)")


def _defined_abbreviations(text: str) -> dict[str, str]:
    """Abbreviations the article defines: 'Centers for Medicare & Medicaid Services (CMS)' -> {'CMS':
    'centers for medicare & medicaid services'} (the capitalised words before the bracket whose
    initials spell it)."""
    out: dict[str, str] = {}
    for m in _ABBREVIATION.finditer(text):
        words, abbr = m.group(1).split(), m.group(2)
        caps = [i for i, w in enumerate(words) if w[:1].isupper()]
        initials = "".join(words[i][0] for i in caps)
        if not initials or initials[-1] != abbr[-1]:
            continue
        for k in range(len(caps) - 1, -1, -1):  # the nearest start whose initials hold the letters in order
            if initials[k] == abbr[0] and _subsequence(abbr, initials[k:]):
                out.setdefault(abbr, " ".join(words[caps[k]:]).lower())
                break
    return out


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def _exchange_suffix(doc: Doc, start: int) -> bool:
    """The name is a market written after a code: 'ZAC: TSX Venture', 'AAPL: NASDAQ'."""
    return start >= 2 and doc[start - 1].text == ":" and bool(
        re.fullmatch(r"[A-Z0-9][A-Z0-9.\-]{0,9}", doc[start - 2].text.strip("[]()*")))


_MD_LINK = re.compile(r"\[([^\[\]\n]{1,300})\]\((?:https?://|/)[^)\s]*\)")


def _in_headline_link(doc: Doc, start: int) -> bool:
    """The name sits in the text of a Markdown link that is a headline of another story (five words or more)."""
    char = doc[start].idx
    line_start = doc_text(doc).rfind("\n", 0, char) + 1
    line_end = doc_text(doc).find("\n", char)
    line = doc_text(doc)[line_start:line_end if line_end >= 0 else len(doc_text(doc))]
    for m in _MD_LINK.finditer(line):
        if m.start(1) <= char - line_start < m.end(1) and len(m.group(1).split()) >= 5:
            return True
    return False


def _list_items(doc: Doc, start: int, end: int) -> list[tuple[int, int]]:
    """An NER span that is a list of names ('Innodata, Snowflake, MongoDB') as its items."""
    if not any(t.text == "," for t in doc[start:end]):
        return [(start, end)]
    items, a = [], start
    for i in range(start, end):
        if doc[i].text == ",":
            items.append((a, i))
            a = i + 1
    items.append((a, end))
    items = [(a + 1 if a < b and doc[a].lower_ in ("and", "&") else a, b) for a, b in items]
    items = [(a, b) for a, b in items if b > a]
    ok = len(items) >= 2 and all(b - a <= 4 and doc[a].text[:1].isupper() for a, b in items)
    return items if ok else [(start, end)]


def _name_words(span: Span) -> tuple[str, ...]:
    return tuple(bare_name(t.text).lower() for t in span if t.lower_ not in CORP_SUFFIXES and not t.is_punct
                 and t.text not in ("'s", "’s"))


def _short_mentions(doc: Doc, cands: list[_Cand]) -> None:
    """A later mention made of the first two or more words of a company the article already named in
    full ('National Bank' after 'National Bank of Canada') is that company, not a namesake whose
    short name it is (a listing called exactly that, or a Korean group's own name, stays)."""
    full = sorted((c for c in cands if c.listing is not None and c.listing.kind in ("company", "firm")
                   and len(_name_words(doc[c.start:c.end])) >= 3), key=lambda c: c.start)
    if not full:
        return
    for c in cands:
        words = _name_words(doc[c.start:c.end])
        if len(words) < 2 or c.listing is not None and (
                c.listing.kind == "index" or c.listing.country == "KR"
                or doc[c.start:c.end].text.lower() == c.listing.name.lower()):
            continue
        for f in full:
            if f.start >= c.start:
                break
            fw = _name_words(doc[f.start:f.end])
            if len(fw) > len(words) and fw[:len(words)] == words and (c.listing is None or c.listing.key != f.listing.key):
                c.listing, c.source = f.listing, f.source
                break


def _first_word_mentions(doc: Doc, cands: list[_Cand], ents: list[tuple[int, int]]) -> list[_Cand]:
    """Later mentions of a linked company by the first word of its name ('Spire' after 'Spire Global',
    'Spires shares' with the possessive's apostrophe dropped). Only a first word no other linked
    name shares, capitalised mid-text, not the front of a longer name; a dictionary word ('Spire')
    needs company words after it ('Spire shares', 'Spire's')."""
    words = common_words()
    firsts: dict[str, set[str]] = {}
    first_at: dict[str, tuple[int, Listing]] = {}
    for c in sorted(cands, key=lambda c: c.start):
        if c.listing is None:
            continue
        w = doc[c.start].text
        firsts.setdefault(w, set()).add(c.listing.key)
        nw = _name_words(doc[c.start:c.end])
        if c.listing.kind == "company" and len(nw) >= 2 and w.isalpha() and len(w) >= 4 and w.istitle() \
                and c.listing.name.split()[0] == w and w not in first_at:
            first_at[w] = (c.end, c.listing)
    taken = {i for c in cands for i in range(c.start, c.end)}
    bare = {c.start: c for c in cands if c.listing is None and len(_name_words(doc[c.start:c.end])) == 1}
    out = []
    for w, (after, listing) in first_at.items():
        if len(firsts[w]) > 1:
            continue
        for c in bare.values():  # the NER's "Spire" (said ...) after "Spire Global"
            t = doc[c.start].text
            if c.start >= after and (t == w or t == w + "s" and c.end < len(doc)
                                     and doc[c.end].lower_ in COMPANY_AFTER):
                c.listing, c.source = listing, "universe"
        for tok in doc[after:]:
            plural = tok.text == w + "s"
            if tok.i in taken or not (tok.text == w or plural):
                continue
            nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
            if nxt is not None and nxt.is_alpha and (nxt.is_title or nxt.is_upper):
                continue  # "Spire Healthcare": another name that starts the same
            if any(a <= tok.i < b and b - a > 1 for a, b in ents):
                continue
            company_words = nxt is not None and (nxt.lower_ in COMPANY_AFTER or (
                not plural and nxt.text in ("'s", "’s") and tok.i + 2 < len(doc)))
            if (plural or is_common(w, words)) and not company_words:
                continue
            if not company_words and (tok.ent_type_ in ("GPE", "LOC", "NORP", "PERSON", "FAC") or not (
                    tok.ent_type_ == "ORG" or nxt is not None and nxt.pos_ in ("VERB", "AUX"))):
                continue  # "in Zacatecas, Mexico" after "Zacatecas Silver": the place, not the company
            out.append(_Cand(tok.i, tok.i + 1, listing, "universe"))
    return out


INSTITUTIONS = frozenset({"school", "university", "college", "foundation", "institute", "hospital", "museum",
                          "council", "association", "society", "centre", "center", "academy", "stadium", "arena",
                          "prize", "award", "awards", "fund", "trust", "festival", "clinic"})


NONPROFIT = re.compile(r"^\s*,\s*(?:a|an|the)\s+(?:[\w-]+\s+){0,4}?(?:(?:advocacy|conservation|environmental|campaign|lobby(?:ing)?|industry|trade|rights|activist|consumer|"
                       r"pressure|non-?profit|civic)\s+group|organi[sz]ation|non-?profit|charity|"
                       r"think[\s-]tank|association|institute|lobby|coalition|campaign|ngo|foundation|union)\b", re.I)


def _described_as_nonprofit(doc: Doc, end: int) -> bool:
    """An apposition right after the name calls it a non-profit body: 'Oceana, an ocean conservation group'."""
    if end >= len(doc) or doc[end].text != ",":
        return False
    after = doc_text(doc)[doc[end].idx:doc[end].idx + 80]
    m = NONPROFIT.match(after)
    return m is not None and not re.search(r"\b(?:company|firm|maker|retailer|lender|bank|insurer|listed)\b",
                                           m.group(0), re.I)


# Legal suffixes that, a few capitalised words after a name, end another organisation's name ("Frontline
# Securities Limited"). Deliberately not all of CORP_SUFFIXES: "Co" (and the rarer SE/NV/Oyj/ASA/KGaA) more often
# ends the same company's full name ("Honda Motor Co"), so they do not make the words another body.
OTHER_BODY_ENDINGS = frozenset({"limited", "ltd", "ltd.", "plc", "inc", "inc.", "corp", "corp.", "s.a.", "sa", "ag",
                                "bhd", "llc", "corporation", "company"})


def _another_body(doc: Doc, end: int) -> bool:
    """The name goes on with capitalised words into another organisation's name: one that ends in its
    own corporate suffix ('Frontline Securities Limited', 'Acme Mexico S.A.') or an institution
    ('Icahn School of Medicine', 'Getty Museum')."""
    if end >= len(doc) or not doc[end].is_alpha or not doc[end].text[:1].isupper() or doc[end].is_sent_start:
        return False
    if doc[end].lower_ in CORP_SUFFIXES or doc[end].lower_ in NAME_FILLER:
        return False
    if doc[end].lower_ in INSTITUTIONS:
        return True
    for j in range(end + 1, min(end + 4, len(doc))):
        tok = doc[j]
        if tok.lower_ in OTHER_BODY_ENDINGS:
            return True
        if not (tok.is_alpha and tok.text[:1].isupper()) and tok.lower_ not in ("de", "&", "of"):
            return False
    return False


INDEX_WORDS = frozenset({"index", "indices", "indexes", "average", "averages", "composite", "futures", "benchmark",
                         "gauge", "options", "etf", "fund", "funds"})
BODY_WORDS = frozenset({"bank", "securities", "group", "holdings", "exchange", "exchanges", "investments", "research",
                        "asset", "capital", "insurance", "life", "properties", "limited", "ltd", "ltd.", "plc", "inc",
                        "inc.", "corp", "corp.", "co", "co.", "company", "corporation", "tech", "technology"})


def _another_index_or_body(doc: Doc, end: int, listing: Listing) -> bool:
    """An index name followed by a number that none of its names has ('FTSE 250' after the FTSE
    100's short name 'FTSE') names another index; followed by a bank or company word, or by more
    words of the same NER organisation, ('Hang Seng Bank', 'Hang Seng Tech') another body."""
    if end >= len(doc):
        return False
    nxt = doc[end]
    if re.fullmatch(r"\d{2,4}", nxt.text) and any(ch.isdigit() for n in listing.names for ch in n):
        return not any(re.search(rf"(?<!\d){nxt.text}(?!\d)", n) for n in listing.names)
    if not (nxt.is_alpha and nxt.text[:1].isupper()) or nxt.lower_ in INDEX_WORDS or nxt.is_sent_start:
        return False
    return nxt.lower_ in BODY_WORDS or (nxt.ent_iob_ == "I" and nxt.ent_type_ == "ORG" and nxt.is_title)


def _on_exchange(listing: Listing, code: str, exchange: str) -> bool:
    """The listing (or one of the company's other lines) trades as ``code`` on ``exchange``."""
    mine = normalise_exchange(listing.exchange or "")
    if mine == exchange or {mine, exchange} <= US_EXCHANGES | {"OTC", "CBOE"}:
        return True
    if exchange in ("KRX", "KOSPI", "KOSDAQ") and mine in ("KOSPI", "KOSDAQ"):
        return True
    symbol = yahoo_symbol(code, exchange)
    return bool(symbol) and symbol in listing.alternates


def _no_overlaps(cands: list[_Cand]) -> list[_Cand]:
    """Keep candidates in the given order of preference, dropping any that overlap one kept."""
    taken: set[int] = set()
    out = []
    for c in cands:
        if any(i in taken for i in range(c.start, c.end)):
            continue
        taken.update(range(c.start, c.end))
        out.append(c)
    return out


def strip_accents(text: str) -> str:
    """'hermès' -> 'hermes': the letters without their combining marks."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def bare_name(text: str) -> str:
    """"Melbourne's" / "Melbourne’s" -> "Melbourne"."""
    return re.sub(r"['’]s?$", "", text.strip())


def org_key(span: Span) -> str:
    """One key per organisation: its listing when linked, else ``org:`` and its bare name."""
    listing = span._.listing
    if listing is not None:
        return listing.symbol or listing.ticker or listing.name
    return "org:" + bare_name(span.text).lower()


def _trim(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Drop a leading 'the', a wire time stamp ("GMT - ") and a trailing possessive from an NER
    span, and cut it at a bracket, link or e-mail address (a span whose word is glued to a link,
    "Newswires](https://...", goes)."""
    if start < end and doc[start].lower_ == "the":
        start += 1
    if end - start > 2 and doc[start].text in TIME_ZONES and doc[start + 1].text in ("-", "--", "–", "—"):
        start += 2  # "0652 GMT - South Korea": a Market Talk time stamp, then the name
    cut = next((t.i for t in doc[start:end] if t.text in ("[", "]") or t.like_url or t.like_email
                or "](" in t.text or "@" in t.text or "://" in t.text), end)
    if cut < end:  # a clean bracket keeps the name before it; a word glued to a link loses the span
        end = cut if doc[cut].text in ("[", "]") else start
    while end > start and doc[end - 1].text in ("'s", "'", "’s", "’"):
        end -= 1
    return start, end


class NamePrefixes:
    """Word prefixes (two words or more, short of the whole) of company names -> the listings they
    start: ("samsung", "heavy") -> {Samsung Heavy Industries}. A sorted list searched by bisection
    (built in one pass at start-up; a dict of every prefix cost a second)."""

    def __init__(self, listings) -> None:
        pairs = []
        for listing in listings:
            if listing.kind != "company" or not (listing.country == "KR" or listing.size >= 3):
                continue  # the groups that name affiliates this way; a small company's words are no prefix
            for name in (listing.name, *listing.aliases):
                if name.count(" ") >= 2:
                    pairs.append((" ".join(name.lower().split()) + " ", listing))
        pairs.sort(key=lambda p: p[0])
        self._names = [p[0] for p in pairs]
        self._listings = [p[1] for p in pairs]

    def get(self, words) -> dict[str, Listing] | None:
        """The listings (by key) with a name that goes on after these words; None when there are none."""
        if len(words) < 2:
            return None
        prefix = " ".join(words) + " "
        i = bisect.bisect_left(self._names, prefix)
        owners: dict[str, Listing] = {}
        while i < len(self._names) and self._names[i].startswith(prefix):
            if len(self._names[i]) > len(prefix):
                owners[self._listings[i].key] = self._listings[i]
            i += 1
        return owners or None


def _before_codes(doc: Doc, c: _Cand, zones: list[tuple[int, int]]) -> _Cand:
    """An NER span that runs into a written code keeps only the words before it."""
    for a, _ in zones:
        if doc[c.start].idx < a < doc[c.end - 1].idx + len(doc[c.end - 1]):
            end = c.end
            while end > c.start and (doc[end - 1].idx + len(doc[end - 1]) > a or doc[end - 1].text in ("(", "[")):
                end -= 1
            c = _Cand(c.start, end, c.listing, c.source, c.weak)
    return c


def _names_agree(text: str, listing: Listing) -> bool:
    """A written name and a listing share a distinctive word, or the name's initials are the ticker."""
    def words(s: str) -> set[str]:
        return {w for w in re.findall(r"[a-z0-9&]+", s.lower()) if len(w) >= 3 and w not in NAME_FILLER}

    mine = words(text)
    theirs = set().union(*(words(n) for n in (listing.name, *listing.aliases)))
    initials = "".join(w[0] for w in re.findall(r"[A-Za-z]+", text) if w.lower() not in NAME_FILLER).upper()
    return bool(mine & theirs) or (bool(listing.ticker) and initials == listing.ticker)


def _longer_org_name(doc: Doc, start: int, end: int) -> bool:
    """The NER reads tokens [start, end) as the front of a longer organisation name that goes on
    with capitalised words other than a corporate suffix. Korean groups name their affiliates
    this way ("HD Hyundai" -> "HD Hyundai Construction Equipment"), and an affiliate the universe
    does not list must not be linked to the group's listed parent."""
    if end >= len(doc) or not doc[end].is_alpha or not (doc[end].is_title or doc[end].is_upper):
        return False
    if doc[end].lower_ in CORP_SUFFIXES or doc[end].lower_ in {"group", "holdings", "co", "company"}:
        return False
    return any(e.label_ == "ORG" and e.start < end < e.end for e in doc.ents)


def _dateline(doc: Doc, start: int, end: int) -> bool:
    """An upper-case word opening a line and followed by "(", "," or a dash is a dateline city
    ("DETROIT (Reuters) -", "SEOUL, March 31 --"), not an organisation."""
    first = doc[start]
    opens_line = start == 0 or "\n" in doc[start - 1].whitespace_ or "\n" in doc[start - 1].text or (
        doc[start - 1].text == "/" and start >= 2 and doc[start - 2].is_upper)  # "LONDON/AMSTERDAM (Reuters)"
    after = next((t.text for t in doc[end:end + 3] if not t.is_space), "")
    return (opens_line and end - start <= 2 and doc[start:end].text.isupper() and first.is_alpha
            and after in ("(", ",", "-", "--", "–", "—"))


def _name_before(doc: Doc, char: int) -> _Cand | None:
    """Capitalised words right before a ticker that nothing else claimed: 'Acme Widgets Inc (NASDAQ: ACMW)'."""
    span = doc.char_span(0, char, alignment_mode="contract") if char else None
    if span is None or not len(span):
        return None
    end = span.end
    while end > 0 and doc[end - 1].is_space:
        end -= 1
    start = end
    while start > 0 and end - start < 6:
        tok = doc[start - 1]
        if tok.lower_ in CORP_SUFFIXES or tok.text == "&" and start < end:
            start -= 1
        elif tok.is_alpha and (tok.is_title or tok.is_upper) and not (tok.is_stop and tok.is_sent_start):
            if tok.is_sent_start:
                start -= 1
                break
            start -= 1
        else:
            break
    while start < end and (doc[start].is_stop or doc[start].text == "&"):
        start += 1  # "The", "Shares"-like openers are not part of a name
    if all(t.lower_ in CORP_SUFFIXES for t in doc[start:end]):
        return None
    return _Cand(start, end, None, "explicit")


def _adjacent(doc: Doc, char: int, cands: list[_Cand]) -> _Cand | None:
    """The mention that ends just before ``char`` (only spaces, '(' or Markdown's '*' and '[' between):
    'Nvidia Corp (NASDAQ: NVDA)', '**Hanla IMS Co., Ltd.** ([KOSDAQ:092460](...))'."""
    best = None
    for c in cands:
        end_char = doc[c.end - 1].idx + len(doc[c.end - 1])
        if end_char <= char and not doc_text(doc)[end_char:char].strip(" \t\n(*["):
            best = c
    return best
