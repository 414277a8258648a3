"""Headless Chromium for the tests that open a page: the system's Chromium (Debian's
package, which ``make test`` installs when it is missing), driven by Playwright.

Playwright is only the driver here: it launches the system's browser by path, so no
browser is downloaded. Chromium starts with the flags a closed, shared machine needs: no
sandbox (tests may run as root), no GPU, and none of its background connections.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage"]  # fmt: skip


def chromium_path() -> str:
    """$ZKPOT_CHROMIUM, else ``chromium`` on the PATH; fails the test if there is none."""
    path = os.environ.get("ZKPOT_CHROMIUM") or shutil.which("chromium")
    if not path:
        pytest.fail("no Chromium: `make test` installs Debian's chromium package, or set "
                    "ZKPOT_CHROMIUM to a Chromium binary")  # fmt: skip
    return path


@contextmanager
def page() -> Iterator[tuple[Any, list[str]]]:
    """A new page in headless Chromium, and the list its console errors and uncaught
    exceptions are appended to."""
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=FLAGS)
        try:
            tab = browser.new_page()
            tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            tab.on("pageerror", lambda error: errors.append(str(error)))
            yield tab, errors
        finally:
            browser.close()
