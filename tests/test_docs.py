"""Every example in the documentation and the README runs, and prints what the page says.

Fenced ``pycon`` blocks are doctests; fenced ``python`` blocks are executed.
A page's blocks share one namespace, in order, as a reader would type them.
"""

from __future__ import annotations

import doctest
import io
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [*sorted((ROOT / "docs").rglob("*.md")), ROOT / "README.md"]
FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)


def code_blocks(text: str) -> list[tuple[str, str, int]]:
    """(language, body, line number of the body) for each fenced block."""
    return [(m.group(1), m.group(2), text.count("\n", 0, m.start(2))) for m in FENCE.finditer(text)]


def test_fence_parser() -> None:
    text = "intro\n```pycon\n>>> 1 + 1\n2\n```\n\n```bash\nmake test\n```\n"
    assert code_blocks(text) == [("pycon", ">>> 1 + 1\n2\n", 2), ("bash", "make test\n", 7)]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_page_examples(page: Path) -> None:
    namespace: dict[str, object] = {"__name__": "__docs__"}
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    report = io.StringIO()
    for language, body, line in code_blocks(page.read_text(encoding="utf-8")):
        where = f"{page.relative_to(ROOT)}:{line + 1}"
        if language == "pycon":
            test = parser.get_doctest(body, namespace, where, str(page), line)
            runner.run(test, out=report.write, clear_globs=False)
            namespace.update(test.globs)
        elif language == "python":
            exec(compile(body, where, "exec"), namespace)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, report.getvalue()
