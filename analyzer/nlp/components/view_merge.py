"""Statements become views: who counts as an analyst, and one view per analyst.

Part of the ``newsig_quotes`` component: :mod:`.quotes` finds statements (``Draft``), this module
keeps the views among them (:func:`is_view`) and merges a speaker's statements (:func:`merge`),
each item of a roundup apart (:func:`stories`), and gives each analyst listed with a speaker a
view of their own (:func:`listed_views`).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace
from typing import Sequence

from analyzer.nlp.components.attribution import Speaker, same_firm
from analyzer.nlp.components.ratings import RatingChange, combine

STORY = re.compile(r"(?m)^[ \t]*(?:\d{3,4}\s+)?(?:GMT|UTC|ET|EST|EDT|KST|JST|HKT|SGT|BST|CET)\s*[-—–]{1,2}")
FOLD_SENTENCES = 3  # a firm's analysts' view joins a later named analyst of no firm (analyst title) this near


@dataclass
class Draft:
    """A view under construction (mutable until it becomes a frozen View)."""

    speaker: Speaker | None
    parts: list[tuple[int, int]]  # char ranges of the statement text
    start: int  # char range of everything the view covers (attribution included)
    end: int
    kind: str  # quote | indirect | according | action
    open_end: bool = False  # last quote ran to the end of its paragraph unclosed
    note: bool = False  # the attribution says it was written in a note / report to clients
    rating: RatingChange = field(default_factory=RatingChange)

    @property
    def analyst(self) -> str | None:
        return self.speaker.name if self.speaker else None


def is_view(d: Draft) -> bool:
    """An analyst's, strategist's or research firm's view, or an executive's on a listed company.
    Officials, unknown organisations speaking for themselves, and statements with neither a
    person nor a firm are not views."""
    sp = d.speaker
    if sp is None or (sp.name is None and sp.firm is None) or sp.role == "official":
        return False
    if sp.role == "executive":
        return sp.firm_ticker is not None
    if sp.name is None:  # a firm's call: its analysts speak, or it rates the stock as a broker does
        return sp.role == "analyst" or d.kind == "action"
    # a person's call: an analyst by title or by firm, or someone of a firm writing a note ("Donald Trump
    # said", "Jane Roe of Acme Architects said" say nobody's call)
    return sp.role == "analyst" or (sp.role is None and sp.firm is not None and (d.note or d.rating.found))


def _absorb(into: Draft, d: Draft) -> None:
    into.parts = sorted(into.parts + d.parts)
    into.start, into.end = min(into.start, d.start), max(into.end, d.end)
    into.rating = combine(into.rating, d.rating)
    into.note = into.note or d.note
    sp, other = into.speaker, d.speaker
    if sp is not None and other is not None:
        if not sp.firm and other.firm:
            sp = sp.with_firm_of(other, research=sp.research or other.research)
        if not sp.title and other.title and other.name:
            sp = replace(sp, title=other.title)
        if sp.role != "analyst" and other.role == "analyst":
            sp = replace(sp, role="analyst")
        into.speaker = sp
    elif sp is None:
        into.speaker = other


def stories(text: str) -> list[int]:
    """Where each item of a roundup starts ("0933 GMT - ..." paragraphs of Market Talks): an analyst
    quoted in two items made two calls. [0] for an ordinary article."""
    starts = [m.start() for m in STORY.finditer(text)]
    return [0] + starts if len(starts) >= 2 else [0]


def merge(drafts: list[Draft], sent_starts: list[int], story_starts: Sequence[int] = (0,)) -> list[Draft]:
    """One view per analyst (or per firm when no analyst is named) in an article (in each item of a
    roundup).

    - statements of one named analyst are one view, wherever they are;
    - a firm's statement or rating action joins the nearest earlier view of an analyst of that
      firm ("Melius Research analyst X said ... Melius maintained a price target of $16");
    - a rating action with no subject of its own ("It kept its neutral rating") joins the
      analyst or firm view of the sentence before;
    - a firm-only view is folded into a later view by a named analyst of that firm, or by a named
      analyst with no firm of their own in the next sentence.
    """
    def sent(char: int) -> int:
        return bisect.bisect_right(sent_starts, char) - 1

    def story(char: int) -> int:
        return bisect.bisect_right(story_starts, char)

    out: list[Draft] = []
    for d in drafts:
        target = None
        if d.analyst:
            target = next((o for o in out if o.analyst == d.analyst and story(o.start) == story(d.start)), None)
        elif d.speaker is not None and d.speaker.firm:
            target = next((o for o in reversed(out) if o.speaker and same_firm(o.speaker.firm, d.speaker.firm)
                           and (o.analyst or o.speaker.role == "analyst") and story(o.start) == story(d.start)), None)
        elif d.kind == "action" and out:
            prev = out[-1]
            if prev.speaker and prev.speaker.role not in {"executive", "official"} \
                    and sent(d.start) - sent(max(prev.end - 1, 0)) <= 1:
                target = prev
        if target is not None:
            _absorb(target, d)
        else:
            out.append(d)
    final: list[Draft] = []
    for d in out:
        if d.analyst is None and d.speaker is not None and d.speaker.firm:
            # "Jefferies analysts described ... 'Strong quarter,' analysts Sam Wong and Shujin Chen said":
            # a named analyst with no firm of their own right after a firm's view is that firm's
            later = next((o for o in out if o.analyst and o.speaker and o.start > d.start
                          and story(o.start) == story(d.start) and (
                same_firm(o.speaker.firm, d.speaker.firm)
                or (not o.speaker.firm and d.speaker.role == "analyst" and (
                    (o.speaker.role == "analyst" and sent(o.start) - sent(max(d.end - 1, 0)) <= FOLD_SENTENCES)
                    or (o.speaker.role is None and o.rating.found and sent(o.start) - sent(max(d.end - 1, 0)) <= 1))))),
                None)  # a person who rates the stock right after "this X analyst says" is that analyst
            if later is not None:
                _absorb(later, d)
                continue
        final.append(d)
    return final


def listed_views(drafts: list[Draft]) -> list[Draft]:
    """One view for each analyst listed with a speaker, with the speaker's statement (and firm when
    the listed analyst has none: the firm may have come from a view folded in)."""
    out: list[Draft] = []
    for d in drafts:
        out.append(d)
        sp = d.speaker
        if sp is None or not sp.co:
            continue
        d.speaker = replace(sp, co=())
        for other in sp.co:
            if not other.firm and sp.firm:
                other = other.with_firm_of(sp, role=other.role or sp.role)
            if not any(o.analyst == other.name for o in drafts):
                out.append(replace(d, speaker=other, parts=list(d.parts)))
    return out
