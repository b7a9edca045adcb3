"""The endpoint a mail server posts received messages to (e.g. a Postfix pipe or an
inbound-email service): the raw message as the body, a bearer token as the only key."""

import hmac

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from guichet.intake.inbound import inbound_receive


@csrf_exempt
@require_POST
def receive_email(request):
    token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not settings.INBOUND_TOKEN or not hmac.compare_digest(token, settings.INBOUND_TOKEN):
        return JsonResponse({"erreur": "jeton invalide"}, status=403)
    if len(request.body) > settings.INBOUND_MAX_BYTES:
        return JsonResponse({"erreur": "message trop volumineux"}, status=413)
    envelope = [a for a in request.headers.get("X-Envelope-To", "").split(",") if a]
    result = inbound_receive(request.body, envelope_to=envelope)
    return JsonResponse({"resultat": result.outcome,
                         "reference": result.case.reference if result.case else None})
