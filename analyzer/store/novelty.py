"""Near-duplicate links and novelty of stored articles (MinHash over word shingles).

A wire story is re-published, lightly edited, many times; commercial feeds link
the copies to the first one and score each story's *novelty*: how different it
is from earlier stories about the same companies within a window. Here:

- ``similarity`` is the MinHash estimate of the Jaccard overlap of word 3-grams;
- candidates are stories sharing an LSH band (likely near-duplicates, any
  entity) or a linked entity, published within ``WINDOW_DAYS`` of each other;
- ``novelty = 1 - max similarity`` to an *earlier* candidate (1.0 when none);
- ``duplicate_of`` = the earliest earlier candidate with similarity >= ``DUPLICATE_AT``.

"Earlier" is by (published, id), not by ingestion order, and linking a story
also updates later stories it precedes, so the result depends only on the set
of stored articles: a resumed or re-ordered ingest ends in the same database.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable
from datetime import date, timedelta

import numpy as np

from analyzer.store.db import write_transaction

PERMUTATIONS = 64
BANDS, ROWS = 16, 4  # 16 x 4 = 64; a pair with Jaccard 0.5 shares a band with p ~ 0.65, 0.7 with p ~ 0.99
SHINGLE = 3
DUPLICATE_AT = 0.6
WINDOW_DAYS = 3
MAX_PER_ENTITY = 200
_PRIME = 4294967311  # > 2**32
_rng = np.random.default_rng(20140101)
_A = _rng.integers(1, 2**31, size=PERMUTATIONS, dtype=np.uint64)
_B = _rng.integers(0, 2**31, size=PERMUTATIONS, dtype=np.uint64)
_WORD = re.compile(r"\w+")


def signature(text: str) -> np.ndarray:
    """64 uint32 MinHash values of the text's lower-cased word 3-grams."""
    words = _WORD.findall(text.lower())
    n = SHINGLE if len(words) >= SHINGLE else max(len(words), 1)
    grams = {" ".join(words[i:i + n]) for i in range(max(len(words) - n + 1, 1))}
    hashes = np.fromiter((zlib.crc32(g.encode("utf-8")) for g in grams), dtype=np.uint64, count=len(grams))
    mixed = (hashes[:, None] * _A[None, :] + _B[None, :]) % _PRIME
    return (mixed.min(axis=0) & 0xFFFFFFFF).astype(np.uint32)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard overlap of two signatures, in [0, 1]."""
    return float(np.count_nonzero(a == b)) / len(a)


def buckets(sig: np.ndarray) -> list[int]:
    """One LSH bucket per band: (band, crc32 of its rows) packed into an int64."""
    return [(band << 32) | zlib.crc32(sig[band * ROWS:(band + 1) * ROWS].tobytes()) for band in range(BANDS)]


def _window(published_date: str | None) -> tuple[str, str] | None:
    if not published_date:
        return None
    try:
        d = date.fromisoformat(published_date[:10])
    except ValueError:
        return None
    return (d - timedelta(days=WINDOW_DAYS)).isoformat(), (d + timedelta(days=WINDOW_DAYS)).isoformat()


def _key(published: str | None, article_id: str) -> tuple[str, str]:
    """Order of stories: dated before undated, then by publication time, then id."""
    return (published or "\uffff", article_id)


def unlinked(db) -> list[str]:
    """Stored articles without a signature yet (a run stopped between store and link)."""
    rows = db.execute(
        "SELECT id FROM articles WHERE id NOT IN (SELECT article_id FROM article_minhash) ORDER BY rowid"
    ).fetchall()
    return [r[0] for r in rows]


def link(db, article_ids: Iterable[str]) -> int:
    """Sign, link and score articles already stored, in one transaction; returns new duplicates."""
    found = 0
    with write_transaction(db):
        for aid in article_ids:
            found += _link_one(db, aid)
    return found


def _link_one(db, aid: str) -> int:
    row = db.execute("SELECT body, published, published_date FROM articles WHERE id = ?", [aid]).fetchone()
    if row is None or db.execute("SELECT 1 FROM article_minhash WHERE article_id = ?", [aid]).fetchone():
        return 0
    body, published, pdate = row
    sig = signature(body or "")
    mine = buckets(sig)
    window = _window(pdate)
    cands: set[str] = set()
    marks = ",".join("?" * len(mine))
    cands.update(r[0] for r in db.execute(f"SELECT article_id FROM minhash_bands WHERE bucket IN ({marks})", mine))
    keys = [r[0] for r in db.execute(
        "SELECT DISTINCT entity_key FROM entities WHERE article_id = ? AND role = 'subject'", [aid])]
    for key in keys:
        sql = ("SELECT e.article_id FROM entities e JOIN articles a ON a.id = e.article_id "
               "WHERE e.entity_key = ? AND e.article_id != ?")
        args: list = [key, aid]
        if window:
            sql += " AND a.published_date BETWEEN ? AND ?"
            args += list(window)
        sql += f" ORDER BY a.published DESC LIMIT {MAX_PER_ENTITY}"
        cands.update(r[0] for r in db.execute(sql, args))
    cands.discard(aid)
    me = _key(published, aid)
    best, original, dup = 0.0, None, 0
    for cid in sorted(cands):
        other = db.execute(
            "SELECT m.sig, a.published, a.published_date, a.novelty, a.duplicate_of FROM article_minhash m "
            "JOIN articles a ON a.id = m.article_id WHERE m.article_id = ?", [cid]).fetchone()
        if other is None:
            continue
        osig, opub, odate, onov, odup = other
        if window and odate and not (window[0] <= odate <= window[1]):
            continue
        sim = similarity(sig, np.frombuffer(osig, dtype=np.uint32))
        them = _key(opub, cid)
        if them < me:  # an earlier story: lowers my novelty, may be my original
            best = max(best, sim)
            if sim >= DUPLICATE_AT and (original is None or them < original):
                original = them
        else:  # a later story: I may lower its novelty and be its original
            updates: dict = {"novelty": min(1.0 if onov is None else onov, round(1.0 - sim, 4))}
            if sim >= DUPLICATE_AT:
                cur = _current_key(db, odup)
                if cur is None or me < cur:
                    updates["duplicate_of"] = aid
            db["articles"].update(cid, updates)
    if original is not None:
        dup = 1
    db["articles"].update(aid, {"novelty": round(1.0 - best, 4),
                                "duplicate_of": original[1] if original else None})
    db["article_minhash"].insert({"article_id": aid, "sig": sig.tobytes()}, replace=True)
    db["minhash_bands"].insert_all(({"bucket": b, "article_id": aid} for b in mine), replace=True)
    return dup


def _current_key(db, article_id: str | None) -> tuple[str, str] | None:
    if not article_id:
        return None
    row = db.execute("SELECT published FROM articles WHERE id = ?", [article_id]).fetchone()
    return _key(row[0] if row else None, article_id)
