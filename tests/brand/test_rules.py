"""The completeness rules (brand/rules.py): each rule on a snapshot that breaks only it, every problem at once, the
score, and the rules read from a saved profile."""

from datetime import date, timedelta

import pytest

from brand import rules
from brand.rules import CertificateFacts, Snapshot, completeness_score, problems_of

ON = date(2026, 6, 15)
CERTIFICATE = CertificateFacts("OEKO-TEX", "21.HBD.1", ON - timedelta(days=30), ON + timedelta(days=300))
COMPLETE = Snapshot(
    company_story="x" * 400,
    year_established=2008,
    employees=85,
    capacity_quantity=50_000,
    capacity_unit="piece",
    markets=(("DE", 35), ("GB", 20)),
    trade_shows=(("Heimtextil Frankfurt", 2024),),
    factory_photos=4,
    has_logo=True,
    certificates=(CERTIFICATE,),
)


def _codes(snapshot):
    return [(problem.field, problem.code) for problem in problems_of(snapshot, on=ON)]


def _change(**fields):
    return Snapshot(**{**COMPLETE.__dict__, **fields})


def test_a_complete_profile_has_no_problem_and_scores_100():
    assert problems_of(COMPLETE, on=ON) == []
    assert completeness_score([]) == 100


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"company_story": ""}, [("company_story", "story_missing")]),
        ({"company_story": "  \n "}, [("company_story", "story_missing")]),
        ({"company_story": "Jute bags since 2008."}, [("company_story", "story_too_short")]),
        ({"company_story": "x" * 5001}, [("company_story", "story_too_long")]),
        ({"company_story": "x" * 120}, [("company_story", "story_short")]),
        ({"company_story": "x" * 400 + " পাট"}, [("company_story", "story_not_english")]),
        ({"company_story": "x" * 400 + " café"}, [("company_story", "story_not_english")]),
        ({"company_story": "x" * 400 + "\ttab"}, [("company_story", "story_not_english")]),
        ({"company_story": "A line.\r\n" * 40}, []),  # line breaks are fine, whoever typed them
        ({"year_established": None}, [("year_established", "year_missing")]),
        ({"year_established": 1799}, [("year_established", "year_out_of_range")]),
        ({"year_established": ON.year + 1}, [("year_established", "year_out_of_range")]),
        ({"employees": None}, [("employees", "employees_missing")]),
        ({"employees": 0}, [("employees", "employees_missing")]),
        ({"capacity_quantity": None}, [("production_capacity", "capacity_missing")]),
        ({"capacity_unit": ""}, [("production_capacity", "capacity_missing")]),
        ({"capacity_unit": "litre"}, [("production_capacity", "capacity_missing")]),
        ({"capacity_quantity": 0}, [("production_capacity", "capacity_out_of_range")]),
        ({"capacity_quantity": 100_000_000}, [("production_capacity", "capacity_out_of_range")]),
        ({"markets": ()}, [("markets", "markets_missing")]),
        ({"markets": tuple((f"C{n}", 1) for n in range(11))}, [("markets", "markets_too_many")]),
        ({"markets": (("DE", 50), ("BD", 10))}, [("markets[1].country", "market_home")]),
        ({"markets": (("DE", 80), ("US", 30))}, [("markets", "markets_share_total")]),
        ({"factory_photos": 11}, [("factory_photos", "factory_photos_too_many")]),
        ({"factory_photos": 0}, [("factory_photos", "factory_photos_none")]),
        ({"factory_photos": 3}, [("factory_photos", "factory_photos_few")]),
        ({"has_logo": False}, [("brand_logo", "logo_missing")]),
        ({"trade_shows": ()}, [("trade_shows", "trade_shows_none")]),
        ({"trade_shows": (("Fair", 2020),) * 21}, [("trade_shows", "trade_shows_too_many")]),
        ({"trade_shows": (("Fair", 1949),)}, [("trade_shows[0]", "trade_show_invalid")]),
        ({"trade_shows": (("Fair", ON.year + 1),)}, [("trade_shows[0]", "trade_show_invalid")]),
        ({"trade_shows": (("x" * 129, 2020),)}, [("trade_shows[0]", "trade_show_invalid")]),
        ({"certificates": ()}, [("certificates", "certificates_none")]),
    ],
    ids=lambda value: str(value)[:40],
)
def test_each_rule(changes, expected):
    assert _codes(_change(**changes)) == expected


def _certificate(days_left, *, review="unverified", note=""):
    return CertificateFacts(
        "BSCI", f"B-{days_left}", ON - timedelta(days=100), ON + timedelta(days=days_left), review, note
    )


@pytest.mark.parametrize(
    ("days_left", "expected"),
    [(31, []), (30, ["certificate_expiring"]), (0, ["certificate_expiring"]), (-1, ["certificate_expired"])],
)
def test_a_certificate_is_flagged_30_days_before_it_expires_and_after(days_left, expected):
    snapshot = _change(certificates=(CERTIFICATE, _certificate(days_left)))

    assert [code for _field, code in _codes(snapshot)] == expected


def test_an_expired_certificate_does_not_count_as_shown():
    codes = [code for _field, code in _codes(_change(certificates=(_certificate(-1),)))]

    assert codes == ["certificates_none", "certificate_expired"]


def test_a_certificate_refused_by_staff_does_not_count_and_says_why():
    refused = _certificate(200, review="refused", note="The number is not in the issuer's register.")

    problems = problems_of(_change(certificates=(refused,)), on=ON)

    assert [p.code for p in problems] == ["certificates_none", "certificate_refused"]
    assert "not in the issuer's register" in problems[1].message


def test_more_than_20_valid_certificates_block_but_expired_ones_do_not_count():
    valid = tuple(_certificate(100 + n) for n in range(21))
    expired = tuple(_certificate(-1 - n) for n in range(5))

    assert ("certificates", "certificates_too_many") in _codes(_change(certificates=valid))
    assert ("certificates", "certificates_too_many") not in _codes(_change(certificates=valid[:20] + expired))


def test_every_problem_is_reported_at_once_blocking_first():
    problems = problems_of(Snapshot(), on=ON)

    codes = [problem.code for problem in problems]
    assert codes == [
        "story_missing",
        "year_missing",
        "employees_missing",
        "capacity_missing",
        "markets_missing",
        "factory_photos_none",
        "logo_missing",
        "trade_shows_none",
        "certificates_none",
    ]
    assert all(problem.blocking for problem in problems[:5]) and not any(p.blocking for p in problems[5:])
    assert all(problem.fix for problem in problems)


def test_the_score_loses_each_problems_weight_and_is_capped_while_blocked():
    advice = problems_of(_change(has_logo=False, trade_shows=()), on=ON)
    assert completeness_score(advice) == 100 - 5 - 3

    blocked = problems_of(_change(employees=None), on=ON)
    assert completeness_score(blocked) == rules.BLOCKED_SCORE_CAP

    assert completeness_score(problems_of(Snapshot(), on=ON)) == 0


def test_a_problem_reads_as_a_message_and_a_fix():
    [problem] = problems_of(_change(markets=(("DE", 80), ("US", 30))), on=ON)

    assert problem.as_dict() == {
        "field": "markets",
        "code": "markets_share_total",
        "blocking": True,
        "message": "The export shares add up to 110%; they can add up to 100% at most.",
        "fix": "Correct the shares: each is the percent of your exports that goes to that country.",
    }


@pytest.mark.django_db
def test_the_rules_read_a_saved_profile(profile, django_assert_num_queries):
    from brand.selectors import profile_for_seller

    saved = profile_for_seller(seller=profile.seller)

    with django_assert_num_queries(0):  # everything was prefetched
        assert rules.profile_problems(saved) == []
