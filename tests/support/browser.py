"""A real browser for the console's tests: Debian's Chromium, driven by Playwright.
`make test-tools` installs it; each page a test visits is kept as a screenshot under
`test-artifacts/console/` (CI keeps the folder)."""

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "console"


def chromium() -> str:
    found = os.environ.get("CROSSDOCK_CHROMIUM") or shutil.which("chromium")
    if not found:
        pytest.fail("no Chromium: `make test-tools` installs Debian's (make test runs it)")
    return found


async def launched() -> AsyncIterator[Browser]:
    async with async_playwright() as driver:
        # --no-sandbox: the suite runs as root in CI, where Chromium's sandbox cannot start.
        browser = await driver.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
        try:
            yield browser
        finally:
            await browser.close()


async def keep(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


async def sign_in(page: Page, console: str, token: str) -> None:
    await page.goto(f"{console}/console/sign-in")
    await page.get_by_label("Your Crossdock token").fill(token)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url("**/console/orders")
