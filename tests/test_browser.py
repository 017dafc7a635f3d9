"""The built example site in headless Chromium, where a person would look."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest

from sitebuild import build_site, make_site

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (apt-get install chromium)"),
]
playwright = pytest.importorskip("playwright.sync_api")

# As root in a container, and with no network: no sandbox, no background connections.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def served_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser")
    config = make_site(root, example_maps=True, config={
        "theme": {"name": "material", "font": False, "features": ["navigation.indexes"],
                  "palette": [
                      {"scheme": "default", "toggle": {"icon": "material/brightness-7", "name": "Dark mode"}},
                      {"scheme": "slate", "toggle": {"icon": "material/brightness-4", "name": "Light mode"}},
                  ]},
    })
    site = build_site(config)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", root
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def _page(browser, width: int = 1280):
    page = browser.new_page(viewport={"width": width, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    return page, problems


def test_click_a_touchpoint_in_the_journey_diagram(served_site, browser, tmp_path):
    base, _ = served_site
    page, problems = _page(browser)
    page.goto(f"{base}/journeys/brand-manager/")
    diagram = page.locator(".cjm-diagram svg").first
    diagram.scroll_into_view_if_needed()
    box = diagram.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 150
    page.screenshot(path=str(tmp_path / "persona-light.png"))

    touchpoint = page.locator("svg g.cjm-touchpoint a", has_text="Quote").first
    touchpoint.click()
    page.wait_for_url("**/journeys/brand-manager/decision/")
    assert "Quote" in page.locator("article table").first.inner_text()
    assert problems == []


def test_dark_scheme_keeps_the_diagram_readable(served_site, browser, tmp_path):
    base, _ = served_site
    page, problems = _page(browser)
    page.goto(f"{base}/journeys/theatre-goer/")
    page.locator("label[title='Dark mode']").first.click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    diagram = page.locator(".cjm-diagram svg").first
    diagram.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "persona-dark.png"))
    # Text in the diagram must contrast with what is behind it: the SVG keeps a light panel.
    background = page.evaluate(
        "() => getComputedStyle(document.querySelector('.cjm-diagram svg')).backgroundColor")
    text_fill = page.evaluate(
        "() => getComputedStyle(document.querySelector('.cjm-diagram svg text')).fill")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent"), background
    assert _contrast(text_fill, background) >= 4.5, (text_fill, background)
    shutil.copy(tmp_path / "persona-dark.png", Path("/tmp/cjm-persona-dark.png"))
    assert problems == []


def _contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two CSS `rgb(...)` colours."""
    def luminance(css: str) -> float:
        channels = [int(c) / 255 for c in css[css.index("(") + 1:css.index(")")].split(",")[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_phone_width_scrolls_the_diagram_instead_of_shrinking_it(served_site, browser, tmp_path):
    base, _ = served_site
    page, problems = _page(browser, width=390)
    page.goto(f"{base}/journeys/brand-manager/")
    scroller = page.locator(".cjm-diagram-scroll").first
    scroller.scroll_into_view_if_needed()
    sizes = scroller.evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert sizes[0] > sizes[1], "a wide journey should scroll sideways on a phone"
    font = page.evaluate("""() => {
        const t = document.querySelector('.cjm-diagram svg text');
        return t.getBoundingClientRect().height; }""")
    assert font >= 8, f"diagram text shrank to {font}px"
    page_overflow = page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert page_overflow, "the page itself must not scroll sideways"
    page.screenshot(path=str(tmp_path / "persona-phone.png"))
    assert problems == []


def test_backlog_table_sorts_by_a_column(served_site, browser):
    base, _ = served_site
    page, problems = _page(browser)
    page.goto(f"{base}/journeys/backlog/")
    table = page.locator("article table").first
    header = table.locator("th", has_text="Persona")
    header.click()
    names = table.locator("tbody tr td:nth-child(3)").all_inner_texts()
    assert names == sorted(names, key=str.lower)
    assert problems == []
