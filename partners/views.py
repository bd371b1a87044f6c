"""The seller dashboard's Partners section: which organisations may work with the business through the API, what
each may do (the owner grants and withdraws it, scope by scope), and what each did (its rows in the audit trails,
recorded with the partner's service user as the actor)."""

from typing import Any

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from catalog import selectors as catalog_selectors
from dxports import audit
from dxports.dashboard import seller_required
from partners import selectors, services
from partners.forms import AccessForm
from sellers import selectors as sellers_selectors


@seller_required
@require_safe
def partner_list(request, member):
    partners = selectors.partners_for_seller(seller=member.seller)
    rows = [
        (partner, AccessForm(initial={"scopes": getattr(partner, "scopes", [])}, auto_id=f"id_{partner.public_id}_%s"))
        for partner in partners
    ]
    return render(request, "partners/list.html", {"member": member, "seller": member.seller, "rows": rows})


@seller_required
@require_POST
def access(request, public_id, member):
    partner = selectors.partner_for_seller(public_id=public_id)
    if partner is None:
        raise Http404
    if not member.is_owner:
        messages.error(request, _("Only the owner of the business can change what organisations may do."))
        return redirect("partners:list")
    form = AccessForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what the organisation may do from the list."))
        return redirect("partners:list")
    scopes = services.seller_grants_set(
        seller=member.seller, partner=partner, scopes=form.cleaned_data["scopes"], actor=request.user
    )
    if scopes:
        messages.success(request, _("%(name)s's access is saved.") % {"name": partner.name})
    else:
        messages.success(request, _("%(name)s no longer has access to your business.") % {"name": partner.name})
    return redirect("partners:list")


@seller_required
@require_safe
def activity(request, public_id, member):
    partner = selectors.partner_for_seller(public_id=public_id)
    if partner is None:
        raise Http404
    actor = partner.service_user
    seller_events = list(sellers_selectors.history_for_seller(seller=member.seller, actor=actor)[:200])
    product_events = list(catalog_selectors.product_events_by_actor(seller=member.seller, actor=actor)[:200])
    events: list[Any] = [*seller_events, *product_events]
    events.sort(key=lambda event: event.created_at, reverse=True)
    events = audit.in_words(events)
    return render(
        request,
        "partners/activity.html",
        {"member": member, "seller": member.seller, "partner": partner, "events": events},
    )
