"""Guichet settings: everything comes from the environment, with defaults for a fresh clone.

Production differs only by environment variables (see README, "Déployer"). A secret may be given
in a file instead: FOO_FILE=/run/secrets/foo is read when FOO is not set.
"""

import hashlib
import hmac
import os
from pathlib import Path

import dj_database_url
import xstatic.pkg.leaflet
from django.core.exceptions import ImproperlyConfigured

from guichet.lib.urls import local_site_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    if name in os.environ:
        return os.environ[name]
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip()
    return default


def env_bool(name: str, default: bool) -> bool:
    value = env(name, "1" if default else "0").strip().lower()
    return value in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

# --- Secrets: none has a default outside DEBUG --------------------------------------------
# The development key is public (it is in this file and the Makefile): anyone who knows it can
# sign a magic link for any account. Without DEBUG, SECRET_KEY must be given; `check --deploy`
# also refuses the development key (guichet/accounts/checks.py).
DEV_SECRET_KEY = "dev-only-insecure-key-change-me-in-production-0123456789abcdef"
SECRET_KEY = env("SECRET_KEY", DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. In production, give a long random key: SECRET_KEY=… or "
        "SECRET_KEY_FILE=/run/secrets/secret_key (python -c \"import secrets; "
        "print(secrets.token_urlsafe(50))\"). On a developer's machine, DEBUG=1 uses a "
        "development key; `make demo` and `make test` set one explicitly.")
# --- end of secrets -----------------------------------------------------------------------

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
# Every absolute link (emails, PDFs, .ics, SMS) starts with SITE_URL. Unset, it is where a local
# server on HOST:PORT answers: `make demo PORT=8102` passes both, so its links point at 8102.
SITE_URL = (env("SITE_URL") or local_site_url(env("HOST", "127.0.0.1"),
                                              env("PORT", "8000"))).rstrip("/")
SITE_NAME = env("SITE_NAME", "Guichet")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "guichet.lib.apps.AxesConfig",  # axes and django_tasks_db, named in French in the admin
    "csp",
    "django_ratelimit",
    "django_tasks",
    "ninja",  # the REST API's interactive docs (its Swagger UI files, served from here)
    "guichet.lib.apps.TasksDbConfig",
    "guichet.accounts",
    "guichet.organisations",
    "guichet.journal",
    "guichet.notifications",
    "guichet.cases",
    "guichet.contact",
    "guichet.reports",
    "guichet.appointments",
    "guichet.bookings",
    "guichet.intake",
    "guichet.documents",
    "guichet.procedures",
    "guichet.news",
    "guichet.stats",
    "guichet.surveys",
    "guichet.privacy",
    "guichet.portal",
    "guichet.backoffice",
]

# --- Demo: the demo territory and its commands (load_demo, run_demo, gendata), with their
# public passwords, exist only on a developer's machine or when DEMO=1 is said explicitly.
DEMO = env_bool("DEMO", DEBUG)
if DEMO:
    INSTALLED_APPS.append("guichet.demo")
# --- end of demo --------------------------------------------------------------------------

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # Files sent back: attachment, nosniff, sandboxing CSP (before django-csp writes its own).
    "guichet.lib.downloads.DownloadHeadersMiddleware",
    # Every answer under /open311/ in the spec's error format; write attempts counted per address.
    "guichet.api.middleware.Open311Middleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "guichet.accounts.middleware.SecurityMiddleware",
]

ROOT_URLCONF = "guichet.urls"
WSGI_APPLICATION = "guichet.wsgi.application"
ASGI_APPLICATION = "guichet.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "builtins": ["guichet.lib.templatetags.phones"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "guichet.organisations.context_processors.theme",
                "guichet.accounts.context_processors.roles",
                "guichet.notifications.context_processors.centre",
                "guichet.stats.context_processors.stats_nav",
                "guichet.surveys.context_processors.survey_nav",
            ],
        },
    }
]

VAR_DIR = Path(env("VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(exist_ok=True)  # the SQLite file, media and collected static files live here
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'guichet.sqlite3'}"),
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web server and the worker write the same file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests use a file too (not the shared in-memory database, whose table locks ignore the
    # busy timeout), so that concurrent tests behave as the demo does.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compilation pays off for long reports, not for a web page: on searches over a million
    # cases it cost more than the query itself (PG_JIT=1 turns it back on).
    DATABASES["default"].setdefault("OPTIONS", {})
    if not env_bool("PG_JIT", False):
        DATABASES["default"]["OPTIONS"]["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:my_cases"
LOGOUT_REDIRECT_URL = "portal:home"

# Login throttling (django-axes): 5 failures for one account from one address lock it 15 minutes.
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(env("AXES_COOLOFF_MINUTES", "15")) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "guichet.accounts.services.login_throttle_key"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "portal/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_IPWARE_PROXY_COUNT = int(env("PROXY_COUNT", "0"))

LANGUAGE_CODE = "fr"
# French only until the interface has an English translation: otherwise an English browser
# would get English dates in the middle of French pages.
LANGUAGES = [("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static", ("leaflet", xstatic.pkg.leaflet.BASE_DIR)]
STATIC_ROOT = Path(env("STATIC_ROOT", str(VAR_DIR / "static")))
# Files browsers ask for at the root of the site (/favicon.ico), served by WhiteNoise.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media-not-served/"  # attachments are served by a view that checks permissions
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and env_bool("STATIC_MANIFEST", True)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Uploads: size limit per file and number of files per message.
UPLOAD_MAX_BYTES = int(env("UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
UPLOAD_MAX_FILES = int(env("UPLOAD_MAX_FILES", "5"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Email
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(env("EMAIL_PORT", "1025"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "20"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Guichet <ne-pas-repondre@guichet.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Notifications: retries with exponential backoff capped at NOTIFICATION_RETRY_MAX_SECONDS.
# Legal notices (receipts, acknowledgements, decisions) are retried for
# NOTIFICATION_LEGAL_RETRY_DAYS, links until they expire, anything else
# NOTIFICATION_MAX_ATTEMPTS times; then the notification is marked failed.
NOTIFICATION_MAX_ATTEMPTS = int(env("NOTIFICATION_MAX_ATTEMPTS", "8"))
NOTIFICATION_RETRY_BASE_SECONDS = int(env("NOTIFICATION_RETRY_BASE_SECONDS", "30"))
NOTIFICATION_RETRY_MAX_SECONDS = int(env("NOTIFICATION_RETRY_MAX_SECONDS", "3600"))
NOTIFICATION_LEGAL_RETRY_DAYS = int(env("NOTIFICATION_LEGAL_RETRY_DAYS", "7"))
# A worker's lease on a notification it is sending; after it, another worker takes the
# notification up (the first one died). Keep it well above EMAIL_TIMEOUT.
# NOTIFICATION_STALE_SECONDS is its former name.
NOTIFICATION_LEASE_SECONDS = int(env("NOTIFICATION_LEASE_SECONDS",
                                     env("NOTIFICATION_STALE_SECONDS", "300")))
# Administrators are told once when a transport has been failing for this long.
NOTIFICATION_ALERT_AFTER_MINUTES = int(env("NOTIFICATION_ALERT_AFTER_MINUTES", "15"))
# Django's ADMINS (comma-separated addresses) unless NOTIFICATION_ALERT_EMAILS says otherwise.
ADMINS = [(a.strip(), a.strip()) for a in env("ADMINS", "").split(",") if a.strip()]
NOTIFICATION_ALERT_EMAILS = [
    a.strip() for a in env("NOTIFICATION_ALERT_EMAILS", ",".join(e for _, e in ADMINS)).split(",")
    if a.strip()]

# Outgoing webhooks (guichet/notifications/webhooks.py): each attempt waits this long for an
# answer; timeouts, connection errors, 408, 429 and 5xx are retried (30 s, 2 min, 10 min, 1 h,
# then every 6 h) for WEBHOOK_RETRY_DAYS, then the delivery is abandoned; an endpoint failing
# WEBHOOK_DISABLE_AFTER_FAILURES attempts in a row is disabled and its administrators told.
WEBHOOK_TIMEOUT_SECONDS = float(env("WEBHOOK_TIMEOUT_SECONDS", "10"))
WEBHOOK_RETRY_DAYS = int(env("WEBHOOK_RETRY_DAYS", "3"))
WEBHOOK_DISABLE_AFTER_FAILURES = int(env("WEBHOOK_DISABLE_AFTER_FAILURES", "20"))
WEBHOOK_LEASE_SECONDS = int(env("WEBHOOK_LEASE_SECONDS", "120"))

# Back-office: a case is "due soon" when its resolution is due within this many hours.
DUE_SOON_HOURS = int(env("DUE_SOON_HOURS", "24"))
# Social networks: answer within 48 business hours, deal with it within 5 business days
# (5 × 24 business hours, see guichet.lib.business_time), unless an SLA policy says otherwise.
# Shown on the public « charte » page.
SOCIAL_FIRST_RESPONSE_HOURS = int(env("SOCIAL_FIRST_RESPONSE_HOURS", "48"))
SOCIAL_RESOLUTION_HOURS = int(env("SOCIAL_RESOLUTION_HOURS", "120"))

# Signalements.
REPORT_DUPLICATE_RADIUS_M = int(env("REPORT_DUPLICATE_RADIUS_M", "50"))
REPORT_MAX_PHOTOS = int(env("REPORT_MAX_PHOTOS", "3"))
REPORT_REOPEN_DAYS = int(env("REPORT_REOPEN_DAYS", "30"))
# "Est-ce réparé ?" is asked this many days after a report is resolved.
REPORT_FIXED_QUESTION_DAYS = int(env("REPORT_FIXED_QUESTION_DAYS", "7"))
# The public map shows the most recent points; the list under it has every report.
REPORT_MAP_MAX_POINTS = int(env("REPORT_MAP_MAX_POINTS", "2000"))
MAP_TILE_URL = env("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env("MAP_TILE_ATTRIBUTION", "© les contributeurs d'OpenStreetMap")
# Appointments: reminders this many hours before (email, and SMS when a phone is known).
APPOINTMENT_REMINDER_HOURS = [int(h) for h in env_list("APPOINTMENT_REMINDER_HOURS", "48,2")]
# SMS: console (printed), file (appended to VAR_DIR/sms.log) or http (a gateway's JSON API).
SMS_BACKEND = env("SMS_BACKEND", "console")
SMS_HTTP_URL = env("SMS_HTTP_URL", "")
SMS_HTTP_TOKEN = env("SMS_HTTP_TOKEN", "")
SMS_SENDER = env("SMS_SENDER", "GUICHET")

# --- Payments: PayFiP in production, or the built-in test provider (its "test bank" lets
# anyone mark a payment paid) only when chosen explicitly, as the demo and the tests do, or
# under DEBUG. Empty: no online payment (paid bookings are validated by an agent, who says how
# to pay). PAYMENT_SECRET signs the test provider's callbacks: its own secret, derived from
# SECRET_KEY with a salt unless given.
PAYMENT_PROVIDER = env("PAYMENT_PROVIDER", "test" if DEBUG else "").strip()
PAYMENT_SECRET = env("PAYMENT_SECRET", "") or hmac.new(
    SECRET_KEY.encode(), b"guichet.bookings.payments.secret", hashlib.sha256).hexdigest()
PAYMENT_HOLD_MINUTES = int(env("PAYMENT_HOLD_MINUTES", "30"))
PAYFIP_URL = env("PAYFIP_URL", "https://www.payfip.gouv.fr/tpa/paiement.web")
PAYFIP_CHECK_URL = env("PAYFIP_CHECK_URL", "")
PAYFIP_CLIENT_NUMBER = env("PAYFIP_CLIENT_NUMBER", "")
PAYFIP_MODE = env("PAYFIP_MODE", "T")
# --- end of payments ----------------------------------------------------------------------

# Inbound email: posted by the mail server to /entree/courriel/ with this bearer token, or
# fetched from an IMAP mailbox by `manage.py fetch_mail`.
INBOUND_TOKEN = env("INBOUND_TOKEN", "")
INBOUND_MAX_BYTES = int(env("INBOUND_MAX_BYTES", str(25 * 1024 * 1024)))
INBOUND_IMAP_HOST = env("INBOUND_IMAP_HOST", "")
INBOUND_IMAP_PORT = int(env("INBOUND_IMAP_PORT", "993"))
INBOUND_IMAP_SSL = env_bool("INBOUND_IMAP_SSL", True)
INBOUND_IMAP_USER = env("INBOUND_IMAP_USER", "")
INBOUND_IMAP_PASSWORD = env("INBOUND_IMAP_PASSWORD", "")
INBOUND_IMAP_FOLDER = env("INBOUND_IMAP_FOLDER", "INBOX")

# Address search: the BAN API (api-adresse), empty to turn it off.
GEOCODER_URL = env("GEOCODER_URL", "https://data.geopf.fr/geocodage/search")
GEOCODER_TIMEOUT = float(env("GEOCODER_TIMEOUT", "3"))
GEOCODER_MIN_SCORE = float(env("GEOCODER_MIN_SCORE", "0.5"))
# Open311: at most this many requests in a list, 90 days by default. Every write attempt
# counts, per key (the key's own "requêtes d'écriture par minute") and per client address.
OPEN311_MAX_REQUESTS = 1000
OPEN311_DEFAULT_DAYS = 90
OPEN311_POSTS_PER_IP_PER_MINUTE = int(env("OPEN311_POSTS_PER_IP_PER_MINUTE", "120"))
# The limits' window. The figures above are per minute: keep 60 (the tests lengthen it so that
# a slow machine never sees a window end in the middle of a test).
OPEN311_RATE_WINDOW_SECONDS = 60
# REST API v1: requests a minute per token (then 429 with Retry-After).
API_REQUESTS_PER_MINUTE = int(env("API_REQUESTS_PER_MINUTE", "120"))

# Rate limits (django-ratelimit) count in a table of the database, shared by every process on
# every machine, with an atomic increment (guichet.lib.cache). `migrate` creates the table.
# "default" holds what may differ from one process to the next (cached public pages): Redis
# when REDIS_URL is set, else each process's memory. "ratelimit" and "shared" are one table of
# the database, which every process on every machine reads: the rate limits' counters and the
# public pages' generations (guichet.lib.public_cache).
REDIS_URL = env("REDIS_URL", "")
_shared_cache = {"BACKEND": "guichet.lib.cache.DatabaseCache", "LOCATION": "guichet_ratelimit",
                 "TIMEOUT": 3600, "OPTIONS": {"MAX_ENTRIES": 10000}}
CACHES = {
    "default": ({"BACKEND": "django.core.cache.backends.redis.RedisCache",
                 "LOCATION": REDIS_URL, "KEY_PREFIX": "guichet"} if REDIS_URL
                else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}),
    "ratelimit": _shared_cache,
    "shared": {**_shared_cache, "KEY_PREFIX": "shared"},
}
# How long an anonymous public page may be served from the cache (0: never cached). Writes
# invalidate it at once; this only bounds what an unforeseen write could leave.
PUBLIC_CACHE_SECONDS = int(env("PUBLIC_CACHE_SECONDS", "300"))
RATELIMIT_USE_CACHE = "ratelimit"
# Public forms (guichet.lib.ratelimit.form_throttled): (key, attempts, seconds). A password
# login is also locked per account by django-axes.
RATE_LIMITS = {
    "login": [("ip", int(env("RATE_LOGIN_PER_IP", "30")), 900)],
    "magic_link": [("email", 5, 900), ("ip", int(env("RATE_MAGIC_LINK_PER_IP", "20")), 900)],
    "contact": [("ip", int(env("RATE_CONTACT_PER_IP", "10")), 600)],
    # Confirming a deletion with one's password: a stolen session may not guess it.
    "reauth": [("ip", 10, 900)],
}
RATELIMIT_IP_META_KEY = "guichet.lib.ratelimit.client_ip"
# django-ratelimit warns about any backend but memcached and redis: ours is atomic (see above).
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]

TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# Magic links and email-verification links stay valid this long.
# Agents: a second factor (TOTP) is required, and a session ends after this inactivity.
AGENT_2FA_REQUIRED = env_bool("AGENT_2FA_REQUIRED", True)
AGENT_IDLE_MINUTES = int(env("AGENT_IDLE_MINUTES", "30"))
# Second factor: this many wrong codes in a row lock its check for this many minutes.
OTP_FAILURE_LIMIT = int(env("OTP_FAILURE_LIMIT", "5"))
OTP_LOCKOUT_MINUTES = int(env("OTP_LOCKOUT_MINUTES", "15"))
MAGIC_LINK_MAX_AGE = int(env("MAGIC_LINK_MAX_AGE", str(15 * 60)))
EMAIL_VERIFICATION_MAX_AGE = int(env("EMAIL_VERIFICATION_MAX_AGE", str(3 * 24 * 3600)))

# Security: strict by default outside DEBUG; a reverse proxy terminates TLS.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
# A load balancer probes /sante/ over plain http inside the private network.
SECURE_REDIRECT_EXEMPT = [r"^sante/$"]
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "guichet.portal.views.errors.csrf_failure"  # in French, with a way back

# --- Content-Security-Policy (django-csp): our own files only, no inline script; the one
# inline <style> (the collectivité's colour) carries the request's nonce; map tiles come from
# MAP_TILE_URL's origin, and a payment form may lead to PayFiP.
from urllib.parse import urlsplit  # noqa: E402

from csp.constants import NONCE, NONE, SELF  # noqa: E402


def _origin(url: str) -> str:
    parts = urlsplit(url.replace("{s}", "*"))  # Leaflet's subdomain placeholder
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        # data: Leaflet's blank placeholder for tiles it drops.
        "img-src": [SELF, "data:", *filter(None, [_origin(MAP_TILE_URL)])],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF, *filter(None, [_origin(PAYFIP_URL)
                                             if PAYMENT_PROVIDER == "payfip" else ""])],
        "frame-ancestors": [NONE],
    },
}
# --- end of Content-Security-Policy ---------------------------------------------------------

if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_errors_without_traceback": {
        "()": "guichet.lib.log_filters.ClientErrorsWithoutTraceback"}},
    "formatters": {"json": {"()": "guichet.lib.log_filters.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler",
                             **({"formatter": "json"} if env("LOG_FORMAT", "") == "json" else {})}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint narrates every step of every PDF at INFO.
        "weasyprint.progress": {"level": "WARNING"},
        # Django's default config gives "django" a console handler of its own (with DEBUG) on
        # top of ours: every line would be printed twice. Everything goes to the root's.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.request": {"filters": ["client_errors_without_traceback"]},
    },
}

# /sante/ answers 503 when the oldest due task has waited longer than this (workers down).
HEALTH_QUEUE_MAX_AGE = int(env("HEALTH_QUEUE_MAX_AGE", "300"))

# The collectivité whose name and colours dress the pages (default: the first EPCI).
TERRITORY_SLUG = env("TERRITORY_SLUG", "")

FORM_RENDERER = "guichet.lib.forms.FormRenderer"
