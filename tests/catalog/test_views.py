"""The seller's catalog dashboard: every page and action, the seller's own products only, login for anonymous
users, onboarding for users without a business, and a constant number of queries on the list and product pages."""

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from alibaba.models import OutboxAttempt, OutboxJob
from catalog.models import EventKind, ProductImage, ProductStatus
from catalog.services import product_update
from sellers.models import SellerStatus
from tests.catalog import image_files as files
from tests.catalog.factories import CategoryFactory, ProductFactory, ProductImageFactory, complete_product

pytestmark = pytest.mark.django_db


def _pages(product):
    image = product.images.first()
    base = f"/dashboard/products/{product.public_id}"
    return {
        "list": "/dashboard/products/",
        "new": "/dashboard/products/new/",
        "detail": f"{base}/",
        "edit": f"{base}/edit/",
        "image": f"{base}/images/{image.sha256}/",
        "thumbnail": f"{base}/images/{image.sha256}/thumbnail/",
    }


def _actions(product):
    image = product.images.first()
    base = f"/dashboard/products/{product.public_id}"
    return {
        "publish": (f"{base}/publish/", {}),
        "delist": (f"{base}/delist/", {}),
        "retry": (f"{base}/retry/", {}),
        "image-upload": (f"{base}/images/", {"image": files.photo()}),
        "image-remove": (f"{base}/images/{image.sha256}/remove/", {}),
        "image-move": (f"{base}/images/{image.sha256}/move/", {"position": "2"}),
        "edit": (f"{base}/edit/", {"sku": "X-1", "title": "Taken over"}),
    }


PAGES = ["list", "new", "detail", "edit", "image", "thumbnail"]
ACTIONS = ["publish", "delist", "retry", "image-upload", "image-remove", "image-move", "edit"]


# Who may see what ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_an_anonymous_user_is_sent_to_log_in(client, own_product, page):
    url = _pages(own_product)[page]

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


@pytest.mark.parametrize("action", ACTIONS)
def test_an_anonymous_user_cannot_act(client, own_product, action):
    url, data = _actions(own_product)[action]

    response = client.post(url, data)

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    own_product.refresh_from_db()
    assert own_product.status == ProductStatus.DRAFT and own_product.version == 1


@pytest.mark.parametrize("page", ["list", "new", "detail", "edit"])
def test_a_user_without_a_business_is_sent_to_start_one(client, stranger, own_product, page):
    client.force_login(stranger)

    response = client.get(_pages(own_product)[page])

    assert response.status_code == 302
    assert response["Location"] == "/dashboard/start/"


@pytest.mark.parametrize("page", ["image", "thumbnail"])
def test_a_user_without_a_business_cannot_see_an_image(client, stranger, own_product, page):
    client.force_login(stranger)

    assert client.get(_pages(own_product)[page]).status_code == 404


@pytest.mark.parametrize("page", ["detail", "edit", "image", "thumbnail"])
def test_another_sellers_user_gets_404_for_a_product_and_its_images(client, other_seller_user, own_product, page):
    client.force_login(other_seller_user)

    assert client.get(_pages(own_product)[page]).status_code == 404


@pytest.mark.parametrize("action", ACTIONS)
def test_another_sellers_user_gets_404_for_every_action_and_nothing_changes(
    client, other_seller_user, own_product, action
):
    url, data = _actions(own_product)[action]
    images = list(own_product.images.values_list("sha256", "position"))
    client.force_login(other_seller_user)

    response = client.post(url, data)

    assert response.status_code == 404
    own_product.refresh_from_db()
    assert (own_product.status, own_product.version, own_product.sku) == (ProductStatus.DRAFT, 1, own_product.sku)
    assert list(own_product.images.values_list("sha256", "position")) == images
    assert not OutboxJob.objects.exists()


def test_the_list_shows_the_users_own_products_only(owner_client, own_product, other_seller_user):
    theirs = complete_product(seller=other_seller_user.seller_membership.seller, sku="THEIRS-1", title="Leather wallet")

    content = owner_client.get("/dashboard/products/").content.decode()

    assert own_product.sku in content
    assert theirs.sku not in content and "Leather wallet" not in content
    assert "Buriganga" not in content


# The list --------------------------------------------------------------------------------------------------------


def test_a_row_shows_thumbnail_title_sku_status_with_reason_and_quality_score(owner_client, seller):
    product = complete_product(seller=seller, images=1)
    blocked = ProductFactory(seller=seller, sku="BL-1", status=ProductStatus.BLOCKED, status_reason="Fake brand name")

    response = owner_client.get("/dashboard/products/")

    content = response.content.decode()
    image = product.images.get()
    assert f"/dashboard/products/{product.public_id}/images/{image.sha256}/thumbnail/" in content
    assert product.title in content and product.sku in content
    assert "Blocked by staff" in content and "Fake brand name" in content
    # one image: "3 or more get more inquiries" costs 8 points
    assert 'value="92"' in content and "92/100" in content
    assert f"/dashboard/products/{blocked.public_id}/" in content
    assert "No photo" in content
    assert "Products" in content  # the dashboard navigation


def test_the_list_filters_by_status_category_sync_and_search(owner_client, seller):
    category = CategoryFactory(name="Jute rugs")
    rug = ProductFactory(seller=seller, sku="RUG-7", title="Braided jute rug", category=category)
    live = ProductFactory(
        seller=seller,
        sku="LV-1",
        title="Cotton tote",
        status=ProductStatus.LIVE,
        gateway_product_id=77,
        synced_version=1,
    )
    failed = ProductFactory(seller=seller, sku="SF-1", title="Seagrass basket", status=ProductStatus.SYNC_FAILED)

    def skus(query):
        response = owner_client.get("/dashboard/products/", query)
        assert response.status_code == 200
        return {row["product"].sku for row in response.context["rows"]}

    assert skus({}) == {"RUG-7", "LV-1", "SF-1"}
    assert skus({"status": "live"}) == {"LV-1"}
    assert skus({"category": category.category_id}) == {"RUG-7"}
    assert skus({"sync": "in_step"}) == {"LV-1"}
    assert skus({"sync": "failed"}) == {"SF-1"}
    assert skus({"sync": "not_sent"}) == {"RUG-7"}
    assert skus({"q": "braided"}) == {"RUG-7"}
    assert skus({"q": "sf-1"}) == {"SF-1"}
    assert skus({"q": "nothing like it"}) == set()
    assert rug and live and failed


def test_each_product_is_in_exactly_one_sync_state_and_the_row_says_which(owner_client, seller):
    from catalog.forms import SYNC_LABELS
    from catalog.selectors import SYNC_STATES, products_for_seller, sync_state

    cases = [
        (ProductStatus.DRAFT, None, None, 1),
        (ProductStatus.PUBLISHING, None, None, 1),
        (ProductStatus.UNDER_REVIEW, 11, 1, 1),
        (ProductStatus.LIVE, 12, 1, 1),
        (ProductStatus.DRAFT, 13, 1, 2),  # edited after it was delisted or rejected
        (ProductStatus.DRAFT, 14, None, 2),
        (ProductStatus.UPDATING, 15, 1, 2),
        (ProductStatus.SYNC_FAILED, 16, 2, 2),
        (ProductStatus.SYNC_FAILED, None, None, 1),
    ]
    for status, gateway_id, synced, version in cases:
        ProductFactory(
            seller=seller, status=status, gateway_product_id=gateway_id, synced_version=synced, version=version
        )

    products = list(products_for_seller(seller=seller))
    assert list(SYNC_LABELS) == ["not_sent", "sending", "in_step", "behind", "failed"]
    assert set(SYNC_STATES) == set(SYNC_LABELS)
    for key, condition in SYNC_STATES.items():
        matching = set(products_for_seller(seller=seller).filter(condition).values_list("pk", flat=True))
        assert matching == {product.pk for product in products if sync_state(product) == key}, key
    assert sorted(sync_state(product) for product in products) == sorted(
        ["not_sent", "sending", "in_step", "in_step", "behind", "behind", "sending", "failed", "failed"]
    )
    content = owner_client.get("/dashboard/products/").content.decode()
    # two rows each, and the filter's option
    assert content.count("Changed since last sent") == 3 and content.count("Alibaba.com is up to date") == 3


def test_a_bad_filter_value_is_shown_not_a_500(owner_client, own_product):
    response = owner_client.get("/dashboard/products/", {"status": "nonsense", "category": "abc"})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_the_list_is_paginated(owner_client, seller):
    ProductFactory.create_batch(27, seller=seller)

    first = owner_client.get("/dashboard/products/")
    second = owner_client.get("/dashboard/products/", {"page": 2})

    assert len(first.context["rows"]) == 25 and len(second.context["rows"]) == 2
    assert "Page 1 of 2" in first.content.decode()


@pytest.mark.parametrize("count", [1, 20])
def test_the_filtered_list_runs_a_constant_number_of_queries(owner_client, seller, count, django_assert_num_queries):
    products = [complete_product(seller=seller, images=1) for _ in range(count)]
    category = products[0].category
    for product in products[1:]:
        product.category = category
        product.save(update_fields=["category"])

    # session, user, membership+seller, category chosen, count, products+categories, price tiers, images, attribute
    # values, their attributes, category attributes, filter categories, the inquiries' and notifications' badges
    with django_assert_num_queries(14):
        response = owner_client.get(
            "/dashboard/products/",
            {"q": "jute", "status": "draft", "sync": "not_sent", "category": category.category_id},
        )

    assert len(response.context["rows"]) == count


@pytest.mark.parametrize("count", [1, 20])
def test_the_list_runs_a_constant_number_of_queries(owner_client, seller, count, django_assert_num_queries):
    for _ in range(count):
        complete_product(seller=seller, images=2)

    # session, user, membership+seller, filter categories, count, products+categories, price tiers, images,
    # attribute values, their attributes, category attributes, the inquiries' and notifications' badges
    with django_assert_num_queries(13):
        response = owner_client.get("/dashboard/products/")

    assert len(response.context["rows"]) == count


# The product page ------------------------------------------------------------------------------------------------


def test_the_product_page_shows_the_score_and_every_problem_with_its_fix(owner_client, seller):
    product = ProductFactory(seller=seller, title="Bag")

    content = owner_client.get(f"/dashboard/products/{product.public_id}/").content.decode()

    assert "Nothing is sent to Alibaba.com" in content
    for message, fix in [
        ("The description is missing.", "Describe the product."),
        ("No category is chosen.", "Choose the category of the product."),
        ("The product has no image.", "Upload at least one photo (JPEG or PNG)."),
        ("The product has no price.", "Enter the FOB price in US dollars and the quantity it starts at."),
        ("The port of shipment is missing.", "Choose the port you ship from."),
        ("The title has 3 characters", "Name the product, its material and its main feature"),
    ]:
        assert message in content and fix in content
    assert "Before you publish: 11 problems" in content


def test_a_complete_product_page_shows_photos_details_and_history(owner_client, own_product):
    content = owner_client.get(f"/dashboard/products/{own_product.public_id}/").content.decode()

    assert "Nothing to improve" in content and "100/100" in content
    for image in own_product.images.all():
        assert f"images/{image.sha256}/thumbnail/" in content
    assert "Main photo" in content
    assert "Hessian Jute" in content and "Bangladesh" in content  # attribute values by name
    assert "from 500: US$2.50" in content and "Chattogram" in content
    assert "Not sent to Alibaba.com yet." in content


def test_the_product_page_shows_the_sync_history_with_the_gateways_message(owner_client, own_product, owner):
    product_update(product=own_product, actor=owner, packaging="50 per carton")
    job = OutboxJob.objects.create(kind="product.upsert", target=str(own_product.pk), version=1)
    OutboxAttempt.objects.create(
        job=job,
        version=1,
        outcome=OutboxAttempt.Outcome.REJECTED,
        error_code="InvalidParameter",
        message="subject: must be ASCII",
        finished_at=timezone.now(),
    )

    content = owner_client.get(f"/dashboard/products/{own_product.public_id}/").content.decode()

    assert "InvalidParameter" in content and "subject: must be ASCII" in content and "rejected" in content
    assert "Publish or update" in content and "Product edited" in content
    assert "Packaging: " in content and owner.email in content


def test_the_sync_history_counts_versions_as_the_product_does(owner_client, own_product, owner):
    """Five edits make version 6; the outbox's first job (its own count: 1) sent version 6, and says so."""
    for n in range(5):
        product_update(product=own_product, actor=owner, packaging=f"{n + 10} per carton")
    own_product.refresh_from_db()
    assert own_product.version == 6
    job = OutboxJob.objects.create(kind="product.upsert", target=str(own_product.pk), version=1)
    OutboxAttempt.objects.create(job=job, version=1, outcome=OutboxAttempt.Outcome.OK, finished_at=timezone.now())

    content = owner_client.get(f"/dashboard/products/{own_product.public_id}/").content.decode()
    sync = content.split('id="sync-heading"', 1)[1].split("</section>", 1)[0]

    assert "(version 6)" in sync and "version 1" not in sync


@pytest.mark.parametrize("count", [1, 6])
def test_the_product_page_runs_a_constant_number_of_queries(
    owner_client, seller, owner, count, django_assert_num_queries
):
    product = complete_product(seller=seller, images=count)
    job = OutboxJob.objects.create(kind="product.upsert", target=str(product.pk))
    for version in range(count):
        OutboxAttempt.objects.create(job=job, version=version + 1, outcome=OutboxAttempt.Outcome.TRANSIENT)
        product_update(product=product, actor=owner, packaging=f"{version} per carton")

    # session, user, membership+seller, product+category, price tiers, images, attribute values, their attributes,
    # category attributes, audit events+actors, sync attempts+jobs, the inquiries' and notifications' badges
    with django_assert_num_queries(13):
        response = owner_client.get(f"/dashboard/products/{product.public_id}/")

    assert len(response.context["images"]) == count and len(response.context["attempts"]) == count


def test_a_seller_that_is_not_active_sees_publish_disabled_and_why(client, seller, owner):
    seller.status = SellerStatus.APPROVED
    seller.save(update_fields=["status"])
    product = complete_product(seller=seller)
    client.force_login(owner)

    content = client.get(f"/dashboard/products/{product.public_id}/").content.decode()

    assert "Publishing is possible once your business is active" in content
    assert 'disabled aria-describedby="not-active-note"' in content

    response = client.post(f"/dashboard/products/{product.public_id}/publish/", follow=True)
    assert "Only an active business can publish products" in response.content.decode()
    product.refresh_from_db()
    assert product.status == ProductStatus.DRAFT
    assert not OutboxJob.objects.exists()


# The actions -----------------------------------------------------------------------------------------------------


def test_publish_sends_a_complete_product(owner_client, own_product):
    content = owner_client.get(f"/dashboard/products/{own_product.public_id}/").content.decode()
    assert f'action="/dashboard/products/{own_product.public_id}/publish/"' in content

    response = owner_client.post(f"/dashboard/products/{own_product.public_id}/publish/", follow=True)

    own_product.refresh_from_db()
    assert own_product.status == ProductStatus.PUBLISHING
    assert OutboxJob.objects.filter(kind="product.upsert", target=str(own_product.pk)).exists()
    assert "Sent to Alibaba.com" in response.content.decode()
    assert "Waiting for Alibaba.com" in response.content.decode()


def test_publishing_an_incomplete_product_shows_every_problem(owner_client, seller):
    product = ProductFactory(seller=seller, title="Bag")

    response = owner_client.post(f"/dashboard/products/{product.public_id}/publish/", follow=True)

    messages = [str(message) for message in response.context["messages"]]
    assert messages[0].startswith("Not sent")
    assert len(messages) == 1 + 11  # every blocking problem, with its fix
    assert "The port of shipment is missing. Choose the port you ship from." in messages
    product.refresh_from_db()
    assert product.status == ProductStatus.DRAFT


def test_delist_takes_a_live_product_off(owner_client, seller):
    product = complete_product(seller=seller, status=ProductStatus.LIVE, gateway_product_id=501, synced_version=1)

    response = owner_client.post(f"/dashboard/products/{product.public_id}/delist/", follow=True)

    product.refresh_from_db()
    assert product.status == ProductStatus.DELISTING
    assert OutboxJob.objects.filter(kind="product.delist", target=str(product.pk)).exists()
    assert "Being taken off Alibaba.com." in response.content.decode()


def test_delisting_a_draft_shows_the_services_refusal(owner_client, own_product):
    response = owner_client.post(f"/dashboard/products/{own_product.public_id}/delist/", follow=True)

    assert "cannot move from “Draft” to “Delisting”" in response.content.decode()


def test_retry_sends_a_failed_product_again(owner_client, seller):
    product = complete_product(seller=seller, status=ProductStatus.SYNC_FAILED, status_reason="Timed out 8 times")

    content = owner_client.get(f"/dashboard/products/{product.public_id}/").content.decode()
    assert "Timed out 8 times" in content and "Send again" in content

    owner_client.post(f"/dashboard/products/{product.public_id}/retry/")

    product.refresh_from_db()
    assert product.status == ProductStatus.PUBLISHING


# Images through the dashboard ------------------------------------------------------------------------------------


def test_uploading_removing_and_reordering_photos(owner_client, seller, django_capture_on_commit_callbacks):
    product = ProductFactory(seller=seller)
    base = f"/dashboard/products/{product.public_id}"

    for seed in (1, 2, 3):
        response = owner_client.post(f"{base}/images/", {"image": files.photo(f"p{seed}.jpg", seed=seed)})
        assert response.status_code == 302 and response["Location"] == f"{base}/#images"
    first, second, third = product.images.all()

    owner_client.post(f"{base}/images/{third.sha256}/move/", {"position": "0"})
    assert list(product.images.values_list("sha256", flat=True)) == [third.sha256, first.sha256, second.sha256]

    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(f"{base}/images/{first.sha256}/remove/")
    assert list(product.images.values_list("sha256", flat=True)) == [third.sha256, second.sha256]

    content = owner_client.get(f"{base}/").content.decode()
    assert "The photos are reordered." in content and "The photo is removed." in content
    assert content.count("/thumbnail/") == 2


def test_a_bad_upload_is_explained_and_nothing_is_stored(owner_client, own_product):
    response = owner_client.post(
        f"/dashboard/products/{own_product.public_id}/images/",
        {"image": files.upload("invoice.jpg", files.elf_bytes())},
        follow=True,
    )

    assert "“invoice.jpg” is not a JPEG or PNG image" in response.content.decode()
    assert own_product.images.count() == 3


def test_an_upload_without_a_file_is_explained(owner_client, own_product):
    response = owner_client.post(f"/dashboard/products/{own_product.public_id}/images/", {}, follow=True)

    assert "Choose a photo to upload." in response.content.decode()


def test_a_product_with_six_photos_offers_no_upload(owner_client, seller):
    product = complete_product(seller=seller, images=6)

    content = owner_client.get(f"/dashboard/products/{product.public_id}/").content.decode()

    assert 'name="image"' not in content and "Remove one to add another" in content


def test_the_image_view_serves_the_file_and_a_cacheable_thumbnail(owner_client, seller, owner):
    from catalog.images import product_image_add

    product = ProductFactory(seller=seller)
    uploaded = files.photo("bag.png", fmt="PNG")
    image = product_image_add(product=product, actor=owner, uploaded=uploaded)
    base = f"/dashboard/products/{product.public_id}/images/{image.sha256}"

    full = owner_client.get(f"{base}/")
    thumbnail = owner_client.get(f"{base}/thumbnail/")

    assert full.status_code == 200 and full["Content-Type"] == "image/png"
    uploaded.seek(0)
    assert b"".join(full.streaming_content) == uploaded.read()
    assert thumbnail.status_code == 200 and thumbnail["Content-Type"] == "image/jpeg"
    assert b"".join(thumbnail.streaming_content).startswith(b"\xff\xd8\xff")
    assert thumbnail["Cache-Control"] == "private, max-age=31536000, immutable"
    assert thumbnail["X-Content-Type-Options"] == "nosniff"


def test_staff_who_may_view_products_see_images_other_staff_do_not(client, own_product, moderator):
    from tests.sellers.factories import StaffFactory

    url = _pages(own_product)["image"]
    client.force_login(moderator)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8\xff")
    client.force_login(StaffFactory())
    assert client.get(url).status_code == 404


def test_an_image_of_another_product_of_the_same_seller_is_404_through_this_one(owner_client, seller):
    product = ProductFactory(seller=seller)
    other = ProductImageFactory(product=ProductFactory(seller=seller))

    response = owner_client.post(f"/dashboard/products/{product.public_id}/images/{other.sha256}/remove/")

    assert response.status_code == 404
    assert ProductImage.objects.filter(pk=other.pk).exists()


def test_image_changes_are_in_the_product_history(owner_client, seller):
    product = ProductFactory(seller=seller)
    owner_client.post(f"/dashboard/products/{product.public_id}/images/", {"image": files.photo()})

    content = owner_client.get(f"/dashboard/products/{product.public_id}/").content.decode()

    assert product.events.filter(kind=EventKind.EDITED).count() == 1
    assert "1 photo" in content


def test_photos_of_a_product_on_its_way_to_alibaba_cannot_change_and_the_page_says_why(owner_client, seller):
    product = complete_product(seller=seller, status=ProductStatus.UNDER_REVIEW)

    content = owner_client.get(f"/dashboard/products/{product.public_id}/").content.decode()
    assert 'name="image"' not in content and "/remove/" not in content
    response = owner_client.post(
        f"/dashboard/products/{product.public_id}/images/", {"image": files.photo()}, follow=True
    )

    assert "cannot be changed now" in response.content.decode()
    assert product.images.count() == 3


def test_choosing_something_that_is_not_a_leaf_category_is_an_error_not_a_500(owner_client, seller):
    group = CategoryFactory(name="Bags", is_leaf=False)

    refreshed = owner_client.post("/dashboard/products/new/", {"refresh": "1", "category": "not-a-number"})
    saved = owner_client.post("/dashboard/products/new/", {"sku": "A-1", "title": "Bag", "category": group.category_id})

    assert refreshed.status_code == 200
    assert saved.status_code == 400
    assert "Select a valid choice" in saved.content.decode()


# An orientation tag whose value lies past the end of the EXIF block; an IFD that claims 65535 entries.
CORRUPT_EXIF = {
    "value_past_the_end": (
        b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00\x09\x00\x00"
    ),
    "entries_past_the_end": b"Exif\x00\x00II*\x00\x08\x00\x00\x00\xff\xff",
}


def _jpeg_with_exif(exif, size=(400, 300)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (0, 106, 78)).save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


@pytest.mark.parametrize("exif", CORRUPT_EXIF.values(), ids=CORRUPT_EXIF.keys())
def test_a_photo_with_damaged_exif_metadata_is_added_with_its_thumbnail(owner_client, own_product, exif):
    before = own_product.images.count()
    content = _jpeg_with_exif(exif)
    upload = SimpleUploadedFile("phone.jpg", content)

    response = owner_client.post(f"/dashboard/products/{own_product.public_id}/images/", {"image": upload})

    assert response.status_code == 302
    assert own_product.images.count() == before + 1
    image = ProductImage.objects.filter(product=own_product).latest("pk")
    assert (image.width, image.height) == (400, 300) and image.thumbnail
    assert image.sha256 != hashlib.sha256(content).hexdigest()  # stored without its metadata


def test_an_empty_photo_file_is_refused_by_name_not_as_no_file(owner_client, own_product):
    upload = SimpleUploadedFile("bag.jpg", b"")

    response = owner_client.post(f"/dashboard/products/{own_product.public_id}/images/", {"image": upload}, follow=True)

    content = response.content.decode()
    assert "The file “bag.jpg” is empty." in content and "Choose a photo to upload." not in content
    assert own_product.images.count() == 3


def test_a_bengali_page_names_the_category_attributes_and_values_in_bengali(owner_client, seller, settings):
    product = complete_product(seller=seller)
    product.category.name, product.category.name_bn = "Jute Shopping Bags", "পাটের শপিং ব্যাগ"
    product.category.save()
    product.category.attributes.filter(attribute_id=1).update(
        name_bn="উৎপত্তিস্থল", value_names_bn={"101": "বাংলাদেশ", "102": "ভারত"}
    )
    owner_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "bn"

    detail = owner_client.get(f"/dashboard/products/{product.public_id}/").content.decode()
    listing = owner_client.get("/dashboard/products/").content.decode()
    form = owner_client.get(f"/dashboard/products/{product.public_id}/edit/").content.decode()

    for page in (detail, listing, form):
        assert "পাটের শপিং ব্যাগ" in page
        assert "Jute Shopping Bags" not in page
    assert "উৎপত্তিস্থল" in detail and "উৎপত্তিস্থল" in form
    assert "<dd>বাংলাদেশ</dd>" in detail
    assert '<option value="101" selected>বাংলাদেশ</option>' in form and ">India<" not in form
    owner_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Jute Shopping Bags" in owner_client.get(f"/dashboard/products/{product.public_id}/").content.decode()
