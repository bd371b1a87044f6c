"""dxports settings: one module, read from the environment (DESIGN.md §3).

Production differs from development only by environment variables. With DJANGO_DEBUG off (the default) the
process refuses to start without real secrets (DJANGO_SECRET_KEY, FIELD_ENCRYPTION_KEY, ALIBABA_APP_SECRET), the
gateway's key and address, allowed hosts, the site's address and an EMAIL_URL that delivers: no development value is
used silently. The embedded defaults (SQLite, kombu's filesystem broker, console e-mail) need nothing installed but
Python, and are used only with DJANGO_DEBUG on.
"""

from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from dxports.logs import LOGGERS as QUIET_LOGGERS

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# Everything the embedded defaults write (SQLite, the broker's folders, media, logs) lives here.
VAR_DIR = Path(env("DXPORTS_VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DJANGO_DEBUG", default=False)


def _production_value(name: str, *, dev_default: str) -> str:
    """A value that has a development default only with DEBUG on; in production it must be set."""
    value = env.str(name, default="")
    if value:
        return value
    if DEBUG:
        return dev_default
    raise ImproperlyConfigured(f"Set the {name} environment variable (required when DJANGO_DEBUG is off).")


def _production_secret(name: str, *, dev_default: str, min_length: int = 0) -> str:
    """A secret that has a development value only with DEBUG on; in production it must be set, and be real."""
    value = _production_value(name, dev_default=dev_default)
    if not DEBUG and (len(value) < min_length or value.startswith("django-insecure") or value == dev_default):
        raise ImproperlyConfigured(f"{name} is not a real secret: use a random value of {min_length}+ characters.")
    return value


def _production_address(name: str, *, dev_default: str) -> str:
    """Where something is: development's address (this machine) only with DEBUG on."""
    value = _production_value(name, dev_default=dev_default)
    if not DEBUG and value.rstrip("/") == dev_default:
        raise ImproperlyConfigured(f"{name} is the development address {dev_default}: set the production one.")
    return value


# The ports `make run` serves on (Procfile). A second copy on other ports (DXPORTS_WEB_PORT=8130 make run) must talk
# to itself: development's addresses of the site (links in e-mails, seed_demo's logins), the gateway and the mock's
# pushes follow these ports unless DXPORTS_SITE_URL, ALIBABA_GATEWAY_URL or ALIBABA_PUSH_URL say otherwise.
DXPORTS_WEB_PORT = env.int("DXPORTS_WEB_PORT", default=8000)
DXPORTS_GATEWAY_PORT = env.int("DXPORTS_GATEWAY_PORT", default=8001)


SECRET_KEY = _production_secret(
    "DJANGO_SECRET_KEY", dev_default="dev-only-secret-key-never-use-in-production-0123456789abcdef", min_length=50
)
FIELD_ENCRYPTION_KEY = _production_secret(
    "FIELD_ENCRYPTION_KEY", dev_default="dev-only-field-encryption-key-0123456789", min_length=32
)
# Keys the partners' API keys are hashed with and their webhook secrets derived from: changing it invalidates every
# API key and webhook secret.
PARTNERS_SECRET_KEY = _production_secret(
    "PARTNERS_SECRET_KEY", dev_default="dev-only-partners-secret-key-0123456789", min_length=32
)

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set DJANGO_ALLOWED_HOSTS (comma-separated) when DJANGO_DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "axes",
    "django_countries",
    "csp",
    "dxports",
    "alibaba",
    "sellers",
    "brand",
    "catalog",
    "buyers",
    "partners",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "dxports.middleware.RejectNulInQueryMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "dxports.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "dxports.middleware.AdminSelectionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Accounts (django-allauth): e-mail and password, no username; the address must be confirmed before logging in.
# Lockout (django-axes): AxesStandaloneBackend first, so that a locked-out login is refused before any password check.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# An address belongs to an account only once its mailbox confirmed it, and nobody can park one: an account has one
# address, changed by confirming the new one (ACCOUNT_CHANGE_EMAIL), with a code typed in the session that asked for
# it. A confirmation link would let the mailbox's owner hand their address to whoever asked for it, and until then
# the unconfirmed address would be held in the database, stopping its owner from signing up.
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[dxports] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
ACCOUNT_RATE_LIMITS = {
    # Failed logins are counted (and locked out) by django-axes alone, so that one rule decides.
    "login_failed": False,
    # Codes sent to one address: a message someone else asked for (an attempt to park the address) leaves its owner
    # room to sign up at once; and one account changes its address at most ten times an hour, so that it cannot keep
    # an address's quota used up (or its mailbox flooded).
    "confirm_email": "3/m/key",
    "manage_email": "10/h/user",
}
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "sellers:home"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 1  # hour
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "sellers.accounts.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"
AXES_VERBOSE = False
# Behind a load balancer or reverse proxy every request comes from the proxy's address: lockout and rate limits must
# count the client's address, which only the proxies we run can tell (dxports/proxies.py). The number of proxies in
# front of the web processes; 0 (the default) ignores X-Forwarded-For, which any client can write.
DXPORTS_TRUSTED_PROXY_COUNT = env.int("DXPORTS_TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "dxports.proxies.client_ip"
ACCOUNT_ADAPTER = "sellers.accounts.AccountAdapter"

ROOT_URLCONF = "dxports.urls"
WSGI_APPLICATION = "dxports.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dxports.dashboard.context",
            ],
            "builtins": ["dxports.templatetags.numerals"],
        },
    },
]

# Database: SQLite under var/ by default; PostgreSQL through DATABASE_URL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # Web, worker and beat share one file: WAL lets readers and one writer work at once, IMMEDIATE
    # transactions take the write lock up front instead of failing half-way with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "dxports.User"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# /healthz (dxports/health.py): one round of checks serves every caller for this long; the holder of the token (sent
# as "Authorization: Bearer …") sees each check and its error, anyone else only "ok" or "down" (with DEBUG on,
# everyone sees them). No token, no details in production: the failures are in the log.
HEALTHZ_CACHE_S = env.float("HEALTHZ_CACHE_S", default=5.0)
HEALTHZ_TOKEN = env.str("HEALTHZ_TOKEN", default="")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("bn", _("Bengali"))]
# The project's catalogue (makemessages keeps it), then the Bengali names of every country django-countries knows,
# generated once from the Unicode CLDR (django-countries ships no Bengali; buyers come from everywhere).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "countries"]
TIME_ZONE = "Asia/Dhaka"
USE_I18N = True
USE_TZ = True
# Dates as each language writes them ("1 Dec 2026, 00:25"), input formats ISO first (dxports/formats/).
FORMAT_MODULE_PATH = ["dxports.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media")))
# KYC documents: outside MEDIA_ROOT and any URL; served only by sellers' permission-checked view.
SELLERS_PRIVATE_ROOT = Path(env("SELLERS_PRIVATE_ROOT", default=str(VAR_DIR / "private")))
# Certificates of the company profiles: private too, served only by brand's permission-checked view.
BRAND_PRIVATE_ROOT = Path(env("BRAND_PRIVATE_ROOT", default=str(VAR_DIR / "private-certificates")))
# Where links in e-mails point (e-mails are sent by workers, which have no request to build URLs from).
SELLERS_SITE_URL = _production_address("DXPORTS_SITE_URL", dev_default=f"http://127.0.0.1:{DXPORTS_WEB_PORT}")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Development prints e-mails on the terminal. Production must deliver them: confirmation codes, password-reset links
# and invitation tokens would otherwise end up in a log, or nowhere.
EMAIL_URL = _production_value("EMAIL_URL", dev_default="consolemail://")
EMAIL_CONFIG = env.email_url_config(EMAIL_URL)
if not DEBUG and EMAIL_CONFIG["EMAIL_BACKEND"] != "django.core.mail.backends.smtp.EmailBackend":
    raise ImproperlyConfigured(
        "EMAIL_URL must deliver mail when DJANGO_DEBUG is off: smtp://, smtps:// or smtp+tls://."
    )
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="dxports <no-reply@dxports.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security: the deploy checklist is satisfied whenever DEBUG is off.
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy on every response (django-csp; docs/security.md): scripts, styles, images, fonts and
# fetches from our origin only, so no inline script, style or event handler runs; no plugins or frames; forms post
# to us only; nobody frames us. A response that sets its own policy keeps it (file downloads: a sandbox). The one
# exception is a view's csp_update (the API docs' Swagger UI draws icons from data: URLs). With DEBUG on, Django's
# error pages (inline style and script) go without it.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "base-uri": [NONE],
        "connect-src": [SELF],
        "font-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "img-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
    }
}

# Celery (DESIGN.md §6): a task is acknowledged only when it finished, a worker holds one message at a time,
# and the broker redelivers a message only after a visibility timeout longer than any task or countdown.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, int | str] = {"visibility_timeout": 60 * 60 * 2}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    for _folder in ("queue", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "control_folder": str(_broker_dir / "control"),
    }
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 60 * 30
CELERY_TASK_SOFT_TIME_LIMIT = 60 * 25
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {}
# Sellers: expiry reminders and "action needed" once a day; gateway tokens refreshed when under two days are left.
CELERY_BEAT_SCHEDULE["sellers-expiry-sweep"] = {"task": "sellers.tasks.sellers_expiry_sweep", "schedule": 60 * 60 * 24}
CELERY_BEAT_SCHEDULE["sellers-refresh-supplier-tokens"] = {
    "task": "sellers.tasks.sellers_refresh_supplier_tokens",
    "schedule": 60 * 60,
}

# The Alibaba.com gateway (DESIGN.md §5). The mock accepts the development key pair by default; production refuses
# it, since the secret also signs the pushes we accept (alibaba/hooks.py), and it is public.
ALIBABA_GATEWAY_URL = _production_address("ALIBABA_GATEWAY_URL", dev_default=f"http://127.0.0.1:{DXPORTS_GATEWAY_PORT}")
ALIBABA_APP_KEY = _production_value("ALIBABA_APP_KEY", dev_default="500001")
if not DEBUG and ALIBABA_APP_KEY == "500001":
    raise ImproperlyConfigured("ALIBABA_APP_KEY is the development key: set the program's own.")
ALIBABA_APP_SECRET = _production_secret("ALIBABA_APP_SECRET", dev_default="dxports-dev-secret", min_length=16)
ALIBABA_TIMEOUT_CONNECT = env.float("ALIBABA_TIMEOUT_CONNECT", default=3.0)
ALIBABA_TIMEOUT_READ = env.float("ALIBABA_TIMEOUT_READ", default=10.0)
# The shared limiter keeps every worker together under the gateway's rate (0 turns it off).
ALIBABA_RATE_LIMIT_PER_S = env.float("ALIBABA_RATE_LIMIT_PER_S", default=10.0)
ALIBABA_RATE_LIMIT_BURST = env.int("ALIBABA_RATE_LIMIT_BURST", default=2)
# Where the mock gateway sends its pushes (DESIGN.md §5).
ALIBABA_PUSH_URL = env.str("ALIBABA_PUSH_URL", default=f"http://127.0.0.1:{DXPORTS_WEB_PORT}/hooks/alibaba/")

# The outbox and sync engine (DESIGN.md §6). A worker holds a job for ALIBABA_OUTBOX_LEASE_S from its claim and
# from each step of its handler, so the lease need only outlast one call: the client's rate-limit wait (30 s) and
# timeouts (3 s + 10 s) are under it. After that another worker may take the job over: a dead worker's jobs wait no
# longer than this.
ALIBABA_OUTBOX_LEASE_S = env.int("ALIBABA_OUTBOX_LEASE_S", default=60)
# Transient failures in a row before a job is marked failed for staff (rate limits are not counted; a job whose
# write may have reached the gateway is never marked failed for a transient failure).
ALIBABA_OUTBOX_MAX_ATTEMPTS = env.int("ALIBABA_OUTBOX_MAX_ATTEMPTS", default=15)
# Within an attempt, a call that is safe to repeat is tried this many times in all, a jitter of at most
# ALIBABA_OUTBOX_STEP_PAUSE_S apart, before the attempt ends with its error.
ALIBABA_OUTBOX_STEP_TRIES = env.int("ALIBABA_OUTBOX_STEP_TRIES", default=3)
ALIBABA_OUTBOX_STEP_PAUSE_S = env.float("ALIBABA_OUTBOX_STEP_PAUSE_S", default=0.5)
ALIBABA_OUTBOX_BACKOFF_BASE_S = env.float("ALIBABA_OUTBOX_BACKOFF_BASE_S", default=2.0)
ALIBABA_OUTBOX_BACKOFF_CAP_S = env.float("ALIBABA_OUTBOX_BACKOFF_CAP_S", default=300.0)
# Retries due within this wait get a Celery countdown; later ones (a daily quota) are left to the relay.
ALIBABA_OUTBOX_COUNTDOWN_MAX_S = env.float("ALIBABA_OUTBOX_COUNTDOWN_MAX_S", default=300.0)
# The relay re-sends a due job (or push) whose last message should have arrived this long ago.
ALIBABA_OUTBOX_REDISPATCH_S = env.int("ALIBABA_OUTBOX_REDISPATCH_S", default=30)
ALIBABA_OUTBOX_RELAY_INTERVAL_S = env.float("ALIBABA_OUTBOX_RELAY_INTERVAL_S", default=5.0)
ALIBABA_PUSH_MAX_ATTEMPTS = env.int("ALIBABA_PUSH_MAX_ATTEMPTS", default=10)
# A push that waits for our own sync (pushes.PushDeferred) looks again at most this long after its last look.
ALIBABA_PUSH_DEFER_MAX_S = env.float("ALIBABA_PUSH_DEFER_MAX_S", default=60.0)
CELERY_BEAT_SCHEDULE["alibaba-outbox-relay"] = {
    "task": "alibaba.tasks.outbox_relay",
    "schedule": ALIBABA_OUTBOX_RELAY_INTERVAL_S,
    # A relay message nobody picked up in time is useless: the next one does the same work.
    "options": {"expires": ALIBABA_OUTBOX_RELAY_INTERVAL_S},
}

# Photos (dxports/photos.py): a phone camera's photo (3 to 8 MB, often more in its largest mode) is accepted up to
# this size and made to fit the gateway's 3 MB on the server. Uploads above FILE_UPLOAD_MAX_MEMORY_SIZE are streamed
# to a temporary file, not held in memory; DATA_UPLOAD_MAX_MEMORY_SIZE counts the form's other fields only (files
# are not in it), so neither stands in a photo's way: the size is checked by dxports.photos, with a message.
PHOTO_UPLOAD_MAX_BYTES = env.int("PHOTO_UPLOAD_MAX_MB", default=20) * 2**20
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# The catalog import (catalog/imports.py): the limits of one uploaded file, and a sweep that re-sends import jobs
# whose message was lost or whose worker died.
CATALOG_IMPORT_MAX_BYTES = env.int("CATALOG_IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
CATALOG_IMPORT_MAX_ROWS = env.int("CATALOG_IMPORT_MAX_ROWS", default=50_000)
CATALOG_IMPORT_MAX_UNZIPPED_BYTES = env.int("CATALOG_IMPORT_MAX_UNZIPPED_BYTES", default=100 * 1024 * 1024)
# Photos for many products at once (catalog/imports/photos.py): how many, and how large the upload (several photos
# or one ZIP) and what a ZIP unpacks to may be. Django refuses more files than DATA_UPLOAD_MAX_NUMBER_FILES in one
# request before any view runs: it is the same number.
CATALOG_PHOTO_IMPORT_MAX_FILES = env.int("CATALOG_PHOTO_IMPORT_MAX_FILES", default=300)
CATALOG_PHOTO_IMPORT_MAX_BYTES = env.int("CATALOG_PHOTO_IMPORT_MAX_MB", default=250) * 2**20
CATALOG_PHOTO_IMPORT_MAX_UNZIPPED_BYTES = env.int("CATALOG_PHOTO_IMPORT_MAX_UNZIPPED_MB", default=500) * 2**20
DATA_UPLOAD_MAX_NUMBER_FILES = CATALOG_PHOTO_IMPORT_MAX_FILES
# Files of failed imports are kept two days, of finished ones 30 days; each seller's photos and files have a quota.
CATALOG_IMPORT_FAILED_KEEP_DAYS = env.int("CATALOG_IMPORT_FAILED_KEEP_DAYS", default=2)
CATALOG_IMPORT_KEEP_DAYS = env.int("CATALOG_IMPORT_KEEP_DAYS", default=30)
CATALOG_STORAGE_PER_SELLER_BYTES = env.int("CATALOG_STORAGE_PER_SELLER_MB", default=1024) * 2**20
CELERY_BEAT_SCHEDULE["catalog-imports-cleanup"] = {"task": "catalog.tasks.catalog_imports_cleanup", "schedule": 86400}
CELERY_BEAT_SCHEDULE["catalog-imports-redrive"] = {
    "task": "catalog.tasks.catalog_imports_redrive",
    "schedule": 60,
    "options": {"expires": 60},
}
# The listing sync (catalog/reconcile.py): compare the gateway's listings with ours hourly, repair and report the
# drift. The category tree is copied when there is none yet (checked every two minutes) and then daily.
CELERY_BEAT_SCHEDULE["catalog-reconcile-listings"] = {
    "task": "catalog.tasks.catalog_reconcile_listings",
    "schedule": env.float("CATALOG_RECONCILE_INTERVAL_S", default=60 * 60),
}
CATALOG_CATEGORIES_MAX_AGE_S = env.int("CATALOG_CATEGORIES_MAX_AGE_S", default=60 * 60 * 24)
CELERY_BEAT_SCHEDULE["catalog-sync-categories"] = {
    "task": "catalog.tasks.catalog_sync_categories",
    "schedule": 120,
    "options": {"expires": 120},
}
# The company profiles (brand/): certificates that expired leave the public profiles and sellers are told 30 days
# ahead (daily); the gateway's profiles are compared with ours hourly.
CELERY_BEAT_SCHEDULE["brand-certificates-daily"] = {"task": "brand.tasks.brand_certificates_daily", "schedule": 86400}
CELERY_BEAT_SCHEDULE["brand-reconcile-profiles"] = {
    "task": "brand.tasks.brand_reconcile_profiles",
    "schedule": env.float("BRAND_RECONCILE_INTERVAL_S", default=60 * 60),
}
# Buyers' inquiries (buyers/): attachments are fetched into private storage (no URL; served by the seller's
# permission-checked view), checked by content and size. New-inquiry e-mails whose task message was lost are sent by
# a sweep. A periodic pull of the gateway's inquiry list per supplier
# catches whatever a push missed; reminders go out when an inquiry has waited BUYERS_REMINDER_AFTER_H working hours;
# the daily digest after BUYERS_DIGEST_HOUR o'clock (Asia/Dhaka). Each sweep is safe with two beats: e-mails carry
# keys, and every claim is a conditional write.
BUYERS_PRIVATE_ROOT = Path(env("BUYERS_PRIVATE_ROOT", default=str(VAR_DIR / "private-inquiries")))
BUYERS_ATTACHMENT_MAX_BYTES = env.int("BUYERS_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
BUYERS_ATTACHMENT_MAX_PIXELS = env.int("BUYERS_ATTACHMENT_MAX_PIXELS", default=60_000_000)
BUYERS_REMINDER_AFTER_H = env.float("BUYERS_REMINDER_AFTER_H", default=12.0)
BUYERS_DIGEST_HOUR = env.int("BUYERS_DIGEST_HOUR", default=8)
BUYERS_PULL_INTERVAL_S = env.float("BUYERS_PULL_INTERVAL_S", default=300.0)
CELERY_BEAT_SCHEDULE["buyers-pull-inquiries"] = {
    "task": "buyers.tasks.buyers_pull_inquiries",
    "schedule": BUYERS_PULL_INTERVAL_S,
    "options": {"expires": BUYERS_PULL_INTERVAL_S},
}
CELERY_BEAT_SCHEDULE["buyers-notify-redrive"] = {
    "task": "buyers.tasks.buyers_notify_redrive",
    "schedule": 60,
    "options": {"expires": 60},
}
CELERY_BEAT_SCHEDULE["buyers-send-reminders"] = {
    "task": "buyers.tasks.buyers_send_reminders",
    "schedule": 60 * 10,
    "options": {"expires": 60 * 10},
}
CELERY_BEAT_SCHEDULE["buyers-send-digests"] = {
    "task": "buyers.tasks.buyers_send_digests",
    "schedule": 60 * 30,
    "options": {"expires": 60 * 30},
}
# The demo (make run sets DXPORTS_DEMO=1): beat steps that send the demo seller's company profile once its supplier
# account exists (brand), list its products once the categories are there too (catalog), then let buyers ask about
# them through the mock gateway's real push path and answer some (buyers). Off otherwise.
DXPORTS_DEMO = env.bool("DXPORTS_DEMO", default=False)
if DXPORTS_DEMO:
    for _app in ("brand", "catalog", "buyers"):
        CELERY_BEAT_SCHEDULE[f"{_app}-demo-step"] = {
            "task": f"{_app}.tasks.{_app}_demo_step",
            "schedule": 5.0,
            "options": {"expires": 5.0},
        }
# E-mails whose first try failed are sent again with backoff (dxports.mail).
CELERY_BEAT_SCHEDULE["mail-send-due"] = {
    "task": "dxports.tasks.mail_send_due",
    "schedule": 60,
    "options": {"expires": 60},
}

# The partner API (partners/, DESIGN.md §7, docs/partner-api.md).
# A server accepts the keys of one mode: test keys on development and staging servers, live keys in production, so
# that a key of one cannot be used on the other and a leaked key says where it works.
PARTNERS_KEY_MODE = env.str("PARTNERS_KEY_MODE", default="test" if DEBUG else "live")
if PARTNERS_KEY_MODE not in ("live", "test"):
    raise ImproperlyConfigured("PARTNERS_KEY_MODE is live or test.")
# Requests per key per window (PARTNERS_API_RATE_WINDOW_S), reads and writes counted apart; shared by every web
# process through the cache (Redis when REDIS_URL is set).
PARTNERS_API_READ_RATE = env.int("PARTNERS_API_READ_RATE", default=600)
PARTNERS_API_WRITE_RATE = env.int("PARTNERS_API_WRITE_RATE", default=120)
PARTNERS_API_RATE_WINDOW_S = env.int("PARTNERS_API_RATE_WINDOW_S", default=60)
# An Idempotency-Key's response is replayed for at least this long; a request that died holds its key this long.
PARTNERS_IDEMPOTENCY_TTL_S = env.int("PARTNERS_IDEMPOTENCY_TTL_S", default=60 * 60 * 24)
PARTNERS_IDEMPOTENCY_LOCK_S = env.int("PARTNERS_IDEMPOTENCY_LOCK_S", default=60)
# Webhooks go to public https URLs only. For a receiver on this machine during development (docs/partner-api.md),
# PARTNERS_WEBHOOKS_ALLOW_LOOPBACK=1 also allows http and loopback addresses; it is refused without DEBUG.
PARTNERS_WEBHOOKS_ALLOW_LOOPBACK = env.bool("PARTNERS_WEBHOOKS_ALLOW_LOOPBACK", default=False)
if PARTNERS_WEBHOOKS_ALLOW_LOOPBACK and not DEBUG:
    raise ImproperlyConfigured("PARTNERS_WEBHOOKS_ALLOW_LOOPBACK is for development only (DJANGO_DEBUG=1).")
PARTNERS_WEBHOOK_TIMEOUT_S = env.float("PARTNERS_WEBHOOK_TIMEOUT_S", default=10.0)
PARTNERS_WEBHOOK_RELAY_INTERVAL_S = env.float("PARTNERS_WEBHOOK_RELAY_INTERVAL_S", default=15.0)
CELERY_BEAT_SCHEDULE["partners-webhooks-relay"] = {
    "task": "partners.tasks.webhooks_relay",
    "schedule": PARTNERS_WEBHOOK_RELAY_INTERVAL_S,
    "options": {"expires": PARTNERS_WEBHOOK_RELAY_INTERVAL_S},
}
CELERY_BEAT_SCHEDULE["partners-idempotency-purge"] = {
    "task": "partners.tasks.idempotency_purge",
    "schedule": 60 * 60,
    "options": {"expires": 60 * 60},
}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["partners.api.auth.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["partners.api.auth.HasScope"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "partners.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": None,
    "COERCE_DECIMAL_TO_STRING": True,
    # Throttles tell clients apart by the same rule as lockout (dxports/proxies.py).
    "NUM_PROXIES": DXPORTS_TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "dxports partner API",
    "DESCRIPTION": (
        "Partner access to the dxports export-onboarding program: onboard sellers, list their products on "
        "Alibaba.com, answer buyers, and hear about it through signed webhooks. The guide: docs/partner-api.md."
    ),
    "VERSION": "1.1.0",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "SellerStatusEnum": "partners.api.serializers.SELLER_STATUS",
        "ProductStatusEnum": "partners.api.serializers.PRODUCT_STATUS",
        "RequirementStatusEnum": "partners.api.serializers.REQUIREMENT_STATUS",
        "EndpointStatusEnum": "partners.api.serializers.ENDPOINT_STATUS",
        "DeliveryStatusEnum": "partners.api.serializers.DELIVERY_STATUS",
        "BulkStatusEnum": "partners.api.serializers.BULK_STATUS",
        "DocumentKindEnum": "partners.api.serializers.DOCUMENT_KIND",
        "DocumentContentTypeEnum": "partners.api.serializers.DOCUMENT_CONTENT_TYPE",
        "SyncKindEnum": "partners.api.serializers.SYNC_KIND",
        "InquiryStatusEnum": "partners.api.serializers.INQUIRY_STATUS",
        "MessageDeliveryEnum": "partners.api.serializers.MESSAGE_DELIVERY",
        "AttachmentStatusEnum": "partners.api.serializers.ATTACHMENT_STATUS",
        "IncotermEnum": "partners.api.serializers.INCOTERM",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "partners.api.schema.postprocess",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    # No badge fetched from swagger.io: the docs page loads nothing from outside our origin.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOG_LEVEL = env.str("DJANGO_LOG_LEVEL", default="INFO")
# Beat's relays and sweeps, which log what they move themselves, and the demo's steps: Celery's own lines about them
# are kept only when a run returns something new (dxports/logs.py).
QUIET_TASKS = [
    "alibaba.tasks.outbox_relay",
    "partners.tasks.webhooks_relay",
    "dxports.tasks.mail_send_due",
    "catalog.tasks.catalog_imports_redrive",
    "buyers.tasks.buyers_notify_redrive",
    *(f"{app}.tasks.{app}_demo_step" for app in ("brand", "catalog", "buyers")),
]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"quiet_routine_tasks": {"()": "dxports.logs.QuietRoutineTasks", "tasks": QUIET_TASKS}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "dxports": {"level": LOG_LEVEL},
        "django": {"level": "INFO"},
        "celery": {"level": "INFO"},
        **{name: {"level": "INFO", "filters": ["quiet_routine_tasks"]} for name in QUIET_LOGGERS},
    },
}
