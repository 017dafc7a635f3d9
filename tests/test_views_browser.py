"""The views across maps in real headless Chromium: the backlog's filters and sorting, and the
layout of the index, a stage across personas, the backlog and a future-state page at 1440 and
390 px (no sideways overflow, text of 12 px or more, readable contrast), plus the docs'
screenshots of them."""

from __future__ import annotations

import hashlib
import json
import os

import pytest

from sitebuild import build_site, make_site
from browsing import BROWSER_MARKS, serve as _serve
from test_canvas_browser import REPO, THEME, _contrast, _flatten, _over, _rgba

pytestmark = BROWSER_MARKS
playwright = pytest.importorskip("playwright.sync_api")

PAGES = {
    "index": "journeys/",
    "stage": "journeys/stages/decision/",
    "backlog": "journeys/backlog/",
    "future": "journeys/online-shopper-future/",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("views-browser")
    built = build_site(make_site(root, example_maps=True, config={
        "theme": THEME, "site_name": "cjm — customer journey maps as code"}))
    server = _serve(built)
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def _open(browser, url: str, width: int = 1440, scheme: str = "light", height: int = 900, script: bool = True):
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme,
                                  java_script_enabled=script)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
    page.goto(url)
    return page, problems


VISIBLE_ROWS = """() => [...document.querySelectorAll('.cjm-backlog-row')]
    .filter(m => m.closest('tr').offsetParent !== null).map(m => m.dataset).map(r => ({persona: r.cjmPersona,
      stage: r.cjmStage, owner: r.cjmOwner, severity: r.cjmSeverity, status: r.cjmStatus, section: r.cjmSection}))"""


def test_backlog_filters_work_in_the_browser_and_are_kept_in_the_address(site, browser):
    page, problems = _open(browser, f"{site}/{PAGES['backlog']}")
    form = page.locator(".cjm-backlog-filters")
    assert form.is_visible()
    everything = page.evaluate(VISIBLE_ROWS)
    assert len(everything) == 69 + 81
    count = form.locator(".cjm-filter-count")
    assert count.inner_text() == "Showing 69 of 69 pain points and 81 of 81 opportunities"

    form.locator("select[name=persona]").select_option(label="Theatre-goer")
    rows = page.evaluate(VISIBLE_ROWS)
    assert rows and {r["persona"] for r in rows} == {"theatre-goer"}
    assert len(rows) == sum(1 for r in everything if r["persona"] == "theatre-goer")
    assert "?persona=theatre-goer" in page.url

    form.locator("select[name=severity]").select_option(label="High")
    rows = page.evaluate(VISIBLE_ROWS)
    assert rows and all("high" in r["severity"].split("|") for r in rows)
    assert {r["section"] for r in rows} == {"pain", "opportunity"}  # and what addresses them
    # Groups with nothing left are hidden with their heading.
    medium = page.locator("h3", has_text="Medium (")
    assert not medium.is_visible()

    # The address holds the choice: opening it shows the same rows.
    again, _ = _open(browser, page.url)
    assert again.evaluate(VISIBLE_ROWS) == rows
    assert again.locator("select[name=severity]").input_value() == "high"

    form.locator("select[name=persona]").select_option(label="All")
    form.locator("select[name=severity]").select_option(label="All")
    form.locator("select[name=stage]").select_option(label="Decision")
    form.locator("select[name=owner]").select_option(label="Product")
    rows = page.evaluate(VISIBLE_ROWS)
    assert rows and all(r["stage"] == "decision" and "Product" in r["owner"].split("|") for r in rows)
    form.locator("select[name=status]").select_option(label="Done")
    page.locator(".cjm-filter-reset").click()
    assert len(page.evaluate(VISIBLE_ROWS)) == 69 + 81
    assert "?" not in page.url
    assert problems == []


def test_backlog_sorting_shows_the_order(site, browser):
    page, problems = _open(browser, f"{site}/{PAGES['backlog']}")
    table = page.locator("table:has([data-cjm-section=pain])").first
    persona = table.locator("th", has_text="Persona")
    assert persona.get_attribute("aria-sort") == "none"
    idle = page.evaluate("(th) => getComputedStyle(th.querySelector('.cjm-sort-mark'), '::after').content",
                         persona.element_handle())
    persona.locator("button").click()
    assert persona.get_attribute("aria-sort") == "ascending"
    mark = page.evaluate("(th) => getComputedStyle(th.querySelector('.cjm-sort-mark'), '::after').content",
                         persona.element_handle())
    assert mark != idle and "▲" in mark
    names = table.locator("tbody tr td:nth-child(2)").all_inner_texts()
    assert names == sorted(names, key=str.lower) and len(set(names)) > 1
    # Every pain point table follows the same column.
    assert page.locator("table:has([data-cjm-section=pain]) th[aria-sort=ascending]").count() == 4
    persona.locator("button").click()
    assert persona.get_attribute("aria-sort") == "descending"
    names = table.locator("tbody tr td:nth-child(2)").all_inner_texts()
    assert names == sorted(names, key=str.lower, reverse=True)
    assert problems == []


def test_backlog_reads_without_javascript(site, browser):
    page, _ = _open(browser, f"{site}/{PAGES['backlog']}", script=False)
    assert not page.locator(".cjm-backlog-filters").is_visible()
    assert page.locator("tr:has(.cjm-backlog-row)").count() == 69 + 81
    assert page.locator("h3", has_text="High (15)").is_visible()


# `scope`: the parts of the page these views make (a persona page has others' tables too).
LAYOUT = """(scope) => {
  const article = document.querySelector('article').getBoundingClientRect();
  const scrolls = el => el.closest('.cjm-chart, .cjm-canvas, .cjm-diagram-scroll, .md-typeset__scrollwrap');
  const wide = [], small = [];
  for (const el of document.querySelectorAll('article *')) {
    if (!el.closest(scope)) continue;
    const r = el.getBoundingClientRect();
    if (!r.width || !el.offsetParent && el.tagName !== 'svg') continue;
    if (r.right > article.right + 1 && !scrolls(el)) wide.push(el.tagName + '.' + el.className + ' ' + Math.round(r.right));
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (own && !el.closest('svg')) {
      const size = parseFloat(getComputedStyle(el).fontSize);
      if (size < 12) small.push(el.tagName + ' ' + size + ' ' + el.textContent.trim().slice(0, 30));
    }
  }
  // SVG text: its size on screen (the chart may be scaled to fit its column).
  for (const t of document.querySelectorAll('article svg[data-cjm-chart]:not([data-cjm-chart=sparkline]) text')) {
    if (!t.closest(scope)) continue;
    const h = t.getBoundingClientRect().height;
    const size = parseFloat(t.getAttribute('font-size') || '12') * (t.ownerSVGElement.getBoundingClientRect().width /
      t.ownerSVGElement.viewBox.baseVal.width);
    if (size < 11.5 && h) small.push('svg text ' + size.toFixed(1) + ' ' + t.textContent.slice(0, 30));
  }
  return {scroll: document.documentElement.scrollWidth, width: innerWidth, wide: wide.slice(0, 10),
          small: small.slice(0, 10)};
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [390, 1440])
@pytest.mark.parametrize("name", list(PAGES))
def test_views_fit_the_screen_with_text_of_12_px(site, browser, name, width, scheme):
    page, problems = _open(browser, f"{site}/{PAGES[name]}", width, scheme)
    scope = ".cjm-variant-link, .cjm-series-legend, .cjm-compare-chart, .cjm-changes" if name == "future" else "article"
    found = page.evaluate(LAYOUT, scope)
    assert found["scroll"] <= found["width"], f"{name} scrolls sideways at {width} px"
    assert found["wide"] == []
    assert found["small"] == []
    assert problems == []


CELLS = """() => [...document.querySelectorAll('svg[data-cjm-chart=heatmap] a[data-cjm-chart-stage]')].map(a => ({
  fill: getComputedStyle(a.querySelector('rect')).fill,
  text: getComputedStyle(a.querySelector('text')).fill,
  page: getComputedStyle(document.body).backgroundColor}))"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_heatmap_and_cards_contrast_in_light_and_dark(site, browser, scheme):
    page, problems = _open(browser, f"{site}/{PAGES['index']}", 1440, scheme)
    cells = page.evaluate(CELLS)
    assert len(cells) == 33
    for cell in cells:
        background = _flatten([cell["fill"], cell["page"]])
        text = _over(_rgba(cell["text"]), background)
        assert _contrast(text, background) >= 4.5, cell
    # The card's grey lines (summary, counts) stay readable.
    for selector in (".cjm-journey-summary", ".cjm-journey-facts", ".cjm-state-current"):
        colour, background = page.evaluate(f"""() => {{ const e = document.querySelector('{selector}');
            return [getComputedStyle(e).color, getComputedStyle(document.body).backgroundColor]; }}""")
        base = _flatten([background])
        assert _contrast(_over(_rgba(colour), base), base) >= 4.5, selector
    assert problems == []


# --- the documentation's screenshots -----------------------------------------------------

SHOTS = REPO / "docs" / "images"
MANIFEST = SHOTS / "views-screenshots.json"
UPDATE_SHOTS = os.environ.get("CJM_UPDATE_SCREENSHOTS") == "1"
# name: (page, viewport width, viewport height, colour scheme)
SCREENSHOTS = {
    "index-1440.png": ("index", 1440, 1400, "light"),
    "index-390.png": ("index", 390, 1500, "light"),
    "stage-across-1440.png": ("stage", 1440, 1300, "light"),
    "stage-across-390.png": ("stage", 390, 1500, "dark"),
    "backlog-1440.png": ("backlog", 1440, 1100, "light"),
    "backlog-390.png": ("backlog", 390, 1500, "dark"),
    "compare-1440.png": ("future", 1440, 900, "light"),
}


def _inputs(page, name: str) -> str:
    """A hash of what a screenshot shows (the article, the stylesheet, the theme's version
    and the view); Chromium and fonts are left out on purpose, as for the canvas."""
    from importlib.metadata import version

    from cjm_plugin.assets import SCRIPT, STYLESHEET

    shown = page.evaluate("() => document.querySelector('article').outerHTML")
    parts = [shown, STYLESHEET, SCRIPT, version("mkdocs-material"), json.dumps(SCREENSHOTS[name])]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def test_docs_screenshots_of_the_views_are_up_to_date(site, browser, tmp_path):
    """docs/images/ holds these screenshots; when what they show changes, take them again with
    `CJM_UPDATE_SCREENSHOTS=1 pytest tests/test_views_browser.py -k screenshots`, look at them,
    and commit them with docs/images/views-screenshots.json."""
    recorded = json.loads(MANIFEST.read_text(encoding="utf-8")) if MANIFEST.is_file() else {}
    target = SHOTS if UPDATE_SHOTS else tmp_path
    stale, manifest = [], {}
    for name, (view, width, height, scheme) in SCREENSHOTS.items():
        context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme,
                                      device_scale_factor=1)
        page = context.new_page()
        page.goto(f"{site}/{PAGES[view]}")
        page.evaluate("document.fonts.ready")
        if view == "future":  # the overlaid curves, not the canvas above them
            page.evaluate("""() => { document.querySelector('#compare-online-shopper').scrollIntoView();
                window.scrollBy(0, -70); }""")
        page.screenshot(path=str(target / name), animations="disabled", caret="hide")
        manifest[name] = _inputs(page, name)
        context.close()
        assert (target / name).stat().st_size > 20_000, f"{name} looks empty"
        if not UPDATE_SHOTS and (recorded.get(name) != manifest[name] or not (SHOTS / name).is_file()):
            stale.append(name)
    if UPDATE_SHOTS:
        MANIFEST.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    assert stale == [], (
        f"docs/images is out of date for {stale}: run `CJM_UPDATE_SCREENSHOTS=1 pytest "
        "tests/test_views_browser.py -k screenshots`, look at the images, commit them")
