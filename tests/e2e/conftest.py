"""Browser journeys: Debian's Chromium driven by Playwright against a live server on PostgreSQL.

Playwright's sync API runs an event loop in the test thread, which makes Django think it is in async code;
the ORM calls of the fixtures are safe here (one thread), hence DJANGO_ALLOW_ASYNC_UNSAFE.
"""

import os
import shutil
from pathlib import Path

import pytest

from tests.seed import ensure_seed_data

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "e2e-screenshots"
PASSWORD = "Mat-khau-2026"  # tests.factories.UserFactory


@pytest.fixture(autouse=True)
def seed_data(transactional_db):
    ensure_seed_data()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(params=[1280, 375], ids=["desktop", "phone"])
def page(request, browser):
    context = browser.new_context(viewport={"width": request.param, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.width = request.param
    yield page
    context.close()


AXE = Path(__file__).resolve().parent / "axe.min.js"  # axe-core 4.14.1 (MPL-2.0), from the npm registry
AXE_SOURCE = AXE.read_text(encoding="utf-8")


def accessibility_problems(page) -> list[dict]:
    """Serious and critical violations that axe-core finds on the page as it stands."""
    # Evaluated through the DevTools protocol: the site's Content-Security-Policy (no inline scripts) stays on.
    page.evaluate(AXE_SOURCE)
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help, target: v.nodes.map(n => n.target.join(' '))}))"
    )
    return [v for v in violations if v["impact"] in ("serious", "critical")]


def shot(page, name: str) -> None:
    """Keep a screenshot of the page (a CI artifact) and require it to pass axe-core's serious checks."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}-{page.width}.png", full_page=True)
    problems = accessibility_problems(page)
    assert not problems, f"{name}: {problems}"


def login(page, live_server, user) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    assert not accessibility_problems(page), "login page"
    with page.expect_navigation():
        page.click("main button[type=submit]")
