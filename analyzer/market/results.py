"""The event study kept in the store (result tables) and drawn as a chart."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from analyzer.errors import MarketDataError
from analyzer.market.study import StudyResult, run_study, window_name
from analyzer.store import write_transaction


def save_study(db, result: StudyResult) -> None:
    """Replace this grouping's rows in ``study_results`` / ``study_events`` (one transaction)."""
    import pandas as pd

    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    g = result.groups.astype(object).where(result.groups.notna(), None)
    group_rows = [(result.group_by, r["group"], r["window"], r["n"], r["mean_car"], r["t"], r["hit_rate"], now)
                  for r in g.to_dict("records")]
    ev = result.events
    parts = []
    for w in result.windows:
        name = window_name(w)
        parts.append(pd.DataFrame({
            "article_id": ev["article_id"], "symbol": ev["symbol"], "grp": ev["group"].astype(str), "window": name,
            "event_date": ev["event_date"].dt.strftime("%Y-%m-%d"), "signal": ev["signal"],
            "car": ev[f"car {name}"], "ret": ev[f"ret {name}"], "model": ev["model"], "beta": ev["beta"],
        }))
    events = pd.concat(parts) if parts else pd.DataFrame()
    event_rows = [(result.group_by, *r) for r in events.astype(object).where(events.notna(), None).itertuples(index=False)]
    with write_transaction(db):
        db.execute("DELETE FROM study_results WHERE group_by = ?", [result.group_by])
        db.execute("DELETE FROM study_events WHERE group_by = ?", [result.group_by])
        db.conn.executemany("INSERT OR REPLACE INTO study_results VALUES (?,?,?,?,?,?,?,?)", group_rows)
        db.conn.executemany("INSERT OR REPLACE INTO study_events VALUES (?,?,?,?,?,?,?,?,?,?,?)", event_rows)


def study(db, **kwargs) -> StudyResult:
    """Run the event study and keep its results in the store."""
    result = run_study(db, **kwargs)
    save_study(db, result)
    return result


def write_chart(result: StudyResult, path: str | Path) -> Path:
    """PNG of mean CAR paths by group (matplotlib, an optional extra: ``pip install 'newsig[chart]'``)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise MarketDataError("the chart needs matplotlib: pip install 'newsig[chart]'") from exc
    path = Path(path)
    if not path.parent.exists():
        raise MarketDataError(f"folder {path.parent} does not exist")
    if result.paths.empty:
        raise MarketDataError("no events with returns to chart")
    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=120)
    for group in result.paths.columns:
        ax.plot(result.paths.index, 100 * result.paths[group], marker="o", ms=3, label=str(group))
    ax.axvline(0, color="grey", lw=0.8, ls="--")
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_xlabel("trading day relative to the event day")
    ax.set_ylabel("mean cumulative abnormal return (%)")
    ax.set_title(f"Mean CAR by {result.group_by} ({len(result.events):,} events)")
    ax.legend(title=result.group_by, fontsize=8)
    fig.tight_layout()
    try:
        fig.savefig(path, format="png")
    finally:
        plt.close(fig)
    return path
