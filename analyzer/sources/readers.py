"""Read news archives into ``Article`` records: files, folders, feeds, ``.gz``, stdin.

Every source is streamed (one line, row or entry at a time), so memory stays flat
in the archive's size. A bad item never raises: it is yielded as a
``SourceError`` carrying its ``origin`` (``file:line``, ``file#entry``) so a batch
goes on and the failure can be recorded.

Accepted formats, by suffix (after an optional ``.gz``):

- ``.txt`` / ``.md``: one article; the first line is the title when it looks like
  one (short, no final full stop, followed by more text); a ``---`` front matter
  block of ``key: value`` lines gives metadata.
- ``.jsonl`` / ``.ndjson``: one JSON object per line. ``.json``: one object, a list
  of objects, or an object holding the list under ``articles``/``items``/``data``.
- ``.csv`` / ``.tsv``: one article per row, by column name.
- ``.html`` / ``.htm``: the article text extracted by trafilatura.
- ``.rss`` / ``.atom`` / ``.xml``: RSS or Atom feed (feedparser), one article per entry.
- ``-``: JSONL on standard input.

JSON keys and CSV columns are matched against ``FIELD_NAMES`` (case-insensitive);
``fields={"body": "article_text"}`` (CLI ``--field body=article_text``) names others.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import re
import sys
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import IO, Any

from analyzer.errors import BadInput
from analyzer.records import Article, normalise_text

# Our field -> the keys/columns accepted for it, first match wins.
FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline", "heading", "subject"),
    "body": ("body", "text", "content", "article", "story", "full_text", "description", "summary"),
    "published": ("published", "date", "published_at", "publishedat", "pubdate", "datetime",
                  "time", "timestamp", "created_at"),
    "url": ("url", "link", "href", "permalink"),
    "source": ("source", "publisher", "site", "sitename", "outlet"),
    "tickers": ("tickers", "ticker", "symbols", "symbol", "stocks"),
}
TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
JSON_SUFFIXES = {".json"}
CSV_SUFFIXES = {".csv", ".tsv"}
HTML_SUFFIXES = {".html", ".htm"}
FEED_SUFFIXES = {".rss", ".atom", ".xml"}
SUPPORTED = TEXT_SUFFIXES | JSONL_SUFFIXES | JSON_SUFFIXES | CSV_SUFFIXES | HTML_SUFFIXES | FEED_SUFFIXES
MAX_FILE_BYTES = 50_000_000  # whole-file formats (txt, json, html, feeds) are read at once
STDIN = "-"


@dataclass(frozen=True)
class SourceError:
    """An input item that could not become an article: where, and why."""

    origin: str
    error: str


Item = Article | SourceError


def parse_fields(pairs: Iterable[str]) -> dict[str, str]:
    """``["body=article_text"]`` -> ``{"body": "article_text"}``; unknown fields raise BadInput."""
    fields: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key, value = key.strip().lower(), value.strip()
        if not sep or not value:
            raise BadInput(f"--field wants FIELD=NAME, got {pair!r}")
        if key == "text":
            key = "body"
        if key not in FIELD_NAMES:
            raise BadInput(f"unknown field {key!r}; use one of {', '.join(FIELD_NAMES)}")
        fields[key] = value
    return fields


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path | SourceError]:
    """Expand folders recursively (sorted, hidden files skipped, unknown suffixes ignored)."""
    for raw in paths:
        if str(raw) == STDIN:
            yield Path(STDIN)
            continue
        path = Path(raw)
        if path.is_dir():
            for root, dirs, files in os.walk(path, onerror=None):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    child = Path(root) / name
                    if not name.startswith(".") and format_of(child):
                        yield child
        elif path.exists():
            if format_of(path):
                yield path
            else:
                yield SourceError(str(path), f"unsupported file type (use one of {', '.join(sorted(SUPPORTED))}, optionally .gz)")
        else:
            yield SourceError(str(path), "no such file or folder")


class SourceReader:
    """Streams articles from paths; ``done_bytes``/``total_bytes`` drive a progress bar."""

    def __init__(self, paths: Iterable[str | Path], fields: Mapping[str, str] | None = None,
                 stdin: IO[bytes] | None = None) -> None:
        self.paths = [str(p) for p in paths]
        self.fields = dict(fields or {})
        self.stdin = stdin
        self.done_bytes = 0
        self._base = 0

    @property
    def total_bytes(self) -> int | None:
        """Size of all input files (None when reading stdin): walks the folders once."""
        if STDIN in self.paths:
            return None
        total = 0
        for f in iter_files(self.paths):
            if isinstance(f, Path):
                try:
                    total += f.stat().st_size
                except OSError:
                    pass
        return total

    def __iter__(self) -> Iterator[Item]:
        for f in iter_files(self.paths):
            if isinstance(f, SourceError):
                yield f
                continue
            size = 0
            try:
                size = f.stat().st_size if str(f) != STDIN else 0
                yield from self._read(f)
            except (OSError, EOFError, zlib.error) as exc:  # unreadable, truncated or corrupt .gz
                yield SourceError(str(f), _os_message(exc))
            self._base += size
            self.done_bytes = self._base

    # ---- one file -------------------------------------------------------------

    def _read(self, path: Path) -> Iterator[Item]:
        if str(path) == STDIN:
            stream = self.stdin or sys.stdin.buffer
            yield from self._jsonl(stream, "<stdin>")
            return
        kind = format_of(path)
        with open(path, "rb") as raw:
            stream: IO[bytes] = gzip.GzipFile(fileobj=raw) if path.suffix.lower() == ".gz" else raw
            if kind in JSONL_SUFFIXES:
                yield from self._jsonl(stream, str(path), raw)
            elif kind in CSV_SUFFIXES:
                yield from self._csv(stream, str(path), raw, delimiter="\t" if kind == ".tsv" else ",")
            else:
                data = stream.read(MAX_FILE_BYTES + 1)
                if len(data) > MAX_FILE_BYTES:
                    yield SourceError(str(path), f"file is larger than {MAX_FILE_BYTES:,} bytes; split it or use JSONL")
                    return
                if kind in FEED_SUFFIXES:
                    yield from _feed(data, str(path))
                    return
                text = decode_text(data, str(path))
                if isinstance(text, SourceError):
                    yield text
                elif kind in JSON_SUFFIXES:
                    yield from self._json(text, str(path))
                elif kind in HTML_SUFFIXES:
                    yield _html(text, str(path))
                else:
                    yield _text_file(text, str(path), markdown=kind != ".txt")

    def _progress(self, raw: IO[bytes] | None) -> None:
        if raw is not None:
            try:
                self.done_bytes = self._base + raw.tell()
            except (OSError, ValueError):
                pass

    def _jsonl(self, stream: IO[bytes], name: str, raw: IO[bytes] | None = None) -> Iterator[Item]:
        for lineno, line in enumerate(stream, 1):
            origin = f"{name}:{lineno}"
            text = decode_text(line, origin)
            if isinstance(text, SourceError):
                yield text
            elif text.strip():
                try:
                    obj = json.loads(text)
                except json.JSONDecodeError as exc:
                    yield SourceError(origin, f"invalid JSON: {exc.msg} (column {exc.colno})")
                else:
                    yield from_mapping(obj, origin, self.fields)
            self._progress(raw)

    def _json(self, text: str, name: str) -> Iterator[Item]:
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            yield SourceError(f"{name}:{exc.lineno}", f"invalid JSON: {exc.msg} (column {exc.colno})")
            return
        if isinstance(obj, dict):
            for key in ("articles", "items", "data", "results", "entries"):
                if isinstance(obj.get(key), list):
                    obj = obj[key]
                    break
        if isinstance(obj, list):
            for i, item in enumerate(obj, 1):
                yield from_mapping(item, f"{name}#{i}", self.fields)
        else:
            yield from_mapping(obj, name, self.fields)

    def _csv(self, stream: IO[bytes], name: str, raw: IO[bytes], delimiter: str) -> Iterator[Item]:
        csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
        head = stream.read(4096)
        if b"\x00" in head:
            yield SourceError(name, "binary data, not text")
            return
        text_stream = io.TextIOWrapper(_Prepend(head, stream), encoding="utf-8-sig", errors="strict", newline="")
        reader = csv.DictReader(text_stream, delimiter=delimiter)
        line = 1
        try:
            for row in reader:
                origin = f"{name}:{line + 1}"
                line = reader.line_num
                yield from_mapping(row, origin, self.fields)
                self._progress(raw)
        except UnicodeDecodeError as exc:
            yield SourceError(f"{name}:{line + 1}", f"not UTF-8 text ({exc.reason}); re-encode the file as UTF-8")
        except csv.Error as exc:
            yield SourceError(f"{name}:{reader.line_num}", f"bad CSV: {exc}")


class _Prepend(io.RawIOBase):
    """A byte stream with some already-read bytes put back in front."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self.head, self.rest = head, rest

    def readable(self) -> bool:
        return True

    def readinto(self, buf) -> int:  # type: ignore[override]
        if self.head:
            n = min(len(buf), len(self.head))
            buf[:n], self.head = self.head[:n], self.head[n:]
            return n
        data = self.rest.read(len(buf))
        buf[: len(data)] = data
        return len(data)


def read_sources(paths: Iterable[str | Path], fields: Mapping[str, str] | None = None,
                 stdin: IO[bytes] | None = None) -> Iterator[Item]:
    """Every article (or error) in ``paths``, streamed; ``-`` reads JSONL from stdin."""
    return iter(SourceReader(paths, fields, stdin))


# ---- helpers ----------------------------------------------------------------

def format_of(path: Path) -> str | None:
    """The format suffix, looking through ``.gz``: 'a.jsonl.gz' -> '.jsonl'."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    kind = suffixes[-1] if suffixes else None
    return kind if kind in SUPPORTED else None


def _os_message(exc: BaseException) -> str:
    if isinstance(exc, gzip.BadGzipFile) or isinstance(exc, zlib.error):
        return f"corrupt gzip data: {exc}"
    if isinstance(exc, EOFError):
        return "truncated gzip file"
    if isinstance(exc, OSError) and exc.strerror:
        return f"cannot read: {exc.strerror}"
    return f"cannot read: {exc}"


def decode_text(data: bytes, origin: str) -> str | SourceError:
    """Strict UTF-8 (BOM allowed); binary data and other encodings become errors."""
    if b"\x00" in data:
        return SourceError(origin, "binary data, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return SourceError(origin, f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                                   "re-encode the file as UTF-8")


def _pick(obj: Mapping[str, Any], field: str, fields: Mapping[str, str]) -> Any:
    if field in fields:
        return obj.get(fields[field])
    lower = {str(k).lower(): v for k, v in obj.items()}
    for key in FIELD_NAMES[field]:
        value = lower.get(key)
        if value not in (None, ""):
            return value
    return None


def from_mapping(obj: Any, origin: str, fields: Mapping[str, str] | None = None) -> Item:
    """One JSON object / CSV row -> Article, or SourceError saying what is wrong."""
    fields = fields or {}
    if not isinstance(obj, Mapping):
        return SourceError(origin, f"expected a JSON object, got {type(obj).__name__}")
    body = _pick(obj, "body", fields)
    if not isinstance(body, str) or not normalise_text(body):
        hint = f"'{fields['body']}'" if "body" in fields else "/".join(FIELD_NAMES["body"][:3])
        return SourceError(origin, f"empty body (no text in {hint}; name the field with --field body=NAME)")
    published = normalise_date(_pick(obj, "published", fields))
    if isinstance(published, SourceError):
        return SourceError(origin, published.error)
    return Article(
        text=normalise_text(body),
        title=_str(_pick(obj, "title", fields)),
        published=published,
        source=_str(_pick(obj, "source", fields)),
        url=_str(_pick(obj, "url", fields)),
        tickers=_tickers(_pick(obj, "tickers", fields)),
        origin=origin,
    )


def _str(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _tickers(value: Any) -> tuple[str, ...]:
    if value in (None, ""):
        return ()
    items = value if isinstance(value, (list, tuple)) else re.split(r"[,;\s]+", str(value))
    return tuple(dict.fromkeys(str(t).strip().lstrip("$").upper() for t in items if str(t).strip()))


_DATE_FORMATS = ("%Y/%m/%d", "%Y%m%d", "%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y",
                 "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%m/%d/%Y")


def parse_iso(text: str) -> str:
    """'2025-03-31' or an ISO 8601 datetime ('Z' allowed) -> its ISO form; ValueError otherwise."""
    if len(text) == 10:
        return date.fromisoformat(text).isoformat()
    return datetime.fromisoformat(text.replace("Z", "+00:00")).isoformat()


def normalise_date(value: Any) -> str | None | SourceError:
    """ISO 8601, RFC 2822, epoch seconds or a few common layouts -> ISO string; else an error."""
    if value in (None, ""):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = value / 1000 if value > 1e11 else value
        return datetime.fromtimestamp(seconds, tz=timezone.utc).isoformat(timespec="seconds")
    text = str(value).strip()
    try:
        return parse_iso(text)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text).isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    for fmt in _DATE_FORMATS:
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        return parsed.date().isoformat() if "%H" not in fmt else parsed.isoformat()
    return SourceError("", f"unrecognised date {text[:40]!r} (use ISO 8601, e.g. 2025-03-31)")


# ---- whole-file formats -------------------------------------------------------

_FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.S)


def looks_like_title(line: str, rest: str) -> bool:
    """A title is short, has no final full stop and is followed by more text."""
    line = line.strip()
    return (bool(line) and bool(rest.strip()) and len(line) <= 200 and len(line.split()) <= 30
            and not line.endswith((".", ",", ";", ":")) and not line.startswith(("-", "*", "|")))


def _text_file(text: str, origin: str, *, markdown: bool) -> Item:
    meta: dict[str, str] = {}
    text = normalise_text(text)
    front = _FRONT.match(text + "\n") if text.startswith("---\n") else None
    if front:
        for line in front.group(1).splitlines():
            key, sep, value = line.partition(":")
            if sep:
                meta[key.strip().lower()] = value.strip().strip("'\"")
        text = normalise_text(text[front.end():])
    first, _, rest = text.partition("\n")
    if markdown:
        first = first.lstrip("#").strip()
    title = meta.get("title")
    if not title and looks_like_title(first, rest):
        title, text = first, normalise_text(rest)
    if not text:
        return SourceError(origin, "empty body")
    meta.setdefault("title", title or "")
    meta["body"] = text
    return from_mapping(meta, origin)


def _html(text: str, origin: str) -> Item:
    import trafilatura

    doc = trafilatura.bare_extraction(text, with_metadata=True, include_comments=False)
    body = getattr(doc, "text", None) if doc is not None else None
    if not body or not normalise_text(body):
        return SourceError(origin, "no article text found in the HTML")
    title = getattr(doc, "title", None)
    if title and body.startswith(title):
        body = body[len(title):]
    return from_mapping({"title": title, "body": body, "published": getattr(doc, "date", None),
                         "url": getattr(doc, "url", None), "source": getattr(doc, "sitename", None)}, origin)


def _html_to_text(fragment: str) -> str:
    """Feed entries carry HTML snippets; lxml's parser (not regexes) gives their text."""
    if "<" not in fragment:
        return fragment
    import lxml.html

    try:
        root = lxml.html.fromstring(fragment)
    except (ValueError, lxml.etree.ParserError):
        return fragment
    for br in root.iter("br", "p", "div", "li"):
        br.tail = "\n" + (br.tail or "")
    return root.text_content()


def _feed(data: bytes, name: str) -> Iterator[Item]:
    import feedparser

    if b"\x00" in data:
        yield SourceError(name, "binary data, not text")
        return
    feed = feedparser.parse(data)
    if not feed.entries:
        reason = getattr(feed, "bozo_exception", None)
        yield SourceError(name, f"not an RSS/Atom feed{f' ({reason})' if reason else ''}")
        return
    site = feed.feed.get("title")
    for i, entry in enumerate(feed.entries, 1):
        content = entry.get("content")
        body = content[0].get("value") if content else entry.get("summary")
        when = entry.get("published_parsed") or entry.get("updated_parsed")
        obj = {
            "title": entry.get("title"), "body": _html_to_text(body or ""), "url": entry.get("link"),
            "published": datetime(*when[:6], tzinfo=timezone.utc).isoformat() if when else None,
            "source": site, "tickers": entry.get("tickers") or None,
        }
        yield from_mapping(obj, f"{name}#{i}")
