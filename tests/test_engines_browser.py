"""The journey canvas on a site that Zensical built from `cjm generate`, in real headless
Chromium: the same checks as under MkDocs (test_canvas_browser.py), on Zensical's own theme.

Zensical runs no MkDocs plugin, so nothing lifts the canvas out of the Markdown there: it
reaches Python-Markdown as raw HTML between rawblocks' comment markers, and its stylesheet
comes from `extra_css`. These tests see what a reader of that site sees.
"""

from __future__ import annotations

import pytest

from browsing import BROWSER_MARKS, serve
from test_canvas_browser import (COLOURS, GEOMETRY, OVERFLOW, TEXT_SIZES,
                                 _contrast, _flatten, _over, _rgba)
from test_engines import command, copy_example, run

pytestmark = BROWSER_MARKS
playwright = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The base URL of this repository's site, built by Zensical as docs/engines.md says."""
    root = copy_example(tmp_path_factory.mktemp("zensical-browser"))
    run([command("cjm"), "generate"], root)
    run([command("zensical"), "build", "--strict", "--clean"], root)
    server = serve(root / "site")
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def _open(browser, url: str, width: int, scheme: str = "light"):
    context = browser.new_context(viewport={"width": width, "height": 1000}, color_scheme=scheme)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
    page.goto(url)
    page.wait_for_selector("[data-cjm-canvas]")
    return page, problems


@pytest.mark.parametrize("persona", ["brand-manager", "online-shopper"])
def test_zensical_persona_page_shows_the_canvas_aligned_at_1440(site, browser, persona):
    page, problems = _open(browser, f"{site}/journeys/{persona}/", 1440)
    # Full width, as the plugin's page asks in its front matter (`hide: navigation, toc`).
    assert page.evaluate("document.querySelector('.md-sidebar--primary')?.getClientRects().length || 0") == 0
    found = page.evaluate(GEOMETRY)
    heads = found["heads"]
    assert len(heads) >= 4 and found["points"] and found["lanes"]
    for point in found["points"]:
        assert abs(point["x"] - point["column"]) <= 2, point
    for lane in found["lanes"]:
        assert len(lane["cells"]) == len(heads), lane["lane"]
        for (left, right), (head_left, head_right) in zip(lane["cells"], heads):
            assert abs(left - head_left) <= 2 and abs(right - head_right) <= 2, lane["lane"]
    overflow = page.evaluate(OVERFLOW)
    assert overflow["page"] <= 0 and overflow["canvas"] <= 0 and overflow["clipped"] == [], overflow
    assert [t for t in page.evaluate(TEXT_SIZES) if t["size"] < 12] == []
    # A stage header leads to that stage's page.
    first_stage = page.locator("[data-cjm-stage]").first.get_attribute("data-cjm-stage")
    page.locator("[data-cjm-stage] a.cjm-stage-name").first.click()
    page.wait_for_load_state()
    assert page.url == f"{site}/journeys/{persona}/{first_stage}/"
    assert page.locator("article h1").count() == 1
    assert problems == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_zensical_canvas_reads_in_light_and_dark(site, browser, scheme):
    page, problems = _open(browser, f"{site}/journeys/brand-manager/", 1440, scheme)
    found = page.evaluate(COLOURS)
    low = []
    for text in found["texts"]:
        background = _flatten(text["layers"])
        ratio = _contrast(_over(_rgba(text["colour"]), background), background)
        if ratio < 4.5:
            low.append((text["text"], round(ratio, 2)))
    assert low == [], f"text under 4.5:1 in {scheme} mode"
    weak = [m["what"] for m in found["markers"]
            if _contrast(_over(_rgba(m["colour"]), _flatten(m["layers"])), _flatten(m["layers"])) < 3]
    assert len(found["markers"]) > 10 and weak == []
    assert problems == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_zensical_canvas_on_a_phone_is_a_card_per_stage(site, browser, scheme):
    page, problems = _open(browser, f"{site}/journeys/brand-manager/", 390, scheme)
    overflow = page.evaluate(OVERFLOW)
    assert overflow["page"] <= 0 and overflow["canvas"] <= 0, overflow
    assert [t for t in page.evaluate(TEXT_SIZES) if t["size"] < 12] == []
    widths = page.evaluate("[...document.querySelectorAll('[data-cjm-stage]')].map(e => e.getBoundingClientRect().width)")
    assert len(widths) >= 4 and min(widths) >= 330
    assert problems == []


def test_zensical_canvas_view_in_a_hand_written_page(site, browser):
    """The ```cjm show: canvas``` block of the workshop report, by the `cjm` extension."""
    page, problems = _open(browser, f"{site}/workshop-report/", 1440)
    assert page.locator("article [data-cjm-canvas]").count() == 1
    overflow = page.evaluate(OVERFLOW)
    assert overflow["page"] <= 0 and overflow["clipped"] == [], overflow
    page.locator("[data-cjm-stage] a.cjm-stage-name").first.click()
    page.wait_for_load_state()
    assert page.url == f"{site}/journeys/brand-manager/awareness/"
    assert problems == []
