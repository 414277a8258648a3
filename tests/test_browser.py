"""tests/browser.py without a Chromium: the browser tests skip with one line saying how to
get one, except in CI (or with ZKPOT_REQUIRE_BROWSER), where they fail."""

from __future__ import annotations

import pytest

from tests import browser


@pytest.fixture
def no_chromium(monkeypatch):
    monkeypatch.delenv("ZKPOT_CHROMIUM", raising=False)
    monkeypatch.setattr(browser.shutil, "which", lambda name: None)
    for name in ("CI", "ZKPOT_REQUIRE_BROWSER"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_without_chromium_a_browser_test_skips_with_one_line(no_chromium) -> None:
    with pytest.raises(pytest.skip.Exception) as skipped:
        browser.chromium_path()
    reason = str(skipped.value)
    assert "\n" not in reason and "ZKPOT_CHROMIUM" in reason and "chromium package" in reason


@pytest.mark.parametrize("name, value", [("CI", "true"), ("ZKPOT_REQUIRE_BROWSER", "1")])
def test_in_ci_a_missing_chromium_fails(no_chromium, name: str, value: str) -> None:
    no_chromium.setenv(name, value)
    with pytest.raises(pytest.fail.Exception, match="no Chromium"):
        browser.chromium_path()


def test_ci_set_to_false_still_skips(no_chromium) -> None:
    no_chromium.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception):
        browser.chromium_path()


def test_zkpot_chromium_or_the_path_names_the_browser(no_chromium) -> None:
    no_chromium.setattr(browser.shutil, "which", lambda name: f"/usr/bin/{name}")
    assert browser.chromium_path() == "/usr/bin/chromium"
    no_chromium.setenv("ZKPOT_CHROMIUM", "/opt/chrome/chrome")
    assert browser.chromium_path() == "/opt/chrome/chrome"
