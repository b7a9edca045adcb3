"""Two-factor authentication (TOTP with recovery codes), mandatory for agents and optional
for residents, and agents' sessions: expiry after inactivity, listing and revocation.

The second factor is checked once per session: `OTP_SESSION_KEY` is set when the code is
right, and the middleware keeps everything else closed until then."""

from __future__ import annotations

import hashlib
import hmac
import secrets

import pyotp
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from .models import RecoveryCode, TotpDevice, User, UserSession

OTP_SESSION_KEY = "otp_verified"
LAST_SEEN_KEY = "last_seen"
ISSUER = "Guichet"


def _hash(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), code.strip().lower().encode(),
                    hashlib.sha256).hexdigest()


def totp_start(*, user: User) -> TotpDevice:
    """A new, unconfirmed secret (replacing an unconfirmed one)."""
    device, _ = TotpDevice.objects.update_or_create(
        user=user, defaults={"secret": pyotp.random_base32(), "confirmed_at": None,
                             "last_step": 0})
    return device


def provisioning_uri(device: TotpDevice) -> str:
    return pyotp.TOTP(device.secret).provisioning_uri(name=device.user.email,
                                                      issuer_name=ISSUER)


def _check(device: TotpDevice, code: str) -> bool:
    code = "".join(code.split())
    if not code.isdigit() or len(code) != 6:
        return False
    totp = pyotp.TOTP(device.secret)
    now = timezone.now().timestamp()
    for offset in (-1, 0, 1):  # a little clock drift
        step = int(now // 30) + offset
        if step > device.last_step and hmac.compare_digest(totp.at(step * 30), code):
            TotpDevice.objects.filter(pk=device.pk).update(last_step=step)  # never twice
            return True
    return False


@transaction.atomic
def totp_confirm(*, device: TotpDevice, code: str) -> list[str] | None:
    """Confirm with a first code; return the recovery codes to show once."""
    if not _check(device, code):
        return None
    device.confirmed_at = timezone.now()
    device.save(update_fields=["confirmed_at"])
    RecoveryCode.objects.filter(user=device.user).delete()
    codes = [f"{secrets.token_hex(2)}-{secrets.token_hex(2)}-{secrets.token_hex(2)}"
             for _ in range(10)]
    RecoveryCode.objects.bulk_create([RecoveryCode(user=device.user, code_hash=_hash(c))
                                      for c in codes])
    return codes


def totp_verify(*, user: User, code: str) -> bool:
    """A code from the app, or an unused recovery code (then spent)."""
    device = TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
    if device is None:
        return False
    if _check(device, code):
        return True
    return bool(RecoveryCode.objects.filter(user=user, code_hash=_hash(code),
                                            used_at__isnull=True).update(
        used_at=timezone.now()))


def has_second_factor(user) -> bool:
    return user.is_authenticated and TotpDevice.objects.filter(
        user=user, confirmed_at__isnull=False).exists()


def totp_disable(*, user: User) -> None:
    TotpDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()


def session_record(request) -> None:
    """Note the signed-in browser (once per session)."""
    if not request.session.session_key:
        request.session.save()
    UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={"user": request.user, "last_seen_at": timezone.now(),
                  "user_agent": request.headers.get("User-Agent", "")[:250]})


def session_revoke(*, session: UserSession) -> None:
    Session.objects.filter(session_key=session.session_key).delete()
    session.delete()


def sessions_revoke_all(*, user: User) -> int:
    keys = list(user.sessions.values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    return user.sessions.all().delete()[0]
