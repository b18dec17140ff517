"""The evaluation report as plain text (the CLI prints the same numbers as rich tables)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .score import PARTS


def _pct(value: float | None) -> str:
    return "   -" if value is None else f"{value:.2f}"


def format_report(report: Mapping[str, Any], *, misses: bool = False) -> str:
    """Per-part P / R / F1, each article's total and the set's score; with ``misses`` the misses too."""
    lines = [f"{'part':<10} {'articles':>8} {'P':>5} {'R':>5} {'F1':>5}"]
    for part in PARTS:
        d = report["details"].get(part)
        if d:
            lines.append(f"{part:<10} {d['articles']:>8} {_pct(d['precision']):>5} {_pct(d['recall']):>5} "
                         f"{_pct(d['f1']):>5}")
    lines.append("")
    for art in report["articles"]:
        cells = " ".join(f"{p[:4]}={_pct(art['parts'][p]['f1'])}" for p in PARTS if p in art["parts"])
        lines.append(f"{art['total']:.2f}  {art['case']:<44} {cells}")
    lines.append("")
    lines.append(f"score {report['score']:.3f} over {len(report['articles'])} articles "
                 f"({report['seconds']:.1f} s, sentiment {'on' if report['sentiment'] else 'off'})")
    if misses:
        lines.append("")
        lines.extend(format_misses(report))
    return "\n".join(lines)


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
