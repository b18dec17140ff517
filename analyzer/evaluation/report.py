"""The misses of an evaluation report as plain lines (``newsig eval --misses`` prints them under its tables)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def format_misses(report: Mapping[str, Any]) -> list[str]:
    """Per article: each gold fact not found (-) and each prediction not in the gold (+), with its sentence."""
    lines: list[str] = []
    for art in report["articles"]:
        entries = [(part, sign, e) for part, d in art["parts"].items()
                   for sign, key in (("-", "missed"), ("+", "extra")) for e in d[key]]
        if not entries:
            continue
        lines.append(f"== {art['case']} (total {art['total']:.2f})")
        for part, sign, e in entries:
            lines.append(f"  {sign} {part:<9} {e['what']}")
            if e.get("text"):
                lines.append(f"      [{e['sentence']}] {' '.join(e['text'].split())}")
    return lines
