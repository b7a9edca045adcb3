"""Two-factor authentication (TOTP with recovery codes), mandatory for agents and optional
for residents, and agents' sessions: expiry after inactivity, listing and revocation.

The second factor is checked once per session: `OTP_SESSION_KEY` is set when the code is
right. Until then the middleware sends the browser to the code page, and for the rest of the
request `agent_rights_suspended` tells every check of agents' rights (cases.selectors) that this
user has none: an agent with his password alone reads no attachment, receipt or export, whatever
the URL. After OTP_FAILURE_LIMIT wrong codes in a row the check is locked for a while."""

from __future__ import annotations

import contextvars
import datetime as dt
import hashlib
import hmac
import logging
import secrets
from contextlib import contextmanager

import pyotp
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone

from .models import RecoveryCode, TotpDevice, User, UserSession

OTP_SESSION_KEY = "otp_verified"
LAST_SEEN_KEY = "last_seen"
ISSUER = "Guichet"
logger = logging.getLogger(__name__)

# The user signed in on the current request without the second factor they need.
_unverified_user = contextvars.ContextVar("unverified_user", default=None)


def second_factor_needed(user, *, is_agent: bool | None = None) -> bool:
    """Anyone who set one up; agents (members of a unit) and staff when AGENT_2FA_REQUIRED."""
    if not user.is_authenticated:
        return False
    if has_second_factor(user):
        return True
    if is_agent is None:
        is_agent = user.is_agent
    return settings.AGENT_2FA_REQUIRED and (is_agent or user.is_staff)


@contextmanager
def agent_rights_suspended_for(user):
    """For the duration of a request whose session has not passed the second factor."""
    token = _unverified_user.set(user.pk)
    try:
        yield
    finally:
        _unverified_user.reset(token)


def agent_rights_suspended(user) -> bool:
    """True while `user` is signed in on this request without the second factor they need:
    every agent right is then refused (the checks in cases.selectors ask this first)."""
    pk = getattr(user, "pk", None)
    return pk is not None and _unverified_user.get() == pk


class SecondFactorLocked(Exception):
    def __init__(self, until: dt.datetime):
        super().__init__(f"locked until {until.isoformat()}")
        self.until = until


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
    """A code from the app, or an unused recovery code (then spent).

    Each try takes one of OTP_FAILURE_LIMIT places before the code is even looked at, so that
    parallel requests get no more tries; the last place locks the check for
    OTP_LOCKOUT_MINUTES unless its code is right. Raises SecondFactorLocked while locked."""
    now = timezone.now()
    with transaction.atomic():
        device = (TotpDevice.objects.select_for_update()
                  .filter(user=user, confirmed_at__isnull=False).first())
        if device is None:
            return False
        if device.locked_until and device.locked_until > now:
            raise SecondFactorLocked(device.locked_until)
        if device.locked_until:  # a lock that has passed: a fresh series of tries
            device.failed_attempts, device.locked_until = 0, None
        device.failed_attempts += 1
        last_try = device.failed_attempts >= settings.OTP_FAILURE_LIMIT
        if last_try:
            device.locked_until = now + dt.timedelta(minutes=settings.OTP_LOCKOUT_MINUTES)
        device.save(update_fields=["failed_attempts", "locked_until"])
    right = _check(device, code) or bool(
        RecoveryCode.objects.filter(user=user, code_hash=_hash(code), used_at__isnull=True)
        .update(used_at=timezone.now()))
    if right:
        TotpDevice.objects.filter(pk=device.pk).update(failed_attempts=0, locked_until=None)
        return True
    if last_try:
        from guichet.journal.models import Entry
        from guichet.journal.services import journal_record

        journal_record(actor=user, action=Entry.Action.SECOND_FACTOR_LOCKED, person=user,
                       failures=device.failed_attempts,
                       until=device.locked_until.isoformat())
        logger.warning("Second factor locked for user %s after %s wrong codes", user.pk,
                       device.failed_attempts)
        raise SecondFactorLocked(device.locked_until)
    return False


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
