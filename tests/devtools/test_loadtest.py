"""The load test (`make loadtest`) stays runnable: its pages are the project's URLs, its accounts are demo accounts
that sign in with a password alone, and Locust loads its locustfile."""

import importlib.util
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

from django.urls import resolve

from accounts.roles import Role
from devtools.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

LOADTEST = Path(__file__).resolve().parents[2] / "scripts" / "loadtest"


def load_pages():
    spec = importlib.util.spec_from_file_location("loadtest_pages", LOADTEST / "loadtest_pages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_pages_of_the_load_test_are_the_projects_urls():
    pages = load_pages()
    for name, path in pages.PAGES:
        assert resolve(urlsplit(path.format(pk=1, query="nguyen")).path).view_name == name


def test_the_load_test_signs_in_as_demo_accounts_without_a_second_factor():
    pages = load_pages()
    roles = {account.username: account.role for account in DEMO_ACCOUNTS}
    assert pages.PASSWORD == DEMO_PASSWORD
    assert pages.ACCOUNTS and all(
        roles[username] in (Role.WARD_OFFICIAL, Role.DISTRICT_REVIEWER) for username in pages.ACCOUNTS
    )


def test_locust_loads_the_locustfile():
    """In a process of its own: Locust patches the standard library (gevent) when it is imported."""
    result = subprocess.run(
        [str(Path(sys.executable).with_name("locust")), "-f", str(LOADTEST / "locustfile.py"), "--list"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "DemoUser" in result.stdout
