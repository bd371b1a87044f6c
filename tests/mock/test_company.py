"""The supplier's company profile: certificate files checked by content, the profile replaced whole under rules that
name their field, and an asynchronous review pushed as company.reviewed."""

from datetime import UTC, datetime, timedelta

import pytest

from .conftest import JPEG, PNG, make_seller, upload

UPDATE, GET, CERTIFICATE = (
    "/dexports/company/profile/update",
    "/dexports/company/profile/get",
    "/dexports/company/certificate/upload",
)
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def certificate(api, seller, content: bytes = PDF, name: str = "bsci.pdf") -> str:
    answer = api.ok(CERTIFICATE, token=seller["access_token"], files={"file": (name, content, "application/pdf")})
    return answer["certificate_url"]


def profile_payload(api, seller, gateway, **changes) -> dict:
    """A jute mill's profile with every field; ``changes`` replace top-level fields (None removes one)."""
    today = datetime.fromtimestamp(gateway.now(), UTC).date()
    profile = {
        "company_story": (
            "Golden Fibre Ltd has spun and woven jute in Narayanganj since 1987.\n"
            "Our 240 workers make hessian bags, rugs and yarn for buyers in Europe and Japan."
        ),
        "year_established": 1987,
        "employees": "201-300",
        "production_capacity": {"quantity": 120000, "unit": "piece"},
        "main_markets": [
            {"country": "DE", "share": 35},
            {"country": "JP", "share": 20},
            {"country": "IN", "share": 10},
        ],
        "factory_photos": [seller["photo"], upload(api, seller["access_token"], JPEG)],
        "brand_logo": upload(api, seller["access_token"], PNG + b"logo"),
        "trade_shows": [{"name": "Heimtextil Frankfurt", "year": 2024, "country": "DE"}],
        "certifications": [
            {
                "type": "BSCI",
                "issuer": "amfori",
                "number": "BSCI-2024-0042",
                "valid_from": str(today - timedelta(days=200)),
                "valid_until": str(today + timedelta(days=165)),
                "file": certificate(api, seller),
            }
        ],
    }
    profile.update(changes)
    return {key: value for key, value in profile.items() if value is not None}


def test_a_profile_is_stored_normalized_and_enters_review(api, gateway, seller):
    profile = profile_payload(api, seller, gateway)

    answer = api.ok(UPDATE, token=seller["access_token"], profile=profile)

    assert (answer["status"], answer["version"], answer["supplier_id"]) == ("new", 1, seller["supplier_id"])
    got = api.ok(GET, token=seller["access_token"])
    assert (got["status"], got["reason"], got["version"]) == ("new", None, 1)
    assert got["profile"] == {
        **profile,
        "production_capacity": {"quantity": 120000, "unit": "piece", "period": "month"},
    }
    [held] = gateway.state()["company_profiles"]
    assert (held["supplier_id"], held["status"], held["version"]) == (seller["supplier_id"], "new", 1)
    assert held["review_due_at"] is not None


def test_optional_fields_come_back_empty(api, gateway, seller):
    profile = profile_payload(api, seller, gateway, factory_photos=None, brand_logo=None, trade_shows=None,
                              certifications=None)  # fmt: skip

    api.ok(UPDATE, token=seller["access_token"], profile=profile)

    stored = api.ok(GET, token=seller["access_token"])["profile"]
    assert (stored["factory_photos"], stored["brand_logo"], stored["trade_shows"], stored["certifications"]) == (
        [], None, [], []
    )  # fmt: skip


def test_a_supplier_without_a_profile_reads_none(api, seller):
    got = api.ok(GET, token=seller["access_token"])

    assert (got["profile"], got["status"], got["version"]) == (None, None, 0)


def test_the_review_approves_or_rejects_and_pushes_company_reviewed(api, gateway, seller, receiver):
    gateway.configure(company_review_delay_s=30, company_reject_rate=0.0)
    api.ok(UPDATE, token=seller["access_token"], profile=profile_payload(api, seller, gateway))
    assert gateway.tick()["profiles_reviewed"] == 0
    gateway.configure(clock_offset_s=31)

    assert gateway.tick()["profiles_reviewed"] == 1

    [push] = receiver.events("company.reviewed")
    assert push["data"] == {"supplier_id": seller["supplier_id"], "version": 1, "status": "approved", "reason": None,
                            "gmt_modified": push["data"]["gmt_modified"]}  # fmt: skip
    assert api.ok(GET, token=seller["access_token"])["status"] == "approved"


def test_a_rejection_carries_its_reason(api, gateway, seller, receiver):
    gateway.configure(company_reject_rate=1.0)
    api.ok(UPDATE, token=seller["access_token"], profile=profile_payload(api, seller, gateway))

    gateway.tick(all_reviews_due=True)

    got = api.ok(GET, token=seller["access_token"])
    assert got["status"] == "tbd" and got["reason"]
    assert receiver.events("company.reviewed")[0]["data"]["reason"] == got["reason"]
    assert gateway.state()["company_profiles"][0]["reason"] == got["reason"]


def test_an_update_in_review_restarts_the_review(api, gateway, seller, receiver):
    gateway.configure(company_review_delay_s=30, company_reject_rate=0.0)
    profile = profile_payload(api, seller, gateway)
    api.ok(UPDATE, token=seller["access_token"], profile=profile)
    gateway.configure(clock_offset_s=20)
    answer = api.ok(UPDATE, token=seller["access_token"], profile={**profile, "employees": "301-500"})
    assert answer["version"] == 2

    gateway.configure(clock_offset_s=40)
    assert gateway.tick()["profiles_reviewed"] == 0
    gateway.configure(clock_offset_s=51)
    assert gateway.tick()["profiles_reviewed"] == 1

    [push] = receiver.events("company.reviewed")
    assert (push["data"]["version"], push["data"]["status"]) == (2, "approved")
    assert api.ok(GET, token=seller["access_token"])["profile"]["employees"] == "301-500"


def test_an_update_after_approval_goes_back_to_review(api, gateway, seller):
    gateway.configure(company_reject_rate=0.0)
    profile = profile_payload(api, seller, gateway)
    api.ok(UPDATE, token=seller["access_token"], profile=profile)
    gateway.tick(all_reviews_due=True)

    api.ok(UPDATE, token=seller["access_token"], profile=profile)

    got = api.ok(GET, token=seller["access_token"])
    assert (got["status"], got["version"]) == ("new", 2)


def test_verdicts_follow_the_seed_the_supplier_and_the_version(api, gateway):
    def verdicts(seed: int) -> list[str]:
        gateway.reset()
        gateway.configure(company_reject_rate=0.5, seed=seed)
        seller = make_seller(api)
        statuses = []
        for _ in range(12):
            api.ok(UPDATE, token=seller["access_token"], profile=profile_payload(api, seller, gateway))
            gateway.tick(all_reviews_due=True)
            statuses.append(api.ok(GET, token=seller["access_token"])["status"])
        return statuses

    first = verdicts(3)
    assert first == verdicts(3)
    assert 2 <= first.count("tbd") <= 10
    assert first != verdicts(4)


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"company_story": None}, "MissingParameter", "company_story"),
        ({"company_story": "Too short."}, "InvalidParameter", "company_story"),
        ({"company_story": "Golden Fibre — jute since 1987, with care from Narayanganj, Bangladesh."},
         "InvalidParameter", "company_story"),
        ({"year_established": 1799}, "InvalidParameter", "year_established"),
        ({"year_established": 2999}, "InvalidParameter", "year_established"),
        ({"year_established": None}, "MissingParameter", "year_established"),
        ({"employees": 240}, "InvalidParameter", "employees"),
        ({"employees": "200-300"}, "InvalidParameter", "employees"),
        ({"production_capacity": None}, "MissingParameter", "production_capacity"),
        ({"production_capacity": {"quantity": 0, "unit": "piece"}}, "InvalidParameter", "production_capacity.quantity"),
        ({"production_capacity": {"quantity": 5, "unit": "bale"}}, "InvalidParameter", "production_capacity.unit"),
        ({"production_capacity": {"quantity": 5}}, "MissingParameter", "production_capacity.unit"),
        ({"production_capacity": {"quantity": 5, "unit": "piece", "per": "week"}}, "InvalidParameter",
         "production_capacity.per"),
        ({"main_markets": []}, "InvalidParameter", "main_markets"),
        ({"main_markets": [{"country": "Germany", "share": 30}]}, "InvalidParameter", "main_markets[0].country"),
        ({"main_markets": [{"country": "de", "share": 30}]}, "InvalidParameter", "main_markets[0].country"),
        ({"main_markets": [{"country": "BD", "share": 30}]}, "InvalidParameter", "main_markets[0].country"),
        ({"main_markets": [{"country": "DE", "share": 30}, {"country": "DE", "share": 5}]}, "InvalidParameter",
         "main_markets[1].country"),
        ({"main_markets": [{"country": "DE", "share": 0}]}, "InvalidParameter", "main_markets[0].share"),
        ({"main_markets": [{"country": "DE", "share": 70}, {"country": "US", "share": 40}]}, "InvalidParameter",
         "main_markets"),
        ({"main_markets": [{"country": "DE"}]}, "MissingParameter", "main_markets[0].share"),
        ({"factory_photos": ["https://example.com/factory.jpg"]}, "InvalidParameter", "factory_photos[0]"),
        ({"brand_logo": "https://example.com/logo.png"}, "InvalidParameter", "brand_logo"),
        ({"trade_shows": [{"name": "Canton Fair", "year": 1949}]}, "InvalidParameter", "trade_shows[0].year"),
        ({"trade_shows": [{"name": "", "year": 2020}]}, "InvalidParameter", "trade_shows[0].name"),
        ({"trade_shows": [{"name": "Canton Fair", "year": 2020, "country": "XX"}]}, "InvalidParameter",
         "trade_shows[0].country"),
        ({"website": "https://gf.com.bd"}, "InvalidParameter", "website"),
    ],
)  # fmt: skip
def test_every_rule_names_its_field_and_nothing_is_stored(api, gateway, seller, changes, code, field):
    answer = api.call(UPDATE, token=seller["access_token"], profile=profile_payload(api, seller, gateway, **changes))

    assert (answer["code"], answer["field"]) == (code, field), answer
    assert gateway.state()["company_profiles"] == []


def test_more_than_ten_factory_photos_are_refused(api, gateway, seller):
    photos = [upload(api, seller["access_token"], PNG + bytes([n])) for n in range(11)]

    answer = api.call(
        UPDATE, token=seller["access_token"], profile=profile_payload(api, seller, gateway, factory_photos=photos)
    )

    assert (answer["code"], answer["field"]) == ("InvalidParameter", "factory_photos")
    repeated = profile_payload(api, seller, gateway, factory_photos=[photos[0], photos[0]])
    assert api.call(UPDATE, token=seller["access_token"], profile=repeated)["field"] == "factory_photos[1]"


def certification(api, seller, gateway, **changes) -> dict:
    today = datetime.fromtimestamp(gateway.now(), UTC).date()
    item = {"type": "GOTS", "issuer": "Control Union", "number": "CU-821",
            "valid_from": str(today - timedelta(days=10)), "valid_until": str(today + timedelta(days=300)),
            "file": certificate(api, seller)}  # fmt: skip
    item.update(changes)
    return {key: value for key, value in item.items() if value is not None}


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"type": "ISO9001"}, "InvalidParameter", "certifications[0].type"),
        ({"type": None}, "MissingParameter", "certifications[0].type"),
        ({"issuer": ""}, "InvalidParameter", "certifications[0].issuer"),
        ({"number": "N" * 65}, "InvalidParameter", "certifications[0].number"),
        ({"valid_from": "2024/01/01"}, "InvalidParameter", "certifications[0].valid_from"),
        ({"valid_from": "+5"}, "InvalidParameter", "certifications[0].valid_from"),
        ({"valid_until": "-20"}, "InvalidParameter", "certifications[0].valid_until"),
        ({"valid_until": "-1"}, "InvalidParameter", "certifications[0].valid_until"),
        ({"file": "https://files.mock-alibaba.invalid/certificates/1/C00.pdf"}, "InvalidParameter",
         "certifications[0].file"),
        ({"expires": "2030-01-01"}, "InvalidParameter", "certifications[0].expires"),
    ],
)  # fmt: skip
def test_every_certification_rule_names_its_field(api, gateway, seller, changes, code, field):
    today = datetime.fromtimestamp(gateway.now(), UTC).date()
    changes = {
        key: str(today + timedelta(days=int(value))) if isinstance(value, str) and value[:1] in ("+", "-") else value
        for key, value in changes.items()
    }
    profile = profile_payload(api, seller, gateway, certifications=[certification(api, seller, gateway, **changes)])

    answer = api.call(UPDATE, token=seller["access_token"], profile=profile)

    assert (answer["code"], answer["field"]) == (code, field), answer


def test_the_same_certificate_twice_is_refused(api, gateway, seller):
    same = certification(api, seller, gateway)
    profile = profile_payload(api, seller, gateway, certifications=[same, {**same, "issuer": "Other"}])

    assert api.call(UPDATE, token=seller["access_token"], profile=profile)["field"] == "certifications[1].number"


def test_another_suppliers_files_cannot_be_used(api, gateway, seller, other_seller):
    theirs = certification(api, other_seller, gateway)
    profile = profile_payload(api, seller, gateway, certifications=[theirs], factory_photos=[other_seller["photo"]])

    assert api.call(UPDATE, token=seller["access_token"], profile=profile)["field"] == "factory_photos[0]"
    profile = profile_payload(api, seller, gateway, certifications=[theirs])
    assert api.call(UPDATE, token=seller["access_token"], profile=profile)["field"] == "certifications[0].file"


def test_each_supplier_reads_only_its_own_profile(api, gateway, seller, other_seller):
    api.ok(UPDATE, token=seller["access_token"], profile=profile_payload(api, seller, gateway))

    assert api.ok(GET, token=other_seller["access_token"])["profile"] is None


@pytest.mark.parametrize(
    ("content", "name", "accepted"),
    [(PDF, "cert.pdf", "pdf"), (JPEG, "cert.jpg", "jpg"), (PNG, "scan.png", "png"), (b"GIF89a" + b"\0" * 20,
     "cert.pdf", None), (b"", "cert.pdf", None), (b"%PDF-" + b"\0" * (5 * 1024 * 1024), "big.pdf", None)],
)  # fmt: skip
def test_certificate_files_are_judged_by_content_and_size(api, seller, content, name, accepted):
    answer = api.call(CERTIFICATE, token=seller["access_token"], files={"file": (name, content, "application/pdf")})

    if accepted:
        assert answer["certificate_url"].endswith(f".{accepted}")
        assert f"/certificates/{seller['supplier_id']}/" in answer["certificate_url"]
    else:
        assert (answer["code"], answer["field"]) == ("InvalidParameter", "file")


def test_a_certificate_upload_needs_its_file(api, seller):
    answer = api.call(CERTIFICATE, token=seller["access_token"])

    assert (answer["code"], answer["field"]) == ("MissingParameter", "file")
