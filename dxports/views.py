from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views import i18n
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView


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
