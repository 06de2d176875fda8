"""Production: PostgreSQL, Redis and a real secret are required; HTTPS everywhere."""

from .base import *  # noqa: F403
from .base import LOGGING, MIDDLEWARE, STATIC_ROOT, env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
# Each reused connection is checked first, so pages answer at once after a database restart (base.py says why).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
CELERY_BROKER_URL = env("CELERY_BROKER_URL")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL)
CELERY_TASK_ALWAYS_EAGER = False
# Rate-limit counters must be shared by every web process: Redis, by default the broker's server (set CACHE_URL to
# give them a database of their own, e.g. redis://127.0.0.1:6379/1). The cache fails open (core/cache.py): with
# Redis down, sign-in and pages still work, the limits are not counted and a warning is logged.
CACHES = {
    "default": {
        "BACKEND": "core.cache.FailOpenRedisCache",
        "LOCATION": env("CACHE_URL", default="") or CELERY_BROKER_URL,
        "KEY_PREFIX": "sotheodoi",
    }
}
# No default: e-mail links must point at the real site (the deploy check says when it is missing).
SITE_URL = env("SITE_URL", default="")
MAILERS = {"default": {"BACKEND": env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")}}
if MAILERS["default"]["BACKEND"].endswith("smtp.EmailBackend"):
    # The office's mail relay; by default one on this machine, as Django's SMTP backend assumes.
    MAILERS["default"]["OPTIONS"] = {
        "host": env("DJANGO_EMAIL_HOST", default="localhost"),
        "port": env.int("DJANGO_EMAIL_PORT", default=25),
        "username": env("DJANGO_EMAIL_USER", default=""),
        "password": env("DJANGO_EMAIL_PASSWORD", default=""),
        "use_tls": env.bool("DJANGO_EMAIL_USE_TLS", default=False),
        "timeout": 30,
    }

# WhiteNoise serves the collected static files right after the security middleware.
_security = MIDDLEWARE.index("django.middleware.security.SecurityMiddleware")
MIDDLEWARE.insert(_security + 1, "whitenoise.middleware.WhiteNoiseMiddleware")
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=STATIC_ROOT)

# Logs: one JSON object per line on standard error (core/logging.py); the Celery worker and beat write through
# the same handler instead of installing their own.
LOGGING["handlers"]["console"]["formatter"] = "json"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Behind that one reverse proxy, the client's address (rate limits, lockout, logs) is the one it appends.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# The load balancer's health check may call the application directly over HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
