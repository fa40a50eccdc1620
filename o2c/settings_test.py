"""Settings for the test suite: the real PostgreSQL on 127.0.0.1 (or DATABASE_URL), tasks eager
unless a test starts a real worker, mail kept in memory."""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/o2c")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("O2C_PAYMENT_NOTIFICATION_SECRET", "test-notification-secret")
os.environ.setdefault("O2C_PAYMENT_PROVIDER", "test")  # pay-now through the local test provider
os.environ.setdefault("O2C_TASKS_EAGER", "true")
os.environ.setdefault("O2C_SEPA_CREDITOR_ID", "DE98ZZZ09999999999")  # the Bundesbank's test identifier
os.environ.setdefault("O2C_WEBHOOK_ALLOW_PRIVATE", "true")  # the tests' receivers listen on 127.0.0.1
# Customer notifications add e-mails to every shipped order: their own tests turn them on
# (notifications/tests/conftest.py), so the others count only the e-mails they are about.
os.environ.setdefault("O2C_CUSTOMER_NOTIFICATIONS", "false")

from o2c.settings import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
MEDIA_ROOT = os.environ.get("MEDIA_ROOT", str(BASE_DIR / "var" / "test-media"))  # noqa: F405
