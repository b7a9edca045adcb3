"""Account actions. Links sent by email are signed with the SECRET_KEY and expire; a magic link
works once, because logging in changes `last_login`, which the link is bound to."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from guichet.lib.urls import absolute_url
from guichet.notifications.services import notification_queue

from .models import ApiToken, ResidentProfile, User

MAGIC_SALT = "guichet.magic-link"
VERIFY_SALT = "guichet.verify-email"


@transaction.atomic
def user_register(*, email: str, password: str, first_name: str, last_name: str) -> User:
    user = User.objects.create_user(email=email, password=password, first_name=first_name,
                                    last_name=last_name)
    ResidentProfile.objects.create(user=user)
    email_verification_send(user=user)
    return user


def profile_for(user: User) -> ResidentProfile:
    profile, _ = ResidentProfile.objects.get_or_create(user=user)
    return profile


def email_verification_send(*, user: User) -> None:
    token = signing.dumps({"u": user.pk, "e": user.email}, salt=VERIFY_SALT)
    notification_queue(
        template="email_verification", recipient=user.email, mandatory=True,
        context={"user": user, "url": absolute_url(reverse("portal:verify_email", args=[token]))},
    )


def email_verification_check(*, token: str) -> User | None:
    try:
        data = signing.loads(token, salt=VERIFY_SALT,
                             max_age=settings.EMAIL_VERIFICATION_MAX_AGE)
    except signing.BadSignature:
        return None
    user = User.objects.filter(pk=data.get("u"), email=data.get("e"), is_active=True).first()
    if user and not user.email_verified_at:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
    return user


def _login_stamp(user: User) -> str:
    return user.last_login.isoformat() if user.last_login else ""


@transaction.atomic
def magic_link_send(*, email: str) -> None:
    """Send a login link if an active account has this address; say nothing otherwise."""
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        return
    token = signing.dumps({"u": user.pk, "l": _login_stamp(user)}, salt=MAGIC_SALT)
    notification_queue(
        template="magic_link", recipient=user.email, mandatory=True,
        context={"user": user, "minutes": settings.MAGIC_LINK_MAX_AGE // 60,
                 "url": absolute_url(reverse("portal:magic_link_login", args=[token]))},
    )


def magic_link_user(*, token: str) -> User | None:
    """The user a valid, unused, unexpired link is for. Using the link proves the address."""
    try:
        data = signing.loads(token, salt=MAGIC_SALT, max_age=settings.MAGIC_LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    user = User.objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or _login_stamp(user) != data.get("l"):
        return None
    if not user.email_verified_at:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
    return user


def login_throttle_key(request, credentials) -> str:
    """The address django-axes counts failures for: `Alice@` and `alice@` are one account."""
    if credentials and credentials.get("username"):
        username = credentials["username"]
    else:
        username = request.POST.get("username", "") if request is not None else ""
    return username.strip().lower()


# REST API tokens: "gch_<prefix>_<secret>"; the prefix finds the row, the secret's keyed hash
# is compared in constant time. Written by administrators only (see backoffice.api_tokens).
API_TOKEN_PREFIX = "gch_"


def _api_secret_hash(secret: str) -> str:
    import hashlib
    import hmac

    return hmac.new(settings.SECRET_KEY.encode(), secret.encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def api_token_create(*, name: str, organisation, acts_for: User, scopes: list[str],
                     acting_user) -> tuple[ApiToken, str]:
    """A new token and its secret, shown once. Returns (token, the full secret)."""
    import secrets

    from guichet.journal.models import Entry
    from guichet.journal.services import journal_record

    prefix, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    token = ApiToken.objects.create(name=name.strip(), organisation=organisation,
                                    acts_for=acts_for, scopes=sorted(set(scopes)), prefix=prefix,
                                    secret_hash=_api_secret_hash(secret), created_by=acting_user)
    journal_record(actor=acting_user, action=Entry.Action.SETTINGS_CHANGED,
                   setting="api_token_created", token=prefix, application=token.name,
                   acts_for=acts_for.pk, scopes=token.scopes)
    return token, f"{API_TOKEN_PREFIX}{prefix}_{secret}"


@transaction.atomic
def api_token_revoke(*, token, acting_user) -> None:
    from guichet.journal.models import Entry
    from guichet.journal.services import journal_record

    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        journal_record(actor=acting_user, action=Entry.Action.SETTINGS_CHANGED,
                       setting="api_token_revoked", token=token.prefix, application=token.name)


def api_token_authenticate(raw: str):
    """The active token this secret opens, or None; notes its last use (once a minute)."""
    import datetime as dt
    import hmac

    if not raw.startswith(API_TOKEN_PREFIX):
        return None
    prefix, _, secret = raw[len(API_TOKEN_PREFIX):].partition("_")
    token = (ApiToken.objects.select_related("acts_for", "organisation")
             .filter(prefix=prefix[:16], revoked_at__isnull=True).first())
    if token is None or not hmac.compare_digest(token.secret_hash, _api_secret_hash(secret)):
        return None
    if not token.acts_for.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
