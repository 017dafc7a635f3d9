"""The built example site in headless Chromium, where a person would look."""

from __future__ import annotations

import re

import pytest

from browsing import BROWSER_MARKS, serve
from sitebuild import build_site, make_site

pytestmark = BROWSER_MARKS
playwright = pytest.importorskip("playwright.sync_api")


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
    server = serve(site)
    yield f"http://127.0.0.1:{server.server_port}", root
    server.shutdown()


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
    # No bright sheet: the panel is a quiet surface of the dark page...
    panel, body = page.evaluate("""() => [getComputedStyle(document.querySelector('.cjm-diagram svg')).backgroundColor,
                                          getComputedStyle(document.body).backgroundColor]""")
    assert _contrast(panel, body) < 1.3, (panel, body)
    # ...and text keeps its contrast against the shape it sits on.
    # Each text against the last filled shape under it (a badge cell sits on its node).
    pairs = page.evaluate("""() => [...document.querySelectorAll('.cjm-diagram svg g.node')].flatMap(node => {
        const shapes = [...node.querySelectorAll('path, polygon')].filter(e => {
            const fill = e.getAttribute('fill'); return fill && fill !== 'none' && fill !== 'transparent'; });
        return [...node.querySelectorAll('text')].flatMap(t => {
            const r = t.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
            const under = shapes.filter(e => {
                const b = e.getBoundingClientRect();
                return b.left <= x && x <= b.right && b.top <= y && y <= b.bottom;
            }).pop();
            return under ? [[getComputedStyle(t).fill, getComputedStyle(under).fill]] : [];
        });
    })""")
    assert len(pairs) > 20
    low = [(text, fill) for text, fill in pairs if _contrast(text, fill) < 4.5]
    assert low == []
    assert problems == []


def _contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two CSS `rgb(...)` colours."""
    def luminance(css: str) -> float:
        numbers = [float(n) for n in re.findall(r"[\d.]+", css)]
        channels = [n if css.startswith("color(") else n / 255 for n in numbers[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_phone_width_fits_the_diagram_and_full_size_scrolls_it(served_site, browser, tmp_path):
    base, _ = served_site
    page, problems = _page(browser, width=390)
    page.goto(f"{base}/journeys/brand-manager/")
    scroller = page.locator(".cjm-diagram-scroll").first
    scroller.scroll_into_view_if_needed()
    sizes = scroller.evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert sizes[0] <= sizes[1], "by default the diagram fits the column: no forced minimum width"
    # "Show full size" (a <details>, no script) shows it at its own size, scrolling sideways.
    page.locator(".cjm-diagram-size summary").first.click()
    sizes = scroller.evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert sizes[0] > sizes[1], "at full size a wide journey scrolls sideways on a phone"
    font = page.evaluate("""() => Math.min(...[...document.querySelectorAll('.cjm-diagram svg text')]
        .map(t => t.getBoundingClientRect().height).filter(h => h > 0))""")
    assert font >= 12, f"full-size diagram text is {font}px"
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
    names = table.locator("tbody tr td:nth-child(2)").all_inner_texts()
    assert names == sorted(names, key=str.lower)
    assert problems == []
