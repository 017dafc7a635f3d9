"""`cjm` blocks in hand-written pages: every view, inside admonitions and tabs, every misuse."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from mkdocs.exceptions import Abort

from sitebuild import build_site, make_site, read

MAPS = {
    "ann.yml": """\
        persona:
          name: Ann Buyer
        stages:
          - name: Awareness
            touchpoints:
              - {name: Poster on the metro, channel: print, owner: Marketing}
            pain_points:
              - {text: Poster has no web address, severity: high}
            opportunities:
              - {text: Add a QR code, owner: Marketing, status: planned}
          - name: Purchase
            touchpoints:
              - {name: Checkout page, channel: web, owner: Product}
            pain_points:
              - {text: Fees appear late, severity: medium}
            opportunities:
              - {text: Show fees up front, owner: Product, status: idea}
        """,
    "bob.yml": """\
        persona:
          name: Bob Browser
        stages:
          - name: Purchase
            touchpoints:
              - {name: Price comparison site, channel: web, owner: Marketing}
            pain_points:
              - {text: Cannot compare plans, severity: high}
        """,
}

EXTENSIONS = ["admonition", "attr_list", "md_in_html", "tables", "pymdownx.details",
              "pymdownx.superfences", {"pymdownx.tabbed": {"alternate_style": True}}]


def _site(tmp_path, page: str, config: dict | None = None):
    settings = {"markdown_extensions": EXTENSIONS}
    settings.update(config or {})
    return make_site(tmp_path, maps=MAPS, docs={"index.md": "# Home\n", "report.md": page}, config=settings)


def _cells(html: str) -> list[str]:
    return [td.get_text(" ", strip=True) for td in BeautifulSoup(html, "html.parser").select("article td")]


def test_every_table_view_renders(tmp_path):
    page = """\
        # Report

        ```cjm
        show: glance
        persona: ann
        ```

        ```cjm
        show: touchpoints
        persona: ann
        stage: purchase
        ```

        ```cjm
        show: pain-points
        severity: high
        ```

        ```cjm
        show: opportunities
        owner: Product
        ```

        ```cjm
        show: touchpoints
        channel: web
        ```
        """
    site = build_site(_site(tmp_path, page))
    html = read(site, "report/")
    cells = _cells(html)
    assert "Awareness" in cells and "Purchase" in cells                     # glance
    assert "Checkout page" in cells                                          # one stage
    assert "Poster has no web address" in cells and "Cannot compare plans" in cells
    assert "Fees appear late" not in cells                                   # severity filter
    assert "Show fees up front" in cells and "Add a QR code" not in cells    # owner filter
    last_table = [td.get_text(" ", strip=True)
                  for td in BeautifulSoup(html, "html.parser").select("article table")[-1].select("td")]
    assert "Price comparison site" in last_table and "Poster on the metro" not in last_table
    assert "CJMEMBED" not in html and "```cjm" not in html


def test_links_in_embeds_resolve_from_a_nested_page(tmp_path):
    page = "# Nested\n\n```cjm\nshow: pain-points\n```\n"
    config = make_site(tmp_path, maps=MAPS, docs={"index.md": "# Home\n", "notes/deep/report.md": page})
    site = build_site(config)
    soup = BeautifulSoup(read(site, "notes/deep/report/"), "html.parser")
    hrefs = [a["href"] for a in soup.select("article td a")]
    assert "../../../journeys/ann/awareness/" in hrefs
    for href in hrefs:
        assert (site / "notes/deep/report" / href / "index.html").resolve().is_file(), href


def test_canvas_embed_links_its_stages_from_the_embedding_page(tmp_path):
    page = "# Wall\n\n```cjm\nshow: canvas\npersona: ann\n```\n"
    config = make_site(tmp_path, maps=MAPS, docs={"index.md": "# Home\n", "notes/deep/wall.md": page})
    site = build_site(config)
    soup = BeautifulSoup(read(site, "notes/deep/wall/"), "html.parser")
    canvas = soup.select_one('article [data-cjm-canvas="ann"]')
    assert canvas is not None and canvas.select('[data-cjm-lane="touchpoints"]')
    hrefs = [a["href"] for a in canvas.select("[data-cjm-stage] a")]
    assert "../../../journeys/ann/awareness/" in hrefs
    for href in hrefs:
        assert (site / "notes/deep/wall" / href / "index.html").resolve().is_file(), href
    # An embedded canvas does not widen the page it sits in (only persona pages do).
    assert soup.select_one(".cjm-canvas-wide") is None


def test_embeds_work_inside_admonitions_and_content_tabs(tmp_path):
    page = """\
        # Report

        !!! note "Decided here"

            ```cjm
            show: touchpoints
            persona: ann
            stage: awareness
            ```

        === "Marketing"

            ```cjm
            show: opportunities
            owner: Marketing
            ```

        === "Product"

            ```cjm
            show: opportunities
            owner: Product
            ```
        """
    site = build_site(_site(tmp_path, page))
    soup = BeautifulSoup(read(site, "report/"), "html.parser")
    admonition = soup.select_one("article .admonition")
    assert "Poster on the metro" in [td.get_text() for td in admonition.select("td")]
    tabs = soup.select("article .tabbed-block")
    assert "Add a QR code" in tabs[0].get_text() and "Show fees up front" in tabs[1].get_text()


def test_blocks_stay_readable_without_the_plugin(tmp_path):
    page = "# Report\n\n```cjm\nshow: glance\npersona: ann\n```\n"
    site = build_site(_site(tmp_path, page, {"plugins": ["search"]}))
    code = BeautifulSoup(read(site, "report/"), "html.parser").select_one("article pre").get_text()
    assert "show: glance" in code and "persona: ann" in code


def test_embed_in_a_page_left_out_of_the_nav(tmp_path):
    page = "# Hidden\n\n```cjm\nshow: glance\npersona: bob\n```\n"
    config = make_site(tmp_path, maps=MAPS, docs={"index.md": "# Home\n", "hidden.md": page},
                       config={"nav": ["index.md"], "not_in_nav": "hidden.md"})
    site = build_site(config)
    assert "Purchase" in _cells(read(site, "hidden/"))


# (block, message, where the message points: the option it is about, or the opening fence)
MISUSES = [
    ("show: glance\npersona: anne", "unknown persona `ann` ", "7:10"),
    ("show: glance\npersona: anne", "unknown persona `anne` (did you mean `ann`?); personas: `ann`, `bob`", "7:10"),
    ("show: glanse\npersona: ann", "unknown view `glanse` (did you mean `glance`", "6:7"),
    ("persona: ann", "add `show:` with one of", "5:1"),
    ("show: glance", "`glance` needs `persona:` with one of `ann`, `bob`", "5:1"),
    ("show: touchpoints\nchanel: web", "`touchpoints` takes no option `chanel` (did you mean `channel`?)", "7:9"),
    ("show: touchpoints\nchannel: webb", "no item has channel `webb` (did you mean `web`?); channels in use: `print`, `web`", "7:10"),
    ("show: touchpoints\npersona: ann\nstage: purchse", "unknown stage `purchse` of `ann` (did you mean `purchase`?)", "8:8"),
    ("show: pain-points\nseverity: urgent", "severity `urgent` is not `low`, `medium` or `high`", "7:11"),
    ("show: opportunities\nowner: Sales", "no item has owner `Sales`", "7:8"),
    ("show: [glance", "the block is not valid YAML", "6:7"),
    ("just text", "write the block as `key: value` lines", "6:1"),
    ("show: glance\npersona:", "`persona` is empty", "7:9"),
    ("show: [glance, journey]\npersona: ann", "`show` must be text, not a list", "6:7"),
    ("show: {a: b}\npersona: ann", "`show` must be text, not a mapping", "6:7"),
    ("show: glance\npersona: no", "unknown persona `no`", "7:10"),  # YAML 1.1 read `no` as False
    ("show: glance\npersona: ann\npersona: bob", "duplicate key `persona` (first at line 2)", "8:1"),
]


@pytest.mark.parametrize("body, message, at", [m for m in MISUSES if m[1] != "unknown persona `ann` "])
def test_misuse_is_a_warning_with_page_line_and_nearest_names(tmp_path, caplog, body, message, at):
    page = f"# Report\n\nIntro.\n\n```cjm\n{body}\n```\n\nThe rest of the page.\n"
    site = build_site(_site(tmp_path, page), strict=False)
    warnings = [r.getMessage() for r in caplog.records if "cjm block" in r.getMessage()]
    assert len(warnings) == 1, warnings
    assert warnings[0].startswith(f"docs/report.md:{at}: cjm block: "), warnings[0]
    assert message in warnings[0]
    soup = BeautifulSoup(read(site, "report/"), "html.parser")
    assert message in soup.select_one("article .cjm-embed-error").get_text()
    assert "The rest of the page." in soup.get_text()


def test_misuse_fails_a_strict_build(tmp_path):
    with pytest.raises(Abort):
        build_site(_site(tmp_path, "# R\n\n```cjm\nshow: glance\npersona: nobody\n```\n"))


def test_line_numbers_count_front_matter(tmp_path, caplog):
    page = "---\ntitle: Report\n---\n\n# Report\n\n```cjm\nshow: nothing\n```\n"
    build_site(_site(tmp_path, page), strict=False)
    assert any(r.getMessage().startswith("docs/report.md:8:7: cjm block: unknown view")
               for r in caplog.records)


def test_the_example_site_uses_every_view():
    from pathlib import Path

    from cjm_plugin.embeds import VIEWS, extract

    page = (Path(__file__).parent.parent / "docs" / "workshop-report.md").read_text(encoding="utf-8")
    used = {embed.options["show"] for embed in extract(page).embeds.values()}
    assert used == set(VIEWS)
