"""The suite's one shared hook: the ``needs`` mark (:mod:`tests.needs`)."""

from __future__ import annotations

import pytest

from tests import needs

pytest_plugins = ["pytester"]  # tests/test_browser.py runs a module of its own


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "needs(present, reason): a tool beyond the test extras (tests/needs.py)"
    )


@pytest.fixture(scope="module", autouse=True)
def _tools(request: pytest.FixtureRequest) -> None:
    """A module's ``needs`` marks, checked before any of its fixtures (an autouse fixture
    comes first in its scope) and its tests."""
    for mark in request.node.iter_markers("needs"):
        needs.need(*mark.args)
