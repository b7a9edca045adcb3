"""Users (residents and agents log in by email), resident profiles and agent memberships."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields):
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **fields)
        user.set_password(password) if password else user.set_unusable_password()
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username):
        """Addresses are stored in lower case; people type them however they like."""
        return self.get(email__iexact=username)

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField("adresse électronique", unique=True)
    first_name = models.CharField("prénom", max_length=150, blank=True)
    last_name = models.CharField("nom", max_length=150, blank=True)
    is_staff = models.BooleanField("accès à l'administration technique", default=False)
    is_active = models.BooleanField("actif", default=True)
    date_joined = models.DateTimeField("inscription", default=timezone.now)
    email_verified_at = models.DateTimeField("adresse vérifiée le", null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = "utilisateur"

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name or self.email

    def membership_rows(self) -> list[tuple[int, str, int]]:
        """(unit, role, organisation) of each of the account's memberships, read once per user
        object: a request has one, and its middleware, menus and permission checks all ask."""
        rows = getattr(self, "_membership_rows", None)
        if rows is None:
            rows = self._membership_rows = list(self.memberships.values_list(
                "unit_id", "role", "unit__organisation_id"))
        return rows

    def has_membership_role(self, *roles: str) -> bool:
        return any(role in roles for _, role, _ in self.membership_rows())

    @property
    def is_agent(self) -> bool:
        return bool(self.membership_rows())


class ResidentProfile(models.Model):
    """What a resident tells us once and every form reuses ("Dites-le-nous une fois")."""

    class Civility(models.TextChoices):
        NONE = "", "Non précisée"
        MADAME = "Mme", "Madame"
        MONSIEUR = "M.", "Monsieur"

    class Channel(models.TextChoices):
        EMAIL = "email", "Courriel"
        PHONE = "phone", "Téléphone"
        MAIL = "mail", "Courrier postal"

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    civility = models.CharField("civilité", max_length=4, choices=Civility.choices, blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    address = models.CharField("adresse", max_length=250, blank=True)
    postcode = models.CharField("code postal", max_length=5, blank=True)
    city = models.CharField("commune", max_length=100, blank=True)
    preferred_channel = models.CharField("canal préféré", max_length=10,
                                         choices=Channel.choices, default=Channel.EMAIL)
    class Meta:
        verbose_name = "profil d'usager"

    def __str__(self) -> str:
        return str(self.user)

    @property
    def postal_address(self) -> str:
        return ", ".join(p for p in (self.address, f"{self.postcode} {self.city}".strip()) if p)


class Membership(models.Model):
    """An agent's place in a unit, and what they may do there."""

    class Role(models.TextChoices):
        RECEPTION = "reception", "Accueil"
        AGENT = "agent", "Agent"
        MANAGER = "manager", "Responsable de service"
        ADMIN = "admin", "Administrateur"
        DPO = "dpo", "Délégué à la protection des données"
        COMMUNICATION = "comm", "Communication (actualités et alertes)"
        ARCHIVIST = "archivist", "Archiviste (visa des éliminations)"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey("organisations.Unit", on_delete=models.CASCADE,
                             related_name="memberships", verbose_name="service")
    role = models.CharField("rôle", max_length=10, choices=Role.choices, default=Role.AGENT)
    title = models.CharField("fonction affichée aux usagers", max_length=150, blank=True)

    class Meta:
        verbose_name = "affectation d'agent"
        verbose_name_plural = "affectations d'agents"
        constraints = [
            models.UniqueConstraint(fields=["user", "unit"], name="one_membership_per_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.unit} ({self.get_role_display()})"


class TotpDevice(models.Model):
    """The second factor: a TOTP secret (RFC 6238) in the user's authenticator app."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp")
    secret = models.CharField(max_length=64)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_step = models.BigIntegerField(default=0)  # a code is accepted once
    # Wrong codes in a row; at OTP_FAILURE_LIMIT the check is locked until `locked_until`.
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "double authentification"

    def __str__(self) -> str:
        return f"TOTP de {self.user}"


class RecoveryCode(models.Model):
    """Single-use codes for when the phone is lost; only their hash is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=128)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Code de secours de {self.user}"


class UserSession(models.Model):
    """A signed-in browser, so that an administrator can see and end an agent's sessions."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    user_agent = models.CharField(max_length=250, blank=True)

    class Meta:
        verbose_name = "session"
        ordering = ["-last_seen_at"]

    def __str__(self) -> str:
        return f"{self.user} — {self.last_seen_at:%d/%m %H:%M}"


class ApiToken(models.Model):
    """An application's key to the REST API (`/api/v1/`). It acts for one agent account and
    never sees more than that agent does, narrowed again by its scopes and its collectivité;
    only a hash of the secret is kept, the secret is shown once when the token is created."""

    class Scope(models.TextChoices):
        CASES_READ = "cases:read", "Lire les demandes et leur historique"
        CASES_WRITE = "cases:write", "Répondre aux demandes"
        ORGANISATIONS_READ = "organisations:read", "Lire les collectivités, services et catégories"

    name = models.CharField("application", max_length=100)
    organisation = models.ForeignKey("organisations.Organisation", verbose_name="collectivité",
                                     on_delete=models.CASCADE, related_name="api_tokens")
    acts_for = models.ForeignKey(User, verbose_name="agit pour l'agent",
                                 on_delete=models.CASCADE, related_name="api_tokens")
    scopes = models.JSONField("droits", default=list)
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField("dernière utilisation", null=True, blank=True)
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)

    class Meta:
        verbose_name = "jeton d'API"
        verbose_name_plural = "jetons d'API"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def allows(self, scope: str) -> bool:
        return self.is_active and scope in self.scopes


class ApiIdempotentRequest(models.Model):
    """A POST sent with an `Idempotency-Key`: a retry with the same key gets the first answer
    again instead of doing the write twice (a reply sent twice to a resident)."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    path = models.CharField(max_length=300)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["token", "key"],
                                               name="api_idempotency_once_per_key")]

    def __str__(self) -> str:
        return f"{self.token} — {self.key}"
