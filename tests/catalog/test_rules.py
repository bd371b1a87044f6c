"""The listing rules: each gateway rule and each quality rule, good and bad, through a ``Listing`` (the snapshot the
API and the import check too), and through a saved product with a constant number of queries."""

from dataclasses import replace
from decimal import Decimal

import pytest

from catalog.models import Category, PriceTier, Product, ProductImage
from catalog.rules import (
    BLOCKED_SCORE_CAP,
    LISTING_PREFETCH,
    RULES,
    AttributeValue,
    listing_of,
    listing_problems,
    problems_of,
    quality_score,
)
from tests.catalog.factories import (
    BRAND,
    CERTIFICATION,
    MATERIAL,
    ORIGIN,
    CategoryAttributeFactory,
    ProductImageFactory,
    complete_product,
)

pytestmark = pytest.mark.django_db

ASCII = "".join(chr(c) for c in range(32, 127))


@pytest.fixture
def listing(product):
    return listing_of(product)


def _attribute(listing, attribute_id):
    return next(a for a in listing.category_attributes if a.attribute_id == attribute_id)


def _values(listing, attribute_id, values):
    """The listing's attribute values with those of ``attribute_id`` replaced by ``values`` ([(id, name)])."""
    kept = tuple(v for v in listing.attribute_values if v.attribute.attribute_id != attribute_id)
    attribute = _attribute(listing, attribute_id)
    return {"attribute_values": kept + tuple(AttributeValue(attribute, vid, name) for vid, name in values)}


def _other_category_value(listing):
    stray = CategoryAttributeFactory(attribute_id=99, name="Voltage")
    return {"attribute_values": (*listing.attribute_values, AttributeValue(stray, None, "220 V"))}


def _tiers(*pairs):
    return {"tiers": tuple((q, Decimal(p)) for q, p in pairs)}


def _lead(*pairs):
    return {"lead_times": tuple({"quantity": q, "days": d} for q, d in pairs)}


# (id, changes to the complete listing, the problem's code, its field)
BAD = [
    ("title-empty", {"title": "  "}, "title_missing", "title"),
    ("title-129", {"title": "A" * 129}, "title_too_long", "title"),
    (
        "title-bangla",
        {"title": "Jute bag পাটের ব্যাগ of the finest hessian and cotton handles"},
        "title_not_ascii",
        "title",
    ),
    (
        "title-accent",
        {"title": "Jute bag with café print and cotton handles, eco-friendly"},
        "title_not_ascii",
        "title",
    ),
    ("title-newline", {"title": "Jute shopping bag with cotton handles\nand custom print"}, "title_not_ascii", "title"),
    ("title-short", {"title": "Jute bag"}, "title_length", "title"),
    ("title-long", {"title": "Jute shopping bag " + "x" * 100}, "title_length", "title"),
    (
        "title-stuffing",
        {"title": "Jute Bag Jute Tote Jute Sack, hessian shopping bag for export"},
        "title_stuffing",
        "title",
    ),
    ("description-empty", {"description": ""}, "description_missing", "description"),
    ("description-50001", {"description": "d" * 50_001}, "description_too_long", "description"),
    ("description-short", {"description": "A jute bag."}, "description_short", "description"),
    ("category-none", {"category": None}, "category_missing", "category"),
    (
        "category-not-leaf",
        {"category": Category(category_id=1000, name="Jute", level=1, is_leaf=False)},
        "category_not_leaf",
        "category",
    ),
    ("keywords-4", {"keywords": ("a", "b", "c", "d")}, "keywords_too_many", "keywords"),
    ("keyword-comma", {"keywords": ("jute bag, tote",)}, "keyword_separator", "keywords[0]"),
    ("keyword-semicolon", {"keywords": ("bag", "jute;tote")}, "keyword_separator", "keywords[1]"),
    ("keyword-empty", {"keywords": ("bag", " ")}, "keyword_length", "keywords[1]"),
    ("keyword-129", {"keywords": ("k" * 129,)}, "keyword_length", "keywords[0]"),
    ("keywords-none", {"keywords": ()}, "keywords_none", "keywords"),
    ("hs-missing", {"hs_code": ""}, "hs_code_missing", "hs_code"),
    ("hs-5-digits", {"hs_code": "63051"}, "hs_code_invalid", "hs_code"),
    ("hs-11-digits", {"hs_code": "63051000123"}, "hs_code_invalid", "hs_code"),
    ("hs-dotted", {"hs_code": "6305.10"}, "hs_code_invalid", "hs_code"),
    ("attr-required-missing", lambda x: _values(x, ORIGIN, []), "attribute_required_missing", f"attributes.{ORIGIN}"),
    ("attr-optional-missing", lambda x: _values(x, BRAND, []), "attribute_optional_missing", f"attributes.{BRAND}"),
    (
        "attr-unknown-value-id",
        lambda x: _values(x, ORIGIN, [(999, "")]),
        "attribute_value_not_allowed",
        f"attributes.{ORIGIN}",
    ),
    (
        "attr-unknown-value-name",
        lambda x: _values(x, MATERIAL, [(None, "Plastic")]),
        "attribute_value_not_allowed",
        f"attributes.{MATERIAL}",
    ),
    ("attr-text-empty", lambda x: _values(x, BRAND, [(None, " ")]), "attribute_text_invalid", f"attributes.{BRAND}"),
    (
        "attr-text-129",
        lambda x: _values(x, BRAND, [(None, "b" * 129)]),
        "attribute_text_invalid",
        f"attributes.{BRAND}",
    ),
    (
        "attr-text-with-id",
        lambda x: _values(x, BRAND, [(7, "Rupsha")]),
        "attribute_text_invalid",
        f"attributes.{BRAND}",
    ),
    (
        "attr-single-twice",
        lambda x: _values(x, ORIGIN, [(101, ""), (102, "")]),
        "attribute_repeated",
        f"attributes.{ORIGIN}",
    ),
    (
        "attr-multi-same-twice",
        lambda x: _values(x, CERTIFICATION, [(501, ""), (None, "iso 9001")]),
        "attribute_repeated",
        f"attributes.{CERTIFICATION}",
    ),
    ("attr-other-category", _other_category_value, "attribute_not_in_category", "attributes.99"),
    ("images-none", {"images": ()}, "images_missing", "images"),
    ("images-7", {"images": tuple("abcdefg")}, "images_too_many", "images"),
    ("images-2", {"images": ("a", "b")}, "images_few", "images"),
    ("tiers-none", {"tiers": ()}, "price_tiers_missing", "price_tiers"),
    ("tiers-5", _tiers((1, "5"), (2, "4"), (3, "3"), (4, "2"), (5, "1")), "price_tiers_too_many", "price_tiers"),
    ("tiers-1", _tiers((500, "2.50")), "price_tiers_single", "price_tiers"),
    ("tier-quantity-0", _tiers((0, "2"), (10, "1")), "price_tier_quantity", "price_tiers[0].start_quantity"),
    ("tier-quantity-100000", _tiers((1, "2"), (100_000, "1")), "price_tier_quantity", "price_tiers[1].start_quantity"),
    ("tier-price-0", _tiers((1, "0.00"), (10, "0.01")), "price_tier_price", "price_tiers[0].price"),
    ("tier-price-too-high", _tiers((1, "10000000.00"), (10, "1")), "price_tier_price", "price_tiers[0].price"),
    ("tier-price-3-decimals", _tiers((1, "2.505"), (10, "1")), "price_tier_price", "price_tiers[0].price"),
    ("tier-quantities-falling", _tiers((100, "2"), (50, "1")), "price_tier_order", "price_tiers[1].start_quantity"),
    ("tier-quantities-equal", _tiers((100, "2"), (100, "1")), "price_tier_order", "price_tiers[1].start_quantity"),
    ("tier-price-rising", _tiers((100, "2"), (500, "2.01")), "price_tier_rising", "price_tiers[1].price"),
    ("moq-none", {"min_order_quantity": None}, "moq_missing", "min_order_quantity"),
    ("moq-0", {"min_order_quantity": 0}, "moq_missing", "min_order_quantity"),
    ("moq-too-big", {"min_order_quantity": 100_000_000}, "moq_missing", "min_order_quantity"),
    ("unit-none", {"unit": ""}, "unit_missing", "unit"),
    ("unit-unknown", {"unit": "litre"}, "unit_missing", "unit"),
    ("supply-none", {"supply_quantity": None}, "supply_missing", "supply_quantity"),
    ("supply-period-none", {"supply_period": ""}, "supply_missing", "supply_quantity"),
    ("port-none", {"port": ""}, "port_missing", "port"),
    ("port-unknown", {"port": "singapore"}, "port_missing", "port"),
    ("payment-none", {"payment_terms": ()}, "payment_terms_missing", "payment_terms"),
    ("payment-unknown", {"payment_terms": ("T/T", "Bitcoin")}, "payment_terms_invalid", "payment_terms[1]"),
    ("payment-twice", {"payment_terms": ("T/T", "T/T")}, "payment_terms_invalid", "payment_terms[1]"),
    ("lead-none", {"lead_times": ()}, "lead_times_missing", "lead_times"),
    ("lead-5", _lead((1, 5), (2, 5), (3, 5), (4, 5), (5, 5)), "lead_times_invalid", "lead_times"),
    ("lead-0-days", _lead((100, 0)), "lead_times_invalid", "lead_times"),
    ("lead-366-days", _lead((100, 366)), "lead_times_invalid", "lead_times"),
    ("lead-not-ascending", _lead((100, 10), (100, 20)), "lead_times_invalid", "lead_times"),
    ("lead-not-a-mapping", {"lead_times": ("20 days",)}, "lead_times_invalid", "lead_times"),
    ("packaging-2001", {"packaging": "p" * 2001}, "packaging_too_long", "packaging"),
    ("main-image-639", {"main_image_size": (639, 639)}, "main_image_small", "images[0]"),
    ("main-image-799", {"main_image_size": (799, 799)}, "main_image_soft", "images[0]"),
    ("main-image-4-3", {"main_image_size": (1200, 900)}, "main_image_not_square", "images[0]"),
]

# (id, changes to the complete listing, a code that must not appear)
GOOD = [
    ("title-128-ascii", {"title": (ASCII * 2)[:128]}, "title_too_long"),
    ("title-every-printable-ascii", {"title": ASCII}, "title_not_ascii"),
    ("title-50", {"title": "J" * 50}, "title_length"),
    ("title-110", {"title": "J" * 110}, "title_length"),
    ("title-word-twice", {"title": "Jute shopping bag and jute tote with cotton handles for export"}, "title_stuffing"),
    (
        "title-stopwords-thrice",
        {"title": "Bag of jute, of cotton and of hessian, for shops and for export"},
        "title_stuffing",
    ),
    ("description-50000", {"description": "d" * 50_000}, "description_too_long"),
    ("keywords-3", {"keywords": ("a", "b", "c")}, "keywords_too_many"),
    ("keyword-128", {"keywords": ("k" * 128,)}, "keyword_length"),
    ("hs-6", {"hs_code": "630510"}, "hs_code_invalid"),
    ("hs-10", {"hs_code": "6305100010"}, "hs_code_invalid"),
    ("attr-name-any-case", lambda x: _values(x, ORIGIN, [(None, "bangladesh")]), "attribute_value_not_allowed"),
    ("attr-multi-two-values", lambda x: _values(x, CERTIFICATION, [(501, ""), (502, "")]), "attribute_repeated"),
    ("attr-text-128", lambda x: _values(x, BRAND, [(None, "b" * 128)]), "attribute_text_invalid"),
    ("images-1", {"images": ("a",)}, "images_missing"),
    ("images-6", {"images": tuple("abcdef")}, "images_too_many"),
    ("images-3", {"images": tuple("abc")}, "images_few"),
    ("tiers-4", _tiers((1, "4"), (2, "3"), (3, "2"), (4, "1")), "price_tiers_too_many"),
    ("tier-prices-equal", _tiers((1, "2"), (10, "2")), "price_tier_rising"),
    ("tier-extremes", _tiers((1, "9999999.00"), (99_999, "0.01")), "price_tier_price"),
    ("tier-quantity-extremes", _tiers((1, "2"), (99_999, "1")), "price_tier_quantity"),
    ("moq-1", {"min_order_quantity": 1}, "moq_missing"),
    ("moq-max", {"min_order_quantity": 99_999_999}, "moq_missing"),
    (
        "payment-all-7",
        {"payment_terms": ("T/T", "L/C", "D/P", "D/A", "Western Union", "MoneyGram", "PayPal")},
        "payment_terms_invalid",
    ),
    ("lead-4-extremes", _lead((1, 1), (2, 365), (3, 30), (99_999_999, 60)), "lead_times_invalid"),
    ("packaging-2000", {"packaging": "p" * 2000}, "packaging_too_long"),
    ("main-image-640", {"main_image_size": (640, 640)}, "main_image_small"),
    ("main-image-800", {"main_image_size": (800, 800)}, "main_image_soft"),
    ("main-image-10-percent-off-square", {"main_image_size": (1000, 900)}, "main_image_not_square"),
    ("main-image-size-unknown", {"main_image_size": None}, "main_image_small"),
]


def _apply(listing, changes):
    return replace(listing, **(changes(listing) if callable(changes) else changes))


def test_a_complete_product_has_no_problem_and_scores_100(product):
    assert listing_problems(product) == []
    assert quality_score(listing_problems(product)) == 100


@pytest.mark.parametrize(("changes", "code", "field"), [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_each_broken_rule_is_reported_with_its_field_and_a_fix(listing, changes, code, field):
    problems = problems_of(_apply(listing, changes))

    assert [(p.code, p.field) for p in problems] == [(code, field)]
    problem = problems[0]
    assert problem.blocking is RULES[code].blocking
    assert problem.message and problem.fix and "%(" not in problem.message + problem.fix


@pytest.mark.parametrize(("changes", "code"), [c[1:] for c in GOOD], ids=[c[0] for c in GOOD])
def test_values_at_the_limits_pass(listing, changes, code):
    assert code not in {p.code for p in problems_of(_apply(listing, changes))}


def test_every_rule_is_tested():
    assert {code for _, _, code, _ in BAD} == set(RULES)


def test_every_problem_is_reported_at_once_blocking_first(listing):
    broken = _apply(listing, {"title": "Jute bag", "hs_code": "", "images": (), "tiers": (), "port": ""})

    problems = problems_of(broken)

    assert [p.code for p in problems] == [
        "hs_code_missing",
        "images_missing",
        "price_tiers_missing",
        "port_missing",
        "title_length",
    ]
    assert [p.blocking for p in problems] == [True, True, True, True, False]


def test_attributes_are_not_checked_before_a_leaf_is_chosen(listing):
    codes = {p.code for p in problems_of(_apply(listing, {"category": None}))}
    assert codes == {"category_missing"}


def test_a_saved_product_is_checked_from_its_rows(product):
    PriceTier.objects.filter(product=product, start_quantity=5000).update(price=Decimal("3.00"))
    product.images.all().delete()
    product.attribute_values.filter(attribute__attribute_id=MATERIAL).delete()
    product.title = "Jute bag বাংলা"  # unsaved, as a form would hold it

    codes = [p.code for p in listing_problems(product)]

    assert codes == [
        "title_not_ascii",
        "attribute_required_missing",
        "images_missing",
        "price_tier_rising",
        "title_length",
    ]


def test_a_tiny_main_photo_costs_the_score_and_says_how_big_it_should_be(product):
    """The issue's case: a 300 × 200 main photo of 1.6 KB scored 100/100."""
    assert quality_score(listing_problems(product)) == 100
    main = product.images.order_by("position").first()
    main.width, main.height, main.size_bytes = 300, 200, 1600
    main.save()

    problems = listing_problems(Product.objects.get(pk=product.pk))

    assert [(p.code, p.field, p.blocking) for p in problems] == [
        ("main_image_small", "images[0]", False),
        ("main_image_not_square", "images[0]", False),
    ]
    assert problems[0].message.startswith("The main photo is 300 × 200 pixels; Alibaba.com asks for at least 640")
    assert "800 pixels" in problems[0].fix
    assert "square" in problems[1].fix
    assert quality_score(problems) <= 75


def test_only_the_main_photo_is_measured(product):
    images = list(product.images.order_by("position"))
    ProductImage.objects.filter(pk=images[0].pk).update(width=1000, height=1000)
    ProductImage.objects.filter(pk__in=[i.pk for i in images[1:]]).update(width=300, height=200)

    assert listing_problems(Product.objects.get(pk=product.pk)) == []


def test_problems_as_dicts_are_ready_for_the_api(listing):
    problem = problems_of(_apply(listing, {"hs_code": "12"}))[0]
    assert problem.as_dict() == {
        "field": "hs_code",
        "code": "hs_code_invalid",
        "blocking": True,
        "message": "“12” is not an HS code.",
        "fix": "Enter 6 to 10 digits, without dots or spaces.",
    }


@pytest.mark.parametrize("images", [1, 5])
def test_checking_a_product_costs_the_same_queries_whatever_its_rows(django_assert_num_queries, images):
    product = complete_product(images=images)
    product = type(product).objects.get(pk=product.pk)
    # category, its attributes, price tiers, images, attribute values, their attributes
    with django_assert_num_queries(6):
        listing_problems(product)


def test_checking_a_prefetched_page_of_products_costs_no_query(django_assert_num_queries):
    for _ in range(3):
        complete_product()
    products = list(type(complete_product()).objects.select_related("category").prefetch_related(*LISTING_PREFETCH))

    with django_assert_num_queries(0):
        scores = [quality_score(listing_problems(p)) for p in products]

    assert scores == [100] * 4


def test_quality_score_orders_listings_by_how_good_they_are(listing):
    perfect = listing
    one_advice = _apply(listing, {"images": ("a", "b")})
    much_advice = _apply(listing, {"images": ("a", "b"), "title": "Jute bag", "keywords": (), **_tiers((1, "2"))})
    one_blocking = _apply(listing, {"hs_code": ""})
    broken = _apply(listing, {"hs_code": "", "images": (), "tiers": (), "port": "", "title": ""})

    scores = [quality_score(problems_of(x)) for x in (perfect, one_advice, much_advice, one_blocking, broken)]

    assert scores == sorted(scores, reverse=True)
    assert len(set(scores)) == len(scores)
    assert scores[0] == 100 and scores[-1] >= 0
    assert scores[3] <= BLOCKED_SCORE_CAP


def test_an_extra_image_on_the_product_is_counted(product):
    ProductImageFactory.create_batch(4, product=product)
    assert [p.code for p in listing_problems(product)] == ["images_too_many"]
