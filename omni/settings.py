"""One settings module, driven by the environment (see .env.example).

Unset variables give the embedded defaults that let `make run` work on a bare machine:
SQLite, Celery tasks run inline, SMS and e-mail printed to the console.
"""

import logging
import os
import tempfile
from decimal import Decimal
from pathlib import Path

import environ
from celery.schedules import crontab
from csp import constants as csp
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from omni.logging_config import configure_structlog, init_sentry, logging_config

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG=0.")
    SECRET_KEY = "insecure-development-key-only-for-debug-mode"  # noqa: S105

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

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
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_celery_beat",
    "simple_history",
    "axes",
    "django_prometheus",
    "django_structlog",
    "omni",
    "customers",
    "inventory",
    "loyalty",
    "promotions",
    "giftcards",
    "orders",
    "journeys",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "omni.observability.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "omni.middleware.ApiBodySizeMiddleware",
    "omni.middleware.RejectNullCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "omni.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "omni.urls"
WSGI_APPLICATION = "omni.wsgi.application"
ASGI_APPLICATION = "omni.asgi.application"
AUTH_USER_MODEL = "omni.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

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
                "omni.context_processors.shell",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# SQLite when DATABASE_URL is unset: WAL so readers never wait for the writer, IMMEDIATE
# transactions so two writers queue on the busy timeout instead of failing on upgrade.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 30,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
}
DATABASES = {
    # An empty DATABASE_URL (as in a copied .env.example) means unset, like every other variable.
    "default": env.db_url_config(env.str("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = SQLITE_OPTIONS
    # A file-backed test database: threads in race tests need real locking between
    # connections, which an in-memory database cannot give. One file per test run (the
    # process id), so that two runs on one machine, even in one checkout, never share it.
    _test_db = Path(tempfile.gettempdir()) / f"omni-test-{os.getpid()}.sqlite3"
    DATABASES["default"]["TEST"] = {"NAME": env.str("SQLITE_TEST_DB", default=str(_test_db))}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})
    if env.bool("DATABASE_POOL", default=True):
        DATABASES["default"]["OPTIONS"]["pool"] = {
            "min_size": env.int("DATABASE_POOL_MIN", default=2),
            "max_size": env.int("DATABASE_POOL_MAX", default=20),
            "timeout": env.int("DATABASE_POOL_TIMEOUT", default=10),
        }
        # The pool checks each connection (one empty round trip) before it lends it: after a
        # restart or a failover its idle connections are all dead, and without the check each
        # request, and each retry inside one, would get another of them.
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A row held by another transaction (a stuck till, a long count) makes a request fail
    # fast with a 503 and Retry-After instead of hanging a worker: see omni.errors. Server
    # options given in the URL (?options=-c%20search_path%3D...) are kept, before these.
    POSTGRES_TIMEOUTS = (
        f"-c lock_timeout={env.int('DATABASE_LOCK_TIMEOUT_MS', default=3000)}"
        f" -c statement_timeout={env.int('DATABASE_STATEMENT_TIMEOUT_MS', default=30000)}"
    )
    _options = DATABASES["default"]["OPTIONS"]
    _options["options"] = f"{_options.get('options', '')} {POSTGRES_TIMEOUTS}".strip()

# An optional streaming replica takes the reads made outside a transaction (lists, look-ups,
# dashboards); anything read inside a write transaction stays on the primary (omni.db_routers).
# Give it to the web processes only: Celery tasks run right after the commit that queued
# them and must read the primary (docs/operations.md).
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs a PostgreSQL DATABASE_URL.")
    _replica = env.db_url_config(DATABASE_REPLICA_URL)
    # The replica's own URL options (sslmode, server options), the primary's timeouts and a
    # copy of its pool settings (a pool per alias, of the same size).
    _replica_options = _replica.pop("OPTIONS", {})
    _replica_options["options"] = f"{_replica_options.get('options', '')} {POSTGRES_TIMEOUTS}".strip()
    if "pool" in DATABASES["default"]["OPTIONS"]:
        _replica_options["pool"] = dict(DATABASES["default"]["OPTIONS"]["pool"])
    DATABASES["replica"] = {
        **_replica,
        "OPTIONS": _replica_options,
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": DATABASES["default"].get("CONN_HEALTH_CHECKS", False),
        # Tests run the replica as a mirror of the test primary: same data, other connection.
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["omni.db_routers.PrimaryReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------
CACHE_URL = env.str("CACHE_URL", default="")
if CACHE_URL:
    CACHES = {"default": env.cache_url("CACHE_URL")}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Without a shared cache, the rate limit counts in this file, shared by every process of
# the machine (omni.counters; default: a file in the system's temporary directory).
OMNI_COUNTER_FILE = env.str("OMNI_COUNTER_FILE", default="")

# --- Auth -----------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_RESET_ON_SUCCESS = True
AXES_SENSITIVE_PARAMETERS = ["password"]

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("OMNI_TIME_ZONE", default="Europe/Paris")
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------
STATIC_URL = "/static/"
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
MEDIA_ROOT = BASE_DIR / "media"
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG  # edited static files show up without a restart

# --- REST API -------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "omni.authentication.ApiClientTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["omni.permissions.IsActor"],
    "DEFAULT_PARSER_CLASSES": ["omni.parsers.JSONParser", "omni.parsers.FormParser", "omni.parsers.MultiPartParser"],
    "DEFAULT_THROTTLE_CLASSES": ["omni.throttling.ActorRateThrottle"],
    # omni.throttling: web and app clients (one token for every shopper), everyone else.
    "DEFAULT_THROTTLE_RATES": {"shop": env.str("OMNI_API_SHOP_THROTTLE_RATE", default="2000/s"),
                               "actor": env.str("OMNI_API_THROTTLE_RATE", default="200/s")},
    "DEFAULT_PAGINATION_CLASS": "omni.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "omni.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Omni API",
    "DESCRIPTION": "One customer, one stock, one set of offers across every channel.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # The uniform error answers (400/401/403/404/409/422/429/503) on every operation.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "omni.api.add_error_responses",
    ],
}

# --- Celery ---------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
# No broker: every task runs inline, in the process that queued it.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A broker outage must not hang a request: publishing fails fast and the outbox sweep
# sends what is still pending once the broker is back.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5, "max_retries": 0}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "omni-send-pending-messages": {"task": "omni.tasks.send_pending_messages", "schedule": 60.0},
    "omni-purge-idempotency-records": {
        "task": "omni.tasks.purge_idempotency_records",
        "schedule": crontab(minute=17),
    },
    "customers-recompute-segments": {"task": "customers.tasks.recompute_segments", "schedule": crontab(minute=42)},
    "inventory-expire-reservations": {"task": "inventory.tasks.expire_reservations", "schedule": 60.0},
    "loyalty-expire-points": {"task": "loyalty.tasks.expire_points", "schedule": crontab(minute=7)},
    "promotions-resume-campaigns": {"task": "promotions.tasks.resume_campaigns", "schedule": 300.0},
    # Expired pickup holds release their stock; reminders go out the day before.
    "orders-expire-pickups": {"task": "orders.tasks.expire_pickups", "schedule": 300.0},
    # Journeys whose recomputation a broker outage or a killed worker left behind.
    "journeys-catch-up": {"task": "journeys.tasks.catch_up_journeys", "schedule": 300.0},
}

# --- Notifications --------------------------------------------------------------------
# The console backends print a masked copy of each message, only while serving (omni.console).
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="omni.console.ConsoleEmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Omni <no-reply@omni.localhost>")
OMNI_SMS_BACKEND = env.str("OMNI_SMS_BACKEND", default="omni.sms.ConsoleSmsBackend")
OMNI_SMS_HTTP_URL = env.str("OMNI_SMS_HTTP_URL", default="")
OMNI_SMS_HTTP_TOKEN = env.str("OMNI_SMS_HTTP_TOKEN", default="")
OMNI_SMS_HTTP_TIMEOUT = env.float("OMNI_SMS_HTTP_TIMEOUT", default=5.0)
OMNI_SMS_SENDER = env.str("OMNI_SMS_SENDER", default="OMNI")
OMNI_MESSAGE_MAX_ATTEMPTS = env.int("OMNI_MESSAGE_MAX_ATTEMPTS", default=6)

# --- Business settings ----------------------------------------------------------------
OMNI_CURRENCY = env.str("OMNI_CURRENCY", default="EUR")
OMNI_PHONE_REGION = env.str("OMNI_PHONE_REGION", default="FR")
# The language of a customer's messages until their own is known (a code of LANGUAGES).
OMNI_CUSTOMER_LANGUAGE = env.str("OMNI_CUSTOMER_LANGUAGE", default="fr")
OMNI_PICKUP_HOLD_DAYS = env.int("OMNI_PICKUP_HOLD_DAYS", default=7)
# Where customers open the links in their messages (the order tracking page): scheme and
# host as the public sees them, without a trailing slash.
OMNI_PUBLIC_URL = env.str("OMNI_PUBLIC_URL", default="http://127.0.0.1:8000").rstrip("/")
# A tracking link works while its order can still change, then this many days after it closed.
OMNI_TRACKING_DAYS_AFTER_CLOSE = env.int("OMNI_TRACKING_DAYS_AFTER_CLOSE", default=30)
# Gift cards: how long one is valid, the most one holds, how many unknown codes a client may try.
OMNI_GIFT_CARD_VALID_DAYS = env.int("OMNI_GIFT_CARD_VALID_DAYS", default=365)
OMNI_GIFT_CARD_MAX_AMOUNT = Decimal(env.str("OMNI_GIFT_CARD_MAX_AMOUNT", default="1500"))
OMNI_GIFT_CARD_GUESSES = env.str("OMNI_GIFT_CARD_GUESSES", default="100/h")
OMNI_IDEMPOTENCY_TTL_HOURS = env.int("OMNI_IDEMPOTENCY_TTL_HOURS", default=24)
# A request still marked in flight after this long died with its process: a retry may take over.
OMNI_IDEMPOTENCY_STALE_SECONDS = env.int("OMNI_IDEMPOTENCY_STALE_SECONDS", default=120)

# --- Security -------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
# Lax, not Strict: a link to a customer or an order from an e-mail or a chat must open
# the page logged in; cross-site POSTs never carry the cookies either way.
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy (django-csp), in development too so that tests and browser
# tests see it: scripts and styles only from our own static files, no inline script,
# style attribute or event handler (behaviour lives in static/*/*.js, looks in CSS
# classes). NONCE is written into the header only on a response whose template used
# request.csp_nonce (the Swagger UI page, whose start-up script is rendered per request).
# data: images are Bootstrap's own (select arrows, check marks, close buttons in its CSS)
# and Swagger UI's icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF, csp.NONCE],
        "style-src": [csp.SELF],
        "img-src": [csp.SELF, "data:"],
        "font-src": [csp.SELF],
        "connect-src": [csp.SELF],
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
    },
}
# Swagger UI's online-validator badge would load an image from validator.swagger.io (which
# the policy refuses) and hand it the schema's address.
SPECTACULAR_SETTINGS["SWAGGER_UI_SETTINGS"] = {"deepLinking": True, "validatorUrl": None}
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    # A load balancer's health check speaks plain HTTP to the instance.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    # __Host- cookies are refused by browsers unless Secure, on path / and without a
    # Domain: nothing can set or shadow them from a sibling subdomain. Nothing reads the
    # CSRF cookie by name (htmx and Swagger UI take the token from the page).
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Logging: structlog, JSON lines in production, masked (omni.logging_config) --------
LOG_LEVEL = env.str("DJANGO_LOG_LEVEL", default="INFO").upper()
LOG_FORMAT = (env.str("OMNI_LOG_FORMAT", default="") or ("console" if DEBUG else "json")).lower()
LOGGING = logging_config(level=LOG_LEVEL, log_format=LOG_FORMAT)
configure_structlog()
# The request id comes from X-Request-ID when the caller (a load balancer, the web shop)
# sends a well-formed one; omni.observability.RequestIdMiddleware echoes it back.
DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID = True
DJANGO_STRUCTLOG_CELERY_ENABLED = True
# One line per request: request_finished carries the method, path, status and ids;
# request_started only at DEBUG (a second line cost a stock read some 2 %).
DJANGO_STRUCTLOG_STATUS_START_LOG_LEVEL = logging.DEBUG

# --- Metrics --------------------------------------------------------------------------
# /metrics answers these addresses (or networks), or a bearer token when one is set.
OMNI_METRICS_ALLOWED_IPS = env.list("OMNI_METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])
OMNI_METRICS_TOKEN = env.str("OMNI_METRICS_TOKEN", default="")

# --- Errors ---------------------------------------------------------------------------
SENTRY_DSN = env.str("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env.str("SENTRY_ENVIRONMENT", default="") or ("development" if DEBUG else "production")
SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0)
if SENTRY_DSN:  # no DSN, no Sentry: nothing is initialised
    init_sentry(dsn=SENTRY_DSN, environment=SENTRY_ENVIRONMENT, traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE)
