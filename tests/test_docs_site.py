"""The documentation site in a real browser: built with ``mkdocs build --strict``, served
on localhost, and every page opened in headless Chromium with every request to anywhere
else refused (the site must work with the network off).

On every page: no console error; every formula rendered by KaTeX (no raw ``$$`` or
``\\(`` left in the text, no KaTeX error); every internal link resolves, to a page and
to the anchor it names. And the site's search finds a term of each layer on that
layer's page. Opened from disk (``file://``), its navigation leads to rendered pages.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import subprocess
import sys
import threading
import urllib.parse
from pathlib import Path

import pytest

from tests import needs
from tests.browser import page

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.needs(*needs.docs_site())

SEARCHES = {  # a term of each layer, and the page that must be among its results
    "Montgomery": "field.html",
    "Pippenger": "curve.html",
    "bit-reversed": "polynomials.html",
    "EIP-4844": "eip4844.html",
    "ceremony": "ceremony.html",
    "linearisation": "plonk.html",
    "LogUp": "lookups.html",
    "Poseidon": "poseidon.html",
    "quantization": "ml.html",
    "rescale": "training.html",
    "leader": "chain.html",
    "autograder": "assignments.html",
}

CONTENT_TEXT = """() => {
  const root = document.querySelector("article") || document.body;
  const copy = root.cloneNode(true);
  copy.querySelectorAll("pre, code, .katex").forEach(e => e.remove());
  return copy.innerText;
}"""

MATH = """() => ({
  marked: document.querySelectorAll(".arithmatex").length,
  unrendered: [...document.querySelectorAll(".arithmatex")]
                .filter(e => !e.querySelector(".katex")).map(e => e.textContent.slice(0, 60)),
  errors: [...document.querySelectorAll(".katex-error")].map(e => e.textContent.slice(0, 60)),
})"""

LINKS = """() => [...document.querySelectorAll("a[href]")].map(a => a.href)"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The site built into a temporary directory and served on a free local port."""
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q",
                           "-d", str(out)], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=900)  # fmt: skip
    assert done.returncode == 0, f"mkdocs build --strict failed:\n{done.stderr[-4000:]}"
    handler = functools.partial(_Quiet, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", out
    finally:
        server.shutdown()


def pages(out: Path) -> list[str]:
    """Every page of the site, as a path from its root (``page.html``: the site links to
    pages by file, so that it works from disk; ``index.html`` is the home page)."""
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html")
                  if p.relative_to(out).as_posix() != "404.html")  # fmt: skip


def offline(tab, base: str) -> list[str]:
    """Refuse every request that leaves the local server; return the list of those refused."""
    refused: list[str] = []

    def route(request_route) -> None:
        url = request_route.request.url
        if url.startswith(base) or url.startswith("data:") or url.startswith("blob:"):
            request_route.continue_()
        else:
            refused.append(url)
            request_route.abort()

    tab.route("**/*", route)
    return refused


def anchors_of(out: Path, path: str) -> set[str]:
    html = (out / path / "index.html") if not path.endswith(".html") else out / path
    return set(re.findall(r'id="([^"]+)"', html.read_text(encoding="utf-8")))


def math_problems(tab, where: str) -> tuple[bool, list[str]]:
    """Whether the open page has formulas, and what is wrong with them: one KaTeX did not
    render, a KaTeX error, or a raw delimiter left in the text."""
    problems = []
    math = tab.evaluate(MATH)
    for raw in math["unrendered"]:
        problems.append(f"{where}: formula not rendered: {raw!r}")
    for raw in math["errors"]:
        problems.append(f"{where}: KaTeX error: {raw!r}")
    text = tab.evaluate(CONTENT_TEXT)
    for delimiter in ("$$", "\\(", "\\)", "\\[", "\\]"):
        if delimiter in text:
            at = text.index(delimiter)
            problems.append(f"{where}: raw {delimiter} in the text: "
                            f"{text[max(0, at - 40) : at + 40]!r}")  # fmt: skip
    return math["marked"] > 0, problems


def test_every_page_loads_renders_its_math_and_links_within_the_site(site) -> None:
    base, out = site
    every = pages(out)
    assert len(every) >= 20, every  # the layers, the API reference, the rest
    handed_out = sorted(p for p in every if p.startswith("assignments/"))
    assert len(handed_out) == 10, handed_out  # each assignment's README is a page
    overview = (out / "assignments.html").read_text()
    assert all(f'href="{p}"' in overview for p in handed_out)  # linked from the overview
    problems: list[str] = []
    links: set[str] = set()
    with page() as (tab, errors):
        refused = offline(tab, base)
        math_pages = 0
        for path in every:
            errors.clear()
            tab.goto(base + path, wait_until="networkidle")
            tab.wait_for_function("() => document.querySelector('.md-content') !== null")
            for error in errors:
                problems.append(f"{path}: console error: {error}")
            has_math, wrong = math_problems(tab, path)
            math_pages += has_math
            problems += wrong
            links.update(link for link in tab.evaluate(LINKS) if link.startswith(base))
        assert not refused, f"requests that left the site: {sorted(set(refused))[:10]}"
    assert math_pages >= 8, "KaTeX should have rendered formulas on the layer pages"
    for link in sorted(links):
        parsed = urllib.parse.urlparse(link)
        path = urllib.parse.unquote(parsed.path).lstrip("/")
        target = out / path
        if path == "" or path.endswith("/"):
            target = target / "index.html"
        if not target.is_file():
            problems.append(f"broken internal link: {link}")
        elif (parsed.fragment and target.suffix == ".html"
              and parsed.fragment not in anchors_of(out, path)):  # fmt: skip
            problems.append(f"link to a missing anchor: {link}")
    assert not problems, "\n".join(problems[:40])


def test_search_finds_a_term_of_every_layer_offline(site) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    base, _ = site
    missing = []
    with page() as (tab, errors):
        refused = offline(tab, base)
        for term, expected in SEARCHES.items():
            # the theme opens its search with ?q=: a fresh page per term, no stale results
            tab.goto(base + "?q=" + urllib.parse.quote(term), wait_until="networkidle")
            try:
                tab.wait_for_selector(".md-search-result__item", timeout=20_000)
            except PlaywrightTimeout:  # the assertion below says what was missing
                missing.append(f"{term}: no results at all")
                continue
            hrefs = tab.evaluate(
                "() => [...document.querySelectorAll('.md-search-result__item > a')]"
                ".map(a => a.href)"
            )
            pages_found = {urllib.parse.urlparse(h).path.lstrip("/") for h in hrefs}
            if expected not in pages_found:
                missing.append(f"{term}: {expected} not among {sorted(pages_found)}")
        assert not errors, errors
        assert not refused, f"requests that left the site: {sorted(set(refused))[:10]}"
    assert not missing, "\n".join(missing)


FROM_DISK = ["Getting started", "The field layer", "KZG commitments", "zkpot.field", "Home"]


def test_the_site_opened_from_disk_follows_its_navigation_and_renders_math(site) -> None:
    """``site/index.html`` opened as a file (``file://``, no server, as the README says):
    each of a few links in the navigation, clicked, lands on a rendered page (an ``.html``
    file, not a directory listing) whose formulas KaTeX renders."""
    _, out = site
    problems: list[str] = []
    with page() as (tab, errors):
        tab.goto((out / "index.html").as_uri(), wait_until="load")
        for title in FROM_DISK:
            errors.clear()
            link = tab.locator(".md-sidebar--primary a.md-nav__link", has_text=title).first
            link.click()
            tab.wait_for_load_state("load")
            url = tab.url
            if not url.startswith("file://") or not url.split("#")[0].endswith(".html"):
                problems.append(f"{title}: landed on {url}")
                continue
            tab.wait_for_function("() => document.querySelector('.md-content') !== null")
            problems += [f"{title}: console error: {error}" for error in errors]
            has_math, wrong = math_problems(tab, title)
            problems += wrong
            if title in ("The field layer", "KZG commitments") and not has_math:
                problems.append(f"{title}: no formulas rendered")
    assert not problems, "\n".join(problems)
