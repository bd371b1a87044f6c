"""Settings for the test suite: production settings with test-only secrets and fast password hashing.

DATABASE_URL, CELERY_BROKER_URL and REDIS_URL come from the environment as in production (.ci/run points them
at this machine's PostgreSQL and Redis); without them the embedded defaults are used.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-" + "t" * 40)
os.environ.setdefault("FIELD_ENCRYPTION_KEY", "test-only-field-encryption-key-" + "k" * 10)
os.environ.setdefault("PARTNERS_SECRET_KEY", "test-only-partners-secret-key-" + "p" * 10)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
# Production refuses development values; the suite's own (e-mail goes to pytest-django's outbox whatever is set).
os.environ.setdefault("EMAIL_URL", "smtp://127.0.0.1:9")
os.environ.setdefault("DXPORTS_SITE_URL", "http://testserver")
os.environ.setdefault("ALIBABA_GATEWAY_URL", "http://gateway.test")
os.environ.setdefault("ALIBABA_APP_KEY", "test-app-key")
os.environ.setdefault("ALIBABA_APP_SECRET", "test-only-app-secret-" + "s" * 12)

from dxports.settings import *  # noqa: F403
from dxports.settings import BASE_DIR, STORAGES

# The key pair that the mock gateway (alibaba/mock/) accepts by default, as in development.
ALIBABA_APP_KEY = "500001"
ALIBABA_APP_SECRET = "dxports-dev-secret"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
# Static files are served from the finders in tests; nothing is collected.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# One test database per run, so that two runs at once (two engineers, or CI beside a session) never drop each
# other's. On SQLite it is a file, so that a real Celery worker started by a test sees the same rows.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / f"test-db-{os.getpid()}.sqlite3")}  # noqa: F405
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}  # noqa: F405
