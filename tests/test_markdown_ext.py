"""The `cjm` Markdown extension on its own: beside the plugin (one run, the plugin's maps),
under MkDocs without the plugin (it finds the page and the maps itself), in plain
Python-Markdown, and with bad options."""

from __future__ import annotations

import logging

import markdown
import pytest
from bs4 import BeautifulSoup
from mkdocs.exceptions import Abort, ConfigurationError

from cjm_plugin.cli import main
from cjm_plugin.markdown_ext import CjmExtension
from cjm_plugin.nav import NavPage, NavSection
from cjm_plugin.generated_extras import literate_nav
from sitebuild import MINIMAL_MAP, build_site, make_site, read

REPORT = "# Report\n\n```cjm\nshow: touchpoints\npersona: m\n```\n\nAfter.\n"
EXTENSIONS = ["attr_list", "md_in_html", "admonition", "tables"]


def _links_resolve(site, page_dir, soup) -> list[str]:
    broken = []
    for a in soup.select("article a[href]"):
        href = a["href"]
        if href.startswith(("#", "http")):
            continue
        target = (site / page_dir / href.split("#")[0]).resolve()
        if not (target / "index.html").is_file() and not target.is_file():
            broken.append(href)
    return broken


def test_listed_beside_the_plugin_it_runs_once_with_the_plugins_maps(tmp_path, caplog):
    config = make_site(tmp_path, maps={"m.yml": MINIMAL_MAP}, docs={"index.md": "# Home\n", "report.md": REPORT},
                       config={"markdown_extensions": [*EXTENSIONS, {"cjm": {"maps_dir": "elsewhere"}}]})
    with caplog.at_level(logging.INFO):
        site = build_site(config)
    soup = BeautifulSoup(read(site, "report/"), "html.parser")
    assert [td.get_text() for td in soup.select("article td")].count("Checkout page") == 1
    assert len(soup.select("article table")) == 1
    assert any("the plugin runs the `cjm` Markdown extension itself" in r.getMessage() for r in caplog.records)


def test_under_mkdocs_without_the_plugin_it_finds_page_and_maps(tmp_path, monkeypatch, capsys):
    """MkDocs with `cjm generate` and the extension, as a site that moved off the plugin:
    the views' links, from a nested page, are final URLs that resolve (strict build)."""
    config = make_site(tmp_path, maps={"m.yml": MINIMAL_MAP},
                       docs={"index.md": "# Home\n", "notes/deep/report.md": REPORT},
                       config={"plugins": ["search"], "markdown_extensions": [*EXTENSIONS, "cjm"],
                               "extra_css": ["journeys/assets/cjm.css"],
                               "extra_javascript": ["journeys/assets/cjm.js"]})
    monkeypatch.chdir(tmp_path)
    assert main(["generate", "--no-nav"]) == 0
    site = build_site(config, strict=True)
    soup = BeautifulSoup(read(site, "notes/deep/report/"), "html.parser")
    assert "Checkout page" in [td.get_text() for td in soup.select("article td")]
    hrefs = [a["href"] for a in soup.select("article td a")]
    assert "../../../journeys/m/purchase/" in hrefs
    assert _links_resolve(site, "notes/deep/report", soup) == []


def test_without_the_maps_folder_each_block_says_why(tmp_path, caplog):
    config = make_site(tmp_path, docs={"index.md": "# Home\n", "report.md": REPORT},
                       config={"plugins": ["search"],
                               "markdown_extensions": [*EXTENSIONS, {"cjm": {"maps_dir": "missing"}}]})
    site = build_site(config, strict=False)
    notice = BeautifulSoup(read(site, "report/"), "html.parser").select_one("article .cjm-embed-error")
    assert "maps folder `missing` not found" in notice.get_text()
    assert "After." in read(site, "report/")
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1, "said once, not once per block"


def test_a_misused_block_fails_a_strict_build_without_the_plugin(tmp_path):
    config = make_site(tmp_path, maps={"m.yml": MINIMAL_MAP},
                       docs={"index.md": "# Home\n", "report.md": "# R\n\n```cjm\nshow: glance\npersona: nobody\n```\n"},
                       config={"plugins": ["search"], "markdown_extensions": [*EXTENSIONS, "cjm"]})
    with pytest.raises(Abort):
        build_site(config, strict=True)


@pytest.mark.parametrize("options, message", [
    ({"maps_dri": "maps"}, "unknown option `maps_dri`"),
    ({"prefix": "../out"}, "would put the generated pages outside the docs folder"),
    ({"on_missing_dot": "ignore"}, "`on_missing_dot` is `warn` or `fail`"),
    ({"dot_timeout": 0}, "from 1 to 3600"),
    ({"maps_dir": ""}, "`maps_dir` must be text"),
])
def test_bad_options_are_configuration_errors(tmp_path, caplog, options, message):
    """MkDocs reports a failing extension as a configuration error, ending with its message."""
    config = make_site(tmp_path, maps={"m.yml": MINIMAL_MAP},
                       config={"plugins": ["search"], "markdown_extensions": [{"cjm": options}]})
    with pytest.raises((ConfigurationError, Abort)):
        build_site(config)
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert any(f"cjm: " in e and message in e for e in errors), errors


def test_in_plain_python_markdown_links_are_from_the_top(tmp_path, monkeypatch, caplog):
    (tmp_path / "maps").mkdir()
    (tmp_path / "maps/m.yml").write_text(MINIMAL_MAP, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    html = markdown.Markdown(extensions=["tables", CjmExtension(diagrams=False)]).convert(REPORT)
    soup = BeautifulSoup(html, "html.parser")
    assert "Checkout page" in [td.get_text() for td in soup.select("td")]
    assert "journeys/m/purchase/" in [a["href"] for a in soup.select("td a")]
    assert any("does not say which page it renders" in r.getMessage() for r in caplog.records)


def test_literate_nav_keeps_map_text_as_text():
    tree = NavSection("", [NavPage("journeys/index.md"),
                           NavSection("[Ann](http://x) *bold* <b>", [NavPage("journeys/ann/index.md")])])
    text = literate_nav(tree, "journeys", {"journeys/index.md": "Journeys",
                                           "journeys/ann/index.md": "Ann &#91;1&#93;"})
    assert "* [Journeys](index.md)" in text
    assert "* &#91;Ann&#93;(http&#58;//x) &#42;bold&#42; &#60;b&#62;" in text
    assert "    * [Ann &#91;1&#93;](ann/index.md)" in text
