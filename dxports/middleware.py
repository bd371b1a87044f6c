import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils import translation

ADMIN_PREFIX = "/admin/"
ROW_ID = re.compile(r"[1-9][0-9]{0,17}")


class RejectNulInQueryMiddleware:
    """Answer 400 to a query string holding U+0000. PostgreSQL refuses NUL in a text value, so an admin list filter
    or any lookup fed from the query string would otherwise fail with a 500; form fields already refuse it through
    Django's ProhibitNullCharactersValidator. The partner API (/api/) refuses it itself, in its own error format: its
    query parameters are checked by serializers that refuse NUL, and it ignores the others."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/") and any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            return HttpResponseBadRequest("The address holds a NUL character.", content_type="text/plain")
        return self.get_response(request)


class UserLanguageMiddleware:
    """A logged-in person reads the site in the language they chose (``User.language``) on any device; a choice
    made in this browser (the language cookie) wins. After ``AuthenticationMiddleware`` and ``LocaleMiddleware``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        chosen = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if chosen and chosen in dict(settings.LANGUAGES) and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen
        return self.get_response(request)


class AdminSelectionMiddleware:
    """Answer 400 to an admin action posted with a selected row id that is not a row id (``abc``, ``1\x00``, 23
    digits): the admin filters ``pk__in`` with them, which raises deep in the ORM (a 500) on every model. Row ids
    are positive 64-bit integers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.path.startswith(ADMIN_PREFIX) and "_selected_action" in request.POST:
            ids = request.POST.getlist("_selected_action")
            if not all(ROW_ID.fullmatch(value) for value in ids):
                return HttpResponseBadRequest(
                    "The selection holds something that is not a row.", content_type="text/plain"
                )
        return self.get_response(request)
