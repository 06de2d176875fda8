"""Local development and `make run`: debug on, SQLite unless DATABASE_URL says otherwise."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)

# The demo accounts sign in with their password alone, so `make run` needs no authenticator app; set
# OTP_REQUIRED_FOR_PRIVILEGED=true to try the second factor as production enforces it (README, "Security").
OTP_REQUIRED_FOR_PRIVILEGED = env.bool("OTP_REQUIRED_FOR_PRIVILEGED", default=False)

# E-mail links of `make run` (printed on the console) point at the development server.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
