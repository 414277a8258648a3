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


def test_a_missing_node_tool_or_docs_build_says_what_installs_it(no_chromium, tmp_path) -> None:
    from tests import needs

    no_chromium.setattr(needs, "NODE_MODULES", tmp_path / "node_modules")
    present, reason = needs.node_tool(".bin/snarkjs", ".bin/circom2")
    assert not present and reason == (
        "node_modules/.bin/snarkjs is missing: run `npm ci` in zkpot's directory (`make test` does)"
    )
    with pytest.raises(pytest.skip.Exception, match="snarkjs is missing"):
        needs.need(present, reason)
    no_chromium.setenv("CI", "1")
    with pytest.raises(pytest.fail.Exception, match="required here"):
        needs.need(present, reason)
    no_chromium.setattr(needs.importlib.util, "find_spec", lambda name: None)
    assert needs.docs_site() == (False, f"mkdocs is not installed: {needs.DOCS}")


def test_a_module_that_needs_a_missing_tool_skips_before_its_fixtures(pytester) -> None:
    pytester.makeconftest("from tests.conftest import _tools, pytest_configure  # noqa: F401\n")
    pytester.makepyfile(
        """
        import pytest

        pytestmark = pytest.mark.needs(False, "frobnicator is missing: make frob")

        @pytest.fixture(scope="module")
        def costly():
            raise AssertionError("the module's fixture ran")

        def test_one(costly):
            pass
        """
    )
    for name in ("CI", "ZKPOT_REQUIRE_BROWSER"):
        pytester._monkeypatch.delenv(name, raising=False)
    result = pytester.runpytest_inprocess("-rs", "-p", "no:cacheprovider")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*frobnicator is missing: make frob*"])
