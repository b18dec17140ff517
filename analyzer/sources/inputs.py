"""One article from the command line: an argument, a file or standard input.

Files go through the same readers as ``newsig ingest`` (:mod:`analyzer.sources.readers`),
so a ``.txt`` with a title line, a ``.json`` object or an ``.html`` page all work.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from analyzer.errors import BadDate, BadInput, EmptyText
from analyzer.records import Article, normalise_text


def check_date(value: str | None) -> str | None:
    """'2025-03-31' or an ISO datetime -> itself; anything else -> BadDate."""
    if value is None:
        return None
    from analyzer.sources.readers import parse_iso

    try:
        return parse_iso(value.strip())
    except ValueError:
        raise BadDate(repr(value)) from None


def from_bytes(data: bytes, origin: str) -> str:
    """Decode text input; binary data and non-UTF-8 bytes are clear errors."""
    from analyzer.sources.readers import SourceError, decode_text

    text = decode_text(data, origin)
    if isinstance(text, SourceError):
        raise BadInput(f"{origin}: {text.error}")
    return text


def from_file(path: Path) -> Article:
    """The first article in a file (any format ``newsig ingest`` reads)."""
    from analyzer.sources.readers import SourceError, format_of, read_sources

    if not path.exists():
        raise BadInput(f"{path}: no such file")
    if path.is_dir():
        raise BadInput(f"{path} is a folder; use `newsig ingest` for archives")
    if format_of(path) is None:  # no known suffix: plain text, if it is text at all
        return Article(text=from_bytes(path.read_bytes(), str(path)), origin=str(path))
    for item in read_sources([path]):
        if isinstance(item, SourceError):
            raise BadInput(f"{item.origin}: {item.error}")
        return item
    raise EmptyText(str(path))


def make_article(
    text: str | None = None, *, file: Path | None = None, stdin: bytes | None = None,
    published: str | None = None, title: str | None = None, source: str | None = None, url: str | None = None,
) -> Article:
    """Build the Article from exactly one of text / file / stdin, with the user's metadata on top."""
    if sum(x is not None for x in (text, file, stdin)) != 1:
        raise BadInput("give the article as TEXT, --file PATH or - (standard input), exactly one")
    published = check_date(published)
    if file is not None:
        article = from_file(file)
    else:
        body = text if text is not None else from_bytes(stdin or b"", "<stdin>")
        article = Article(text=body, origin="<argument>" if text is not None else "<stdin>")
    article = replace(
        article,
        text=normalise_text(article.text),
        published=published or article.published,
        title=title or article.title,
        source=source or article.source,
        url=url or article.url,
    )
    if not article.text:
        raise EmptyText(article.origin)
    return article
