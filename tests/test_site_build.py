"""The MkDocs plugin on real sites: pages, links, escaping, determinism, failures."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup
from mkdocs.exceptions import Abort

from cjm_plugin.catalog import load_project
from sitebuild import MINIMAL_MAP, REPO, build_site, make_site, read


@pytest.fixture(scope="module")
def example_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("example")
    config = make_site(root, example_maps=True)
    return build_site(config)


@pytest.fixture(scope="module")
def example_project():
    return load_project([REPO / "maps"])


def test_every_generated_page_exists(example_site, example_project):
    assert (example_site / "journeys/index.html").is_file()
    assert (example_site / "journeys/touchpoints/index.html").is_file()
    assert (example_site / "journeys/backlog/index.html").is_file()
    assert (example_site / "journeys/stages/index.html").is_file()
    for loaded in example_project.maps:
        assert (example_site / f"journeys/{loaded.id}/index.html").is_file()
        for stage in loaded.map.stages:
            assert (example_site / f"journeys/{loaded.id}/{stage.id}/index.html").is_file(), stage.id
    assert (example_site / "journeys/stages/awareness/index.html").is_file()


def test_touchpoints_land_on_their_stage_page_and_inventory(example_site, example_project):
    inventory = BeautifulSoup(read(example_site, "journeys/touchpoints/"), "html.parser").get_text()
    for loaded in example_project.maps:
        for stage in loaded.map.stages:
            page = BeautifulSoup(read(example_site, f"journeys/{loaded.id}/{stage.id}/"), "html.parser")
            cells = [td.get_text() for td in page.select("article table td")]
            for touchpoint in stage.touchpoints:
                assert touchpoint.name in cells, (loaded.id, stage.id, touchpoint.name)
                assert touchpoint.name in inventory


def test_persona_page_opens_with_the_canvas_on_the_full_width(example_site, example_project):
    with_lanes = next(m for m in example_project.maps if m.map.lanes)
    page = BeautifulSoup(read(example_site, f"journeys/{with_lanes.id}/"), "html.parser")
    article = page.select_one("article")
    # Title, the health line (the example maps have a rules file), quote, then the canvas:
    # before any other section of the page.
    blocks = [e for e in article.find_all(recursive=False) if e.name not in ("a",)]
    names = ["canvas" if "cjm-canvas-frame" in (e.get("class") or []) else
             "health" if e.select_one(".cjm-health-line") else e.name for e in blocks]
    assert names[:4] == ["h1", "health", "blockquote", "canvas"], names[:5]
    canvas = article.select_one(f'[data-cjm-canvas="{with_lanes.id}"]')
    for lane in with_lanes.map.lanes:
        assert lane.name in canvas.get_text()
    # The canvas shows the journey and the blueprint: the old tables are gone.
    headings = [h.get_text(strip=True).rstrip("¶") for h in page.select("article h2")]
    assert "Journey at a glance" not in headings and "Service blueprint" not in headings
    assert "Journey diagram" in headings
    # No navigation or table of contents beside it (Material's `hide:` front matter).
    assert page.select_one(".md-sidebar--primary")["hidden"] is not None
    assert page.select_one(".md-sidebar--secondary")["hidden"] is not None


def test_persona_full_width_can_be_turned_off(tmp_path):
    config = make_site(tmp_path, maps={"minimal.yml": MINIMAL_MAP},
                       config={"plugins": ["search", {"cjm": {"persona_full_width": False}}]})
    page = BeautifulSoup(read(build_site(config), "journeys/minimal/"), "html.parser")
    assert page.select_one("[data-cjm-canvas]") is not None
    assert page.select_one(".cjm-canvas-wide") is None
    assert not page.select_one(".md-sidebar--primary").has_attr("hidden")


def test_unicode_map_end_to_end(example_site, example_project):
    non_ascii = [m for m in example_project.maps if not m.map.persona.name.isascii()]
    assert non_ascii, "the examples need a non-English map"
    loaded = non_ascii[0]
    page = read(example_site, f"journeys/{loaded.id}/")
    assert loaded.map.persona.name in page
    assert loaded.map.stages[0].name in page


def _internal_links(site: Path, page_file: Path):
    html = page_file.read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    for element in soup.find_all(["a", "link"], href=True):
        yield element["href"]
    for element in soup.find_all(attrs={"xlink:href": True}):
        yield element["xlink:href"]


def test_every_internal_link_in_generated_pages_resolves(example_site):
    checked = 0
    for page_file in (example_site / "journeys").rglob("*.html"):
        for href in _internal_links(example_site, page_file):
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith(("#", "mailto:")):
                continue
            target = (page_file.parent / unquote(parts.path)).resolve()
            if href.endswith("/") or target.is_dir():
                target = target / "index.html"
            assert target.is_file(), f"{page_file.relative_to(example_site)} links to missing {href}"
            checked += 1
    assert checked > 200


def test_edit_link_opens_the_yaml_source(tmp_path):
    config = make_site(tmp_path, maps={"minimal.yml": MINIMAL_MAP}, config={
        "repo_url": "https://git.example.org/team/site", "edit_uri": "edit/main/docs/",
        "theme": {"name": "material", "features": ["content.action.edit"]}})
    site = build_site(config)
    page = BeautifulSoup(read(site, "journeys/minimal/awareness/"), "html.parser")
    edit = page.select_one('a[title="Edit this page"]')
    assert edit["href"] == "https://git.example.org/team/site/edit/main/maps/minimal.yml"


def test_generated_pages_are_searchable(example_site):
    index = json.loads((example_site / "search/search_index.json").read_text(encoding="utf-8"))
    locations = {doc["location"] for doc in index["docs"]}
    assert any(loc.startswith("journeys/brand-manager/") for loc in locations)
    assert "Networking events and conferences" in json.dumps(index, ensure_ascii=False)


def _digest(site: Path) -> dict[str, str]:
    return {
        str(p.relative_to(site)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file() and not p.name.startswith("sitemap.xml")
    }


def test_two_builds_are_byte_identical(tmp_path):
    config = make_site(tmp_path, example_maps=True)
    first = _digest(build_site(config, site_dir=tmp_path / "one"))
    second = _digest(build_site(config, site_dir=tmp_path / "two"))
    assert first == second


HOSTILE = r"""
persona:
  name: "<script>alert('name')</script> Eve | the {{ tester }}"
  summary: "[click](javascript:alert(1)) <img src=x onerror=alert(2)> {: onclick=\"alert(3)\" }"
  quote: "\"quoted\" \\ back | pipe"
  profile: {"<b>key</b>": "<i>value</i> | cell"}
  goals: ["{% raw %}{{ config }}{% endraw %}", "![img](data:text/html,evil)"]
scenario: |
  Line one
  <iframe src="https://evil.example"></iframe>

  | a | b |
stages:
  - name: "Sign </td></tr></table> up"
    id: sign-up
    feeling: "\"]; a -> b ["
    actions: ["<svg onload=alert(4)>", ":smile: @someone #12"]
    touchpoints:
      - name: "<img src=x onerror=alert(5)> | split"
        channel: "web<script>"
        owner: "Ops\nTeam"
        description: "**bold** [ok](https://example.org) [bad](JaVaScRiPt:alert(6))"
    pain_points:
      - {text: "<script>alert(7)</script>", severity: high}
    opportunities:
      - {text: "Fix & ship", owner: "<b>me</b>", status: "in progress", link: "https://example.org/?a=1&b=<x>"}
    metrics:
      - {name: "<em>rate</em>", value: 20, unit: "%<script>"}
"""


def test_hostile_text_is_escaped_everywhere(tmp_path):
    config = make_site(tmp_path, maps={"eve.yml": HOSTILE})
    site = build_site(config)
    for page_file in (site / "journeys").rglob("*.html"):
        soup = BeautifulSoup(page_file.read_text(encoding="utf-8"), "html.parser")
        article = soup.select_one("article")
        assert article is not None
        for element in article.find_all(True):
            assert element.name not in ("script", "iframe", "img", "embed", "object"), (page_file, element)
            for attribute, value in element.attrs.items():
                assert not attribute.lower().startswith("on"), (page_file, element)
                if attribute in ("href", "src", "xlink:href"):
                    assert not str(value).strip().lower().startswith(("javascript:", "data:")), value
    stage = BeautifulSoup(read(site, "journeys/eve/sign-up/"), "html.parser")
    text = stage.get_text()
    assert "<img src=x onerror=alert(5)> | split" in [td.get_text() for td in stage.select("article td")]
    assert "<script>alert(7)</script>" in text
    assert "Sign </td></tr></table> up" in stage.select_one("article h1").get_text()
    persona = BeautifulSoup(read(site, "journeys/eve/"), "html.parser")
    assert "{{ config }}" in persona.get_text()
    assert "<i>value</i> | cell" in [td.get_text() for td in persona.select("article td")]
    assert persona.select_one("article strong") is None or "bold" not in persona.get_text()
    assert stage.select_one("article td strong").get_text() == "bold"  # Markdown still works


def test_raw_html_allowed_by_option(tmp_path):
    config = make_site(tmp_path, maps={"m.yml": MINIMAL_MAP.replace(
        "name: Minimal persona", "name: Minimal persona\n  summary: 'Uses <kbd>Ctrl</kbd>'")},
        config={"plugins": ["search", {"cjm": {"allow_html": True}}]})
    site = build_site(config)
    assert "<kbd>Ctrl</kbd>" in read(site, "journeys/m/")


BROKEN = """\
persona:
  name: Broken
stages:
  - name: Awareness
    emotion: 7
"""


def test_broken_map_fails_the_build_with_file_line_column(tmp_path, caplog):
    config = make_site(tmp_path, maps={"good.yml": MINIMAL_MAP, "broken.yml": BROKEN})
    with pytest.raises(Abort):
        build_site(config, strict=False)
    assert "maps/broken.yml:5:14: `emotion` is 7, out of range" in caplog.text


def test_on_invalid_map_warn_builds_the_good_maps_with_a_notice(tmp_path):
    config = make_site(tmp_path, maps={"good.yml": MINIMAL_MAP, "broken.yml": BROKEN},
                       config={"plugins": ["search", {"cjm": {"on_invalid_map": "warn"}}]})
    site = build_site(config, strict=False)
    assert (site / "journeys/good/index.html").is_file()
    notice = BeautifulSoup(read(site, "journeys/"), "html.parser").select_one(".cjm-problems")
    assert "maps/broken.yml:5:14: `emotion` is 7" in notice.get_text()
    with pytest.raises(Abort):  # the same site under --strict
        build_site(config, strict=True, site_dir=tmp_path / "strict")


def test_bad_plugin_option_is_a_config_error(tmp_path):
    config = make_site(tmp_path, maps={"m.yml": MINIMAL_MAP},
                       config={"plugins": [{"cjm": {"nav": "everything"}}]})
    with pytest.raises(Abort):
        build_site(config)


def test_hand_written_nav_places_the_section(tmp_path):
    config = make_site(tmp_path, maps={"m.yml": MINIMAL_MAP},
                       docs={"index.md": "# Home\n", "about.md": "# About\n"},
                       config={"nav": ["index.md", {"Our customers": "journeys/index.md"}, "about.md"]})
    site = build_site(config)
    soup = BeautifulSoup(read(site, "about/"), "html.parser")
    labels = [a.get_text(" ", strip=True) for a in soup.select("nav.md-nav--primary a.md-nav__link")]
    joined = " | ".join(labels)
    assert joined.index("Our customers") < joined.index("About")
    assert "Minimal persona" in joined


def test_auto_nav_lists_stages_in_journey_order(tmp_path):
    config = make_site(tmp_path, maps={"m.yml": MINIMAL_MAP.replace("Awareness", "Zebra stage")})
    site = build_site(config)
    soup = BeautifulSoup(read(site, ""), "html.parser")
    labels = [a.get_text(" ", strip=True) for a in soup.select("nav.md-nav--primary .md-nav__link")]
    zebra = next(i for i, t in enumerate(labels) if t.startswith("Zebra stage"))
    purchase = next(i for i, t in enumerate(labels) if t.startswith("Purchase"))
    assert zebra < purchase  # journey order, not alphabetical


def test_tags_option_feeds_material_tags(tmp_path):
    config = make_site(tmp_path, maps={"m.yml": MINIMAL_MAP},
                       config={"plugins": ["search", "tags", {"cjm": {"tags": True}}]})
    site = build_site(config)
    page = read(site, "journeys/m/purchase/")
    assert re.search(r'class="md-tag[^"]*"[^>]*>\s*web', page) or "md-tag" in page


def test_nothing_is_written_into_docs_or_maps(tmp_path):
    config = make_site(tmp_path, example_maps=True)
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file()}
    build_site(config)
    after = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")
             if p.is_file() and "site" not in p.relative_to(tmp_path).parts[:1]
             and ".cache" not in p.relative_to(tmp_path).parts[:1]}
    assert after == before


def test_edit_link_without_repo_url_is_folded(tmp_path):
    config = make_site(tmp_path, maps={"minimal.yml": MINIMAL_MAP}, config={
        "edit_uri": "https://git.example.org/team/site/edit/main/docs/",
        "theme": {"name": "material", "features": ["content.action.edit"]}})
    site = build_site(config)
    edit = BeautifulSoup(read(site, "journeys/minimal/"), "html.parser").select_one('a[title="Edit this page"]')
    assert edit["href"] == "https://git.example.org/team/site/edit/main/maps/minimal.yml"


def test_table_emotion_dots_use_the_marker_colours():
    # The diagrams' pale fills were 1.3:1 against white as dots; tables now use the canvas'
    # markers (contrast measured in tests/test_canvas_browser.py).
    from cjm_plugin.assets import EMOTION_MARKERS, STYLESHEET

    for value in EMOTION_MARKERS["light"]:
        slug = f"m{-value}" if value < 0 else str(value)
        assert f".cjm-emotion-{value + 2}::before {{ color: var(--cjm-emo-{slug}); }}" in STYLESHEET
        for scheme in ("light", "dark"):
            assert f"--cjm-emo-{slug}: {EMOTION_MARKERS[scheme][value]};" in STYLESHEET
