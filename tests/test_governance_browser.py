"""The Map health page, the persona health line and the What changed page in headless
Chromium: the example site in a git repository, as CI builds it."""

from __future__ import annotations


import pytest

from browsing import serve
from sitebuild import build_site, make_site
from test_browser import _contrast, _page
from test_diff import commit, new_repo

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def governed_site(tmp_path_factory):
    root = new_repo(tmp_path_factory.mktemp("governed") / "site")
    make_site(root, example_maps=True, config={
        "theme": {"name": "material", "font": False, "features": ["navigation.indexes"],
                  "palette": [
                      {"scheme": "default", "toggle": {"icon": "material/brightness-7", "name": "Dark mode"}},
                      {"scheme": "slate", "toggle": {"icon": "material/brightness-4", "name": "Light mode"}},
                  ]},
    })
    (root / ".gitignore").write_text("site/\n.cache/\n", encoding="utf-8")
    commit(root, {}, "Maps from the seeds", date="2026-11-23T09:00:00+00:00", author="Ana Lima")
    text = (root / "maps/online-shopper.yml").read_text(encoding="utf-8")
    commit(root, {"maps/online-shopper.yml": text.replace("emotion: -1", "emotion: 1", 1)},
           "Checkout after the redesign: delivery fee on every product page",
           date="2026-11-30T15:00:00+00:00", author="Bo Chen")
    site = build_site(root / "mkdocs.yml")
    server = serve(site)
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def _no_sideways_page(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("width", [1440, 390])
def test_the_health_page_reads_at_every_width(governed_site, browser, tmp_path, width):
    page, problems = _page(browser, width=width)
    page.goto(f"{governed_site}/journeys/health/")
    table = page.locator("article table").first
    assert "Online shopper" in table.inner_text()
    # The findings column comes second: on a phone it is visible without scrolling the table.
    badge = page.locator("article table .cjm-health-count").first
    box = badge.bounding_box()
    assert box and box["x"] + box["width"] <= width, "the findings must be in view"
    sizes = page.evaluate("""() => [...document.querySelectorAll(
        'article .cjm-health-count, article .cjm-level, article .cjm-where, article code.cjm-rule')]
        .map(e => parseFloat(getComputedStyle(e).fontSize))""")
    assert min(sizes) >= 12, f"health text shrank to {min(sizes)}px"
    # Dates stay on one line.
    dates = page.evaluate("""() => [...document.querySelectorAll('article .cjm-date')]
        .map(e => e.getClientRects().length)""")
    assert dates and max(dates) == 1
    # On a phone the table scrolls sideways rather than fold a commit's subject or an owner
    # a word per line.
    narrowest = page.evaluate("""() => Math.min(...[...document.querySelectorAll(
        'article .cjm-health-subject, article .cjm-health-owner')]
        .map(e => e.getBoundingClientRect().width))""")
    assert narrowest >= 80, f"a subject or owner is squeezed to {narrowest}px"
    assert _no_sideways_page(page)
    page.screenshot(path=str(tmp_path / f"health-{width}.png"), full_page=True)
    assert problems == []


def test_levels_are_readable_in_both_schemes(governed_site, browser):
    page, problems = _page(browser)
    page.goto(f"{governed_site}/journeys/health/")
    for scheme in ("default", "slate"):
        page.evaluate(f"document.body.setAttribute('data-md-color-scheme', '{scheme}')")
        for level in ("error", "warning", "notice"):
            badge = page.locator(f".cjm-level-{level}").first
            text, background = badge.evaluate(
                "e => { const s = getComputedStyle(e); return [s.color, s.backgroundColor]; }")
            assert _contrast(text, background) >= 4.5, (scheme, level, text, background)
    assert problems == []


@pytest.mark.parametrize("width", [1440, 390])
def test_the_persona_health_line_sits_under_the_name(governed_site, browser, tmp_path, width):
    page, problems = _page(browser, width=width)
    page.goto(f"{governed_site}/journeys/theatre-goer/")
    line = page.locator(".cjm-health-line")
    title = page.locator("article h1").first.bounding_box()
    box = line.bounding_box()
    assert box and title and 0 <= box["y"] - (title["y"] + title["height"]) < 60
    text = line.inner_text()
    assert "Owner: Audience experience" in text and "reviewed 2026-10-08" in text
    assert "changed 2026-11-23" in text and "1 notice" in text
    assert line.evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= 12
    assert _no_sideways_page(page)
    page.screenshot(path=str(tmp_path / f"persona-health-{width}.png"))
    line.locator("a").click()
    page.wait_for_url("**/journeys/health/#findings-theatre-goer")
    finding = page.locator("tr", has_text="Word of mouth at work and with friends")
    assert finding.is_visible()
    assert problems == []


def test_the_changes_page_shows_the_last_commit_first(governed_site, browser, tmp_path):
    page, problems = _page(browser, width=390)
    page.goto(f"{governed_site}/journeys/changes/")
    headings = page.locator("article h3").all_inner_texts()
    assert headings[0].startswith("2026-11-30: Checkout after the redesign")
    assert headings[1].startswith("2026-11-23: Maps from the seeds")
    text = page.locator("article").inner_text()
    assert "Decision: emotion −1 → +1 (better)" in text
    assert _no_sideways_page(page)
    page.screenshot(path=str(tmp_path / "changes-390.png"), full_page=True)
    assert problems == []
