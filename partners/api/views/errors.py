from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from partners.api.errors import error_body


@csrf_exempt
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any other path under /api/v1/: the API's 404, not the site's HTML page."""
    body = error_body(status=404, code="not_found", message=_("There is no such path in the API (see /api/docs/)."))
    return JsonResponse(body, status=404)
