"""The journey canvas in real headless Chromium, measured where a reader's eye would check.

Two real sites: the example maps (six personas, 4 to 6 stages) and generated maps of 8 and
10 stages with a blueprint lane of every kind. Positions come from getBoundingClientRect,
colours from getComputedStyle, print from Chromium's own PDF output.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import pytest

from browsing import BROWSER_MARKS, serve as _serve
from canvas_maps import long_map
from sitebuild import build_site, make_site

pytestmark = BROWSER_MARKS
playwright = pytest.importorskip("playwright.sync_api")

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(p.stem if p.stem != "software-customer-zh" else "software-customer"
                  for p in (REPO / "maps").glob("*.yml") if not p.name.startswith("_"))
SIX_STAGE_EXAMPLES = ["brand-manager", "french-learner", "online-shopper", "software-customer",
                      "theatre-goer"]
# Light and dark follow the reader's system setting, as in this repository's mkdocs.yml.
THEME = {"name": "material", "font": False, "features": ["navigation.indexes"], "palette": [
    {"media": "(prefers-color-scheme: light)", "scheme": "default",
     "toggle": {"icon": "material/brightness-7", "name": "Dark mode"}},
    {"media": "(prefers-color-scheme: dark)", "scheme": "slate",
     "toggle": {"icon": "material/brightness-4", "name": "Light mode"}},
]}


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """Base URLs of the example site and of the long-journey site."""
    example_root = tmp_path_factory.mktemp("canvas-examples")
    example = build_site(make_site(example_root, example_maps=True, config={
        "theme": THEME, "site_name": "cjm — customer journey maps as code"}))
    long_root = tmp_path_factory.mktemp("canvas-long")
    long = build_site(make_site(long_root, config={"theme": THEME}, maps={
        "ten.yml": long_map(10), "eight.yml": long_map(8, "eight", "Eight stage tester")}))
    servers = [_serve(example), _serve(long)]
    yield {"example": f"http://127.0.0.1:{servers[0].server_port}",
           "long": f"http://127.0.0.1:{servers[1].server_port}"}
    for server in servers:
        server.shutdown()


def _open(browser, url: str, width: int = 1440, scheme: str = "light", height: int = 900):
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
    page.goto(url)
    page.wait_for_selector("[data-cjm-canvas]")
    return page, problems


def _url(sites, persona: str) -> str:
    site = "long" if persona in ("ten", "eight") else "example"
    return f"{sites[site]}/journeys/{persona}/"


# --- geometry ---------------------------------------------------------------------------

GEOMETRY = """() => {
  const centre = r => r.left + r.width / 2;
  const heads = [...document.querySelectorAll('[data-cjm-stage]')].map(e => e.getBoundingClientRect());
  const points = [...document.querySelectorAll('[data-cjm-point]')].map(e => {
    const head = document.querySelector(`[data-cjm-stage="${e.dataset.cjmPoint}"]`);
    const r = e.getBoundingClientRect();
    return {stage: e.dataset.cjmPoint, x: centre(r), y: r.top + r.height / 2,
            column: centre(head.getBoundingClientRect())};
  });
  const lanes = [...document.querySelectorAll('[data-cjm-lane]')].map(row => ({
    lane: row.dataset.cjmLane,
    cells: [...row.querySelectorAll(':scope > [role=cell]')].map(c => {
      const r = c.getBoundingClientRect(); return [r.left, r.right]; }),
  }));
  // The curve's vertices, from SVG user units to the screen.
  const vertices = [];
  document.querySelectorAll('.cjm-curve polyline').forEach(line => {
    const m = line.getScreenCTM();
    for (const p of line.points) vertices.push([m.a * p.x + m.c * p.y + m.e, m.b * p.x + m.d * p.y + m.f]);
  });
  return {heads: heads.map(r => [r.left, r.right]), points, lanes, vertices};
}"""


@pytest.mark.parametrize("width", [1024, 1440, 1920])
@pytest.mark.parametrize("persona", ["brand-manager", "online-shopper", "online-shopper-future", "ten"])
def test_curve_points_and_lane_cells_sit_on_the_column_centres(sites, browser, width, persona):
    page, problems = _open(browser, _url(sites, persona), width)
    found = page.evaluate(GEOMETRY)
    heads = found["heads"]
    assert len(heads) >= 4
    centres = [(left + right) / 2 for left, right in heads]
    assert found["points"], "the emotion curve has points"
    for point in found["points"]:
        assert abs(point["x"] - point["column"]) <= 2, point
    points_by_x = sorted((p["x"], p["y"]) for p in found["points"])
    assert len(found["vertices"]) >= 2
    for x, y in found["vertices"]:  # the line passes through the points, at the centres
        nearest = min(points_by_x, key=lambda p: abs(p[0] - x))
        assert abs(nearest[0] - x) <= 2 and abs(nearest[1] - y) <= 2, ((x, y), nearest)
    for lane in found["lanes"]:
        assert len(lane["cells"]) == len(heads), lane["lane"]
        for (left, right), (head_left, head_right), centre in zip(lane["cells"], heads, centres):
            assert abs((left + right) / 2 - centre) <= 2, (lane["lane"], left, right, centre)
            assert abs(left - head_left) <= 2 and abs(right - head_right) <= 2, lane["lane"]
    widths = [right - left for left, right in heads]
    assert max(widths) - min(widths) <= 1, f"stage columns differ in width: {widths}"
    assert problems == []


# --- fit, overflow and text size ----------------------------------------------------------

TEXT_SIZES = """() => {
  const found = [];
  const frame = document.querySelector('.cjm-canvas-frame');
  const walker = document.createTreeWalker(frame, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.textContent.trim()) continue;
    const element = node.parentElement;
    const style = getComputedStyle(element);
    const r = element.getBoundingClientRect();
    if (r.width === 0 || style.visibility === 'hidden' || style.display === 'none') continue;
    found.push({text: node.textContent.trim().slice(0, 40), size: parseFloat(style.fontSize)});
  }
  return found;
}"""

OVERFLOW = """() => {
  const canvas = document.querySelector('[data-cjm-canvas]');
  const clipped = [...canvas.querySelectorAll('[role=cell], [role=columnheader], [role=rowheader], li, .cjm-chip')]
    .filter(e => e.getClientRects().length && e.scrollWidth > e.clientWidth + 1)
    .map(e => e.textContent.trim().slice(0, 40));
  return {page: document.documentElement.scrollWidth - window.innerWidth,
          canvas: canvas.scrollWidth - canvas.clientWidth, clipped};
}"""


@pytest.mark.parametrize("persona", EXAMPLES + ["eight"])
def test_up_to_eight_stages_fit_1440_px_with_text_of_12_px_or_more(sites, browser, persona):
    page, problems = _open(browser, _url(sites, persona), 1440)
    overflow = page.evaluate(OVERFLOW)
    assert overflow["page"] <= 0 and overflow["canvas"] <= 0, overflow
    assert overflow["clipped"] == []
    small = [t for t in page.evaluate(TEXT_SIZES) if t["size"] < 12]
    assert small == []
    assert problems == []


def test_more_stages_scroll_sideways_with_sticky_lane_labels(sites, browser):
    page, problems = _open(browser, _url(sites, "ten"), 1440)
    overflow = page.evaluate(OVERFLOW)
    assert overflow["canvas"] > 0, "ten stages scroll inside the canvas"
    assert overflow["page"] <= 0, "the page itself never scrolls sideways"
    assert overflow["clipped"] == []
    canvas = page.locator("[data-cjm-canvas]")
    left = canvas.evaluate("e => e.getBoundingClientRect().left")
    canvas.evaluate("e => { e.scrollLeft = 600; }")
    page.wait_for_timeout(50)
    labels = page.evaluate("""() => [...document.querySelectorAll('[data-cjm-lane] > .cjm-label')]
        .map(e => e.getBoundingClientRect().left)""")
    assert labels and all(abs(x - left - 1) <= 2 for x in labels), (left, labels)
    # The cells under the labels still line up with their stage headers.
    found = page.evaluate(GEOMETRY)
    for lane in found["lanes"]:
        for (l, r), (hl, hr) in zip(lane["cells"], found["heads"]):
            assert abs(l - hl) <= 2 and abs(r - hr) <= 2
    assert [t for t in page.evaluate(TEXT_SIZES) if t["size"] < 12] == []
    assert problems == []


# --- the sticky header ---------------------------------------------------------------------

HEADER_AFTER_SCROLL = """async (lane) => {
  const row = document.querySelector(`[data-cjm-lane="${lane}"]`);
  window.scrollTo(0, window.scrollY + row.getBoundingClientRect().top - 300);
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const bar = document.querySelector('.md-header').getBoundingClientRect();
  const head = document.querySelector('.cjm-head').getBoundingClientRect();
  const first = document.querySelector('[data-cjm-stage]').getBoundingClientRect();
  const grid = document.querySelector('.cjm-grid').getBoundingClientRect();
  return {bar: bar.bottom, head: head.top, stage: first.top, gridTop: grid.top,
          row: row.getBoundingClientRect().top};
}"""


@pytest.mark.parametrize("persona", ["brand-manager", "eight", "ten"])
def test_stage_header_row_stays_visible_while_scrolling_down_the_canvas(sites, browser, persona):
    page, problems = _open(browser, _url(sites, persona), 1440)
    at = page.evaluate(HEADER_AFTER_SCROLL, "metrics")
    assert at["gridTop"] < at["bar"] - 200, "the canvas top is scrolled out of view"
    assert abs(at["head"] - at["bar"]) <= 2, f"header row not under the site header: {at}"
    assert abs(at["stage"] - at["bar"]) <= 2
    # Scrolled back up, it sits in its own place again.
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(100)
    top = page.evaluate("""() => [document.querySelector('.cjm-head').getBoundingClientRect().top,
                                  document.querySelector('.cjm-grid').getBoundingClientRect().top]""")
    assert abs(top[0] - top[1]) <= 1
    assert problems == []


# --- colour ---------------------------------------------------------------------------------

COLOURS = """() => {
  const layers = element => {
    const found = [];
    for (let e = element; e; e = e.parentElement) found.push(getComputedStyle(e).backgroundColor);
    return found;
  };
  const frame = document.querySelector('.cjm-canvas-frame');
  const texts = [];
  const walker = document.createTreeWalker(frame, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, element = node.parentElement;
    if (!node.textContent.trim() || !element.getClientRects().length) continue;
    const style = getComputedStyle(element);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    texts.push({text: node.textContent.trim().slice(0, 30), colour: style.color, layers: layers(element)});
  }
  const markers = [...frame.querySelectorAll('.cjm-point, .cjm-marker, .cjm-pain-marker, .cjm-severity-chip, .cjm-swatch')]
    .filter(e => e.getClientRects().length && getComputedStyle(e).display !== 'none')
    .map(e => ({what: e.className, layers: layers(e.parentElement),
                // an assumed emotion is a dashed ring: its colour is the border's
                colour: e.classList.contains('cjm-assumed') ? getComputedStyle(e).borderTopColor
                                                            : getComputedStyle(e).backgroundColor}));
  const page = getComputedStyle(document.body).backgroundColor;
  return {texts, markers, page};
}"""


def _rgba(css: str) -> tuple[float, float, float, float]:
    numbers = [float(n) for n in re.findall(r"[-\d.]+(?:e[-\d]+)?", css)]
    if css.startswith("color(srgb"):
        r, g, b = numbers[:3]
        return r * 255, g * 255, b * 255, numbers[3] if len(numbers) > 3 else 1.0
    r, g, b = numbers[:3]
    return r, g, b, numbers[3] if len(numbers) > 3 else 1.0


def _over(top: tuple, bottom: tuple) -> tuple:
    alpha = top[3]
    return tuple(top[i] * alpha + bottom[i] * (1 - alpha) for i in range(3)) + (1.0,)


def _flatten(layers: list[str], base=(255.0, 255.0, 255.0, 1.0)) -> tuple:
    colour = base
    for css in reversed(layers):  # from the page down to the element
        colour = _over(_rgba(css), colour)
    return colour


def _contrast(a: tuple, b: tuple) -> float:
    def luminance(c):
        channels = [v / 255 for v in c[:3]]
        linear = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("persona", ["brand-manager", "online-shopper", "ten"])
def test_canvas_text_and_markers_contrast_in_light_and_dark(sites, browser, scheme, persona):
    page, problems = _open(browser, _url(sites, persona), 1440, scheme)
    is_dark = page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
    assert is_dark == (scheme == "dark")
    found = page.evaluate(COLOURS)
    low = []
    for text in found["texts"]:
        background = _flatten(text["layers"])
        colour = _over(_rgba(text["colour"]), background)
        ratio = _contrast(colour, background)
        if ratio < 4.5:
            low.append((text["text"], round(ratio, 2)))
    assert low == [], f"text under 4.5:1 in {scheme} mode"
    weak = []
    for marker in found["markers"]:
        background = _flatten(marker["layers"])
        ratio = _contrast(_over(_rgba(marker["colour"]), background), background)
        if ratio < 3:
            weak.append((marker["what"], marker["colour"], round(ratio, 2)))
    assert len(found["markers"]) > 10
    assert weak == [], f"markers under 3:1 in {scheme} mode"
    # No bright panel in dark mode: the canvas takes the page's own background.
    canvas_background = page.evaluate(
        "getComputedStyle(document.querySelector('[data-cjm-canvas]')).backgroundColor")
    assert _flatten([canvas_background]) == _flatten([found["page"]])
    assert problems == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_emotion_dots_in_tables_contrast_with_the_page(sites, browser, scheme):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.goto(f"{sites['example']}/journeys/brand-manager/awareness/")
    dots = page.evaluate("""() => [...document.querySelectorAll('article .cjm-emotion:not(.cjm-emotion-none)')]
        .map(e => [e.className, getComputedStyle(e, '::before').color,
                   getComputedStyle(document.body).backgroundColor])""")
    assert len(dots) >= 5
    for name, colour, background in dots:
        assert _contrast(_rgba(colour), _flatten([background])) >= 3, (name, colour)


# --- phone ----------------------------------------------------------------------------------

@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("persona", ["brand-manager", "ten"])
def test_phone_shows_a_card_per_stage_that_reads_without_zooming(sites, browser, scheme, persona):
    page, problems = _open(browser, _url(sites, persona), 390, scheme)
    overflow = page.evaluate(OVERFLOW)
    assert overflow["page"] <= 0 and overflow["canvas"] <= 0, overflow
    assert [t for t in page.evaluate(TEXT_SIZES) if t["size"] < 12] == []
    cards = page.evaluate(r"""() => [...document.querySelectorAll('[data-cjm-stage]')].map(head => {
        const number = head.getAttribute('style').match(/--cjm-s:(\d+)/)[1];
        const cells = [...document.querySelectorAll('[role=cell]')]
          .filter(c => (c.getAttribute('style').match(/--cjm-s:(\d+)/) || [])[1] === number)
          .filter(c => c.getClientRects().length).map(c => c.getBoundingClientRect());
        const r = head.getBoundingClientRect();
        return {top: r.top, width: r.width, cells: cells.map(c => [c.top, c.bottom, c.width])};
    })""")
    assert len(cards) >= 4
    for card, following in zip(cards, cards[1:] + [None]):
        assert card["width"] >= 330, "a card uses the width of the phone"
        assert card["cells"], "every stage card shows its lanes"
        for top, bottom, width in card["cells"]:
            assert top >= card["top"] and width >= 330
            if following is not None:  # a stage's lanes come before the next stage
                assert bottom <= following["top"] + 1
    assert problems == []


# --- print ------------------------------------------------------------------------------------

def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def _sizes(pdf: bytes) -> list[tuple[float, float]]:
    return [(float(a), float(b)) for a, b in re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)]


@pytest.mark.parametrize("persona", SIX_STAGE_EXAMPLES + ["eight"])
def test_printing_a_persona_page_gives_its_canvas_on_one_a3_landscape_sheet(sites, browser, persona):
    page, problems = _open(browser, _url(sites, persona), 1440)
    page.emulate_media(media="print")
    clipped = page.evaluate(OVERFLOW)
    assert clipped["canvas"] <= 0 and clipped["clipped"] == [], clipped
    hidden = page.evaluate("""() => [...document.querySelectorAll('.md-sidebar, .md-header, h2')]
        .filter(e => e.getClientRects().length).length""")
    assert hidden == 0, "navigation and the rest of the page stay off the poster"
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    assert _pages(pdf) == 1
    width, height = _sizes(pdf)[0]
    assert abs(width - 1190.55) < 2 and abs(height - 841.89) < 2, "A3 landscape in points"
    assert problems == []


# --- the Graphviz journey diagram under the canvas ------------------------------------------

@pytest.mark.parametrize("width", [1440, 1920])
@pytest.mark.parametrize("persona", SIX_STAGE_EXAMPLES)
def test_journey_diagram_fits_the_column_with_text_of_12_px(sites, browser, width, persona):
    page, problems = _open(browser, _url(sites, persona), width)
    found = page.evaluate("""() => {
        const svg = document.querySelector('.cjm-diagram svg');
        const scroller = svg.closest('.cjm-diagram-scroll');
        const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        const sizes = [...svg.querySelectorAll('text')].map(t => parseFloat(t.getAttribute('font-size')) * scale);
        return {overflow: scroller.scrollWidth - scroller.clientWidth, smallest: Math.min(...sizes), scale};
    }""")
    assert found["overflow"] <= 0, found
    assert found["smallest"] >= 11.99, found  # 12 px, give or take sub-pixel rounding
    assert problems == []


# --- the documentation's screenshots -----------------------------------------------------

SHOTS = REPO / "docs" / "images"
MANIFEST = SHOTS / "screenshots.json"
UPDATE_SHOTS = os.environ.get("CJM_UPDATE_SCREENSHOTS") == "1"
# name: (persona, viewport width, viewport height, colour scheme, what to capture)
SCREENSHOTS = {
    "persona-1440-light.png": ("brand-manager", 1440, 1100, "light", "viewport"),
    "persona-1440-dark.png": ("brand-manager", 1440, 1100, "dark", "viewport"),
    "persona-390-light.png": ("brand-manager", 390, 1500, "light", "viewport"),
    "persona-390-dark.png": ("brand-manager", 390, 1500, "dark", "viewport"),
    "canvas-brand-manager.png": ("brand-manager", 1440, 1100, "light", "canvas"),
}


def _inputs(page, name: str) -> str:
    """A hash of what a screenshot shows: the page's title, quote and canvas, the stylesheet,
    the theme's version and the view. Chromium and fonts are left out on purpose: they vary by
    machine, and a screenshot is stale when cjm's output changes, not when a font hints."""
    from importlib.metadata import version

    from cjm_plugin.assets import STYLESHEET

    shown = page.evaluate("""() => ['h1', '.cjm-quote', '.cjm-canvas-frame']
        .map(s => document.querySelector(s)).map(e => e ? e.outerHTML : '').join('\\n')""")
    parts = [shown, STYLESHEET, version("mkdocs-material"), json.dumps(SCREENSHOTS[name])]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def test_docs_screenshots_are_made_by_this_suite_and_up_to_date(sites, browser, tmp_path):
    """docs/images/ holds screenshots this test takes. When what they show changes, the test
    fails until they are taken again with `CJM_UPDATE_SCREENSHOTS=1 pytest -k docs_screenshots`
    (review the images, then commit them with docs/images/screenshots.json)."""
    recorded = json.loads(MANIFEST.read_text(encoding="utf-8")) if MANIFEST.is_file() else {}
    target = SHOTS if UPDATE_SHOTS else tmp_path
    target.mkdir(parents=True, exist_ok=True)
    stale, manifest = [], {}
    for name, (persona, width, height, scheme, what) in SCREENSHOTS.items():
        context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme,
                                      device_scale_factor=1)
        page = context.new_page()
        page.goto(_url(sites, persona))
        page.wait_for_selector("[data-cjm-canvas]")
        page.evaluate("document.fonts.ready")
        path = target / name
        if what == "canvas":  # the whole canvas as laid out, page not scrolled (sticky rows in place)
            box = page.evaluate("""() => { const r = document.querySelector('.cjm-canvas-frame').getBoundingClientRect();
                return {x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height}; }""")
            page.screenshot(path=str(path), full_page=True, clip=box, animations="disabled", caret="hide")
        else:
            page.screenshot(path=str(path), animations="disabled", caret="hide")
        manifest[name] = _inputs(page, name)
        context.close()
        size = path.stat().st_size
        assert size > 20_000, f"{name} looks empty ({size} bytes)"
        if not UPDATE_SHOTS and (recorded.get(name) != manifest[name] or not (SHOTS / name).is_file()):
            stale.append(name)
    if UPDATE_SHOTS:
        MANIFEST.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    assert stale == [], (
        f"docs/images is out of date for {stale}: run `CJM_UPDATE_SCREENSHOTS=1 pytest "
        "tests/test_canvas_browser.py -k docs_screenshots`, look at the images, commit them")


# The journeys index has no Graphviz diagram any more (its charts are SVG drawn directly).
@pytest.mark.parametrize("path", ["journeys/brand-manager/"])
def test_canvas_styles_never_reach_the_diagrams(sites, browser, path):
    """The diagrams' SVG shapes carry class names the canvas uses too (cjm-point, cjm-stage,
    cjm-legend...): every canvas rule is scoped to .cjm-canvas-frame, so none moves them."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(f"{sites['example']}/{path}")
    moved = page.evaluate("""() => [...document.querySelectorAll('.cjm-diagram svg :is(g.node, g.edge, g.cluster)')]
        .filter(g => { const s = getComputedStyle(g);
                       return s.transform !== 'none' || s.position !== 'static' || s.display === 'none'; })
        .map(g => g.getAttribute('class'))""")
    assert page.locator(".cjm-diagram svg g.node").count() > 10
    assert moved == []
