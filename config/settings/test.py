"""Tests: the real PostgreSQL and Redis of this machine unless the environment says otherwise."""

from .base import *  # noqa: F403
from .base import DATABASES, env

DATABASES["default"] = env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/sotheodoi")
DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME", default=None)}

# Tasks run in-process unless a test starts a real worker (tests/core/test_celery_worker.py does).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/15")
CELERY_RESULT_BACKEND = CELERY_BROKER_URL
CELERY_TASK_ALWAYS_EAGER = True

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
AXES_ENABLED = env.bool("AXES_ENABLED", default=False)
# Most tests sign in with force_login and no second factor; tests/accounts turn the requirement on to test it.
OTP_REQUIRED_FOR_PRIVILEGED = False

# Tests read the overview right after changing records.
OVERVIEW_CACHE_SECONDS = 0
