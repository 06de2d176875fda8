"""A newcomer's first minutes: the README's `make run`, in a fresh clone, with nothing configured, serves the
login page in Vietnamese (SQLite, tasks in-process)."""

import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PORT = "8765"


@pytest.mark.e2e
def test_make_run_in_a_fresh_clone_serves_the_login_page(tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "CELERY_BROKER_URL", "TEST_DATABASE_NAME"}
    }
    env["PORT"] = PORT
    log = (tmp_path / "make-run.log").open("w")
    process = subprocess.Popen(
        ["make", "run"], cwd=clone, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        deadline, page = time.monotonic() + 540, ""
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/accounts/login/", timeout=5) as response:
                    page = response.read().decode()
                    break
            except OSError:
                time.sleep(3)
        assert "Đăng nhập" in page, (tmp_path / "make-run.log").read_text()[-3000:]
        assert '<html lang="vi">' in page
        assert "canbo.badinh" in (tmp_path / "make-run.log").read_text()  # the demo accounts are printed
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


@pytest.fixture
def seed_data():
    """This check needs no database (the clone makes its own SQLite one)."""
