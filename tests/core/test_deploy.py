"""Production settings pass Django's deployment checks; every page carries the Content-Security-Policy."""

import os
import subprocess
import sys
from pathlib import Path

from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_is_clean_under_production_settings():
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE (same test process) must not reach a deployment check.
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "a-production-secret-key-that-is-long-and-random-enough-0123456789-abcdefghij",
        "DJANGO_ALLOWED_HOSTS": "sotheodoi.example.vn",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/sotheodoi",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "SITE_URL": "https://sotheodoi.example.vn",  # required: e-mail links (core/checks.py)
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_pages_carry_a_strict_content_security_policy(client, db):
    policy = client.get(reverse("accounts:login"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
