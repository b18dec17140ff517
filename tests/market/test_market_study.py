"""Event study: event dating, returns vs an independent pandas computation, groups, IC, storage, chart."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pandas as pd
import pytest

from analyzer.errors import MarketDataError, NoPrices
from analyzer.market import import_prices, parse_windows, run_study, save_study, study, window_name, write_chart
from analyzer.market.prices import yahoo_symbol
from analyzer.market.study import information_coefficient, session_dates
from analyzer.records import Article, ArticleResult, Entity, Event, View
from analyzer.store.db import open_db, save
from market_seed import seed_result

TICKERS = ["AAPL", "XOM", "JPM", "BRK.B", "GE", "NFLX"]


def test_parse_windows():
    assert parse_windows("-1:0,0:1,0:5") == ((-1, 0), (0, 1), (0, 5))
    assert parse_windows("[-1,0],[0,+1]") == ((-1, 0), (0, 1))
    assert window_name((0, 5)) == "[0,+5]" and window_name((-1, 0)) == "[-1,0]"
    for bad in ("", "0:1,x", "2:1"):
        with pytest.raises(MarketDataError):
            parse_windows(bad)


def test_session_dates_follow_the_exchange_close():
    pub = pd.Series(["2025-03-31T15:29:00+09:00", "2025-03-31T15:30:00+09:00", "2025-03-31T06:00:00Z",
                     "2025-03-31 16:00", "2025-03-31", "2018-01-05T16:05:00-05:00", "2018-01-05T15:59:00-05:00",
                     "2018-01-05T22:00:00+01:00", None])
    sym = pd.Series(["005930.KS", "005930.KS", "086520.KQ", "086520.KQ", "086520.KQ", "AAPL", "AAPL", "AAPL", "AAPL"])
    got = session_dates(pub, sym).dt.strftime("%Y-%m-%d").tolist()
    assert got[:8] == ["2025-03-31", "2025-04-01", "2025-03-31", "2025-04-01", "2025-03-31",
                       "2018-01-06", "2018-01-05", "2018-01-06"]
    assert pd.isna(session_dates(pub, sym).iloc[8])


@pytest.fixture(scope="module")
def us_db(tmp_path_factory, shared_data):
    """Real US prices for a few tickers + ^GSPC; events from real headlines with a test-only synthetic sentiment."""
    tmp = tmp_path_factory.mktemp("us")
    px = pd.read_csv(shared_data / "market" / "us_daily_prices.csv.gz", dtype={"ticker": str})
    px[px["ticker"].isin(TICKERS)].to_csv(tmp / "px.csv", index=False)
    db = open_db(tmp / "us.db")
    import_prices(db, tmp / "px.csv")
    import_prices(db, shared_data / "market" / "us_index_daily.csv")
    h = pd.read_csv(shared_data / "news" / "headlines_with_tickers.csv.gz", dtype=str, keep_default_na=False)
    h = h[h["ticker"].isin(TICKERS)].sample(n=600, random_state=1)
    rows = []
    for t, d, head in zip(h["ticker"], h["date"], h["headline"]):
        aid = hashlib.sha256(f"{t}{d}{head}".encode()).hexdigest()[:16]
        score = int(aid[:4], 16) / 0xFFFF * 2 - 1  # deterministic stand-in, test only
        rows.append((aid, d, yahoo_symbol(t), t, score))
    with db.conn:
        db.execute("BEGIN")
        db.conn.executemany("INSERT OR REPLACE INTO articles (id, published, published_date) VALUES (?,?,?)",
                            [(a, d, d) for a, d, *_ in rows])
        db.conn.executemany(
            "INSERT OR REPLACE INTO entities (article_id, entity_key, ticker, symbol, role, sentiment) "
            "VALUES (?,?,?,?, 'subject', ?)", [(a, s, t, s, v) for a, _, s, t, v in rows])
    return db, px


def _independent(px: pd.DataFrame, index: pd.DataFrame, ticker: str, published: str, w: tuple[int, int]):
    """Raw return and CAR of one event, computed the plain way (polyfit beta, positional windows)."""
    s = px[px["ticker"] == ticker].set_index("date")["close"]
    s.index = pd.to_datetime(s.index)
    m = index.set_index("date")["close"]
    m.index = pd.to_datetime(m.index)
    r, mr = s.pct_change(), m.reindex(s.index).pct_change()
    pos = int(s.index.searchsorted(pd.Timestamp(published)))
    raw = s.iloc[pos + w[1]] / s.iloc[pos + w[0] - 1] - 1
    est = pd.DataFrame({"r": r, "m": mr}).iloc[max(pos - 250, 1): pos - 10].dropna()
    beta, alpha = np.polyfit(est["m"], est["r"], 1) if len(est) >= 60 else (1.0, 0.0)
    sl = slice(pos + w[0], pos + w[1] + 1)
    return raw, float((r.iloc[sl] - alpha - beta * mr.iloc[sl]).sum()), s.index[pos]


def test_returns_match_an_independent_pandas_computation(us_db, shared_data):
    db, px = us_db
    res = run_study(db, windows=((-1, 0), (0, 1), (0, 5)))
    assert res.to_dict()["events"] > 500
    index = pd.read_csv(shared_data / "market" / "us_index_daily.csv")
    sample = res.events.sample(n=40, random_state=3)
    checked = 0
    for ev in sample.itertuples(index=False):
        ev = ev._asdict()
        ticker = ev["ticker"]
        for w in ((-1, 0), (0, 5)):
            car = ev[f"_{list(res.events.columns).index(f'car {window_name(w)}')}"]
            ret = ev[f"_{list(res.events.columns).index(f'ret {window_name(w)}')}"]
            if np.isnan(car):
                continue
            raw, want_car, day = _independent(px, index, ticker, ev["published"], w)
            assert ev["event_date"] == day
            assert ret == pytest.approx(raw, rel=1e-9, abs=1e-12)
            assert car == pytest.approx(want_car, rel=1e-7, abs=1e-10)
            checked += 1
    assert checked >= 60
    assert set(res.events["model"]) <= {"market_model", "market_adjusted"}


def test_groups_json_and_storage(us_db, tmp_path):
    db, _ = us_db
    res = study(db)
    d = json.loads(json.dumps(res.to_dict()))
    assert {"events", "ic_mean", "ic_t", "groups"} <= set(d)
    assert {g["group"] for g in d["groups"]} == {"Q1", "Q2", "Q3", "Q4", "Q5"}
    assert set(d["groups"][0]) == {"group", "window", "n", "mean_car", "t", "hit_rate"}
    q = res.groups[(res.groups["group"] == "Q1") & (res.groups["window"] == "[0,+1]")].iloc[0]
    cars = res.events.loc[res.events["group"] == "Q1", "car [0,+1]"].dropna()
    assert q["n"] == len(cars) and q["mean_car"] == pytest.approx(cars.mean())
    assert q["t"] == pytest.approx(cars.mean() / (cars.std() / np.sqrt(len(cars))))
    assert [s["top"] + s["bottom"] for s in d["spread"]] == ["Q5Q1"] * 3
    stored = db.execute("SELECT COUNT(*) FROM study_results WHERE group_by='sentiment'").fetchone()[0]
    assert stored == len(d["groups"]) == 15
    save_study(db, res)  # re-saving replaces
    assert db.execute("SELECT COUNT(*) FROM study_results").fetchone()[0] == 15
    assert db.execute("SELECT COUNT(*) FROM study_events WHERE window='[0,+1]'").fetchone()[0] == len(res.events)


def test_chart(us_db, tmp_path):
    pytest.importorskip("matplotlib")
    res = run_study(us_db[0])
    out = write_chart(res, tmp_path / "car.png")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert list(res.paths.index) == list(range(-1, 6))
    with pytest.raises(MarketDataError, match="does not exist"):
        write_chart(res, tmp_path / "nope" / "car.png")


def test_information_coefficient():
    ev = pd.DataFrame({"event_date": ["d1"] * 5 + ["d2"] * 5, "signal": [1, 2, 3, 4, 5] * 2,
                       "car [0,+1]": [0.1, 0.2, 0.3, 0.4, 0.5, 0.5, 0.4, 0.3, 0.1, 0.2]})
    ic = information_coefficient(ev, "[0,+1]", min_per_day=5)
    assert ic["days"] == 2 and ic["mean"] == pytest.approx((1.0 - 0.9) / 2)
    assert information_coefficient(ev, "[0,+1]", min_per_day=6)["days"] == 0


@pytest.fixture
def seed_db(tmp_path, shared_data):
    db = open_db(tmp_path / "seed.db")
    save(db, seed_result(published="2025-03-29"))  # a Saturday: event day is Monday 2025-03-31
    for f in ("krx_daily_prices.csv", "krx_index_daily.csv"):
        import_prices(db, shared_data / "market" / f)
    return db


def test_seed_study_and_missing_prices(seed_db):
    lonely = ArticleResult(article=Article(text="Nvidia soared.", published="2025-03-31"), entities=(
        Entity(name="NVIDIA", ticker="NVDA", exchange="NASDAQ", symbol="NVDA", role="subject", mentions=(),
               sentiment=0.9),))
    save(seed_db, lonely)
    res = run_study(seed_db, windows=((0, 0), (0, 40)))
    assert res.missing_symbols == ["NVDA"]
    assert res.skipped == {"no prices for the symbol": 1}
    assert "NVDA" not in set(res.events["symbol"])
    eco = res.events[res.events["symbol"] == "086520.KQ"].iloc[0]
    assert eco["event_date"] == pd.Timestamp("2025-03-31")
    assert eco["ret [0,0]"] == pytest.approx(49650 / 56800 - 1)
    assert eco["model"] == "market_adjusted"  # 38 days of history: fewer than 60
    assert eco["car [0,0]"] == pytest.approx((49650 / 56800 - 1) - (672.85 / 693.76 - 1), abs=1e-4)
    assert np.isnan(eco["car [0,+40]"]) and np.isnan(eco["ret [0,+40]"])  # past the data: empty, not zero


def test_group_by_stance_and_event(seed_db):
    base = seed_result(published="2025-03-29")
    res = ArticleResult(article=base.article, entities=base.entities, moves=base.moves,
                        views=(View(analyst="Jung Jin-soo", title="researcher", firm="Heungkuk Securities",
                                    quote="worse", stance="negative", score=-0.7, target_tickers=("086520",)),),
                        events=(Event(type="short_selling_resumed", date="2025-03-31", sentence=0),))
    save(seed_db, res)
    stance = run_study(seed_db, group_by="stance")
    assert set(stance.events["group"]) == {"negative"} and len(stance.events) == 12
    assert stance.to_dict()["spread"][0]["mean"] is None
    by_event = run_study(seed_db, group_by="event")
    assert set(by_event.groups["group"]) == {"short_selling_resumed"} and by_event.to_dict()["ic_mean"] is None
    with pytest.raises(MarketDataError, match="group-by"):
        run_study(seed_db, group_by="colour")


def test_no_prices_at_all(tmp_path):
    db = open_db(tmp_path / "e.db")
    save(db, seed_result())
    with pytest.raises(NoPrices):
        run_study(db)
