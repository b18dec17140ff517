"""Shared fixtures: paths, the real pipelines (built once per session), fresh databases."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NEWSIG_SHARED", REPO.parent / "shared"))
SEED = REPO / "corpus" / "short_selling_resumes_2025-03-31.txt"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` (real public datasets); tests that need it skip when it is absent."""
    data = SHARED / "data"
    if not data.exists():
        pytest.skip(f"shared data not found at {data}")
    return data


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def nlp_fast():
    """The real pipeline without the transformer (extraction only)."""
    from analyzer.nlp.pipeline import build_nlp

    return build_nlp(sentiment=False)


@pytest.fixture(scope="session")
def analyze_fast():
    """analyze(text, date) -> contract dict, extraction only (no transformer)."""
    from analyzer.sources.inputs import make_article
    from analyzer.nlp.pipeline import analyze

    def run(text: str, date: str | None = None, title: str | None = None) -> dict:
        return analyze(make_article(text, published=date, title=title), sentiment=False).to_dict()

    return run


@pytest.fixture(scope="session")
def analyze_full():
    """analyze(text, date) -> contract dict, with the transformer sentiment model."""
    from analyzer.sources.inputs import make_article
    from analyzer.nlp.pipeline import analyze

    def run(text: str, date: str | None = None, title: str | None = None) -> dict:
        return analyze(make_article(text, published=date, title=title)).to_dict()

    return run


@pytest.fixture(scope="session")
def seed_result(seed_text) -> dict:
    """The seed article analysed by the full pipeline, sentiment included (once per session)."""
    from analyzer.sources.inputs import make_article
    from analyzer.nlp.pipeline import analyze

    return analyze(make_article(seed_text, published="2025-03-31")).to_dict()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "news.db"
