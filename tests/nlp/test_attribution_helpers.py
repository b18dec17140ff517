"""Speaker.with_firm_of, letters and same_firm: the helpers quotes, view_merge and evaluation share."""

from __future__ import annotations

from analyzer.nlp.components.attribution import Speaker, letters, same_firm


def test_with_firm_of_copies_the_firm_and_keeps_the_rest():
    analyst = Speaker("Jane Roe", "analyst", role="analyst")
    desk = Speaker(None, firm="Acme Securities", firm_ticker="ACS", firm_span=(3, 5), research=True)
    got = analyst.with_firm_of(desk)
    assert (got.firm, got.firm_ticker, got.firm_span, got.research) == ("Acme Securities", "ACS", (3, 5), True)
    assert (got.name, got.title, got.role) == ("Jane Roe", "analyst", "analyst")


def test_with_firm_of_changes_override_the_copied_fields():
    person = Speaker("John Doe", firm_span=None, research=True)
    firm = Speaker(None, firm="Beta Bank", firm_span=(7, 9), research=False, role="analyst")
    got = person.with_firm_of(firm, firm_span=person.firm_span, research=person.research or firm.research,
                              role=person.role or firm.role)
    assert (got.firm, got.firm_span, got.research, got.role) == ("Beta Bank", None, True, "analyst")


def test_letters_and_same_firm():
    assert letters("J.P. Morgan & Co.") == "jpmorganco"
    assert letters(None) == ""
    assert same_firm("Melius", "Melius Research") and same_firm("Citigroup", "Citi")
    assert not same_firm("Acme", "Beta Capital")
    assert not same_firm(None, "Acme") and not same_firm("", "")
