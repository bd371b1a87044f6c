"""The company profile's dashboard: the profile page (status, completeness score with every fix, photos, logo,
certificates, sync and audit history), its form, the certificate form, the preview of what buyers see, and the
permission-checked files.

Thin, as the rest of the dashboard: each view finds the user's seller through its membership (``seller_required``),
finds photos and certificates by public id within that seller's profile (404 otherwise: another seller's cannot even
be learnt to exist), calls one service and renders. Domain refusals (``ApplicationError``) become field errors or
messages, never a 500. A seller without a profile yet sees an empty one; the first write creates it.
"""

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_countries import countries

from brand import rules, selectors, services
from brand.errors import ProfileIncomplete
from brand.forms import (
    COUNTRY_LIST_ID,
    CertificateForm,
    PhotoMoveForm,
    PhotoUploadForm,
    ProfileForm,
    filled_lines,
    market_formset,
    markets_from,
    trade_show_formset,
    trade_shows_from,
)
from brand.models import AUTO_SEND_STATES, PhotoKind, ProfileEvent
from dxports import numbers, photos
from dxports.dashboard import seller_required
from dxports.errors import ApplicationError
from dxports.storage import private_file_response


def _page_url(anchor: str = "") -> str:
    return reverse("brand:profile") + (f"#{anchor}" if anchor else "")


def _profile_or_404(member: Any) -> Any:
    profile = selectors.profile_for_seller(seller=member.seller)
    if profile is None:
        raise Http404
    return profile


def _certificate_rows(profile: Any, on: Any) -> list[dict[str, Any]]:
    return [
        {"certificate": certificate, "state": rules.certificate_state(rules.facts_of(certificate), on=on)}
        for certificate in profile.certificates.all()
    ]


@seller_required
@require_safe
def profile_page(request: HttpRequest, member: Any) -> HttpResponse:
    return _profile_page(request, member)


def _profile_page(
    request: HttpRequest, member: Any, *, photo_form: Any = None, logo_form: Any = None, status: int = 200
) -> HttpResponse:
    """The profile page; ``photo_form`` or ``logo_form`` a refused upload's form, its error beside its field."""
    seller = member.seller
    profile = selectors.profile_for_seller(seller=seller)
    on = rules.today()
    problems = (
        rules.profile_problems(profile, on=on) if profile is not None else rules.problems_of(rules.Snapshot(), on=on)
    )
    blocking = rules.blocking_problems(problems)
    photos_ = list(profile.photos.all()) if profile is not None else []
    return render(
        request,
        "brand/profile.html",
        {
            "member": member,
            "seller": seller,
            "profile": profile,
            "public": selectors.public_profile(profile, on=on) if profile is not None else None,
            "problems": problems,
            "blocking": blocking,
            "advice": [problem for problem in problems if not problem.blocking],
            "score": rules.completeness_score(problems),
            "score_cap": rules.BLOCKED_SCORE_CAP,
            "factory_photos": [photo for photo in photos_ if photo.kind == PhotoKind.FACTORY],
            "logo": next((photo for photo in photos_ if photo.kind == PhotoKind.LOGO), None),
            "photos_max": rules.FACTORY_PHOTOS_MAX,
            "certificates": _certificate_rows(profile, on) if profile is not None else [],
            "events": ProfileEvent.with_words(selectors.profile_events(profile=profile)) if profile is not None else [],
            "attempts": list(selectors.profile_sync_history(profile=profile)) if profile is not None else [],
            "seller_active": seller.may_sell,
            "actions": selectors.profile_actions(profile),
            "photo_form": photo_form or PhotoUploadForm(),
            "logo_form": logo_form or PhotoUploadForm(),
            "photo_max_bytes": photos.max_upload_bytes(),
            "photo_max_mb": photos.max_upload_bytes() // 2**20,
        },
        status=status,
    )


# The form ----------------------------------------------------------------------------------------------------------


def _field_of(field: str) -> tuple[str, int | None, str]:
    """A service's field path (``markets[1].share``, ``company_story``) as (name, row, row field)."""
    name, _, rest = field.partition("[")
    if not rest:
        return name, None, ""
    index, _, inner = rest.partition("]")
    return name, numbers.ascii_whole(index, max_digits=4), inner.lstrip(".")


def _apply_error(form: Any, markets: Any, shows: Any, error: ApplicationError) -> None:
    if isinstance(error, ProfileIncomplete):
        for problem in error.problems:
            _apply_message(form, markets, shows, problem.field, f"{problem.message} {problem.fix}")
        return
    _apply_message(form, markets, shows, str(error.extra.get("field", "")), str(error.message))


def _apply_message(form: Any, markets: Any, shows: Any, field: str, message: str) -> None:
    name, row, inner = _field_of(field)
    if name == "production_capacity":
        name = "capacity_quantity"
    formset = {"markets": markets, "trade_shows": shows}.get(name)
    lines = filled_lines(formset) if formset is not None else []
    if row is not None and row < len(lines):
        line = lines[row]
        line.add_error(inner if inner in line.fields else None, message)
    elif name in form.fields:
        form.add_error(name, message)
    else:
        form.add_error(None, message)


@seller_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest, member: Any) -> HttpResponse:
    profile = selectors.profile_for_seller(seller=member.seller)
    data = request.POST if request.method == "POST" else None
    initial = ProfileForm.initial_for(profile) or {
        "year_established": member.seller.year_established,
        "employees": member.seller.employees,
    }
    form = ProfileForm(data, initial=initial)
    markets = market_formset(data, profile=profile)
    shows = trade_show_formset(data, profile=profile)
    status = 200
    if data is not None:
        status = 400
        if form.is_valid() and markets.is_valid() and shows.is_valid():
            try:
                profile = profile or services.profile_get_or_create(seller=member.seller, actor=request.user)
                services.profile_update(
                    profile=profile,
                    actor=request.user,
                    markets=markets_from(markets),
                    trade_shows=trade_shows_from(shows),
                    **form.cleaned_data,
                )
            except ApplicationError as error:
                _apply_error(form, markets, shows, error)
            else:
                messages.success(request, _("Saved."))
                return redirect(_page_url())
    problems = rules.profile_problems(profile) if profile is not None else []
    hints: dict[str, list[rules.Problem]] = {}
    for problem in problems:
        hints.setdefault(_field_of(problem.field)[0], []).append(problem)
    return render(
        request,
        "brand/profile_form.html",
        {
            "member": member,
            "seller": member.seller,
            "profile": profile,
            "form": form,
            "markets": markets,
            "shows": shows,
            "hints": hints,
            "is_live": profile is not None and profile.status in AUTO_SEND_STATES,
            "countries": countries,
            "country_list_id": COUNTRY_LIST_ID,
        },
        status=status,
    )


@seller_required
@require_POST
def profile_send(request: HttpRequest, member: Any) -> HttpResponse:
    profile = _profile_or_404(member)
    try:
        services.profile_send(profile=profile, actor=request.user)
    except ProfileIncomplete as error:
        messages.error(request, _("Not sent: fix the problems listed under “Before you send” first."))
        for problem in error.problems:
            messages.error(request, f"{problem.message} {problem.fix}")
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Sent to Alibaba.com. It is reviewed there; this page shows how it goes."))
    return redirect(_page_url())


@seller_required
@require_safe
def profile_preview(request: HttpRequest, member: Any) -> HttpResponse:
    profile = selectors.profile_for_seller(seller=member.seller)
    return render(
        request,
        "brand/preview.html",
        {
            "member": member,
            "seller": member.seller,
            "profile": profile,
            "public": selectors.public_profile(profile) if profile is not None else None,
        },
    )


# Photos ------------------------------------------------------------------------------------------------------------


def _upload(request: HttpRequest, member: Any, kind: str) -> HttpResponse:
    """Adds the photo (or logo) and goes back to the photos; a refusal is shown beside its field, the page rendered
    again at that form (its action's fragment says so)."""
    form = PhotoUploadForm(request.POST, request.FILES)
    if form.is_valid():
        profile = services.profile_get_or_create(seller=member.seller, actor=request.user)
        try:
            services.profile_photo_add(
                profile=profile, actor=request.user, uploaded=form.cleaned_data["photo"], kind=kind
            )
        except ApplicationError as error:
            form.add_error("photo", str(error.message))
        else:
            messages.success(request, _("The logo is saved.") if kind == PhotoKind.LOGO else _("The photo is added."))
            return redirect(_page_url("photos"))
    if kind == PhotoKind.LOGO:
        return _profile_page(request, member, logo_form=form, status=400)
    current = selectors.profile_for_seller(seller=member.seller)
    factory = [photo for photo in current.photos.all() if photo.kind == PhotoKind.FACTORY] if current else []
    if len(factory) >= rules.FACTORY_PHOTOS_MAX:  # the page offers no photo field to show the refusal beside
        for refusal in form.errors.get("photo", []):
            messages.error(request, str(refusal))
        return redirect(_page_url("photos"))
    return _profile_page(request, member, photo_form=form, status=400)


@seller_required
@require_POST
def photo_upload(request: HttpRequest, member: Any) -> HttpResponse:
    return _upload(request, member, PhotoKind.FACTORY)


@seller_required
@require_POST
def logo_upload(request: HttpRequest, member: Any) -> HttpResponse:
    return _upload(request, member, PhotoKind.LOGO)


def _photo_or_404(profile: Any, public_id: Any) -> Any:
    photo = selectors.photo_of(profile, public_id)
    if photo is None:
        raise Http404
    return photo


@seller_required
@require_POST
def photo_remove(request: HttpRequest, public_id: Any, member: Any) -> HttpResponse:
    profile = _profile_or_404(member)
    photo = _photo_or_404(profile, public_id)
    try:
        services.profile_photo_remove(profile=profile, actor=request.user, photo=photo)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The photo is removed."))
    return redirect(_page_url("photos"))


@seller_required
@require_POST
def photo_move(request: HttpRequest, public_id: Any, member: Any) -> HttpResponse:
    profile = _profile_or_404(member)
    photo = _photo_or_404(profile, public_id)
    form = PhotoMoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose where to move the photo."))
        return redirect(_page_url("photos"))
    try:
        services.profile_photo_move(
            profile=profile, actor=request.user, photo=photo, position=form.cleaned_data["position"]
        )
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The photos are reordered."))
    return redirect(_page_url("photos"))


def _serve_photo(request: HttpRequest, public_id: Any, *, thumbnail: bool) -> FileResponse:
    photo = selectors.photo_for_user(user=request.user, public_id=public_id)
    if photo is None:
        raise Http404
    if thumbnail and photo.thumbnail:
        return photos.photo_response(photo.thumbnail, content_type="image/jpeg")
    return photos.photo_response(photo.file, content_type=photo.content_type)


@login_required
@require_safe
def photo_file(request: HttpRequest, public_id: Any) -> FileResponse:
    return _serve_photo(request, public_id, thumbnail=False)


@login_required
@require_safe
def photo_thumbnail(request: HttpRequest, public_id: Any) -> FileResponse:
    return _serve_photo(request, public_id, thumbnail=True)


# Certificates ------------------------------------------------------------------------------------------------------


@seller_required
@require_http_methods(["GET", "POST"])
def certificate_new(request: HttpRequest, member: Any) -> HttpResponse:
    form = CertificateForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            profile = services.profile_get_or_create(seller=member.seller, actor=request.user)
            try:
                uploaded = form.cleaned_data.pop("file")
                services.certificate_add(profile=profile, actor=request.user, uploaded=uploaded, **form.cleaned_data)
            except ApplicationError as error:
                field = str(error.extra.get("field", ""))
                form.add_error(field if field in form.fields else None, str(error.message))
            else:
                messages.success(request, _("The certificate is added."))
                return redirect(_page_url("certificates"))
    return render(
        request,
        "brand/certificate_form.html",
        {"member": member, "seller": member.seller, "form": form},
        status=status,
    )


@seller_required
@require_POST
def certificate_remove(request: HttpRequest, public_id: Any, member: Any) -> HttpResponse:
    profile = _profile_or_404(member)
    certificate = selectors.certificate_of(profile, public_id)
    if certificate is None:
        raise Http404
    try:
        services.certificate_remove(profile=profile, actor=request.user, certificate=certificate)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The certificate is removed."))
    return redirect(_page_url("certificates"))


@login_required
@require_safe
def certificate_file(request: HttpRequest, public_id: Any) -> FileResponse:
    """The file of a certificate, to its seller's users and to staff allowed to view certificates; 404 to anyone
    else (another seller's user cannot even learn that it exists)."""
    certificate = selectors.certificate_for_user(user=request.user, public_id=public_id)
    if certificate is None:
        raise Http404
    name = re.sub(r"[^A-Za-z0-9.-]+", "-", f"{certificate.type}-{certificate.number}").strip("-.")
    return private_file_response(
        certificate,
        content_type=certificate.content_type,
        filename=f"{name}{certificate.extension}",
        what="certificate",
    )
