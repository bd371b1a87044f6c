"""/hooks/alibaba/: the gateway's signed pushes (DESIGN.md §5 "Pushes").

Verify, store once, answer fast: the work happens in ``alibaba.tasks.push_process``. The gateway retries anything
but a 200, so a duplicate delivery is answered 200 and ignored, and only a push we could not store gets an error.
"""

import hashlib
import hmac
import json

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from alibaba import pushes


def signature_is_valid(raw_body: bytes, authorization: str | None) -> bool:
    """``Authorization`` must be HEX(HMAC_SHA256(app_secret, app_key + raw body)), in either case."""
    if not authorization:
        return False
    expected = hmac.new(
        settings.ALIBABA_APP_SECRET.encode(), settings.ALIBABA_APP_KEY.encode() + raw_body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected.encode(), authorization.strip().lower().encode())


@csrf_exempt
@require_POST
def alibaba_push(request: HttpRequest) -> JsonResponse:
    raw_body = request.body
    if not signature_is_valid(raw_body, request.headers.get("Authorization")):
        return JsonResponse({"error": "invalid or missing signature"}, status=401)
    try:
        envelope = pushes.parse_envelope(json.loads(raw_body))
    except RecursionError:  # nested deeper than the decoder goes: no envelope looks like that
        return JsonResponse({"error": "the body is nested too deeply"}, status=400)
    except (ValueError, pushes.EnvelopeError) as exc:
        message = str(exc) if isinstance(exc, pushes.EnvelopeError) else "the body is not JSON"
        return JsonResponse({"error": message}, status=400)
    _push, created = pushes.push_receive(envelope=envelope)
    return JsonResponse({"status": "ok", "duplicate": not created})
