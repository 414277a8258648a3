"""Headless Chromium for the tests that open a page: the system's Chromium (Debian's
package, which ``make test`` installs when it is missing), driven by Playwright.

Where there is none (no apt-get, say), those tests skip with a one-line reason; but not in
CI (``CI`` set, as CI services do) or with ``ZKPOT_REQUIRE_BROWSER`` set: there they fail.

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

from tests import needs

FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage"]  # fmt: skip


NO_CHROMIUM = ("no Chromium: `make test` installs Debian's chromium package (with apt-get), "
               "or set ZKPOT_CHROMIUM to a Chromium binary")  # fmt: skip


def find_chromium() -> str | None:
    """$ZKPOT_CHROMIUM, else ``chromium`` (or Ubuntu's ``chromium-browser``) on the PATH."""
    return (os.environ.get("ZKPOT_CHROMIUM") or shutil.which("chromium")
            or shutil.which("chromium-browser"))  # fmt: skip


def chromium_path() -> str:
    """:func:`find_chromium`'s answer; where there is none, skips the test, or fails it
    where :func:`tests.needs.required`."""
    path = find_chromium()
    needs.need(path is not None, NO_CHROMIUM)
    assert path is not None
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
