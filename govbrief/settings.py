"""Django settings for govbrief.

Everything deployment-specific comes from the environment (see README, "Configuration"):
DATABASE_URL, REDIS_URL, GOVBRIEF_DATA_DIR, GOVBRIEF_SECRET_KEY, GOVBRIEF_DEBUG,
GOVBRIEF_ALLOWED_HOSTS, EMAIL_* .
"""

import json
import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DATA_DIR = Path(os.environ.get("GOVBRIEF_DATA_DIR", Path.home() / ".govbrief")).expanduser()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    if key := os.environ.get("GOVBRIEF_SECRET_KEY"):
        return key
    # A stable per-installation key, so sessions survive restarts without configuration.
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("GOVBRIEF_DEBUG", False)
ALLOWED_HOSTS = os.environ.get("GOVBRIEF_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
# Proxies whose X-Forwarded-For/-Proto the ASGI server trusts (`govbrief serve`, uvicorn).
GOVBRIEF_FORWARDED_ALLOW_IPS = os.environ.get("GOVBRIEF_FORWARDED_ALLOW_IPS", "127.0.0.1")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("GOVBRIEF_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

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
    "django_tasks",
    "django_tasks_db",
    "govbrief.core",
    "govbrief.events",
    "govbrief.orgs",
    "govbrief.audit",
    "govbrief.notifications",
    "govbrief.locks",
    "govbrief.reports",
    "govbrief.bulletins",
    "govbrief.emergencies",
    "govbrief.demo",
    "govbrief.bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "govbrief.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "govbrief.core.guard.RequestGuardMiddleware",
    "govbrief.orgs.sessions.IdleMarkerMiddleware",
    "govbrief.orgs.sessions.IdleTimeoutMiddleware",
    "govbrief.core.middleware.ForcePasswordChangeMiddleware",
]

ROOT_URLCONF = "govbrief.urls"
CSRF_FAILURE_VIEW = "govbrief.core.views.csrf_failure"
WSGI_APPLICATION = "govbrief.wsgi.application"
ASGI_APPLICATION = "govbrief.asgi.application"

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
                "govbrief.core.context_processors.navigation",
                "govbrief.core.context_processors.text_limits",
            ],
        },
    }
]

# SQLite in the data folder is the zero-configuration default (demo, a laptop);
# PostgreSQL via DATABASE_URL is the production database.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'govbrief.sqlite3'}",
        conn_max_age=int(os.environ.get("GOVBRIEF_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters bound on the server let psycopg prepare a query it has run a few times on a
    # connection, so PostgreSQL plans each page's queries once per connection instead of on every
    # request: planning a list's joins cost more than running it (issue 14).
    if _env_bool("GOVBRIEF_DB_PREPARED", True):
        DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=2)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )

if redis_url := os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}}
    # Sessions are read from Redis and written through to the database, so every app server shares
    # them and a Redis restart logs nobody out (issue 14).
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Live push (core.live): through Redis pub/sub when it is configured, so several app servers and the
# background workers reach every open page; in-process otherwise (the embedded demo, one process).
GOVBRIEF_LIVE_REDIS_URL = os.environ.get("GOVBRIEF_LIVE_REDIS_URL", redis_url or "")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "orgs.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

AUTHENTICATION_BACKENDS = ["govbrief.orgs.lockout.LockoutBackend"]
# SPEC §9: lock an account after five failed logins in a row.
GOVBRIEF_LOCKOUT_ATTEMPTS = int(os.environ.get("GOVBRIEF_LOCKOUT_ATTEMPTS", "5"))
GOVBRIEF_LOCKOUT_MINUTES = int(os.environ.get("GOVBRIEF_LOCKOUT_MINUTES", "30"))

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# SPEC §9 (等保 2.0 level 3): at least 8 characters of 3 kinds.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "govbrief.core.validators.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
]

# SPEC §9: idle timeout (10 minutes by default). Activity renews the session at most once a
# minute (orgs.sessions.IdleTimeoutMiddleware), not with a database write on every request.
SESSION_COOKIE_AGE = int(os.environ.get("GOVBRIEF_SESSION_IDLE_MINUTES", "10")) * 60
SESSION_SAVE_EVERY_REQUEST = False
GOVBRIEF_SESSION_REFRESH_SECONDS = int(os.environ.get("GOVBRIEF_SESSION_REFRESH_SECONDS", "60"))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = _env_bool("GOVBRIEF_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(os.environ.get("GOVBRIEF_MEDIA_ROOT", DATA_DIR / "media"))
# Uploaded files are never served as public media: downloads go through a view that checks access.
MEDIA_URL = "/media-not-public/"
FILE_UPLOAD_PERMISSIONS = 0o640
# A text body (form or JSON) is at most a report's 50,000 characters and its fields, many times over;
# an upload may also carry attachments, each checked against GOVBRIEF_ATTACHMENT_MAX_BYTES.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("GOVBRIEF_REQUEST_MAX_TEXT_KB", "2560")) * 1024
GOVBRIEF_REQUEST_MAX_BYTES = int(os.environ.get("GOVBRIEF_REQUEST_MAX_MB", "100")) * 1024 * 1024

# Without a mail server (the demo, a laptop) e-mail is written to files in the data folder's outbox,
# where it can be read, instead of flooding the console.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(DATA_DIR / "outbox"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "govbrief@localhost")
# The address people reach the system at, for links in e-mail and SMS (they are read away from it).
GOVBRIEF_SITE_URL = os.environ.get("GOVBRIEF_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# SMS (notifications.sms): the log backend unless a gateway is configured.
GOVBRIEF_SMS_BACKEND = os.environ.get("GOVBRIEF_SMS_BACKEND", "govbrief.notifications.sms.LogBackend")
GOVBRIEF_SMS_URL = os.environ.get("GOVBRIEF_SMS_URL", "")
GOVBRIEF_SMS_KEY = os.environ.get("GOVBRIEF_SMS_KEY", "")
GOVBRIEF_SMS_TEMPLATE = os.environ.get("GOVBRIEF_SMS_TEMPLATE", "")

# Background work (core.background): Django's Tasks API on the database, so a task is queued in
# the transaction of the change that queues it. `govbrief worker` runs the queue.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "govbrief.core.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "govbrief.core.api_permissions.InitialPasswordChanged",
    ],
    "DEFAULT_THROTTLE_RATES": {"login": os.environ.get("GOVBRIEF_API_LOGIN_RATE", "10/min")},
    # JSON bodies; the endpoints that take files add multipart themselves.
    "DEFAULT_PARSER_CLASSES": ["govbrief.core.parsers.BoundedJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "govbrief.core.schema.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["govbrief.core.filters.StrictFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "govbrief.core.pagination.Pagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "govbrief.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "govbrief API",
    "DESCRIPTION": "政务信息报送与管理 — REST API for office-automation integration. "
    "Authenticate with `Authorization: Token <key>`.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several choice sets share a field name ("kind" of a unit and of a report, "state" of a report
    # and of a submission); name their enums explicitly so the schema generates without warnings.
    "ENUM_NAME_OVERRIDES": {
        "UnitKindEnum": "govbrief.orgs.choices.UnitKind",
        "ReportKindEnum": "govbrief.reports.choices.ReportKind",
        "DraftableReportKindEnum": "govbrief.reports.choices.DRAFTABLE_KINDS",
        "ReportStateEnum": "govbrief.reports.choices.ReportState",
        "SubmissionStateEnum": "govbrief.reports.choices.SubmissionState",
        "DistributionEnum": "govbrief.reports.choices.Distribution",
        "ReportableDistributionEnum": "govbrief.reports.choices.REPORTABLE_DISTRIBUTIONS",
        "IssueStateEnum": "govbrief.bulletins.choices.IssueState",
        "PublicationTierEnum": "govbrief.bulletins.choices.Tier",
        "IncidentKindEnum": "govbrief.emergencies.choices.IncidentKind",
        "IncidentStateEnum": "govbrief.emergencies.choices.IncidentState",
        "EmergencyStageEnum": "govbrief.emergencies.choices.Stage",
        "ClockStateEnum": "govbrief.emergencies.choices.ClockState",
        "ClockRuleEnum": "govbrief.emergencies.choices.Rule",
        "ArrivalKindEnum": "govbrief.emergencies.choices.ArrivalKind",
        "EmergencyRequestKindEnum": "govbrief.emergencies.choices.RequestKind",
        "DispositionKindEnum": "govbrief.emergencies.choices.DispositionKind",
        "ReportingRecordKindEnum": "govbrief.emergencies.choices.RecordKind",
        "MarkableRecordKindEnum": "govbrief.emergencies.choices.MARKABLE_RECORD_KINDS",
        "ReportingRecordStateEnum": "govbrief.emergencies.choices.RecordState",
    },
}

# Bulletins (issue 16): the faces the Word file names and the PDF embeds, by role (title, body, heading,
# kai, page_number, masthead), as JSON, e.g. '{"body": "仿宋_GB2312", "title": "方正小标宋简体"}'. The Word
# file defaults to the faces every government PC has; the PDF to the free Noto CJK faces (fonts-noto-cjk).
GOVBRIEF_BULLETIN_FONTS = json.loads(os.environ.get("GOVBRIEF_BULLETIN_FONTS") or "{}")
GOVBRIEF_BULLETIN_PDF_FONTS = json.loads(os.environ.get("GOVBRIEF_BULLETIN_PDF_FONTS") or "{}")

# Attachments (SPEC §3): checked type and size.
GOVBRIEF_ATTACHMENT_MAX_BYTES = int(os.environ.get("GOVBRIEF_ATTACHMENT_MAX_MB", "20")) * 1024 * 1024
GOVBRIEF_EDIT_LOCK_MINUTES = int(os.environ.get("GOVBRIEF_EDIT_LOCK_MINUTES", "5"))  # idle edit locks lapse

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("GOVBRIEF_LOG_LEVEL", "WARNING")},
}
# Emergency clocks (SPEC §5): reminders this many minutes before a deadline, then at the deadline.
GOVBRIEF_EMERGENCY_REMINDER_MINUTES = [int(m) for m in os.environ.get("GOVBRIEF_EMERGENCY_REMINDER_MINUTES",
                                                                      "60,15").split(",") if m.strip()]
