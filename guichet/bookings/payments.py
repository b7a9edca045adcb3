"""Online payment behind one interface. `test` is the built-in provider for the demo and the
tests: it redirects to a page of Guichet that plays the bank, which posts a signed callback —
the same redirect-and-callback path as PayFiP, the DGFiP's service for collectivités, whose
adapter builds the payment URL and checks a notification against the DGFiP's payment status
service (a stand-in server on loopback in the tests).

Only the provider named by PAYMENT_PROVIDER is on; none by default outside DEBUG (no online
payment). Whatever a callback says, `payment_callback` (services.py) believes it only for a
payment of that provider, for the payment's amount, in euros."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from guichet.lib.urls import absolute_url

CURRENCY = "EUR"  # every amount is in euro cents


@dataclass(frozen=True)
class CallbackResult:
    """What a provider says about a payment, once its callback is authenticated."""

    provider_reference: str
    paid: bool
    amount_cents: int
    currency: str
    transaction: str = ""


class CallbackError(Exception):
    """A callback that must change nothing: bad signature, missing fields, unverifiable."""


def sign(*parts: str) -> str:
    message = "|".join(parts).encode()
    return hmac.new(settings.PAYMENT_SECRET.encode(), message, hashlib.sha256).hexdigest()


def _cents(value) -> int:
    try:
        return int(str(value).strip())
    except ValueError as exc:
        raise CallbackError(f"montant illisible : {value!r}") from exc


class TestProvider:
    code = "test"

    def new_reference(self, payment) -> str:
        return payment.reference

    def start_url(self, payment) -> str:
        return reverse("portal:payment_test_bank", args=[payment.reference])

    def callback_fields(self, payment, paid: bool) -> dict:
        """What the simulated bank posts back (used by its page, and by tests)."""
        result = "paid" if paid else "failed"
        transaction = f"TEST-{payment.reference[:8]}"
        fields = {"reference": payment.provider_reference, "result": result,
                  "amount": str(payment.amount_cents), "currency": CURRENCY,
                  "transaction": transaction}
        return {**fields, "signature": self.signature(fields)}

    @staticmethod
    def signature(fields: dict) -> str:
        return sign(*(str(fields[name]) for name in
                      ("reference", "result", "amount", "currency", "transaction")))

    def parse_callback(self, data) -> CallbackResult:
        try:
            fields = {name: data[name] for name in
                      ("reference", "result", "amount", "currency", "transaction")}
            signature = data["signature"]
        except KeyError as exc:
            raise CallbackError(f"champ manquant : {exc}") from exc
        if not hmac.compare_digest(self.signature(fields), str(signature)):
            raise CallbackError("signature invalide")
        return CallbackResult(provider_reference=fields["reference"],
                              paid=fields["result"] == "paid",
                              amount_cents=_cents(fields["amount"]),
                              currency=fields["currency"], transaction=fields["transaction"])


class PayfipProvider:
    """PayFiP (https://www.payfip.gouv.fr): the collectivité's client number (`numcli`) and
    the notification URL. The payment's reference there, `refdet`, is 6 to 30 letters and
    digits: ours (32 characters, with `-` and `_`) cannot be it, so each payment gets its own
    refdet, kept on the payment (`provider_reference`) and used to match the notification."""

    code = "payfip"
    REFDET_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read on the phone
    REFDET_LENGTH = 20

    def new_reference(self, payment) -> str:
        return "GU" + "".join(secrets.choice(self.REFDET_ALPHABET)
                              for _ in range(self.REFDET_LENGTH - 2))

    def start_url(self, payment) -> str:
        query = {
            "numcli": settings.PAYFIP_CLIENT_NUMBER, "exer": timezone.localdate().year,
            "refdet": payment.provider_reference, "objet": _objet(payment.label),
            "montant": payment.amount_cents, "mel": payment.case.requester_email,
            "urlnotif": absolute_url(reverse("portal:payment_callback", args=[self.code])),
            "urlredirect": absolute_url(reverse("portal:payment_return",
                                                args=[payment.reference])),
            "saisie": settings.PAYFIP_MODE,  # T: test, X: activation, W: production
        }
        return f"{settings.PAYFIP_URL}?{urllib.parse.urlencode(query)}"

    def parse_callback(self, data) -> CallbackResult:
        """PayFiP's notification is not signed: its `idOp` is checked against the DGFiP's
        payment status service before anything is believed."""
        operation = data.get("idOp") or data.get("idop") or ""
        if not operation:
            raise CallbackError("idOp manquant")
        if not settings.PAYFIP_CHECK_URL:
            raise CallbackError("PAYFIP_CHECK_URL non configurée")
        request = urllib.request.Request(
            settings.PAYFIP_CHECK_URL, data=json.dumps({"idOp": operation}).encode(),
            headers={"Content-Type": "application/json"}, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                details = json.load(response)
        except (OSError, ValueError) as exc:
            raise CallbackError(f"vérification PayFiP impossible : {type(exc).__name__}") from exc
        if not isinstance(details, dict) or not details.get("refdet"):
            raise CallbackError("réponse PayFiP sans refdet")
        if str(details.get("numcli", "")) != str(settings.PAYFIP_CLIENT_NUMBER):
            raise CallbackError("numéro de client PayFiP différent")
        return CallbackResult(provider_reference=str(details["refdet"]),
                              paid=details.get("resultrans") in ("P", "V"),
                              amount_cents=_cents(details.get("montant", "")),
                              currency=CURRENCY,  # PayFiP only takes euros
                              transaction=str(details.get("numauto", "")))


def _objet(label: str) -> str:
    """PayFiP's `objet`: 100 characters at most, letters, digits and spaces."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    return " ".join("".join(c if c.isalnum() else " " for c in plain).split())[:100]


PROVIDERS = {TestProvider.code: TestProvider(), PayfipProvider.code: PayfipProvider()}


def provider(code: str):
    return PROVIDERS[code]


def enabled_provider():
    """The provider residents pay with, or None: no online payment."""
    return PROVIDERS.get(settings.PAYMENT_PROVIDER)


def is_enabled(code: str) -> bool:
    return bool(code) and code == settings.PAYMENT_PROVIDER and code in PROVIDERS
