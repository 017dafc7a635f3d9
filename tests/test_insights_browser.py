"""The portfolio, the funnel and confidence marks in headless Chromium, where a reader looks."""

from __future__ import annotations

import re

import pytest

from test_browser import _contrast, _page, served_site  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser


def _visible_rows(page, heading: str) -> list[str]:
    return page.evaluate("""h => {
        const title = [...document.querySelectorAll('article h2')].find(e => e.textContent.startsWith(h));
        let table = title.nextElementSibling;
        while (table && !table.querySelector('table')) table = table.nextElementSibling;
        return [...table.querySelectorAll('tbody tr')].filter(r => r.offsetParent !== null)
            .map(r => r.innerText); }""", heading)


def test_portfolio_filters_rows_and_matrix_dots(served_site, browser, tmp_path):
    base, _ = served_site
    page, problems = _page(browser)
    page.goto(f"{base}/journeys/portfolio/")
    selects = page.locator(".cjm-filters select")
    assert selects.count() == 3
    all_rows = _visible_rows(page, "Ranked")
    dots = page.locator("svg.cjm-matrix-chart a.cjm-dot")
    total_dots = dots.count()
    assert total_dots == len(all_rows) > 10
    count = page.locator(".cjm-filter-count")
    assert re.fullmatch(r"(\d+) of \1 shown", count.inner_text())

    page.locator(".cjm-filters label", has_text="Persona").locator("select").select_option(label="Theatre-goer")
    rows = _visible_rows(page, "Ranked")
    assert rows and len(rows) < len(all_rows)
    assert all("Theatre-goer" in row for row in rows)
    visible_dots = page.locator("svg.cjm-matrix-chart a.cjm-dot:not(.cjm-hidden)")
    assert visible_dots.count() == len(rows)
    assert all("Theatre-goer" in row for row in _visible_rows(page, "Pain points no opportunity"))
    page.screenshot(path=str(tmp_path / "portfolio-filtered.png"))

    page.locator(".cjm-filters label", has_text="Status").locator("select").select_option(label="planned")
    assert all(row.rstrip().split("\n")[-2:][0].startswith("planned") or "planned" in row
               for row in _visible_rows(page, "Ranked"))
    page.locator(".cjm-filters label", has_text="Persona").locator("select").select_option(label="All")
    page.locator(".cjm-filters label", has_text="Status").locator("select").select_option(label="All")
    assert len(_visible_rows(page, "Ranked")) == len(all_rows)
    assert problems == []


def test_a_matrix_dot_leads_to_its_opportunity(served_site, browser):
    base, _ = served_site
    page, problems = _page(browser)
    page.goto(f"{base}/journeys/portfolio/")
    dot = page.locator("svg.cjm-matrix-chart a.cjm-dot").first
    dot.scroll_into_view_if_needed()
    dot.click()
    page.wait_for_url(re.compile(r".*/journeys/[^/]+/[^/]+/#opportunity-[a-z0-9-]+$"))
    anchor = page.url.split("#")[1]
    row = page.locator(f"tr:has(#{anchor})")
    box = row.bounding_box()
    assert box and box["y"] >= 48, "the row must not hide under the sticky header"
    highlighted = row.evaluate("r => getComputedStyle(r).backgroundColor")
    assert highlighted not in ("rgba(0, 0, 0, 0)", "transparent")
    assert problems == []


def test_confidence_is_solid_or_outlined_and_readable_in_both_schemes(served_site, browser):
    base, _ = served_site
    page, problems = _page(browser)
    page.goto(f"{base}/journeys/online-shopper/purchase/")
    for scheme in ("default", "slate"):
        page.evaluate(f"document.body.setAttribute('data-md-color-scheme', '{scheme}')")
        observed = page.locator(".cjm-confidence-observed").first
        assumed = page.locator(".cjm-confidence-assumed").first
        style = "e => { const s = getComputedStyle(e); return [s.backgroundColor, s.color, s.borderTopStyle]; }"
        background, text, border = observed.evaluate(style)
        assert border == "solid" and _contrast(text, background) >= 4.5, (scheme, text, background)
        _, assumed_text, assumed_border = assumed.evaluate(style)
        page_background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert assumed_border == "dashed"
        assert _contrast(assumed_text, page_background) >= 4.5, (scheme, assumed_text, page_background)
    assert problems == []


@pytest.mark.parametrize("width", [1440, 390])
def test_funnel_and_matrix_keep_readable_text(served_site, browser, tmp_path, width):
    base, _ = served_site
    page, problems = _page(browser, width=width)
    page.goto(f"{base}/journeys/online-shopper/")
    funnel = page.locator(".cjm-funnel svg")
    funnel.scroll_into_view_if_needed()
    sizes = page.evaluate("""() => [...document.querySelectorAll('.cjm-funnel svg text')]
        .map(t => t.getBoundingClientRect().height)""")
    assert min(sizes) >= 9, f"funnel text shrank to {min(sizes)}px"
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=str(tmp_path / f"funnel-{width}.png"))
    page.goto(f"{base}/journeys/portfolio/")
    numbers = page.evaluate("""() => [...document.querySelectorAll('.cjm-matrix svg .cjm-dot text')]
        .map(t => t.getBoundingClientRect().height)""")
    assert min(numbers) >= 8, f"matrix numbers shrank to {min(numbers)}px"
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert problems == []
