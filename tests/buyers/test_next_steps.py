"""After approval the overview shows next steps instead of the onboarding checklist (issue 11): each app registers
its own through dxports.dashboard, with a link and a done/to-do state read through its selectors."""

import pytest
from django.utils import timezone

from buyers.models import Inquiry
from sellers.models import SellerStatus
from tests.buyers.support import receive
from tests.catalog.factories import ProductFactory, ProductImageFactory
from tests.sellers.factories import OwnerFactory

pytestmark = pytest.mark.django_db

STEPS = [
    ("List your first product", "/dashboard/products/new/"),
    ("Add your first product photo", "/dashboard/products/"),
    ("Send your company profile to Alibaba.com", "/dashboard/company/"),
    ("Answer your first inquiry", "/dashboard/inquiries/"),
]


def _steps(content):
    part = content.split('id="next-steps-heading"', 1)[1].split("</section>", 1)[0]
    return [
        (label, url, "To do" if "status-due" in item else "Done")
        for item in part.split('<li class="next-step')[1:]
        for label, url in STEPS
        if f'<a href="{url}">{label}</a>' in item
    ]


def test_a_new_active_seller_sees_next_steps_to_do_not_the_checklist(owner_client):
    content = owner_client.get("/dashboard/").content.decode()

    assert _steps(content) == [(label, url, "To do") for label, url in STEPS]
    assert ">Checklist<" not in content and "Your onboarding" not in content


def test_steps_done_are_marked_done(owner_client, seller):
    product = ProductFactory(seller=seller)
    ProductImageFactory(product=product)
    inquiry = receive(seller)
    Inquiry.objects.filter(pk=inquiry.pk).update(first_response_at=timezone.now(), response_seconds=600)

    states = {label: state for label, _url, state in _steps(owner_client.get("/dashboard/").content.decode())}

    assert states == {
        "List your first product": "Done",
        "Add your first product photo": "Done",
        "Send your company profile to Alibaba.com": "To do",
        "Answer your first inquiry": "Done",
    }


def test_another_sellers_progress_does_not_count(owner_client, other_seller_user):
    other = other_seller_user.seller_membership.seller
    ProductImageFactory(product=ProductFactory(seller=other))

    states = [state for _label, _url, state in _steps(owner_client.get("/dashboard/").content.decode())]

    assert states == ["To do"] * 4


def test_a_seller_in_onboarding_still_sees_the_checklist(client):
    client.force_login(OwnerFactory(seller__status=SellerStatus.DRAFT).user)

    content = client.get("/dashboard/").content.decode()

    assert "Checklist" in content and "next-steps-heading" not in content


@pytest.mark.parametrize("n", [1, 5])
def test_the_overview_queries_do_not_grow(owner_client, seller, n, django_assert_num_queries):
    for _ in range(n):
        ProductImageFactory(product=ProductFactory(seller=seller))
        receive(seller)
    # session, user, membership+seller, sectors, documents, reasons, the latest decision's note, one per next step
    # (4), the inquiries' and notifications' badges
    with django_assert_num_queries(13):
        owner_client.get("/dashboard/")


def test_the_next_steps_and_the_menu_speak_bengali(owner_client, settings):
    owner_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "bn"

    html = owner_client.get("/dashboard/", headers={"accept-language": "en"}).content.decode()

    assert "পরবর্তী ধাপ" in html and "আপনার প্রথম পণ্য তালিকাভুক্ত করুন" in html and "করতে হবে" in html
    assert "<summary>মেনু" in html
    assert "Next steps" not in html and "List your first product" not in html
