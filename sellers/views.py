"""The seller dashboard: onboarding checklist, profile steps, documents, submission, history and team.

Thin: each view finds the user's seller through ``selectors.membership_for_user`` (so nothing of another seller can
be reached: objects by id are looked up within the user's own seller and are 404 otherwise), calls one service and
renders. Domain refusals (``ApplicationError``) become form errors or messages, never a 500.
"""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from dxports import dashboard, numbers
from dxports.dashboard import seller_required
from dxports.errors import ApplicationError
from dxports.storage import private_file_response
from sellers import selectors, services
from sellers.errors import ClaimInvalid, ProfileInvalid
from sellers.forms import STEPS, DocumentUploadForm, InviteForm, StartForm
from sellers.models import DocumentKind, SellerEvent, SellerStatus
from sellers.requirements import RequirementStatus

# Past the checklist: approved (its supplier account on its way) or active. Their overview shows next steps, and
# from the file only what needs attention (a licence expiring, a document refused).
VERIFIED_STATES = frozenset({SellerStatus.APPROVED, SellerStatus.ACTIVE})
NEEDS_ATTENTION = frozenset({RequirementStatus.EXPIRING_SOON, RequirementStatus.EXPIRED, RequirementStatus.REFUSED})

STEP_ORDER = list(STEPS)
PDF = "application/pdf"


def _steps_nav(checklist):
    """The wizard's steps with their state (done when every needed requirement of the step is done)."""
    steps = []
    for slug in [*STEP_ORDER, "documents"]:
        states = checklist.by_step(slug)
        label = STEPS[slug][0] if slug in STEPS else _("Documents")
        url = reverse("sellers:documents") if slug == "documents" else reverse("sellers:step", args=[slug])
        refused = any(s.status == RequirementStatus.REFUSED for s in states)
        done = all(s.is_done for s in states if s.needed)
        steps.append({"slug": slug, "label": label, "url": url, "done": done, "refused": refused})
    return steps


@login_required
@require_http_methods(["GET", "POST"])
def start(request):
    if selectors.membership_for_user(user=request.user) is not None:
        return redirect("sellers:home")
    # Bound on every POST, even an empty one, so that a missing field is named instead of silently ignored.
    form = StartForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.seller_create(owner=request.user, legal_name=form.cleaned_data["legal_name"])
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your business is created. Fill in the steps below, then submit."))
            return redirect("sellers:step", step=STEP_ORDER[0])
    if request.method == "POST":
        status = 400
    invitations = selectors.open_invitations_for_email(email=request.user.email).select_related("seller")
    return render(request, "sellers/start.html", {"form": form, "invitations": invitations}, status=status)


@seller_required
@require_safe
def home(request, member):
    seller, checklist = selectors.seller_file(seller=member.seller)
    verified = seller.status in VERIFIED_STATES
    return render(
        request,
        "sellers/home.html",
        {
            "member": member,
            "seller": seller,
            "checklist": checklist,
            "steps": _steps_nav(checklist),
            "decision": selectors.decision_note_for_seller(seller=seller),
            # A verified seller is past the checklist: what to do next instead, and only the items that need it.
            "next_steps": dashboard.next_steps(seller) if verified else None,
            "attention": [state for state in checklist.states if state.status in NEEDS_ATTENTION] if verified else None,
        },
    )


@seller_required
@require_http_methods(["GET", "POST"])
def step(request, step, member):
    if step not in STEPS:
        raise Http404
    label, form_class = STEPS[step]
    seller, checklist = selectors.seller_file(seller=member.seller)
    form = form_class(request.POST if request.method == "POST" else None, instance=seller)
    if not seller.is_editable:
        for field in form.fields.values():
            field.disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            seller_after = services.seller_update_profile(seller=seller, actor=request.user, data=form.changed_values())
        except ProfileInvalid as error:
            form.add_refusal(error)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            if form.changed_values().get("contact_phone"):
                messages.success(
                    request,
                    _("Saved. Your mobile number is %(phone)s.")
                    % {"phone": numbers.phone_display(seller_after.contact_phone)},
                )
            else:
                messages.success(request, _("Saved."))
            following = STEP_ORDER.index(step) + 1
            if following < len(STEP_ORDER):
                return redirect("sellers:step", step=STEP_ORDER[following])
            return redirect("sellers:documents")
    reasons = checklist.reasons_by_target()
    rows = [(form[name], reasons.get(name, [])) for name in form.fields]
    return render(
        request,
        "sellers/step.html",
        {
            "member": member,
            "seller": seller,
            "checklist": checklist,
            "form": form,
            "rows": rows,
            "step": step,
            "step_label": label,
            "steps": _steps_nav(checklist),
            "states": checklist.by_step(step),
        },
        status=400 if request.method == "POST" else 200,
    )


@seller_required
@require_http_methods(["GET", "POST"])
def documents(request, member):
    errors = {}
    if request.method == "POST":
        form = DocumentUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.seller_document_upload(
                    seller=member.seller,
                    actor=request.user,
                    kind=form.cleaned_data["kind"],
                    uploaded=form.cleaned_data["file"],
                )
            except ApplicationError as error:
                errors[form.cleaned_data["kind"]] = [error.message]
            else:
                messages.success(
                    request, _("Uploaded: %(kind)s.") % {"kind": DocumentKind(form.cleaned_data["kind"]).label}
                )
                return redirect("sellers:documents")
        else:
            kind = request.POST.get("kind", "")
            errors[kind if kind in DocumentKind.values else ""] = [str(e) for v in form.errors.values() for e in v]
    seller, checklist = selectors.seller_file(seller=member.seller)
    items = [
        {
            "state": state,
            "errors": errors.get(state.requirement.document, []),
            "form": DocumentUploadForm(
                initial={"kind": state.requirement.document}, auto_id=f"id_%s_{state.requirement.document}"
            ),
        }
        for state in checklist.by_step("documents")
    ]
    return render(
        request,
        "sellers/documents.html",
        {
            "member": member,
            "seller": seller,
            "checklist": checklist,
            "items": items,
            "general_errors": errors.get("", []),
            "steps": _steps_nav(checklist),
        },
        status=400 if errors else 200,
    )


@login_required
@require_safe
def document(request, public_id):
    """The file of a document, to its seller's users and to staff allowed to view documents; 404 to anyone else
    (another seller's user cannot even learn that it exists)."""
    found = selectors.document_for_user(user=request.user, public_id=public_id)
    if found is None:
        raise Http404
    filename = f"{found.kind}{found.extension}"
    response = private_file_response(found, content_type=found.content_type, filename=filename, what="document")
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    if "preview" in request.GET and found.content_type == PDF:
        # Framed by the admin's review page: browsers refuse to run their PDF viewer in a sandbox (or under
        # default-src 'none'), so this one answer lets our own pages frame it and nothing else. It stays a PDF:
        # the content was checked at upload and nosniff keeps the browser from reading it as anything else.
        response["Content-Security-Policy"] = "frame-ancestors 'self'"
        response["X-Frame-Options"] = "SAMEORIGIN"
    return response


@seller_required
@require_http_methods(["GET", "POST"])
def submit(request, member):
    if request.method == "POST":
        try:
            services.seller_submit(seller=member.seller, actor=request.user)
        except ApplicationError as error:  # SubmissionIncomplete names every missing item
            messages.error(request, error.message)
        else:
            messages.success(request, _("Submitted. Program staff will review your business; we will e-mail you."))
            return redirect("sellers:home")
    seller, checklist = selectors.seller_file(seller=member.seller)
    return render(
        request,
        "sellers/submit.html",
        {"member": member, "seller": seller, "checklist": checklist, "steps": _steps_nav(checklist)},
        status=400 if request.method == "POST" else 200,
    )


@seller_required
@require_safe
def history(request, member):
    events = SellerEvent.with_words(selectors.history_for_seller(seller=member.seller))
    return render(request, "sellers/history.html", {"member": member, "seller": member.seller, "events": events})


@seller_required
@require_http_methods(["GET", "POST"])
def team(request, member):
    form = InviteForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.seller_invite(seller=member.seller, actor=request.user, email=form.cleaned_data["email"])
            except ApplicationError as error:
                form.add_error("email", error.message)
            else:
                messages.success(request, _("Invitation sent to %(email)s.") % form.cleaned_data)
                return redirect("sellers:team")
        status = 400
    members, invitations = selectors.team_for_seller(seller=member.seller)
    return render(
        request,
        "sellers/team.html",
        {"member": member, "seller": member.seller, "members": members, "invitations": invitations, "form": form},
        status=status,
    )


@seller_required
@require_POST
def member_remove(request, public_id, member):
    target = selectors.member_for_seller(seller=member.seller, public_id=public_id)
    if target is None:
        raise Http404
    try:
        services.seller_member_remove(seller=member.seller, actor=request.user, member=target)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(email)s was removed from the team.") % {"email": target.user.email})
    return redirect("sellers:team")


@seller_required
@require_POST
def invitation_revoke(request, public_id, member):
    invitation = selectors.invitation_for_seller(seller=member.seller, public_id=public_id)
    if invitation is None:
        raise Http404
    try:
        services.seller_invitation_revoke(seller=member.seller, actor=request.user, invitation=invitation)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email})
    return redirect("sellers:team")


@login_required
@require_http_methods(["GET", "POST"])
def invitation(request, token):
    found = selectors.invitation_for_token(token)
    if found is None:
        raise Http404
    error = None
    if request.method == "POST":
        try:
            services.seller_invitation_accept(token=token, user=request.user)
        except ApplicationError as exc:
            error = exc.message
        else:
            messages.success(request, _("You joined %(name)s.") % {"name": found.seller.legal_name})
            return redirect("sellers:home")
    return render(
        request,
        "sellers/invitation.html",
        {"invitation": found, "error": error, "is_open": found.is_open()},
        status=400 if error else 200,
    )


@require_http_methods(["GET", "POST"])
def claim(request, token):
    """The owner of a seller created on their behalf sets a password (the link in the claim e-mail), is logged in
    and lands on the dashboard."""
    found = selectors.claim_for_token(token)
    if found is None or not found.is_open():
        return render(request, "sellers/claim.html", {"claim": None, "error": ClaimInvalid().message}, status=404)
    form = SetPasswordForm(found.user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.seller_account_claim(token=token, password=form.cleaned_data["new_password1"])
        except ApplicationError as error:
            return render(request, "sellers/claim.html", {"claim": None, "error": error.message}, status=404)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Your password is set. Finish your business profile, then submit it."))
        return redirect("sellers:home")
    return render(
        request,
        "sellers/claim.html",
        {"claim": found, "form": form},
        status=400 if request.method == "POST" else 200,
    )
