"""Article metadata on the ``Doc`` (publication date, title, feed tickers) for components to read."""

from __future__ import annotations

from datetime import date, datetime

from spacy.tokens import Doc

for _name in ("published", "published_at", "title", "meta_tickers"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


def parse_published(value: str | date | None) -> date | None:
    """'2025-03-31' or '2013-07-17T18:24:00-04:00' -> date(…); None stays None."""
    if value is None or isinstance(value, date):
        return value if not isinstance(value, datetime) else value.date()
    text = str(value).strip()
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        return date.fromisoformat(text[:10])


def parse_when(value: str | None) -> datetime | None:
    """An ISO datetime with an offset (a time of day we can place), as ``Doc._.published_at`` holds it;
    a bare date, or a time without an offset, is None."""
    if not value or len(str(value)) <= 10:
        return None
    try:
        dt = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt if dt.tzinfo is not None else None


def set_context(doc: Doc, context: dict) -> Doc:
    doc._.published = parse_published(context.get("published"))
    doc._.published_at = str(context["published"]) if context.get("published") else None  # with its time of day, if any
    doc._.title = context.get("title")
    doc._.meta_tickers = tuple(context.get("tickers") or ())
    return doc


def doc_text(doc: Doc) -> str:
    """``doc.text``, joined once per Doc: spaCy builds it from every token on each access, and
    components read it once per mention (half of all pipeline time before this was cached).
    Safe to cache because no component changes the text (merges keep it)."""
    text = doc.user_data.get("newsig_text")
    if text is None:
        text = doc.user_data["newsig_text"] = doc.text
    return text
