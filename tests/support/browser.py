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


AXE = ROOT / ".local/npm/node_modules/axe-core/axe.min.js"


async def accessibility_violations(page: Page) -> list[str]:
    """axe-core's serious and critical findings on the page as it stands (WCAG 2.1 A and
    AA: contrast, labels, names, landmarks, keyboard). The page's context must bypass the
    console's CSP, which rightly refuses the injected script."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: `make test-tools` installs it from npm")
    await page.add_script_tag(path=str(AXE))
    found = await page.evaluate(
        "async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa']}))"
        ".violations.filter(v => ['serious', 'critical'].includes(v.impact))"
        ".map(v => v.id + ': ' + v.help + ' — ' + v.nodes.map(n => n.target.join(' ')).join(', '))"
    )
    return list(found)
