"""Masthead settings, read from the environment with embedded defaults.

Every variable is listed in the README's Configuration table. With nothing set, Masthead runs on
one box: SQLite in ``var/``, an in-database meter store, console email.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import csp.constants as csp
import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

# Lets classes like Sitemap[Article] be written with their type parameters at runtime.
django_stubs_ext.monkeypatch()


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def _env_bool(name: str, *, default: bool) -> bool:
    raw = _env(name)
    if not raw:
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean; use true or false.")


def _env_int(name: str, *, default: int) -> int:
    raw = _env(name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from exc


def _env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in _env(name, default).split(",") if item.strip()]


def _origin(url: str) -> str:
    """``https://host`` of a URL, for the Content-Security-Policy."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


PACKAGE_DIR = Path(__file__).resolve().parent
MASTHEAD_ENV = _env("MASTHEAD_ENV", "development")
if MASTHEAD_ENV not in {"development", "production", "test"}:
    raise ImproperlyConfigured(
        f"MASTHEAD_ENV={MASTHEAD_ENV!r} is not known; use development, production or test."
    )
PRODUCTION = MASTHEAD_ENV == "production"
VAR_DIR = Path(_env("MASTHEAD_VAR_DIR", str(Path.cwd() / "var"))).resolve()


def _secret_key() -> str:
    key = _env("SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when MASTHEAD_ENV=production "
            "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe(64))')."
        )
    # Local use: generate once and keep it, so sessions and signed meter cookies survive restarts.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("MASTHEAD_DEBUG", default=MASTHEAD_ENV == "development")
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("MASTHEAD_DEBUG cannot be true when MASTHEAD_ENV=production.")

ALLOWED_HOSTS = _env_list(
    "MASTHEAD_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver,[::1]"
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "MASTHEAD_ALLOWED_HOSTS must name the site's host names when MASTHEAD_ENV=production."
    )
SITE_URL = _env("MASTHEAD_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = _env_list("MASTHEAD_CSRF_TRUSTED_ORIGINS")

# --- The publisher -------------------------------------------------------------------------
PUBLISHER_NAME = _env("MASTHEAD_PUBLISHER_NAME", "The Meridian Ledger")
# Used in running text ("No Meridian Ledger journalist was involved...").
PUBLISHER_SHORT_NAME = _env(
    "MASTHEAD_PUBLISHER_SHORT_NAME", PUBLISHER_NAME.removeprefix("The ").strip()
)
PUBLISHER_TAGLINE = _env("MASTHEAD_PUBLISHER_TAGLINE", "Business, markets and the world, daily")
TIME_ZONE = _env("MASTHEAD_TIME_ZONE", "Asia/Kolkata")
CURRENCY = _env("MASTHEAD_CURRENCY", "INR")
LOCALE = _env("MASTHEAD_LOCALE", "en_IN").replace("-", "_")
LANGUAGE_CODE = LOCALE.replace("_", "-").lower()
USE_I18N = True
USE_TZ = True

# --- Apps ----------------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "allauth",
    "allauth.account",
    "django_tasks",
    "django_tasks_db",
    "masthead.core",
    "masthead.newsroom",
    # The newspaper's public pages, above the gate (views, presenters, feeds, page cache).
    "masthead.pages",
    "masthead.access",
    "masthead.billing",
    "masthead.accounts",
    # Plan benefits: ad slots (ad-free reading is the gate's may_use).
    "masthead.ads",
    "masthead.partners",
    "masthead.gifts",
    "masthead.devices",
    "masthead.api",
    "masthead.epaper",
    "masthead.newsletters",
    "masthead.insights",
    # Operations: the worker, health checks, metrics, backups (imports every app above).
    "masthead.ops",
    # Archive search: last, because its admin extends the newsroom's story list (search.admin).
    "masthead.search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Every error under /api/v1/ answered as JSON in one shape (masthead.api.errors).
    "masthead.api.errors.JsonErrorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "masthead.core.middleware.RequestLimitsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Devices: a browser signed out from another device is signed out here (masthead.devices).
    "masthead.devices.middleware.DeviceMiddleware",
    "masthead.access.middleware.ReaderIdentityMiddleware",
]

ROOT_URLCONF = "masthead.urls"
WSGI_APPLICATION = "masthead.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "masthead.core.context_processors.publisher",
                # Canonical, Open Graph and JSON-LD of the newspaper's listing pages.
                "masthead.pages.metadata.page_meta",
            ],
            # A missing variable renders as nothing, never as its raw name.
            "string_if_invalid": "",
        },
    }
]

# --- Data ----------------------------------------------------------------------------------
DATABASE_URL = _env("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'masthead.sqlite3'}"
# Run on each new SQLite connection (see the comments below; core/tests/test_sqlite_durability).
SQLITE_INIT_COMMAND = (
    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; "
    "PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456; PRAGMA temp_store=MEMORY;"
)
DATABASES: dict[str, Any] = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if not DATABASE_URL.startswith("sqlite://:memory:"):
        VAR_DIR.mkdir(parents=True, exist_ok=True)
    # Each gunicorn worker keeps its connection (ADR 0029): opening the file and running the
    # PRAGMAs below cost more than a whole cached page. Several processes on one file is what
    # SQLite's WAL mode is for: readers never block, and one writer at a time takes the lock.
    DATABASES["default"]["CONN_MAX_AGE"] = 600
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock at
        # BEGIN so the meter's read-then-write cannot interleave between two requests.
        # synchronous=NORMAL in WAL mode loses no committed data on a crash of the process
        # (only on a power cut, the last transactions); mmap and a 64 MB page cache per
        # connection serve reads from memory.
        "init_command": SQLITE_INIT_COMMAND,
        "transaction_mode": "IMMEDIATE",
    }
    # Tests use a file, not shared-cache memory, so parallel requests queue on SQLite's
    # write lock exactly as they do in production.
    DATABASES["default"]["TEST"] = {
        "NAME": _env("MASTHEAD_TEST_DATABASE_NAME") or str(VAR_DIR / "test-masthead.sqlite3")
    }
elif _env("MASTHEAD_TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": _env("MASTHEAD_TEST_DATABASE_NAME")}

REDIS_URL = _env("REDIS_URL")
REDIS_PREFIX = _env("MASTHEAD_REDIS_PREFIX", "masthead")
# Bounds on a hung Redis: a cache call gives up after these (masthead.core.cache).
REDIS_CACHE_OPTIONS = {"socket_connect_timeout": 0.25, "socket_timeout": 0.5}
if REDIS_URL:
    CACHES: dict[str, Any] = {
        "default": {
            # Django's RedisCache, with a Redis outage read as misses (masthead.core.cache).
            "BACKEND": "masthead.core.cache.OutageTolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": REDIS_PREFIX,
            "OPTIONS": REDIS_CACHE_OPTIONS,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- The meter -----------------------------------------------------------------------------
# "redis" when REDIS_URL is set, else "database". Either can be forced.
METER_STORE = _env("MASTHEAD_METER_STORE", "redis" if REDIS_URL else "database")
if METER_STORE not in {"redis", "database"}:
    raise ImproperlyConfigured(f"MASTHEAD_METER_STORE={METER_STORE!r}: use redis or database.")
if METER_STORE == "redis" and not REDIS_URL:
    raise ImproperlyConfigured("MASTHEAD_METER_STORE=redis needs REDIS_URL.")
# What a reader gets when the meter store cannot be reached: "allow" (read, and the miss is
# recorded) or "deny" (show the prompt).
METER_UNAVAILABLE_POLICY = _env("MASTHEAD_METER_UNAVAILABLE_POLICY", "allow")
if METER_UNAVAILABLE_POLICY not in {"allow", "deny"}:
    raise ImproperlyConfigured("MASTHEAD_METER_UNAVAILABLE_POLICY must be allow or deny.")
READER_COOKIE_NAME = "mh_reader"
READER_COOKIE_MAX_AGE = 60 * 60 * 24 * 400
# Networks of the reverse proxies in front of Masthead; only they may say who the client is.
TRUSTED_PROXIES = _env_list("MASTHEAD_TRUSTED_PROXIES")
# Where the prompt's plans come from: billing owns plans, access only shows them.
ACCESS_OFFERS_PROVIDER = "masthead.billing.selectors.plan_offers"
# "Now" for a reader's grants: billing's test clocks make sandbox time travel visible to the gate.
ACCESS_READER_CLOCK = "masthead.billing.clock.reader_now"
# Paragraphs a reader without access sees when the editor placed no cut marker.
LEAD_PARAGRAPHS = _env_int("MASTHEAD_LEAD_PARAGRAPHS", default=2)

# --- Revenue insights (events, rollups, dashboards) ------------------------------------------
# Capture reader-revenue events (story views by outcome, prompts, subscribe clicks, sign-ups,
# gift opens). Off: nothing is recorded and the page does no extra work.
INSIGHTS_CAPTURE = _env_bool("MASTHEAD_INSIGHTS_CAPTURE", default=True)
# Where each process's buffer of events goes: "redis" (one RPUSH per batch, moved into the
# database by the worker) when REDIS_URL is set, else "database" (one bulk INSERT per batch).
INSIGHTS_EVENT_STORE = _env("MASTHEAD_INSIGHTS_EVENT_STORE", "redis" if REDIS_URL else "database")
if INSIGHTS_EVENT_STORE not in {"redis", "database"} or (
    INSIGHTS_EVENT_STORE == "redis" and not REDIS_URL
):
    raise ImproperlyConfigured("MASTHEAD_INSIGHTS_EVENT_STORE: database, or redis with REDIS_URL.")
# (Tests write each event at once, inside their own transaction.)
INSIGHTS_BUFFER_SIZE = _env_int(
    "MASTHEAD_INSIGHTS_BUFFER_SIZE", default=1 if MASTHEAD_ENV == "test" else 200
)
INSIGHTS_BUFFER_SECONDS = _env_int("MASTHEAD_INSIGHTS_BUFFER_SECONDS", default=5)
# Raw events are deleted after this many days; hour and day rollups are kept.
INSIGHTS_RAW_RETENTION_DAYS = _env_int("MASTHEAD_INSIGHTS_RAW_RETENTION_DAYS", default=35)
# The worker works out the revenue dashboard's figures from the ledger (a snapshot) when the
# last is this many minutes old, for this many months back (insights.snapshots).
INSIGHTS_REVENUE_SNAPSHOT_MINUTES = _env_int(
    "MASTHEAD_INSIGHTS_REVENUE_SNAPSHOT_MINUTES", default=10
)
INSIGHTS_REVENUE_MONTHS = _env_int("MASTHEAD_INSIGHTS_REVENUE_MONTHS", default=24)
# The gate's story decisions go to these observers (access.observers): access imports none.
ACCESS_DECISION_OBSERVERS = ["masthead.insights.events.story_decided"]

# --- Background work ---------------------------------------------------------------------
# Tasks are stored in the database and run by `masthead worker` (SKIP LOCKED on PostgreSQL,
# so several workers on several machines share the queue). Tests run them in-process.
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if MASTHEAD_ENV == "test"
        else "django_tasks_db.DatabaseBackend",
        # One queue per worker role (masthead.ops.worker): each runs beside the others.
        "QUEUES": ["default", "email", "billing", "newsletters", "epaper"],
    }
}

# --- Billing -----------------------------------------------------------------------------
BILLING_GATEWAY = _env("MASTHEAD_BILLING_GATEWAY", "sandbox")
if BILLING_GATEWAY not in {"sandbox", "razorpay", "stripe"}:
    raise ImproperlyConfigured("MASTHEAD_BILLING_GATEWAY must be sandbox, razorpay or stripe.")
SANDBOX_WEBHOOK_SECRET = _env("MASTHEAD_SANDBOX_WEBHOOK_SECRET", "sandbox-webhook-secret")
RAZORPAY_KEY_ID = _env("RAZORPAY_KEY_ID")
RAZORPAY_KEY_SECRET = _env("RAZORPAY_KEY_SECRET")
RAZORPAY_WEBHOOK_SECRET = _env("RAZORPAY_WEBHOOK_SECRET")
RAZORPAY_API_BASE = _env("RAZORPAY_API_BASE", "https://api.razorpay.com")
# Razorpay's Checkout.js: the reader authorises UPI Autopay or a card e-mandate in it.
RAZORPAY_CHECKOUT_JS = _env("RAZORPAY_CHECKOUT_JS", "https://checkout.razorpay.com/v1/checkout.js")
STRIPE_SECRET_KEY = _env("STRIPE_SECRET_KEY")
STRIPE_WEBHOOK_SECRET = _env("STRIPE_WEBHOOK_SECRET")
STRIPE_API_BASE = _env("STRIPE_API_BASE", "https://api.stripe.com")
# Seconds a Stripe webhook's timestamp may lag; never zero (zero would disable the check).
STRIPE_WEBHOOK_TOLERANCE = _env_int("STRIPE_WEBHOOK_TOLERANCE", default=300)
if STRIPE_WEBHOOK_TOLERANCE <= 0:
    raise ImproperlyConfigured("STRIPE_WEBHOOK_TOLERANCE must be a positive number of seconds.")
BILLING_GRACE_DAYS = _env_int("MASTHEAD_BILLING_GRACE_DAYS", default=3)
BILLING_RETRY_DAYS = [int(d) for d in _env_list("MASTHEAD_BILLING_RETRY_DAYS", "1,3,5")]
# India: renewals above this need the reader to authenticate (RBI e-mandate limit, paise).
BILLING_MANDATE_LIMIT_MINOR = _env_int("MASTHEAD_MANDATE_LIMIT_MINOR", default=1_500_000)
PRE_DEBIT_NOTICE_HOURS = _env_int("MASTHEAD_PRE_DEBIT_NOTICE_HOURS", default=48)
# --- Price changes (issue 12): existing subscribers are told at least this many days before
# the first renewal at a new price (ADR 0014).
BILLING_PRICE_CHANGE_NOTICE_DAYS = _env_int("MASTHEAD_PRICE_CHANGE_NOTICE_DAYS", default=30)
# --- Tax (GST) ---
PUBLISHER_GSTIN = _env("MASTHEAD_PUBLISHER_GSTIN", "27AABCM1234F1ZX")
PUBLISHER_LEGAL_NAME = _env(
    "MASTHEAD_PUBLISHER_LEGAL_NAME", "Meridian Ledger Media Private Limited"
)
PUBLISHER_ADDRESS = _env(
    "MASTHEAD_PUBLISHER_ADDRESS", "4th Floor, Ledger House, Nariman Point, Mumbai 400021"
)
PUBLISHER_STATE_CODE = _env("MASTHEAD_PUBLISHER_STATE_CODE", "27")
GST_RATE_BASIS_POINTS = _env_int("MASTHEAD_GST_RATE_BASIS_POINTS", default=1800)
PRICES_INCLUDE_TAX = _env_bool("MASTHEAD_PRICES_INCLUDE_TAX", default=True)
SAC_CODE = _env("MASTHEAD_SAC_CODE", "998431")
INVOICE_PREFIX = _env("MASTHEAD_INVOICE_PREFIX", "ML")
# --- Tax documents by the rules (billing.invoicing, billing.documents; ADR 0017) ----------
# An export of services goes without IGST only under a Letter of Undertaking (Form GST RFD-11)
# in force on the day of supply: its ARN and the last day it covers (31 March of its financial
# year, YYYY-MM-DD). Without one, an export is invoiced with IGST (IGST Act s.16(3)(b)).
GST_LUT_REFERENCE = _env("MASTHEAD_GST_LUT_REFERENCE")
GST_LUT_VALID_UNTIL = _env("MASTHEAD_GST_LUT_VALID_UNTIL")
# An unregistered buyer's name and address are required on invoices of this value and above
# (CGST Rule 46(e): ₹50,000), in paise.
GST_ADDRESS_REQUIRED_FROM_MINOR = _env_int("MASTHEAD_GST_ADDRESS_REQUIRED_FROM", default=5_000_000)
# E-invoicing (billing.einvoice): off by default. When on, B2B invoices, exports and their
# credit notes are registered with the Invoice Registration Portal through an IRP client:
# "sandbox" (offline, signs with MASTHEAD_EINVOICE_SANDBOX_KEY) or "gsp" (a GST Suvidha
# Provider's API at MASTHEAD_EINVOICE_GSP_URL with its credentials).
EINVOICE_ENABLED = _env_bool("MASTHEAD_EINVOICE_ENABLED", default=False)
EINVOICE_IRP = _env("MASTHEAD_EINVOICE_IRP", "sandbox")
EINVOICE_SANDBOX_KEY = _env("MASTHEAD_EINVOICE_SANDBOX_KEY", "sandbox-irp-key")
EINVOICE_GSP_URL = _env("MASTHEAD_EINVOICE_GSP_URL")
EINVOICE_GSP_USERNAME = _env("MASTHEAD_EINVOICE_GSP_USERNAME")
EINVOICE_GSP_PASSWORD = _env("MASTHEAD_EINVOICE_GSP_PASSWORD")
# The IRP refuses documents more than 30 days old from publishers with an aggregate annual
# turnover of ₹10 crore or more (GSTN advisory of 5 Nov 2024, from 1 Apr 2025). On by default:
# most publishers who e-invoice are above it. Off for a publisher below ₹10 crore.
EINVOICE_30_DAY_LIMIT = _env_bool("MASTHEAD_EINVOICE_30_DAY_LIMIT", default=True)

# --- Gift stories and partner codes (masthead.gifts, masthead.partners) --------------------
# Stories a subscriber may give per calendar month (publisher's time zone), and for how many
# days from giving a gift link opens its story.
GIFTS_PER_MONTH = _env_int("MASTHEAD_GIFTS_PER_MONTH", default=5)
GIFT_DAYS = _env_int("MASTHEAD_GIFT_DAYS", default=14)
if GIFTS_PER_MONTH < 0 or GIFT_DAYS < 1:
    raise ImproperlyConfigured("MASTHEAD_GIFTS_PER_MONTH must be ≥ 0 and MASTHEAD_GIFT_DAYS ≥ 1.")
# Seconds between the worker's sweeps that hand partner codes to newly eligible readers.
PARTNER_SWEEP_SECONDS = _env_int("MASTHEAD_PARTNER_SWEEP_SECONDS", default=60)
# Partner codes that differ only in letter case are one code, unless the partner's are
# case-sensitive (issue 18): then set this, and "ab-12" and "AB-12" are two codes.
PARTNER_CODES_CASE_SENSITIVE = _env_bool("MASTHEAD_PARTNER_CODES_CASE_SENSITIVE", default=False)

# --- Accounts ------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
if MASTHEAD_ENV == "test":
    # Hashing is deliberately slow; tests create many accounts.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = _env("MASTHEAD_EMAIL_VERIFICATION", "optional")
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# Sign-up, login and reset answer alike whether or not the address is known.
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{PUBLISHER_NAME}] "
# Failed passwords are slowed down by masthead.accounts.throttle (SIGNIN_THROTTLE below), not
# by allauth's fixed lock. "login" only guards against a flood of posts from one address, sized
# for a whole office behind one; "login_failed" now limits second-factor codes only.
ACCOUNT_RATE_LIMITS = {
    "login": "120/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    # Emailed sign-in codes: the per-reader limit is per reader *and* client address
    # (accounts.forms.RequestLoginCodeForm), so no one elsewhere can spend the owner's.
    "request_login_code": "20/m/ip,3/m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "5/m/key",
    "change_password": "5/m/user",
}
ACCOUNT_ADAPTER = "masthead.accounts.adapter.AccountAdapter"
# "Email me a sign-in code": the way in that no one else's failed guesses can slow down.
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
# Failed passwords: a few free, then each further attempt waits twice as long as the last, up to
# the longest delay; per typed address and per client address, and for a browser that signed in
# to the account before, per that browser only (masthead.accounts.throttle).
SIGNIN_THROTTLE = {
    "free_failures_per_account": _env_int("MASTHEAD_SIGNIN_FREE_FAILURES", default=5),
    "free_failures_per_address": _env_int("MASTHEAD_SIGNIN_FREE_FAILURES_PER_ADDRESS", default=30),
    "first_delay_seconds": 2,
    "longest_delay_seconds": _env_int("MASTHEAD_SIGNIN_LONGEST_DELAY_SECONDS", default=900),
    "forget_after_seconds": 60 * 60 * 24,
    "device_days": 365,
}
# With optional verification allauth can only refuse a taken address with "already registered";
# our sign-up form answers exactly as for a new address and emails the owner instead.
ACCOUNT_FORMS = {
    name: f"masthead.accounts.forms.{form}"
    for name, form in {
        "login": "LoginForm",
        "signup": "SignupForm",
        "reset_password": "ResetPasswordForm",
        "reset_password_from_key": "ResetPasswordKeyForm",
        "change_password": "ChangePasswordForm",
        "set_password": "SetPasswordForm",
        "add_email": "AddEmailForm",
        "request_login_code": "RequestLoginCodeForm",
    }.items()
}

# --- Devices and the apps' JSON API (masthead.devices, masthead.api) ---------------------
# API tokens are made with an email and password: per-IP on top of allauth's failed-login limit,
# which the API shares with the login page (one allowance of guesses per address, not two).
ACCOUNT_RATE_LIMITS["api_token"] = "10/m/ip"  # noqa: S105 - a rate, not a secret

EMAIL_BACKEND = _env("MASTHEAD_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = _env("MASTHEAD_EMAIL_HOST", "localhost")
EMAIL_PORT = _env_int("MASTHEAD_EMAIL_PORT", default=25)
EMAIL_HOST_USER = _env("MASTHEAD_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = _env("MASTHEAD_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = _env_bool("MASTHEAD_EMAIL_USE_TLS", default=False)
# A mail server that stops answering must not hold a newsletter sender past its claim (ADR 0008).
EMAIL_TIMEOUT = _env_int("MASTHEAD_EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = _env("MASTHEAD_FROM_EMAIL", f"{PUBLISHER_NAME} <desk@example.com>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Newsletters ---------------------------------------------------------------------------
NEWSLETTERS_FROM_EMAIL = _env("MASTHEAD_NEWSLETTERS_FROM_EMAIL", "newsletters@example.com")
# Messages claimed and sent through one email connection at a time.
NEWSLETTERS_BATCH_SIZE = _env_int("MASTHEAD_NEWSLETTERS_BATCH_SIZE", default=200)
# SMTP conversations a sending worker holds at once (threads; 1 in tests, which share a
# transaction with the code under test).
NEWSLETTERS_CONNECTIONS = _env_int(
    "MASTHEAD_NEWSLETTERS_CONNECTIONS", default=1 if MASTHEAD_ENV == "test" else 4
)
# A claim older than this is taken to belong to a dead sender, and its copies are sent again.
NEWSLETTERS_CLAIM_SECONDS = _env_int("MASTHEAD_NEWSLETTERS_CLAIM_SECONDS", default=300)
# HMAC key the email provider signs bounce and complaint webhooks with (empty: refused).
NEWSLETTERS_WEBHOOK_SECRET = _env(
    "MASTHEAD_NEWSLETTERS_WEBHOOK_SECRET", "" if PRODUCTION else "newsletters-webhook-secret"
)

# --- Static files --------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = Path(_env("MASTHEAD_STATIC_ROOT", str(VAR_DIR / "static")))
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
if not PRODUCTION:
    # Serve straight from the apps' static folders; production runs collectstatic.
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = DEBUG
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(_env("MASTHEAD_MEDIA_ROOT", str(VAR_DIR / "media")))

# --- E-paper -------------------------------------------------------------------------------
# Edition PDFs and page images. Never served from a public URL: every file goes out through a
# view that asks the gate. A local folder by default; S3-compatible storage (django-storages,
# `pip install 'masthead[s3]'`) when MASTHEAD_EPAPER_S3_BUCKET is set (README, "E-paper").
EPAPER_S3_BUCKET = _env("MASTHEAD_EPAPER_S3_BUCKET")
if EPAPER_S3_BUCKET:
    STORAGES["epaper"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": EPAPER_S3_BUCKET,
            "endpoint_url": _env("MASTHEAD_EPAPER_S3_ENDPOINT_URL") or None,
            "region_name": _env("MASTHEAD_EPAPER_S3_REGION") or None,
            "location": _env("MASTHEAD_EPAPER_S3_PREFIX", "epaper"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": True,
        },
    }
else:
    STORAGES["epaper"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": _env("MASTHEAD_EPAPER_DIR", str(VAR_DIR / "epaper")),
            "base_url": None,
        },
    }
EPAPER_MAX_UPLOAD_MB = _env_int("MASTHEAD_EPAPER_MAX_UPLOAD_MB", default=300)
# Shared pages and clips: links signed with SECRET_KEY, valid this many days.
EPAPER_SHARE_DAYS = _env_int("MASTHEAD_EPAPER_SHARE_DAYS", default=30)
# A render that finishes no page for this long is taken to be dead and rendered again.
EPAPER_RENDER_LEASE_MINUTES = _env_int("MASTHEAD_EPAPER_RENDER_LEASE_MINUTES", default=15)
MEDIA_URL = "/media/"
# Stories' lead images (newsroom.images, ADR 0024): uploads past this size are refused. The
# files live in STORAGES["default"]; without a web server or bucket in front of MEDIA_URL
# (deploy/nginx serves /media/), Django serves the stories' images itself.
NEWSROOM_IMAGE_MAX_MB = _env_int("MASTHEAD_NEWSROOM_IMAGE_MAX_MB", default=20)
SERVE_MEDIA = _env_bool("MASTHEAD_SERVE_MEDIA", default=not PRODUCTION)

# --- Requests and security -----------------------------------------------------------------
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500
MAX_QUERY_STRING_LENGTH = 2048
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _env_bool("MASTHEAD_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = _env_int("MASTHEAD_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("MASTHEAD_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = _env_bool("MASTHEAD_HSTS_PRELOAD", default=True)
    if TRUSTED_PROXIES:
        # Only meaningful behind a proxy we trust to set it.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Production hardening (issue 15: sign-in, CSP, error pages, deploy checks) ------------
# A form that fails the CSRF check gets the site's page, not Django's developer page.
CSRF_FAILURE_VIEW = "masthead.core.errors.csrf_failure"
# Crawler verification's DNS lookups run on the request path (masthead.access.crawlers): each
# waits at most this many seconds, and a lookup that timed out is remembered this long.
try:
    CRAWLER_DNS_TIMEOUT = float(_env("MASTHEAD_CRAWLER_DNS_TIMEOUT", "2"))
except ValueError as exc:
    raise ImproperlyConfigured("MASTHEAD_CRAWLER_DNS_TIMEOUT must be a number of seconds.") from exc
CRAWLER_DNS_FAILURE_SECONDS = _env_int("MASTHEAD_CRAWLER_DNS_FAILURE_SECONDS", default=300)

# Staff sign-in: allauth's MFA (ADR 0019). Authenticator apps (TOTP, RFC 6238) with recovery
# codes; every staff member must use one before the admin opens (accounts.middleware), and the
# admin's own login page sends to the site's throttled sign-in (urls.py). `masthead mfa_reset
# --email ...` removes a lost factor. Tests of other apps' back office sign staff in with
# force_login, which skips sign-in altogether, so the test settings leave the rule to the
# tests that are about it; a production site refuses to run without it (core.checks).
INSTALLED_APPS.insert(INSTALLED_APPS.index("allauth.account") + 1, "allauth.mfa")
MIDDLEWARE.insert(
    MIDDLEWARE.index("allauth.account.middleware.AccountMiddleware") + 1,
    "masthead.accounts.middleware.StaffSecondFactorMiddleware",
)
STAFF_MFA_REQUIRED = _env_bool("MASTHEAD_STAFF_MFA_REQUIRED", default=MASTHEAD_ENV != "test")
# The staff-only pages the second factor guards, by URL name (each address and everything under
# it): the back office, and the staff pages outside it (the GSTR-1 export with every buyer's
# GSTIN; the metrics page as a staff session sees it, a scraper's token being no session).
STAFF_SECOND_FACTOR_URLS = ["admin:index", "billing:gstr1", "ops:metrics"]
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = PUBLISHER_NAME
# One 30-second step either side of now, for a phone's clock that is a little off (RFC 6238
# section 5.2 recommends allowing one step of drift). allauth refuses a code used twice.
MFA_TOTP_TOLERANCE = 1

# Content-Security-Policy (django-csp, ADR 0019). Our scripts are files under /static/ or carry
# the request's nonce (the ad tag's inline scripts get it when rendered); other hosts must be
# named: the ad tag's, the payment gateway's, and where story images may come from.
# MASTHEAD_CSP_REPORT_ONLY=true sends the policy as Content-Security-Policy-Report-Only, to try
# a new ad tag without breaking it; MASTHEAD_CSP_REPORT_URI collects the browsers' reports.
CSP_AD_HOSTS = _env_list("MASTHEAD_CSP_AD_HOSTS")
_GATEWAY_HOSTS = {
    # Razorpay Checkout: checkout.js, then its frame and API calls (Razorpay's integration docs).
    "razorpay": f"{_origin(RAZORPAY_CHECKOUT_JS)},https://api.razorpay.com",
    # Stripe Checkout is a page of Stripe's: the subscribe form is redirected there.
    "stripe": "https://checkout.stripe.com",
    "sandbox": "",
}
CSP_GATEWAY_HOSTS = _env_list("MASTHEAD_CSP_GATEWAY_HOSTS", _GATEWAY_HOSTS[BILLING_GATEWAY])
# Story images may be any https:// address (newsroom.blocks); "https:" allows exactly that.
CSP_IMAGE_HOSTS = _env_list("MASTHEAD_CSP_IMAGE_HOSTS", "https:")
CSP_REPORT_ONLY = _env_bool("MASTHEAD_CSP_REPORT_ONLY", default=False)
CSP_REPORT_URI = _env("MASTHEAD_CSP_REPORT_URI")
_CSP_DIRECTIVES: dict[str, Any] = {
    "default-src": [csp.SELF],
    "script-src": [csp.SELF, csp.NONCE, *CSP_GATEWAY_HOSTS, *CSP_AD_HOSTS],
    "style-src": [csp.SELF, *CSP_AD_HOSTS],
    # Style *attributes* run no script and load nothing; the admin's widgets (select2) and ad
    # tags set them. <style> elements and stylesheets stay limited to the above (ADR 0019).
    "style-src-attr": [csp.UNSAFE_INLINE],
    "img-src": [csp.SELF, "data:", *CSP_IMAGE_HOSTS, *CSP_AD_HOSTS],
    "font-src": [csp.SELF],
    "connect-src": [csp.SELF, *CSP_GATEWAY_HOSTS, *CSP_AD_HOSTS],
    "frame-src": [csp.SELF, *CSP_GATEWAY_HOSTS, *CSP_AD_HOSTS],
    "form-action": [csp.SELF, *CSP_GATEWAY_HOSTS],
    "frame-ancestors": [csp.NONE],
    "base-uri": [csp.SELF],
    "object-src": [csp.NONE],
}
if CSP_REPORT_URI:
    _CSP_DIRECTIVES["report-uri"] = CSP_REPORT_URI
CONTENT_SECURITY_POLICY = None if CSP_REPORT_ONLY else {"DIRECTIVES": _CSP_DIRECTIVES}
CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": _CSP_DIRECTIVES} if CSP_REPORT_ONLY else None
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "csp.middleware.CSPMiddleware",
)

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": _env("MASTHEAD_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "django_tasks_db": {"level": "WARNING"},
    },
}

# --- Operations (masthead.ops): health checks, metrics, request ids, JSON logs, Sentry -------
# /healthz and /readyz answer plain HTTP too: load balancers probe the backend directly.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# Bearer token a Prometheus scraper sends to /metrics (staff with the permission need none).
METRICS_TOKEN = _env("MASTHEAD_METRICS_TOKEN")
# json: one JSON object per line with the request id (for journald/Loki/ELK); plain otherwise.
LOG_FORMAT = _env("MASTHEAD_LOG_FORMAT", "plain")
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured("MASTHEAD_LOG_FORMAT must be plain or json.")
LOGGING["filters"] = {"request_id": {"()": "masthead.core.observability.RequestIdFilter"}}
LOGGING["handlers"]["console"]["filters"] = ["request_id"]
LOGGING["formatters"]["json"] = {"()": "masthead.core.observability.JsonFormatter"}
if LOG_FORMAT == "json":
    LOGGING["handlers"]["console"]["formatter"] = "json"
# One line per request (method, path, status, view, duration, client address, request id):
# the access log in production; runserver prints its own, so development keeps it quiet.
LOGGING["loggers"]["masthead.requests"] = {
    "level": _env("MASTHEAD_REQUEST_LOG_LEVEL", "INFO" if LOG_FORMAT == "json" else "WARNING")
}
MIDDLEWARE.insert(0, "masthead.ops.middleware.RequestObservabilityMiddleware")
# core imports no app (import-linter): the navigation's sections come from the newsroom here.
SITE_SECTIONS_PROVIDER = "masthead.newsroom.selectors.sections"
# Pages compressed by Django, not nginx: Django 4.2+ pads each gzip response with random bytes
# ("Heal the Breach"), which defeats BREACH's length oracle on pages carrying CSRF tokens;
# nginx's gzip has no such mitigation (deploy/README.md). After WhiteNoise: static files come
# pre-compressed.
MIDDLEWARE.insert(
    MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
    "django.middleware.gzip.GZipMiddleware",
)
SENTRY_DSN = _env("SENTRY_DSN")
if SENTRY_DSN:
    from masthead.core.observability import start_sentry

    start_sentry(
        dsn=SENTRY_DSN,
        environment=_env("SENTRY_ENVIRONMENT", MASTHEAD_ENV),
        traces_sample_rate=float(_env("SENTRY_TRACES_SAMPLE_RATE", "0") or 0),
    )
