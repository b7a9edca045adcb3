"""The payment provider: a known one, never the test provider in production (its "test bank"
lets anyone mark a payment paid), and PayFiP with what it needs."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register


@register()
def check_payment_provider_known(app_configs=None, **kwargs):
    from .payments import PROVIDERS

    code = settings.PAYMENT_PROVIDER
    if code and code not in PROVIDERS:
        return [Error(f"PAYMENT_PROVIDER={code!r} is not a payment provider.",
                      hint=f"One of {', '.join(sorted(PROVIDERS))}, or empty for no online "
                           "payment.", id="guichet.E010")]
    return []


@register(Tags.security, deploy=True)
def check_payment_provider_for_production(app_configs=None, **kwargs):
    errors = []
    if settings.PAYMENT_PROVIDER == "test":
        errors.append(Error(
            "PAYMENT_PROVIDER=test: the test provider's bank page lets anyone mark a booking "
            "paid.", hint="PAYMENT_PROVIDER=payfip, or empty for no online payment.",
            id="guichet.E011"))
    if settings.PAYMENT_PROVIDER == "payfip":
        missing = [name for name in ("PAYFIP_CLIENT_NUMBER", "PAYFIP_CHECK_URL")
                   if not getattr(settings, name)]
        if missing:
            errors.append(Error(f"PayFiP needs {', '.join(missing)}.",
                                hint="The collectivité's client number (numcli) and the "
                                     "address of the DGFiP's payment status service.",
                                id="guichet.E012"))
        if settings.PAYFIP_MODE not in ("T", "X", "W"):
            errors.append(Error("PAYFIP_MODE must be T (test), X (activation) or W "
                                "(production).", id="guichet.E013"))
    return errors
