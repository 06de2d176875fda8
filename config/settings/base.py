"""Settings shared by every environment. Everything that differs between machines comes from the environment
(see .env.example); the defaults run the app on SQLite with Celery tasks executed in-process."""

import datetime
from pathlib import Path
from typing import Any

import environ
from celery.schedules import crontab
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-dev-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # Django's widget templates, for FORM_RENDERER below
    "django_filters",
    "django_htmx",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # The project's apps, in their layers (each imports only from those above it in this list; the README's
    # "Architecture" and tests/test_layers.py say why and keep it true).
    "core",
    "accounts",
    "organizations",
    "citizens",
    "cases",
    "reports",
    "overview",
    "imports",
    "audit",
    "retention",
    "devtools",
]

MIDDLEWARE = [
    # First: every log line written while a request is handled carries its id (core/logging.py).
    "core.logging.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Every answer of the application is `Cache-Control: private, no-store` unless it sets its own (pages name
    # citizens and denouncers); in production WhiteNoise comes before it, so static files stay cacheable.
    "core.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.VietnameseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before anything reads the body (CSRF reads the form): a request larger than UPLOAD_MAX_MB answers 413.
    "core.upload_limit.RequestSizeLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication and messages: who verified a second factor, idle sessions signed out (with a message
    # on the login page), and unverified sessions sent to the second-factor page (accounts/middleware.py).
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SessionTimeoutMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "django.template.context_processors.i18n",
                "overview.context_processors.navigation",
                "overview.context_processors.notifications",
                "accounts.context_processors.security_links",
            ],
        },
    },
]

# Widgets render through the project's template engine, so templates/django/forms/ can replace Django's widget
# templates (multiple_input.html: see why there), and <select> is written in Python (core/forms_renderer.py).
FORM_RENDERER = "core.forms_renderer.FormRenderer"

# How long the overview's figures are kept (seconds; 0: computed on every request). The page says when.
OVERVIEW_CACHE_SECONDS = env.int("OVERVIEW_CACHE_SECONDS", default=300)

# With no DATABASE_URL the app runs on a local SQLite file, so `make run` works on any machine.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=0))
# A connection kept between requests is checked before a request reuses it: after PostgreSQL restarts, the first
# request of each web thread would otherwise fail on its dead connection (tests/core/test_faults.py).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: the report's aggregates over a million rows spent about 200 ms compiling each
    # statement (EXPLAIN ANALYZE, "JIT: Timing") to save less than that in execution, and list pages gain nothing.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out user before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, at the same cost for a name that is no account (accounts/backends.py).
    "accounts.backends.EqualCostModelBackend",
]
# Password rules: 12 characters or more, not common, not all digits, not like the user's name, and at least three
# of lower case, upper case, digits and symbols.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("PASSWORD_MIN_LENGTH", default=12)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "overview:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)  # hours
# Locked: a user name from one address, together (django-axes 8's combined parameters). Offices sign in from one
# address behind NAT: counting the address alone let five mistyped names lock out every colleague, and counting
# the name alone lets anyone lock out any account by name. Guessing from many addresses is slowed by the per-name
# rate limit, spraying many names from one address by the per-address one (RATE_LIMITS below).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# The same client address for the lockout as for the rate limits (behind TRUSTED_PROXY_COUNT proxies).
AXES_CLIENT_IP_CALLABLE = "core.ratelimit.axes_client_ip"
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Second factor (TOTP, django-otp): required for steering committee members, staff and superusers when this is on;
# anyone else may enrol from their account page. local.py turns it off for the demo unless the environment says so.
OTP_REQUIRED_FOR_PRIVILEGED = env.bool("OTP_REQUIRED_FOR_PRIVILEGED", default=True)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="So theo doi")
# Each wrong code doubles the wait before the next try (django-otp's throttling), on top of the rate limit.
OTP_TOTP_THROTTLE_FACTOR = 1

# Rate limits: "count/seconds" per client address or user, counted in the cache (core/ratelimit.py).
RATE_LIMITS = {
    # Every sign-in POST of one address, counted over 15 minutes: an office behind one NAT address signing in at
    # 8:00 (or again after the 30-minute idle sign-out) stays well under 100, while spraying passwords over many
    # names from one address is held to 100 tries a quarter hour (it was 30 a minute, 1,800 an hour).
    "login-ip": env("RATE_LIMIT_LOGIN_IP", default="100/900"),
    "login-username": env("RATE_LIMIT_LOGIN_USERNAME", default="10/60"),
    "otp": env("RATE_LIMIT_OTP", default="10/300"),
    "export": env("RATE_LIMIT_EXPORT", default="30/600"),
}

# The counters of the rate limits live here: Redis when CACHE_URL is set (shared by every process, as production
# needs), otherwise this process's memory, which is enough for `make run` and the tests.
CACHE_URL = env("CACHE_URL", default="")
CACHES = {
    "default": (
        # Failing open while Redis is unreachable (core/cache.py): sign-in must not depend on it.
        {"BACKEND": "core.cache.FailOpenRedisCache", "LOCATION": CACHE_URL, "KEY_PREFIX": "sotheodoi"}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Content-Security-Policy: every script, style and image comes from this site (no inline code, no CDN).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# A session ends 8 hours after sign-in whatever happens (SESSION_COOKIE_AGE, enforced from the sign-in time), after
# SESSION_IDLE_TIMEOUT minutes without a request, and when the browser closes.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Internationalisation: Vietnamese first, English available.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True
# Bounded dates (core/dates.py): no record is dated before this day, unless its unit's own history says later.
RECORDS_EARLIEST_DATE = datetime.date.fromisoformat(env("RECORDS_EARLIEST_DATE", default="1945-01-01"))
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploaded documents live outside the web root and are served only through views that check scope.
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))

# Celery. Without a broker the tasks run in-process (eager), so the app works with nothing else installed.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 24 * 60 * 60
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
# Long jobs are acknowledged after they finish, so a worker killed mid-task gets the job redelivered;
# every task is written to be idempotent for that reason.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# With Redis, a task taken by a worker that dies is delivered again once this many seconds have passed without an
# acknowledgement; it must exceed the longest task (the task time limit), or a task still running would be started
# a second time: 5 minutes above it. A report whose worker died is taken up sooner, by the 5-minute sweep, which
# sees that no worker holds its compile lock (reports/services.py).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT + 5 * 60),
    # Broker down (issue #15): publishing gives up after about a second whether Redis refuses the connection or
    # does not answer at all, with one immediate retry for a connection it dropped (CELERY_TASK_PUBLISH_RETRY_POLICY).
    # The work is then kept as waiting, the user is told, and the beat sweep queues it when the broker is back.
    "socket_connect_timeout": 1,
    "socket_timeout": 1,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
# Internal monitors send this in the X-Health-Token header to run /healthz/?worker=1 (empty: that check is refused).
HEALTH_TOKEN = env("DJANGO_HEALTH_TOKEN", default="")

# The one place for periodic schedules (run by `celery -A config beat`). Crontab times are in CELERY_TIMEZONE.
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    # Deadline reminders, heads' reception shortfalls and their e-mails, before the offices open.
    "daily-notification-sweep": {"task": "overview.daily_sweep", "schedule": crontab(hour=6, minute=30)},
    # ... and caught up later in the office day when the morning's could not reach a worker (broker down).
    "daily-notification-sweep-catch-up": {
        "task": "overview.daily_sweep_catch_up",
        "schedule": crontab(hour="7-17", minute=35),
    },
    # Reports, exports and imports waiting since the broker was down are queued again; reports stuck in "running"
    # are failed (config/tasks.py).
    "requeue-waiting-work": {"task": "config.requeue_waiting_work", "schedule": crontab(minute="*/5")},
}
# The sweep above lives outside the apps (it reaches into apps that may not import each other): the worker loads it.
CELERY_IMPORTS = ["config.tasks"]

MAILERS = {
    "default": {"BACKEND": env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")}
}
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="so-theo-doi@localhost")
# The address the site is reached at, without a trailing slash: every link in an e-mail is SITE_URL + path. The
# default suits `make run`; production sets it (a deploy check, core/checks.py, refuses it missing, not https or
# pointing at this machine).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

LOGGING: dict[str, Any] = {  # logging.config.dictConfig's schema
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "core.logging.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}

# Domain settings.
# A delegation of this many people or more on one matter is "đoàn đông người".
DELEGATION_THRESHOLD = env.int("DELEGATION_THRESHOLD", default=5)
# A case open longer than this many days is prolonged (kéo dài), as is one with repeated letters.
PROLONGED_AFTER_DAYS = env.int("PROLONGED_AFTER_DAYS", default=180)
# Due-soon list and reminders: deadlines within this many days.
DUE_SOON_DAYS = env.int("DUE_SOON_DAYS", default=5)
# Plan tasks and inspection conclusions of weak organizations: their committee is reminded once, when the deadline
# comes within this many days.
PLAN_DUE_SOON_DAYS = env.int("PLAN_DUE_SOON_DAYS", default=7)
# Uploads: allowed extensions and the size limit.
ATTACHMENT_MAX_MB = env.int("ATTACHMENT_MAX_MB", default=20)
# ClamAV daemon (clamd) for virus scanning, e.g. "unix:///run/clamav/clamd.ctl" or "tcp://127.0.0.1:3310".
CLAMAV_URL = env("CLAMAV_URL", default="")
# Exports larger than this many rows run in a worker.
EXPORT_INLINE_MAX_ROWS = env.int("EXPORT_INLINE_MAX_ROWS", default=2000)
# Spreadsheet imports: files with more rows than this are checked and imported by a worker; the size limit.
IMPORT_INLINE_MAX_ROWS = env.int("IMPORT_INLINE_MAX_ROWS", default=500)
IMPORT_MAX_MB = env.int("IMPORT_MAX_MB", default=20)
# Hostile workbooks (issue #15): an XLSX is a zip, refused before parsing when its parts inflate beyond this many MB
# in all or when a part over 1 MB inflates more than this many times (a decompression bomb); a sheet with more
# rows than IMPORT_MAX_ROWS is refused as soon as the reading passes that row.
IMPORT_MAX_UNCOMPRESSED_MB = env.int("IMPORT_MAX_UNCOMPRESSED_MB", default=100)
IMPORT_MAX_COMPRESSION_RATIO = env.int("IMPORT_MAX_COMPRESSION_RATIO", default=100)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=50_000)
# The largest request body accepted, refused with a 413 page before it is read (core/upload_limit.py): the
# largest file a form takes plus room for the other fields. Set the proxy's limit (nginx client_max_body_size)
# a little above it, so the user sees the application's page rather than the proxy's.
UPLOAD_MAX_MB = env.int("UPLOAD_MAX_MB", default=max(ATTACHMENT_MAX_MB, IMPORT_MAX_MB) + 1)
