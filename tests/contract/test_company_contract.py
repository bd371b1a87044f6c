"""Contract: the supplier's company profile through our client against the real mock gateway, in process and over a
socket — certificate upload, update, review, read back typed, and the faults every call suffers."""

from datetime import UTC, date, datetime, timedelta

import pytest

from alibaba.client import (
    CompanyProfile,
    GatewayTimeout,
    RateLimited,
    Rejected,
    TokenExpired,
    TransientError,
)

from .conftest import PNG

PDF = b"%PDF-1.4\n%%EOF\n"


def a_profile(client, tokens, **changes) -> dict:
    token = tokens.access_token
    today = datetime.now(UTC).date()
    profile = {
        "company_story": "Golden Fibre Ltd has woven jute in Narayanganj since 1987 for buyers in Europe and Japan.",
        "year_established": 1987,
        "employees": "201-300",
        "production_capacity": {"quantity": 120000, "unit": "piece"},
        "main_markets": [{"country": "DE", "share": 40}, {"country": "IN", "share": 15}],
        "factory_photos": [client.photobank_upload(token, filename="floor.png", content=PNG)],
        "brand_logo": client.photobank_upload(token, filename="logo.png", content=PNG + b"logo"),
        "trade_shows": [{"name": "Heimtextil Frankfurt", "year": 2024, "country": "DE"}],
        "certifications": [
            {
                "type": "OEKO-TEX",
                "issuer": "Hohenstein",
                "number": "21.HBD.12345",
                "valid_from": str(today - timedelta(days=30)),
                "valid_until": str(today + timedelta(days=335)),
                "file": client.company_certificate_upload(token, filename="oeko-tex.pdf", content=PDF),
            }
        ],
    }
    profile.update(changes)
    return profile


def test_a_profile_goes_to_review_and_comes_back_typed(client, gateway, tokens):
    profile = a_profile(client, tokens)
    assert client.company_profile_get(tokens.access_token) is None

    review = client.company_profile_update(tokens.access_token, profile)

    assert (review.status, review.version, review.supplier_id) == ("new", 1, tokens.supplier_id)
    gateway.configure(company_reject_rate=0.0)
    gateway.tick(all_reviews_due=True)
    held = client.company_profile_get(tokens.access_token)
    assert isinstance(held, CompanyProfile)
    assert (held.status, held.reject_reason, held.version) == ("approved", None, 1)
    assert (held.year_established, held.employees, held.capacity_quantity, held.capacity_unit) == (
        1987, "201-300", 120000, "piece"
    )  # fmt: skip
    assert [(m.country, m.share) for m in held.main_markets] == [("DE", 40), ("IN", 15)]
    assert held.factory_photos == tuple(profile["factory_photos"])
    assert held.brand_logo == profile["brand_logo"]
    assert held.trade_shows[0].name == "Heimtextil Frankfurt"
    [certificate] = held.certifications
    assert (certificate.type, certificate.number) == ("OEKO-TEX", "21.HBD.12345")
    assert isinstance(certificate.valid_until, date)
    assert certificate.file_url.endswith(".pdf")


def test_a_rejected_profile_says_why(client, gateway, tokens):
    gateway.configure(company_reject_rate=1.0)
    client.company_profile_update(tokens.access_token, a_profile(client, tokens))
    gateway.tick(all_reviews_due=True)

    held = client.company_profile_get(tokens.access_token)

    assert held.status == "tbd" and held.reject_reason


def test_a_broken_rule_is_rejected_with_its_field(client, tokens):
    profile = a_profile(client, tokens, main_markets=[{"country": "DE", "share": 80}, {"country": "US", "share": 30}])

    with pytest.raises(Rejected) as raised:
        client.company_profile_update(tokens.access_token, profile)

    assert raised.value.field == "main_markets"
    assert "100" in raised.value.user_message


def test_a_certificate_that_is_not_a_document_is_rejected(client, tokens):
    with pytest.raises(Rejected) as raised:
        client.company_certificate_upload(tokens.access_token, filename="cert.pdf", content=b"GIF89a fake")

    assert raised.value.field == "file"


def test_faults_reach_the_company_calls(client, gateway, tokens):
    profile = a_profile(client, tokens)
    gateway.configure(timeout_rate=1.0)
    with pytest.raises(GatewayTimeout):
        client.company_profile_update(tokens.access_token, profile)
    gateway.configure(timeout_rate=0.0, isp_error_rate=1.0)
    with pytest.raises(TransientError):
        client.company_profile_get(tokens.access_token)
    gateway.configure(isp_error_rate=0.0)
    assert client.company_profile_get(tokens.access_token).version == 1  # the lost update happened

    gateway.expire_access_tokens()
    with pytest.raises(TokenExpired):
        client.company_profile_get(tokens.access_token)
    fresh = client.token_refresh(tokens.refresh_token).access_token
    gateway.configure(rate_limit_per_s=0.001, rate_limit_burst=1)
    client.company_profile_get(fresh)
    with pytest.raises(RateLimited):
        client.company_profile_update(fresh, profile)


def test_another_suppliers_files_are_refused(client, tokens):
    other = client.supplier_create(seller_ref="seller-2", company_name="Other Ltd", contact_email="b@o.bd")
    other_tokens = client.token_create(other.code)

    with pytest.raises(Rejected) as raised:
        client.company_profile_update(other_tokens.access_token, a_profile(client, tokens))

    assert raised.value.field == "factory_photos[0]"
    assert client.company_profile_get(other_tokens.access_token) is None
