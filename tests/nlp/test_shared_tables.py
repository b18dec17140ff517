"""Tables the linker shares with the universe, and the entity groups/roles computed once per Doc."""

from __future__ import annotations

import re

import pytest

from analyzer.nlp.components.tickers import EXPLICIT, MARKET_SUFFIXES
from analyzer.universe.listings import EXCHANGE_SPELLINGS, EXCHANGES, YAHOO_SUFFIXES, normalise_exchange, yahoo_symbol


def test_market_suffixes_are_the_universe_table():
    for sfx, exchange in MARKET_SUFFIXES.items():
        assert YAHOO_SUFFIXES[exchange] == sfx
        assert yahoo_symbol("ABC", exchange) == f"ABC.{sfx}"
    assert MARKET_SUFFIXES["JO"] == "JSE" and MARKET_SUFFIXES["NZ"] == "NZX"


@pytest.mark.parametrize("name", sorted({*EXCHANGES, *EXCHANGE_SPELLINGS}))
def test_every_exchange_name_opens_a_prefixed_code(name):
    prefixed = EXPLICIT[0][0]
    m = prefixed.search(f"Acme Widgets ({name}: ACME) rose.")
    assert m is not None and m.group("ex") == name and m.group("code") == "ACME"
    assert normalise_exchange(name) in EXCHANGES.values()


def test_suffixed_code_in_brackets_reads_the_shared_table():
    suffixed = next(p for p, how in EXPLICIT if how == "suffixed")
    assert suffixed.search("Fictional Mining Ltd (FMX.JO) fell.").group("mkt") == "JO"
    assert re.fullmatch(r"[A-Z]{1,2}(\|[A-Z]{1,2})*", suffixed.pattern.split("(?P<mkt>")[1].split(")")[0])


@pytest.fixture(scope="module")
def nlp():
    from analyzer.nlp.pipeline import build_nlp

    return build_nlp(sentiment=False)


TEXT = ("Northwind Traders Inc said on Tuesday its quarterly profit rose 12%, and its shares gained 4% in New York. "
        "Contoso Corp, a rival, was little changed. Northwind Traders expects more growth next year.")


def test_groups_and_roles_are_computed_once_and_never_stale(nlp):
    from analyzer.nlp.extract import ENTITY_CACHE, entities_and_roles, entity_groups, entity_roles

    doc = nlp(TEXT)
    groups, roles = entities_and_roles(doc, "Northwind profit rises", ())
    assert ENTITY_CACHE in doc.user_data
    fresh = entity_groups(doc)
    assert list(groups) == list(fresh)
    assert {k: [(s.start, s.end) for s in v] for k, v in groups.items()} == \
        {k: [(s.start, s.end) for s in v] for k, v in fresh.items()}
    assert roles == entity_roles(doc, fresh, "Northwind profit rises", ())
    again, again_roles = entities_and_roles(doc, "Northwind profit rises", ())  # from the cache
    assert [[s.start for s in v] for v in again.values()] == [[s.start for s in v] for v in groups.values()]
    assert again_roles == roles
    # another headline, or a Doc whose name spans changed, is computed afresh
    other_title = entities_and_roles(doc, "Contoso shares", ())[1]
    assert other_title == entity_roles(doc, fresh, "Contoso shares", ())
    doc.spans["newsig_orgs"] = list(doc.spans["newsig_orgs"])[:1]
    fewer, _ = entities_and_roles(doc, "Northwind profit rises", ())
    assert sum(len(v) for v in fewer.values()) == 1
