"""Rich tables for people: one analysed article (the contract dict) on a terminal."""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text


def _fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        if abs(value) >= 1000:
            return f"{value:,.{0 if value == int(value) else digits}f}"
        return f"{value:.{digits}f}"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) or "—"
    return str(value)


def _signed(value: float | None, suffix: str = "") -> Text:
    if value is None:
        return Text("—")
    style = "red" if value < 0 else "green" if value > 0 else ""
    return Text(f"{value:+.2f}{suffix}", style=style)


def _when(move: dict[str, Any]) -> str:
    """'intraday, as much as', 'close, week', 'since 2025-01-06': session, period and qualifier of a move."""
    period = (move.get("period") or "").replace("since:", "since ").replace("_", "-")
    parts = [move.get("session"), period, (move.get("qualifier") or "").replace("_", " ")]
    return ", ".join(p for p in parts if p) or "—"


def _table(title: str, columns: list[str]) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold", show_lines=False, expand=False)
    for col in columns:
        table.add_column(col, overflow="fold")
    return table


def article_tables(result: dict[str, Any], *, sentences: bool = False) -> Group:
    """Every section of the contract that has rows, as tables."""
    a = result["article"]
    parts: list[Any] = []
    head = Text()
    head.append(a.get("title") or "(untitled)", style="bold")
    head.append(f"  id {a['id']}  published {a.get('published') or '—'}  {a['chars']:,} chars")
    if a.get("sentiment") is not None:
        head.append("  sentiment ")
        head.append(_signed(a["sentiment"]))
    parts.append(head)

    if result["entities"]:
        t = _table("Entities", ["name", "ticker", "exchange", "symbol", "role", "mentions", "sentiment", "relevance"])
        for e in result["entities"]:
            t.add_row(e["name"], _fmt(e["ticker"]), _fmt(e["exchange"]), _fmt(e["symbol"]), e["role"],
                      str(len(e["mentions"])), _signed(e["sentiment"]), _fmt(e["relevance"]))
        parts.append(t)
    if result["moves"]:
        t = _table("Moves", ["entity", "ticker", "change", "price", "currency", "date", "when", "sent."])
        for m in result["moves"]:
            t.add_row(_fmt(m["entity"]), _fmt(m["ticker"]), _signed(m["change_pct"], "%"), _fmt(m["price"]),
                      _fmt(m["currency"]), _fmt(m["date"]), _when(m), str(m["sentence"]))
        parts.append(t)
    if result["metrics"]:
        t = _table("Metrics", ["entity", "ticker", "metric", "value", "unit", "date", "sent."])
        for m in result["metrics"]:
            t.add_row(_fmt(m["entity"]), _fmt(m["ticker"]), m["metric"], _fmt(m["value"]), _fmt(m["unit"]),
                      _fmt(m["date"]), str(m["sentence"]))
        parts.append(t)
    if result["views"]:
        t = _table("Views", ["analyst", "title", "firm", "stance", "score", "targets", "rating / target", "quote"])
        for v in result["views"]:
            target = " ".join(
                x for x in (
                    ({1: "↑ ", -1: "↓ "}.get(v.get("rating_direction") or 0, "") + v["rating"]) if v.get("rating") else "",
                    f"{_fmt(v.get('previous_price_target'))} → {_fmt(v.get('price_target'))} {v.get('currency') or ''}"
                    if v.get("price_target") is not None else "",
                ) if x
            ) or "—"
            quote = v["quote"] if len(v["quote"]) <= 160 else v["quote"][:157] + "..."
            stance = v["stance"] + ("*" if v.get("stance_source") == "interim_lexicon" else "")
            firm = _fmt(v["firm"]) + (f" ({v['firm_ticker']})" if v.get("firm_ticker") else "")
            t.add_row(v["analyst"] or "(unattributed)", _fmt(v["title"]), firm, stance, _signed(v["score"]),
                      _fmt(v["targets"]), target, quote)
        parts.append(t)
    if result["sectors"]:
        t = _table("Sectors", ["sector", "mentions", "sentiment", "favoured", "tickers"])
        for s in result["sectors"]:
            favoured = {True: "yes", False: "no"}.get(s.get("favoured"), "—")
            t.add_row(s["name"], str(s["mentions"]), _signed(s["sentiment"]), favoured,
                      _fmt(s.get("tickers")))
        parts.append(t)
    if result["events"]:
        t = _table("Events", ["type", "date", "tickers", "sent.", "text"])
        for e in result["events"]:
            text = (e.get("text") or "").split("\n")[0]
            t.add_row(e["type"], _fmt(e["date"]), _fmt(e.get("tickers")), str(e["sentence"]),
                      text if len(text) <= 80 else text[:77] + "...")
        parts.append(t)
    if any(v.get("stance_source") == "interim_lexicon" for v in result["views"]):
        parts.append(Text("* stance from the interim word list (run with the sentiment model for the model's stance)",
                          style="dim"))
    if sentences and result["sentences"]:
        t = _table("Sentences", ["#", "sentiment", "score", "text"])
        for s in result["sentences"]:
            t.add_row(str(s["index"]), _fmt(s["sentiment"]), _signed(s["score"]), s["text"])
        parts.append(t)
    return Group(*parts)


def make_console() -> Console:
    """A console for tables: the terminal's width, or 140 columns when piped (not rich's 80)."""
    console = Console()
    return console if console.is_terminal else Console(width=140)


def print_article(result: dict[str, Any], *, sentences: bool = False, console: Console | None = None) -> None:
    (console or make_console()).print(article_tables(result, sentences=sentences))
