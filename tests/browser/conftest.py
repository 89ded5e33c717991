import os
import time
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (run scripts/ensure_chromium.sh or set CHROMIUM_PATH)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


@pytest.fixture
def site(live_server):
    """live_server flushes the tables, taking Wagtail's root page, site and locale with them: rebuild them."""
    from cms.services import ensure_home_page

    ensure_home_page()
    return live_server


@pytest.fixture
def screenshot(page):
    directory = Path(os.environ.get("SCREENSHOT_DIR", ".screenshots"))
    directory.mkdir(parents=True, exist_ok=True)

    def take(name):
        path = directory / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def wait_until(page, expression, timeout=15000):
    """Poll a JavaScript expression until it is truthy.

    page.wait_for_function evaluates its predicate inside the page, which our Content-Security-Policy (no
    'unsafe-eval') refuses; page.evaluate goes through the DevTools protocol, which the policy does not govern.
    """
    deadline = time.monotonic() + timeout / 1000
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} ms: {expression}")
        page.wait_for_timeout(100)


def app_login(page, site_url, phone):
    """Log in to the app with the phone code the console gateway 'sent': the cadre lands on 我的."""
    import re

    from playwright.sync_api import expect

    from sms.gateways.console import GatewayBackend as Console

    page.goto(site_url + "/app/login")
    page.fill("#phone", phone)
    page.click("#phone-form button")
    expect(page.locator("#code-form")).to_be_visible()
    body = next(body for to, body in Console.outbox if to == "+86" + phone)
    page.fill("#code", re.search(r"\d{6}", body).group())
    page.click("#code-form button")
    expect(page).to_have_url(site_url + "/app/me")
