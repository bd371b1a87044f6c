"""The seller's catalog dashboard: the product list, the product form, the product page (quality score and every
problem, images, publish / update / delist, sync and audit history) and the product images.

Thin, as the sellers dashboard: each view finds the user's seller through its membership (``seller_required``),
finds objects by public id within that seller (404 otherwise: another seller's product cannot even be learnt to
exist), calls one service and renders. Domain refusals (``ApplicationError``) become field errors, the full problem
list, or messages, never a 500.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from catalog import images as product_images
from catalog import selectors, services
from catalog.errors import ListingIncomplete
from catalog.forms import (
    SYNC_LABELS,
    ImageMoveForm,
    ImageUploadForm,
    ProductFilterForm,
    ProductForm,
    category_id_or_none,
    form_field_of,
)
from catalog.models import LIVE_EDIT_STATES, ProductEvent
from catalog.rules import BLOCKED_SCORE_CAP, Problem, blocking_problems, listing_problems, quality_score
from dxports import photos
from dxports.dashboard import seller_required
from dxports.errors import ApplicationError

PAGE_SIZE = 25


def _product_or_404(member, public_id):
    product = selectors.product_for_seller(seller=member.seller, public_id=public_id)
    if product is None:
        raise Http404
    return product


# The list -------------------------------------------------------------------------------------------------------------


@seller_required
def product_list(request, member):
    seller = member.seller
    categories = selectors.categories_of_seller(seller=seller)
    filters = ProductFilterForm(request.GET or None, categories=categories)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    products = selectors.products_for_dashboard(
        seller=seller,
        status=criteria.get("status", ""),
        category=criteria.get("category"),
        sync=criteria.get("sync", ""),
        search=criteria.get("q", ""),
    )
    page = Paginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for product in page.object_list:
        problems = listing_problems(product)  # reads the prefetched rows only
        images = list(product.images.all())
        rows.append(
            {
                "product": product,
                "thumbnail": images[0] if images else None,
                "score": quality_score(problems),
                "blocking_count": len(blocking_problems(problems)),
                "sync_label": SYNC_LABELS[selectors.sync_state(product)],
            }
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "catalog/product_list.html",
        {
            "member": member,
            "seller": seller,
            "filters": filters,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "is_filtered": bool(criteria and any(criteria.values())),
        },
    )


# The form -------------------------------------------------------------------------------------------------------------


def _category_from(data, product=None):
    """The category the form is about: the one chosen in ``data`` (if it is a leaf), else the product's."""
    raw = (data or {}).get("category")
    if data is not None and raw is not None:
        category_id = category_id_or_none(raw)
        if category_id is None:
            return None
        return selectors.leaf_categories().prefetch_related(None).filter(category_id=category_id).first()
    return product.category if product is not None else None


def _attributes_of(category):
    if category is None or not category.is_leaf:
        return []
    return list(category.attributes.all())  # prefetched with a product's category


def _initial_from_post(form, data):
    """Unsaved values of a posted form, as initial values (to show the new category's attributes without
    validating the rest yet)."""
    initial = {}
    for name, field in form.fields.items():
        if name not in data:
            continue
        multiple = getattr(field.widget, "allow_multiple_selected", False)
        initial[name] = data.getlist(name) if multiple else data[name]
    return initial


def _hints(problems: list[Problem]) -> dict[str, list[Problem]]:
    hints: dict[str, list[Problem]] = {}
    for problem in problems:
        name = form_field_of(problem.field)
        if name:
            hints.setdefault(name, []).append(problem)
    return hints


def _apply_service_error(form, error):
    if isinstance(error, ListingIncomplete):
        for problem in error.problems:
            name = form_field_of(problem.field)
            form.add_error(name if name in form.fields else None, f"{problem.message} {problem.fix}")
        return
    name = form_field_of(error.extra.get("field", "")) if error.extra.get("field") else None
    form.add_error(name if name in form.fields else None, error.message)


@seller_required
@require_http_methods(["GET", "POST"])
def product_new(request, member):
    return _product_form(request, member, product=None)


@seller_required
@require_http_methods(["GET", "POST"])
def product_edit(request, public_id, member):
    product = _product_or_404(member, public_id)
    if not product.is_editable:
        messages.error(
            request,
            _("This product is “%(status)s”: it cannot be changed now.") % {"status": product.get_status_display()},
        )
        return redirect("catalog:detail", public_id=product.public_id)
    return _product_form(request, member, product=product)


def _product_form(request, member, *, product):
    data = request.POST if request.method == "POST" else None
    category = _category_from(data, product)
    attributes = _attributes_of(category)
    initial = ProductForm.initial_for(product) if product is not None else {}
    form = ProductForm(data, initial=initial, category_attributes=attributes)
    status = 200
    if data is not None and "refresh" in data:
        # The seller chose another category: show its attributes, keep what was typed, validate nothing yet.
        form = ProductForm(initial=_initial_from_post(form, data), category_attributes=attributes)
    elif data is not None:
        status = 400
        if form.is_valid():
            arguments = form.service_arguments()
            try:
                if product is None:
                    product = services.product_create(seller=member.seller, actor=request.user, **arguments)
                    messages.success(request, _("The product is saved as a draft."))
                else:
                    product = services.product_update(product=product, actor=request.user, **arguments)
                    messages.success(request, _("Saved."))
            except ApplicationError as error:
                _apply_service_error(form, error)
            else:
                return redirect("catalog:detail", public_id=product.public_id)
    problems = listing_problems(product) if product is not None else []
    return render(
        request,
        "catalog/product_form.html",
        {
            "member": member,
            "seller": member.seller,
            "product": product,
            "form": form,
            "sections": form.sections(_hints(problems)),
            "problems": problems,
            "is_live": product is not None and product.status in LIVE_EDIT_STATES,
        },
        status=status,
    )


# The product page -----------------------------------------------------------------------------------------------------


def _sync_state(member, product, problems):
    """What the product's sync part shows (``catalog/_sync_state.html``): its status, what the seller may do, and
    every attempt to send it."""
    return {
        "product": product,
        "blocking": blocking_problems(problems),
        "seller_active": member.seller.may_sell,
        "attempts": list(selectors.product_sync_history(product=product)),
        **vars(selectors.product_actions(product)),
    }


@seller_required
def product_detail(request, public_id, member):
    return _detail_page(request, member, _product_or_404(member, public_id))


def _detail_page(request, member, product, *, image_form=None, status=200):
    """The product page; ``image_form`` a refused upload's form, its error shown beside the photo field."""
    problems = listing_problems(product)
    return render(
        request,
        "catalog/product_detail.html",
        {
            "member": member,
            "seller": member.seller,
            **_sync_state(member, product, problems),
            "problems": problems,
            "advice": [problem for problem in problems if not problem.blocking],
            "score": quality_score(problems),
            "score_cap": BLOCKED_SCORE_CAP,
            "images": list(product.images.all()),
            "tiers": list(product.price_tiers.all()),
            "attribute_values": list(product.attribute_values.all()),
            "events": ProductEvent.with_words(selectors.product_events(product=product)),
            "image_form": image_form or ImageUploadForm(),
            "photo_max_bytes": photos.max_upload_bytes(),
            "photo_max_mb": photos.max_upload_bytes() // 2**20,
            "images_full": product.images.all().count() >= product_images.IMAGES_MAX,
            "sync_labels": SYNC_LABELS,
        },
        status=status,
    )


@seller_required
@require_http_methods(["GET", "HEAD"])
def product_sync_state(request, public_id, member):
    """The sync part of the product page alone, which ``static/js/sync-state.js`` fetches while the sync is on its
    way and swaps in place (without JavaScript, the part's Refresh link reloads the page)."""
    product = _product_or_404(member, public_id)
    return render(request, "catalog/_sync_state.html", _sync_state(member, product, listing_problems(product)))


ACTIONS = {
    # action → (service, success message)
    "publish": (
        services.product_publish,
        gettext_lazy("Sent to Alibaba.com. It is reviewed there; this page shows how it goes."),
    ),
    "delist": (services.product_delist, gettext_lazy("Being taken off Alibaba.com.")),
    "retry": (services.product_sync_retry, gettext_lazy("Sending to Alibaba.com again.")),
}


@seller_required
@require_POST
def product_action(request, public_id, action, member):
    product = _product_or_404(member, public_id)
    if action not in ACTIONS:
        raise Http404
    service, done = ACTIONS[action]
    try:
        service(product=product, actor=request.user)
    except ListingIncomplete as error:
        messages.error(request, _("Not sent: fix the problems listed under “Before you publish” first."))
        for problem in error.problems:
            messages.error(request, f"{problem.message} {problem.fix}")
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, str(done))
    return redirect("catalog:detail", public_id=product.public_id)


# Images ---------------------------------------------------------------------------------------------------------------


def _detail_url(product):
    return reverse("catalog:detail", kwargs={"public_id": product.public_id}) + "#images"


def _image_or_404(product, sha256):
    image = next((image for image in product.images.all() if image.sha256 == sha256), None)
    if image is None:
        raise Http404
    return image


@seller_required
@require_POST
def image_upload(request, public_id, member):
    """Adds the uploaded photo and goes back to the product's photos; a refusal is shown beside the photo field (the
    page is rendered again, at the form: its action's fragment says so)."""
    product = _product_or_404(member, public_id)
    form = ImageUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            product_images.product_image_add(product=product, actor=request.user, uploaded=form.cleaned_data["image"])
        except ApplicationError as error:
            form.add_error("image", error.message)
        else:
            messages.success(request, _("The photo is added."))
            return redirect(_detail_url(product))
    if not _takes_photos(product):  # no photo field to show the refusal beside: the product cannot take one now
        for refusal in form.errors.get("image", []):
            messages.error(request, str(refusal))
        return redirect(_detail_url(product))
    return _detail_page(request, member, product, image_form=form, status=400)


def _takes_photos(product):
    product = selectors.product_for_seller(seller=product.seller, public_id=product.public_id)  # as it is now
    return (
        product is not None
        and selectors.product_actions(product).can_edit
        and product.images.all().count() < product_images.IMAGES_MAX
    )


@seller_required
@require_POST
def image_remove(request, public_id, sha256, member):
    product = _product_or_404(member, public_id)
    image = _image_or_404(product, sha256)
    try:
        product_images.product_image_remove(product=product, actor=request.user, image=image)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The photo is removed."))
    return redirect(_detail_url(product))


@seller_required
@require_POST
def image_move(request, public_id, sha256, member):
    product = _product_or_404(member, public_id)
    image = _image_or_404(product, sha256)
    form = ImageMoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose where to move the photo."))
        return redirect(_detail_url(product))
    try:
        product_images.product_image_move(
            product=product, actor=request.user, image=image, position=form.cleaned_data["position"]
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The photos are reordered."))
    return redirect(_detail_url(product))


def _serve_image(request, public_id, sha256, *, thumbnail):
    image = selectors.product_image_for_user(user=request.user, public_id=public_id, sha256=sha256)
    if image is None:
        raise Http404
    if thumbnail and image.thumbnail:
        return photos.photo_response(image.thumbnail, content_type="image/jpeg")
    return photos.photo_response(image.file, content_type=image.content_type)


@login_required
def image_file(request, public_id, sha256):
    return _serve_image(request, public_id, sha256, thumbnail=False)


@login_required
def image_thumbnail(request, public_id, sha256):
    return _serve_image(request, public_id, sha256, thumbnail=True)
