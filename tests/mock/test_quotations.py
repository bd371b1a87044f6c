"""The quotation of an inquiry reply: export terms as fields, every rule answered with the field it breaks."""

from datetime import UTC, datetime, timedelta

import pytest

from .conftest import add_product


@pytest.fixture
def inquiry(api, gateway, seller):
    product_id = add_product(api, seller)
    gateway.tick(all_reviews_due=True)
    [inquiry] = gateway.simulate_inquiries(product_id=product_id, attachments=0)
    return inquiry


def today(gateway):
    return datetime.fromtimestamp(gateway.now(), UTC).date()


def quotation(**changes) -> dict:
    """CIF Hamburg from Chattogram: every field the protocol has."""
    terms = {
        "price": "2.15",
        "currency": "USD",
        "quantity": 5000,
        "unit": "piece",
        "incoterm": "CIF",
        "port_of_loading": "Chattogram",
        "destination": "Hamburg",
        "lead_time_days": 45,
        "payment_terms": ["T/T", "L/C"],
        "sample_terms": "Two free samples; the buyer pays the courier. Ready in 7 days.",
    }
    terms.update(changes)
    return {key: value for key, value in terms.items() if value is not None}


def reply(api, seller, inquiry, terms):
    return api.call(
        "/dexports/inquiry/reply", token=seller["access_token"], inquiry_id=inquiry["inquiry_id"],
        content="Dear Ms Becker, please find our offer.", quotation=terms,
    )  # fmt: skip


def stored_quotation(api, seller, inquiry) -> dict:
    thread = api.ok("/dexports/inquiry/get", token=seller["access_token"], inquiry_id=inquiry["inquiry_id"])
    return thread["inquiry"]["messages"][-1]["quotation"]


def test_a_full_quotation_is_stored_normalized(api, gateway, seller, inquiry):
    until = str(today(gateway) + timedelta(days=60))
    assert reply(api, seller, inquiry, quotation(price=2.1, quantity="5000", valid_until=until))["code"] == "0"

    assert stored_quotation(api, seller, inquiry) == {
        "price": "2.10",
        "currency": "USD",
        "quantity": 5000,
        "unit": "piece",
        "incoterm": "CIF",
        "port_of_loading": "Chattogram",
        "destination": "Hamburg",
        "lead_time_days": 45,
        "payment_terms": ["T/T", "L/C"],
        "valid_until": until,
        "sample_terms": "Two free samples; the buyer pays the courier. Ready in 7 days.",
    }


def test_exw_needs_neither_port_nor_destination_and_validity_defaults_to_30_days(api, gateway, seller, inquiry):
    terms = quotation(incoterm="EXW", port_of_loading=None, destination=None, sample_terms=None)
    assert reply(api, seller, inquiry, terms)["code"] == "0"

    stored = stored_quotation(api, seller, inquiry)
    assert (stored["port_of_loading"], stored["destination"], stored["sample_terms"]) == (None, None, "")
    assert stored["valid_until"] == str(today(gateway) + timedelta(days=30))


def test_valid_days_is_still_understood_as_a_date(api, gateway, seller, inquiry):
    assert reply(api, seller, inquiry, quotation(valid_days=14))["code"] == "0"

    stored = stored_quotation(api, seller, inquiry)
    assert stored["valid_until"] == str(today(gateway) + timedelta(days=14))
    assert "valid_days" not in stored


@pytest.mark.parametrize("incoterm", ["FAS", "FOB", "CFR", "CIF", "CPT", "CIP", "DAP", "DPU", "DDP"])
def test_every_term_but_exw_and_fca_names_its_port_of_loading(api, seller, inquiry, incoterm):
    answer = reply(api, seller, inquiry, quotation(incoterm=incoterm, port_of_loading=None))

    assert (answer["code"], answer["field"]) == ("MissingParameter", "quotation.port_of_loading")
    assert incoterm in answer["message"]


@pytest.mark.parametrize(("incoterm", "needs_destination"), [("FCA", False), ("FOB", False), ("CFR", True),
                                                             ("CPT", True), ("DAP", True), ("DDP", True)])  # fmt: skip
def test_c_and_d_terms_name_their_destination(api, seller, inquiry, incoterm, needs_destination):
    answer = reply(api, seller, inquiry, quotation(incoterm=incoterm, destination=None))

    if needs_destination:
        assert (answer["code"], answer["field"]) == ("MissingParameter", "quotation.destination")
    else:
        assert answer["code"] == "0"


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"currency": "EUR"}, "InvalidParameter", "quotation.currency"),
        ({"currency": None}, "MissingParameter", "quotation.currency"),
        ({"price": 0}, "InvalidParameter", "quotation.price"),
        ({"price": "1.555"}, "InvalidParameter", "quotation.price"),
        ({"price": None}, "MissingParameter", "quotation.price"),
        ({"quantity": None}, "MissingParameter", "quotation.quantity"),
        ({"quantity": 0}, "InvalidParameter", "quotation.quantity"),
        ({"quantity": 1.5}, "InvalidParameter", "quotation.quantity"),
        ({"unit": "bale"}, "InvalidParameter", "quotation.unit"),
        ({"incoterm": None}, "MissingParameter", "quotation.incoterm"),
        ({"incoterm": "fob"}, "InvalidParameter", "quotation.incoterm"),
        ({"incoterm": "DAT"}, "InvalidParameter", "quotation.incoterm"),
        ({"port_of_loading": ""}, "InvalidParameter", "quotation.port_of_loading"),
        ({"port_of_loading": "C" * 129}, "InvalidParameter", "quotation.port_of_loading"),
        ({"destination": 7}, "InvalidParameter", "quotation.destination"),
        ({"lead_time_days": None}, "MissingParameter", "quotation.lead_time_days"),
        ({"lead_time_days": 0}, "InvalidParameter", "quotation.lead_time_days"),
        ({"lead_time_days": 366}, "InvalidParameter", "quotation.lead_time_days"),
        ({"payment_terms": None}, "MissingParameter", "quotation.payment_terms"),
        ({"payment_terms": []}, "InvalidParameter", "quotation.payment_terms"),
        ({"payment_terms": "T/T"}, "InvalidParameter", "quotation.payment_terms"),
        ({"payment_terms": ["T/T", "Bitcoin"]}, "InvalidParameter", "quotation.payment_terms[1]"),
        ({"payment_terms": ["L/C", "L/C"]}, "InvalidParameter", "quotation.payment_terms[1]"),
        ({"valid_until": "31/12/2030"}, "InvalidParameter", "quotation.valid_until"),
        ({"valid_until": "2030-02-30"}, "InvalidParameter", "quotation.valid_until"),
        ({"valid_until": "-1"}, "InvalidParameter", "quotation.valid_until"),
        ({"valid_until": "+181"}, "InvalidParameter", "quotation.valid_until"),
        ({"valid_until": "+10", "valid_days": 10}, "InvalidParameter", "quotation.valid_days"),
        ({"valid_days": 0}, "InvalidParameter", "quotation.valid_days"),
        ({"valid_days": 181}, "InvalidParameter", "quotation.valid_days"),
        ({"sample_terms": "x" * 1001}, "InvalidParameter", "quotation.sample_terms"),
        ({"sample_terms": "  "}, "InvalidParameter", "quotation.sample_terms"),
        ({"discount": "5%"}, "InvalidParameter", "quotation.discount"),
    ],
)
def test_every_rule_names_its_field(api, gateway, seller, inquiry, changes, code, field):
    relative = changes.get("valid_until", "")
    if relative.startswith(("+", "-")):  # days from the gateway's today
        changes = {**changes, "valid_until": str(today(gateway) + timedelta(days=int(relative)))}
    terms = quotation(**changes)

    answer = reply(api, seller, inquiry, terms)

    assert (answer["code"], answer["field"]) == (code, field), answer
    assert gateway.state()["messages"] == 0


def test_valid_until_is_today_at_the_earliest_on_the_gateways_clock(api, gateway, seller, inquiry):
    gateway.configure(clock_offset_s=3 * 86400)
    until = str(today(gateway) - timedelta(days=1))

    answer = reply(api, seller, inquiry, quotation(valid_until=until))

    assert answer["field"] == "quotation.valid_until"
    assert today(gateway).isoformat() in answer["message"]
