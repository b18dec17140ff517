"""``newsig market ...``: exit codes, one-line errors, formats."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from analyzer.store.db import open_db, save
from cli import app
from market_seed import seed_result

runner = CliRunner()


@pytest.fixture
def seed_db(tmp_path, shared_data):
    path = tmp_path / "news.db"
    save(open_db(path), seed_result())
    m = shared_data / "market"
    res = runner.invoke(app, ["market", "import", str(m / "krx_daily_prices.csv"), str(m / "krx_index_daily.csv"),
                              "--db", str(path)])
    assert res.exit_code == 0, res.output
    assert "krx_daily_prices.csv: 744 rows for 12 symbols, 2025-02-03 .. 2025-04-30; 0 bad rows skipped" in res.output
    return path


def test_help_for_every_market_command():
    for cmd in ("import", "fetch", "study", "check"):
        res = runner.invoke(app, ["market", cmd, "--help"])
        assert res.exit_code == 0 and "Example:" in res.output


def test_import_bad_rows_and_strict(tmp_path):
    f = tmp_path / "p.csv"
    f.write_text("date,ticker,close\n2018-01-02,AAPL,1.5\nyesterday,AAPL,1.6\n")
    db = str(tmp_path / "x.db")
    res = runner.invoke(app, ["market", "import", str(f), "--db", db])
    assert res.exit_code == 0
    assert "Skipped p.csv line 3: unparseable date 'yesterday'" in res.output
    assert "p.csv: 1 rows for 1 symbols, 2018-01-02 .. 2018-01-02; 1 bad rows skipped" in res.output
    res = runner.invoke(app, ["market", "import", str(f), "--db", db, "--strict"])
    assert res.exit_code == 1
    assert res.output.strip().splitlines()[-1].startswith("Error: Bad row in the price file:")
    assert "line 3: unparseable date" in res.output and "Traceback" not in res.output


def test_check_json(seed_db):
    res = runner.invoke(app, ["market", "check", "--db", str(seed_db), "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    assert {"ticker", "date", "stated_change_pct", "actual_change_pct", "stated_price", "actual_price",
            "status"} <= set(rows[0])
    eco = next(r for r in rows if r["ticker"] == "086520")
    assert (eco["status"], eco["actual_price"], eco["actual_change_pct"]) == ("match", 49650.0, -12.59)
    sdi = next(r for r in rows if r["ticker"] == "006400")
    assert (sdi["status"], sdi["stated_change_pct"], sdi["actual_change_pct"]) == ("mismatch", -4.16, -5.47)


def test_study_formats(seed_db, tmp_path):
    res = runner.invoke(app, ["market", "study", "--db", str(seed_db), "--windows=-1:0,0:1", "-f", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["events"] == 12 and {g["window"] for g in data["groups"]} == {"[-1,0]", "[0,+1]"}
    res = runner.invoke(app, ["market", "study", "--db", str(seed_db), "-f", "csv"])
    assert res.output.splitlines()[0] == "group,window,n,mean_car,t,hit_rate"
    res = runner.invoke(app, ["market", "study", "--db", str(seed_db), "--windows", "nonsense"])
    assert res.exit_code == 1 and res.output.startswith("Error: Market data error: windows must look like")


def test_study_errors(tmp_path):
    res = runner.invoke(app, ["market", "study", "--db", str(tmp_path / "none.db")])
    assert res.exit_code == 1 and res.output.startswith("Error: Database error: no database at")
    db = tmp_path / "empty.db"
    open_db(db)
    res = runner.invoke(app, ["market", "study", "--db", str(db)])
    assert res.exit_code == 1 and res.output.startswith("Error: No prices in the database")


def test_fetch_offline(tmp_path, monkeypatch):
    import analyzer.market.fetch as mf

    monkeypatch.setattr(mf, "online", lambda host, timeout=5.0: False)
    res = runner.invoke(app, ["market", "fetch", "AAPL", "--start", "2018-01-01", "--end", "2018-02-01",
                              "--db", str(tmp_path / "f.db")])
    assert res.exit_code == 1
    assert res.output.strip() == "Error: No network: this command downloads data and needs to be online: " \
                                 "cannot reach query1.finance.yahoo.com for AAPL"
