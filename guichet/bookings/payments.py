"""Online payment behind one interface. `test` is the built-in provider for the demo and the
tests: it redirects to a page of Guichet that plays the bank, which posts a signed callback —
the same redirect-and-callback path as PayFiP, the DGFiP's service for collectivités, whose
adapter builds the payment URL and checks a notification against the DGFiP's web service
(configured by settings, not reachable from the tests)."""

from __future__ import annotations

import hashlib
import hmac
import urllib.parse
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone


@dataclass(frozen=True)
class CallbackResult:
    reference: str
    paid: bool
    transaction: str = ""


class CallbackError(Exception):
    """A callback that must change nothing: bad signature, missing fields."""


def sign(*parts: str) -> str:
    message = "|".join(parts).encode()
    return hmac.new(settings.PAYMENT_SECRET.encode(), message, hashlib.sha256).hexdigest()


class TestProvider:
    code = "test"

    def start_url(self, payment) -> str:
        return reverse("portal:payment_test_bank", args=[payment.reference])

    def callback_fields(self, payment, paid: bool) -> dict:
        """What the simulated bank posts back (used by its page, and by tests)."""
        result = "paid" if paid else "failed"
        transaction = f"TEST-{payment.reference[:8]}"
        return {"reference": payment.reference, "result": result,
                "amount": str(payment.amount_cents), "transaction": transaction,
                "signature": sign(payment.reference, result, str(payment.amount_cents),
                                  transaction)}

    def parse_callback(self, data) -> CallbackResult:
        try:
            reference, result = data["reference"], data["result"]
            amount, transaction, signature = data["amount"], data["transaction"], data["signature"]
        except KeyError as exc:
            raise CallbackError(f"champ manquant : {exc}") from exc
        if not hmac.compare_digest(sign(reference, result, amount, transaction), signature):
            raise CallbackError("signature invalide")
        return CallbackResult(reference=reference, paid=result == "paid",
                              transaction=transaction)


class PayfipProvider:
    """PayFiP (https://www.payfip.gouv.fr): the collectivité's client number (`numcli`) and
    the notification URL; the payment's reference is `refdet`."""

    code = "payfip"

    def start_url(self, payment) -> str:
        query = {
            "numcli": settings.PAYFIP_CLIENT_NUMBER, "exer": timezone.localdate().year,
            "refdet": payment.reference[:30], "objet": payment.label[:100],
            "montant": payment.amount_cents, "mel": payment.case.requester_email,
            "urlnotif": settings.SITE_URL + reverse("portal:payment_callback",
                                                    args=[self.code]),
            "urlredirect": settings.SITE_URL + reverse("portal:payment_return",
                                                       args=[payment.reference]),
            "saisie": settings.PAYFIP_MODE,  # T: test, X: activation, W: production
        }
        return f"{settings.PAYFIP_URL}?{urllib.parse.urlencode(query)}"

    def parse_callback(self, data) -> CallbackResult:
        """PayFiP's notification is not signed: its `idOp` is checked against the DGFiP's
        web service before anything is believed."""
        import json
        import urllib.request

        operation = data.get("idOp", "")
        if not operation:
            raise CallbackError("idOp manquant")
        request = urllib.request.Request(
            settings.PAYFIP_CHECK_URL, data=json.dumps({"idOp": operation}).encode(),
            headers={"Content-Type": "application/json"}, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                details = json.load(response)
        except (OSError, ValueError) as exc:
            raise CallbackError(f"vérification PayFiP impossible : {type(exc).__name__}") from exc
        return CallbackResult(reference=details.get("refdet", ""),
                              paid=details.get("resultrans") in ("P", "V"),
                              transaction=details.get("numauto", ""))


PROVIDERS = {TestProvider.code: TestProvider(), PayfipProvider.code: PayfipProvider()}


def provider(code: str | None = None):
    return PROVIDERS[code or settings.PAYMENT_PROVIDER]
