"""SIMIS settings. Every value that differs between deployments comes from the environment
through the typed readers in config/env.py, which refuse malformed values."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("SIMIS_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("SIMIS_DEBUG", False)
TESTING = env_bool("SIMIS_TESTING", False)
# `make run`: a production-shaped server on plain http://127.0.0.1 with demo data.
DEMO = env_bool("SIMIS_DEMO", False)


def _secret_key() -> str:
    """Production must set SIMIS_SECRET_KEY. A development checkout keeps a generated key in
    var/ so sessions survive restarts; it is never committed."""
    key = env_str("SIMIS_SECRET_KEY", "")  # empty default: checked below
    if key:
        return key
    if not (DEBUG or TESTING or DEMO):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("SIMIS_SECRET_KEY is required when SIMIS_DEBUG is false.")
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("SIMIS_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("SIMIS_CSRF_TRUSTED_ORIGINS", [])
# The public base URL partners sign against (RFC 9421 @target-uri) and WebAuthn's origin.
SIMIS_PUBLIC_URL = env_str("SIMIS_PUBLIC_URL", "http://localhost:8000")

# Arabic pages print amounts with a point, as Saudi bills and statements do (config/formats/ar).
FORMAT_MODULE_PATH = ["config.formats"]

INSTALLED_APPS = [
    "simis.core",
    "simis.audit",
    "simis.identity",
    "simis.api",
    "simis.registry",
    "simis.uploads",
    "simis.contributions",
    "simis.payments",
    "simis.workflow",
    "simis.documents",
    "simis.notifications",
    "simis.portal",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "ninja",
    "bootstrap",
    "procrastinate.contrib.django",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "simis.core.middleware.RequestIdMiddleware",
    "simis.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "simis.identity.middleware.SessionLimitsMiddleware",
    "simis.identity.middleware.UserLanguageMiddleware",
    "simis.identity.middleware.StaffSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "simis.portal.context_processors.portal",
            ],
        },
    }
]
# Every form field renders with its help on demand (SUP-1): simis/portal/forms.py.
FORM_RENDERER = "simis.portal.forms.PortalFormRenderer"

# --- Database: PostgreSQL only. Without DATABASE_URL, the embedded server under var/pg. ---
_DEFAULT_DB_URL = f"postgres://postgres@127.0.0.1:{env_int('SIMIS_PG_PORT', 54329)}/simis"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", _DEFAULT_DB_URL), conn_max_age=env_int("SIMIS_DB_CONN_MAX_AGE", 60)
    )
}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("SIMIS runs on PostgreSQL only: DATABASE_URL must be postgres://…")
# Several test runs may share one server (developers, CI): SIMIS_TEST_DB names the test database.
DATABASES["default"]["TEST"] = {"NAME": env_str("SIMIS_TEST_DB", "test_simis")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        # PostgreSQL-backed, so every web process behind the load balancer sees the same
        # rate-limit and lockout counters.
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "simis_cache",
    }
}

AUTH_USER_MODEL = "identity.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "simis.identity.backends.JobFunctionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = (
    ["django.contrib.auth.hashers.MD5PasswordHasher"]  # tests only: speed
    if TESTING
    else ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
)

# --- Internationalisation: Arabic first. ---
LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", _("Arabic")), ("en", _("English"))]
LANGUAGE_COOKIE_NAME = "simis_language"
TIME_ZONE = "Asia/Riyadh"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS: list[Path] = []  # each app keeps its own locale/ folder

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# `make run` serves collected files through WhiteNoise; debug and tests read the apps' folders.
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
if WHITENOISE_USE_FINDERS:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": VAR_DIR / "media"},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:home"

# --- Sessions and security headers ---
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_COOKIES = env_bool("SIMIS_SECURE_COOKIES", not (DEBUG or TESTING or DEMO))
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_SSL_REDIRECT = env_bool("SIMIS_SSL_REDIRECT", False)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("SIMIS_BEHIND_PROXY", False) else None
)
# Browsers honour HSTS only over HTTPS; Django sends it only on secure requests.
SECURE_HSTS_SECONDS = env_int("SIMIS_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Session limits per audience: (idle seconds, absolute seconds).
SIMIS_SESSION_LIMITS = {
    "staff": (15 * 60, 12 * 3600),
    "default": (3600, 24 * 3600),
}
SESSION_COOKIE_AGE = 24 * 3600
# A sensitive permission needs a WebAuthn verification at most this old.
SIMIS_STEP_UP_MAX_AGE = env_int("SIMIS_STEP_UP_MAX_AGE", 300)
# Scan batches (documents): the largest file, the most pages, the most pixels a page may have.
SIMIS_DOCUMENTS_MAX_BYTES = env_int("SIMIS_DOCUMENTS_MAX_BYTES", 100 * 1024 * 1024)
SIMIS_DOCUMENTS_MAX_PAGES = env_int("SIMIS_DOCUMENTS_MAX_PAGES", 500)
SIMIS_DOCUMENTS_MAX_PAGE_PIXELS = env_int("SIMIS_DOCUMENTS_MAX_PAGE_PIXELS", 89_478_485)  # Pillow's own limit
# The office whose staff hold the steps a case type assigns to the head office (workflow).
SIMIS_HEAD_OFFICE = env_str("SIMIS_HEAD_OFFICE", "HQ")

# --- allauth ---
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "simis.identity.adapters.AccountAdapter"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/15m/key"}
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_TOTP_ISSUER = "SIMIS"
# A code read at the end of its 30-second window arrives in the next one: accept the previous
# step too (RFC 6238 s. 5.2 allows one step of delay). allauth still refuses a code used twice.
MFA_TOTP_TOLERANCE = 1
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env_bool(
    "SIMIS_WEBAUTHN_ALLOW_INSECURE_ORIGIN", DEBUG or TESTING or DEMO
)
MFA_PASSKEY_LOGIN_ENABLED = False
# The seed's iKey has its own PIN: a security key must verify its holder (PIN or biometric),
# not merely be present, for registration and for every step-up.
MFA_WEBAUTHN_USER_VERIFICATION = "required"

# --- Billing (simis/contributions/billing.py) ---
# A month's lines are computed by this many connections at once on a register of at least
# SIMIS_BILLING_PARALLEL_FROM contribution periods (one per core, at most four).
SIMIS_BILLING_PARTS = env_int("SIMIS_BILLING_PARTS", min(4, os.cpu_count() or 1))
SIMIS_BILLING_PARALLEL_FROM = env_int("SIMIS_BILLING_PARALLEL_FROM", 200_000)
# Seconds a billing run's parallel part waits for a lock before it fails the run.
SIMIS_BILLING_LOCK_TIMEOUT = env_int("SIMIS_BILLING_LOCK_TIMEOUT", 60)
# Memory for each sort or hash of a billing run (a PostgreSQL size).
SIMIS_BILLING_WORK_MEM = env_str("SIMIS_BILLING_WORK_MEM", "256MB")

# --- Partner web services (simis/api/README.md) ---
# SIMIS's response-signing key and its certificate (PEM files). Debug, demo and test runs
# generate a pair under var/api-signing/; production must provide both (a system check fails).
SIMIS_API_SIGNING_KEY = env_str("SIMIS_API_SIGNING_KEY", "")  # empty default: see above
SIMIS_API_SIGNING_CERTIFICATE = env_str("SIMIS_API_SIGNING_CERTIFICATE", "")

# --- Bulk files (simis/uploads/README.md): refused whole beyond these, before parsing ---
SIMIS_UPLOAD_MAX_BYTES = env_int("SIMIS_UPLOAD_MAX_BYTES", 50 * 1024 * 1024)
SIMIS_UPLOAD_MAX_ROWS = env_int("SIMIS_UPLOAD_MAX_ROWS", 200_000)
SIMIS_UPLOAD_MAX_UNPACKED_BYTES = env_int("SIMIS_UPLOAD_MAX_UNPACKED_BYTES", 400 * 1024 * 1024)
SIMIS_UPLOAD_MAX_RATIO = env_int("SIMIS_UPLOAD_MAX_RATIO", 200)  # XLSX: unpacked ÷ packed

# --- Jobs ---
PROCRASTINATE_ON_APP_READY = "simis.core.jobs.on_app_ready"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "simis.core.middleware.RequestIdLogFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": env_str("SIMIS_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "procrastinate": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},  # it logs every rendering step at INFO
        "fontTools": {"level": "WARNING"},
        "procrastinate.worker": {"level": "INFO"},
    },
}
LOGIN_URL_PATH = "/accounts/login/"

# --- Notifications (simis/notifications/README.md): SMS gateway (CH-5) and error alerts (REL-3) ---
SIMIS_SMS_BACKEND = env_str("SIMIS_SMS_BACKEND", "file")  # file | console | http | smpp
SIMIS_SMS_OUTBOX_PATH = env_str("SIMIS_SMS_OUTBOX_PATH", str(VAR_DIR / "sms" / "outbox.jsonl"))
SIMIS_SMS_GATEWAY_URL = env_str("SIMIS_SMS_GATEWAY_URL", "")  # https://… or smpp://system_id@host:port
SIMIS_SMS_GATEWAY_SECRET = env_str("SIMIS_SMS_GATEWAY_SECRET", "")  # bearer token or SMPP password
SIMIS_SMS_GATEWAY_TIMEOUT = env_int("SIMIS_SMS_GATEWAY_TIMEOUT", 10)
SIMIS_SMS_SENDER = env_str("SIMIS_SMS_SENDER", "SIMIS")
SIMIS_SMS_RATE_PER_SECOND = env_int("SIMIS_SMS_RATE_PER_SECOND", 20)
SIMIS_SMS_WEBHOOK_SECRET = env_str("SIMIS_SMS_WEBHOOK_SECRET", "")  # empty: status callbacks refused
SIMIS_QUALITY_OWNER_EMAIL = env_list("SIMIS_QUALITY_OWNER_EMAIL", [])
SIMIS_QUALITY_OWNER_PHONE = env_str("SIMIS_QUALITY_OWNER_PHONE", "")
SIMIS_ERROR_ALERT_WINDOW = env_int("SIMIS_ERROR_ALERT_WINDOW", 15 * 60)  # seconds
EMAIL_BACKEND = env_str("SIMIS_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env_str("SIMIS_MAIL_FROM", "simis@localhost")
