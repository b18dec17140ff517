"""Pattern data files: JSON Lines whose errors name the file and line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from analyzer.errors import PatternError


def iter_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for each non-blank line; PatternError on an unreadable file or bad JSON."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise PatternError(f"{path.name}: {exc}") from exc
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise PatternError(f"{path.name} line {n}: {exc}") from exc
        if not isinstance(row, dict):
            raise PatternError(f"{path.name} line {n}: expected a JSON object")
        yield n, row
