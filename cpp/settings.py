"""Settings for cpp, read from the environment.

With nothing set, the embedded default serves one person on one machine: a SQLite file in the
project folder and Celery tasks run in-process. Production sets DATABASE_URL (PostgreSQL),
CELERY_BROKER_URL (Redis), SECRET_KEY, DEBUG=false and ALLOWED_HOSTS.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_map(name: str) -> dict[str, list[str]]:
    """``value=target,value=target``: each value with its targets (a value may repeat)."""
    mapping: dict[str, list[str]] = {}
    for pair in env_list(name, ""):
        value, sep, target = (part.strip() for part in pair.partition("="))
        if not (sep and value and target):
            raise ImproperlyConfigured(f"{name}: {pair!r} is not value=target.")
        mapping.setdefault(value, []).append(target)
    return mapping


DEBUG = env_bool("DEBUG", True)
# The fallback key is only for the embedded default; production must set its own, so a server
# started with DEBUG off and no key refuses to run rather than sign sessions with a public key.
SECRET_KEY = os.environ.get("SECRET_KEY") or ""
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-local-only-key-change-me"
# Demo accounts with published passwords: only where someone is trying the app on their machine.
DEMO_ACCOUNTS_ALLOWED = env_bool("DEMO_ACCOUNTS_ALLOWED", DEBUG)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "crispy_forms",
    "crispy_bootstrap5",
    "import_export",
    "accounts",
    "audit",
    "sso",
    "indicators",
    "narratives",
    "reports",
    # The top layer: settings, URLs, Celery, the home page and load_sample_data.
    "cpp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # WhiteNoise (inserted here when DEBUG is off) serves /static/ straight after the security
    # headers, before sessions or the database are touched.
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Single sign-on only: re-checks a directory session with the provider every
    # OIDC_REVALIDATE_SECONDS, so a person disabled there loses their session here.
    "sso.oidc.RevalidateSession",
    # Last, as django-axes requires: it turns a lockout flagged during sign-in into the 429 page.
    "axes.middleware.AxesMiddleware",
]
if not DEBUG:
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

# django-axes checks every sign-in first and refuses locked-out ones; then a password (only the
# listed LOCAL_ACCOUNTS while single sign-on is on) or the council's identity provider signs in.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.LocalPasswordBackend",
    "sso.oidc.DirectoryBackend",
]

ROOT_URLCONF = "cpp.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.access.role_context",
            ],
        },
    },
]

WSGI_APPLICATION = "cpp.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'cpp.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# With DEBUG off, WhiteNoise serves collectstatic's compressed files under hashed names (cached
# for a year). That storage needs `collectstatic` to have run, so `make run` and the tests (DEBUG
# on) keep Django's plain storage.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Uploaded files and built reports: outside the static root, served only through views.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Celery: with no broker configured, tasks run in-process (the embedded default).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE  # the daily reminders go out at 07:00 London time
# Celery beat: the daily narrative reminders (authors, approvers, and overdue to the officers).
CELERY_BEAT_SCHEDULE = {
    "narrative-reminders": {
        "task": "narratives.tasks.send_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    # The sweeps: work committed while the broker was down, or whose worker died, is queued again.
    "requeue-waiting-builds": {"task": "reports.tasks.requeue_waiting_builds", "schedule": 60.0},
    "send-pending-emails": {"task": "narratives.tasks.send_pending_emails", "schedule": 300.0},
}
# An unacknowledged task (its worker killed mid-build) is delivered again after this many seconds;
# longer than the longest build, or a slow build would be started twice (harmless, but wasted).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600"))
}

# Email: the console by default; SMTP (or another backend) from the environment.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "performance@example.gov.uk")
# The address e-mails link to (no trailing slash).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Uploads: a monthly figures file is a few hundred KB; 120,000 rows are about 4 MB.
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))
# What one file may hold once opened, far beyond any council's file: a hostile or damaged file
# (a zip bomb, a sheet of a million rows) is refused with a message rather than tie up a worker.
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "250000"))
IMPORT_MAX_INFLATED_BYTES = int(os.environ.get("IMPORT_MAX_INFLATED_BYTES", str(200 * 1024 * 1024)))
IMPORT_MAX_ZIP_ENTRIES = int(os.environ.get("IMPORT_MAX_ZIP_ENTRIES", "1000"))
IMPORT_MAX_CELL_CHARS = int(os.environ.get("IMPORT_MAX_CELL_CHARS", "20000"))
# A previewed upload not confirmed within this many hours expires (its plan has gone stale).
UPLOAD_PREVIEW_HOURS = int(os.environ.get("UPLOAD_PREVIEW_HOURS", "72"))
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024


# Security. With DEBUG off every protection is on by default; each can be relaxed from the
# environment (e.g. SECURE_SSL_REDIRECT=false for a gunicorn on loopback with no TLS in front).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
# Only consents to the browsers' preload list; submitting the domain is a separate, manual step.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
# Behind N reverse proxies (PROXY_COUNT=1 for one nginx), trust the last proxy's
# X-Forwarded-Proto for HTTPS and X-Forwarded-For for the client address the lockouts count by.
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
if PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    AXES_IPWARE_PROXY_COUNT = PROXY_COUNT
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# A working day's session that ends with the browser: shared council PCs are common.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 60 * 60)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Content-Security-Policy (django-csp 4): only our own files. Pages have no inline script or
# style (chart data travels in a json_script block, which is data, not script).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Bootstrap draws its icons (navbar toggler, form validation) as data: SVGs.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# Sign-in throttling (django-axes, accounts/security.py): 5 failures for one username from one
# address lock that pair, and 20 failures from one address (any usernames) lock the address, for
# 15 minutes; a successful sign-in clears the count. Sign-ins and failures go to the audit log.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
SIGN_IN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("SIGN_IN_ADDRESS_FAILURE_LIMIT", "20"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["ip_address", ["username", "ip_address"]]
AXES_HANDLER = "accounts.security.AddressAndAccountHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.security.locked_out"

# Single sign-on with the council's identity provider (OpenID Connect, authorization code with
# PKCE; mozilla-django-oidc, glued in sso/oidc.py). Off unless an issuer or an Entra ID tenant
# is set; the provider's endpoints come from its discovery document when someone signs in.
OIDC_ENTRA_TENANT = os.environ.get("OIDC_ENTRA_TENANT", "")
OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "").rstrip("/") or (
    f"https://login.microsoftonline.com/{OIDC_ENTRA_TENANT}/v2.0" if OIDC_ENTRA_TENANT else ""
)
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
if OIDC_ISSUER and not (OIDC_RP_CLIENT_ID and OIDC_RP_CLIENT_SECRET):
    raise ImproperlyConfigured("Single sign-on needs OIDC_CLIENT_ID and OIDC_CLIENT_SECRET.")
OIDC_RP_SCOPES = os.environ.get("OIDC_SCOPES", "openid profile email")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_SIGN_ALGO", "RS256")
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
# The ID token is the hint the provider's sign-out needs; nothing else is kept of the tokens.
OIDC_STORE_ID_TOKEN = True
OIDC_TIMEOUT = int(os.environ.get("OIDC_TIMEOUT", "10"))
# The ID token claim that holds the person's app roles or groups, and what its values mean:
# OIDC_ROLES gives roles (performance_officer, head_of_service, approver, panel_member),
# OIDC_SECTIONS makes a head of service of the sections named by their codes.
OIDC_ROLES_CLAIM = os.environ.get("OIDC_ROLES_CLAIM", "roles")
OIDC_ROLES = env_map("OIDC_ROLES")
OIDC_SECTIONS = env_map("OIDC_SECTIONS")
OIDC_USERNAME_CLAIM = os.environ.get("OIDC_USERNAME_CLAIM", "preferred_username")
# How often a directory session is confirmed with the provider (mozilla-django-oidc's name).
OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS = int(os.environ.get("OIDC_REVALIDATE_SECONDS", "900"))
# Whom a person with no role, or refused, should ask: shown on the refusal page.
OIDC_HELP_CONTACT = os.environ.get("OIDC_HELP_CONTACT", "the performance team")
# While single sign-on is on, only these accounts may sign in with a password (emergency access,
# co-opted members); none listed turns password sign-in off. Without single sign-on: everyone.
LOCAL_ACCOUNTS = env_list("LOCAL_ACCOUNTS", "")
if OIDC_ISSUER:
    # The browser follows the sign-out form's redirect to the provider's end-session endpoint.
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(
        "/".join(OIDC_ISSUER.split("/")[:3])
    )

# Logging to standard error (gunicorn's and celery's logs): request errors with their traceback,
# and the product's own warnings (e.g. a task that could not be queued while Redis was down).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "django.request": {"handlers": ["stderr"], "level": "ERROR", "propagate": False},
        **{
            app: {"handlers": ["stderr"], "level": os.environ.get("LOG_LEVEL", "INFO")}
            for app in ("accounts", "audit", "cpp", "sso", "indicators", "narratives", "reports")
        },
    },
}
