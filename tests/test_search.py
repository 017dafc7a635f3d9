"""The example site's search: what reaches `search/search_index.json`, and what a reader finds
typing into Material's search box in real Chromium."""

from __future__ import annotations

import json
import os
import re
import shutil

import pytest

from browsing import serve
from sitebuild import REPO, build_site, make_site


@pytest.fixture(scope="module")
def example_site(tmp_path_factory):
    """This repository's own site (mkdocs.yml, docs/, maps/), built in a temporary folder."""
    root = tmp_path_factory.mktemp("example")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    for folder in ("docs", "maps", "tests/golden/import", "tests/data/import"):
        shutil.copytree(REPO / folder, root / folder)
    return build_site(root / "mkdocs.yml")


def _index(site) -> dict:
    return json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))


def _svg_ids(site) -> set[str]:
    """Every id inside the diagrams of the built pages: Graphviz's graph, cluster and node ids."""
    ids: set[str] = set()
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for svg in re.findall(r"<svg\b.*?</svg>", html, re.S):
            ids.update(re.findall(r'\sid="([^"]+)"', svg))
    return ids


# Names Graphviz gives the parts of a graph, and the titles cjm gives its graphs.
INTERNALS = ("cluster_", "Stage 1, touchpoint", "Stage 1, lane", "Lane 1:", "Persona 1:",
             "Customer journey of", "Emotion curve of", "Emotion by stage, all personas", "Lane names")


def test_no_diagram_internals_in_the_search_index(example_site):
    index = _index(example_site)
    text = "\n".join(f"{doc['title']}\n{doc['text']}" for doc in index["docs"])
    for internal in INTERNALS:
        assert internal not in text, internal
    ids = {i for i in _svg_ids(example_site) if len(i) > 6}
    assert len(ids) > 400  # the diagrams are there: their ids just stay out of the index
    words = set(re.findall(r"[\w-]+", text))
    assert not ids & words, sorted(ids & words)[:10]


def test_no_diagram_internals_with_mkdocs_own_search_either(tmp_path):
    # MkDocs' own theme and search plugin ignore Material's `data-search-exclude`: the SVGs
    # carry no part names that could leak.
    config = make_site(tmp_path, example_maps=True, config={"theme": {"name": "mkdocs"}})
    site = build_site(config)
    text = json.dumps(_index(site), ensure_ascii=False)
    assert "cjm-journey" in (site / "journeys" / "brand-manager" / "index.html").read_text(encoding="utf-8")
    for internal in ("cluster_", "Stage 1, touchpoint", "Stage 1, lane", "Persona 1:"):
        assert internal not in text, internal


def test_stage_pages_outrank_the_pages_that_repeat_their_items(example_site):
    boost = {doc["location"].split("#")[0]: doc.get("boost") for doc in _index(example_site)["docs"]}
    assert boost["journeys/brand-manager/retention/"] > 1
    for page in ("journeys/touchpoints/", "journeys/backlog/", "journeys/stages/retention/"):
        assert boost[page] < 1, page
    assert boost["workshop-report/"] is None  # hand-written pages keep Material's default


def test_the_example_site_splits_chinese_and_japanese_for_search(example_site):
    separator = _index(example_site)["config"]["separator"]
    assert "\\u4e00-\\u9fff" in separator and "\\u3040-\\u30ff" in separator and "\\u200b" in separator
    # Python's `re` reads the same pattern as the browser's RegExp: one token per character.
    tokens = [t for t in re.split(separator, "王丽先打客服热线，排队 Thank-you note") if t]
    assert tokens == ["王", "丽", "先", "打", "客", "服", "热", "线", "排", "队", "Thank", "you", "note"]


# -- in the browser -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def served_example(example_site):
    server = serve(example_site)
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="module")
def search_page(served_example, browser):
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.goto(f"{served_example}/")
    yield page
    page.close()


def _search(page, query: str) -> list[str]:
    """The result pages, in the order Material lists them, for `query` typed in its box."""
    page.locator("label.md-search__icon, .md-search__input").first.click()
    box = page.locator("input.md-search__input")
    results = page.locator("li.md-search-result__item > a.md-search-result__link")
    box.fill("")
    box.press("End")  # Material searches on keyboard events; `fill` alone sends none
    page.wait_for_function("!document.querySelector('li.md-search-result__item')", timeout=15000)
    box.fill(query)
    box.press("End")
    results.first.wait_for(timeout=15000)
    hrefs: list[str | None] = []
    for _ in range(40):  # until the list stops changing: each keystroke searches again
        page.wait_for_timeout(250)
        now = [results.nth(n).get_attribute("href") for n in range(results.count())]
        if now == hrefs:
            break
        hrefs = now
    page.keyboard.press("Escape")
    return [re.sub(r"^https?://[^/]+/", "", href or "") for href in hrefs]


@pytest.mark.browser
@pytest.mark.parametrize("query, page_url", [
    ("Thank-you note", "journeys/brand-manager/retention/"),        # a touchpoint
    ("maker's mark", "journeys/brand-manager/awareness/"),          # in a pain point
    ("QR plate", "journeys/brand-manager/awareness/"),              # in an opportunity
    ("客服热线", "journeys/software-customer/retention/"),            # Chinese, no spaces
])
def test_an_item_searched_by_its_text_finds_its_stage_page_first(search_page, query, page_url):
    found = _search(search_page, query)
    assert found[0] == page_url, found[:5]


@pytest.mark.browser
@pytest.mark.parametrize("query, page_url", [
    ("touchpoint inventory", "journeys/touchpoints/"),
    ("Opportunity portfolio", "journeys/portfolio/"),
    ("blueprint lanes", "canvas/"),
])
def test_boosted_stage_pages_do_not_bury_pages_searched_by_their_title(search_page, query, page_url):
    assert _search(search_page, query)[0] == page_url


# The reader's view of the Chinese example map: its built-in words are Chinese, and no line of
# its text starts with a full-width comma (a folded YAML line left a space that wrapped there).
LINE_STARTS = r"""() => {
  // Each full-width punctuation mark in the canvas: does it start a line (true) or follow
  // the character before it on the same line (false)?
  const found = [];
  const top = (node, i) => {
    const range = document.createRange();
    range.setStart(node, i); range.setEnd(node, i + 1);
    const rect = range.getClientRects()[0];
    return rect ? rect.top : null;
  };
  const walker = document.createTreeWalker(document.querySelector('.cjm-canvas'), NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent;
    for (let i = 0; i < text.length; i++) {
      if (!'，。、：；'.includes(text[i])) continue;
      let j = i - 1;
      while (j >= 0 && /\s/.test(text[j])) j--;
      const here = top(node, i);
      if (here === null) continue;
      found.push(j < 0 || here > top(node, j) + 2);
    }
  }
  return found;
}"""


@pytest.mark.browser
@pytest.mark.parametrize("width", [1440, 390])
def test_the_chinese_map_reads_in_chinese_without_stray_line_starts(search_page, served_example, width,
                                                                     tmp_path):
    page = search_page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{served_example}/journeys/software-customer/")
    labels = [t.strip() for t in page.locator(".cjm-canvas .cjm-label-text").all_inner_texts()]
    assert {"行为", "触点", "想法", "情绪", "痛点", "机会点"} <= set(labels)
    assert "Touchpoints" not in labels
    starts = page.evaluate(LINE_STARTS)
    assert len(starts) > 20 and not any(starts)
    summary = page.locator("article p", has_text="佛山").first.inner_text()
    assert "买了账管家进销存软件" in summary and "问题，她" in summary
    if os.environ.get("CJM_UPDATE_SCREENSHOTS") and width == 1440:
        page.evaluate("window.scrollTo(0, 0)")
        box = page.locator(".cjm-canvas-frame").first.bounding_box()
        page.screenshot(path=str(REPO / "docs/images/languages-zh-canvas.png"), full_page=True,
                        clip={"x": 0, "y": box["y"] - 8, "width": width, "height": min(box["height"], 1000)})
    page.set_viewport_size({"width": 1440, "height": 900})
