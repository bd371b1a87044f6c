from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import i18n
from django.views.decorators.http import require_POST, require_safe
from django.views.generic import TemplateView

from dxports import notifications as seller_notifications
from dxports.dashboard import seller_required


class LandingView(TemplateView):
    template_name = "landing.html"


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, remembered for a logged-in person (``User.language``): the dashboard and the
    e-mails they receive follow it."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES) and request.user.language != language:
        request.user.language = language
        request.user.save(update_fields=["language"])
    return response


@seller_required
@require_safe
def notifications(request: HttpRequest, member: Any) -> HttpResponse:
    """The seller's notifications, newest first; opening the list reads them."""
    items = seller_notifications.notifications_for(user=request.user, seller_id=member.seller_id)  # type: ignore[arg-type]
    seller_notifications.mark_read(user=request.user)  # type: ignore[arg-type]
    return render(
        request, "dashboard/notifications.html", {"member": member, "seller": member.seller, "notifications": items}
    )
