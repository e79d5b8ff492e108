"""SupplyESG settings: everything site-specific comes from environment variables (see README)."""

from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from supplyesg.env import env_bool, env_int, env_list, env_path, env_str

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = env_path("SUPPLYESG_DATA_DIR", Path.cwd() / "var")

# "development" (default: DEBUG on, console e-mail, a fixed insecure key) or "production".
MODE = env_str("SUPPLYESG_ENV", "development")
if MODE not in {"development", "production"}:
    raise ImproperlyConfigured(f"SUPPLYESG_ENV={MODE!r}: use development or production.")
PRODUCTION = MODE == "production"

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY is required when SUPPLYESG_ENV=production.")
    SECRET_KEY = "django-insecure-development-only-never-use-in-production"  # noqa: S105
elif PRODUCTION and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure")):
    # The same bar as Django's deploy check (security.W009), but fatal: a guessable key signs sessions and resets.
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak: use at least 50 random characters "
        '(e.g. python -c "import secrets; print(secrets.token_urlsafe(50))").'
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required when SUPPLYESG_ENV=production.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
DEMO_MODE = env_bool("SUPPLYESG_DEMO", default=False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    # django-ninja's templates and static files: the API docs page loads Swagger UI from here, not a CDN.
    "ninja",
    "supplyesg.core",
    "supplyesg.suppliers",
    "supplyesg.minerals",
    "supplyesg.assessments",
    "supplyesg.audits",
    "supplyesg.ratings",
    "supplyesg.grievances",
    "supplyesg.engagement",
    "supplyesg.traceability",
    "supplyesg.reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "supplyesg.core.middleware.ApiErrorMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "supplyesg.core.middleware.UserLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "supplyesg.core.uploads.RequestBodyLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "supplyesg.core.middleware.IdleSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "supplyesg.core.middleware.LoginRequiredMiddleware",
    "supplyesg.core.middleware.SecondFactorMiddleware",
]

ROOT_URLCONF = "supplyesg.urls"
WSGI_APPLICATION = "supplyesg.wsgi.application"

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
                "supplyesg.core.context_processors.navigation",
            ],
        },
    }
]

DATABASE_URL = env_str("DATABASE_URL")
# Web and worker processes share the SQLite file: wait for locks, take them up front. (Also what the benches'
# BENCH_SQLITE_FILE=1 runs on, bench/common.py.)
SQLITE_OPTIONS = {
    "timeout": 30,
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
if DATABASE_URL:
    try:
        DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}")
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        # PostgreSQL's JIT compiler is off for our connections: our reports are aggregate queries of well under a
        # second, where compiling them cost more than it saved (130-450 ms per statement of the minerals dashboard's
        # refresh at 20,000 declarations, bench/minerals_dashboard.py). An `options` in DATABASE_URL is kept and wins.
        db_options = DATABASES["default"].setdefault("OPTIONS", {})
        db_options["options"] = " ".join(filter(None, ["-c jit=off", db_options.get("options", "")]))
        # Prepared statements: psycopg prepares a statement it has run this many times on a connection, so
        # PostgreSQL plans our many-table reads once per connection instead of on every request (core/postgresql/
        # base.py; bench/trace_backward.py). They need server-side binding. `off` keeps Django's defaults
        # (values bound on the client, nothing prepared), for a PgBouncer in transaction mode older than 1.21.
        DATABASES["default"]["ENGINE"] = "supplyesg.core.postgresql"
        prepare = (env_str("DATABASE_PREPARE_THRESHOLD", "5") or "5").strip().lower()
        if prepare != "off":
            try:
                threshold = int(prepare)
            except ValueError:
                threshold = -1
            if threshold < 0:
                raise ImproperlyConfigured(
                    f"DATABASE_PREPARE_THRESHOLD={prepare!r}: use a whole number of runs (0 prepares at once) or off."
                )
            db_options.setdefault("server_side_binding", True)
            db_options.setdefault("prepare_threshold", threshold)
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "supplyesg.sqlite3",
            "OPTIONS": dict(SQLITE_OPTIONS),
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Failed log-ins per user name and per address before a pause, and the pause itself.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1)
# Password-reset e-mails per address, and per client address, within the window.
PASSWORD_RESET_LIMIT = env_int("PASSWORD_RESET_LIMIT", 3, minimum=1)
PASSWORD_RESET_CLIENT_LIMIT = env_int("PASSWORD_RESET_CLIENT_LIMIT", 10, minimum=1)
PASSWORD_RESET_WINDOW_MINUTES = env_int("PASSWORD_RESET_WINDOW_MINUTES", 60, minimum=1)
# Reverse proxies in front of the app that append the client address to TRUSTED_PROXY_HEADER.
# 0: the app is reached directly and REMOTE_ADDR is the client.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
TRUSTED_PROXY_HEADER = env_str("TRUSTED_PROXY_HEADER", "X-Forwarded-For")

# Second factor: TOTP apps, passkeys (WebAuthn) and recovery codes, with django-otp.
OTP_TOTP_ISSUER = env_str("OTP_ISSUER", "SupplyESG")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
OTP_WEBAUTHN_RP_NAME = OTP_TOTP_ISSUER
# Passkeys are bound to the site's origin and host name (the relying party); changing it later means
# registering passkeys again. Browsers offer passkeys only on https (or http://localhost in development).
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list(
    "WEBAUTHN_ORIGINS",
    [o for o in CSRF_TRUSTED_ORIGINS if o.startswith("https://")]
    or ([f"https://{host}" for host in ALLOWED_HOSTS if host[:1] not in {".", "*"}] if PRODUCTION else ["http://localhost:8000"]),
)
if not OTP_WEBAUTHN_ALLOWED_ORIGINS:
    raise ImproperlyConfigured("WEBAUTHN_ORIGINS: set the site's origin, e.g. https://esg.example.com.")
OTP_WEBAUTHN_RP_ID = env_str("WEBAUTHN_RP_ID", urlsplit(OTP_WEBAUTHN_ALLOWED_ORIGINS[0]).hostname or "localhost")
# A passkey is a second step after the password, never a way around the log-in throttle.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_TZ = True
# Dates and times shown and read per language (supplyesg/formats/): ISO 8601 dates in English and Chinese alike.
FORMAT_MODULE_PATH = ["supplyesg.formats"]
# Outside any language (a management command, a log line): the same ISO formats.
DATE_FORMAT = SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = SHORT_DATETIME_FORMAT = "Y-m-d H:i"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d"]
# Printed in the header of PDF reports ("the company" that runs the audits); blank leaves it out.
COMPANY_NAME = env_str("COMPANY_NAME", "")
# A TrueType (.ttf/.ttc) font covering Latin and Chinese, embedded in PDF reports; unset: the installed WenQuanYi Micro Hei.
PDF_FONT_PATH = env_path("PDF_FONT_PATH", None)

STATIC_URL = "/static/"
STATIC_ROOT = env_path("STATIC_ROOT", DATA_DIR / "static")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Uploaded files are private: they are served only through views that check access.
MEDIA_ROOT = env_path("MEDIA_ROOT", DATA_DIR / "media")
# Several web hosts: uploaded files on S3-compatible object storage (django-storages, the `s3` extra) when
# MEDIA_S3_BUCKET is set; otherwise the filesystem under MEDIA_ROOT (the default).
MEDIA_S3_BUCKET = env_str("MEDIA_S3_BUCKET", "")
if MEDIA_S3_BUCKET:
    try:
        import storages  # noqa: F401
    except ImportError:
        raise ImproperlyConfigured("MEDIA_S3_BUCKET is set but django-storages is missing: pip install '.[s3]'") from None
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": env_str("MEDIA_S3_ENDPOINT_URL", None),  # e.g. https://minio.internal:9000
            "region_name": env_str("MEDIA_S3_REGION", None),
            "access_key": env_str("MEDIA_S3_ACCESS_KEY_ID", None),  # unset: the host's role / AWS variables
            "secret_key": env_str("MEDIA_S3_SECRET_ACCESS_KEY", None),
            "location": env_str("MEDIA_S3_PREFIX", "media"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
MAX_UPLOAD_MB = env_int("MAX_UPLOAD_MB", 20, minimum=1)
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Bodies are counted while they stream in (core/uploads.py): MAX_UPLOAD_MB per request, larger for the bulk zip.
FILE_UPLOAD_HANDLERS = [
    "supplyesg.core.uploads.BodyLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
MAX_BULK_UPLOAD_MB = env_int("MAX_BULK_UPLOAD_MB", 500, minimum=1)
MAX_BULK_UPLOAD_BYTES = MAX_BULK_UPLOAD_MB * 1024 * 1024
# A bulk zip may expand to at most this much in all (each workbook also stays under 25 MB).
MAX_BULK_UNCOMPRESSED_MB = env_int("MAX_BULK_UNCOMPRESSED_MB", 4096, minimum=1)
# Forms taking several files at once (each file still at most MAX_UPLOAD_MB): the whole request up to this.
MAX_MULTI_UPLOAD_MB = env_int("MAX_MULTI_UPLOAD_MB", 200, minimum=1)
MAX_MULTI_UPLOAD_BYTES = MAX_MULTI_UPLOAD_MB * 1024 * 1024
# URL name -> the setting holding its larger body limit in bytes.
UPLOAD_LIMITS = {
    "minerals:bulk_upload": "MAX_BULK_UPLOAD_BYTES",
    "suppliers:qualification_checklist": "MAX_MULTI_UPLOAD_BYTES",
    "suppliers:upload_documents": "MAX_MULTI_UPLOAD_BYTES",
    "suppliers:record_scans": "MAX_MULTI_UPLOAD_BYTES",
    "portal:documents": "MAX_MULTI_UPLOAD_BYTES",
    "portal:qualification_evidence": "MAX_MULTI_UPLOAD_BYTES",
}
# A queued or running background job without progress for this long lost its worker: it is marked failed
# (on the job's page, or by `supplyesg fail_stale_jobs`) and can be retried.
JOB_STALE_MINUTES = env_int("JOB_STALE_MINUTES", 15, minimum=1)
# Imports writing more rows than this run in the background worker with a progress bar.
IMPORT_INLINE_ROWS = env_int("IMPORT_INLINE_ROWS", 200, minimum=1)

EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "supplyesg@localhost")
# The address users reach the site at, for the links in e-mails (e.g. https://esg.example.com). A system check
# warns when it is unset in production; in development the links point at the development server.
SITE_URL = env_str("SITE_URL", "" if PRODUCTION else "http://localhost:8000").rstrip("/")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# A signed-in session ends after this many minutes without a request (core.middleware.IdleSessionMiddleware,
# enforced on the server); pages warn SESSION_WARNING_MINUTES before and offer to stay signed in. A security
# setting, not a company policy number.
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30, minimum=1)
SESSION_WARNING_MINUTES = env_int("SESSION_WARNING_MINUTES", 2, minimum=1)
if SESSION_WARNING_MINUTES >= SESSION_IDLE_MINUTES:
    raise ImproperlyConfigured(
        f"SESSION_WARNING_MINUTES={SESSION_WARNING_MINUTES} must be less than SESSION_IDLE_MINUTES={SESSION_IDLE_MINUTES}."
    )
SESSION_COOKIE_SECURE = PRODUCTION or not DEBUG
CSRF_COOKIE_SECURE = PRODUCTION or not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    # HTTPS only, unless explicitly switched off (e.g. SECURE_SSL_REDIRECT=false when the proxy redirects).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)

# Blank RMI templates the company's own CMRT/EMRT is written into (downloaded from the RMI website).
SUPPLYESG_CMRT_TEMPLATE = env_path("CMRT_TEMPLATE_PATH", None)
SUPPLYESG_EMRT_TEMPLATE = env_path("EMRT_TEMPLATE_PATH", None)

# Other capabilities add their sections (and to-dos) to the supplier portal's home and tabs:
# each entry is "module.function" taking (request, supplier) and returning a PortalSection or None.
SUPPLYESG_PORTAL_SECTIONS = [
    "supplyesg.minerals.views.portal.portal_section",
    "supplyesg.assessments.views.portal.portal_section",
    "supplyesg.audits.views.portal.portal_section",
    "supplyesg.ratings.views.portal.portal_section",
    "supplyesg.engagement.views.portal.portal_section",
    "supplyesg.traceability.views.portal.portal_section",
]

# Grievance channel (grievances/THREAT_MODEL.md): the key that wraps every report's data key and the salt of receipt
# digests, base64. Unset (development): derived from SECRET_KEY, which a system check refuses in production.
SUPPLYESG_GRIEVANCE_KEY = env_str("SUPPLYESG_GRIEVANCE_KEY", "")
SUPPLYESG_GRIEVANCE_RECEIPT_SALT = env_str("SUPPLYESG_GRIEVANCE_RECEIPT_SALT", "")
# In-memory limits per client and hour on the public intake (reports) and follow-up (receipt tries).
GRIEVANCE_REPORTS_PER_HOUR = env_int("GRIEVANCE_REPORTS_PER_HOUR", 10, minimum=1)
GRIEVANCE_RECEIPT_TRIES_PER_HOUR = env_int("GRIEVANCE_RECEIPT_TRIES_PER_HOUR", 30, minimum=1)

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
